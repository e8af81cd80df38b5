"""The ucc fee: no 码号资源占用费; the contract's total is what the applicant pays."""

from __future__ import annotations

from typing import Any

from ...rules.context import RuleContext, get
from ...rules.messages import text as ui
from ...rules.summary import money


def fee(profile: dict[str, Any], ctx: RuleContext) -> dict[str, Any]:
    total = get(profile, "ucc.contract.total")
    return {"amount": total, "basis": "contract", "text": ui("summary.fee_contract", total=money(total))}
