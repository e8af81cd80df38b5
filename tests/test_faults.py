"""Faults while writing: a full disk or an unwritable OUT is reported, two builds cannot mix files."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from numdossier import pipeline
from numdossier.errors import ExitCode, OutputError, TemplateError
from numdossier.render.docx import render_docx

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "n96" / "qinghe-96.toml"


def build(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "numdossier.cli", "build", str(SAMPLE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, SOURCE_DATE_EPOCH="1795392000"),
    )


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    proc = build("-o", str(blocker))
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == ExitCode.environment, stderr
    assert str(blocker) in stderr and "Traceback" not in stderr


def test_full_disk_leaves_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "dossier.pdf"
    source = tmp_path / "work.pdf"
    source.write_bytes(b"%PDF-1.7\n" + b"x" * 1000)

    def full(src: object, dst: str | os.PathLike[str]) -> None:
        Path(dst).write_bytes(b"%PDF-1.7\nxx")  # a partial write, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    with pytest.raises(OSError):
        pipeline._install(source, target, ".tmp-test")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work.pdf"]


def test_output_error_is_exit_3() -> None:
    assert OutputError("x", "y").exit_code == ExitCode.environment


@pytest.mark.e2e
def test_two_builds_into_the_same_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first, second = build("-o", str(out)), build("-o", str(out), "--seam")
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    folder = out / "qinghe-96"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    pdf = (folder / "dossier.pdf").read_bytes()
    assert manifest["output"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert sorted(p.name for p in folder.iterdir()) == ["dossier.pdf", "forms", "manifest.json"]


def test_template_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (120 * 1024 * 1024))
    with pytest.raises(TemplateError, match="过大"):
        render_docx(bomb, lambda tpl: {}, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()
