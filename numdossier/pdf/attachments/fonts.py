"""Fonts of PDF attachments: which are named but not embedded, and embedding them (Ghostscript), with
rasterising the page at 300 dpi as the last resort."""

from __future__ import annotations

import contextlib
import tempfile
from io import BytesIO
from pathlib import Path

import pikepdf
from pikepdf import Dictionary, Name

from . import ghostscript
from .geometry import A4, new_page, save
from .observations import Observation

RASTER_DPI = 300  # the last resort keeps print quality: 300 dpi is what offices scan at
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
_MAX_DEPTH = 12  # nested forms deeper than this are an attack, not a document


def font_name(font: Dictionary) -> str:
    name = str(font.get("/BaseFont", "")).lstrip("/")
    return name or str(font.get("/Name", "?")).lstrip("/")


def embedded(font: Dictionary) -> bool:
    """Whether the font's glyphs are in the file (what `pdffonts` lists as 'emb yes')."""
    if font.get("/Subtype") == Name.Type3:
        return True  # glyphs are content streams of the font itself
    descriptor_of: pikepdf.Object = font
    if font.get("/Subtype") == Name.Type0:
        descendants = font.get("/DescendantFonts")
        if not isinstance(descendants, pikepdf.Array) or len(descendants) == 0:
            return False
        descriptor_of = descendants[0]
    descriptor = descriptor_of.get("/FontDescriptor") if isinstance(descriptor_of, Dictionary) else None
    return isinstance(descriptor, Dictionary) and any(k in descriptor for k in _FONT_FILES)


def unembedded(page: Dictionary, *, annotations: bool = False) -> list[str]:
    """Names of the fonts a page (its forms, Type 3 glyphs, patterns; with `annotations`, also the
    appearances that flattening will draw) refers to without embedding them, sorted."""
    missing: set[str] = set()
    seen: set[tuple[int, int]] = set()

    def walk(resources: object, depth: int) -> None:
        if not isinstance(resources, Dictionary) or depth > _MAX_DEPTH:
            return
        if resources.is_indirect:
            if resources.objgen in seen:
                return
            seen.add(resources.objgen)
        fonts = resources.get("/Font")
        if isinstance(fonts, Dictionary):
            for font in fonts.values():
                if isinstance(font, Dictionary):
                    if not embedded(font):
                        missing.add(font_name(font))
                    elif font.get("/Subtype") == Name.Type3:
                        walk(font.get("/Resources"), depth + 1)
        for kind in ("/XObject", "/Pattern"):
            group = resources.get(kind)
            if isinstance(group, Dictionary):
                for item in group.values():
                    if isinstance(item, pikepdf.Stream | Dictionary):
                        walk(item.get("/Resources"), depth + 1)

    walk(page.get("/Resources"), 0)
    if annotations:
        for annot in page.get("/Annots", pikepdf.Array()):
            appearance = annot.get("/AP") if isinstance(annot, Dictionary) else None
            normal = appearance.get("/N") if isinstance(appearance, Dictionary) else None
            streams = [normal] if isinstance(normal, pikepdf.Stream) else []
            if isinstance(normal, Dictionary) and not isinstance(normal, pikepdf.Stream):
                streams = [s for s in normal.values() if isinstance(s, pikepdf.Stream)]
            for stream in streams:
                walk(stream.get("/Resources"), 1)
    return sorted(missing)


def embed_missing(path: Path, work: Path) -> list[Observation]:
    """Make every font of the normalised attachment `path` embedded, in place; what was done.

    Only the pages that need it go through Ghostscript; a page it cannot fix is rasterised.
    """
    with pikepdf.open(path) as pdf:
        needing = {i: unembedded(page.obj) for i, page in enumerate(pdf.pages)}
        count = len(pdf.pages)
    needing = {i: names for i, names in needing.items() if names}
    if not needing:
        return []
    observations: list[Observation] = []
    indices = sorted(needing)
    names = sorted({n for ns in needing.values() for n in ns})
    fixed_pages: dict[int, Path] = {}
    with tempfile.TemporaryDirectory(prefix="numdossier-fonts-", dir=work) as tmp:
        rewritten = Path(tmp) / "embedded.pdf"
        failed = list(indices)
        try:
            # The whole file: gs rejects some page subsets qpdf writes ("error reading a stream").
            ghostscript.embed_fonts(path, rewritten)
            with pikepdf.open(rewritten) as done:
                if len(done.pages) == count:
                    failed = [i for i in indices if unembedded(done.pages[i].obj)]
        except (ghostscript.GhostscriptFailed, pikepdf.PdfError):
            pass
        embedded_by_gs = [i for i in indices if i not in failed]
        if embedded_by_gs:
            observations.append(
                Observation(
                    "fonts_embedded",
                    {"pages": [i + 1 for i in embedded_by_gs], "fonts": names, "by": "ghostscript"},
                )
            )
        for i in failed:
            fixed_pages[i] = _rasterised(path, i, Path(tmp) / f"raster-{i}.pdf")
        if failed:
            observations.append(
                Observation("rasterised", {"pages": [i + 1 for i in failed], "dpi": RASTER_DPI})
            )
        _replace_pages(path, rewritten if embedded_by_gs else None, indices, embedded_by_gs, fixed_pages)
    return observations


def _replace_pages(
    path: Path, rewritten: Path | None, indices: list[int], from_gs: list[int], rasters: dict[int, Path]
) -> None:
    with contextlib.ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.open(path, allow_overwriting_input=True))
        done = stack.enter_context(pikepdf.open(rewritten)) if rewritten is not None else None
        for i in indices:
            if i in from_gs and done is not None:
                pdf.pages[i] = done.pages[i]
            elif i in rasters:
                raster = stack.enter_context(pikepdf.open(rasters[i]))
                pdf.pages[i] = raster.pages[0]
        for page in pdf.pages:  # gs writes /CropBox and friends equal to the MediaBox: keep pages plain
            for key in ("/CropBox", "/TrimBox", "/BleedBox", "/ArtBox", "/Rotate"):
                if key in page.obj:
                    del page.obj[key]
        save(pdf, path, pdf.pdf_version)


def _rasterised(path: Path, index: int, out: Path) -> Path:
    """Page `index` of `path` as one RASTER_DPI image on an A4 page (text is then no longer text)."""
    import img2pdf  # the last resort only: `check` and most builds never come here
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        bitmap = document[index].render(scale=RASTER_DPI / 72, may_draw_forms=True)
        image = bitmap.to_pil().convert("RGB")
    finally:
        document.close()
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    payload = img2pdf.convert(
        buffer.getvalue(), layout_fun=lambda *_: (A4[0], A4[1], A4[0], A4[1]), nodate=True
    )
    with pikepdf.open(BytesIO(payload)) as source, pikepdf.new() as pdf:
        xobjects = source.pages[0].obj.Resources.XObject
        picture = next(v for v in xobjects.values() if v.get("/Subtype") == Name.Image)
        new_page(pdf, pdf.copy_foreign(picture), "/Im0", pikepdf.Matrix(A4[0], 0, 0, A4[1], 0, 0))
        save(pdf, out, "1.5")
    return out
