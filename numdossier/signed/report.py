"""The marked-up copy (--report): every scanned page laid upright onto its dossier page, boxes around
each problem and the findings written under it; missing pages shown from the dossier."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .. import atomic
from ..errors import OutputError
from ..pdf.fonts import cjk_font
from ..redact import redact
from ..rules import messages
from .register import warp
from .verify import VerifyFinding, VerifyResult

PROBLEM = Color(0.9, 0.1, 0.1)
NOTE = Color(0.85, 0.45, 0.0)


def _image(array: np.ndarray) -> ImageReader:
    buffer = io.BytesIO()
    Image.fromarray(array).convert("RGB").save(buffer, "JPEG", quality=70)
    buffer.seek(0)
    return ImageReader(buffer)


def _page(c: Canvas, font: str, image: np.ndarray, title: str, findings: list[VerifyFinding]) -> None:
    width, height = A4
    c.drawImage(_image(image), 0, 0, width, height)
    for f in findings:
        if f.box_mm is None:
            continue
        x0, y0, x1, y1 = f.box_mm
        c.setStrokeColor(PROBLEM if f.severity == "error" else NOTE)
        c.setLineWidth(2)
        c.rect(x0 * mm, height - y1 * mm, (x1 - x0) * mm, (y1 - y0) * mm, stroke=1, fill=0)
    lines = [title] + [f"{f.code}: {redact(f.message)}" for f in findings]
    band = 6 * mm + 4.5 * mm * len(lines)
    c.setFillColor(Color(1, 1, 1), alpha=0.88)
    c.rect(0, height - band, width, band, stroke=0, fill=1)
    c.setFillColor(Color(0, 0, 0), alpha=1)
    y = height - 7 * mm
    for i, line in enumerate(lines):
        c.setFont(font, 10 if i == 0 else 8.5)
        if i:
            severity = findings[i - 1].severity
            c.setFillColor(PROBLEM if severity == "error" else NOTE)
        c.drawString(6 * mm, y, line[:110])
        y -= 4.5 * mm
    c.showPage()


def write_report(result: VerifyResult, path: Path) -> Path:
    """Write the marked-up copy to `path` (through a temporary name) and return it."""
    font = cjk_font()
    try:
        with atomic.replacing(path) as temporary:
            _draw(result, font, temporary)
    except OSError as e:
        raise OutputError(
            messages.text("signed.output.cannot_write", path=path, detail=e.strerror),
            messages.text("signed.output.report_hint"),
        ) from e
    return path


def _draw(result: VerifyResult, font: str, temporary: Path) -> None:
    """The marked-up pages into `temporary`."""
    c = Canvas(str(temporary), pagesize=A4, invariant=1, pageCompression=1)
    c.setCreator("numdossier verify")
    originals = result.dossier.originals
    for r in result.pages:
        own = [f for f in result.findings if f.scan_page == r.scan.position]
        if r.match is not None:
            page = originals[r.match.number - 1]
            laid = warp(r.scan.image, r.match.to_page, (page.grey.shape[1], page.grey.shape[0]))
            title = messages.text(
                "signed.output.matched",
                scan=r.scan.position,
                page=r.match.number,
                item=result.dossier.item_title(r.match.number),
            )
            _page(c, font, laid, title, own)
        else:
            _page(c, font, r.scan.image, messages.text("signed.output.scan_page", scan=r.scan.position), own)
    for f in result.findings:
        if f.scan_page is None and f.dossier_page is not None:
            original = originals[f.dossier_page - 1].colour
            faded = (255 - (255 - original.astype(np.uint16)) * 2 // 5).astype(np.uint8)
            _page(c, font, faded, messages.text("signed.output.dossier_page", page=f.dossier_page), [f])
    c.save()
