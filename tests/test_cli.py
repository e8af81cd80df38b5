"""The command line contract: exit codes, JSON shapes, messages naming the field or file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from support import ROOT, CliRunner

from numdossier.cli import app
from numdossier.errors import ExitCode

SAMPLE_DIR = ROOT / "samples" / "n96"
SAMPLE = SAMPLE_DIR / "qinghe-96.toml"
runner = CliRunner()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A private copy of the sample, free to mutate."""
    folder = tmp_path / "client"
    shutil.copytree(SAMPLE_DIR, folder)
    return folder / "qinghe-96.toml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check_json(*args: str) -> tuple[int, list[dict[str, Any]]]:
    result = runner.invoke(app, ["check", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def codes(entry: dict[str, Any]) -> set[tuple[str, str | None]]:
    return {(f["code"], f["field"]) for f in entry["findings"]}


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("numdossier ")


def test_check_sample_is_clean() -> None:
    code, data = check_json(str(SAMPLE))
    assert code == ExitCode.ok
    assert data[0]["ok"] is True and data[0]["errors"] == 0 and data[0]["kind"] == "n96"
    assert data[0]["output"] is None


def test_check_text_output() -> None:
    result = runner.invoke(app, ["check", str(SAMPLE)])
    assert result.exit_code == 0
    assert "0 个错误" in result.stdout and "公章" in result.stdout


def test_missing_and_unknown_attachments(sample: Path) -> None:
    edit(
        sample,
        'business_licence = ["attachments/营业执照.jpg"]\n',
        'bussiness_licence = ["attachments/营业执照.jpg"]\n',
    )
    edit(sample, "attachments/branches/温州-营业执照.jpg", "attachments/branches/温州-执照.jpg")
    code, data = check_json(str(sample))
    assert code == ExitCode.input_error
    found = codes(data[0])
    assert ("ATTACH-MISSING", "attachments.business_licence") in found
    assert ("ATTACH-UNKNOWN-ITEM", "attachments.bussiness_licence") in found
    assert ("ATTACH-NOT-FOUND", "branches[1].proofs[0]") in found
    unknown = next(f for f in data[0]["findings"] if f["code"] == "ATTACH-UNKNOWN-ITEM")
    assert "business_licence" in unknown["hint"]
    missing = next(f for f in data[0]["findings"] if f["code"] == "ATTACH-NOT-FOUND")
    assert missing["file"] == "attachments/branches/温州-执照.jpg"


def test_outside_unreadable_and_one_sided(sample: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4\n")
    edit(sample, '"attachments/道路运输经营许可证.pdf"', '"../secret.pdf"')
    (sample.parent / "attachments" / "fake.jpg").write_text("这不是图片", encoding="utf-8")
    edit(sample, '"attachments/营业执照.jpg"', '"attachments/fake.jpg"')
    edit(sample, ', "attachments/法定代表人身份证-反面.jpg"', "")
    code, data = check_json(str(sample))
    assert code == ExitCode.input_error
    found = codes(data[0])
    assert ("ATTACH-OUTSIDE", "attachments.industry_permit[0]") in found
    assert ("ATTACH-UNREADABLE", "attachments.business_licence[0]") in found
    assert ("ATTACH-SIDES", "attachments.legal_rep_id") in found


def test_encrypted_pdf_is_reported(sample: Path) -> None:
    shutil.copy(
        ROOT / "tests/resources/realworld/005-libreoffice-writer-password.pdf",
        sample.parent / "attachments" / "locked.pdf",
    )
    edit(sample, '"attachments/道路运输经营许可证.pdf"', '"attachments/locked.pdf"')
    code, data = check_json(str(sample))
    assert code == ExitCode.input_error
    assert ("ATTACH-ENCRYPTED", "attachments.industry_permit[0]") in codes(data[0])


def test_schema_errors_are_findings(sample: Path) -> None:
    edit(sample, "digits = 5", "digits = 7")
    code, data = check_json(str(sample))
    assert code == ExitCode.input_error
    assert data[0]["kind"] is None
    assert ("PROFILE-INVALID", "n96.digits") in codes(data[0])


def test_syntax_error_names_line(sample: Path) -> None:
    edit(sample, "[company]", "[company")
    result = runner.invoke(app, ["check", str(sample)])
    assert result.exit_code == ExitCode.input_error and str(sample) in result.stdout
    code, data = check_json(str(sample))
    assert code == ExitCode.input_error and "第 7 行第 9 列" in data[0]["findings"][0]["message"]


def test_several_profiles_in_order(sample: Path) -> None:
    code, data = check_json(str(SAMPLE), str(sample.parent / "missing.toml"))
    assert code == ExitCode.input_error
    assert [d["ok"] for d in data] == [True, False]


def test_usage_errors_exit_2() -> None:
    assert runner.invoke(app, ["check", "--today", "yesterday", str(SAMPLE)]).exit_code == ExitCode.usage
    assert runner.invoke(app, ["frobnicate"]).exit_code == ExitCode.usage
    assert runner.invoke(app, ["init", "x.toml", "--kind", "n97"]).exit_code == ExitCode.usage


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_init_writes_starter_and_readme(lang: str, tmp_path: Path) -> None:
    target = tmp_path / "acme" / "acme-96.toml"
    result = runner.invoke(app, ["init", str(target), "--kind", "n96", "--lang", lang])
    assert result.exit_code == 0, result.output
    assert target.is_file() and (target.parent / "attachments" / "README.md").is_file()
    first_comment = target.read_text(encoding="utf-8").splitlines()[1]  # below Taplo's directive
    assert first_comment.startswith("# 96 号段" if lang == "zh" else "# Application for a 96 ")
    # refuses to overwrite without --force, keeps the user's file
    target.write_text("# mine\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(target), "--kind", "n96"])
    assert result.exit_code == ExitCode.input_error and "--force" in result.output
    assert target.read_text(encoding="utf-8") == "# mine\n"
    assert runner.invoke(app, ["init", str(target), "--kind", "n96", "--force"]).exit_code == 0
    # the starter loads; check lists what is still to be filled in
    code, data = check_json(str(target))
    assert code == ExitCode.input_error
    found = {c for c, _ in codes(data[0])}
    assert {"FIELD-MISSING", "ATTACH-NOT-FOUND"} <= found
    assert "PROFILE-INVALID" not in found


def test_build_refuses_errors_without_force(sample: Path, tmp_path: Path) -> None:
    edit(sample, '"attachments/营业执照.jpg"', '"attachments/nope.jpg"')
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(sample), "-o", str(out), "--format", "json"])
    assert result.exit_code == ExitCode.input_error
    data = json.loads(result.stdout)
    assert data[0]["ok"] is False and data[0]["output"] is None
    assert not (out / "qinghe-96" / "dossier.pdf").exists()


def test_id_numbers_are_masked(sample: Path) -> None:
    edit(sample, 'name = "林晓禾"', 'name = "11010519491231002X"')
    edit(sample, 'name = "浙江青禾示例物流有限公司"', 'name = ""')
    result = runner.invoke(app, ["check", str(sample)])
    assert "11010519491231002X" not in result.stdout


# --- the rule catalogue through the command line ---------------------------------------------------

ALL_SAMPLES = sorted(ROOT.glob("samples/*/*.toml"))


@pytest.mark.parametrize("profile", ALL_SAMPLES, ids=[p.parent.name for p in ALL_SAMPLES])
def test_every_sample_checks_clean(profile: Path) -> None:
    code, data = check_json(str(profile), "--today", "2026-11-23")
    assert code == ExitCode.ok, data[0]["findings"]
    assert data[0]["errors"] == 0 and data[0]["warnings"] == 0


def test_json_shape_with_summary() -> None:
    code, data = check_json(str(SAMPLE), "--today", "2026-11-23")
    assert list(data[0]) == ["profile", "kind", "ok", "errors", "warnings", "findings", "output", "summary"]
    summary = data[0]["summary"]
    assert summary["fee"]["amount"] == 48000 and summary["fee"]["region"] == "浙江省"
    assert summary["seal"]["rule"] == "every_page"
    assert {s["who"] for s in summary["signatures"]} == {"法定代表人", "申请单位"}


def test_text_output_ends_with_fee_and_signatures() -> None:
    result = runner.invoke(app, ["check", str(SAMPLE), "--today", "2026-11-23"])
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    fee = next(i for i, line in enumerate(lines) if "码号资源占用费" in line)
    assert "48,000 元/年" in lines[fee]
    assert any("每一页都须加盖公司公章" in line for line in lines[fee:])


def test_several_planted_problems_all_reported(sample: Path) -> None:
    edit(sample, 'uscc = "91330106MA2H7K316F"', 'uscc = "91330106MA2H7K316G"')
    edit(sample, 'postcode = "310012"', 'postcode = "31001"')
    edit(sample, 'city = "温州市"', 'city = "义乌市"')
    edit(sample, "connect_rate = 95", "connect_rate = 120")
    edit(sample, 'email = "kefu@qinghe-example.cn"', 'email = "kefu@qinghe"')
    code, data = check_json(str(sample), "--today", "2026-11-23")
    assert code == ExitCode.input_error
    assert {
        ("USCC-FORMAT", "company.uscc"),
        ("POSTCODE", "company.postcode"),
        ("N96-BRANCH-COVERAGE", "branches[1].city"),
        ("N96-BRANCH-COVERAGE", "branches"),
        ("N96-SEATS", "n96.connect_rate"),
        ("EMAIL", "number_contact.email"),
    } <= codes(data[0])
    assert data[0]["errors"] == 6


def test_lang_en(sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMDOSSIER_LANG", "zh")
    edit(sample, 'postcode = "310012"', 'postcode = "31001"')
    result = runner.invoke(app, ["check", str(sample), "--today", "2026-11-23", "--lang", "en"])
    assert result.exit_code == ExitCode.input_error
    assert os.environ["NUMDOSSIER_LANG"] == "zh"  # passed down, never written to the environment
    assert "  error POSTCODE company.postcode\n" in result.stdout  # a pipe: one block a finding
    assert "Number occupancy fee: 48,000 yuan" in result.stdout
    assert "1 error, 0 warnings" in result.stdout
    code, data = check_json(str(sample), "--today", "2026-11-23", "--lang", "en")
    assert data[0]["findings"][0]["message"] == "The postcode '31001' must be 6 digits"
    monkeypatch.setenv("NUMDOSSIER_LANG", "en_US.UTF-8")
    code, data = check_json(str(sample), "--today", "2026-11-23")
    assert data[0]["findings"][0]["hint"] == "Give the 6-digit postcode of the postal address."
    assert runner.invoke(app, ["check", str(sample), "--lang", "fr"]).exit_code == ExitCode.usage


def test_an_unsupported_numdossier_lang_is_said_once_on_stderr(sample: Path) -> None:
    """NUMDOSSIER_LANG=fr: one line on stderr, in Chinese (what the user then gets), naming the value and
    zh, en; the output and exit code are those of Chinese. A real process: said once in all of it."""
    from support import run_cli

    args = ("check", str(sample), "--today", "2026-11-23")
    chinese = run_cli(*args, env={"NUMDOSSIER_LANG": "zh"})
    french = run_cli(*args, env={"NUMDOSSIER_LANG": "fr"})
    assert french.returncode == chinese.returncode == ExitCode.ok
    assert french.stdout == chinese.stdout
    told = [line for line in french.stderr.splitlines() if "NUMDOSSIER_LANG" in line]
    assert told == ["NUMDOSSIER_LANG=fr 不是支持的语言（可用：zh、en），按中文输出。"], french.stderr
    assert "Warning" not in french.stderr
    for fine in ("en_US.UTF-8", "zh_CN", "EN"):
        assert "NUMDOSSIER_LANG" not in run_cli(*args, env={"NUMDOSSIER_LANG": fine}).stderr
    # --lang decides over the setting: nothing to say; --lang fr itself is a usage error (as before)
    assert "NUMDOSSIER_LANG" not in run_cli(*args, "--lang", "en", env={"NUMDOSSIER_LANG": "fr"}).stderr
    assert runner.invoke(app, [*args, "--lang", "fr"]).exit_code == ExitCode.usage


def test_an_unsupported_numdossier_lang_warns_a_library_user_once(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library prints nothing itself: a UserWarning (the warnings module's to show or filter), once."""
    import warnings

    from numdossier import api
    from numdossier.rules import messages

    monkeypatch.setenv("NUMDOSSIER_LANG", "fr")
    monkeypatch.setattr(messages, "_TOLD", set())
    with pytest.warns(UserWarning, match="NUMDOSSIER_LANG=fr") as said:
        (result,) = api.check([sample])
    assert len(said) == 1 and messages.language() == "zh"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        api.check([sample])  # told already: quiet
        monkeypatch.setenv("NUMDOSSIER_LANG", "en")
        api.check([sample])


def test_a_global_option_after_the_command_says_where_it_goes() -> None:
    result = runner.invoke(app, ["build", "--debug", "x.toml"])
    assert result.exit_code == ExitCode.usage
    assert "--debug：它是全局选项，写在命令之前：" in result.stderr and " --debug build …" in result.stderr
    result = runner.invoke(app, ["template", "check", "--debug", "x.docx", "--lang", "en"])
    assert result.exit_code == ExitCode.usage
    assert "written before the command: " in result.stderr and " --debug template check ..." in result.stderr
    assert "全局" not in runner.invoke(app, ["build", "--nope", "x.toml"]).stderr


@pytest.mark.parametrize(
    ("args", "offered", "not_offered"),
    [
        (["biuld"], "是否要用 build", None),
        (["inti"], "是否要用 init", None),
        (["conv"], "是否要用 converter", None),  # a beginning
        (["example"], None, "template"),  # 0.67 alike: far-fetched
        (["chek"], "是否要用 check", "schema"),
        (["build", "x.toml", "--forse"], "是否要用 --force", None),
        (["build", "x.toml", "--formt"], "是否要用 --format", "--force"),
        (["build", "x.toml", "--out", "o"], "是否要用 --output", None),
        (["build", "x.toml", "--example"], None, "--templates"),
    ],
)
def test_only_close_commands_and_options_are_offered(
    args: list[str], offered: str | None, not_offered: str | None
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == ExitCode.usage
    (said,) = [line for line in result.stderr.splitlines() if "没有命令" in line or "没有选项" in line]
    assert (offered in said) if offered is not None else ("是否要用" not in said), said
    assert not_offered is None or not_offered not in said, said


def test_check_masks_ids_in_findings(sample: Path) -> None:
    edit(sample, 'id_number = "330106198503120036"', 'id_number = "330106198503120037"')
    result = runner.invoke(app, ["check", str(sample), "--today", "2026-11-23", "--format", "json"])
    assert "330106198503120037" not in result.stdout and "ID-FORMAT" in result.stdout


def test_files_of_an_item_that_does_not_apply_are_flagged(tmp_path: Path) -> None:
    folder = tmp_path / "n95"
    shutil.copytree(ROOT / "samples" / "n95", folder)
    profile = next(folder.glob("*.toml"))
    edit(profile, 'prefix = "952"', 'prefix = "955"')
    code, data = check_json("--today", "2026-11-23", str(profile))
    found = [f for f in data[0]["findings"] if f["code"] == "ATTACH-NOT-APPLICABLE"]
    assert len(found) == 1 and found[0]["severity"] == "warning"
    assert found[0]["field"].startswith("attachments.licence_copy")
