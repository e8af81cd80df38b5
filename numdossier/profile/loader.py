"""Read a TOML profile into a validated model; every problem names the file, line/column or field path."""

from __future__ import annotations

import difflib
import hashlib
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ProfileError
from .model import KINDS, ProfileBase, model_for, supported_kinds

MAX_PROFILE_BYTES = 5 * 1024 * 1024  # a profile is a few KiB; anything bigger is not a profile


@dataclass(frozen=True)
class LoadedProfile:
    """A validated profile together with where it came from."""

    path: Path  # as given by the user
    folder: Path  # attachments are relative to it
    sha256: str
    model: ProfileBase

    @property
    def kind(self) -> str:
        return self.model.kind

    @property
    def name(self) -> str:
        return self.model.name or self.path.stem


def field_path(loc: tuple[int | str, ...]) -> str:
    """('branches', 2, 'city') -> 'branches[2].city'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The sub-model that holds the field at `loc` (for did-you-mean hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """list[Branch] -> Branch, Branch | None -> Branch."""
    for arg in typing.get_args(annotation) or ():
        found = _unwrap(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return annotation


def _describe(error: Any, model: type[BaseModel]) -> str:
    loc = tuple(error["loc"])
    where = field_path(loc) or "(顶层)"
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        known = list(parent.model_fields) if parent else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = (
            f"，您是否想写 '{close[0]}'？"
            if close
            else (f"（可用的键：{', '.join(known)}）" if known else "")
        )
        return f"{where}: 未知的键{hint}"
    if kind == "missing":
        return f"{where}: 缺少必填项"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"{where}: 取值 {error.get('input')!r} 无效，应为 {expected}"
    if kind in (
        "string_type",
        "int_type",
        "float_type",
        "bool_type",
        "list_type",
        "dict_type",
        "date_type",
        "model_type",
    ):
        wanted = {
            "string_type": "字符串",
            "int_type": "整数",
            "float_type": "数字",
            "bool_type": "true 或 false",
            "list_type": "数组 [...]",
            "dict_type": "表 [...]",
            "date_type": "TOML 日期（如 2026-11-23）",
            "model_type": "表 [...]",
        }[kind]
        return f"{where}: 类型错误，应为{wanted}，实际为 {type(error.get('input')).__name__}"
    if kind == "string_too_long":
        return f"{where}: 内容过长（最多 {error.get('ctx', {}).get('max_length')} 个字符）"
    return f"{where}: {error['msg']}"


def parse_toml(path: Path) -> dict[str, Any]:
    """Read and parse the TOML file; errors name the file, line and column."""
    try:
        if path.is_dir():
            raise ProfileError(str(path), ["这是一个文件夹，不是配置文件"], "请给出 .toml 配置文件的路径。")
        size = path.stat().st_size
        if size > MAX_PROFILE_BYTES:
            raise ProfileError(str(path), [f"文件过大（{size} 字节），不像是配置文件"], "请检查文件路径。")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProfileError(
            str(path), ["文件不存在"], "请检查路径，或用 `numdossier init` 创建配置文件。"
        ) from None
    except PermissionError:
        raise ProfileError(str(path), ["没有读取权限"], "请检查文件权限。") from None
    except IsADirectoryError:
        raise ProfileError(
            str(path), ["这是一个文件夹，不是配置文件"], "请给出 .toml 配置文件的路径。"
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProfileError(
            str(path), [f"不是 UTF-8 文本（第 {e.start} 字节处）"], "请将配置文件另存为 UTF-8 编码。"
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ProfileError(str(path), [f"第 {line} 行含有 NUL 字符，不是文本文件"], "请检查文件内容。")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # Python's message ends in "(at line L, column C)"; keep it, it is the position users need.
        raise ProfileError(str(path), [f"TOML 语法错误：{e}"], "请按提示的行号和列号修改配置文件。") from None
    except RecursionError:  # tomllib recurses per nesting level; thousands of [[[... exhaust the stack
        raise ProfileError(str(path), ["嵌套层数过多，不是有效的配置文件"], "请检查文件内容。") from None


def load_profile(path: str | Path) -> LoadedProfile:
    """Load and validate a profile; raises ProfileError listing every problem found."""
    path = Path(path)
    data = parse_toml(path)
    kind = data.get("kind")
    if kind is None:
        raise ProfileError(str(path), ["kind: 缺少必填项"], f"请写明 kind = 以下之一：{', '.join(KINDS)}")
    model_cls = model_for(kind) if isinstance(kind, str) else None
    if model_cls is None:
        if kind in KINDS:
            raise ProfileError(
                str(path), [f"kind: 本版本暂不支持 {kind!r}"], f"当前支持：{', '.join(supported_kinds())}"
            )
        close = difflib.get_close_matches(str(kind), KINDS, n=1, cutoff=0.5)
        hint = f"您是否想写 '{close[0]}'？" if close else f"应为以下之一：{', '.join(KINDS)}"
        raise ProfileError(str(path), [f"kind: 未知的类型 {kind!r}"], hint)
    try:
        model = model_cls.model_validate(data)
    except ValidationError as e:
        problems = [_describe(err, model_cls) for err in e.errors(include_url=False)]
        raise ProfileError(
            str(path), problems, "请对照 `numdossier init` 生成的示例配置修改上述字段。"
        ) from None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return LoadedProfile(path=path, folder=path.resolve().parent, sha256=digest, model=model)
