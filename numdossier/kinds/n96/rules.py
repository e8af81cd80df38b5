"""The rules of the n96 kind (spec/dossiers.md, "n96"): digits, branch coverage, first-year cities, form fields."""

from __future__ import annotations

import re
from typing import Any

from ...rules.context import RuleContext, get, text
from ...rules.coverage import branch_places, place_error, resolve_city
from ...rules.divisions import Province
from ...rules.findings import Finding
from ...rules.messages import error


def rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    n96 = profile.get("n96") or {}
    digits = n96.get("digits")
    found = digits_rules(n96)
    province, coverage = branch_rules(profile, digits, ctx)
    found += coverage
    found += first_year_rules(n96, digits, province, ctx)
    found += industry_rules(profile, ctx)
    found += network_rules(n96)
    found += seats_rules(n96)
    return found


def digits_rules(n96: dict[str, Any]) -> list[Finding]:
    digits = n96.get("digits")
    if digits not in (5, 6):
        return [error("N96-DIGITS.digits", "n96.digits", value=digits)]
    wanted = (n96.get("wanted") or "").strip()
    if wanted and not re.fullmatch(rf"96\d{{{digits - 2}}}", wanted):
        return [error("N96-DIGITS.wanted", "n96.wanted", value=wanted, digits=digits)]
    return []


def branch_rules(
    profile: dict[str, Any], digits: Any, ctx: RuleContext
) -> tuple[Province | None, list[Finding]]:
    """N96-BRANCH-COVERAGE; also returns the branches' province (None when unknown or several)."""
    places, found = branch_places(
        profile.get("branches") or [], "N96-BRANCH-COVERAGE", municipality_as_city=False
    )
    provinces: dict[str, Province] = {}
    by_province: dict[str, set[str]] = {}
    for place in places:
        provinces[place.province.code] = place.province
        if place.key:
            by_province.setdefault(place.province.code, set()).add(place.key)
    if len(provinces) > 1:
        names = "、".join(p.name for p in provinces.values())
        found.append(error("N96-BRANCH-COVERAGE.several_provinces", "branches", provinces=names))
        return None, found
    province = next(iter(provinces.values()), None)
    if digits in (5, 6):
        minimum = ctx.setting(f"n96_min_cities_{digits}", province=province.name if province else None)
        count = len(by_province.get(province.code, set())) if province else 0
        if count < minimum:
            if province is None:  # no branch's province resolved: "cities of ''" would say nothing
                key = "too_few_no_province"
            else:
                key = "too_few_districts" if province.municipality else "too_few"
            found.append(
                error(
                    f"N96-BRANCH-COVERAGE.{key}",
                    "branches",
                    count=count,
                    minimum=minimum,
                    digits=digits,
                    province=province.name if province else "",
                )
            )
    return province, found


def first_year_rules(
    n96: dict[str, Any], digits: Any, province: Province | None, ctx: RuleContext
) -> list[Finding]:
    found: list[Finding] = []
    cities = [str(c).strip() for c in n96.get("first_year_cities") or []]
    keys: set[str] = set()
    for i, city in enumerate(cities):
        if not city:
            continue
        if province is None:
            keys.add(city)
            continue
        place = resolve_city(province, city, municipality_as_city=False)
        if place.problem:
            found.append(place_error("N96-FIRST-YEAR", f"n96.first_year_cities[{i}]", city, province, place))
        elif place.key:
            keys.add(place.key)
    if digits in (5, 6):
        minimum = ctx.setting(f"n96_first_year_min_{digits}", province=province.name if province else None)
        if len(keys) < minimum:
            found.append(
                error(
                    "N96-FIRST-YEAR.too_few",
                    "n96.first_year_cities",
                    count=len(keys),
                    minimum=minimum,
                    digits=digits,
                )
            )
    return found


def industry_rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    industry = text(profile, "company.industry")
    if not industry:
        return []  # FIELD-MISSING
    allowed = ctx.setting("n96_industries")
    if industry not in allowed:
        return [error("N96-INDUSTRY.unknown", "company.industry", value=industry, allowed=list(allowed))]
    if industry == "其他" and not text(profile, "company.industry_detail"):
        return [error("N96-INDUSTRY.detail", "company.industry_detail")]
    return []


def network_rules(n96: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    if n96.get("network") == "other" and not (n96.get("network_note") or "").strip():
        found.append(error("N96-NETWORK.note", "n96.network_note"))
    if not [s for s in n96.get("platform_sites") or [] if str(s).strip()]:
        found.append(error("N96-NETWORK.sites", "n96.platform_sites"))
    if not n96.get("equipment"):
        found.append(error("N96-NETWORK.equipment", "n96.equipment"))
    if not n96.get("trunks"):
        found.append(error("N96-NETWORK.trunks", "n96.trunks"))
    return found


def seats_rules(n96: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    existing, planned = get(n96, "seats_existing") or 0, get(n96, "seats_planned") or 0
    if planned < existing:
        found.append(error("N96-SEATS.planned", "n96.seats_planned", planned=planned, existing=existing))
    rate = n96.get("connect_rate")
    if isinstance(rate, int | float) and not 0 <= rate <= 100:
        found.append(error("N96-SEATS.connect_rate", "n96.connect_rate", value=rate))
    return found
