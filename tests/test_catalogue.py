"""The one zh/en catalogue (issue 14, point 1): every entry speaks both languages with the same {names},
the area files never define the same section twice, and the language is passed down, not read from a
global the caller has to write."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path
from typing import Any

import pytest

from numdossier.rules import messages

PLACEHOLDER = string.Formatter()


def names(template: str) -> set[str]:
    return {field for _, field, _, _ in PLACEHOLDER.parse(template) if field}


def entries(node: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every {zh, en, ...} leaf of a catalogue table, with its dotted key."""
    if "zh" in node or "en" in node:
        return [(prefix, node)]
    found: list[tuple[str, dict[str, Any]]] = []
    for key, value in node.items():
        if isinstance(value, dict):
            found += entries(value, f"{prefix}.{key}" if prefix else key)
    return found


def test_every_entry_has_both_languages_with_the_same_names() -> None:
    catalogue = messages.catalogue()
    leaves = entries({k: v for k, v in catalogue.items() if k != "choices"})
    assert len(leaves) > 200
    for key, entry in leaves:
        for lang in ("", "hint_"):
            if f"{lang}zh" in entry or f"{lang}en" in entry:
                assert f"{lang}zh" in entry and f"{lang}en" in entry, f"{key}: {lang}zh/{lang}en"
                assert names(entry[f"{lang}zh"]) == names(entry[f"{lang}en"]), key


def test_area_files_own_their_sections() -> None:
    seen = set(tomllib.loads(messages.DATA.read_text(encoding="utf-8")))
    for path in sorted(messages.AREAS.glob("*.toml")):
        sections = set(tomllib.loads(path.read_text(encoding="utf-8")))
        assert not sections & seen, f"{path.name} repeats {sections & seen}"
        seen |= sections


def test_a_repeated_section_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.toml").write_text('[ui]\nx = { zh = "甲", en = "a" }\n', encoding="utf-8")
    monkeypatch.setattr(messages, "AREAS", tmp_path)
    messages.clear()
    try:
        with pytest.raises(ValueError, match=r"a\.toml: section \[ui\]"):
            messages.catalogue()
    finally:
        monkeypatch.undo()
        messages.clear()


def test_the_language_is_passed_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NUMDOSSIER_LANG", raising=False)
    assert messages.text("ui.error") == "错误"
    with messages.using("en_US.UTF-8") as lang:
        assert lang == "en"
        assert messages.text("ui.error") == "error"
        with messages.using(None):  # None keeps the caller's language
            assert messages.text("ui.error") == "error"
        with messages.using("zh"):
            assert messages.text("ui.error") == "错误"
    assert messages.text("ui.error") == "错误"
    monkeypatch.setenv("NUMDOSSIER_LANG", "en")  # library users without `using`
    assert messages.language() == "en"
    with messages.using("zh"):
        assert messages.language() == "zh"


def test_nested_and_dotted_keys() -> None:
    assert messages.text("fields.company.name") == "申请单位名称"
    assert re.search(r"\{", messages.entry("ui.result")["zh"])


PLURAL = re.compile(r"\{(\w+):plural:([^}]*)\}")


def test_plural_forms_are_whole_and_nothing_says_s_in_brackets() -> None:
    """English counts say "1 error" / "3 errors" ({n:plural:# error|# errors}), not "error(s)"."""
    leaves = entries({k: v for k, v in messages.catalogue().items() if k != "choices"})
    found = 0
    for key, entry in leaves:
        for lang in ("en", "hint_en"):
            sentence = str(entry.get(lang, ""))
            assert "(s)" not in sentence, f"{key}: {sentence}"
            for name, forms in PLURAL.findall(sentence):
                found += 1
                assert forms.count("|") == 1, f"{key}: {name}"
    assert found >= 20


def test_counts_and_lists_are_filled_in_each_language() -> None:
    one_or_more = "{n:plural:# error|# errors}; {pages:plural:page #|pages #}"
    with messages.using("en"):
        assert messages.fill(one_or_more, n=1, pages=[3]) == "1 error; page 3"
        assert messages.fill(one_or_more, n=0, pages=[3, 5]) == "0 errors; pages 3, 5"
    with messages.using("zh"):
        assert messages.fill("第 {pages} 页，共 {n} 处", pages=[3, 5], n=2) == "第 3、5 页，共 2 处"
    assert messages.fill("{x:.1f}", x=2.25) == "2.2"  # str.format's own specs still work
    with pytest.raises(ValueError, match="without '|'"):
        messages.fill("{n:plural:# error}", n=1)
    with messages.using("en"):
        assert messages.text("cli.build.done", total=1, built=1, failed=0) == "1 dossier: 1 built, 0 failed."
        assert messages.text("cli.build.done", total=2, built=1, failed=1) == "2 dossiers: 1 built, 1 failed."


def test_a_findings_list_is_joined_in_the_users_language() -> None:
    """The rules pass lists (the allowed values); the catalogue joins them as the language writes lists."""
    for lang, joined in (("en", "交通, 金融"), ("zh", "交通、金融")):
        with messages.using(lang):
            found = messages.error(
                "N96-INDUSTRY.unknown", "company.industry", value="x", allowed=["交通", "金融"]
            )
        assert joined in found.message + found.hint, (lang, found)
