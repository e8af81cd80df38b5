"""The callcentre fee line: the licence itself costs nothing; the line names who approves it."""

from __future__ import annotations

from typing import Any

from ...rules.context import RuleContext, text
from ...rules.messages import text as ui


def fee(profile: dict[str, Any], ctx: RuleContext) -> dict[str, Any]:
    # In the user's language (forms.authority is the Chinese the forms print)
    province = text(profile, "callcentre.province").strip()
    if text(profile, "callcentre.scope") == "nationwide":
        approver = ui("summary.authority_ministry")
    elif province:
        approver = ui("summary.authority_province", province=province)
    else:
        approver = ui("summary.authority_no_province")
    return {"amount": 0, "basis": "licence", "text": ui("summary.fee_callcentre", authority=approver)}
