"""The same checks for every registered kind: its folder, checklist, starter, sample, templates, a build.

A kind is tested here the moment it is registered (templates/<k>/kind.toml); its own test module only
covers what is specific to it (its fields, wording, seal and signature places, variants of its sample).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import shutil
import subprocess
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree
from pydantic import BaseModel
from support import (
    W,
    attr,
    load_tool,
    missing_fields,
    part,
    printed_pages,
    render,
    sample_generator,
    sample_of,
    squash,
    submodel,
    template_generator,
    text,
    variant,
)

from numdossier.check import check_profile
from numdossier.errors import AttachmentError, TemplateError
from numdossier.init import init_profile
from numdossier.kinds import load_checklist, registry
from numdossier.kinds.checklist import FileRef
from numdossier.profile import load_profile
from numdossier.render.docx import render_docx
from numdossier.render.engine import DATE_BLANK, date_cn
from numdossier.rules import messages
from numdossier.rules.attachments import AttachmentRef, extra_references

KINDS = registry.names()
TODAY = dt.date(2026, 11, 23)
FORMS = [(kind, item.id) for kind in KINDS for item in load_checklist(kind).items if item.source == "form"]
A4_TWIPS = (11906, 16838)
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


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


# The starter in each language (starter.toml, starter.en.toml): a comment's words in that language.
STARTERS = [(kind, lang) for kind in KINDS for lang in messages.LANGUAGES]
WORDS = {"zh": r"[\u4e00-\u9fff]", "en": r"[A-Za-z]{3}"}


def starter(kind: str, lang: str = "zh") -> Path:
    return registry.get(kind).starter(lang)


@pytest.mark.parametrize(("kind", "lang"), STARTERS)
def test_starter_loads(kind: str, lang: str, tmp_path: Path) -> None:
    """The profile `init` writes in each language (with Taplo's directive line) loads."""
    path = tmp_path / f"my-{kind}.toml"
    init_profile(path, kind, lang=lang)
    assert path.read_text(encoding="utf-8").endswith(starter(kind, lang).read_text(encoding="utf-8"))
    loaded = load_profile(path)
    assert loaded.kind == kind and loaded.name == f"my-{kind}"


@pytest.mark.parametrize(("kind", "lang"), STARTERS)
def test_starter_has_every_model_field(kind: str, lang: str) -> None:
    """Every field is in the starter, or given as a commented-out line with an explanation."""
    text = starter(kind, lang).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert list(data)[:2] == ["format", "kind"]
    missing = missing_fields(registry.get(kind).model, data, set())
    for path in missing:
        key = re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1]
        assert re.search(rf"^# {key} = .*# .*{WORDS[lang]}", text, re.M), f"{path} 不在示例配置中"
    assert list(data.get("attachments", {})) == load_checklist(kind).attachment_keys


@pytest.mark.parametrize(("kind", "lang"), STARTERS)
def test_starter_every_key_has_a_comment_in_its_language(kind: str, lang: str) -> None:
    lines = starter(kind, lang).read_text(encoding="utf-8").splitlines()
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
        comment_here = re.search(rf"#.*{WORDS[lang]}", (line.split('"""')[0] if in_string else line)[2:])
        comment_above = n > 0 and re.match(rf"^#.*{WORDS[lang]}", lines[n - 1])
        assert comment_here or comment_above, (
            f"templates/{kind}/{starter(kind, lang).name} 第 {n + 1} 行 {m.group(2)} 缺少注释"
        )


# --------------------------------------------------------------------------- the sample


@pytest.mark.parametrize("kind", KINDS)
def test_sample_checks_without_errors(kind: str) -> None:
    result = check_profile(sample_of(kind), TODAY)
    assert result.kind == kind
    assert [f.code for f in result.findings if f.severity == "error"] == []
    assert result.summary is not None and result.summary["fee"]["text"]


def sample_references(kind: str, loaded: Any) -> list[FileRef | AttachmentRef]:
    """Every file the sample names: the checklist's, then the ones its forms embed."""
    profile = loaded.model.model_dump(mode="python")
    refs: list[FileRef | AttachmentRef] = [
        r for item in load_checklist(kind).applicable(profile) for r in item.file_refs(profile)
    ]
    return refs + extra_references(loaded, profile)


@pytest.mark.parametrize("kind", KINDS)
def test_sample_files_exist_and_are_small(kind: str) -> None:
    loaded = load_profile(sample_of(kind))
    refs = sample_references(kind, loaded)
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


@functools.cache
def form_document(kind: str, item: str) -> Any:
    """The built-in template as python-docx reads it, once for the two tests of its page set-up and fonts
    (they only read it)."""
    return docx.Document(str(registry.get(kind).folder / f"{item}.docx"))


@pytest.mark.parametrize(("kind", "item"), FORMS)
def test_form_is_a4_portrait_with_a_free_bottom_and_no_header_or_footer(kind: str, item: str) -> None:
    document = form_document(kind, item)
    for section in document.sections:
        size = section._sectPr.find(qn("w:pgSz"))
        assert (int(attr(size, qn("w:w"))), int(attr(size, qn("w:h")))) == A4_TWIPS
        assert size is not None and size.get(qn("w:orient")) in (None, "portrait")
        # the 第 N 页 overlay goes there
        assert section.bottom_margin is not None and section.bottom_margin.mm >= 20
        assert section._sectPr.find(qn("w:headerReference")) is None
        assert section._sectPr.find(qn("w:footerReference")) is None


@pytest.mark.parametrize(("kind", "item"), FORMS)
def test_form_fonts_are_song_and_times(kind: str, item: str) -> None:
    document = form_document(kind, item)
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "宋体" and normal.get(qn("w:ascii")) == "Times New Roman"
    runs = [r for p in document.element.body.iter(qn("w:p")) for r in p.iter(qn("w:r"))]
    assert runs
    for run in runs:
        fonts = run.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体")
        assert fonts.get(qn("w:asciiTheme")) is None


@pytest.mark.parametrize(("kind", "item"), FORMS)
def test_form_prints_the_signing_date_or_leaves_blanks(kind: str, item: str) -> None:
    """With signing.date the form prints it; without, it leaves 年 月 日 blank for handwriting, and no
    trace of the signing year stays (unless another date of the form falls in that year)."""
    template = registry.get(kind).folder / f"{item}.docx"
    loaded = load_profile(sample_of(kind))
    signed = loaded.model.signing.date
    assert signed is not None, "the sample gives its signing date"
    dated = text(render(template, loaded))
    assert date_cn(signed) in dated
    undated = text(render(template, variant(loaded, **{"signing.date": None})))
    assert DATE_BLANK in undated
    assert date_cn(signed) not in undated
    year = f"{signed.year} 年"
    if year not in dated.replace(date_cn(signed), ""):
        assert year not in undated


@pytest.mark.parametrize("kind", KINDS)
def test_the_context_refuses_another_kind(kind: str) -> None:
    other = next(k for k in KINDS if k != kind)
    item = next(i for i in load_checklist(kind).items if i.source == "form")
    tpl = DocxTemplate(str(registry.get(kind).folder / f"{item.id}.docx"))
    with pytest.raises(TemplateError, match=kind):
        registry.get(kind).build_context(load_profile(sample_of(other)), tpl)


EMBEDDED = [(kind, path) for kind in KINDS for path in registry.get(kind).spec.embedded]


@pytest.mark.parametrize(("kind", "field"), EMBEDDED)
def test_an_embedded_picture_is_placed_only_when_given_and_a_missing_one_is_named(
    kind: str, field: str
) -> None:
    loaded = load_profile(sample_of(kind))
    templates = [
        registry.get(kind).folder / f"{i.id}.docx" for i in load_checklist(kind).items if i.source == "form"
    ]
    assert any("<w:drawing>" in part(render(t, loaded)) for t in templates)
    without = variant(loaded, **{field: ""})
    assert all("<w:drawing>" not in part(render(t, without)) for t in templates)
    broken = variant(loaded, **{field: "attachments/没有这个文件.png"})
    refused = 0
    for template in templates:
        try:
            render(template, broken)
        except AttachmentError as e:
            assert "没有这个文件.png" in str(e)
            refused += 1
    assert refused >= 1


# --------------------------------------------------------------------------- the sample scans


def package(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


@pytest.mark.parametrize(("kind", "item"), FORMS)
def test_form_carries_only_what_it_uses(kind: str, item: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every build fills and converts each form: LibreOffice reads every part of it. No Word 2010 copy of
    the styles, thumbnail or bibliography store; the styles those of the form (and the defaults), each
    style it names defined."""
    kit = load_tool("docx_kit", monkeypatch)
    members = package(registry.get(kind).folder / f"{item}.docx")
    assert not set(members) & kit.UNUSED_PARTS
    styles = etree.fromstring(members["word/styles.xml"])
    defined = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))}
    assert defined == kit.used_styles(members)
    assert styles.find(qn("w:latentStyles")) is None
    named = {v.decode() for data in members.values() for v in kit.STYLE_REFERENCE.findall(data)}
    assert named <= defined
    for rels in kit.PACKAGE_RELS:  # every relationship leads to a part of the package
        for rel in etree.fromstring(members[rels]):
            assert kit._target(kit.PACKAGE_RELS[rels], rel.get("Target")) in members, (rels, rel.attrib)


def test_slimming_leaves_out_what_python_docx_adds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above is not empty: python-docx's own document has all of it, and one style in use."""
    kit = load_tool("docx_kit", monkeypatch)
    doc = docx.Document()
    doc.add_paragraph("x", style="List Bullet")
    doc.save(str(tmp_path / "d.docx"))
    before = package(tmp_path / "d.docx")
    assert set(before) >= kit.UNUSED_PARTS and len(kit.used_styles(before)) < 20
    kit.slim(tmp_path / "d.docx")
    after = package(tmp_path / "d.docx")
    assert not set(after) & kit.UNUSED_PARTS and after["word/document.xml"] == before["word/document.xml"]
    styles = etree.fromstring(after["word/styles.xml"])
    kept = {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style"))}
    assert {"ListBullet", "Normal", "TableNormal"} <= kept and len(kept) < 20
    style = docx.Document(str(tmp_path / "d.docx")).paragraphs[0].style
    assert style is not None and style.name == "List Bullet"


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_templates_are_what_their_generator_writes(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generator changed without writing its templates again (or a template changed by hand) fails."""
    monkeypatch.syspath_prepend(str(template_generator(kind).parent))
    load_tool(template_generator(kind).stem, monkeypatch).main(["--out", str(tmp_path)])
    written = {p.name: p.read_bytes() for p in tmp_path.glob("*.docx")}
    committed = {p.name: p.read_bytes() for p in registry.get(kind).folder.glob("*.docx")}
    assert written.keys() == committed.keys()
    for name in written:
        assert written[name] == committed[name], (
            f"templates/{kind}/{name}: run {template_generator(kind).name}"
        )


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.skipif(not FONT.is_file(), reason="需要 fonts-wqy-zenhei")
def test_sample_generator_is_deterministic_and_writes_what_the_sample_names(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not sample_generator(kind).is_file():
        pytest.skip(f"{kind} 没有样例扫描件生成器")
    monkeypatch.syspath_prepend(str(sample_generator(kind).parent))
    generator = load_tool(sample_generator(kind).stem, monkeypatch)
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run
        assert generator.main(["--out", str(out)]) == 0
        outputs.append(
            {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        )
    first, second = outputs
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name} 两次生成的内容不同"
    folder = sample_of(kind).parent / "attachments"
    committed = {
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.suffix != ".md"
    }
    assert first.keys() == committed
    loaded = load_profile(sample_of(kind))
    refs = sample_references(kind, loaded)
    assert sorted(first) == sorted({r.path.removeprefix("attachments/") for r in refs})


# --------------------------------------------------------------------------- the sample, built

# The pages each built-in form fills for its kind's sample (the manifest's pages per form). A one-page
# form whose signature block ran onto a page of its own counted one more: the n400 forms, the n96 cover and
# 承诺书, the ucc 承诺函 did, when the free seal zone at their foot left no room for the block.
SAMPLE_FORM_PAGES = {
    "callcentre": {
        "company_overview": 3,
        "technical_plan": 3,
        "operation_plan": 2,
        "security_measures": 2,
        "commitment": 1,
    },
    "n400": {"authorization": 1, "request_form": 1, "security_agreement": 2, "security_commitment": 1},
    "n95": {"application_form": 6, "commitment": 1},
    "n96": {"application_form": 5, "commitment": 1},
    "ucc": {"service_agreement": 3, "anti_fraud_commitment": 1, "destination_commitment": 2},
}
# A signature block alone at the top of a page puts its 盖章 within about 57 mm of the top edge.
LABEL_BELOW_MM = 70


@pytest.mark.e2e
@pytest.mark.parametrize("kind", KINDS)
def test_sample_forms_fill_their_pages_and_no_seal_stands_alone(kind: str, built_sample: Any) -> None:
    manifest = built_sample(kind)["manifest"]
    forms = {item for k, item in FORMS if k == kind}
    pages = {i["id"]: sum(s["pages"] for s in i["sources"]) for i in manifest["items"] if i["id"] in forms}
    assert pages == SAMPLE_FORM_PAGES[kind]
    labels = [p for p in manifest["placeholders"] if p["at_label"]]
    for item in manifest["items"]:
        if item["id"] in forms:
            on_form = [p for p in labels if item["first_page"] <= p["page"] <= item["last_page"]]
            assert on_form, item["id"]
            for placeholder in on_form:  # the page holds some of the form above its signature block
                assert placeholder["center_mm"][1] >= LABEL_BELOW_MM, (item["id"], placeholder)


@pytest.mark.e2e
@pytest.mark.parametrize("kind", KINDS)
def test_sample_builds_and_reads_back(kind: str, built_sample: Any) -> None:
    built = built_sample(kind)
    entry, manifest, reader = built["entry"], built["manifest"], built["reader"]
    assert entry["kind"] == kind and entry["ok"] is True and entry["errors"] == 0
    assert Path(entry["output"]) == built["folder"]
    assert set(entry) >= {"profile", "kind", "ok", "errors", "warnings", "findings", "output"}
    assert manifest["kind"] == kind and len(reader.pages) == manifest["pages"]
    assert manifest["output"]["bytes"] == built["pdf"].stat().st_size
    last = 2  # the cover and the 目录
    for item in manifest["items"]:
        assert item["first_page"] == last + 1, item["id"]
        assert item["last_page"] >= item["first_page"], item["id"]
        assert printed_pages(item) == item["last_page"] - item["first_page"] + 1, item["id"]
        last = item["last_page"]
    assert last == manifest["pages"]
    top = [o for o in reader.outline if not isinstance(o, list)]
    assert [o.title for o in top] == [f"{i['no']}. {i['title']}" for i in manifest["items"]]
    for mark, item in zip(top, manifest["items"], strict=True):
        assert reader.get_destination_page_number(mark) + 1 == item["first_page"]
    texts = [squash(page.extract_text() or "") for page in reader.pages]
    every_page = registry.get(kind).spec.seal == "every_page"
    for number, page_text in enumerate(texts, 1):
        assert f"第{number}页共{len(texts)}页" in page_text, f"page {number}"
        assert "{{" not in page_text and "{%" not in page_text, f"page {number}"
        if every_page:
            assert "此处加盖公章" in page_text, f"page {number}"
    toc = texts[1]
    assert toc.startswith("目录")
    for item in manifest["items"]:
        first, last = item["first_page"], item["last_page"]
        pages = str(first) if first == last else f"{first}–{last}"
        assert f"{item['no']}{squash(item['title'])}{pages}" in toc
    forms = sorted((built["folder"] / "forms").glob("*.docx"))
    form_ids = {i.id for i in load_checklist(kind).items if i.source == "form"}
    assert len(forms) == sum(1 for i in manifest["items"] if i["id"] in form_ids) > 0
    for form in forms:
        with zipfile.ZipFile(form) as z:
            for member in z.namelist():
                if member.endswith(".xml"):
                    xml = z.read(member).decode("utf-8")
                    assert "{{" not in xml and "{%" not in xml, f"{form.name}:{member}"
    name = squash(load_profile(sample_of(kind)).model.company.name)
    for item in manifest["items"]:
        if item["id"] in form_ids:
            assert any(name in t for t in texts[item["first_page"] - 1 : item["last_page"]]), item["id"]
            assert item["sources"][0]["path"].startswith("forms/"), item["id"]


@pytest.mark.e2e
@pytest.mark.parametrize("kind", KINDS)
def test_sample_dossier_pages_are_a4_portrait_and_pass_qpdf(kind: str, built_sample: Any) -> None:
    built = built_sample(kind)
    for page in built["reader"].pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1
        assert abs(float(page.mediabox.height) - 841.89) < 1
        assert (page.get("/Rotate") or 0) == 0
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf not installed")
    run = subprocess.run(["qpdf", "--check", str(built["pdf"])], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def id_numbers(value: Any) -> list[str]:
    """Every id_number (and holder_id) anywhere in a profile dump."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k in ("id_number", "holder_id") and isinstance(v, str) and v]
        return found + [n for v in value.values() for n in id_numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in id_numbers(v)]
    return []


@pytest.mark.e2e
@pytest.mark.parametrize("kind", KINDS)
def test_sample_manifest_holds_no_id_numbers(kind: str, built_sample: Any) -> None:
    manifest_text = (built_sample(kind)["folder"] / "manifest.json").read_text(encoding="utf-8")
    numbers = id_numbers(load_profile(sample_of(kind)).model.model_dump(mode="python"))
    assert numbers
    for number in numbers:
        assert number not in manifest_text
    json.loads(manifest_text)


@pytest.mark.e2e
@pytest.mark.parametrize("kind", KINDS)
def test_sample_manifest_places_lie_on_the_printed_words(kind: str, built_sample: Any) -> None:
    """The contract `verify` relies on: every page's placeholder and each signature box, in mm from
    the page's top-left, lying where pdfium finds the words 盖章 and 签字 on the printed page."""
    import pypdfium2 as pdfium

    built = built_sample(kind)
    m = built["manifest"]
    assert m["page_size_mm"] == [210.0, 297.0] and m["seam"] is False
    if registry.get(kind).spec.seal == "every_page":
        assert {p["page"] for p in m["placeholders"]} == set(range(1, m["pages"] + 1))
    assert all(p["diameter_mm"] == 42.0 for p in m["placeholders"])
    for date in m["dates"]:  # the sample gives its signing date: only another party's date may be blank
        x0, y0, x1, y1 = date["box_mm"]
        assert 1 <= date["page"] <= m["pages"] and 0 <= x0 < x1 <= 210 and 0 <= y0 < y1 <= 297, date
    doc = pdfium.PdfDocument(str(built["pdf"]))
    try:
        for place, word in [(s, "签字") for s in m["signatures"]] + [
            (p, "盖章") for p in m["placeholders"] if p["at_label"]
        ]:
            page = doc[place["page"] - 1]
            textpage = page.get_textpage()
            height = page.get_size()[1]
            hits = []
            searcher = textpage.search(word)
            while (hit := searcher.get_next()) is not None:
                left, bottom, right, top = textpage.get_charbox(hit[0])
                hits.append((left * 25.4 / 72, (height - top) * 25.4 / 72))
            if "box_mm" in place:  # on the word's line: right after it, or the blank line just before it
                x0, y0, x1, y1 = place["box_mm"]  # ("法定代表人（签字）：____" / "法定代表人：____（签字）")
                after = [x for x, y in hits if abs(x0 - x - 7) < 8 and y0 < y < y1]
                before = [x for x, y in hits if abs(x - x1 - 2) < 4 and y0 < y < y1]
                assert (after and x1 - x0 > 40) or (before and x1 - x0 >= 20), place
            else:
                cx, cy = place["center_mm"]
                assert any(abs(cx - x - 3.5) < 6 and abs(cy - y - 2) < 6 for x, y in hits), place
    finally:
        doc.close()


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
