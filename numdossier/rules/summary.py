"""The end of `check`'s report: the annual fee that applies, and who signs and seals where."""

from __future__ import annotations

from typing import Any

from .context import RuleContext, kind_spec
from .divisions import Province, divisions
from .messages import text as ui

NATIONWIDE = "全国"


def summarise(
    profile: dict[str, Any], ctx: RuleContext, titles: dict[str, str], attachment_pages: int
) -> dict[str, Any]:
    """The summary as data (the JSON `summary`), each part with its sentence in the current language."""
    return {
        "fee": fee(profile, ctx),
        "signatures": signatures(profile, titles),
        "seal": seal(profile, titles, attachment_pages),
    }


def branch_province(profile: dict[str, Any]) -> Province | None:
    """The one province all branches are in, or None."""
    found = {divisions().province(str(b.get("province") or "")) for b in profile.get("branches") or []}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


def fee(profile: dict[str, Any], ctx: RuleContext) -> dict[str, Any]:
    """The fee the kind states (kind.toml `fee`); a kind without one says no fee applies."""
    from ..kinds import registry

    kind = registry.find(ctx.kind)
    stated = kind.fee(profile, ctx) if kind is not None else None
    return stated if stated is not None else {"amount": None, "basis": "none", "text": ui("summary.fee_none")}


def annual_fee(
    ctx: RuleContext, setting: str, digits: int, prefix: str, region: Province | None, nationwide: bool
) -> dict[str, Any]:
    """码号资源占用费: the full rate (setting `<setting>_<digits>`) by region; half in the 12 western provinces."""
    name = region.name if region else None
    full = ctx.setting(f"{setting}_{digits}", province=name)
    western = name is not None and name in ctx.setting("western_provinces")
    amount = full * ctx.setting("western_fee_factor") if western else full
    amount = int(amount) if float(amount).is_integer() else amount
    where = ui("summary.nationwide") if nationwide else (name or ui("summary.region_unknown"))
    key = "summary.fee_western" if western else "summary.fee_full"
    return {
        "amount": amount,
        "full": full,
        "region": NATIONWIDE if nationwide else name,
        "western": western,
        "digits": digits,
        "basis": "nationwide" if nationwide else ("province" if name else "unknown"),
        "text": ui(key, amount=money(amount), full=money(full), digits=digits, prefix=prefix, region=where),
    }


def money(value: Any) -> str:
    if isinstance(value, int | float):
        return f"{value:,.2f}".removesuffix(".00")
    return "?"


def signatures(profile: dict[str, Any], titles: dict[str, str]) -> list[dict[str, Any]]:
    """Who signs or seals which form, and where on it."""
    places = kind_spec(str(profile.get("kind"))).signatures
    out = []
    for place in places:
        title = titles.get(place.item, place.item)
        who, what, where = (
            ui(f"roles.{place.who}"),
            ui(f"actions.{place.what}"),
            ui(f"places.{place.where}"),
        )
        out.append(
            {
                "item": place.item,
                "title": title,
                "who": who,
                "what": what,
                "where": where,
                "text": ui("summary.signature", title=title, who=who, what=what, where=where),
            }
        )
    return out


def seal(profile: dict[str, Any], titles: dict[str, str], attachment_pages: int) -> dict[str, Any]:
    """How many pages need the company seal: every page, or the forms' seal places and every copy."""
    spec = kind_spec(str(profile.get("kind")))
    rule = spec.seal
    places = sum(1 for p in spec.signatures if p.who == "company")
    key = "summary.seal_every_page" if rule == "every_page" else "summary.seal_forms_and_copies"
    return {
        "rule": rule,
        "attachment_pages": attachment_pages,
        "form_places": places,
        "text": ui(key, pages=attachment_pages, places=places),
    }


def lines(summary: dict[str, Any]) -> list[str]:
    """The summary as lines of text for the terminal."""
    out = [summary["fee"]["text"], ui("summary.signatures_title")]
    out += [f"  · {s['text']}" for s in summary["signatures"]]
    out.append(f"  · {summary['seal']['text']}")
    return out
