"""`check`: load a profile and collect every finding (completeness, formats, the kind's rules, attachments)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ProfileError, TemplateError
from .kinds import Checklist, registry
from .kinds.overrides import checklist_for
from .profile import LoadedProfile, load_profile
from .rules import attachments, formats, plausibility
from .rules.context import RuleContext
from .rules.findings import Finding, Tally, error
from .rules.messages import error as problem
from .rules.messages import warning
from .rules.summary import summarise


@dataclass
class CheckResult(Tally):
    profile: str  # as given
    kind: str | None
    findings: list[Finding] = field(default_factory=list)
    loaded: LoadedProfile | None = None
    summary: dict[str, Any] | None = None  # the fee and the signature/seal summary (rules.summary)
    # the kind a profile that did not load declares, when a known one: for people's headings only
    # (`kind` stays None for it in JSON and reports: it is the kind of a loaded profile)
    declared_kind: str | None = None


def kind_rules(kind: str, profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    """The rules the kind declares (kind.toml `rules`); none for a kind without rules."""
    found = registry.find(kind)
    return found.rules(profile, ctx) if found is not None else []


def _without_repeats(attachment: list[Finding], kind: list[Finding]) -> list[Finding]:
    """An ATTACH-MISSING that a kind rule reports more precisely (N400-AGENT, UCC-SPECIAL...) is left out."""
    fields = {f.field for f in kind if f.field}
    fields |= {re.sub(r"\[\d+\]", "[]", f) for f in fields}
    return [f for f in attachment if not (f.code == "ATTACH-MISSING" and f.field in fields)]


def template_findings(loaded: LoadedProfile, checklist: Checklist, agency: Path | None) -> list[Finding]:
    """The profile's own templates ([templates]) and the agency's: known items, present, acceptable."""
    from .kinds.overrides import template_for, unknown_overrides, unused_agency_templates

    overrides = dict(loaded.model.templates)
    found = [
        problem(
            f"TEMPLATE-OVERRIDE.{'close' if close else 'unknown'}", f"templates.{key}", key=key, close=close
        )
        for key, close in unknown_overrides(checklist, overrides)
    ]
    forms = [f"{item.id}.docx" for item in checklist.items if item.source == "form"]
    found += [
        warning(
            f"TEMPLATE-OVERRIDE.{'unused_close' if close else 'unused'}",
            None,
            str(agency / loaded.kind / name) if agency is not None else name,
            name=name,
            close=close,
            names=forms,
        )
        for name, close in unused_agency_templates(loaded.kind, checklist, agency)
    ]
    for item in checklist.items:
        if item.source != "form" or not item.applies(loaded.model.model_dump(mode="python")):
            continue
        field = f"templates.{item.id}"
        try:
            choice = template_for(loaded.kind, item, loaded.folder, overrides, agency)
            if choice.origin == "built-in":
                continue
            from .render.template import prepare  # lxml: only for a profile's or agency's own template

            prepared = prepare(choice.path)
        except TemplateError as e:
            found.append(
                problem("TEMPLATE-OVERRIDE.refused", field, None, problem=e.message, hint=e.hint or "")
            )
            continue
        found += [warning("TEMPLATE-OVERRIDE.stripped", field, None, what=s) for s in prepared.stripped]
        found += [warning("TEMPLATE-OVERRIDE.resized", field, None, what=s) for s in prepared.resized]
        found += [problem("TEMPLATE-OVERRIDE.landscape", field, None, what=s) for s in prepared.landscape]
        found += [problem("TEMPLATE-OVERRIDE.broken", field, None, text=t[:80]) for t in prepared.broken]
    return found


def inspect(
    loaded: LoadedProfile, today: dt.date, templates: Path | None = None
) -> tuple[list[Finding], dict[str, Any]]:
    """Every finding of a loaded profile, and its summary (fee, signatures, seal).

    `templates`: the agency folder of --templates (its checklist variant and DOCX templates)."""
    try:
        checklist = checklist_for(loaded.kind, templates)
    except TemplateError as e:
        return [problem("TEMPLATE-OVERRIDE.refused", None, None, problem=e.message, hint=e.hint or "")], {}
    profile = loaded.model.model_dump(mode="python")
    survey = attachments.survey(loaded, checklist, RuleContext(today, profile).setting("min_dpi"))
    ctx = RuleContext(today=today, profile=profile, pages=survey.pages)
    own = formats.completeness(profile) + formats.rules(profile, ctx)
    own += plausibility.rules(profile, ctx, {f.field for f in own if f.code == "FIELD-MISSING" and f.field})
    specific = kind_rules(loaded.kind, profile, ctx)
    findings = own + specific + _without_repeats(survey.findings, specific)
    findings += template_findings(loaded, checklist, templates)
    titles = {item.id: item.title for item in checklist.items}
    return findings, summarise(profile, ctx, titles, survey.checklist_pages)


def check_loaded(loaded: LoadedProfile, today: dt.date, templates: Path | None = None) -> list[Finding]:
    return inspect(loaded, today, templates)[0]


def check_profile(
    path: str | Path,
    today: dt.date,
    templates: Path | None = None,
    loaded_hook: Callable[[LoadedProfile], None] | None = None,
) -> CheckResult:
    """Check one profile; a profile that cannot be loaded yields its load problems as findings.

    `loaded_hook(loaded)` is called once the profile has loaded, before its rules run: a build on a warm
    converter starts filling and converting its forms there, and decides on them after the check."""
    try:
        loaded = load_profile(path)
    except ProfileError as e:
        findings = [
            error("PROFILE-INVALID", problem, own or e.hint or "", _field_of(problem), None)
            for problem, own in zip(e.problems, e.hints, strict=True)
        ]
        return CheckResult(str(path), None, findings, declared_kind=e.kind)
    if loaded_hook is not None:
        loaded_hook(loaded)
    findings, summary = inspect(loaded, today, templates)
    return CheckResult(str(path), loaded.kind, findings, loaded, summary)


def _field_of(problem: str) -> str | None:
    head = problem.split(":", 1)[0]
    return head if head and " " not in head and not head.startswith("(") and ":" in problem else None
