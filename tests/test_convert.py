"""LibreOffice failures end in exit 3 with a message, in bounded time, leaving no process behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from numdossier.convert import Converter, find_soffice
from numdossier.errors import ConversionError, EnvironmentProblem, ExitCode

ROOT = Path(__file__).resolve().parents[1]
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


def test_crash_is_a_conversion_error(tmp_path: Path) -> None:
    fake = fake_soffice(tmp_path, 'echo "Fatal exception: Signal 6" >&2; exit 134')
    with pytest.raises(ConversionError) as info:
        Converter(str(fake)).convert([docx(tmp_path)], tmp_path / "out")
    assert "134" in info.value.message and "Signal 6" in info.value.message
    assert info.value.exit_code == ExitCode.environment


def test_no_output_is_a_conversion_error(tmp_path: Path) -> None:
    fake = fake_soffice(tmp_path, "exit 0")
    with pytest.raises(ConversionError, match="form.docx"):
        Converter(str(fake)).convert([docx(tmp_path)], tmp_path / "out")


def test_hang_is_killed_after_timeout(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    # the fake starts a child, as soffice.bin is started by the soffice wrapper script
    fake = fake_soffice(tmp_path, f"sleep 300 & echo $! > {pid_file}; wait")
    started = time.monotonic()
    with pytest.raises(ConversionError, match="超时"):
        Converter(str(fake), timeout=1.5).convert([docx(tmp_path)], tmp_path / "out")
    assert time.monotonic() - started < 10
    child = int(pid_file.read_text())
    time.sleep(0.2)
    assert not alive(child)


def alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for a parent that no longer exists to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


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
