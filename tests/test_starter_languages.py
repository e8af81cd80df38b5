"""The starter profiles in every language (issue 14, point 1).

templates/<k>/starter.en.toml is starter.toml with English comments: the same data, the same fields
described, the same ones marked optional; the Chinese left in it is the user's (quoted values and
vocabulary such as "分公司", short glosses of document names such as "(营业执照)"). The same for the
attachments README. `init`, `schema` and `template vars` take the file of the language passed down; a
kind without the English file (a user's own) falls back to the Chinese one."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from support import CJK_RUN, starter_comments, user_words

from numdossier.check import check_profile
from numdossier.init import init_profile, readme_kind
from numdossier.kinds import load_checklist, registry
from numdossier.kinds.registry import Kind
from numdossier.rules import messages
from numdossier.schema import _title, descriptions, json_schema, profile_title

KINDS = registry.names()
CODE = re.compile(r"`[^`]+`")


@pytest.mark.parametrize("kind", KINDS)
def test_every_built_in_kind_has_its_english_files(kind: str) -> None:
    entry = registry.get(kind)
    assert entry.starter("en") == entry.folder / "starter.en.toml"
    assert entry.attachments_readme("en") == entry.folder / "attachments-README.en.md"
    assert entry.starter("zh") == entry.folder / "starter.toml"
    assert entry.attachments_readme("zh") == entry.folder / "attachments-README.md"
    with messages.using("en"):
        assert entry.starter() == entry.starter("en")  # the language passed down decides
    with messages.using("zh"):
        assert entry.starter() == entry.starter("zh")


@pytest.mark.parametrize("kind", KINDS)
def test_the_english_starter_has_the_same_data(kind: str) -> None:
    """Values are data the tool reads (vocabulary such as kind = "分公司", file names): never translated."""
    entry = registry.get(kind)
    zh = tomllib.loads(entry.starter("zh").read_text(encoding="utf-8"))
    en = tomllib.loads(entry.starter("en").read_text(encoding="utf-8"))
    assert en == zh


@pytest.mark.parametrize("kind", KINDS)
def test_every_field_is_described_in_both_languages(kind: str) -> None:
    zh, en = descriptions(kind, "zh"), descriptions(kind, "en")
    assert set(en) == set(zh)
    for path, text in en.items():
        assert zh[path].startswith("可选") == text.startswith("Optional: "), path
        assert re.search(r"[A-Za-z]{3}", text), path
        title = _title(text)
        assert title and not title[0].islower() and not CJK_RUN.search(title), (path, title)
    with messages.using("en"):
        assert not CJK_RUN.search(profile_title(kind))


@pytest.mark.parametrize("kind", KINDS)
def test_the_english_comments_keep_only_the_users_chinese(kind: str) -> None:
    path = registry.get(kind).starter("en")
    comments = starter_comments(path)
    assert len(comments) > 30
    for n, comment in comments:
        _, rest = user_words(comment)
        assert not CJK_RUN.search(rest), f"{path.name}:{n}: {comment}"


@pytest.mark.parametrize("kind", KINDS)
def test_the_english_readme_names_the_same_keys_and_files(kind: str) -> None:
    entry = registry.get(kind)
    zh = entry.attachments_readme("zh").read_text(encoding="utf-8")
    en = entry.attachments_readme("en").read_text(encoding="utf-8")
    assert set(CODE.findall(en)) == set(CODE.findall(zh))
    titles = sorted((item.title for item in load_checklist(kind).items), key=len, reverse=True)
    for n, line in enumerate(en.splitlines(), 1):
        line = CODE.sub(" ", line)
        for title in titles:  # a document's own name, as the dossier's 目录 prints it
            line = line.replace(f"({title})", " ")
        _, rest = user_words(line)
        assert not CJK_RUN.search(rest), f"attachments-README.en.md:{n}: {rest}"


def test_every_readme_tells_its_kind_in_either_language(tmp_path: Path) -> None:
    """`init` recognises an attachments/README.md it wrote, in either language (one folder, one kind)."""
    for kind in KINDS:
        for lang in messages.LANGUAGES:
            readme = tmp_path / f"{kind}-{lang}.md"
            shutil.copyfile(registry.get(kind).attachments_readme(lang), readme)
            assert readme_kind(readme) == kind


def test_the_schema_speaks_the_language_passed_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMDOSSIER_LANG", "zh")  # `using` decides, not the environment
    with messages.using("en"):
        schema = json_schema("n96")
    company = schema["properties"]["company"]["properties"]
    assert company["uscc"]["title"] == "Unified social credit code"
    assert company["name"]["description"].startswith("Company name, exactly as on the business licence")
    assert schema["title"] == "Application for a 96 customer-service access number"
    branches = schema["properties"]["branches"]["items"]["properties"]
    assert branches["kind"]["enum"] == ["分公司", "营业网点", "其他"]  # the vocabulary stays data
    with messages.using("zh"):
        assert (
            json_schema("n96")["properties"]["company"]["properties"]["uscc"]["title"] == "统一社会信用代码"
        )


def test_a_kind_without_english_files_falls_back_to_chinese(tmp_path: Path) -> None:
    builtin = registry.get("n96")
    folder = tmp_path / "n96"
    shutil.copytree(builtin.folder, folder, ignore=shutil.ignore_patterns("*.en.*", "*.docx"))
    own = Kind("n96", folder, builtin.spec)
    assert own.starter("en") == folder / "starter.toml"
    assert own.attachments_readme("en") == folder / "attachments-README.md"


@pytest.mark.parametrize("kind", KINDS)
def test_init_in_english_writes_the_english_files_and_checks_the_same(kind: str, tmp_path: Path) -> None:
    """The English starter init writes is the Chinese one for `check`: the same findings, field by field."""
    entry = registry.get(kind)
    found = {}
    for lang in messages.LANGUAGES:
        folder = tmp_path / lang
        with messages.using(lang):
            init_profile(folder, kind)
        written = (folder / "profile.toml").read_text(encoding="utf-8")
        assert written.split("\n", 1)[1] == entry.starter(lang).read_text(encoding="utf-8")
        readme = (folder / "attachments" / "README.md").read_text(encoding="utf-8")
        assert readme == entry.attachments_readme(lang).read_text(encoding="utf-8")
        schema = (folder / f"numdossier-{kind}.schema.json").read_text(encoding="utf-8")
        assert ('"Company name"' in schema) == (lang == "en")
        result = check_profile(folder / "profile.toml", dt.date(2026, 11, 23))
        found[lang] = sorted((f.code, f.field or "") for f in result.findings)
    assert found["en"] == found["zh"]
    assert ("FIELD-MISSING", "company.name") in found["en"]
