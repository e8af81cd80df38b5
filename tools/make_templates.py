"""Build the n96 form templates (占用申请表, 电话接入号码使用承诺书) as DOCX with one run per jinja tag.

An optional helper, not a source of truth: the DOCX files in templates/ are, and may be edited in Word,
WPS or LibreOffice. Running this writes fresh copies to --out (required), overwriting such edits there.

    python tools/make_templates.py --out templates/n96

Page set-up, fonts, tables and seal lines come from tools/docx_kit.py, shared by every kind's builder.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx_kit import (  # noqa: E402  (the kit lives beside this script)
    CENTER,
    COVER_LEFT_MM,
    ER,
    HEI,
    LABEL_PAGE_BOTTOM_MM,
    SAN,
    SEAL_GAP_MM,
    XIAOWU,
    YI,
    Grid,
    R,
    commitment_letter,
    company_seal_line,
    declaration,
    end_after_table,
    field_row,
    hint,
    label,
    label_row,
    loop_rows,
    new_document,
    page_break_section,
    par,
    person_rows,
    section_head,
    tag,
    text_row,
    vmerge_in_loop,
    write_forms,
)

# --------------------------------------------------------------------------- 附件一 占用申请表


def cover(doc: DocxDocument) -> None:
    par(doc, R("96号段客服类电话接入号码", east=HEI), size=ER, align=CENTER, before_mm=35)
    par(doc, R("占用申请表", east=HEI, bold=True), size=YI, align=CENTER, before_mm=10)
    par(doc, "（96XXX/96XXXX）", size=SAN, align=CENTER, before_mm=8)
    blank = "\u3000" * 12
    par(
        doc,
        "法定代表人：",
        R(blank, underline=True),
        "（签字）",
        size=SAN,
        left_mm=COVER_LEFT_MM,
        before_mm=60,
    )
    company_seal_line(doc, size=SAN, left_mm=COVER_LEFT_MM, before_mm=SEAL_GAP_MM + 2, underline=True)
    par(doc, R("工业和信息化部制", east=HEI), size=SAN, align=CENTER, before_mm=SEAL_GAP_MM + 8)


def application_form(path: Path) -> None:
    doc = new_document("96号段客服类电话接入号码占用申请表")
    # The cover is a page of its own with its 盖章 label: its foot keeps only the page-number band.
    doc.sections[0].bottom_margin = Mm(LABEL_PAGE_BOTTOM_MM)
    cover(doc)
    page_break_section(doc)

    grid = Grid(doc, [34, 30, 16, 34, 26, 25])

    section_head(grid, "申请单位信息", "（提醒：请如实填写申请单位信息，通信地址须具体到门牌号）")
    field_row(grid, "申请单位名称", "{{ company.name }}")
    field_row(grid, "通信地址及邮编", "{{ company.address }}\u3000邮编：{{ company.postcode }}")
    left, right = grid.row(1, 5, min_mm=12)
    label(left, "所属行业")
    gap = "\u3000\u3000"
    par(
        right,
        "{% set other = company.industry and company.industry not in "
        "['银行', '保险', '证券', '航空', '物流'] %}"
        f"{{{{ box(company.industry == '银行') }}}}银行{gap}"
        f"{{{{ box(company.industry == '保险') }}}}保险{gap}"
        "{{ box(company.industry == '证券') }}证券",
    )
    par(
        right,
        f"{{{{ box(company.industry == '航空') }}}}航空{gap}"
        f"{{{{ box(company.industry == '物流') }}}}物流{gap}"
        "{{ box(other) }}其他{% if other and company.industry_detail %}：{{ company.industry_detail }}"
        "{% elif other and company.industry != '其他' %}：{{ company.industry }}{% endif %}",
    )

    person_rows(grid, "法定代表人姓名", "legal_rep")
    person_rows(grid, "客服部负责人姓名", "service_head")
    person_rows(grid, "码号联系人姓名", "number_contact", [("电子邮箱", "email")])

    text_row(
        grid,
        "申请单位情况简介",
        "提示：请描述单位的基本情况，包括：企业规模、所在行业排名、分支机构设置、现有服务用户数量等。",
        "{{ company.introduction|lines }}",
        40,
    )
    cell = text_row(
        grid,
        "现使用的码号资源情况",
        "提示：请申请单位如实填写目前企业客户服务所使用的码号、技术实现方式、客服坐席和客服人员数量、"
        "日均电话呼入/呼出次数、实际使用效果等内容。",
        "现使用的码号：{{ current_numbers.numbers|join_cn or '无' }}",
        35,
    )
    par(cell, "技术实现方式：{{ current_numbers.technology }}")
    par(
        cell,
        "客服坐席 {{ current_numbers.seats }} 个，客服人员 {{ current_numbers.staff }} 人；"
        "日均电话呼入 {{ current_numbers.daily_inbound }} 次，呼出 {{ current_numbers.daily_outbound }} 次。",
    )
    par(cell, "实际使用效果：{{ current_numbers.effect|lines }}")

    left, right = grid.row(1, 5, min_mm=8)
    label(left, "拟申请码号类型")
    par(
        right,
        "{{ box(n96.digits == 5) }}5位短号码\u3000\u3000\u3000\u3000\u3000{{ box(n96.digits == 6) }}6位短号码",
    )
    tag(right, "{%p if n96.wanted %}")
    par(right, "意向号码：{{ n96.wanted }}")
    tag(right, "{%p endif %}")

    text_row(
        grid,
        "申请理由及码号用途",
        "提示：结合企业自身情况，阐述申请96号段客户服务电话接入号码的重要性和必要性；"
        "并对拟申请码号所开展的客户服务的主要内容进行描述。",
        "{{ n96.purpose|lines }}",
        40,
    )

    section_head(grid, "启用码号的技术方案")
    text_row(
        grid,
        "启用码号网络拓扑图",
        "提示：用文字及示意图方式简要描述启用码号的技术方案。",
        "{{ n96.topology|lines }}",
        25,
    )
    grid.tag_row("{%tr if topology_image %}")
    (cell,) = grid.row(6, cant_split=True)
    par(cell, "{{ topology_image }}", align=CENTER, before_mm=2, after_mm=2)
    grid.tag_row("{%tr endif %}")

    left, right = grid.row(1, 5, min_mm=18)
    label(left, "网络组织和业务平台设置方式")
    par(right, "{{ box(n96.network == 'centralized') }}集中式组网")
    par(right, "{{ box(n96.network == 'distributed') }}分布式组网")
    par(right, "{{ box(n96.network == 'other') }}其他方式（请另附专页说明）")
    tag(right, "{%p if n96.network == 'other' and n96.network_note %}")
    par(right, "说明：{{ n96.network_note|lines }}")
    tag(right, "{%p endif %}")

    left, right = grid.row(1, 5, min_mm=18, cant_split=False)
    label(left, "业务平台（计划）设置地")
    hint(right, "计划设有多个业务平台的需分别写明；要求写到具体地址。")
    tag(right, "{%p for site in n96.platform_sites %}")
    par(right, "{% if loop.length > 1 %}{{ loop.index }}. {% endif %}{{ site }}")
    tag(right, "{%p endfor %}")

    (cell,) = grid.row(6)
    par(cell, R("码号开通前期工作准备情况", bold=True))
    par(
        cell,
        "按照《电信网码号资源管理办法》，码号申请人应说明近期启用码号所需设备、线路等的准备情况。",
        first_chars=2,
    )
    section_head(grid, "1、设备准备情况", "（提醒：请如实填写采购的设备信息，作为监管的重要依据）")
    label_row(grid, (2, 2, 1, 1), ("设备名称", "型号", "数量", "是否采购"))
    loop_rows(
        grid,
        "e in n96.equipment",
        (2, 2, 1, 1),
        [
            ("{{ e.name }}", False),
            ("{{ e.model }}", False),
            ("{{ e.quantity }}", True),
            ("{{ e.purchased|yesno }}", True),
        ],  # fmt: skip
    )

    head, location, count, purchased = grid.row(2, 2, 1, 1, min_mm=8)
    par(head, R("2、线路准备情况", bold=True), R("（提醒：请勾选）", size=XIAOWU, grey=True))
    label(location, "接入地")
    label(count, "租用中继线\n条数")
    label(purchased, "是否采购")
    grid.tag_row("{%tr for r in trunk_rows %}")
    network, carrier, location, count, purchased = grid.row(1, 1, 2, 1, 1, min_mm=7)
    vmerge_in_loop(network)
    par(network, "{% if loop.first %}计划直接接入的基础电信网络：{% endif %}", align=CENTER)
    par(carrier, "{{ box(r.checked) }}{{ r.carrier }}")
    par(location, "{{ r.location }}")
    par(count, "{{ r.count }}", align=CENTER)
    par(purchased, "{% if r.purchased is not none %}{{ r.purchased|yesno }}{% endif %}", align=CENTER)
    grid.tag_row("{%tr endfor %}")

    section_head(grid, "码号预期服务能力")
    label_row(
        grid,
        (1, 2, 1, 2),
        ("已有坐席数（个）", "{{ n96.seats_existing }}", "拟建坐席数（个）", "{{ n96.seats_planned }}"),
        min_mm=8,
    )
    label_row(
        grid,
        (1, 2, 1, 2),
        ("预期话务量\n（次/月）", "{{ n96.monthly_calls }}", "预期接通率（%）", "{{ n96.connect_rate }}"),
        min_mm=8,
    )
    left, right = grid.row(3, 3, min_mm=12)
    label(left, "自获得码号资源起一年内，开展业务的省内1或4个以上地市（本地网）")
    par(right, "{{ n96.first_year_cities|join_cn }}")

    section_head(grid, "码号启用实施进度安排")
    text_row(
        grid,
        "进度安排计划",
        "包括启用码号城市的时间安排、码号启用城市系统建设规模和目标、网络建设实施进度安排等。",
        "{{ n96.schedule|lines }}",
        35,
    )

    declaration(grid, "声明条款：", DECLARATIONS)
    grid.finish()
    end_after_table(doc)
    doc.save(str(path))


DECLARATIONS = [
    "本公司保证申请提交的所有信息真实有效，附件复印件与原件相符，如有虚假，本公司和本人愿意接受管理机构依法处罚。",
    "本公司保证在获批码号后一年内启用所分配的码号，并达到规定的使用规模或预期的服务能力，"
    "如未在规定时间启用所分配码号或未达到最低使用规模或预期服务能力，"
    "本公司和本人愿意接受电信主管部门收回我公司所分配的码号。",
]


# --------------------------------------------------------------------------- 附件二 承诺书

COMMITMENTS = [
    "严格按照《电信网码号资源管理办法》有关规定，自获得码号资源起一年内，在本省的4个以上（96字头6位短号至少1个以上）"
    "地市（本地网）启用码号、开展业务。",
    "严格按照工业和信息化部审批时规定的码号结构、位长、用途、使用范围和使用期限使用码号。我公司承诺不转让、不出租、"
    "不变相转租码号，不超范围使用码号，不擅自改变码号用途，不通过转接平台等任何方式违规更改电话接入号码。",
    "严格按照《电信网码号资源管理办法》有关规定，与相关基础电信运营企业签署码号开通协议，规范接入96号段电话接入号码，"
    "不违规与基础电信运营企业之外的第三方签署协议开通码号。",
    "承诺在使用96号段电话接入号码开展外呼前，先征得被叫用户同意；规范外呼时段、频次，不对用户正常生活造成影响；"
    "被叫用户明确表示拒绝后，不继续向其发起外呼。",
    "承诺建立有效的信息安全保密管理制度和技术保障措施，严格执行国家安全管理部门和电信主管部门的安全保密管理规定。",
    "每年三月底前，登录工业和信息化部政务服务平台（https://ythzxfw.miit.gov.cn/），按照要求填报上年度码号使用情况，"
    "并积极配合工业和信息化部及当地通信管理局组织的码号使用情况检查工作。",
    "服从工业和信息化部及当地通信管理局的管理。",
]


def commitment(path: Path) -> None:
    commitment_letter(
        path,
        intro="我公司在获得中华人民共和国电信网码号资源使用证书后，在使用96号段电话接入号码过程中，将遵守如下承诺：",
        clauses=COMMITMENTS,
        closing="以上承诺如有违反，愿接受工业和信息化部及当地通信管理局的依法处罚。",
        line=1.2,
        bottom_mm=LABEL_PAGE_BOTTOM_MM,  # one page, its seal on its 盖章 label (as the n95 letter)
    )


def main(argv: Sequence[str] | None = None) -> None:
    write_forms(
        argv, __doc__, "n96", {"application_form.docx": application_form, "commitment.docx": commitment}
    )


if __name__ == "__main__":
    main()
