"""Build the n96 sample with real LibreOffice and read the dossier back: what is n96's own (its output
folder, branch bookmarks, signatures, blank dates, ID cards) and what needs a build of its own (a rebuild
is byte-identical, the inputs stay untouched). Pages, page numbers, placeholders, the 目录, qpdf, the
manifest's places: tests/test_kinds.py, for every kind's sample."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from support import EPOCH, ROOT, model_as, run_cli, squash

from numdossier.kinds import load_checklist
from numdossier.kinds.n96.profile import N96Profile
from numdossier.profile import load_profile

SAMPLE = ROOT / "samples" / "n96" / "qinghe-96.toml"

pytestmark = pytest.mark.e2e


def run_build(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("build", str(SAMPLE), "-o", str(out), "--format", "json", *extra)


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


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text without white space."""
    return [squash(page.extract_text() or "") for page in reader.pages]


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


def test_signatures_recorded(built: dict[str, Any]) -> None:
    signatures = built["manifest"]["signatures"]
    # seed 000: the legal representative signs in three places (cover, declaration, commitment)
    assert [s["who"] for s in signatures] == ["法定代表人"] * 3
    items = {i["id"]: i for i in built["manifest"]["items"]}
    form, commitment = items["application_form"], items["commitment"]
    assert signatures[0]["page"] == form["first_page"]
    assert form["first_page"] < signatures[1]["page"] <= form["last_page"]
    assert commitment["first_page"] <= signatures[2]["page"] <= commitment["last_page"]
    # the cover prints "法定代表人：______（签字）": the hand goes on the line, before the word
    import pypdfium2 as pdfium

    x0, y0, x1, y1 = signatures[0]["box_mm"]
    document = pdfium.PdfDocument(str(built["pdf"]))
    textpage = document[signatures[0]["page"] - 1].get_textpage()
    mm, height = 72 / 25.4, 297
    inside = textpage.get_text_bounded(x0 * mm, (height - y1) * mm, x1 * mm, (height - y0) * mm)
    after = textpage.get_text_bounded(x1 * mm, (height - y1) * mm, (x1 + 20) * mm, (height - y0) * mm)
    before = textpage.get_text_bounded((x0 - 30) * mm, (height - y1) * mm, x0 * mm, (height - y0) * mm)
    assert x1 - x0 >= 20 and not inside.strip(), inside
    assert "签字" in after and "法定代表人" in before


def test_the_sample_leaves_no_date_blank(built: dict[str, Any]) -> None:
    assert built["manifest"]["dates"] == []  # the sample gives its signing date


def test_blank_dates_listed(tmp_path: Path) -> None:
    """A profile without signing.date leaves 年 月 日 blank: each blank is a date place in the manifest."""
    folder = tmp_path / "p"
    shutil.copytree(SAMPLE.parent, folder)
    profile = folder / SAMPLE.name
    text = profile.read_text(encoding="utf-8")
    profile.write_text(re.sub(r"(?m)^date = 2026-11-20\n", "", text), encoding="utf-8")
    run = run_cli("build", str(profile), "-o", str(tmp_path / "out"), "--force")
    assert run.returncode == 0, run.stderr
    m = json.loads((tmp_path / "out" / "qinghe-96" / "manifest.json").read_text(encoding="utf-8"))
    signed_pages = {s["page"] for s in m["signatures"]}
    dates = m["dates"]
    # the cover's 申请日期, the declaration's and the commitment's signing dates
    assert len(dates) == 3 and {d["page"] for d in dates} <= signed_pages | {1}
    assert all(0 <= d["box_mm"][0] < d["box_mm"][2] <= 210 and d["box_mm"][1] < d["box_mm"][3] for d in dates)


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
