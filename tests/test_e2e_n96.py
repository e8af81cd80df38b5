"""Build the n96 sample with real LibreOffice and read the dossier back (pypdf, poppler, qpdf)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from support import EPOCH, ROOT, model_as, printed_pages

from numdossier.kinds import load_checklist
from numdossier.kinds.n96.profile import N96Profile
from numdossier.profile import load_profile

SAMPLE = ROOT / "samples" / "n96" / "qinghe-96.toml"

pytestmark = pytest.mark.e2e


def run_build(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "numdossier.cli",
            "build",
            str(SAMPLE),
            "-o",
            str(out),
            "--format",
            "json",
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("out")
    before = tree_hashes(SAMPLE.parent)
    run = run_build(out)
    assert run.returncode == 0, run.stderr
    folder = out / "qinghe-96"
    return {
        "run": run,
        "out": out,
        "folder": folder,
        "pdf": folder / "dossier.pdf",
        "manifest": json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
        "reader": PdfReader(folder / "dossier.pdf"),
        "inputs_before": before,
    }


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(reader: PdfReader) -> list[str]:
    return [squash(page.extract_text() or "") for page in reader.pages]


def test_json_output_is_the_contract(built: dict[str, Any]) -> None:
    result = json.loads(built["run"].stdout)
    assert isinstance(result, list) and len(result) == 1
    entry = result[0]
    assert entry["kind"] == "n96" and entry["ok"] is True and entry["errors"] == 0
    assert Path(entry["output"]) == built["folder"]
    assert set(entry) >= {"profile", "kind", "ok", "errors", "warnings", "findings", "output"}


def test_output_folder_layout(built: dict[str, Any]) -> None:
    folder: Path = built["folder"]
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))
    assert names == [
        "dossier.pdf",
        "forms",
        "forms/01-占用申请表.docx",
        "forms/05-电话接入号码使用承诺书.docx",
        "manifest.json",
    ]


def test_page_count_matches_manifest(built: dict[str, Any]) -> None:
    manifest = built["manifest"]
    assert len(built["reader"].pages) == manifest["pages"]
    assert manifest["output"]["bytes"] == built["pdf"].stat().st_size
    last = 2
    for item in manifest["items"]:
        assert item["first_page"] == last + 1
        assert item["last_page"] >= item["first_page"]
        assert printed_pages(item) == item["last_page"] - item["first_page"] + 1
        last = item["last_page"]
    assert last == manifest["pages"]


def test_every_page_has_number_and_placeholder(built: dict[str, Any]) -> None:
    texts = page_texts(built["reader"])
    total = len(texts)
    for number, text in enumerate(texts, 1):
        assert f"第{number}页共{total}页" in text, f"page {number}"
        assert "此处加盖公章" in text, f"page {number}"


def test_every_page_is_a4_portrait(built: dict[str, Any]) -> None:
    for page in built["reader"].pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1
        assert abs(float(page.mediabox.height) - 841.89) < 1
        assert (page.get("/Rotate") or 0) == 0


def test_bookmarks_follow_checklist(built: dict[str, Any]) -> None:
    reader: PdfReader = built["reader"]
    checklist = load_checklist("n96")
    outline = reader.outline
    top = [o for o in outline if not isinstance(o, list)]
    assert [o.title for o in top] == [f"{n}. {item.title}" for n, item in enumerate(checklist.items, 1)]
    manifest = built["manifest"]
    for mark, item in zip(top, manifest["items"], strict=True):
        number = reader.get_destination_page_number(mark)
        assert number is not None and number + 1 == item["first_page"]
    # branches nest under the branch item, in profile order
    children = next(o for o in outline if isinstance(o, list))
    profile = model_as(load_profile(SAMPLE), N96Profile)
    assert [getattr(c, "title", None) for c in children] == [f"{b.city} · {b.name}" for b in profile.branches]


def test_toc_matches_manifest(built: dict[str, Any]) -> None:
    toc = page_texts(built["reader"])[1]
    assert toc.startswith("目录")
    for item in built["manifest"]["items"]:
        first, last = item["first_page"], item["last_page"]
        pages = str(first) if first == last else f"{first}–{last}"
        assert f"{item['no']}{squash(item['title'])}{pages}" in toc


def test_company_name_on_form_pages(built: dict[str, Any]) -> None:
    texts = page_texts(built["reader"])
    name = load_profile(SAMPLE).model.company.name
    for item in built["manifest"]["items"]:
        if item["id"] in ("application_form", "commitment"):
            pages = texts[item["first_page"] - 1 : item["last_page"]]
            assert any(name in t for t in pages), item["id"]
            assert item["sources"][0]["path"].startswith("forms/")


def test_no_template_tags_left(built: dict[str, Any]) -> None:
    for docx in (built["folder"] / "forms").glob("*.docx"):
        with zipfile.ZipFile(docx) as z:
            for member in z.namelist():
                if member.endswith(".xml"):
                    xml = z.read(member).decode("utf-8")
                    assert "{{" not in xml and "{%" not in xml, f"{docx.name}:{member}"


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_check(built: dict[str, Any]) -> None:
    run = subprocess.run(["qpdf", "--check", str(built["pdf"])], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_signatures_recorded(built: dict[str, Any]) -> None:
    signatures = built["manifest"]["signatures"]
    # seed 000: the legal representative signs in three places (cover, declaration, commitment)
    assert [s["who"] for s in signatures] == ["法定代表人"] * 3
    items = {i["id"]: i for i in built["manifest"]["items"]}
    form, commitment = items["application_form"], items["commitment"]
    assert signatures[0]["page"] == form["first_page"]
    assert form["first_page"] < signatures[1]["page"] <= form["last_page"]
    assert commitment["first_page"] <= signatures[2]["page"] <= commitment["last_page"]


def test_manifest_places_in_mm(built: dict[str, Any]) -> None:
    """The contract `verify` relies on: every page's placeholder and each signature box, in mm from
    the page's top-left, lying where pdfium finds the words 盖章 and 签字 on the printed page."""
    import pypdfium2 as pdfium

    m = built["manifest"]
    assert m["page_size_mm"] == [210.0, 297.0] and m["seam"] is False
    assert {p["page"] for p in m["placeholders"]} == set(range(1, m["pages"] + 1))
    assert all(p["diameter_mm"] == 42.0 for p in m["placeholders"])
    assert m["dates"] == []  # the sample gives its signing date
    doc = pdfium.PdfDocument(str(built["pdf"]))
    try:
        for place, word in [(s, "签字") for s in m["signatures"]] + [
            (p, "盖章") for p in m["placeholders"] if p["at_label"]
        ]:
            page = doc[place["page"] - 1]
            text = page.get_textpage()
            height = page.get_size()[1]
            hits = []
            searcher = text.search(word)
            while (hit := searcher.get_next()) is not None:
                left, bottom, right, top = text.get_charbox(hit[0])
                hits.append((left * 25.4 / 72, (height - top) * 25.4 / 72))
            if "box_mm" in place:  # the box starts right after the word, on its line
                x0, y0, x1, y1 = place["box_mm"]
                assert x1 - x0 > 40 and any(abs(x0 - x - 7) < 8 and y0 < y < y1 for x, y in hits), place
            else:
                cx, cy = place["center_mm"]
                assert any(abs(cx - x - 3.5) < 6 and abs(cy - y - 2) < 6 for x, y in hits), place
    finally:
        doc.close()


def test_blank_dates_listed(tmp_path: Path) -> None:
    """A profile without signing.date leaves 年 月 日 blank: each blank is a date place in the manifest."""
    folder = tmp_path / "p"
    shutil.copytree(SAMPLE.parent, folder)
    profile = folder / SAMPLE.name
    text = profile.read_text(encoding="utf-8")
    profile.write_text(re.sub(r"(?m)^date = 2026-11-20\n", "", text), encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "numdossier.cli",
            "build",
            str(profile),
            "-o",
            str(tmp_path / "out"),
            "--force",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    m = json.loads((tmp_path / "out" / "qinghe-96" / "manifest.json").read_text(encoding="utf-8"))
    signed_pages = {s["page"] for s in m["signatures"]}
    dates = m["dates"]
    # the cover's 申请日期, the declaration's and the commitment's signing dates
    assert len(dates) == 3 and {d["page"] for d in dates} <= signed_pages | {1}
    assert all(0 <= d["box_mm"][0] < d["box_mm"][2] <= 210 and d["box_mm"][1] < d["box_mm"][3] for d in dates)


def test_manifest_holds_no_id_numbers(built: dict[str, Any]) -> None:
    text = (built["folder"] / "manifest.json").read_text(encoding="utf-8")
    model = load_profile(SAMPLE).model
    assert model.legal_rep.id_number not in text
    assert model.number_contact.id_number not in text


def test_rebuild_is_byte_identical(built: dict[str, Any], tmp_path: Path) -> None:
    run = run_build(tmp_path)
    assert run.returncode == 0, run.stderr
    again = tmp_path / "qinghe-96"
    for name in (
        "dossier.pdf",
        "manifest.json",
        "forms/01-占用申请表.docx",
        "forms/05-电话接入号码使用承诺书.docx",
    ):
        assert (again / name).read_bytes() == (built["folder"] / name).read_bytes(), name


def test_inputs_untouched(built: dict[str, Any]) -> None:
    assert tree_hashes(SAMPLE.parent) == built["inputs_before"]
    manifest = built["manifest"]
    assert manifest["profile"]["sha256"] == built["inputs_before"][SAMPLE.name]
    for item in manifest["items"]:
        for source in item["sources"]:
            if source["path"] and not source["path"].startswith("forms/"):
                assert built["inputs_before"][source["path"]] == source["sha256"]


def card_boxes_mm(pdf: Path, page_no: int) -> list[tuple[float, float, float, float]]:
    """The ID cards printed on a dossier page, in mm from the top-left: every form XObject drawn
    clipped to a card-shaped /BBox, its box mapped through the current matrix."""
    import pikepdf

    mm = 72 / 25.4
    boxes = []
    with pikepdf.open(pdf) as doc:
        page = doc.pages[page_no - 1]
        height = float(page.mediabox[3])

        def walk(resources: Any, content: Any, ctm: pikepdf.Matrix) -> None:
            stack, matrix = [], ctm
            for instruction in pikepdf.parse_content_stream(content):
                operands, op = instruction.operands, instruction.operator
                if op == pikepdf.Operator("q"):
                    stack.append(matrix)
                elif op == pikepdf.Operator("Q"):
                    matrix = stack.pop() if stack else ctm
                elif op == pikepdf.Operator("cm"):
                    matrix = pikepdf.Matrix(*[float(v) for v in operands]) @ matrix
                elif op == pikepdf.Operator("Do"):
                    xobject = resources.XObject[operands[0]]
                    if xobject.Subtype != "/Form":
                        continue
                    inner = (
                        pikepdf.Matrix(*[float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])])
                        @ matrix
                    )
                    x0, y0, x1, y1 = (float(v) for v in xobject.BBox)
                    corners = [inner.transform((x, y)) for x in (x0, x1) for y in (y0, y1)]
                    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
                    w, h = max(xs) - min(xs), max(ys) - min(ys)
                    if min(w, h) > 0 and abs(max(w, h) / min(w, h) - 85.6 / 54) < 0.1:
                        boxes.append(
                            (min(xs) / mm, (height - max(ys)) / mm, max(xs) / mm, (height - min(ys)) / mm)
                        )
                    elif "/Resources" in xobject:
                        walk(xobject.Resources, xobject, inner)

        walk(page.Resources, page, pikepdf.Matrix())
    return boxes


def test_id_copies_both_sides_on_one_page_at_card_size(built: dict[str, Any]) -> None:
    item = next(i for i in built["manifest"]["items"] if i["id"] == "id_copies")
    assert item["last_page"] - item["first_page"] + 1 == 2  # legal representative, contact: a page each
    assert [s["as_card_on_pages"] for s in item["sources"]] == [[item["first_page"]]] * 2 + [
        [item["last_page"]]
    ]
    texts = page_texts(built["reader"])
    model = load_profile(SAMPLE).model
    for page_no, who in (
        (item["first_page"], f"法定代表人{model.legal_rep.name}"),
        (item["last_page"], f"联系人{model.number_contact.name}"),
    ):
        text = texts[page_no - 1]
        front, back = text.find(f"{who}·居民身份证正面"), text.find(f"{who}·居民身份证反面")
        assert 0 <= front < back, text
        boxes = card_boxes_mm(built["pdf"], page_no)
        assert len(boxes) == 2
        for x0, y0, x1, y1 in boxes:
            assert x1 - x0 == pytest.approx(85.6, abs=0.3) and y1 - y0 == pytest.approx(54.0, abs=0.3)
            assert y1 < 297 - 20  # clear of the page-number band
        assert boxes[0][3] < boxes[1][1]  # front above back


def test_id_sides_one_per_page_by_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from numdossier import api
    from numdossier.rules.settings import settings

    monkeypatch.setitem(settings().defaults, "id_sides_per_page", 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    [outcome] = api.build(SAMPLE, tmp_path, today=dt.date(2026, 11, 23), jobs=1)  # in this process
    built = outcome.built
    assert built is not None, outcome.error
    item = next(i for i in built.manifest["items"] if i["id"] == "id_copies")
    assert item["last_page"] - item["first_page"] + 1 == 4
    for page_no in range(item["first_page"], item["last_page"] + 1):
        (box,) = card_boxes_mm(built.folder / "dossier.pdf", page_no)
        assert box[2] - box[0] == pytest.approx(85.6, abs=0.3)
