"""The one attachment inspector: check's survey agrees with the built page; damaged PDFs are repaired only
when no page is lost; every font embedded; HEIC/WebP photos; the real-world corpus through a whole build."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from image_support import BLUE, GREEN, GREY, RED, encoded, marker_image, near, render, stored_for
from PIL import Image
from support import ROOT, CorpusPdf

from numdossier.errors import AttachmentError
from numdossier.pdf.attachments import attachment_to_pdf, survey
from numdossier.pdf.attachments.images import heif_available
from numdossier.rules.attachments import AttachmentRef, inspect_file

REALWORLD = ROOT / "tests" / "resources" / "realworld"
REFUSED = {"005-libreoffice-writer-password.pdf", "017-unreadablemetadata.pdf"}  # encrypted, unreadable
CORPUS = sorted(p.name for p in REALWORLD.iterdir() if p.name != "files.json" and p.name not in REFUSED)


# --- reading back what was built (independently of the code under test) --------------------------


def drawn_images(pdf: pikepdf.Pdf, index: int = 0) -> list[tuple[pikepdf.Object, pikepdf.Matrix]]:
    """Each image XObject on a page with its final matrix, following forms."""
    found: list[tuple[pikepdf.Object, pikepdf.Matrix]] = []

    def walk(obj: Any, ctm: pikepdf.Matrix) -> None:
        stack = []
        for instruction in pikepdf.parse_content_stream(obj):
            operands, op = instruction.operands, str(instruction.operator)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop()
            elif op == "cm":
                ctm = pikepdf.Matrix(*(float(v) for v in operands)) @ ctm
            elif op == "Do":
                x = obj.Resources.XObject[operands[0]]
                if x.Subtype == "/Image":
                    found.append((x, ctm))
                else:
                    m = pikepdf.Matrix(*(float(v) for v in x.get("/Matrix", [1, 0, 0, 1, 0, 0])))
                    walk(x, m @ ctm)

    walk(pdf.pages[index], pikepdf.Matrix())
    return found


def measured_dpi(out: Path, index: int = 0) -> float:
    """Pixels per inch of the page's one picture as printed: its pixel count over the inches it covers."""
    with pikepdf.open(out) as pdf:
        ((image, m),) = drawn_images(pdf, index)
        width_in = math.hypot(m.a, m.b) / 72
        height_in = math.hypot(m.c, m.d) / 72
        return min(int(image.Width) / width_in, int(image.Height) / height_in)


def check_dpi(path: Path, written: str, *, id_card: bool = False) -> float | None:
    """What `check` reports for the file (rules.attachments.inspect_file)."""
    loaded: Any = SimpleNamespace(folder=path.parent)
    return inspect_file(loaded, AttachmentRef("attachments.x[0]", written), min_dpi=0, id_card=id_card).dpi


def pdffonts(pdf: Path) -> list[tuple[str, str]]:
    """(name, emb) for every font `pdffonts` lists, columns cut where its header's dashes are."""
    lines = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[1])]
    emb = [h.strip() for h in (lines[0][a:b] for a, b in spans)].index("emb")
    return [(line[: spans[0][1]].strip(), line[spans[emb][0] : spans[emb][1]].strip()) for line in lines[2:]]


def qpdf_check(pdf: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)


# --- check's dpi is the built page's dpi ----------------------------------------------------------

FORMATS = ["JPEG", "PNG", "TIFF", "WEBP", "WEBP-lossless"] + (["HEIF"] if heif_available() else [])
DPIS = [None, (72, 72), (150, 150), (300, 300), (600, 600), (204, 98), (1, 1)]


def photo(fmt: str, size: tuple[int, int], orientation: int, dpi: tuple[int, int] | None) -> bytes:
    """A flat picture (fast to encode at any size) with the EXIF orientation and resolution tag asked for."""
    im = Image.new("RGB", size, GREY)
    im.paste(RED, (0, 0, max(1, size[0] // 4), max(1, size[1] // 4)))
    exif = Image.Exif()
    exif[0x0112] = orientation
    options: dict[str, Any] = {"exif": exif.tobytes()}
    if dpi is not None:
        options["dpi"] = dpi
    if fmt == "WEBP-lossless":
        fmt, options["lossless"] = "WEBP", True
    buffer = BytesIO()
    im.save(buffer, format=fmt, **options)
    return buffer.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fmt=st.sampled_from(FORMATS),
    width=st.integers(16, 4000),
    height=st.integers(16, 4000),
    orientation=st.integers(1, 8),
    dpi=st.sampled_from(DPIS),
)
@pytest.mark.slow
def test_check_dpi_is_the_dpi_of_the_built_page(
    tmp_path: Path, fmt: str, width: int, height: int, orientation: int, dpi: tuple[int, int] | None
) -> None:
    src = tmp_path / f"photo.{fmt.lower()}"
    src.write_bytes(photo(fmt, (width, height), orientation, dpi))
    reported = check_dpi(src, src.name)
    out = tmp_path / "built.pdf"
    done = attachment_to_pdf(src, src.name, out)
    assert done.pages == 1
    assert reported is not None
    assert reported == pytest.approx(measured_dpi(out), rel=1e-4)  # content streams round to 1e-5 pt
    assert survey(src, src.name).dpi == reported


def test_orientation_6_tiff_reported_and_placed_alike(tmp_path: Path) -> None:
    """The issue's case: a 150 dpi TIFF with orientation 6 was 290.8 dpi in check and 423.3 dpi in build."""
    src = tmp_path / "licence.tiff"
    src.write_bytes(photo("TIFF", (2480, 1754), 6, (150, 150)))  # A4 landscape pixels, stored on its side
    out = tmp_path / "built.pdf"
    attachment_to_pdf(src, src.name, out)
    assert check_dpi(src, src.name) == pytest.approx(measured_dpi(out), rel=1e-6)
    with pikepdf.open(out) as pdf:
        ((_, m),) = drawn_images(pdf)
        assert abs(m.a) < 1e-6 and abs(m.d) < 1e-6  # turned a quarter: shown upright, portrait


@pytest.mark.parametrize("name", [n for n in CORPUS if n.endswith(".pdf")])
def test_check_dpi_of_scanned_pdf_pages_is_the_built_dpi(name: str, corpus_pdf: CorpusPdf) -> None:
    """For each real-world PDF page whose scan check measures, the built page shows the same resolution."""
    found = survey(REALWORLD / name, name)
    out, _ = corpus_pdf(name)
    for index, page in enumerate(found.pages):
        if page.dpi is None:
            continue
        with pikepdf.open(out) as pdf:
            images = drawn_images(pdf, index)
        built = min(
            min(int(x.Width) / (math.hypot(m.a, m.b) / 72), int(x.Height) / (math.hypot(m.c, m.d) / 72))
            for x, m in images
        )
        assert page.dpi == pytest.approx(built, rel=1e-4), (name, index)  # content streams round to 1e-5 pt


# 40 examples in `make test`, 4 under test-fast's hypothesis profile (each makes and places a photo)
@settings(
    max_examples=max(4, settings().max_examples * 2 // 5),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    fmt=st.sampled_from(["JPEG", "PNG", "TIFF"]),
    long_side=st.integers(400, 3000),
    aspect=st.floats(1.5, 1.68),
    orientation=st.integers(1, 8),
    dpi=st.sampled_from(DPIS),
)
def test_check_dpi_of_an_id_card_is_the_dpi_printed_at_card_size(
    tmp_path: Path, fmt: str, long_side: int, aspect: float, orientation: int, dpi: tuple[int, int] | None
) -> None:
    """An ID side is printed at 85.6 x 54 mm whatever its dpi tag (pdf/cards.py): check reports that."""
    from numdossier.pdf.cards import Side, find_cards, write_sheets

    src = tmp_path / f"id.{fmt.lower()}"
    src.write_bytes(photo(fmt, (long_side, round(long_side / aspect)), orientation, dpi))
    reported = check_dpi(src, src.name, id_card=True)
    normalised, sheet = tmp_path / "side.pdf", tmp_path / "sheet.pdf"
    attachment_to_pdf(src, src.name, normalised)
    (card,) = find_cards(normalised)
    if card is None:  # too small to be a card once placed (a tiny picture at a high dpi tag): a page
        assert reported == pytest.approx(measured_dpi(normalised), rel=1e-4)
        return
    write_sheets([[Side(normalised, 0, card, "正面")]], sheet)
    assert reported == pytest.approx(measured_dpi(sheet), rel=1e-3)  # card boxes are written to 1e-4 pt


def test_id_image_without_dpi_tag_is_300_dpi_at_card_size(tmp_path: Path) -> None:
    """The issue's 1011 x 638 ID image: 86 mm wide with a 300 dpi tag, 180 mm without; now a card either way."""
    for dpi in (None, (300, 300)):
        src = tmp_path / "id.jpg"
        src.write_bytes(photo("JPEG", (1011, 638), 1, dpi))
        assert check_dpi(src, src.name, id_card=True) == pytest.approx(1011 / (85.6 / 25.4), rel=1e-3)


# --- full-page scans are fitted around the seal zone -------------------------------------------

MM = 72 / 25.4
DISC_DPI = 100
SEAL_DIAMETER_MM = 42.0


def licence_scan(dpi: int) -> Image.Image:
    """An A4 scan with ink to its edges: a dark frame 4 mm in, and rows of 'text' down to the frame."""
    from PIL import ImageDraw

    w, h = round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
    im = Image.new("L", (w, h), 235)  # a scan's off-white paper
    draw = ImageDraw.Draw(im)
    px = dpi / 25.4
    draw.rectangle((4 * px, 4 * px, w - 4 * px, h - 4 * px), outline=40, width=max(1, round(1.5 * px)))
    for row in range(int(12 * px), int(h - 8 * px), int(7 * px)):
        draw.rectangle((10 * px, row, w - 10 * px, row + 2.5 * px), fill=60)
    return im


def a4_pdf(jpeg: bytes) -> bytes:
    import img2pdf

    pdf: bytes = img2pdf.convert(jpeg, layout_fun=img2pdf.get_layout_fun((210 * MM, 297 * MM)))
    return pdf


def placeholder_ink(built: Path) -> tuple[float, tuple[float, float]]:
    """Share of ink (grey < 200) of the built page under the placeholder build puts on it, and where
    the placeholder's centre is (mm from the top-left, as the manifest has it)."""
    from PIL import ImageChops, ImageDraw

    from numdossier.pdf.placement import find_marks

    (marks,), _, _ = find_marks(built, form=False)
    (seal,) = marks.seals
    page = render(built, scale=DISC_DPI / 72).convert("L")
    x, y = seal.x / MM, 297 - seal.y / MM
    px, r = DISC_DPI / 25.4, SEAL_DIAMETER_MM / 2
    mask = Image.new("1", page.size, 0)
    ImageDraw.Draw(mask).ellipse(((x - r) * px, (y - r) * px, (x + r) * px, (y + r) * px), fill=255)
    ink = page.point(lambda v: 255 if v < 200 else 0).convert("1")
    inside = mask.histogram()[255]
    return ImageChops.logical_and(mask, ink).histogram()[255] / inside, (x, y)


@pytest.mark.parametrize("container", ["jpeg", "pdf"])
def test_full_page_300_dpi_scan_leaves_the_seal_zone_blank(container: str, tmp_path: Path) -> None:
    """Issue 10, point 6: a full-page licence scan is fitted above the seal zone; the placeholder, in
    the zone, covers none of it; the scan stays legible (check's dpi = the built dpi, >= 150)."""
    buffer = BytesIO()
    licence_scan(300).save(buffer, format="JPEG", dpi=(300, 300), quality=85)
    data = buffer.getvalue() if container == "jpeg" else a4_pdf(buffer.getvalue())
    src = tmp_path / f"licence.{container}"
    src.write_bytes(data)
    out = tmp_path / "built.pdf"
    done = attachment_to_pdf(src, src.name, out)
    covered, centre = placeholder_ink(out)
    assert covered <= 0.015
    assert centre == pytest.approx((183.0, 256.0), abs=1.5)  # the lower right corner: the seal zone
    reported = check_dpi(src, src.name)
    assert reported is not None and reported == pytest.approx(measured_dpi(out), rel=1e-4)
    # 300 dpi shrunk from 0.857 (the printable width) to 0.734 (the height above the zone): 408 dpi
    assert reported == pytest.approx(300 / (218 / 297), rel=1e-3)
    zone = next(o for o in done.observations if o.code == "seal_zone")
    assert zone.values["dpi"] == round(reported) and not zone.values.get("low")
    # and the scan is whole: its frame's corners are all on the page, above the zone
    with pikepdf.open(out) as pdf:
        ((_, m),) = drawn_images(pdf)
    assert m.f == pytest.approx(64 * MM, abs=0.05)  # its lower edge on the seal zone's upper edge


def test_low_resolution_scan_fitted_around_the_seal_zone_is_reported(tmp_path: Path) -> None:
    """A 100 dpi scan: fitting it clear of the zone prints it smaller, which raises its dpi (136 instead
    of 117 when it filled the printable width) but not to 150: check warns and build's observation says
    so; the zone is kept free all the same."""
    from numdossier.rules.messages import using

    src = tmp_path / "coarse.png"
    licence_scan(100).save(src, dpi=(100, 100))
    out = tmp_path / "built.pdf"
    done = attachment_to_pdf(src, src.name, out)
    covered, _ = placeholder_ink(out)
    assert covered <= 0.015
    reported = check_dpi(src, src.name)
    assert reported is not None and reported == pytest.approx(measured_dpi(out), rel=1e-4)
    assert 100 / (180 / 210) < reported < 150
    (zone,) = [o for o in done.observations if o.code == "seal_zone"]
    assert zone.values["low"] and zone.values["dpi"] == round(reported) and zone.values["minimum"] == 150
    with using("zh"):
        assert f"约 {round(reported)} dpi，低于 150 dpi" in zone.describe()
    loaded: Any = SimpleNamespace(folder=tmp_path)
    found = inspect_file(loaded, AttachmentRef("attachments.x[0]", src.name))
    assert [f.code for f in found.findings] == ["ATTACH-LOW-RES"]


def text_page(path: Path, lines_from_mm: float, lines_to_mm: float) -> None:
    """An A4 text PDF (reportlab) whose lines run across the page from one height to another (mm from
    the top)."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(210 * MM, 297 * MM), invariant=1)
    c.setFont("Helvetica", 10)
    y = lines_from_mm
    while y <= lines_to_mm:
        c.drawString(20 * MM, (297 - y) * MM, "The quick brown fox jumps over the lazy dog. " * 3)
        y += 6
    c.save()


def test_a4_text_page_is_copied_as_is_unless_its_ink_is_in_the_seal_zone(tmp_path: Path) -> None:
    """A vector page keeps its full size when its lower right corner is blank (a short letter), and is
    fitted above the zone when its lines run through it (the zone's ink is measured, not guessed)."""
    short, full = tmp_path / "short.pdf", tmp_path / "full.pdf"
    text_page(short, 30, 150)
    text_page(full, 30, 270)
    for src, fitted in ((short, False), (full, True)):
        out = tmp_path / f"built-{src.name}"
        done = attachment_to_pdf(src, src.name, out)
        assert ("seal_zone" in [o.code for o in done.observations]) == fitted, src.name
        (page,) = survey(src, src.name).pages
        assert page.shown is not None and page.shown.as_is == (not fitted)
        covered, _ = placeholder_ink(out)
        assert covered <= 0.015, src.name


def test_what_paints_in_the_seal_zone_is_read_from_the_content(tmp_path: Path) -> None:
    """check loads no renderer: the zone's content is read from the page (marks.paints_in), erring
    towards 'painted'. A white page background, invisible (OCR) text and a diagonal watermark that passes
    beside the corner leave it blank; a word, a grey box, a picture or an annotation in it do not."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from numdossier.pdf.attachments.marks import paints_in

    corner = (165 * MM, 25 * MM, 205 * MM, 60 * MM)

    def page(draw: Any) -> Any:
        path = tmp_path / "p.pdf"
        c = canvas.Canvas(str(path), pagesize=(210 * MM, 297 * MM), invariant=1)
        c.setFillColorRGB(1, 1, 1)
        c.rect(0, 0, 210 * MM, 297 * MM, fill=1, stroke=0)  # LibreOffice and Google Docs paint the paper
        c.setFillColorRGB(0, 0, 0)
        c.setFont("Helvetica", 10)
        c.drawString(20 * MM, 270 * MM, "A heading far from the corner")
        draw(c)
        c.save()
        return pikepdf.open(path)

    def watermark(c: Any) -> None:
        c.saveState()
        c.translate(20 * MM, 40 * MM)
        c.rotate(55)
        c.setFont("Helvetica", 40)
        c.drawString(0, 0, "SAMPLE SAMPLE SAMPLE")
        c.restoreState()

    def invisible(c: Any) -> None:
        t = c.beginText(170 * MM, 40 * MM)
        t.setTextRenderMode(3)
        t.textLine("OCR words")
        c.drawText(t)

    picture = BytesIO()
    Image.new("L", (20, 20), 0).save(picture, format="PNG")

    cases = {
        "blank": (lambda c: None, False),
        "watermark beside the corner": (watermark, False),
        "invisible text": (invisible, False),
        "a word": (lambda c: c.drawString(175 * MM, 40 * MM, "Seite 1"), True),
        "a grey box": (
            lambda c: (c.setFillGray(0.8), c.rect(150 * MM, 30 * MM, 20 * MM, 5 * MM, fill=1)),
            True,
        ),
        "a picture": (lambda c: c.drawImage(ImageReader(picture), 180 * MM, 50 * MM, 10 * MM, 10 * MM), True),
        "a link": (lambda c: c.linkURL("https://example.com", (170 * MM, 30 * MM, 190 * MM, 40 * MM)), False),
        "a stamp annotation": (
            lambda c: c.textAnnotation("note", Rect=(170 * MM, 30 * MM, 190 * MM, 40 * MM)),
            True,
        ),
    }
    for name, (draw, expected) in cases.items():
        with page(draw) as pdf:
            assert paints_in(pdf.pages[0].obj, corner) == expected, name


# --- damaged PDFs ---------------------------------------------------------------------------------


def three_pages(count: int = 3) -> bytes:
    """An uncompressed PDF whose page tree (with /Count) comes first and each page's objects after it,
    as many producers write them: cutting the file short loses the last pages but keeps the count."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(count))
        + b"] /Count %d >>" % count,
    }
    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    for i in range(count):
        content = b"BT /F1 36 Tf 100 400 Td (Page %d) Tj ET" % (i + 1) + b" " * 2000
        objects[3 + 2 * i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
            + font
            + b" /Contents %d 0 R >>" % (4 + 2 * i)
        )
        objects[4 + 2 * i] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in sorted(objects))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_cut_short_pdf_is_refused_with_pages_recovered_of_declared(tmp_path: Path) -> None:
    data = three_pages()
    src = tmp_path / "licence.pdf"
    src.write_bytes(data[: data.index(b"5 0 obj") + 10])  # an interrupted download: pages 2-3 gone
    with pytest.raises(AttachmentError) as info:
        attachment_to_pdf(src, "附件/许可证.pdf", tmp_path / "out.pdf")
    assert info.value.file == "附件/许可证.pdf"
    assert "找回 1 页" in info.value.message and "共 3 页" in info.value.message
    assert "重新扫描" in (info.value.hint or "") and "重新导出" in (info.value.hint or "")
    assert not (tmp_path / "out.pdf").exists()
    loaded: Any = SimpleNamespace(folder=tmp_path)
    (finding,) = inspect_file(loaded, AttachmentRef("attachments.licence[0]", "licence.pdf")).findings
    assert (finding.severity, finding.code, finding.file) == ("error", "ATTACH-DAMAGED", "licence.pdf")
    assert "1" in finding.message and "3" in finding.message


def test_repaired_pdf_keeping_every_page_is_accepted_with_a_warning(tmp_path: Path) -> None:
    data = three_pages()
    at = data.rindex(b"startxref")
    src = tmp_path / "scan.pdf"
    src.write_bytes(data[:at] + b"startxref\n12345\n%%EOF\n")  # a wrong xref offset: qpdf rebuilds the table
    loaded: Any = SimpleNamespace(folder=tmp_path)
    report = inspect_file(loaded, AttachmentRef("attachments.scan[0]", "scan.pdf"))
    assert [(f.severity, f.code, f.file) for f in report.findings] == [
        ("warning", "ATTACH-REPAIRED", "scan.pdf")
    ]
    assert report.pages == 3
    done = attachment_to_pdf(src, "scan.pdf", tmp_path / "out.pdf")
    assert done.pages == 3
    assert {"code": "repaired", "pages": 3} in [o.to_json() for o in done.observations]


@pytest.mark.parametrize("name", [n for n in CORPUS if n.endswith(".pdf")])
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_corpus_pdf_never_loses_pages_silently(name: str, keep: float, tmp_path: Path) -> None:
    """Cut short anywhere: either refused (naming the file), or accepted with every page of the original."""
    data = (REALWORLD / name).read_bytes()
    src = tmp_path / "cut.pdf"
    src.write_bytes(data[: int(len(data) * keep)])
    with pikepdf.open(REALWORLD / name) as original:
        pages = len(original.pages)
    try:
        done = attachment_to_pdf(src, "cut.pdf", tmp_path / "out.pdf")
    except AttachmentError as error:
        assert error.file == "cut.pdf"
        return
    assert done.pages == pages
    assert any(o.code == "repaired" for o in done.observations)


# --- every font embedded --------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS)
def test_every_font_of_a_corpus_file_is_embedded(name: str, corpus_pdf: CorpusPdf) -> None:
    out, done = corpus_pdf(name)
    fonts = pdffonts(out)
    assert all(emb == "yes" for _, emb in fonts), fonts
    assert qpdf_check(out).returncode == 0
    if any(o.code == "fonts_embedded" for o in done.observations):
        assert subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout.strip()
    assert not any(o.code == "rasterised" for o in done.observations)  # gs handles every corpus file


def test_base14_text_stays_text(tmp_path: Path) -> None:
    """024 (FPDF2) writes its text in Helvetica, which it only names: a URW subset is embedded under the
    same name, and the words are still text."""
    out = tmp_path / "out.pdf"
    done = attachment_to_pdf(REALWORLD / "024-annotated_pdf.pdf", "annotated.pdf", out)
    (embedded,) = [o for o in done.observations if o.code == "fonts_embedded"]
    assert embedded.values["fonts"] == ["Helvetica"] and embedded.values["pages"] == [1]
    assert [(re.sub(r"^[A-Z]{6}\+", "", n), emb) for n, emb in pdffonts(out)] == [("Helvetica", "yes")]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Some text." in text and "Not highlighted" in text


def test_embedding_fonts_keeps_the_output_deterministic(tmp_path: Path) -> None:
    outputs = []
    for n in range(2):
        out = tmp_path / f"out{n}.pdf"
        attachment_to_pdf(REALWORLD / "012-libreoffice-form.pdf", "form.pdf", out)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_a_page_gs_cannot_fix_is_rasterised_and_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from numdossier.pdf.attachments import ghostscript

    def broken(src: Path, out: Path, timeout: float = 0) -> None:
        raise ghostscript.GhostscriptFailed("simulated crash")

    monkeypatch.setattr(ghostscript, "embed_fonts", broken)
    out = tmp_path / "out.pdf"
    done = attachment_to_pdf(REALWORLD / "013-reportlab-overlay.pdf", "overlay.pdf", out)
    assert {"code": "rasterised", "pages": [1], "dpi": 300} in [o.to_json() for o in done.observations]
    assert pdffonts(out) == []
    with pikepdf.open(out) as pdf:
        ((image, _),) = drawn_images(pdf)
        assert int(image.Width) >= 210 / 25.4 * 300 - 1


def test_missing_ghostscript_is_an_environment_problem(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from numdossier.errors import ExitCode
    from numdossier.pdf.attachments import ghostscript

    ghostscript.find_gs.cache_clear()
    monkeypatch.setenv("NUMDOSSIER_GS", "/nonexistent/gs")
    try:
        with pytest.raises(ghostscript.GhostscriptMissing) as info:
            attachment_to_pdf(REALWORLD / "013-reportlab-overlay.pdf", "overlay.pdf", tmp_path / "out.pdf")
        assert info.value.exit_code == ExitCode.environment
        assert "apt-get install ghostscript" in (info.value.hint or "")
    finally:
        ghostscript.find_gs.cache_clear()


def test_ghostscript_probe() -> None:
    from numdossier.pdf.attachments import ghostscript

    assert re.fullmatch(r"\d+\.\d+(\.\d+)?", ghostscript.version())


# --- phone photos ---------------------------------------------------------------------------------


def marker_photo(fmt: str, orientation: int, **options: Any) -> bytes:
    """An upright picture (red top-left, green top-right, blue bottom-left) stored for `orientation`."""
    stored, exif = stored_for(marker_image(), orientation)
    return encoded(stored, fmt, exif=exif, **options)


def assert_upright(out: Path) -> None:
    with pikepdf.open(out) as pdf:
        ((_, m),) = drawn_images(pdf)
    xs = [m.e, m.e + m.a, m.e + m.c, m.e + m.a + m.c]
    ys = [m.f, m.f + m.b, m.f + m.d, m.f + m.b + m.d]
    llx, lly, urx, ury = min(xs), min(ys), max(xs), max(ys)
    assert ury - lly > urx - llx
    img = render(out)

    def at(fx: float, fy: float) -> tuple[int, ...]:
        colour = img.getpixel(
            (int((llx + fx * (urx - llx)) * 0.5), int(img.height - (ury - fy * (ury - lly)) * 0.5))
        )
        assert isinstance(colour, tuple), colour  # an RGB image
        return colour

    assert near(at(0.08, 0.06), RED) and near(at(0.92, 0.06), GREEN) and near(at(0.08, 0.94), BLUE)


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_webp_photos_are_oriented_by_exif(orientation: int, tmp_path: Path) -> None:
    src = tmp_path / "photo.webp"
    src.write_bytes(marker_photo("WEBP", orientation, quality=90))
    out = tmp_path / "out.pdf"
    done = attachment_to_pdf(src, "photo.webp", out)
    assert_upright(out)
    codes = [o.code for o in done.observations]
    assert "reencoded" in codes and ("rotated" in codes) == (orientation != 1)


def test_lossless_webp_stays_lossless(tmp_path: Path) -> None:
    src = tmp_path / "scan.webp"
    src.write_bytes(marker_photo("WEBP", 1, lossless=True))
    out = tmp_path / "out.pdf"
    done = attachment_to_pdf(src, "scan.webp", out)
    (reencoded,) = [o for o in done.observations if o.code == "reencoded"]
    assert reencoded.values["lossy"] is False
    with pikepdf.open(out) as pdf:
        ((image, _),) = drawn_images(pdf)
        assert image.Filter == "/FlateDecode"
        assert isinstance(image, pikepdf.Stream)
        pixels = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    assert pixels.tobytes() == Image.open(src).convert("RGB").tobytes()  # bit for bit


def test_lossy_webp_is_encoded_once_as_high_quality_jpeg(tmp_path: Path) -> None:
    src = tmp_path / "photo.webp"
    src.write_bytes(marker_photo("WEBP", 1, quality=80))
    out = tmp_path / "out.pdf"
    done = attachment_to_pdf(src, "photo.webp", out)
    assert [o.values.get("lossy") for o in done.observations if o.code == "reencoded"] == [True]
    with pikepdf.open(out) as pdf:
        ((image, _),) = drawn_images(pdf)
        assert image.Filter == "/DCTDecode"


@pytest.mark.skipif(not heif_available(), reason="pillow-heif is not installed")
@pytest.mark.parametrize("orientation", [1, 6, 8])
def test_heic_photos_are_accepted_upright(orientation: int, tmp_path: Path) -> None:
    src = tmp_path / "IMG_0001.HEIC"
    src.write_bytes(marker_photo("HEIF", orientation, quality=90))
    assert src.read_bytes()[4:12] == b"ftypheic"
    out = tmp_path / "out.pdf"
    done = attachment_to_pdf(src, "IMG_0001.HEIC", out)
    assert_upright(out)
    assert [o.values.get("lossy") for o in done.observations if o.code == "reencoded"] == [True]
    loaded: Any = SimpleNamespace(folder=tmp_path)
    report = inspect_file(loaded, AttachmentRef("attachments.x[0]", "IMG_0001.HEIC"), min_dpi=0)
    assert report.findings == [] and report.pages == 1


@pytest.mark.parametrize(
    ("data", "words", "how"),
    [
        (b"GIF89a" + bytes(64), "GIF", "PNG"),
        (b"BM" + bytes(64), "BMP", "PNG"),
        (b"\x00\x00\x00\x1cftypavif" + bytes(64), "AVIF", "JPEG"),
        (b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(64), "JPEG 2000", "JPEG"),
        (b"PK\x03\x04" + bytes(64), "Word", "导出为 PDF"),
    ],
)
def test_other_formats_are_refused_naming_the_format_and_the_conversion(
    data: bytes, words: str, how: str, tmp_path: Path
) -> None:
    src = tmp_path / "scan.bin"
    src.write_bytes(data)
    with pytest.raises(AttachmentError) as info:
        attachment_to_pdf(src, "scan.bin", tmp_path / "out.pdf")
    assert words in info.value.message and how in (info.value.hint or "")
    loaded: Any = SimpleNamespace(folder=tmp_path)
    (finding,) = inspect_file(loaded, AttachmentRef("attachments.x[0]", "scan.bin")).findings
    assert finding.code == "ATTACH-UNREADABLE" and words in finding.message and how in finding.hint


# --- the real-world corpus through a whole build -------------------------------------------------


@pytest.mark.e2e
def test_dossier_with_every_corpus_file_has_every_font_embedded(tmp_path: Path) -> None:
    sample = ROOT / "samples" / "n96"
    folder = tmp_path / "n96"
    shutil.copytree(sample, folder)
    corpus = folder / "attachments" / "corpus"
    corpus.mkdir()
    for name in CORPUS:
        shutil.copy(REALWORLD / name, corpus / name)
    profile = folder / "qinghe-96.toml"
    listed = ", ".join(json.dumps(f"attachments/corpus/{n}", ensure_ascii=False) for n in CORPUS)
    text = re.sub(
        r"(?m)^industry_permit = \[.*\]$", f"industry_permit = [{listed}]", profile.read_text("utf-8")
    )
    profile.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "numdossier.cli", "build", str(profile), "-o", str(out), "--force"],
        capture_output=True,
        text=True,
        env=dict(os.environ, SOURCE_DATE_EPOCH="1795392000"),
        timeout=900,
    )
    assert run.returncode == 0, run.stderr
    pdf = out / "qinghe-96" / "dossier.pdf"
    fonts = pdffonts(pdf)
    assert fonts and all(emb == "yes" for _, emb in fonts), [f for f in fonts if f[1] != "yes"]
    check = qpdf_check(pdf)
    assert check.returncode == 0, check.stdout + check.stderr
    manifest = json.loads((out / "qinghe-96" / "manifest.json").read_text(encoding="utf-8"))
    sources = {s["path"]: s for item in manifest["items"] for s in item["sources"]}
    for name in ("010-pdflatex-forms.pdf", "013-reportlab-overlay.pdf", "024-annotated_pdf.pdf"):
        codes = [o["code"] for o in sources[f"attachments/corpus/{name}"].get("observations", [])]
        assert "fonts_embedded" in codes, name
    assert "015-habibi-rotated.pdf" in run.stdout and "摆正" in run.stdout  # the build summary says so
