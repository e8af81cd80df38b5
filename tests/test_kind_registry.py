"""The registry: a kind made of nothing but a templates folder and a profile model, built end to end."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from docx import Document
from pypdf import PdfReader
from support import CliRunner

from numdossier.check import check_profile
from numdossier.cli import app
from numdossier.errors import TemplateError, UsageError
from numdossier.init import init_profile
from numdossier.kinds import load_checklist, registry
from numdossier.profile import load_profile
from numdossier.profile.model import ProfileBase, Strict, Text

KIND_TOML = 'title = "演示类型"\norder = 900\nrequired = ["demo.purpose"]\n'
CHECKLIST = """kind = "demo"
title = "演示业务"
subtitle = "申请材料"

[[items]]
id = "letter"
title = "演示申请函"
source = "form"
template = "letter.docx"

[[items]]
id = "business_licence"
title = "营业执照复印件"
source = "attachments"
required = true
"""
STARTER = """format = 1  # 配置格式版本
kind = "demo"  # 申请类型

[company]  # 申请单位
name = ""  # 单位名称
uscc = ""  # 统一社会信用代码
address = ""  # 通信地址
postcode = ""  # 邮政编码

[legal_rep]  # 法定代表人
name = ""  # 姓名
id_number = ""  # 证件号码

[number_contact]  # 联系人
name = ""  # 姓名
mobile = ""  # 手机号码

[demo]  # 演示
purpose = ""  # 用途

[attachments]  # 附件
business_licence = []  # 营业执照
"""
FILLED = {
    'name = ""  # 单位名称': 'name = "示例演示科技有限公司"',
    'uscc = ""': 'uscc = "91330106MA2H7K316F"',
    'address = ""': 'address = "浙江省杭州市西湖区示例路 1 号"',
    'postcode = ""': 'postcode = "310000"',
    'name = ""  # 姓名\nid_number = ""': 'name = "张示例"\nid_number = "330106198503120036"',
    'name = ""  # 姓名\nmobile = ""': 'name = "李示例"\nmobile = "13800138000"',
    'purpose = ""': 'purpose = "演示用途：客户服务热线"',
    "business_licence = []": 'business_licence = ["licence.png"]',
}


class Demo(Strict):
    purpose: Text = ""


class DemoProfile(ProfileBase):
    kind: Literal["demo"]
    demo: Demo


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Path]:
    """templates/demo/: kind.toml, checklist, one DOCX template, starter, attachments README."""
    folder = tmp_path / "templates" / "demo"
    folder.mkdir(parents=True)
    (folder / "kind.toml").write_text(KIND_TOML, encoding="utf-8")
    (folder / "checklist.toml").write_text(CHECKLIST, encoding="utf-8")
    (folder / "starter.toml").write_text(STARTER, encoding="utf-8")
    (folder / "attachments-README.md").write_text("# 附件\n\n- 营业执照\n", encoding="utf-8")
    document = Document()
    document.add_heading("演示申请函", level=1)
    document.add_paragraph("申请单位：{{ company.name }}")
    document.add_paragraph("用途：{{ demo.purpose }}")
    document.add_paragraph("申请单位（盖章）：")
    document.add_paragraph("日期：{{ sign_date }}")
    document.save(str(folder / "letter.docx"))
    registry.register(folder, model=DemoProfile)
    try:
        yield folder
    finally:
        registry.unregister("demo")


def test_a_registered_kind_is_listed_and_has_its_model(demo: Path) -> None:
    assert registry.names()[-1] == "demo"
    assert registry.model_of("demo") is DemoProfile
    assert registry.get("demo").folder == demo
    assert load_checklist("demo").items[0].template == "letter.docx"


def test_a_kind_is_named_in_the_users_language(demo: Path) -> None:
    """--lang en shows kind.toml's title_en; a kind without one (the demo) keeps its Chinese title."""
    from numdossier.rules import messages

    for name in registry.names():
        kind = registry.get(name)
        assert kind.title_in("zh") == kind.title
        if name != "demo":  # every built-in kind has an English name, in English
            assert kind.spec.title_en and not re.search(r"[\u3400-\u9fff]", kind.title_in("en")), name
    assert registry.get("demo").title_in("en") == registry.get("demo").title
    with messages.using("en"):
        assert registry.get("n96").title_in() == "96 customer-service short number"
    help_text = CliRunner().invoke(app, ["init", "--help", "--lang", "en"], env={"COLUMNS": "300"}).output
    assert "n96 (96 customer-service short number)" in help_text and "demo (" in help_text, help_text


def test_unknown_kinds_get_a_did_you_mean() -> None:
    with pytest.raises(UsageError) as e:
        registry.get("n69")
    assert "n96" in (e.value.hint or "")
    assert registry.find("n69") is None and registry.model_of("n69") is None


def test_a_bad_kind_toml_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "kind.toml").write_text('title = "x"\nrequird = []\n', encoding="utf-8")
    with pytest.raises(TemplateError, match="requird"):
        registry.register(folder)
    with pytest.raises(UsageError):
        registry.register(registry.get("n96").folder)  # a name that is taken


@pytest.mark.e2e
def test_throwaway_kind_goes_from_init_to_a_built_dossier(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    profile = tmp_path / "client" / "demo.toml"
    written = init_profile(profile, "demo")
    assert profile in written and (profile.parent / "attachments" / "README.md").is_file()
    empty = check_profile(profile, dt.date(2026, 11, 23))
    assert "demo.purpose" in {f.field for f in empty.findings if f.code == "FIELD-MISSING"}

    text = profile.read_text(encoding="utf-8")
    for old, new in FILLED.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    profile.write_text(text, encoding="utf-8")
    Image.new("RGB", (1240, 1754), "white").save(profile.parent / "licence.png", dpi=(150, 150))
    assert load_profile(profile).model.demo.purpose  # type: ignore[attr-defined]

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", str(profile), "-o", str(out), "--format", "json", "--today", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)
    assert entry["kind"] == "demo" and entry["ok"] is True
    manifest = json.loads((out / "demo" / "manifest.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in manifest["items"]] == ["letter", "business_licence"]
    reader = PdfReader(out / "demo" / "dossier.pdf")
    assert len(reader.pages) == manifest["pages"] == 4
    letter = "".join((reader.pages[2].extract_text() or "").split())
    assert "示例演示科技有限公司" in letter and "演示用途：客户服务热线" in letter
    assert "此处加盖公章" in letter  # the placeholder found the template's 盖章 place
