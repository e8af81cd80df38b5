"""The ucc kind: profile model, form context, the three templates, starter, sample, and an end-to-end build:
what is ucc's own; the checks every kind shares are in tests/test_kinds.py."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from support import ROOT, W, load_tool, part, render, run_cli, squash, text, variant

from numdossier.check import check_loaded
from numdossier.kinds import load_checklist
from numdossier.kinds.ucc.forms import capital, money, rate_text
from numdossier.kinds.ucc.profile import UccProfile
from numdossier.profile import LoadedProfile, load_profile
from numdossier.render.engine import DATE_BLANK
from numdossier.rules.codes import id_check, uscc_check

TEMPLATES = ROOT / "templates" / "ucc"
AGREEMENT = TEMPLATES / "service_agreement.docx"
ANTI_FRAUD = TEMPLATES / "anti_fraud_commitment.docx"
DESTINATIONS = TEMPLATES / "destination_commitment.docx"
ALL = [AGREEMENT, ANTI_FRAUD, DESTINATIONS]
IDS = ["agreement", "anti_fraud", "destinations"]
STARTER = TEMPLATES / "starter.toml"
SAMPLE = ROOT / "samples" / "ucc" / "minglan-ucc.toml"


@pytest.fixture(scope="module")
def sample() -> LoadedProfile:
    loaded = load_profile(SAMPLE)
    assert isinstance(loaded.model, UccProfile)
    return loaded


def table_rows(docx_bytes: bytes, first_header: str) -> list[list[str]]:
    """The rows (cell texts) of the table whose first row starts with `first_header`, header excluded."""
    root = etree.fromstring(part(docx_bytes).encode("utf-8"))
    for tbl in root.iter(f"{W}tbl"):
        rows = [
            ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.iter(f"{W}tc")]
            for tr in tbl.iter(f"{W}tr")
        ]
        if rows and rows[0] and rows[0][0] == first_header:
            return rows[1:]
    raise AssertionError(f"no table starting with {first_header}")


# --------------------------------------------------------------------------- context values


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1000, "人民币壹仟元整"),
        (12345.6, "人民币壹万贰仟叁佰肆拾伍元陆角"),
        (1005, "人民币壹仟零伍元整"),
        (10.05, "人民币壹拾元零伍分"),
        (0, "人民币零元整"),
    ],
)
def test_capital_numerals(value: float, expected: str) -> None:
    assert capital(value) == expected


def test_money_and_rate_figures() -> None:
    assert money(1000) == "1,000.00" and money(12345.6) == "12,345.60" and money(0) == "0.00"
    assert rate_text(0.1) == "0.10" and rate_text(0.085) == "0.085" and rate_text(1) == "1.00"


# --------------------------------------------------------------------------- completeness


def test_agreement_shows_both_parties_and_the_package(sample: LoadedProfile) -> None:
    body = text(render(AGREEMENT, sample))
    p = sample.model
    assert isinstance(p, UccProfile)
    provider = p.ucc.provider
    for value in [
        p.company.name,
        p.company.address,
        p.company.uscc,
        p.number_contact.name,
        p.number_contact.mobile,
        provider.name,
        provider.contact,
        provider.phone,
        provider.address,
        provider.bank,
        provider.account,
        p.ucc.business_number,
        p.ucc.use,
        "1,000.00 元/年",
        "0.10 元/分钟",
        "1,000.00 元",
        "（大写：人民币壹仟元整）",
        "2026 年 12 月 1 日起至 2027 年 11 月 30 日止",
        "签约地（无锡）人民法院",
    ]:
        assert value in body, value
    assert f"甲方：{p.company.name}（盖章）" in body
    assert f"乙方：{provider.name}（盖章）" in body
    assert "法定代表人或授权代表（签字）：" in body and "授权代表（签字）：" in body
    assert body.count("日期：2026 年 11 月 20 日") == 2


def test_agreement_total_in_capitals_follows_the_profile(sample: LoadedProfile) -> None:
    changed = variant(
        sample,
        **{
            "ucc.contract.total": 12345.6,
            "ucc.contract.prepaid": 11345.6,
            "ucc.contract.equipment": "IP 话机 2 台，单价 300 元",
        },
    )
    body = text(render(AGREEMENT, changed))
    assert "12,345.60 元" in body and "（大写：人民币壹万贰仟叁佰肆拾伍元陆角）" in body
    assert "11,345.60 元" in body
    assert "IP 话机 2 台，单价 300 元" in body and "见服务内容" in body
    assert "人民币壹仟元整" not in body


def test_anti_fraud_commitment(sample: LoadedProfile) -> None:
    body = text(render(ANTI_FRAUD, sample))
    p = sample.model
    assert isinstance(p, UccProfile)
    assert "“防范和打击通讯信息诈骗”承诺函" in body
    for value in [
        p.ucc.business_number,
        p.ucc.use,
        p.ucc.carrier,
        p.ucc.contact_24h.name,
        p.ucc.contact_24h.phone,
        p.ucc.provider.name,
    ]:
        assert value in body, value
    assert f"承诺单位：{p.company.name}（盖章）" in body
    assert "承诺人（签字）：" in body and "日期：2026 年 11 月 20 日" in body
    changed = text(render(ANTI_FRAUD, variant(sample, **{"ucc.carrier": "中国联通"})))
    assert "中国联通" in changed and "中国移动" not in changed


# --------------------------------------------------------------------------- destinations


def destination(number: str, holder: str, name: str, holder_id: str, relation: str = "") -> dict[str, Any]:
    return {
        "number": number,
        "holder": holder,
        "holder_name": name,
        "holder_id": holder_id,
        "bill": [f"attachments/账单-{number}.pdf"],
        "relation": relation,
    }


def test_destination_rows_follow_the_profile(sample: LoadedProfile) -> None:
    rows = table_rows(render(DESTINATIONS, sample), "序号")
    p = sample.model
    assert isinstance(p, UccProfile)
    assert len(rows) == len(p.ucc.destinations) == 2
    assert rows[0] == ["1", "0510-85550100", p.company.name, p.company.uscc, "本公司"]
    assert rows[1] == ["2", "13800138102", "顾一宁", "320211199308260040", "员工"]


def test_three_destinations_and_holder_labels(sample: LoadedProfile) -> None:
    p = sample.model
    assert isinstance(p, UccProfile)
    three = [
        destination("0510-85550100", "company", p.company.name, p.company.uscc),
        destination("13800138101", "legal_rep", p.legal_rep.name, p.legal_rep.id_number),
        destination("13800138102", "employee", "顾一宁", "320211199308260040", "客服主管名下，用于售后热线"),
    ]
    rows = table_rows(render(DESTINATIONS, variant(sample, **{"ucc.destinations": three})), "序号")
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert [r[-1] for r in rows] == ["本公司", "法定代表人", "员工"]


def test_no_destinations_keeps_one_blank_row(sample: LoadedProfile) -> None:
    rows = table_rows(render(DESTINATIONS, variant(sample, **{"ucc.destinations": []})), "序号")
    assert rows == [["", "", "", "", ""]]


def test_relation_note_only_for_employee_numbers(sample: LoadedProfile) -> None:
    body = text(render(DESTINATIONS, sample))
    note = "目的码登记在本单位员工名下的"
    p = sample.model
    assert isinstance(p, UccProfile)
    employee = p.ucc.destinations[1]
    assert note in body
    assert f"{employee.number}（{employee.holder_name}）：{employee.relation}" in body
    company_only = variant(
        sample,
        **{"ucc.destinations": [destination("0510-85550100", "company", p.company.name, p.company.uscc)]},
    )
    body = text(render(DESTINATIONS, company_only))
    assert note not in body and employee.relation not in body
    assert "本公司" in body


def test_destination_commitment_signature_block(sample: LoadedProfile) -> None:
    body = text(render(DESTINATIONS, sample))
    p = sample.model
    for value in [p.company.name, p.company.address, p.number_contact.name, p.number_contact.mobile]:
        assert value in body
    assert "目的码实名制承诺书" in body and "0510-68880000" in body
    assert f"承诺单位：{p.company.name}（盖章）" in body
    assert "法定代表人（签字）：" in body and "日期：2026 年 11 月 20 日" in body


# --------------------------------------------------------------------------- dates, seals, layout


@pytest.mark.parametrize("template", ALL, ids=IDS)
def test_without_dates_the_blanks_stay(template: Path, sample: LoadedProfile) -> None:
    undated = variant(sample, **{"signing.date": None, "ucc.contract.start": None, "ucc.contract.end": None})
    body = text(render(template, undated))
    assert DATE_BLANK in body
    assert "2026 年" not in body and "2027 年" not in body


@pytest.mark.parametrize(("template", "seals"), [(AGREEMENT, 2), (ANTI_FRAUD, 1), (DESTINATIONS, 1)], ids=IDS)
def test_seal_and_signature_words_appear_only_at_their_places(
    template: Path, seals: int, sample: LoadedProfile
) -> None:
    body = text(render(template, sample))
    assert body.count("盖章") == seals and body.count("（盖章）") == seals
    assert body.count("签字") == seals and body.count("（签字）") == seals


def test_agreement_seals_start_their_own_lines(sample: LoadedProfile) -> None:
    # side-by-side 甲方/乙方 blocks: （盖章） at the start of each column keeps the seals far apart
    assert part(render(AGREEMENT, sample)).count("<w:br/><w:t>（盖章）</w:t>") == 2


@pytest.mark.parametrize("template", [ANTI_FRAUD, DESTINATIONS], ids=IDS[1:])
def test_a_long_company_name_puts_the_seal_word_on_its_own_line(
    template: Path, sample: LoadedProfile
) -> None:
    name = "无锡明澜示例信息科技与现代通信服务股份有限公司"
    rendered = render(template, variant(sample, **{"company.name": name}))
    assert f"承诺单位：{name}（盖章）" in text(rendered)
    assert "<w:br/><w:t>（盖章）</w:t>" in part(rendered)
    assert "<w:br/><w:t>（盖章）</w:t>" not in part(render(template, sample))


def test_agreement_pages_keep_a_free_band_for_the_seal() -> None:
    # clause pages have no 盖章 place: the pipeline seals their emptiest area above the 20 mm page-number
    # band, so every page keeps 20 + 42 mm free at its foot; the package table repeats its heading row
    document = docx.Document(str(AGREEMENT))
    margin = document.sections[0].bottom_margin
    assert margin is not None and margin.mm >= 20 + 42
    package = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    tr_pr = package.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


# --------------------------------------------------------------------------- starter and sample


def test_checklist_order_and_sources() -> None:
    checklist = load_checklist("ucc")
    assert [i.id for i in checklist.items] == [
        "business_licence",
        "legal_rep_id",
        "service_agreement",
        "anti_fraud_commitment",
        "phone_bills",
        "destination_commitment",
        "special_materials",
    ]
    assert checklist.title == "企业融合通信业务" and checklist.subtitle == "申请材料"
    assert checklist.items[4].files == "ucc.destinations[].bill"
    assert checklist.items[6].attachment_keys == ["holder_photo", "sales_permit", "agency_permit"]
    assert not checklist.items[6].is_required({})


def test_sample_checks_clean_and_uses_fictitious_codes(sample: LoadedProfile) -> None:
    findings = check_loaded(sample, dt.date(2026, 11, 23))
    assert [f for f in findings if f.severity == "error"] == []
    p = sample.model
    assert isinstance(p, UccProfile)
    assert uscc_check(p.company.uscc[:17]) == p.company.uscc[17]
    for number in (p.legal_rep.id_number, p.number_contact.id_number):
        assert id_check(number[:17]) == number[17]
    assert p.signing.date == dt.date(2026, 11, 20)
    for phone in (p.legal_rep.mobile, p.number_contact.mobile, p.ucc.contact_24h.phone):
        assert phone.startswith("13800138")
    assert (
        p.ucc.contract.total
        == p.ucc.contract.platform_fee + p.ucc.contract.number_fee + p.ucc.contract.prepaid
    )


# --------------------------------------------------------------------------- end to end


def read_dossier(folder: Path) -> tuple[dict[str, Any], Any]:
    from pypdf import PdfReader

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return manifest, PdfReader(folder / "dossier.pdf")


@pytest.fixture(scope="module")
def built(built_sample: Any) -> Path:
    return built_sample("ucc")["folder"]  # type: ignore[no-any-return]


@pytest.mark.e2e
def test_e2e_pages_bookmarks_and_signatures(built: Path) -> None:
    manifest, reader = read_dossier(built)
    assert len(reader.pages) == manifest["pages"]
    titles = [item.title for item in load_checklist("ucc").items][:6]  # no special materials
    top = [o for o in reader.outline if not isinstance(o, list)]
    assert [o.title for o in top] == [f"{n}. {t}" for n, t in enumerate(titles, 1)]
    assert [i["id"] for i in manifest["items"]][-1] == "destination_commitment"
    for mark, item in zip(top, manifest["items"], strict=True):
        assert reader.get_destination_page_number(mark) + 1 == item["first_page"]
    bills = next(i for i in manifest["items"] if i["id"] == "phone_bills")
    assert [s["path"] for s in bills["sources"]] == [
        "attachments/缴费账单-0510-85550100.pdf",
        "attachments/缴费账单-13800138102.pdf",
    ]
    # page numbers and placeholders on every page, fonts, filled forms: test_kinds.py, for every kind
    assert "江苏云启示例通信技术有限公司" in squash(
        reader.pages[0].extract_text() or ""
    )  # 受理单位 on the cover
    who = [s["who"] for s in manifest["signatures"]]
    assert who == ["法定代表人或授权代表", "授权代表", "承诺人", "法定代表人"]


@pytest.mark.e2e
def test_e2e_individual_business_adds_special_materials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "geti"
    shutil.copytree(SAMPLE.parent, folder)
    profile = folder / SAMPLE.name
    content = profile.read_text(encoding="utf-8")
    content = content.replace('entity_type = "enterprise"', 'entity_type = "individual_business"')
    content = content.replace('name = "minglan-ucc"', 'name = "geti-ucc"')
    content += 'holder_photo = ["attachments/法人手持证件照.jpg"]\n'  # [attachments] is the last table
    profile.write_text(content, encoding="utf-8")
    monkeypatch.syspath_prepend(str(ROOT / "tools"))
    scans = load_tool("make_sample_scans_ucc", monkeypatch)
    scans.generate(folder / "attachments", profile)

    run = run_cli("build", str(profile), "-o", str(tmp_path / "out"), "--format", "json")
    assert run.returncode == 0, run.stderr
    manifest, reader = read_dossier(tmp_path / "out" / "geti-ucc")
    assert [i["id"] for i in manifest["items"]][-1] == "special_materials"
    assert len(manifest["items"]) == 7
    top = [o.title for o in reader.outline if not isinstance(o, list)]
    assert top[-1] == "7. 其他特殊材料"
    special = manifest["items"][-1]
    assert [s["path"] for s in special["sources"]] == ["attachments/法人手持证件照.jpg"]
    assert len(reader.pages) == manifest["pages"] == special["last_page"]
