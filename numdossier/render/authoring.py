"""What a template author needs: a kind's variables, a template's check, the built-in templates exported.

`template check` reads every paragraph a template has (body, tables, headers, footers, foot/endnotes,
text boxes) after the same preparation `build` applies (render.template.prepare), and lays the tags of
paragraph N on line N of one jinja source per part: a syntax error's line is the paragraph to fix.

The marker words are a contract with the placement (pdf/placement.py): a line with 盖章 is where the
applicant's seal placeholder goes, unless 乙方 is before it on that line or on the line just above it
(the other party's block: the placement looks about two lines up, so keep 乙方 away from the applicant's
盖章); 签字 marks a signature place, labelled by the words in front of it (法定代表人（签字）：).
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from lxml import etree

from ..errors import TemplateError
from ..redact import redact
from ..rules import messages
from .engine import environment
from .template import TAG, TEXT_PARTS, W, paragraph_texts, paragraphs, prepare

SEAL_WORD, SIGN_WORD, OTHER_PARTY = "盖章", "签字", "乙方"
_DOCXTPL_PREFIX = re.compile(r"(\{[{%])(p|tr|tc|r)\s")  # docxtpl's {%p if %}, {%tr for %}, {{r x }}
_DOCXTPL_TAGS = re.compile(r"\{%\s*(cellbg|colspan|hm|vm)\b.*?%\}")  # docxtpl turns these into XML itself
# Word's AutoFormat types curly quotes; docxtpl's patch_xml straightens them inside tags before jinja2 sees
# them (docxtpl/template.py, clean_tags), so a tag like {{ x or ‘无’ }} renders and must pass the check too.
_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
# The type names `template vars` shows: [render.authoring.types] of the catalogue.
TYPE_NAMES = ("str", "int", "float", "bool", "date", "list", "dict", "NoneType", "Listing", "InlineImage")


def _type_name(value: Any) -> str:
    name = type(value).__name__
    return messages.text(f"render.authoring.types.{name}") if name in TYPE_NAMES else name


@dataclass(frozen=True)
class Variable:
    path: str  # company.name, branches[].city
    type: str
    description: str
    sample: str


@dataclass
class Report:
    """What `template check` found in one template."""

    template: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)  # dotted paths the template reads
    roots: set[str] = field(default_factory=set)  # their first names, as docxtpl lists them
    seals: list[str] = field(default_factory=list)  # the applicant's 盖章 places (paragraph texts)
    other_party: list[str] = field(default_factory=list)  # 乙方's 盖章 places
    signatures: list[str] = field(default_factory=list)
    stripped: list[str] = field(default_factory=list)
    joined: int = 0
    read: bool = (
        True  # False: the file could not be read as a template, `errors` says why; nothing else known
    )

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------- the variables of a kind


def sample_context(kind: str) -> dict[str, Any]:
    """The context the kind's sample profile gives its templates."""
    from docxtpl import DocxTemplate

    from ..kinds import load_checklist, registry
    from ..profile import load_profile

    entry = registry.get(kind)
    samples = sorted((entry.folder.parents[1] / "samples" / kind).glob("*.toml"))
    if not samples:  # an installed wheel has no samples: the starter stands in
        samples = [entry.starter("zh")]  # the data: the same in every language
    loaded = load_profile(samples[0])
    form = next((i for i in load_checklist(kind).items if i.source == "form" and i.template), None)
    tpl = DocxTemplate(str(entry.folder / form.template)) if form and form.template else None
    return entry.build_context(loaded, tpl)


def variables(kind: str, context: dict[str, Any] | None = None) -> list[Variable]:
    """Every variable a template of `kind` can use: the profile model's fields and what the context adds
    (`context`: the kind's sample_context, when the caller has it already)."""
    from ..kinds import registry
    from ..schema import descriptions

    texts = descriptions(kind)
    model_fields = set(registry.get(kind).model.model_fields)
    found: list[Variable] = []

    def walk(value: Any, path: str, computed: bool) -> None:
        plain = re.sub(r"\[\]", "", path)
        text = texts.get(plain, "") or (messages.text("render.authoring.computed") if computed else "")
        found.append(Variable(path, _type_name(value), text, _shown(value)))
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, f"{path}.{key}", computed)
        elif isinstance(value, list | tuple) and value and isinstance(value[0], dict):
            for key, child in value[0].items():
                walk(child, f"{path}[].{key}", computed)

    for key, value in (sample_context(kind) if context is None else context).items():
        walk(value, key, key not in model_fields)
    return found


def _shown(value: Any) -> str:
    if isinstance(value, dict) or type(value).__name__ == "InlineImage":
        return ""
    if isinstance(value, list | tuple):
        return messages.text("render.authoring.items", n=len(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    text = redact(
        str(getattr(value, "xml", value)) if type(value).__name__ != "Listing" else str(value)
    ).replace("\n", " ")
    return text[:40] + ("…" if len(text) > 40 else "")


# --------------------------------------------------------------------------- template check


def _part_sources(data: bytes) -> list[tuple[str, list[str], list[str]]]:
    """(part, paragraph texts, tag lines) of every text part: line i holds the tags of paragraph i."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in sorted(archive.namelist(), key=lambda n: (not n.endswith("document.xml"), n)):
            if not TEXT_PARTS.match(name):
                continue
            root = etree.fromstring(archive.read(name))
            texts, lines = [], []
            for p in paragraphs(root):
                text = "".join(t.text or "" for t in paragraph_texts(p))
                texts.append(text)
                tags = (
                    _DOCXTPL_PREFIX.sub(r"\1 ", m.group(0).translate(_STRAIGHT)) for m in TAG.finditer(text)
                )
                lines.append("".join(_DOCXTPL_TAGS.sub("", tag) for tag in tags))
            out.append((name, texts, lines))
    return out


def _paths(tree: nodes.Template) -> list[str]:
    """Dotted paths read by the template, loop variables resolved (for b in branches: b.city -> branches[].city)."""
    aliases: dict[str, str] = {}
    found: list[str] = []

    def dotted(node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Name):
            return aliases.get(node.name, node.name)
        if isinstance(node, nodes.Getattr):
            base = dotted(node.node)
            return f"{base}.{node.attr}" if base else None
        if (
            isinstance(node, nodes.Getitem)
            and isinstance(node.arg, nodes.Const)
            and isinstance(node.arg.value, str)
        ):
            base = dotted(node.node)
            return f"{base}.{node.arg.value}" if base else None
        return None

    def visit(node: nodes.Node) -> None:
        if isinstance(node, nodes.For):
            visit(node.iter)
            source = dotted(node.iter)
            if isinstance(node.target, nodes.Name) and source:
                aliases[node.target.name] = f"{source}[]"
            else:  # over a call's result, or `for k, v in ...`: local names of unknown shape, not checked
                targets = (
                    [node.target] if isinstance(node.target, nodes.Name) else node.target.find_all(nodes.Name)
                )
                for name in targets:
                    aliases[name.name] = ""
            for child in node.body + node.else_:
                visit(child)
            if node.test is not None:
                visit(node.test)
            return
        if isinstance(node, nodes.Assign | nodes.AssignBlock) and isinstance(node.target, nodes.Name):
            aliases[node.target.name] = ""
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem) and node.ctx == "load":
            path = dotted(node)
            if path:
                found.append(path)
                if isinstance(node, nodes.Getitem):
                    visit(node.arg)
                return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return [p for p in found if p and not p.startswith(".")]


_MISSING = object()
_LOCALS = {"loop", "super", "self", "varargs", "kwargs"}  # jinja2's own names inside a template


def _step(value: Any, name: str) -> Any:
    """`value.name` as jinja2 reads it (attribute, then item), _MISSING when there is none."""
    if isinstance(value, dict) and name in value:
        return value[name]
    found = getattr(value, name, _MISSING)
    if found is _MISSING and hasattr(value, "__getitem__") and not isinstance(value, str):
        try:
            return value[name]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    return found


def unresolved(path: str, context: dict[str, Any]) -> tuple[str, str | None] | None:
    """None when the dotted `path` (company.name, branches[].city) can be read from `context`; else the
    part of it that cannot, and the closest name beside it (company.nmae -> company.name) or None.

    A value the context leaves empty (None, an empty list) cannot say what it would hold: not refused."""
    segments = path.split(".")
    value: Any = context
    for n, segment in enumerate(segments):
        name, each = segment.removesuffix("[]"), segment.endswith("[]")
        if value is None:
            return None
        found = _step(value, name)
        if found is _MISSING:
            head = ".".join(segments[:n]) + "." if n else ""
            siblings = [k for k in value if isinstance(k, str)] if isinstance(value, dict) else []
            close = difflib.get_close_matches(name, siblings, n=1, cutoff=0.6)
            return head + name, (head + close[0] if close else None)
        value = found
        if each:
            if not isinstance(value, list | tuple) or not value:
                return None
            value = value[0]
    return None


def used_paths(data: bytes) -> list[str]:
    """The dotted paths a prepared template reads, in every text part that parses (the build's reading)."""
    env = environment()
    found: list[str] = []
    for _part, _texts, lines in _part_sources(data):
        try:
            tree = env.parse("\n".join(lines))
        except jinja2.TemplateSyntaxError:
            continue
        found += [
            p for p in _paths(tree) if p not in found and p.split(".")[0] not in _LOCALS | set(env.globals)
        ]
    return found


def check_template(path: Path, kind: str, item: str | None = None) -> Report:
    """Every problem of a template for `kind`, and where its seal and signature places are."""
    from docxtpl import DocxTemplate

    report = Report(path.name)
    try:
        prepared = prepare(path)
    except TemplateError as e:
        report.errors.append(e.message)
        report.read = False
        return report
    report.stripped, report.joined = prepared.stripped, prepared.joined
    report.warnings += prepared.stripped + prepared.resized + prepared.retagged
    report.errors += prepared.landscape
    context = sample_context(kind)
    known = {v.path for v in variables(kind, context)}
    env = environment()
    unknown: list[str] = []
    globals_ = set(env.globals) | _LOCALS
    for part, texts, lines in _part_sources(prepared.data):
        where = (
            messages.text("render.authoring.body")
            if part.endswith("document.xml")
            else part.removeprefix("word/").removesuffix(".xml")
        )
        for n, text in enumerate(texts):
            rest = TAG.sub("", text)
            if any(o in rest for o in ("{{", "{%", "{#")) or any(c in rest for c in ("}}", "%}", "#}")):
                report.errors.append(
                    messages.text("render.authoring.unclosed", where=where, n=n + 1, text=text.strip()[:80])
                )
                lines[n] = ""
        _places(report, texts)  # the places are words, there whether or not the tags parse
        try:
            tree = env.parse("\n".join(lines))
        except jinja2.TemplateSyntaxError as e:
            opened = (
                _unended(lines) if e.message and e.message.startswith("Unexpected end of template") else None
            )
            if opened:  # jinja2 names the part's last line; the paragraph to fix is where the block opens
                line, tag = opened
                shown = texts[line].strip()[:80]
                report.errors.append(
                    messages.text("render.authoring.unended", where=where, n=line + 1, tag=tag, text=shown)
                )
                continue
            line = (e.lineno or 1) - 1
            shown = texts[line].strip()[:80] if 0 <= line < len(texts) else ""
            report.errors.append(
                messages.text(
                    "render.authoring.syntax",
                    where=where,
                    n=line + 1,
                    detail=(e.message or "").rstrip(". "),
                    text=shown,
                )
            )
            continue
        for used in _paths(tree):
            root = used.split(".")[0].removesuffix("[]")
            if root in globals_ or used in report.variables:
                continue
            report.variables.append(used)
            report.roots.add(root)
            if any(used.startswith(u + ".") or used.startswith(u + "[]") for u in unknown):
                continue
            # Known by name, it must also be readable: a text has no fields (legal_rep.name.x), as build finds.
            missing = None if not _known(used, known) else unresolved(used, context)
            if not _known(used, known) or missing:
                unknown.append(missing[0] if missing else used)
                close = (
                    [missing[1]]
                    if missing and missing[1]
                    else difflib.get_close_matches(used, sorted(known), n=1, cutoff=0.6)
                )
                hint = (
                    messages.text("render.authoring.did_you_mean", name=close[0])
                    if close
                    else messages.text("render.authoring.see_vars")
                )
                report.errors.append(
                    messages.text(
                        "render.authoring.unknown_variable", where=where, name=unknown[-1], hint=hint
                    )
                )
    try:  # what docxtpl itself will ask of the context, to be sure both readings agree
        roots = DocxTemplate(io.BytesIO(prepared.data)).get_undeclared_template_variables(jinja_env=env)
        report.roots |= {r for r in roots if r not in globals_}
    except jinja2.TemplateSyntaxError:
        pass
    if not report.seals:
        report.warnings.append(messages.text("render.authoring.no_seal", seal=SEAL_WORD))
    if item is not None:
        from ..kinds import load_checklist

        forms = [i.id for i in load_checklist(kind).items if i.source == "form"]
        if item not in forms:
            close = difflib.get_close_matches(item, forms, n=1, cutoff=0.5)
            report.errors.append(
                messages.text("render.authoring.not_a_form", item=item, kind=kind)
                + (
                    messages.text("render.authoring.did_you_mean", name=close[0])
                    if close
                    else messages.text("render.authoring.available", names=list(forms))
                )
            )
    return report


_BLOCK = re.compile(r"\{%[-+]?\s*(\w+)([^%]*)")
_BLOCKS = {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "raw"}


def _unended(lines: list[str]) -> tuple[int, str] | None:
    """(line, tag) of the innermost block that is never closed ({% for %} without {% endfor %})."""
    stack: list[tuple[int, str]] = []
    for n, line in enumerate(lines):
        for match in _BLOCK.finditer(line):
            word, rest = match.group(1), match.group(2)
            if word in _BLOCKS or (word == "set" and "=" not in rest):
                stack.append((n, word))
            elif word.startswith("end") and stack and stack[-1][1] == word[3:]:
                stack.pop()
    return stack[-1] if stack else None


def _known(path: str, known: set[str]) -> bool:
    """A known path, a loop over a known list, or a method of a known value (company.name.strip)."""
    if path in known or (path.endswith("[]") and path[:-2] in known):
        return True
    parent = path.rpartition(".")[0]
    if not parent:
        return False
    value = parent[:-2] if parent.endswith("[]") else parent
    return (parent in known or value in known) and not _is_table(parent, known)


def _is_table(path: str, known: set[str]) -> bool:
    return any(k.startswith(path + ".") or k.startswith(path + "[].") for k in known)


def _places(report: Report, texts: list[str]) -> None:
    for n, text in enumerate(texts):
        shown = text.strip()[:60]
        if SEAL_WORD in text:
            before = text[: text.index(SEAL_WORD)]
            above = next(
                (t for t in reversed(texts[:n]) if t.strip()), ""
            )  # an empty paragraph prints no line
            other = OTHER_PARTY in before or above.strip().startswith(OTHER_PARTY)
            (report.other_party if other else report.seals).append(shown)
        if SIGN_WORD in text:
            report.signatures.append(shown)


def preview(path: Path, kind: str, out: Path) -> Path:
    """The template rendered with the kind's sample profile and converted by LibreOffice into `out`."""
    import shutil
    import tempfile

    from docxtpl import DocxTemplate  # noqa: F401  (loaded before the context needs it)

    from ..convert import Converter, find_soffice
    from ..kinds import registry
    from ..profile import load_profile
    from .docx import render_docx

    entry = registry.get(kind)
    samples = sorted((entry.folder.parents[1] / "samples" / kind).glob("*.toml")) or [entry.starter("zh")]
    loaded = load_profile(samples[0])
    with tempfile.TemporaryDirectory(prefix="numdossier-") as work:
        docx = Path(work) / f"{path.stem}.docx"
        render_docx(path, lambda tpl: entry.build_context(loaded, tpl), docx)
        (pdf,) = Converter(find_soffice()).convert([docx], Path(work) / "pdf")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, out)
    return out


def export(kind: str, item: str, out: Path, force: bool = False) -> Path:
    """Write the built-in template of `item` to `out` as a starting point for an own template."""
    import shutil

    from ..errors import InputError, UsageError
    from ..kinds import load_checklist, registry

    forms = {i.id: i for i in load_checklist(kind).items if i.source == "form" and i.template}
    if item not in forms:
        close = difflib.get_close_matches(item, list(forms), n=1, cutoff=0.5)
        raise UsageError(
            messages.text("render.authoring.not_a_form", item=repr(item), kind=kind),
            messages.text("render.authoring.did_you_mean_hint", name=close[0])
            if close
            else messages.text("render.authoring.available_hint", names=list(forms)),
        )
    if out.exists() and not force:
        raise InputError(
            messages.text("render.authoring.exists", path=out), messages.text("render.authoring.exists_hint")
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    template = forms[item].template
    assert template is not None
    shutil.copyfile(registry.get(kind).folder / template, out)
    return out


__all__ = ["Report", "Variable", "W", "check_template", "export", "preview", "variables"]
