"""`--report FILE.xlsx`: one row per profile and a sheet of every finding, ID numbers masked as everywhere."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ExitCode, NumdossierError, OutputError
from .redact import redact
from .rules.findings import Finding, Tally
from .rules.messages import text

if TYPE_CHECKING:
    from .batch import Outcome
    from .check import CheckResult
    from .render.authoring import Report as TemplateReport
    from .render.authoring import Variable

# The columns, as catalogue keys (report.column.*), and their widths.
PROFILE_COLUMNS = ("name", "profile", "kind", "result", "errors", "warnings", "pages", "output")
FINDING_COLUMNS = ("name", "severity", "code", "where", "message", "hint")
WIDTHS = {"name": 18, "profile": 30, "result": 16, "output": 40, "where": 30, "message": 60, "hint": 60}


# --- the JSON report (check/build --format json; docs/cli.md and spec/cli.md give its shape) -----------


def json_text(entries: Sequence[dict[str, Any]] | dict[str, Any]) -> str:
    """What `--format json` prints: the entries, indented, non-ASCII kept as is."""
    return json.dumps(entries, ensure_ascii=False, indent=2)


def _masked(f: Finding) -> dict[str, Any]:
    return {k: (redact(v) if isinstance(v, str) else v) for k, v in f.to_json().items()}


def check_entry(result: CheckResult, output: str | None = None) -> dict[str, Any]:
    """One profile of `check --format json`: its tally and its findings (ID numbers masked)."""
    data: dict[str, Any] = {
        "profile": result.profile,
        "kind": result.kind,
        "ok": result.ok,
        "errors": result.errors,
        "warnings": result.warnings,
        "findings": [_masked(f) for f in result.findings],
        "output": output,
    }
    if result.summary is not None:
        data["summary"] = result.summary
    return data


def build_entry(o: Outcome) -> dict[str, Any]:
    """One profile of `build --format json`: check's entry, and what a script needs next."""
    entry = check_entry(o.check, str(o.built.folder) if o.built else None)
    entry["ok"] = o.ok
    entry["pages"] = o.built.pages if o.built else None
    entry["pdf"] = str(o.built.folder / "dossier.pdf") if o.built else None
    entry["manifest"] = str(o.built.folder / "manifest.json") if o.built else None
    if o.error is not None:  # why the build failed, as a finding scripts can read
        entry["findings"].append(_masked(failure_finding(o.error)))
        entry["errors"] += 1
    for note in o.notes:  # e.g. a converter of the pool failed and others took over
        entry["findings"].append(_masked(Finding("warning", "BUILD-CONVERTER", note, "", None, None)))
        entry["warnings"] += 1
    return entry


def variables_entries(found: Sequence[Variable]) -> list[dict[str, Any]]:
    """`template vars --format json`: path, type, description, sample of every variable."""
    return [dict(v.__dict__) for v in found]


def template_entry(report: TemplateReport) -> dict[str, Any]:
    """`template check --format json`: what the check found, `roots` sorted, and `ok`."""
    data = {k: v for k, v in report.__dict__.items() if k not in ("roots", "read")} | {"ok": report.ok}
    data["roots"] = sorted(report.roots)
    return data


def failure_finding(error: NumdossierError) -> Finding:
    """Why a dossier could not be built, as a finding (BUILD-INPUT / -ENVIRONMENT / -INTERNAL)."""
    code = {ExitCode.environment: "BUILD-ENVIRONMENT", ExitCode.internal: "BUILD-INTERNAL"}.get(
        error.exit_code, "BUILD-INPUT"
    )
    return Finding("error", code, error.message, error.hint or "", None, getattr(error, "file", None))


@dataclass(frozen=True)
class ReportRow(Tally):
    """One profile of the report."""

    name: str
    profile: str
    kind: str
    result: str
    findings: list[Finding]
    pages: int | None = None
    output: str | None = None


def _name(check: CheckResult) -> str:
    return check.loaded.name if check.loaded is not None else Path(check.profile).stem


def rows_of(results: Sequence[CheckResult | Outcome]) -> list[ReportRow]:
    """Report rows from `check` results or `build` outcomes."""
    from .batch import Outcome

    rows = []
    for r in results:
        if isinstance(r, Outcome):
            findings = list(r.check.findings)
            if r.error is not None:
                findings.append(failure_finding(r.error))
            if r.built is not None:
                result = text("report.result.built_forced") if r.forced else text("report.result.built")
            else:
                result = text("report.result.failed" if r.error is not None else "report.result.not_built")
            rows.append(
                ReportRow(
                    _name(r.check),
                    r.check.profile,
                    r.check.kind or "",
                    result,
                    findings,
                    r.built.pages if r.built else None,
                    str(r.built.folder / "dossier.pdf") if r.built else None,
                )
            )
        else:
            rows.append(
                ReportRow(
                    _name(r),
                    r.profile,
                    r.kind or "",
                    text("report.result.passed" if r.ok else "report.result.errors"),
                    list(r.findings),
                )
            )
    return rows


def write_report(results: Sequence[CheckResult | Outcome], target: str | Path) -> Path:
    """Write the spreadsheet report (atomic: a half-written report never replaces the previous one)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise OutputError(text("report.not_xlsx", path=target), text("report.not_xlsx_hint"))
    rows = rows_of(results)
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = text("report.sheet.dossiers")
    findings = book.create_sheet(text("report.sheet.findings"))
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    red = PatternFill("solid", fgColor="F8CBAD")
    yellow = PatternFill("solid", fgColor="FFE699")
    green = PatternFill("solid", fgColor="C6EFCE")
    for sheet, columns in ((summary, PROFILE_COLUMNS), (findings, FINDING_COLUMNS)):
        sheet.append([text(f"report.column.{c}") for c in columns])
        for index, title in enumerate(columns, 1):
            cell = sheet.cell(row=1, column=index)
            cell.font, cell.fill = bold, head_fill
            sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(title, 10)
        sheet.freeze_panes = "A2"
    for row in rows:
        values: list[Any] = [
            row.name,
            row.profile,
            row.kind,
            row.result,
            row.errors,
            row.warnings,
            row.pages,
            row.output,
        ]
        summary.append(values)
        summary.cell(row=summary.max_row, column=4).fill = red if row.errors else green
        for f in row.findings:
            findings.append(
                [
                    row.name,
                    text("ui.error") if f.severity == "error" else text("ui.warning"),
                    f.code,
                    redact(f.field or f.file or ""),
                    redact(f.message),
                    redact(f.hint),
                ]
            )
            findings.cell(row=findings.max_row, column=2).fill = red if f.severity == "error" else yellow
            for column in (5, 6):
                findings.cell(row=findings.max_row, column=column).alignment = Alignment(
                    wrap_text=True, vertical="top"
                )
    for sheet in (summary, findings):
        sheet.auto_filter.ref = sheet.dimensions
    from .sheets import save_workbook

    return save_workbook(book, target, text("report.what"))
