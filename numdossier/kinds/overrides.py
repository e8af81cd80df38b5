"""Bring your own template: which checklist and which DOCX a dossier uses.

For a form item, in this order (spec: 自带模板):
  1. the profile's [templates] table: `security_agreement = "carrier/电信-安全协议.docx"`, relative to the
     profile's folder;
  2. the agency folder (`--templates DIR` or NUMDOSSIER_TEMPLATES, read by the CLI): DIR/<kind>/<item>.docx;
  3. the built-in template, templates/<kind>/<template of the item>.
The agency folder may also hold DIR/<kind>/checklist.toml, a carrier's variant of the checklist: it may
add, drop or reorder items, and is validated like the built-in one (its form items need a template in
DIR/<kind>/ or built in).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import TemplateError
from ..rules import messages
from .checklist import Checklist, Item, load_checklist, read_checklist
from .registry import get

Origin = Literal["profile", "agency", "built-in"]


@dataclass(frozen=True)
class TemplateChoice:
    item: str
    path: Path
    origin: Origin


def checklist_for(kind: str, agency: Path | None = None) -> Checklist:
    """The agency's variant of the kind's checklist when DIR/<kind>/checklist.toml exists, else the built-in one."""
    variant = agency / kind / "checklist.toml" if agency is not None else None
    if agency is None or variant is None or not variant.is_file():
        return load_checklist(kind)
    checklist = read_checklist(variant, kind)
    missing = [
        messages.text("kinds.overrides.item_template", item=item.id, template=item.template)
        for item in checklist.items
        if item.source == "form" and _agency_or_built_in(kind, item, agency) is None
    ]
    if missing:
        raise TemplateError(
            messages.text("kinds.overrides.missing_templates", path=variant, items=list(missing)),
            messages.text("kinds.overrides.missing_templates_hint", folder=agency / kind),
        )
    return checklist


def _agency_or_built_in(kind: str, item: Item, agency: Path | None) -> TemplateChoice | None:
    if agency is not None:
        for name in (f"{item.id}.docx", item.template or ""):
            candidate = agency / kind / name
            if name and candidate.is_file():
                return TemplateChoice(item.id, candidate, "agency")
    built_in = get(kind).folder / (item.template or f"{item.id}.docx")
    return TemplateChoice(item.id, built_in, "built-in") if built_in.is_file() else None


def template_for(
    kind: str, item: Item, profile_folder: Path, overrides: dict[str, str], agency: Path | None = None
) -> TemplateChoice:
    """The template a form item is rendered from (see the module docstring for the order)."""
    written = overrides.get(item.id)
    if written:
        path = (profile_folder / written).resolve()
        if not path.is_file():
            raise TemplateError(
                messages.text("kinds.overrides.no_file", item=item.id, written=repr(written)),
                messages.text("kinds.overrides.no_file_hint"),
            )
        return TemplateChoice(item.id, path, "profile")
    found = _agency_or_built_in(kind, item, agency)
    if found is None:
        raise TemplateError(
            messages.text("kinds.overrides.no_template", item=item.id),
            messages.text("kinds.overrides.no_template_hint"),
        )
    return found


def unused_agency_templates(kind: str, checklist: Checklist, agency: Path | None) -> list[tuple[str, str]]:
    """DOCX files in DIR/<kind>/ that no form item of the checklist would use (a misspelt item id, a
    different case): each with the closest item id (or ""). Word's lock files (~$…) are left out."""
    folder = agency / kind if agency is not None else None
    if folder is None or not folder.is_dir():
        return []
    forms = [item for item in checklist.items if item.source == "form"]
    used = {f"{item.id}.docx" for item in forms} | {item.template for item in forms if item.template}
    ids = [item.id for item in forms]
    lowered = {i.lower(): i for i in ids}
    return [
        (
            path.name,
            next((lowered[m] for m in difflib.get_close_matches(path.stem.lower(), list(lowered))), ""),
        )
        for path in sorted(folder.iterdir())
        if path.suffix.lower() == ".docx" and not path.name.startswith("~$") and path.name not in used
    ]


def unknown_overrides(checklist: Checklist, overrides: dict[str, str]) -> list[tuple[str, str]]:
    """[templates] keys that are no form item of the checklist, each with a close item id (or "")."""
    forms = [item.id for item in checklist.items if item.source == "form"]
    return [
        (key, next(iter(difflib.get_close_matches(key, forms, n=1, cutoff=0.5)), ""))
        for key in overrides
        if key not in forms
    ]
