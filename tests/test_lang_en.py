"""`--lang en` over every command (issue 14, point 1): with a failing profile and bad inputs, no CJK
character reaches the output outside quoted data — the user's (the profile's values, file names) and the
names of the documents themselves (checklist item titles and kind titles, printed on the dossier in
Chinese whatever the language), the vocabulary and glosses the English starters quote (starter_words)
and the schema's patterns. No case is expected to fail: every command speaks English.

--help of every command and group and each kind of usage error (Click's own words: "Usage:", the help
option, the panels, no such option/command, missing argument/option/command, a bad choice, range or
number, extra arguments) follow --lang wherever it is written, over NUMDOSSIER_LANG: no CJK in English,
the Chinese words in Chinese, exit code 2 for a usage error.

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
from support import ROOT, CliRunner, starter_comments, user_words

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
@pytest.mark.usefixtures("short_templates")
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


def command_paths() -> list[list[str]]:
    """Every command and group of the CLI, as the words that name it ([] is numdossier itself)."""
    import typer

    found: list[list[str]] = []

    def walk(command: Any, path: list[str]) -> None:
        found.append(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


PATHS = command_paths()
# --lang before the command (the top level's), after it, after --help: Click renders the help as it meets
# --help, so the language has to be known from the arguments before parsing.
PLACES = {
    "top": lambda path, lang: ["--lang", lang, *path, "--help"],
    "command": lambda path, lang: [*path, "--lang", lang, "--help"],
    "after-help": lambda path, lang: [*path, "--help", "--lang", lang],
}
ENGLISH_WORDS = ("Usage:", "[OPTIONS]", "Show this message and exit", "Options")
CHINESE_WORDS = ("用法：", "[选项]", "显示此帮助并退出", "选项")


def test_every_command_path_is_met() -> None:
    assert ["build"] in PATHS and ["converter", "start"] in PATHS and ["template", "check"] in PATHS
    assert len(PATHS) == 15, PATHS


# Each command's help in both languages, with --lang in one of the three places, taken in turn: every
# place is met by the top level, a group and commands at both depths (test_every_place_is_met).
PLACED = [(path, list(PLACES)[n % len(PLACES)]) for n, path in enumerate(PATHS)]


def test_every_place_is_met() -> None:
    for place in PLACES:
        paths = [path for path, where in PLACED if where == place]
        groups = [path for path in paths if path in ([], ["converter"], ["template"])]
        assert groups and len(paths) > len(groups), (place, paths)
        assert any(len(path) == 1 for path in paths if path not in groups), (place, paths)
        assert any(len(path) == 2 for path in paths), (place, paths)


@pytest.mark.parametrize(
    ("path", "place"), PLACED, ids=[f"{'-'.join(path) or 'numdossier'}-{place}" for path, place in PLACED]
)
def test_help_follows_lang(path: list[str], place: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """--help in English by --lang en over NUMDOSSIER_LANG=zh, in Chinese by --lang zh over en. A flag
    shows no type (`--force <bool>` reads as if it took a value), a list its element's, a range its
    number's: no <bool>, <list[Path]> or <int range> in any command's help."""
    monkeypatch.setenv("COLUMNS", "200")
    for lang, other, words, foreign in (
        ("en", "zh", ENGLISH_WORDS, CHINESE_WORDS),
        ("zh", "en", CHINESE_WORDS, ENGLISH_WORDS),
    ):
        monkeypatch.setenv("NUMDOSSIER_LANG", other)
        result = runner.invoke(app, PLACES[place](path, lang))
        assert result.exit_code == 0, result.output
        for word in words:
            assert word in result.output, (lang, word, result.output)
        for word in foreign:
            assert word not in result.output, (lang, word, result.output)
        for python in ("<bool>", "list[", " range>", "<Path>"):
            assert python not in result.output, (lang, python, result.output)
        if lang == "en":
            assert chinese_outside_data(result.output, []) == [], result.output
        if path[:1] == ["build"]:  # an argument written the way Click writes it, no {profiles} left
            assert f"build {words[1]} PROFILES..." in result.output, result.output
            assert re.search(r"--jobs\s+-j\s+<int> \[x>=1\]", result.output), result.output
            assert re.search(r"profiles\.\.\.\s+<path>", result.output), result.output
            assert re.search(r"--force\s{2,}\S", result.output), result.output
        if path in ([], ["converter"], ["template"]):
            assert ("Commands" if lang == "en" else "命令") in result.output


def test_help_of_a_group_without_its_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """`numdossier converter`: the group's help (Typer's no_args_is_help), in the language asked for."""
    monkeypatch.delenv("NUMDOSSIER_LANG", raising=False)
    english = runner.invoke(app, ["--lang", "en", "converter"])
    chinese = runner.invoke(app, ["converter"])
    assert english.exit_code == chinese.exit_code == ExitCode.usage
    assert "Commands" in english.output and chinese_outside_data(english.output, []) == []
    assert "命令" in chinese.output and "Commands" not in chinese.output


def test_the_help_texts_differ_in_each_language() -> None:
    """The help texts are said again in --lang's language by their words as Typer was given them: no
    two help texts may read the same in either language."""
    from numdossier import cli

    assert len(cli._SAID) > 50
    said = {(key, tuple(values)): (key, values) for key, values in cli._SAID.values()}
    for lang in ("zh", "en"):
        with messages.using(lang):
            texts = [cli._say(key, values) for key, values in said.values()]
        assert len(set(texts)) == len(texts), lang


def test_the_language_is_read_from_the_arguments() -> None:
    from numdossier.cli import spoken_in

    assert spoken_in(["build", "x", "--lang", "en"]) == "en"
    assert spoken_in(["--lang=en", "build", "--lang", "zh"]) == "zh"  # the last, as Click takes it
    assert spoken_in(["build", "--lang", "fr"]) is None  # refused by the parser, in the default language
    assert spoken_in(["build", "--lang"]) is None
    assert spoken_in(["build", "--", "--lang", "en"]) is None  # after --, an argument
    assert spoken_in(["build", "--language", "en"]) is None


# (case, arguments, a word of the Chinese error, the English error's words)
USAGE_ERRORS: list[tuple[str, list[str], str, str]] = [
    (
        "no-such-option",
        ["build", "--forse", "x"],
        "没有选项 --forse，是否要用 --force",
        "No such option: --forse. Did you mean --force",
    ),
    ("no-such-top-option", ["--nope", "check"], "没有选项 --nope", "No such option: --nope"),
    (
        "no-such-command",
        ["buidl"],
        "没有命令 'buidl'，是否要用 build",
        "No such command 'buidl'. Did you mean build",
    ),
    ("missing-argument", ["build"], "缺少参数 'PROFILES'", "Missing argument 'PROFILES'"),
    ("missing-option", ["init", "x"], "缺少选项 '--kind'", "Missing option '--kind'"),
    ("missing-command", ["--debug"], "缺少命令：init、schema", "Missing command: init, schema"),
    (
        "missing-sub-command",
        ["template", "--lang", "{lang}"],
        "缺少命令：export、vars、check",
        "Missing command: export, vars, check",
    ),
    (
        "not-a-choice",
        ["check", "x", "--format", "xml"],
        "'--format' 的取值 'xml' 无效，可选：text、json",
        "Invalid value for '--format': 'xml' is not one of text, json",
    ),
    (
        "not-a-language",
        ["check", "x", "--lang", "fr"],
        "'--lang' 的取值 'fr' 无效，可选：zh、en",
        "Invalid value for '--lang': 'fr' is not one of zh, en",
    ),
    (
        "below-range",
        ["build", "-j", "0", "x"],
        "超出范围：应不小于 1",
        "is out of range: it must be at least 1",
    ),
    (
        "out-of-range",
        ["converter", "start", "--port", "70000"],
        "超出范围：应在 1 到 65535 之间",
        "it must be between 1 and 65535",
    ),
    (
        "not-an-integer",
        ["build", "-j", "abc", "x"],
        "'-j' / '--jobs' 的取值 'abc' 不是整数",
        "'abc' is not an integer",
    ),
    (
        "extra-arguments",
        ["schema", "n96", "extra", "more"],
        "多余的参数：extra、more",
        "Unexpected extra arguments: extra, more",
    ),
    (
        "needs-a-value",
        ["init", "x", "--kind"],
        "选项 --kind 后面要写一个取值",
        "Option --kind requires a value",
    ),
    (
        "flag-given-a-value",
        ["build", "x", "--force=1"],
        "选项 --force 不接受取值",
        "Option --force does not take a value",
    ),
    (  # the kind is schema's argument: named as the usage line writes it, not as an option it lacks
        "unknown-kind-argument",
        ["schema", "n97"],
        "KIND: 未知的申请类型 'n97'（您是否想写 'n96'？）",
        "KIND: Unknown kind of application 'n97'. Did you mean 'n96'?",
    ),
    (
        "unknown-kind-option",
        ["template", "check", "x.docx", "--kind", "n97"],
        "--kind: 未知的申请类型 'n97'",
        "--kind: Unknown kind of application 'n97'. Did you mean 'n96'?",
    ),
    (  # the message's full stop and the hint's sentence: one full stop between them
        "bad-converter-address",
        ["build", "x", "--converter", "foo://bar"],
        "'foo://bar' 无法识别（应写成",
        "'foo://bar' is not understood. Write unoserver://HOST:PORT",
    ),
]


def usage_error(args: list[str], lang: str) -> Any:
    """The case run with --lang at the top, over NUMDOSSIER_LANG in the other language."""
    filled = [a.format(lang=lang) for a in args]
    return runner.invoke(app, ["--lang", lang, *filled] if args != ["check", "x", "--lang", "fr"] else filled)


@pytest.mark.parametrize(
    ("args", "chinese", "english"), [pytest.param(a, zh, en, id=i) for i, a, zh, en in USAGE_ERRORS]
)
def test_usage_errors_speak_english(
    args: list[str], chinese: str, english: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NUMDOSSIER_LANG", "en" if "fr" in args else "zh")
    result = usage_error(args, "en")
    assert result.exit_code == ExitCode.usage, result.output
    assert chinese_outside_data(result.output, []) == [], result.output
    assert english in result.output, result.output
    assert "Usage: " in result.output and "--help" in result.output, result.output


@pytest.mark.parametrize(
    ("args", "chinese", "english"), [pytest.param(a, zh, en, id=i) for i, a, zh, en in USAGE_ERRORS]
)
def test_usage_errors_speak_chinese(
    args: list[str], chinese: str, english: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NUMDOSSIER_LANG", "zh" if "fr" in args else "en")
    result = usage_error(args, "zh")
    assert result.exit_code == ExitCode.usage, result.output
    assert chinese in result.output, result.output
    assert "用法：" in result.output and "--help 查看用法" in result.output, result.output
    for word in ("Usage:", "Error", "Try ", "Missing", "Invalid", "No such", "Did you mean", "Got "):
        assert word not in result.output, (word, result.output)


def test_the_entry_point_speaks_the_language_of_lang() -> None:
    """The console script's path (numdossier.cli.main via Typer's app(), the arguments read from sys.argv),
    not only the test runner's: the help in English, a usage error in the default Chinese (the usage
    errors of every kind are said in both languages in this process, above)."""
    env = {"COLUMNS": "200", "PATH": "/usr/bin:/bin"}  # no NUMDOSSIER_LANG: Chinese unless --lang says
    cases = (
        (["build", "--help", "--lang", "en"], 0, "Show this message and exit"),
        (["build", "--forse", "x"], ExitCode.usage, "是否要用 --force"),
    )
    started = [  # side by side: each is mostly a Python start
        subprocess.Popen(
            [sys.executable, "-m", "numdossier.cli", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for args, _, _ in cases
    ]
    for (args, code, said), process in zip(cases, started, strict=True):
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == code, stderr
        assert said in stdout + stderr, stdout + stderr
        if "en" in args:
            assert chinese_outside_data(stdout + stderr, []) == [], stdout + stderr


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


@pytest.mark.usefixtures("short_templates")
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
