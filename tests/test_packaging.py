"""The wheel carries the templates and data a pipx-installed numdossier needs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support import ROOT


@pytest.mark.slow  # pip builds the wheel in a subprocess: packaging, not a module's logic
def test_wheel_ships_templates_and_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("numdossier-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"numdossier/templates/{p.relative_to(ROOT / 'templates').as_posix()}"
        for p in (ROOT / "templates").rglob("*")
        if p.is_file()
    }
    assert expected and expected <= names
    assert "numdossier/convert/fonts.conf" in names
    data = {
        f"numdossier/{p.relative_to(ROOT / 'numdossier').as_posix()}"
        for p in (ROOT / "numdossier").rglob("*")
        if p.is_file() and p.suffix in {".json", ".toml", ".conf"}
    }
    assert data <= names
