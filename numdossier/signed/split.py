"""The upload set: the verified scan as one PDF per checklist item, pages upright and in order.

Pages are copied as they are (PDF pages with their images untouched, JPEG files embedded as is) and
only turned with /Rotate; a file over the size limit (setting split_max_bytes) is re-encoded as JPEG,
never below 150 dpi.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf
import pypdfium2 as pdfium
from PIL import Image, ImageOps

from .. import atomic
from ..errors import OutputError
from ..rules import messages
from ..rules.settings import settings
from .verify import PageResult, VerifyResult, finding

MIN_DPI = 150
ATTEMPTS = ((200, 80), (150, 75), (150, 60), (150, 45))  # (dpi, JPEG quality), tried in turn
A4_LONG_IN = 297 / 25.4


@dataclass
class SplitFile:
    path: Path
    pages: int
    bytes: int
    dpi: int | None  # re-encoded at this resolution, or None when the pages are the scan's own


def _safe(title: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("_") or "item"


def _image_page(source: Path, index: int) -> pikepdf.Pdf:
    """One page image as a one-page PDF, its JPEG bytes embedded unchanged where possible."""
    with Image.open(source) as image:
        frames = getattr(image, "n_frames", 1)
        if image.format == "JPEG" and frames == 1:
            data = source.read_bytes()
            width, height = ImageOps.exif_transpose(image).size
        else:
            image.seek(index)
            frame = ImageOps.exif_transpose(image.copy())
            if frame.mode not in ("RGB", "L"):
                frame = frame.convert("RGB")
            buffer = io.BytesIO()
            frame.save(buffer, "PNG")
            data = buffer.getvalue()
            width, height = frame.size
    dpi = max(width, height) / A4_LONG_IN
    pdf_bytes = img2pdf.convert(data, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi)))
    assert pdf_bytes is not None
    return pikepdf.Pdf.open(io.BytesIO(pdf_bytes))


class _Sources:
    """Open source PDFs once; image pages become one-page PDFs."""

    def __init__(self) -> None:
        self.pdfs: dict[Path, pikepdf.Pdf] = {}
        self.keep: list[pikepdf.Pdf] = []

    def page(self, r: PageResult) -> pikepdf.Page:
        source = r.scan.source
        if source.suffix.lower() == ".pdf":
            if source not in self.pdfs:
                self.pdfs[source] = pikepdf.Pdf.open(source)
            return self.pdfs[source].pages[r.scan.index]
        single = _image_page(source, r.scan.index)
        self.keep.append(single)
        return single.pages[0]

    def close(self) -> None:
        for pdf in [*self.pdfs.values(), *self.keep]:
            pdf.close()


def _assemble(results: list[PageResult], sources: _Sources) -> bytes:
    out = pikepdf.Pdf.new()
    for r in results:
        out.pages.append(sources.page(r))
        page = out.pages[-1]
        turned = r.match.rotation if r.match else 0
        # The content is turned `turned` degrees clockwise: display the page turned back.
        current = int(page.obj.get("/Rotate", 0))
        page.obj.Rotate = (current + 360 - turned) % 360
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def _reencode(data: bytes, dpi: int, quality: int) -> bytes:
    """Every page rendered upright at `dpi` and stored as a JPEG of `quality`."""
    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for index in range(len(document)):
            image = document[index].render(scale=dpi / 72).to_pil().convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality, optimize=True, dpi=(dpi, dpi))
            pages.append(buffer.getvalue())
    finally:
        document.close()
    converted: bytes | None = img2pdf.convert(pages, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi)))
    assert converted is not None
    return converted


def _write(path: Path, data: bytes) -> None:
    try:
        atomic.write(path, data)
    except OSError as e:
        raise OutputError(
            messages.text("signed.output.cannot_write", path=path, detail=e.strerror),
            messages.text("signed.output.split_hint"),
        ) from e


def split_scan(result: VerifyResult, folder: Path, limit: int | None = None) -> list[SplitFile]:
    """Write NN-<title>.pdf per checklist item into `folder`; files over the limit are re-encoded."""
    limit = limit or int(settings().get("split_max_bytes"))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(
            messages.text("signed.output.cannot_create", folder=folder, detail=e.strerror),
            messages.text("signed.output.split_folder_hint"),
        ) from e
    kept = result.kept()
    sources = _Sources()
    written = []
    try:
        for item in result.dossier.items:
            pages = [kept[n] for n in range(item.first_page, item.last_page + 1) if n in kept]
            if not pages:
                continue
            data = _assemble(pages, sources)
            dpi = None
            for attempt_dpi, quality in ATTEMPTS:
                if len(data) <= limit:
                    break
                data, dpi = _reencode(data, attempt_dpi, quality), attempt_dpi
            path = folder / f"{item.no:02d}-{_safe(item.title)}.pdf"
            _write(path, data)
            written.append(SplitFile(path, len(pages), len(data), dpi))
            if len(data) > limit:
                result.findings.append(
                    finding(
                        "warning",
                        "VERIFY-SPLIT-TOO-LARGE",
                        file=path.name,
                        size=f"{len(data) / 1e6:.1f} MB",
                        limit=f"{limit / 1e6:.1f} MB",
                    )
                )
    finally:
        sources.close()
    return written
