"""One overlay page per dossier page: 第 N 页 共 M 页, seal placeholders, optional 骑缝章 strip and watermark.

The placeholder, the strip and the font are drawn once (reportlab forms and one font subset) and only
referenced from each page, so they are shared across the whole dossier.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..rules import printed
from .fonts import cjk_font
from .placement import SEAL_RADIUS, Seal

SEAL_RED = Color(0.85, 0.1, 0.1)


@dataclass
class OverlayPage:
    seals: list[Seal] = field(default_factory=list)
    watermark: bool = False
    labels: list[tuple[float, float, str]] = field(default_factory=list)  # x, y (baseline), text
    # where the watermark line goes: across each of these boxes (cards), else across the page
    watermark_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)


def page_label(number: int, total: int) -> str:
    return printed.words("overlay.page", number=number, total=total)


def _define_forms(c: Canvas, font: str) -> None:
    r = SEAL_RADIUS
    # types-reportlab types the lower bounds as int; reportlab writes any number (fp_str) into /BBox
    c.beginForm("seal", lowerx=-r - 2, lowery=-r - 2, upperx=r + 2, uppery=r + 2)  # type: ignore[arg-type]
    c.setStrokeColor(SEAL_RED)
    c.setFillColor(SEAL_RED)
    c.setLineWidth(0.8)
    c.setDash(4, 3)
    c.circle(0, 0, r, stroke=1, fill=0)
    c.endForm()
    # the words apart from the ring: on a form's 盖章 label they move to a blank line of the circle
    c.beginForm("seal-words", lowerx=-r, lowery=-6, upperx=r, uppery=6)  # type: ignore[arg-type]  # as above
    c.setFillColor(SEAL_RED)
    c.setFont(font, 9)
    c.drawCentredString(0, -3, printed.words("overlay.seal"))
    c.endForm()

    c.beginForm("seam", lowerx=-1, lowery=-1, upperx=11 * mm, uppery=43 * mm)
    c.setStrokeColor(SEAL_RED)
    c.setFillColor(SEAL_RED)
    c.setLineWidth(0.8)
    c.setDash(4, 3)
    c.rect(0, 0, 10 * mm, 42 * mm, stroke=1, fill=0)
    c.setFont(font, 9)
    for i, ch in enumerate(printed.words("overlay.seam")):
        c.drawCentredString(5 * mm, 26 * mm - i * 5 * mm, ch)
    c.endForm()


def draw_overlay(
    c: Canvas, pages: Sequence[OverlayPage], seam: bool = False, watermark: str | None = None
) -> None:
    """Draw len(pages) A4 overlay pages on `c` (after any pages it already holds)."""
    font = cjk_font()
    width, height = A4
    _define_forms(c, font)
    total = len(pages)
    for number, page in enumerate(pages, 1):
        c.setPageSize(A4)
        c.setFont(font, 10.5)
        c.setFillColor(Color(0, 0, 0))
        c.drawCentredString(width / 2, 10 * mm, page_label(number, total))
        for seal in page.seals:
            c.saveState()
            c.translate(seal.x, seal.y)
            c.doForm("seal")
            if seal.words_dy is not None:
                c.translate(0, seal.words_dy)
                c.doForm("seal-words")
            c.restoreState()
        if seam:
            c.saveState()
            c.translate(width - 10 * mm, height / 2 - 21 * mm)
            c.doForm("seam")
            c.restoreState()
        for x, y, text in page.labels:
            c.setFont(font, 10.5)
            c.setFillColor(Color(0, 0, 0))
            c.drawString(x, y, text)
        if watermark and page.watermark:
            for box in page.watermark_boxes or [WHOLE_PAGE]:
                _draw_watermark(c, font, watermark, box)
        c.showPage()


WHOLE_PAGE = (0.0, 0.0, A4[0], A4[1])
WATERMARK_SIZE = 16  # points, at most: smaller when the line must fit across a card


def _draw_watermark(c: Canvas, font: str, text: str, box: tuple[float, float, float, float]) -> None:
    """The use-restriction line across the middle of `box`, along its diagonal, fitted into it."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    angle = min(math.degrees(math.atan2(h, w)), 30.0)  # the page's 30 degrees; a card's flatter diagonal
    # the longest line through the centre at that angle that stays inside the box, with a margin
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    room = 0.85 * min(w / cos, h / sin if sin else math.inf)
    size = min(WATERMARK_SIZE, room / max(1e-6, stringWidth(text, font, 1)))
    c.saveState()
    c.setFillColor(Color(0.45, 0.45, 0.45), alpha=0.45)
    c.setFont(font, size)
    c.translate(x0 + w / 2, y0 + h / 2)
    c.rotate(angle)
    c.drawCentredString(0, -size / 3, text)
    c.restoreState()
