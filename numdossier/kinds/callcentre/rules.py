"""The rules of the callcentre kind (seeds/003 申请条件 and 申请材料): scope and capital, shareholders
(100 %, purely domestic, ID copies), staff (count, social insurance, ID copies), premises, platform."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from ...rules import messages
from ...rules.context import RuleContext, add_months, text
from ...rules.divisions import divisions
from ...rules.findings import Finding
from ...rules.formats import id_findings, uscc_finding
from ...rules.messages import error, warning

ONE_SIDED_ID_TYPES = ("passport",)
MAINLAND_ID_TYPES = ("resident_id",)
# The systems a platform may have (each one's name for findings: [kinds.callcentre.systems]).
SYSTEM_NAMES = ("IVR", "ACD", "recording", "database", "CTI", "other")


def system_name(kind: str) -> str:
    return messages.text(f"kinds.callcentre.systems.{kind}") if kind in SYSTEM_NAMES else kind


def rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    province = scope_province(profile)
    found = scope_rules(profile)
    found += capital_rules(profile, ctx, province)
    found += shareholder_rules(profile, ctx)
    found += staff_rules(profile, ctx, province)
    found += premises_rules(profile, ctx, province)
    found += platform_rules(profile, ctx)
    return found


def nationwide(profile: dict[str, Any]) -> bool:
    return text(profile, "callcentre.scope") == "nationwide"


def scope_province(profile: dict[str, Any]) -> str | None:
    """The province of a provincial licence (for per-province settings), None for 全国 or unknown."""
    if nationwide(profile):
        return None
    found = divisions().province(text(profile, "callcentre.province"))
    return found.name if found else None


def scope_rules(profile: dict[str, Any]) -> list[Finding]:
    if nationwide(profile):
        return []
    written = text(profile, "callcentre.province")
    if not written:
        return [error("CC-SCOPE.province_missing", "callcentre.province")]
    if divisions().province(written) is None:
        return [error("CC-SCOPE.unknown_province", "callcentre.province", value=written)]
    return []


def capital_rules(profile: dict[str, Any], ctx: RuleContext, province: str | None) -> list[Finding]:
    capital = (profile.get("company") or {}).get("registered_capital")
    if not isinstance(capital, int | float) or capital <= 0:
        return []  # FIELD-MISSING reports it
    wide = nationwide(profile)
    key = "callcentre_min_capital_nationwide" if wide else "callcentre_min_capital_province"
    minimum = ctx.setting(key, province=province)
    if capital < minimum:
        field = "company.registered_capital"
        if wide:
            return [error("CC-CAPITAL.low_nationwide", field, value=capital, minimum=minimum)]
        # the province as the profile names it (user data, quoted as written in both languages)
        return [
            error("CC-CAPITAL.low_province", field, value=capital, minimum=minimum, province=province or "")
        ]
    return []


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def shareholder_rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    holders = profile.get("shareholders") or []
    if not holders:
        return [error("CC-SHARES.none", "shareholders")]
    found: list[Finding] = []
    total = 0.0
    domestic = ctx.setting("callcentre_domestic_nationalities")
    legal_rep_id = text(profile, "legal_rep.id_number")
    legal_rep_copy = bool((profile.get("attachments") or {}).get("legal_rep_id"))
    for i, holder in enumerate(holders):
        where = f"shareholders[{i}]"
        name = str(holder.get("name") or "").strip() or f"#{i + 1}"
        share = holder.get("share") or 0
        total += share
        if not 0 < share <= 100:
            found.append(error("CC-SHARES.invalid", f"{where}.share", name=name, value=_number(share)))
        nationality = str(holder.get("nationality") or "").strip()
        if nationality not in domestic:
            found.append(
                error("CC-FOREIGN.nationality", f"{where}.nationality", name=name, value=nationality)
            )
        person = holder.get("type") == "person"
        id_type = str(holder.get("id_type") or "resident_id")
        if person and nationality in domestic and id_type not in MAINLAND_ID_TYPES:
            found.append(error("CC-FOREIGN.id_type", f"{where}.id_type", name=name))
        key = "id_number" if person else "uscc"
        number = str(holder.get(key) or "").strip()
        if not number:
            case = "no_id" if person else "no_uscc"
            found.append(error(f"CC-SHAREHOLDER.{case}", f"{where}.{key}", name=name))
        elif person:
            found += id_findings("CC-SHAREHOLDER", where, id_type, number, ctx, f"{where}.id_number")
        else:
            problem = uscc_finding(number, f"{where}.uscc", "CC-SHAREHOLDER")
            found += [problem] if problem else []
        proofs = [p for p in holder.get("proofs") or [] if str(p).strip()]
        if person:
            # the legal representative's ID copy (legal_rep_id) covers a shareholder who is that person
            covered = bool(number) and number == legal_rep_id and legal_rep_copy
            if not proofs and not covered:
                found.append(error("CC-SHAREHOLDER.id_copy", f"{where}.proofs", name=name))
            elif proofs and id_type not in ONE_SIDED_ID_TYPES and _pages(ctx, f"{where}.proofs", proofs) == 1:
                found.append(error("CC-SHAREHOLDER.sides", f"{where}.proofs", name=name))
        elif not proofs:
            found.append(error("CC-SHAREHOLDER.licence", f"{where}.proofs", name=name))
    if abs(total - 100) > ctx.setting("callcentre_share_tolerance"):
        found.append(error("CC-SHARES.sum", "shareholders", total=_number(total)))
    return found


def _pages(ctx: RuleContext, field: str, files: list[Any]) -> int:
    """Pages of the files listed at `field` as inspected (0 when any is unusable: reported elsewhere)."""
    counts = [ctx.pages.get(f"{field}[{i}]", 0) for i in range(len(files))]
    return 0 if 0 in counts else sum(counts)


def staff_rules(profile: dict[str, Any], ctx: RuleContext, province: str | None) -> list[Finding]:
    staff = profile.get("staff") or []
    found: list[Finding] = []
    minimum = ctx.setting("callcentre_min_staff", province=province)
    if len(staff) < minimum:
        found.append(error("CC-STAFF.count", "staff", count=len(staff), minimum=minimum))
    months = ctx.setting("callcentre_min_insurance_months", province=province)
    for i, member in enumerate(staff):
        where = f"staff[{i}]"
        name = str(member.get("name") or "").strip() or f"#{i + 1}"
        insured = member.get("insurance_months") or 0
        if insured < months:
            found.append(
                error(
                    "CC-STAFF.insurance",
                    f"{where}.insurance_months",
                    name=name,
                    value=insured,
                    minimum=months,
                )
            )
        number = str(member.get("id_number") or "").strip()
        id_type = str(member.get("id_type") or "resident_id")
        if not number:
            found.append(error("CC-STAFF.no_id", f"{where}.id_number", name=name))
        else:
            found += id_findings("CC-STAFF", where, id_type, number, ctx, f"{where}.id_number")
        copies = [p for p in member.get("id_copy") or [] if str(p).strip()]
        if not copies:
            found.append(error("CC-STAFF.id_copy", f"{where}.id_copy", name=name))
        elif id_type not in ONE_SIDED_ID_TYPES and _pages(ctx, f"{where}.id_copy", copies) == 1:
            found.append(error("CC-STAFF.sides", f"{where}.id_copy", name=name))
        if not [p for p in member.get("insurance_proof") or [] if str(p).strip()]:
            found.append(error("CC-STAFF.insurance_proof", f"{where}.insurance_proof", name=name))
    return found


def normal_address(address: str) -> str:
    """For comparing addresses: full-width forms folded (NFKC), without spaces and brackets' remarks."""
    folded = unicodedata.normalize("NFKC", address)
    for bracket in ("(", "["):
        folded = folded.split(bracket, 1)[0]
    return "".join(folded.split())


def same_place(a: str, b: str) -> bool:
    """One address names the other's place (a room number more, or a floor's remark, is the same place)."""
    a, b = normal_address(a), normal_address(b)
    return bool(a and b) and (a.startswith(b) or b.startswith(a))


def premises_rules(profile: dict[str, Any], ctx: RuleContext, province: str | None) -> list[Finding]:
    premises = profile.get("premises") or []
    if not premises:
        return [error("CC-LEASE.none", "premises")]
    found: list[Finding] = []
    company = text(profile, "company.name")
    signing = ctx.reference_date
    months = ctx.setting("callcentre_lease_min_months_left", province=province)
    for i, place in enumerate(premises):
        where = f"premises[{i}]"
        address = str(place.get("address") or "").strip()
        owner = str(place.get("owner") or "").strip()
        if not owner:
            found.append(error("CC-LEASE.owner", f"{where}.owner", address=address))
            continue
        if owner == company:
            continue  # the company's own property: no lease
        start, end = place.get("lease_start"), place.get("lease_end")
        if not isinstance(end, dt.date):
            found.append(error("CC-LEASE.no_end", f"{where}.lease_end", address=address))
        elif end < add_months(signing, months):
            found.append(
                error(
                    "CC-LEASE.short",
                    f"{where}.lease_end",
                    address=address,
                    date=end.isoformat(),
                    months=months,
                )
            )
        if isinstance(start, dt.date) and start > signing:
            found.append(
                warning(
                    "CC-LEASE.not_started", f"{where}.lease_start", address=address, date=start.isoformat()
                )
            )
    attachments = profile.get("attachments") or {}
    leased = any(str(p.get("owner") or "").strip() not in ("", company) for p in premises)
    if leased and not attachments.get("lease_contract"):
        found.append(error("CC-LEASE.contract", "attachments.lease_contract"))
    if not attachments.get("property_certificate"):
        found.append(error("CC-LEASE.certificate", "attachments.property_certificate"))
    office = text(profile, "company.address")
    if office and not any(same_place(office, str(p.get("address") or "")) for p in premises):
        found.append(error("CC-LEASE.address", "company.address", value=office))
    return found


def platform_rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    platform = profile.get("platform") or {}
    systems = platform.get("systems") or []
    found: list[Finding] = []
    if systems:  # none at all is FIELD-MISSING
        present = {s.get("kind") for s in systems}
        for kind in ctx.setting("callcentre_required_systems"):
            if kind not in present:
                found.append(error("CC-PLATFORM.system", "platform.systems", system=system_name(kind)))
    if not platform.get("seats"):
        found.append(error("CC-PLATFORM.seats", "platform.seats"))
    return found
