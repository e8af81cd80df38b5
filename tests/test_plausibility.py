"""Plausibility rules (issue 16, point 1), table-driven: each rule has a valid and an invalid case on a
sample profile; the invalid case yields the rule's code at its field, with a message and a hint in
Chinese and English, and the valid case does not."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from support import ROOT

from numdossier.check import check_profile
from numdossier.rules import plausibility
from numdossier.rules.findings import Finding
from numdossier.rules.messages import catalogue

TODAY = dt.date(2026, 11, 23)
SAMPLES = {kind: next((ROOT / "samples" / kind).glob("*.toml")) for kind in ("n96", "n95", "n400", "ucc")}

Edit = Callable[[str], str]


def sub(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


def regex(pattern: str, new: str) -> Edit:
    def edit(text: str) -> str:
        changed, n = re.subn(pattern, new, text, count=1, flags=re.M)
        assert n == 1, pattern
        return changed

    return edit


def chain(*edits: Edit) -> Edit:
    def edit(text: str) -> str:
        for one in edits:
            text = one(text)
        return text

    return edit


def same(text: str) -> str:
    return text


# (code, kind, field, valid edit, invalid edit): the valid edit is the nearest correct profile.
CASES: list[tuple[str, str, str, Edit, Edit]] = [
    (
        "FIELD-MISSING",
        "n96",
        "branches[1].name",
        same,
        regex(r'^name = "浙江青禾示例物流有限公司温州分公司"', 'name = ""'),
    ),
    (
        "FIELD-MISSING",
        "n400",
        "n400.small_number",
        same,
        sub('small_number = "0551-65550188"', 'small_number = ""'),
    ),
    (
        "FIELD-MISSING",
        "n400",
        "company.business_scope",
        same,
        regex(r"^business_scope = .*$", 'business_scope = ""'),
    ),
    (
        "NUMBER-RANGE",
        "n400",
        "company.registered_capital",
        sub("registered_capital = 500", "registered_capital = 0.5"),
        sub("registered_capital = 500", "registered_capital = -5"),
    ),
    (
        "NUMBER-RANGE",
        "n400",
        "n400.service_years",
        sub("service_years = 1", "service_years = 3"),
        sub("service_years = 1", "service_years = 0"),
    ),
    (
        "NUMBER-RANGE",
        "n95",
        "n95.seats_planned",
        sub("seats_planned = 400", "seats_planned = 0"),
        sub("seats_planned = 400", "seats_planned = -400"),
    ),
    (
        "NUMBER-RANGE",
        "n95",
        "n95.equipment[0].quantity",
        sub("quantity = 2", "quantity = 1"),
        sub("quantity = 2", "quantity = 0"),
    ),
    (
        "NUMBER-RANGE",
        "ucc",
        "ucc.contract.rate",
        sub("rate = 0.10", "rate = 0"),
        sub("rate = 0.10", "rate = 100"),
    ),
    (
        "DATE-ORDER",
        "n400",
        "n400.open_date",
        sub("open_date = 2026-12-01", "open_date = 2026-11-20"),
        sub("open_date = 2026-12-01", "open_date = 2026-11-01"),
    ),
    (
        "DATE-ORDER",
        "ucc",
        "ucc.contract.start",
        sub("start = 2026-12-01", "start = 2026-11-20"),
        sub("start = 2026-12-01", "start = 2026-10-01"),
    ),
    (
        "DATE-ORDER",
        "n95",
        "n95.rollout[0].date",
        sub("date = 2027-02-01", "date = 2026-11-21"),
        sub("date = 2027-02-01", "date = 2026-11-01"),
    ),
    (
        "DATE-ORDER",
        "n95",
        "licence.valid_until",
        same,
        sub("valid_from = 2024-03-01", "valid_from = 2029-02-28"),
    ),
    (
        "SCOPE-PROVINCE",
        "n400",
        "n400.scope_province",
        chain(
            sub('scope = "全国"', 'scope = "省内"'), sub('scope_province = ""', 'scope_province = "安徽省"')
        ),
        sub('scope_province = ""', 'scope_province = "安徽省"'),
    ),
    (
        "CARRIER-BRAND",
        "n400",
        "n400.carrier.brand",
        sub('name = "示例电信股份有限公司合肥分公司"', 'name = "合肥示例通信代理有限公司"'),
        sub('brand = "中国电信"', 'brand = "中国移动"'),
    ),
    (
        "POSTCODE-PROVINCE",
        "n96",
        "company.postcode",
        sub('postcode = "310012"', 'postcode = "325000"'),
        sub('postcode = "310012"', 'postcode = "100101"'),
    ),
    (
        "DUPLICATE-NUMBER",
        "n400",
        "n400.destinations[1]",
        sub(
            'destinations = ["0551-65550188", "13800138204"]',
            'destinations = ["0551-65550188", "0551-65550189"]',
        ),
        sub(
            'destinations = ["0551-65550188", "13800138204"]',
            'destinations = ["0551-65550188", "055165550188"]',
        ),
    ),
    (
        "DUPLICATE-NUMBER",
        "ucc",
        "ucc.destinations[1].number",
        same,
        sub('number = "13800138102"', 'number = "(0510) 8555 0100"'),
    ),
    (
        "BRANCH-USCC",
        "n96",
        "branches[1].uscc",
        same,
        sub('uscc = "91330302MA2H7K535A"', 'uscc = "91330203MA2H7K420D"'),
    ),
    (
        "BRANCH-CITY",
        "n96",
        "branches[1].city",
        same,
        sub('city = "温州市"', 'city = "宁波"'),
    ),
    (
        "HOTLINE-NUMBER",
        "n400",
        "n400.carrier.hotlines[1]",
        sub('"4000000199"]', '"10000"]'),
        sub('"4000000199"]', '"12345"]'),
    ),
]


def company_uscc_for_branch(text: str) -> str:
    company = re.search(r'^uscc = "([^"]+)"', text, re.M)
    assert company
    return text.replace('uscc = "91330302MA2H7K535A"', f'uscc = "{company[1]}"', 1)


CASES.append(("BRANCH-USCC", "n96", "branches[1].uscc", same, company_uscc_for_branch))


def findings_of(tmp_path: Path, kind: str, edit: Edit) -> list[Finding]:
    folder = tmp_path / kind
    if not folder.exists():
        shutil.copytree(SAMPLES[kind].parent, folder)
    profile = folder / SAMPLES[kind].name
    profile.write_text(edit(SAMPLES[kind].read_text(encoding="utf-8")), encoding="utf-8")
    result = check_profile(profile, TODAY)
    assert result.loaded is not None, [f.message for f in result.findings]
    return result.findings


@pytest.mark.parametrize(
    ("code", "kind", "field", "valid", "invalid"),
    CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES],
)
def test_rule(tmp_path: Path, code: str, kind: str, field: str, valid: Edit, invalid: Edit) -> None:
    good = findings_of(tmp_path, kind, valid)
    assert not [f for f in good if f.code == code], [(f.code, f.field, f.message) for f in good]
    bad = findings_of(tmp_path, kind, invalid)
    hits = [f for f in bad if f.code == code and f.field == field]
    assert hits, [(f.code, f.field, f.message) for f in bad]
    assert hits[0].message and hits[0].hint and "{" not in hits[0].message + hits[0].hint


def test_every_rule_code_has_both_languages() -> None:
    entries = catalogue()["findings"]
    for code in {c[0] for c in CASES} | {"ATTACH-ENCRYPTED"}:
        for case, texts in entries[code].items():
            assert {"zh", "en", "hint_zh", "hint_en"} <= set(texts), (code, case)


def test_owner_password_pdf_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "n400"
    shutil.copytree(SAMPLES["n400"].parent, folder)
    locked = folder / "attachments" / "营业执照-受限.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        permissions = pikepdf.Permissions(print_lowres=False, print_highres=False, modify_other=False)
        pdf.save(locked, encryption=pikepdf.Encryption(owner="secret", user="", allow=permissions))
    profile = folder / SAMPLES["n400"].name
    text = profile.read_text(encoding="utf-8").replace(
        '"attachments/营业执照.jpg"', f'"attachments/{locked.name}"'
    )
    profile.write_text(text, encoding="utf-8")
    findings = check_profile(profile, TODAY).findings
    [owner] = [f for f in findings if f.code == "ATTACH-ENCRYPTED"]
    assert "权限密码" in owner.message and "qpdf --decrypt" in owner.hint


def test_phone_normalisation() -> None:
    same_number = [
        "020-38880000",
        "02038880000",
        "(020) 3888 0000",
        "+86 20 3888 0000",
        "020-38880000 转 8001",
    ]
    assert {plausibility.normalised_phone(n) for n in same_number} == {"02038880000"}


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("10000", True),
        ("10086", True),
        ("4000000199", True),
        ("0551-65550000", True),
        ("12345", False),
        ("13800138000", False),
        ("110", False),
    ],
)
def test_service_numbers(number: str, ok: bool) -> None:
    assert plausibility.is_service_number(number) is ok


def test_postcode_table_covers_every_mainland_province() -> None:
    from numdossier.rules.divisions import divisions

    mainland = {p.name for p in divisions().provinces if p.type != "特别行政区" and p.name != "台湾省"}
    assert set(plausibility.postcode_prefixes()) == mainland
    prefixes = [p for codes in plausibility.postcode_prefixes().values() for p in codes]
    assert len(prefixes) == len(set(prefixes))  # a prefix belongs to one province


def test_starter_marks_every_field_the_forms_need() -> None:
    """The fields FIELD-MISSING requires are the starter's unmarked ones: none is marked optional there."""
    from numdossier.rules.formats import required_fields

    for kind in SAMPLES:
        optional = {f.path for f in plausibility.starter_fields(kind) if f.optional}
        assert not set(required_fields({"kind": kind})) & optional, kind
