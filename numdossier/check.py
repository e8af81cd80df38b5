"""`check`: load a profile and collect every finding (schema, completeness, attachments)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ProfileError
from .kinds import load_checklist
from .profile import LoadedProfile, load_profile
from .rules import attachments
from .rules.findings import Finding, error

# Fields every kind's forms print; the kinds issue's rule catalogue adds each kind's own.
SHARED_REQUIRED = (
    ("company.name", "申请单位名称"),
    ("company.uscc", "统一社会信用代码"),
    ("company.address", "通信地址"),
    ("company.postcode", "邮政编码"),
    ("legal_rep.name", "法定代表人姓名"),
    ("legal_rep.id_number", "法定代表人证件号码"),
    ("number_contact.name", "联系人姓名"),
    ("number_contact.mobile", "联系人手机号码"),
)


@dataclass
class CheckResult:
    profile: str  # as given
    kind: str | None
    findings: list[Finding] = field(default_factory=list)
    loaded: LoadedProfile | None = None

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.errors == 0


def _get(model: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        model = getattr(model, part, None)
    return model


def check_loaded(loaded: LoadedProfile, today: dt.date) -> list[Finding]:
    checklist = load_checklist(loaded.kind)
    findings: list[Finding] = []
    for dotted, label in SHARED_REQUIRED:
        if not str(_get(loaded.model, dotted) or "").strip():
            findings.append(
                error("FIELD-MISSING", f"{label}未填写", f"请在配置文件中填写 {dotted}。", dotted)
            )
    findings += attachments.inspect(loaded, checklist)
    return findings


def check_profile(path: str | Path, today: dt.date) -> CheckResult:
    """Check one profile; a profile that cannot be loaded yields its load problems as findings."""
    try:
        loaded = load_profile(path)
    except ProfileError as e:
        hint = e.hint or "请修改配置文件。"
        findings = [
            error("PROFILE-INVALID", problem, hint, _field_of(problem), None) for problem in e.problems
        ]
        return CheckResult(str(path), None, findings)
    return CheckResult(str(path), loaded.kind, check_loaded(loaded, today), loaded)


def _field_of(problem: str) -> str | None:
    head = problem.split(":", 1)[0]
    return head if head and " " not in head and not head.startswith("(") and ":" in problem else None
