"""What an attachment file is, by its first bytes (not its extension), and how to name what we refuse."""

from __future__ import annotations

from pathlib import Path

from .refusals import refuse

# The kinds we read. HEIF covers HEIC (iPhone photos since iOS 11) and AVIF-less HEIF stills.
KINDS = ("pdf", "jpeg", "png", "tiff", "heif", "webp")

# ISO/IEC 23008-12 brands of still HEIF images (the 'ftyp' box at offset 4).
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc", b"hevx")

# First bytes of formats people hand in by mistake -> how we name them, and how to convert them.
_NOT_SUPPORTED = (
    (b"GIF8", "GIF 图片", "请用画图或其他看图软件“另存为” PNG 后使用"),
    (b"BM", "BMP 图片", "请用画图或其他看图软件“另存为” PNG 或 JPEG 后使用"),
    (
        b"PK\x03\x04",
        "压缩格式文件（可能是 Word/Excel 文档、OFD 或 ZIP）",
        "Word/Excel 文档请“导出为 PDF”；ZIP 请先解压",
    ),
    (b"\xd0\xcf\x11\xe0", "旧版 Office 文档（.doc/.xls）", "请在 Word/Excel 中“另存为 PDF”后使用"),
    (b"{\\rtf", "RTF 文档", "请在 Word 或 WPS 中“导出为 PDF”后使用"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000 图片", "请用看图软件“另存为” PNG 或 JPEG 后使用"),
    (b"\xff\x0a", "JPEG XL 图片", "请用看图软件“另存为” PNG 或 JPEG 后使用"),
    (b"%!PS", "PostScript 文件", "请用 ps2pdf 等工具转换为 PDF 后使用"),
)
_GENERIC_HOW = "Word 等文档请先导出为 PDF，其他图片请用看图软件“另存为” JPEG 或 PNG"


def sniff(path: Path) -> str | None:
    """One of KINDS by content (magic bytes), not extension; None otherwise.

    An unreadable path (missing, a directory, no permission) is None as well.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError:
        return None
    return sniff_bytes(head)


def sniff_bytes(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):  # classic and BigTIFF
        return "tiff"
    if head[4:8] == b"ftyp" and (head[8:12] in _HEIF_BRANDS or _compatible_heif(head)):
        return "heif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    # Viewers accept the header anywhere in the first 1024 bytes (ISO 32000-1, Annex H.3 item 3.4.1),
    # and mail gateways and web forms sometimes prepend a line or two.
    if b"%PDF-" in head:
        return "pdf"
    return None


def _compatible_heif(head: bytes) -> bool:
    """A major brand we do not list but a compatible brand we do (ISO/IEC 14496-12, 4.3): not AVIF."""
    size = int.from_bytes(head[:4], "big")
    brands = [head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)]
    return head[8:12] not in (b"avif", b"avis") and any(b in _HEIF_BRANDS for b in brands)


def read_head(src: Path, display: str) -> bytes:
    """The first 1024 bytes, or the refusal that says why the file cannot be read."""
    try:
        if src.is_dir():
            raise refuse(display, "directory")
        with open(src, "rb") as f:
            return f.read(1024)
    except FileNotFoundError as e:
        raise refuse(display, "missing") from e
    except PermissionError as e:
        raise refuse(display, "permission") from e
    except IsADirectoryError as e:
        raise refuse(display, "directory") from e
    except OSError as e:
        raise refuse(display, "unreadable", detail=e.strerror or type(e).__name__) from e


def describe_unsupported(head: bytes) -> tuple[str, str]:
    """(what the file looks like, how to convert it) for the refusal of a file we do not read."""
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return "，看起来是 AVIF 图片", "请用看图软件“另存为” JPEG 或 PNG 后使用"
    for magic, what, how in _NOT_SUPPORTED:
        if head.startswith(magic):
            return f"，看起来是{what}", how
    return "", _GENERIC_HOW
