"""Where branches and planned cities are: provinces and prefecture-level units resolved against the divisions."""

from __future__ import annotations

from dataclasses import dataclass

from .divisions import Province, divisions


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
