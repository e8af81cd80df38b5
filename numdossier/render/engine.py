"""The one jinja environment (sandboxed, strict undefined) and its filters, shared by every template."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from ..rules import printed

CHECKED, UNCHECKED = "☑", "□"
DATE_BLANK = printed.words("forms.date_blank")  # room to write the date by hand


def box(condition: Any) -> str:
    """☑ when the condition holds, □ otherwise (checkbox groups on the official forms)."""
    return CHECKED if condition else UNCHECKED


def date_cn(value: dt.date | None) -> str:
    """2026-11-23 -> '2026 年 11 月 23 日'; None -> blanks for handwriting."""
    if value is None:
        return DATE_BLANK
    return printed.words("forms.date", year=value.year, month=value.month, day=value.day)


def lines(value: Any) -> Any:
    """Multi-line profile text keeps its line breaks in Word (docxtpl Listing escapes the XML)."""
    from docxtpl import Listing  # here, not at the top: `check` uses this module and must start fast

    text = "" if value is None else str(value).strip("\n")
    return Listing(text)


def yesno(value: Any) -> str:
    return printed.words("forms.yes" if value else "forms.no")


def join(values: Any, sep: str = "、") -> str:
    return sep.join(str(v) for v in values or [])


@cache
def environment() -> SandboxedEnvironment:
    """Sandboxed (templates may come from customers) and strict: an undefined name is an error."""
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=False)
    env.filters.update({"date_cn": date_cn, "lines": lines, "yesno": yesno, "join_cn": join})
    env.globals.update({"box": box, "date_cn": date_cn})
    return env
