"""Where marks go on a page: the forms' own 盖章 and 签字 places, or the emptiest area of a scan."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pypdfium2 as pdfium
from PIL import ImageFilter, ImageOps

from .zone import EDGE, FOOTER, MM, SEAL_DIAMETER  # the seal zone's numbers: the circle goes in it

SEAL_RADIUS = SEAL_DIAMETER / 2
GRID_MM = 2.0  # resolution of the emptiness search: one pixel per 2 mm is plenty for a 42 mm circle
SEAL_WORD = "盖章"
SIGN_WORD = "签字"


Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF points (origin bottom-left)

# Where the signer writes, relative to the 签字 word: the rest of its line and a little above and below
# (forms print "法定代表人（签字）：" and leave the space after it for the hand).
SIGN_BOX_WIDTH = 60 * MM
SIGN_BOX_HALF_HEIGHT = 7 * MM
SIGN_LINE_MIN = 20 * MM  # a blank run before 签字 at least this long is the line the signer writes on
DATE_BOX_HALF_HEIGHT = 5 * MM
DATE_LEAD = 14 * MM  # the year is written in the blank before 年
# A date left for handwriting (render.engine.DATE_BLANK): 年, 月 and 日 with only blanks between them.
# pdfium reports each run of blanks as one space, so any blank counts; a digit before 年 means filled in.
DATE_BLANK = re.compile(r"(?<![0-9０-９\s])\s*年[ \u3000]+月[ \u3000]+日")


class Seal(NamedTuple):
    """A placeholder centre (PDF points, origin bottom-left); at_label: on a form's 盖章 words.

    words_dy: where the words 此处加盖公章 go, as the offset of their middle from the centre (points,
    up positive); None where every line of the circle has the form's own text on it (no words then).
    """

    x: float
    y: float
    at_label: bool = False
    words_dy: float | None = 0.0


@dataclass(frozen=True)
class Signature:
    page: int  # 0-based within the part
    who: str
    x: float
    y: float
    box: Box = (0.0, 0.0, 0.0, 0.0)  # where the signature goes


@dataclass(frozen=True)
class DateBlank:
    page: int  # 0-based within the part
    box: Box


@dataclass
class PageMarks:
    """Seal placeholders for one page."""

    seals: list[Seal] = field(default_factory=list)


def _sign_box(word: Box, width: float) -> Box:
    left, bottom, right, top = word
    middle = (bottom + top) / 2
    return (
        right,
        middle - SIGN_BOX_HALF_HEIGHT,
        min(width, right + SIGN_BOX_WIDTH),
        middle + SIGN_BOX_HALF_HEIGHT,
    )


BLANKS = " \u3000_\t"
OPENING = "（("


def _line_before(textpage: pdfium.PdfTextPage, index: int, word: Box) -> Box | None:
    """Where the hand goes when the form leaves a line before the word, "法定代表人：______（签字）":
    the blank run between the label and the bracket; None when the word follows its label directly
    ("法定代表人（签字）：", the space after it is for the hand)."""
    i = index - 1
    if i >= 0 and textpage.get_text_range(i, 1) in OPENING:
        i -= 1
    end = i
    while i >= 0 and (char := textpage.get_text_range(i, 1)) and char in BLANKS:
        i -= 1
    if end - i < 2:  # a single space is a word gap, not a line to sign on
        return None
    first, last = textpage.get_charbox(i + 1), textpage.get_charbox(end + 1)
    middle = (word[1] + word[3]) / 2
    # pdfium gives a blank no height: it stands on its baseline, which lies within the word's line
    on_the_line = word[1] - 2 * MM <= first[1] <= word[3]
    if not on_the_line or last[0] - first[0] < SIGN_LINE_MIN:
        return None
    return (first[0], middle - SIGN_BOX_HALF_HEIGHT, last[0], middle + SIGN_BOX_HALF_HEIGHT)


def _date_blanks(textpage: pdfium.PdfTextPage) -> list[Box]:
    """Boxes of the dates left blank for handwriting ("      年    月    日")."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # pdfium added or dropped characters: indexes would not match the boxes
        return []
    boxes = []
    for match in DATE_BLANK.finditer(text):
        chars = [textpage.get_charbox(i) for i in range(match.start(), match.end()) if not text[i].isspace()]
        bottom = min(b[1] for b in chars)
        top = max(b[3] for b in chars)
        middle = (bottom + top) / 2
        left = min(b[0] for b in chars) - DATE_LEAD
        right = max(b[2] for b in chars)
        boxes.append((max(0.0, left), middle - DATE_BOX_HALF_HEIGHT, right, middle + DATE_BOX_HALF_HEIGHT))
    return boxes


def _clamp(x: float, y: float, width: float, height: float) -> tuple[float, float]:
    x = min(max(x, EDGE + SEAL_RADIUS), width - EDGE - SEAL_RADIUS)
    y = min(max(y, FOOTER + SEAL_RADIUS), height - EDGE - SEAL_RADIUS)
    return x, y


def _find(textpage: pdfium.PdfTextPage, word: str) -> list[tuple[int, tuple[float, float, float, float]]]:
    """(char index, box of the whole word) for every occurrence of `word`."""
    found = []
    searcher = textpage.search(word, match_case=True)
    try:
        while (hit := searcher.get_next()) is not None:
            index, count = hit
            boxes = [textpage.get_charbox(i) for i in range(index, index + count)]
            box = (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            found.append((index, box))
    finally:
        searcher.close()
    return found


_LABEL = re.compile(r"([\u4e00-\u9fff]+)[\s（(：:_\u3000]*$")


def _who(textpage: pdfium.PdfTextPage, box: tuple[float, float, float, float]) -> str:
    """The label in front of a 签字 place on the same line, e.g. '法定代表人'."""
    left, bottom, right, top = box
    text = textpage.get_text_bounded(left=0, bottom=bottom + 1, right=left - 0.5, top=top - 1)
    match = _LABEL.search(text.replace("\r", " ").replace("\n", " ").strip())
    return match.group(1) if match else "签字人"


OTHER_PARTY = "乙方"  # agreements: the carrier or provider seals its own block, not the applicant


def _other_party(textpage: pdfium.PdfTextPage, box: tuple[float, float, float, float]) -> bool:
    """Whether a 盖章 place belongs to the other party: 乙方 on its line, or on the line above it."""
    left, bottom, right, top = box
    height = top - bottom
    same_line = textpage.get_text_bounded(left=0, bottom=bottom + 1, right=left - 0.5, top=top - 1)
    above = textpage.get_text_bounded(left=left - 100, bottom=top, right=right + 150, top=top + 2.5 * height)
    return OTHER_PARTY in same_line or OTHER_PARTY in above


def _emptiest(page: pdfium.PdfPage) -> tuple[float, float]:
    """Centre of the 42 mm square with the least ink, preferring the lower right among near-equals.

    Most pages keep the lower-right corner blank (every scan is fitted clear of the seal zone), and then
    the corner is the answer: rendering just that square tells (a scan's image outside it is not even
    decoded), and the whole page is searched only when the corner has ink."""
    grid = _Grid(*page.get_size())
    corner = grid.corner_crop()
    if corner is not None:
        image = page.render(scale=grid.scale, grayscale=True, may_draw_forms=True, crop=corner).to_pil()
        if image.convert("L").getextrema() == (255, 255):
            return grid.centre(grid.right, grid.bottom)
    return _search(page, grid)


@dataclass(frozen=True)
class _Grid:
    """The emptiness search's pixels: one per GRID_MM, as pypdfium2 renders a page at that scale."""

    width: float  # the page, in points
    height: float

    @property
    def scale(self) -> float:
        return 1 / (GRID_MM * MM)

    @property
    def size(self) -> tuple[int, int]:
        return math.ceil(self.width * self.scale), math.ceil(self.height * self.scale)

    @property
    def radius(self) -> int:
        return max(1, round(SEAL_DIAMETER * self.scale)) // 2

    @property
    def edge(self) -> int:  # the first allowed centre from the left and the top
        return round(EDGE * self.scale) + self.radius

    @property
    def right(self) -> int:  # the last allowed centre
        return max(self.edge, self.size[0] - self.edge - 1)

    @property
    def bottom(self) -> int:
        return max(self.edge, self.size[1] - round(FOOTER * self.scale) - self.radius - 1)

    def centre(self, x: int, y: int) -> tuple[float, float]:
        """The page point (origin bottom-left) at the middle of pixel (x, y), kept on the paper."""
        return _clamp((x + 0.5) / self.scale, self.height - (y + 0.5) / self.scale, self.width, self.height)

    def corner_crop(self) -> tuple[float, float, float, float] | None:
        """pypdfium2's crop (left, bottom, right, top in points) that renders exactly the square whose
        mean ink the search gives the lower-right centre; None where that square leaves the page."""
        w, h = self.size
        r = self.radius
        left, top, right, bottom = (
            self.right - r,
            self.bottom - r,
            w - (self.right + r + 1),
            h - (self.bottom + r + 1),
        )
        if min(left, top, right, bottom) < 0:
            return None
        # pypdfium2 crops ceil(points * scale) pixels: half a pixel less is exactly that many
        return tuple((px - 0.5) / self.scale if px else 0.0 for px in (left, bottom, right, top))  # type: ignore[return-value]


def _search(page: pdfium.PdfPage, grid: _Grid) -> tuple[float, float]:
    """The whole page searched: the mean ink of the square around every allowed centre."""
    image = page.render(scale=grid.scale, grayscale=True, may_draw_forms=True).to_pil().convert("L")
    # Mean ink of the side x side window around every pixel, in C (Pillow's box blur is an exact box
    # average); only the centres whose window lies inside the allowed area are considered below.
    ink = ImageOps.invert(image).filter(ImageFilter.BoxBlur(grid.radius))
    values = np.asarray(ink, dtype=np.float64)  # [y, x]
    edge = grid.edge
    allowed = values[edge : grid.bottom + 1, edge : grid.right + 1]
    if not allowed.size:  # a page too small for the circle: its middle (clamped)
        return _clamp(grid.width / 2, grid.height / 2, grid.width, grid.height)
    tolerance = 255 * 0.01
    ys, xs = np.nonzero(allowed <= allowed.min() + tolerance)
    # Among the near-emptiest, the lowest right: the largest x + y, then the largest x.
    best = int(np.argmax((xs + ys) * (image.size[0] + 1) + xs))
    return grid.centre(int(xs[best]) + edge, int(ys[best]) + edge)


# The placeholder's words (printed.toml overlay.seal, 9 pt): about 19 x 3.2 mm; where the circle sits on a form's
# 盖章 label they go on a line of the circle where the page is blank, tried from the middle outwards.
WORDS_BOX = (21 * MM, 4.5 * MM)
WORDS_OFFSETS_MM = (0.0, -6.0, 6.0, -10.0, 10.0, -14.0, 14.0)
WORDS_DPI = 150
WORDS_INK = 200  # grey levels below this are the form's ink (text, lines); anti-aliasing fringes are not
WORDS_INK_SHARE = 0.002


def _blank_line(page: pdfium.PdfPage, x: float, y: float) -> float | None:
    """The offset from (x, y) of the first blank line for the placeholder's words, None if none is."""
    width, height = page.get_size()
    scale = WORDS_DPI / 72
    w, h = WORDS_BOX
    top_of_search = min(height, y + SEAL_RADIUS)
    left = max(0.0, x - SEAL_RADIUS)
    crop = (
        left,
        max(0.0, y - SEAL_RADIUS),
        max(0.0, width - x - SEAL_RADIUS),
        max(0.0, height - top_of_search),
    )
    image = page.render(scale=scale, grayscale=True, crop=crop).to_pil().convert("L")
    ink = image.point(lambda v: 255 if v < WORDS_INK else 0)
    for offset_mm in WORDS_OFFSETS_MM:
        dy = offset_mm * MM
        # the words' box in the rendered crop (pixels, origin top-left of the crop)
        box = (
            round((x - w / 2 - left) * scale),
            round((top_of_search - (y + dy + h / 2)) * scale),
            round((x + w / 2 - left) * scale),
            round((top_of_search - (y + dy - h / 2)) * scale),
        )
        region = ink.crop(box)
        inked = region.histogram()[255]
        if inked <= WORDS_INK_SHARE * region.width * region.height:
            return dy
    return None


def find_marks(
    pdf_path: Path | bytes, form: bool, pages: range | None = None
) -> tuple[list[PageMarks], list[Signature], list[DateBlank]]:
    """Seal places for every page of a part; forms use their 盖章 text, other pages their emptiest area.

    Forms also give their signature places (by 签字) and the dates left blank for handwriting.
    """
    marks: list[PageMarks] = []
    signatures: list[Signature] = []
    dates: list[DateBlank] = []
    document = pdfium.PdfDocument(pdf_path if isinstance(pdf_path, bytes) else str(pdf_path))
    try:
        for offset, index in enumerate(pages if pages is not None else range(len(document))):
            page = document[index]
            width, height = page.get_size()
            page_marks = PageMarks()
            if form:
                textpage = page.get_textpage()
                for _, (left, bottom, right, top) in _find(textpage, SEAL_WORD):
                    if _other_party(textpage, (left, bottom, right, top)):
                        continue
                    x, y = _clamp((left + right) / 2, (bottom + top) / 2, width, height)
                    page_marks.seals.append(Seal(x, y, at_label=True, words_dy=_blank_line(page, x, y)))
                for index, box in _find(textpage, SIGN_WORD):
                    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
                    place = _line_before(textpage, index, box) or _sign_box(box, width)
                    signatures.append(Signature(offset, _who(textpage, box), *centre, place))
                dates += [DateBlank(offset, box) for box in _date_blanks(textpage)]
                textpage.close()
            if not page_marks.seals:
                page_marks.seals.append(Seal(*_emptiest(page)))
            marks.append(page_marks)
            page.close()
    finally:
        document.close()
    return marks, signatures, dates
