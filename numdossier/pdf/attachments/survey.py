"""What inspecting one attachment file found: the survey `check` reports and `build` places from."""

from __future__ import annotations

from dataclasses import dataclass, field

from .geometry import SourcePage
from .observations import Observation


@dataclass(frozen=True)
class PageSurvey:
    """One page (PDF page or image frame) as it will be printed."""

    dpi: float | None  # effective resolution of its scan on A4 after orientation and fitting; None: no scan
    fonts_missing: tuple[str, ...] = ()  # fonts it names without embedding them (build embeds substitutes)
    shown: SourcePage | None = None  # PDF pages: where build places it (the fit that gave `dpi`)


@dataclass
class FileSurvey:
    """Kind, pages, damage and what building will do, for one attachment file."""

    kind: str  # pdf | jpeg | png | tiff | heif | webp
    pages: list[PageSurvey] = field(default_factory=list)
    declared_pages: int | None = None  # PDFs: the page count the page tree declares
    repaired: bool = False  # a damaged PDF whose repair kept every declared page
    observations: list[Observation] = field(default_factory=list)  # what build will do (re-encode, rotate…)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def dpi(self) -> float | None:
        """The lowest effective resolution of any scanned page."""
        values = [p.dpi for p in self.pages if p.dpi is not None]
        return min(values) if values else None

    @property
    def fonts_missing(self) -> list[str]:
        return sorted({name for p in self.pages for name in p.fonts_missing})
