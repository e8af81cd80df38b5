"""Assembly: layers switched off in a scan stay off in the dossier; stamps are shared and named stably."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pytest
from reportlab.pdfgen.canvas import Canvas

from numdossier.pdf.assemble import Bookmark, Part, assemble, find_stamps
from numdossier.pdf.attachments import attachment_to_pdf
from numdossier.pdf.overlay import draw_overlay


def layered(path: Path) -> None:
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595.2756, 841.8898))
    hidden = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String("draft")))
    page.obj.Resources = pikepdf.Dictionary(Properties=pikepdf.Dictionary(L1=hidden))
    page.obj.Contents = pdf.make_stream(
        b"0 1 0 rg 100 500 100 100 re f /OC /L1 BDC 0 0 1 rg 300 500 100 100 re f EMC"
    )
    pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[hidden], D=pikepdf.Dictionary(OFF=[hidden]))
    pdf.save(path)


def colours(path: Path) -> set[tuple[int, ...]]:
    document = pdfium.PdfDocument(str(path))
    image = document[0].render(scale=0.5).to_pil().convert("RGB")
    return set(image.get_flattened_data())


def test_hidden_layers_stay_hidden_in_the_dossier(tmp_path: Path) -> None:
    layered(tmp_path / "scan.pdf")
    pages = attachment_to_pdf(tmp_path / "scan.pdf", "scan.pdf", tmp_path / "part.pdf").pages
    out = tmp_path / "dossier.pdf"
    parts = [Part(tmp_path / "part.pdf", pages, attachment=True)]
    canvas = Canvas(str(tmp_path / "overlay.pdf"))
    draw_overlay(canvas, find_stamps(parts).pages)
    canvas.save()
    assemble(parts, [Bookmark("1. 附件", 0)], out, "t", tmp_path / "overlay.pdf")
    with pikepdf.open(out) as pdf:
        assert len(pdf.Root.OCProperties.D.OFF) == 1
        assert pdf.pages[0].Resources.XObject.keys() >= {"/NdStamp"}
    seen = colours(out)
    assert any(c[1] > 200 and c[0] < 60 and c[2] < 60 for c in seen)  # the visible green square
    assert not any(c[2] > 200 and c[0] < 60 and c[1] < 60 for c in seen)  # the switched-off blue one


def test_other_partys_seal_place_is_not_marked(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from numdossier.pdf.fonts import cjk_font
    from numdossier.pdf.placement import find_marks

    path = tmp_path / "agreement.pdf"
    canvas = Canvas(str(path))
    canvas.setFont(cjk_font(), 11)
    canvas.drawString(80, 400, "甲方：示例甲公司（盖章）")
    canvas.drawString(330, 400, "乙方：示例乙公司（盖章）")
    canvas.drawString(80, 250, "申请单位：示例甲公司")
    canvas.drawString(80, 232, "（盖章）")
    canvas.drawString(330, 250, "乙方：示例乙公司")
    canvas.drawString(330, 232, "（盖章）")
    canvas.save()
    marks, _, _ = find_marks(path, form=True)
    xs = sorted(round(s.x) for s in marks[0].seals)
    assert len(xs) == 2 and all(x < 300 for x in xs), xs


def _page_with(path: Path, size: tuple[float, float], draw: str) -> None:
    """One page of `size` points: blank, a grey picture above the seal zone, or ink in the corner."""
    from PIL import Image

    canvas = Canvas(str(path), pagesize=size)
    width, height = size
    if draw in ("picture", "corner"):
        picture = Image.new("L", (400, 500), 90)
        canvas.drawInlineImage(picture, 40, 200, width - 80, height - 240)
    if draw == "corner":
        canvas.rect(width - 120, 70, 80, 80, fill=1)  # where the placeholder would go
    canvas.showPage()
    canvas.save()


@pytest.mark.parametrize(
    ("size", "draw", "shortcut"),
    [
        ((595.2756, 841.8898), "blank", True),
        ((595.2756, 841.8898), "picture", True),
        ((595.2756, 841.8898), "corner", False),
        ((612.0, 792.0), "picture", True),  # a Letter page copied as it is
        ((595.3, 842.0), "blank", True),  # A4 as some producers round it
        ((100.0, 100.0), "blank", False),  # smaller than the circle: no corner square on the page
    ],
)
def test_a_blank_corner_is_found_without_searching_the_page_and_is_what_the_search_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[float, float], draw: str, shortcut: bool
) -> None:
    from numdossier.pdf import placement

    path = tmp_path / "page.pdf"
    _page_with(path, size, draw)
    document = pdfium.PdfDocument(str(path))
    page = document[0]
    searched = placement._search(page, placement._Grid(*page.get_size()))
    calls: list[object] = []
    search = placement._search

    def spy(*args: Any) -> tuple[float, float]:
        calls.append(args)
        return search(*args)

    monkeypatch.setattr(placement, "_search", spy)
    assert placement._emptiest(page) == searched
    assert (not calls) == shortcut
    if draw == "corner":  # the search moved the circle off the ink
        x, y = searched
        assert not (size[0] - 120 - 60 < x < size[0] - 40 + 60 and 70 - 60 < y < 150 + 60)
