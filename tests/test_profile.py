"""The profile loader: every problem names the file and the line/column or field path."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from support import ROOT, model_as

from numdossier.errors import ExitCode, ProfileError
from numdossier.kinds.n96.profile import N96Profile
from numdossier.profile import field_path, load_profile

SAMPLE = ROOT / "samples" / "n96" / "qinghe-96.toml"


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def test_sample_loads() -> None:
    loaded = load_profile(SAMPLE)
    assert loaded.kind == "n96"
    assert loaded.name == "qinghe-96"
    assert len(model_as(loaded, N96Profile).branches) == 4
    assert loaded.folder == SAMPLE.parent


def test_name_defaults_to_file_stem(tmp_path: Path) -> None:
    text = sample_text().replace('name = "qinghe-96"\n', "", 1)
    loaded = load_profile(write(tmp_path, text, "acme.toml"))
    assert loaded.name == "acme"


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, 'format = 1\nkind = "n96"\n[company\nname = "x"\n')
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    message = str(info.value)
    assert str(path) in message
    assert "第 3 行第 9 列" in message and "该行：[company" in message
    assert info.value.exit_code == ExitCode.input_error


def test_wrong_type_names_field_path(tmp_path: Path) -> None:
    text = sample_text().replace("seats_planned = 120", 'seats_planned = "一百二十"')
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, text))
    assert any(p.startswith("n96.seats_planned:") and "整数" in p for p in info.value.problems)


def test_a_number_field_asks_for_a_number_once(tmp_path: Path) -> None:
    """registered_capital is float | int: "a number", not "a number, or a whole number"."""
    from numdossier.rules import messages

    text = sample_text().replace("registered_capital = 5000", 'registered_capital = "lots"')
    with messages.using("en"), pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, text))
    (said,) = [p for p in info.value.problems if p.startswith("company.registered_capital:")]
    assert said == 'company.registered_capital: must be a number (no quotes, e.g. 99.5), not the text "lots"'
    # the kind the file declares is kept, for check's heading ("(n96)", not "(unknown kind)")
    assert info.value.kind == "n96"
    from numdossier.check import check_profile

    checked = check_profile(tmp_path / "p.toml", dt.date(2026, 11, 23))
    assert (checked.kind, checked.declared_kind) == (None, "n96")  # JSON's kind stays null


def test_wrong_type_inside_array_of_tables(tmp_path: Path) -> None:
    text = sample_text().replace('city = "温州市"', "city = 577")
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, text))
    assert any(p.startswith("branches[1].city:") for p in info.value.problems)


def test_misspelt_key_gets_did_you_mean(tmp_path: Path) -> None:
    text = sample_text().replace("postcode =", "postocde =", 1)
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, text))
    problems = info.value.problems
    assert any("company.postocde" in p and "postcode" in p for p in problems), problems


def test_misspelt_key_in_nested_array(tmp_path: Path) -> None:
    text = sample_text().replace("quantity = 2", "quantiy = 2", 1)
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, text))
    assert any("n96.equipment[0].quantiy" in p and "quantity" in p for p in info.value.problems)


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    text = sample_text().replace("digits = 5", "digits = 7").replace("seats = 40", "seats = true")
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, text))
    fields = {p.split(":")[0] for p in info.value.problems}
    assert {"n96.digits", "current_numbers.seats"} <= fields


def test_unknown_kind_has_hint(tmp_path: Path) -> None:
    text = sample_text().replace('kind = "n96"', 'kind = "n69"')
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, text))
    assert "n69" in str(info.value) and "n96" in (info.value.hint or "")


def test_missing_table(tmp_path: Path) -> None:
    start = sample_text().index("[legal_rep]")
    end = sample_text().index("[number_contact]")
    text = sample_text()[:start] + sample_text()[end:]
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, text))
    assert "legal_rep: 缺少必填项" in info.value.problems
    # its own fix, not only the general "compare the fields above with the starter"
    hint = info.value.hints[info.value.problems.index("legal_rep: 缺少必填项")]
    assert hint is not None and "请补上 legal_rep" in hint and "numdossier init" in hint


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'format = 1\nkind = "n96"\x00\n', "NUL"),
        (b"\xff\xfe\x00garbage\x89PNG", "UTF-8"),
    ],
)
def test_binary_garbage(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert expected in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="不存在"):
        load_profile(tmp_path / "nope.toml")
    with pytest.raises(ProfileError, match="文件夹"):
        load_profile(tmp_path)


def test_long_text_field_is_refused(tmp_path: Path) -> None:
    text = sample_text().replace('effect = "', 'effect = "' + "长" * 30_000, 1)
    with pytest.raises(ProfileError) as info:
        load_profile(write(tmp_path, text))
    assert any(p.startswith("current_numbers.effect:") for p in info.value.problems)


def test_attachment_paths_are_relative_to_profile(tmp_path: Path) -> None:
    copy = tmp_path / "client" / "p.toml"
    copy.parent.mkdir()
    shutil.copy(SAMPLE, copy)
    assert load_profile(copy).folder == copy.parent.resolve()


def test_field_path() -> None:
    assert field_path(("branches", 2, "city")) == "branches[2].city"
    assert field_path(("attachments", "business_licence", 0)) == "attachments.business_licence[0]"
