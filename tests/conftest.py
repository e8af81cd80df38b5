"""Fixtures shared by the test modules: each kind's sample dossier, built once per session."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import run_cli, sample_of


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, Any]]:
    """built_sample(kind): the kind's sample built with real LibreOffice (once per session) and read back:
    run (the CompletedProcess), entry (its JSON result), folder, pdf, manifest, reader (pypdf)."""
    from pypdf import PdfReader

    cache: dict[str, dict[str, Any]] = {}

    def build(kind: str) -> dict[str, Any]:
        if kind not in cache:
            out = tmp_path_factory.mktemp(f"sample-{kind}")
            run = run_cli("build", str(sample_of(kind)), "-o", str(out), "--format", "json")
            assert run.returncode == 0, run.stdout + run.stderr
            (entry,) = json.loads(run.stdout)
            folder = Path(entry["output"])
            cache[kind] = {
                "run": run,
                "entry": entry,
                "folder": folder,
                "pdf": folder / "dossier.pdf",
                "manifest": json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
                "reader": PdfReader(folder / "dossier.pdf"),
            }
        return cache[kind]

    return build
