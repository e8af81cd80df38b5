"""LibreOffice failures are typed (timeout, crash, no output), end in exit 3 with advice, in bounded time,
leaving no process and no file behind; the probe finds the version; the whole output is kept."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import ROOT

from numdossier.convert import Converter, find_soffice
from numdossier.convert.libreoffice import Runs, _probe, ipc_pipe_paths, private_folder
from numdossier.errors import (
    ConversionCrashed,
    ConversionNoOutput,
    ConversionTimeout,
    EnvironmentProblem,
    ExitCode,
)

SAMPLE = ROOT / "samples" / "n96" / "qinghe-96.toml"


def fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return script


def docx(tmp_path: Path) -> Path:
    path = tmp_path / "form.docx"
    path.write_bytes(b"not really a docx")
    return path


def test_missing_soffice_names_install_command(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NUMDOSSIER_SOFFICE", str(tmp_path / "nowhere" / "soffice"))
    with pytest.raises(EnvironmentProblem) as info:
        find_soffice()
    assert info.value.exit_code == ExitCode.environment
    assert "apt-get install" in (info.value.hint or "")


def test_crash_is_typed_and_keeps_the_whole_output(tmp_path: Path) -> None:
    lines = "; ".join(f"echo line-{n}" for n in range(50))
    fake = fake_soffice(tmp_path, f'{lines}; echo "Fatal exception: Signal 6" >&2; exit 134')
    runs = Runs()
    with pytest.raises(ConversionCrashed) as info:
        Converter(str(fake), runs=runs).convert([docx(tmp_path)], tmp_path / "out")
    assert "134" in info.value.message and "Signal 6" in info.value.message
    assert info.value.exit_code == ExitCode.environment and info.value.hint
    [log] = runs.logs
    assert all(f"line-{n}" in log.output for n in range(50)) and log.returncode == 134
    assert "line-0" in log.text() and "crashed" in log.text()


def test_killed_by_a_signal_names_it(tmp_path: Path) -> None:
    fake = fake_soffice(tmp_path, "kill -SEGV $$")
    with pytest.raises(ConversionCrashed, match="SIGSEGV"):
        Converter(str(fake)).convert([docx(tmp_path)], tmp_path / "out")


def test_no_output_is_typed(tmp_path: Path) -> None:
    fake = fake_soffice(tmp_path, "exit 0")
    with pytest.raises(ConversionNoOutput, match="form.docx") as info:
        Converter(str(fake)).convert([docx(tmp_path)], tmp_path / "out")
    assert info.value.exit_code == ExitCode.environment and "--debug" in (info.value.hint or "")


def test_probe_reads_the_version(tmp_path: Path) -> None:
    fake = fake_soffice(tmp_path, 'echo "LibreOffice 24.8.3.2 480(Build:2)"')
    office = _probe(str(fake), tmp_path / "scratch")
    assert office.version == "24.8.3.2"
    assert office.describe() == {"program": "LibreOffice", "version": "24.8.3.2", "via": "soffice"}
    assert not (tmp_path / "scratch").exists() or not any((tmp_path / "scratch").iterdir())


@pytest.mark.e2e
def test_real_probe(tmp_path: Path) -> None:
    office = _probe(find_soffice(), tmp_path)
    assert office.version[0].isdigit(), office
    assert not list(tmp_path.iterdir())


def test_libreoffice_writes_only_inside_its_private_folder(tmp_path: Path) -> None:
    """TMPDIR, HOME and the profile are one folder below the work folder, removed with it."""
    seen = tmp_path / "seen"
    fake = fake_soffice(
        tmp_path,
        f'echo "$TMPDIR $HOME" > {seen}; touch "$TMPDIR/lu123abc.tmp"; mkdir -p "$HOME/.cache/fontconfig"; exit 1',
    )
    work = tmp_path / "work"
    with pytest.raises(ConversionCrashed):
        Converter(str(fake)).convert([docx(tmp_path)], work / "out")
    tmpdir, home = seen.read_text().split()
    assert Path(tmpdir).is_relative_to(work) and Path(home).is_relative_to(work)
    assert sorted(p.name for p in work.iterdir()) == ["out"]


def test_ipc_socket_of_a_killed_libreoffice_is_removed(tmp_path: Path) -> None:
    """LibreOffice binds its socket in /tmp whatever TMPDIR says; we remove ours when we killed it."""
    with private_folder(tmp_path, "x") as (profile, _):
        [pipe, _] = ipc_pipe_paths(profile.as_uri())
        import socket

        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(pipe))  # what a killed soffice leaves
        sock.close()
        assert pipe.is_socket()
    assert not pipe.exists()


def test_hang_is_killed_after_timeout(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    # the fake starts a child, as soffice.bin is started by the soffice wrapper script
    fake = fake_soffice(tmp_path, f"sleep 300 & echo $! > {pid_file}; wait")
    started = time.monotonic()
    with pytest.raises(ConversionTimeout, match="超时"):
        Converter(str(fake), timeout=0.3).convert([docx(tmp_path)], tmp_path / "out")
    assert time.monotonic() - started < 10
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 2  # the kill is sent; the kernel takes a moment to end the child
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not alive(child)


def alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for a parent that no longer exists to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.mark.slow
def test_build_without_libreoffice_exits_3(tmp_path: Path) -> None:
    env = dict(os.environ, NUMDOSSIER_SOFFICE=str(tmp_path / "missing-soffice"))
    run = subprocess.run(
        [sys.executable, "-m", "numdossier.cli", "build", str(SAMPLE), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == ExitCode.environment, run.stderr
    assert "LibreOffice" in run.stderr and "apt-get install" in run.stderr
    assert "Traceback" not in run.stderr
    assert not list((tmp_path / "out").rglob("dossier.pdf"))
