"""The generic form context: the validated profile as plain data plus the date line; kinds may add more."""

from __future__ import annotations

from typing import Any

from ..render.engine import date_cn


def generic_context(loaded: Any, tpl: Any = None) -> dict[str, Any]:
    """What every template can use: the profile's fields by their TOML names, and sign_date
    (signing.date as 2026 年 11 月 23 日, or blanks for handwriting)."""
    profile = loaded.model
    context: dict[str, Any] = profile.model_dump(mode="python")
    context["sign_date"] = date_cn(profile.signing.date)
    return context
