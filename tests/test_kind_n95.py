"""The n95 kind: profile model, templates (码号资源申请表, 承诺书), starter, sample, and the built dossier:
what is n95's own (the 955 variant, its wording and tables); the checks every kind shares are in
tests/test_kinds.py."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PIL import Image, ImageDraw
from pypdf import PdfReader
from support import ROOT, W, attr, part, render, run_cli, squash, text, variant

from numdossier.kinds import load_checklist
from numdossier.kinds.n95.forms import SECTORS_955, SERVICES
from numdossier.kinds.n95.profile import N95Profile
from numdossier.profile import LoadedProfile, load_profile
from numdossier.rules.attachments import extra_references

TEMPLATES = ROOT / "templates" / "n95"
FORM, COMMITMENT = TEMPLATES / "application_form.docx", TEMPLATES / "commitment.docx"
STARTER, CHECKLIST = TEMPLATES / "starter.toml", TEMPLATES / "checklist.toml"
SAMPLE = ROOT / "samples" / "n95" / "xingyun-952.toml"

# 955: 15 branches in 6 provinces (the N95-955 minimum), all real prefecture-level cities
BRANCHES_955 = [
    ("江苏省", "南京市"), ("江苏省", "苏州市"), ("江苏省", "无锡市"),
    ("浙江省", "杭州市"), ("浙江省", "宁波市"), ("浙江省", "温州市"),
    ("广东省", "广州市"), ("广东省", "深圳市"), ("广东省", "佛山市"),
    ("山东省", "济南市"), ("山东省", "青岛市"),
    ("湖北省", "武汉市"), ("湖北省", "宜昌市"),
    ("四川省", "成都市"), ("四川省", "绵阳市"),
]  # fmt: skip


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def sample() -> LoadedProfile:
    loaded = load_profile(SAMPLE)
    assert isinstance(loaded.model, N95Profile)
    return loaded


def branches_955(proofs: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "name": f"江苏星云示例信息服务有限公司{city.removesuffix('市')}分公司",
            "kind": "分公司",
            "province": province,
            "city": city,
            "proofs": [f"attachments/branches/{n:02d}.png"] if proofs else [],
        }
        for n, (province, city) in enumerate(BRANCHES_955, 1)
    ]


def as_955(loaded: LoadedProfile) -> LoadedProfile:
    return variant(
        loaded,
        **{
            "n95.prefix": "955",
            "n95.services": [],
            "company.industry": "银行",
            "licence": None,
            "branches": branches_955(),
        },
    )


def rows(docx_bytes: bytes) -> list[str]:
    """Table row texts (cells joined with |)."""
    root = etree.fromstring(part(docx_bytes).encode("utf-8"))
    return [
        "|".join("".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.iter(f"{W}tc"))
        for tr in root.iter(f"{W}tr")
    ]


def rows_between(docx_bytes: bytes, header: str, after: str) -> list[str]:
    """The rows of a table section: after the row starting with `header`, before the one with `after`."""
    texts = rows(docx_bytes)
    start = next(i for i, t in enumerate(texts) if t.startswith(header))
    end = next(i for i, t in enumerate(texts) if i > start and t.startswith(after))
    return texts[start + 1 : end]


def row_of(docx_bytes: bytes, label: str) -> str:
    return next(t for t in rows(docx_bytes) if t.startswith(label + "|"))


@pytest.fixture(scope="module")
def form(sample: LoadedProfile) -> bytes:
    return render(FORM, sample)


@pytest.fixture(scope="module")
def letter(sample: LoadedProfile) -> bytes:
    return render(COMMITMENT, sample)


@pytest.fixture(scope="module")
def form_955(sample: LoadedProfile) -> bytes:
    return render(FORM, as_955(sample))


# --------------------------------------------------------------------------- profile and checklist


def test_sample_loads_as_n95(sample: LoadedProfile) -> None:
    assert sample.kind == "n95" and sample.name == "xingyun-952"
    model = sample.model
    assert isinstance(model, N95Profile)
    assert model.n95.prefix == "952" and model.licence is not None
    assert "呼叫中心业务" in model.licence.services
    assert len(model.licence.provinces) > 6 and len(model.licence.cities) > 12
    assert model.signing.date is not None and model.licence.valid_until is not None
    assert model.licence.valid_until >= model.signing.date.replace(year=model.signing.date.year + 1)
    refs = extra_references(sample)
    assert [(r.field, r.path) for r in refs] == [("n95.network_plan_image", "attachments/网络组织图.png")]


def test_unknown_prefix_is_refused(sample: LoadedProfile) -> None:
    with pytest.raises(ValueError, match="prefix"):
        variant(sample, **{"n95.prefix": "953"})


def test_checklist_items_and_conditions(sample: LoadedProfile) -> None:
    checklist = load_checklist("n95")
    assert checklist.authority == "工业和信息化部"
    assert [i.id for i in checklist.items] == [
        "application_form",
        "business_licence",
        "licence_copy",
        "branch_proofs",
        "commitment",
        "id_copies",
    ]
    dump = sample.model.model_dump(mode="python")
    assert "branch_proofs" not in [i.id for i in checklist.applicable(dump)]
    dump_955 = as_955(sample).model.model_dump(mode="python")
    applicable = [i.id for i in checklist.applicable(dump_955)]
    assert "licence_copy" not in applicable and "branch_proofs" in applicable
    items = {i.id: i for i in checklist.items}
    assert items["id_copies"].attachment_keys == ["legal_rep_id"] and items["id_copies"].sides
    assert all(items[k].required for k in ("business_licence", "licence_copy", "branch_proofs", "id_copies"))


# --------------------------------------------------------------------------- templates: completeness


@pytest.mark.parametrize("template", [FORM, COMMITMENT], ids=["form", "commitment"])
def test_rendering_a_955_profile_leaves_no_jinja_tags(template: Path, sample: LoadedProfile) -> None:
    # the sample (952) is rendered for every kind in test_kinds.py
    xml = part(render(template, as_955(sample)))
    for marker in ("{{", "}}", "{%", "%}", "{#"):
        assert marker not in xml


def test_form_shows_the_profile(sample: LoadedProfile, form: bytes) -> None:
    body = text(form)
    p = sample.model
    assert isinstance(p, N95Profile)
    for value in [
        p.company.name,
        p.company.uscc,
        p.company.address,
        p.company.postcode,
        str(p.company.registered_capital),
        p.legal_rep.name,
        p.legal_rep.office_phone,
        p.legal_rep.mobile,
        p.number_contact.name,
        p.number_contact.mobile,
        p.number_contact.email,
        *p.current_numbers.numbers,
        p.n95.signalling,
        *p.n95.platform_sites,
        str(p.n95.agents),
        str(p.n95.seats_planned),
        "2026 年 11 月 20 日",
    ]:
        assert value in body, value
    for multiline in ("purpose", "clients", "traffic_forecast", "network_plan", "dialing", "routing",
                      "experience", "readiness", "gateways", "call_flow"):  # fmt: skip
        first_line = getattr(p.n95, multiline).strip().splitlines()[0]
        assert first_line in body, multiline
    for equipment in p.n95.equipment:
        assert equipment.name in body and equipment.model in body
    assert "<w:drawing>" in part(form)  # the network diagram


def test_labels_follow_the_material_list(form: bytes) -> None:
    # seed 001's materials 1-11, in its order
    body = text(form)
    labels = [
        "码号资源申请表",
        "申请单位名称",
        "统一社会信用代码",
        "注册资本（万元）",
        "通信地址及邮编",
        "法定代表人姓名",
        "码号联系人姓名",
        "增值电信业务经营许可证情况",
        "许可证编号",
        "业务种类",
        "有效期",
        "拟申请号段",
        "拟开展的业务",
        "业务覆盖范围",
        "码号用途及业务模式",
        "客户来源",
        "是否计划拓展位长",
        "启用码号的技术方案",
        "话音业务量预测",
        "已有坐席数（个）",
        "专职客服人员（人）",
        "业务平台设置方式",
        "业务平台设置地",
        "接入基础电信网络的方式",
        "接入的关口局/端局",
        "信令连接方式",
        "网络组织方案",
        "设备准备情况",
        "线路准备情况",
        "码号启用实施进度安排",
        "用户拨号方式",
        "话务路由方式",
        "人员、场地、设备、线路准备情况",
        "从业背景和经验",
        "声明：",
        "法定代表人（签字）：",
        "申请单位（盖章）",
    ]
    at = 0
    for label in labels:  # each after the one before it
        assert label in body[at:], label
        at = body.index(label, at) + len(label)


# --------------------------------------------------------------------------- checkboxes


def test_checkboxes_follow_the_sample(form: bytes) -> None:
    body = text(form)
    for checked in ("☑952XXX", "☑呼叫中心业务", "☑部分地区", "☑否", "☑集中式设置", "☑三网直联",
                    "☑中国电信", "☑中国移动", "☑中国联通"):  # fmt: skip
        assert checked in body, checked
    for unchecked in ("□950XX", "□951XX", "□955XX", "□国内多方通信服务业务", "□语音信箱业务", "□全国",
                      "□是", "□分布式设置", "□转接", "□中国广电"):  # fmt: skip
        assert unchecked in body, unchecked
    assert SERVICES == ("呼叫中心业务", "国内多方通信服务业务", "语音信箱业务")


def test_other_choices_move_the_ticks(sample: LoadedProfile) -> None:
    changed = variant(
        sample,
        **{
            "n95.prefix": "950",
            "n95.wanted": "95012",
            "n95.services": ["国内多方通信服务业务", "语音信箱业务", "电话信息服务业务"],
            "n95.platform": "distributed",
            "n95.access": "transit",
            "n95.carriers": ["中国广电"],
            "licence.provinces": ["全国"],
            "licence.cities": [],
        },
    )
    body = text(render(FORM, changed))
    for checked in ("☑950XX", "☑国内多方通信服务业务", "☑语音信箱业务", "☑电话信息服务业务", "☑分布式设置",
                    "☑转接", "☑中国广电", "☑全国"):  # fmt: skip
        assert checked in body, checked
    for unchecked in ("□952XXX", "□呼叫中心业务", "□集中式设置", "□三网直联", "□中国电信", "□部分地区"):
        assert unchecked in body, unchecked
    assert "95012" in row_of(render(FORM, changed), "意向号码")


def test_licence_table_rows(sample: LoadedProfile, form: bytes) -> None:
    licence = sample.model.licence  # type: ignore[attr-defined]
    assert row_of(form, "许可证编号") == f"许可证编号|{licence.number}"
    assert row_of(form, "业务种类") == f"业务种类|{'、'.join(licence.services)}"
    coverage = rows_between(form, "业务种类", "有效期")[0]
    assert coverage.startswith("业务覆盖范围|" + "、".join(licence.provinces))
    assert "城市：" + "、".join(licence.cities) in coverage
    assert row_of(form, "有效期") == "有效期|2024 年 3 月 1 日 至 2029 年 2 月 28 日"
    assert "不适用" not in text(form)


def test_coverage_counts_provinces_and_cities(sample: LoadedProfile, form: bytes) -> None:
    licence = sample.model.licence  # type: ignore[attr-defined]
    body = text(form)
    assert f"省（自治区、直辖市）（{len(licence.provinces)} 个）：" in body
    assert f"城市（{len(licence.cities)} 个）：" in body


def test_rollout_table_has_one_row_per_profile_row(sample: LoadedProfile, form: bytes) -> None:
    rollout = sample.model.n95.rollout  # type: ignore[attr-defined]
    table = rows_between(form, "省份|城市|启用时间", "六、")
    assert len(table) == len(rollout) > 1
    for row, entry in zip(table, rollout, strict=True):
        assert (
            row
            == f"{entry.province}|{entry.city}|{entry.date.year} 年 {entry.date.month} 月 {entry.date.day} 日"
        )
    two = variant(sample, **{"n95.rollout": [r.model_dump() for r in rollout[:2]]})
    assert len(rows_between(render(FORM, two), "省份|城市|启用时间", "六、")) == 2
    empty = rows_between(render(FORM, variant(sample, **{"n95.rollout": []})), "省份|城市|启用时间", "六、")
    assert empty == ["||"]  # one blank row keeps the table


def test_equipment_and_trunk_rows_come_from_the_profile(sample: LoadedProfile, form: bytes) -> None:
    model = sample.model
    assert isinstance(model, N95Profile)
    equipment = rows_between(form, "设备名称|", "线路准备情况")
    assert len(equipment) == len(model.n95.equipment)
    trunks = rows_between(form, "基础电信企业|", "五、")
    assert trunks == [
        f"{t.carrier}|{t.location}|{t.count}|{'是' if t.purchased else '否'}" for t in model.n95.trunks
    ]


def test_extension_plan_or_call_flow(sample: LoadedProfile, form: bytes) -> None:
    body = text(form)
    assert "用户呼入后的接续流程及语音提示" in body and "位长拓展的必要性及计划" not in body
    plan = "拟在码号后增加 1 位业务位，区分各外包项目。"
    extended = text(render(FORM, variant(sample, **{"n95.extend_digits": True, "n95.extension_plan": plan})))
    assert "☑是" in extended and "□否" in extended
    assert "位长拓展的必要性及计划" in extended and plan in extended
    assert "用户呼入后的接续流程及语音提示" not in extended


# --------------------------------------------------------------------------- 955


def test_955_form(sample: LoadedProfile, form_955: bytes) -> None:
    body = text(form_955)
    assert "不适用（955号码无需增值电信业务经营许可证）" in body
    assert "许可证编号" not in body
    assert "☑955XX" in body and "□952XXX" in body
    assert "☑银行" in body and all(f"□{s}" in body for s in SECTORS_955 if s != "银行")
    assert "955号码用于本单位的客户服务，不开展经营性电信业务。" in body
    assert "☑全国" in body
    assert "分支机构所在省份（6 个）：" in body and "分支机构所在城市（15 个）：" in body


def test_955_commitment(sample: LoadedProfile) -> None:
    body = text(render(COMMITMENT, as_955(sample)))
    assert "（955号段）" in body
    assert "码号仅用于本单位的客户服务，不利用码号开展经营性电信业务。" in body
    assert "许可证" not in body


# --------------------------------------------------------------------------- dates, seals, signatures


def test_seal_and_signature_words_appear_only_at_their_places(
    form: bytes, letter: bytes, form_955: bytes
) -> None:
    # The pipeline centres the seal placeholder on "盖章" and lists signatures by "签字".
    for rendered in (form, letter, form_955):
        body = text(rendered)
        assert body.count("盖章") == 1 and body.count("（盖章）") == 1
        assert body.count("签字") == 1 and body.count("（签字）") == 1


def test_a_long_company_name_puts_the_seal_word_on_its_own_line(sample: LoadedProfile) -> None:
    name = "江苏星云示例呼叫中心与多方通信信息技术服务股份有限公司"
    rendered = render(COMMITMENT, variant(sample, **{"company.name": name}))
    assert f"申请单位：{name}（盖章）" in text(rendered)
    assert "<w:br/><w:t>（盖章）</w:t>" in part(rendered)


# --------------------------------------------------------------------------- the commitment


def test_commitment_is_the_95_wording(letter: bytes, sample: LoadedProfile) -> None:
    body = text(letter)
    assert body.startswith("电话接入号码使用承诺书\n工业和信息化部：")
    assert "在使用95号段电话接入号码（952号段）过程中，将遵守如下承诺：" in body
    clauses = [
        "在全国范围内启用码号、开展业务。",
        "我公司承诺不转让、不出租、不变相转租码号，不超范围使用码号，不擅自改变码号用途",
        "仅利用码号开展增值电信业务经营许可证核准的呼叫中心业务",
        "与相关基础电信运营企业签署码号开通协议，规范接入95号段电话接入号码",
        "先征得被叫用户同意；规范外呼时段、频次",
        "严格执行国家安全管理部门和电信主管部门的安全保密管理规定",
        "每年三月底前，登录工业和信息化部政务服务平台（https://ythzxfw.miit.gov.cn/），按照要求填报上年度码号使用情况",
        "服从工业和信息化部及各地通信管理局的管理。",
    ]
    for number, clause in enumerate(clauses, start=1):
        assert re.search(rf"^{number}\. .*{re.escape(clause)}", body, re.M), clause
    assert "以上承诺如有违反，愿接受工业和信息化部及各地通信管理局的依法处罚。" in body
    assert f"申请单位：{sample.model.company.name}（盖章）" in body
    assert "96" not in body and "本省" not in body


# --------------------------------------------------------------------------- errors


# --------------------------------------------------------------------------- page and table format


def test_every_table_cell_has_borders(form: bytes) -> None:
    root = etree.fromstring(part(form).encode("utf-8"))
    cells = list(root.iter(f"{W}tc"))
    assert len(cells) > 80
    for tc in cells:
        borders = tc.find(f"{W}tcPr/{W}tcBorders")
        assert borders is not None
        assert all(attr(borders.find(f"{W}{side}"), f"{W}val") == "single" for side in ("top", "bottom"))


# --------------------------------------------------------------------------- starter and sample


def test_sample_attachments_exist_are_marked_and_small(sample: LoadedProfile) -> None:
    model = sample.model
    assert isinstance(model, N95Profile)
    files = [f for paths in model.attachments.values() for f in paths] + [model.n95.network_plan_image]
    assert len(files) == 5
    for rel in files:
        assert (SAMPLE.parent / rel).is_file(), f"{rel} 不存在；请运行 python tools/make_sample_scans_n95.py"
    folder = SAMPLE.parent / "attachments"
    assert sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) < 2_000_000
    licence = PdfReader(folder / "增值电信业务经营许可证.pdf")
    assert len(licence.pages) == 4  # 正文, 附页, 特别规定事项, 年报记录
    assert all("样例" in (page.extract_text() or "") for page in licence.pages)


# --------------------------------------------------------------------------- end to end (LibreOffice)


def built_dossier(profile: Path, out: Path) -> dict[str, Any]:
    run = run_cli("build", str(profile), "-o", str(out), "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(run.stdout)
    assert len(result) == 1 and result[0]["ok"] is True and result[0]["kind"] == "n95"
    folder = Path(result[0]["output"])
    return {
        "folder": folder,
        "manifest": json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
        "reader": PdfReader(folder / "dossier.pdf"),
    }


@pytest.fixture(scope="module")
def built(built_sample: Any) -> dict[str, Any]:
    return built_sample("n95")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def built_955(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A copy of the sample turned into a 955 applicant: a bank, 15 branches with proofs, no licence."""
    folder = tmp_path_factory.mktemp("bank-955")
    shutil.copytree(SAMPLE.parent / "attachments", folder / "attachments")
    (folder / "attachments" / "增值电信业务经营许可证.pdf").unlink()
    (folder / "attachments" / "branches").mkdir()
    source = SAMPLE.read_text(encoding="utf-8")
    source = re.sub(r"\n\[licence\]\n.*?\n\n", "\n", source, flags=re.S)  # the whole [licence] table
    source = re.sub(r"^licence_copy = .*\n", "", source, flags=re.M)
    source = source.replace('prefix = "952"', 'prefix = "955"').replace(
        'name = "xingyun-952"', 'name = "bank-955"'
    )
    source = source.replace('industry = "信息技术服务"', 'industry = "银行"')
    source = source.replace('services = ["呼叫中心业务"]', "services = []")
    assert "[licence]" not in source and 'prefix = "955"' in source
    for branch in branches_955(proofs=True):
        source += (
            f'\n[[branches]]\nname = "{branch["name"]}"\nkind = "分公司"\nprovince = "{branch["province"]}"\n'
            f'city = "{branch["city"]}"\nproofs = {json.dumps(branch["proofs"], ensure_ascii=False)}\n'
        )
        page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
        ImageDraw.Draw(page).text((100, 100), f"SAMPLE branch proof {branch['proofs'][0]}", fill="black")
        page.save(folder / branch["proofs"][0], dpi=(150, 150))
    profile = folder / "bank-955.toml"
    profile.write_text(source, encoding="utf-8")
    return built_dossier(profile, tmp_path_factory.mktemp("out-955"))


def top_bookmarks(reader: PdfReader) -> list[Any]:
    return [o for o in reader.outline if not isinstance(o, list)]


@pytest.mark.e2e
def test_e2e_items_of_the_952_sample(built: dict[str, Any]) -> None:
    # pages, page numbers and placeholders: test_kinds.py, for every kind's sample
    manifest = built["manifest"]
    assert [i["id"] for i in manifest["items"]] == [
        "application_form",
        "business_licence",
        "licence_copy",
        "commitment",
        "id_copies",
    ]


@pytest.mark.e2e
def test_e2e_forms_are_filled_and_signed(built: dict[str, Any]) -> None:
    manifest = built["manifest"]
    texts = [squash(page.extract_text() or "") for page in built["reader"].pages]
    items = {i["id"]: i for i in manifest["items"]}
    form, commitment = items["application_form"], items["commitment"]
    assert commitment["first_page"] == commitment["last_page"]  # the 承诺书 and its signature on one page
    assert "码号资源申请表" in texts[form["first_page"] - 1]
    assert [(s["who"], s["what"]) for s in manifest["signatures"]] == [("法定代表人", "签字")] * 2
    assert form["first_page"] <= manifest["signatures"][0]["page"] <= form["last_page"]
    assert manifest["signatures"][1]["page"] == commitment["first_page"]


@pytest.mark.e2e
def test_e2e_955_has_branches_and_no_licence(built_955: dict[str, Any]) -> None:
    manifest, reader = built_955["manifest"], built_955["reader"]
    ids = [i["id"] for i in manifest["items"]]
    assert ids == ["application_form", "business_licence", "branch_proofs", "commitment", "id_copies"]
    assert len(reader.pages) == manifest["pages"]
    marks = top_bookmarks(reader)
    assert [m.title for m in marks] == [f"{i['no']}. {i['title']}" for i in manifest["items"]]
    children = next(o for o in reader.outline if isinstance(o, list))
    assert [c.title for c in children] == [f"{b['city']} · {b['name']}" for b in branches_955()]
    branch_item = manifest["items"][2]
    for child in children:
        assert (
            branch_item["first_page"]
            <= reader.get_destination_page_number(child) + 1
            <= branch_item["last_page"]
        )
    texts = [squash(page.extract_text() or "") for page in reader.pages]
    form = manifest["items"][0]
    assert any(
        "不适用（955号码无需增值电信业务经营许可证）" in t
        for t in texts[form["first_page"] - 1 : form["last_page"]]
    )
    for number, page in enumerate(texts, 1):
        assert f"第{number}页共{len(texts)}页" in page and "此处加盖公章" in page, number
