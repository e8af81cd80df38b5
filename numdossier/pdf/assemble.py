"""The stamps of every dossier page (where seals, signatures and dates go), then the merge: the parts in
order, each page under its stamp, the outline, saved deterministically."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from reportlab.lib.pagesizes import A4

from .cards import Slot
from .overlay import OverlayPage
from .placement import DateBlank, PageMarks, Signature, find_marks
from .zone import SEAL_DIAMETER

A4_WIDTH, A4_HEIGHT = A4  # every dossier page is A4 portrait (the overlay is drawn on A4)


@dataclass(frozen=True)
class Part:
    """A run of pages from one PDF file of the work folder."""

    pdf: Path
    pages: int
    start: int = 0  # index of the part's first page in `pdf`
    form: bool = False  # a generated page: seals go at its 盖章 text
    attachment: bool = False  # a user's scan: the watermark applies
    cards: tuple[tuple[Slot, ...], ...] = ()  # ID copy pages: each page's cards, labelled


@dataclass(frozen=True)
class Bookmark:
    title: str
    page: int  # 0-based index in the dossier
    children: Sequence[Bookmark] = ()


MM = 72 / 25.4


def _mm_box(box: tuple[float, float, float, float], height: float) -> list[float]:
    """A PDF box (points, origin bottom-left) as [x0, y0, x1, y1] in mm from the page's top-left."""
    left, bottom, right, top = box
    return [
        round(left / MM, 1),
        round((height - top) / MM, 1),
        round(right / MM, 1),
        round((height - bottom) / MM, 1),
    ]


@dataclass(frozen=True)
class SignaturePlace:
    page: int  # 1-based
    who: str
    what: str = "签字"
    box_mm: list[float] = field(default_factory=list)  # where the hand goes, mm from the top-left


@dataclass(frozen=True)
class PlaceholderPlace:
    page: int  # 1-based
    center_mm: list[float]
    diameter_mm: float
    at_label: bool  # on a form's 盖章 words (else in the page's free seal area)


@dataclass(frozen=True)
class DatePlace:
    page: int  # 1-based
    box_mm: list[float]


@dataclass
class Marks:
    """What the signer must add, page by page: the manifest lists it and `verify` checks it."""

    placeholders: list[PlaceholderPlace] = field(default_factory=list)
    signatures: list[SignaturePlace] = field(default_factory=list)
    dates: list[DatePlace] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "placeholders": [
                {
                    "page": p.page,
                    "center_mm": p.center_mm,
                    "diameter_mm": p.diameter_mm,
                    "at_label": p.at_label,
                }
                for p in self.placeholders
            ],
            "signatures": [
                {"page": s.page, "who": s.who, "what": s.what, "box_mm": s.box_mm} for s in self.signatures
            ],
            "dates": [{"page": d.page, "box_mm": d.box_mm} for d in self.dates],
        }


def _pdf_date(epoch: int) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("D:%Y%m%d%H%M%SZ")


@dataclass(frozen=True)
class Stamps:
    """What goes over every dossier page (one overlay page each), and the marks the manifest lists."""

    pages: tuple[OverlayPage, ...]
    marks: Marks


PartMarks = tuple[list[PageMarks], list[Signature], list[DateBlank]]


def part_marks(part: Part, source: Path | bytes | None = None) -> PartMarks:
    """The seal places of every page of `part`, and a form's signature places and blank dates."""
    pages = range(part.start, part.start + part.pages)
    return find_marks(part.pdf if source is None else source, form=part.form, pages=pages)


def find_stamps(
    parts: Sequence[Part],
    drafts: Mapping[Path, bytes] | None = None,
    known: Mapping[Part, PartMarks] | None = None,
) -> Stamps:
    """Where the seals, signatures and handwritten dates go on every page of `parts`, in order.

    `drafts`: files not written yet, as PDF bytes laid out like them (numdossier's own pages).
    `known`: parts whose marks were found already (while LibreOffice was converting).
    """
    overlay_pages: list[OverlayPage] = []
    found = Marks()
    height = A4_HEIGHT
    for part in parts:
        if known is not None and part in known:
            marks, signs, dates = known[part]
        else:
            marks, signs, dates = part_marks(part, (drafts or {}).get(part.pdf))
        if len(marks) != part.pages:
            raise AssertionError(f"{part.pdf}: {len(marks)} pages, expected {part.pages}")
        base = len(overlay_pages)
        for n, m in enumerate(marks):
            slots = part.cards[n] if part.cards else ()
            overlay_pages.append(
                OverlayPage(
                    seals=m.seals,
                    watermark=part.attachment,
                    labels=[(*slot.label_at, slot.label) for slot in slots],
                    watermark_boxes=[slot.box for slot in slots],
                )
            )
        for i, m in enumerate(marks):
            found.placeholders += [
                PlaceholderPlace(
                    page=base + i + 1,
                    center_mm=[round(s.x / MM, 1), round((height - s.y) / MM, 1)],
                    diameter_mm=round(SEAL_DIAMETER / MM, 1),
                    at_label=s.at_label,
                )
                for s in m.seals
            ]
        found.signatures += [
            SignaturePlace(page=base + s.page + 1, who=s.who, box_mm=_mm_box(s.box, height)) for s in signs
        ]
        found.dates += [DatePlace(page=base + d.page + 1, box_mm=_mm_box(d.box, height)) for d in dates]
    return Stamps(tuple(overlay_pages), found)


def assemble(
    parts: Sequence[Part],
    bookmarks: Sequence[Bookmark],
    out: Path,
    title: str,
    stamps: Path,
    first_stamp: int = 0,
) -> None:
    """Write the dossier PDF to `out`: the parts in order, page k under page `first_stamp` + k of the
    PDF `stamps` (the overlay; the pipeline puts it after its own pages, in the same file)."""
    opened: dict[Path, pikepdf.Pdf] = {}  # each file once: pages taken from it share its fonts
    sources: list[pikepdf.Pdf] = []
    try:
        dossier = pikepdf.new()
        for part in parts:
            if part.pdf not in opened:
                opened[part.pdf] = pikepdf.open(part.pdf)
                sources.append(opened[part.pdf])
            src = opened[part.pdf]
            dossier.pages.extend(src.pages[part.start : part.start + part.pages])
        overlay = opened.get(stamps) or pikepdf.open(stamps)
        if stamps not in opened:
            sources.append(overlay)
        stamp_pages = overlay.pages[first_stamp:]
        if len(stamp_pages) != len(dossier.pages):
            raise AssertionError("overlay and dossier page counts differ")
        for page, stamp in zip(dossier.pages, stamp_pages, strict=True):
            _stamp(dossier, page, stamp)

        _merge_layers(dossier, sources)
        with dossier.open_outline() as outline:
            outline.root.extend(_outline_items(bookmarks))
        dossier.Root.PageMode = pikepdf.Name.UseOutlines
        dossier.Root.Lang = pikepdf.String("zh-CN")
        dossier.docinfo["/Title"] = title
        dossier.docinfo["/Creator"] = "numdossier"
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch and epoch.isdigit():
            dossier.docinfo["/CreationDate"] = _pdf_date(int(epoch))
            dossier.docinfo["/ModDate"] = _pdf_date(int(epoch))
        dossier.save(
            out,
            deterministic_id=True,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
    finally:
        for src in sources:
            src.close()


def _merge_layers(dossier: pikepdf.Pdf, sources: Sequence[pikepdf.Pdf]) -> None:
    """Carry the sources' optional-content (layer) settings over: without /OCProperties in the
    catalogue, viewers and printers show layers that the scan's author had switched off."""
    groups: list[Any] = []
    off: list[Any] = []
    for src in sources:
        properties = src.Root.get("/OCProperties")
        if properties is None:
            continue
        copied: Any = dossier.copy_foreign(properties)
        groups += list(copied.get("/OCGs") or [])
        default = copied.get("/D")
        if default is not None:
            off += list(default.get("/OFF") or [])
    if groups:
        dossier.Root.OCProperties = pikepdf.Dictionary(
            OCGs=pikepdf.Array(groups),
            D=pikepdf.Dictionary(OFF=pikepdf.Array(off), Order=pikepdf.Array(groups)),
        )


STAMP = pikepdf.Name("/NdStamp")


def _stamp(dossier: pikepdf.Pdf, page: pikepdf.Page, stamp: pikepdf.Page) -> None:
    """Draw `stamp` over `page` as a Form XObject under a fixed name.

    pikepdf's add_overlay does the same but names the XObject randomly, which would make every
    rebuild differ; the font and the placeholder form inside the stamp are shared objects of the
    overlay file, so copying them once per dossier keeps them shared across pages.
    """
    xobject = dossier.copy_foreign(stamp.as_form_xobject())
    # Copy the resource dictionaries: sources may share one /Resources between pages, and each page
    # needs its own stamp under the same name.
    old_resources: Any = page.obj.get("/Resources") or {}
    resources = pikepdf.Dictionary(old_resources)
    old_xobjects: Any = resources.get("/XObject") or {}
    xobjects = pikepdf.Dictionary(old_xobjects)
    name = STAMP
    while name in xobjects:
        name = pikepdf.Name(str(name) + "x")
    xobjects[name] = xobject
    resources.XObject = xobjects
    page.obj.Resources = resources
    # q ... Q around the page's own content: an unbalanced graphics state in it cannot move the stamp
    page.contents_add(dossier.make_stream(b"q\n"), prepend=True)
    page.contents_add(dossier.make_stream(b"\nQ q " + bytes(name.unparse()) + b" Do Q\n"))


def _outline_items(bookmarks: Sequence[Bookmark]) -> list[pikepdf.OutlineItem]:
    items = []
    for mark in bookmarks:
        item = pikepdf.OutlineItem(mark.title, mark.page)
        item.children.extend(_outline_items(mark.children))
        items.append(item)
    return items
