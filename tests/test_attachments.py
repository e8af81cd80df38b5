"""Attachments -> A4 pages: the real-world corpus, generated image edge cases, refusals, determinism."""

from __future__ import annotations

import json
import math
import struct
import warnings
import zlib
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import img2pdf
import pikepdf
import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from hypothesis import given
from hypothesis import strategies as st
from image_support import BLUE, GREEN, GREY, RED, WHITE, encoded, marker_image, near, render, stored_for
from PIL import Image, ImageChops, ImageOps, ImageStat
from support import CorpusPdf

from numdossier.errors import AttachmentError, ExitCode
from numdossier.pdf import attachments
from numdossier.pdf.attachments import A4, PRINTABLE, attachment_to_pdf, geometry, sniff, sniffing

REALWORLD = Path(__file__).parent / "resources" / "realworld"
ENCRYPTED = "005-libreoffice-writer-password.pdf"
DAMAGED = "017-unreadablemetadata.pdf"  # see tests/resources/README.md: no reader can open it
CORPUS_PDFS = sorted(p.name for p in REALWORLD.glob("*.pdf") if p.name not in (ENCRYPTED, DAMAGED))
# files.json describes "<folder>/<name>"; our copies are "<folder number>-<name>".
PAGES = {
    f"{entry['path'].split('-')[0]}-{entry['path'].rsplit('/', 1)[1]}": entry["pages"]
    for entry in json.loads((REALWORLD / "files.json").read_text())["data"]
}
SCALE = 0.5  # image_support.render's scale: 36 dpi is enough to see where things are, and fast


# --- helpers --------------------------------------------------------------------------------------


def convert(src: Path, tmp_path: Path, display: str | None = None) -> tuple[Path, int]:
    out = tmp_path / f"{src.name}.out.pdf"
    return out, attachment_to_pdf(src, display or src.name, out).pages


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_a4_output(out: Path, pages: int) -> None:
    """Structure the assembler relies on: A4 portrait, /Rotate 0, nothing interactive, no dates."""
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == pages
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.left), float(box.bottom)) == (0, 0)
        assert abs(float(box.width) - A4[0]) <= 2 and abs(float(box.height) - A4[1]) <= 2
        assert page.get("/Rotate", 0) == 0
        assert "/CropBox" not in page and "/UserUnit" not in page
        assert "/Annots" not in page and "/AA" not in page
    root = reader.root_object
    for key in ("/AcroForm", "/Outlines", "/OpenAction", "/Names", "/AA", "/Metadata"):
        assert key not in root, key
    info = reader.trailer.get("/Info")
    assert info is None or not ({"/CreationDate", "/ModDate"} & set(info.get_object()))


def image_boxes(out: Path, index: int = 0) -> list[tuple[float, float, float, float]]:
    """Where each image XObject lands on the page, in points (llx, lly, urx, ury)."""
    boxes = []
    with pikepdf.open(out) as pdf:
        page = pdf.pages[index]
        ctm, stack = pikepdf.Matrix(), []
        for instruction in pikepdf.parse_content_stream(page):
            operands, op = instruction.operands, str(instruction.operator)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop()
            elif op == "cm":
                ctm = pikepdf.Matrix(*(float(v) for v in operands)) @ ctm
            elif op == "Do" and page.Resources.XObject[str(operands[0])].Subtype == "/Image":
                points = [ctm.transform(p) for p in ((0, 0), (1, 0), (0, 1), (1, 1))]
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def pixel(img: Image.Image, box: tuple[float, float, float, float], fx: float, fy: float) -> tuple[int, ...]:
    """The rendered colour at a fraction of a box in points; fy counts from the top, as people do."""
    llx, lly, urx, ury = box
    x = (llx + fx * (urx - llx)) * SCALE
    y = img.height - (ury - fy * (ury - lly)) * SCALE
    colour = img.getpixel((int(x), int(y)))
    assert isinstance(colour, tuple), colour  # an RGB image
    return colour


def assert_centred_in_printable_area(box: tuple[float, float, float, float]) -> None:
    assert_centred_in(PRINTABLE, box)


def assert_centred_in(
    area: tuple[float, float, float, float], box: tuple[float, float, float, float]
) -> None:
    px, py, pw, ph = area
    llx, lly, urx, ury = box
    assert px - 0.01 <= llx and urx <= px + pw + 0.01 and py - 0.01 <= lly and ury <= py + ph + 0.01
    assert abs((llx + urx) / 2 - (px + pw / 2)) < 0.01
    assert abs((lly + ury) / 2 - (py + ph / 2)) < 0.01


MM = 72 / 25.4
# The seal zone every page keeps free (issue 10, point 6): the placeholder's corner, from 160 mm across
# and up to 64 mm (20 mm page-number band + 42 mm circle + 2 mm). Content reaching into it is centred
# above it (over the printable width) or beside it (over the printable height), whichever is larger.
SEAL_ZONE = (160 * MM, 0.0, A4[0], 64 * MM)
ABOVE = (15 * MM, 64 * MM, 180 * MM, (297 - 15 - 64) * MM)
BESIDE = (15 * MM, 20 * MM, 145 * MM, (297 - 15 - 20) * MM)


def overlaps_seal_zone(box: tuple[float, float, float, float]) -> bool:
    return box[0] < SEAL_ZONE[2] - 0.01 and SEAL_ZONE[0] < box[2] - 0.01 and box[1] < SEAL_ZONE[3] - 0.01


def assert_placed(box: tuple[float, float, float, float]) -> None:
    """A picture (all of it content) is centred in the printable area if that keeps it out of the seal
    zone; otherwise centred above or beside the zone, at the larger of the two scales."""
    if not overlaps_seal_zone(box):
        for area in (PRINTABLE, ABOVE, BESIDE):
            try:
                assert_centred_in(area, box)
                return
            except AssertionError:
                continue
    raise AssertionError(f"{box} is not placed clear of the seal zone")


def zone_ink(img: Image.Image, scale: float = SCALE) -> int:
    """Ink pixels of a rendered A4 page inside the seal zone above the page-number band (content may
    end on its edge: the pixels that edge runs through are not counted)."""
    zone = img.convert("L").crop(
        (
            math.ceil(SEAL_ZONE[0] * scale) + 1,
            math.ceil((A4[1] - SEAL_ZONE[3]) * scale) + 1,
            img.width,
            math.floor((A4[1] - 20 * MM) * scale),
        )
    )
    return zone.point(lambda v: 255 if v < 200 else 0).histogram()[255]


# --- sniff ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("001-minimal-document.pdf", "pdf"),
        ("007-smile.jpg", "jpeg"),
        ("007-smile.png", "png"),
        ("007-smile-lzw.tiff", "tiff"),
        ("files.json", None),
    ],
)
def test_sniff_corpus(name: str, kind: str | None) -> None:
    assert sniff(REALWORLD / name) == kind


def test_sniff_goes_by_content_not_extension(tmp_path: Path) -> None:
    assert sniff(write(tmp_path, "scan.pdf", (REALWORLD / "007-smile.jpg").read_bytes())) == "jpeg"
    assert sniff(write(tmp_path, "scan.jpg", b"just some text\n")) is None
    assert sniff(write(tmp_path, "mail.pdf", b"X-Mailer: junk\r\n%PDF-1.4\n...")) == "pdf"
    assert sniff(write(tmp_path, "big.tif", b"II+\x00\x08\x00\x00\x00")) == "tiff"  # BigTIFF
    assert sniff(write(tmp_path, "empty.png", b"")) is None
    assert sniff(tmp_path) is None
    assert sniff(tmp_path / "missing.pdf") is None


# --- corpus PDFs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_corpus_pdf_becomes_a4_pages(name: str, corpus_pdf: CorpusPdf) -> None:
    out, done = corpus_pdf(name)
    count = done.pages
    assert count == PAGES[name]
    assert_a4_output(out, count)


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_corpus_pdf_looks_as_in_a_viewer(name: str, corpus_pdf: CorpusPdf) -> None:
    """Each page shows what pdfium shows for the original (with its /Rotate and CropBox), either
    unchanged (A4 portrait pages leaving the seal zone blank) or fitted and centred in the printable area,
    or above or beside the seal zone; the seal zone of every built page is blank."""
    out, done = corpus_pdf(name)
    count = done.pages
    src, dst = pdfium.PdfDocument(str(REALWORLD / name)), pdfium.PdfDocument(str(out))
    try:
        for i in range(count):
            w, h = src[i].get_size()  # the displayed size: CropBox, /Rotate applied
            after = dst[i].render(scale=SCALE).to_pil().convert("L")
            # the seal zone of every built page is blank paper (its content was fitted clear of it)
            assert zone_ink(after) <= 2, f"page {i}: ink in the seal zone"
            if src[i].get_rotation() == 0 and abs(w - A4[0]) <= 2 and abs(h - A4[1]) <= 2:
                before = src[i].render(scale=SCALE).to_pil().convert("L")
                assert before.size == after.size
                if ImageStat.Stat(ImageChops.difference(before, after)).mean[0] < 1:
                    continue  # copied as is: it left the seal zone blank
            # fitted: centred in the printable area, or above or beside the seal zone
            differences = []
            for px, py, pw, ph in (PRINTABLE, ABOVE, BESIDE):
                s = min(pw / w, ph / h)
                x0, y0 = px + (pw - w * s) / 2, py + (ph - h * s) / 2
                box = [round(v * SCALE) for v in (x0, A4[1] - y0 - h * s, x0 + w * s, A4[1] - y0)]
                placed = after.crop(box)
                before = src[i].render(scale=SCALE * s).to_pil().convert("L").resize(placed.size)
                outside = after.copy()
                outside.paste(255, (box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2))
                if ImageStat.Stat(outside).extrema[0][0] == 255:  # nothing outside this box
                    differences.append(ImageStat.Stat(ImageChops.difference(before, placed)).mean[0])
            assert differences and min(differences) < 6, f"page {i}: {differences}"
    finally:
        src.close()
        dst.close()


@pytest.mark.parametrize(
    "name",
    ["001-minimal-document.pdf", "004-pdflatex-4-pages.pdf", "015-habibi-rotated.pdf", "026-multicolumn.pdf"],
)
def test_text_stays_extractable(name: str, corpus_pdf: CorpusPdf) -> None:
    before = [page.extract_text() for page in pypdf.PdfReader(REALWORLD / name).pages]
    out, _ = corpus_pdf(name)
    after = [page.extract_text() for page in pypdf.PdfReader(out).pages]
    assert len(after) == len(before)
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        words = old.split()[:10]
        assert words, f"page {i} of the original has no text"
        assert all(word in new for word in words), f"page {i}: {words} not in {new[:200]!r}"


def test_rotated_pages_are_portrait_with_rotation_baked_in(corpus_pdf: CorpusPdf) -> None:
    """015: /Rotate 90, 180, 270, 360. A viewer shows the text of the 90 and 270 pages running
    up and down a landscape page; the output shows exactly that, shrunk into an A4 portrait page
    whose /Rotate is 0 (compared pixel by pixel in test_corpus_pdf_looks_as_in_a_viewer)."""
    out, done = corpus_pdf("015-habibi-rotated.pdf")
    assert done.pages == 4
    assert_a4_output(out, 4)
    with pikepdf.open(out) as pdf:
        rotations = [_placement_rotation(page) for page in pdf.pages]
    # The first three are placed with a matrix that turns them; the fourth (360 = 0) is A4 as is.
    assert rotations == [90, 180, 270, None]
    ink = ImageOps.invert(render(out, 0).convert("L")).getbbox()
    assert ink is not None
    left, top, right, bottom = ink
    assert bottom - top > right - left  # the line of text runs up the page, as in the viewer
    px, py, pw, ph = (v * SCALE for v in PRINTABLE)
    assert px - 1 <= left and right <= px + pw + 1


def _placement_rotation(page: pikepdf.Page) -> int | None:
    """How far the placed original page is turned clockwise; None if the page was copied as is."""
    if "/Fx0" not in page.Resources.get("/XObject", {}):
        return None
    operands = next(i.operands for i in pikepdf.parse_content_stream(page) if str(i.operator) == "cm")
    a, b = float(operands[0]), float(operands[1])
    scale = (a * a + b * b) ** 0.5
    # Clockwise on paper: the x axis turns towards -y (PDF's y axis points up).
    return {(1, 0): 0, (0, -1): 90, (-1, 0): 180, (0, 1): 270}[(round(a / scale), round(b / scale))]


def test_form_values_stay_visible(corpus_pdf: CorpusPdf) -> None:
    """012: LibreOffice form, NeedAppearances, fields holding "Alice" and "Bob"."""
    before = pypdf.PdfReader(REALWORLD / "012-libreoffice-form.pdf").pages[0].extract_text()
    assert "Alice" not in before  # field values are not page content yet
    out, _ = corpus_pdf("012-libreoffice-form.pdf")
    after = pypdf.PdfReader(out).pages[0].extract_text()
    assert "Alice" in after and "Bob" in after
    assert_a4_output(out, 1)


def test_form_buttons_are_burnt_in(corpus_pdf: CorpusPdf) -> None:
    """010: the Submit push button's caption is drawn by its appearance stream."""
    before = pypdf.PdfReader(REALWORLD / "010-pdflatex-forms.pdf").pages[0].extract_text()
    out, _ = corpus_pdf("010-pdflatex-forms.pdf")
    after = pypdf.PdfReader(out).pages[0].extract_text()
    assert after.count("Submit") == before.count("Submit") + 1


def test_markup_without_appearance_is_drawn(corpus_pdf: CorpusPdf) -> None:
    """024: FPDF2 wrote a highlight and an ink drawing without appearance streams (and with a
    wrong /Rect); both must be printed where a viewer shows them."""
    out, _ = corpus_pdf("024-annotated_pdf.pdf")
    img = render(out, scale=1)  # A4 page copied as is: points = pixels at scale 1
    h = img.height

    def yellow_in(llx: float, lly: float, urx: float, ury: float) -> int:
        region = img.crop((int(llx), int(h - ury), int(urx), int(h - lly)))
        return sum(
            1
            for px in region.get_flattened_data()
            if isinstance(px, tuple) and px[0] > 200 and px[1] > 200 and px[2] < 100
        )

    assert yellow_in(141.73, 695.36, 207.11, 719.36) > 500  # highlight over "Line 1"
    assert yellow_in(28.35, 676.16, 113.39, 700.16) > 500  # and over "Line 2"
    assert yellow_in(26, 471, 88, 532) > 50  # the ink diamond's outline
    assert "Line 1" in pypdf.PdfReader(out).pages[0].extract_text()  # multiply blend: text stays


def _form_pdf(path: Path, value: str, appearance: bytes | None) -> None:
    """A one-field form with /NeedAppearances, as Chinese PDF form fillers write them."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=A4)
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    widget = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Widget,
        FT=pikepdf.Name.Tx,
        T=pikepdf.String("name"),
        V=pikepdf.String(value),
        Rect=[100, 700, 300, 730],
        F=4,
        DA=pikepdf.String("/Helv 12 Tf 0 g"),
        P=page.obj,
    )
    if appearance is not None:
        widget.AP = pikepdf.Dictionary(
            N=pdf.make_stream(
                appearance,
                pikepdf.Dictionary(
                    Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 200, 30]
                ),
            )
        )
    widget = pdf.make_indirect(widget)
    page.obj.Annots = pikepdf.Array([widget])
    pdf.Root.AcroForm = pikepdf.Dictionary(
        Fields=[widget], DR=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=font)), NeedAppearances=True
    )
    pdf.save(path)


def test_chinese_field_keeps_its_producers_appearance(tmp_path: Path) -> None:
    """qpdf would redraw it as '??' (it only writes single-byte font encodings)."""
    src = tmp_path / "form.pdf"
    _form_pdf(src, "张三", b"0 0 1 rg 0 0 200 30 re f")  # stands for the producer's drawing of 张三
    out, _ = convert(src, tmp_path)
    img = render(out, scale=1)
    assert near(img.getpixel((200, int(img.height - 715))), (0, 0, 255), 10)
    assert "??" not in pypdf.PdfReader(out).pages[0].extract_text()


def test_chinese_field_without_appearance_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "form.pdf"
    _form_pdf(src, "张三", None)
    with pytest.raises(AttachmentError, match="张三") as info:
        convert(src, tmp_path, "表格.pdf")
    assert info.value.file == "表格.pdf" and "打印" in (info.value.hint or "")


def test_latin_field_without_appearance_is_generated(tmp_path: Path) -> None:
    src = tmp_path / "form.pdf"
    _form_pdf(src, "Alice Smith", None)
    out, _ = convert(src, tmp_path)
    assert "Alice Smith" in pypdf.PdfReader(out).pages[0].extract_text()


def test_user_password_is_refused_naming_the_file(tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    with pytest.raises(AttachmentError) as info:
        attachment_to_pdf(REALWORLD / ENCRYPTED, "附件/营业执照.pdf", out)
    error = info.value
    assert error.file == "附件/营业执照.pdf"
    assert str(error).startswith("附件/营业执照.pdf: ")
    assert "加密" in error.message
    assert "qpdf --decrypt --password=" in (error.hint or "")
    assert error.exit_code == ExitCode.input_error
    assert not out.exists()


def test_owner_password_only_is_accepted_and_decrypted(tmp_path: Path) -> None:
    src = tmp_path / "restricted.pdf"
    with pikepdf.open(REALWORLD / "001-minimal-document.pdf") as pdf:
        pdf.save(
            src,
            encryption=pikepdf.Encryption(
                owner="owner-secret", user="", allow=pikepdf.Permissions(extract=False)
            ),
        )
    with pikepdf.open(src) as pdf:
        assert pdf.is_encrypted
    out, count = convert(src, tmp_path)
    assert count == 1
    with pikepdf.open(out) as pdf:
        assert not pdf.is_encrypted
    original = pypdf.PdfReader(REALWORLD / "001-minimal-document.pdf").pages[0].extract_text()
    assert pypdf.PdfReader(out).pages[0].extract_text() == original


def test_unrecoverable_pdf_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError, match="已损坏") as info:
        convert(REALWORLD / DAMAGED, tmp_path, "附件/说明书.pdf")
    assert info.value.file == "附件/说明书.pdf"


def test_broken_xref_is_recovered(tmp_path: Path) -> None:
    data = (REALWORLD / "004-pdflatex-4-pages.pdf").read_bytes()
    at = data.rindex(b"startxref")
    broken = data[:at] + b"startxref\n12345\n%%EOF\n"
    out, count = convert(write(tmp_path, "broken.pdf", broken), tmp_path)
    assert count == 4
    assert_a4_output(out, 4)


@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_truncated_pdf_is_recovered_or_refused(name: str, tmp_path: Path) -> None:
    data = (REALWORLD / name).read_bytes()
    src = write(tmp_path, "cut.pdf", data[: int(len(data) * 0.6)])
    try:
        out, count = convert(src, tmp_path, "cut.pdf")
    except AttachmentError as error:
        assert error.file == "cut.pdf"
        return
    assert count > 0
    assert_a4_output(out, count)


def test_pdf_without_pages_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "empty.pdf"
    pikepdf.new().save(src)
    with pytest.raises(AttachmentError, match="没有任何页面"):
        convert(src, tmp_path)


def test_odd_page_boxes_are_normalised(tmp_path: Path) -> None:
    """Letter landscape with an offset CropBox, /UserUnit 2 and /Rotate -90: still A4, fitted."""
    src = tmp_path / "odd.pdf"
    with pikepdf.open(REALWORLD / "001-minimal-document.pdf") as pdf:
        page = pdf.pages[0].obj
        page.MediaBox = [0, 0, 792, 612]
        page.CropBox = [100, 50, 500, 350]
        page.UserUnit = 2
        page.Rotate = -90
        pdf.save(src)
    out, _ = convert(src, tmp_path)
    assert_a4_output(out, 1)


@pytest.mark.parametrize("size", [A4, (612, 792)], ids=["a4-as-is", "letter-placed"])
def test_hidden_layers_stay_hidden(size: tuple[float, float], tmp_path: Path) -> None:
    """Without /OCProperties a viewer would show a layer its author switched off."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=size)
    hidden = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String("draft")))
    page.obj.Resources = pikepdf.Dictionary(Properties=pikepdf.Dictionary(L1=hidden))
    page.obj.Contents = pdf.make_stream(
        b"0 1 0 rg 100 500 100 100 re f /OC /L1 BDC 0 0 1 rg 300 500 100 100 re f EMC"
    )
    pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[hidden], D=pikepdf.Dictionary(OFF=[hidden]))
    src = tmp_path / "layers.pdf"
    pdf.save(src)
    out, _ = convert(src, tmp_path)
    img = render(out)
    colours = {pixel for pixel in img.get_flattened_data()}
    assert any(near(c, (0, 255, 0), 30) for c in colours)  # the visible square
    assert not any(near(c, (0, 0, 255), 60) for c in colours)  # the switched-off one


# --- images ---------------------------------------------------------------------------------------


def jpeg_with_orientation(upright: Image.Image, orientation: int, stored_as: int | None = None) -> bytes:
    stored, exif = stored_for(upright, orientation, stored_as)
    return encoded(stored, "JPEG", exif=exif, dpi=(72, 72), quality=95)


def assert_upright_markers(out: Path) -> None:
    (box,) = image_boxes(out)
    llx, lly, urx, ury = box
    assert ury - lly > urx - llx  # portrait, as the picture is upright
    img = render(out)
    assert near(pixel(img, box, 0.08, 0.06), RED)
    assert near(pixel(img, box, 0.92, 0.06), GREEN)
    assert near(pixel(img, box, 0.08, 0.94), BLUE)
    assert near(pixel(img, box, 0.92, 0.94), GREY)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_baked_in_without_reencoding(orientation: int, tmp_path: Path) -> None:
    data = jpeg_with_orientation(marker_image(), orientation)
    shown = ImageOps.exif_transpose(Image.open(BytesIO(data)))
    assert near(shown.getpixel((5, 5)), RED) and near(shown.getpixel((shown.width - 5, 5)), GREEN)  # fixture
    out, count = convert(write(tmp_path, "photo.jpg", data), tmp_path)
    assert count == 1
    assert_a4_output(out, 1)
    assert_upright_markers(out)
    with pikepdf.open(out) as pdf:
        assert pdf.pages[0].Resources.XObject["/Im0"].read_raw_bytes() == data  # the JPEG as is


@pytest.mark.parametrize("bogus", [0, 9, 255])
def test_bogus_exif_orientation_is_ignored(bogus: int, tmp_path: Path) -> None:
    data = jpeg_with_orientation(marker_image(), bogus, stored_as=1)
    out, _ = convert(write(tmp_path, "photo.jpg", data), tmp_path)
    assert_upright_markers(out)


def test_jpeg_is_embedded_unchanged(corpus_pdf: CorpusPdf) -> None:
    data = (REALWORLD / "007-smile.jpg").read_bytes()
    out, _ = corpus_pdf("007-smile.jpg")
    with pikepdf.open(out) as pdf:
        image = pdf.pages[0].Resources.XObject["/Im0"]
        assert image.Filter == "/DCTDecode"
        assert image.read_raw_bytes() == data


@pytest.mark.parametrize("name", ["007-smile.jpg", "007-smile.png", "007-smile-lzw.tiff"])
def test_corpus_images_keep_their_natural_size(name: str, corpus_pdf: CorpusPdf) -> None:
    out, done = corpus_pdf(name)
    count = done.pages
    assert count == 1
    assert_a4_output(out, 1)
    (box,) = image_boxes(out)
    assert abs((box[2] - box[0]) - 16 / 300 * 72) < 0.01  # 16 px at 300 dpi
    assert_centred_in_printable_area(box)


@pytest.mark.parametrize("inverted", [True, False], ids=["adobe", "plain"])
def test_cmyk_jpeg(inverted: bool, tmp_path: Path) -> None:
    cyan = Image.new("CMYK", (120, 80), (255, 0, 0, 0))
    if inverted:
        data = encoded(cyan, "JPEG", dpi=(72, 72))
        assert b"Adobe" in data  # Pillow writes CMYK the Adobe way: inverted, with an APP14 marker
    else:
        # Pillow writes CMYK inverted; inverting first stores plain values, as the JPEG spec has it.
        data = _without_app14(encoded(Image.eval(cyan, lambda v: 255 - v), "JPEG", dpi=(72, 72)))
        assert b"Adobe" not in data
    out, _ = convert(write(tmp_path, "cmyk.jpg", data), tmp_path)
    r, g, b = pixel(render(out), image_boxes(out)[0], 0.5, 0.5)
    assert r < 80 and g > 150 and b > 200  # cyan, not its negative


def _without_app14(data: bytes) -> bytes:
    i, out = 2, bytearray(data[:2])
    while data[i] == 0xFF and data[i + 1] not in (0xDA, 0xD9):
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if data[i + 1] != 0xEE:
            out += data[i : i + 2 + length]
        i += 2 + length
    return bytes(out + data[i:])


def test_rgba_png_is_flattened_onto_white(tmp_path: Path) -> None:
    im = Image.new("RGBA", (200, 200), (0, 0, 0, 0))  # transparent *black*
    im.paste((230, 0, 0, 255), (50, 50, 150, 150))
    im.paste((0, 0, 230, 128), (0, 180, 200, 200))  # half-transparent blue strip at the bottom
    out, _ = convert(write(tmp_path, "seal.png", encoded(im, "PNG", dpi=(72, 72))), tmp_path)
    with pikepdf.open(out) as pdf:
        assert "/SMask" not in pdf.pages[0].Resources.XObject["/Im0"]
    img, box = render(out), image_boxes(out)[0]
    assert near(pixel(img, box, 0.1, 0.1), WHITE, 5)
    assert near(pixel(img, box, 0.5, 0.5), RED)
    assert near(pixel(img, box, 0.5, 0.95), (128, 128, 242), 30)


def test_palette_png_with_transparency(tmp_path: Path) -> None:
    im = Image.new("P", (100, 100), 0)
    im.putpalette([0, 0, 0, 230, 0, 0] + [0] * (256 * 3 - 6))
    im.paste(1, (25, 25, 75, 75))
    data = encoded(im, "PNG", transparency=0, dpi=(72, 72))
    out, _ = convert(write(tmp_path, "logo.png", data), tmp_path)
    img, box = render(out), image_boxes(out)[0]
    assert near(pixel(img, box, 0.1, 0.1), WHITE, 5)
    assert near(pixel(img, box, 0.5, 0.5), RED)


def test_palette_png_without_transparency_is_embedded_as_palette(tmp_path: Path) -> None:
    im = Image.new("P", (100, 100), 0)
    im.putpalette([0, 200, 0] + [0] * (256 * 3 - 3))
    out, _ = convert(write(tmp_path, "p.png", encoded(im, "PNG", dpi=(72, 72))), tmp_path)
    with pikepdf.open(out) as pdf:
        assert pdf.pages[0].Resources.XObject["/Im0"].ColorSpace[0] == "/Indexed"
    assert near(pixel(render(out), image_boxes(out)[0], 0.5, 0.5), (0, 200, 0))


def test_grey_alpha_png(tmp_path: Path) -> None:
    im = Image.new("LA", (100, 100), (0, 0))
    im.paste((60, 255), (25, 25, 75, 75))
    out, _ = convert(write(tmp_path, "la.png", encoded(im, "PNG", dpi=(72, 72))), tmp_path)
    img, box = render(out), image_boxes(out)[0]
    assert near(pixel(img, box, 0.1, 0.1), WHITE, 5)
    assert near(pixel(img, box, 0.5, 0.5), (60, 60, 60), 10)


def _grey16(width: int = 256, height: int = 32) -> Image.Image:
    row = b"".join(struct.pack("<H", x * 65535 // (width - 1)) for x in range(width))
    return Image.frombytes("I;16", (width, height), row * height)


@pytest.mark.parametrize("fmt", ["PNG", "TIFF"])
def test_16_bit_greyscale(fmt: str, tmp_path: Path) -> None:
    data = encoded(_grey16(), fmt, dpi=(72, 72))
    if fmt == "PNG":
        assert data[24] == 16  # IHDR bit depth
    out, _ = convert(write(tmp_path, f"scan.{fmt.lower()}", data), tmp_path)
    img, box = render(out), image_boxes(out)[0]
    assert pixel(img, box, 0.02, 0.5)[0] < 20
    assert abs(pixel(img, box, 0.5, 0.5)[0] - 128) < 20  # scaled, not clipped at 255
    assert pixel(img, box, 0.98, 0.5)[0] > 235


def _tiff(frames: list[Image.Image], **options: object) -> bytes:
    return encoded(frames[0], "TIFF", save_all=True, append_images=frames[1:], **options)


@pytest.mark.parametrize("alpha", [False, True], ids=["embedded", "reencoded"])
def test_multipage_tiff(alpha: bool, tmp_path: Path) -> None:
    frames = [
        Image.new("RGB", (300, 200), RED),
        Image.new("RGB", (200, 300), GREEN),
        Image.new("RGB", (250, 250), BLUE),
    ]
    if alpha:
        frames[1] = frames[1].convert("RGBA")  # one frame with alpha: all are decoded and re-encoded
    data = _tiff(frames, compression="tiff_lzw", dpi=(72, 72))
    out, count = convert(write(tmp_path, "pages.tif", data), tmp_path)
    assert count == 3
    assert_a4_output(out, 3)
    for i, (frame, colour) in enumerate(zip(frames, (RED, GREEN, BLUE), strict=True)):
        (box,) = image_boxes(out, i)
        assert (round(box[2] - box[0]), round(box[3] - box[1])) == frame.size  # 72 dpi: px = pt
        assert near(pixel(render(out, i), box, 0.5, 0.5), colour)


def test_bilevel_tiff_stays_ccitt(tmp_path: Path) -> None:
    page = Image.new("1", (1700, 2200), 1)  # a letter-size fax-like page at 200 dpi
    page.paste(0, (100, 100, 600, 300))
    data = encoded(page, "TIFF", compression="group4", dpi=(200, 200))
    out, _ = convert(write(tmp_path, "fax.tif", data), tmp_path)
    with pikepdf.open(out) as pdf:
        filters = pdf.pages[0].Resources.XObject["/Im0"].Filter
        names = list(filters) if isinstance(filters, pikepdf.Array) else [filters]
        assert names == ["/CCITTFaxDecode"]
    img, box = render(out), image_boxes(out)[0]
    assert pixel(img, box, 200 / 1700, 200 / 2200)[0] < 50
    assert pixel(img, box, 0.5, 0.5)[0] > 200


def test_fax_resolution_keeps_the_aspect(tmp_path: Path) -> None:
    data = encoded(Image.new("1", (1728, 1100), 1), "TIFF", compression="group4", dpi=(204, 98))
    out, _ = convert(write(tmp_path, "fax.tif", data), tmp_path)
    llx, lly, urx, ury = image_boxes(out)[0]
    assert abs((urx - llx) / (ury - lly) - (1728 / 204) / (1100 / 98)) < 0.001


def test_id_card_at_300_dpi_keeps_its_natural_size(tmp_path: Path) -> None:
    card = Image.new("RGB", (1011, 638), (200, 220, 240))  # 85.6 x 54 mm at 300 dpi
    out, _ = convert(write(tmp_path, "id.jpg", encoded(card, "JPEG", dpi=(300, 300))), tmp_path)
    (box,) = image_boxes(out)
    assert abs((box[2] - box[0]) - 85.6 * 72 / 25.4) < 1
    assert_centred_in_printable_area(box)


def test_landscape_a4_scan_is_fitted_not_rotated(tmp_path: Path) -> None:
    scan = Image.new("L", (3508, 2480), 230)  # A4 landscape at 300 dpi
    out, _ = convert(write(tmp_path, "wide.jpg", encoded(scan, "JPEG", dpi=(300, 300))), tmp_path)
    assert_a4_output(out, 1)
    (box,) = image_boxes(out)
    assert abs((box[2] - box[0]) - PRINTABLE[2]) < 0.01
    assert abs((box[3] - box[1]) - PRINTABLE[2] * 2480 / 3508) < 0.01
    assert_centred_in_printable_area(box)


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("JPEG", {"dpi": (0, 0)}),
        ("JPEG", {}),
        ("PNG", {}),
        ("JPEG", {"dpi": (5, 5)}),
        ("PNG", {"dpi": (10000, 10000)}),
        ("TIFF", {"resolution_unit": 1, "resolution": 1}),
    ],
    ids=["jpeg-dpi-0", "jpeg-no-dpi", "png-no-dpi", "jpeg-5dpi", "png-10000dpi", "tiff-no-unit"],
)
def test_missing_or_absurd_dpi_counts_as_96(fmt: str, options: dict[str, object], tmp_path: Path) -> None:
    data = encoded(Image.new("RGB", (192, 96), RED), fmt, **options)
    out, _ = convert(write(tmp_path, f"x.{fmt.lower()}", data), tmp_path)
    (box,) = image_boxes(out)
    assert (round(box[2] - box[0], 2), round(box[3] - box[1], 2)) == (144, 72)  # 192 x 96 px at 96 dpi


def test_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    noise = Image.effect_noise((400, 300), 64).convert("RGB")
    data = encoded(noise, "JPEG", quality=90)
    with pytest.raises(AttachmentError, match="图片文件已损坏"):
        convert(write(tmp_path, "cut.jpg", data[: len(data) * 6 // 10]), tmp_path, "cut.jpg")


def test_truncated_png_is_refused(tmp_path: Path) -> None:
    data = encoded(Image.effect_noise((300, 300), 64), "PNG")
    with pytest.raises(AttachmentError, match="图片文件已损坏"):
        convert(write(tmp_path, "cut.png", data[: len(data) * 6 // 10]), tmp_path, "cut.png")


# --- refusals -------------------------------------------------------------------------------------


def _png_claiming(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header claims another size (the CRC fixed): a decompression bomb's header."""
    data = bytearray(encoded(Image.new("1", (1, 1)), "PNG"))
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.parametrize(("width", "height"), [(40000, 40000), (10000, 9500), (9000, 9000)])
def test_decompression_bomb_is_refused_quietly(width: int, height: int, tmp_path: Path) -> None:
    src = write(tmp_path, "bomb.png", _png_claiming(width, height))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(AttachmentError, match="图片过大") as info:
            convert(src, tmp_path, "bomb.png")
    assert not [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)]
    assert "8000 万像素" in info.value.message
    assert not (tmp_path / "bomb.png.out.pdf").exists()


def test_tiff_with_too_many_frames_is_refused(tmp_path: Path) -> None:
    frames = [Image.new("1", (1, 1))] * 201
    src = write(tmp_path, "many.tif", _tiff(frames))
    with pytest.raises(AttachmentError, match="200"):
        convert(src, tmp_path)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("empty.pdf", b"", "0 字节"),
        ("scan.jpg", "这不是图片\n".encode(), "不是可识别的 PDF 或图片文件"),
        ("photo.jpg", b"\x00\x00\x00\x18ftypheic" + bytes(100), "图片文件已损坏"),  # a HEIC, but cut short
        ("photo.avif", b"\x00\x00\x00\x1cftypavif" + bytes(100), "AVIF"),
        ("scan.gif", b"GIF89a" + bytes(100), "GIF"),
        ("scan.bmp", b"BM" + bytes(100), "BMP"),
        ("form.pdf", b"PK\x03\x04" + bytes(100), "Word"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(20), "图片文件已损坏"),
        ("scan.tif", b"II*\x00\xff\xff\xff\x7f", "图片文件已损坏"),
        ("scan.pdf", b"%PDF-1.7\n", "已损坏"),
    ],
)
def test_unusable_files_are_refused(name: str, data: bytes, words: str, tmp_path: Path) -> None:
    with pytest.raises(AttachmentError) as info:
        convert(write(tmp_path, name, data), tmp_path, f"附件/{name}")
    assert info.value.file == f"附件/{name}"
    assert words in str(info.value)
    assert info.value.hint


def test_unknown_file_hint(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError) as info:
        convert(write(tmp_path, "a.jpg", b"hello"), tmp_path)
    assert "请提供扫描件的 PDF 或 JPEG/PNG/TIFF/HEIC/WebP 文件" in (info.value.hint or "")


def test_directory_and_missing_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError, match="文件夹"):
        attachment_to_pdf(tmp_path, "扫描件/", tmp_path / "o.pdf")
    with pytest.raises(AttachmentError, match="不存在"):
        attachment_to_pdf(tmp_path / "nope.pdf", "nope.pdf", tmp_path / "o.pdf")


def test_permission_denied_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = write(tmp_path, "secret.pdf", (REALWORLD / "001-minimal-document.pdf").read_bytes())

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sniffing, "open", denied, raising=False)  # we run as root in CI
    with pytest.raises(AttachmentError, match="权限") as info:
        convert(src, tmp_path, "secret.pdf")
    assert info.value.file == "secret.pdf"


# --- determinism ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: REALWORLD / "012-libreoffice-form.pdf",
        lambda tmp: REALWORLD / "015-habibi-rotated.pdf",
        lambda tmp: REALWORLD / "024-annotated_pdf.pdf",
        lambda tmp: write(tmp, "p.jpg", jpeg_with_orientation(marker_image(), 6)),
        lambda tmp: write(
            tmp, "p.tif", _tiff([marker_image(), marker_image().convert("RGBA")], dpi=(150, 150))
        ),
    ],
    ids=["form", "rotated", "annotated", "jpeg-exif", "tiff-reencoded"],
)
def test_same_input_gives_the_same_bytes(make: Callable[[Path], Path], tmp_path: Path) -> None:
    src = make(tmp_path)
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    attachment_to_pdf(src, "a", first)
    attachment_to_pdf(src, "b", second)
    assert first.read_bytes() == second.read_bytes()
    with pikepdf.open(first) as pdf:
        assert "/Info" not in pdf.trailer or not ({"/CreationDate", "/ModDate"} & set(pdf.docinfo.keys()))


# --- geometry properties --------------------------------------------------------------------------

sizes = st.floats(min_value=0.5, max_value=20000, allow_nan=False)


@given(sizes, sizes, st.booleans())
def test_fit_stays_in_the_printable_area_clear_of_the_seal_zone(
    width: float, height: float, expand: bool
) -> None:
    scale, x, y, around = attachments.fit(width, height, expand=expand)
    if not expand:
        assert scale <= 1
    box = (x, y, x + width * scale, y + height * scale)
    assert_placed(box)
    assert around == (overlaps_seal_zone(_centred(PRINTABLE, width, height, expand)))
    # Fitted: one side touches its area unless a small picture keeps its natural size.
    areas = (ABOVE, BESIDE) if around else (PRINTABLE,)
    touches = any(abs(width * scale - a[2]) < 1e-3 or abs(height * scale - a[3]) < 1e-3 for a in areas)
    assert touches or (not expand and scale == 1)
    # Keeping the zone free never enlarges (so never lowers a scan's dpi) and costs at most a sixth.
    plain, *_ = attachments.fit(width, height, expand=expand, zone_clear=True)
    assert plain * 0.83 <= scale <= plain * (1 + 1e-9)
    # the larger of the two ways around the zone
    best = max(_scale(ABOVE, width, height, expand), _scale(BESIDE, width, height, expand))
    assert not around or scale == pytest.approx(best, rel=1e-6)  # A4 is 595.2756 x 841.8898 pt there


def _scale(area: tuple[float, float, float, float], width: float, height: float, expand: bool) -> float:
    scale = min(area[2] / width, area[3] / height)
    return scale if expand else min(scale, 1.0)


def _centred(
    area: tuple[float, float, float, float], width: float, height: float, expand: bool
) -> tuple[float, float, float, float]:
    s = _scale(area, width, height, expand)
    x, y = area[0] + (area[2] - width * s) / 2, area[1] + (area[3] - height * s) / 2
    return (x, y, x + width * s, y + height * s)


@given(st.integers(1, 8), sizes, sizes)
def test_orientation_maps_the_box_onto_the_shown_box(code: int, w: float, h: float) -> None:
    m = geometry.orientation(code, w, h)
    shown_w, shown_h = (h, w) if code >= 5 else (w, h)
    corners = [m.transform(p) for p in ((0, 0), (w, 0), (0, h), (w, h))]
    xs, ys = sorted(round(c[0], 6) for c in corners), sorted(round(c[1], 6) for c in corners)
    assert (xs[0], xs[-1], ys[0], ys[-1]) == (0, round(shown_w, 6), 0, round(shown_h, 6))


def test_full_page_scan_pdf_is_fitted_clear_of_the_page_number_band(tmp_path: Path) -> None:
    """A flatbed's A4 PDF (one picture over the whole page) is not copied as is: the footer 第 N 页
    would print over the scan. It is fitted into the printable area, and check reports the dpi built."""
    scan = Image.new("L", (2480, 3508), 200)  # A4 at 300 dpi, grey to the edges
    jpeg = encoded(scan, "JPEG", dpi=(300, 300))
    data = img2pdf.convert(jpeg, layout_fun=img2pdf.get_layout_fun(A4))
    src = write(tmp_path, "scan.pdf", data)
    out, _ = convert(src, tmp_path)
    document = pdfium.PdfDocument(str(out))
    try:
        (picture,) = document[0].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3)
        left, bottom, right, top = picture.get_bounds()
        container = picture.container
        while container is not None:  # pdfium gives bounds inside a form in the form's space
            left, bottom, right, top = container.get_matrix().on_rect(left, bottom, right, top)
            container = container.container
    finally:
        document.close()
    box = (left, bottom, right, top)
    assert box[1] >= PRINTABLE[1] - 0.01  # the lowest 20 mm stay clear
    assert_placed(box)  # and the seal zone: the picture is fitted above it
    assert_centred_in(ABOVE, box)
    # the page-number band of the built page is blank paper
    img = render(out, 0).convert("L")
    band = img.crop((0, img.height - int(PRINTABLE[1] * img.height / A4[1]) + 2, img.width, img.height))
    darkest = band.getextrema()[0]
    assert isinstance(darkest, int | float) and darkest > 250
    with pikepdf.open(out) as pdf:
        (image,) = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
        assert image.read_raw_bytes() == jpeg  # embedded as it was


def test_a_pdf_is_surveyed_once_per_process_until_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """build checks its profiles first: the survey check made is the one build places the pages from,
    not made again; a file changed in between (size or time) is surveyed anew."""
    from numdossier.pdf.attachments import pdfs

    src = tmp_path / "licence.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(src)
    walked: list[Path] = []
    real = pdfs._survey_pdf

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        walked.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pdfs, "_survey_pdf", counting)
    monkeypatch.setattr(pdfs, "_SURVEYED", {})
    first = attachments.survey(src, "licence.pdf")
    pages, again = pdfs.pdf_to_pdf(src, "licence.pdf", tmp_path / "out.pdf")
    assert pages == 1 and again == first and again is not first and len(walked) == 1
    assert (
        attachments.survey(src, "licence.pdf", id_card=True) is not None and len(walked) == 2
    )  # another question
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(src)
    changed = attachments.survey(src, "licence.pdf")
    assert len(changed.pages) == 2 and len(walked) == 3
