"""The scanned pages, in order: the pages of scanned PDFs, or page images (multi-page TIFF too)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import InputError
from ..rules import messages
from .register import A4_MM, PX_PER_MM

LONG_SIDE = round(A4_MM[1] * PX_PER_MM)  # a scanned page is brought to about the working resolution
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"}


@dataclass
class ScanPage:
    """One scanned page: where it came from and its pixels at about the working resolution."""

    position: int  # 1-based position in the whole scan
    source: Path
    index: int  # page or frame within the source file (0-based)
    image: np.ndarray  # RGB, or 2-D for a greyscale scan


class ScanError(InputError):
    def __init__(self, file: str, message: str, hint: str | None = None) -> None:
        self.file = file
        super().__init__(f"{file}: {message}", hint)


def _resized(image: np.ndarray) -> np.ndarray:
    factor = LONG_SIDE / max(image.shape[:2])
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=interpolation)


def _error(path: Path | str, what: str, **values: object) -> ScanError:
    """The ScanError [signed.scans.<what>] naming the scan file, with its hint."""
    return ScanError(
        str(path), messages.text(f"signed.scans.{what}", **values), messages.text(f"signed.scans.{what}_hint")
    )


def _pdf_pages(path: Path) -> Iterator[tuple[int, np.ndarray]]:
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raise _error(path, "pdf_unreadable", detail=e) from e
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            bitmap = page.render(scale=LONG_SIDE / max(width, height), may_draw_forms=True)
            image = np.ascontiguousarray(np.asarray(bitmap.to_pil().convert("RGB")))
            page.close()
            yield index, image
    finally:
        document.close()


def _image_pages(path: Path) -> Iterator[tuple[int, np.ndarray]]:
    try:
        with Image.open(path) as opened:
            for index in range(getattr(opened, "n_frames", 1)):
                opened.seek(index)
                frame = ImageOps.exif_transpose(opened.copy())
                mode = "L" if frame.mode in ("1", "L", "I;16", "I", "LA") else "RGB"
                if frame.mode in ("RGBA", "LA", "P"):
                    frame = frame.convert("RGBA")
                    white = Image.new("RGBA", frame.size, (255, 255, 255, 255))
                    frame = Image.alpha_composite(white, frame)
                array = np.ascontiguousarray(np.asarray(frame.convert(mode)))
                yield index, _resized(array)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise _error(path, "image_unreadable", detail=e) from e


def load_scans(paths: list[Path]) -> list[ScanPage]:
    """Every page of every file, in the order given."""
    pages: list[ScanPage] = []
    for path in paths:
        if not path.is_file():
            raise _error(path, "missing")
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            found = _pdf_pages(path)
        elif suffix in IMAGE_SUFFIXES:
            found = _image_pages(path)
        else:
            raise _error(path, "not_a_scan")
        for index, image in found:
            pages.append(ScanPage(len(pages) + 1, path, index, image))
    if not pages:
        raise _error(", ".join(map(str, paths)), "no_pages")
    return pages
