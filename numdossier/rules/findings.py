"""The finding: one problem of a profile, with a stable code, severity, place, message and hint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol

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


class _Graded(Protocol):
    @property
    def severity(self) -> str: ...


class Tally:
    """errors / warnings / ok over `findings`: one count for check's, build's and verify's results."""

    findings: Sequence[_Graded]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.errors == 0


def error(code: str, message: str, hint: str, field: str | None = None, file: str | None = None) -> Finding:
    return Finding("error", code, message, hint, field, file)


def warning(code: str, message: str, hint: str, field: str | None = None, file: str | None = None) -> Finding:
    return Finding("warning", code, message, hint, field, file)
