"""A kind's checklist: the ordered items of its dossier, read from data beside its templates."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import TemplateError
from ..rules import messages


class Item(BaseModel):
    """One checklist item: a generated form, user files, or the branch 目录 with each branch's proofs.

    source = "attachments": the files of the profile's [attachments] under `attachments` keys (default:
    the item id); "files": the files a profile path names, e.g. "ucc.destinations[].bill", or several
    paths into one list, whose files are kept together per element ("staff[].id_copy",
    "staff[].insurance_proof": each member's pair), with a bookmark per element when `group_title` (a
    jinja template over the element, e.g. "{{ role }} {{ name }}") is given; "branches": a generated
    branch 目录, then branches[].proofs. `when` and `required_when` are jinja expressions over the
    profile (e.g. "n95.prefix == '955'"), so that variants stay data.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    source: Literal["form", "attachments", "files", "branches"]
    template: str | None = None
    attachments: list[str] = Field(default_factory=list)
    files: str | list[str] | None = None
    group_title: str | None = None
    required: bool = False
    required_when: str | None = None
    when: str | None = None
    sides: bool = False  # ID documents: both sides per person

    @property
    def file_paths(self) -> list[str]:
        """The profile paths of a "files" item (`files` as a list)."""
        if self.files is None:
            return []
        return [self.files] if isinstance(self.files, str) else list(self.files)

    def group_label(self, profile: Mapping[str, Any], group: str | int | None) -> str | None:
        """The bookmark of a group of a "files" item: `group_title` over that element, or None."""
        if not self.group_title or not isinstance(group, int) or not self.file_paths:
            return None
        element: Any = profile
        for key in self.file_paths[0].split("[]", 1)[0].split("."):
            element = element.get(key) if isinstance(element, Mapping) else None
        if not isinstance(element, list) or group >= len(element):
            return None
        return str(_render(self.group_title, element[group])).strip() or None

    @property
    def attachment_keys(self) -> list[str]:
        if self.source != "attachments":
            return []
        return self.attachments or [self.id]

    def applies(self, profile: Mapping[str, Any]) -> bool:
        """Whether the item belongs in this profile's dossier at all."""
        return self.when is None or bool(_evaluate(self.when, profile))

    def is_required(self, profile: Mapping[str, Any]) -> bool:
        if self.required_when is not None:
            return bool(_evaluate(self.required_when, profile))
        return self.required

    def file_refs(self, profile: Mapping[str, Any]) -> list[FileRef]:
        """The files of this item named in the profile, in order, with their field paths."""
        if self.source == "attachments":
            attachments = profile.get("attachments") or {}
            return [
                FileRef(f"attachments.{key}[{i}]", path, key)
                for key in self.attachment_keys
                for i, path in enumerate(attachments.get(key) or [])
            ]
        if self.source == "branches":
            return [
                FileRef(f"branches[{b}].proofs[{i}]", path, b)
                for b, branch in enumerate(profile.get("branches") or [])
                for i, path in enumerate(branch.get("proofs") or [])
            ]
        if self.source == "files":
            refs = [ref for path in self.file_paths for ref in walk_files(profile, path)]
            if len(self.file_paths) > 1:  # one element's files together, in the order of the paths
                refs.sort(key=lambda ref: ref.group if isinstance(ref.group, int) else -1)
            return refs
        return []


@dataclass(frozen=True)
class FileRef:
    """A file named in the profile: the field path that names it, the path as written, its group."""

    field: str
    path: str
    group: str | int | None = None


def walk_files(data: Any, expression: str) -> Iterator[FileRef]:
    """Files at a path such as "ucc.destinations[].bill": `[]` walks a list, a final list is walked too."""

    def walk(value: Any, parts: list[str], where: str, group: int | None) -> Iterator[FileRef]:
        if not parts:
            if isinstance(value, str):
                if value:
                    yield FileRef(where, value, group)
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    if isinstance(v, str) and v:
                        yield FileRef(f"{where}[{i}]", v, group)
            return
        head, rest = parts[0], parts[1:]
        many = head.endswith("[]")
        key = head.removesuffix("[]")
        child = value.get(key) if isinstance(value, Mapping) else None
        here = f"{where}.{key}" if where else key
        if many:
            for i, element in enumerate(child or []):
                yield from walk(element, rest, f"{here}[{i}]", i if group is None else group)
        elif child is not None:
            yield from walk(child, rest, here, group)

    yield from walk(data, expression.split("."), "", None)


def _render(template: str, data: Mapping[str, Any]) -> str:
    from ..render.engine import environment

    try:
        return environment().from_string(template).render(**data)
    except Exception as e:  # as in _evaluate: a defect in the checklist data
        raise TemplateError(
            messages.text("kinds.checklist.bookmark", template=repr(template), detail=e),
            messages.text("kinds.checklist.hint"),
        ) from e


def _evaluate(expression: str, profile: Mapping[str, Any]) -> Any:
    from ..render.engine import environment

    try:
        return environment().compile_expression(expression, undefined_to_none=False)(**profile)
    except Exception as e:  # jinja raises several types; any of them is a defect in the checklist data
        raise TemplateError(
            messages.text("kinds.checklist.condition", expression=repr(expression), detail=e),
            messages.text("kinds.checklist.hint"),
        ) from e


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    title: str
    subtitle: str
    authority: str = ""
    notes: list[str] = Field(default_factory=list)  # printed on the 目录 (注意事项), Chinese
    notes_en: list[str] = Field(default_factory=list)  # the same notes for people reading English
    items: list[Item]

    def notes_said(self) -> list[str]:
        """The notes in the language of the work in progress (check's output); the 目录 prints `notes`."""
        if messages.language() == "en" and len(self.notes_en) == len(self.notes):
            return list(self.notes_en)
        return list(self.notes)

    @property
    def attachment_keys(self) -> list[str]:
        """Every [attachments] key this kind knows, in checklist order."""
        return [k for item in self.items for k in item.attachment_keys]

    def applicable(self, profile: Mapping[str, Any]) -> list[Item]:
        """The items whose `when` holds for this profile, in checklist order."""
        return [item for item in self.items if item.applies(profile)]


def template_dir(kind: str) -> Path:
    """The folder of a registered kind's data (templates/<kind>/)."""
    from .registry import get

    return get(kind).folder


@cache
def load_checklist(kind: str) -> Checklist:
    """The built-in checklist of a registered kind, checked against the kind's templates."""
    return read_checklist(template_dir(kind) / "checklist.toml", kind)


def read_checklist(path: Path, kind: str) -> Checklist:
    """A checklist file of `kind`: valid items, the right kind, a template for every form item."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        checklist = Checklist.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValueError) as e:
        raise TemplateError(
            messages.text("kinds.checklist.unreadable", path=path, detail=e),
            messages.text("kinds.checklist.hint"),
        ) from e
    problems = []
    if checklist.kind != kind:
        problems.append(
            messages.text("kinds.checklist.wrong_kind", found=repr(checklist.kind), kind=repr(kind))
        )
    ids = [item.id for item in checklist.items]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    problems += [messages.text("kinds.checklist.repeated", item=repr(i)) for i in repeated]
    for item in checklist.items:
        if item.source == "form" and not item.template:
            problems.append(messages.text("kinds.checklist.no_template", item=repr(item.id)))
    if problems:
        joined = messages.text("kinds.checklist.separator").join(problems)
        raise TemplateError(
            messages.text("kinds.checklist.problems", path=path, problems=joined),
            messages.text("kinds.checklist.hint"),
        )
    return checklist
