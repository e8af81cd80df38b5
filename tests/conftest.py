"""Fixtures shared by the test modules: each kind's sample dossier, built once per session; and a guard
that fails any test starting the real LibreOffice without the `e2e` marker (`make test-fast` leaves
those out, so a slow test without the marker would make the fast lane slow)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from support import run_cli, sample_of

from numdossier.convert import find_soffice
from numdossier.errors import EnvironmentProblem

# No deadline: on a shared machine an example's time says nothing (timings belong in `make bench`).
# `make test-fast` runs with --hypothesis-profile=fast: every property with fewer examples (the default
# 100, and test_fuzz's 25, stay in `make test`).
settings.register_profile("numdossier", deadline=None)
settings.register_profile("fast", parent=settings.get_profile("numdossier"), max_examples=10)
settings.load_profile("numdossier")

# Stands in for soffice in the tests without the e2e marker: notes the call, then runs the real one.
SOFFICE_GUARD = """#!/bin/sh
echo "$*" >> "$NUMDOSSIER_TEST_SOFFICE_LOG"
exec "$NUMDOSSIER_TEST_SOFFICE_REAL" "$@"
"""


@pytest.fixture(scope="session")
def soffice_guard(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str] | None:
    """(the guard script, the real soffice), or None where LibreOffice is not installed."""
    try:
        real = find_soffice()
    except EnvironmentProblem:
        return None
    script = tmp_path_factory.mktemp("soffice-guard") / "soffice"
    script.write_text(SOFFICE_GUARD, encoding="utf-8")
    script.chmod(0o755)
    return script, real


@pytest.fixture(autouse=True)
def _libreoffice_only_in_e2e(
    request: pytest.FixtureRequest,
    soffice_guard: tuple[Path, str] | None,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """A test without the e2e marker that starts LibreOffice (itself or through a CLI subprocess) fails.
    Tests that put their own fake soffice in NUMDOSSIER_SOFFICE are left alone."""
    if (
        soffice_guard is None
        or request.node.get_closest_marker("e2e")
        or os.environ.get("NUMDOSSIER_SOFFICE")
    ):
        yield
        return
    script, real = soffice_guard
    log = tmp_path_factory.mktemp("soffice-calls") / "calls.log"
    monkeypatch.setenv("NUMDOSSIER_SOFFICE", str(script))
    monkeypatch.setenv("NUMDOSSIER_TEST_SOFFICE_REAL", real)
    monkeypatch.setenv("NUMDOSSIER_TEST_SOFFICE_LOG", str(log))
    yield
    if log.exists():
        calls = log.read_text(encoding="utf-8").splitlines()
        pytest.fail(
            f"{request.node.nodeid} starts LibreOffice ({len(calls)}×, first: soffice {calls[0]}) but has no "
            "@pytest.mark.e2e: mark it, or give it a fake NUMDOSSIER_SOFFICE",
            pytrace=False,
        )


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
