"""One attachment file (PDF, JPEG, PNG, TIFF, HEIC/HEIF, WebP) -> A4 portrait PDF pages with /Rotate 0.

`survey` inspects a file the way `build` will place it (kind, pages, each page's effective resolution
on A4, damage, missing fonts); `check` reports it and `attachment_to_pdf` places from it.

Modules: sniffing (what a file is), geometry (where content lands on A4), images, pdfs, annotations
(form fields, markup and layers), fonts + ghostscript (embedding what a PDF only names), observations
(what build did), refusals (what the user is told).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .geometry import A4, MM, PRINTABLE, fit
from .images import DPI_FALLBACK, DPI_PLAUSIBLE, image_to_pdf, survey_image
from .observations import Observation, merge
from .pdfs import pdf_to_pdf, survey_pdf
from .refusals import refuse
from .sniffing import describe_unsupported, read_head, sniff, sniff_bytes
from .survey import FileSurvey, PageSurvey

__all__ = [
    "A4",
    "DPI_FALLBACK",
    "DPI_PLAUSIBLE",
    "MM",
    "PRINTABLE",
    "FileSurvey",
    "Normalised",
    "Observation",
    "PageSurvey",
    "attachment_to_pdf",
    "fit",
    "sniff",
    "survey",
]


@dataclass
class Normalised:
    """What `attachment_to_pdf` wrote: its page count and what was done on the way."""

    pages: int
    observations: list[Observation] = field(default_factory=list)


def _kind(src: Path, display: str) -> str:
    head = read_head(src, display)
    if not head:
        raise refuse(display, "empty")
    kind = sniff_bytes(head)
    if kind is None:
        what, how = describe_unsupported(head)
        raise refuse(display, "unknown", what=what, how=how)
    return kind


def _read(src: Path, display: str) -> bytes:
    try:
        return src.read_bytes()
    except OSError as e:
        raise refuse(display, "unreadable", detail=e.strerror or type(e).__name__) from e


def survey(src: Path, display: str, *, id_card: bool = False) -> FileSurvey:
    """Inspect one file as `build` will place it; AttachmentError (with `.reason`) if it cannot be built.

    `id_card`: the file holds sides of an ID document, which build prints at true card size where a
    page shows a card (pdf/cards.py): their resolution is then the card's.
    """
    kind = _kind(src, display)
    if kind == "pdf":
        return survey_pdf(src, display, id_card=id_card)
    frames = survey_image(_read(src, display), kind, display)
    found = FileSurvey(kind, [PageSurvey(f.effective_dpi(id_card=id_card)) for f in frames])
    if any(f.needs_reencode or f.lossy_source for f in frames):
        found.observations.append(Observation("reencoded", {"lossy": any(f.lossy_source for f in frames)}))
    return found


def attachment_to_pdf(src: Path, display: str, out: Path) -> Normalised:
    """Write `src` as A4-portrait PDF pages to `out`; the page count and the observations.

    `display` is the path as the user wrote it in the profile: every AttachmentError names it.
    Pages have /Rotate 0, no annotations, every font embedded; the file has no forms, outline, actions
    or dates, and the same input always gives the same bytes.
    """
    kind = _kind(src, display)
    try:
        if kind == "pdf":
            from .fonts import embed_missing

            pages, found = pdf_to_pdf(src, display, out)
            observations = found.observations + embed_missing(out, out.parent)
        else:
            pages, observations = image_to_pdf(_read(src, display), kind, display, out)
        return Normalised(pages, merge(observations))
    except BaseException:
        out.unlink(missing_ok=True)  # never leave a half-written file for the assembler to pick up
        raise
