"""Build the ucc form templates (业务协议书, 防诈骗承诺函, 目的码实名制承诺书) as DOCX, one run per jinja tag.

An optional helper, not a source of truth: the DOCX files in templates/ are, and may be edited in Word,
WPS or LibreOffice. Running this writes fresh copies to --out (required), overwriting such edits there.

    python tools/make_templates_ucc.py --out templates/ucc

The wording is the project's own: it covers the points, fields, obligations and signature places of a
provider's paperwork (seeds/004) without reproducing it. Page set-up, fonts and tables come from
tools/docx_kit.py, shared by every kind's builder, so that every kind's forms look alike.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx_kit import (  # noqa: E402  (the kit lives beside this script)
    CENTER,
    LABEL_PAGE_BOTTOM_MM,
    SEAL_GAP_MM,
    TEXT_WIDTH_MM,
    WU,
    XIAOER,
    XIAOSI,
    XIAOWU,
    Grid,
    R,
    borderless,
    end_after_table,
    info_table,
    label,
    loop_rows,
    new_document,
    par,
    repeat_header,
    seal_line,
    tag,
    title,
    write_forms,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "templates" / "ucc"
CELL_PAD_MM = 85 * 25.4 / 1440  # Grid's left/right cell margin (85 twips)


# --------------------------------------------------------------------------- shared pieces


def titled(doc: DocxDocument, text: str, subtitle: str = "") -> None:
    title(doc, text, size=XIAOER, after_mm=2 if subtitle else 5)
    if subtitle:
        par(doc, subtitle, size=XIAOSI, align=CENTER, after_mm=5)


def spacer(doc: DocxDocument, mm: float) -> None:
    """An empty paragraph of a given height (keeps the following block with it)."""
    par(doc, "", size=1, after_mm=mm, keep_next=True)


# --------------------------------------------------------------------------- 业务协议书

AGREEMENT_PREAMBLE = (
    "甲乙双方依据《中华人民共和国民法典》《中华人民共和国电信条例》等法律法规，就乙方向甲方提供企业融合通信管理平台"
    "服务的有关事项，本着平等自愿、诚实信用的原则，经协商一致，订立本协议，由双方共同遵守。"
)

# (heading, clauses); a clause is one paragraph and may hold jinja tags.
AGREEMENT_CLAUSES: list[tuple[str, list[str]]] = [
    (
        "二、付款方式与服务期限",
        [
            "2.1 甲方应自本协议签订之日起 3 个工作日内，将上述合计金额一次性付至乙方账户（户名："
            "{{ ucc.provider.name }}；开户银行：{{ ucc.provider.bank }}；账号：{{ ucc.provider.account }}）。",
            "2.2 服务期限自 {{ start_date }}起至 {{ end_date }}止。期满前双方均未书面表示不再续约的，"
            "本协议按原期限顺延，顺延次数不限，顺延期间双方权利义务不变。",
            "2.3 套餐到期或预存话费用完时，甲方应及时续费；未续费的，乙方可暂停服务。"
            "暂停满 7 日仍未续费的，视为甲方放弃该业务号码，本协议随之终止。",
            "2.4 甲方所付款项专用于本协议约定的服务，不能转作他用；服务期满时未用完的通话费用不予保留。",
        ],
    ),
    (
        "三、甲方的权利和义务",
        [
            "3.1 合法使用：甲方应遵守国家法律法规和电信管理规定，只在营业执照核准的经营范围内，按本协议约定的用途使用"
            "业务号码和平台功能。",
            "3.2 实名登记：甲方应提供真实有效的营业执照、法定代表人身份证件等资料（复印件加盖公章），如实填写"
            "《“防范和打击通讯信息诈骗”承诺函》和《目的码实名制承诺书》，所绑定的落地号码均应为实名登记号码。"
            "甲方应在付款后 7 日内交齐资料；逾期未交的，乙方可为甲方改配同类业务号码。",
            "3.3 防范诈骗：甲方不得利用本业务从事或协助通讯信息诈骗、骚扰呼叫、传播违法信息等活动，不得改号、"
            "隐藏主叫号码或自动群呼，并应配合乙方和基础电信企业的核查、投诉处理及有关部门的调查。",
            "3.4 不得转让：业务号码仅限甲方自用，甲方不得转让、出租、转售或交由他人使用。单位名称、法定代表人等"
            "登记事项变更的，甲方应在变更后 10 日内书面通知乙方并办理变更手续。",
            "3.5 按时付款：甲方应按本协议约定足额、按时支付费用；逾期未付的，乙方可暂停服务。",
            "3.6 账号安全：甲方应妥善保管平台账号和密码，保证自用电脑、话机等终端设备安全和网络畅通；"
            "因保管或使用不当造成的损失由甲方自行承担。",
        ],
    ),
    (
        "四、乙方的权利和义务",
        [
            "4.1 乙方应按本协议约定向甲方提供稳定、可靠的平台服务和技术支持，保障通话质量。",
            "4.2 乙方对平台进行计划维护的，应提前 48 小时通知甲方，每月计划中断累计不超过 2 小时。",
            "4.3 平台发生故障时，乙方应及时处理：一般故障 1 个工作日内恢复，重大故障 3 个工作日内恢复。",
            "4.4 乙方应对甲方的通话记录和客户资料采取安全保护措施，不得泄露，也不得用于本协议以外的用途，"
            "法律法规另有规定的除外。",
            "4.5 乙方为甲方提供通话清单和费用查询，并在服务即将到期或话费即将用完前提醒甲方续费。",
            "4.6 甲方违反本协议第三条的，乙方有权依照基础电信企业或主管部门的要求暂停或终止服务。",
        ],
    ),
    (
        "五、协议的变更与终止",
        [
            "5.1 经双方协商一致，可以书面变更或解除本协议。",
            "5.2 甲方有下列情形之一的，乙方可以书面通知甲方解除本协议：利用本业务从事违法活动或通讯信息诈骗；"
            "转让、出租或转售业务号码；提供虚假资料；逾期付款超过 30 日。",
            "5.3 因不可抗力、国家政策或基础电信企业业务调整致使本协议无法履行的，双方互不承担违约责任，"
            "受影响的一方应及时通知对方并提供相关证明。",
            "5.4 因甲方自身原因提前终止本协议的，已付费用不予退还。",
        ],
    ),
    (
        "六、争议解决",
        [
            "因本协议发生争议的，双方应友好协商解决；协商不成的，任何一方可以向"
            "{% if signing.place %}签约地（{{ signing.place }}）{% else %}签约地{% endif %}人民法院提起诉讼。",
        ],
    ),
    (
        "七、其他",
        [
            "7.1 本协议未尽事宜，双方可另行签订补充协议，补充协议与本协议具有同等效力。",
            "7.2 甲方出具的《“防范和打击通讯信息诈骗”承诺函》和《目的码实名制承诺书》是本协议的组成部分。",
            "7.3 本协议一式两份，双方各执一份，自双方授权代表签署并加盖单位公章之日起生效。",
        ],
    ),
]

PACKAGE_WIDTHS = [12, 32, 79, 42]


def parties_table(doc: DocxDocument) -> None:
    grid = Grid(doc, [24, 58.5, 24, 58.5])
    left, right = grid.row(2, 2, min_mm=8)
    par(left, R("甲方（用户）", bold=True), align=CENTER)
    par(right, R("乙方（服务提供方）", bold=True), align=CENTER)
    rows = [
        ("名称", "{{ company.name }}", "名称", "{{ ucc.provider.name }}"),
        ("地址", "{{ company.address }}", "地址", "{{ ucc.provider.address }}"),
        ("联系人", "{{ number_contact.name }}", "联系人", "{{ ucc.provider.contact }}"),
        (
            "联系电话",
            "{{ number_contact.mobile }}{% if number_contact.office_phone %}　"
            "{{ number_contact.office_phone }}{% endif %}",
            "联系电话",
            "{{ ucc.provider.phone }}",
        ),
        ("统一社会\n信用代码", "{{ company.uscc }}", "开户银行", "{{ ucc.provider.bank }}"),
        ("法定代表人", "{{ legal_rep.name }}", "账号", "{{ ucc.provider.account }}"),
    ]
    for a_label, a_value, b_label, b_value in rows:
        cells = grid.row(1, 1, 1, 1, min_mm=7)
        for cell, text in zip(cells, (a_label, a_value, b_label, b_value), strict=True):
            if text.startswith("{"):
                par(cell, text)
            else:
                for line in text.split("\n"):
                    label(cell, line)
    grid.finish()


def package_table(doc: DocxDocument) -> None:
    """The package and its total. Should the table break, the heading row repeats and the last item stays
    with the total."""
    grid = Grid(doc, PACKAGE_WIDTHS)
    cell_par = partial(par, keep_next=True)
    for cell, text in zip(grid.row(1, 1, 1, 1, min_mm=7), ("序号", "项目", "服务内容", "费用"), strict=True):
        cell_par(cell, R(text, bold=True), align=CENTER)
    repeat_header(grid)
    rows = [
        (
            "企业通信平台",
            "统一号码接入、号码绑定、接听规则、时间与区域策略、黑名单、通话记录查询等平台功能",
            "{{ money.platform_fee }} 元/年",
        ),
        ("选号费", "业务号码 {{ ucc.business_number }}", "{{ money.number_fee }} 元"),
        ("充值话费", "预存通话费用，通话按下列资费从中扣减", "{{ money.prepaid }} 元"),
        ("通话资费", "呼出本地、国内长途统一计费", "{{ money.rate }} 元/分钟"),
        (
            "设备",
            "{{ ucc.contract.equipment or '无' }}",
            "{% if ucc.contract.equipment %}见服务内容{% else %}—{% endif %}",
        ),
    ]
    for n, (item, content, fee) in enumerate(rows, 1):
        no, name, what, cost = grid.row(1, 1, 1, 1, min_mm=7)
        cell_par = partial(par, keep_next=n == len(rows))
        cell_par(no, str(n), align=CENTER)
        cell_par(name, item, align=CENTER)
        cell_par(what, content)
        cell_par(cost, fee, align=CENTER)
    left, right = grid.row(2, 2, min_mm=8)
    par(left, R("合计金额", bold=True), align=CENTER)
    par(right, R("{{ money.total }} 元", bold=True), "（大写：{{ total_capital }}）")
    grid.finish()


def agreement_signatures(doc: DocxDocument) -> None:
    """甲方 and 乙方 side by side; each （盖章） starts its own line, so the two seals sit ≥ 75 mm apart.

    Seal lines, signatures and dates are rows of their own, so the two columns stay level whatever the
    length of the names.
    """
    half = TEXT_WIDTH_MM / 2
    grid = Grid(doc, [half, half])
    width = half - 2 * CELL_PAD_MM
    seals, signers, dates = grid.row(1, 1), grid.row(1, 1), grid.row(1, 1)
    for column, party, name, signer in (
        (0, "甲方：", "company.name", "法定代表人或授权代表（签字）："),
        (1, "乙方：", "ucc.provider.name", "授权代表（签字）："),
    ):
        seal_line(seals[column], party, name, size=XIAOSI, width_mm=width, before_mm=0, own_line=True)
        par(signers[column], signer, size=XIAOSI, before_mm=SEAL_GAP_MM, keep_next=True)
        par(dates[column], "日期：{{ sign_date }}", size=XIAOSI, before_mm=10)
    borderless(grid)


def service_agreement(path: Path) -> None:
    # The clause pages have no 盖章 place of their own: the pipeline puts their seal placeholder (42 mm)
    # in the emptiest area, above the 20 mm page-number band. A full page of clauses has no such area,
    # so every page keeps the kit's free band at its foot: 20 + 42 mm and 2 mm to spare.
    doc = new_document("企业融合通信管理平台业务协议书")
    titled(doc, "企业融合通信管理平台业务协议书")
    parties_table(doc)
    body = partial(par, doc, size=WU, line=1.2)
    body(AGREEMENT_PREAMBLE, first_chars=2, before_mm=3)
    heading = partial(par, doc, size=WU, bold=True, before_mm=2, keep_next=True)
    heading("一、服务内容")
    body(
        "1.1 乙方通过企业融合通信管理平台向甲方提供统一接入号码服务。甲方使用的业务号码为 "
        "{{ ucc.business_number }}，业务用途为：{{ ucc.use }}。"
    )
    body("1.2 业务号码以基础电信企业审核通过并正式开通为准；开通之前，甲方不应对外公布或宣传该号码。")
    body("1.3 本服务为预付费服务。业务开通后，甲方可以在平台上自行管理其账号下的用户、绑定号码和接听策略。")
    body("1.4 服务套餐及费用如下：", keep_next=True)
    package_table(doc)
    for head, clauses in AGREEMENT_CLAUSES:
        heading(head)
        last = head == AGREEMENT_CLAUSES[-1][0]  # the closing clauses stay on the signature page
        for clause in clauses:
            body(clause, keep_next=last)
    par(doc, "（以下为双方签署栏）", size=XIAOWU, align=CENTER, before_mm=2, keep_next=True)
    spacer(doc, SEAL_GAP_MM)
    agreement_signatures(doc)
    end_after_table(doc)
    doc.save(str(path))


# --------------------------------------------------------------------------- 防诈骗承诺函

ANTI_FRAUD_CLAUSES = [
    "遵守国家法律、行政法规和{{ ucc.carrier }}及贵公司的业务管理规定，落实本单位的网络与信息安全责任。",
    "如实提供单位证照、经办人员和绑定号码的资料，保证真实、准确、有效；所绑定的落地号码均已实名登记，"
    "资料变化时及时更新。",
    "不利用该业务号码从事或协助通讯信息诈骗，不拨打骚扰电话，不制作、传播危害国家安全、扰乱社会秩序、"
    "宣扬淫秽赌博暴力、侮辱诽谤他人等违法信息。",
    "外呼只使用本单位依法获配的号码，不改号、不隐藏主叫号码，不以自动语音方式群呼，不转接国际来话，不开展话务批发。",
    "不转让、出租、转售业务号码，未经贵公司同意不改变组网方式和约定用途。",
    "同意贵公司和{{ ucc.carrier }}对外呼数量、呼叫频次、通话时长、投诉情况等进行监测，"
    "配合核查身份资料、处理用户投诉和公安机关的调查。",
    "违反上述承诺或被有关部门通报的，本单位接受贵公司暂停或终止业务接入，并承担由此产生的全部责任。",
    "保证 24 小时联络人全天可以联系，遇有紧急情况立即响应处置。",
    "本承诺函是本单位与贵公司所签业务协议的组成部分，与该协议具有同等效力。",
]


def anti_fraud_commitment(path: Path) -> None:
    doc = new_document("“防范和打击通讯信息诈骗”承诺函")
    # One page, its seal on its 盖章 label: only the page-number band at its foot. The clauses are kept
    # with the signature block: a letter that runs over moves them on together, leaving page 1's foot free.
    doc.sections[0].bottom_margin = Mm(LABEL_PAGE_BOTTOM_MM)
    titled(doc, "“防范和打击通讯信息诈骗”承诺函")
    body = partial(par, doc, size=WU, line=1.2)
    body("{{ ucc.provider.name }}：")
    body(
        "本单位作为贵公司融合通信业务的接入用户，使用下列业务号码。为防范和打击通讯信息诈骗，本单位郑重承诺如下。",
        first_chars=2,
        after_mm=2,
    )
    info_table(
        doc,
        [
            ("申请单位", "{{ company.name }}"),
            ("业务号码", "{{ ucc.business_number }}"),
            ("业务用途", "{{ ucc.use }}"),
            ("基础电信企业", "{{ ucc.carrier }}"),
            ("24 小时联络人", "{{ ucc.contact_24h.name }}　　联系电话：{{ ucc.contact_24h.phone }}"),
        ],
        label_mm=40,
    )
    par(doc, "", size=1, after_mm=2)
    for number, text in enumerate(ANTI_FRAUD_CLAUSES, start=1):
        body(f"{number}. {text}", first_chars=2, keep_next=True)
    seal_line(doc, "承诺单位：", "company.name", size=XIAOSI, width_mm=TEXT_WIDTH_MM, left_mm=55,
              before_mm=SEAL_GAP_MM)  # fmt: skip
    par(doc, "承诺人（签字）：", size=XIAOSI, left_mm=55, before_mm=SEAL_GAP_MM, keep_next=True)
    par(doc, "日期：{{ sign_date }}", size=XIAOSI, left_mm=55, before_mm=6)
    doc.save(str(path))


# --------------------------------------------------------------------------- 目的码实名制承诺书

DESTINATION_WIDTHS = [11, 30, 52, 46, 26]

DESTINATION_CLAUSES = [
    "上述目的码均已在所属基础电信企业办理实名登记，登记名称和证件号码与本表所列一致。",
    "目的码由本单位、本单位法定代表人或本单位员工实际使用，只用于接听本业务号码的来电，不转借他人。",
    "目的码停用、过户或使用人离职的，本单位将及时申请变更绑定。",
    "因目的码信息不实或使用不当引起的一切法律责任，由本单位承担。",
]


def destination_table(doc: DocxDocument) -> None:
    grid = Grid(doc, DESTINATION_WIDTHS)
    heads = ("序号", "目的码", "实名登记名称", "证件号码", "与本单位关系")
    for cell, text in zip(grid.row(1, 1, 1, 1, 1, min_mm=9), heads, strict=True):
        par(cell, R(text, bold=True), align=CENTER)
    loop_rows(
        grid,
        "d in destination_rows",
        (1, 1, 1, 1, 1),
        [
            (text, True)
            for text in (
                "{{ d.no }}",
                "{{ d.number }}",
                "{{ d.holder_name }}",
                "{{ d.holder_id }}",
                "{{ d.holder_label }}",
            )
        ],
        min_mm=9,
    )
    grid.finish()


def destination_commitment(path: Path) -> None:
    doc = new_document("目的码实名制承诺书")
    titled(doc, "目的码实名制承诺书", "（企业融合通信业务真实落地号码）")
    body = partial(par, doc, size=WU, line=1.2)
    body("{{ ucc.provider.name }}：")
    body(
        "本单位使用企业融合通信业务号码 {{ ucc.business_number }}，申请绑定下列真实落地号码（目的码）：",
        first_chars=2,
        after_mm=2,
    )
    destination_table(doc)
    tag(doc, "{%p if employee_rows %}")
    body(R("目的码登记在本单位员工名下的，其与本单位的关系及使用场景说明如下：", bold=True), before_mm=3)
    tag(doc, "{%p for d in employee_rows %}")
    body("{{ d.number }}（{{ d.holder_name }}）：{{ d.relation }}", first_chars=2)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    body("本单位承诺：", before_mm=3)
    for number, text in enumerate(DESTINATION_CLAUSES, start=1):
        body(f"{number}. {text}", first_chars=2)
    # The destination rows can fill page 1, so its foot keeps the free seal zone; the details table goes
    # on with the signature block, which never stands alone on a page.
    par(doc, "", size=1, after_mm=3, keep_next=True)
    info_table(
        doc,
        [
            ("单位全称", "{{ company.name }}"),
            ("单位地址", "{{ company.address }}"),
            ("联系人", "{{ number_contact.name }}"),
            ("联系电话", "{{ number_contact.mobile }}"),
        ],
        label_mm=40,
        keep_next=True,
    )
    seal_line(doc, "承诺单位：", "company.name", size=XIAOSI, width_mm=TEXT_WIDTH_MM, left_mm=55,
              before_mm=SEAL_GAP_MM)  # fmt: skip
    par(doc, "法定代表人（签字）：", size=XIAOSI, left_mm=55, before_mm=SEAL_GAP_MM, keep_next=True)
    par(doc, "日期：{{ sign_date }}", size=XIAOSI, left_mm=55, before_mm=6)
    doc.save(str(path))


FORMS = {
    "service_agreement.docx": service_agreement,
    "anti_fraud_commitment.docx": anti_fraud_commitment,
    "destination_commitment.docx": destination_commitment,
}


def main(argv: Sequence[str] | None = None) -> None:
    write_forms(argv, __doc__, "ucc", FORMS)


if __name__ == "__main__":
    main()
