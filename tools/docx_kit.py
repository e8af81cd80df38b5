"""The DOCX building blocks every tools/make_templates*.py generator shares: page, fonts, runs, grids, seal lines.

One module so that every kind's forms print alike (A4, 宋体/Times New Roman, the free seal zone at the
foot, bordered fixed-layout tables) and a change to the look is made once. Each jinja tag is written in
one run, so that Word-style run splitting never breaks a tag.
"""

from __future__ import annotations

import argparse
import re
import typing
import zipfile
from collections.abc import Callable, Mapping, Sequence
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
from docx.oxml.table import CT_Tc
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree
from lxml.etree import _Element

LATIN, SONG, HEI = "Times New Roman", "宋体", "黑体"
# 字号 in points (GB/T 9704 naming)
YI, ER, XIAOER, SAN, XIAOSAN, XIAOSI, WU, XIAOWU = 26, 22, 18, 16, 15, 12, 10.5, 9
HINT_GREY = RGBColor(0x59, 0x59, 0x59)
A4_TWIPS = (11906, 16838)
# Left margin is wider for binding. The bottom keeps every page's seal zone free: the 20 mm page-number
# band of the overlay, a 42 mm seal placeholder above it and 2 mm to spare (pdf/placement.py puts the
# placeholder of a page without a 盖章 label in its emptiest area, which is then always this zone).
SEAL_ZONE_BOTTOM_MM = 20 + 42 + 2
# A one-page form whose seal goes on its own 盖章 label keeps only the page-number band and 5 mm to spare.
LABEL_PAGE_BOTTOM_MM = 20 + 5
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


def _rfonts(parent: _Element, east: str = SONG) -> None:
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


def _page_setup(section: Section) -> None:
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
    align: WD_ALIGN_PARAGRAPH = LEFT,
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
        row = self.table.add_row()  # type: ignore[no-untyped-call]  # python-docx leaves add_row unannotated
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
            for tc in typing.cast(list[CT_Tc], tr.findall(qn("w:tc"))):
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


def _child(parent: _Element, tag_name: str, attrs: dict[str, str] | None = None) -> _Element:
    el = parent.find(qn(tag_name))
    if el is None:
        el = OxmlElement(tag_name)
        parent.append(el)
    for key, value in (attrs or {}).items():
        el.set(qn(key), value)
    return el


def _border(parent: _Element, side: str) -> None:
    _child(parent, f"w:{side}", {"w:val": "single", "w:sz": "4", "w:space": "0", "w:color": "000000"})


def _order(parent: _Element, order: list[str]) -> None:
    """OOXML sequences are ordered; Word rejects a file whose property children are not."""
    rank = {qn(f"w:{name}"): i for i, name in enumerate(order)}
    children = sorted(parent, key=lambda el: rank.get(str(el.tag), len(rank)))
    for el in children:
        parent.append(el)


def vmerge_in_loop(cell: _Cell) -> None:
    """Merge a loop row's cell down the rows the loop makes: restart on the first, continue after."""
    vmerge = OxmlElement("w:vMerge")
    vmerge.set(qn("w:val"), "{% if loop.first %}restart{% else %}continue{% endif %}")
    # types-lxml types append's argument as the parent's own class
    cell._tc.get_or_add_tcPr().append(vmerge)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- signature blocks


def sign_block(box: DocxDocument | _Cell, *, left_mm: float, company: bool, size: float = XIAOSI) -> None:
    """法定代表人（签字）, the seal line and the date, spaced for a 42 mm seal placeholder."""
    par(box, "法定代表人（签字）：", size=size, left_mm=left_mm, keep_next=True)
    if company:
        company_seal_line(box, size=size, left_mm=left_mm, before_mm=SEAL_GAP_MM)
    else:
        par(box, "申请单位（盖章）", size=size, left_mm=left_mm, before_mm=SEAL_GAP_MM, keep_next=True)
    par(box, "{{ sign_date }}", size=size, left_mm=left_mm, before_mm=SEAL_GAP_MM)


def seal_line(
    box: DocxDocument | _Cell,
    prefix: str,
    name: str,
    *,
    size: float,
    before_mm: float,
    left_mm: float = 0,
    width_mm: float = TEXT_WIDTH_MM,
    own_line: bool = False,
    underline: bool = False,
) -> None:
    """<prefix><the value of the jinja expression `name`>（盖章）, with （盖章） on a line of its own when the
    name is too long to share one.

    A line must never break inside "盖章": the pipeline finds that word in the PDF to place the seal.
    The name wraps under itself (hanging indent), not under the prefix. width_mm: the text width of the
    page, or of the table cell the line is in; own_line: （盖章） always starts a line of its own, which pins
    the seal to the start of the block (side-by-side blocks keep their seals apart whatever the names).
    """
    hang = chars_mm(len(prefix), size)
    per_line = int((width_mm - left_mm - hang) / chars_mm(1, size))
    fits = per_line - len("（盖章）") - 1  # one character to spare for Latin/CJK spacing
    line = partial(
        par, box, size=size, left_mm=left_mm + hang, hanging_mm=hang, before_mm=before_mm, keep_next=True
    )
    value = R(f"{{{{ {name} }}}}", underline=underline)
    if own_line:
        line(prefix, value, "\n（盖章）")
        return
    tag(box, f"{{%p if {name}|length <= {fits} %}}")
    line(prefix, value, "（盖章）")
    tag(box, "{%p else %}")
    line(prefix, value, "\n（盖章）")
    tag(box, "{%p endif %}")


def company_seal_line(
    box: DocxDocument | _Cell, *, size: float, left_mm: float, before_mm: float, underline: bool = False
) -> None:
    """申请单位：<company name>（盖章）, the applicant's seal line."""
    seal_line(
        box,
        "申请单位：",
        "company.name",
        size=size,
        left_mm=left_mm,
        before_mm=before_mm,
        underline=underline,
    )


def chars_mm(chars: float, size: float) -> float:
    """The width of `chars` full-width characters at `size` points."""
    return chars * size * 25.4 / 72


# --------------------------------------------------------------------------- recurring pieces


def title(doc: DocxDocument, text: str, *, size: float = ER, after_mm: float = 6) -> Paragraph:
    """A document's title, centred in 黑体."""
    return par(doc, R(text, east=HEI), size=size, align=CENTER, after_mm=after_mm)


def label(cell: _Cell, text: str, size: float = WU, keep_next: bool = False) -> None:
    """A centred field label; a newline starts a new centred line, as the official forms break them."""
    for line in text.split("\n"):
        par(cell, line, size=size, align=CENTER, keep_next=keep_next)


def field_row(grid: Grid, title: str, *values: str, min_mm: float = 8) -> None:
    """A label and a one-cell value row on the six-column form grid; each value is a paragraph."""
    left, right = grid.row(1, 5, min_mm=min_mm)
    label(left, title)
    for value in values:
        par(right, value)


def label_row(
    grid: Grid, spans: Sequence[int], titles: Sequence[str], *, min_mm: float = 7, keep_next: bool = False
) -> None:
    """One row of centred labels (keep_next holds a table's column titles on the page of its first row)."""
    for cell, text in zip(grid.row(*spans, min_mm=min_mm), titles, strict=True):
        label(cell, text, keep_next=keep_next)


def section_head(
    grid: Grid, title: str, note: str = "", *, min_mm: float = 8, keep_next: bool = False
) -> None:
    """A full-width bold title row, with a small grey note after it (keep_next: kept with the next row)."""
    (cell,) = grid.row(len(grid.widths), min_mm=min_mm)
    par(cell, R(title, bold=True), *([R(note, size=XIAOWU, grey=True)] if note else []), keep_next=keep_next)


def person_rows(grid: Grid, title: str, key: str, extra: Sequence[tuple[str, str]] = ()) -> None:
    """A person's name (merged down) beside their phone rows, on the six-column form grid."""
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
    """A label beside a free-text cell: the form's grey hint, then the value; returns the cell."""
    left, right = grid.row(1, 5, min_mm=min_mm, cant_split=False)
    label(left, title)
    hint(right, hint_text)
    par(right, value)
    return right


def declaration(grid: Grid, heading: str, paragraphs: Sequence[str]) -> None:
    """The form's closing row: the 声明 paragraphs, then the signature block spaced for the seal."""
    (cell,) = grid.row(len(grid.widths))
    par(cell, R(heading, bold=True), size=XIAOSI, before_mm=2, after_mm=1)
    for n, text in enumerate(paragraphs):
        last = n == len(paragraphs) - 1
        par(cell, text, size=XIAOSI, first_chars=2, line=1.3, after_mm=10 if last else 0)
    sign_block(cell, left_mm=80, company=False)
    par(cell, "", after_mm=6)


def commitment_letter(
    path: Path,
    *,
    intro: str,
    clauses: Sequence[str],
    closing: str,
    line: float,
    addressee: str = "工业和信息化部：",
    bottom_mm: float | None = None,
) -> None:
    """电话接入号码使用承诺书: the addressee, the numbered clauses and the signature block, on one page.

    bottom_mm: a letter whose seal goes on its own 盖章 label needs no free seal zone at its foot.
    """
    doc = new_document("电话接入号码使用承诺书")
    if bottom_mm is not None:
        doc.sections[0].bottom_margin = Mm(bottom_mm)
    title(doc, "电话接入号码使用承诺书", after_mm=4)
    body = partial(par, doc, size=XIAOSI, line=line)
    body(addressee)
    body(intro, first_chars=2)
    for number, text in enumerate(clauses, start=1):
        body(f"{number}. {text}", first_chars=2)
    body(closing, first_chars=2, after_mm=5, keep_next=True)  # never the signature block alone
    sign_block(doc, left_mm=40, company=True)
    doc.save(str(path))


def loop_rows(
    grid: Grid, loop: str, spans: Sequence[int], values: Sequence[tuple[str, bool]], min_mm: float = 7
) -> None:
    """Rows repeated by `{%tr for <loop> %}` (values: (text, centred) per cell); one blank row when the
    list is empty, so that the table still shows."""
    items = loop.split(" in ", 1)[1]
    grid.tag_row(f"{{%tr for {loop} %}}")
    for cell, (value, centred) in zip(grid.row(*spans, min_mm=min_mm), values, strict=True):
        par(cell, value, align=CENTER if centred else LEFT)
    grid.tag_row("{%tr endfor %}")
    grid.tag_row(f"{{%tr if not {items} %}}")
    for cell in grid.row(*spans, min_mm=min_mm):
        par(cell, "")
    grid.tag_row("{%tr endif %}")


def info_table(
    doc: DocxDocument,
    rows: Sequence[tuple[str, str]],
    *,
    label_mm: float,
    size: float = WU,
    keep_next: bool = False,
) -> Grid:
    """A bordered two-column table of label / value rows (a newline in a value starts a paragraph;
    keep_next: kept with what follows)."""
    grid = Grid(doc, [label_mm, TEXT_WIDTH_MM - label_mm])
    for text, value in rows:
        left, right = grid.row(1, 1, min_mm=7)
        par(left, text, size=size, align=CENTER, keep_next=keep_next)
        for line in value.split("\n"):
            par(right, line, size=size, keep_next=keep_next)
    grid.finish()
    return grid


def repeat_header(grid: Grid) -> None:
    """The grid's last row so far is repeated at the top of the page when the table breaks."""
    tr_pr = grid.table.rows[-1]._tr.get_or_add_trPr()
    # after cantSplit/trHeight, as the schema orders them (types-lxml types the child as the parent)
    tr_pr.append(OxmlElement("w:tblHeader"))  # type: ignore[arg-type]


BORDER_SIDES = {qn(f"w:{side}") for side in ("top", "left", "bottom", "right", "insideH", "insideV")}


def borderless(grid: Grid) -> None:
    """A layout table (side-by-side signature blocks): the borders Grid.finish wrote are switched off and
    the cells align at the top (vertical centring would shift the shorter column down)."""
    grid.finish()
    for borders in (*grid.table._tbl.iter(qn("w:tblBorders")), *grid.table._tbl.iter(qn("w:tcBorders"))):
        for side in borders:
            if side.tag in BORDER_SIDES:
                for attr in list(side.attrib):
                    del side.attrib[attr]
                side.set(qn("w:val"), "nil")
    for row in grid.table.rows:
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def end_after_table(doc: DocxDocument) -> None:
    """Word needs a paragraph after a final table; keep it 1 pt so it never spills onto a new page."""
    par(doc, "", size=1)


# --------------------------------------------------------------------------- the command line


def write_forms(
    argv: Sequence[str] | None,
    description: str | None,
    kind: str,
    forms: Mapping[str, Callable[[Path], None]],
) -> None:
    """The command line every template generator shares: --out (required), one DOCX per form."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, required=True, help=f"output folder (e.g. templates/{kind})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, build in forms.items():
        build(args.out / name)
        slim(args.out / name)
        print(f"wrote {args.out / name}")


# --------------------------------------------------------------------------- the written package

# What python-docx's default document carries and no form uses: Word 2010's copy of the styles, the
# thumbnail of a blank page, a bibliography store. Every form is filled and converted by every build:
# LibreOffice reads each part of it (the two style parts are 790 KB of XML, 164 styles and 137 latent
# ones), which took a third of its time per form (40 forms: 7.3 s against 4.9 s; the PDFs the same).
UNUSED_PARTS = {
    "word/stylesWithEffects.xml",
    "docProps/thumbnail.jpeg",
    "customXml/item1.xml",
    "customXml/_rels/item1.xml.rels",
    "customXml/itemProps1.xml",
}
PACKAGE_RELS = {"_rels/.rels": "", "word/_rels/document.xml.rels": "word/"}
STYLE_REFERENCE = re.compile(rb'<w:(?:pStyle|rStyle|tblStyle|numStyleId|styleLink) w:val="([^"]+)"')
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _xml(root: _Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _target(folder: str, target: str) -> str:
    """A relationship's target as a member name of the package."""
    return target[3:] if target.startswith("../") else folder + target


def used_styles(members: Mapping[str, bytes]) -> set[str]:
    """The styles a package's parts name, the default one of each type, and the styles those are based
    on, followed by or linked to."""
    styles = etree.fromstring(members["word/styles.xml"])
    by_id = {str(style.get(qn("w:styleId"))): style for style in styles.iter(qn("w:style"))}
    named = {
        found.decode()
        for name, data in members.items()
        if name.startswith("word/") and name.endswith(".xml") and name != "word/styles.xml"
        for found in STYLE_REFERENCE.findall(data)
    }
    keep = named | {sid for sid, style in by_id.items() if style.get(qn("w:default")) == "1"}
    todo = list(keep)
    while todo:
        style = by_id.get(todo.pop())
        for tag in ("w:basedOn", "w:next", "w:link"):
            found = style.find(qn(tag)) if style is not None else None
            if found is not None and (value := str(found.get(qn("w:val")))) not in keep:
                keep.add(value)
                todo.append(value)
    return keep


def slim(path: Path) -> None:
    """Rewrite the DOCX at `path` without the parts above, its styles cut to those it uses (latent ones
    are Word's menu, not formatting), and the same bytes each time it is generated (fixed dates)."""
    with zipfile.ZipFile(path) as package:
        members = {info.filename: package.read(info) for info in package.infolist()}
    for name in UNUSED_PARTS:
        members.pop(name, None)
    for rels, folder in PACKAGE_RELS.items():
        root = etree.fromstring(members[rels])
        for rel in list(root):
            if _target(folder, rel.get("Target", "")) in UNUSED_PARTS:
                root.remove(rel)
        members[rels] = _xml(root)
    types = etree.fromstring(members["[Content_Types].xml"])
    for override in list(types):
        if override.get("PartName", "").lstrip("/") in UNUSED_PARTS:
            types.remove(override)
    members["[Content_Types].xml"] = _xml(types)
    keep = used_styles(members)
    styles = etree.fromstring(members["word/styles.xml"])
    for style in list(styles):
        if style.tag == qn("w:latentStyles") or (
            style.tag == qn("w:style") and style.get(qn("w:styleId")) not in keep
        ):
            styles.remove(style)
    members["word/styles.xml"] = _xml(styles)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            member = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            package.writestr(member, data)
