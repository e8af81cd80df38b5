"""The n96 form context: the profile dump plus the values the 占用申请表 and 承诺书 compute."""

from __future__ import annotations

from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from PIL import Image, UnidentifiedImageError

from ..errors import AttachmentError, TemplateError
from ..profile import LoadedProfile
from ..profile.model import Trunk
from ..profile.n96 import N96Profile
from ..render.engine import date_cn

# The 线路准备情况 table lists the basic carriers in this order, each with a checkbox.
CARRIERS = ("中国电信", "中国移动", "中国联通", "中国广电")
TOPOLOGY_WIDTH_MM = 150  # the full-width table row holds about 160 mm
TOPOLOGY_MAX_HEIGHT_MM = 170  # a tall diagram is scaled down to stay on one page
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "BMP", "TIFF"}  # what Word and python-docx can embed


def trunk_rows(trunks: list[Trunk]) -> list[dict[str, Any]]:
    """One row per trunk in carrier order, and an empty unchecked row for each carrier without one."""
    rows: list[dict[str, Any]] = []
    for carrier in CARRIERS:
        mine = [t for t in trunks if t.carrier == carrier]
        rows += [
            {
                "carrier": carrier,
                "checked": True,
                "location": t.location,
                "count": t.count,
                "purchased": t.purchased,
            }
            for t in mine
        ]
        if not mine:
            rows.append(
                {"carrier": carrier, "checked": False, "location": "", "count": "", "purchased": None}
            )
    return rows


def topology_image(loaded: LoadedProfile, tpl: DocxTemplate) -> InlineImage | str:
    """The network diagram sized for the form (150 mm wide, shorter if it is tall), or "" if none."""
    assert isinstance(loaded.model, N96Profile)
    name = loaded.model.n96.topology_image
    if not name:
        return ""
    path = (loaded.folder / name).resolve()
    if not path.is_relative_to(loaded.folder):
        raise AttachmentError(name, "路径离开了配置文件所在的文件夹", "请把图片放到配置文件所在文件夹内。")
    try:
        with Image.open(path) as image:
            kind, (width, height) = image.format, image.size
    except FileNotFoundError as e:
        raise AttachmentError(
            name, "找不到该文件", "请检查 n96.topology_image（相对于档案配置文件所在文件夹）"
        ) from e
    except (UnidentifiedImageError, OSError) as e:
        raise AttachmentError(name, "无法读取该图片", "网络拓扑图须为 PNG 或 JPEG 图片") from e
    if kind not in IMAGE_FORMATS:
        raise AttachmentError(name, f"不支持的图片格式 {kind}", "网络拓扑图须为 PNG 或 JPEG 图片")
    if height * TOPOLOGY_WIDTH_MM > width * TOPOLOGY_MAX_HEIGHT_MM:
        return InlineImage(tpl, str(path), height=Mm(TOPOLOGY_MAX_HEIGHT_MM))
    return InlineImage(tpl, str(path), width=Mm(TOPOLOGY_WIDTH_MM))


def extra_files(profile: N96Profile) -> list[tuple[str, str]]:
    """Files the forms embed, for `check` to inspect like attachments."""
    image = profile.n96.topology_image
    return [("n96.topology_image", image)] if image else []


def build_context(loaded: LoadedProfile, tpl: DocxTemplate) -> dict[str, Any]:
    """The jinja context of the n96 templates (tpl is needed to place the diagram as an InlineImage)."""
    profile = loaded.model
    if not isinstance(profile, N96Profile):
        raise TemplateError(f"{loaded.path}: 档案类型为 {profile.kind}，不能使用 n96 模板")
    context = profile.model_dump(mode="python")
    context.update(
        sign_date=date_cn(profile.signing.date),
        topology_image=topology_image(loaded, tpl),
        trunk_rows=trunk_rows(profile.n96.trunks),
    )
    return context
