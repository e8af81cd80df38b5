"""Annotations and layers of PDF attachments: form fields and markup burnt into the page contents as a
viewer shows them; optional content kept hidden where its author hid it."""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name

from .refusals import refuse

# PDF annotation flags (ISO 32000-1, 12.5.3): such annotations are not shown, so not flattened.
_ANNOT_INVISIBLE, _ANNOT_HIDDEN = 1, 2


def burn_in_annotations(pdf: pikepdf.Pdf, display: str) -> None:
    """Draw form fields and annotations into the page contents, as a viewer shows them."""
    _generate_field_appearances(pdf, display)
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", Array()):
            if isinstance(annot, Dictionary):
                _synthesise_markup_appearance(pdf, annot)
    # 'all' = everything a viewer shows (not Hidden/Invisible), whether or not marked for print.
    pdf.flatten_annotations("all")


def _generate_field_appearances(pdf: pikepdf.Pdf, display: str) -> None:
    """qpdf draws text and choice fields whose appearance is missing or stale (/NeedAppearances).

    qpdf can only write characters of the field font's single-byte encoding and puts '?' for the
    rest (QPDFFormFieldObjectHelper::generateTextAppearance), so a Chinese value keeps the
    appearance its producer drew, even when /NeedAppearances asks for a new one, and one without
    any appearance is refused rather than printed as '??'.
    """
    acroform = pdf.acroform
    if not acroform.exists:
        return
    stale = acroform.needs_appearances
    for page in pdf.pages:
        for annot in acroform.get_widget_annotations_for_page(page):
            field = acroform.get_field_for_annotation(annot)
            if not (field.is_text or field.is_choice):
                continue  # buttons: qpdf does not draw them; their /AS picks the right appearance
            has_appearance = isinstance(annot.obj.get("/AP", Dictionary()).get("/N"), pikepdf.Stream)
            if has_appearance and not stale:
                continue
            value = field.value_as_string
            if not _single_byte(value):
                if has_appearance:
                    continue
                raise refuse(display, "form_unrenderable", value=value)
            field.generate_appearance(annot)
    acroform.needs_appearances = False  # or flatten_annotations skips the widgets


def _single_byte(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _synthesise_markup_appearance(pdf: pikepdf.Pdf, annot: Dictionary) -> None:
    """Give simple markup annotations without /AP the appearance viewers draw for them.

    qpdf flattens only annotations that have an appearance stream; producers such as FPDF2 leave
    it out for highlights and ink, and viewers draw them from their geometry (ISO 32000-1, 12.5.6).
    The geometry's own bounding box is used, not /Rect, which such producers get wrong.
    """
    if isinstance(annot.get("/AP", Dictionary()).get("/N"), pikepdf.Stream):
        return
    if int(annot.get("/F", 0)) & (_ANNOT_INVISIBLE | _ANNOT_HIDDEN):
        return
    try:
        drawn = _markup_drawing(annot)
    except (TypeError, ValueError, AttributeError, IndexError):
        return  # malformed geometry: leave it to flattening, which drops it
    if drawn is None:
        return
    ops, (x0, y0, x1, y1), blend = drawn
    if x1 <= x0 or y1 <= y0:
        return
    gs = Dictionary(Type=Name.ExtGState)
    if blend:
        gs.BM = Name.Multiply  # a highlight darkens the text under it instead of covering it
    opacity = annot.get("/CA")
    if opacity is not None:
        gs.CA = gs.ca = float(opacity)
    bbox = Array([x0, y0, x1, y1])
    appearance = pdf.make_stream(
        b"/GS0 gs\n" + ops,
        Dictionary(
            Type=Name.XObject,
            Subtype=Name.Form,
            BBox=bbox,
            Resources=Dictionary(ExtGState=Dictionary(GS0=gs)),
        ),
    )
    annot.AP = Dictionary(N=appearance)
    annot.Rect = bbox  # flattening maps the BBox onto /Rect (ISO 32000-1, 12.5.5): make that 1:1


def _markup_drawing(annot: Dictionary) -> tuple[bytes, tuple[float, float, float, float], bool] | None:
    subtype = annot.get("/Subtype")
    colour = [float(c) for c in annot.get("/C", Array())]
    width = _border_width(annot)
    if subtype in (Name.Highlight, Name.Underline, Name.StrikeOut, Name.Squiggly):
        quads = [float(v) for v in annot.QuadPoints]
        boxes = []
        for i in range(0, len(quads) - 7, 8):
            xs, ys = quads[i : i + 8 : 2], quads[i + 1 : i + 8 : 2]
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
        if not boxes:
            return None
        ops = []
        if subtype == Name.Highlight:
            ops.append(_colour_op(colour or [1, 1, 0], stroke=False))
            ops += [f"{_n(a)} {_n(b)} {_n(c - a)} {_n(d - b)} re f" for a, b, c, d in boxes]
        else:
            ops.append(_colour_op(colour or [0, 0, 0], stroke=True))
            for a, b, c, d in boxes:
                line = max((d - b) / 14, 0.5)  # roughly the underline thickness of the text
                y = (b + d) / 2 if subtype == Name.StrikeOut else b + line
                ops.append(f"{_n(line)} w {_n(a)} {_n(y)} m {_n(c)} {_n(y)} l S")
        bbox = _union(boxes)
        return "\n".join(ops).encode(), bbox, subtype == Name.Highlight
    if subtype == Name.Ink:
        paths = [[float(v) for v in path] for path in annot.InkList]
        points = [(p[i], p[i + 1]) for p in paths for i in range(0, len(p) - 1, 2)]
        if not points or width <= 0:
            return None
        ops = [_colour_op(colour or [0, 0, 0], stroke=True), f"{_n(width)} w 1 J 1 j"]
        for p in paths:
            pts = [(p[i], p[i + 1]) for i in range(0, len(p) - 1, 2)]
            if pts:
                ops.append(f"{_n(pts[0][0])} {_n(pts[0][1])} m")
                ops += [f"{_n(x)} {_n(y)} l" for x, y in pts[1:]]
                ops.append("S")
        return "\n".join(ops).encode(), _pad(_union([(x, y, x, y) for x, y in points]), width), False
    if subtype in (Name.Square, Name.Circle, Name.Line):
        fill = [float(c) for c in annot.get("/IC", Array())]
        if subtype == Name.Line:
            x1, y1, x2, y2 = (float(v) for v in annot.L)
            if width <= 0:
                return None
            ops = [_colour_op(colour or [0, 0, 0], stroke=True), f"{_n(width)} w"]
            ops.append(f"{_n(x1)} {_n(y1)} m {_n(x2)} {_n(y2)} l S")
            return (
                "\n".join(ops).encode(),
                _pad((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)), width),
                False,
            )
        a, b, c, d = (float(v) for v in annot.Rect)
        a, c = min(a, c), max(a, c)
        b, d = min(b, d), max(b, d)
        inset = width / 2
        a, b, c, d = a + inset, b + inset, c - inset, d - inset
        paint = (
            ("B" if colour and fill else "f" if fill else "S") if (fill or (colour and width > 0)) else None
        )
        if paint is None or c <= a or d <= b:
            return None
        ops = [f"{_n(width)} w"]
        if colour:
            ops.append(_colour_op(colour, stroke=True))
        if fill:
            ops.append(_colour_op(fill, stroke=False))
        ops.append(
            _ellipse(a, b, c, d) if subtype == Name.Circle else f"{_n(a)} {_n(b)} {_n(c - a)} {_n(d - b)} re"
        )
        ops.append(paint if not (colour and width <= 0) else "f")
        return "\n".join(ops).encode(), _pad((a, b, c, d), width), False
    return None  # Text notes, FreeText, stamps without appearance: viewers differ; left out


def _border_width(annot: Dictionary) -> float:
    bs = annot.get("/BS")
    if isinstance(bs, Dictionary) and "/W" in bs:
        return float(bs.W)
    border = annot.get("/Border")
    if isinstance(border, Array) and len(border) >= 3:
        return float(border[2])
    return 1.0  # the default of both /BS /W and /Border


def _colour_op(colour: list[float], *, stroke: bool) -> str:
    op = {1: "g", 3: "rg", 4: "k"}.get(len(colour))
    if op is None:
        return ""  # an empty /C array means transparent
    return " ".join(_n(c) for c in colour) + " " + (op.upper() if stroke else op)


def _ellipse(a: float, b: float, c: float, d: float) -> str:
    k = 0.5523  # Bézier control-point factor for a quarter circle
    cx, cy, rx, ry = (a + c) / 2, (b + d) / 2, (c - a) / 2, (d - b) / 2
    return "\n".join(
        [
            f"{_n(cx + rx)} {_n(cy)} m",
            f"{_n(cx + rx)} {_n(cy + k * ry)} {_n(cx + k * rx)} {_n(cy + ry)} {_n(cx)} {_n(cy + ry)} c",
            f"{_n(cx - k * rx)} {_n(cy + ry)} {_n(cx - rx)} {_n(cy + k * ry)} {_n(cx - rx)} {_n(cy)} c",
            f"{_n(cx - rx)} {_n(cy - k * ry)} {_n(cx - k * rx)} {_n(cy - ry)} {_n(cx)} {_n(cy - ry)} c",
            f"{_n(cx + k * rx)} {_n(cy - ry)} {_n(cx + rx)} {_n(cy - k * ry)} {_n(cx + rx)} {_n(cy)} c h",
        ]
    )


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def _union(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _pad(box: tuple[float, float, float, float], width: float) -> tuple[float, float, float, float]:
    half = max(width, 1.0) / 2
    return box[0] - half, box[1] - half, box[2] + half, box[3] + half


def carry_layers(source: pikepdf.Pdf, pdf: pikepdf.Pdf) -> None:
    """Keep optional content (layers) hidden where the source hides it.

    Without /OCProperties viewers ignore layer membership and show every layer (ISO 32000-1,
    8.11.4.3), so content its author switched off would be printed.
    """
    layers = source.Root.get("/OCProperties")
    if isinstance(layers, Dictionary):
        pdf.Root.OCProperties = pdf.copy_foreign(
            layers if layers.is_indirect else source.make_indirect(layers)
        )
