"""The drawing kit every tools/make_sample_scans*.py generator shares: fonts, paper, watermarks, the
licence, permit and ID-card look-alikes, reportlab canvases, diagrams, and the plan → files command line.

Everything drawn is fictitious and visibly marked 样例 / SAMPLE; no seal or signature is ever drawn. The
output is deterministic: fixed seeds, no timestamps, PDFs written by reportlab with ``invariant=1``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import random
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

PREFIX = "attachments/"  # profile paths are relative to the profile's folder; we write under attachments/

# Fonts. WQY Zen Hei (TrueType) works for both Pillow and reportlab; Noto Serif CJK SC (OpenType/CFF)
# only for Pillow, where it gives the licences their 宋体 look. Missing Noto falls back to WQY.
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
NOTO_SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
NOTO_SERIF_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc")
NOTO_SC_INDEX = 2  # JP, KR, SC, TC, HK
RL_FONT = "WQY"

WATERMARK = "样例 SAMPLE 仅供演示"
RED = (200, 30, 30)


# ---------------------------------------------------------------------------------------------- helpers


def require_font(path: Path) -> Path:
    if not path.is_file():
        raise SystemExit(f"找不到字体 {path}；请安装 fonts-wqy-zenhei（生成样例扫描件需要中文字体）。")
    return path


@cache
def font(size: int, style: str = "sans") -> ImageFont.FreeTypeFont:
    """style: sans (WQY Zen Hei), serif, serif-bold (Noto Serif CJK SC, else WQY)."""
    if style != "sans":
        path = NOTO_SERIF_BOLD if style == "serif-bold" else NOTO_SERIF
        if path.is_file():
            return ImageFont.truetype(str(path), size, index=NOTO_SC_INDEX)
    return ImageFont.truetype(str(require_font(WQY)), size, index=0)


def register_rl_font() -> None:
    if RL_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(RL_FONT, str(require_font(WQY)), subfontIndex=0))


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Break CJK text into lines no wider than `width` (closing punctuation never starts a line)."""
    lines: list[str] = []
    for para in text.strip().split("\n"):
        cur = ""
        for ch in para.strip():
            if cur and measure(cur + ch) > width and ch not in "，。；、：）」』,.;:)":
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        lines.append(cur)
    return lines


def daxie(n: int) -> str:
    """1..9999 in 大写 numerals: 5000 -> 伍仟, 1050 -> 壹仟零伍拾."""
    digits, units = "零壹贰叁肆伍陆柒捌玖", ["", "拾", "佰", "仟"]
    out, zero = "", False
    s = str(n)
    for i, ch in enumerate(s):
        d = int(ch)
        if d == 0:
            zero = True
            continue
        if zero and out:
            out += "零"
        zero = False
        out += digits[d] + units[len(s) - 1 - i]
    return out


def capital_text(value: float | int) -> str:
    if float(value).is_integer() and 0 < value < 10_000:
        return f"{daxie(int(value))}万元整"
    return f"{value:g} 万元"


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def founded(company: dict[str, Any]) -> dt.date:
    m = re.search(r"成立于\s*(\d{4})\s*年", company.get("introduction", ""))
    return dt.date(int(m.group(1)) if m else 2012, 3, 15)


def id_facts(id_number: str) -> tuple[str, dt.date | None]:
    """Sex and birth date from an 18-character resident ID."""
    if len(id_number) != 18:
        return "", None
    try:
        birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        birth = None
    return ("男" if int(id_number[16]) % 2 else "女"), birth


def paper(
    size: tuple[int, int], seed: int, base: tuple[int, int, int] = (250, 248, 241), depth: int = 10
) -> Image.Image:
    """Off-white paper with a smooth, seeded mottling (compresses well, looks scanned)."""
    rng = random.Random(seed)
    w, h = size
    sw, sh = max(2, w // 24), max(2, h // 24)
    small = Image.new("L", (sw, sh))
    small.putdata([rng.randint(0, 255) for _ in range(sw * sh)])
    mask = small.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(6))
    light = Image.new("RGB", size, base)
    dark = Image.new("RGB", size, tuple(max(0, c - depth) for c in base))
    return Image.composite(light, dark, mask)


def watermark(
    img: Image.Image,
    text: str = WATERMARK,
    color: tuple[int, int, int] = RED,
    alpha: int = 60,
    fill: float = 0.7,
) -> Image.Image:
    """A big translucent diagonal stamp across the whole image; keeps the image's mode."""
    w, h = img.size
    diag = int(math.hypot(w, h))
    f100 = font(100, "sans")
    size = max(12, int(100 * fill * diag / f100.getlength(text)))
    f = font(size, "sans")
    layer = Image.new("RGBA", (diag, diag), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((diag // 2, diag // 2), text, font=f, fill=color + (alpha,), anchor="mm")
    layer = layer.rotate(math.degrees(math.atan2(h, w)), resample=Image.Resampling.BICUBIC)
    layer = layer.crop(((diag - w) // 2, (diag - h) // 2, (diag - w) // 2 + w, (diag - h) // 2 + h))
    out = img.convert("RGBA")
    out.alpha_composite(layer)
    return out if img.mode == "RGBA" else out.convert(img.mode)


def spaced(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    f: ImageFont.FreeTypeFont,
    fill: Any,
    spacing: float,
    anchor: str = "la",
) -> None:
    """Letter-spaced text; anchor 'ma' centres the whole run on x."""
    total = sum(f.getlength(c) for c in text) + spacing * (len(text) - 1)
    x, y = xy
    if anchor == "ma":
        x -= total / 2
    for c in text:
        draw.text((x, y), c, font=f, fill=fill)
        x += f.getlength(c) + spacing


def jpeg_bytes(img: Image.Image, quality: int, dpi: int, exif: Image.Exif | None = None) -> bytes:
    buf = io.BytesIO()
    kwargs: dict[str, Any] = {"quality": quality, "dpi": (dpi, dpi), "optimize": True, "subsampling": 2}
    if exif is not None:
        kwargs["exif"] = exif.tobytes()
    img.convert("RGB").save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def png_bytes(img: Image.Image, dpi: int | None = None) -> bytes:
    buf = io.BytesIO()
    kwargs: dict[str, Any] = {"optimize": True}
    if dpi:
        kwargs["dpi"] = (dpi, dpi)
    img.save(buf, "PNG", **kwargs)
    return buf.getvalue()


# ------------------------------------------------------------------------------------ business licence


def licence_image(
    size: tuple[int, int],
    fields: list[tuple[str, str]],
    uscc: str,
    issuer: str,
    issued: dt.date,
    seed: int,
    textured: bool = True,
) -> Image.Image:
    """A 营业执照 look-alike (副本). `fields` are (label, value) pairs in display order."""
    w, h = size
    u = min(w, h) / 1240  # layout unit: 1.0 for the A4 landscape licence
    img = paper(size, seed) if textured else Image.new("RGB", size, (251, 249, 244))
    d = ImageDraw.Draw(img)
    frame = (150, 60, 45)

    # Frame: outer and inner rule with a faint repeated lozenge band between them.
    m1, m2 = int(34 * u), int(64 * u)
    d.rectangle((m1, m1, w - m1, h - m1), outline=frame, width=max(2, int(5 * u)))
    d.rectangle((m2, m2, w - m2, h - m2), outline=frame, width=max(1, int(2 * u)))
    band = (m1 + m2) / 2
    step, r = 22 * u, 7 * u
    lozenge = (222, 196, 186)
    x = m1 + step
    while x < w - m1 - step / 2:
        for y in (band, h - band):
            d.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], outline=lozenge)
        x += step
    y = m1 + step
    while y < h - m1 - step / 2:
        for x in (band, w - band):
            d.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], outline=lozenge)
        y += step

    ink, label_ink = (35, 30, 30), (60, 40, 35)
    f_label = font(int(30 * u), "serif-bold")
    f_value = font(int(30 * u), "serif")
    f_small = font(int(24 * u), "serif")

    # Header: USCC top left, title centred, QR placeholder top right.
    left = m2 + 60 * u
    d.text((left, m2 + 40 * u), "统一社会信用代码", font=f_small, fill=label_ink)
    d.text((left, m2 + 76 * u), uscc, font=font(int(30 * u), "sans"), fill=ink)
    hdr = 0 if w > h else 60 * u  # on a portrait sheet the title goes below the USCC
    spaced(
        d,
        (w / 2, m2 + 70 * u + hdr),
        "营业执照",
        font(int(104 * u), "serif-bold"),
        (25, 20, 20),
        30 * u,
        "ma",
    )
    d.text((w / 2, m2 + 205 * u + hdr), "（副　　本）", font=f_small, fill=label_ink, anchor="ma")
    q = 170 * u
    qx, qy = w - m2 - 60 * u - q, m2 + 36 * u
    d.rectangle((qx, qy, qx + q, qy + q), fill=(214, 214, 214), outline=(120, 120, 120), width=2)
    for k in range(1, 6):  # hatching so nobody takes it for a real code
        d.line((qx, qy + k * q / 6, qx + k * q / 6, qy), fill=(185, 185, 185), width=2)
        d.line((qx + k * q / 6, qy + q, qx + q, qy + k * q / 6), fill=(185, 185, 185), width=2)
    d.text(
        (qx + q / 2, qy + q / 2),
        "二维码\n（样例）",
        font=font(int(24 * u), "sans"),
        fill=(90, 90, 90),
        anchor="mm",
        align="center",
    )

    # Fields: two columns on a landscape sheet, one column on a portrait one.
    top = m2 + 280 * u + hdr
    label_w = f_label.getlength("法定代表人") + 30 * u
    line_h = 46 * u
    if w > h:
        half = (len(fields) + 1) // 2
        columns = [(left, w / 2 - 40 * u, fields[:half]), (w / 2 + 40 * u, w - m2 - 60 * u, fields[half:])]
    else:
        columns = [(left, w - m2 - 60 * u, fields)]
    for x0, x1, items in columns:
        y = top
        for label, value in items:
            d.text((x0, y), label, font=f_label, fill=label_ink)
            for line in wrap(value, x1 - x0 - label_w, f_value.getlength):
                d.text((x0 + label_w, y), line, font=f_value, fill=ink)
                y += line_h
            y += 22 * u

    # Registration authority and date, bottom right; no seal is drawn (only ever a real one).
    bx, by = w - m2 - 70 * u, h - m2 - 150 * u
    d.text((bx, by), f"登记机关　{issuer}", font=f_value, fill=ink, anchor="ra")
    d.text((bx, by + 52 * u), cn_date(issued), font=f_value, fill=ink, anchor="ra")
    d.text(
        (w / 2, h - m2 - 38 * u),
        "样例 · 虚构企业信息，不可查询，仅供 numdossier 演示",
        font=f_small,
        fill=RED,
        anchor="ma",
    )
    return watermark(img, alpha=58)


def scanned(img: Image.Image, skew: float) -> Image.Image:
    """A slightly skewed, slightly soft copy on a white scanner bed."""
    img = img.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255))
    return img.filter(ImageFilter.GaussianBlur(0.6))


def licence_fields(
    company: dict[str, Any], head: str, start: dt.date, *, scope: str | None = None
) -> list[tuple[str, str]]:
    """A company's 营业执照 fields; an individual business (个体工商户) has a 经营者, not a 法定代表人."""
    individual = company.get("entity_type") == "individual_business"
    return [
        ("名　　称", company["name"]),
        ("类　　型", "个体工商户" if individual else "有限责任公司（自然人投资或控股）"),
        ("经 营 者" if individual else "法定代表人", head),
        ("经营范围", scope or company.get("business_scope") or "（样例）"),
        ("注册资本", capital_text(company.get("registered_capital", 0))),
        ("成立日期", cn_date(start)),
        ("营业期限", f"{cn_date(start)} 至 长期"),
        ("住　　所", company["address"]),
    ]


def licence_jpeg(
    fields: list[tuple[str, str]],
    uscc: str,
    issuer: str,
    issued: dt.date,
    *,
    seed: int,
    skew: float,
    size: tuple[int, int] = (1754, 1240),
) -> bytes:
    """The licence scanned at 150 dpi (A4 landscape unless `size` says otherwise)."""
    img = licence_image(size, fields, uscc, issuer, issued, seed=seed)
    return jpeg_bytes(scanned(img, skew), quality=70, dpi=150)


# ----------------------------------------------------------------------------------------- ID cards

CARD_PX = (1011, 638)  # 85.6 x 54 mm at 300 dpi


@dataclass(frozen=True)
class Holder:
    """What a card shows that a profile does not hold: the 住址, the start of validity (None: derived from
    id_valid_until) and the issuing offices by county code (the first 6 digits of the ID number)."""

    address: str
    valid_from: dt.date | None = None
    issuers: Mapping[str, str] = field(default_factory=dict)

    def issuer(self, number: str) -> str:
        return self.issuers.get(number[:6], "杭州市公安局（样例）")


def id_card(person: dict[str, Any], holder: Holder, side: str, seed: int) -> Image.Image:
    w, h = CARD_PX
    img = Image.new("RGB", CARD_PX, (255, 255, 255))
    grad = Image.linear_gradient("L").rotate(90).resize(CARD_PX)
    tint = Image.composite(
        Image.new("RGB", CARD_PX, (226, 236, 244)), Image.new("RGB", CARD_PX, (246, 236, 232)), grad
    )
    mask = Image.new("L", CARD_PX, 0)
    ImageDraw.Draw(mask).rounded_rectangle((4, 4, w - 5, h - 5), radius=38, fill=255)
    img.paste(tint, (0, 0), mask)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((4, 4, w - 5, h - 5), radius=38, outline=(170, 180, 190), width=2)
    rng = random.Random(seed)
    for k in range(7):  # faint guilloche
        phase, amp, wavelength = rng.uniform(0, 6.3), rng.uniform(14, 30), rng.uniform(60, 120)
        y0 = 90 + k * 70
        pts = [(x, y0 + amp * math.sin(x / wavelength + phase)) for x in range(20, w - 20, 6)]
        d.line(pts, fill=(205, 215, 228), width=2)

    label, ink = (40, 105, 165), (20, 20, 20)
    f_label, f_value = font(27, "sans"), font(33, "sans")
    extra_addr, start = holder.address, holder.valid_from
    number = person.get("id_number", "")
    if side == "front":
        sex, birth = id_facts(number)
        d.text((70, 62), "姓　名", font=f_label, fill=label)
        d.text((185, 56), person["name"], font=font(38, "sans"), fill=ink)
        d.text((70, 132), "性　别", font=f_label, fill=label)
        d.text((185, 128), sex, font=f_value, fill=ink)
        d.text((300, 132), "民　族", font=f_label, fill=label)
        d.text((415, 128), "汉", font=f_value, fill=ink)
        d.text((70, 202), "出　生", font=f_label, fill=label)
        if birth:
            d.text(
                (185, 198), f"{birth.year}　年　{birth.month}　月　{birth.day}　日", font=f_value, fill=ink
            )
        d.text((70, 272), "住　址", font=f_label, fill=label)
        for n, line in enumerate(wrap(extra_addr, 470, f_value.getlength)):
            d.text((185, 268 + 46 * n), line, font=f_value, fill=ink)
        d.text((70, 510), "公民身份号码", font=f_label, fill=label)
        spaced(d, (290, 500), number, font(40, "sans"), ink, 4)
        # a grey box instead of a photo
        d.rectangle((680, 70, 935, 400), fill=(200, 203, 207), outline=(150, 150, 150), width=2)
        d.text(
            (807, 235),
            "照片\n（样例）",
            font=font(34, "sans"),
            fill=(110, 110, 110),
            anchor="mm",
            align="center",
        )
    else:
        # A plain round mark where the card has its emblem (no emblem is drawn).
        d.ellipse((60, 48, 230, 218), outline=(120, 140, 165), width=3)
        d.text((145, 133), "样例", font=font(40, "sans"), fill=(120, 140, 165), anchor="mm")
        spaced(d, (610, 80), "中华人民共和国", font(46, "sans"), ink, 10, "ma")
        spaced(d, (610, 180), "居民身份证", font(72, "sans"), ink, 22, "ma")
        issuer = holder.issuer(number)
        until = person.get("id_valid_until")
        if isinstance(until, dt.date):
            start = start or until.replace(year=until.year - 20)
            validity = f"{start:%Y.%m.%d}-{until:%Y.%m.%d}"
        elif until == "long_term":
            validity = f"{(start or dt.date(2016, 5, 1)):%Y.%m.%d}-长期"
        else:
            start = start or dt.date(2016, 5, 1)
            validity = f"{start:%Y.%m.%d}-{start.replace(year=start.year + 20):%Y.%m.%d}"
        d.text((200, 452), "签发机关", font=f_label, fill=label)
        d.text((345, 447), issuer, font=f_value, fill=ink)
        d.text((200, 522), "有效期限", font=f_label, fill=label)
        d.text((345, 517), validity, font=f_value, fill=ink)
    return watermark(img, "样例 SAMPLE", alpha=70, fill=0.75).filter(ImageFilter.GaussianBlur(0.5))


def id_jpeg(person: dict[str, Any], holder: Holder, side: str, seed: int, orientation: int = 1) -> bytes:
    """One side of the card as a 300 dpi JPEG (orientation 6: stored turned, with the EXIF tag)."""
    img = id_card(person, holder, side, seed)
    exif = Image.Exif()
    exif[0x011A] = 300  # XResolution
    exif[0x011B] = 300  # YResolution
    exif[0x0128] = 2  # ResolutionUnit: inch
    if orientation == 6:
        # Orientation 6: the viewer turns the stored pixels 90° clockwise, so store them 90° anticlockwise.
        img = img.transpose(Image.Transpose.ROTATE_90)
        exif[0x0112] = 6
    return jpeg_bytes(img, quality=82, dpi=300, exif=exif)


# ---------------------------------------------------------------------------------------------- PDFs


def new_canvas(buf: io.BytesIO, pagesize: tuple[float, float], title: str) -> canvas.Canvas:
    register_rl_font()
    # types-reportlab types initialFontName as a float; it is the font's name
    c = canvas.Canvas(buf, pagesize=pagesize, invariant=1, pageCompression=1, initialFontName=RL_FONT)  # type: ignore[arg-type]
    c.setCreator(
        "numdossier tools/make_sample_scans.py"
    )  # every kind's, kept so the samples stay byte-identical
    c.setTitle(f"{title}（样例）")
    c.setAuthor("numdossier 样例生成器")
    c.setSubject("虚构样例，仅供演示")
    return c


def pdf_watermark(
    c: canvas.Canvas, width: float, height: float, text: str = WATERMARK, size: float = 0
) -> None:
    c.saveState()
    c.setFillColorRGB(0.8, 0.12, 0.12)
    c.setFillAlpha(0.16)
    angle = math.degrees(math.atan2(height, width))
    size = size or 0.7 * math.hypot(width, height) / (pdfmetrics.stringWidth(text, RL_FONT, 1) or 1)
    c.translate(width / 2, height / 2)
    c.rotate(angle)
    c.setFont(RL_FONT, size)
    c.drawCentredString(0, -size / 3, text)
    c.restoreState()


def permit_pdf(
    pagesize: tuple[float, float], rows: list[tuple[str, str]], number: str, issuer: str, issued: dt.date
) -> bytes:
    """A 道路运输经营许可证 look-alike, drawn as vector text and rules."""
    buf = io.BytesIO()
    w, h = pagesize
    c = new_canvas(buf, pagesize, "道路运输经营许可证")
    green = (0.13, 0.36, 0.25)
    c.setStrokeColorRGB(*green)
    c.setLineWidth(3)
    c.rect(14 * mm, 14 * mm, w - 28 * mm, h - 28 * mm)
    c.setLineWidth(0.8)
    c.rect(18 * mm, 18 * mm, w - 36 * mm, h - 36 * mm)
    # a faint chain of small circles between the rules
    c.setStrokeColorRGB(0.72, 0.82, 0.76)
    c.setLineWidth(0.4)
    x = 20 * mm
    while x < w - 18 * mm:
        c.circle(x, 16 * mm, 1.2 * mm)
        c.circle(x, h - 16 * mm, 1.2 * mm)
        x += 4 * mm

    c.setFillColorRGB(0.1, 0.1, 0.1)
    compact = w > h  # landscape: less air between the blocks
    top = h - (32 if compact else 40) * mm
    c.setFont(RL_FONT, 16)
    c.drawCentredString(w / 2, top, "中华人民共和国")
    c.setFont(RL_FONT, 28)
    c.drawCentredString(w / 2, top - 14 * mm, "道路运输经营许可证")
    c.setFont(RL_FONT, 12)
    c.drawCentredString(w / 2, top - 22 * mm, "（副本）")
    c.setFont(RL_FONT, 11)
    c.drawRightString(w - 30 * mm, top - 32 * mm, f"{number}")

    # The table: label column and value column, values wrapped.
    x0, x1 = 30 * mm, w - 30 * mm
    size, lead = 12, 17
    lab_w = max(pdfmetrics.stringWidth(label, RL_FONT, size) for label, _ in rows) + 10 * mm
    y = top - 37 * mm
    c.setStrokeColorRGB(*green)
    c.setLineWidth(0.7)
    table_top = y
    for label, value in rows:
        lines = wrap(value, x1 - x0 - lab_w - 8 * mm, lambda s: pdfmetrics.stringWidth(s, RL_FONT, size))
        row_h = max((10 if compact else 13) * mm, len(lines) * lead + (5 if compact else 8) * mm)
        c.line(x0, y, x1, y)
        c.setFont(RL_FONT, size)
        c.drawCentredString(x0 + lab_w / 2, y - row_h / 2 - size / 3, label)
        ty = y - (row_h - len(lines) * lead) / 2 - lead + 4.5  # baseline of a single line = the label's
        for line in lines:
            c.drawString(x0 + lab_w + 4 * mm, ty, line)
            ty -= lead
        y -= row_h
    c.line(x0, y, x1, y)
    c.line(x0, table_top, x0, y)
    c.line(x0 + lab_w, table_top, x0 + lab_w, y)
    c.line(x1, table_top, x1, y)

    c.setFont(RL_FONT, 13)
    gap = (9 if compact else 14) * mm
    c.drawRightString(x1, y - gap, f"发证机关：{issuer}")
    c.drawRightString(x1, y - gap - 8 * mm, f"发证日期：{cn_date(issued)}")
    c.setFillColorRGB(0.8, 0.12, 0.12)
    c.setFont(RL_FONT, 10)
    c.drawCentredString(
        w / 2, 22 * mm, "样例 SAMPLE：本件为 numdossier 生成的虚构样例，仅供演示，不具任何效力。"
    )
    pdf_watermark(c, w, h)
    c.showPage()
    c.save()
    return buf.getvalue()


def id_pdf(person: dict[str, Any], holder: Holder, seed: int, title: str, named: bool = False) -> bytes:
    """Two A4 pages, the card's front on the first and its back on the second, at card size near the top
    (named: the caption names the person)."""
    buf = io.BytesIO()
    w, h = A4
    c = new_canvas(buf, A4, title)
    for n, side in enumerate(("front", "back")):
        data = jpeg_bytes(id_card(person, holder, side, seed=seed + n), quality=80, dpi=300)
        cw, ch = 85.6 * mm, 54 * mm
        x, y = (w - cw) / 2, h - 25 * mm - ch
        c.drawImage(ImageReader(io.BytesIO(data)), x, y, cw, ch)
        c.setFont(RL_FONT, 9)
        c.setFillColorRGB(0.8, 0.12, 0.12)
        face = "人像面" if side == "front" else "国徽面"
        who = f"{person['name']} " if named else ""
        c.drawCentredString(w / 2, y - 7 * mm, f"样例 SAMPLE · 虚构信息 · {who}身份证{face}复印件")
        pdf_watermark(c, w, h, "样例 SAMPLE")
        c.showPage()
    c.save()
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------- diagrams


class Diagram:
    """A flat diagram drawn at `scale`× and downsampled for smooth edges; coordinates in output pixels."""

    INK, LINE, NOTE = (30, 30, 30), (70, 90, 110), (20, 70, 140)

    def __init__(self, size: tuple[int, int], scale: int = 2) -> None:
        self.size, self.s = size, scale
        self.img = Image.new("RGB", (size[0] * scale, size[1] * scale), "white")
        self.d = ImageDraw.Draw(self.img)

    def title(self, text: str, y: float, size: int) -> None:
        s = self.s
        self.d.text((self.size[0] / 2 * s, y * s), text, font=font(size * s), fill=self.INK, anchor="mm")

    def box(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        text: str,
        fill: Any,
        f: ImageFont.FreeTypeFont,
        *,
        radius: int = 12,
        spacing: int = 6,
    ) -> None:
        """A rounded box with its text centred."""
        s = self.s
        self.d.rounded_rectangle(
            (x0 * s, y0 * s, x1 * s, y1 * s), radius=radius * s, fill=fill, outline=self.LINE, width=3 * s
        )
        self.d.text(
            ((x0 + x1) / 2 * s, (y0 + y1) / 2 * s),
            text,
            font=f,
            fill=self.INK,
            anchor="mm",
            align="center",
            spacing=spacing * s,
        )

    def arrow(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        label: str = "",
        *,
        f: ImageFont.FreeTypeFont | None = None,
        head: float = 18,
        both: bool = True,
        dy: float = -22,
    ) -> None:
        """A line with a head at its end (and its start, `both`), and a label above its middle."""
        s, d = self.s, self.d
        d.line([(x0 * s, y0 * s), (x1 * s, y1 * s)], fill=self.LINE, width=3 * s)
        ang = math.atan2(y1 - y0, x1 - x0)
        heads = [(x1, y1, ang)] + ([(x0, y0, math.atan2(y0 - y1, x0 - x1))] if both else [])
        for hx, hy, a in heads:
            tip = (hx * s, hy * s)
            left = ((hx - head * math.cos(a - 0.4)) * s, (hy - head * math.sin(a - 0.4)) * s)
            right = ((hx - head * math.cos(a + 0.4)) * s, (hy - head * math.sin(a + 0.4)) * s)
            d.polygon([tip, left, right], fill=self.LINE)
        if label:
            d.text(((x0 + x1) / 2 * s, ((y0 + y1) / 2 + dy) * s), label, font=f, fill=self.NOTE, anchor="mm")

    def sample_mark(self, top: float, middle: float) -> None:
        """The red-framed 样例 at the lower right."""
        s = self.s
        self.d.rectangle((1450 * s, top * s, 1570 * s, (top + 53) * s), outline=RED, width=3 * s)
        self.d.text((1510 * s, middle * s), "样例", font=font(32 * s), fill=RED, anchor="mm")

    def png(self) -> bytes:
        """Downsampled; 256 colours are plenty for a flat diagram and quarter the file size."""
        img = self.img.resize(self.size, Image.Resampling.LANCZOS)
        return png_bytes(
            img.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE), dpi=150
        )


# ------------------------------------------------------------------------------------------------ plan


Maker = Callable[[], bytes]


class Plan(dict[str, Maker]):
    """Every attachment a profile references (path relative to attachments/) -> the function making it."""

    def add(self, path: str, make: Maker) -> None:
        if not path.startswith(PREFIX):
            raise SystemExit(f"{path}: 样例附件应位于 {PREFIX} 下")
        self[path.removeprefix(PREFIX)] = make

    def each(self, paths: list[str], make: Maker) -> None:
        """The same maker for every path of a list (a profile may name one file twice)."""
        for path in paths:
            self.add(path, make)

    def id_sides(
        self, paths: list[str], person: dict[str, Any], holder: Holder, seed: int, *, turn_back: bool = False
    ) -> None:
        """JPEGs of an ID card, front and back alternating (turn_back: the back stored with EXIF 6)."""
        for n, path in enumerate(paths):
            if not path.lower().endswith((".jpg", ".jpeg")):
                raise SystemExit(f"{path}: 生成器只支持 JPEG 格式的身份证样例")
            back = n % 2 == 1
            side = "back" if back else "front"
            orientation = 6 if back and turn_back else 1
            self.add(path, partial(id_jpeg, person, holder, side, seed + back, orientation))


def write_plan(jobs: dict[str, Callable[[], bytes]], out_dir: Path) -> list[Path]:
    """Write each planned file (path relative to `out_dir` -> maker) in order; returns the files."""
    written = []
    for rel, make in jobs.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(make())
        written.append(target)
    return written


def run_cli(
    argv: list[str] | None,
    kind: str,
    default_profile: Path,
    generate: Callable[[Path | None, Path], list[Path]],
) -> int:
    """The command line every sample-scan generator shares: --profile, --out, sizes printed."""
    ap = argparse.ArgumentParser(description=f"生成 {kind} 样例配置引用的虚构附件（样例扫描件）。")
    ap.add_argument("--profile", type=Path, default=default_profile, help="样例配置文件")
    ap.add_argument("--out", type=Path, default=None, help="输出文件夹（默认：配置旁的 attachments/）")
    args = ap.parse_args(argv)
    for path in generate(args.out, args.profile):
        print(f"{path.stat().st_size:>9,}  {path}")
    return 0


def write_samples(plan: Callable[[dict[str, Any]], Plan], profile: Path, out_dir: Path | None) -> list[Path]:
    """Write every sample attachment of `profile` under `out_dir` (default: attachments/ beside the
    profile); returns the files written, in order."""
    p = tomllib.loads(profile.read_text(encoding="utf-8"))
    return write_plan(plan(p), out_dir if out_dir is not None else profile.parent / "attachments")
