"""The words printed ON the dossier: page numbers, the seal placeholder, the cover, the 目录, form wording.

They are Chinese whatever --lang is (the authority reads Chinese), so they are not in the zh/en message
catalogue but in one data file, rules/data/printed.toml; code asks for them by key like messages.text.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "printed.toml"


@cache
def table() -> dict[str, Any]:
    return tomllib.loads(DATA.read_text(encoding="utf-8"))


def _node(key: str) -> Any:
    node: Any = table()
    for part in key.split("."):
        node = node[part]
    return node


def words(key: str, /, **values: Any) -> str:
    """The printed text at `key` ("overlay.page"), its {names} filled from `values`."""
    return str(_node(key)).format(**values)


def listing(key: str) -> list[str]:
    """A list of printed words at `key` (a table's column heads, a form's choices)."""
    return [str(item) for item in _node(key)]
