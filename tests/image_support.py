"""Pictures the attachment tests build and read back: colours, the orientation marker, EXIF storage, rendering."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

WHITE, RED, GREEN, BLUE, GREY = (255, 255, 255), (230, 0, 0), (0, 200, 0), (0, 0, 230), (160, 160, 160)

# Stored pixels for an upright picture under each EXIF orientation: the inverse of the transpose
# Pillow's ImageOps.exif_transpose applies (which test_attachments checks independently).
STORED_FOR = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def encoded(im: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = BytesIO()
    im.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def marker_image(size: tuple[int, int] = (240, 360)) -> Image.Image:
    """Upright picture: red top-left, green top-right, blue bottom-left, grey elsewhere."""
    im = Image.new("RGB", size, GREY)
    w, h = size
    q = min(w, h) // 4
    im.paste(RED, (0, 0, q, q))
    im.paste(GREEN, (w - q, 0, w, q))
    im.paste(BLUE, (0, h - q, q, h))
    return im


def stored_for(
    upright: Image.Image, orientation: int, stored_as: int | None = None
) -> tuple[Image.Image, bytes]:
    """The pixels to store for an upright picture tagged `orientation` (stored as if `stored_as`, to make a
    wrong tag), and the EXIF block carrying the tag."""
    method = STORED_FOR[stored_as if stored_as is not None else orientation]
    stored = upright.transpose(method) if method is not None else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    return stored, exif.tobytes()


def render(pdf: Path, index: int = 0, scale: float = 0.5) -> Image.Image:
    """One page of a PDF as pixels (pdfium); 0.5 = 36 dpi, enough to see where things are, and fast."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image: Image.Image = doc[index].render(scale=scale).to_pil().convert("RGB")
        return image
    finally:
        doc.close()


def near(colour: float | tuple[int, ...] | None, expected: tuple[int, ...], tolerance: int = 60) -> bool:
    assert isinstance(colour, tuple), colour  # a pixel of an RGB image
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))
