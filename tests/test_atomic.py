"""numdossier.atomic: a file is replaced whole or not at all, and no temporary is left beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from numdossier import atomic


def test_write_replaces_in_one_step(tmp_path: Path) -> None:
    target = tmp_path / "profile.toml"
    target.write_text("old", encoding="utf-8")
    assert atomic.write(target, "新") == target
    assert target.read_text(encoding="utf-8") == "新"
    atomic.write(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert [p.name for p in tmp_path.iterdir()] == ["profile.toml"]


def test_a_failed_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic.replacing(target) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError("the writer failed half-way")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_an_unwritable_folder_raises_oserror_for_the_caller(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        atomic.write(tmp_path / "missing" / "x.toml", "x")
    assert list(tmp_path.iterdir()) == []
