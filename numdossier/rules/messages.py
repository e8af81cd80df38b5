"""The message catalogue: every user-facing sentence in Chinese (zh, the default) and English (en).

One catalogue, several files: rules/data/messages.toml (findings, field names, the report's words) and
one file an area in rules/data/messages/<area>.toml (cli.toml, pdf.toml, ...), whose top-level sections
must not repeat another file's; each kind's templates/<kind>/messages.toml is merged into the sections.

The language is chosen by the caller and passed down: `with using("en"): ...` around a command's work
(the CLI does it from --lang; worker processes receive it in their options). Without one, the
NUMDOSSIER_LANG environment variable decides (library users), else Chinese.

A sentence's {names} are filled as str.format fills them, plus one form for counts in English:
``{errors:plural:# error|# errors}`` says "1 error" or "3 errors" (# is the number). Chinese needs none.
"""

from __future__ import annotations

import contextlib
import os
import re
import string
import threading
import tomllib
import warnings
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from .findings import Finding, Severity

DATA = Path(__file__).resolve().parent / "data" / "messages.toml"
AREAS = Path(__file__).resolve().parent / "data" / "messages"
LANGUAGES = ("zh", "en")

_LANGUAGE: ContextVar[str | None] = ContextVar("numdossier_language", default=None)


def normalise(lang: str | None) -> str | None:
    """'en', 'en_US.UTF-8', 'EN' -> 'en'; 'zh', 'zh_CN' -> 'zh'; None or '' -> None."""
    if not lang:
        return None
    return "en" if lang.lower().startswith("en") else "zh"


def language() -> str:
    """The language of the work in progress: the one passed down by `using`, else NUMDOSSIER_LANG, else zh."""
    chosen = _LANGUAGE.get()
    if chosen:
        return chosen
    setting = os.environ.get("NUMDOSSIER_LANG")
    if setting and setting not in _TOLD and (unsupported := unsupported_setting()) is not None:
        # A library user gets a warning, once a process (the warnings module's to show or filter); the
        # command line says it on stderr itself (`unsupported_setting`), and then this stays quiet.
        warnings.warn(unsupported, UserWarning, stacklevel=2)
    return normalise(setting) or "zh"


_TOLD: set[str] = set()  # NUMDOSSIER_LANG values already said to be unsupported in this process


def _unsupported(setting: str) -> bool:
    return not setting.lower().startswith(LANGUAGES)  # as `normalise` reads it


def unsupported_setting() -> str | None:
    """The sentence (in Chinese, the language then spoken) saying that NUMDOSSIER_LANG names a language
    numdossier does not speak, or None when it is unset or one of LANGUAGES ('en_US.UTF-8' is en)."""
    setting = os.environ.get("NUMDOSSIER_LANG")
    if not setting or not _unsupported(setting):
        return None
    _TOLD.add(setting)
    with using("zh"):
        return text("ui.lang_unsupported", value=setting, supported=text("ui.list_sep").join(LANGUAGES))


@contextlib.contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Speak `lang` (zh/en; None keeps the current one) inside the block."""
    token = _LANGUAGE.set(normalise(lang) or language())
    try:
        yield language()
    finally:
        _LANGUAGE.reset(token)


def thread(target: Callable[..., Any], *args: Any, name: str | None = None) -> threading.Thread:
    """A daemon thread running `target(*args)` in the language of the caller: a new thread starts with the
    language unset (NUMDOSSIER_LANG, else zh), not in the `using(lang)` around where it was made."""
    lang = language()

    def speaking() -> None:
        with using(lang):
            target(*args)

    return threading.Thread(target=speaking, daemon=True, name=name)


@cache
def _shared() -> dict[str, Any]:
    """messages.toml and the area files (no kind's own file)."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    for path in sorted(AREAS.glob("*.toml")):
        for section, entries in tomllib.loads(path.read_text(encoding="utf-8")).items():
            if section in data:
                raise ValueError(f"{path.name}: section [{section}] is already in another catalogue file")
            data[section] = entries
    return data


_merging = ContextVar("numdossier_catalogue_merging", default=False)


def catalogue() -> dict[str, Any]:
    """The one catalogue: messages.toml, the area files, every registered kind's messages.toml merged.

    While the kinds are being read for it, a kind's error (a broken kind.toml) is told from the shared
    files alone: reading the kinds again for that sentence would never end.
    """
    if _merging.get():
        return _shared()
    token = _merging.set(True)
    try:
        return _merged()
    finally:
        _merging.reset(token)


def clear() -> None:
    """Forget the catalogue read so far (a kind was registered, a test changed the files)."""
    _shared.cache_clear()
    _merged.cache_clear()


@cache
def _merged() -> dict[str, Any]:
    from ..kinds import registry

    data = dict(_shared())  # the shared sections are copied where a kind adds to them, never changed
    for name in registry.names():
        path = registry.get(name).folder / "messages.toml"
        if path.is_file():
            for section, entries in tomllib.loads(path.read_text(encoding="utf-8")).items():
                data[section] = {**data.get(section, {}), **entries}
    return data


def entry(key: str) -> dict[str, Any]:
    """The catalogue entry at `key`: "ui.errors", "cli.build.done" (nested tables), "fields.company.name"."""
    node: Any = catalogue()
    section, _, rest = key.partition(".")
    node = node[section]
    # A dotted name may itself be a key ("fields" has "company.name"); else walk the nested tables.
    while rest and rest not in node:
        head, _, rest = rest.partition(".")
        node = node[head]
    return dict(node[rest]) if rest else dict(node)


class _Sentences(string.Formatter):
    """str.format, a list written as its items joined ("3、5" / "3, 5"), and `{n:plural:ONE|OTHER}`:
    ONE when n is 1 (a list of one item), else OTHER, each with # for the number (the list)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        kind, _, forms = format_spec.partition(":")
        listed = isinstance(value, list | tuple)
        shown = text("ui.list_sep").join(str(v) for v in value) if listed else None
        if kind != "plural":
            return shown if shown is not None else str(super().format_field(value, format_spec))
        one, bar, other = forms.partition("|")
        if not bar:
            raise ValueError(f"plural form without '|': {format_spec!r}")
        single = len(value) == 1 if listed else value == 1
        return (one if single else other).replace("#", shown if shown is not None else str(value))


_SENTENCES = _Sentences()


def fill(sentence: str, /, **values: Any) -> str:
    """A catalogue sentence with its {names} filled from `values` (plural forms included)."""
    return _SENTENCES.vformat(sentence, (), values)


def text(key: str, /, **values: Any) -> str:
    """The sentence at `key` in the current language, its {names} filled from `values`."""
    return fill(str(entry(key)[language()]), **values)


def label(field: str) -> str:
    """The field's name for people: 'branches[2].city' -> 分支机构所在城市 (falls back to the path)."""
    generic = re.sub(r"\[\d+\]", "[]", field)
    entry = catalogue()["fields"].get(generic)
    return str(entry[language()]) if entry else field


def finding(
    severity: Severity, entry: str, field: str | None = None, file: str | None = None, /, **values: Any
) -> Finding:
    """The finding for catalogue entry `entry` ("USCC-FORMAT.uscc_length": the code, then the case)."""
    code, _, case = entry.partition(".")
    # Cases shared by several codes (a USCC or ID problem, a city not in the province) are in _common.
    findings = catalogue()["findings"]
    texts = findings.get(code, {}).get(case or "default") or findings["_common"][case]
    lang = language()
    if field is not None and "label" not in values:
        values["label"] = label(field)
    message = fill(str(texts[lang]), **values)
    hint = fill(str(texts[f"hint_{lang}"]), **values)
    return Finding(severity, code, message, hint, field, file)


def error(entry: str, field: str | None = None, file: str | None = None, /, **values: Any) -> Finding:
    return finding("error", entry, field, file, **values)


def warning(entry: str, field: str | None = None, file: str | None = None, /, **values: Any) -> Finding:
    return finding("warning", entry, field, file, **values)
