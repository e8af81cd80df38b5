"""The n400 kind: its four forms render the profile completely, its starter and sample load, and the
sample builds into a print-ready dossier with the real CLI (e2e). The checks every kind shares are in
tests/test_kinds.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from lxml import etree
from support import ROOT, W, attr, part, render, squash, text, variant

from numdossier.kinds import load_checklist
from numdossier.kinds.n400.forms import destination_rows, org_code
from numdossier.kinds.n400.profile import REQUEST_TYPES, N400Profile
from numdossier.profile import LoadedProfile, load_profile
from numdossier.render.engine import DATE_BLANK, environment

TEMPLATES = ROOT / "templates" / "n400"
AUTHORIZATION = TEMPLATES / "authorization.docx"
REQUEST = TEMPLATES / "request_form.docx"
AGREEMENT = TEMPLATES / "security_agreement.docx"
COMMITMENT = TEMPLATES / "security_commitment.docx"
FORMS = [AUTHORIZATION, REQUEST, AGREEMENT, COMMITMENT]
FORM_IDS = ["authorization", "request_form", "security_agreement", "security_commitment"]
STARTER = TEMPLATES / "starter.toml"
SAMPLE = ROOT / "samples" / "n400" / "xinghe-400.toml"


@pytest.fixture(scope="module")
def sample() -> LoadedProfile:
    return load_profile(SAMPLE)


def body(template: Path, loaded: LoadedProfile) -> str:
    return text(render(template, loaded))


# --------------------------------------------------------------------------- completeness


def test_authorization_shows_agent_and_carrier(sample: LoadedProfile) -> None:
    p = sample.model
    assert isinstance(p, N400Profile)
    out = body(AUTHORIZATION, sample)
    assert out.splitlines()[1] == f"{p.n400.carrier.name}："  # addressed to the receiving unit
    for value in (
        p.company.name,
        p.company.uscc,
        p.agent.name,
        p.agent.id_number,
        p.agent.mobile,
        p.agent.phone,
        p.agent.email,
        "居民身份证",
        p.n400.number,
        "开通业务",
        "2026 年 11 月 20 日",
    ):
        assert value in out, value
    assert "法定代表人（签字）" in out


def test_request_form_shows_the_profile(sample: LoadedProfile) -> None:
    p = sample.model
    assert isinstance(p, N400Profile)
    out = body(REQUEST, sample)
    for value in (
        p.company.name,
        p.company.uscc,
        p.company.address,
        p.company.postcode,
        p.number_contact.name,
        p.number_contact.mobile,
        p.agent.name,
        p.agent.mobile,
        p.n400.number,
        p.n400.small_number,
        p.n400.note,
        "2026 年 12 月 1 日",
        "申请日期：2026 年 11 月 20 日",
    ):
        assert value in out, value


def test_org_code_is_uscc_characters_9_to_17(sample: LoadedProfile) -> None:
    uscc = sample.model.company.uscc
    assert org_code(uscc) == f"{uscc[8:16]}-{uscc[16]}"
    assert org_code("91340104MA8XK3PT5C") == "MA8XK3PT-5"
    assert org_code("short") == ""
    assert f"{uscc[8:16]}-{uscc[16]}" in body(REQUEST, sample)


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
def test_request_checkboxes(sample: LoadedProfile, request_type: str) -> None:
    out = body(REQUEST, variant(sample, **{"n400.request": request_type}))
    for option in REQUEST_TYPES:
        mark = "☑" if option == request_type else "□"
        assert re.search(rf"{mark}{option}(\u3000|$)", out, re.M), (option, mark)
    assert out.count("☑") == 1


def test_three_destination_rows_with_one_filled(sample: LoadedProfile) -> None:
    one = variant(sample, **{"n400.destinations": ["0551-65550188"]})
    lines = body(REQUEST, one).splitlines()
    assert "1、0551-65550188" in lines
    assert "2、" in lines and "3、" in lines
    assert destination_rows(["a"]) == [
        {"no": 1, "number": "a"},
        {"no": 2, "number": ""},
        {"no": 3, "number": ""},
    ]


def test_destination_rows_in_sample(sample: LoadedProfile) -> None:
    lines = body(REQUEST, sample).splitlines()
    dest = sample.model.n400.destinations  # type: ignore[attr-defined]
    assert f"1、{dest[0]}" in lines and f"2、{dest[1]}" in lines and "3、" in lines


def test_scope_and_use_checkboxes(sample: LoadedProfile) -> None:
    out = body(AGREEMENT, sample)
    assert "☑全国" in out and "□国际" in out and "□省内（\u3000" in out
    assert "☑热线电话" in out and "□办公" in out and "□营销" in out and "□其他（\u3000" in out


def test_scope_province_prints_the_province(sample: LoadedProfile) -> None:
    local = variant(sample, **{"n400.scope": "省内", "n400.scope_province": "安徽省"})
    out = body(AGREEMENT, local)
    assert "☑省内（安徽省）" in out and "□全国" in out
    # a province given while the scope is not 省内 is not printed
    other = variant(sample, **{"n400.scope_province": "安徽省"})
    assert "安徽省）" not in body(AGREEMENT, other)


def test_use_other_prints_detail(sample: LoadedProfile) -> None:
    other = variant(sample, **{"n400.use": "其他", "n400.use_detail": "物流查询专线"})
    out = body(AGREEMENT, other)
    assert "☑其他（物流查询专线）" in out and "□热线电话" in out


def test_carrier_comes_from_the_profile(sample: LoadedProfile) -> None:
    other = variant(
        sample,
        **{
            "n400.carrier.name": "另一示例通信服务有限公司",
            "n400.carrier.brand": "中国联通",
            "n400.carrier.hotlines": ["0551-65559999", "4000000288"],
            "n400.service_years": 3,
        },
    )
    assert "另一示例通信服务有限公司：" in body(AUTHORIZATION, other)
    agreement = body(AGREEMENT, other)
    assert "乙方（受理单位）：另一示例通信服务有限公司" in agreement
    assert "乙方：另一示例通信服务有限公司（盖章）" in agreement
    assert "0551-65559999、4000000288" in agreement
    assert "服务期限为3年" in agreement
    commitment = body(COMMITMENT, other)
    assert "中国联通" in commitment and "中国电信" not in commitment
    # nothing about the carrier is hard-coded in the templates
    sample_carrier = sample.model.n400.carrier  # type: ignore[attr-defined]
    for template in FORMS:
        xml = part(template.read_bytes())
        assert sample_carrier.name not in xml
        for brand in ("中国电信", "中国移动", "中国联通", "中国广电"):
            assert brand not in xml, (template.name, brand)
        for hotline in sample_carrier.hotlines:
            assert hotline not in xml


def test_commitment_names_the_brand(sample: LoadedProfile) -> None:
    out = body(COMMITMENT, sample)
    assert "基础电信运营商中国电信" in out
    for value in (sample.model.company.name, sample.model.company.address, sample.model.n400.number):  # type: ignore[attr-defined]
        assert value in out


def test_dates_or_blanks(sample: LoadedProfile) -> None:
    undated = variant(sample, **{"signing.date": None, "n400.open_date": None})
    for template in FORMS:
        out = body(template, undated)
        assert DATE_BLANK in out, template.name
        assert "2026 年" not in out, template.name
    assert "开通日期" in body(REQUEST, undated)


@pytest.mark.parametrize(
    ("template", "seals", "signatures"),
    [(AUTHORIZATION, 1, 1), (REQUEST, 1, 0), (AGREEMENT, 2, 1), (COMMITMENT, 1, 1)],
    ids=FORM_IDS,
)
def test_seal_and_signature_words_only_at_their_places(
    template: Path, seals: int, signatures: int, sample: LoadedProfile
) -> None:
    """The pipeline places seals on every "盖章" and lists signatures by "签字": nowhere else."""
    out = body(template, sample)
    assert out.count("盖章") == out.count("（盖章）") == seals
    assert out.count("签字") == out.count("（签字）") == signatures


def test_agreement_parties_seal_under_their_names(sample: LoadedProfile) -> None:
    """Side-by-side party blocks: （盖章） starts the line under each name, so 乙方 stays close above it."""
    out = part_text_with_breaks(render(AGREEMENT, sample))
    carrier = sample.model.n400.carrier.name  # type: ignore[attr-defined]
    assert f"甲方：{sample.model.company.name}\n（盖章）" in out
    assert f"乙方：{carrier}\n（盖章）" in out
    assert "法定代表人或授权代表（签字）：" in out and "乙方代表：" in out


def test_agreement_first_page_keeps_a_band_for_the_seal() -> None:
    """Page 1 of the agreement has no 盖章 place: its foot stays free for the 42 mm placeholder."""
    root = etree.fromstring(part(AGREEMENT.read_bytes()).encode("utf-8"))
    sections = list(root.iter(f"{W}sectPr"))
    assert len(sections) == 2
    first_bottom_mm = int(attr(sections[0].find(f"{W}pgMar"), f"{W}bottom")) * 25.4 / 1440
    assert first_bottom_mm >= 20 + 42


def test_request_checkbox_lines_start_with_a_cjk_space(sample: LoadedProfile) -> None:
    """LibreOffice draws a leading □ in the Latin font; after an ideographic space it uses the CJK font."""
    lines = [line for line in body(REQUEST, sample).splitlines() if "撤机" in line or "用户资料变更" in line]
    assert len(lines) == 2
    assert all(line.startswith("\u3000") for line in lines)


def test_long_company_name_puts_the_seal_on_its_own_line(sample: LoadedProfile) -> None:
    long_name = "合肥星禾示例电子商务与供应链管理服务集团股份有限公司某某区分公司"
    rendered = render(REQUEST, variant(sample, **{"company.name": long_name}))
    assert long_name in text(rendered)
    assert f"{long_name}\n（盖章）" in part_text_with_breaks(rendered)
    short = part_text_with_breaks(render(REQUEST, sample))
    assert f"{sample.model.company.name}（盖章）" in short


def part_text_with_breaks(docx_bytes: bytes) -> str:
    root = etree.fromstring(part(docx_bytes).encode("utf-8"))
    chunks = []
    for node in root.iter(f"{W}t", f"{W}br"):
        chunks.append("\n" if node.tag == f"{W}br" else node.text or "")
    return "".join(chunks)


# --------------------------------------------------------------------------- checklist, starter, sample


def test_checklist_order_and_authority(sample: LoadedProfile) -> None:
    checklist = load_checklist("n400")
    assert [i.id for i in checklist.items] == [*FORM_IDS, "business_licence", "id_copies"]
    ids = checklist.items[-1]
    assert ids.attachment_keys == ["legal_rep_id", "agent_id"] and ids.sides and ids.required
    assert checklist.items[-2].required
    rendered = environment().from_string(checklist.authority).render(**sample.model.model_dump())
    assert rendered == sample.model.n400.carrier.name  # type: ignore[attr-defined]


def test_sample_loads_with_fictitious_data(sample: LoadedProfile) -> None:
    p = sample.model
    assert isinstance(p, N400Profile)
    assert re.fullmatch(r"4000000\d{3}", p.n400.number)
    for mobile in (p.legal_rep.mobile, p.number_contact.mobile, p.agent.mobile):
        assert re.fullmatch(r"13800138\d{3}", mobile)
    assert "示例" in p.company.name and "示例" in p.n400.carrier.name
    assert p.signing.date is not None and p.signing.date.isoformat() == "2026-11-20"


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def built(built_sample: Any) -> dict[str, Any]:
    return built_sample("n400")  # type: ignore[no-any-return]


@pytest.mark.e2e
def test_e2e_items(built: dict[str, Any]) -> None:
    # the JSON result, pages and page numbers: test_kinds.py, for every kind's sample
    manifest = built["manifest"]
    assert [i["id"] for i in manifest["items"]] == [*FORM_IDS, "business_licence", "id_copies"]


@pytest.mark.e2e
def test_e2e_one_placeholder_a_page(built: dict[str, Any]) -> None:
    texts = [squash(page.extract_text() or "") for page in built["reader"].pages]
    for number, page in enumerate(texts, 1):
        # one placeholder a page: the applicant's 盖章 place, or the emptiest area; never 乙方's block
        assert page.count("此处加盖公章") == 1, f"page {number}"


@pytest.mark.e2e
def test_e2e_cover_names_the_carrier(built: dict[str, Any], sample: LoadedProfile) -> None:
    cover = squash(built["reader"].pages[0].extract_text() or "")
    assert "受理单位" in cover
    assert squash(sample.model.n400.carrier.name) in cover  # type: ignore[attr-defined]


@pytest.mark.e2e
def test_e2e_signatures(built: dict[str, Any]) -> None:
    items = {i["id"]: i for i in built["manifest"]["items"]}
    signatures = built["manifest"]["signatures"]
    assert [s["who"] for s in signatures] == ["法定代表人", "法定代表人或授权代表", "法定代表人"]
    for signature, item in zip(
        signatures, ("authorization", "security_agreement", "security_commitment"), strict=True
    ):
        assert items[item]["first_page"] <= signature["page"] <= items[item]["last_page"]


# --------------------------------------------------------------------------- page fit (real LibreOffice)

LONG_NOTE = (
    "用于本公司网上商城和线下门店的售前咨询、订单查询、售后服务和投诉受理热线，工作时间每日 8:00–22:00，"
    "节假日不休；非工作时间转接语音留言，次日由客服专员回访。两个目的码分别接入合肥总部呼叫中心和芜湖分中心。"
)
# Long but valid values: a long branch name, a long address, all three 目的码, a note of three lines.
LONG = {
    "company.name": "合肥星禾示例电子商务与供应链管理服务集团股份有限公司某某区分公司",
    "company.address": "安徽省合肥市高新技术产业开发区示例大道与示例路交叉口东南角示例科技产业园二期 B 座 12 层 1208 室",
    "agent.email": "tangruoxi.customer-service@xinghe-example.cn",
    "number_contact.office_phone": "0551-65550101 转 8001",
    "n400.destinations": ["0551-65550188", "13800138204", "0553-65550177"],
    "n400.request_no": "XH-2026-400-000123",
    "n400.note": LONG_NOTE,
}


class Printed(NamedTuple):
    text: str  # white space removed
    foot_mm: float  # from the lowest text to the bottom edge of the page


def converted_pages(tmp_path: Path, fills: dict[str, tuple[Path, LoadedProfile]]) -> dict[str, list[Printed]]:
    """Each (template, profile) filled and converted by the real LibreOffice (one run), read back page
    by page."""
    import pypdfium2 as pdfium

    from numdossier.convert import Converter, find_soffice

    docs = []
    for name, (template, loaded) in fills.items():
        docs.append(tmp_path / f"{name}.docx")
        docs[-1].write_bytes(render(template, loaded))
    pdfs = Converter(find_soffice()).convert(docs, tmp_path / "pdf")
    printed: dict[str, list[Printed]] = {}
    for name, pdf in zip(fills, pdfs, strict=True):
        document = pdfium.PdfDocument(str(pdf))
        try:
            pages = printed[name] = []
            for page in document:
                textpage = page.get_textpage()
                count = textpage.count_chars()
                text = squash(textpage.get_text_range(0, count))
                lowest = min(textpage.get_charbox(i)[1] for i in range(count))
                pages.append(Printed(text, lowest * 25.4 / 72))
        finally:
            document.close()
    return printed


# Pages of each form for the sample and for LONG, and the text kept on the page of the applicant's 盖章
# with its signature block, so that the block never stands alone on a page.
PAGE_NUMBER_BAND_MM = 20  # the 第 N 页 overlay
SEAL_ZONE_MM = PAGE_NUMBER_BAND_MM + 42  # and a 42 mm placeholder above it
FITS = {
    "authorization": (AUTHORIZATION, 1, 1, "电子邮箱"),
    "request_form": (REQUEST, 1, 1, "补充说明"),
    "security_agreement": (AGREEMENT, 2, 2, "一式两份"),
    "security_commitment": (COMMITMENT, 1, 2, "单位全称"),
}


@pytest.mark.e2e
def test_forms_fit_their_pages_and_never_leave_the_seal_alone(sample: LoadedProfile, tmp_path: Path) -> None:
    """Each form's pages for the sample and for long values, the seal on its last page with the text
    before its signature block; a 业务需求单 note too long for one page takes the note row along to the
    seal box's page, and page 1 (no 盖章 there) ends above the free seal zone of its foot."""
    long = variant(sample, **LONG)
    overlong = variant(sample, **{**LONG, "n400.note": LONG_NOTE * 4})
    fills = {"request_form-overlong": (REQUEST, overlong)}
    for name, (template, *_) in FITS.items():
        fills |= {f"{name}-sample": (template, sample), f"{name}-long": (template, long)}
    pages = converted_pages(tmp_path, fills)
    for name, (_, sample_pages, long_pages, kept) in FITS.items():
        for fill, count in (("sample", sample_pages), ("long", long_pages)):
            printed = pages[f"{name}-{fill}"]
            assert len(printed) == count, (name, fill)
            *before, last = printed
            assert "（盖章）" in last.text and kept in last.text, (name, fill)
            for page in before:  # no 盖章 there: the placeholder goes to the free zone at the foot
                assert "（盖章）" not in page.text and page.foot_mm >= SEAL_ZONE_MM, (name, fill)
            assert last.foot_mm >= PAGE_NUMBER_BAND_MM, (name, fill)
    first, second = pages["request_form-overlong"]
    assert "（盖章）" not in first.text and "目的码" in first.text and first.foot_mm >= SEAL_ZONE_MM
    assert "补充说明" in second.text and "（盖章）" in second.text
