"""verify's output: the findings table and summary on a terminal, or one JSON object per verified scan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..redact import redact
from ..rules.messages import text as ui
from .split import SplitFile
from .verify import VerifyFinding, VerifyResult, text


def where(f: VerifyFinding) -> str:
    if f.scan_page is not None and f.dossier_page is not None:
        return text("where", scan=f.scan_page, page=f.dossier_page)
    if f.scan_page is not None:
        return text("scan_only", scan=f.scan_page)
    if f.dossier_page is not None:
        return text("page_only", page=f.dossier_page)
    return ""


def human_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{size / 1000:.0f} KB"


def print_result(
    out: Console,
    err: Console,
    result: VerifyResult,
    report: Path | None,
    files: list[SplitFile] | None,
    split_refused: bool = False,
) -> None:
    scan = ", ".join(result.scan)
    if result.findings:
        table = Table(title=f"{scan} → {result.dossier.folder}", title_justify="left")
        for column in ("severity", "code", "where", "message", "hint"):
            table.add_column(ui(f"ui.{column}"), overflow="fold")
        for f in result.findings:
            level = (
                f"[red]{ui('ui.error')}[/red]"
                if f.severity == "error"
                else f"[yellow]{ui('ui.warning')}[/yellow]"
            )
            table.add_row(level, f.code, where(f), escape(redact(f.message)), escape(redact(f.hint)))
        out.print(table)
    summary = text(
        "result",
        scan=scan,
        dossier=result.dossier.folder,
        pages=len(result.pages),
        errors=result.errors,
        warnings=result.warnings,
    )
    out.print(("[green]✓[/green] " if result.ok else "[red]✗[/red] ") + escape(summary))
    if report is not None:
        out.print(escape(text("report_written", path=report)))
    if split_refused:
        err.print(text("split_refused"), markup=False, style="red")
    if files is not None and files:
        out.print(escape(text("split_done", folder=files[0].path.parent)))
        for file in files:
            note = text("reencoded", dpi=file.dpi) if file.dpi else ""
            size = human_size(file.bytes)
            out.print(escape(text("split_line", name=file.path.name, pages=file.pages, size=size, note=note)))


def result_json(result: VerifyResult, report: Path | None, files: list[SplitFile] | None) -> dict[str, Any]:
    return {
        "scan": result.scan,
        "dossier": str(result.dossier.folder),
        "ok": result.ok,
        "errors": result.errors,
        "warnings": result.warnings,
        "findings": [
            {k: (redact(v) if isinstance(v, str) else v) for k, v in f.to_json().items()}
            for f in result.findings
        ],
        "pages": [
            {
                "scan_page": r.scan.position,
                "file": str(r.scan.source),
                "dossier_page": r.page,
                "rotation": r.match.rotation if r.match else None,
                "score": round(r.match.score, 3) if r.match else None,
                "kept": r.kept and r.page is not None,
            }
            for r in result.pages
        ],
        "report": str(report) if report else None,
        "split": [{"path": str(f.path), "pages": f.pages, "bytes": f.bytes, "dpi": f.dpi} for f in files]
        if files is not None
        else None,
    }
