"""Plausibility rules of every kind, beyond formats: the fields the starter does not mark optional are
filled in, numbers in range, dates in order, no contradictions (scope, carrier brand, postcode and
province), no duplicates after normalising, carrier hotlines that are real service numbers.

The rules are tables (rules/data/plausibility.toml, postcodes.toml) and one function per concern; each
finding has a stable code, the field, and its message and hint from messages.toml.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import validators as v
from .codes import mask_phone
from .context import RuleContext, get, is_empty, text
from .findings import Finding
from .messages import error, label, warning

DATA = Path(__file__).resolve().parent / "data"
# Words of a starter comment that make a field optional or conditional (its kind's rules decide then).
OPTIONAL = "可选"
CONDITIONAL = ("必填", "必附", "时填写", "留空")


@cache
def table() -> dict[str, Any]:
    return tomllib.loads((DATA / "plausibility.toml").read_text(encoding="utf-8"))


@cache
def postcode_prefixes() -> dict[str, list[str]]:
    data: dict[str, list[str]] = tomllib.loads((DATA / "postcodes.toml").read_text(encoding="utf-8"))[
        "prefixes"
    ]
    return data


def _applies(entry: Mapping[str, Any], kind: str) -> bool:
    kinds = entry.get("kinds")
    return kinds is None or kind in kinds


def walk(data: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) for a path such as 'branches[].name'; nothing where a parent is missing."""
    head, sep, rest = path.partition("[].")
    if not sep:
        if path.endswith("[]"):
            values = get(data, path[:-2])
            for i, value in enumerate(values if isinstance(values, list) else []):
                yield f"{path[:-2]}[{i}]", value
            return
        parent, _, _ = path.rpartition(".")
        if parent and get(data, parent) is None:
            return
        yield path, get(data, path)
        return
    items = get(data, head)
    for i, item in enumerate(items if isinstance(items, list) else []):
        for concrete, value in walk(item, rest):
            yield f"{head}[{i}].{concrete}", value


# --- which fields must be filled in: the starter is the one source ---------------------------------


@dataclass(frozen=True)
class StarterField:
    path: str  # lists as []: branches[].name
    comment: str
    optional: bool  # "可选：…"
    conditional: bool  # "…时必填", "…必附": the kind's rules decide


def _leaves(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _leaves(value, path + ".")
        elif isinstance(value, list) and value and isinstance(value[0], Mapping):
            yield from _leaves(value[0], path + "[].")
        else:
            yield path, value


@cache
def starter_fields(kind: str) -> tuple[StarterField, ...]:
    """Every text or list field the kind's starter writes, with its comment and whether it is optional.

    The Chinese starter's comments decide (OPTIONAL, CONDITIONAL are Chinese words); an English starter
    carries the same data and marks the same fields "Optional:" (tests/test_starter.py)."""
    from ..kinds import registry
    from ..schema import descriptions

    starter = registry.get(kind).starter("zh")
    if not starter.is_file():
        return ()
    data = tomllib.loads(starter.read_text(encoding="utf-8"))
    comments = descriptions(kind, "zh")
    fields = []
    for path, value in _leaves(data):
        if not isinstance(value, str | list) or path in ("kind", "format"):
            continue
        comment = comments.get(path.replace("[]", ""), "")
        fields.append(
            StarterField(
                path,
                comment,
                optional=comment.startswith(OPTIONAL),
                conditional=any(word in comment for word in CONDITIONAL),
            )
        )
    return tuple(fields)


def starter_required(kind: str) -> list[str]:
    """Fields to fill in: in the starter, not marked optional or conditional, not attachments (those are
    ATTACH-MISSING's)."""
    return [
        f.path
        for f in starter_fields(kind)
        if not f.optional and not f.conditional and not f.path.startswith("attachments.")
    ]


def completeness(profile: Mapping[str, Any], already: set[str]) -> list[Finding]:
    """FIELD-MISSING for the starter's required fields that are empty (`already`: reported elsewhere)."""
    kind = str(profile.get("kind", ""))
    found = []
    for path in starter_required(kind):
        for concrete, value in walk(profile, path):
            if concrete not in already and is_empty(value):
                found.append(error("FIELD-MISSING", concrete, path=concrete, label=_label(kind, concrete)))
    return found


def _label(kind: str, field: str) -> str:
    """The catalogue's name for a field, else the lead of its starter comment in the current language
    ('对应小号码', 'Matching local number')."""
    shown = label(field)
    if shown != field:
        return shown
    from ..schema import _title, descriptions

    generic = re.sub(r"\[\d+\]", "", field)
    comment = descriptions(kind).get(generic, "")
    return _title(comment) if comment else field  # the field's path is shown beside the message


# --- NUMBER-RANGE --------------------------------------------------------------------------------


def number_rules(profile: Mapping[str, Any], kind: str) -> list[Finding]:
    found = []
    optional = {f.path for f in starter_fields(kind) if f.optional}
    for entry in table().get("number", []):
        if not _applies(entry, kind):
            continue
        for field, value in walk(profile, entry["field"]):
            if not isinstance(value, int | float) or isinstance(value, bool):
                continue
            unset = "unset" in entry and value == entry["unset"]
            if unset and (entry["field"] in optional or entry["field"] not in _numbers_in_starter(kind)):
                continue  # not given, and the starter does not ask for it
            case, bound = _out_of_range(entry, value)
            if case:
                found.append(
                    error(
                        f"NUMBER-RANGE.{case}",
                        field,
                        path=field,
                        bound=_show(bound),
                        value=_show(value),
                        label=_label(kind, field),
                    )
                )
    return found


@cache
def _numbers_in_starter(kind: str) -> frozenset[str]:
    from ..kinds import registry

    starter = registry.get(kind).starter("zh")  # the data, the same in every language
    if not starter.is_file():
        return frozenset()
    data = tomllib.loads(starter.read_text(encoding="utf-8"))
    return frozenset(p for p, value in _leaves(data) if isinstance(value, int | float))


def _out_of_range(entry: Mapping[str, Any], value: float) -> tuple[str | None, float]:
    if "above" in entry and not value > entry["above"]:
        return "above", entry["above"]
    if "at_least" in entry and value < entry["at_least"]:
        return "at_least", entry["at_least"]
    if "at_most" in entry and value > entry["at_most"]:
        return "at_most", entry["at_most"]
    return None, 0


def _show(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


# --- DATE-ORDER ------------------------------------------------------------------------------------


def _dates(profile: Mapping[str, Any], path: str, ctx: RuleContext) -> list[tuple[str, dt.date]]:
    if path == "signing":
        return [("signing.date", ctx.reference_date)]
    return [(f, d) for f, d in walk(profile, path) if isinstance(d, dt.date)]


def date_rules(profile: Mapping[str, Any], ctx: RuleContext, kind: str) -> list[Finding]:
    from ..kinds.checklist import _evaluate

    found = []
    for entry in table().get("date", []):
        if not _applies(entry, kind):
            continue
        if entry.get("when") and not _evaluate(entry["when"], profile):
            continue
        for early_field, early in _dates(profile, entry["earlier"], ctx):
            for late_field, late in _dates(profile, entry["later"], ctx):
                wrong = late <= early if entry.get("strict") else late < early
                if not wrong:
                    continue
                signing = entry["earlier"] == "signing"
                case = "before_signing" if signing else ("same_day" if late == early else "before")
                if signing and ctx.signing_date is None:
                    case = "before_today"
                found.append(
                    error(
                        f"DATE-ORDER.{case}",
                        late_field,
                        late=late.isoformat(),
                        early=early.isoformat(),
                        early_label=_label(kind, early_field),
                        label=_label(kind, late_field),
                        path=late_field,
                        early_path=early_field,
                    )
                )
    return found


# --- contradictions ----------------------------------------------------------------------------------


def scope_rules(profile: Mapping[str, Any]) -> list[Finding]:
    """SCOPE-PROVINCE: a 400 number open nationwide (or internationally) names no province."""
    scope = text(profile, "n400.scope")
    province = text(profile, "n400.scope_province")
    if scope and scope != "省内" and province:
        return [error("SCOPE-PROVINCE", "n400.scope_province", scope=scope, province=province)]
    return []


def brand_rules(profile: Mapping[str, Any]) -> list[Finding]:
    """CARRIER-BRAND: the receiving unit's name holds another carrier's name than the brand chosen."""
    brand = text(profile, "n400.carrier.brand")
    name = text(profile, "n400.carrier.name")
    brands: dict[str, list[str]] = table().get("brands", {})
    if not brand or not name or brand not in brands:
        return []
    if any(word in name for word in brands[brand]):
        return []
    for other, words in brands.items():
        if other != brand and any(word in name for word in words):
            return [error("CARRIER-BRAND", "n400.carrier.brand", name=name, brand=brand, other=other)]
    return []


def postcode_rules(profile: Mapping[str, Any]) -> list[Finding]:
    """POSTCODE-PROVINCE: the postcode's first two digits belong to another province than the address."""
    from .divisions import divisions

    postcode = text(profile, "company.postcode")
    address = text(profile, "company.address")
    if not v.is_postcode(postcode) or not address:
        return []
    province = divisions().province_of_address(address)
    prefixes = postcode_prefixes()
    if province is None or province.name not in prefixes:
        return []
    if postcode[:2] in prefixes[province.name]:
        return []
    belongs = [p for p, codes in prefixes.items() if postcode[:2] in codes]
    case = "other" if belongs else "unknown"
    return [
        error(
            f"POSTCODE-PROVINCE.{case}",
            "company.postcode",
            postcode=postcode,
            province=province.name,
            other=belongs[0] if belongs else "",
            prefixes=list(prefixes[province.name]),
        )
    ]


# --- duplicates -----------------------------------------------------------------------------------

# Lists of phone numbers that must not repeat, and the path of the number in each element.
NUMBER_LISTS = ("n400.destinations[]", "ucc.destinations[].number")


def normalised_phone(number: str) -> str:
    """020-38880000, (020) 3888 0000, +86 20 3888 0000 -> 02038880000; extensions are kept apart."""
    compact = v.digits(re.split(r"转|分机|ext\.?|#", number.strip(), maxsplit=1)[0])
    if number.strip().startswith(("+86", "0086")) and not compact.startswith(("0", "1", "4", "8")):
        compact = "0" + compact
    return compact


def duplicate_rules(profile: Mapping[str, Any], kind: str) -> list[Finding]:
    found: list[Finding] = []
    for path in NUMBER_LISTS:
        seen: dict[str, str] = {}
        for field, value in walk(profile, path):
            if not isinstance(value, str) or not value.strip():
                continue
            key = normalised_phone(value)
            if key in seen:
                found.append(
                    error(
                        "DUPLICATE-NUMBER",
                        field,
                        value=mask_phone(value),
                        other=seen[key],
                        label=_label(kind, field),
                    )
                )
            else:
                seen[key] = field
    found += _branch_duplicates(profile)
    return found


def _branch_duplicates(profile: Mapping[str, Any]) -> list[Finding]:
    from .divisions import divisions

    found: list[Finding] = []
    company = text(profile, "company.uscc").upper()
    usccs: dict[str, str] = {}
    cities: dict[tuple[str, str], str] = {}
    for b, branch in enumerate(profile.get("branches") or []):
        name = (branch.get("name") or "").strip() or f"#{b + 1}"
        uscc = (branch.get("uscc") or "").strip().upper()
        if uscc and uscc == company:
            found.append(error("BRANCH-USCC.company", f"branches[{b}].uscc", name=name))
        elif uscc and uscc in usccs:
            found.append(error("BRANCH-USCC.duplicate", f"branches[{b}].uscc", name=name, other=usccs[uscc]))
        elif uscc:
            usccs[uscc] = name
        province_name = (branch.get("province") or "").strip()
        city_name = (branch.get("city") or "").strip()
        province = divisions().province(province_name) if province_name else None
        unit = divisions().unit(province, city_name) if province and city_name else None
        key = (province.code if province else province_name, unit.code if unit else city_name)
        if not city_name:
            continue
        if key in cities:
            found.append(
                warning(
                    "BRANCH-CITY.duplicate",
                    f"branches[{b}].city",
                    name=name,
                    other=cities[key],
                    city=city_name,
                )
            )
        else:
            cities[key] = name
    return found


# --- carrier hotlines -------------------------------------------------------------------------------


def is_service_number(number: str) -> bool:
    """A carrier's 1xxxx service number, a 400/800 number, or a fixed line with its area code."""
    compact = normalised_phone(number)
    return compact in table()["hotlines"]["service_numbers"] or v.phone_kind(number) in (
        "400",
        "800",
        "fixed",
    )


def hotline_rules(profile: Mapping[str, Any], kind: str) -> list[Finding]:
    found = []
    for path in table()["hotlines"]["fields"]:
        for field, value in walk(profile, path + "[]"):
            if isinstance(value, str) and value.strip() and not is_service_number(value):
                found.append(error("HOTLINE-NUMBER", field, value=value.strip(), label=_label(kind, field)))
    return found


def rules(profile: Mapping[str, Any], ctx: RuleContext, already: set[str] | None = None) -> list[Finding]:
    """Every plausibility finding of the profile (`already`: fields FIELD-MISSING reported before)."""
    kind = str(profile.get("kind", ""))
    found = completeness(profile, already or set())
    found += number_rules(profile, kind)
    found += date_rules(profile, ctx, kind)
    found += scope_rules(profile) + brand_rules(profile) + postcode_rules(profile)
    found += duplicate_rules(profile, kind)
    found += hotline_rules(profile, kind)
    return found
