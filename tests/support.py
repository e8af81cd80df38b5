"""Helpers the form tests of every kind share: render a template with the kind's context, read it back."""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib.util
import io
import os
import re
import subprocess
import sys
import tempfile
import typing
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import pytest
import typer.testing
from lxml import etree
from pydantic import BaseModel

from numdossier.kinds import registry
from numdossier.pdf.attachments import Normalised
from numdossier.profile import LoadedProfile
from numdossier.render.docx import render_docx
from numdossier.schema import comment_of

M = typing.TypeVar("M", bound=BaseModel)
ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1795392000"  # 2026-11-23: builds are reproducible and the samples' dates are recent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CorpusPdf = Callable[[str], tuple[Path, Normalised]]  # the corpus_pdf fixture (conftest.py)


def render(template: Path, loaded: LoadedProfile) -> bytes:
    """The template filled with the context its kind builds, as DOCX bytes: the build's own filling
    (render_docx: the template sanitised, its variables checked, each part cleaned and compiled once per
    process, which matters here: the kinds' tests fill the same few templates over a hundred times)."""
    with tempfile.TemporaryDirectory(prefix="numdossier-test-render-") as folder:
        out = Path(folder) / "filled.docx"
        render_docx(template, lambda tpl: registry.get(loaded.kind).build_context(loaded, tpl), out)
        return out.read_bytes()


def variant(loaded: LoadedProfile, **changes: Any) -> LoadedProfile:
    """A validated copy of the profile with dotted fields changed: variant(p, **{"n95.prefix": "955"})."""
    dump = loaded.model.model_dump(mode="python")
    for dotted, value in changes.items():
        *parents, last = dotted.split(".")
        target = dump
        for key in parents:
            target = target[key]
        target[last] = value
    return dataclasses.replace(loaded, model=type(loaded.model).model_validate(dump))


@functools.cache
def syntax(path: Path) -> ast.Module:
    """A source file's syntax tree, parsed once per process for the tests that scan the package's code
    (test_layers, test_no_cjk_literals). Read it, never change it."""
    return ast.parse(path.read_text(encoding="utf-8"))


def squash(value: str) -> str:
    """The text without any white space (PDF text extraction spaces CJK unpredictably)."""
    return re.sub(r"\s+", "", value)


def part(docx_bytes: bytes, name: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        return z.read(name).decode("utf-8")


def text(docx_bytes: bytes) -> str:
    """Paragraph texts (runs joined), one per line, table cells included."""
    root = etree.fromstring(part(docx_bytes).encode("utf-8"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


def load_tool(name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A script of tools/ imported as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    return module


def submodel(annotation: Any) -> type[BaseModel] | None:
    """list[Branch] -> Branch, Company -> Company, str/dict[...] -> None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = submodel(arg)
        if found is not None:
            return found
    return None


def missing_fields(
    model: type[BaseModel], data: dict[str, Any], commented_out: set[str], prefix: str = ""
) -> list[str]:
    """Field paths of `model` absent from the parsed starter `data` (a list of tables is represented by
    its first element); `commented_out` are paths the starter deliberately leaves as comments."""
    missing = []
    for name, info in model.model_fields.items():
        path = prefix + name
        if path in commented_out:
            continue
        if name not in data:
            missing.append(path)
            continue
        sub = submodel(info.annotation)
        if sub is None:
            continue
        value = data[name]
        if isinstance(value, list):
            if not value:
                missing.append(f"{path}[0]")
                continue
            value, path = value[0], f"{path}[0]"
        missing += missing_fields(sub, value, commented_out, f"{path}.")
    return missing


def printed_pages(item: dict[str, Any]) -> int:
    """How many dossier pages a manifest item's sources fill: ID sides printed as cards share pages."""
    alone: int = sum(s["pages"] for s in item["sources"] if "as_card_on_pages" not in s)
    shared = {p for s in item["sources"] for p in s.get("as_card_on_pages", [])}
    return alone + len(shared)


def model_as(loaded: LoadedProfile, kind: type[M]) -> M:
    """The loaded profile's model as its kind's class (asserted), so that its own fields type-check."""
    assert isinstance(loaded.model, kind), type(loaded.model)
    return loaded.model


def attr(element: etree._Element | None, name: str) -> str:
    """An XML attribute that must be there (its element too)."""
    assert element is not None, name
    value = element.get(name)
    assert value is not None, name
    return value


def sample_generator(kind: str) -> Path:
    """The script that writes the kind's sample scans: tools/make_sample_scans_<kind>.py (n96, the first
    kind, has tools/make_sample_scans.py)."""
    name = "make_sample_scans" if kind == "n96" else f"make_sample_scans_{kind}"
    return ROOT / "tools" / f"{name}.py"


def template_generator(kind: str) -> Path:
    """The script that writes the kind's built-in templates: tools/make_templates_<kind>.py (n96's is
    tools/make_templates.py)."""
    name = "make_templates" if kind == "n96" else f"make_templates_{kind}"
    return ROOT / "tools" / f"{name}.py"


def sample_of(kind: str) -> Path:
    """The kind's sample profile: the first samples/<kind>/*.toml."""
    found = sorted((ROOT / "samples" / kind).glob("*.toml"))
    assert found, f"samples/{kind}/ 中没有示例配置"
    return found[0]


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`numdossier ARGS` in a fresh interpreter, with SOURCE_DATE_EPOCH set (reproducible output).
    Costs an interpreter's start-up (about a CPU-second): use `invoke` unless the process itself is
    under test (exit on a signal, what a crash prints, the installed entry point)."""
    return subprocess.run(
        [sys.executable, "-m", "numdossier.cli", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, **(env or {})),
        cwd=cwd,
        timeout=600,
    )


@functools.cache
def _command(app: Any) -> Any:
    import typer.main

    return typer.main.get_command(app)


class CliRunner(typer.testing.CliRunner):
    """Typer's test runner over the app's Click command built once per process. Typer builds it anew from
    the functions' signatures on every invoke (about 6 ms: a third of a `--help` test); the console
    script builds it once per run, as here. Building it reads nothing that a test changes: the kinds'
    names are read when a command runs."""

    def invoke(self, app: typer.Typer, *args: Any, **extra: Any) -> typer.testing.Result:
        with mock.patch.object(typer.testing, "_get_command", _command):  # fails loudly if typer renames it
            return super().invoke(app, *args, **extra)


def invoke(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`numdossier ARGS` in this process (CliRunner above), answered like `run_cli`: exit code, stdout,
    stderr; `env` is laid over os.environ for the call. An exception the CLI does not turn into an exit
    code is raised here, so that the test fails on it."""
    from numdossier.cli import app

    result = CliRunner().invoke(
        app, list(args), env={"SOURCE_DATE_EPOCH": EPOCH, **(env or {})}, catch_exceptions=False
    )
    return subprocess.CompletedProcess(["numdossier", *args], result.exit_code, result.stdout, result.stderr)


# --- the starter profiles' comments, in every language ----------------------------------------------

CJK_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
QUOTED = re.compile(r'"[^"]*"')
# A parenthesised gloss: the Chinese name of a document or a term beside its English words, as in
# "business licence (营业执照)"; short, so that no Chinese sentence passes as one.
GLOSS = re.compile(r"\((?=[^()]*[\u3400-\u9fff])[^()]*\)")
GLOSS_MAX_CJK = 16


def starter_comments(path: Path) -> list[tuple[int, str]]:
    """(line number, comment) of a starter profile, outside its multi-line strings."""
    found: list[tuple[int, str]] = []
    in_string = False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if in_string:
            in_string = '"""' not in line
            continue
        comment = comment_of(line)
        value = line if comment is None else line[: len(line) - len(comment) - 1]
        if comment is not None:
            found.append((n, comment))
        in_string = value.count('"""') == 1
    return found


def user_words(text: str) -> tuple[list[str], str]:
    """An English text's Chinese that belongs to the user, and the rest: its quoted values ("分公司",
    e.g. "杭州") and its short glosses ("(营业执照)"); the rest should have no CJK."""
    words: list[str] = []
    for pattern in (QUOTED, GLOSS):
        for m in pattern.finditer(text):
            runs = CJK_RUN.findall(m.group())
            if pattern is QUOTED or sum(map(len, runs)) <= GLOSS_MAX_CJK:
                words += runs
                text = text.replace(m.group(), " ", 1)
    return words, text
