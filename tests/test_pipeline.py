"""The build's stages after conversion, without LibreOffice (each form stands in as a blank page):
numdossier's own pages are written once, with the page numbers the layout fixed before writing them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
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
    converted = {}
    for item_id, docx in d.forms.items():
        pdf = pikepdf.new()
        pdf.add_blank_page(page_size=(595.2756, 841.8898))
        converted[item_id] = docx.with_suffix(".pdf")
        pdf.save(converted[item_id])
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
