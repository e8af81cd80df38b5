"""The CJK TrueType font reportlab embeds in our own pages and overlays."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import EnvironmentProblem

FONT_NAME = "NumdossierCJK"
# reportlab embeds TrueType outlines only (not CFF), so Noto CJK's OTFs cannot be used here; these are
# Debian's TrueType CJK fonts. (path, index inside a .ttc)
CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)
INSTALL_HINT = "请安装中文 TrueType 字体，例如：sudo apt-get install fonts-wqy-zenhei；或用 NUMDOSSIER_FONT 指定 .ttf/.ttc 文件。"


@cache
def cjk_font() -> str:
    """Register the CJK font with reportlab once; returns its name."""
    override = os.environ.get("NUMDOSSIER_FONT")
    candidates = [(override, 0)] if override else list(CANDIDATES)
    for path, index in candidates:
        if path and Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
                # Every reportlab canvas starts with this font in its resources; the default, Helvetica,
                # would be listed as a non-embedded font even when no text uses it.
                rl_config.canvas_basefontname = FONT_NAME
            except Exception as e:  # reportlab raises TTFError or plain errors for unusable fonts
                raise EnvironmentProblem(f"字体文件无法使用：{path}（{e}）", INSTALL_HINT) from e
            return FONT_NAME
    raise EnvironmentProblem("未找到可嵌入的中文 TrueType 字体。", INSTALL_HINT)
