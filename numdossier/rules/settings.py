"""Thresholds and tables of the rules, as data (rules/data/settings.toml), with per-province or carrier values."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "settings.toml"


class Settings:
    """`get(key)` is the spec's default; a [province."…"] or [carrier."…"] table may override it."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.defaults: dict[str, Any] = data["defaults"]
        self.uscc_categories: dict[str, str] = data["uscc_categories"]
        self.by_province: dict[str, dict[str, Any]] = data.get("province", {})
        self.by_carrier: dict[str, dict[str, Any]] = data.get("carrier", {})

    def get(self, key: str, *, province: str | None = None, carrier: str | None = None) -> Any:
        if key not in self.defaults:
            raise KeyError(f"unknown setting {key!r}")
        if carrier and key in self.by_carrier.get(carrier, {}):
            return self.by_carrier[carrier][key]
        if province:
            from .divisions import divisions

            found = divisions().province(province)
            for name, table in self.by_province.items():
                same = found is not None and divisions().province(name) == found
                if (same or name == province) and key in table:
                    return table[key]
        return self.defaults[key]


@cache
def settings() -> Settings:
    """The settings, read once per process: the shared ones and every registered kind's [settings]."""
    from ..kinds import registry

    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    for name in registry.names():
        data["defaults"] |= registry.get(name).spec.settings
    return Settings(data)
