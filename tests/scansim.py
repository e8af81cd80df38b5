"""Simulated signed scans, for tests only: render dossier pages, add what a signer adds, then distort.

The seal rule: a test seal is a plain red ring with the word 测试 (no company name, no star); nothing
here is used by numdossier itself.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
RED = (205, 35, 45)
PEN = (25, 35, 110)


@dataclass
class Signing:
    """What the signer adds to one page (mm from the top-left)."""

    seals: list[tuple[float, float]] = field(default_factory=list)  # centres
    strokes: list[tuple[float, float, float, float]] = field(default_factory=list)  # boxes to scribble in


def render(pdf: Path, numbers: list[int], dpi: int) -> list[Image.Image]:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [document[n - 1].render(scale=dpi / 72).to_pil().convert("RGB") for n in numbers]
    finally:
        document.close()


def seal(image: Image.Image, centre_mm: tuple[float, float], dpi: int, diameter_mm: float = 40.0) -> None:
    """A plain red ring with 测试 in it (a test impression, never a real seal's design)."""
    px = dpi / 25.4
    r = diameter_mm / 2 * px
    left, top = round(centre_mm[0] * px - r - 4), round(centre_mm[1] * px - r - 4)
    side = round(2 * r + 8)
    box = (left, top, left + side, top + side)
    layer = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(layer)
    c = side / 2
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=max(2, round(1.3 * px)))
    font = ImageFont.truetype(FONT, round(9 * px))
    draw.text((c, c), "测试", font=font, fill=255, anchor="mm")
    layer = layer.filter(ImageFilter.GaussianBlur(0.6)).point(lambda v: int(v * 0.85))
    under = image.crop(box)
    # Seal ink is translucent: multiply over what is printed.
    tint = np.asarray(under, dtype=np.float32) * np.array(RED, dtype=np.float32) / 255
    image.paste(Image.fromarray(tint.astype(np.uint8)), box[:2], layer)


def scribble(image: Image.Image, box_mm: tuple[float, float, float, float], dpi: int, seed: int = 0) -> None:
    """Pen strokes filling the middle of a box (a signature or a handwritten date)."""
    px = dpi / 25.4
    rng = random.Random(seed)
    x0, y0, x1, y1 = (v * px for v in box_mm)
    w, h = x1 - x0, y1 - y0
    draw = ImageDraw.Draw(image)
    points = []
    n = 14
    for i in range(n):
        x = x0 + w * (0.15 + 0.7 * i / (n - 1))
        y = y0 + h * (0.5 + 0.3 * math.sin(i * 1.7 + rng.random()))
        points.append((x, y))
    draw.line(points, fill=PEN, width=max(2, round(0.5 * px)), joint="curve")


@dataclass
class Distortion:
    angle: float = 0.0  # degrees, counter-clockwise
    scale: float = 1.0
    offset_mm: tuple[float, float] = (0.0, 0.0)
    blur: float = 0.6
    grey: bool = False
    jpeg: int = 80
    shadow: bool = True


def distort(image: Image.Image, d: Distortion, dpi: int) -> Image.Image:
    px = dpi / 25.4
    out = image
    if d.scale != 1.0:
        out = out.resize((round(out.width * d.scale), round(out.height * d.scale)), Image.Resampling.BILINEAR)
    if d.angle:
        out = out.rotate(d.angle, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=(250, 250, 248))
    if d.offset_mm != (0.0, 0.0):
        canvas = Image.new("RGB", out.size, (250, 250, 248))
        canvas.paste(out, (round(d.offset_mm[0] * px), round(d.offset_mm[1] * px)))
        out = canvas
    if d.shadow:  # the dark band a scanner lid leaves along one edge
        arr = np.asarray(out, dtype=np.float32)
        ramp = np.clip(np.linspace(0.55, 1.0, max(1, round(8 * px))), 0, 1)
        arr[:, : ramp.size] *= ramp[None, :, None]
        out = Image.fromarray(arr.astype(np.uint8))
    if d.blur:
        out = out.filter(ImageFilter.GaussianBlur(d.blur * dpi / 300))
    if d.grey:
        out = out.convert("L")
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=d.jpeg, dpi=(dpi, dpi))
    return Image.open(io.BytesIO(buffer.getvalue()))


def to_pdf(images: list[Image.Image], path: Path, dpi: int) -> Path:
    """Images as one scanned PDF (each page an embedded JPEG, as scanners write)."""
    import img2pdf

    blobs = []
    for image in images:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85, dpi=(dpi, dpi))
        blobs.append(buffer.getvalue())
    path.write_bytes(img2pdf.convert(blobs))
    return path


def signed(
    folder: Path,
    dpi: int,
    no_seal: tuple[int, ...] = (),
    no_signature: tuple[int, ...] = (),
    no_date: tuple[int, ...] = (),
    seam: bool = False,
) -> list[Image.Image]:
    """Every page of OUT/<name>/dossier.pdf rendered, sealed, signed and dated as its manifest asks,
    except the pages listed; with `seam`, a ring across the right edge of every page (a 骑缝章's part)."""
    import json

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    numbers = list(range(1, manifest["pages"] + 1))
    pages = render(folder / "dossier.pdf", numbers, dpi)
    for n, image in zip(numbers, pages, strict=True):
        if n not in no_seal:
            for p in manifest["placeholders"]:
                if p["page"] == n:
                    seal(image, (p["center_mm"][0] + 2.0, p["center_mm"][1] - 1.5), dpi)
        if n not in no_signature:
            for s in manifest["signatures"]:
                if s["page"] == n:
                    scribble(image, s["box_mm"], dpi, seed=n)
        if n not in no_date:
            for d in manifest["dates"]:
                if d["page"] == n:
                    scribble(image, d["box_mm"], dpi, seed=100 + n)
        if seam:
            seal(image, (212.0, 148.5), dpi)
    return pages
