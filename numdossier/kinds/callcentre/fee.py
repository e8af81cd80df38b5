"""The callcentre fee line: the licence itself costs nothing; the line names who approves it."""

from __future__ import annotations

from typing import Any

from ...rules.context import RuleContext, text
from ...rules.messages import text as ui
from .forms import authority


def fee(profile: dict[str, Any], ctx: RuleContext) -> dict[str, Any]:
    approver = authority(text(profile, "callcentre.scope"), text(profile, "callcentre.province"))
    return {"amount": 0, "basis": "licence", "text": ui("summary.fee_callcentre", authority=approver)}
