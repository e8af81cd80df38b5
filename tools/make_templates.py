"""Build the n96 form templates (占用申请表, 电话接入号码使用承诺书) as DOCX with one run per jinja tag.

An optional helper, not a source of truth: the DOCX files in templates/ are, and may be edited in Word,
WPS or LibreOffice. Running this writes fresh copies to --out (required), overwriting such edits there.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "templates" / "n96"

LATIN, SONG, HEI = "Times New Roman", "宋体", "黑体"
# 字号 in points (GB/T 9704 naming)
YI, ER, SAN, XIAOSAN, XIAOSI, WU, XIAOWU = 26, 22, 16, 15, 12, 10.5, 9
HINT_GREY = RGBColor(0x59, 0x59, 0x59)
A4_TWIPS = (11906, 16838)
# Left margin is wider for binding. The bottom keeps every page's seal zone free: the 20 mm page-number
# band of the overlay, a 42 mm seal placeholder above it and 2 mm to spare (pdf/placement.py puts the
# placeholder of a page without a 盖章 label in its emptiest area, which is then always this zone).
SEAL_ZONE_BOTTOM_MM = 20 + 42 + 2
MARGINS_MM = {"top": 25, "bottom": SEAL_ZONE_BOTTOM_MM, "left": 25, "right": 20}
TEXT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
# The pipeline centres a 42 mm seal placeholder on each "盖章": keep ≥ 22 mm free above and below it.
SEAL_GAP_MM = 22
COVER_LEFT_MM = 16

LEFT, CENTER = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER


# --------------------------------------------------------------------------- document and styles


def new_document(title: str) -> DocxDocument:
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = "numdossier"
    doc.core_properties.comments = ""
    doc.core_properties.subject = ""
    doc.core_properties.keywords = ""
    _default_fonts(doc)
    _page_setup(doc.sections[0])
    return doc


def _rfonts(parent, east: str = SONG) -> None:
    """Explicit fonts, no theme fonts (a theme attribute would override the explicit one)."""
    rfonts = parent.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        parent.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for key in ("ascii", "hAnsi", "cs"):
        rfonts.set(qn(f"w:{key}"), LATIN)
    rfonts.set(qn("w:eastAsia"), east)
    rfonts.set(qn("w:hint"), "eastAsia")


def _default_fonts(doc: DocxDocument) -> None:
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _rfonts(rpr_default)
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    normal.font.name = LATIN
    normal.font.size = Pt(WU)
    _rfonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    fmt.widow_control = False


def _page_setup(section) -> None:
    section.page_width, section.page_height = Twips(A4_TWIPS[0]), Twips(A4_TWIPS[1])
    section.top_margin = Mm(MARGINS_MM["top"])
    section.bottom_margin = Mm(MARGINS_MM["bottom"])
    section.left_margin = Mm(MARGINS_MM["left"])
    section.right_margin = Mm(MARGINS_MM["right"])
    section.header_distance = section.footer_distance = Mm(15)
    # A line grid would make LibreOffice snap CJK lines to it and space them unevenly.
    for grid in section._sectPr.findall(qn("w:docGrid")):
        section._sectPr.remove(grid)


# --------------------------------------------------------------------------- paragraphs and runs


@dataclass(frozen=True)
class R:
    """One run: the text is never split, so a jinja tag inside stays whole."""

    text: str
    size: float | None = None
    bold: bool = False
    east: str = SONG
    grey: bool = False
    underline: bool = False


def par(
    box: DocxDocument | _Cell,
    *runs: R | str,
    size: float = WU,
    bold: bool = False,
    east: str = SONG,
    grey: bool = False,
    align=LEFT,
    first_chars: float = 0,
    left_mm: float = 0,
    hanging_mm: float = 0,
    before_mm: float = 0,
    after_mm: float = 0,
    line: float = 1.0,
    keep_next: bool = False,
) -> Paragraph:
    """Add a paragraph (a cell's untouched first paragraph is reused)."""
    paragraph = None
    if isinstance(box, _Cell):
        first = box.paragraphs[0]
        if len(box.paragraphs) == 1 and first._p.pPr is None and not first.runs:
            paragraph = first
    if paragraph is None:
        paragraph = box.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Mm(before_mm), Mm(after_mm)
    fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE if line != 1.0 else WD_LINE_SPACING.SINGLE
    if line != 1.0:
        fmt.line_spacing = line
    if first_chars:
        fmt.first_line_indent = Pt(first_chars * size)
    if hanging_mm:
        fmt.first_line_indent = Mm(-hanging_mm)
    if left_mm:
        fmt.left_indent = Mm(left_mm)
    if keep_next:
        fmt.keep_with_next = True
    for item in runs:
        spec = R(item) if isinstance(item, str) else item
        run = paragraph.add_run(spec.text)
        run.font.name = LATIN
        run.font.size = Pt(spec.size or size)
        run.font.bold = spec.bold or bold or None
        if spec.grey or grey:
            run.font.color.rgb = HINT_GREY
        if spec.underline:
            run.font.underline = True
        _rfonts(run._r.get_or_add_rPr(), east=spec.east if spec.east != SONG else east)
    return paragraph


def hint(box: _Cell, text: str) -> Paragraph:
    """The form's 提示/提醒 text, small and grey above the filled value."""
    return par(box, text, size=XIAOWU, grey=True, after_mm=1)


def tag(box: DocxDocument | _Cell, text: str) -> Paragraph:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); it disappears on rendering."""
    return par(box, text)


def page_break_section(doc: DocxDocument) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page_setup(section)


# --------------------------------------------------------------------------- tables


class Grid:
    """A fixed-layout table on a column grid (mm); rows are lists of column spans."""

    def __init__(self, doc: DocxDocument, widths_mm: Sequence[float]) -> None:
        assert abs(sum(widths_mm) - TEXT_WIDTH_MM) < 0.01, sum(widths_mm)
        self.widths = [round(w * 1440 / 25.4) for w in widths_mm]
        self.table: Table = doc.add_table(rows=0, cols=len(widths_mm))
        self.table.autofit = False

    def row(self, *spans: int, min_mm: float | None = None, cant_split: bool = True) -> list[_Cell]:
        assert sum(spans) == len(self.widths), spans
        row = self.table.add_row()
        if min_mm:
            row.height = Mm(min_mm)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        if cant_split:
            tr_pr = row._tr.get_or_add_trPr()
            cant = OxmlElement("w:cantSplit")
            height = tr_pr.find(qn("w:trHeight"))
            if height is not None:
                height.addprevious(cant)
            else:
                tr_pr.append(cant)
        cells, out, i = row.cells, [], 0
        for span in spans:
            cell = cells[i] if span == 1 else cells[i].merge(cells[i + span - 1])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            out.append(cell)
            i += span
        return out

    def tag_row(self, text: str) -> None:
        """A row holding only a docxtpl row tag ({%tr ... %}); it disappears on rendering."""
        (cell,) = self.row(len(self.widths))
        par(cell, text)

    def finish(self) -> None:
        """Widths, borders and margins written into the table XML itself (no table style needed)."""
        tbl = self.table._tbl
        tbl_pr = tbl.tblPr
        for old in tbl_pr.findall(qn("w:tblStyle")):
            tbl_pr.remove(old)
        _child(tbl_pr, "w:tblW", {"w:w": str(sum(self.widths)), "w:type": "dxa"})
        borders = _child(tbl_pr, "w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _border(borders, side)
        _child(tbl_pr, "w:tblLayout", {"w:type": "fixed"})
        margins = _child(tbl_pr, "w:tblCellMar")
        for side, value in (("top", 45), ("left", 85), ("bottom", 45), ("right", 85)):
            _child(margins, f"w:{side}", {"w:w": str(value), "w:type": "dxa"})
        _order(tbl_pr, TBL_PR_ORDER)
        for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), self.widths, strict=True):
            col.set(qn("w:w"), str(width))
        for tr in tbl.findall(qn("w:tr")):
            index = 0
            for tc in tr.findall(qn("w:tc")):
                span = tc.grid_span
                tc_pr = tc.get_or_add_tcPr()
                _child(tc_pr, "w:tcW", {"w:w": str(sum(self.widths[index : index + span])), "w:type": "dxa"})
                tc_borders = _child(tc_pr, "w:tcBorders")
                for side in ("top", "left", "bottom", "right"):
                    _border(tc_borders, side)
                _order(tc_pr, TC_PR_ORDER)
                index += span


TBL_PR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
]
TC_PR_ORDER = [
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
]


def _child(parent, tag_name: str, attrs: dict[str, str] | None = None):
    el = parent.find(qn(tag_name))
    if el is None:
        el = OxmlElement(tag_name)
        parent.append(el)
    for key, value in (attrs or {}).items():
        el.set(qn(key), value)
    return el


def _border(parent, side: str) -> None:
    _child(parent, f"w:{side}", {"w:val": "single", "w:sz": "4", "w:space": "0", "w:color": "000000"})


def _order(parent, order: list[str]) -> None:
    """OOXML sequences are ordered; Word rejects a file whose property children are not."""
    rank = {qn(f"w:{name}"): i for i, name in enumerate(order)}
    children = sorted(parent, key=lambda el: rank.get(el.tag, len(rank)))
    for el in children:
        parent.append(el)


def vmerge_in_loop(cell: _Cell) -> None:
    """Merge a loop row's cell down the rows the loop makes: restart on the first, continue after."""
    vmerge = OxmlElement("w:vMerge")
    vmerge.set(qn("w:val"), "{% if loop.first %}restart{% else %}continue{% endif %}")
    cell._tc.get_or_add_tcPr().append(vmerge)


# --------------------------------------------------------------------------- signature blocks


def sign_block(box: DocxDocument | _Cell, *, left_mm: float, company: bool, size: float = XIAOSI) -> None:
    """法定代表人（签字）, the seal line and the date, spaced for a 42 mm seal placeholder."""
    par(box, "法定代表人（签字）：", size=size, left_mm=left_mm, keep_next=True)
    if company:
        company_seal_line(box, size=size, left_mm=left_mm, before_mm=SEAL_GAP_MM)
    else:
        par(box, "申请单位（盖章）", size=size, left_mm=left_mm, before_mm=SEAL_GAP_MM, keep_next=True)
    par(box, "{{ sign_date }}", size=size, left_mm=left_mm, before_mm=SEAL_GAP_MM)


def company_seal_line(
    box: DocxDocument | _Cell, *, size: float, left_mm: float, before_mm: float, underline: bool = False
) -> None:
    """申请单位：<name>（盖章）, with （盖章） on a line of its own when the name is too long to share one.

    A line must never break inside "盖章": the pipeline finds that word in the PDF to place the seal.
    A long name wraps under itself (hanging indent), not under the "申请单位：" label.
    """
    hang = chars_mm(len("申请单位："), size)
    per_line = int((TEXT_WIDTH_MM - left_mm - hang) / chars_mm(1, size))
    fits = per_line - len("（盖章）") - 1  # one character to spare for Latin/CJK spacing
    line = partial(
        par, box, size=size, left_mm=left_mm + hang, hanging_mm=hang, before_mm=before_mm, keep_next=True
    )
    name = R("{{ company.name }}", underline=underline)
    tag(box, f"{{%p if company.name|length <= {fits} %}}")
    line("申请单位：", name, "（盖章）")
    tag(box, "{%p else %}")
    line("申请单位：", name, "\n（盖章）")
    tag(box, "{%p endif %}")


def chars_mm(chars: float, size: float) -> float:
    """The width of `chars` full-width characters at `size` points."""
    return chars * size * 25.4 / 72


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


def label(cell: _Cell, text: str) -> None:
    """A centred field label; a newline starts a new centred line, as the official form breaks them."""
    for line in text.split("\n"):
        par(cell, line, align=CENTER)


def section_head(grid: Grid, title: str, note: str = "") -> None:
    (cell,) = grid.row(6, min_mm=8)
    par(cell, R(title, bold=True), *([R(note, size=XIAOWU, grey=True)] if note else []))


def person_rows(grid: Grid, title: str, key: str, extra: Sequence[tuple[str, str]] = ()) -> None:
    fields = [("办公号码", "office_phone"), ("手机号码", "mobile"), *extra]
    rows = [grid.row(1, 2, 1, 2, min_mm=7) for _ in fields]
    name_label = rows[0][0]
    name_value = rows[0][1]
    for row in rows[1:]:
        name_label = name_label.merge(row[0])
        name_value = name_value.merge(row[1])
    label(name_label, title)
    par(name_value, f"{{{{ {key}.name }}}}", align=CENTER)
    for row, (field_label, field) in zip(rows, fields, strict=True):
        label(row[2], field_label)
        par(row[3], f"{{{{ {key}.{field} }}}}")


def text_row(grid: Grid, title: str, hint_text: str, value: str, min_mm: float) -> _Cell:
    left, right = grid.row(1, 5, min_mm=min_mm, cant_split=False)
    label(left, title)
    hint(right, hint_text)
    par(right, value)
    return right


def application_form(path: Path) -> None:
    doc = new_document("96号段客服类电话接入号码占用申请表")
    cover(doc)
    page_break_section(doc)

    grid = Grid(doc, [34, 30, 16, 34, 26, 25])

    section_head(grid, "申请单位信息", "（提醒：请如实填写申请单位信息，通信地址须具体到门牌号）")
    left, right = grid.row(1, 5, min_mm=8)
    label(left, "申请单位名称")
    par(right, "{{ company.name }}")
    left, right = grid.row(1, 5, min_mm=8)
    label(left, "通信地址及邮编")
    par(right, "{{ company.address }}\u3000邮编：{{ company.postcode }}")
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
    for cell, text in zip(
        grid.row(2, 2, 1, 1, min_mm=7), ("设备名称", "型号", "数量", "是否采购"), strict=True
    ):
        label(cell, text)
    grid.tag_row("{%tr for e in n96.equipment %}")
    name, model, quantity, purchased = grid.row(2, 2, 1, 1, min_mm=7)
    par(name, "{{ e.name }}")
    par(model, "{{ e.model }}")
    par(quantity, "{{ e.quantity }}", align=CENTER)
    par(purchased, "{{ e.purchased|yesno }}", align=CENTER)
    grid.tag_row("{%tr endfor %}")
    grid.tag_row("{%tr if not n96.equipment %}")
    for cell in grid.row(2, 2, 1, 1, min_mm=7):
        par(cell, "")
    grid.tag_row("{%tr endif %}")

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
    cells = grid.row(1, 2, 1, 2, min_mm=8)
    for cell, text in zip(
        cells,
        ("已有坐席数（个）", "{{ n96.seats_existing }}", "拟建坐席数（个）", "{{ n96.seats_planned }}"),
        strict=True,
    ):
        label(cell, text)
    cells = grid.row(1, 2, 1, 2, min_mm=8)
    for cell, text in zip(
        cells,
        ("预期话务量\n（次/月）", "{{ n96.monthly_calls }}", "预期接通率（%）", "{{ n96.connect_rate }}"),
        strict=True,
    ):
        label(cell, text)
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

    (cell,) = grid.row(6)
    par(cell, R("声明条款：", bold=True), size=XIAOSI, before_mm=2, after_mm=1)
    par(
        cell,
        "本公司保证申请提交的所有信息真实有效，附件复印件与原件相符，如有虚假，本公司和本人愿意接受管理机构依法处罚。",
        size=XIAOSI,
        first_chars=2,
        line=1.3,
    )
    par(
        cell,
        "本公司保证在获批码号后一年内启用所分配的码号，并达到规定的使用规模或预期的服务能力，"
        "如未在规定时间启用所分配码号或未达到最低使用规模或预期服务能力，"
        "本公司和本人愿意接受电信主管部门收回我公司所分配的码号。",
        size=XIAOSI,
        first_chars=2,
        line=1.3,
        after_mm=10,
    )
    sign_block(cell, left_mm=80, company=False)
    par(cell, "", after_mm=6)
    grid.finish()
    _tiny_last_paragraph(doc)
    doc.save(str(path))


def _tiny_last_paragraph(doc: DocxDocument) -> None:
    """Word needs a paragraph after a final table; keep it 1 pt so it never spills onto a new page."""
    par(doc, "", size=1)


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
    doc = new_document("电话接入号码使用承诺书")
    par(doc, R("电话接入号码使用承诺书", east=HEI), size=ER, align=CENTER, after_mm=4)
    body = partial(par, doc, size=XIAOSI, line=1.2)
    body("工业和信息化部：")
    body(
        "我公司在获得中华人民共和国电信网码号资源使用证书后，在使用96号段电话接入号码过程中，将遵守如下承诺：",
        first_chars=2,
    )
    for number, text in enumerate(COMMITMENTS, start=1):
        body(f"{number}. {text}", first_chars=2)
    body("以上承诺如有违反，愿接受工业和信息化部及当地通信管理局的依法处罚。", first_chars=2, after_mm=5)
    sign_block(doc, left_mm=40, company=True)
    doc.save(str(path))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="output folder (e.g. templates/n96)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    application_form(args.out / "application_form.docx")
    commitment(args.out / "commitment.docx")
    print(f"wrote {args.out / 'application_form.docx'} and {args.out / 'commitment.docx'}")


if __name__ == "__main__":
    main()
