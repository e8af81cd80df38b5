"""The finding: one problem of a profile, with a stable code, severity, place, message and hint."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str
    hint: str
    field: str | None = None
    file: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: data[k] for k in ("severity", "code", "field", "file", "message", "hint")}


def error(code: str, message: str, hint: str, field: str | None = None, file: str | None = None) -> Finding:
    return Finding("error", code, message, hint, field, file)


def warning(code: str, message: str, hint: str, field: str | None = None, file: str | None = None) -> Finding:
    return Finding("warning", code, message, hint, field, file)
