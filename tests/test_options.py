"""One validated options object per command (numdossier.options), built in cli.py and passed down:
refused combinations are usage errors (exit 2) in the user's language; the options cross into workers."""

from __future__ import annotations

import pickle
import re
from enum import Enum
from pathlib import Path

import pytest
from pydantic import ValidationError
from support import ROOT, CliRunner

from numdossier import cli
from numdossier.cli import app
from numdossier.errors import ExitCode
from numdossier.kinds import registry
from numdossier.options import BuildOptions, ImportOptions, VerifyOptions, explain
from numdossier.rules import messages

runner = CliRunner()
SAMPLE = ROOT / "samples" / "n96" / "qinghe-96.toml"


@pytest.mark.parametrize(
    ("args", "english"),
    [
        (["check", str(SAMPLE), "--today", "yesterday"], "--today: 'yesterday' is not a date"),
        (["build", str(SAMPLE), "--converter", "http://x"], "--converter: "),
        (["build", str(SAMPLE), "--watermark", " "], "--watermark: the watermark text cannot be empty"),
        # refused before the batch is built, as a usage error (it was exit 3 after building everything)
        (["build", str(SAMPLE), "--report", "r.csv"], "--report: the report r.csv can only be an .xlsx file"),
        (["import", "clients.xlsx", "--template", "n96", "-o", "x.xlsx"], "--template writes a blank"),
        (["import", "--template", "n96"], "Name the template file with -o"),
        (["import", "clients.xlsx"], "Give the spreadsheet and --kind"),
        (["verify", "scan.pdf", "--dossier", "out/x", "--force"], "--force only applies with --split"),
        (
            ["verify", "scan.pdf", "--dossier", "out/x", "--report", "m.txt"],
            "--report: the marked-up copy m.txt is a PDF",
        ),
        (["init", "x", "--kind", "n97"], "--kind: "),
        (["template", "vars", "n97"], "KIND: Unknown kind"),  # its argument, as the usage line names it
    ],
)
def test_a_refused_combination_is_a_usage_error_in_the_users_language(
    args: list[str], english: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == ExitCode.usage, result.output
    assert english in result.output, result.output
    # said like Click's own usage errors: the usage line, and the command's --help (not a bare --help)
    command = " ".join(args[:2]) if args[0] == "template" else args[0]  # the runner calls the CLI "root"
    assert f"Usage: root {command} [OPTIONS]" in result.output, result.output
    assert f"See root {command} --help for the usage." in result.output, result.output
    assert not re.search(r"Traceback|ValidationError|pydantic", result.output)
    chinese = runner.invoke(app, [*args, "--lang", "zh"])
    assert chinese.exit_code == ExitCode.usage and f"用 root {command} --help 查看用法" in chinese.output
    assert f"用法：root {command} [选项]" in chinese.output, chinese.output
    assert not list(tmp_path.iterdir())  # refused before anything ran


def test_the_rules_live_in_the_models() -> None:
    with pytest.raises(ValidationError) as refused:
        ImportOptions(template="n96")
    assert "-o" in explain(refused.value).message
    with pytest.raises(ValidationError):
        VerifyOptions(dossier=Path("out/x"), force=True)
    with pytest.raises(ValidationError):
        BuildOptions(jobs=0)
    with messages.using("en"), pytest.raises(ValidationError) as refused:
        BuildOptions.model_validate({"today": "2026-13-01"})
    assert explain(refused.value).message == "--today: '2026-13-01' is not a date; write it as 2026-11-23"


def test_build_options_travel_to_workers_with_their_language() -> None:
    with messages.using("en"):
        options = BuildOptions.model_validate({"today": "2026-11-23", "jobs": 2, "seam": True})
    assert options.lang == "en" and options.today.isoformat() == "2026-11-23"
    assert pickle.loads(pickle.dumps(options)) == options
    with pytest.raises(ValidationError):  # frozen: a stage cannot change the batch's options
        options.seam = False


def test_no_state_beside_the_commands_and_one_list_of_kinds() -> None:
    assert not hasattr(cli, "_state")
    enums = [v for v in vars(cli).values() if isinstance(v, type) and issubclass(v, Enum)]
    assert enums and not [e for e in enums if set(e.__members__) & set(registry.names())]


def test_the_top_level_help_names_every_registered_kind() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0
    for name in registry.names():
        assert registry.get(name).title in result.output


def test_findings_in_a_pipe_are_one_block_each_with_whole_field_names(tmp_path: Path) -> None:
    profile = tmp_path / "p.toml"
    text = SAMPLE.read_text(encoding="utf-8").replace('postcode = "310012"', 'postcode = "31001"', 1)
    profile.write_text(text, encoding="utf-8")
    for attachments in (SAMPLE.parent / "attachments",):
        (tmp_path / "attachments").symlink_to(attachments)
    result = runner.invoke(app, ["check", str(profile), "--today", "2026-11-23", "--lang", "en"])
    lines = result.stdout.splitlines()
    at = lines.index("  error POSTCODE company.postcode")
    assert lines[at + 1] == "    The postcode '31001' must be 6 digits"
    assert lines[at + 2].startswith("    → Give the 6-digit postcode")
