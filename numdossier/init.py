"""`init`: write a commented starter profile for a kind, its JSON Schema and an attachments/README.md beside it."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError, UsageError
from .kinds import template_dir
from .profile import KINDS, model_for, supported_kinds
from .schema import schema_filename, with_directive, write_schema


def init_profile(path: Path, kind: str, force: bool = False) -> list[Path]:
    """Returns the files written.

    The starter's first line is Taplo's `#:schema` directive naming the schema written beside it, so that
    VS Code (Even Better TOML) underlines a wrong key or value while the profile is typed. The schema is
    generated, not the user's: it is rewritten every time (several profiles of a folder share it).
    """
    if kind not in KINDS:
        raise UsageError(f"--kind {kind!r} 无效", f"应为以下之一：{', '.join(KINDS)}")
    if model_for(kind) is None:
        raise UsageError(f"本版本暂不支持 {kind!r}", f"当前支持：{', '.join(supported_kinds())}")
    if path.exists() and not force:
        raise InputError(f"{path} 已存在，未覆盖。", "如需覆盖，请加 --force。")
    if path.is_dir():
        raise InputError(f"{path} 是一个文件夹。", "请给出配置文件的路径，例如 mycompany.toml。")
    source = template_dir(kind)
    readme = path.parent / "attachments" / "README.md"
    written = []
    path.parent.mkdir(parents=True, exist_ok=True)
    for src, dst in ((source / "starter.toml", path), (source / "attachments-README.md", readme)):
        if dst == readme and readme.exists() and not force:
            continue  # an existing attachments folder belongs to the user
        dst.parent.mkdir(parents=True, exist_ok=True)
        temp = dst.with_name(f".{dst.name}.tmp-{os.getpid()}")
        content = src.read_bytes()
        if dst == path:
            content = with_directive(content.decode("utf-8"), schema_filename(kind)).encode("utf-8")
        temp.write_bytes(content)
        os.replace(temp, dst)
        written.append(dst)
    written.append(write_schema(path.parent, kind))
    return written
