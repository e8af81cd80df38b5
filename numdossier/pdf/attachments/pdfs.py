"""PDF attachments: opened (repairs proven to keep every page), surveyed, and placed on A4 pages."""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Matrix, Name

from numdossier.errors import AttachmentError
from numdossier.rules import messages

from ..zone import FOOTER, SEAL_ZONE
from .annotations import burn_in_annotations, carry_layers
from .fonts import unembedded
from .geometry import (
    LETTER,
    MARGIN_BOTTOM,
    SourcePage,
    box,
    card_scale,
    effective_dpi,
    new_page,
    overlaps,
    save,
    unit_square_box,
)
from .marks import form_matrix, paints_in
from .observations import Observation, seal_zone
from .refusals import refuse
from .survey import FileSurvey, PageSurvey

# The page-dictionary keys a page copied as is keeps; everything else (annotations, actions /AA,
# thumbnails, article beads, structure-tree links, transitions, private data) is left behind.
_PAGE_KEYS_KEPT = frozenset({"/Type", "/Parent", "/MediaBox", "/Resources", "/Contents", "/Group"})
# A picture covering at least this share of its page is a scan of the page (not a logo in a text page).
SCAN_SHARE = 0.5
_MAX_DEPTH = 8  # nested forms looked into for pictures
# `/Type /Pages ... /Count n` (either order) as written in the file: what the page tree declared.
_PAGES_COUNT = re.compile(
    rb"/Type\s*/Pages\b(?:(?!endobj).){0,400}?/Count\s+(\d+)|/Count\s+(\d+)(?:(?!endobj).){0,400}?/Type\s*/Pages\b",
    re.DOTALL,
)


def open_pdf(src: Path, display: str) -> pikepdf.Pdf:
    """The PDF, or the refusal saying why it cannot be read (qpdf repairs broken xref tables)."""
    try:
        return pikepdf.open(src)  # attempt_recovery=True
    except pikepdf.PasswordError as e:
        raise refuse(display, "encrypted") from e
    except pikepdf.PdfError as e:
        raise refuse(display, "pdf_damaged") from e
    except PermissionError as e:
        raise refuse(display, "permission") from e
    except OSError as e:
        raise refuse(display, "unreadable", detail=e.strerror or type(e).__name__) from e


# Surveys already made in this process, by the file's identity: `build` checks its profiles first, and
# the survey of a PDF (each page's content walked for what paints in the seal zone) was made twice, once
# by check and once by build, for the same answer. Only successes are kept (a refusal names the path as
# the profile wrote it); a file changed in between has another size or time and is surveyed again.
_SURVEYED: dict[tuple[object, ...], FileSurvey] = {}
_SURVEYED_MAX = 512


def _identity(src: Path, id_card: bool) -> tuple[object, ...] | None:
    try:
        info = src.stat()
    except OSError:
        return None  # open_pdf says what is wrong with it
    return (str(src.resolve()), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, id_card)


def survey_pdf(
    src: Path, display: str, source: pikepdf.Pdf | None = None, *, id_card: bool = False
) -> FileSurvey:
    """Pages, their scans' resolution on A4, missing fonts, damage; refuses what cannot be built whole."""
    key = _identity(src, id_card)
    if key is not None and key in _SURVEYED:
        return copy.deepcopy(_SURVEYED[key])
    found = _survey_pdf(src, display, source, id_card=id_card)
    if key is not None:
        if len(_SURVEYED) >= _SURVEYED_MAX:
            _SURVEYED.clear()
        _SURVEYED[key] = copy.deepcopy(found)
    return found


def _survey_pdf(src: Path, display: str, source: pikepdf.Pdf | None, *, id_card: bool) -> FileSurvey:
    pdf = source if source is not None else open_pdf(src, display)
    try:
        try:
            count = len(pdf.pages)
            if count == 0:
                raise refuse(display, "pdf_no_pages")
            found = FileSurvey("pdf")
            for page, shown in zip(pdf.pages, shown_pages(pdf), strict=True):
                found.pages.append(
                    PageSurvey(
                        page_dpi(page.obj, shown, id_card=id_card),
                        tuple(unembedded(page.obj, annotations=True)),
                        shown,
                    )
                )
            found.declared_pages = declared_pages(pdf, src)
            if pdf.get_warnings():
                prove_repair(src, display, found)
            if pdf.is_encrypted:
                found.observations.append(Observation("decrypted"))
            shown_all = [(i, p.shown) for i, p in enumerate(found.pages, 1) if p.shown is not None]
            rotated = [i for i, shown in shown_all if shown.rotate]
            if rotated:
                found.observations.append(Observation("rotated", {"pages": rotated}))
            small = [(i, shown.scale()) for i, shown in shown_all]
            small = [(i, s) for i, s in small if s < 1 - 1e-6]
            if small:
                scale = round(min(s for _, s in small), 3)
                found.observations.append(
                    Observation("downscaled", {"pages": [i for i, _ in small], "scale": scale})
                )
            found.observations += [
                seal_zone(i, found.pages[i - 1].dpi) for i, shown in shown_all if shown.fit().around_seal
            ]
            return found
        except AttachmentError:
            raise
        except (pikepdf.PdfError, pikepdf.ForeignObjectError, RuntimeError) as e:
            # qpdf reports unrecoverable damage as QPDFExc (PdfError) or std::logic_error.
            raise refuse(display, "pdf_damaged") from e
    finally:
        if source is None:
            pdf.close()


def declared_pages(pdf: pikepdf.Pdf, src: Path) -> int | None:
    """The page count the file's page tree declares: the root's /Count, or the largest /Count of a
    /Pages node written in the file (a truncated file can lose the root but keep that text)."""
    counts: list[int] = []
    try:
        value = pdf.Root.Pages.get("/Count")  # pikepdf gives integers as int
        if isinstance(value, int) and not isinstance(value, bool):
            counts.append(value)
    except (AttributeError, pikepdf.PdfError, TypeError, ValueError):
        pass
    try:
        data = src.read_bytes()
    except OSError:
        data = b""
    counts += [int(a or b) for a, b in _PAGES_COUNT.findall(data)]
    return max(counts) if counts else None


def prove_repair(src: Path, display: str, found: FileSurvey) -> None:
    """qpdf had to repair the file: accept it only if every declared page came back and renders."""
    recovered = found.page_count
    declared = found.declared_pages
    if declared is None or recovered < declared:
        raise refuse(
            display,
            "pdf_pages_lost",
            recovered=recovered,
            declared=declared if declared else messages.text("pdf.sizes.unknown_count"),
        )
    import pypdfium2 as pdfium  # only for a repaired file: `check` of sound files never loads it

    try:
        document = pdfium.PdfDocument(str(src))
    except pdfium.PdfiumError as e:
        raise refuse(display, "pdf_pages_lost", recovered=0, declared=declared) from e
    try:
        if len(document) < declared:
            raise refuse(display, "pdf_pages_lost", recovered=len(document), declared=declared)
        for index in range(declared):
            try:
                page = document[index]
                page.render(scale=0.05).close()
                page.close()
            except pdfium.PdfiumError as e:
                raise refuse(display, "pdf_pages_lost", recovered=index, declared=declared) from e
    finally:
        document.close()
    found.repaired = True
    found.observations.append(Observation("repaired", {"pages": declared}))


def drawn_images(
    obj: pikepdf.Object, ctm: Matrix | None = None, depth: int = 0
) -> list[tuple[pikepdf.Object, Matrix]]:
    """Every image XObject a page or form draws, with the matrix mapping its unit square to the page."""
    resources = obj.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
    if not isinstance(xobjects, Dictionary) or depth > _MAX_DEPTH:
        return []
    base = ctm if ctm is not None else Matrix()
    found: list[tuple[pikepdf.Object, Matrix]] = []
    current, stack = base, []
    try:
        instructions = pikepdf.parse_content_stream(obj)
    except pikepdf.PdfError:
        return []
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue  # inline images are small by definition (ISO 32000-1, 8.9.7: up to 4 KB)
        operands, op = instruction.operands, str(instruction.operator)
        if op == "q":
            stack.append(current)
        elif op == "Q":
            current = stack.pop() if stack else base
        elif op == "cm" and len(operands) == 6:
            current = Matrix(*(float(v) for v in operands)) @ current
        elif op == "Do" and operands:
            target = xobjects.get(str(operands[0]))
            if not isinstance(target, pikepdf.Stream):
                continue
            if target.get("/Subtype") == Name.Image:
                found.append((target, current))
            elif target.get("/Subtype") == Name.Form:
                found += drawn_images(target, form_matrix(target) @ current, depth + 1)
    return found


def shown_pages(pdf: pikepdf.Pdf) -> list[SourcePage]:
    """Every page's geometry, decided once for check and build alike (build places from the survey):
    an A4 page whose scan reaches into the page-number band is fitted into the printable area instead of
    being copied as is, and a page that would paint in the seal zone is fitted above or beside it."""
    shown = []
    for page in pdf.pages:
        plain = SourcePage.of(page.obj, band_clear=not _picture_in_band(page.obj), zone_clear=True)
        shown.append(replace(plain, zone_clear=zone_clear(page.obj, plain)))
    return shown


def zone_clear(page: Dictionary, plain: SourcePage) -> bool:
    """Whether `page`, placed as `plain` places it (copied as is, or centred in the printable area),
    paints nothing in the seal zone above the page-number band (the band is the page numbers' own)."""
    zone = (SEAL_ZONE[0], FOOTER, SEAL_ZONE[2], SEAL_ZONE[3])
    if not overlaps(plain.placed_box(), zone):
        return True
    # the zone in the page's own space, within what the page shows
    back = plain.matrix().inverse()
    corners = [
        back.transform(p)
        for p in ((zone[0], zone[1]), (zone[2], zone[1]), (zone[0], zone[3]), (zone[2], zone[3]))
    ]
    region = (
        min(x for x, _ in corners),
        min(y for _, y in corners),
        max(x for x, _ in corners),
        max(y for _, y in corners),
    )
    visible = plain.visible
    region = (
        max(region[0], visible[0]),
        max(region[1], visible[1]),
        min(region[2], visible[2]),
        min(region[3], visible[3]),
    )
    if region[2] <= region[0] or region[3] <= region[1]:
        return True
    return not paints_in(page, region)


def _picture_in_band(page: Dictionary) -> bool:
    if not _has_images(page.get("/Resources"), 0):
        return False
    media = box(page.get("/MediaBox")) or LETTER
    for _, matrix in drawn_images(page):
        corners = [matrix.transform(p) for p in ((0, 0), (1, 0), (0, 1), (1, 1))]
        left, right = min(x for x, _ in corners), max(x for x, _ in corners)
        bottom, top = min(y for _, y in corners), max(y for _, y in corners)
        # a picture that is drawn (not degenerate) and reaches below the band's upper edge
        if (
            right - left > 1
            and top - bottom > 1
            and bottom < media[1] + MARGIN_BOTTOM - 0.5
            and top > media[1]
        ):
            return True
    return False


def page_dpi(page: Dictionary, shown: SourcePage, *, id_card: bool = False) -> float | None:
    """The lowest effective resolution on A4 (placed as `shown`) of the page's scan: every picture of a
    page without text, or on a page with text (an OCR layer, a letterhead) the pictures that cover most."""
    if not _has_images(page.get("/Resources"), 0):
        return None
    share = SCAN_SHARE if _has_fonts(page.get("/Resources"), 0) else 0.0
    to_a4 = shown.matrix()
    lowest: float | None = None
    card: tuple[float, float] | None = None  # (area, dpi at card size) of the largest card-shaped picture
    for image, matrix in drawn_images(page):
        try:
            width, height = int(image.Width), int(image.Height)
        except (AttributeError, TypeError, ValueError):
            continue
        if min(width, height) < 1:
            continue
        placed = matrix @ to_a4
        if id_card:
            box = unit_square_box(placed)
            scale = card_scale(box)
            area = (box[2] - box[0]) * (box[3] - box[1])
            if scale and (card is None or area > card[0]):
                card = (area, round(effective_dpi(width, height, placed) / scale, 6))
        if abs(matrix.a * matrix.d - matrix.b * matrix.c) < share * shown.area():
            continue
        dpi = effective_dpi(width, height, placed)
        lowest = dpi if lowest is None else min(lowest, dpi)
    # build prints the card it finds (the largest card-shaped picture) at true size: that is its dpi
    return card[1] if card is not None else lowest


def _has_fonts(resources: object, depth: int) -> bool:
    if not isinstance(resources, Dictionary) or depth > _MAX_DEPTH:
        return False
    fonts = resources.get("/Font")
    if isinstance(fonts, Dictionary) and len(fonts) > 0:
        return True
    xobjects = resources.get("/XObject")
    return isinstance(xobjects, Dictionary) and any(
        isinstance(x, pikepdf.Stream)
        and x.get("/Subtype") == Name.Form
        and _has_fonts(x.get("/Resources"), depth + 1)
        for x in xobjects.values()
    )


def _has_images(resources: object, depth: int) -> bool:
    if not isinstance(resources, Dictionary) or depth > _MAX_DEPTH:
        return False
    xobjects = resources.get("/XObject")
    if not isinstance(xobjects, Dictionary):
        return False
    for x in xobjects.values():
        if isinstance(x, pikepdf.Stream):
            if x.get("/Subtype") == Name.Image:
                return True
            if x.get("/Subtype") == Name.Form and _has_images(x.get("/Resources"), depth + 1):
                return True
    return False


def pdf_to_pdf(src: Path, display: str, out: Path) -> tuple[int, FileSurvey]:
    """Every page of a PDF attachment placed on A4 (annotations burnt in); the count and the survey."""
    source = open_pdf(src, display)
    with source, pikepdf.new() as pdf:
        found = survey_pdf(src, display, source)
        try:
            burn_in_annotations(source, display)
            carry_layers(source, pdf)
            for page, surveyed in zip(source.pages, found.pages, strict=True):
                assert surveyed.shown is not None
                place_pdf_page(pdf, page, surveyed.shown)
            save(pdf, out, source.pdf_version)
            if source.get_warnings() and not found.repaired:
                prove_repair(src, display, found)  # damage qpdf met only while copying the pages' data
            return len(pdf.pages), found
        except AttachmentError:
            raise
        except (pikepdf.PdfError, pikepdf.ForeignObjectError, RuntimeError) as e:
            raise refuse(display, "pdf_damaged") from e


def place_pdf_page(pdf: pikepdf.Pdf, page: pikepdf.Page, shown: SourcePage) -> None:
    """Copy `page` as is, or place it as its survey says (`shown`)."""
    obj = page.obj
    if "/Annots" in obj:
        del obj.Annots  # flattened already; what is left (links, popups) is not printed
    if shown.as_is:
        for key in list(obj.keys()):
            if key not in _PAGE_KEYS_KEPT:
                del obj[key]
        pdf.pages.append(page)
        return
    form = page.as_form_xobject(handle_transformations=False)
    # The visible box, not qpdf's choice of the TrimBox: what a viewer shows is what we print.
    form.BBox = Array(shown.visible)
    if "/Matrix" in form:
        del form.Matrix
    new_page(pdf, pdf.copy_foreign(form), "/Fx0", shown.matrix())
