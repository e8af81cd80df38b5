"""Administrative divisions (GB/T 2260): provinces, their prefecture-level units, the municipalities' districts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "divisions.json"

# Suffixes a user may leave out: 宁波 for 宁波市, 阿克苏 for 阿克苏地区, 朝阳 for 朝阳区. Longest first,
# so that 浦东新区 also answers to 浦东. Autonomous prefectures and counties carry their short form in the
# data, because 延边 cannot be derived from 延边朝鲜族自治州 by cutting a suffix.
_UNIT_SUFFIXES = ("地区", "新区", "市", "盟", "区", "县")
_PROVINCE_SUFFIXES = ("特别行政区", "自治区", "省", "市")


@dataclass(frozen=True)
class Unit:
    """A prefecture-level unit (地级市, 地区, 自治州, 盟), a municipality's district or county, or a
    county-level unit directly under a province (省直辖县级, which does not count as prefecture-level)."""

    code: str  # 6 digits
    name: str
    type: str  # 地级市 | 地区 | 自治州 | 盟 | 区 | 县 | 自治县 | 市 (county-level)
    province: str  # the province's code (2 digits)
    short: str = ""

    @property
    def prefecture_level(self) -> bool:
        return self.type in ("地级市", "地区", "自治州", "盟")


@dataclass(frozen=True)
class Province:
    code: str  # 2 digits
    name: str
    short: str
    type: str  # 省 | 自治区 | 直辖市 | 特别行政区
    units: tuple[Unit, ...]
    county_level: tuple[Unit, ...]

    @property
    def municipality(self) -> bool:
        """Beijing, Tianjin, Shanghai, Chongqing: their units are districts (and counties)."""
        return self.type == "直辖市"


def _forms(name: str, short: str, suffixes: tuple[str, ...], extra: tuple[str, ...] = ()) -> set[str]:
    forms = {name, *extra}
    if short:
        forms.add(short)
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            forms.add(name[: -len(suffix)])
            break
    return forms


class Divisions:
    """Look-ups by name (long or short form) and by code."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.source: str = data["source"]
        self.as_of: str = data["as_of"]
        provinces = []
        for p in data["provinces"]:
            units = tuple(
                Unit(u["code"], u["name"], u["type"], p["code"], u.get("short", "")) for u in p["units"]
            )
            county = tuple(
                Unit(u["code"], u["name"], u["type"], p["code"], u.get("short", ""))
                for u in p["county_level"]
            )
            provinces.append(Province(p["code"], p["name"], p["short"], p["type"], units, county))
        self.provinces: tuple[Province, ...] = tuple(provinces)
        self._by_code = {p.code: p for p in self.provinces}
        self._province_names: dict[str, Province] = {}
        for p in self.provinces:
            extra: tuple[str, ...] = (
                (p.short + "自治区", p.short + "特区") if p.type in ("自治区", "特别行政区") else ()
            )
            for form in _forms(p.name, p.short, _PROVINCE_SUFFIXES, extra):
                self._province_names[form] = p
        self._unit_names: dict[str, dict[str, Unit]] = {}
        self._codes: set[str] = set()
        for p in self.provinces:
            names: dict[str, Unit] = {}
            for u in (*p.units, *p.county_level):
                extra = (u.short + "州",) if u.type == "自治州" and u.short else ()  # 延边州
                for form in _forms(u.name, u.short, _UNIT_SUFFIXES, extra):
                    names.setdefault(form, u)
                self._codes.add(u.code)
            self._unit_names[p.code] = names

    def province(self, name: str) -> Province | None:
        """浙江 / 浙江省, 内蒙古 / 内蒙古自治区, 北京 / 北京市."""
        return self._province_names.get(name.strip().replace(" ", ""))

    def province_by_code(self, code: str) -> Province | None:
        return self._by_code.get(code[:2])

    def unit(self, province: Province, name: str) -> Unit | None:
        """The unit of `province` called `name` (宁波 / 宁波市 / 浙江省宁波市), or None."""
        name = name.strip().replace(" ", "")
        names = self._unit_names[province.code]
        # The name as written first: 吉林市 is a unit of 吉林省, not "市" after the province's short form.
        if name in names:
            return names[name]
        for form in sorted(_forms(province.name, province.short, _PROVINCE_SUFFIXES), key=len, reverse=True):
            if name.startswith(form) and len(name) > len(form) and name[len(form) :] in names:
                return names[name[len(form) :]]
        return None

    def units_named(self, name: str) -> list[Unit]:
        """Every unit in any province answering to `name` (several: 朝阳 is in Beijing and Liaoning)."""
        name = name.strip().replace(" ", "")
        return [names[name] for names in self._unit_names.values() if name in names]

    def region_known(self, code6: str) -> bool | None:
        """Whether the division code at the start of an ID number is known.

        False: no such province. None: the province exists but the prefecture or district is not in the
        data (a county code created or retired after our data, or a historic one: IDs keep the code of the
        place of first registration, so this is a warning only). True: known down to the level we hold.
        """
        province = self._by_code.get(code6[:2])
        if province is None:
            return False
        if province.municipality:
            return True if code6 in self._codes else None
        if f"{code6[:4]}00" in self._codes or code6 in self._codes:
            return True
        return None

    def province_of_address(self, address: str) -> Province | None:
        """The province an address starts with, or the province of the prefecture-level city it starts with."""
        text = address.strip().replace(" ", "")
        found, length = None, 0
        for form in sorted(self._province_names, key=len, reverse=True):
            if text.startswith(form):
                found, length = self._province_names[form], len(form)
                break
        # A longer unit name wins over a province's short form it starts with: 海南藏族自治州 is in 青海省.
        for p in self.provinces:
            for u in p.units:
                if (
                    len(u.name) > length
                    and text.startswith(u.name)
                    and (u.prefecture_level or p.municipality)
                ):
                    found, length = p, len(u.name)
        return found


@cache
def divisions() -> Divisions:
    """The data, read once per process."""
    return Divisions(json.loads(DATA.read_text(encoding="utf-8")))
