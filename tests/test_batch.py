"""Batches: one failing dossier never stops the others; interrupts leave nothing behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Hashable
from pathlib import Path

import pytest
from support import ROOT

from numdossier.convert.libreoffice import convert_grouped
from numdossier.errors import ConversionError, ExitCode

SAMPLE_DIR = ROOT / "samples" / "n96"
TINY_PDF = ROOT / "tests" / "resources" / "realworld" / "001-minimal-document.pdf"


def clients(tmp_path: Path, count: int) -> list[Path]:
    profiles = []
    for i in range(count):
        folder = tmp_path / "clients" / f"c{i}"
        shutil.copytree(SAMPLE_DIR, folder)
        profile = folder / "qinghe-96.toml"
        text = profile.read_text(encoding="utf-8").replace('name = "qinghe-96"', f'name = "client-{i}"', 1)
        profile.write_text(text, encoding="utf-8")
        profiles.append(profile)
    return profiles


def private_env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return dict(os.environ, TMPDIR=str(tmp_path / "tmp"))


def numdossier(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "numdossier.cli", *args], capture_output=True, text=True, timeout=600, env=env
    )


def soffice_processes(tmpdir: Path) -> list[int]:
    """LibreOffice processes started by our build: their private profile lives under its TMPDIR."""
    marker = str(tmpdir).encode()
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if b"soffice" in cmdline and marker in cmdline and state != "Z":
                found.append(int(proc.name))
    return found


@pytest.mark.e2e
def test_one_broken_dossier_does_not_stop_the_others(tmp_path: Path) -> None:
    profiles = clients(tmp_path, 3)
    (profiles[1].parent / "attachments" / "营业执照.jpg").write_text("不是图片", encoding="utf-8")
    out = tmp_path / "out"
    run = numdossier(
        "build",
        str(tmp_path / "clients" / "c0"),
        str(profiles[1]),
        str(profiles[2]),
        "-o",
        str(out),
        "-j",
        "2",
        "--format",
        "json",
        env=private_env(tmp_path),
    )
    assert run.returncode == ExitCode.input_error, run.stderr
    data = json.loads(run.stdout)
    assert [d["profile"] for d in data] == [str(p) for p in profiles]
    assert [d["ok"] for d in data] == [True, False, True]
    assert (out / "client-0" / "dossier.pdf").is_file() and (out / "client-2" / "dossier.pdf").is_file()
    assert not (out / "client-1").exists()
    assert not soffice_processes(tmp_path / "tmp")


def fake_soffice(tmp_path: Path) -> Path:
    """Writes a PDF for each document, but crashes on any document containing BAD."""
    script = tmp_path / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        'outdir=""; for a in "$@"; do case "$prev" in --outdir) outdir="$a";; esac; prev="$a"; done\n'
        'for a in "$@"; do case "$a" in *.docx)\n'
        '  if grep -q BAD "$a"; then echo "crash" >&2; exit 134; fi\n'
        f'  cp {TINY_PDF} "$outdir/$(basename "$a" .docx).pdf";;\n'
        "esac; done\n"
    )
    script.chmod(0o755)
    return script


def test_a_failing_document_fails_only_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMDOSSIER_SOFFICE", str(fake_soffice(tmp_path)))
    documents: dict[Hashable, Path] = {}
    for i in range(7):
        doc = tmp_path / f"d{i}" / "01-form.docx"  # same names in every dossier, as in real batches
        doc.parent.mkdir()
        doc.write_text("BAD" if i == 4 else "ok")
        documents[i] = doc
    results = convert_grouped(documents, tmp_path / "stage", workers=2)
    assert isinstance(results[4], ConversionError)
    for i in (0, 1, 2, 3, 5, 6):
        path = results[i]
        assert isinstance(path, Path) and path.read_bytes() == TINY_PDF.read_bytes()
    assert len({results[i] for i in results if i != 4}) == 6


@pytest.mark.slow
def test_folder_of_profiles_and_quoted_glob(tmp_path: Path) -> None:
    profiles = clients(tmp_path, 2)
    run = numdossier("check", "--format", "json", *map(str, profiles))
    assert run.returncode == 0
    # build expands folders and globs; use an empty-handed check via a bad -o to stay fast
    run = numdossier(
        "build",
        str(tmp_path / "clients" / "*" / "*.toml"),
        "--today",
        "2026-11-23",
        "-o",
        str(tmp_path / "out"),
        "--format",
        "json",
        "-j",
        "1",
        env=dict(os.environ, NUMDOSSIER_SOFFICE=str(tmp_path / "none")),
    )
    assert run.returncode == ExitCode.environment
    data = json.loads(run.stdout)
    assert [d["profile"] for d in data] == [str(p) for p in profiles]
    run = numdossier("build", str(tmp_path / "empty-folder-that-does-not-exist" / "*.toml"))
    assert run.returncode == ExitCode.usage


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("signum", "twice"),
    [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGHUP, False), (signal.SIGINT, True)],
)
def test_interrupt_leaves_nothing_behind(tmp_path: Path, signum: int, twice: bool) -> None:
    """While LibreOffice converts: exit 130, no process, and the private TMPDIR as empty as before (a
    second Ctrl-C during the clean-up used to leave numdossier-* folders and lu*.tmp files)."""
    from test_leftovers import ipc_sockets

    profiles = clients(tmp_path, 4)
    out = tmp_path / "out"
    env = private_env(tmp_path)
    assert os.listdir(tmp_path / "tmp") == []
    proc = subprocess.Popen(
        [sys.executable, "-m", "numdossier.cli", "build", *map(str, profiles), "-o", str(out), "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 60
    sockets: set[Path] = set()
    while not sockets and proc.poll() is None and time.monotonic() < deadline:
        sockets = ipc_sockets(tmp_path / "tmp", converting=True)
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signum)
    if twice:
        time.sleep(0.1)
        proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.interrupted, stderr
    assert "Traceback" not in stderr
    assert not list(out.rglob("dossier.pdf")) if out.exists() else True
    assert not [p for p in out.rglob(".*")] if out.exists() else True
    assert not soffice_processes(tmp_path / "tmp")
    assert sockets, "no LibreOffice seen before the signal"
    assert not [p for p in sockets if p.exists()]
    assert os.listdir(tmp_path / "tmp") == []


def test_a_worker_process_speaks_the_language_of_its_options(monkeypatch: pytest.MonkeyPatch) -> None:
    """The language travels in the options: a worker enters it itself (spawned here, so that nothing
    is inherited from the parent's context)."""
    import concurrent.futures as cf
    import multiprocessing

    from numdossier import batch
    from numdossier.rules import messages

    monkeypatch.delenv("NUMDOSSIER_LANG", raising=False)
    with cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert pool.submit(batch._speaking, "en", messages.text, "ui.error").result() == "error"
        assert pool.submit(messages.text, "ui.error").result() == "错误"


def test_a_batch_exits_with_its_worst_outcome() -> None:
    """A defect (70) outranks a machine that lacks something (3), which outranks wrong inputs (1)."""
    from numdossier.batch import Outcome, batch_exit_code
    from numdossier.errors import EnvironmentProblem, InputError, InternalError

    def failed(error: Exception | None) -> Outcome:
        outcome = Outcome("p.toml", check=None)  # type: ignore[arg-type]
        outcome.error = error  # type: ignore[assignment]
        return outcome

    internal, environment, wrong = (
        InternalError("defect"),
        EnvironmentProblem("no soffice"),
        InputError("bad"),
    )
    assert batch_exit_code([failed(internal)]) == ExitCode.internal
    assert batch_exit_code([failed(wrong), failed(internal), failed(environment)]) == ExitCode.internal
    assert batch_exit_code([failed(wrong), failed(environment)]) == ExitCode.environment
    assert batch_exit_code([failed(None), failed(wrong)]) == ExitCode.input_error
    assert batch_exit_code([]) == ExitCode.ok


@pytest.mark.parametrize("debug", [False, True])
def test_a_defect_met_in_one_dossier_shows_its_stack_only_with_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    """The internal error asks for "the output of --debug": with --debug, the stack is in that output
    (stderr and OUT/<name>/build.log), never the values of variables; without it, no stack at all."""
    from support import invoke

    from numdossier import batch

    def defect(*args: object) -> None:
        raise RuntimeError("a defect while filling the forms")

    monkeypatch.setattr(batch, "prepare", defect)
    (profile,) = clients(tmp_path, 1)
    out = tmp_path / "out"
    result = invoke(*(["--debug"] if debug else []), "build", str(profile), "-o", str(out))
    assert result.returncode == ExitCode.internal and "RuntimeError" in result.stdout + result.stderr
    assert ("Traceback" in result.stderr and "in defect" in result.stderr) is debug
    log = out / "client-0" / "build.log"
    assert log.exists() is debug
    if debug:
        assert "in defect" in log.read_text(encoding="utf-8") and "result: failed" in log.read_text("utf-8")
