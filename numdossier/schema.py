"""JSON Schema of a kind's profile, generated from its pydantic model, for editors (Taplo / Even Better TOML).

Titles and descriptions come from one source, the starter profile's comments in the current language
(templates/<kind>/starter.toml in Chinese, starter.en.toml in English; `init` writes the same file into the
user's folder), so the tooltip in the editor and the comment in the file agree.
The schema keeps to keywords every draft-07 validator knows (no `$defs`: Taplo resolves them poorly, and
an inlined schema can be read on its own), with `if`/`then` for ID numbers that depend on `id_type`.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from .kinds import registry, template_dir
from .profile import ProfileBase
from .rules import messages

DRAFT = "http://json-schema.org/draft-07/schema#"
# The directive Taplo and Even Better TOML read on a profile's first lines (taplo: configuration/directives).
DIRECTIVE = "#:schema ./{name}"

# Formats, loose enough never to flag what `check` accepts; `check` stays the judge (check digits,
# number ranges). Empty is allowed: a field not filled in yet is check's FIELD-MISSING, not a typo.
USCC_PATTERN = r"^$|^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"
RESIDENT_ID_PATTERN = r"^$|^[0-9]{17}[0-9X]$"
_SEP = r"[\s()（）-]*"
MOBILE_PATTERN = rf"^$|^(\+86|0086)?{_SEP}1[3-9]({_SEP}[0-9]){{9}}$"
PHONE_PATTERN = (
    rf"^$|^(\+86|0086)?{_SEP}[0-9]({_SEP}[0-9]){{6,11}}"
    r"(\s*(转|分机|ext\.?|#|-)\s*[0-9]{1,6})?$"
)
POSTCODE_PATTERN = r"^$|^[0-9]{6}$"
PATTERNS = {
    "uscc": USCC_PATTERN,
    "mobile": MOBILE_PATTERN,
    "office_phone": PHONE_PATTERN,
    "postcode": POSTCODE_PATTERN,
}


def schema_filename(kind: str) -> str:
    return f"numdossier-{kind}.schema.json"


def model_for_kind(kind: str) -> type[ProfileBase]:
    """The profile model of `kind`; a UsageError (exit 2) names the registered kinds when there is none."""
    return registry.get(kind).model


# --- descriptions from the starter profile ----------------------------------------------------------

_HEADER = re.compile(r"^\s*(?:#\s*)?\[\[?\s*([A-Za-z0-9_.]+)\s*\]\]?\s*(?:#\s*(.*))?$")
_KEY = re.compile(r"^\s*(?:#\s*)?([A-Za-z0-9_]+)\s*=\s*(.*)$")


def comment_of(line: str) -> str | None:
    """The comment of a TOML line (what follows `#`; a `#` inside a quoted string does not count), or None."""
    quote: str | None = None
    for i, c in enumerate(line):
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#":
            return line[i + 1 :]
    return None


def _inline_comment(value: str) -> str | None:
    """The comment after a value on its line, stripped."""
    comment = comment_of(value)
    return None if comment is None else comment.strip()


def descriptions(kind: str, lang: str | None = None) -> dict[str, str]:
    """Dotted path (lists without indexes: `branches.city`) -> the starter's comment for it, in `lang`
    (default: the current language; the Chinese starter's when the kind has no English one)."""
    return _descriptions(registry.get(kind).starter(lang))


@cache  # by the starter's path: a kind registered again from another folder is read again
def _descriptions(starter_path: Path) -> dict[str, str]:
    starter = starter_path.read_text(encoding="utf-8")
    found: dict[str, str] = {}
    table = ""
    pending: list[str] = []  # comment lines above a key or table without a comment of its own
    in_multiline = False
    for line in starter.splitlines():
        stripped = line.strip()
        if in_multiline:
            in_multiline = stripped.count('"""') != 1
            continue
        header = _HEADER.match(line)
        key = _KEY.match(line) if header is None else None
        if header:
            table = header.group(1)
            text = header.group(2) or " ".join(pending)
            if text:
                found.setdefault(table, text)
            pending = []
        elif key:
            path = f"{table}.{key.group(1)}" if table else key.group(1)
            value = key.group(2)
            text = _inline_comment(value) or " ".join(pending)
            if text:
                found.setdefault(path, text)
            pending = []
            in_multiline = value.count('"""') == 1
        elif stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
        else:
            pending = []
    return found


def _title(description: str) -> str:
    """The lead of a comment: '单位名称，与营业执照一致' -> '单位名称'; 'Optional: signing place, e.g. …'
    -> 'Signing place'."""
    text = re.sub(r"^(?:可选|Optional)\s*[：:]\s*", "", description, flags=re.I)
    lead = re.split(r"[，,：:；;（(]| e\.g\. ", text, maxsplit=1)[0].strip()
    if not lead:
        return description
    return lead[0].upper() + lead[1:] if lead[0].isascii() else lead


def profile_title(kind: str) -> str:
    """The starter's first line up to its dash: '96 号段…占用申请 —— 配置文件…' -> '96 号段…占用申请'."""
    first = registry.get(kind).starter().read_text(encoding="utf-8").splitlines()[0]
    return re.split(r"\s*—+\s", first.lstrip("#"), maxsplit=1)[0].strip() or kind


# --- the schema ------------------------------------------------------------------------------------


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """Replace every `$ref` to `#/$defs/X` by a copy of X (the profile models have no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = defs[node["$ref"].rsplit("/", 1)[-1]]
            merged = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "$ref"}}
            return _inline(merged, defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def _portable(node: Any) -> Any:
    """`const` (draft 6) becomes a one-value `enum`; pydantic's English titles go, and so do the
    descriptions it takes from the models' docstrings (notes for developers, in neither language)."""
    if isinstance(node, dict):
        said = ("title", "description")
        out = {k: _portable(v) for k, v in node.items() if k not in said or not isinstance(v, str)}
        if "title" in node and isinstance(node["title"], dict):  # a property named "title"
            out["title"] = _portable(node["title"])
        if "const" in out:
            out.setdefault("enum", [out.pop("const")])
        return out
    if isinstance(node, list):
        return [_portable(v) for v in node]
    return node


def _objects(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The object schemas a property may be: itself, its list items, its anyOf branches."""
    if node.get("type") == "object" or "properties" in node:
        return [node]
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return _objects(node["items"])
    found: list[dict[str, Any]] = []
    for branch in node.get("anyOf", []):
        found += _objects(branch)
    return found


def _annotate(node: dict[str, Any], path: str, texts: dict[str, str]) -> None:
    for name, prop in (node.get("properties") or {}).items():
        here = f"{path}.{name}" if path else name
        text = texts.get(here)
        if text:
            prop["title"] = _title(text)
            prop["description"] = text
        pattern = PATTERNS.get(name)
        if pattern and prop.get("type") == "string":
            prop["pattern"] = pattern
        for child in _objects(prop):
            _annotate(child, here, texts)
    props = node.get("properties") or {}
    if "id_type" in props and "id_number" in props and props["id_number"].get("type") == "string":
        node["if"] = {"properties": {"id_type": {"enum": ["resident_id"]}}}
        node["then"] = {"properties": {"id_number": {"pattern": RESIDENT_ID_PATTERN}}}


def _attachment_items(kind: str, texts: dict[str, str]) -> dict[str, Any]:
    from .kinds import load_checklist

    files = {"type": "array", "items": {"type": "string"}}
    items: dict[str, Any] = {}
    for item in load_checklist(kind).items:
        for key in item.attachment_keys:
            text = texts.get(f"attachments.{key}") or item.title
            items[key] = {**files, "title": item.title, "description": text}
    return items


@cache
def _cached_schema(kind: str, folder: Path, model: type[ProfileBase], lang: str) -> str:
    """By kind, folder, model and language (the description's; `messages.using` is on at the call)."""
    raw = model.model_json_schema(mode="validation")
    schema: dict[str, Any] = _portable(_inline(raw, raw.get("$defs", {})))
    texts = descriptions(kind)
    _annotate(schema, "", texts)
    attachments = schema.get("properties", {}).get("attachments")
    if isinstance(attachments, dict):
        attachments["properties"] = _attachment_items(kind, texts)
    title = profile_title(kind)
    top = {
        "$schema": DRAFT,
        "$id": f"urn:numdossier:profile:{kind}",
        "title": title,
        "description": messages.text("schema.description", kind=kind, title=title),
    }
    return json.dumps({**top, **schema}, ensure_ascii=False)


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft-07) of `kind`'s profile."""
    model = model_for_kind(kind)
    loaded: dict[str, Any] = json.loads(_cached_schema(kind, template_dir(kind), model, messages.language()))
    return loaded


def schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"


def with_directive(starter: str, schema_name: str) -> str:
    """The starter with Taplo's `#:schema` header directive as its first line."""
    return DIRECTIVE.format(name=schema_name) + "\n" + starter


def write_schema(folder: Path, kind: str) -> Path:
    """Write the kind's schema into `folder` (atomic); returns its path."""
    from . import atomic

    return atomic.write(folder / schema_filename(kind), schema_text(kind))
