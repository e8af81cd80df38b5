"""The generic form context: the validated profile as plain data plus the date line; kinds may add more."""

from __future__ import annotations

from typing import Any

from ..errors import TemplateError
from ..render.engine import date_cn
from ..rules import messages


def generic_context(loaded: Any, tpl: Any = None) -> dict[str, Any]:
    """What every template can use: the profile's fields by their TOML names, and sign_date
    (signing.date as 2026 年 11 月 23 日, or blanks for handwriting)."""
    profile = loaded.model
    context: dict[str, Any] = profile.model_dump(mode="python")
    context["sign_date"] = date_cn(profile.signing.date)
    return context


def wrong_kind(loaded: Any, kind: str) -> TemplateError:
    """The profile at `loaded` is not of `kind`, so `kind`'s templates cannot be filled from it."""
    return TemplateError(
        messages.text("kinds.forms.wrong_kind", path=loaded.path, found=loaded.model.kind, kind=kind),
        messages.text("kinds.forms.wrong_kind_hint"),
    )
