"""`init`: write a commented starter profile for a kind, its JSON Schema and an attachments/README.md beside it.

One folder per client: `init clients/acme --kind n96` writes clients/acme/profile.toml with its own
attachments/, so that two clients' scans never share a folder (the dossier is named after the folder)."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import InputError
from .kinds import registry
from .schema import schema_filename, with_directive, write_schema

PROFILE_NAME = "profile.toml"  # the profile of a client folder; its dossier takes the folder's name


def profile_path(path: Path) -> Path:
    """Where `init PATH` writes the profile: PATH itself when it names a .toml file, else PATH/profile.toml."""
    if path.suffix.lower() == ".toml" and not path.is_dir():
        return path
    return path / PROFILE_NAME


def readme_kind(readme: Path) -> str | None:
    """The kind whose attachments README this is (by its first line), or None when it is the user's own."""
    try:
        first = readme.read_text(encoding="utf-8").splitlines()[:1]
    except (OSError, UnicodeDecodeError):
        return None
    for kind in registry.names():
        template = registry.get(kind).folder / "attachments-README.md"
        if template.is_file() and first == template.read_text(encoding="utf-8").splitlines()[:1]:
            return kind
    return None


def _profiles_beside(path: Path) -> list[Path]:
    folder = path.parent
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.toml") if p.resolve() != path.resolve())


def init_profile(path: Path, kind: str, force: bool = False) -> list[Path]:
    """Returns the files written. PATH is a client folder (profile.toml goes inside) or a .toml file.

    The starter's first line is Taplo's `#:schema` directive naming the schema written beside it, so that
    VS Code (Even Better TOML) underlines a wrong key or value while the profile is typed. The schema is
    generated, not the user's: it is rewritten every time (several profiles of a folder share it).
    """
    source = registry.get(kind).folder  # a UsageError naming the kinds if there is no such kind
    if path.exists() and not path.is_dir() and path.suffix.lower() != ".toml":
        raise InputError(
            f"{path} 已存在，不是文件夹。", "请给出客户文件夹（如 clients/acme）或 .toml 配置文件的路径。"
        )
    path = profile_path(path)
    if path.exists() and not force:
        raise InputError(f"{path} 已存在，未覆盖。", "如需覆盖，请加 --force。")
    if path.is_dir():
        raise InputError(f"{path} 是一个文件夹。", "请给出客户文件夹（如 clients/acme）或配置文件的路径。")
    readme = path.parent / "attachments" / "README.md"
    other_kind = readme_kind(readme) if readme.exists() else None
    if other_kind is not None and other_kind != kind:
        suggestion = path.parent / path.stem
        raise InputError(
            f"{readme} 是 {other_kind} 申请的附件清单，未覆盖：两类申请会共用同一个 attachments/ 文件夹。",
            f"每个客户（每份申请）一个文件夹：numdossier init {suggestion} --kind {kind}",
        )
    beside = [p for p in _profiles_beside(path) if not force]
    if beside:
        suggestion = path.parent / path.stem
        raise InputError(
            f"{path.parent} 中已有配置文件 {beside[0].name}：两份配置会共用 attachments/，扫描件会混在一起。",
            f"每个客户（每份申请）一个文件夹：numdossier init {suggestion} --kind {kind}"
            "（确要共用时加 --force）",
        )
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
