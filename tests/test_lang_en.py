"""`--lang en` over every command (issue 14, point 1): with a failing profile and bad inputs, no CJK
character reaches the output outside quoted data — the user's (the profile's values, file names) and the
names of the documents themselves (checklist item titles and kind titles, printed on the dossier in
Chinese whatever the language), the vocabulary and glosses the English starters quote (starter_words)
and the schema's patterns. No case is expected to fail: every command speaks English.

Also: every catalogue key the CLI-side modules ask for by a literal exists, in both languages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import ROOT, starter_comments, user_words
from typer.testing import CliRunner

from numdossier.cli import app
from numdossier.errors import ExitCode
from numdossier.kinds import load_checklist, registry
from numdossier.rules import messages
from numdossier.schema import PATTERNS

runner = CliRunner()
SAMPLE_DIR = ROOT / "samples" / "n96"
# CJK ideographs, CJK punctuation, full-width forms ("（", "："): any of them in English output is Chinese.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def names() -> list[str]:
    """The documents' own names: kind titles and every checklist item's title (printed on the dossier)."""
    found = []
    for kind in registry.names():
        found.append(registry.get(kind).title)
        checklist = load_checklist(kind)
        found += [checklist.title, *(item.title for item in checklist.items)]
    return found


def chinese_outside_data(output: str, data: list[str]) -> list[str]:
    """The runs of CJK characters in `output` that are not part of one of the `data` strings."""
    return [run for run in CJK.findall(output) if not any(run in d for d in data)]


@pytest.fixture
def client(tmp_path: Path) -> Path:
    """The n96 sample with planted errors (postcode, connect rate): a profile that fails check."""
    folder = tmp_path / "client"
    shutil.copytree(SAMPLE_DIR, folder)
    profile = folder / "qinghe-96.toml"
    text = profile.read_text(encoding="utf-8")
    text = text.replace('postcode = "310012"', 'postcode = "31001"', 1).replace(
        "connect_rate = 95", "connect_rate = 120", 1
    )
    profile.write_text(text, encoding="utf-8")
    return profile


def starter_words() -> list[str]:
    """The user's Chinese in the English starters' comments (the fields' descriptions): quoted values and
    vocabulary ("分公司", e.g. "杭州") and glosses of documents' names ("(营业执照)"); that nothing else
    there is Chinese is test_starter_languages.py's."""
    found: list[str] = []
    for kind in registry.names():
        for _, comment in starter_comments(registry.get(kind).starter("en")):
            found += user_words(comment)[0]
    return found


# (case id, arguments with {profile}/{folder}/{tmp} filled in, the exit code, marks)
CASES: list[tuple[str, list[str], int, list[Any]]] = [
    ("init", ["init", "{tmp}/new", "--kind", "n96"], ExitCode.ok, []),
    ("init-exists", ["init", "{profile}", "--kind", "n96"], ExitCode.input_error, []),
    ("init-unknown-kind", ["init", "{tmp}/new", "--kind", "n97"], ExitCode.usage, []),
    ("schema", ["schema", "n96"], ExitCode.ok, []),
    ("check", ["check", "{profile}", "--today", "2026-11-23"], ExitCode.input_error, []),
    (
        "check-json",
        ["check", "{profile}", "--today", "2026-11-23", "--format", "json"],
        ExitCode.input_error,
        [],
    ),
    (
        "check-report",
        ["check", "{profile}", "--format", "json", "--report", "{tmp}/r.xlsx"],
        ExitCode.input_error,
        [],
    ),
    ("check-unreadable", ["check", "{tmp}/bad.toml"], ExitCode.input_error, []),
    ("check-empty-folder", ["check", "{tmp}/empty"], ExitCode.usage, []),
    ("check-bad-date", ["check", "{profile}", "--today", "yesterday"], ExitCode.usage, []),
    (
        "build",
        ["build", "{profile}", "-o", "{tmp}/out", "--today", "2026-11-23"],
        ExitCode.input_error,
        [],
    ),
    (
        "build-json",
        [
            "build",
            "{profile}",
            "{tmp}/bad.toml",
            "-o",
            "{tmp}/out",
            "--today",
            "2026-11-23",
            "--format",
            "json",
        ],
        ExitCode.input_error,
        [],
    ),
    ("build-bad-converter", ["build", "{profile}", "--converter", "http://x"], ExitCode.usage, []),
    ("verify", ["verify", "{tmp}/scan.pdf", "--dossier", "{tmp}/out/none"], ExitCode.input_error, []),
    (
        "verify-force",
        ["verify", "{tmp}/scan.pdf", "--dossier", "{tmp}/out/none", "--force"],
        ExitCode.usage,
        [],
    ),
    ("import-template", ["import", "--template", "n96", "-o", "{tmp}/t.xlsx"], ExitCode.ok, []),
    (
        "import",
        ["import", "{tmp}/clients.csv", "--kind", "n96", "-o", "{tmp}/imported"],
        ExitCode.input_error,
        [],
    ),
    ("import-missing", ["import", "{tmp}/none.csv", "--kind", "n96"], ExitCode.input_error, []),
    ("template-vars", ["template", "vars", "n96"], ExitCode.ok, []),
    (
        "template-check",
        ["template", "check", "{tmp}/t.docx", "--kind", "n96"],
        ExitCode.input_error,
        [],
    ),
    (
        "template-export",
        ["template", "export", "n96", "nope", "-o", "{tmp}/x.docx"],
        ExitCode.usage,
        [],
    ),
    ("converter-status", ["converter", "status", "--port", "2999"], ExitCode.environment, []),
    ("converter-stop", ["converter", "stop", "--port", "2999"], ExitCode.ok, []),
]


@pytest.mark.parametrize(
    ("args", "code"),
    [pytest.param(args, code, id=name, marks=marks) for name, args, code, marks in CASES],
)
def test_every_command_speaks_english(
    args: list[str], code: int, client: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NUMDOSSIER_LANG", raising=False)  # --lang alone decides
    monkeypatch.setenv("NUMDOSSIER_STATE_DIR", str(tmp_path / "state"))
    (tmp_path / "bad.toml").write_text('kind = "n96"\nname = \n', encoding="utf-8")
    (tmp_path / "empty").mkdir()
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "t.docx").write_text("not a docx", encoding="utf-8")
    (tmp_path / "clients.csv").write_text(
        "name,company.name,signing.date,legal_rep.id_number,nonsense\nacme,某某公司,yesterday,123,x\n,,,,\n",
        encoding="utf-8",
    )
    filled = [a.format(profile=client, folder=client.parent, tmp=tmp_path) for a in args]
    result = runner.invoke(app, [*filled, "--lang", "en"])
    assert result.exit_code == code, result.output
    profile = tomllib.loads(client.read_text(encoding="utf-8"))
    patterns = list(PATTERNS.values())  # the schema's regular expressions accept "（）", "转", "分机"
    data = [*strings(profile), "某某公司", str(tmp_path), *names(), *starter_words(), *patterns]
    assert chinese_outside_data(result.output, data) == [], result.output
    if "--report" in args:
        from openpyxl import load_workbook

        book = load_workbook(tmp_path / "r.xlsx")
        cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c]
        assert chinese_outside_data("\n".join(cells), data) == []
    if "json" in args:
        json.loads(result.stdout)


def test_help_follows_numdossier_lang() -> None:
    """Click renders --help before a command runs: help texts are chosen at import, by NUMDOSSIER_LANG."""
    env = {"NUMDOSSIER_LANG": "en", "COLUMNS": "200", "PATH": "/usr/bin:/bin"}
    for args in ([], ["check"], ["build"], ["converter", "start"]):
        run = subprocess.run(
            [sys.executable, "-m", "numdossier.cli", *args, "--help"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            cwd=ROOT,
        )
        assert run.returncode == 0, run.stderr
        assert chinese_outside_data(run.stdout, names()) == [], run.stdout


KEY = re.compile(r"""\b(?:text|say|messages\.text)\(\s*"([a-z_][\w.]*)\"""")
HELP = re.compile(r"""\b_help\(\s*"([a-z_][\w.]*)\"""")


def test_every_key_the_cli_side_asks_for_is_in_both_languages() -> None:
    modules = [
        "cli",
        "options",
        "importer",
        "init",
        "sheets",
        "batch",
        "report",
        "preview",
        "schema",
        "errors",
    ]
    asked = set()
    for name in modules:
        source = (ROOT / "numdossier" / f"{name}.py").read_text(encoding="utf-8")
        asked |= set(KEY.findall(source)) | {f"cli.help.{k}" for k in HELP.findall(source)}
    assert len(asked) > 100
    for key in sorted(asked):
        entry = messages.entry(key)
        assert {"zh", "en"} <= set(entry), key


def test_a_template_written_in_english_is_read_in_chinese(tmp_path: Path) -> None:
    """Row 2 of the blank spreadsheet holds the titles in the language it was written in: import skips it
    in either language rather than reading it as a client."""
    from numdossier.importer import import_profiles
    from numdossier.sheets import write_template

    with messages.using("en"):
        template = write_template("n96", tmp_path / "t.xlsx")
    with messages.using("zh"):
        result = import_profiles(template, "n96", tmp_path / "out")
    assert result.profiles == [] and result.problems == []
