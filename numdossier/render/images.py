"""Images the forms embed (network diagrams): checked, inside the profile's folder, sized for a form row."""

from __future__ import annotations

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from PIL import Image, UnidentifiedImageError

from ..errors import AttachmentError
from ..profile import LoadedProfile
from ..rules import messages

DIAGRAM_WIDTH_MM = 150  # the full-width table row holds about 160 mm
DIAGRAM_MAX_HEIGHT_MM = 170  # a tall diagram is scaled down to stay on one page
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "BMP", "TIFF"}  # what Word and python-docx can embed


def diagram(loaded: LoadedProfile, tpl: DocxTemplate, written: str, field: str) -> InlineImage | str:
    """The image at profile path `written` sized for a form row (150 mm wide, shorter if tall), or ""."""
    if not written:
        return ""
    path = (loaded.folder / written).resolve()
    if not path.is_relative_to(loaded.folder):
        raise AttachmentError(
            written, messages.text("render.images.outside"), messages.text("render.images.outside_hint")
        )
    try:
        with Image.open(path) as image:
            kind, (width, height) = image.format, image.size
    except FileNotFoundError as e:
        raise AttachmentError(
            written,
            messages.text("render.images.missing"),
            messages.text("render.images.missing_hint", field=field),
        ) from e
    except (UnidentifiedImageError, OSError) as e:
        raise AttachmentError(
            written,
            messages.text("render.images.unreadable"),
            messages.text("render.images.format_hint", field=field),
        ) from e
    if kind not in IMAGE_FORMATS:
        raise AttachmentError(
            written,
            messages.text("render.images.format", format=kind),
            messages.text("render.images.format_hint", field=field),
        )
    if height * DIAGRAM_WIDTH_MM > width * DIAGRAM_MAX_HEIGHT_MM:
        return InlineImage(tpl, str(path), height=Mm(DIAGRAM_MAX_HEIGHT_MM))
    return InlineImage(tpl, str(path), width=Mm(DIAGRAM_WIDTH_MM))
