"""A kind's checklist: the ordered items of its dossier, read from data beside its templates."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..errors import TemplateError


class Item(BaseModel):
    """One checklist item: a generated form, user attachments, or the branch 目录 with proofs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    source: Literal["form", "attachments", "branches"]
    template: str | None = None
    attachments: list[str] = Field(default_factory=list)  # profile [attachments] keys; default [id]
    required: bool = False
    sides: bool = False  # ID documents: both sides per person

    @property
    def attachment_keys(self) -> list[str]:
        return self.attachments or [self.id]


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    title: str
    subtitle: str
    authority: str = ""
    notes: list[str] = Field(default_factory=list)
    items: list[Item]

    @property
    def attachment_keys(self) -> list[str]:
        """Every [attachments] key this kind knows, in checklist order."""
        return [k for item in self.items if item.source == "attachments" for k in item.attachment_keys]


def templates_root() -> Path:
    """Templates ship inside the wheel (numdossier/templates); a source checkout has them at the top."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def template_dir(kind: str) -> Path:
    return templates_root() / kind


@cache
def load_checklist(kind: str) -> Checklist:
    path = template_dir(kind) / "checklist.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Checklist.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValueError) as e:
        raise TemplateError(f"{path}: 清单数据无法读取：{e}", "请重新安装 numdossier。") from e
