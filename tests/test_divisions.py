"""Administrative divisions data: its source and counts, short and long names, coverage look-ups."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from numdossier.rules.coverage import resolve_city
from numdossier.rules.divisions import DATA, divisions


def province(name: str):  # type: ignore[no-untyped-def]
    found = divisions().province(name)
    assert found is not None, name
    return found


def test_data_names_its_source_and_date() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert "GB/T 2260" in data["source"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["as_of"])


def test_counts_match_the_2024_division_table() -> None:
    d = divisions()
    assert len(d.provinces) == 34
    types = Counter(u.type for p in d.provinces for u in p.units if u.prefecture_level)
    assert types == {"地级市": 293, "地区": 7, "自治州": 30, "盟": 3}
    assert [len(province(n).units) for n in ("北京", "天津", "上海")] == [16, 16, 16]
    chongqing = province("重庆")
    assert Counter(u.type for u in chongqing.units) == {"区": 27, "县": 8, "自治县": 4}


def test_codes_are_consistent() -> None:
    d = divisions()
    codes = [u.code for p in d.provinces for u in (*p.units, *p.county_level)]
    assert len(codes) == len(set(codes))
    for p in d.provinces:
        assert re.fullmatch(r"\d{2}", p.code)
        names = [u.name for u in p.units]
        assert len(names) == len(set(names)), p.name
        for u in (*p.units, *p.county_level):
            assert re.fullmatch(r"\d{6}", u.code) and u.code.startswith(p.code), u
            if u.prefecture_level:
                assert u.code.endswith("00"), u
            if not p.municipality and not u.prefecture_level:
                assert u.code[2:4] == "90", u  # 省直辖县级行政区划


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("浙江", "浙江省"),
        ("浙江省", "浙江省"),
        ("内蒙古", "内蒙古自治区"),
        ("内蒙古自治区", "内蒙古自治区"),
        ("广西", "广西壮族自治区"),
        ("广西自治区", "广西壮族自治区"),
        ("北京", "北京市"),
        ("北京市", "北京市"),
        ("香港", "香港特别行政区"),
        (" 浙江省 ", "浙江省"),
    ],
)
def test_province_forms(written: str, name: str) -> None:
    assert province(written).name == name


@pytest.mark.parametrize("written", ["浙", "浙江市", "Zhejiang", ""])
def test_not_provinces(written: str) -> None:
    assert divisions().province(written) is None


@pytest.mark.parametrize(
    ("province_name", "written", "name"),
    [
        ("浙江省", "宁波", "宁波市"),
        ("浙江省", "宁波市", "宁波市"),
        ("浙江省", "浙江省宁波市", "宁波市"),
        ("浙江", "浙江宁波", "宁波市"),
        ("吉林省", "延边", "延边朝鲜族自治州"),
        ("吉林省", "延边州", "延边朝鲜族自治州"),
        ("新疆", "阿克苏", "阿克苏地区"),
        ("内蒙古", "锡林郭勒", "锡林郭勒盟"),
        ("青海", "海南", "海南藏族自治州"),
        ("北京", "朝阳", "朝阳区"),
        ("辽宁", "朝阳", "朝阳市"),
        ("上海", "浦东", "浦东新区"),
        ("吉林", "吉林", "吉林市"),
    ],
)
def test_unit_forms(province_name: str, written: str, name: str) -> None:
    unit = divisions().unit(province(province_name), written)
    assert unit is not None and unit.name == name


def test_coverage_look_ups() -> None:
    zhejiang, hubei, beijing = province("浙江省"), province("湖北省"), province("北京市")
    assert resolve_city(zhejiang, "宁波", municipality_as_city=False).key == "330200"
    assert resolve_city(hubei, "仙桃市", municipality_as_city=False).problem == "county_level"
    assert resolve_city(zhejiang, "义乌市", municipality_as_city=False).problem == "unknown_city"
    other = resolve_city(zhejiang, "苏州市", municipality_as_city=False)
    assert other.problem == "other_province" and other.other == "江苏省"
    assert resolve_city(beijing, "北京市", municipality_as_city=False).problem == "municipality_whole"
    assert resolve_city(beijing, "北京市", municipality_as_city=True).key == "11"
    assert resolve_city(beijing, "海淀区", municipality_as_city=True).key == "11"
    assert resolve_city(beijing, "海淀", municipality_as_city=False).key == "110108"


def test_region_codes_of_id_numbers() -> None:
    d = divisions()
    assert d.region_known("330106") is True  # 杭州市西湖区: the prefecture is known
    assert d.region_known("429004") is True  # 仙桃市
    assert d.region_known("110105") is True  # 朝阳区
    assert d.region_known("110103") is None  # 崇文区, merged in 2010
    assert d.region_known("339901") is None
    assert d.region_known("990101") is False


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ("浙江省杭州市西湖区文三路 188 号", "浙江省"),
        ("杭州市西湖区文三路 188 号", "浙江省"),
        ("北京市朝阳区建国路 1 号", "北京市"),
        ("重庆渝中区解放碑 1 号", "重庆市"),
        ("内蒙古呼和浩特市新城区 1 号", "内蒙古自治区"),
    ],
)
def test_province_of_address(address: str, name: str) -> None:
    found = divisions().province_of_address(address)
    assert found is not None and found.name == name


def test_agrees_with_stdnum_county_table() -> None:
    """python-stdnum ships the GB/T 2260 county table (from Wikipedia): every code of ours is there."""
    stdnum = pytest.importorskip("stdnum")
    names: dict[str, str] = {}
    current = ""
    for line in (Path(stdnum.__file__).parent / "cn" / "loc.dat").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            current = line.split()[0]
            continue
        code, rest = line.strip().split(" ", 1)
        names[current + code] = re.search(r'county="([^"]*)"', rest).group(1)  # type: ignore[union-attr]
    for p in divisions().provinces:
        for u in (*p.units, *p.county_level):
            if u.code not in names:
                continue  # newer than stdnum's table
            assert re.search(rf"(^|\]|,){re.escape(u.name)}(,|$)", names[u.code]), (u, names[u.code])


def _every_unit() -> list[tuple[str, str]]:
    return [
        (p.name, u.name)
        for p in divisions().provinces
        for u in p.units
        if u.prefecture_level or p.municipality
    ]


def test_every_prefecture_and_district_is_listed() -> None:
    units = _every_unit()
    assert len(units) == 333 + 16 + 16 + 16 + 39  # GB/T 2260 (2024): prefectures, then municipalities' units
    assert ("吉林省", "吉林市") in units


def _unit_problems(province_name: str, unit_name: str) -> list[tuple[object, ...]]:
    """What goes wrong for one prefecture-level unit (a district or county of a municipality), written as
    users write it: full name, short form, after the province's full and short names; counted for
    coverage as itself. Empty when nothing does."""
    d = divisions()
    p = province(province_name)
    unit = next(u for u in p.units if u.name == unit_name)
    forms = {unit.name, p.name + unit.name, p.short + unit.name}
    short = unit.short or next(
        (unit.name[: -len(s)] for s in ("地区", "新区", "市", "盟", "区", "县") if unit.name.endswith(s)), ""
    )
    if len(short) >= 2:
        forms.add(short)
        forms.add(p.name + short)
    problems: list[tuple[object, ...]] = []
    for written in sorted(forms):
        found = d.unit(p, written)
        if found is None or found.code != unit.code:
            problems.append((written, found))
    place = resolve_city(p, unit.name, municipality_as_city=False)
    if (place.key, place.problem) != (unit.code, None):
        problems.append((unit.name, "as a city", place))
    as_city = resolve_city(p, unit.name, municipality_as_city=True).key
    if as_city != (p.code if p.municipality else unit.code):
        problems.append((unit.name, "a municipality's unit as the city", as_city))
    address = d.province_of_address(f"{unit.name}某某路 1 号")
    if address is None or address.code != p.code:
        problems.append((unit.name, "in an address", address))
    return problems


@pytest.mark.parametrize("province_name", sorted({name for name, _ in _every_unit()}))
def test_every_unit_resolves_in_its_own_province(province_name: str) -> None:
    """Each unit of the province (one case per province, every unit's problems listed together)."""
    units = [unit for name, unit in _every_unit() if name == province_name]
    assert units
    assert {unit: found for unit in units if (found := _unit_problems(province_name, unit))} == {}


def test_the_unit_check_reports_a_unit_not_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """_unit_problems is not empty-handed: with look-ups that find nothing, every written form is listed."""
    assert _unit_problems("浙江省", "杭州市") == []
    monkeypatch.setattr(type(divisions()), "unit", lambda self, p, written: None)
    assert [problem[0] for problem in _unit_problems("浙江省", "杭州市")][:4] == [
        "杭州",
        "杭州市",
        "浙江杭州市",
        "浙江省杭州",
    ]


def test_shared_names_of_province_and_city() -> None:
    """吉林市 is a city of 吉林省 (the province is named after it), not the province's "市"."""
    jilin = province("吉林省")
    for written in ("吉林市", "吉林省吉林市", "吉林吉林市", "吉林"):
        found = divisions().unit(jilin, written)
        assert found is not None and found.code == "220200", written
    assert resolve_city(jilin, "吉林市", municipality_as_city=False).key == "220200"
    address = divisions().province_of_address("海南藏族自治州共和县 1 号")
    assert address is not None and address.name == "青海省"
