"""The rules of the n95 kind (spec/dossiers.md, "n95"): prefix, licence, its coverage, 955 conditions, capital."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...rules.context import RuleContext, add_months, get, text
from ...rules.coverage import branch_places
from ...rules.divisions import divisions
from ...rules.findings import Finding
from ...rules.messages import error, warning

NATIONWIDE = "全国"


def rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    n95 = profile.get("n95") or {}
    prefix = str(n95.get("prefix") or "").strip()
    found = prefix_rules(n95, prefix, ctx)
    if prefix in ctx.setting("n95_licensed_prefixes"):
        found += licence_rules(profile, n95, ctx)
        found += licence_coverage_rules(profile, ctx)
        found += capital_rules(profile, ctx)
    if prefix == "955":
        found += rules_955(profile, n95, ctx)
    found += extension_rules(n95)
    return found


def prefix_rules(n95: dict[str, Any], prefix: str, ctx: RuleContext) -> list[Finding]:
    prefixes = ctx.setting("n95_prefixes")
    if prefix not in prefixes:
        return [error("N95-PREFIX.prefix", "n95.prefix", value=prefix, allowed=list(prefixes))]
    wanted = str(n95.get("wanted") or "").strip()
    length = 6 if prefix in ctx.setting("n95_six_digit_prefixes") else 5
    if wanted and not (wanted.isdigit() and wanted.startswith(prefix) and len(wanted) == length):
        return [error("N95-PREFIX.wanted", "n95.wanted", value=wanted, prefix=prefix, length=length)]
    return []


def licence_rules(profile: dict[str, Any], n95: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    found: list[Finding] = []
    licence = profile.get("licence") or {}
    if not text(licence, "number"):
        found.append(error("N95-LICENCE.missing", "licence.number"))
    known = ctx.setting("n95_services")
    granted = [str(s).strip() for s in licence.get("services") or []]
    requested = [str(s).strip() for s in n95.get("services") or []]
    if not requested:
        found.append(error("N95-LICENCE.no_services", "n95.services"))
    for i, service in enumerate(requested):
        if service not in known:
            found.append(
                error(
                    "N95-LICENCE.unknown_service",
                    f"n95.services[{i}]",
                    value=service,
                    allowed=list(known),
                )
            )
        elif service not in granted:
            found.append(error("N95-LICENCE.service", f"n95.services[{i}]", value=service))
    signing = ctx.reference_date
    since, until = licence.get("valid_from"), licence.get("valid_until")
    if isinstance(since, dt.date) and since > signing:
        found.append(error("N95-LICENCE.not_yet", "licence.valid_from", date=since.isoformat()))
    if not isinstance(until, dt.date):
        found.append(error("N95-LICENCE.no_expiry", "licence.valid_until"))
    elif until < signing:
        found.append(error("N95-LICENCE.expired", "licence.valid_until", date=until.isoformat()))
    else:
        years = ctx.setting("n95_licence_min_years_left")
        if until < add_months(signing, 12 * years):
            found.append(
                error("N95-LICENCE.too_short", "licence.valid_until", date=until.isoformat(), years=years)
            )
    return found


def licence_coverage_rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    """More than 6 provinces and 12 cities (seeds/001: 超过6个省的12个城市), or 全国."""
    found: list[Finding] = []
    data = divisions()
    written = [str(p).strip() for p in get(profile, "licence.provinces") or [] if str(p).strip()]
    if NATIONWIDE in written:
        return []
    provinces = {}
    for i, name in enumerate(written):
        province = data.province(name)
        if province is None:
            found.append(
                error("N95-LICENCE-COVERAGE.unknown_province", f"licence.provinces[{i}]", value=name)
            )
        else:
            provinces[province.code] = province
    cities = {str(c).strip() for c in get(profile, "licence.cities") or [] if str(c).strip()}
    # A licence that lists provinces only covers every city in them.
    city_count = (
        len(cities)
        if cities
        else sum(max(1, len(p.units)) if not p.municipality else 1 for p in provinces.values())
    )
    over_p = ctx.setting("n95_licence_provinces_over")
    over_c = ctx.setting("n95_licence_cities_over")
    if len(provinces) <= over_p or city_count <= over_c:
        found.append(
            error(
                "N95-LICENCE-COVERAGE.too_small",
                "licence.provinces",
                provinces=len(provinces),
                cities=city_count,
                over_provinces=over_p,
                over_cities=over_c,
            )
        )
    return found


def capital_rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    capital = get(profile, "company.registered_capital")
    minimum = ctx.setting("n95_min_capital")
    if isinstance(capital, int | float) and capital < minimum:
        return [warning("N95-CAPITAL.low", "company.registered_capital", value=capital, minimum=minimum)]
    return []


def rules_955(profile: dict[str, Any], n95: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    found: list[Finding] = []
    sectors = ctx.setting("n95_955_sectors")
    industry = text(profile, "company.industry")
    if industry not in sectors:
        found.append(error("N95-955.industry", "company.industry", value=industry, allowed=list(sectors)))
    places, branch_found = branch_places(profile.get("branches") or [], "N95-955", municipality_as_city=True)
    found += branch_found
    provinces = {place.province.code for place in places}
    cities = {place.key for place in places if place.key}
    min_p = ctx.setting("n95_955_min_provinces")
    min_c = ctx.setting("n95_955_min_cities")
    if len(provinces) < min_p or len(cities) < min_c:
        found.append(
            error(
                "N95-955.coverage",
                "branches",
                provinces=len(provinces),
                cities=len(cities),
                min_provinces=min_p,
                min_cities=min_c,
            )
        )
    agents = n95.get("agents") or 0
    min_agents = ctx.setting("n95_955_min_agents")
    if agents < min_agents:
        found.append(error("N95-955.agents", "n95.agents", value=agents, minimum=min_agents))
    return found


def extension_rules(n95: dict[str, Any]) -> list[Finding]:
    if n95.get("extend_digits"):
        if not str(n95.get("extension_plan") or "").strip():
            return [error("N95-EXTENSION.plan", "n95.extension_plan")]
    elif not str(n95.get("call_flow") or "").strip():
        return [error("N95-EXTENSION.call_flow", "n95.call_flow")]
    return []
