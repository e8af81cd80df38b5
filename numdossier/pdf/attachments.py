"""One attachment file (PDF, JPEG, PNG or TIFF) -> A4 portrait PDF pages with /Rotate 0."""

from __future__ import annotations

import contextlib
import logging
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import img2pdf
import pikepdf
from pikepdf import Array, Dictionary, Matrix, Name
from PIL import Image

from numdossier.errors import AttachmentError

log = logging.getLogger(__name__)

# --- Page geometry (PDF points) ------------------------------------------------------------------

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
LETTER = (0.0, 0.0, 612.0, 792.0)  # what viewers (pdfium, pdf.js) assume when a page has no usable MediaBox

# --- Image limits ---------------------------------------------------------------------------------

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

# PDF annotation flags (ISO 32000-1, 12.5.3): such annotations are not shown, so not flattened.
_ANNOT_INVISIBLE, _ANNOT_HIDDEN = 1, 2

# The page-dictionary keys a page copied as is keeps; everything else (annotations, actions /AA,
# thumbnails, article beads, structure-tree links, transitions, private data) is left behind.
_PAGE_KEYS_KEPT = frozenset({"/Type", "/Parent", "/MediaBox", "/Resources", "/Contents", "/Group"})

# What Pillow raises for malformed files: Image.open itself takes SyntaxError, IndexError,
# TypeError and struct.error to mean "not this format", and plugins raise the same from seek()
# and load() (TIFF: TypeError "Missing dimensions"). Caught only around calls into Pillow and
# img2pdf, so that our own bugs still surface as such.
_PILLOW_ERRORS = (
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

_PILLOW_FORMATS = {"jpeg": ("JPEG",), "png": ("PNG",), "tiff": ("TIFF",)}  # JPEG also yields MPO

# --- Messages (the user sees these; the file name is prefixed by AttachmentError) ----------------

_MESSAGES: dict[str, tuple[str, str | None]] = {
    "missing": ("文件不存在", "请检查 profile 中写的路径和文件名"),
    "directory": ("这是一个文件夹，不是文件", "请写出文件夹中具体的扫描件文件名"),
    "permission": ("没有读取该文件的权限", "请检查文件权限，或把文件复制到当前用户可读的位置"),
    "unreadable": ("无法读取文件（{detail}）", None),
    "empty": ("文件是空的（0 字节）", "文件可能没有下载或复制完整，请重新获取扫描件"),
    "unknown": (
        "不是可识别的 PDF 或图片文件（JPEG/PNG/TIFF）{what}",
        "请提供扫描件的 PDF 或 JPEG/PNG/TIFF 文件；Word 等文档请先导出为 PDF，手机 HEIC 照片请先转换为 JPEG",
    ),
    "encrypted": (
        "PDF 文件已加密（设有密码），无法读取",
        "请先去掉密码：qpdf --decrypt --password=密码 原文件.pdf 新文件.pdf ，"
        "或在阅读器中输入密码打开后“打印”为新的 PDF；然后在 profile 中改用新文件",
    ),
    "pdf_damaged": (
        "PDF 文件已损坏，无法读取",
        "请重新导出或重新扫描该文件；若阅读器仍能打开它，可用“打印为 PDF”另存一份再使用",
    ),
    "form_unrenderable": (
        "PDF 表单字段“{value}”没有可打印的外观，其中的中文无法生成",
        "请在 PDF 阅读器中打开该文件，用“打印”另存为新的 PDF 后再使用",
    ),
    "pdf_no_pages": ("PDF 文件中没有任何页面", "请检查是否选错了文件，或重新导出该 PDF"),
    "image_damaged": ("图片文件已损坏或不完整，无法读取", "请重新扫描或重新导出该图片"),
    "image_too_large": (
        "图片过大：{size}（上限为 {limit} 万像素）",
        "请以 300 dpi 左右重新扫描，或缩小图片后再使用",
    ),
    "too_many_frames": (
        "TIFF 文件页数过多（超过 {limit} 页）",
        "请把它拆分为多个文件，或先转换为 PDF",
    ),
}

# First bytes of formats people hand in by mistake -> how we name them in the refusal.
_NOT_SUPPORTED = (
    (b"GIF8", "GIF 图片"),
    (b"BM", "BMP 图片"),
    (b"PK\x03\x04", "压缩格式文件（可能是 Word/Excel 文档、OFD 或 ZIP）"),
    (b"\xd0\xcf\x11\xe0", "旧版 Office 文档（.doc/.xls）"),
    (b"{\\rtf", "RTF 文档"),
)


def _error(display: str, key: str, **values: object) -> AttachmentError:
    message, hint = _MESSAGES[key]
    return AttachmentError(display, message.format(**values), hint)


# --- Public API -----------------------------------------------------------------------------------


def sniff(path: Path) -> str | None:
    """'pdf' | 'jpeg' | 'png' | 'tiff' by content (magic bytes), not extension; None otherwise.

    An unreadable path (missing, a directory, no permission) is None as well.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError:
        return None
    return _sniff_bytes(head)


def attachment_to_pdf(src: Path, display: str, out: Path) -> int:
    """Write `src` as A4-portrait PDF pages to `out`; return the page count.

    `display` is the path as the user wrote it in the profile: every AttachmentError names it.
    Pages have /Rotate 0, no annotations; the file has no forms, outline, actions or dates, and
    the same input always gives the same bytes.
    """
    head = _read_head(src, display)
    if not head:
        raise _error(display, "empty")
    kind = _sniff_bytes(head)
    if kind is None:
        raise _error(display, "unknown", what=_describe_unsupported(head))
    try:
        if kind == "pdf":
            return _pdf_to_pdf(src, display, out)
        return _image_to_pdf(src, kind, display, out)
    except BaseException:
        out.unlink(missing_ok=True)  # never leave a half-written file for the assembler to pick up
        raise


# --- Input checks ---------------------------------------------------------------------------------


def _read_head(src: Path, display: str) -> bytes:
    try:
        if src.is_dir():
            raise _error(display, "directory")
        with open(src, "rb") as f:
            return f.read(1024)
    except FileNotFoundError as e:
        raise _error(display, "missing") from e
    except PermissionError as e:
        raise _error(display, "permission") from e
    except IsADirectoryError as e:
        raise _error(display, "directory") from e
    except OSError as e:
        raise _error(display, "unreadable", detail=e.strerror or type(e).__name__) from e


def _sniff_bytes(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):  # classic and BigTIFF
        return "tiff"
    # Viewers accept the header anywhere in the first 1024 bytes (ISO 32000-1, Annex H.3 item 3.4.1),
    # and mail gateways and web forms sometimes prepend a line or two.
    if b"%PDF-" in head:
        return "pdf"
    return None


def _describe_unsupported(head: bytes) -> str:
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypmsf1", b"ftyphevc"):
        return "，看起来是 HEIC 照片"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "，看起来是 WebP 图片"
    for magic, what in _NOT_SUPPORTED:
        if head.startswith(magic):
            return f"，看起来是{what}"
    return ""


# --- Geometry -------------------------------------------------------------------------------------


def _orientation(code: int, w: float, h: float) -> Matrix:
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
_ROTATE_AS_ORIENTATION = {0: 1, 90: 6, 180: 3, 270: 8}


def _fit(width: float, height: float, *, expand: bool) -> tuple[float, float, float]:
    """Scale and lower-left corner that centre a width x height box in the printable area."""
    px, py, pw, ph = PRINTABLE
    scale = min(pw / width, ph / height)
    if not expand:
        scale = min(scale, 1.0)
    return scale, px + (pw - width * scale) / 2, py + (ph - height * scale) / 2


def _placement(inner: Matrix, width: float, height: float, *, expand: bool) -> Matrix:
    """`inner` maps the XObject to an upright width x height box at the origin; add the fit."""
    scale, x, y = _fit(width, height, expand=expand)
    return inner @ Matrix(scale, 0, 0, scale, x, y)


def _new_page(out: pikepdf.Pdf, xobject: pikepdf.Object, name: str, matrix: Matrix) -> None:
    page = out.add_blank_page(page_size=A4)
    page.obj.Resources = Dictionary(XObject=Dictionary({name: xobject}))
    page.obj.Contents = out.make_stream(b"q " + matrix.encode() + b" cm " + name.encode() + b" Do Q")


def _save(out: pikepdf.Pdf, path: Path, min_version: str) -> None:
    # deterministic_id derives /ID from the content; pikepdf.new() writes no /Info, so no dates.
    out.save(
        path,
        min_version=min_version,
        deterministic_id=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )


# --- Images ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """One picture of an image file, as far as placing it on a page is concerned."""

    width: int  # stored pixels, before orientation
    height: int
    dpi: tuple[float, float]
    orientation: int  # EXIF 1-8
    needs_reencode: bool  # alpha, >8-bit TIFF or an unusual mode that img2pdf cannot embed as is

    def natural_size(self) -> tuple[float, float]:
        return self.width / self.dpi[0] * 72, self.height / self.dpi[1] * 72

    def matrix(self) -> Matrix:
        """Unit square (how an image XObject is drawn) -> upright, fitted, centred on A4."""
        w, h = self.natural_size()
        inner = Matrix(w, 0, 0, h, 0, 0) @ _orientation(self.orientation, w, h)
        shown = (h, w) if self.orientation >= 5 else (w, h)
        # Shrink only: a scan's resolution is its natural size; enlarging would invent detail.
        return _placement(inner, *shown, expand=False)


def _image_to_pdf(src: Path, kind: str, display: str, out: Path) -> int:
    try:
        data = src.read_bytes()
    except OSError as e:
        raise _error(display, "unreadable", detail=e.strerror or type(e).__name__) from e
    frames = _survey(data, kind, display)
    with contextlib.ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.new())
        # qpdf copies stream data lazily: the img2pdf documents must stay open until we have saved.
        images: Iterator[pikepdf.Object] | None = None
        if not any(f.needs_reencode for f in frames):
            try:
                images = iter(list(_images_of(_img2pdf(data, kind), stack)))
            except Exception as e:  # img2pdf raises bare Exception for input it cannot handle
                log.info("%s: img2pdf cannot embed as is (%s); re-encoding losslessly", display, e)
        if images is None:
            images = (
                img for payload in _reencoded(data, kind, display) for img in _images_of(payload, stack)
            )
        count = 0
        for frame in frames:
            image = next(images, None)
            if image is None or (int(image.Width), int(image.Height)) != (frame.width, frame.height):
                raise _error(display, "image_damaged")
            _new_page(pdf, pdf.copy_foreign(image), "/Im0", frame.matrix())
            count += 1
        _save(pdf, out, "1.5")  # 1.5: img2pdf embeds 16-bit PNG data as is
    return count


def _img2pdf(payload: bytes, kind: str) -> bytes:
    # img2pdf only encodes: the page it makes is thrown away (we place the image ourselves), so
    # give it a fixed page, which also keeps it from adding /UserUnit for images over 200 inches.
    with _pillow_quietly():
        return img2pdf.convert(
            payload,
            layout_fun=lambda *_: (A4[0], A4[1], A4[0], A4[1]),
            rotation=img2pdf.Rotation.none,  # we bake orientation into the placement, all 8 values
            first_frame_only=kind != "tiff",  # an MPO/APNG's further pictures are previews
            nodate=True,
        )


def _images_of(pdf_bytes: bytes, stack: contextlib.ExitStack) -> Iterator[pikepdf.Object]:
    doc = stack.enter_context(pikepdf.open(BytesIO(pdf_bytes)))
    for page in doc.pages:
        xobjects = page.obj.Resources.XObject
        yield next(v for v in xobjects.values() if v.get("/Subtype") == Name.Image)


@contextlib.contextmanager
def _pillow_quietly() -> Iterator[None]:
    """Silence Pillow's warnings about the files it reads: above 89.5 MP it warns of a
    decompression bomb (we refuse at MAX_PIXELS with a message of our own), and of damaged
    metadata such as "Corrupt EXIF data" (we either read the image anyway or refuse it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        yield


def _open_image(data: bytes, kind: str) -> Image.Image:
    return Image.open(BytesIO(data), formats=_PILLOW_FORMATS[kind])


def _survey(data: bytes, kind: str, display: str) -> list[_Frame]:
    """Read every frame's header (no pixel data): size, resolution, orientation, needs."""
    with _pillow_quietly():
        return _survey_frames(data, kind, display)


def _survey_frames(data: bytes, kind: str, display: str) -> list[_Frame]:
    try:
        im = _open_image(data, kind)
    except Image.DecompressionBombError as e:
        size = (
            f"超过 {2 * (Image.MAX_IMAGE_PIXELS or 0) / 1e8:.1f} 亿像素"  # Pillow refused it at 2x its limit
        )
        raise _error(display, "image_too_large", size=size, limit=MAX_PIXELS // 10_000) from e
    except _PILLOW_ERRORS as e:
        raise _error(display, "image_damaged") from e
    frames: list[_Frame] = []
    with im:
        try:
            while True:
                if len(frames) == MAX_FRAMES:
                    raise _error(display, "too_many_frames", limit=MAX_FRAMES)
                w, h = im.size
                if w * h > MAX_PIXELS:
                    size = f"{w}×{h} 像素，约 {w * h / 1e4:.0f} 万像素"
                    raise _error(display, "image_too_large", size=size, limit=MAX_PIXELS // 10_000)
                if w < 1 or h < 1:
                    raise _error(display, "image_damaged")
                frames.append(_Frame(w, h, _dpi(im), _orientation_of(im, data), _needs_reencode(im)))
                if kind != "tiff":
                    break
                try:
                    im.seek(im.tell() + 1)
                except EOFError:
                    break
            _check_decodes(data, kind)
        except _PILLOW_ERRORS as e:
            raise _error(display, "image_damaged") from e
    return frames


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
        value = im.tag_v2.get(0x0112) if im.format == "TIFF" else im.getexif().get(0x0112)  # type: ignore[attr-defined]
    except _PILLOW_ERRORS:
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
    if im.format == "TIFF":
        bits = im.tag_v2.get(258, (1,))  # type: ignore[attr-defined]
        bits = bits if isinstance(bits, tuple) else (bits,)
        return max(bits) > 8  # img2pdf: "PIL is unable to preserve more than 8 bits per sample"
    return False


def _reencoded(data: bytes, kind: str, display: str) -> Iterator[bytes]:
    """Yield each frame as a one-page img2pdf document, decoded and re-encoded losslessly.

    One frame is decoded at a time, so a long TIFF never sits in memory as pixels.
    """
    try:
        with _pillow_quietly():
            im = _open_image(data, kind)
    except _PILLOW_ERRORS as e:
        raise _error(display, "image_damaged") from e
    with im:
        for index in range(getattr(im, "n_frames", 1) if kind == "tiff" else 1):
            try:
                with _pillow_quietly():  # not across the yield: warning filters are global
                    im.seek(index)
                    frame = _flatten(im)
                    buffer = BytesIO()
                    if frame.mode == "CMYK":
                        frame.save(buffer, format="TIFF", compression="tiff_deflate")  # PNG has no CMYK
                    else:
                        frame.save(buffer, format="PNG")
            except _PILLOW_ERRORS as e:
                raise _error(display, "image_damaged") from e
            try:
                document = _img2pdf(buffer.getvalue(), "tiff" if frame.mode == "CMYK" else "png")
            except Exception as e:  # img2pdf raises bare Exception for input it cannot handle
                raise _error(display, "image_damaged") from e
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


# --- PDFs -----------------------------------------------------------------------------------------


def _pdf_to_pdf(src: Path, display: str, out: Path) -> int:
    try:
        source = pikepdf.open(src)  # attempt_recovery=True: qpdf rebuilds broken xref tables
    except pikepdf.PasswordError as e:
        raise _error(display, "encrypted") from e
    except pikepdf.PdfError as e:
        raise _error(display, "pdf_damaged") from e
    except PermissionError as e:
        raise _error(display, "permission") from e
    except OSError as e:
        raise _error(display, "unreadable", detail=e.strerror or type(e).__name__) from e
    with source, pikepdf.new() as pdf:
        try:
            if source.is_encrypted:
                # Only an owner password (opened without asking): anyone may view and print it,
                # so we accept it; the pages are written out unencrypted.
                log.info("%s: PDF has an owner password only; it is written out decrypted", display)
            if len(source.pages) == 0:
                raise _error(display, "pdf_no_pages")
            _burn_in_annotations(source, display)
            _carry_layers(source, pdf)
            for page in source.pages:
                _place_pdf_page(pdf, page)
            _save(pdf, out, source.pdf_version)
            warnings_ = source.get_warnings()
            if warnings_:
                log.warning("%s: PDF was damaged and has been repaired (%s)", display, warnings_[0])
            return len(pdf.pages)
        except AttachmentError:
            raise
        except (pikepdf.PdfError, pikepdf.ForeignObjectError, RuntimeError) as e:
            # qpdf reports unrecoverable damage as QPDFExc (PdfError) or std::logic_error.
            raise _error(display, "pdf_damaged") from e


def _burn_in_annotations(pdf: pikepdf.Pdf, display: str) -> None:
    """Draw form fields and annotations into the page contents, as a viewer shows them."""
    _generate_field_appearances(pdf, display)
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", Array()):
            if isinstance(annot, Dictionary):
                _synthesise_markup_appearance(pdf, annot)
    # 'all' = everything a viewer shows (not Hidden/Invisible), whether or not marked for print.
    pdf.flatten_annotations("all")


def _generate_field_appearances(pdf: pikepdf.Pdf, display: str) -> None:
    """qpdf draws text and choice fields whose appearance is missing or stale (/NeedAppearances).

    qpdf can only write characters of the field font's single-byte encoding and puts '?' for the
    rest (QPDFFormFieldObjectHelper::generateTextAppearance), so a Chinese value keeps the
    appearance its producer drew, even when /NeedAppearances asks for a new one, and one without
    any appearance is refused rather than printed as '??'.
    """
    acroform = pdf.acroform
    if not acroform.exists:
        return
    stale = acroform.needs_appearances
    for page in pdf.pages:
        for annot in acroform.get_widget_annotations_for_page(page):
            field = acroform.get_field_for_annotation(annot)
            if not (field.is_text or field.is_choice):
                continue  # buttons: qpdf does not draw them; their /AS picks the right appearance
            has_appearance = isinstance(annot.obj.get("/AP", Dictionary()).get("/N"), pikepdf.Stream)
            if has_appearance and not stale:
                continue
            value = field.value_as_string
            if not _single_byte(value):
                if has_appearance:
                    continue
                raise _error(display, "form_unrenderable", value=value)
            field.generate_appearance(annot)
    acroform.needs_appearances = False  # or flatten_annotations skips the widgets


def _single_byte(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _synthesise_markup_appearance(pdf: pikepdf.Pdf, annot: Dictionary) -> None:
    """Give simple markup annotations without /AP the appearance viewers draw for them.

    qpdf flattens only annotations that have an appearance stream; producers such as FPDF2 leave
    it out for highlights and ink, and viewers draw them from their geometry (ISO 32000-1, 12.5.6).
    The geometry's own bounding box is used, not /Rect, which such producers get wrong.
    """
    if isinstance(annot.get("/AP", Dictionary()).get("/N"), pikepdf.Stream):
        return
    if int(annot.get("/F", 0)) & (_ANNOT_INVISIBLE | _ANNOT_HIDDEN):
        return
    try:
        drawn = _markup_drawing(annot)
    except (TypeError, ValueError, AttributeError, IndexError):
        return  # malformed geometry: leave it to flattening, which drops it
    if drawn is None:
        return
    ops, (x0, y0, x1, y1), blend = drawn
    if x1 <= x0 or y1 <= y0:
        return
    gs = Dictionary(Type=Name.ExtGState)
    if blend:
        gs.BM = Name.Multiply  # a highlight darkens the text under it instead of covering it
    opacity = annot.get("/CA")
    if opacity is not None:
        gs.CA = gs.ca = float(opacity)
    bbox = Array([x0, y0, x1, y1])
    appearance = pdf.make_stream(
        b"/GS0 gs\n" + ops,
        Dictionary(
            Type=Name.XObject,
            Subtype=Name.Form,
            BBox=bbox,
            Resources=Dictionary(ExtGState=Dictionary(GS0=gs)),
        ),
    )
    annot.AP = Dictionary(N=appearance)
    annot.Rect = bbox  # flattening maps the BBox onto /Rect (ISO 32000-1, 12.5.5): make that 1:1


def _markup_drawing(annot: Dictionary) -> tuple[bytes, tuple[float, float, float, float], bool] | None:
    subtype = annot.get("/Subtype")
    colour = [float(c) for c in annot.get("/C", Array())]
    width = _border_width(annot)
    if subtype in (Name.Highlight, Name.Underline, Name.StrikeOut, Name.Squiggly):
        quads = [float(v) for v in annot.QuadPoints]
        boxes = []
        for i in range(0, len(quads) - 7, 8):
            xs, ys = quads[i : i + 8 : 2], quads[i + 1 : i + 8 : 2]
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
        if not boxes:
            return None
        ops = []
        if subtype == Name.Highlight:
            ops.append(_colour_op(colour or [1, 1, 0], stroke=False))
            ops += [f"{_n(a)} {_n(b)} {_n(c - a)} {_n(d - b)} re f" for a, b, c, d in boxes]
        else:
            ops.append(_colour_op(colour or [0, 0, 0], stroke=True))
            for a, b, c, d in boxes:
                line = max((d - b) / 14, 0.5)  # roughly the underline thickness of the text
                y = (b + d) / 2 if subtype == Name.StrikeOut else b + line
                ops.append(f"{_n(line)} w {_n(a)} {_n(y)} m {_n(c)} {_n(y)} l S")
        bbox = _union(boxes)
        return "\n".join(ops).encode(), bbox, subtype == Name.Highlight
    if subtype == Name.Ink:
        paths = [[float(v) for v in path] for path in annot.InkList]
        points = [(p[i], p[i + 1]) for p in paths for i in range(0, len(p) - 1, 2)]
        if not points or width <= 0:
            return None
        ops = [_colour_op(colour or [0, 0, 0], stroke=True), f"{_n(width)} w 1 J 1 j"]
        for p in paths:
            pts = [(p[i], p[i + 1]) for i in range(0, len(p) - 1, 2)]
            if pts:
                ops.append(f"{_n(pts[0][0])} {_n(pts[0][1])} m")
                ops += [f"{_n(x)} {_n(y)} l" for x, y in pts[1:]]
                ops.append("S")
        return "\n".join(ops).encode(), _pad(_union([(x, y, x, y) for x, y in points]), width), False
    if subtype in (Name.Square, Name.Circle, Name.Line):
        fill = [float(c) for c in annot.get("/IC", Array())]
        if subtype == Name.Line:
            x1, y1, x2, y2 = (float(v) for v in annot.L)
            if width <= 0:
                return None
            ops = [_colour_op(colour or [0, 0, 0], stroke=True), f"{_n(width)} w"]
            ops.append(f"{_n(x1)} {_n(y1)} m {_n(x2)} {_n(y2)} l S")
            return (
                "\n".join(ops).encode(),
                _pad((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)), width),
                False,
            )
        a, b, c, d = (float(v) for v in annot.Rect)
        a, c = min(a, c), max(a, c)
        b, d = min(b, d), max(b, d)
        inset = width / 2
        a, b, c, d = a + inset, b + inset, c - inset, d - inset
        paint = (
            ("B" if colour and fill else "f" if fill else "S") if (fill or (colour and width > 0)) else None
        )
        if paint is None or c <= a or d <= b:
            return None
        ops = [f"{_n(width)} w"]
        if colour:
            ops.append(_colour_op(colour, stroke=True))
        if fill:
            ops.append(_colour_op(fill, stroke=False))
        ops.append(
            _ellipse(a, b, c, d) if subtype == Name.Circle else f"{_n(a)} {_n(b)} {_n(c - a)} {_n(d - b)} re"
        )
        ops.append(paint if not (colour and width <= 0) else "f")
        return "\n".join(ops).encode(), _pad((a, b, c, d), width), False
    return None  # Text notes, FreeText, stamps without appearance: viewers differ; left out


def _border_width(annot: Dictionary) -> float:
    bs = annot.get("/BS")
    if isinstance(bs, Dictionary) and "/W" in bs:
        return float(bs.W)
    border = annot.get("/Border")
    if isinstance(border, Array) and len(border) >= 3:
        return float(border[2])
    return 1.0  # the default of both /BS /W and /Border


def _colour_op(colour: list[float], *, stroke: bool) -> str:
    op = {1: "g", 3: "rg", 4: "k"}.get(len(colour))
    if op is None:
        return ""  # an empty /C array means transparent
    return " ".join(_n(c) for c in colour) + " " + (op.upper() if stroke else op)


def _ellipse(a: float, b: float, c: float, d: float) -> str:
    k = 0.5523  # Bézier control-point factor for a quarter circle
    cx, cy, rx, ry = (a + c) / 2, (b + d) / 2, (c - a) / 2, (d - b) / 2
    return "\n".join(
        [
            f"{_n(cx + rx)} {_n(cy)} m",
            f"{_n(cx + rx)} {_n(cy + k * ry)} {_n(cx + k * rx)} {_n(cy + ry)} {_n(cx)} {_n(cy + ry)} c",
            f"{_n(cx - k * rx)} {_n(cy + ry)} {_n(cx - rx)} {_n(cy + k * ry)} {_n(cx - rx)} {_n(cy)} c",
            f"{_n(cx - rx)} {_n(cy - k * ry)} {_n(cx - k * rx)} {_n(cy - ry)} {_n(cx)} {_n(cy - ry)} c",
            f"{_n(cx + k * rx)} {_n(cy - ry)} {_n(cx + rx)} {_n(cy - k * ry)} {_n(cx + rx)} {_n(cy)} c h",
        ]
    )


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def _union(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _pad(box: tuple[float, float, float, float], width: float) -> tuple[float, float, float, float]:
    half = max(width, 1.0) / 2
    return box[0] - half, box[1] - half, box[2] + half, box[3] + half


def _carry_layers(source: pikepdf.Pdf, pdf: pikepdf.Pdf) -> None:
    """Keep optional content (layers) hidden where the source hides it.

    Without /OCProperties viewers ignore layer membership and show every layer (ISO 32000-1,
    8.11.4.3), so content its author switched off would be printed.
    """
    layers = source.Root.get("/OCProperties")
    if isinstance(layers, Dictionary):
        pdf.Root.OCProperties = pdf.copy_foreign(
            layers if layers.is_indirect else source.make_indirect(layers)
        )


def _place_pdf_page(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    obj = page.obj
    media = _box(obj.get("/MediaBox")) or LETTER
    crop = _box(obj.get("/CropBox"))
    visible = _intersect(crop, media) if crop else media
    rotate = _rotation(obj.get("/Rotate"))
    unit = _user_unit(obj.get("/UserUnit"))
    if "/Annots" in obj:
        del obj.Annots  # flattened already; what is left (links, popups) is not printed
    if _is_a4_as_is(media, visible, rotate, unit):
        for key in list(obj.keys()):
            if key not in _PAGE_KEYS_KEPT:
                del obj[key]
        pdf.pages.append(page)
        return
    form = page.as_form_xobject(handle_transformations=False)
    # The visible box, not qpdf's choice of the TrimBox: what a viewer shows is what we print.
    form.BBox = Array(visible)
    if "/Matrix" in form:
        del form.Matrix
    llx, lly, urx, ury = visible
    w, h = urx - llx, ury - lly
    inner = Matrix(1, 0, 0, 1, -llx, -lly) @ _orientation(_ROTATE_AS_ORIENTATION[rotate], w, h)
    inner = inner @ Matrix(unit, 0, 0, unit, 0, 0)
    shown = (h * unit, w * unit) if rotate in (90, 270) else (w * unit, h * unit)
    # Vector content scales both ways: small pages (A5, receipts) are enlarged to fill the area.
    _new_page(pdf, pdf.copy_foreign(form), "/Fx0", _placement(inner, *shown, expand=True))


def _is_a4_as_is(media: tuple[float, ...], visible: tuple[float, ...], rotate: int, unit: float) -> bool:
    llx, lly, urx, ury = media
    return (
        rotate == 0
        and unit == 1.0
        and abs(llx) < 0.01
        and abs(lly) < 0.01
        and abs(urx - A4[0]) <= A4_TOLERANCE
        and abs(ury - A4[1]) <= A4_TOLERANCE
        and all(abs(a - b) < 0.01 for a, b in zip(media, visible, strict=True))
    )


def _box(value: object) -> tuple[float, float, float, float] | None:
    """A rectangle as (llx, lly, urx, ury), normalised; None if missing, malformed or empty."""
    if not isinstance(value, Array) or len(value) != 4:
        return None
    try:
        x0, y0, x1, y1 = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return box if box[2] - box[0] > 0.01 and box[3] - box[1] > 0.01 else None


def _intersect(
    a: tuple[float, ...], b: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    # A CropBox outside the MediaBox: viewers fall back to the MediaBox (pdfium, pdf.js).
    return box if box[2] - box[0] > 0.01 and box[3] - box[1] > 0.01 else b


def _rotation(value: object) -> int:
    try:
        degrees = int(float(value)) if value is not None else 0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    # Truncating like pdfium (CPDF_Page::GetPageRotation): -90 is 270, 45 is 0.
    return int(degrees / 90) % 4 * 90


def _user_unit(value: object) -> float:
    try:
        unit = float(value) if value is not None else 1.0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1.0
    return unit if unit > 0 else 1.0
