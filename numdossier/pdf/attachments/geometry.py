"""Page geometry (PDF points): where an attachment's picture or page lands on A4, and at what resolution.

`fit` is the one rule for how content is sized on the page; `check` (its resolution) and `build` (the
placement) both go through it, so changing it changes both. Content that would reach into the seal
zone (the lower right corner, where the every-page placeholder goes) is fitted above it or beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pikepdf
from pikepdf import Array, Dictionary, Matrix

from ..zone import SEAL_ZONE

MM = 72 / 25.4
A4 = (595.2756, 841.8898)  # 210 mm x 297 mm, portrait
A4_TOLERANCE = 2.0  # producers round A4 to 595x842 or 596x842 (Google Docs, Qt); such pages count as A4
MARGIN_SIDE = MARGIN_TOP = 15 * MM  # a scan must not touch the paper edge
MARGIN_BOTTOM = 20 * MM  # reserved for the page numbers the assembler stamps
PRINTABLE = (  # x, y, width, height of the area attachment content is fitted into
    MARGIN_SIDE,
    MARGIN_BOTTOM,
    A4[0] - 2 * MARGIN_SIDE,
    A4[1] - MARGIN_TOP - MARGIN_BOTTOM,
)
# Content that would reach into the seal zone (zone.SEAL_ZONE: the placeholder's corner, x from
# 160 mm, up to 64 mm) goes above it, over the printable width, or beside it, over the printable height;
# `fit` takes whichever prints it larger. Shrinking never lowers a scan's resolution (its pixels cover
# fewer inches), and it costs at most about a sixth of the size: a portrait A4 scan prints at 0.734
# instead of 0.857 of its size, a landscape one (or anything wider than the area above) loses nothing.
ABOVE_SEAL = (
    MARGIN_SIDE,
    SEAL_ZONE[3],
    A4[0] - 2 * MARGIN_SIDE,
    A4[1] - MARGIN_TOP - SEAL_ZONE[3],
)
BESIDE_SEAL = (
    MARGIN_SIDE,
    MARGIN_BOTTOM,
    SEAL_ZONE[0] - MARGIN_SIDE,
    A4[1] - MARGIN_TOP - MARGIN_BOTTOM,
)
LETTER = (0.0, 0.0, 612.0, 792.0)  # what viewers (pdfium, pdf.js) assume when a page has no usable MediaBox

Box = tuple[float, float, float, float]  # llx, lly, urx, ury


def orientation(code: int, w: float, h: float) -> Matrix:
    """Map a w x h box at the origin to its displayed position, for EXIF orientation `code`.

    EXIF 2.32, tag 0x0112: 1 upright, 2 mirrored, 3 rotated 180, 4 flipped, 5 transposed,
    6 needs 90 degrees clockwise, 7 transversed, 8 needs 90 degrees anticlockwise. The displayed
    box is h x w for 5-8. PDF row-vector form: x' = a x + c y + e, y' = b x + d y + f.
    """
    return {
        1: Matrix(1, 0, 0, 1, 0, 0),
        2: Matrix(-1, 0, 0, 1, w, 0),
        3: Matrix(-1, 0, 0, -1, w, h),
        4: Matrix(1, 0, 0, -1, 0, h),
        5: Matrix(0, -1, -1, 0, h, w),
        6: Matrix(0, -1, 1, 0, 0, w),
        7: Matrix(0, 1, 1, 0, 0, 0),
        8: Matrix(0, 1, -1, 0, h, 0),
    }[code]


# /Rotate turns the page clockwise for display (ISO 32000-1, Table 30): the same as EXIF 6, 3, 8.
ROTATE_AS_ORIENTATION = {0: 1, 90: 6, 180: 3, 270: 8}


class Fit(NamedTuple):
    """Scale and lower-left corner of content on the A4 page; `around_seal`: moved clear of the seal zone."""

    scale: float
    x: float
    y: float
    around_seal: bool = False

    def box(self, width: float, height: float) -> Box:
        return self.x, self.y, self.x + width * self.scale, self.y + height * self.scale


def _into(area: tuple[float, float, float, float], width: float, height: float, expand: bool) -> Fit:
    px, py, pw, ph = area
    scale = min(pw / width, ph / height)
    if not expand:
        scale = min(scale, 1.0)
    return Fit(scale, px + (pw - width * scale) / 2, py + (ph - height * scale) / 2)


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def fit(width: float, height: float, *, expand: bool, zone_clear: bool | None = None) -> Fit:
    """Scale and lower-left corner that centre a width x height box in the printable area, or, when its
    content would reach into the seal zone, in the area above or beside the zone (the larger scale).

    `expand`: vector pages may be enlarged; pictures only shrink (their resolution is their natural size).
    `zone_clear`: whether the content, centred in the printable area, leaves the seal zone blank (as
    measured on a PDF page's ink); None judges by the box: every part of a picture is content.
    """
    plain = _into(PRINTABLE, width, height, expand)
    if zone_clear or (zone_clear is None and not overlaps(plain.box(width, height), SEAL_ZONE)):
        return plain
    above = _into(ABOVE_SEAL, width, height, expand)
    beside = _into(BESIDE_SEAL, width, height, expand)
    best = above if above.scale >= beside.scale * (1 - 1e-9) else beside  # equal: the seal goes below
    return best._replace(around_seal=True)


def placement(
    inner: Matrix, width: float, height: float, *, expand: bool, zone_clear: bool | None = None
) -> Matrix:
    """`inner` maps the content to an upright width x height box at the origin; add the fit."""
    scale, x, y, _ = fit(width, height, expand=expand, zone_clear=zone_clear)
    return inner @ Matrix(scale, 0, 0, scale, x, y)


def effective_dpi(width_px: int, height_px: int, matrix: Matrix) -> float:
    """The lower of the two resolutions of an image drawn with `matrix` (unit square -> page points)."""
    along_x = math.hypot(matrix.a, matrix.b) / 72  # inches the image's width covers
    along_y = math.hypot(matrix.c, matrix.d) / 72
    if along_x <= 0 or along_y <= 0:
        return 0.0
    # Rounded: 150 dpi placed at scale 1 must read 150, not 149.99999999999997.
    return round(min(width_px / along_x, height_px / along_y), 6)


def card_scale(box: Box) -> float | None:
    """How much `build` scales a card found at `box` on a normalised page to print it at true card size
    (pdf/cards.py decides what a card is and its size); None when `box` is not card-shaped."""
    from ..cards import card_shaped, card_size

    if not card_shaped(box):
        return None
    w, h = card_size(box)
    return min(w / (box[2] - box[0]), h / (box[3] - box[1]))


def unit_square_box(matrix: Matrix) -> Box:
    """Where the unit square (an image XObject) lands under `matrix`."""
    corners = [matrix.transform(p) for p in ((0, 0), (1, 0), (0, 1), (1, 1))]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


# --- pictures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """One picture of an image file, as far as placing it on a page is concerned."""

    width: int  # stored pixels, before orientation
    height: int
    dpi: tuple[float, float]
    orientation: int  # EXIF 1-8

    def natural_size(self) -> tuple[float, float]:
        return self.width / self.dpi[0] * 72, self.height / self.dpi[1] * 72

    def shown_size(self) -> tuple[float, float]:
        w, h = self.natural_size()
        return (h, w) if self.orientation >= 5 else (w, h)

    def fit(self) -> Fit:
        # Shrink only: a scan's resolution is its natural size; enlarging would invent detail. Every
        # pixel counts as content (check reads no pixels): a picture that would reach into the seal
        # zone goes above or beside it.
        return fit(*self.shown_size(), expand=False)

    def matrix(self) -> Matrix:
        """Unit square (how an image XObject is drawn) -> upright, fitted, centred on A4."""
        w, h = self.natural_size()
        inner = Matrix(w, 0, 0, h, 0, 0) @ orientation(self.orientation, w, h)
        return placement(inner, *self.shown_size(), expand=False)

    def scale(self) -> float:
        return self.fit().scale

    def effective_dpi(self, *, id_card: bool = False) -> float:
        """On its A4 page, or (`id_card`) where build prints it when it is a card: at true card size."""
        dpi = effective_dpi(self.width, self.height, self.matrix())
        scale = card_scale(unit_square_box(self.matrix())) if id_card else None
        return round(dpi / scale, 6) if scale else dpi


# --- PDF pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourcePage:
    """A PDF page's boxes as a viewer uses them, and where its content lands on A4."""

    media: Box
    visible: Box  # the CropBox within the MediaBox
    rotate: int  # 0, 90, 180, 270
    unit: float  # /UserUnit
    # False for a page whose scan reaches into the lowest MARGIN_BOTTOM (a flatbed's full-page picture):
    # the page-number band must stay clear, so such an A4 page is fitted like any other, not copied.
    band_clear: bool = True
    # Whether the page's ink, placed plainly (copied as is, or centred in the printable area), leaves the
    # seal zone blank (pdfs.zone_clear measures it); None: not measured, the whole page counts as content.
    # A page that is not clear is fitted above or beside the zone.
    zone_clear: bool | None = None

    @classmethod
    def of(cls, page: Dictionary, *, band_clear: bool = True, zone_clear: bool | None = None) -> SourcePage:
        media = box(page.get("/MediaBox")) or LETTER
        crop = box(page.get("/CropBox"))
        return cls(
            media,
            intersect(crop, media) if crop else media,
            rotation(page.get("/Rotate")),
            user_unit(page.get("/UserUnit")),
            band_clear,
            zone_clear,
        )

    @property
    def a4_upright(self) -> bool:
        """An upright A4 page with nothing outside its visible box: it can be copied as it is."""
        llx, lly, urx, ury = self.media
        return (
            self.band_clear
            and self.rotate == 0
            and self.unit == 1.0
            and abs(llx) < 0.01
            and abs(lly) < 0.01
            and abs(urx - A4[0]) <= A4_TOLERANCE
            and abs(ury - A4[1]) <= A4_TOLERANCE
            and all(abs(a - b) < 0.01 for a, b in zip(self.media, self.visible, strict=True))
        )

    @property
    def as_is(self) -> bool:
        """Already an upright A4 page that leaves the seal zone blank: copied without re-placing it."""
        return self.a4_upright and self.zone_clear is True

    def shown_size(self) -> tuple[float, float]:
        llx, lly, urx, ury = self.visible
        w, h = (urx - llx) * self.unit, (ury - lly) * self.unit
        return (h, w) if self.rotate in (90, 270) else (w, h)

    def fit(self) -> Fit:
        # Vector content scales both ways: small pages (A5, receipts) are enlarged to fill the area.
        if self.as_is:
            return Fit(1.0, self.visible[0], self.visible[1])
        # (an upright A4 page that is not copied as is covers the zone: fit judges it by its box)
        return fit(*self.shown_size(), expand=True, zone_clear=self.zone_clear)

    def placed_box(self) -> Box:
        """Where the visible page lands on A4."""
        return self.fit().box(*self.shown_size())

    def matrix(self) -> Matrix:
        """Page user space -> the A4 page (identity when copied as is)."""
        if self.as_is:
            return Matrix()
        llx, lly, urx, ury = self.visible
        w, h = urx - llx, ury - lly
        inner = Matrix(1, 0, 0, 1, -llx, -lly) @ orientation(ROTATE_AS_ORIENTATION[self.rotate], w, h)
        inner = inner @ Matrix(self.unit, 0, 0, self.unit, 0, 0)
        scale, x, y, _ = self.fit()
        return inner @ Matrix(scale, 0, 0, scale, x, y)

    def scale(self) -> float:
        return self.fit().scale

    def area(self) -> float:
        llx, lly, urx, ury = self.visible
        return (urx - llx) * (ury - lly)


def box(value: object) -> Box | None:
    """A rectangle as (llx, lly, urx, ury), normalised; None if missing, malformed or empty."""
    if not isinstance(value, Array) or len(value) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    b = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return b if b[2] - b[0] > 0.01 and b[3] - b[1] > 0.01 else None


def intersect(a: Box, b: Box) -> Box:
    i = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    # A CropBox outside the MediaBox: viewers fall back to the MediaBox (pdfium, pdf.js).
    return i if i[2] - i[0] > 0.01 and i[3] - i[1] > 0.01 else b


def rotation(value: object) -> int:
    try:
        degrees = int(float(value)) if value is not None else 0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    # Truncating like pdfium (CPDF_Page::GetPageRotation): -90 is 270, 45 is 0.
    return int(degrees / 90) % 4 * 90


def user_unit(value: object) -> float:
    try:
        unit = float(value) if value is not None else 1.0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1.0
    return unit if unit > 0 else 1.0


# --- writing ----------------------------------------------------------------------------------------


def new_page(out: pikepdf.Pdf, xobject: pikepdf.Object, name: str, matrix: Matrix) -> None:
    page = out.add_blank_page(page_size=A4)
    page.obj.Resources = Dictionary(XObject=Dictionary({name: xobject}))
    page.obj.Contents = out.make_stream(b"q " + matrix.encode() + b" cm " + name.encode() + b" Do Q")


def save(out: pikepdf.Pdf, path: Path, min_version: str) -> None:
    # deterministic_id derives /ID from the content; pikepdf.new() writes no /Info, so no dates.
    out.save(
        path,
        min_version=min_version,
        deterministic_id=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
