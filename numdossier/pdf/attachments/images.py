"""Image attachments (JPEG, PNG, TIFF, HEIC/HEIF, WebP): their pictures surveyed, then placed on A4 pages.

JPEG, PNG and TIFF go in as they are where img2pdf can embed them (no generation loss); what cannot be
embedded as is is decoded once and written losslessly, except lossy sources (HEIC, lossy WebP), which
get one high-quality JPEG encode.
"""

from __future__ import annotations

import contextlib
import hashlib
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pikepdf
from pikepdf import Name
from PIL import Image
from PIL.TiffImagePlugin import TiffImageFile

from numdossier.rules import messages

from .geometry import A4, Picture, new_page, save
from .observations import Observation, seal_zone
from .refusals import refuse

# 80 MP is an A3 page at 600 dpi with room to spare; anything larger is a camera panorama or a
# decompression bomb, and decoding it would take >240 MB per frame. Pillow's own guard only warns
# at 89.5 MP (Image.MAX_IMAGE_PIXELS), so we refuse first, with our own message.
MAX_PIXELS = 80_000_000
MAX_FRAMES = 200  # a dossier attachment with more pages than this is a mistake, or an attack
# A resolution outside this range is a placeholder (0, 1) or a unit mix-up, not a real scan setting.
DPI_PLAUSIBLE = (50.0, 2400.0)
# With no plausible resolution we use 96 dpi, the reference resolution of CSS and of img2pdf
# (img2pdf.default_dpi): photos and screenshots of a few thousand pixels then fill the printable
# width after shrinking, and small pictures are not blown up into blurry blocks.
DPI_FALLBACK = 96.0
# One encode of a lossy source: quality 95 without chroma subsampling keeps a phone photo's text edges
# (libjpeg's own guidance: above 95 the file grows much faster than the quality).
JPEG_QUALITY = 95

# What Pillow raises for malformed files: Image.open itself takes SyntaxError, IndexError,
# TypeError and struct.error to mean "not this format", and plugins raise the same from seek()
# and load() (TIFF: TypeError "Missing dimensions"). Caught only around calls into Pillow and
# img2pdf, so that our own bugs still surface as such.
PILLOW_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    TypeError,
    KeyError,
    struct.error,
    ZeroDivisionError,
)

_PILLOW_FORMATS = {  # JPEG also yields MPO
    "jpeg": ("JPEG",),
    "png": ("PNG",),
    "tiff": ("TIFF",),
    "webp": ("WEBP",),
    "heif": ("HEIF",),
}
LOSSY_SOURCES = ("heif",)  # and WebP unless it is lossless (VP8L)


@dataclass(frozen=True)
class Frame(Picture):
    """A picture and what embedding it needs."""

    needs_reencode: bool = False  # alpha, >8-bit TIFF, HEIF/WebP or a mode that img2pdf cannot embed as is
    lossy_source: bool = False  # HEIC or lossy WebP: re-encoded once as JPEG
    rotated_by_decoder: int = 1  # HEIF: the orientation libheif applied while decoding (irot/imir)


def survey_image(data: bytes, kind: str, display: str) -> list[Frame]:
    """Read every frame's header (no pixel data): size, resolution, orientation, needs."""
    key = (hashlib.sha256(data).digest(), kind)
    known = _surveyed.get(key)
    if known is None:
        with pillow_quietly():
            known = tuple(_survey_frames(data, kind, display))
        if len(_surveyed) >= _SURVEYED_MAX:
            _surveyed.pop(next(iter(_surveyed)))
        _surveyed[key] = known
    return list(known)


# `check` surveys every image (decoding it, to catch a truncated file) and `build` surveys it again
# before placing it, in the same process (batch workers inherit the checks' surveys): the frames of
# a content already surveyed are remembered, in memory only. A refused file raises and is not kept.
_surveyed: dict[tuple[bytes, str], tuple[Frame, ...]] = {}
_SURVEYED_MAX = 512


def image_to_pdf(data: bytes, kind: str, display: str, out: Path) -> tuple[int, list[Observation]]:
    """Write every frame of an image file as one A4 page; the page count and what was done."""
    frames = survey_image(data, kind, display)
    observations: list[Observation] = []
    with contextlib.ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.new())
        # qpdf copies stream data lazily: the img2pdf documents must stay open until we have saved.
        images: Iterator[pikepdf.Object] | None = None
        reason = next((why for why in map(_reencode_reason, frames) if why), None)
        if reason is None:
            try:
                images = iter(list(_images_of(_img2pdf(data, kind), stack)))
            except Exception:  # img2pdf raises bare Exception for input it cannot handle
                reason = "img2pdf"
        if images is None:
            lossy = any(f.lossy_source for f in frames)
            observations.append(Observation("reencoded", {"why": reason or "img2pdf", "lossy": lossy}))
            images = (
                img
                for payload in _reencoded(data, kind, display, lossy)
                for img in _images_of(payload, stack)
            )
        for number, frame in enumerate(frames, 1):
            image = next(images, None)
            if image is None or (int(image.Width), int(image.Height)) != (frame.width, frame.height):
                raise refuse(display, "image_damaged")
            new_page(pdf, pdf.copy_foreign(image), "/Im0", frame.matrix())
            turned = frame.orientation if frame.orientation != 1 else frame.rotated_by_decoder
            if turned != 1:
                observations.append(Observation("rotated", {"pages": [number], "orientation": turned}))
            if frame.scale() < 1 - 1e-9:
                observations.append(
                    Observation("downscaled", {"pages": [number], "scale": round(frame.scale(), 3)})
                )
            if frame.fit().around_seal:
                observations.append(seal_zone(number, frame.effective_dpi()))
        save(pdf, out, "1.5")  # 1.5: img2pdf embeds 16-bit PNG data as is
    return len(frames), observations


def _reencode_reason(frame: Frame) -> str | None:
    if frame.lossy_source:
        return "lossy_source"
    return "not_embeddable" if frame.needs_reencode else None


def _img2pdf(payload: bytes, kind: str) -> bytes:
    # img2pdf only encodes: the page it makes is thrown away (we place the image ourselves), so
    # give it a fixed page, which also keeps it from adding /UserUnit for images over 200 inches.
    import img2pdf  # building only: `check` surveys images with Pillow alone

    with pillow_quietly():
        document: bytes = img2pdf.convert(
            payload,
            layout_fun=lambda *_: (A4[0], A4[1], A4[0], A4[1]),
            rotation=img2pdf.Rotation.none,  # we bake orientation into the placement, all 8 values
            first_frame_only=kind != "tiff",  # an MPO/APNG's further pictures are previews
            nodate=True,
        )
    return document


def _images_of(pdf_bytes: bytes, stack: contextlib.ExitStack) -> Iterator[pikepdf.Object]:
    doc = stack.enter_context(pikepdf.open(BytesIO(pdf_bytes)))
    for page in doc.pages:
        xobjects = page.obj.Resources.XObject
        yield next(v for v in xobjects.values() if v.get("/Subtype") == Name.Image)


@contextlib.contextmanager
def pillow_quietly() -> Iterator[None]:
    """Silence Pillow's warnings about the files it reads: above 89.5 MP it warns of a
    decompression bomb (we refuse at MAX_PIXELS with a message of our own), and of damaged
    metadata such as "Corrupt EXIF data" (we either read the image anyway or refuse it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        yield


def heif_available() -> bool:
    """Register pillow-heif's HEIF opener with Pillow (once); False when it is not installed."""
    try:
        import pillow_heif
    except ImportError:
        return False
    if "HEIF" not in Image.OPEN:
        pillow_heif.register_heif_opener()
    return True


def _open_image(data: bytes, kind: str) -> Image.Image:
    return Image.open(BytesIO(data), formats=_PILLOW_FORMATS[kind])


def _survey_frames(data: bytes, kind: str, display: str) -> list[Frame]:
    if kind == "heif" and not heif_available():
        raise refuse(display, "heif_unavailable")
    try:
        im = _open_image(data, kind)
    except Image.DecompressionBombError as e:
        # Pillow refused it at 2x its limit
        size = messages.text("pdf.sizes.over", n=2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e8)
        raise refuse(display, "image_too_large", size=size, limit=MAX_PIXELS // 10_000) from e
    except PILLOW_ERRORS as e:
        raise refuse(display, "image_damaged") from e
    frames: list[Frame] = []
    lossy = kind in LOSSY_SOURCES or (kind == "webp" and not webp_lossless(data))
    with im:
        try:
            while True:
                if len(frames) == MAX_FRAMES:
                    raise refuse(display, "too_many_frames", limit=MAX_FRAMES)
                w, h = im.size
                if w * h > MAX_PIXELS:
                    size = messages.text("pdf.sizes.pixels", w=w, h=h, n=w * h / 1e4)
                    raise refuse(display, "image_too_large", size=size, limit=MAX_PIXELS // 10_000)
                if w < 1 or h < 1:
                    raise refuse(display, "image_damaged")
                if kind == "heif":
                    # libheif applies the HEIF transforms (irot/imir) while decoding, and pillow-heif then
                    # reports orientation 1; the EXIF tag of iPhone photos says the same as those boxes.
                    decoded = im.info.get("original_orientation") or 1
                    frame = Frame(w, h, _dpi(im), 1, True, True, decoded if 1 <= decoded <= 8 else 1)
                else:
                    reencode = _needs_reencode(im) or kind == "webp"
                    frame = Frame(w, h, _dpi(im), _orientation_of(im, data), reencode, lossy)
                frames.append(frame)
                if kind != "tiff":
                    break
                try:
                    im.seek(im.tell() + 1)
                except EOFError:
                    break
            _check_decodes(data, kind)
        except PILLOW_ERRORS as e:
            raise refuse(display, "image_damaged") from e
    return frames


def webp_lossless(data: bytes) -> bool:
    """Whether a WebP holds VP8L (lossless) image data (Google's WebP container specification)."""
    at = 12
    while at + 8 <= len(data):
        chunk, size = data[at : at + 4], int.from_bytes(data[at + 4 : at + 8], "little")
        if chunk in (b"VP8L", b"VP8 "):
            return chunk == b"VP8L"
        if chunk == b"ANMF":  # an animation frame nests its image chunk after a 16-byte header
            at += 8 + 16
            continue
        at += 8 + size + (size & 1)
    return False


def _check_decodes(data: bytes, kind: str) -> None:
    """Catch truncated files that img2pdf would embed without decoding them.

    Called once every frame's size has been checked: a decompression bomb is never decoded.
    """
    if kind == "jpeg":
        with _open_image(data, kind) as im:
            # Decoding at 1/8 scale reads every byte of the entropy-coded data, quickly.
            im.draft(im.mode, (max(1, im.width // 8), max(1, im.height // 8)))
            im.load()
    elif kind == "png":
        with _open_image(data, kind) as im:
            im.verify()  # reads all chunks and checks their CRCs, without decompressing


def _dpi(im: Image.Image) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in im.info.get("dpi", (0, 0)))
    except (TypeError, ValueError):
        x = y = 0.0
    low, high = DPI_PLAUSIBLE
    ok_x, ok_y = low <= x <= high, low <= y <= high
    if ok_x and ok_y:
        return x, y  # may differ: fax TIFFs are 204 x 196 or 204 x 98 dpi
    if ok_x or ok_y:
        d = x if ok_x else y
        return d, d
    return DPI_FALLBACK, DPI_FALLBACK


def _orientation_of(im: Image.Image, data: bytes) -> int:
    if im.format == "PNG" and b"eXIf" not in data:
        return 1  # Pillow's PNG getexif() decodes the whole image to look for a late eXIf chunk
    try:
        value = im.tag_v2.get(0x0112) if isinstance(im, TiffImageFile) else im.getexif().get(0x0112)
    except PILLOW_ERRORS:
        return 1  # unreadable EXIF: treat as upright, as viewers do
    if isinstance(value, tuple) and len(value) == 1:
        value = value[0]
    # Values outside 1-8 (0, 9, garbage) are written by broken firmware; viewers ignore them.
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _needs_reencode(im: Image.Image) -> bool:
    if im.mode not in ("1", "L", "RGB", "CMYK", "P"):
        return True  # alpha (RGBA, LA, PA), 16-bit and float (I;16, I, F), YCbCr, LAB...
    if "transparency" in im.info:
        return True  # palette or colour-key transparency: flatten onto white like the rest
    if isinstance(im, TiffImageFile):
        bits = im.tag_v2.get(258, (1,))
        bits = bits if isinstance(bits, tuple) else (bits,)
        return int(max(bits)) > 8  # img2pdf: "PIL is unable to preserve more than 8 bits per sample"
    return False


def _reencoded(data: bytes, kind: str, display: str, lossy: bool) -> Iterator[bytes]:
    """Yield each frame as a one-page img2pdf document, decoded and re-encoded (JPEG for lossy sources,
    else losslessly).

    One frame is decoded at a time, so a long TIFF never sits in memory as pixels.
    """
    try:
        with pillow_quietly():
            im = _open_image(data, kind)
    except PILLOW_ERRORS as e:
        raise refuse(display, "image_damaged") from e
    with im:
        for index in range(getattr(im, "n_frames", 1) if kind == "tiff" else 1):
            try:
                with pillow_quietly():  # not across the yield: warning filters are global
                    im.seek(index)
                    frame = _flatten(im)
                    buffer = BytesIO()
                    if lossy and frame.mode in ("L", "RGB"):
                        frame.save(buffer, format="JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=True)
                        encoding = "jpeg"
                    elif frame.mode == "CMYK":
                        frame.save(buffer, format="TIFF", compression="tiff_deflate")  # PNG has no CMYK
                        encoding = "tiff"
                    else:
                        frame.save(buffer, format="PNG")
                        encoding = "png"
            except PILLOW_ERRORS as e:
                raise refuse(display, "image_damaged") from e
            try:
                document = _img2pdf(buffer.getvalue(), encoding)
            except Exception as e:  # img2pdf raises bare Exception for input it cannot handle
                raise refuse(display, "image_damaged") from e
            yield document


def _flatten(im: Image.Image) -> Image.Image:
    """The current frame as 1, L, RGB, P or CMYK: alpha composited onto white, 16-bit scaled to 8."""
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        # convert("L") would clip every value above 255 instead of scaling.
        wide = im.convert("F")
        extrema = wide.getextrema()  # (min, max) for a one-band image
        low, high = float(extrema[0]), float(extrema[1])  # type: ignore[arg-type]
        if im.mode.startswith("I;16") or (im.mode == "I" and low >= 0 and high <= 65535):
            low, high = 0.0, 65535.0  # 16-bit data: keep its tonal range rather than stretch it
        span = (high - low) or 1.0
        return wide.point(lambda v: (v - low) * 255 / span).convert("L")
    has_alpha = im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    if has_alpha:
        grey = im.mode in ("LA", "La") or (im.mode == "L" and "transparency" in im.info)
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat = Image.alpha_composite(white, rgba)
        return flat.convert("L" if grey else "RGB")
    if im.mode in ("1", "L", "RGB", "CMYK", "P"):
        return im.copy()  # a copy: the TIFF frame must not be modified by saving
    return im.convert("RGB")
