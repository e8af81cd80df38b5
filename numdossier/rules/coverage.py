"""Where branches and planned cities are: provinces and prefecture-level units resolved against the divisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .divisions import Province, divisions
from .findings import Finding
from .messages import error


@dataclass(frozen=True)
class Place:
    """A resolved city: `key` identifies the unit counted for coverage; `problem` says why there is none."""

    key: str | None
    name: str
    problem: str | None = None  # county_level | municipality_whole | other_province | unknown_city
    other: str = ""  # for other_province: the province the name belongs to


def resolve_city(province: Province, name: str, *, municipality_as_city: bool) -> Place:
    """The prefecture-level unit (or, in a municipality, the district) of `province` called `name`.

    `municipality_as_city`: count a municipality as one city (n95 coverage) rather than by districts
    (n96, spec: "for the four municipalities count districts").
    """
    data = divisions()
    unit = data.unit(province, name)
    if unit is not None:
        if province.municipality:
            return Place(province.code if municipality_as_city else unit.code, unit.name)
        if unit.prefecture_level:
            return Place(unit.code, unit.name)
        return Place(None, unit.name, "county_level")
    if province.municipality and data.province(name) == province:
        if municipality_as_city:
            return Place(province.code, province.name)
        return Place(None, name, "municipality_whole")
    elsewhere = [u for u in data.units_named(name) if u.province != province.code]
    if elsewhere:
        other = data.province_by_code(elsewhere[0].province)
        return Place(None, name, "other_province", other.name if other else "")
    return Place(None, name, "unknown_city")


def place_error(code: str, field: str, name: str, province: Province, place: Place) -> Finding:
    """`<code>.<problem>` for a city that does not resolve (place.problem is set)."""
    return error(f"{code}.{place.problem}", field, value=name, province=province.name, other=place.other)


@dataclass(frozen=True)
class BranchPlace:
    """A branch whose province resolved; `key` is its city unit (None when the city does not resolve)."""

    index: int
    province: Province
    key: str | None


def branch_places(
    branches: Sequence[dict[str, Any]], code: str, *, municipality_as_city: bool
) -> tuple[list[BranchPlace], list[Finding]]:
    """Each branch's province and city resolved against the divisions, in profile order, and the findings
    `<code>.unknown_province` and `<code>.<problem>` for what does not resolve (a province left empty is
    FIELD-MISSING's, not said again here)."""
    data = divisions()
    places: list[BranchPlace] = []
    found: list[Finding] = []
    for b, branch in enumerate(branches):
        written = str(branch.get("province") or "").strip()
        if not written:
            continue
        province = data.province(written)
        if province is None:
            found.append(error(f"{code}.unknown_province", f"branches[{b}].province", value=written))
            continue
        city = str(branch.get("city") or "").strip()
        place = resolve_city(province, city, municipality_as_city=municipality_as_city)
        if place.problem:
            found.append(place_error(code, f"branches[{b}].city", city, province, place))
        places.append(BranchPlace(b, province, place.key if not place.problem else None))
    return places, found
