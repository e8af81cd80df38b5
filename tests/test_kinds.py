"""The same checks for every registered kind: its folder, checklist, starter, sample, templates, a build.

A kind is tested here the moment it is registered (templates/<k>/kind.toml); its own test module only
covers what is specific to it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pydantic import BaseModel
from support import W, missing_fields, part, sample_of, submodel

from numdossier.check import check_profile
from numdossier.kinds import load_checklist, registry
from numdossier.kinds.checklist import FileRef
from numdossier.profile import load_profile
from numdossier.render.docx import render_docx
from numdossier.rules.attachments import AttachmentRef, extra_references

KINDS = registry.names()
TODAY = dt.date(2026, 11, 23)
FORMS = [(kind, item.id) for kind in KINDS for item in load_checklist(kind).items if item.source == "form"]


def test_the_built_in_kinds_are_registered() -> None:
    assert {"n96", "n95", "n400", "ucc"} <= set(KINDS)
    assert registry.names()[:4] == ["n96", "n95", "n400", "ucc"]


def has_field(model: type[BaseModel], path: str) -> bool:
    """Whether the dotted path ('n96.trunks[].carrier', 'branches') names a field of the model."""
    current: type[BaseModel] | None = model
    for step in re.sub(r"\[\d*\]", "", path).split("."):
        if current is None or step not in current.model_fields:
            return False
        current = submodel(current.model_fields[step].annotation)
    return True


@pytest.mark.parametrize("kind", KINDS)
def test_kind_folder_is_complete(kind: str) -> None:
    folder = registry.get(kind).folder
    for name in ("kind.toml", "checklist.toml", "starter.toml", "attachments-README.md"):
        assert (folder / name).is_file(), f"templates/{kind}/{name}"
    assert registry.get(kind).title


@pytest.mark.parametrize("kind", KINDS)
def test_checklist_and_kind_data_agree_with_the_model(kind: str) -> None:
    entry = registry.get(kind)
    checklist = load_checklist(kind)
    assert checklist.kind == kind
    ids = [item.id for item in checklist.items]
    assert len(ids) == len(set(ids))
    for item in checklist.items:
        if item.source == "form":
            assert item.template and (entry.folder / item.template).is_file(), item.id
        for path in item.file_paths:
            assert has_field(entry.model, path), path
    model = entry.model
    assert model.model_fields["kind"].annotation is not None
    spec = entry.spec
    declared = spec.required + spec.embedded + spec.mobiles + spec.office_phones + spec.phones
    declared += spec.emails + spec.addresses + spec.numbers_in_use + list(spec.id_holders.values())
    for path in declared:
        assert has_field(model, path), f"kind.toml: {path} 不是 {kind} 配置中的字段"
    for key in spec.id_holders:
        assert key in checklist.attachment_keys, key
    for place in spec.signatures:
        assert place.item in ids, place.item
    sample = load_profile(sample_of(kind)).model.model_dump(mode="python")
    for item in checklist.items:  # every condition evaluates on a real profile
        item.applies(sample)
        item.is_required(sample)


# --------------------------------------------------------------------------- the starter


def starter(kind: str) -> Path:
    return registry.get(kind).folder / "starter.toml"


@pytest.mark.parametrize("kind", KINDS)
def test_starter_loads(kind: str, tmp_path: Path) -> None:
    path = tmp_path / f"my-{kind}.toml"
    shutil.copyfile(starter(kind), path)
    loaded = load_profile(path)
    assert loaded.kind == kind and loaded.name == f"my-{kind}"


@pytest.mark.parametrize("kind", KINDS)
def test_starter_has_every_model_field(kind: str) -> None:
    """Every field is in the starter, or given as a commented-out line with a Chinese explanation."""
    text = starter(kind).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert list(data)[:2] == ["format", "kind"]
    missing = missing_fields(registry.get(kind).model, data, set())
    for path in missing:
        key = re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1]
        assert re.search(rf"^# {key} = .*# .*[\u4e00-\u9fff]", text, re.M), f"{path} 不在示例配置中"
    assert list(data.get("attachments", {})) == load_checklist(kind).attachment_keys


@pytest.mark.parametrize("kind", KINDS)
def test_starter_every_key_has_a_chinese_comment(kind: str) -> None:
    lines = starter(kind).read_text(encoding="utf-8").splitlines()
    in_string = False
    for n, line in enumerate(lines):
        if in_string:
            in_string = '"""' not in line
            continue
        m = re.match(r"^(# )?([a-z_0-9]+) = ", line)
        if not m:
            continue
        if line.count('"""') == 1:
            in_string = True
        comment_here = re.search(r"#.*[\u4e00-\u9fff]", (line.split('"""')[0] if in_string else line)[2:])
        comment_above = n > 0 and re.match(r"^#.*[\u4e00-\u9fff]", lines[n - 1])
        assert comment_here or comment_above, (
            f"templates/{kind}/starter.toml 第 {n + 1} 行 {m.group(2)} 缺少中文注释"
        )


# --------------------------------------------------------------------------- the sample


@pytest.mark.parametrize("kind", KINDS)
def test_sample_checks_without_errors(kind: str) -> None:
    result = check_profile(sample_of(kind), TODAY)
    assert result.kind == kind
    assert [f.code for f in result.findings if f.severity == "error"] == []
    assert result.summary is not None and result.summary["fee"]["text"]


@pytest.mark.parametrize("kind", KINDS)
def test_sample_files_exist_and_are_small(kind: str) -> None:
    loaded = load_profile(sample_of(kind))
    profile = loaded.model.model_dump(mode="python")
    checklist = load_checklist(kind)
    refs: list[FileRef | AttachmentRef] = [
        r for item in checklist.applicable(profile) for r in item.file_refs(profile)
    ]
    refs += extra_references(loaded, profile)
    assert refs
    for ref in refs:
        path = loaded.folder / ref.path
        assert path.is_file(), f"{ref.field}: {ref.path} 不存在"
        assert path.stat().st_size < 2 * 1024 * 1024, ref.path


# --------------------------------------------------------------------------- the templates


@pytest.mark.parametrize(("kind", "item"), FORMS)
def test_template_renders_with_the_sample_and_knows_only_model_variables(
    kind: str, item: str, tmp_path: Path
) -> None:
    """render_docx refuses a variable the context lacks; nothing of jinja is left in any part."""
    entry = registry.get(kind)
    template = entry.folder / f"{item}.docx"
    loaded = load_profile(sample_of(kind))
    out = tmp_path / "out.docx"
    render_docx(template, lambda tpl: entry.build_context(loaded, tpl), out)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                for marker in ("{{", "}}", "{%", "%}", "{#"):
                    assert marker not in xml, f"{name}: {marker}"


@pytest.mark.parametrize(("kind", "item"), FORMS)
def test_built_in_template_tags_are_whole_in_one_run(kind: str, item: str) -> None:
    root = etree.fromstring(part((registry.get(kind).folder / f"{item}.docx").read_bytes()).encode("utf-8"))
    for run in root.iter(f"{W}r"):
        value = "".join(t.text or "" for t in run.iter(f"{W}t"))
        assert value.count("{{") == value.count("}}"), value
        assert value.count("{%") == value.count("%}"), value


# --------------------------------------------------------------------------- the sample, built


def squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


@pytest.mark.e2e
@pytest.mark.parametrize("kind", KINDS)
def test_sample_builds_and_reads_back(kind: str, built_sample: Any) -> None:
    built = built_sample(kind)
    entry, manifest, reader = built["entry"], built["manifest"], built["reader"]
    assert entry["kind"] == kind and entry["ok"] is True and entry["errors"] == 0
    assert manifest["kind"] == kind and len(reader.pages) == manifest["pages"]
    last = 2  # the cover and the 目录
    for item in manifest["items"]:
        assert item["first_page"] == last + 1, item["id"]
        last = item["last_page"]
    assert last == manifest["pages"]
    top = [o for o in reader.outline if not isinstance(o, list)]
    assert [o.title for o in top] == [f"{i['no']}. {i['title']}" for i in manifest["items"]]
    for mark, item in zip(top, manifest["items"], strict=True):
        assert reader.get_destination_page_number(mark) + 1 == item["first_page"]
    texts = [squash(page.extract_text() or "") for page in reader.pages]
    for number, text in enumerate(texts, 1):
        assert f"第{number}页共{len(texts)}页" in text, f"page {number}"
        assert "{{" not in text and "{%" not in text, f"page {number}"
    forms = sorted((built["folder"] / "forms").glob("*.docx"))
    form_ids = {i.id for i in load_checklist(kind).items if i.source == "form"}
    assert len(forms) == sum(1 for i in manifest["items"] if i["id"] in form_ids) > 0


@pytest.mark.e2e
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_sample_dossier_embeds_every_font(kind: str, built_sample: Any) -> None:
    listing = subprocess.run(
        ["pdffonts", str(built_sample(kind)["pdf"])], capture_output=True, text=True, check=True
    ).stdout
    rows = listing.strip().splitlines()[2:]
    assert rows, listing
    for row in rows:
        assert row.split()[-5] == "yes", row
