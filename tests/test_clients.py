"""One folder per client (issue 16, points 3 and 5): init makes clients/<name>/profile.toml with its own
attachments/, check and build accept the same folders, and build's summary keeps the output path whole."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from support import ROOT, CliRunner

from numdossier import cli
from numdossier.batch import Outcome
from numdossier.check import CheckResult
from numdossier.cli import app
from numdossier.errors import ExitCode
from numdossier.pipeline import Built
from numdossier.profile import load_profile
from numdossier.profile.find import find_profiles

SAMPLE_DIR = ROOT / "samples" / "n96"
TINY_PDF = ROOT / "tests" / "resources" / "realworld" / "001-minimal-document.pdf"
runner = CliRunner()


def init(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["init", *args])
    return result.exit_code, result.output


def test_init_makes_a_client_folder(tmp_path: Path) -> None:
    code, _ = init(str(tmp_path / "clients" / "acme"), "--kind", "n96")
    assert code == 0
    folder = tmp_path / "clients" / "acme"
    assert (folder / "profile.toml").is_file() and (folder / "attachments" / "README.md").is_file()
    code, _ = init(str(tmp_path / "clients" / "beta"), "--kind", "n400")
    assert code == 0
    readme = (tmp_path / "clients" / "beta" / "attachments" / "README.md").read_text(encoding="utf-8")
    assert readme.startswith((ROOT / "templates" / "n400" / "attachments-README.md").read_text()[:20])


def test_profile_toml_is_named_after_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "clients" / "qinghe"
    shutil.copytree(SAMPLE_DIR, folder)
    profile = (folder / "qinghe-96.toml").rename(folder / "profile.toml")
    text = profile.read_text(encoding="utf-8").replace('name = "qinghe-96"\n', "", 1)
    profile.write_text(text, encoding="utf-8")
    assert load_profile(profile).name == "qinghe"


def test_init_refuses_a_second_kinds_readme(tmp_path: Path) -> None:
    assert init(str(tmp_path / "a.toml"), "--kind", "n96")[0] == 0
    before = (tmp_path / "attachments" / "README.md").read_bytes()
    code, output = init(str(tmp_path / "b.toml"), "--kind", "n400")
    assert code == ExitCode.input_error
    assert "n96 申请的附件清单" in output and f"numdossier init {tmp_path / 'b'} --kind n400" in output
    assert not (tmp_path / "b.toml").exists()
    assert (tmp_path / "attachments" / "README.md").read_bytes() == before


def test_init_refuses_a_second_profile_sharing_attachments(tmp_path: Path) -> None:
    assert init(str(tmp_path / "a.toml"), "--kind", "n96")[0] == 0
    code, output = init(str(tmp_path / "b.toml"), "--kind", "n96")
    assert code == ExitCode.input_error and "a.toml" in output and "混在一起" in output
    assert not (tmp_path / "b.toml").exists()


def test_init_in_a_client_folder_suggests_a_folder_beside_it(tmp_path: Path) -> None:
    """clients/acme holds an n96 profile: an n400 one goes to clients/acme-n400 (which `build clients/`
    finds), not clients/acme/profile (two levels down, which it does not)."""
    acme = tmp_path / "clients" / "acme"
    assert init(str(acme), "--kind", "n96")[0] == 0
    code, output = init(str(acme), "--kind", "n400", "--force", "--lang", "en")
    assert code == ExitCode.input_error
    assert "the attachments of another application (kind n96)" in output, output
    assert f"numdossier init {tmp_path / 'clients' / 'acme-n400'} --kind n400" in output, output
    code, output = init(str(acme / "other.toml"), "--kind", "n400", "--lang", "en")
    assert f"numdossier init {tmp_path / 'clients' / 'other'} --kind n400" in output, output


def test_init_where_no_folder_can_be_made_says_so(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, output = init(str(tmp_path / "file" / "acme"), "--kind", "n96", "--lang", "en")
    assert code == ExitCode.environment, output  # not an internal error (70)
    assert f"Cannot write {tmp_path / 'file'}" in output and "Not a directory" in output, output
    assert "give another path" in output and "Internal error" not in output


def clients(tmp_path: Path, count: int = 2) -> list[Path]:
    profiles = []
    for i in range(count):
        folder = tmp_path / "clients" / f"c{i}"
        shutil.copytree(SAMPLE_DIR, folder)
        profile = (folder / "qinghe-96.toml").rename(folder / "profile.toml")
        text = profile.read_text(encoding="utf-8").replace('name = "qinghe-96"\n', "", 1)
        profile.write_text(text, encoding="utf-8")
        profiles.append(profile)
    return profiles


def test_check_accepts_folders_as_build_does(tmp_path: Path) -> None:
    profiles = clients(tmp_path)
    loose = tmp_path / "clients" / "loose.toml"
    shutil.copy(SAMPLE_DIR / "qinghe-96.toml", loose)
    expected = sorted([*profiles, loose])
    assert find_profiles([tmp_path / "clients"]) == expected
    result = runner.invoke(
        app, ["check", "--format", "json", "--today", "2026-11-23", str(tmp_path / "clients")]
    )
    assert [entry["profile"] for entry in json.loads(result.stdout)] == [str(p) for p in expected]
    # the client folder itself, and its attachments/ never searched deeper
    assert find_profiles([profiles[0].parent]) == [profiles[0]]


def test_check_of_an_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == ExitCode.usage and "没有 .toml 配置文件" in result.output


# --- the summary table and build's JSON -------------------------------------------------------------


def outcome(tmp_path: Path, name: str) -> Outcome:
    folder = tmp_path / "一个很长的输出文件夹名称" / "another-rather-long-folder" / name
    return Outcome(
        f"clients/{name}/profile.toml", CheckResult("p", "n96"), Built(folder, 23, {}), seconds=1.5
    )


@pytest.mark.parametrize("terminal", [True, False], ids=["narrow-terminal", "pipe"])
def test_summary_keeps_the_output_path_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=40, force_terminal=terminal, color_system=None, highlight=False, soft_wrap=True
    )
    monkeypatch.setattr(cli, "out", console)
    done = outcome(tmp_path, "qinghe-物流-[2026]")
    cli._print_outcomes([done])
    text = buffer.getvalue()
    path = str(done.built.folder / "dossier.pdf") if done.built else ""
    if terminal:  # wrapped inside its cell: the characters are all there, in order
        rows = [line.split("│") for line in text.splitlines() if line.startswith("│")]
        assert path in "".join(row[4].strip() for row in rows)
    else:  # one line per row
        assert any(path in line for line in text.splitlines())
    assert "…" not in text


def fake_soffice(tmp_path: Path) -> Path:
    script = tmp_path / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        'outdir=""; for a in "$@"; do case "$prev" in --outdir) outdir="$a";; esac; prev="$a"; done\n'
        'for a in "$@"; do case "$a" in *.docx)\n'
        f'  cp {TINY_PDF} "$outdir/$(basename "$a" .docx).pdf";;\n'
        "esac; done\n"
    )
    script.chmod(0o755)
    return script


def test_build_json_has_pages_pdf_and_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMDOSSIER_SOFFICE", str(fake_soffice(tmp_path)))
    [profile] = clients(tmp_path, 1)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "build",
            str(profile.parent),
            "-o",
            str(out),
            "-j",
            "1",
            "--today",
            "2026-11-23",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)
    assert entry["output"] == str(out / "c0")
    assert entry["pdf"] == str(out / "c0" / "dossier.pdf") and Path(entry["pdf"]).is_file()
    assert entry["manifest"] == str(out / "c0" / "manifest.json")
    manifest = json.loads(Path(entry["manifest"]).read_text(encoding="utf-8"))
    assert entry["pages"] == manifest["pages"] > 0
    assert not [p for p in os.listdir(tmp_path) if p.startswith("numdossier-")]


def test_demo_date_keeps_the_samples_free_of_date_warnings() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    today = re.search(r"^DEMO_TODAY \?= (\S+)$", makefile, re.M)
    assert today and "--today $(DEMO_TODAY)" in makefile
    samples = sorted(ROOT.glob("samples/*/*.toml"))
    result = runner.invoke(app, ["check", "--format", "json", "--today", today[1], *map(str, samples)])
    found = [f["code"] for entry in json.loads(result.stdout) for f in entry["findings"]]
    assert not [code for code in found if code.startswith("DATE-")], found
