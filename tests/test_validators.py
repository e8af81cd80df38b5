"""Format validators: examples, property tests (valid codes pass, any one-character change fails), and
agreement with python-stdnum where stdnum is right (plus the cases it gets wrong)."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from numdossier.rules import validators as v
from numdossier.rules.codes import USCC_CHARS, id_check, make_uscc, mask_phone, org_code_check, uscc_check
from numdossier.rules.divisions import divisions

TODAY = dt.date(2026, 11, 23)
SAMPLE_USCC = "91330106MA2H7K316F"  # samples/n96
STANDARD_ID = "11010519491231002X"  # GB 11643's own example

# The comparisons with python-stdnum draw twice the profile's budget: 200 in `make test`, 20 in test-fast.
AGREEMENT_EXAMPLES = 2 * settings().max_examples


def errors(problems: list[v.Problem]) -> list[str]:
    return [p.case for p in problems if p.severity == "error"]


# --- strategies ------------------------------------------------------------------------------------

ORG_CHARS = USCC_CHARS  # within a USCC the organisation code uses the USCC alphabet


@st.composite
def usccs(draw: st.DrawFn, digit_department: bool = False) -> str:
    from numdossier.rules.settings import settings as rule_settings

    categories = rule_settings().uscc_categories
    departments = sorted(d for d in categories if d.isdigit()) if digit_department else sorted(categories)
    dept = draw(st.sampled_from(departments))
    category = draw(st.sampled_from(sorted(categories[dept])))
    division = draw(st.from_regex(r"\A[0-9]{6}\Z"))
    body = draw(st.text(alphabet=ORG_CHARS, min_size=8, max_size=8))
    return make_uscc(dept + category, division, body)


def _regions() -> list[str]:
    """Division prefixes a resident ID can start with: prefecture codes (any county digits) and districts."""
    out = []
    for province in divisions().provinces:
        for unit in (*province.units, *province.county_level):
            out.append(unit.code if province.municipality or unit.code[4:] != "00" else unit.code[:4])
    return out


REGIONS = _regions()


@st.composite
def birth_dates(draw: st.DrawFn, latest: dt.date = dt.date(2008, 1, 1)) -> dt.date:
    return draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=latest))


def _with_check(body17: str) -> str:
    return body17 + id_check(body17)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(REGIONS))
    if len(region) == 4:
        region += draw(st.from_regex(r"\A[0-9]{2}\Z"))
    born = draw(birth_dates())
    sequence = draw(st.from_regex(r"\A[0-9]{3}\Z"))
    return _with_check(region + born.strftime("%Y%m%d") + sequence)


@st.composite
def hmt_permits(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(v.HMT_PREFIXES))
    born = draw(birth_dates())
    return _with_check(prefix + born.strftime("%Y%m%d") + draw(st.from_regex(r"\A[0-9]{3}\Z")))


@st.composite
def foreign_ids(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from([p.code for p in divisions().provinces]))
    nationality = draw(st.from_regex(r"\A[0-9]{3}\Z"))
    born = draw(birth_dates())
    return _with_check(
        "9" + province + nationality + born.strftime("%Y%m%d") + draw(st.from_regex(r"\A[0-9]{3}\Z"))
    )


@st.composite
def one_change(draw: st.DrawFn, code: str) -> str:
    """`code` with exactly one character replaced by a different one (digits, letters, lower case, CJK)."""
    index = draw(st.integers(0, len(code) - 1))
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-号 "
    replacement = draw(st.sampled_from([c for c in alphabet if c != code[index]]))
    return code[:index] + replacement + code[index + 1 :]


# --- USCC ------------------------------------------------------------------------------------------


def test_known_usccs() -> None:
    assert v.is_uscc(SAMPLE_USCC)
    assert v.uscc_problem(SAMPLE_USCC[:-1] + "G") == v.Problem("check")
    assert v.uscc_problem(SAMPLE_USCC.lower()) == v.Problem("lowercase")
    assert v.uscc_problem(SAMPLE_USCC[:17]).case == "length"  # type: ignore[union-attr]
    assert v.uscc_problem("91330106MA2H7KO16F").case == "chars"  # type: ignore[union-attr]  # letter O


@pytest.mark.parametrize(
    ("code", "case"),
    [
        (make_uscc("B1", "330106", "MA2H7K31"), "department"),  # no department B
        (make_uscc("94", "330106", "MA2H7K31"), "category"),  # 工商 issues 1, 2, 3 only
        (make_uscc("91", "33A106", "MA2H7K31"), "division"),
    ],
)
def test_uscc_structure(code: str, case: str) -> None:
    problem = v.uscc_problem(code)
    assert problem is not None and problem.case == case


def test_uscc_org_code_check_is_verified() -> None:
    body = "91330106" + "MA2H7K31" + "0"  # wrong GB 11714 check character (should be 6)
    code = body + uscc_check(body)
    assert v.uscc_problem(code) == v.Problem("org_check")


@pytest.mark.parametrize("prefix", ["N2", "Y1", "A1", "51", "12", "92", "93"])
def test_modern_department_codes_are_valid(prefix: str) -> None:
    assert v.is_uscc(make_uscc(prefix, "330106", "MA2H7K31"))


@given(usccs())
def test_generated_usccs_pass(code: str) -> None:
    assert v.uscc_problem(code) is None


@given(st.data())
def test_any_single_change_of_a_uscc_fails(data: st.DataObject) -> None:
    code = data.draw(usccs())
    changed = data.draw(one_change(code))
    assert v.uscc_problem(changed) is not None


# --- resident IDs, residence permits, foreign permanent IDs -------------------------------------


def test_standard_example_is_valid() -> None:
    assert v.resident_id_problems(STANDARD_ID, TODAY) == []
    assert v.birth_date(STANDARD_ID) == dt.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("number", "case"),
    [
        (STANDARD_ID[:-1] + "x", "lowercase"),
        (STANDARD_ID[:-1] + "3", "check"),
        (STANDARD_ID[:17], "length"),
        ("110105491231002", "legacy15"),
        (_with_check("11010519490231002"), "birth_date"),  # 31 February
        (_with_check("11010520991231002"), "birth_future"),
        (_with_check("99010519491231002"), "is_foreign"),
        (_with_check("81000019491231002"), "is_hmt"),
        (_with_check("00010519491231002"), "region"),
        (_with_check("20010519491231002"), "region"),
    ],
)
def test_resident_id_errors(number: str, case: str) -> None:
    assert errors(v.resident_id_problems(number, TODAY)) == [case]


def test_unknown_county_is_a_warning_only() -> None:
    # 3399: no such prefecture in Zhejiang today, but the province is real: IDs keep historic codes.
    problems = v.resident_id_problems(_with_check("33990119800101001"), TODAY)
    assert [(p.case, p.severity) for p in problems] == [("county", "warning")]
    # 110103 崇文区 was merged in 2010; people registered there keep the number.
    problems = v.resident_id_problems(_with_check("11010319800101001"), TODAY)
    assert [(p.case, p.severity) for p in problems] == [("county", "warning")]


@given(resident_ids())
@example(STANDARD_ID)
def test_generated_resident_ids_pass(number: str) -> None:
    assert errors(v.resident_id_problems(number, TODAY)) == []


@given(st.data())
def test_any_single_change_of_a_resident_id_fails(data: st.DataObject) -> None:
    number = data.draw(resident_ids())
    changed = data.draw(one_change(number))
    assert errors(v.resident_id_problems(changed, TODAY))


@given(hmt_permits())
def test_generated_hmt_permits_pass(number: str) -> None:
    assert v.id_problems("residence_permit_hmt", number, TODAY) == []


@given(st.data())
def test_any_single_change_of_an_hmt_permit_fails(data: st.DataObject) -> None:
    changed = data.draw(one_change(data.draw(hmt_permits())))
    assert errors(v.id_problems("residence_permit_hmt", changed, TODAY))


@given(foreign_ids())
def test_generated_foreign_permanent_ids_pass(number: str) -> None:
    assert v.id_problems("foreign_permanent_id", number, TODAY) == []


@given(st.data())
def test_any_single_change_of_a_foreign_permanent_id_fails(data: st.DataObject) -> None:
    changed = data.draw(one_change(data.draw(foreign_ids())))
    assert errors(v.id_problems("foreign_permanent_id", changed, TODAY))


def test_permit_formats() -> None:
    assert v.id_problems("hmt_permit_wrong_type", "x", TODAY)[0].case == "id_type"
    assert v.id_problems("residence_permit_hmt", STANDARD_ID, TODAY)[0].case == "hmt_prefix"
    assert v.id_problems("foreign_permanent_id", STANDARD_ID, TODAY)[0].case == "foreign_prefix"
    old = v.id_problems("foreign_permanent_id", "USA330612345678", TODAY)
    assert [(p.case, p.severity) for p in old] == [("foreign_old", "warning")]
    for good in ("H12345678", "M12345678", "H1234567801"):
        assert v.id_problems("hk_macau_permit", good, TODAY) == []
    for bad in ("H1234567", "K12345678", "h12345678", "H123456780"):
        assert errors(v.id_problems("hk_macau_permit", bad, TODAY)) == ["hk_macau"]
    assert v.id_problems("taiwan_permit", "12345678", TODAY) == []
    assert [p.severity for p in v.id_problems("taiwan_permit", "1234567801", TODAY)] == ["warning"]
    assert errors(v.id_problems("taiwan_permit", "T1234567", TODAY)) == ["taiwan"]
    assert v.id_problems("passport", "E12345678", TODAY) == []
    assert errors(v.id_problems("passport", "E 1234", TODAY)) == ["passport"]


def test_age() -> None:
    assert v.age_on(dt.date(2008, 11, 24), TODAY) == 17
    assert v.age_on(dt.date(2008, 11, 23), TODAY) == 18
    assert v.age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17


# --- phones, postcode, e-mail, address -----------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("13800138000", "mobile"),
        ("138 0013 8000", "mobile"),
        ("+86 138-0013-8000", "mobile"),
        ("19912345678", "mobile"),
        ("0571-86660001", "fixed"),
        ("057186660001", "fixed"),
        ("010-12345678", "fixed"),
        ("(0571) 86660001", "fixed"),
        ("0571-86660001 转 8001", "fixed"),
        ("0571-86660001-8001", "fixed"),
        ("+86 571 86660001", "fixed"),
        ("4000000000", "400"),
        ("400-000-0000", "400"),
        ("8001234567", "800"),
        ("95555", "short"),
        ("96123", "short"),
        ("86660001", None),  # no area code
        ("0571-8666000", None),  # too short for Hangzhou
        ("0755-1234567", None),  # Shenzhen numbers have 8 digits
        ("1380013800", None),
        ("10086000000", None),
        ("手机", None),
    ],
)
def test_phone_kinds(number: str, kind: str | None) -> None:
    assert v.phone_kind(number) == kind


@given(st.sampled_from(["130", "138", "150", "159", "186", "199", "177"]), st.from_regex(r"\A[0-9]{8}\Z"))
def test_generated_mobiles_pass(prefix: str, rest: str) -> None:
    assert v.is_mobile(prefix + rest)


@given(st.sampled_from(["010", "021", "0571", "0755", "029", "020"]), st.from_regex(r"\A[2-6][0-9]{7}\Z"))
def test_generated_fixed_numbers_pass(area: str, number: str) -> None:
    assert v.is_fixed(f"{area}-{number}")


def test_virtual_operator_ranges() -> None:
    prefixes = ["170", "171", "162", "165", "167"]
    assert v.is_virtual_mobile("17012345678", prefixes)
    assert v.is_virtual_mobile("165 1234 5678", prefixes)
    assert not v.is_virtual_mobile("13800138000", prefixes)


def test_mask_phone() -> None:
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("+86 138 0013 8000") == "138****8000"
    assert mask_phone("0571-86660001") == "0571-86660001"


@pytest.mark.parametrize(
    ("text", "ok"), [("310012", True), ("31001", False), ("3100123", False), ("31001A", False)]
)
def test_postcode(text: str, ok: bool) -> None:
    assert v.is_postcode(text) is ok


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("kefu@qinghe-example.cn", True),
        ("a.b+c@mail.example.com.cn", True),
        ("kefu@qinghe", False),
        ("kefu.qinghe.cn", False),
        ("ke fu@qinghe.cn", False),
        ("kefu@@qinghe.cn", False),
        ("kefu..x@qinghe.cn", False),
    ],
)
def test_email(text: str, ok: bool) -> None:
    assert v.is_email(text) is ok


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("浙江省杭州市西湖区文三路 188 号 6 层", True),
        ("北京市朝阳区建国路甲 6 号", True),
        ("上海市浦东新区世纪大道十二号", True),
        ("浙江省杭州市西湖区文三路", False),
        ("浙江省杭州市西湖区信号大楼", False),
    ],
)
def test_house_number(address: str, ok: bool) -> None:
    assert v.has_house_number(address) is ok


# --- python-stdnum: agreement where it is right, and the cases it gets wrong ---------------------

stdnum_uscc = pytest.importorskip("stdnum.cn.uscc")
stdnum_ric = pytest.importorskip("stdnum.cn.ric")


# stdnum reads its data on first use: no timing here
@settings(max_examples=AGREEMENT_EXAMPLES, deadline=None)
@given(usccs(digit_department=True))
def test_uscc_agrees_with_stdnum_on_valid_codes(code: str) -> None:
    assert stdnum_uscc.is_valid(code) and v.is_uscc(code)


# stdnum reads its data on first use: no timing here
@settings(max_examples=AGREEMENT_EXAMPLES, deadline=None)
@given(st.data())
def test_uscc_agrees_with_stdnum_on_changed_codes(data: st.DataObject) -> None:
    code = data.draw(usccs(digit_department=True))
    changed = data.draw(one_change(code))
    assert not v.is_uscc(changed)
    if changed.upper() != code:  # stdnum upper-cases its input first; we refuse lower case
        assert not stdnum_uscc.is_valid(changed)


def test_stdnum_uscc_rejects_valid_letter_departments() -> None:
    """stdnum requires digits in the first 8 characters; GB 32100 has departments A, N and Y."""
    for prefix in ("N2", "Y1", "A1"):
        code = make_uscc(prefix, "330106", "MA2H7K31")
        assert v.is_uscc(code) and not stdnum_uscc.is_valid(code)


def test_stdnum_uscc_misses_the_organisation_code_check() -> None:
    body = "91330106" + "MA2H7K31" + "0"
    code = body + uscc_check(body)
    assert org_code_check("MA2H7K31") != "0"
    assert stdnum_uscc.is_valid(code) and not v.is_uscc(code)


@functools.cache
def _stdnum_counties() -> list[str]:
    """County codes python-stdnum knows for every year (no [from-to] range), the inputs it handles."""
    import re
    from pathlib import Path

    counties, province = [], ""
    for line in (Path(stdnum_ric.__file__).parent / "loc.dat").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        code, rest = line.strip().split(" ", 1)
        if not code.endswith("00") and not re.search(r'county="\[', rest):
            counties.append(province + code)
    return counties


# stdnum reads its data on first use: no timing here
@settings(max_examples=AGREEMENT_EXAMPLES, deadline=None)
@given(st.data())
def test_resident_id_agrees_with_stdnum_where_it_knows_the_county(data: st.DataObject) -> None:
    region = data.draw(st.sampled_from(_stdnum_counties()))
    born = data.draw(birth_dates())
    number = _with_check(region + born.strftime("%Y%m%d") + data.draw(st.from_regex(r"\A[0-9]{3}\Z")))
    assume(stdnum_ric.is_valid(number))  # stdnum also refuses counties of provinces re-coded since
    assert not errors(v.resident_id_problems(number, TODAY))


# stdnum reads its data on first use: no timing here
@settings(max_examples=AGREEMENT_EXAMPLES, deadline=None)
@given(st.data())
def test_resident_id_agrees_with_stdnum_on_changed_numbers(data: st.DataObject) -> None:
    number = data.draw(resident_ids())
    changed = data.draw(one_change(number))
    assert errors(v.resident_id_problems(changed, TODAY))
    if changed.upper() != number:  # stdnum upper-cases its input first; we refuse a lower-case x
        assert not stdnum_ric.is_valid(changed)


def test_stdnum_ric_rejects_ids_of_counties_created_after_the_birth_year() -> None:
    """密云区 (110118) exists since 2015; a person born in 1980 who registers there now gets 110118…"""
    number = _with_check("11011819800101001")
    assert not stdnum_ric.is_valid(number)
    assert v.resident_id_problems(number, TODAY) == []
    # 儋州市 became prefecture-level (4604) in 2015; its districts' IDs start with 4604.
    number = _with_check("46040019900101001")
    assert not stdnum_ric.is_valid(number)
    assert v.resident_id_problems(number, TODAY) == []
