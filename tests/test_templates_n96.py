"""The n96 templates (占用申请表, 承诺书) render the sample profile completely, strictly and as official forms.
Page set-up, fonts, dates and the embedded diagram are checked for every kind in tests/test_kinds.py."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import docx
import pytest
from jinja2.exceptions import UndefinedError
from lxml import etree
from PIL import Image
from support import ROOT, W, part, render, text, variant

from numdossier.errors import TemplateError
from numdossier.kinds.n96.forms import CARRIERS, trunk_rows
from numdossier.kinds.n96.profile import N96Profile
from numdossier.profile import LoadedProfile, load_profile

TEMPLATES = ROOT / "templates" / "n96"
FORM, COMMITMENT = TEMPLATES / "application_form.docx", TEMPLATES / "commitment.docx"
SAMPLE = ROOT / "samples" / "n96" / "qinghe-96.toml"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> LoadedProfile:
    """The sample profile, its attachments folder moved to tmp with a generated topology diagram (once for
    the module: tests change copies, see `variant`)."""
    folder = tmp_path_factory.mktemp("n96-sample")
    loaded = load_profile(str(SAMPLE))
    assert isinstance(loaded.model, N96Profile)
    image = folder / loaded.model.n96.topology_image
    image.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (1200, 700), "white").save(image)
    return dataclasses.replace(loaded, folder=folder)


@pytest.fixture(scope="module")
def form(sample: LoadedProfile) -> bytes:
    return render(FORM, sample)


@pytest.fixture(scope="module")
def letter(sample: LoadedProfile) -> bytes:
    return render(COMMITMENT, sample)


# --------------------------------------------------------------------------- completeness


def test_form_shows_the_profile(sample: LoadedProfile, form: bytes) -> None:
    body = text(form)
    p = sample.model
    assert isinstance(p, N96Profile)
    for value in [
        p.company.name,
        p.company.address,
        p.company.postcode,
        p.legal_rep.name,
        p.legal_rep.mobile,
        p.service_head.name,
        p.number_contact.name,
        p.number_contact.email,
        *p.current_numbers.numbers,
        *p.n96.platform_sites,
        "、".join(p.n96.first_year_cities),
        str(p.n96.monthly_calls),
        "2026 年 11 月 20 日",
    ]:
        assert value in body, value
    for equipment in p.n96.equipment:
        assert equipment.name in body and equipment.model in body
    for trunk in p.n96.trunks:
        assert trunk.location in body


def test_multiline_text_keeps_its_line_breaks(sample: LoadedProfile, form: bytes) -> None:
    schedule_first_line = sample.model.n96.schedule.splitlines()[0]  # type: ignore[attr-defined]
    assert schedule_first_line in text(form)
    assert "<w:br/>" in part(form)


# --------------------------------------------------------------------------- checkboxes


def test_checkboxes_follow_the_sample(form: bytes) -> None:
    body = text(form)
    for checked in ("☑物流", "☑5位短号码", "☑集中式组网", "☑中国电信", "☑中国移动"):
        assert checked in body, checked
    for unchecked in ("□银行", "□保险", "□证券", "□航空", "□其他", "□6位短号码", "□分布式组网",
                      "□其他方式（请另附专页说明）", "□中国联通", "□中国广电"):  # fmt: skip
        assert unchecked in body, unchecked


def test_six_digit_variant_checks_6(sample: LoadedProfile) -> None:
    body = text(render(FORM, variant(sample, **{"n96.digits": 6, "n96.wanted": "961234"})))
    assert "□5位短号码" in body and "☑6位短号码" in body
    assert "意向号码：961234" in body


def test_other_industry_and_network_print_their_notes(sample: LoadedProfile) -> None:
    changed = variant(
        sample,
        **{
            "company.industry": "其他",
            "company.industry_detail": "电力",
            "n96.network": "other",
            "n96.network_note": "主备双平台",
        },
    )
    body = text(render(FORM, changed))
    assert "☑其他：电力" in body and "□物流" in body
    assert "☑其他方式（请另附专页说明）" in body and "说明：主备双平台" in body


def test_trunk_rows_cover_every_carrier_in_official_order(sample: LoadedProfile) -> None:
    rows = trunk_rows(sample.model.n96.trunks)  # type: ignore[attr-defined]
    assert [r["carrier"] for r in rows] == list(CARRIERS)
    assert [r["checked"] for r in rows] == [True, True, False, False]
    assert rows[2] == {
        "carrier": "中国联通",
        "checked": False,
        "location": "",
        "count": "",
        "purchased": None,
    }
    two_telecom = variant(
        sample,
        **{
            "n96.trunks": [
                {"carrier": "中国移动", "location": "宁波", "count": 5, "purchased": False},
                {"carrier": "中国电信", "location": "杭州", "count": 30, "purchased": True},
                {"carrier": "中国电信", "location": "温州", "count": 10, "purchased": False},
            ]
        },
    )
    rows = trunk_rows(two_telecom.model.n96.trunks)  # type: ignore[attr-defined]
    assert [(r["carrier"], r["location"]) for r in rows] == [
        ("中国电信", "杭州"),
        ("中国电信", "温州"),
        ("中国移动", "宁波"),
        ("中国联通", ""),
        ("中国广电", ""),
    ]
    body = text(render(FORM, two_telecom))
    assert body.count("计划直接接入的基础电信网络：") == 1  # the label cell is merged down the rows


def test_equipment_rows_repeat_and_an_empty_list_keeps_one_blank_row(sample: LoadedProfile) -> None:
    def equipment_table_rows(docx_bytes: bytes) -> int:
        root = etree.fromstring(part(docx_bytes).encode("utf-8"))
        rows = list(root.iter(f"{W}tr"))
        texts = ["".join(t.text or "" for t in tr.iter(f"{W}t")) for tr in rows]
        start = next(i for i, t in enumerate(texts) if t.startswith("设备名称"))
        end = next(i for i, t in enumerate(texts) if t.startswith("2、线路准备情况"))
        return end - start - 1

    assert equipment_table_rows(render(FORM, sample)) == 3
    assert equipment_table_rows(render(FORM, variant(sample, **{"n96.equipment": []}))) == 1


# --------------------------------------------------------------------------- strictness, dates


def test_undefined_variable_is_an_error(tmp_path: Path, sample: LoadedProfile) -> None:
    document = docx.Document()
    document.add_paragraph("{{ company.nmae }}")
    path = tmp_path / "typo.docx"
    document.save(str(path))
    with pytest.raises(TemplateError) as raised:  # the build's words for it, naming the template
        render(path, sample)
    assert isinstance(raised.value.__cause__, UndefinedError) and "typo.docx" in str(raised.value)


# --------------------------------------------------------------------------- official wording


def test_cover_and_declaration(form: bytes, sample: LoadedProfile) -> None:
    body = text(form)
    for phrase in [
        "96号段客服类电话接入号码",
        "占用申请表",
        "（96XXX/96XXXX）",
        f"申请单位：{sample.model.company.name}（盖章）",
        "工业和信息化部制",
        "声明条款：",
        "本公司保证申请提交的所有信息真实有效，附件复印件与原件相符，如有虚假，本公司和本人愿意接受管理机构依法处罚。",
        "本公司保证在获批码号后一年内启用所分配的码号，并达到规定的使用规模或预期的服务能力，"
        "如未在规定时间启用所分配码号或未达到最低使用规模或预期服务能力，本公司和本人愿意接受电信主管部门收回我公司所分配的码号。",
        "法定代表人（签字）：",
        "申请单位（盖章）",
        "按照《电信网码号资源管理办法》，码号申请人应说明近期启用码号所需设备、线路等的准备情况。",
        "自获得码号资源起一年内，开展业务的省内1或4个以上地市（本地网）",
    ]:
        assert phrase in body, phrase
    labels = [
        "申请单位信息",
        "申请单位名称",
        "通信地址及邮编",
        "所属行业",
        "法定代表人姓名",
        "客服部负责人姓名",
        "码号联系人姓名",
        "电子邮箱",
        "申请单位情况简介",
        "现使用的码号资源情况",
        "拟申请码号类型",
        "申请理由及码号用途",
        "启用码号的技术方案",
        "启用码号网络拓扑图",
        "网络组织和业务平台设置方式",
        "业务平台（计划）设置地",
        "码号开通前期工作准备情况",
        "1、设备准备情况",
        "2、线路准备情况",
        "码号预期服务能力",
        "已有坐席数（个）",
        "拟建坐席数（个）",
        "预期接通率（%）",
        "码号启用实施进度安排",
        "进度安排计划",
        "声明条款",
    ]
    positions = [body.index(label) for label in labels]
    assert positions == sorted(positions), "labels are in the official order"


def test_commitment_clauses(letter: bytes, sample: LoadedProfile) -> None:
    body = text(letter)
    assert "电话接入号码使用承诺书" in body and "工业和信息化部：" in body
    assert (
        "我公司在获得中华人民共和国电信网码号资源使用证书后，在使用96号段电话接入号码过程中，将遵守如下承诺："
        in body
    )
    clauses = [
        "在本省的4个以上（96字头6位短号至少1个以上）地市（本地网）启用码号、开展业务。",
        "我公司承诺不转让、不出租、不变相转租码号，不超范围使用码号，不擅自改变码号用途",
        "与相关基础电信运营企业签署码号开通协议，规范接入96号段电话接入号码",
        "先征得被叫用户同意；规范外呼时段、频次",
        "严格执行国家安全管理部门和电信主管部门的安全保密管理规定。",
        "每年三月底前，登录工业和信息化部政务服务平台（https://ythzxfw.miit.gov.cn/）",
        "服从工业和信息化部及当地通信管理局的管理。",
    ]
    for number, clause in enumerate(clauses, start=1):
        assert re.search(rf"^{number}\. .*{re.escape(clause)}", body, re.M), clause
    assert "以上承诺如有违反，愿接受工业和信息化部及当地通信管理局的依法处罚。" in body
    assert f"申请单位：{sample.model.company.name}（盖章）" in body


def test_seal_and_signature_words_appear_only_at_their_places(form: bytes, letter: bytes) -> None:
    # The pipeline finds these words in the PDF to place the seal placeholders and list signatures.
    assert text(form).count("盖章") == 2 and text(form).count("签字") == 2
    assert text(letter).count("盖章") == 1 and text(letter).count("签字") == 1


@pytest.mark.parametrize("template", [FORM, COMMITMENT], ids=["form", "commitment"])
def test_a_long_company_name_puts_the_seal_word_on_its_own_line(
    template: Path, sample: LoadedProfile
) -> None:
    # A line break inside "盖章" would hide the word from the pipeline's seal placement.
    name = "浙江青禾示例现代物流供应链管理股份有限公司"
    rendered = render(template, variant(sample, **{"company.name": name}))
    body = text(rendered)
    assert f"申请单位：{name}（盖章）" in body and body.count("盖章") == text(render(template, sample)).count(
        "盖章"
    )
    assert "<w:br/><w:t>（盖章）</w:t>" in part(rendered)
    assert "<w:br/><w:t>（盖章）</w:t>" not in part(render(template, sample))


# --------------------------------------------------------------------------- page and table format


def test_every_table_cell_has_single_black_borders(form: bytes) -> None:
    for docx_bytes in (FORM.read_bytes(), form):
        root = etree.fromstring(part(docx_bytes).encode("utf-8"))
        cells = list(root.iter(f"{W}tc"))
        assert len(cells) > 50
        for tc in cells:
            borders = tc.find(f"{W}tcPr/{W}tcBorders")
            assert borders is not None
            for side in ("top", "left", "bottom", "right"):
                edge = borders.find(f"{W}{side}")
                assert edge is not None and edge.get(f"{W}val") == "single"
                assert edge.get(f"{W}color") == "000000"
