"""Images the forms embed (network diagrams): checked, inside the profile's folder, sized for a form row."""

from __future__ import annotations

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from PIL import Image, UnidentifiedImageError

from ..errors import AttachmentError
from ..profile import LoadedProfile

DIAGRAM_WIDTH_MM = 150  # the full-width table row holds about 160 mm
DIAGRAM_MAX_HEIGHT_MM = 170  # a tall diagram is scaled down to stay on one page
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "BMP", "TIFF"}  # what Word and python-docx can embed


def diagram(loaded: LoadedProfile, tpl: DocxTemplate, written: str, field: str) -> InlineImage | str:
    """The image at profile path `written` sized for a form row (150 mm wide, shorter if tall), or ""."""
    if not written:
        return ""
    path = (loaded.folder / written).resolve()
    if not path.is_relative_to(loaded.folder):
        raise AttachmentError(written, "路径离开了配置文件所在的文件夹", "请把图片放到配置文件所在文件夹内。")
    try:
        with Image.open(path) as image:
            kind, (width, height) = image.format, image.size
    except FileNotFoundError as e:
        raise AttachmentError(
            written, "找不到该文件", f"请检查 {field}（相对于档案配置文件所在文件夹）"
        ) from e
    except (UnidentifiedImageError, OSError) as e:
        raise AttachmentError(written, "无法读取该图片", f"{field} 须为 PNG 或 JPEG 图片") from e
    if kind not in IMAGE_FORMATS:
        raise AttachmentError(written, f"不支持的图片格式 {kind}", f"{field} 须为 PNG 或 JPEG 图片")
    if height * DIAGRAM_WIDTH_MM > width * DIAGRAM_MAX_HEIGHT_MM:
        return InlineImage(tpl, str(path), height=Mm(DIAGRAM_MAX_HEIGHT_MM))
    return InlineImage(tpl, str(path), width=Mm(DIAGRAM_WIDTH_MM))
