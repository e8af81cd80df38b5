"""What every rule sees: the profile as plain data, the date of today, the settings and attachment pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..kinds.registry import KindSpec
from .settings import Settings, settings

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class RuleContext:
    today: dt.date
    profile: Mapping[str, Any]
    settings: Settings = field(default_factory=lambda: settings())  # looked up late: tests replace it
    pages: Mapping[str, int] = field(default_factory=dict)  # attachment field -> pages (0: unusable)

    @property
    def kind(self) -> str:
        return str(self.profile.get("kind", ""))

    @property
    def signing_date(self) -> dt.date | None:
        value = get(self.profile, "signing.date")
        return value if isinstance(value, dt.date) else None

    @property
    def reference_date(self) -> dt.date:
        """The date the dossier is signed: signing.date, or today when the date is left for handwriting."""
        return self.signing_date or self.today

    def setting(self, key: str, *, province: str | None = None, carrier: str | None = None) -> Any:
        return self.settings.get(key, province=province, carrier=carrier)


def get(data: Any, path: str) -> Any:
    """The value at a dotted path such as 'branches[2].city' in the dumped profile, or None."""
    for name, index in _STEP.findall(path):
        if name:
            data = data.get(name) if isinstance(data, Mapping) else None
        else:
            data = data[int(index)] if isinstance(data, list) and int(index) < len(data) else None
        if data is None:
            return None
    return data


def text(data: Any, path: str) -> str:
    """The string at `path`, stripped; '' when absent or not a string."""
    value = get(data, path)
    return value.strip() if isinstance(value, str) else ""


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return False


def kind_spec(kind: str) -> KindSpec:
    """What the kind declares in its kind.toml (an empty declaration for a kind nobody registered)."""
    from ..kinds import registry

    found = registry.find(kind)
    return found.spec if found is not None else KindSpec(title=kind)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of the month when that day does not exist)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")
