"""verify's output as data: where a finding is, file sizes, and one JSON object per verified scan.

The terminal table is cli.py's (only the CLI imports rich)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..redact import redact
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
