"""Why an attachment is refused: the sentences the user sees (the file name is prefixed by AttachmentError)."""

from __future__ import annotations

from numdossier.errors import AttachmentError
from numdossier.rules import messages

# The sentences are the catalogue's [pdf.refusals.<reason>] (message, and hint where there is one).
REASONS = (
    "missing",
    "directory",
    "permission",
    "unreadable",
    "empty",
    "unknown",
    "encrypted",
    "pdf_damaged",
    "pdf_pages_lost",
    "form_unrenderable",
    "pdf_no_pages",
    "image_damaged",
    "image_too_large",
    "too_many_frames",
    "heif_unavailable",
)


def refuse(display: str, reason: str, **values: object) -> AttachmentError:
    """The AttachmentError for `reason` (one of REASONS); `reason` stays on it for `check` to map."""
    sentences = messages.entry(f"pdf.refusals.{reason}")
    message = messages.text(f"pdf.refusals.{reason}.message", **values)
    hint = messages.text(f"pdf.refusals.{reason}.hint", **values) if "hint" in sentences else None
    return AttachmentError(display, message, hint, reason=reason, values=values)
