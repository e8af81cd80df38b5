"""Read a TOML profile into a validated model; every problem names the file, line/column or field path."""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import hashlib
import re
import tomllib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import ProfileError
from .model import ProfileBase

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
        if self.model.name:
            return self.model.name
        # a client folder's profile.toml (numdossier init clients/acme) is named after its folder
        if self.path.name == "profile.toml" and self.folder.name:
            return self.folder.name
        return self.path.stem


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


def _say(entry: str, /, **values: Any) -> str:
    from ..rules.messages import text

    return text(f"load.{entry}", **values)


def _wrong_type_name(value: Any) -> str:
    """What the user wrote, in words ("文字“一百二十”"), never a Python type name."""
    if isinstance(value, bool):
        return _say("got_bool", value=str(value).lower())
    if isinstance(value, str):
        return _say("got_text", value=value if len(value) <= 40 else value[:40] + "…")
    if isinstance(value, dt.datetime):
        return _say("got_datetime", value=value.isoformat())
    if isinstance(value, dt.date):
        return _say("got_date", value=value.isoformat())
    if isinstance(value, int | float):
        return _say("got_number", value=value)
    if isinstance(value, list):
        return _say("got_array")
    if isinstance(value, dict):
        return _say("got_table")
    return _say("got_other")


def _key_of(loc: tuple[int | str, ...]) -> str:
    """The key as the user writes it inside its table: ('signing', 'date') -> 'date'."""
    names = [str(p) for p in loc if not isinstance(p, int)]
    return names[-1] if names else ""


def _table_of(loc: tuple[int | str, ...]) -> str:
    """The table header the key is written under: ('branches', 2, 'city') -> '[[branches]]'."""
    parent = loc[:-1]
    if not parent:
        return ""
    if isinstance(parent[-1], int):
        return "[[" + field_path(tuple(p for p in parent if not isinstance(p, int))) + "]]"
    return "[" + field_path(tuple(p for p in parent if not isinstance(p, int))) + "]"


def _choice_label(value: Any) -> str:
    """A choice as the user reads it: '开通' as is, 'long_term' with its meaning (长期有效)."""
    from ..rules.messages import catalogue, language

    shown = f'"{value}"' if isinstance(value, str) else str(value)
    entry = catalogue().get("choices", {}).get(str(value))
    return _say("choice_meaning", shown=shown, meaning=entry[language()]) if entry else shown


def _choices_of(annotation: Any) -> list[Any]:
    """The allowed values of a Literal (inside unions too)."""
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    found: list[Any] = []
    for arg in typing.get_args(annotation) or ():
        found += _choices_of(arg)
    return found


def _one_of(choices: list[Any]) -> str:
    labels = [_choice_label(c) for c in choices]
    if len(labels) == 1:
        return labels[0]
    return _say("choice_list", all=_say("choice_sep").join(labels))


def _chosen_by_meaning(value: Any, choices: list[Any]) -> Any:
    """The choice whose Chinese or English meaning the user wrote instead of its code ("长期" -> long_term)."""
    from ..rules.messages import catalogue

    if not isinstance(value, str) or not value.strip():
        return None
    wanted = value.strip().lower()
    for choice in choices:
        entry = catalogue().get("choices", {}).get(str(choice))
        if not entry:
            continue
        words = {str(entry["zh"]).lower(), str(entry["en"]).lower(), *map(str.lower, entry.get("also", []))}
        if wanted in words:
            return choice
    return None


def _field_annotation(
    model: type[BaseModel], loc: tuple[int | str, ...]
) -> tuple[tuple[int | str, ...], Any]:
    """The part of `loc` that names profile fields, and the annotation of the field it ends at.

    Pydantic appends union members to the location (`id_valid_until.date`,
    `id_valid_until.literal['long_term']`): those are validator internals, never shown to users.
    """
    current: Any = model
    kept: list[int | str] = []
    for part in loc:
        holder = _unwrap(current)
        if isinstance(part, int):
            if typing.get_origin(current) is list or typing.get_origin(_strip_optional(current)) is list:
                current = typing.get_args(_strip_optional(current))[0]
                kept.append(part)
                continue
            break
        if isinstance(holder, type) and issubclass(holder, BaseModel):
            info = holder.model_fields.get(str(part))
            if info is None:
                kept.append(part)  # an unknown key: reported as such
                current = None
                continue
            current = info.annotation
            kept.append(part)
            continue
        if typing.get_origin(_strip_optional(current)) is dict:
            current = typing.get_args(_strip_optional(current))[1]
            kept.append(part)
            continue
        break  # a union member's tag
    return tuple(kept), current


def _strip_optional(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return args[0]
    return annotation


def _wanted(annotation: Any) -> list[str]:
    """What a field accepts, in words, one entry per union member."""
    annotation = _strip_optional(annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        parts: list[str] = []
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                parts += _wanted(arg)
        if _say("want_number") in parts:  # float | int: "a number" says it; "or a whole number" repeats it
            parts = [p for p in parts if p != _say("want_int")]
        return parts
    if origin is typing.Annotated:
        return _wanted(typing.get_args(annotation)[0])
    if origin is typing.Literal:
        return [_one_of(list(typing.get_args(annotation)))]
    if origin is list:
        return [_say("want_array")]
    if origin is dict:
        return [_say("want_table")]
    if annotation is dt.date:
        return [_say("want_date")]
    if annotation is bool:
        return [_say("want_bool")]
    if annotation is int:
        return [_say("want_int")]
    if annotation is float:
        return [_say("want_number")]
    if annotation is str:
        return [_say("want_text")]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [_say("want_table")]
    return []


def _members(annotation: Any) -> set[Any]:
    """The types a field accepts: dt.date | Literal['long_term'] | None -> {dt.date, Literal[...]}."""
    accepted = _strip_optional(annotation)
    if typing.get_origin(accepted) in (typing.Union, types.UnionType):
        return {a for a in typing.get_args(accepted) if a is not type(None)}
    return {accepted}


def accepted(annotation: Any) -> str:
    """What a field of this type accepts, in words of the current language (docs/profile.md)."""
    return _say("or").join(_wanted(annotation))


def _unquoted(value: Any, annotation: Any) -> tuple[str, str] | None:
    """The TOML to write, and what it is, when the user quoted a date, a number or a boolean; else None."""
    if not isinstance(value, str):
        return None
    raw = value.strip()
    members = _members(annotation)
    numbers = [c for c in _choices_of(annotation) if isinstance(c, int | float) and not isinstance(c, bool)]
    if dt.date in members:
        try:
            return dt.date.fromisoformat(raw).isoformat(), _say("a_date")
        except ValueError:
            pass
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", raw) and (
        float in members or (int in members and "." not in raw) or any(str(c) == raw for c in numbers)
    ):
        return raw, _say("a_number")
    if bool in members and raw.lower() in ("true", "false"):
        return raw.lower(), _say("a_bool")
    return None


def _describe_group(errors: list[Any], model: type[BaseModel]) -> tuple[str, str | None]:
    """One problem (and its own hint) for the errors pydantic reports at one field."""
    error = errors[0]
    loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        where = field_path(loc) or _say("top_level")
        parent = _model_at(model, loc[:-1])
        known = list(parent.model_fields) if parent else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        if close:
            return f"{where}: " + _say("unknown_key_close", close=close[0]), None
        if known:
            return f"{where}: " + _say("unknown_key_known", known=", ".join(known)), None
        return f"{where}: " + _say("unknown_key"), None
    at, annotation = _field_annotation(model, loc)
    where = field_path(at) or _say("top_level")
    if kind == "missing":
        return f"{where}: " + _say("missing"), _say("missing_hint", path=where)
    value = error.get("input")
    key, table = _key_of(at), _table_of(at)
    under = _say("under_table", table=table) if table else ""
    if kind == "string_too_long":
        return f"{where}: " + _say("too_long", max=error.get("ctx", {}).get("max_length")), None
    if kind == "string_pattern_mismatch" and key == "name":
        return f"{where}: " + _say("bad_name"), None
    unquoted = _unquoted(value, annotation)
    if unquoted is not None:
        fixed, what = unquoted
        return (
            f"{where}: " + _say("quoted", what=what, got=_wrong_type_name(value)),
            _say("quoted_hint", key=key, value=fixed, under=under),
        )
    choices = _choices_of(annotation)
    meant = _chosen_by_meaning(value, choices)
    wanted = _wanted(annotation)
    message = f"{where}: " + _say(
        "wrong_value" if choices else "wrong_type",
        wanted=_say("or").join(wanted) if wanted else error["msg"],
        got=_wrong_type_name(value),
    )
    if meant is not None:
        shown = f'"{meant}"' if isinstance(meant, str) else str(meant)
        return message, _say("meant_hint", key=key, value=shown, under=under)
    if isinstance(value, dt.datetime) and dt.date in _members(annotation):
        return message, _say("datetime_hint", key=key, value=value.date().isoformat(), under=under)
    if not wanted:
        return f"{where}: {error['msg']}", None
    close = (
        difflib.get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=0.5) if choices else []
    )
    if close:
        return message, _say("did_you_mean", close=close[0])
    return message, None


def _group(errors: list[Any], model: type[BaseModel]) -> list[list[Any]]:
    """Pydantic's errors grouped by the field they are about (union members fold into their field)."""
    groups: dict[tuple[int | str, ...], list[Any]] = {}
    for err in errors:
        loc = tuple(err["loc"])
        at = loc if err["type"] == "extra_forbidden" else _field_annotation(model, loc)[0]
        groups.setdefault(at, []).append(err)
    return list(groups.values())


# tomllib's messages (Python 3.11-3.13, tomllib/_parser.py), matched on their English text.
_TOML_MESSAGES = [
    (r"Invalid statement", "invalid_statement"),
    (r"Expected '=' after a key in a key/value pair", "expected_equals"),
    (r"Expected '\]' at the end of a table declaration", "unclosed_table"),
    (r"Expected '\]\]' at the end of an array declaration", "unclosed_array_table"),
    (r"Expected (?P<what>.+)", "expected"),
    (r"Found invalid character (?P<what>.+)", "invalid_character"),
    (r"Cannot declare (?P<what>.+) twice", "declared_twice"),
    (r"Cannot overwrite a value", "overwrite"),
    (r"Cannot mutate immutable namespace (?P<what>.+)", "immutable"),
    (r"Cannot redefine namespace (?P<what>.+)", "redefine"),
    (r"Invalid initial character for a key part", "bad_key"),
    (r"Unclosed array", "unclosed_array"),
    (r"Duplicate inline table key (?P<what>.+)", "duplicate_inline_key"),
    (r"Unclosed inline table", "unclosed_inline_table"),
    (r"Unescaped '\\' in a string", "unescaped_backslash"),
    (r"Invalid hex value|Escaped character is not a Unicode scalar value", "bad_escape"),
    (r"Unterminated string", "unterminated_string"),
    (r"Illegal character (?P<what>.+)", "illegal_character"),
    (r"Invalid date or datetime", "bad_date"),
    (r"Invalid value", "invalid_value"),
]


def _toml_name(raw: str) -> str:
    """tomllib names keys as Python reprs: "('signing', 'date')" -> signing.date, "'x'" -> x."""
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return raw
    if isinstance(value, tuple):
        return ".".join(str(v) for v in value)
    return str(value)


def _toml_problem(error: tomllib.TOMLDecodeError, text: str) -> tuple[str, str]:
    """A TOML syntax error in the user's language: what is wrong, at which line and column, that line."""
    raw = str(error)
    found = re.fullmatch(
        r"(?P<msg>.*) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)", raw, re.S
    )
    message, line, column = (found["msg"], found["line"], found["col"]) if found else (raw, None, None)
    what = message
    for pattern, key in _TOML_MESSAGES:
        matched = re.fullmatch(pattern, message)
        if matched:
            name = _toml_name(matched.groupdict().get("what") or "")
            what = _say(f"toml_{key}", what=name)
            hint_key = f"toml_{key}_hint"
            break
    else:
        name, hint_key = "", "toml_hint"
    from ..rules.messages import catalogue

    hint = _say(hint_key, what=name) if hint_key in catalogue()["load"] else _say("toml_hint")
    if line is None:
        return _say("toml_at_end", what=what), hint
    lines = text.splitlines()
    number = int(line)
    shown = lines[number - 1].rstrip() if 0 < number <= len(lines) else ""
    if len(shown) > 120:
        shown = shown[:120] + "…"
    return _say("toml_at", line=line, column=column, what=what, text=shown), hint


def _encoding_problem(raw: bytes, error: UnicodeDecodeError) -> str:
    """Names the encoding a non-UTF-8 profile is probably in (UTF-16 from 'Unicode', GBK from 'ANSI')."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _say("utf16")
    try:
        decoded = raw.decode("gb18030")
    except UnicodeDecodeError:
        decoded = ""
    if decoded and "\x00" not in decoded and any("\u4e00" <= c <= "\u9fff" for c in decoded):
        return _say("gbk")
    return _say("not_utf8", at=error.start)


def parse_toml(path: Path) -> dict[str, Any]:
    """Read and parse the TOML file; errors name the file, line and column."""
    try:
        if path.is_dir():
            raise ProfileError(str(path), [_say("is_folder")], _say("is_folder_hint"))
        size = path.stat().st_size
        if size > MAX_PROFILE_BYTES:
            raise ProfileError(str(path), [_say("too_big", size=size)], _say("check_path"))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProfileError(str(path), [_say("not_found")], _say("not_found_hint")) from None
    except PermissionError:
        raise ProfileError(str(path), [_say("no_permission")], _say("no_permission_hint")) from None
    except IsADirectoryError:
        raise ProfileError(str(path), [_say("is_folder")], _say("is_folder_hint")) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProfileError(str(path), [_encoding_problem(raw, e)], _say("save_as_utf8")) from None
    # Windows Notepad writes a byte-order mark when asked for UTF-8; TOML does not allow one.
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ProfileError(str(path), [_say("nul", line=line)], _say("check_content"))
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        problem, hint = _toml_problem(e, text)
        raise ProfileError(str(path), [problem], hint) from None
    except RecursionError:  # tomllib recurses per nesting level; thousands of [[[... exhaust the stack
        raise ProfileError(str(path), [_say("too_deep")], _say("check_content")) from None


def load_profile(path: str | Path) -> LoadedProfile:
    """Load and validate a profile; raises ProfileError listing every problem found."""
    path = Path(path)
    data = parse_toml(path)
    from ..kinds import registry

    kind = data.get("kind")
    kinds = registry.names()
    if kind is None:
        raise ProfileError(
            str(path), ["kind: " + _say("missing")], _say("kind_missing_hint", kinds=", ".join(kinds))
        )
    model_cls = registry.model_of(kind) if isinstance(kind, str) else None
    if model_cls is None:
        close = difflib.get_close_matches(str(kind), kinds, n=1, cutoff=0.5)
        hint = _say("did_you_mean", close=close[0]) if close else _say("kind_one_of", kinds=", ".join(kinds))
        raise ProfileError(str(path), ["kind: " + _say("kind_unknown", kind=kind)], hint)
    try:
        model = model_cls.model_validate(data)
    except ValidationError as e:
        described = [
            _describe_group(group, model_cls) for group in _group(e.errors(include_url=False), model_cls)
        ]
        raise ProfileError(
            str(path),
            [problem for problem, _ in described],
            _say("compare_starter"),
            hints=[hint for _, hint in described],
            kind=kind,
        ) from None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return LoadedProfile(path=path, folder=path.resolve().parent, sha256=digest, model=model)
