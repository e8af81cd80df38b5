"""The callcentre form context: the profile plus what the five documents compute (authority, coverage,
the shareholder, system and premises rows, totals)."""

from __future__ import annotations

from typing import Any

from docxtpl import DocxTemplate

from ...profile import LoadedProfile
from ...render.engine import date_cn
from ...render.images import diagram
from ...rules import printed
from ..context import wrong_kind
from .profile import CallcentreProfile

NATIONWIDE = "全国"
MINISTRY = printed.words("callcentre.ministry")
CARRIERS = ("中国电信", "中国移动", "中国联通", "中国广电")
# The forms' wording of a platform system and a shareholder type (rules/data/printed.toml).
SYSTEMS: dict[str, str] = dict(printed.table()["callcentre"]["systems"])
SHAREHOLDER_TYPES: dict[str, str] = dict(printed.table()["callcentre"]["shareholder_types"])


def authority(scope: str, province: str) -> str:
    """The approving authority: MIIT for 全国, the province's 通信管理局 for one province (seeds/003)."""
    if scope == "nationwide":
        return MINISTRY
    return printed.words("callcentre.authority", province=province.strip())


def coverage(scope: str, province: str) -> str:
    return NATIONWIDE if scope == "nationwide" else province.strip()


def number(value: float | int) -> str:
    """60.0 -> '60', 33.33 -> '33.33' (shares and money as people write them)."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def paragraphs(value: Any) -> list[str]:
    """A profile text as its non-empty lines: each becomes one indented paragraph."""
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def term(premises: dict[str, Any], company: str) -> str:
    if premises["owner"].strip() and premises["owner"].strip() == company.strip():
        return "自有房产"
    start, end = premises["lease_start"], premises["lease_end"]
    if start is None and end is None:
        return ""
    return f"{date_cn(start) if start else '—'} 至 {date_cn(end) if end else '—'}"


def build_context(loaded: LoadedProfile, tpl: DocxTemplate) -> dict[str, Any]:
    """The jinja context of the callcentre templates (tpl is needed to place the diagram)."""
    profile = loaded.model
    if not isinstance(profile, CallcentreProfile):
        raise wrong_kind(loaded, "callcentre")
    context = profile.model_dump(mode="python")
    scope = profile.callcentre
    holders = profile.shareholders
    nationalities = printed.listing("callcentre.nationalities")
    domestic = all(h.nationality.strip() in nationalities for h in holders)
    context.update(
        sign_date=date_cn(profile.signing.date),
        authority=authority(scope.scope, scope.province),
        coverage=coverage(scope.scope, scope.province),
        capital=number(profile.company.registered_capital),
        ownership=printed.words("callcentre.domestic" if domestic else "callcentre.foreign"),
        domestic=domestic and bool(holders),
        paragraphs=paragraphs,
        carrier_options=CARRIERS,
        shareholder_rows=[
            {
                "name": h.name,
                "type_cn": SHAREHOLDER_TYPES[h.type],
                "id_number": h.id_number if h.type == "person" else h.uscc,
                "nationality": h.nationality,
                "share": number(h.share),
                "contribution": number(h.contribution) if h.contribution else "—",
            }
            for h in holders
        ],
        share_total=number(round(sum(h.share for h in holders), 2)),
        contribution_total=number(round(sum(h.contribution for h in holders), 2))
        if any(h.contribution for h in holders)
        else "—",
        system_rows=[
            {**s.model_dump(mode="python"), "kind_cn": SYSTEMS[s.kind]} for s in profile.platform.systems
        ],
        premises_rows=[
            {**p, "area": number(p["area"]), "term": term(p, profile.company.name)}
            for p in context["premises"]
        ],
        area_total=number(round(sum(p.area for p in profile.premises), 2)),
        diagram=diagram(loaded, tpl, profile.platform.diagram, "platform.diagram"),
    )
    return context
