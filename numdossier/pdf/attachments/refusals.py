"""Why an attachment is refused: the sentences the user sees (the file name is prefixed by AttachmentError)."""

from __future__ import annotations

from numdossier.errors import AttachmentError

MESSAGES: dict[str, tuple[str, str | None]] = {
    "missing": ("文件不存在", "请检查 profile 中写的路径和文件名"),
    "directory": ("这是一个文件夹，不是文件", "请写出文件夹中具体的扫描件文件名"),
    "permission": ("没有读取该文件的权限", "请检查文件权限，或把文件复制到当前用户可读的位置"),
    "unreadable": ("无法读取文件（{detail}）", None),
    "empty": ("文件是空的（0 字节）", "文件可能没有下载或复制完整，请重新获取扫描件"),
    "unknown": (
        "不是可识别的 PDF 或图片文件（JPEG/PNG/TIFF/HEIC/WebP）{what}",
        "请提供扫描件的 PDF 或 JPEG/PNG/TIFF/HEIC/WebP 文件；{how}",
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
    "pdf_pages_lost": (
        "PDF 文件已损坏：修复后只找回 {recovered} 页，文件声明共 {declared} 页",
        "缺页的材料会被退件：请重新扫描或从原软件重新导出该 PDF（下载中断的文件请重新下载）",
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
    "heif_unavailable": (
        "这是 HEIC/HEIF 照片，但本机缺少其解码组件（pillow-heif）",
        "请重新安装 numdossier（pip install numdossier 会一并安装 pillow-heif），或先把照片转换为 JPEG",
    ),
}


def refuse(display: str, reason: str, **values: object) -> AttachmentError:
    """The AttachmentError for `reason` (a key of MESSAGES); `reason` stays on it for `check` to map."""
    message, hint = MESSAGES[reason]
    error = AttachmentError(display, message.format(**values), hint.format(**values) if hint else None)
    error.reason = reason  # type: ignore[attr-defined]
    error.values = dict(values)  # type: ignore[attr-defined]
    return error
