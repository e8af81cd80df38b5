"""The rules of the n400 kind (spec/dossiers.md, "n400"): the number, destinations, scope, the agent."""

from __future__ import annotations

from typing import Any

from ...rules import validators as v
from ...rules.codes import mask_phone
from ...rules.context import RuleContext, get, text
from ...rules.divisions import divisions
from ...rules.findings import Finding
from ...rules.formats import id_findings
from ...rules.messages import error


def rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    n400 = profile.get("n400") or {}
    carrier = text(profile, "n400.carrier.brand") or None
    found = number_rules(n400)
    found += destination_rules(n400, ctx, carrier)
    found += scope_rules(n400)
    found += agent_rules(profile, ctx)
    return found


def number_rules(n400: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    number = str(n400.get("number") or "").strip()
    if number and not v.is_400(number):
        found.append(error("N400-NUMBER.number", "n400.number", value=number))
    small = str(n400.get("small_number") or "").strip()
    if small and v.phone_kind(small) not in ("fixed", "mobile"):
        found.append(error("N400-NUMBER.small_number", "n400.small_number", value=mask_phone(small)))
    return found


def destination_rules(n400: dict[str, Any], ctx: RuleContext, carrier: str | None) -> list[Finding]:
    destinations = [str(d).strip() for d in n400.get("destinations") or []]
    maximum = ctx.setting("n400_max_destinations", carrier=carrier)
    if not [d for d in destinations if d]:
        return [error("N400-DESTINATIONS.none", "n400.destinations", maximum=maximum)]
    found: list[Finding] = []
    if len(destinations) > maximum:
        found.append(
            error("N400-DESTINATIONS.too_many", "n400.destinations", count=len(destinations), maximum=maximum)
        )
    forbidden = tuple(ctx.setting("n400_forbidden_destination_prefixes", carrier=carrier))
    virtual = ctx.setting("virtual_mobile_prefixes", carrier=carrier)
    for i, number in enumerate(destinations):
        field = f"n400.destinations[{i}]"
        kind = v.phone_kind(number)
        if kind in ("400", "800", "short") or (kind is None and v.digits(number).startswith(forbidden)):
            found.append(error("N400-DESTINATIONS.service_number", field, value=mask_phone(number)))
        elif kind not in ("fixed", "mobile"):
            found.append(error("N400-DESTINATIONS.invalid", field, value=mask_phone(number)))
        elif v.is_virtual_mobile(number, virtual):
            found.append(
                error("N400-DESTINATIONS.virtual", field, value=mask_phone(number), prefixes=list(virtual))
            )
    return found


def scope_rules(n400: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    if n400.get("scope") == "省内":
        province = str(n400.get("scope_province") or "").strip()
        if not province:
            found.append(error("N400-SCOPE.province", "n400.scope_province"))
        elif divisions().province(province) is None:
            found.append(error("N400-SCOPE.unknown_province", "n400.scope_province", value=province))
    if n400.get("use") == "其他" and not str(n400.get("use_detail") or "").strip():
        found.append(error("N400-SCOPE.use_detail", "n400.use_detail"))
    return found


def agent_rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    found: list[Finding] = []
    number = text(profile, "agent.id_number")
    if number:
        id_type = text(profile, "agent.id_type") or "resident_id"
        found += id_findings("N400-AGENT", "agent", id_type, number, ctx)
    if not get(profile, "attachments.agent_id"):
        found.append(error("N400-AGENT.copy", "attachments.agent_id"))
    return found
