"""The callcentre kind: its rules (a valid/invalid table), the authority by scope, its documents and the
built sample's staff bookmarks. The checks every kind shares are in test_kinds.py."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from support import render, sample_of, text

from numdossier.check import check_loaded
from numdossier.kinds import load_checklist, registry
from numdossier.kinds.callcentre.forms import authority
from numdossier.kinds.callcentre.profile import CallcentreProfile
from numdossier.kinds.callcentre.rules import rules, same_place
from numdossier.profile import LoadedProfile, load_profile
from numdossier.render.engine import environment
from numdossier.rules.context import RuleContext

KIND = "callcentre"
TODAY = dt.date(2026, 11, 23)
TEMPLATES = registry.get(KIND).folder if KIND in registry.names() else Path()


@pytest.fixture(scope="module")
def sample() -> LoadedProfile:
    loaded = load_profile(sample_of(KIND))
    assert isinstance(loaded.model, CallcentreProfile)
    return loaded


def dump(loaded: LoadedProfile) -> dict[str, Any]:
    return loaded.model.model_dump(mode="python")


def changed(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A deep copy with dotted paths replaced ('staff[1].insurance_months'); the result is revalidated."""
    data = copy.deepcopy(data)
    for dotted, value in changes.items():
        target: Any = data
        *parents, last = dotted.split(".")
        for key in parents:
            name, _, index = key.partition("[")
            target = target[name]
            if index:
                target = target[int(index.rstrip("]"))]
        name, _, index = last.partition("[")
        if index:
            target[name][int(index.rstrip("]"))] = value
        else:
            target[name] = value
    return CallcentreProfile.model_validate(data).model_dump(mode="python")


def codes(data: dict[str, Any], pages: dict[str, int] | None = None) -> list[str]:
    """The CC-* findings as CODE.field, with every listed file taken to have 2 pages unless given."""
    default = {f"{path}[{i}]": 2 for path, files in _files(data) for i in range(len(files))}
    ctx = RuleContext(today=TODAY, profile=data, pages=default | (pages or {}))
    return [f"{f.code}@{f.field}" for f in rules(data, ctx)]


def _files(data: dict[str, Any]) -> list[tuple[str, list[str]]]:
    out = [(f"shareholders[{i}].proofs", h["proofs"]) for i, h in enumerate(data["shareholders"])]
    for i, m in enumerate(data["staff"]):
        out += [(f"staff[{i}].id_copy", m["id_copy"]), (f"staff[{i}].insurance_proof", m["insurance_proof"])]
    return out


PERSON = {
    "name": "示例股东",
    "type": "person",
    "id_type": "resident_id",
    "id_number": "11010519491231002X",
    "share": 10,
    "nationality": "中国",
    "proofs": ["attachments/股东/x.pdf"],
}

# (what is changed, the findings expected: [] = valid)
CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("the sample", {}, []),
    ("province scope without a province", {"callcentre.province": ""}, ["CC-SCOPE@callcentre.province"]),
    ("not a province", {"callcentre.province": "长沙市"}, ["CC-SCOPE@callcentre.province"]),
    ("capital 100 is enough for a province", {"company.registered_capital": 100}, []),
    ("capital 99 is not", {"company.registered_capital": 99}, ["CC-CAPITAL@company.registered_capital"]),
    (
        "nationwide needs 1000",
        {"callcentre.scope": "nationwide", "callcentre.province": ""},
        ["CC-CAPITAL@company.registered_capital"],
    ),
    (
        "nationwide with 1000",
        {"callcentre.scope": "nationwide", "callcentre.province": "", "company.registered_capital": 1000},
        [],
    ),
    ("shares 95 %", {"shareholders[2].share": 25}, ["CC-SHARES@shareholders"]),
    (
        "a share of 0",
        {"shareholders[1].share": 0, "shareholders[0].share": 70},
        ["CC-SHARES@shareholders[1].share"],
    ),
    ("no shareholder", {"shareholders": []}, ["CC-SHARES@shareholders"]),
    (
        "a foreign shareholder",
        {"shareholders[1].nationality": "新加坡"},
        ["CC-FOREIGN@shareholders[1].nationality"],
    ),
    (
        "a Hong Kong resident shareholder",
        {"shareholders[1].id_type": "hk_macau_permit", "shareholders[1].id_number": "H12345678"},
        ["CC-FOREIGN@shareholders[1].id_type"],
    ),
    (
        "a person shareholder without an ID copy",
        {"shareholders[1].proofs": []},
        ["CC-SHAREHOLDER@shareholders[1].proofs"],
    ),
    (
        "a company shareholder without its licence",
        {"shareholders[2].proofs": []},
        ["CC-SHAREHOLDER@shareholders[2].proofs"],
    ),
    (
        "the legal representative as shareholder needs legal_rep_id",
        {"attachments.legal_rep_id": []},
        ["CC-SHAREHOLDER@shareholders[0].proofs"],
    ),
    (
        "a wrong ID number",
        {"shareholders[1].id_number": "430104198803050420"},
        ["CC-SHAREHOLDER@shareholders[1].id_number"],
    ),
    (
        "a wrong USCC",
        {"shareholders[2].uscc": "91430103MA4QL00291"},
        ["CC-SHAREHOLDER@shareholders[2].uscc"],
    ),
    ("a company without a uscc", {"shareholders[2].uscc": ""}, ["CC-SHAREHOLDER@shareholders[2].uscc"]),
    (
        "a person without an ID number",
        {"shareholders[1].id_number": ""},
        ["CC-SHAREHOLDER@shareholders[1].id_number"],
    ),
    ("three staff are enough", {"staff": "first 3"}, []),
    ("two are not", {"staff": "first 2"}, ["CC-STAFF@staff"]),
    ("3 months of insurance", {"staff[3].insurance_months": 3}, []),
    ("2 months", {"staff[3].insurance_months": 2}, ["CC-STAFF@staff[3].insurance_months"]),
    ("no ID copy", {"staff[0].id_copy": []}, ["CC-STAFF@staff[0].id_copy"]),
    ("no insurance proof", {"staff[0].insurance_proof": []}, ["CC-STAFF@staff[0].insurance_proof"]),
    ("no ID number", {"staff[2].id_number": ""}, ["CC-STAFF@staff[2].id_number"]),
    ("lease ends exactly a year after signing", {"premises[0].lease_end": dt.date(2027, 11, 20)}, []),
    (
        "lease ends a day earlier",
        {"premises[0].lease_end": dt.date(2027, 11, 19)},
        ["CC-LEASE@premises[0].lease_end"],
    ),
    ("no lease end", {"premises[0].lease_end": None}, ["CC-LEASE@premises[0].lease_end"]),
    (
        "lease not started",
        {"premises[0].lease_start": dt.date(2026, 12, 1)},
        ["CC-LEASE@premises[0].lease_start"],
    ),
    (
        "owned premises need no lease",
        {
            "premises[0].owner": "湖南澄川示例呼叫服务有限公司",
            "premises[0].lease_end": None,
            "attachments.lease_contract": [],
        },
        [],
    ),
    (
        "a leased office needs the lease",
        {"attachments.lease_contract": []},
        ["CC-LEASE@attachments.lease_contract"],
    ),
    (
        "and the property certificate",
        {"attachments.property_certificate": []},
        ["CC-LEASE@attachments.property_certificate"],
    ),
    ("no owner", {"premises[0].owner": ""}, ["CC-LEASE@premises[0].owner"]),
    (
        "a room number more is the same place",
        {"premises[0].address": "湖南省长沙市岳麓区示例大道188号12层1201室"},
        [],
    ),
    (
        "another address",
        {"premises[0].address": "湖南省长沙市岳麓区示例大道 18 号"},
        ["CC-LEASE@company.address"],
    ),
    ("no premises", {"premises": []}, ["CC-LEASE@premises"]),
    ("no ACD", {"platform.systems": "without ACD"}, ["CC-PLATFORM@platform.systems"]),
    ("no seats", {"platform.seats": 0}, ["CC-PLATFORM@platform.seats"]),
]


def apply(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    special = {
        k: v for k, v in changes.items() if isinstance(v, str) and v.startswith(("first ", "without "))
    }
    plain = {k: v for k, v in changes.items() if k not in special}
    data = changed(data, plain)
    if "staff" in special:
        data = changed(data, {"staff": data["staff"][: int(special["staff"].split()[1])]})
    if "platform.systems" in special:
        kind = special["platform.systems"].split()[1]
        data = changed(
            data, {"platform.systems": [s for s in data["platform"]["systems"] if s["kind"] != kind]}
        )
    return data


@pytest.mark.parametrize(("what", "changes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rules_table(sample: LoadedProfile, what: str, changes: dict[str, Any], expected: list[str]) -> None:
    assert codes(apply(dump(sample), changes)) == expected, what


def test_a_foreign_shareholder_is_named(sample: LoadedProfile) -> None:
    data = changed(dump(sample), {"shareholders[2].nationality": "新加坡"})
    ctx = RuleContext(today=TODAY, profile=data, pages={})
    (finding,) = [f for f in rules(data, ctx) if f.code == "CC-FOREIGN"]
    assert finding.severity == "error"
    assert "长沙青岚示例投资有限公司" in finding.message and "新加坡" in finding.message


def test_one_sided_id_copies(sample: LoadedProfile) -> None:
    data = dump(sample)
    found = codes(data, {"staff[1].id_copy[0]": 1, "shareholders[1].proofs[0]": 1})
    assert sorted(found) == ["CC-SHAREHOLDER@shareholders[1].proofs", "CC-STAFF@staff[1].id_copy"]


def test_thresholds_are_settings(sample: LoadedProfile, monkeypatch: pytest.MonkeyPatch) -> None:
    data = dump(sample)
    ctx = RuleContext(today=TODAY, profile=data, pages={})
    real = ctx.settings.get
    raised = {"callcentre_min_capital_province": 600, "callcentre_min_staff": 5}
    monkeypatch.setattr(ctx.settings, "get", lambda key, **kw: raised.get(key, real(key, **kw)))
    assert {f.code for f in rules(data, ctx)} >= {"CC-CAPITAL", "CC-STAFF"}


def test_same_place() -> None:
    assert same_place("湖南省长沙市示例路 1 号 3 层", "湖南省长沙市示例路１号３层（机房）")
    assert not same_place("湖南省长沙市示例路 1 号", "湖南省长沙市示例路 11 号")
    assert not same_place("", "湖南省长沙市示例路 1 号")


def test_check_reports_the_sample_clean_and_a_broken_variant(sample: LoadedProfile) -> None:
    assert [f.code for f in check_loaded(sample, TODAY) if f.severity == "error"] == []
    broken = changed(dump(sample), {"staff": dump(sample)["staff"][:2], "company.registered_capital": 50})
    loaded = dataclasses.replace(sample, model=CallcentreProfile.model_validate(broken))
    errors = {f.code for f in check_loaded(loaded, TODAY) if f.severity == "error"}
    assert {"CC-STAFF", "CC-CAPITAL"} <= errors


# --------------------------------------------------------------------------- authority and documents


@pytest.mark.parametrize(
    ("scope", "province", "expected"),
    [
        ("province", "湖南省", "湖南省通信管理局"),
        ("nationwide", "", "工业和信息化部"),
        ("province", "上海市", "上海市通信管理局"),
    ],
)
def test_authority_follows_the_scope(sample: LoadedProfile, scope: str, province: str, expected: str) -> None:
    assert authority(scope, province) == expected
    data = changed(dump(sample), {"callcentre.scope": scope, "callcentre.province": province})
    cover = environment().from_string(load_checklist(KIND).authority).render(**data)
    assert cover == expected


def variant(loaded: LoadedProfile, **changes: Any) -> LoadedProfile:
    data = changed(dump(loaded), {k.replace("__", "."): v for k, v in changes.items()})
    return dataclasses.replace(loaded, model=CallcentreProfile.model_validate(data))


def test_company_overview_prints_the_shareholder_table(sample: LoadedProfile) -> None:
    out = text(render(TEMPLATES / "company_overview.docx", sample))
    for name in ("罗景川", "周以宁", "长沙青岚示例投资有限公司", "91430103MA4QL0029X", "55%", "企业法人"):
        assert name in out
    assert "持股比例合计 100%" in out and "内资企业" in out
    assert "申请单位：湖南澄川示例呼叫服务有限公司（盖章）" in out.replace("\n", "")


def test_technical_plan_diagram_is_optional(sample: LoadedProfile) -> None:
    with_diagram = render(TEMPLATES / "technical_plan.docx", sample)
    without = render(TEMPLATES / "technical_plan.docx", variant(sample, platform__diagram=""))
    assert "网络组织示意图" in text(with_diagram) and "word/media/" in str(_names(with_diagram))
    assert "网络组织示意图" not in text(without)
    for system in ("交互式语音应答（IVR）", "自动呼叫分配（ACD）", "录音系统", "数据库系统"):
        assert system in text(with_diagram)
    assert "☑中国电信" in text(with_diagram) and "□中国移动" in text(with_diagram)


def _names(docx_bytes: bytes) -> list[str]:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(docx_bytes)).namelist()


def test_commitment_is_addressed_to_the_authority(sample: LoadedProfile) -> None:
    provincial = text(render(TEMPLATES / "commitment.docx", sample))
    assert provincial.startswith("依法经营承诺书\n湖南省通信管理局：")
    assert "法定代表人（签字）" in provincial and "2026 年 11 月 20 日" in provincial
    wide = variant(
        sample, callcentre__scope="nationwide", callcentre__province="", company__registered_capital=1000
    )
    assert "\n工业和信息化部：" in text(render(TEMPLATES / "commitment.docx", wide))


def test_only_the_closing_lines_say_seal_or_sign(sample: LoadedProfile) -> None:
    """The pipeline marks every 盖章 and 签字 it finds: the body text must not use the words."""
    for item in load_checklist(KIND).items:
        if item.source != "form":
            continue
        lines = text(render(TEMPLATES / f"{item.id}.docx", sample)).splitlines()
        sealed = [line for line in lines if "盖章" in line]
        assert len(sealed) == 1 and sealed[0].endswith("（盖章）"), item.id
        assert sum("签字" in line for line in lines) == (1 if item.id == "commitment" else 0), item.id


# --------------------------------------------------------------------------- the built sample


@pytest.mark.e2e
def test_built_sample_bookmarks_each_staff_member(built_sample: Any) -> None:
    built = built_sample(KIND)
    manifest, reader = built["manifest"], built["reader"]
    items = {i["id"]: i for i in manifest["items"]}
    assert list(items)[:5] == [
        "company_overview",
        "technical_plan",
        "operation_plan",
        "security_measures",
        "commitment",
    ]
    outline = reader.outline
    staff_no = list(items).index("staff_proofs")
    children = outline[
        outline.index(
            next(o for o in outline if not isinstance(o, list) and o.title.endswith("社会保险缴纳证明"))
        )
        + 1
    ]
    assert [c.title for c in children] == [
        "技术负责人 唐明远",
        "运营负责人 邓晓岚",
        "网络与信息安全负责人 易楚航",
        "客服主管 彭语晨",
    ]
    # each member's pair: the ID copy (2 pages), then the insurance proof (1 page)
    starts = [reader.get_destination_page_number(c) + 1 for c in children]
    assert starts[0] == items["staff_proofs"]["first_page"]
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == [3, 3, 3]
    assert staff_no == len(items) - 1
    signatures = [s for s in manifest["signatures"] if s["what"] == "签字"]
    commitment = items["commitment"]
    assert [s["page"] for s in signatures] == [commitment["first_page"]]
    cover = (reader.pages[0].extract_text() or "").replace(" ", "")
    assert "湖南省通信管理局" in cover


def test_staff_files_are_grouped_per_member(sample: LoadedProfile) -> None:
    """Several `files` paths into one list: each member's ID copy, then that member's insurance proof."""
    item = next(i for i in load_checklist(KIND).items if i.id == "staff_proofs")
    refs = item.file_refs(dump(sample))
    assert [r.field for r in refs[:4]] == [
        "staff[0].id_copy[0]",
        "staff[0].insurance_proof[0]",
        "staff[1].id_copy[0]",
        "staff[1].insurance_proof[0]",
    ]
    assert [item.group_label(dump(sample), g) for g in range(4)] == [
        "技术负责人 唐明远",
        "运营负责人 邓晓岚",
        "网络与信息安全负责人 易楚航",
        "客服主管 彭语晨",
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_finding_reads_in_both_languages(
    sample: LoadedProfile, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NUMDOSSIER_LANG", lang)
    for _, changes, _ in CASES:
        data = apply(dump(sample), changes)
        for f in rules(data, RuleContext(today=TODAY, profile=data, pages={})):
            assert f.message and f.hint and "{" not in f.message + f.hint, f.code


@pytest.mark.parametrize(
    ("scope", "province", "zh", "en"),
    [
        (
            "province",
            "湖南省",
            "审批机关：湖南省通信管理局",
            "approved by the communications administration of 湖南省",
        ),
        (
            "nationwide",
            "",
            "审批机关：工业和信息化部",
            "approved by the Ministry of Industry and Information Technology",
        ),
        (
            "province",
            "",
            "审批机关：所在省通信管理局",
            "approved by the communications administration of the province",
        ),
    ],
)
def test_the_fee_line_names_the_authority_in_the_users_language(
    sample: LoadedProfile, scope: str, province: str, zh: str, en: str
) -> None:
    from numdossier.kinds.callcentre.fee import fee
    from numdossier.rules import messages

    data = changed(dump(sample), {"callcentre.scope": scope, "callcentre.province": province})
    ctx = RuleContext(today=TODAY, profile=data, pages={})
    with messages.using("zh"):
        assert zh in fee(data, ctx)["text"]
    with messages.using("en"):
        said = fee(data, ctx)["text"]
    assert en in said
    assert "通信管理局" not in said and "工业和信息化部" not in said  # no Chinese but the user's province
