"""The n95 fee: 码号资源占用费 by prefix length, nationwide or in the company's province."""

from __future__ import annotations

from typing import Any

from ...rules.context import RuleContext, get, text
from ...rules.divisions import divisions
from ...rules.summary import NATIONWIDE, annual_fee


def fee(profile: dict[str, Any], ctx: RuleContext) -> dict[str, Any]:
    prefix = text(profile, "n95.prefix")
    digits = 6 if prefix in ctx.setting("n95_six_digit_prefixes") else 5
    nationwide = NATIONWIDE in [str(p).strip() for p in get(profile, "licence.provinces") or []]
    region = None if nationwide else divisions().province_of_address(text(profile, "company.address"))
    return annual_fee(ctx, "fee_n95", digits, prefix or "95", region, nationwide)
