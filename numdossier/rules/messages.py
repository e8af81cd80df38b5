"""The message catalogue (rules/data/messages.toml): findings and summary texts in Chinese and English."""

from __future__ import annotations

import os
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from .findings import Finding, Severity

DATA = Path(__file__).resolve().parent / "data" / "messages.toml"
LANGUAGES = ("zh", "en")


def language() -> str:
    """'en' when NUMDOSSIER_LANG asks for English (en, en_US.UTF-8, ...), else 'zh'."""
    return "en" if os.environ.get("NUMDOSSIER_LANG", "").lower().startswith("en") else "zh"


@cache
def catalogue() -> dict[str, Any]:
    """The shared catalogue with every registered kind's messages.toml merged into its sections."""
    from ..kinds import registry

    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    for name in registry.names():
        path = registry.get(name).folder / "messages.toml"
        if path.is_file():
            for section, entries in tomllib.loads(path.read_text(encoding="utf-8")).items():
                data.setdefault(section, {}).update(entries)
    return data


def text(key: str, /, **values: Any) -> str:
    """A UI text ("ui.errors") or a field label ("fields.legal_rep.id_number") in the current language."""
    section, _, name = key.partition(".")
    entry = catalogue()[section][name]
    return str(entry[language()]).format(**values)


def label(field: str) -> str:
    """The field's name for people: 'branches[2].city' -> 分支机构所在城市 (falls back to the path)."""
    generic = re.sub(r"\[\d+\]", "[]", field)
    entry = catalogue()["fields"].get(generic)
    return str(entry[language()]) if entry else field


def finding(
    severity: Severity, entry: str, field: str | None = None, file: str | None = None, /, **values: Any
) -> Finding:
    """The finding for catalogue entry `entry` ("USCC-FORMAT.uscc_length": the code, then the case)."""
    code, _, case = entry.partition(".")
    # Cases shared by several codes (a USCC or ID problem, a city not in the province) are in _common.
    findings = catalogue()["findings"]
    texts = findings.get(code, {}).get(case or "default") or findings["_common"][case]
    lang = language()
    if field is not None and "label" not in values:
        values["label"] = label(field)
    message = str(texts[lang]).format(**values)
    hint = str(texts[f"hint_{lang}"]).format(**values)
    return Finding(severity, code, message, hint, field, file)


def error(entry: str, field: str | None = None, file: str | None = None, /, **values: Any) -> Finding:
    return finding("error", entry, field, file, **values)


def warning(entry: str, field: str | None = None, file: str | None = None, /, **values: Any) -> Finding:
    return finding("warning", entry, field, file, **values)
