"""Where a PDF page paints, read from its content stream without rendering: whether anything is drawn in a box.

`check` loads no renderer (tests/test_startup.py), yet it must fit a page as `build` will, and that depends
on whether the page leaves the seal zone blank. So both read the content: text runs (as wide as their
fonts' widths say), filled or stroked paths that are not white, pictures, shadings, forms and annotations.
Bounds, not pixels: a box that merely might be painted counts as painted, so the answer errs towards
moving the page clear of the zone, never towards a placeholder over content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

import pikepdf
from pikepdf import Array, Dictionary, Matrix, Name

Box = tuple[float, float, float, float]  # llx, lly, urx, ury
_MAX_DEPTH = 8  # nested forms looked into
_PATH_OPS = frozenset({"m", "l", "c", "v", "y", "re", "h"})
_FILL = frozenset({"f", "F", "f*"})
_STROKE = frozenset({"S", "s"})
_BOTH = frozenset({"B", "B*", "b", "b*"})
_SHOW = frozenset({"Tj", "TJ", "'", '"'})
_HIDDEN = 2  # annotation flag bit 2 (ISO 32000-1, 12.5.3): not displayed, not printed
_NUMBER = (int, float, Decimal)  # pikepdf gives reals as Decimal


class _Painted(Exception):
    """Raised as soon as something is found in the region: the rest of the page need not be read."""


@dataclass(frozen=True)
class _State:
    ctm: Matrix
    fill_white: bool = False
    stroke_white: bool = False
    font: object = None
    size: float = 0.0
    leading: float = 0.0
    invisible: bool = False  # text rendering mode 3 (an OCR layer over a scan)


def form_matrix(form: pikepdf.Stream) -> Matrix:
    """A form XObject's /Matrix (identity when missing or malformed)."""
    matrix = form.get("/Matrix")
    return Matrix(*(float(v) for v in matrix)) if isinstance(matrix, Array) and len(matrix) == 6 else Matrix()


def paints_in(page: Dictionary, region: Box) -> bool:
    """Whether `page` paints anything whose bounds reach into `region` (page user space)."""
    try:
        _walk(page, region, Matrix(), 0)
        _annotations(page, region)
    except _Painted:
        return True
    except (pikepdf.PdfError, ValueError, TypeError, AttributeError, IndexError, ZeroDivisionError):
        return True  # content we cannot read: assume it is there
    return False


def _annotations(page: Dictionary, region: Box) -> None:
    annots = page.get("/Annots")
    if not isinstance(annots, Array):
        return
    for annot in annots:
        # links print nothing (build drops them); popups are notes' windows, shown only on screen
        if not isinstance(annot, Dictionary) or annot.get("/Subtype") in (Name.Popup, Name.Link):
            continue
        flags = annot.get("/F")
        if isinstance(flags, int) and flags & _HIDDEN:
            continue
        rect = _box_of(annot.get("/Rect"))
        if rect is not None:  # with or without an appearance: build burns one in for most
            _hit(rect, region)


def _box_of(value: object) -> Box | None:
    if not isinstance(value, Array) or len(value) != 4:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _hit(b: Box, region: Box) -> None:
    if b[0] < region[2] and region[0] < b[2] and b[1] < region[3] and region[1] < b[3]:
        raise _Painted


def _hit_quad(corners: Sequence[tuple[float, float]], ctm: Matrix, region: Box, pad: float = 0.0) -> None:
    """Raise if the quadrilateral `corners` (in order, convex: a text run or a picture, perhaps turned)
    drawn with `ctm` overlaps `region` (separating axes: neither shape's edge directions part them)."""
    quad = [ctm.transform(p) for p in corners]
    x0, y0, x1, y1 = region[0] - pad, region[1] - pad, region[2] + pad, region[3] + pad
    rect = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    for shape in (quad, rect):
        for i in range(4):
            (ax, ay), (bx, by) = shape[i], shape[(i + 1) % 4]
            nx, ny = ay - by, bx - ax  # the edge's normal
            if nx == 0 and ny == 0:
                continue
            a = [nx * x + ny * y for x, y in quad]
            b = [nx * x + ny * y for x, y in rect]
            if max(a) <= min(b) or max(b) <= min(a):
                return
    raise _Painted


def _bounds(points: list[tuple[float, float]], ctm: Matrix, pad: float = 0.0) -> Box:
    placed = [ctm.transform(p) for p in points]
    xs, ys = [p[0] for p in placed], [p[1] for p in placed]
    return min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad


def _white(operands: Sequence[object], op: str) -> bool:
    values = [float(v) for v in operands if isinstance(v, _NUMBER) and not isinstance(v, bool)]
    if not values or len(values) != len(operands):
        return False  # a pattern or a named colour: painted
    if op in ("k", "K"):
        return all(v <= 0.0 for v in values)
    return all(v >= 1.0 for v in values)


def _walk(obj: pikepdf.Object, region: Box, ctm: Matrix, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise _Painted
    resources = obj.get("/Resources")
    resources = resources if isinstance(resources, Dictionary) else Dictionary()
    xobjects = resources.get("/XObject")
    fonts = resources.get("/Font")
    state, stack = _State(ctm), []
    path: list[tuple[float, float]] = []
    tm = tlm = Matrix()
    for instruction in pikepdf.parse_content_stream(obj):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            _hit_quad([(0, 0), (1, 0), (1, 1), (0, 1)], state.ctm, region)
            continue
        operands, op = list(instruction.operands), str(instruction.operator)
        if op == "q":
            stack.append(state)
        elif op == "Q":
            state = stack.pop() if stack else _State(ctm)
        elif op == "cm" and len(operands) == 6:
            state = replace(state, ctm=Matrix(*(float(v) for v in operands)) @ state.ctm)
        elif op in ("g", "rg", "k", "sc", "scn"):
            state = replace(state, fill_white=_white(operands, op))
        elif op in ("G", "RG", "K", "SC", "SCN"):
            state = replace(state, stroke_white=_white(operands, op.lower()))
        elif op in ("cs", "CS"):
            # a new colour space starts at its initial colour: black (ISO 32000-1, 8.6.8)
            white = {"fill_white": False} if op == "cs" else {"stroke_white": False}
            state = replace(state, **white)  # type: ignore[arg-type]
        elif op in _PATH_OPS:
            numbers = [float(v) for v in operands]
            if op == "re" and len(numbers) == 4:
                x, y, w, h = numbers
                path += [state.ctm.transform(p) for p in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]
            else:
                path += [state.ctm.transform(p) for p in zip(numbers[::2], numbers[1::2], strict=False)]
        elif op in _FILL or op in _STROKE or op in _BOTH or op == "n":
            painted = (
                (op in _FILL and not state.fill_white)
                or (op in _STROKE and not state.stroke_white)
                or (op in _BOTH and not (state.fill_white and state.stroke_white))
            )
            if painted and path:
                _hit(_bounds(path, Matrix(), pad=2.0), region)  # pad: half a thick line
            path = []
        elif op == "sh":
            raise _Painted  # a shading fills its clip, which we do not follow
        elif op == "BT":
            tm = tlm = Matrix()
        elif op == "Tf" and len(operands) == 2:
            font = fonts.get(str(operands[0])) if isinstance(fonts, Dictionary) else None
            state = replace(state, font=font, size=float(operands[1]))
        elif op == "TL" and operands:
            state = replace(state, leading=float(operands[0]))
        elif op == "Tr" and operands:
            state = replace(state, invisible=int(operands[0]) == 3)
        elif op == "Tm" and len(operands) == 6:
            tm = tlm = Matrix(*(float(v) for v in operands))
        elif op in ("Td", "TD") and len(operands) == 2:
            tx, ty = float(operands[0]), float(operands[1])
            if op == "TD":
                state = replace(state, leading=-ty)
            tm = tlm = Matrix(1, 0, 0, 1, tx, ty) @ tlm
        elif op == "T*":
            tm = tlm = Matrix(1, 0, 0, 1, 0, -state.leading) @ tlm
        elif op in _SHOW:
            if op in ("'", '"'):
                tm = tlm = Matrix(1, 0, 0, 1, 0, -state.leading) @ tlm
            advance = _advance(state, operands[-1] if operands else b"")
            if not state.invisible and advance > 0 and state.size:
                size = abs(state.size)
                quad = [(0, -0.3 * size), (advance, -0.3 * size), (advance, size), (0, size)]
                _hit_quad(quad, tm @ state.ctm, region, pad=1.0)
            tm = Matrix(1, 0, 0, 1, advance, 0) @ tm
        elif op == "Do" and operands and isinstance(xobjects, Dictionary):
            target = xobjects.get(str(operands[0]))
            if not isinstance(target, pikepdf.Stream):
                continue
            if target.get("/Subtype") == Name.Image:
                _hit_quad([(0, 0), (1, 0), (1, 1), (0, 1)], state.ctm, region)
            elif target.get("/Subtype") == Name.Form:
                _walk(target, region, form_matrix(target) @ state.ctm, depth + 1)


def _advance(state: _State, shown: object) -> float:
    """How far a text show moves along its line, in text space: by the font's widths where it has them
    (simple fonts), else one em per byte (two-byte CID codes: one em per code, as wide as CJK glyphs)."""
    size = abs(state.size)
    parts = list(shown) if isinstance(shown, Array) else [shown]
    total = 0.0
    for part in parts:
        if isinstance(part, _NUMBER):
            total -= float(part) / 1000 * size  # TJ: a number moves the next glyph left (ISO 32000-1, 9.4.3)
            continue
        data = bytes(part) if isinstance(part, pikepdf.String) else b""
        total += _width(state.font, data) * size
    return total


def _width(font: object, data: bytes) -> float:
    """The width of `data` in ems under `font`."""
    if not isinstance(font, Dictionary):
        return float(len(data))
    if font.get("/Subtype") == Name.Type0:
        return len(data) / 2 * 1.0  # CID fonts: two bytes per code, at most about an em each
    widths, first = font.get("/Widths"), font.get("/FirstChar")
    if not isinstance(widths, Array) or not isinstance(first, int):
        return float(len(data))
    scale = 0.001
    matrix = font.get("/FontMatrix")  # Type 3 fonts give widths in glyph space
    if isinstance(matrix, Array) and len(matrix) == 6:
        scale = abs(float(matrix[0]))
    total = 0.0
    for code in data:
        index = code - first
        value = widths[index] if 0 <= index < len(widths) else None
        total += (float(value) if isinstance(value, _NUMBER) else 1000.0) * scale
    return total
