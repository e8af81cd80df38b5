"""The pages numdossier writes itself: the cover, the 目录 and the branch 目录 (reportlab, CJK font embedded)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TypedDict
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from ..rules import printed
from .fonts import cjk_font


class Margins(TypedDict):
    """SimpleDocTemplate's margin keywords, in points."""

    leftMargin: float
    rightMargin: float
    topMargin: float
    bottomMargin: float


# Bottom margin keeps the page-number band (the lowest 20 mm) and the seal zone above it (42 mm and 2 to
# spare) free: the placeholder of a page without 盖章 goes to its emptiest area, which is then this zone.
MARGINS: Margins = {
    "leftMargin": 22 * mm,
    "rightMargin": 22 * mm,
    "topMargin": 25 * mm,
    "bottomMargin": 64 * mm,
}


@dataclass(frozen=True)
class CoverData:
    title: str
    subtitle: str
    company: str
    rows: Sequence[tuple[str, str]]  # label, value
    sign_date: str
    total_pages: int


@dataclass(frozen=True)
class TocRow:
    no: str
    title: str
    pages: str
    level: int = 0


@dataclass(frozen=True)
class BranchRow:
    no: int
    name: str
    kind: str
    province: str
    city: str
    proofs: int
    first_page: int


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    base = ParagraphStyle("base", fontName=font, bulletFontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=24, leading=36, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=20, leading=30, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", parent=base, fontSize=18, leading=28, alignment=TA_CENTER),
        "row": ParagraphStyle("row", parent=base, fontSize=13, leading=22, alignment=TA_LEFT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10.5, leading=15),
        "cell_c": ParagraphStyle("cell_c", parent=base, fontSize=10.5, leading=15, alignment=TA_CENTER),
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=15),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class _SegmentStart(Flowable):
    """Zero-size marker that records the page its segment starts on."""

    def __init__(self, index: int, starts: dict[int, int]) -> None:
        super().__init__()
        self.index, self.starts = index, starts

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return (0, 0)

    def draw(self) -> None:
        self.starts[self.index] = self.canv.getPageNumber()


def draft_pages(segments: Sequence[list[Flowable]], title: str) -> tuple[list[int], bytes]:
    """The segments laid out in memory: the pages each takes, and the PDF (to find places on)."""
    buffer = io.BytesIO()
    counts = write_pages(buffer, segments, title)
    return counts, buffer.getvalue()


def write_pages(
    path: Path | BinaryIO,
    segments: Sequence[list[Flowable]],
    title: str,
    after: Callable[[Canvas], None] | None = None,
) -> list[int]:
    """All our own pages in one PDF, each segment starting on a new page; returns pages per segment.

    `after` may draw more pages on the same canvas (the overlay) before it is saved. One document
    means one embedded subset of the CJK font for the cover, 目录, branch 目录s and every stamp.
    """
    starts: dict[int, int] = {}
    pages = 0

    def count(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        nonlocal pages
        pages += 1

    story: list[Flowable] = []
    for index, segment in enumerate(segments):
        if index:
            story.append(PageBreak())
        story.append(_SegmentStart(index, starts))
        story += segment
    target = str(path) if isinstance(path, Path) else path
    doc = SimpleDocTemplate(
        target, pagesize=A4, title=title, author="", creator="numdossier", invariant=1, **MARGINS
    )

    class _Canvas(Canvas):
        def save(self) -> None:
            if after is not None:
                after(self)
            super().save()

    doc.build(story, onFirstPage=count, onLaterPages=count, canvasmaker=_Canvas)
    bounds = [starts[i] for i in range(len(segments))] + [pages + 1]
    return [bounds[i + 1] - bounds[i] for i in range(len(segments))]


def _grid(data: list[list[Flowable]], widths: list[float]) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), cjk_font()),  # else reportlab references Helvetica, unembedded
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def cover_story(data: CoverData) -> list[Flowable]:
    s = _styles()
    rows = [[_p(f"{label}：", s["row"]), _p(value, s["row"])] for label, value in data.rows]
    rows.append(
        [
            _p(printed.words("cover.pages_label") + "：", s["row"]),
            _p(printed.words("cover.pages", n=data.total_pages), s["row"]),
        ]
    )
    info = Table(rows, colWidths=[52 * mm, 110 * mm])
    info.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), cjk_font()),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    sign = Table(
        [
            [_p(printed.words("cover.applicant_seal"), s["row"])],
            [_p(data.company, s["row"])],
            [_p(data.sign_date, s["row"])],
        ],
        colWidths=[90 * mm],
        hAlign="RIGHT",
        style=[("FONT", (0, 0), (-1, -1), cjk_font())],
    )
    # (the spaces fit the cover on one page above the seal zone that MARGINS keep free)
    story: list[Flowable] = [
        Spacer(1, 20 * mm),
        _p(data.title, s["title"]),
        Spacer(1, 4 * mm),
        _p(data.subtitle, s["subtitle"]),
        Spacer(1, 18 * mm),
        info,
        Spacer(1, 16 * mm),
        KeepTogether([sign]),
    ]
    return story


def toc_story(rows: Sequence[TocRow], notes: Sequence[str]) -> list[Flowable]:
    s = _styles()
    data: list[list[Flowable]] = [[_p(h, s["cell_c"]) for h in printed.listing("toc.head")]]
    for row in rows:
        indent = "\u3000\u3000" * row.level
        data.append([_p(row.no, s["cell_c"]), _p(indent + row.title, s["cell"]), _p(row.pages, s["cell_c"])])
    story: list[Flowable] = [
        _p(printed.words("toc.heading"), s["heading"]),
        Spacer(1, 8 * mm),
        _grid(data, [18 * mm, 118 * mm, 30 * mm]),
    ]
    if notes:
        story += [Spacer(1, 8 * mm), _p(printed.words("toc.notes"), s["small"])]
        story += [_p(f"{i}. {note}", s["small"]) for i, note in enumerate(notes, 1)]
    return story


def branch_story(title: str, rows: Sequence[BranchRow]) -> list[Flowable]:
    s = _styles()
    head = printed.listing("branches.head")
    data: list[list[Flowable]] = [[_p(h, s["cell_c"]) for h in head]]
    for r in rows:
        data.append(
            [
                _p(str(r.no), s["cell_c"]),
                _p(r.name, s["cell"]),
                _p(r.kind, s["cell_c"]),
                _p(r.province, s["cell_c"]),
                _p(r.city, s["cell_c"]),
                _p(printed.words("branches.proofs", n=r.proofs), s["cell_c"]),
                _p(str(r.first_page), s["cell_c"]),
            ]
        )
    cities = sorted({(r.province, r.city) for r in rows})
    summary = printed.words(
        "branches.summary", branches=len(rows), cities=len(cities), names="、".join(c for _, c in cities)
    )
    story: list[Flowable] = [
        _p(title, s["heading"]),
        Spacer(1, 6 * mm),
        _p(summary, s["base"]),
        Spacer(1, 4 * mm),
        _grid(data, [11 * mm, 55 * mm, 18 * mm, 20 * mm, 20 * mm, 17 * mm, 14 * mm]),
    ]
    return story
