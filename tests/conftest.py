"""Fixtures shared by the test modules: each kind's sample dossier, built once per session; each file of
the real-world corpus as A4 pages, converted once per session; and a guard that fails any test starting
the real LibreOffice without the `e2e` marker (`make test-fast` leaves those out, so a slow test without
the marker would make the fast lane slow)."""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from support import CorpusPdf

# The library (and what support.py imports of it) is imported by the fixtures that use it, not here: the
# xdist controller of `make test-fast` loads this file too, and runs no test.
REALWORLD = Path(__file__).parent / "resources" / "realworld"

# The tests say which language, converter and agency templates they use: the user's own settings of these
# (NUMDOSSIER_LANG=en in the shell, a warm converter, an agency's template folder) must not change what
# they see. The paths to LibreOffice and Ghostscript (NUMDOSSIER_SOFFICE, NUMDOSSIER_GS) are kept.
for _setting in ("NUMDOSSIER_LANG", "NUMDOSSIER_CONVERTER", "NUMDOSSIER_TEMPLATES"):
    os.environ.pop(_setting, None)

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


GUARD_VARIABLES = ("NUMDOSSIER_SOFFICE", "NUMDOSSIER_TEST_SOFFICE_REAL", "NUMDOSSIER_TEST_SOFFICE_LOG")
_guard: list[tuple[Path, pytest.MonkeyPatch]] = []  # the guard's folder and variables, once set up here
_calls_before = pytest.StashKey[int]()


def pytest_sessionstart(session: pytest.Session) -> None:
    """For the whole session of a process that runs tests (each xdist worker), NUMDOSSIER_SOFFICE is the
    guard script, which notes each call in its log, then runs the real soffice. Not where LibreOffice is
    not installed or NUMDOSSIER_SOFFICE is already set (a fake of the user's own), nor in the xdist
    controller: it starts its workers after this hook, and they would take its variables for such a fake.
    Set up here rather than in an autouse fixture, which costs every test (0.2 ms each)."""
    config = session.config
    if not hasattr(config, "workerinput") and getattr(config.option, "dist", "no") != "no":
        return
    from numdossier.convert import find_soffice
    from numdossier.errors import EnvironmentProblem

    try:
        real = find_soffice()
    except EnvironmentProblem:
        return
    if os.environ.get("NUMDOSSIER_SOFFICE"):
        return
    folder = Path(tempfile.mkdtemp(prefix="soffice-guard-"))
    script, log = folder / "soffice", folder / "calls.log"
    script.write_text(SOFFICE_GUARD, encoding="utf-8")
    script.chmod(0o755)
    patch = pytest.MonkeyPatch()
    for name, value in zip(GUARD_VARIABLES, (str(script), real, str(log)), strict=True):
        patch.setenv(name, value)
    _guard.append((log, patch))


def pytest_sessionfinish(session: pytest.Session) -> None:
    while _guard:
        log, patch = _guard.pop()
        patch.undo()
        shutil.rmtree(log.parent, ignore_errors=True)


def _logged() -> int:
    """How much the guard has noted so far in this process."""
    log = _guard[0][0] if _guard else None
    return log.stat().st_size if log is not None and log.exists() else 0


# A test without the e2e marker that starts LibreOffice (itself, in a fixture, or through a CLI
# subprocess) fails; the body of an e2e test runs the real soffice directly. Tests that put their own fake
# in NUMDOSSIER_SOFFICE are left alone (the guard sees no call then). Hooks, not an autouse fixture:
# every test of the fast lane's 1500 pays for this.


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    item.stash[_calls_before] = _logged()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    if not (_guard and item.get_closest_marker("e2e")):
        return (yield)
    with pytest.MonkeyPatch.context() as patch:
        for name in GUARD_VARIABLES:
            patch.delenv(name)
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    result = yield
    before = item.stash.get(_calls_before, 0)
    if _guard and _logged() > before and not item.get_closest_marker("e2e"):
        with _guard[0][0].open(encoding="utf-8") as f:
            f.seek(before)
            calls = f.read().splitlines()
        pytest.fail(
            f"{item.nodeid} starts LibreOffice ({len(calls)}×, first: soffice {calls[0]}) but has no "
            "@pytest.mark.e2e: mark it, or give it a fake NUMDOSSIER_SOFFICE",
            pytrace=False,
        )
    return result


@pytest.fixture
def short_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spreadsheet templates pre-format 10 rows instead of 200 (test_import does the same for its whole
    module): openpyxl reads and writes every formatted cell, and no test needs more than a few rows."""
    monkeypatch.setattr("numdossier.sheets.TEMPLATE_ROWS", 10)


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], dict[str, Any]]:
    """built_sample(kind): the kind's sample built with real LibreOffice (once per session) and read back:
    run (the CompletedProcess), entry (its JSON result), folder, pdf, manifest, reader (pypdf)."""
    from pypdf import PdfReader
    from support import run_cli, sample_of

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


@pytest.fixture(scope="session")
def corpus_pdf(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> CorpusPdf:
    """corpus_pdf(name): tests/resources/realworld/<name> turned into A4 pages by attachment_to_pdf (under
    its own name), once per test run: the written file and the result. test_attachments and
    test_inspector look at the same conversions from different sides; a test that changes what the
    conversion does (a fault, a fake) or is about the conversion itself (its determinism) calls
    attachment_to_pdf. The file is shared: read it, never write it.

    The workers of `make test-fast` share the folder (the parent of their own base folders, this run's):
    the first to need a file converts it under a lock, the other reads its result (17 files were
    converted twice, 0.7 s)."""
    from numdossier.pdf.attachments import Normalised, attachment_to_pdf

    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if hasattr(request.config, "workerinput") else base) / "corpus-pdf"
    folder.mkdir(exist_ok=True)
    cache: dict[str, tuple[Path, Normalised]] = {}

    def convert(name: str) -> tuple[Path, Normalised]:
        if name not in cache:
            out, result = folder / f"{name}.out.pdf", folder / f"{name}.result.pickle"
            with open(folder / f"{name}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
                if result.exists():
                    normalised = pickle.loads(result.read_bytes())
                else:
                    normalised = attachment_to_pdf(REALWORLD / name, name, out)
                    result.write_bytes(pickle.dumps(normalised))
            cache[name] = (out, normalised)
        return cache[name]

    return convert
