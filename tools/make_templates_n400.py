"""Build the n400 form templates as DOCX, one run per jinja tag.

An optional helper, not a source of truth: the DOCX files in templates/ are, and may be edited in Word,
WPS or LibreOffice. Running this writes fresh copies to --out (required), overwriting such edits there.

    python tools/make_templates_n400.py --out templates/n400

The four forms (400业务经办授权委托书, 业务需求单, 企业400业务安全服务协议, 400电话业务信息安全承诺书) are
written in the project's own words: they cover the points, fields, obligations and signature places of a
carrier's 400 paperwork (seeds/002) without reproducing it. The 受理单位 / 乙方 and the basic carrier
come from the profile (n400.carrier), never from the template. Page set-up, fonts, tables and signature
blocks come from tools/docx_kit.py, shared by every kind's builder, so that every kind looks alike.
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
    XIAOSI,
    Grid,
    borderless,
    chars_mm,
    company_seal_line,
    end_after_table,
    label,
    new_document,
    page_break_section,
    par,
    seal_line,
    section_head,
    sign_block,
    title,
    write_forms,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "templates" / "n400"
GAP = "\u3000\u3000"
ROW_MM = 6.5  # minimum height of a one-line table row
SIGN_LEFT_MM = (
    35  # indent of the signature blocks: a company name up to about 22 characters stays on one line
)


# --------------------------------------------------------------------------- shared pieces


def info_grid(
    doc: DocxDocument,
    rows: Sequence[tuple[str, str, str, str] | tuple[str, str]],
    keep_next: bool = False,
) -> None:
    """A bordered two- or four-column table of labels and values (keep_next: kept with what follows)."""
    grid = Grid(doc, [33, 50, 30, 52])
    for row in rows:
        if len(row) == 2:
            left, right = grid.row(1, 3, min_mm=ROW_MM)
            label(left, row[0], keep_next=keep_next)
            par(right, row[1], keep_next=keep_next)
        else:
            cells = grid.row(1, 1, 1, 1, min_mm=ROW_MM)
            label(cells[0], row[0], keep_next=keep_next)
            par(cells[1], row[1], keep_next=keep_next)
            label(cells[2], row[2], keep_next=keep_next)
            par(cells[3], row[3], keep_next=keep_next)
    grid.finish()


def spacer(doc: DocxDocument, mm: float, keep_next: bool = False) -> None:
    par(doc, "", size=WU, before_mm=mm, keep_next=keep_next)


# --------------------------------------------------------------------------- 1 授权委托书


def authorization(path: Path) -> None:
    doc = new_document("400业务经办授权委托书")
    doc.sections[0].bottom_margin = Mm(LABEL_PAGE_BOTTOM_MM)  # one page, its seal on its 盖章 label
    title(doc, "400业务经办授权委托书", after_mm=8)
    body = partial(par, doc, size=XIAOSI, line=1.5)
    body("{{ n400.carrier.name }}：")
    body(
        "我单位{{ company.name }}现委托本单位工作人员{{ agent.name }}"
        "（{{ agent_id_label }}号码：{{ agent.id_number }}）作为经办人，"
        "代表我单位向贵单位办理400号码{{ n400.number }}的{{ n400.request }}业务，"
        "包括递交和领取申请材料、核对业务数据、签收相关业务文书等事项。",
        first_chars=2,
    )
    body(
        "经办人在上述委托范围内以我单位名义办理的事项，我单位均予认可，"
        "由此产生的法律后果和法律责任由我单位承担。经办人不得将本委托转委托他人。",
        first_chars=2,
    )
    body(
        "本委托书自出具之日起生效，至上述业务办理完毕之日止有效。请予接洽为盼。",
        first_chars=2,
        after_mm=4,
    )
    info_grid(
        doc,
        [
            ("委托单位", "{{ company.name }}"),
            ("统一社会信用代码", "{{ company.uscc }}"),
            ("经办人姓名", "{{ agent.name }}", "证件类型", "{{ agent_id_label }}"),
            ("证件号码", "{{ agent.id_number }}"),
            ("手机号码", "{{ agent.mobile }}", "办公电话", "{{ agent.phone }}"),
            ("电子邮箱", "{{ agent.email }}"),
        ],
        keep_next=True,
    )
    # a signature block pushed to a second page takes the closing line and the details table along
    body("特此委托。", first_chars=2, before_mm=4, after_mm=6, keep_next=True)
    sign_block(doc, left_mm=SIGN_LEFT_MM, company=True)
    doc.save(str(path))


# --------------------------------------------------------------------------- 2 业务需求单

REQUESTS = ("开通", "撤机", "停机保号", "用户资料变更", "业务数据变更", "业务号码变更")
# The third and fourth columns hold 联系电话 / 企业组织代码证号 / 400号码开通日期: wide enough for the long
# labels on one line, so that no row is two lines high for its label alone.
REQUEST_COLUMNS_MM = (34, 27, 20, 34, 22, 28)
# The seal block in 五号 like the table: a company name of up to 29 characters keeps （盖章） beside it.
REQUEST_SIGN_LEFT_MM = 20


def request_form(path: Path) -> None:
    doc = new_document("400业务需求单")
    # One page whose seal goes on its own 盖章 label: its foot needs only the page-number band, not the
    # free seal zone (on a two-page fill the note and seal rows move on together, leaving page 1's foot free).
    doc.sections[0].bottom_margin = Mm(LABEL_PAGE_BOTTOM_MM)
    title(doc, "业务需求单", after_mm=2)
    par(doc, "（400号码业务）", size=XIAOSI, align=CENTER, after_mm=4)
    par(
        doc,
        "申请日期：{{ sign_date }}",
        GAP * 4,
        "编号：{{ n400.request_no }}",
        size=WU,
        after_mm=2,
    )
    grid = Grid(doc, REQUEST_COLUMNS_MM)

    section_head(grid, "客户资料", "（由申请单位填写）", min_mm=ROW_MM)
    left, right = grid.row(1, 5, min_mm=ROW_MM)
    label(left, "单位名称")
    par(right, "{{ company.name }}")
    cells = grid.row(1, 2, 1, 2, min_mm=ROW_MM)
    label(cells[0], "统一社会信用代码")
    par(cells[1], "{{ company.uscc }}")
    label(cells[2], "企业组织代码证号")
    par(cells[3], "{{ org_code }}")
    cells = grid.row(1, 3, 1, 1, min_mm=ROW_MM)
    label(cells[0], "通信地址")
    par(cells[1], "{{ company.address }}")
    label(cells[2], "邮政编码")
    par(cells[3], "{{ company.postcode }}")
    cells = grid.row(1, 1, 1, 1, 1, 1, min_mm=ROW_MM)
    for cell, text in zip(
        cells,
        (
            "联系人",
            "{{ number_contact.name }}",
            "联系电话",
            "{{ number_contact.office_phone }}",
            "手机号码",
            "{{ number_contact.mobile }}",
        ),
        strict=True,
    ):
        (label if "{" not in text else par)(cell, text)
    cells = grid.row(1, 1, 1, 1, 1, 1, min_mm=ROW_MM)
    for cell, text in zip(
        cells,
        ("经办人", "{{ agent.name }}", "联系电话", "{{ agent.phone }}", "手机号码", "{{ agent.mobile }}"),
        strict=True,
    ):
        (label if "{" not in text else par)(cell, text)
    cells = grid.row(1, 5, min_mm=ROW_MM)
    label(cells[0], "经办人邮箱")
    par(cells[1], "{{ agent.email }}")

    section_head(grid, "业务类别", "（请勾选一项）", min_mm=ROW_MM)
    (cell,) = grid.row(6, min_mm=14)
    for options in (REQUESTS[:3], REQUESTS[3:]):
        # A leading ideographic space, not an indent: LibreOffice draws a symbol such as □ in the font of
        # the script before it, so a box at the start of a line would come out in the Latin font.
        par(
            cell,
            "\u3000" + GAP.join(f"{{{{ box(n400.request == '{o}') }}}}{o}" for o in options),
            size=XIAOSI,
            before_mm=1,
            after_mm=1,
        )

    section_head(grid, "业务数据", min_mm=ROW_MM)
    cells = grid.row(1, 2, 1, 2, min_mm=ROW_MM)
    label(cells[0], "400业务号码")
    par(cells[1], "{{ n400.number }}")
    label(cells[2], "400号码开通日期")
    par(cells[3], "{{ open_date }}")
    left, right = grid.row(1, 5, min_mm=ROW_MM)
    label(left, "对应小号码")
    par(right, "{{ n400.small_number }}")
    rows = [grid.row(1, 5, min_mm=ROW_MM) for _ in range(3)]
    head = rows[0][0]
    for row in rows[1:]:
        head = head.merge(row[0])
    label(head, "目的码")
    for n, row in enumerate(rows):
        par(row[1], f"{n + 1}、{{{{ destination_rows[{n}].number }}}}")
    # kept with the seal row: a form that runs over never leaves its seal box alone on a page
    left, right = grid.row(1, 5, min_mm=16, cant_split=True)
    label(left, "补充说明", keep_next=True)
    par(right, "{{ n400.note|lines }}", keep_next=True)

    (cell,) = grid.row(6, min_mm=52)
    par(cell, "以上资料由我单位填写，内容真实、准确。", size=WU, before_mm=1)
    company_seal_line(cell, size=WU, left_mm=REQUEST_SIGN_LEFT_MM, before_mm=14)
    par(cell, "{{ sign_date }}", size=WU, left_mm=REQUEST_SIGN_LEFT_MM, before_mm=SEAL_GAP_MM, after_mm=2)
    grid.finish()
    end_after_table(doc)
    doc.save(str(path))


# --------------------------------------------------------------------------- 3 安全服务协议

AGREEMENT = [
    "本协议只约定甲方使用400号码的实名登记和安全使用事项；资费、结算等商务内容由双方另行约定。",
    "甲方应遵守国家法律、行政法规和电信管理规定，保证经400号码传递的信息安全、保密，"
    "不得利用400号码传播违法信息或泄露国家秘密，不得开展国家和电信主管部门禁止的业务"
    "（如话务批发、违规落地等）。违反本条所引起的全部责任由甲方承担。",
    "甲方应按乙方要求提交实名登记材料，保证材料真实、准确、完整，并配合乙方工作人员核对。"
    "乙方发现甲方所填内容与实际情况不符的，有权停止提供400业务并收回号码。",
    "甲方只能将400号码用于本协议第一条约定的用途和范围，不得转让、出租、出售或以其他方式交给第三方使用，"
    "并应确保本单位为号码的实际使用者。甲方不得利用400号码实施电信网络诈骗，不得拨打骚扰电话、"
    "发起垃圾呼叫或违规外呼。",
    "经核实存在冒用或伪造证件办理、违法违规使用、违规外呼、呼叫频次异常、超出约定用途使用、"
    "转租转售、被公安机关通报或用户投诉集中等情形之一的，乙方有权立即暂停服务、终止业务接入并收回400号码。",
    "甲方应建立呼叫和服务记录留存制度，按国家规定的期限保存通话记录、客户服务记录等资料，"
    "有关部门依法调取时如实提供。",
    "甲方对经400号码发布的信息的真实性、准确性和合法性负责，不得制作、复制、发布或传播法律、"
    "行政法规禁止的内容；甲方接受乙方和国家有关部门的管理、监督和检查，"
    "积极配合乙方查找、清除违法违规行为直至处理完毕。",
    "因甲方自身原因致使400号码被他人非法利用的，乙方在技术上协助甲方和有关部门调查，"
    "由此产生的损失由甲方承担。",
    "甲方单位名称、联系人、目的码等资料发生变化时，应及时书面通知乙方并办理变更；"
    "因资料不详或不准确产生的后果由甲方承担。",
    "400号码正式开通交付使用前，甲方不得对外宣传该号码，否则提前宣传造成的损失由甲方承担。",
    "乙方因国防需要、政府指令、网络维护或调整、网络安全等原因需要变更服务的，应事先通知甲方，甲方应予配合；"
    "政府主管部门要求暂停或终止服务的，乙方照此执行，不承担责任。",
    "因地震、洪水、战争、政策变化、通信线路遭人为破坏等不可抗力不能履行本协议的，受影响一方不承担责任。",
    "本协议内容需要变更的，乙方书面通知甲方；甲方有异议的，应在通知发出后一个月内提出协商，"
    "逾期未提出的视为同意变更。",
    "因本协议发生的争议，双方协商解决；协商不成的，提交乙方所在地人民法院处理。",
]


PARTY_COLUMNS_MM = (TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2)
CELL_PAD_MM = 85 * 25.4 / 1440  # Grid's left and right cell margin (85 twips)
CLAUSE_LINE = 1.2
SECOND_PAGE_FROM = 8  # the clause that starts page 2


def agreement_clause(doc: DocxDocument, number: int, text: str, keep_next: bool = False) -> None:
    par(
        doc,
        f"{cn_number(number)}、{text}",
        size=WU,
        first_chars=2,
        line=CLAUSE_LINE,
        after_mm=0.5,
        keep_next=keep_next,
    )


def cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def security_agreement(path: Path) -> None:
    doc = new_document("企业400业务安全服务协议")
    # Page 1 holds only clauses, so its seal placeholder goes to its emptiest area: the kit's page keeps
    # the free band of 20 + 42 mm (and 2 to spare) at its foot. The rest starts a new section; its last
    # page has the 甲方 盖章 place.
    title(doc, "企业400业务安全服务协议", after_mm=4)
    head = partial(par, doc, size=XIAOSI, line=1.2)
    hang = chars_mm(len("甲方（申请单位）："), XIAOSI)  # a long name wraps under itself
    head("甲方（申请单位）：{{ company.name }}", left_mm=hang, hanging_mm=hang)
    head("统一社会信用代码：{{ company.uscc }}")
    head("乙方（受理单位）：{{ n400.carrier.name }}", left_mm=hang, hanging_mm=hang)
    head("400号码：{{ n400.number }}", after_mm=3)
    par(
        doc,
        "为落实电话用户真实身份信息登记和400号码安全使用的管理要求，甲乙双方就甲方申请使用的400号码，"
        "订立本安全服务协议。",
        size=WU,
        first_chars=2,
        line=CLAUSE_LINE,
        after_mm=0.5,
    )
    choices = partial(par, doc, size=WU, left_mm=10, line=CLAUSE_LINE)
    agreement_clause(
        doc,
        1,
        "甲方申请的400号码仅用于甲方自身产品和服务（参照营业执照经营范围），开放范围和用途如下：",
    )
    choices(
        "开放范围：",
        "{{ box(n400.scope == '国际') }}国际",
        GAP,
        "{{ box(n400.scope == '全国') }}全国",
        GAP,
        "{{ box(n400.scope == '省内') }}省内（{% if n400.scope == '省内' and n400.scope_province %}"
        "{{ n400.scope_province }}{% else %}\u3000\u3000\u3000\u3000{% endif %}）",
    )
    choices(
        "号码用途：",
        "{{ box(n400.use == '办公') }}办公",
        GAP,
        "{{ box(n400.use == '营销') }}营销",
        GAP,
        "{{ box(n400.use == '热线电话') }}热线电话",
        GAP,
        "{{ box(n400.use == '其他') }}其他（{% if n400.use == '其他' and n400.use_detail %}"
        "{{ n400.use_detail }}{% else %}\u3000\u3000\u3000\u3000{% endif %}）",
        hanging_mm=chars_mm(len("号码用途："), WU),
        left_mm=10 + chars_mm(len("号码用途："), WU),
        after_mm=0.5,
    )
    clauses = [
        *AGREEMENT,
        "甲方在接入和使用400号码过程中遇到技术问题，可拨打乙方公布的故障申告电话：{{ hotlines }}。",
        "本协议服务期限为{{ n400.service_years }}年，自400号码实际开通之日起计算"
        "（计划开通日期：{{ open_date }}）。期满前十五日内任何一方未书面提出终止的，"
        "服务期限按原期限自动续展，续展期间本协议继续有效。本协议终止或解除后，乙方有权收回400号码。",
        "本协议自乙方为甲方开通400业务之日起生效，一式两份，甲乙双方各执一份。",
    ]
    for number, text in enumerate(clauses, start=2):
        if number == SECOND_PAGE_FROM:
            page_break_section(doc)
            # page 2 has the 甲方 盖章 label: only the page-number band at its foot
            doc.sections[-1].bottom_margin = Mm(LABEL_PAGE_BOTTOM_MM)
        agreement_clause(doc, number, text, keep_next=number == len(clauses) + 1)
    party_blocks(doc)
    doc.save(str(path))


def party_blocks(doc: DocxDocument) -> None:
    """甲方 and 乙方 side by side, as contracts are signed.

    甲方 seals and its legal or authorised representative signs; 乙方 (the receiving unit) seals its own
    column, where the pipeline puts no placeholder. Each （盖章） starts its own line under the name, so the
    seal places sit a column apart whatever the names, and 乙方 stays within two lines of its 盖章. Seal
    lines, signatures and dates are rows of their own, so the columns stay level.
    """
    spacer(doc, SEAL_GAP_MM - 4, keep_next=True)  # with the last clause: the blocks never go alone
    grid = Grid(doc, PARTY_COLUMNS_MM)
    seals, signers, dates = (grid.row(1, 1, cant_split=True) for _ in range(3))
    for column, prefix, name in (
        (0, "甲方：", "company.name"),
        (1, "乙方：", "n400.carrier.name"),
    ):
        seal_line(
            seals[column],
            prefix,
            name,
            size=WU,
            left_mm=0,
            before_mm=0,
            width_mm=PARTY_COLUMNS_MM[column] - 2 * CELL_PAD_MM,
            own_line=True,
        )
    par(signers[0], "法定代表人或授权代表（签字）：", size=WU, before_mm=SEAL_GAP_MM, keep_next=True)
    par(signers[1], "乙方代表：", size=WU, before_mm=SEAL_GAP_MM, keep_next=True)
    par(dates[0], "日期：{{ sign_date }}", size=WU, before_mm=10)
    par(dates[1], "日期：\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日", size=WU, before_mm=10)
    borderless(grid)
    end_after_table(doc)


# --------------------------------------------------------------------------- 4 信息安全承诺书

COMMITMENTS = [
    "遵守国家法律、行政法规和部门规章，落实信息安全管理制度。我单位的400号码经核实存在冒用或伪造证件办理、"
    "违法使用、违规外呼、呼叫频次异常、超出约定用途使用、转租转售、被公安机关通报或用户投诉集中等情形之一的，"
    "{{ n400.carrier.brand }}可以单方终止服务。",
    "我单位对经400号码传递的信息的真实性、准确性、合法性负责，遵守《中华人民共和国电信条例》的规定，"
    "不制作、复制、发布、传播该条例禁止的信息，包括危害国家安全、泄露国家秘密、破坏国家统一和民族团结、"
    "宣扬邪教和封建迷信、散布谣言扰乱社会秩序、散布淫秽色情赌博暴力恐怖内容、侮辱诽谤他人，"
    "以及法律、行政法规禁止的其他内容。",
    "我单位不以任何方式转租、转售400业务；发现转租转售的，{{ n400.carrier.brand }}可以单方终止服务。",
    "我单位以单位名义申请和使用400业务，不以个人名义办理；所提供的证件真实、有效，"
    "所绑定的目的码均为我单位实名登记或合规使用的号码。",
    "我单位按约定的用途和开放范围使用400号码，超出约定范围使用的后果由我单位承担，"
    "{{ n400.carrier.brand }}可以单方终止服务。",
    "我单位接受{{ n400.carrier.brand }}和国家有关部门的管理、监督和检查，积极配合查找、清除违法违规行为，直至处理完毕。",
    "我单位的联系方式或安全责任人发生变化时，及时到受理单位办理变更；未及时变更造成的后果由我单位承担。",
    "发生影响网络安全和信息安全的突发事件时，{{ n400.carrier.brand }}可以采取必要的紧急措施。",
    "违反以上承诺造成的法律责任和经济损失，均由我单位承担。",
    "本承诺书经我单位法定代表人签署并加盖单位公章后生效，由受理单位存档。",
]


def security_commitment(path: Path) -> None:
    doc = new_document("400电话业务信息安全承诺书")
    # One page, its seal on its 盖章 label; on a second page the block below takes the table along, and
    # the clauses end high enough on page 1 to leave its foot free.
    doc.sections[0].bottom_margin = Mm(LABEL_PAGE_BOTTOM_MM)
    title(doc, "400电话业务信息安全承诺书", after_mm=4)
    body = partial(par, doc, size=WU, line=1.1, first_chars=2, after_mm=0.3)
    body(
        "为配合基础电信运营商{{ n400.carrier.brand }}加强400电话业务的安全使用和规范管理，"
        "维护国家安全、社会稳定和公众利益，保障用户合法权益，我单位就使用400号码{{ n400.number }}作出如下承诺：",
    )
    for number, text in enumerate(COMMITMENTS, start=1):
        body(f"{cn_number(number)}、{text}")
    # A signature block pushed to the next page takes the closing line and the details table along.
    body("特此承诺。", after_mm=2, keep_next=True)
    info_grid(
        doc,
        [
            ("单位全称", "{{ company.name }}"),
            ("单位地址", "{{ company.address }}"),
            ("联系人", "{{ number_contact.name }}", "联系电话", "{{ number_contact.mobile }}"),
        ],
        keep_next=True,
    )
    spacer(doc, 2, keep_next=True)
    sign_block(doc, left_mm=SIGN_LEFT_MM, company=True)
    doc.save(str(path))


FORMS = {
    "authorization.docx": authorization,
    "request_form.docx": request_form,
    "security_agreement.docx": security_agreement,
    "security_commitment.docx": security_commitment,
}


def main(argv: Sequence[str] | None = None) -> None:
    write_forms(argv, __doc__, "n400", FORMS)


if __name__ == "__main__":
    main()
