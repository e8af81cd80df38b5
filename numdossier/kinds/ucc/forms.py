"""The ucc form context: the profile dump plus money figures, 大写 total, holder labels and dates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from docxtpl import DocxTemplate

from ...errors import TemplateError
from ...profile import LoadedProfile
from ...render.engine import date_cn
from ...rules import messages
from ..context import wrong_kind
from .profile import UccProfile

# 与本单位关系, printed in the destination table.
HOLDER_LABELS = {"company": "本公司", "legal_rep": "法定代表人", "employee": "员工"}


def _cents(value: float | int) -> Decimal:
    """The amount rounded to the fen (0.01 元), half up, as bookkeepers do."""
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money(value: float | int) -> str:
    """1000 -> '1,000.00'; 12345.6 -> '12,345.60'."""
    return f"{_cents(value):,.2f}"


def rate_text(value: float | int) -> str:
    """A per-minute rate with at least two decimals and no trailing noise: 0.1 -> '0.10', 0.085 -> '0.085'."""
    text = format(Decimal(str(value)).normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def capital(value: float | int) -> str:
    """The amount in Chinese capital numerals: 1000 -> '人民币壹仟元整', 12345.6 -> '人民币壹万贰仟叁佰肆拾伍元陆角'."""
    cents = _cents(value)
    if cents < 0:
        raise TemplateError(
            messages.text("kinds.forms.negative_amount", value=value),
            messages.text("kinds.forms.negative_amount_hint"),
        )
    import cn2an  # 0.2 s to import (its own data tables): only when a form prints an amount

    return "人民币" + str(cn2an.an2cn(str(cents), "rmb"))


def destination_rows(profile: UccProfile) -> list[dict[str, Any]]:
    return [
        {
            "no": n,
            "number": d.number,
            "holder": d.holder,
            "holder_label": HOLDER_LABELS[d.holder],
            "holder_name": d.holder_name,
            "holder_id": d.holder_id,
            "relation": d.relation,
        }
        for n, d in enumerate(profile.ucc.destinations, 1)
    ]


def build_context(loaded: LoadedProfile, tpl: DocxTemplate) -> dict[str, Any]:
    """The jinja context of the ucc templates (tpl is unused: the forms embed no images)."""
    profile = loaded.model
    if not isinstance(profile, UccProfile):
        raise wrong_kind(loaded, "ucc")
    contract = profile.ucc.contract
    rows = destination_rows(profile)
    context = profile.model_dump(mode="python")
    context.update(
        sign_date=date_cn(profile.signing.date),
        start_date=date_cn(contract.start),
        end_date=date_cn(contract.end),
        total_capital=capital(contract.total),
        money={
            "platform_fee": money(contract.platform_fee),
            "number_fee": money(contract.number_fee),
            "prepaid": money(contract.prepaid),
            "rate": rate_text(contract.rate),
            "total": money(contract.total),
        },
        destination_rows=rows,
        employee_rows=[r for r in rows if r["holder"] == "employee"],
    )
    return context
