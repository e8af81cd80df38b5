"""Bring your own template: split runs, hostile templates, overrides, `template check|vars|export`."""

from __future__ import annotations

import http.server
import io
import json
import os
import re
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from support import invoke, run_cli, sample_of, text

from numdossier.check import check_profile
from numdossier.errors import TemplateError
from numdossier.kinds import registry
from numdossier.profile import load_profile
from numdossier.render import template as untrusted
from numdossier.render.authoring import check_template
from numdossier.render.docx import render_docx

AGREEMENT = registry.get("n400").folder / "security_agreement.docx" if registry.find("n400") else Path()
TODAY = "2026-11-23"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def n400() -> Any:
    return load_profile(sample_of("n400"))


def render_with_sample(template: Path, tmp_path: Path) -> tuple[bytes, untrusted.Prepared]:
    loaded = n400()
    out = tmp_path / "out.docx"
    prepared = render_docx(template, lambda tpl: registry.get("n400").build_context(loaded, tpl), out)
    return out.read_bytes(), prepared


def docx_with_body(tmp_path: Path, body: str, rels: str = "", name: str = "t.docx") -> Path:
    """A minimal DOCX whose document.xml body is `body` (raw WordprocessingML) and extra relationships."""
    buffer = io.BytesIO()
    Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                xml = data.decode("utf-8")
                xml = re.sub(r"<w:body>.*</w:body>", lambda _: f"<w:body>{body}</w:body>", xml, flags=re.S)
                data = xml.encode("utf-8")
            if info.filename == "word/_rels/document.xml.rels" and rels:
                data = data.replace(b"</Relationships>", rels.encode("utf-8") + b"</Relationships>")
            out.writestr(info, data)
    return path


def run(text_: str, bold: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else '<w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr>'
    return f'<w:r w:rsidR="00A1B2C3">{props}<w:t xml:space="preserve">{text_}</w:t></w:r>'


# --------------------------------------------------------------------------- split runs


def test_a_tag_split_over_runs_and_between_its_braces_still_renders(tmp_path: Path) -> None:
    body = (
        f"<w:p>{run('申请单位：{')}{run('{ company.', bold=True)}"
        f'<w:proofErr w:type="spellStart"/>{run("name")}<w:proofErr w:type="spellEnd"/>{run(" }")}{run("}。")}</w:p>'
        f"<w:p>{run('号码：{% if n400.number %}{{ n400.')}{run('number }}{% endif %}', bold=True)}</w:p>"
    )
    template = docx_with_body(tmp_path, body)
    rendered, prepared = render_with_sample(template, tmp_path)
    assert prepared.joined == 2 and prepared.broken == []
    body_text = text(rendered)
    assert f"申请单位：{n400().model.company.name}。" in body_text
    assert f"号码：{n400().model.n400.number}" in body_text


def test_a_tag_broken_over_paragraphs_is_named_by_check_and_build(tmp_path: Path) -> None:
    template = docx_with_body(
        tmp_path, f"<w:p>{run('甲方：{{ company.')}</w:p><w:p>{run('name }}（盖章）')}</w:p>"
    )
    report = check_template(template, "n400")
    assert not report.ok
    assert any("第 1 段" in e and "甲方：{{ company." in e for e in report.errors), report.errors
    with pytest.raises(TemplateError, match="甲方：{{ company."):
        render_with_sample(template, tmp_path)


def test_a_syntax_error_is_one_sentence_before_the_paragraph(tmp_path: Path) -> None:
    """Jinja's own message ends with a full stop: not "…unknown tag 'frobnicate'.: …"."""
    from numdossier.rules import messages

    template = docx_with_body(tmp_path, f"<w:p>{run('{% frobnicate %}{{ company.name }}')}</w:p>")
    with messages.using("en"):
        (said,) = check_template(template, "n400").errors
    assert said.startswith("body, paragraph 1: syntax error: ") and ".:" not in said, said
    assert said.endswith(""": "{% frobnicate %}{{ company.name }}\""""), said


# --------------------------------------------------------------------------- hostile templates


def test_a_macro_enabled_document_is_refused(tmp_path: Path) -> None:
    docm = tmp_path / "协议.docm"
    shutil.copyfile(AGREEMENT, docm)
    with pytest.raises(TemplateError, match="协议.docm.*宏"):
        untrusted.prepare(docm)
    with_vba = tmp_path / "vba.docx"
    shutil.copyfile(AGREEMENT, with_vba)
    with zipfile.ZipFile(with_vba, "a") as z:
        z.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    with pytest.raises(TemplateError, match="vba.docx.*vbaProject.bin"):
        untrusted.prepare(with_vba)


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.7\n", b"{\\rtf1 not a docx}", b"PK\x03\x04broken"],
    ids=["pdf", "rtf", "broken-zip"],
)
def test_anything_but_a_docx_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "carrier.docx"
    path.write_bytes(content)
    with pytest.raises(TemplateError, match="carrier.docx"):
        untrusted.prepare(path)
    odt = tmp_path / "odt.docx"
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(TemplateError, match="word/document.xml"):
        untrusted.prepare(odt)


def test_entities_are_never_expanded(tmp_path: Path) -> None:
    bomb = '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    path = tmp_path / "bomb.docx"
    shutil.copyfile(AGREEMENT, path)
    data = {}
    with zipfile.ZipFile(path) as z:
        data = {i.filename: z.read(i) for i in z.infolist()}
    xml = data["word/document.xml"].decode("utf-8")
    head, _, rest = xml.partition("?>")
    data["word/document.xml"] = (head + "?>" + bomb + rest.replace("甲方", "&b;", 1)).encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        for name, content in data.items():
            z.writestr(name, content)
    with pytest.raises(TemplateError, match="bomb.docx.*DTD"):
        untrusted.prepare(path)


def test_zip_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many = tmp_path / "many.docx"
    shutil.copyfile(AGREEMENT, many)
    with zipfile.ZipFile(many, "a") as z:
        for i in range(untrusted.MAX_ENTRIES):
            z.writestr(f"customXml/extra{i}.xml", "<a/>")
    with pytest.raises(TemplateError, match="many.docx.*部件"):
        untrusted.prepare(many)
    monkeypatch.setattr(untrusted, "MAX_UNPACKED_BYTES", 10_000)
    big = tmp_path / "big.docx"
    shutil.copyfile(AGREEMENT, big)
    with zipfile.ZipFile(big, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/zeros.bin", b"\0" * 50_000)
    with pytest.raises(TemplateError, match="big.docx.*过大"):
        untrusted.prepare(big)


def hostile_body(url: str) -> tuple[str, str]:
    """A linked (not embedded) picture, an external hyperlink, INCLUDETEXT and INCLUDEPICTURE fields."""
    picture = (
        '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        '<wp:extent cx="914400" cy="914400"/><wp:docPr id="1" name="p"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="1" name="p"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip xmlns:r="{R_NS}" r:link="rIdX1"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
        '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
    )
    body = (
        f"<w:p>{run('甲方：{{ company.name }}（盖章）')}</w:p>"
        f"<w:p>{picture}</w:p>"
        f'<w:p><w:hyperlink xmlns:r="{R_NS}" r:id="rIdX2">{run("运营商网站")}</w:hyperlink></w:p>'
        f'<w:p><w:fldSimple w:instr=" INCLUDETEXT &quot;{url}/text.docx&quot; ">{run("条款正文")}</w:fldSimple></w:p>'
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE '
        f'"{url}/seal.png" \\d </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'{run("图片")}<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{run("1")}<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    rels = (
        '<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        f'Target="{url}/logo.png" TargetMode="External"/>'
        '<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
        f'Target="{url}/" TargetMode="External"/>'
    )
    return body, rels


def test_a_template_is_prepared_once_per_process_and_each_caller_gets_its_own_copy(tmp_path: Path) -> None:
    body, rels = hostile_body("http://127.0.0.1:9")
    template = docx_with_body(tmp_path, body, rels, name="运营商协议.docx")
    first = untrusted.prepare(template)
    first.stripped.clear()  # a caller changing its result changes nobody else's
    second = untrusted.prepare(template)
    assert len(second.stripped) == 4 and second.data == first.data
    renamed = template.with_name("另一份.docx")
    shutil.copy(template, renamed)  # the same bytes under another name: its findings name it
    assert all(s.startswith("模板 另一份.docx") for s in untrusted.prepare(renamed).stripped)
    broken = tmp_path / "坏的.docx"
    broken.write_bytes(b"not a zip")
    for _ in range(2):  # a refusal is not remembered as a result
        with pytest.raises(TemplateError):
            untrusted.prepare(broken)


def test_external_links_and_file_reading_fields_are_stripped_with_findings(tmp_path: Path) -> None:
    body, rels = hostile_body("http://127.0.0.1:9")
    template = docx_with_body(tmp_path, body, rels, name="运营商协议.docx")
    prepared = untrusted.prepare(template)
    assert len(prepared.stripped) == 4, prepared.stripped
    assert all(s.startswith("模板 运营商协议.docx") for s in prepared.stripped)
    joined = " ".join(prepared.stripped)
    for word in ("image", "hyperlink", "INCLUDETEXT", "INCLUDEPICTURE"):
        assert word in joined
    with zipfile.ZipFile(io.BytesIO(prepared.data)) as z:
        everything = b"".join(z.read(n) for n in z.namelist())
    assert b"127.0.0.1" not in everything and b"External" not in everything
    assert b"PAGE" in everything  # harmless fields stay
    rendered, _ = render_with_sample(template, tmp_path)
    shown = text(rendered)
    assert "条款正文" in shown and "图片" in shown and "运营商网站" in shown  # the shown results stay
    report = check_template(template, "n400", "security_agreement")
    assert report.ok and len(report.stripped) == 4 and len(report.warnings) == 4


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def _any(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = do_OPTIONS = do_PROPFIND = _any

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 only, recording every request; stopped after the test."""
    seen: list[str] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.timeout = 1
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.e2e
def test_no_request_leaves_the_conversion(tmp_path: Path, loopback: tuple[str, list[str]]) -> None:
    from urllib.request import urlopen

    from numdossier.convert import Converter, find_soffice

    url, seen = loopback
    body, rels = hostile_body(url)
    template = docx_with_body(tmp_path, body, rels)
    loaded = n400()
    docx = tmp_path / "form.docx"
    render_docx(template, lambda tpl: registry.get("n400").build_context(loaded, tpl), docx)
    (pdf,) = Converter(find_soffice()).convert([docx], tmp_path / "pdf")
    assert pdf.is_file()
    assert seen == []
    with urlopen(f"{url}/control", timeout=5):  # the server did listen
        pass
    assert seen == ["GET /control"]


# --------------------------------------------------------------------------- overrides and checks


def own_agreement(path: Path, wording: str) -> Path:
    document = Document()
    document.add_heading("企业 400 业务安全协议（运营商文本）", level=1)
    document.add_paragraph(f"甲方：{{{{ company.name }}}}。{wording}")
    document.add_paragraph("号码：{{ n400.number }}；乙方：{{ n400.carrier.name }}")
    for _ in range(3):
        document.add_paragraph("")
    document.add_paragraph("甲方（盖章）：")
    document.add_paragraph("日期：{{ sign_date }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def client(tmp_path: Path, override: str | None) -> Path:
    folder = tmp_path / "client"
    shutil.copytree(sample_of("n400").parent, folder, dirs_exist_ok=True)
    profile = folder / sample_of("n400").name
    if override is not None:
        profile.write_text(
            profile.read_text(encoding="utf-8") + f'\n[templates]\nsecurity_agreement = "{override}"\n',
            encoding="utf-8",
        )
    return profile


def test_check_names_unknown_and_missing_overrides(tmp_path: Path) -> None:
    import datetime as dt

    profile = client(tmp_path, "carrier/无此文件.docx")
    text_ = profile.read_text(encoding="utf-8").replace("security_agreement =", "security_agreemnt =")
    profile.write_text(text_ + 'security_agreement = "carrier/无此文件.docx"\n', encoding="utf-8")
    findings = check_profile(profile, dt.date(2026, 11, 23)).findings
    codes = {(f.code, f.field) for f in findings}
    assert ("TEMPLATE-OVERRIDE", "templates.security_agreemnt") in codes
    assert ("TEMPLATE-OVERRIDE", "templates.security_agreement") in codes
    close = next(f for f in findings if f.field == "templates.security_agreemnt")
    assert "security_agreement" in close.hint


def test_an_agency_checklist_variant_is_validated(tmp_path: Path) -> None:
    import datetime as dt

    agency = tmp_path / "agency" / "n400"
    agency.mkdir(parents=True)
    source = (registry.get("n400").folder / "checklist.toml").read_text(encoding="utf-8")
    (agency / "checklist.toml").write_text(
        source.replace('template = "request_form.docx"', 'template = "需求单.docx"'), encoding="utf-8"
    )
    result = check_profile(sample_of("n400"), dt.date(2026, 11, 23), tmp_path / "agency")
    assert [f.code for f in result.findings] == ["TEMPLATE-OVERRIDE"]
    assert "request_form" in result.findings[0].message and "需求单.docx" in result.findings[0].message
    # dropping an item: the variant is used as it is
    dropped = re.sub(r'\[\[items\]\]\nid = "request_form".*?\n\n', "", source, flags=re.S)
    (agency / "checklist.toml").write_text(dropped, encoding="utf-8")
    result = check_profile(sample_of("n400"), dt.date(2026, 11, 23), tmp_path / "agency")
    assert result.ok, [f.message for f in result.findings]


@pytest.mark.e2e
@pytest.mark.parametrize("how", ["profile", "agency"])
def test_an_own_agreement_replaces_the_built_in_one(tmp_path: Path, how: str) -> None:
    wording = "本协议为运营商专用文本 XH-2026-07。"
    if how == "profile":
        template = own_agreement(tmp_path / "client" / "carrier" / "电信-安全协议.docx", wording)
        profile = client(tmp_path, "carrier/电信-安全协议.docx")
        extra: list[str] = []
    else:
        template = own_agreement(tmp_path / "agency" / "n400" / "security_agreement.docx", wording)
        profile = client(tmp_path, None)
        extra = ["--templates", str(tmp_path / "agency")]
    out = tmp_path / "out"
    result = run_cli("build", str(profile), "-o", str(out), "--format", "json", "--today", TODAY, *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    (entry,) = json.loads(result.stdout)
    manifest = json.loads((Path(entry["output"]) / "manifest.json").read_text(encoding="utf-8"))
    item = next(i for i in manifest["items"] if i["id"] == "security_agreement")
    origin = item["sources"][0]["template"]
    assert origin["origin"] == how
    import hashlib

    assert origin["sha256"] == hashlib.sha256(template.read_bytes()).hexdigest()
    from pypdf import PdfReader

    reader = PdfReader(Path(entry["output"]) / "dossier.pdf")
    page = "".join((reader.pages[item["first_page"] - 1].extract_text() or "").split())
    assert "XH-2026-07" in page and "此处加盖公章" in page
    seals = [p for p in manifest["placeholders"] if p["page"] == item["first_page"]]
    assert seals and seals[0]["at_label"] is True  # at the template's 盖章, not the page's empty corner
    # python-docx's (and American Word's) blank document is Letter: the dossier is A4 all the same
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes == {(595, 842)}


def test_template_cli(tmp_path: Path) -> None:
    exported = tmp_path / "start.docx"
    result = invoke("template", "export", "n400", "security_agreement", "-o", str(exported))
    assert result.returncode == 0 and exported.read_bytes() == AGREEMENT.read_bytes()
    assert (
        invoke("template", "export", "n400", "security_agreemnt", "-o", str(tmp_path / "x.docx")).returncode
        == 2
    )
    checked = invoke("template", "check", str(exported), "--kind", "n400", "--format", "json")
    data = json.loads(checked.stdout)
    assert checked.returncode == 0 and data["ok"] and data["seals"] and data["other_party"]
    typo = docx_with_body(tmp_path, f"<w:p>{run('{{ company.nmae }}（盖章）')}</w:p>")
    bad = invoke("template", "check", str(typo), "--kind", "n400")
    assert bad.returncode == 1 and "company.name" in bad.stdout
    listing = json.loads(invoke("template", "vars", "n400", "--format", "json").stdout)
    by_path = {v["path"]: v for v in listing}
    assert by_path["company.name"]["description"] and by_path["sign_date"]["description"]
    assert "*" in by_path["legal_rep.id_number"]["sample"]  # ID numbers masked
    assert by_path["n400.carrier.name"]["type"] == "文本"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_template_check_of_an_unreadable_file_prints_only_its_error(tmp_path: Path, lang: str) -> None:
    """No empty variable and place lists after the error: the file was never read, nothing is known."""
    broken = tmp_path / "x.docx"
    broken.write_bytes(b"not a zip at all")
    result = invoke("template", "check", str(broken), "--kind", "n400", "--lang", lang)
    assert result.returncode == 1
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1 and "x.docx" in lines[0], result.stdout
    for said in ("变量", "盖章处", "签字处", "Variables", "seal places", "Signature places"):
        assert said not in result.stdout
    data = json.loads(invoke("template", "check", str(broken), "--kind", "n400", "--format", "json").stdout)
    assert not data["ok"] and data["errors"] and "read" not in data  # the JSON shape as before


def built_in_forms() -> list[tuple[str, str, Path]]:
    """(kind, item id, template) of every built-in form."""
    from numdossier.kinds import load_checklist

    return [
        (kind, item.id, registry.get(kind).folder / item.template)
        for kind in registry.names()
        for item in load_checklist(kind).items
        if item.source == "form" and item.template
    ]


BUILT_IN_FORMS = built_in_forms()


@pytest.mark.parametrize(
    ("kind", "item", "path"), BUILT_IN_FORMS, ids=[f"{k}-{i}" for k, i, _ in BUILT_IN_FORMS]
)
def test_check_lists_variables_as_docxtpl_reads_them(kind: str, item: str, path: Path) -> None:
    """For every built-in template: the roots check reports are the ones docxtpl asks the context for."""
    from docxtpl import DocxTemplate

    from numdossier.render.engine import environment

    report = check_template(path, kind, item)
    assert report.ok, (kind, item, report.errors)
    env = environment()
    expected = DocxTemplate(str(path)).get_undeclared_template_variables(jinja_env=env) - set(env.globals)
    mine = {v.split(".")[0].removesuffix("[]") for v in report.variables}
    assert mine == expected, (kind, item)


@pytest.mark.skipif(not Path("/work/shared/corpus/docx").is_dir(), reason="no DOCX corpus on this machine")
def test_check_never_crashes_on_real_world_documents() -> None:
    for path in sorted(Path("/work/shared/corpus/docx").glob("*.docx")):
        report = check_template(path, "n400")
        assert isinstance(report.errors, list), path


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.e2e
def test_a_template_written_in_libreoffice(tmp_path: Path) -> None:
    """Authored in LibreOffice (not python-docx): a tag split by bold formatting, between its braces too."""
    fodt = tmp_path / "carrier.fodt"
    fodt.write_text(CARRIER_FODT, encoding="utf-8")
    profile_dir = tmp_path / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile_dir}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(tmp_path),
            str(fodt),
        ],
        capture_output=True,
        timeout=180,
        check=True,
        env=dict(os.environ, TMPDIR=str(tmp_path), HOME=str(tmp_path)),  # nothing left in /tmp
    )
    docx = tmp_path / "carrier.docx"
    with zipfile.ZipFile(docx) as z:
        assert "{{ company.</w:t>" in z.read("word/document.xml").decode("utf-8")  # split by the bold
    report = check_template(docx, "n400", "security_agreement")
    assert report.ok and report.joined >= 2 and report.seals == ["甲方（盖章）："]
    rendered, _ = render_with_sample(docx, tmp_path)
    assert f"号码 {n400().model.n400.number} 仅用于" in text(rendered)
    names = zipfile.ZipFile(io.BytesIO(rendered)).namelist()
    assert len(names) == len(set(names)), (
        f"repeated members: {sorted(n for n in names if names.count(n) > 1)}"
    )


CARRIER_FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:automatic-styles>
  <style:style style:name="B" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
 </office:automatic-styles>
 <office:body><office:text>
  <text:p>星河电信 400 业务信息安全协议（运营商版）</text:p>
  <text:p>甲方：{{ company.<text:span text:style-name="B">name</text:span> }}</text:p>
  <text:p>乙方：{{ n400.carrier.name }}</text:p>
  <text:p>一、甲方承诺其号码 {<text:span text:style-name="B">{</text:span> n400.number }} 仅用于合法经营。本条款为运营商专用文本 XH-2026-07。</text:p>
  <text:p>二、双方的其他权利义务以号码服务合同为准。</text:p>
  <text:p/>
  <text:p/>
  <text:p>甲方（盖章）：</text:p>
  <text:p>法定代表人或授权代表（签字）：</text:p>
  <text:p>日期：{{ sign_date }}</text:p>
  <text:p/>
  <text:p/>
  <text:p>乙方（盖章）：</text:p>
 </office:text></office:body>
</office:document>
"""


# --------------------------------------------------------------------------- check and build agree


def test_a_syntax_error_does_not_hide_the_seal_and_signature_places(tmp_path: Path) -> None:
    template = docx_with_body(
        tmp_path,
        f"<w:p>{run('{% for h in hotlines %}没有结束')}</w:p>"
        f"<w:p>{run('甲方：{{ company.name }}（盖章）')}</w:p><w:p>{run('法定代表人（签字）：')}</w:p>",
    )
    report = check_template(template, "n400")
    assert any("第 1 段" in e and "endfor" in e for e in report.errors), report.errors
    assert report.seals == ["甲方：{{ company.name }}（盖章）"]
    assert report.signatures == ["法定代表人（签字）："]
    assert not any("盖章" in w for w in report.warnings), report.warnings


def test_word_curly_quotes_inside_a_tag_pass_check_as_they_pass_build(tmp_path: Path) -> None:
    """Word's AutoFormat types ‘ ’ “ ” for quotes; docxtpl straightens them inside tags, so check must too."""
    template = docx_with_body(
        tmp_path,
        f"<w:p>{run('备注：{{ n400.note or ‘无’ }}{% if company.name == “x” %}X{% endif %}（盖章）')}</w:p>",
    )
    report = check_template(template, "n400")
    assert report.ok, report.errors
    assert {"n400.note", "company.name"} <= set(report.variables)
    rendered, _ = render_with_sample(template, tmp_path)
    assert f"备注：{n400().model.n400.note}" in text(rendered)


@pytest.mark.parametrize("where", ["body", "footer"])
def test_build_names_the_unknown_field_of_a_table_by_its_path(tmp_path: Path, where: str) -> None:
    source = tmp_path / "src.docx"
    document = Document()
    document.add_paragraph("甲方（盖章）：")
    if where == "body":
        document.add_paragraph("名称：{{ company.nmae }}")
    else:
        document.sections[0].footer.paragraphs[0].text = "名称：{{ company.nmae }}"
    document.save(str(source))
    with pytest.raises(TemplateError) as raised:
        render_with_sample(source, tmp_path)
    assert "company.nmae" in raised.value.message and "company.name" in raised.value.message
    assert "dict object" not in raised.value.message


def test_check_refuses_a_field_of_a_text_value_as_build_does(tmp_path: Path) -> None:
    template = docx_with_body(
        tmp_path, f"<w:p>{run('{{ legal_rep.name.x }}{{ company.name.strip() }}（盖章）')}</w:p>"
    )
    report = check_template(template, "n400")
    assert any("legal_rep.name.x" in e for e in report.errors), report.errors
    assert not any("company.name.strip" in e for e in report.errors), report.errors
    with pytest.raises(TemplateError, match=r"legal_rep\.name\.x"):
        render_with_sample(template, tmp_path)


@pytest.mark.parametrize(
    "expression", ["{{ sign_date|date_cn }}", "{{ company.registered_capital + '万元' }}", "{{ 1 / 0 }}"]
)
def test_an_expression_that_fails_on_the_profiles_values_is_the_templates_error(
    tmp_path: Path, expression: str
) -> None:
    """sign_date is text already (2026 年 11 月 20 日): date_cn on it, or adding text to a number, is a
    mistake in the template, named with it, not an internal error of numdossier."""
    template = docx_with_body(tmp_path, f"<w:p>{run('日期：' + expression + '（盖章）')}</w:p>")
    with pytest.raises(TemplateError) as raised:
        render_with_sample(template, tmp_path)
    assert "t.docx" in raised.value.message and raised.value.hint


def test_a_letter_page_is_set_to_a4_and_said_so(tmp_path: Path) -> None:
    """Every dossier page is A4 (the placeholders and page numbers are placed on A4): a Letter template
    is filled on A4 paper and check and template check say so; a landscape section (filled on landscape
    A4 under --force) is refused by both: the dossier's pages are portrait, as they are stamped."""
    import datetime as dt

    folder = tmp_path / "client" / "carrier"
    template = own_agreement(folder / "letter.docx", "")
    landscape = Document(str(template))
    section = landscape.add_section()
    section.page_width, section.page_height = section.page_height, section.page_width
    landscape.save(str(template))
    rendered, prepared = render_with_sample(template, tmp_path)
    with zipfile.ZipFile(io.BytesIO(rendered)) as filled:
        xml = filled.read("word/document.xml").decode("utf-8")
    sizes = re.findall(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"', xml)
    assert sizes == [("11906", "16838"), ("16838", "11906")]
    assert len(prepared.resized) == 2 and "279.4" in prepared.resized[0], prepared.resized
    assert len(prepared.landscape) == 1 and "2" in prepared.landscape[0], prepared.landscape
    report = check_template(template, "n400")
    assert any("A4" in w for w in report.warnings)
    assert [e for e in report.errors if "letter.docx" in e and "2" in e] == prepared.landscape
    profile = client(tmp_path, "carrier/letter.docx")
    findings = [
        f for f in check_profile(profile, dt.date(2026, 11, 23)).findings if f.code == "TEMPLATE-OVERRIDE"
    ]
    assert sorted(f.severity for f in findings) == ["error", "warning", "warning"]
    refused = next(f for f in findings if f.severity == "error")
    assert "纵向" in refused.message and "纸张方向" in refused.hint
    portrait = own_agreement(folder / "portrait.docx", "")  # the same template without that section
    assert render_with_sample(portrait, tmp_path)[1].landscape == []


def test_a_mistyped_agency_folder_or_template_name_is_not_passed_over_in_silence(tmp_path: Path) -> None:
    """--templates naming no folder is refused (it built every dossier with the built-in templates);
    a DOCX in DIR/<kind>/ that no item uses (a misspelt id, another case) is a warning naming it."""
    import datetime as dt

    profile = client(tmp_path, None)
    missing = invoke("check", str(profile), "--today", TODAY, "--templates", str(tmp_path / "代理商模版"))
    assert (
        missing.returncode == 2
        and "代理商模版" in missing.stderr
        and "NUMDOSSIER_TEMPLATES" in missing.stderr
    )
    agency = tmp_path / "agency"
    own_agreement(agency / "n400" / "securty_agreement.docx", "")
    own_agreement(agency / "n400" / "Request_Form.DOCX", "")
    own_agreement(agency / "n400" / "authorization.docx", "")  # used
    (agency / "n400" / "~$thorization.docx").write_bytes(b"Word's lock file")
    findings = check_profile(profile, dt.date(2026, 11, 23), agency).findings
    unused = [f for f in findings if f.code == "TEMPLATE-OVERRIDE" and f.field is None]  # not the Letter page
    assert [f.severity for f in unused] == ["warning", "warning"]
    assert "Request_Form.DOCX" in unused[0].message and "request_form.docx" in unused[0].hint
    assert "securty_agreement.docx" in unused[1].message and "security_agreement.docx" in unused[1].hint


@pytest.mark.parametrize("prefix", ["r", "p"])
def test_docxtpl_rich_text_tags_print_the_profiles_text(tmp_path: Path, prefix: str) -> None:
    """{{r x }} / {{p x }} put an object's XML in place of the run or paragraph: a profile's text put
    there is outside any run and never shows. No value is such an object: filled as {{ x }}, said so."""
    template = docx_with_body(
        tmp_path,
        f"<w:p>{run('号码：{{' + prefix + ' n400.')}{run('number }}', bold=True)}</w:p><w:p>{run('甲方（盖章）：')}</w:p>",
    )
    rendered, prepared = render_with_sample(template, tmp_path)
    assert f"号码：{n400().model.n400.number}" in text(rendered)
    assert len(prepared.retagged) == 1 and "n400.number" in prepared.retagged[0]
    report = check_template(template, "n400")
    assert report.ok and report.variables == ["n400.number"]
    assert any("{{" + prefix in w for w in report.warnings), report.warnings


def test_a_template_that_is_not_there_is_said_so_in_the_users_language(tmp_path: Path) -> None:
    missing = check_template(tmp_path / "无此模板.docx", "n400")
    assert missing.errors == ["模板 无此模板.docx 无法读取：找不到该文件"]
    (tmp_path / "folder.docx").mkdir()
    assert "文件夹" in check_template(tmp_path / "folder.docx", "n400").errors[0]
