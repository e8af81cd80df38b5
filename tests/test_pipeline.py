"""The build's stages after conversion, without LibreOffice (each form stands in as a blank page):
numdossier's own pages are written once, with the page numbers the layout fixed before writing them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pytest
from support import sample_of

from numdossier import pipeline
from numdossier.check import check_profile
from numdossier.errors import InputError
from numdossier.options import BuildOptions
from numdossier.pdf import pages
from numdossier.profile import load_profile


def _stand_ins(d: pipeline.Dossier) -> dict[str, Path]:
    """Each form "converted" to a blank A4 page beside its DOCX."""
    converted = {}
    for item_id, docx in d.forms.items():
        pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(595.2756, 841.8898))
        converted[item_id] = docx.with_suffix(".pdf")
        pdf.save(converted[item_id])
    return converted


def _built(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[pipeline.Built, list[Any]]:
    writes: list[Any] = []
    write_pages = pages.write_pages

    def spy(path: Any, *args: Any, **kwargs: Any) -> list[int]:
        writes.append(path)
        return write_pages(path, *args, **kwargs)

    monkeypatch.setattr(pages, "write_pages", spy)
    options = BuildOptions(out=tmp_path / "out", today=dt.date(2026, 11, 23))
    work = tmp_path / "work"
    work.mkdir()
    d = pipeline.prepare(load_profile(sample_of(kind)), options, work)
    converted = _stand_ins(d)
    return pipeline.finish(d, converted, []), writes


def _texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


@pytest.mark.slow  # normalises a whole sample's attachments
def test_generated_pages_are_written_once_with_the_layouts_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built, writes = _built("n96", tmp_path, monkeypatch)
    files = [w for w in writes if isinstance(w, Path)]
    assert [f.name for f in files] == ["generated.pdf"]  # the draft before it stays in memory
    assert len(writes) == 2

    texts = _texts(built.folder / "dossier.pdf")
    total = built.manifest["pages"]
    assert len(texts) == total
    for number, text in enumerate(texts, 1):
        assert f"第 {number} 页 共 {total} 页" in re.sub(r"\s+", " ", text)
    assert f"共 {total} 页" in texts[0]  # the cover's total is the final one, not the draft's 999
    toc = re.sub(r"\s+", " ", texts[1])
    assert "999" not in toc
    for item in built.manifest["items"]:
        first, last = item["first_page"], item["last_page"]
        assert (str(first) if first == last else f"{first}–{last}") in toc
    branches = next(i for i in built.manifest["items"] if i["id"] == "branch_proofs")
    assert branches["sources"][0]["generated"] and branches["sources"][0]["pages"] >= 1
    branch_toc = texts[branches["first_page"] - 1]
    assert "999" not in branch_toc


@pytest.mark.slow  # checks and renders a whole sample
@pytest.mark.parametrize(
    ("written", "code"), [("attachments/无此文件.jpg", "ATTACH-NOT-FOUND"), ("../外面.jpg", "ATTACH-OUTSIDE")]
)
def test_a_forced_build_refuses_an_unreachable_file_in_checks_words(
    tmp_path: Path, written: str, code: str
) -> None:
    folder = tmp_path / "client"
    shutil.copytree(sample_of("ucc").parent, folder)
    (tmp_path / "外面.jpg").write_bytes((folder / "attachments" / "营业执照.jpg").read_bytes())
    profile = folder / sample_of("ucc").name
    text = profile.read_text(encoding="utf-8")
    profile.write_text(
        text.replace('business_licence = ["attachments/营业执照.jpg"]', f'business_licence = ["{written}"]'),
        encoding="utf-8",
    )
    found = [f for f in check_profile(profile, dt.date(2026, 11, 23)).findings if f.code == code]
    assert len(found) == 1
    options = BuildOptions(out=tmp_path / "out", today=dt.date(2026, 11, 23), force=True)
    (tmp_path / "work").mkdir()
    d = pipeline.prepare(load_profile(profile), options, tmp_path / "work")
    with pytest.raises(InputError) as refused:
        pipeline.normalise(d, {})  # business_licence comes before any form
    assert str(refused.value) == f"{found[0].message}\n{found[0].hint}"


@pytest.mark.slow  # normalises a whole sample's attachments, twice
def test_work_done_while_converting_gives_the_same_dossier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One dossier waits for LibreOffice: its attachments and the marks of each converted form are
    found meanwhile (pipeline.Ahead). The dossier is the same byte for byte, and finish does none of it
    again: it normalises no attachment and looks for marks only on numdossier's own pages."""
    from numdossier.pdf import assemble

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    options = BuildOptions(out=tmp_path / "plain", today=dt.date(2026, 11, 23))
    (tmp_path / "work").mkdir()
    seen: list[tuple[str, bool, list[str]]] = []

    def filled(item_id: str, docx: Path) -> None:  # which forms exist when this one is handed over
        seen.append((item_id, docx.is_file(), sorted(p.name for p in docx.parent.iterdir())))

    d = pipeline.prepare(load_profile(sample_of("n96")), options, tmp_path / "work", filled)
    assert [i for i, _, _ in seen] == list(d.forms) and all(exists for _, exists, _ in seen)
    assert [len(names) for _, _, names in seen] == list(range(1, len(d.forms) + 1))  # one at a time
    converted = _stand_ins(d)
    plain = pipeline.finish(d, converted, [])

    early = pipeline.attachments_ahead(d)
    forms = dict(pipeline.form_ahead(pdf) for pdf in converted.values())
    ahead = pipeline.Ahead(early.attachments, {**early.marks, **forms})
    assert early.attachments and len(ahead.marks) == len(early.attachments) + len(converted)
    calls: list[Path] = []
    part_marks = assemble.part_marks
    normalise_attachment = pipeline.normalise_attachment

    def marks_spy(part: Any, source: Any = None) -> Any:
        calls.append(part.pdf)
        return part_marks(part, source)

    def refused(*args: Any) -> Any:
        raise AssertionError("normalised again")

    monkeypatch.setattr(assemble, "part_marks", marks_spy)
    monkeypatch.setattr(pipeline, "normalise_attachment", refused)
    again = replace(d, options=options.model_copy(update={"out": tmp_path / "ahead"}))
    built = pipeline.finish(again, converted, [], None, ahead)
    monkeypatch.setattr(pipeline, "normalise_attachment", normalise_attachment)

    assert calls and {p.name for p in calls} <= {"generated.pdf"} | {
        p.name for p in (d.work / "attachments").glob("*-cards.pdf")
    }
    assert (built.folder / "dossier.pdf").read_bytes() == (plain.folder / "dossier.pdf").read_bytes()
    assert (built.folder / "manifest.json").read_bytes() == (plain.folder / "manifest.json").read_bytes()
