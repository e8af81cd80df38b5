"""The rule catalogue of `check`, table-driven: each kind's sample is valid, one mutation yields the expected
code at the expected field; several planted problems are all reported; catalogue, settings and summary."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import string
import tomllib
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from support import ROOT

from numdossier.check import check_loaded, inspect
from numdossier.kinds import registry
from numdossier.kinds.n95 import rules as rules_n95
from numdossier.kinds.n96 import rules as rules_n96
from numdossier.profile import LoadedProfile
from numdossier.rules.codes import id_check, make_uscc
from numdossier.rules.context import RuleContext
from numdossier.rules.findings import Finding
from numdossier.rules.messages import catalogue
from numdossier.rules.settings import Settings, settings

TODAY = dt.date(2026, 11, 23)
KINDS = registry.names()
REALWORLD = ROOT / "tests" / "resources" / "realworld"

# Every code of spec/dossiers.md, "Rules for `check`" (a contract: scripts filter on them).
SPEC_CODES = {
    "USCC-FORMAT", "ID-FORMAT", "ID-EXPIRED", "PHONE-MOBILE", "PHONE-FIXED", "PHONE-400", "POSTCODE", "EMAIL",
    "ADDRESS-HOUSE-NUMBER", "DATE-SIGNING", "FIELD-MISSING", "ATTACH-MISSING", "ATTACH-NOT-FOUND",
    "ATTACH-UNREADABLE", "ATTACH-ENCRYPTED", "ATTACH-LOW-RES", "ATTACH-SIDES", "ATTACH-DUPLICATE",
    "ATTACH-OUTSIDE", "N96-DIGITS", "N96-BRANCH-COVERAGE", "N96-FIRST-YEAR", "N96-INDUSTRY", "N96-NETWORK",
    "N96-SEATS", "N95-PREFIX", "N95-LICENCE", "N95-LICENCE-COVERAGE", "N95-955", "N95-CAPITAL",
    "N95-EXTENSION", "N400-NUMBER", "N400-DESTINATIONS", "N400-SCOPE", "N400-AGENT", "UCC-DESTINATION",
    "UCC-SPECIAL", "UCC-LEGAL-REP-DOC", "UCC-CONTRACT",
}  # fmt: skip


def sample_of(kind: str) -> Path:
    found = sorted((ROOT / "samples" / kind).glob("*.toml"))
    # every kind ships a sample: a missing one fails its tests rather than skipping them
    assert found, f"samples/{kind}/ has no profile"
    assert registry.model_of(kind) is not None, f"kind {kind} has no profile model"
    return found[0]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of every sample folder, with a few extra files for the attachment rules."""
    root = tmp_path_factory.mktemp("samples")
    for kind in KINDS:
        source = ROOT / "samples" / kind
        if not source.is_dir():
            continue
        shutil.copytree(source, root / kind)
        extra = root / kind / "attachments"
        shutil.copy(REALWORLD / "005-libreoffice-writer-password.pdf", extra / "locked.pdf")
        small = Image.new("RGB", (400, 250), "white")
        small.save(extra / "small.png", dpi=(72, 72))
        buffer = BytesIO()
        small.save(buffer, format="JPEG", dpi=(72, 72))
        import img2pdf

        layout = img2pdf.get_layout_fun((img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297)))
        (extra / "small-scan.pdf").write_bytes(img2pdf.convert(buffer.getvalue(), layout_fun=layout))
        (extra / "notes.txt").write_text("不是扫描件", encoding="utf-8")
    (root / "outside.pdf").write_bytes((REALWORLD / "001-minimal-document.pdf").read_bytes())
    return root


Mutation = Callable[[dict[str, Any]], None]
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _walk(data: Any, path: str) -> tuple[Any, str | int]:
    steps: list[str | int] = [name or int(index) for name, index in _STEP.findall(path)]
    for step in steps[:-1]:
        data = data[step]
    return data, steps[-1]


def put(path: str, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        parent, key = _walk(data, path)
        parent[key] = value

    return mutate


def drop(path: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        parent, key = _walk(data, path)
        del parent[key]

    return mutate


def run(workdir: Path, kind: str, *mutations: Mutation, today: dt.date = TODAY) -> list[Finding]:
    sample = sample_of(kind)
    copy = workdir / kind / sample.name
    data = tomllib.loads(copy.read_text(encoding="utf-8"))
    for mutate in mutations:
        mutate(data)
    model_cls = registry.model_of(kind)
    assert model_cls is not None
    loaded = LoadedProfile(
        path=copy, folder=copy.parent.resolve(), sha256="", model=model_cls.model_validate(data)
    )
    return check_loaded(loaded, today)


def found(findings: list[Finding]) -> set[tuple[str, str | None, str]]:
    return {(f.code, f.field, f.severity) for f in findings}


def person_id(region: str, born: str, sequence: str = "001") -> str:
    body = region + born + sequence
    return body + id_check(body)


# --- every sample is clean -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_sample_has_no_findings(workdir: Path, kind: str) -> None:
    findings = run(workdir, kind)
    assert [f for f in findings if f.severity == "error"] == []
    assert findings == []  # not even a warning: samples show what a good profile looks like


# --- one mutation, one finding ---------------------------------------------------------------------

E, W = "error", "warning"
CASES: list[Any] = [
    # formats (all kinds)
    ("n96", [put("company.introduction", "")], "FIELD-MISSING", "company.introduction", E),
    ("n96", [put("service_head.mobile", "")], "FIELD-MISSING", "service_head.mobile", E),
    ("n95", [put("n95.rollout", [])], "FIELD-MISSING", "n95.rollout", E),
    ("n400", [put("agent.name", "")], "FIELD-MISSING", "agent.name", E),
    ("ucc", [put("ucc.contact_24h.phone", "")], "FIELD-MISSING", "ucc.contact_24h.phone", E),
    ("n96", [put("company.uscc", "91330106MA2H7K316G")], "USCC-FORMAT", "company.uscc", E),
    ("n96", [put("company.uscc", "91330106ma2h7k316f")], "USCC-FORMAT", "company.uscc", E),
    ("n96", [put("company.uscc", make_uscc("94", "330106", "MA2H7K31"))], "USCC-FORMAT", "company.uscc", E),
    ("n96", [put("branches[2].uscc", "91330602MA2H7K64XA")], "USCC-FORMAT", "branches[2].uscc", E),
    ("n96", [put("company.uscc", make_uscc("92", "330106", "MA2H7K31"))], "USCC-FORMAT", "company.uscc", W),
    ("n96", [put("legal_rep.id_number", "330106198503120037")], "ID-FORMAT", "legal_rep.id_number", E),
    ("n96", [put("legal_rep.id_number", "330106850312003")], "ID-FORMAT", "legal_rep.id_number", E),
    ("n96", [put("legal_rep.id_number", person_id("330106", "20100312"))], "ID-FORMAT", "legal_rep.id_number", E),
    ("n96", [put("number_contact.id_number", person_id("339901", "19900705"))], "ID-FORMAT", "number_contact.id_number", W),
    ("n96", [put("legal_rep.id_type", "hk_macau_permit")], "ID-FORMAT", "legal_rep.id_number", E),
    ("n96", [put("legal_rep.id_valid_until", dt.date(2026, 11, 1))], "ID-EXPIRED", "legal_rep.id_valid_until", E),
    ("n96", [put("legal_rep.id_valid_until", dt.date(2027, 3, 1))], "ID-EXPIRED", "legal_rep.id_valid_until", W),
    ("n96", [put("number_contact.mobile", "1380013800")], "PHONE-MOBILE", "number_contact.mobile", E),
    ("n400", [put("agent.mobile", "0551-65550102")], "PHONE-MOBILE", "agent.mobile", E),
    ("n96", [put("legal_rep.office_phone", "86660001")], "PHONE-FIXED", "legal_rep.office_phone", E),
    ("n96", [put("service_head.office_phone", "13800138003")], "PHONE-FIXED", "service_head.office_phone", W),
    ("ucc", [put("ucc.business_number", "12345")], "PHONE-FIXED", "ucc.business_number", E),
    ("n96", [put("current_numbers.numbers", ["40000000"])], "PHONE-400", "current_numbers.numbers[0]", E),
    ("n96", [put("company.postcode", "31001")], "POSTCODE", "company.postcode", E),
    ("n96", [put("number_contact.email", "kefu@qinghe")], "EMAIL", "number_contact.email", E),
    ("n400", [put("agent.email", "tang.example.cn")], "EMAIL", "agent.email", E),
    ("n96", [put("company.address", "浙江省杭州市西湖区文三路")], "ADDRESS-HOUSE-NUMBER", "company.address", W),
    ("n96", [put("n96.platform_sites", ["浙江省杭州市西湖区"])], "ADDRESS-HOUSE-NUMBER", "n96.platform_sites[0]", W),
    ("n96", [put("signing.date", dt.date(2026, 12, 1))], "DATE-SIGNING", "signing.date", E),
    ("n96", [put("signing.date", dt.date(2026, 11, 1))], "DATE-SIGNING", "signing.date", W),
    # attachments
    ("n96", [drop("attachments.business_licence")], "ATTACH-MISSING", "attachments.business_licence", E),
    ("n96", [put("branches[0].proofs", [])], "ATTACH-MISSING", "branches[0].proofs", E),
    ("ucc", [put("ucc.destinations[0].bill", []), put("ucc.destinations[1].bill", [])], "UCC-DESTINATION", "ucc.destinations[0].bill", E),
    ("n96", [put("attachments.industry_permit", ["attachments/nope.pdf"])], "ATTACH-NOT-FOUND", "attachments.industry_permit[0]", E),
    ("n96", [put("attachments.industry_permit", ["attachments/notes.txt"])], "ATTACH-UNREADABLE", "attachments.industry_permit[0]", E),
    ("n95", [put("attachments.business_licence", ["attachments/locked.pdf"])], "ATTACH-ENCRYPTED", "attachments.business_licence[0]", E),
    ("n96", [put("attachments.industry_permit", ["attachments/small.png"])], "ATTACH-LOW-RES", "attachments.industry_permit[0]", W),
    ("n400", [put("attachments.business_licence", ["attachments/small-scan.pdf"])], "ATTACH-LOW-RES", "attachments.business_licence[0]", W),
    ("n96", [put("attachments.legal_rep_id", ["attachments/法定代表人身份证-正面.jpg"])], "ATTACH-SIDES", "attachments.legal_rep_id", E),
    ("n96", [put("attachments.contact_id", ["attachments/营业执照.jpg"])], "ATTACH-DUPLICATE", "attachments.contact_id[0]", W),
    ("n96", [put("attachments.industry_permit", ["../outside.pdf"])], "ATTACH-OUTSIDE", "attachments.industry_permit[0]", E),
    ("n96", [put("attachments.bussiness_licence", ["attachments/营业执照.jpg"])], "ATTACH-UNKNOWN-ITEM", "attachments.bussiness_licence", E),
    # n96
    ("n96", [put("n96.wanted", "9612")], "N96-DIGITS", "n96.wanted", E),
    ("n96", [put("n96.digits", 6), put("n96.wanted", "96123")], "N96-DIGITS", "n96.wanted", E),
    ("n96", [put("branches[1].city", "义乌市")], "N96-BRANCH-COVERAGE", "branches[1].city", E),
    ("n96", [put("branches[1].city", "义乌市")], "N96-BRANCH-COVERAGE", "branches", E),
    ("n96", [put("branches[1].province", "江苏省"), put("branches[1].city", "苏州市")], "N96-BRANCH-COVERAGE", "branches", E),
    ("n96", [put("branches[1].city", "苏州市")], "N96-BRANCH-COVERAGE", "branches[1].city", E),
    ("n96", [put("branches[1].province", "浙州")], "N96-BRANCH-COVERAGE", "branches[1].province", E),
    ("n96", [put("branches[1].city", "宁波")], "N96-BRANCH-COVERAGE", "branches", E),  # 宁波 twice: 3 cities
    ("n96", [put("n96.first_year_cities", ["杭州市", "宁波"])], "N96-FIRST-YEAR", "n96.first_year_cities", E),
    ("n96", [put("n96.first_year_cities[4]", "苏州市")], "N96-FIRST-YEAR", "n96.first_year_cities[4]", E),
    ("n96", [put("company.industry", "零售")], "N96-INDUSTRY", "company.industry", E),
    ("n96", [put("company.industry", "其他")], "N96-INDUSTRY", "company.industry_detail", E),
    ("n96", [put("n96.network", "other")], "N96-NETWORK", "n96.network_note", E),
    ("n96", [put("n96.platform_sites", [])], "N96-NETWORK", "n96.platform_sites", E),
    ("n96", [put("n96.equipment", [])], "N96-NETWORK", "n96.equipment", E),
    ("n96", [put("n96.trunks", [])], "N96-NETWORK", "n96.trunks", E),
    ("n96", [put("n96.seats_planned", 20)], "N96-SEATS", "n96.seats_planned", E),
    ("n96", [put("n96.connect_rate", 120)], "N96-SEATS", "n96.connect_rate", E),
    # n95
    ("n95", [put("n95.wanted", "95212")], "N95-PREFIX", "n95.wanted", E),
    ("n95", [put("n95.prefix", "950"), put("n95.wanted", "951234")], "N95-PREFIX", "n95.wanted", E),
    ("n95", [put("n95.services", ["呼叫中心业务", "语音信箱业务"])], "N95-LICENCE", "n95.services[1]", E),
    ("n95", [put("n95.services", ["外包业务"])], "N95-LICENCE", "n95.services[0]", E),
    ("n95", [put("licence.valid_until", dt.date(2026, 1, 1))], "N95-LICENCE", "licence.valid_until", E),
    ("n95", [put("licence.valid_until", dt.date(2027, 6, 1))], "N95-LICENCE", "licence.valid_until", E),
    ("n95", [drop("licence")], "N95-LICENCE", "licence.number", E),
    ("n95", [put("licence.provinces", ["江苏省", "上海市", "浙江省"])], "N95-LICENCE-COVERAGE", "licence.provinces", E),
    ("n95", [put("licence.cities", ["南京市", "苏州市"])], "N95-LICENCE-COVERAGE", "licence.provinces", E),
    ("n95", [put("n95.prefix", "955")], "N95-955", "company.industry", E),
    ("n95", [put("n95.prefix", "955")], "N95-955", "branches", E),
    ("n95", [put("n95.prefix", "955"), put("n95.agents", 10)], "N95-955", "n95.agents", E),
    ("n95", [put("company.registered_capital", 500)], "N95-CAPITAL", "company.registered_capital", W),
    ("n95", [put("n95.call_flow", "")], "N95-EXTENSION", "n95.call_flow", E),
    ("n95", [put("n95.extend_digits", True)], "N95-EXTENSION", "n95.extension_plan", E),
    # n400
    ("n400", [put("n400.number", "40000001")], "N400-NUMBER", "n400.number", E),
    ("n400", [put("n400.small_number", "65550188")], "N400-NUMBER", "n400.small_number", E),
    ("n400", [put("n400.destinations", [])], "N400-DESTINATIONS", "n400.destinations", E),
    ("n400", [put("n400.destinations", ["0551-65550188"] * 4)], "N400-DESTINATIONS", "n400.destinations", E),
    ("n400", [put("n400.destinations[0]", "4000000124")], "N400-DESTINATIONS", "n400.destinations[0]", E),
    ("n400", [put("n400.destinations[0]", "95555")], "N400-DESTINATIONS", "n400.destinations[0]", E),
    ("n400", [put("n400.destinations[1]", "17012345678")], "N400-DESTINATIONS", "n400.destinations[1]", E),
    ("n400", [put("n400.destinations[1]", "1234")], "N400-DESTINATIONS", "n400.destinations[1]", E),
    ("n400", [put("n400.scope", "省内")], "N400-SCOPE", "n400.scope_province", E),
    ("n400", [put("n400.scope", "省内"), put("n400.scope_province", "安微省")], "N400-SCOPE", "n400.scope_province", E),
    ("n400", [put("n400.use", "其他")], "N400-SCOPE", "n400.use_detail", E),
    ("n400", [put("agent.id_number", "340111199203180043")], "N400-AGENT", "agent.id_number", E),
    ("n400", [drop("attachments.agent_id")], "N400-AGENT", "attachments.agent_id", E),
    # ucc
    ("ucc", [put("ucc.destinations", [])], "UCC-DESTINATION", "ucc.destinations", E),
    ("ucc", [put("ucc.destinations[1].number", "17012345678")], "UCC-DESTINATION", "ucc.destinations[1].number", E),
    ("ucc", [put("ucc.destinations[1].number", "4000000000")], "UCC-DESTINATION", "ucc.destinations[1].number", E),
    ("ucc", [put("ucc.destinations[1].bill", [])], "UCC-DESTINATION", "ucc.destinations[1].bill", E),
    ("ucc", [put("ucc.destinations[1].relation", "")], "UCC-DESTINATION", "ucc.destinations[1].relation", E),
    ("ucc", [put("ucc.destinations[1].holder_id", "")], "UCC-DESTINATION", "ucc.destinations[1].holder_id", E),
    ("ucc", [put("ucc.destinations[1].holder_id", "320211199308260041")], "UCC-DESTINATION", "ucc.destinations[1].holder_id", E),
    ("ucc", [put("ucc.destinations[0].holder_id", "91320213MA27QX8BXM")], "UCC-DESTINATION", "ucc.destinations[0].holder_id", E),
    ("ucc", [put("ucc.destinations[0].holder_name", "")], "UCC-DESTINATION", "ucc.destinations[0].holder_name", E),
    ("ucc", [put("company.entity_type", "individual_business")], "UCC-SPECIAL", "attachments.holder_photo", E),
    ("ucc", [put("company.business_scope", "保健品销售")], "UCC-SPECIAL", "attachments.sales_permit", E),
    ("ucc", [put("company.business_scope", "机票代理销售")], "UCC-SPECIAL", "attachments.agency_permit", E),
    ("ucc", [put("legal_rep.id_type", "passport"), put("legal_rep.id_number", "E12345678")], "UCC-LEGAL-REP-DOC", "attachments.legal_rep_id[0]", W),
    ("ucc", [put("legal_rep.id_type", "passport"), put("legal_rep.id_number", "E12345678"), drop("attachments.legal_rep_id")], "UCC-LEGAL-REP-DOC", "attachments.legal_rep_id", E),
    ("ucc", [put("ucc.contract.end", dt.date(2026, 11, 30))], "UCC-CONTRACT", "ucc.contract.end", E),
    ("ucc", [put("ucc.contract.total", 2000)], "UCC-CONTRACT", "ucc.contract.total", E),
]  # fmt: skip


def _id(case: Any) -> str:
    kind, _, code, field, _ = case
    return f"{kind}-{code}-{field}"


@pytest.mark.parametrize(
    ("kind", "mutations", "code", "field", "severity"), CASES, ids=[_id(c) for c in CASES]
)
def test_one_mutation_one_finding(
    workdir: Path, kind: str, mutations: list[Mutation], code: str, field: str, severity: str
) -> None:
    findings = run(workdir, kind, *mutations)
    assert (code, field, severity) in found(findings), [(f.code, f.field, f.severity) for f in findings]


def test_every_spec_code_has_a_case() -> None:
    covered = {case[2] for case in CASES} | {"N96-DIGITS", "N95-PREFIX"}  # and the direct tests below
    assert covered >= SPEC_CODES


def test_rules_the_model_cannot_reach() -> None:
    """digits and prefix are Literal in the models; the rules still say what is wrong with plain data."""
    ctx = RuleContext(today=TODAY, profile={})
    assert [(f.code, f.field) for f in rules_n96.digits_rules({"digits": 7})] == [
        ("N96-DIGITS", "n96.digits")
    ]
    assert [(f.code, f.field) for f in rules_n95.prefix_rules({}, "953", ctx)] == [
        ("N95-PREFIX", "n95.prefix")
    ]


def test_a_branch_without_proofs_is_named_or_numbered(workdir: Path) -> None:
    named = run(workdir, "n96", put("branches[1].proofs", []))
    unnamed = run(workdir, "n96", put("branches[1].proofs", []), put("branches[1].name", ""))
    (with_name,) = [f for f in named if f.code == "ATTACH-MISSING"]
    (without,) = [f for f in unnamed if f.code == "ATTACH-MISSING"]
    assert with_name.field == without.field == "branches[1].proofs"
    assert "“”" not in without.message and "第 2 个分支机构（尚未填写名称）" in without.message
    assert "分支机构“" in with_name.message


def test_passport_needs_one_page_only(workdir: Path) -> None:
    findings = run(
        workdir,
        "ucc",
        put("legal_rep.id_type", "passport"),
        put("legal_rep.id_number", "E12345678"),
        put("attachments.legal_rep_id", ["attachments/营业执照.jpg"]),
    )
    assert "ATTACH-SIDES" not in {f.code for f in findings}


def test_branches_without_a_province_are_field_missing_and_coverage_says_why(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty province is FIELD-MISSING's alone (not also "'' is not a province"), and n96's coverage
    finding does not name an empty province ("cover 0 prefecture-level cities of ;")."""
    monkeypatch.setenv("NUMDOSSIER_LANG", "en")
    empty = [{"name": "", "kind": "分公司", "province": "", "city": "", "proofs": []}] * 2
    for kind, code, extra in (
        ("n96", "N96-BRANCH-COVERAGE", []),
        ("n95", "N95-955", [put("n95.prefix", "955"), drop("licence")]),
    ):
        findings = run(workdir, kind, put("branches", empty), *extra)
        assert ("FIELD-MISSING", "branches[0].province", E) in found(findings), kind
        assert code in {f.code for f in findings}, kind  # the coverage is still too small
        assert not [f for f in findings if f.code == code and f.field == "branches[0].province"], kind
        if kind == "n96":
            coverage = [f for f in findings if f.code == code and f.field == "branches"]
            assert len(coverage) == 1 and "cannot be counted" in coverage[0].message
            assert " of ;" not in coverage[0].message and "needs at least 4" in coverage[0].message


def test_municipality_branches_count_districts(workdir: Path) -> None:
    beijing = [
        {
            "name": f"示例分公司{i}",
            "kind": "分公司",
            "province": "北京市",
            "city": city,
            "proofs": ["attachments/营业执照.jpg"],
        }
        for i, city in enumerate(["朝阳区", "海淀", "北京市"])
    ]
    findings = run(
        workdir,
        "n96",
        put("branches", beijing),
        put("n96.first_year_cities", ["朝阳区", "海淀区", "丰台区", "通州"]),
    )
    assert ("N96-BRANCH-COVERAGE", "branches[2].city", E) in found(findings)
    coverage = [f for f in findings if f.code == "N96-BRANCH-COVERAGE" and f.field == "branches"]
    assert len(coverage) == 1 and "2" in coverage[0].message and "区" in coverage[0].message
    assert "N96-FIRST-YEAR" not in {f.code for f in findings}


def test_955_counts_provinces_and_cities(workdir: Path) -> None:
    places = [
        ("北京市", "北京市"), ("上海市", "浦东新区"), ("天津", "和平区"), ("重庆市", "渝中区"),
        ("广东省", "广州市"), ("广东省", "深圳市"), ("浙江省", "杭州市"), ("浙江省", "宁波市"),
        ("江苏省", "南京市"), ("江苏省", "苏州市"), ("四川省", "成都市"), ("湖北省", "武汉市"),
        ("山东省", "济南市"), ("山东省", "青岛市"), ("福建省", "厦门市"),
    ]  # fmt: skip
    branches = [
        {"name": f"示例分行{i}", "province": p, "city": c, "proofs": ["attachments/营业执照.jpg"]}
        for i, (p, c) in enumerate(places)
    ]
    mutations = [put("n95.prefix", "955"), put("company.industry", "银行"), put("branches", branches)]
    findings = run(workdir, "n95", *mutations)
    assert "N95-955" not in {f.code for f in findings}
    findings = run(workdir, "n95", *mutations, put("branches", branches[:-1]))
    assert ("N95-955", "branches", E) in found(findings)


def test_several_planted_problems_are_all_listed(workdir: Path) -> None:
    findings = run(
        workdir,
        "n96",
        put("company.uscc", "91330106MA2H7K316G"),
        put("legal_rep.id_number", "330106198503120037"),
        put("number_contact.mobile", "1380013800"),
        put("company.postcode", "31001"),
        put("branches[1].city", "义乌市"),
        put("n96.connect_rate", 120),
        put("signing.date", dt.date(2026, 12, 20)),
        put("attachments.industry_permit", ["attachments/nope.pdf"]),
        put("attachments.contact_id", ["attachments/营业执照.jpg"]),
    )
    expected = {
        ("USCC-FORMAT", "company.uscc", E),
        ("ID-FORMAT", "legal_rep.id_number", E),
        ("PHONE-MOBILE", "number_contact.mobile", E),
        ("POSTCODE", "company.postcode", E),
        ("N96-BRANCH-COVERAGE", "branches[1].city", E),
        ("N96-BRANCH-COVERAGE", "branches", E),
        ("N96-SEATS", "n96.connect_rate", E),
        ("DATE-SIGNING", "signing.date", E),
        ("ATTACH-NOT-FOUND", "attachments.industry_permit[0]", E),
        ("ATTACH-DUPLICATE", "attachments.contact_id[0]", W),
        ("ATTACH-SIDES", "attachments.contact_id", E),  # one page where both sides are needed
    }
    assert expected <= found(findings)
    assert len(findings) == len(expected), [(f.code, f.field) for f in findings]


def test_messages_name_no_full_id_or_mobile(workdir: Path) -> None:
    bad_id = "330106198503120037"
    findings = run(
        workdir, "n96", put("legal_rep.id_number", bad_id), put("number_contact.mobile", "1380013800155")
    )
    text = " ".join(f.message + f.hint for f in findings)
    assert bad_id not in text and "1380013800155" not in text


# --- the catalogue ------------------------------------------------------------------------------


def _entries() -> Iterator[tuple[str, dict[str, str]]]:
    for code, cases in catalogue()["findings"].items():
        for case, entry in cases.items():
            yield f"{code}.{case}", entry


def test_catalogue_has_both_languages_with_the_same_placeholders() -> None:
    for key, entry in _entries():
        assert set(entry) == {"zh", "en", "hint_zh", "hint_en"}, key
        for zh, en in (("zh", "en"), ("hint_zh", "hint_en")):
            names = {field for _, field, _, _ in string.Formatter().parse(entry[zh]) if field}
            assert names == {field for _, field, _, _ in string.Formatter().parse(entry[en]) if field}, key
    for section in ("fields", "ui", "summary", "roles", "actions", "places", "documents"):
        for name, entry in catalogue()[section].items():
            assert set(entry) == {"zh", "en"}, (section, name)


def test_catalogue_has_every_spec_code() -> None:
    assert set(catalogue()["findings"]) - {"_common"} >= SPEC_CODES


SPEC_COPY = ROOT / "tests" / "resources" / "spec" / "rule-codes.txt"


def spec_codes(markdown: str) -> set[str]:
    """The `CODE`s of the section "Rules for `check`" of spec/dossiers.md."""
    rules = markdown.split("## Rules for `check`", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*)`", rules))


def test_spec_codes_match_the_committed_copy_of_the_spec() -> None:
    """Runs on every clone: the copy of the spec's code list (tests/resources/spec/) = SPEC_CODES, and
    every one of them has a catalogue message and a line in the generated docs/rules.md or docs/kinds.md."""
    lines = SPEC_COPY.read_text(encoding="utf-8").splitlines()
    copy = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert copy == SPEC_CODES
    assert not copy - set(catalogue()["findings"])
    documented = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    documented += (ROOT / "docs" / "kinds.md").read_text(encoding="utf-8")
    assert {code for code in copy if f"`{code}`" not in documented} == set()


def test_committed_copy_matches_the_spec_beside_the_repository() -> None:
    spec = ROOT.parent / "shared" / "spec" / "dossiers.md"
    if not spec.is_file():
        pytest.skip("spec/dossiers.md is not beside the repository (the committed copy is checked above)")
    assert spec_codes(spec.read_text(encoding="utf-8")) == SPEC_CODES


def test_english_messages(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMDOSSIER_LANG", "en")
    findings = run(workdir, "n96", put("company.postcode", "31001"), put("n96.trunks", []))
    postcode = next(f for f in findings if f.code == "POSTCODE")
    assert postcode.message == "The postcode '31001' must be 6 digits"
    assert all(not re.search(r"[\u4e00-\u9fff]", f.hint) for f in findings)
    monkeypatch.delenv("NUMDOSSIER_LANG")
    assert os.environ.get("NUMDOSSIER_LANG") is None
    assert run(workdir, "n96", put("company.postcode", "31001"))[0].message == "邮政编码“31001”应为 6 位数字"


# --- settings ----------------------------------------------------------------------------------


def test_province_and_carrier_overrides() -> None:
    data = {
        "defaults": dict(settings().defaults),
        "uscc_categories": settings().uscc_categories,
        "province": {"浙江省": {"n96_min_cities_5": 6}},
        "carrier": {"中国电信": {"n400_max_destinations": 5}},
    }
    custom = Settings(data)
    assert custom.get("n96_min_cities_5") == 4
    assert custom.get("n96_min_cities_5", province="浙江") == 6
    assert custom.get("n96_min_cities_5", province="江苏省") == 4
    assert custom.get("n400_max_destinations", carrier="中国电信") == 5
    assert custom.get("n400_max_destinations", carrier="中国移动") == 3
    with pytest.raises(KeyError):
        custom.get("no_such_setting")


def test_thresholds_come_from_settings(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    custom = Settings({**_settings_data(), "province": {"浙江省": {"n96_min_cities_5": 5}}})
    monkeypatch.setattr("numdossier.rules.context.settings", lambda: custom)
    findings = run(workdir, "n96")
    assert ("N96-BRANCH-COVERAGE", "branches", E) in found(findings)


def _settings_data() -> dict[str, Any]:
    return {"defaults": dict(settings().defaults), "uscc_categories": settings().uscc_categories}


# --- the summary: fee, signatures, seal --------------------------------------------------------


def summary_of(workdir: Path, kind: str, *mutations: Mutation) -> dict[str, Any]:
    sample = sample_of(kind)
    copy = workdir / kind / sample.name
    data = tomllib.loads(copy.read_text(encoding="utf-8"))
    for mutate in mutations:
        mutate(data)
    model_cls = registry.model_of(kind)
    assert model_cls is not None
    loaded = LoadedProfile(
        path=copy, folder=copy.parent.resolve(), sha256="", model=model_cls.model_validate(data)
    )
    return inspect(loaded, TODAY)[1]


def _sichuan(data: dict[str, Any]) -> None:
    for branch in data["branches"]:
        branch["province"] = "四川省"
    for branch, city in zip(data["branches"], ["绵阳市", "德阳市", "宜宾市", "南充市"], strict=False):
        branch["city"] = city


def test_fees(workdir: Path) -> None:
    fee = summary_of(workdir, "n96")["fee"]
    assert (fee["amount"], fee["region"], fee["western"]) == (48000, "浙江省", False)
    assert "48,000" in fee["text"]
    assert summary_of(workdir, "n96", put("n96.digits", 6))["fee"]["amount"] == 4800
    fee = summary_of(workdir, "n96", _sichuan)["fee"]
    assert (fee["amount"], fee["full"], fee["region"], fee["western"]) == (24000, 48000, "四川省", True)
    fee = summary_of(workdir, "n95")["fee"]
    assert (fee["amount"], fee["digits"]) == (24000, 6)
    assert summary_of(workdir, "n95", put("n95.prefix", "950"))["fee"]["amount"] == 240000
    western = summary_of(workdir, "n95", put("company.address", "重庆市渝中区示例路 1 号"))["fee"]
    assert (western["amount"], western["western"]) == (12000, True)
    nationwide = put("licence.provinces", ["全国"])
    fee = summary_of(workdir, "n95", put("company.address", "重庆市渝中区示例路 1 号"), nationwide)["fee"]
    assert (fee["amount"], fee["region"]) == (24000, "全国")
    assert summary_of(workdir, "n400")["fee"]["amount"] is None
    assert summary_of(workdir, "ucc")["fee"]["basis"] == "contract"


def test_signatures_and_seal(workdir: Path) -> None:
    summary = summary_of(workdir, "n96")
    signed = [s for s in summary["signatures"] if s["who"] == "法定代表人"]
    assert len(signed) == 3  # seeds/000: 法定代表人签字处（共三处）
    assert summary["seal"]["rule"] == "every_page"
    assert summary["seal"]["attachment_pages"] == 11
    for kind in ("n95", "n400", "ucc"):
        summary = summary_of(workdir, kind)
        assert summary["signatures"] and summary["seal"]["rule"] == "every_page"  # the checklists' notes
        assert summary["seal"]["attachment_pages"] > 0


def test_seal_on_forms_and_copies_only() -> None:
    from numdossier.rules.summary import seal

    # a kind without data falls back to the forms' seal places plus every attachment copy
    assert seal({"kind": "n97"}, {}, 7) == {
        "rule": "forms_and_copies",
        "attachment_pages": 7,
        "form_places": 0,
        "text": "须盖章：表格 0 处；附件复印件 7 页，每页加盖公司公章",
    }
