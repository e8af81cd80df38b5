"""The rules of every kind: completeness (FIELD-MISSING) and formats (USCC, IDs, phones, dates, addresses)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..kinds.registry import KindSpec
from . import validators as v
from .codes import mask_id, mask_phone
from .context import RuleContext, add_months, get, is_empty, kind_spec, text
from .findings import Finding
from .messages import error, finding, warning

# The fields every kind's forms print; a kind adds its own (kind.toml `required`).
SHARED_REQUIRED = (
    "company.name",
    "company.uscc",
    "company.address",
    "company.postcode",
    "legal_rep.name",
    "legal_rep.id_number",
    "number_contact.name",
    "number_contact.mobile",
)
# The phones every profile has; a kind declares its other people's (kind.toml `mobiles`, `office_phones`,
# `phones`, `emails`, `addresses`, `numbers_in_use`).
OFFICE_PHONES = ("legal_rep.office_phone", "number_contact.office_phone")
MOBILES = ("legal_rep.mobile", "number_contact.mobile")
EMAILS = ("number_contact.email",)


def _spec(profile: dict[str, Any]) -> KindSpec:
    return kind_spec(str(profile.get("kind", "")))


def required_fields(profile: dict[str, Any]) -> list[str]:
    return [*SHARED_REQUIRED, *_spec(profile).required]


def completeness(profile: dict[str, Any]) -> list[Finding]:
    """FIELD-MISSING for every field the kind's forms print that is empty."""
    return [
        error("FIELD-MISSING", path, path=path)
        for path in required_fields(profile)
        if is_empty(get(profile, path))
    ]


def rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    """The format rules of spec/dossiers.md, "Formats (all kinds)"."""
    found: list[Finding] = []
    found += uscc_rules(profile)
    found += id_rules(profile, ctx)
    found += phone_rules(profile)
    found += other_format_rules(profile)
    found += signing_rules(ctx)
    return found


def uscc_finding(code: str, field: str, rule: str = "USCC-FORMAT") -> Finding | None:
    """A finding for an invalid USCC at `field`, under `rule` (USCC-FORMAT, or a kind's own code)."""
    problem = v.uscc_problem(code)
    if problem is None:
        return None
    return finding(problem.severity, f"{rule}.uscc_{problem.case}", field, value=code, **problem.values)


def uscc_rules(profile: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    uscc = text(profile, "company.uscc")
    if uscc:
        problem = uscc_finding(uscc, "company.uscc")
        if problem:
            found.append(problem)
        else:
            individual = text(profile, "company.entity_type") == "individual_business"
            if uscc.startswith("92") and not individual:
                found.append(warning("USCC-FORMAT.individual", "company.uscc"))
            elif individual and not uscc.startswith("92"):
                found.append(warning("USCC-FORMAT.not_individual", "company.uscc"))
    for b, branch in enumerate(profile.get("branches") or []):
        code = (branch.get("uscc") or "").strip()
        if code:
            problem = uscc_finding(code, f"branches[{b}].uscc")
            if problem:
                found.append(problem)
    return found


def id_findings(
    rule: str, person: str, id_type: str, number: str, ctx: RuleContext, field: str | None = None
) -> list[Finding]:
    """Findings for one person's ID number under `rule` (ID-FORMAT, or a kind's code such as N400-AGENT)."""
    field = field or f"{person}.id_number"
    return [
        finding(p.severity, f"{rule}.id_{p.case}", field, masked=mask_id(number), **p.values)
        for p in v.id_problems(id_type, number, ctx.today)
    ]


def id_rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    found: list[Finding] = []
    for person in ("legal_rep", "number_contact"):
        number = text(profile, f"{person}.id_number")
        if not number:
            continue
        id_type = text(profile, f"{person}.id_type") or "resident_id"
        problems = id_findings("ID-FORMAT", person, id_type, number, ctx)
        found += problems
        born = v.id_birth_date(id_type, number)
        minimum = ctx.setting("legal_rep_min_age")
        errors = [p for p in problems if p.severity == "error"]
        if person == "legal_rep" and born and not errors and v.age_on(born, ctx.reference_date) < minimum:
            found.append(error("ID-FORMAT.minor", "legal_rep.id_number", age=minimum))
    found += expiry_rules(profile, ctx)
    return found


def expiry_rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    until = get(profile, "legal_rep.id_valid_until")
    if not isinstance(until, dt.date):
        return []
    signing = ctx.reference_date
    field = "legal_rep.id_valid_until"
    if until < signing:
        return [error("ID-EXPIRED.expired", field, until=until.isoformat(), signing=signing.isoformat())]
    months = ctx.setting("id_expiry_warn_months")
    if until < add_months(signing, months):
        return [warning("ID-EXPIRED.soon", field, until=until.isoformat(), months=months)]
    return []


def phone_rules(profile: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    spec = _spec(profile)
    for path in (*MOBILES, *spec.mobiles):
        value = text(profile, path)
        if value and not v.is_mobile(value):
            found.append(error("PHONE-MOBILE.invalid", path, value=mask_phone(value)))
    for path in (*OFFICE_PHONES, *spec.office_phones):
        value = text(profile, path)
        if not value or v.is_fixed(value):
            continue
        if v.phone_kind(value) in ("mobile", "400"):
            found.append(warning("PHONE-FIXED.not_fixed", path, value=mask_phone(value)))
        else:
            found.append(error("PHONE-FIXED.invalid", path, value=mask_phone(value)))
    for path in spec.phones:  # fixed or mobile
        value = text(profile, path)
        if value and v.phone_kind(value) not in ("fixed", "mobile"):
            found.append(error("PHONE-FIXED.invalid", path, value=mask_phone(value)))
    for path in spec.numbers_in_use:
        for i, number in enumerate(get(profile, path) or []):
            found += current_number_rules(str(number).strip(), f"{path}[{i}]")
    return found


def current_number_rules(value: str, field: str) -> list[Finding]:
    """A number in use today may be fixed, mobile, 400, 800 or a 95/96 number."""
    if not value or v.phone_kind(value) is not None:
        return []
    compact = v.digits(value)
    shown = mask_phone(value)
    if compact.startswith("400"):
        return [error("PHONE-400.invalid", field, value=shown)]
    if compact.startswith("1") and len(compact) == 11:
        return [error("PHONE-MOBILE.invalid", field, value=shown)]
    return [error("PHONE-FIXED.invalid", field, value=shown)]


def other_format_rules(profile: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    postcode = text(profile, "company.postcode")
    if postcode and not v.is_postcode(postcode):
        found.append(error("POSTCODE.invalid", "company.postcode", value=postcode))
    spec = _spec(profile)
    for path in (*EMAILS, *spec.emails):
        value = text(profile, path)
        if value and not v.is_email(value):
            found.append(error("EMAIL.invalid", path, value=value))
    address = text(profile, "company.address")
    if address and not v.has_house_number(address):
        found.append(warning("ADDRESS-HOUSE-NUMBER.missing", "company.address", value=address))
    for path in spec.addresses:
        for i, site in enumerate(get(profile, path) or []):
            if isinstance(site, str) and site.strip() and not v.has_house_number(site):
                found.append(warning("ADDRESS-HOUSE-NUMBER.missing", f"{path}[{i}]", value=site.strip()))
    return found


def signing_rules(ctx: RuleContext) -> list[Finding]:
    signing = ctx.signing_date
    if signing is None:
        return []
    if signing > ctx.today:
        return [
            error(
                "DATE-SIGNING.future", "signing.date", date=signing.isoformat(), today=ctx.today.isoformat()
            )
        ]
    days = ctx.setting("signing_max_age_days")
    if (ctx.today - signing).days > days:
        return [warning("DATE-SIGNING.old", "signing.date", date=signing.isoformat(), days=days)]
    return []
