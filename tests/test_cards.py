"""ID copies: a card is found (a card-shaped picture, or a card on a flatbed page) and printed at card size."""

from __future__ import annotations

import io
import random
from pathlib import Path

import img2pdf
import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageDraw

from numdossier.pdf import cards
from numdossier.pdf.attachments import A4, attachment_to_pdf, fit

MM = 72 / 25.4
A4_300 = (2480, 3508)  # A4 at 300 dpi


def card_image(size: tuple[int, int] = (1011, 638), seed: int = 1) -> Image.Image:
    """A fictitious card: pale blue ground, rounded border, some lines of 'text', a photo box."""
    w, h = size
    im = Image.new("RGB", size, (253, 253, 253))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle(
        (4, 4, w - 5, h - 5), radius=w // 25, fill=(226, 236, 244), outline=(150, 160, 170), width=2
    )
    rnd = random.Random(seed)
    for row in range(6):
        y = h // 8 + row * h // 9
        d.rectangle((w // 12, y, w // 12 + rnd.randrange(w // 5, w // 2), y + h // 30), fill=(60, 60, 70))
    d.rectangle((w * 2 // 3, h // 8, w * 2 // 3 + w // 4, h // 8 + h // 2), fill=(170, 170, 180))
    return im


def jpeg(im: Image.Image, dpi: int | None) -> bytes:
    buf = io.BytesIO()
    if dpi:
        im.save(buf, "JPEG", quality=85, dpi=(dpi, dpi))
    else:
        im.save(buf, "JPEG", quality=85)  # no JFIF density: the tag is missing
    return buf.getvalue()


def flatbed(card_at: tuple[int, int], seed: int = 2) -> Image.Image:
    """An A4 flatbed scan at 300 dpi: the card in a corner, the rest the lid's off-white with dust."""
    page = Image.new("RGB", A4_300, (246, 246, 244))
    d = ImageDraw.Draw(page)
    rnd = random.Random(seed)
    for _ in range(4000):
        x, y, v = rnd.randrange(A4_300[0]), rnd.randrange(A4_300[1]), rnd.randrange(150, 240)
        d.point((x, y), (v, v, v))
    page.paste(card_image(), card_at)
    return page


def normalised(tmp_path: Path, name: str, data: bytes) -> Path:
    src = tmp_path / name
    src.write_bytes(data)
    out = tmp_path / (name + ".pdf")
    attachment_to_pdf(src, name, out)
    return out


def printed_images(pdf: Path) -> list[tuple[float, float]]:
    """Width and height in mm of every card on the first page, as printed (a form clipped to the card)."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[0]
        boxes = [o.get_bounds() for o in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_FORM], max_depth=0)]
        return [((r - left) / MM, (t - b) / MM) for left, b, r, t in boxes]
    finally:
        document.close()


@pytest.mark.parametrize("dpi", [300, 600, 96, 72, None])
def test_card_image_prints_at_card_size_whatever_its_tag(tmp_path: Path, dpi: int | None) -> None:
    pdf = normalised(tmp_path, "card.jpg", jpeg(card_image(), dpi))
    (found,) = cards.find_cards(pdf)
    assert found is not None
    sheet = tmp_path / "sheet.pdf"
    cards.write_sheets([[cards.Side(pdf, 0, found, "正面")]], sheet)
    ((w, h),) = printed_images(sheet)
    assert w == pytest.approx(85.6, abs=0.3) and h == pytest.approx(54.0, abs=0.3)


def test_card_on_a_flatbed_page_is_found_and_cropped_without_reencoding(tmp_path: Path) -> None:
    scan = jpeg(flatbed((120, 150)), 300)
    pdf = normalised(tmp_path, "scan.pdf", img2pdf.convert(scan, layout_fun=img2pdf.get_layout_fun(A4)))
    (found,) = cards.find_cards(pdf)
    assert found is not None
    # the card lies 10.2 mm from the left and 12.7 mm from the top of the scan, 85.6 x 54 mm; the scan
    # itself is fitted into the printable area (it reaches into the page-number band), above the seal
    # zone (its picture covers the whole page: every part of it counts as content)
    scale, x0, y0, around = fit(*A4, expand=True)
    assert around
    left, bottom, right, top = ((v - o) / scale / MM for v, o in zip(found, (x0, y0, x0, y0), strict=True))
    assert left == pytest.approx(120 / 300 * 25.4, abs=1.0)
    assert 297 - top == pytest.approx(150 / 300 * 25.4, abs=1.0)
    assert right - left == pytest.approx(85.6, abs=1.5) and top - bottom == pytest.approx(54, abs=1.5)

    sheet = tmp_path / "sheet.pdf"
    (slots,) = cards.write_sheets([[cards.Side(pdf, 0, found, "正面")]], sheet)
    with pikepdf.open(sheet) as doc:
        images = [
            obj for obj in doc.objects if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image"
        ]
        assert len(images) == 1 and images[0].read_raw_bytes() == scan  # the scan's JPEG as it was
    # what is printed is the card only, at card size, where the slot says
    rendered = pdfium.PdfDocument(str(sheet))[0].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    ink = rendered.point(lambda v: 255 if v < 240 else 0).getbbox()
    assert ink is not None
    px = 150 / 25.4
    assert (ink[2] - ink[0]) / px == pytest.approx(85.6, abs=1.5)
    assert (ink[3] - ink[1]) / px == pytest.approx(54.0, abs=1.5)
    assert ink[0] / px == pytest.approx(slots[0].box[0] / MM, abs=1.5)


@pytest.mark.parametrize("where", ["image", "pdf"])
def test_a_full_page_document_is_not_a_card(tmp_path: Path, where: str) -> None:
    page = Image.new("RGB", A4_300, (250, 250, 250))
    d = ImageDraw.Draw(page)
    for row in range(40):
        d.rectangle((200, 300 + row * 75, 2200, 330 + row * 75), fill=(30, 30, 30))
    data = jpeg(page, 300)
    if where == "pdf":
        data = img2pdf.convert(data)
    pdf = normalised(tmp_path, "licence." + ("pdf" if where == "pdf" else "jpg"), data)
    assert cards.find_cards(pdf) == [None]


def test_a_portrait_card_stays_upright_at_card_size(tmp_path: Path) -> None:
    pdf = normalised(tmp_path, "card.jpg", jpeg(card_image().rotate(90, expand=True), 300))
    (found,) = cards.find_cards(pdf)
    assert found is not None
    sheet = tmp_path / "sheet.pdf"
    cards.write_sheets([[cards.Side(pdf, 0, found, "正面")]], sheet)
    ((w, h),) = printed_images(sheet)
    assert w == pytest.approx(54.0, abs=0.3) and h == pytest.approx(85.6, abs=0.3)


def test_two_sides_front_above_back_inside_the_page(tmp_path: Path) -> None:
    front = normalised(tmp_path, "front.jpg", jpeg(card_image(seed=1), 300))
    back = normalised(tmp_path, "back.jpg", jpeg(card_image(seed=2), None))
    sides = [
        cards.Side(p, 0, cards.find_cards(p)[0] or (0, 0, 0, 0), label)
        for p, label in ((front, "正面"), (back, "反面"))
    ]
    (slots,) = cards.write_sheets([sides], tmp_path / "sheet.pdf")
    assert slots[0].box[1] > slots[1].box[3]  # the front's lower edge above the back's upper edge
    for slot in slots:
        assert slot.box[1] > 20 * MM and slot.label_at[1] > slot.box[3]  # label above, footer band free
