"""The CJK TrueType font reportlab embeds in our own pages and overlays."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..errors import EnvironmentProblem
from ..rules import messages

FONT_NAME = "NumdossierCJK"
# reportlab embeds TrueType outlines only (not CFF), so Noto CJK's OTFs cannot be used here; these are
# Debian's TrueType CJK fonts. (path, index inside a .ttc)
CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
)


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
                raise EnvironmentProblem(
                    messages.text("pdf.fonts.unusable", path=path, detail=e),
                    messages.text("pdf.fonts.install"),
                ) from e
            return FONT_NAME
    raise EnvironmentProblem(messages.text("pdf.fonts.missing"), messages.text("pdf.fonts.install"))
