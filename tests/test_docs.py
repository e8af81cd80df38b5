"""docs/ is generated from the code (tools/make_docs.py): regenerating it must change nothing, so the
documentation of fields, checklists, rules, options, environment variables and exit codes cannot drift."""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

import pytest
from support import ROOT


def make_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "tools" / "make_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    pages: dict[str, str] = make_docs().pages()
    return pages


def test_docs_are_up_to_date(pages: dict[str, str]) -> None:
    for name, text in pages.items():
        written = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert written == text, f"docs/{name} is stale: run `python tools/make_docs.py`"


def test_every_environment_variable_the_code_reads_is_documented(pages: dict[str, str]) -> None:
    read = set()
    for source in (ROOT / "numdossier").rglob("*.py"):
        read |= set(re.findall(r"environ(?:\.get\(|\[)\"([A-Z_]+)\"", source.read_text(encoding="utf-8")))
    assert read and read <= set(make_docs().ENVIRONMENT), read
    assert "NUMDOSSIER_SOFFICE" in pages["cli.md"]


def test_every_finding_code_is_documented(pages: dict[str, str]) -> None:
    from numdossier.rules.messages import catalogue

    codes = set(catalogue()["findings"]) - {"_common"}
    documented = pages["rules.md"] + pages["kinds.md"]
    assert [c for c in codes if f"`{c}`" not in documented] == []


def test_every_exit_code_is_documented(pages: dict[str, str]) -> None:
    from numdossier.errors import ExitCode

    for code in ExitCode:
        assert f"| {int(code)} |" in pages["cli.md"]


def test_readme_links_docs_not_shared() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    for name in ("docs/profile.md", "docs/kinds.md", "docs/rules.md", "docs/cli.md"):
        assert name in readme and (ROOT / name).is_file()


def test_readme_writes_global_options_before_the_command() -> None:
    """`--debug` is the top command's option (`numdossier --debug build`): `build --debug` is refused."""
    from typer.main import get_command

    from numdossier.cli import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    top = {o for p in get_command(app).params for o in p.opts} - {"--help", "--lang"}  # --lang: both
    assert "--debug" in top
    for option in top:
        for said in re.findall(rf"numdossier [^`\n]*?{re.escape(option)}\b", readme):
            assert said.startswith(f"numdossier {option}"), said
        # the list of build's options ("常用选项：… `--debug`") says where a global one goes
        for paragraph in readme.split("\n\n"):
            if f"`{option}`" in paragraph and "常用选项" in paragraph:
                assert "全局选项" in paragraph and f"numdossier {option}" in paragraph, paragraph
