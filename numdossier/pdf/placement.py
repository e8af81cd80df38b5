"""Where marks go on a page: the forms' own 盖章 and 签字 places, or the emptiest area of a scan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from PIL import ImageFilter, ImageOps

MM = 72 / 25.4
SEAL_DIAMETER = 42 * MM
SEAL_RADIUS = SEAL_DIAMETER / 2
EDGE = 6 * MM  # keep the circle this far from the paper edge
FOOTER = 20 * MM  # the page-number band at the bottom stays free
GRID_MM = 2.0  # resolution of the emptiness search: one pixel per 2 mm is plenty for a 42 mm circle
SEAL_WORD = "盖章"
SIGN_WORD = "签字"


@dataclass(frozen=True)
class Signature:
    page: int  # 0-based within the part
    who: str
    x: float
    y: float


@dataclass
class PageMarks:
    """Seal centres (PDF points, origin bottom-left) for one page."""

    seals: list[tuple[float, float]] = field(default_factory=list)


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
    """Centre of the 42 mm square with the least ink, preferring the lower right among near-equals."""
    width, height = page.get_size()
    scale = 1 / (GRID_MM * MM)
    image = page.render(scale=scale, grayscale=True, may_draw_forms=True).to_pil().convert("L")
    w, h = image.size
    side = max(1, round(SEAL_DIAMETER * scale))
    radius = side // 2
    # Mean ink of the side x side window around every pixel, in C (Pillow's box blur is an exact box
    # average); only the centres whose window lies inside the allowed area are considered below.
    ink = ImageOps.invert(image).filter(ImageFilter.BoxBlur(radius))
    values = ink.load()
    assert values is not None
    edge = round(EDGE * scale) + radius
    footer = round(FOOTER * scale) + radius
    centres = [
        (x, y) for y in range(edge, max(edge + 1, h - footer)) for x in range(edge, max(edge + 1, w - edge))
    ]
    scores = [(float(values[x, y]), x, y) for x, y in centres]  # type: ignore[arg-type]
    lowest = min(v for v, _, _ in scores)
    tolerance = 255 * 0.01
    _, bx, by = max(
        ((v, x, y) for v, x, y in scores if v <= lowest + tolerance), key=lambda c: (c[1] + c[2], c[1])
    )
    return _clamp((bx + 0.5) / scale, height - (by + 0.5) / scale, width, height)


def find_marks(
    pdf_path: Path, form: bool, pages: range | None = None
) -> tuple[list[PageMarks], list[Signature]]:
    """Seal places for every page of a part; forms use their 盖章 text, other pages their emptiest area."""
    marks: list[PageMarks] = []
    signatures: list[Signature] = []
    document = pdfium.PdfDocument(str(pdf_path))
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
                    page_marks.seals.append(_clamp((left + right) / 2, (bottom + top) / 2, width, height))
                for _, box in _find(textpage, SIGN_WORD):
                    signatures.append(
                        Signature(offset, _who(textpage, box), (box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
                    )
                textpage.close()
            if not page_marks.seals:
                page_marks.seals.append(_emptiest(page))
            marks.append(page_marks)
            page.close()
    finally:
        document.close()
    return marks, signatures
