"""No sentence in the code (issue 14, point 1): a string constant with a run of 6 or more CJK characters
in numdossier/**/*.py is a sentence that belongs in the zh/en catalogue (rules/data/messages*.toml) or,
when it is printed ON the dossier, in a data file (rules/data/printed.toml, templates/<kind>/)."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from support import ROOT, syntax

from numdossier.rules import messages, printed

PACKAGE = ROOT / "numdossier"
RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{6,}")

# Files whose sentences are still being moved into the catalogue, each by the helper who owns it.
# Shrink this as they land; the goal is an empty set.
ALLOWED: set[str] = set()


@functools.cache
def nodes(path: Path) -> list[ast.AST]:
    """Every node of the module's syntax tree, parsed and walked once for the tests of this file."""
    return list(ast.walk(syntax(path)))


def _docstrings(tree: list[ast.AST]) -> set[int]:
    found = set()
    for node in tree:
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _vocabulary(tree: list[ast.AST]) -> set[int]:
    """The values of a Literal[...] type: the profile's vocabulary (what users write), not a sentence."""
    found = set()
    for node in tree:
        if (
            isinstance(node, ast.Subscript)
            and getattr(node.value, "id", getattr(node.value, "attr", "")) == "Literal"
        ):
            found |= {id(n) for n in ast.walk(node.slice) if isinstance(n, ast.Constant)}
    return found


def _patterns(tree: list[ast.AST]) -> set[int]:
    """The first argument of re.compile/search/match/...: a pattern matches text, it says nothing."""
    found = set()
    for node in tree:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and getattr(node.func.value, "id", "") == "re"
            and node.args
        ):
            found |= {id(n) for n in ast.walk(node.args[0]) if isinstance(n, ast.Constant)}
    return found


def sentences(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant of `path` with 6 or more CJK characters in a row."""
    tree = nodes(path)
    left_out = _docstrings(tree) | _vocabulary(tree) | _patterns(tree)
    return [
        (node.lineno, node.value)
        for node in tree
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in left_out
        and RUN.search(node.value)
    ]


def test_no_sentence_outside_the_catalogue() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name not in ALLOWED:
            found += [f"numdossier/{name}:{line}: {text!r}" for line, text in sentences(path)]
    assert not found, "sentences in the code (put them in the catalogue):\n" + "\n".join(found)


def test_the_allowlist_is_not_stale() -> None:
    """Every allowed file still exists and still has a sentence: a file that no longer has one leaves the list."""
    stale = [
        name for name in sorted(ALLOWED) if not (PACKAGE / name).is_file() or not sentences(PACKAGE / name)
    ]
    assert not stale, f"remove from ALLOWED: {stale}"


def test_the_scan_can_fail(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""模块说明文字不算句子。"""\n'
        "from typing import Literal\n"
        'Kind = Literal["用户资料变更"]\n'
        "# 注释也不算句子\n"
        "import re\n"
        'NUMBER = re.compile(r"[一二三四五六七八九十]号")\n'
        'ERROR = "文件不存在或者无法读取"\n'
        'SHORT = "签字"\n',
        encoding="utf-8",
    )
    assert sentences(sample) == [(7, "文件不存在或者无法读取")]


def test_printed_words_stay_chinese() -> None:
    """Words printed on the dossier do not follow the language of the messages."""
    with messages.using("en"):
        assert printed.words("overlay.seal") == "此处加盖公章"
        assert printed.words("overlay.page", number=3, total=40) == "第 3 页 共 40 页"


AREAS = ("pdf", "render", "convert", "kinds", "signed", "profile", "rules")
QUOTED = re.compile(r'"[^"]*"')
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def _leaves(node: object, key: str) -> list[tuple[str, dict[str, object]]]:
    if not isinstance(node, dict):
        return []
    if "en" in node:
        return [(key, node)]
    return [leaf for k, v in node.items() for leaf in _leaves(v, f"{key}.{k}")]


def test_the_library_speaks_english() -> None:
    """The English of the library's areas has no Chinese in it, except words quoted for the user to write
    ("申请单位（盖章）：" in a template); values filled in later may have some."""
    catalogue = messages.catalogue()
    chinese = [
        key
        for area in AREAS
        if area in catalogue
        for key, entry in _leaves(catalogue[area], area)
        if CJK.search(QUOTED.sub("", str(entry["en"]) + str(entry.get("hint_en", ""))))
    ]
    assert not chinese, chinese


def _calls(path: Path) -> list[tuple[int, str, set[str] | None]]:
    """(line, key, names passed or None when **values) of every messages.text("literal key", ...) in `path`."""
    found = []
    for node in nodes(path):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func, first = node.func, node.args[0]
        asks = (
            isinstance(func, ast.Attribute)
            and func.attr == "text"
            and getattr(func.value, "id", "") == "messages"
        )
        if asks and isinstance(first, ast.Constant) and isinstance(first.value, str):
            passed = {k.arg for k in node.keywords if k.arg}
            found.append(
                (node.lineno, first.value, None if any(k.arg is None for k in node.keywords) else passed)
            )
    return found


def test_every_sentence_asked_for_exists_with_its_names() -> None:
    """A messages.text("key", ...) call names an entry of the catalogue and fills exactly its {names}."""
    import string

    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, key, passed in _calls(path):
            where = f"{path.relative_to(ROOT)}:{line} {key}"
            try:
                entry = messages.entry(key)
            except (KeyError, TypeError):
                wrong.append(f"{where}: no such entry")
                continue
            names = {
                f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(entry["zh"]) if f
            }
            if passed is not None and names != passed:
                wrong.append(f"{where}: passes {sorted(passed)}, the entry has {sorted(names)}")
    assert not wrong, "\n".join(wrong)


def test_every_kind_says_its_notes_in_english() -> None:
    """check shows a kind's notes in the user's language; the 目录 prints the Chinese ones whatever it is."""
    from numdossier.kinds import load_checklist, registry

    for kind in registry.names():
        checklist = load_checklist(kind)
        assert len(checklist.notes_en) == len(checklist.notes), kind
        with messages.using("en"):
            said = checklist.notes_said()
        assert said == checklist.notes_en and not any(CJK.search(n) for n in said), kind
        with messages.using("zh"):
            assert checklist.notes_said() == checklist.notes
