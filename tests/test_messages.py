"""Messages a user can act on (issue 16, point 2): each problem says where, what is wrong and what to
write, in the user's language, without validator internals; --force is offered only where it helps."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from support import ROOT, CliRunner

from numdossier.cli import app
from numdossier.errors import ProfileError
from numdossier.profile import load_profile

SAMPLE_DIR = ROOT / "samples" / "n96"
SAMPLE = SAMPLE_DIR / "qinghe-96.toml"
N400 = next((ROOT / "samples" / "n400").glob("*.toml"))
runner = CliRunner()
# Words of pydantic's and tomllib's own messages that must never reach a user.
INTERNALS = re.compile(r"literal\[|function-|\bstr\b|\bint\b|Input should| or '|Invalid statement|\(at line")


@pytest.fixture
def client(tmp_path: Path) -> Path:
    folder = tmp_path / "client"
    shutil.copytree(SAMPLE_DIR, folder)
    return folder / SAMPLE.name


def edited(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems(path: Path) -> list[tuple[str, str | None]]:
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    return [(p, h or info.value.hint) for p, h in zip(info.value.problems, info.value.hints, strict=True)]


def findings(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, ["check", "--format", "json", *args])
    return [f for entry in json.loads(result.stdout) for f in entry["findings"]]


def test_utf8_bom_is_accepted(client: Path) -> None:
    client.write_bytes(b"\xef\xbb\xbf" + client.read_bytes())  # what Notepad writes for "UTF-8"
    assert load_profile(client).kind == "n96"


@pytest.mark.parametrize(("encoding", "named"), [("gbk", "GBK"), ("utf-16", "UTF-16")], ids=["gbk", "utf16"])
def test_other_encodings_are_named(client: Path, encoding: str, named: str) -> None:
    client.write_bytes(client.read_text(encoding="utf-8").encode(encoding))
    [(problem, _)] = problems(client)
    assert "不是 UTF-8" in problem and named in problem


def test_syntax_error_in_chinese_with_line_column_and_the_line(client: Path) -> None:
    edited(client, "[company]", "[company")
    [(problem, hint)] = problems(client)
    assert problem == "TOML 语法错误（第 7 行第 9 列）：表头缺少结尾的“]”。该行：[company"
    assert hint == "表头写成 [名称]，如 [company]。"


def test_syntax_error_in_english(client: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMDOSSIER_LANG", "en")
    edited(client, 'postcode = "310012"', "postcode = 310012 元")
    [(problem, hint)] = problems(client)
    assert problem.startswith("TOML syntax error at line ") and "The line: postcode = 310012 元" in problem
    assert not INTERNALS.search(problem + (hint or ""))


@pytest.mark.parametrize(
    ("old", "new", "field", "hint"),
    [
        (
            "date = 2026-11-20",
            'date = "2026-11-20"',
            "signing.date",
            "去掉引号：date = 2026-11-20（在 [signing] 中）",
        ),
        ("digits = 5", 'digits = "5"', "n96.digits", "去掉引号：digits = 5（在 [n96] 中）"),
        (
            "seats = 40",
            'seats = "40"',
            "current_numbers.seats",
            "去掉引号：seats = 40（在 [current_numbers] 中）",
        ),
        (
            "date = 2026-11-20",
            "date = 2026-11-20T10:00:00",
            "signing.date",
            "只写日期，不写时间：date = 2026-11-20（在 [signing] 中）",
        ),
        (
            'id_type = "resident_id"',
            'id_type = "身份证"',
            "legal_rep.id_type",
            '请写代码而不是中文说明：id_type = "resident_id"（在 [legal_rep] 中）',
        ),
    ],
    ids=["quoted-date", "quoted-choice-number", "quoted-int", "datetime", "chinese-for-code"],
)
def test_type_errors_say_what_to_write(client: Path, old: str, new: str, field: str, hint: str) -> None:
    edited(client, old, new)
    [(problem, own_hint)] = problems(client)
    assert problem.startswith(f"{field}: ") and own_hint == hint
    assert not INTERNALS.search(problem)


def test_long_term_in_chinese_is_one_problem_without_validator_paths(client: Path) -> None:
    edited(client, "id_valid_until = 2036-05-01", 'id_valid_until = "长期"')
    [(problem, hint)] = problems(client)
    assert problem.startswith("legal_rep.id_valid_until: ") and "长期有效" in problem
    assert hint == '请写代码而不是中文说明：id_valid_until = "long_term"（在 [legal_rep] 中）'
    assert not INTERNALS.search(problem) and ".date" not in problem


def test_choices_are_listed_in_chinese(tmp_path: Path) -> None:
    shutil.copytree(N400.parent, tmp_path / "c")
    path = edited(tmp_path / "c" / N400.name, 'request = "开通"', 'request = "新装"')
    [(problem, _)] = problems(path)
    assert problem == (
        'n400.request: 取值无效：应为以下之一："开通"、"撤机"、"停机保号"、"用户资料变更"、"业务数据变更"、'
        '"业务号码变更"，实际写的是文字“新装”'
    )


def test_check_json_carries_each_problems_own_hint(client: Path) -> None:
    edited(client, "date = 2026-11-20", 'date = "2026-11-20"')
    [found] = findings(str(client))
    assert found["field"] == "signing.date" and found["hint"].startswith("去掉引号：")


def build_stderr(*args: str) -> str:
    result = runner.invoke(app, ["build", *args])
    assert result.exit_code == 1
    return result.stderr


@pytest.mark.parametrize("case", ["missing", "gbk", "force-given"])
def test_force_is_not_offered_where_it_cannot_help(client: Path, tmp_path: Path, case: str) -> None:
    out = str(tmp_path / "out")
    if case == "missing":
        stderr = build_stderr(str(tmp_path / "nope.toml"), "-o", out)
    elif case == "gbk":
        client.write_bytes(client.read_text(encoding="utf-8").encode("gbk"))
        stderr = build_stderr(str(client), "-o", out)
    else:
        client.write_bytes(client.read_text(encoding="utf-8").encode("gbk"))
        stderr = build_stderr(str(client), "-o", out, "--force")
    assert "或加 --force" not in stderr and "未生成" in stderr


def test_force_is_offered_for_findings(client: Path, tmp_path: Path) -> None:
    edited(client, 'postcode = "310012"', 'postcode = "31001"')
    assert "或加 --force 强制生成" in build_stderr(str(client), "-o", str(tmp_path / "out"))


def test_duplicate_names_the_branches_sharing_the_file(client: Path) -> None:
    text = client.read_text(encoding="utf-8")
    shared = '["attachments/branches/嘉兴-营业执照.png"]'
    client.write_text(re.sub(r"proofs = \[[^\]]*\]", f"proofs = {shared}", text), encoding="utf-8")
    duplicates = [f for f in findings(str(client)) if f["code"] == "ATTACH-DUPLICATE"]
    assert len(duplicates) == 1, duplicates
    message = duplicates[0]["message"]
    assert message.startswith("同一个文件 attachments/branches/嘉兴-营业执照.png 用在了 4 处：")
    for city in ("宁波分公司", "温州分公司", "绍兴分公司", "嘉兴营业网点"):
        assert city in message
    assert message.count("attachments/branches/") == 1


def test_duplicate_of_two_items_names_the_items(client: Path) -> None:
    edited(
        client,
        'industry_permit = ["attachments/道路运输经营许可证.pdf"]',
        'industry_permit = ["attachments/营业执照.jpg"]',
    )
    [duplicate] = [f for f in findings(str(client)) if f["code"] == "ATTACH-DUPLICATE"]
    assert "“企业法人营业执照复印件”" in duplicate["message"] and "经营许可" in duplicate["message"]


def test_symlinked_attachments_folder_is_named(client: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(client.parent / "attachments", elsewhere)
    os.symlink(elsewhere, client.parent / "attachments")
    outside = [f for f in findings(str(client)) if f["code"] == "ATTACH-OUTSIDE"]
    assert outside and all("符号链接 attachments" in f["message"] for f in outside)
    assert str(elsewhere) in outside[0]["message"] and "不用符号链接" in outside[0]["hint"]


def test_path_leaving_the_folder_without_a_link_says_so(client: Path) -> None:
    edited(client, '"attachments/营业执照.jpg"', '"../营业执照.jpg"')
    [outside] = [f for f in findings(str(client)) if f["code"] == "ATTACH-OUTSIDE"]
    assert "符号链接" not in outside["message"]
