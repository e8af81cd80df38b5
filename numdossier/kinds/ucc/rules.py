"""The rules of the ucc kind (spec/dossiers.md, "ucc"): destinations, special materials, documents, contract."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...rules import validators as v
from ...rules.codes import mask_id, mask_phone
from ...rules.context import RuleContext, get, text
from ...rules.findings import Finding
from ...rules.formats import uscc_finding
from ...rules.messages import error, warning
from ...rules.messages import text as ui


def rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    found = number_rules(profile)
    found += destination_rules(profile, ctx)
    found += special_rules(profile, ctx)
    found += legal_rep_document_rules(profile)
    found += contract_rules(profile)
    return found


def number_rules(profile: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    for path in ("ucc.business_number", "ucc.contact_24h.phone", "ucc.provider.phone"):
        value = text(profile, path)
        if value and v.phone_kind(value) not in ("fixed", "mobile", "400"):
            found.append(error("PHONE-FIXED.invalid", path, value=mask_phone(value)))
    return found


def destination_rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    destinations = get(profile, "ucc.destinations") or []
    if not destinations:
        return [error("UCC-DESTINATION.none", "ucc.destinations")]
    carrier = text(profile, "ucc.carrier") or None
    virtual = ctx.setting("virtual_mobile_prefixes", carrier=carrier)
    found: list[Finding] = []
    for i, d in enumerate(destinations):
        where = f"ucc.destinations[{i}]"
        number = str(d.get("number") or "").strip()
        kind = v.phone_kind(number) if number else None
        if not number:
            found.append(error("UCC-DESTINATION.number_missing", f"{where}.number"))
        elif kind not in ("fixed", "mobile"):
            found.append(error("UCC-DESTINATION.invalid", f"{where}.number", value=mask_phone(number)))
        elif v.is_virtual_mobile(number, virtual):
            found.append(
                error(
                    "UCC-DESTINATION.virtual",
                    f"{where}.number",
                    value=mask_phone(number),
                    prefixes=list(virtual),
                )
            )
        if not [b for b in d.get("bill") or [] if str(b).strip()]:
            found.append(error("UCC-DESTINATION.bill", f"{where}.bill"))
        if not str(d.get("holder_name") or "").strip():
            found.append(error("UCC-DESTINATION.holder_name", f"{where}.holder_name"))
        holder = d.get("holder")
        holder_id = str(d.get("holder_id") or "").strip()
        if holder == "employee":
            if not holder_id:
                found.append(error("UCC-DESTINATION.holder_id", f"{where}.holder_id"))
            if not str(d.get("relation") or "").strip():
                found.append(error("UCC-DESTINATION.relation", f"{where}.relation"))
        if holder == "company":
            if not holder_id:
                found.append(error("UCC-DESTINATION.company_id_missing", f"{where}.holder_id"))
            else:
                problem = uscc_finding(holder_id, f"{where}.holder_id", "UCC-DESTINATION")
                if problem:
                    found.append(problem)
        elif holder_id and len(holder_id) == 18 and holder_id[:17].isdigit():
            found += [
                error(
                    f"UCC-DESTINATION.id_{p.case}",
                    f"{where}.holder_id",
                    masked=mask_id(holder_id),
                    **p.values,
                )
                for p in v.resident_id_problems(holder_id, ctx.today)
                if p.severity == "error"
            ]
    return found


def special_rules(profile: dict[str, Any], ctx: RuleContext) -> list[Finding]:
    """seeds/004 其他特殊材料: an individual business's holder photo; permits the business scope calls for."""
    found: list[Finding] = []
    attachments = profile.get("attachments") or {}
    scope = text(profile, "company.business_scope")
    if text(profile, "company.entity_type") == "individual_business" and not attachments.get("holder_photo"):
        found.append(error("UCC-SPECIAL.holder_photo", "attachments.holder_photo"))
    for key, setting in (
        ("sales_permit", "ucc_sales_permit_words"),
        ("agency_permit", "ucc_agency_permit_words"),
    ):
        words = [w for w in ctx.setting(setting) if w in scope]
        if words and not attachments.get(key):
            found.append(error(f"UCC-SPECIAL.{key}", f"attachments.{key}", word=list(words)))
    return found


def legal_rep_document_rules(profile: dict[str, Any]) -> list[Finding]:
    id_type = text(profile, "legal_rep.id_type") or "resident_id"
    if id_type == "resident_id":
        return []
    document = ui(f"documents.{id_type}")
    files = [str(f) for f in get(profile, "attachments.legal_rep_id") or []]
    if not files:
        return [error("UCC-LEGAL-REP-DOC.missing", "attachments.legal_rep_id", document=document)]
    return [
        warning("UCC-LEGAL-REP-DOC.resident_copy", f"attachments.legal_rep_id[{i}]", file, document=document)
        for i, file in enumerate(files)
        if "身份证" in file and "永久居留" not in file
    ]


def contract_rules(profile: dict[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    contract = get(profile, "ucc.contract") or {}
    start, end = contract.get("start"), contract.get("end")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end <= start:
        found.append(
            error("UCC-CONTRACT.dates", "ucc.contract.end", start=start.isoformat(), end=end.isoformat())
        )
    fees = [contract.get(k) for k in ("platform_fee", "number_fee", "prepaid")]
    total = contract.get("total")
    if isinstance(total, int | float) and all(isinstance(f, int | float) or f is None for f in fees):
        listed = sum(f or 0 for f in fees)
        if abs(listed - total) > 0.005:
            found.append(error("UCC-CONTRACT.total", "ucc.contract.total", total=total, listed=listed))
    return found
