"""Faults while writing: a full disk or an unwritable OUT is reported, two builds cannot mix files."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from support import ROOT

from numdossier import pipeline
from numdossier.errors import ExitCode, OutputError, TemplateError
from numdossier.render.docx import render_docx

SAMPLE = ROOT / "samples" / "n96" / "qinghe-96.toml"


def build(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "numdossier.cli", "build", str(SAMPLE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, SOURCE_DATE_EPOCH="1795392000"),
    )


@pytest.mark.e2e
def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    proc = build("-o", str(blocker))
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == ExitCode.environment, stderr
    assert str(blocker) in stderr and "Traceback" not in stderr


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _work(tmp_path: Path, *names: str) -> list[Path]:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    for name in names:
        (work / name).write_bytes(name.encode())
    return [work / n for n in names]


def test_rebuild_replaces_the_whole_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pdf, *forms = _work(tmp_path, "dossier.pdf", "01-表.docx", "05-承诺书.docx")
    pipeline.publish(out / "acme", forms, pdf, {"n": 1})
    (out / "acme" / "notes.txt").write_text("left by hand")
    (pdf2, form2) = _work(tmp_path, "second.pdf", "04-承诺书.docx")
    pipeline.publish(out / "acme", [form2], pdf2, {"n": 2})
    assert _files(out) == [
        "acme",
        "acme/dossier.pdf",
        "acme/forms",
        "acme/forms/04-承诺书.docx",
        "acme/manifest.json",
    ]
    assert (out / "acme" / "dossier.pdf").read_bytes() == b"second.pdf"
    assert json.loads((out / "acme" / "manifest.json").read_text()) == {"n": 2}


def test_full_disk_keeps_the_previous_dossier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    pdf, form = _work(tmp_path, "dossier.pdf", "01-表.docx")
    pipeline.publish(out / "acme", [form], pdf, {"n": 1})
    before = {p: p.read_bytes() for p in (out / "acme").rglob("*") if p.is_file()}

    def full(src: object, dst: str | os.PathLike[str]) -> None:
        Path(dst).write_bytes(b"%PDF-1.7\nxx")  # a partial write, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    with pytest.raises(OutputError, match="No space left"):
        pipeline.publish(out / "acme", [form], pdf, {"n": 2})
    assert _files(out) == [
        "acme",
        "acme/dossier.pdf",
        "acme/forms",
        "acme/forms/01-表.docx",
        "acme/manifest.json",
    ]
    assert {p: p.read_bytes() for p in (out / "acme").rglob("*") if p.is_file()} == before


def test_first_build_that_fails_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    pdf, form = _work(tmp_path, "dossier.pdf", "01-表.docx")

    def interrupted(src: object, dst: str | os.PathLike[str]) -> None:
        pipeline.discard_partial_files()  # what a stopped worker does
        raise KeyboardInterrupt

    monkeypatch.setattr(shutil, "copyfile", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pipeline.publish(out / "acme", [form], pdf, {})
    assert _files(out) == []


def test_waiter_locks_the_folder_swapped_in(tmp_path: Path) -> None:
    """A publisher that waited on the lock of a folder since swapped out locks the current one."""
    target = tmp_path / "acme"
    target.mkdir()
    held_current: list[bool] = []

    def second() -> None:
        with pipeline._locked(target):
            fd = os.open(target, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                held_current.append(False)
            except BlockingIOError:
                held_current.append(True)  # the folder now at `target` is the one locked
            finally:
                os.close(fd)

    with pipeline._locked(target):
        waiter = threading.Thread(target=second)
        waiter.start()
        time.sleep(0.2)  # let it block on the lock of the folder about to be swapped out
        staged = tmp_path / ".acme.tmp"
        staged.mkdir()
        pipeline._exchange(staged, target)
    waiter.join(timeout=10)
    assert held_current == [True]


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
    assert os.listdir(out) == ["qinghe-96"]  # no staging folder left behind


def test_template_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:  # fastest to write
        z.writestr("word/document.xml", b"\0" * (120 * 1024 * 1024))
    with pytest.raises(TemplateError, match="过大"):
        render_docx(bomb, lambda tpl: {}, tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.e2e
def test_rebuild_after_removing_an_attachment_leaves_only_the_new_forms(tmp_path: Path) -> None:
    client = tmp_path / "client"
    shutil.copytree(SAMPLE.parent, client)
    profile = client / SAMPLE.name
    out = tmp_path / "out"

    def run(*args: str) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "numdossier.cli", "build", str(profile), "-o", str(out), *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr

    run()
    folder = out / SAMPLE.stem
    assert "05-电话接入号码使用承诺书.docx" in os.listdir(folder / "forms")
    text = profile.read_text(encoding="utf-8")
    profile.write_text(
        text.replace('industry_permit = ["attachments/道路运输经营许可证.pdf"]\n', ""), "utf-8"
    )
    run("--force")  # the item is required: the rebuild goes out with the error recorded
    assert sorted(os.listdir(folder / "forms")) == ["01-占用申请表.docx", "04-电话接入号码使用承诺书.docx"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = sorted(
        s["path"] for i in manifest["items"] for s in i["sources"] if (s["path"] or "").startswith("forms/")
    )
    assert listed == ["forms/01-占用申请表.docx", "forms/04-电话接入号码使用承诺书.docx"]
    assert os.listdir(out) == [SAMPLE.stem]
