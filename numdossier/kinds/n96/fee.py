"""The n96 fee: 码号资源占用费 by length (5 or 6 digits), in the branches' province (or the company's)."""

from __future__ import annotations

from typing import Any

from ...rules.context import RuleContext, get, text
from ...rules.divisions import divisions
from ...rules.summary import annual_fee, branch_province


def fee(profile: dict[str, Any], ctx: RuleContext) -> dict[str, Any]:
    digits = get(profile, "n96.digits")
    digits = digits if digits in (5, 6) else 5
    region = branch_province(profile) or divisions().province_of_address(text(profile, "company.address"))
    return annual_fee(ctx, "fee_n96", digits, "96", region, nationwide=False)
