"""What an attachment file is, by its first bytes (not its extension), and how to name what we refuse."""

from __future__ import annotations

from pathlib import Path

from numdossier.rules import messages

from .refusals import refuse

# The kinds we read. HEIF covers HEIC (iPhone photos since iOS 11) and AVIF-less HEIF stills.
KINDS = ("pdf", "jpeg", "png", "tiff", "heif", "webp")

# ISO/IEC 23008-12 brands of still HEIF images (the 'ftyp' box at offset 4).
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc", b"hevx")

# First bytes of formats people hand in by mistake -> their entry in the catalogue's [pdf.sniffing]
# (what it looks like, how to convert it).
_NOT_SUPPORTED = (
    (b"GIF8", "gif"),
    (b"BM", "bmp"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0", "ole"),
    (b"{\\rtf", "rtf"),
    (b"\x00\x00\x00\x0cjP  ", "jp2"),
    (b"\xff\x0a", "jxl"),
    (b"%!PS", "ps"),
)


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
    found = "avif" if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis") else None
    for magic, name in _NOT_SUPPORTED:
        if found is None and head.startswith(magic):
            found = name
    if found is None:
        return "", messages.text("pdf.sniffing.generic_how")
    what = messages.text(f"pdf.sniffing.{found}.what")
    return messages.text("pdf.sniffing.looks_like", what=what), messages.text(f"pdf.sniffing.{found}.how")
