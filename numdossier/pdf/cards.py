"""ID copies: find the card on a normalised attachment page, print a holder's sides on one A4 page at card size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
from pikepdf import Dictionary, Name
from PIL import Image, ImageFilter

if TYPE_CHECKING:  # pdfium is imported where a card is searched: `check` only asks card_shaped()
    import pypdfium2 as pdfium

MM = 72 / 25.4
A4 = (595.2756, 841.8898)
# ISO/IEC 7810 ID-1: the resident ID card (GB/T 14916), the HK/Macau and Taiwan travel permits.
CARD = (85.6 * MM, 54.0 * MM)
CARD_ASPECT = CARD[0] / CARD[1]
ASPECT_TOLERANCE = 0.08  # a scanner's crop or a phone photo's perspective is a few percent off
MIN_CARD_WIDTH = 40 * MM  # a smaller card-shaped picture is a logo or a photo on the card, not the card
MAX_CARD_SHARE = 0.5  # a card found by its ink covers at most half of the page: the rest is the flatbed lid
INK_DPI = 150  # resolution of the search for a card on a flatbed page: 0.17 mm per pixel
INK_CELL_MM = 2.0  # ink is gathered in cells this size, so that dust and specks do not count as the card
INK_CELL_SHARE = 0.2  # a cell with at least this share of inked pixels is part of something
INK_CONTRAST = (
    8  # grey levels below the paper that count as ink: a card's pale ground is ink, scanner noise is not
)

# Where the sides go on the sheet: labels above the cards, the cards one above the other, the lower
# right quarter left for the seal placeholder and the page-number band at the bottom free.
LEFT = 30 * MM
FIRST_TOP = 36 * MM  # from the top of the page: the first label's baseline is above this
GAP = 20 * MM  # between a card's lower edge and the next card's top (the label sits in it)
LABEL_RISE = 3 * MM  # label baseline above its card

Box = tuple[float, float, float, float]  # llx, lly, urx, ury in PDF points


@dataclass(frozen=True)
class Side:
    """One side of an ID document: a page of a normalised attachment PDF and the card on it."""

    pdf: Path
    page: int  # 0-based
    card: Box
    label: str


@dataclass(frozen=True)
class Slot:
    """Where a side was printed on the sheet (PDF points) and the label above it."""

    box: Box
    label: str
    label_at: tuple[float, float]


def _width(box: Box) -> float:
    return box[2] - box[0]


def _height(box: Box) -> float:
    return box[3] - box[1]


def card_shaped(box: Box) -> bool:
    w, h = _width(box), _height(box)
    if min(w, h) <= 0:
        return False
    aspect = max(w, h) / min(w, h)
    return abs(aspect / CARD_ASPECT - 1) <= ASPECT_TOLERANCE and max(w, h) >= MIN_CARD_WIDTH


def find_card(page: pdfium.PdfPage) -> Box | None:
    """The card on a page: a card-shaped picture, or a card lying on an otherwise blank flatbed scan."""
    import pypdfium2.raw as pdfium_c

    pictures = [_on_page(obj) for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4)]
    cards = [b for b in pictures if card_shaped(b)]
    if cards:
        return max(cards, key=lambda b: _width(b) * _height(b))
    width, height = page.get_size()
    found = _ink_box(page)
    if (
        found is not None
        and card_shaped(found)
        and _width(found) * _height(found) <= MAX_CARD_SHARE * width * height
    ):
        return found
    return None


def _on_page(obj: pdfium.PdfObject) -> Box:
    """An object's bounds on the page: pdfium gives those inside a form XObject in the form's space."""
    left, bottom, right, top = obj.get_bounds()
    container = obj.container
    while container is not None:
        left, bottom, right, top = container.get_matrix().on_rect(left, bottom, right, top)
        container = container.container
    return (float(left), float(bottom), float(right), float(top))


def _ink_box(page: pdfium.PdfPage) -> Box | None:
    """Bounding box of the largest inked region of the page (the card), ignoring specks."""
    width, height = page.get_size()
    scale = INK_DPI / 72
    grey = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    histogram = grey.histogram()
    paper = max(range(128, 256), key=lambda v: histogram[v])  # the commonest light level
    threshold = max(1, paper - INK_CONTRAST)
    ink = grey.point(lambda v: 255 if v < threshold else 0)
    cell = max(1, round(INK_CELL_MM * MM * scale))
    cols, rows = -(-ink.width // cell), -(-ink.height // cell)
    share = ink.resize((cols, rows), Image.Resampling.BOX)
    inked = {
        (x, y) for y in range(rows) for x in range(cols) if share.getpixel((x, y)) >= 255 * INK_CELL_SHARE
    }
    region = _largest_region(inked)
    if not region:
        return None
    x0 = min(x for x, _ in region) * cell
    y0 = min(y for _, y in region) * cell
    x1 = (max(x for x, _ in region) + 1) * cell
    y1 = (max(y for _, y in region) + 1) * cell
    # the region's cells overshoot its edges by up to a cell: take the exact ink inside them
    # (without isolated specks, which the median drops and a card's solid ground keeps)
    exact = ink.crop(
        (max(0, x0 - cell), max(0, y0 - cell), min(ink.width, x1 + cell), min(ink.height, y1 + cell))
    )
    inner = exact.filter(ImageFilter.MedianFilter(3)).getbbox()
    if inner is None:
        return None
    left, top = max(0, x0 - cell) + inner[0], max(0, y0 - cell) + inner[1]
    right, bottom = max(0, x0 - cell) + inner[2], max(0, y0 - cell) + inner[3]
    return (left / scale, height - bottom / scale, right / scale, height - top / scale)


def _largest_region(cells: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The largest 8-connected set of cells."""
    best: set[tuple[int, int]] = set()
    todo = set(cells)
    while todo:
        start = todo.pop()
        region, frontier = {start}, [start]
        while frontier:
            x, y = frontier.pop()
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    n = (x + dx, y + dy)
                    if n in todo:
                        todo.discard(n)
                        region.add(n)
                        frontier.append(n)
        if len(region) > len(best):
            best = region
    return best


def find_cards(pdf: Path) -> list[Box | None]:
    """The card on every page of a normalised attachment PDF (None where there is none)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        found = []
        for index in range(len(document)):
            page = document[index]
            found.append(find_card(page))
            page.close()
        return found
    finally:
        document.close()


def card_size(card: Box) -> tuple[float, float]:
    """The true size of a found card, in its orientation (a card scanned upright stays upright)."""
    return CARD if _width(card) >= _height(card) else (CARD[1], CARD[0])


def layout(sides: Sequence[Side]) -> list[Slot]:
    """Slots for the sides of one sheet, first above second, at true card size."""
    slots = []
    top = A4[1] - FIRST_TOP
    for side in sides:
        w, h = card_size(side.card)
        box = (LEFT, top - h, LEFT + w, top)
        slots.append(Slot(box, side.label, (LEFT, top + LABEL_RISE)))
        top -= h + GAP
    return slots


def write_sheets(sheets: Sequence[Sequence[Side]], out: Path) -> list[list[Slot]]:
    """Write one A4 page per sheet to `out`: each side's card cropped from its page (no re-encoding:
    the page becomes a form XObject whose /BBox is the card) and scaled to true card size."""
    placed: list[list[Slot]] = []
    opened: dict[Path, pikepdf.Pdf] = {}
    try:
        with pikepdf.new() as pdf:
            forms: dict[tuple[Path, int], pikepdf.Object] = {}
            for sheet in sheets:
                slots = layout(sheet)
                page = pdf.add_blank_page(page_size=A4)
                xobjects = Dictionary()
                content = []
                for n, (side, slot) in enumerate(zip(sheet, slots, strict=True)):
                    key = (side.pdf, side.page)
                    if key not in forms:
                        if side.pdf not in opened:
                            opened[side.pdf] = pikepdf.open(side.pdf)
                        source = opened[side.pdf].pages[side.page]
                        forms[key] = form = pdf.copy_foreign(source.as_form_xobject())
                        # the crop: only the card is drawn, the image data stays as it was
                        form.BBox = pikepdf.Array([float(v) for v in side.card])
                    name = Name(f"/Card{n}")
                    xobjects[name] = forms[key]
                    content.append(_placement(side.card, slot.box) + b" " + name.unparse() + b" Do Q")
                page.obj.Resources = Dictionary(XObject=xobjects)
                page.obj.Contents = pdf.make_stream(b"\n".join(content))
                placed.append(slots)
            pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finally:
        for src in opened.values():
            src.close()
    return placed


def _placement(card: Box, slot: Box) -> bytes:
    """q + cm mapping the card box of the source page onto the slot (uniform scale, centred)."""
    scale = min(_width(slot) / _width(card), _height(slot) / _height(card))
    x = slot[0] + (_width(slot) - _width(card) * scale) / 2 - card[0] * scale
    y = slot[1] + (_height(slot) - _height(card) * scale) / 2 - card[1] * scale
    return f"q {scale:.6f} 0 0 {scale:.6f} {x:.4f} {y:.4f} cm".encode()
