"""Nothing of a dossier is left outside OUT after success or failure (issue 14): no lu*.tmp (they hold the
document's XML), no OSL_PIPE_* socket, no font cache, no numdossier-* folder; --debug keeps a masked log."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import ROOT

from numdossier.convert.libreoffice import ipc_pipe_paths
from numdossier.errors import ExitCode

SAMPLE_DIR = ROOT / "samples" / "n96"
ID_NUMBER = "11010519491231002X"  # fictitious, valid check digit


def client(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "clients" / name
    shutil.copytree(SAMPLE_DIR, folder)
    profile = folder / "qinghe-96.toml"
    text = profile.read_text(encoding="utf-8").replace('name = "qinghe-96"', f'name = "{name}"', 1)
    profile.write_text(text, encoding="utf-8")
    return profile


def build_watched(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, set[Path]]:
    """Run `numdossier build` with a private TMPDIR; also return the IPC sockets its LibreOffice runs had."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir(exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "numdossier.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(env or os.environ, TMPDIR=str(tmpdir)),
    )
    sockets: set[Path] = set()
    while proc.poll() is None:
        sockets |= ipc_sockets(tmpdir)
        time.sleep(0.05)
    _, stderr = proc.communicate()
    return proc.returncode, stderr, sockets


def ipc_sockets(tmpdir: Path, converting: bool = False) -> set[Path]:
    """Where the running LibreOffice processes whose profile lies below `tmpdir` bind their socket
    (only those converting, not the version probe, when `converting`)."""
    found = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                args = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if converting and b"--convert-to" not in args:
                continue
            for arg in args:
                m = re.match(rb"-env:UserInstallation=(file://.*)", arg)
                if m and str(tmpdir).encode() in m.group(1):
                    found |= set(ipc_pipe_paths(m.group(1).decode()))
    return found


@pytest.mark.e2e
def test_success_and_failure_leave_nothing_outside_out(tmp_path: Path) -> None:
    good, broken = client(tmp_path, "good"), client(tmp_path, "broken")
    (broken.parent / "attachments" / "营业执照.jpg").write_text("不是图片", encoding="utf-8")
    out = tmp_path / "out"
    code, stderr, sockets = build_watched(
        tmp_path, "--debug", "build", str(good), str(broken), "-o", str(out), "--force"
    )
    assert code == ExitCode.input_error, stderr
    assert sockets, "the watcher saw no LibreOffice: the test would prove nothing"
    assert not [p for p in sockets if p.exists()]
    assert sorted(os.listdir(tmp_path / "tmp")) == []
    manifest = json.loads((out / "good" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["converter"]["program"] == "LibreOffice"
    assert re.fullmatch(r"\d+(\.\d+)+", manifest["converter"]["version"])
    log = (out / "good" / "build.log").read_text(encoding="utf-8")
    assert f"LibreOffice {manifest['converter']['version']}" in log and "LibreOffice run:" in log
    failed = (out / "broken" / "build.log").read_text(encoding="utf-8")
    assert "result: failed" in failed and "营业执照.jpg" in failed
    assert sorted(p.name for p in (out / "broken").iterdir()) == ["build.log"]


@pytest.mark.slow
def test_failed_conversion_leaves_nothing_and_logs_masked(tmp_path: Path) -> None:
    """A LibreOffice that writes into TMPDIR and HOME, prints an ID number and crashes."""
    fake = tmp_path / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        'case "$*" in *--version*) echo "LibreOffice 7.4.7.2 40(Build:2)"; exit 0;; esac\n'
        'echo secret > "$TMPDIR/lu999abc.tmp"; mkdir -p "$HOME/.cache/fontconfig"\n'
        f'for n in 1 2 3 4 5 6; do echo "warn $n"; done; echo "bad id {ID_NUMBER}"; exit 134\n'
    )
    fake.chmod(0o755)
    out = tmp_path / "out"
    env = dict(os.environ, NUMDOSSIER_SOFFICE=str(fake))
    code, stderr, _ = build_watched(
        tmp_path, "--debug", "build", str(client(tmp_path, "c")), "-o", str(out), env=env
    )
    assert code == ExitCode.environment, stderr
    assert "Traceback" not in stderr and ID_NUMBER not in stderr
    assert sorted(os.listdir(tmp_path / "tmp")) == []
    log = (out / "c" / "build.log").read_text(encoding="utf-8")
    assert "warn 1" in log and "warn 6" in log and "ConversionCrashed" in log
    assert ID_NUMBER not in log and "1101*" in log  # masked, not dropped
    assert not (out / "c" / "dossier.pdf").exists()
