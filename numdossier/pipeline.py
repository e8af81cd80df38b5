"""`build`: named stages over a private work folder; the dossier is published only when complete."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__, atomic
from .errors import InputError, OutputError
from .kinds import Checklist, Item, registry
from .kinds.checklist import FileRef
from .kinds.overrides import checklist_for, template_for
from .options import BuildOptions
from .pdf import pages as gen
from .pdf.assemble import (
    A4_HEIGHT,
    A4_WIDTH,
    MM,
    Bookmark,
    Marks,
    Part,
    PartMarks,
    Stamps,
    assemble,
    find_stamps,
    part_marks,
)
from .pdf.overlay import draw_overlay
from .profile import LoadedProfile
from .render.docx import render_docx
from .render.engine import date_cn, environment
from .rules import printed
from .rules.attachments import AttachmentRef, id_holders, resolve, unreachable
from .rules.findings import Finding
from .rules.messages import catalogue, text
from .rules.settings import settings

PLACEHOLDER_PAGES = "999–999"  # widest page text, so a layout pass reserves the room real numbers need

Filled = Callable[[str, Path], None]  # (item id, filled DOCX): a form ready for conversion


@dataclass(frozen=True)
class Source:
    """Where the pages of a part come from, as the manifest lists it."""

    path: str | None
    sha256: str | None
    pages: int
    generated: str | None = None
    # An ID document's sides printed at card size on shared pages: the part (index in its section)
    # and the pages of that part where this file's sides are.
    card_part: int | None = None
    card_pages: tuple[int, ...] = ()
    observations: tuple[dict[str, Any], ...] = ()  # what build did to an attachment
    template: dict[str, Any] | None = None  # a form's template: origin, path, sha256, what was stripped

    def to_json(self, part_starts: Sequence[int] | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "sha256": self.sha256, "pages": self.pages}
        if self.generated:
            data["generated"] = self.generated
        if self.card_part is not None and part_starts is not None:
            # the file's `pages` are its sides; these are the dossier pages they are printed on
            data["as_card_on_pages"] = [part_starts[self.card_part] + k for k in self.card_pages]
        if self.observations:
            data["observations"] = list(self.observations)
        if self.template is not None:
            data["template"] = self.template
        return data


@dataclass(frozen=True)
class Dossier:
    """What the first stage prepared, for the last ones (it crosses to worker processes as it is)."""

    loaded: LoadedProfile
    checklist: Checklist
    options: BuildOptions
    work: Path
    profile: dict[str, Any]  # the model as plain data, for checklist expressions
    items: tuple[tuple[int, Item], ...]  # (number, item) in this dossier
    forms: dict[str, Path]  # item id -> rendered DOCX
    templates: dict[str, dict[str, Any]]  # item id -> the template it was rendered from

    @property
    def title(self) -> str:
        return self.checklist.title + self.checklist.subtitle


@dataclass(frozen=True)
class Material:
    """One checklist item's own pages, not yet numbered: its form or its normalised attachments."""

    no: int
    item: Item
    parts: tuple[Part, ...]
    sources: tuple[Source, ...]
    children: tuple[tuple[str, int], ...] = ()  # bookmarks below the item: (title, index into parts)


@dataclass(frozen=True)
class Section:
    """A checklist item laid out: its parts in order (a branch 目录 first), from its first page on."""

    no: int
    item: Item
    parts: tuple[Part, ...]
    sources: tuple[Source, ...]
    children: tuple[tuple[str, int], ...]  # (title, index into parts)
    first_page: int  # 1-based

    @property
    def pages(self) -> int:
        return sum(p.pages for p in self.parts)

    @property
    def last_page(self) -> int:
        return self.first_page + self.pages - 1

    @property
    def starts(self) -> list[int]:
        """The first page of each part."""
        starts, page = [], self.first_page
        for part in self.parts:
            starts.append(page)
            page += part.pages
        return starts


@dataclass(frozen=True)
class Layout:
    """Every page of the dossier numbered, before any of numdossier's own pages is written.

    The cover, the 目录 and the branch 目录s are segments of one generated PDF (`generated`, written
    by `generate`); `draft` holds them as laid out with placeholder numbers, where their seal places
    are found (the numbers do not move anything: see `lay_out`).
    """

    generated: Path
    cover: Part
    toc: Part
    sections: tuple[Section, ...]
    draft: bytes = field(default=b"", repr=False, compare=False)

    @property
    def parts(self) -> list[Part]:
        return [self.cover, self.toc] + [p for s in self.sections for p in s.parts]

    @property
    def total(self) -> int:
        return self.cover.pages + self.toc.pages + sum(s.pages for s in self.sections)

    @property
    def counts(self) -> list[int]:
        """Pages of each generated segment: cover, 目录, then each branch 目录."""
        branches = [s.parts[0].pages for s in self.sections if s.item.source == "branches"]
        return [self.cover.pages, self.toc.pages, *branches]


def sha256_file(path: Path) -> str:
    """The file's SHA-256 (read in blocks: a dossier may be hundreds of MB)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def form_filename(no: int, item: Item) -> str:
    return f"{no:02d}-{item.title}.docx"


# --- 1. prepare: the plan and the filled DOCX forms ---------------------------------------------


def prepare(
    loaded: LoadedProfile, options: BuildOptions, work: Path, filled: Filled | None = None
) -> Dossier:
    """First stage: the dossier's items and its filled DOCX forms in `work` (converted by the caller).

    `filled(item_id, docx)` is called as each form is filled: a warm converter can start on it while
    the next one is being filled."""
    checklist = checklist_for(loaded.kind, options.templates)
    profile = loaded.model.model_dump(mode="python")
    # An item whose condition fails, or an optional one with nothing to show, is left out, and the
    # numbers close up: the printed list is the one that applies to this applicant.
    present = [
        item
        for item in checklist.applicable(profile)
        if item.source in ("form", "branches") or item.file_refs(profile)
    ]
    items = tuple(enumerate(present, 1))
    forms, templates = render_forms(loaded, items, work / "forms", options.templates, filled)
    return Dossier(loaded, checklist, options, work, profile, items, forms, templates)


def render_forms(
    loaded: LoadedProfile,
    items: Sequence[tuple[int, Item]],
    folder: Path,
    agency: Path | None,
    filled: Filled | None = None,
) -> tuple[dict[str, Path], dict[str, dict[str, Any]]]:
    """Each form item's DOCX filled in `folder`, and the template each was filled from."""
    kind = registry.get(loaded.kind)
    folder.mkdir()
    forms: dict[str, Path] = {}
    templates: dict[str, dict[str, Any]] = {}
    for no, item in items:
        if item.source != "form":
            continue
        out = folder / form_filename(no, item)
        choice = template_for(kind.name, item, loaded.folder, dict(loaded.model.templates), agency)
        prepared = render_docx(choice.path, lambda tpl: kind.build_context(loaded, tpl), out)
        shown = choice.path.relative_to(kind.folder.parent) if choice.origin == "built-in" else choice.path
        if choice.origin == "profile":
            shown = Path(loaded.model.templates[item.id])
        templates[item.id] = {
            "origin": choice.origin,
            "path": shown.as_posix(),
            "sha256": sha256_file(choice.path),
        } | ({"stripped": prepared.stripped} if prepared.stripped else {})
        forms[item.id] = out
        if filled is not None:
            filled(item.id, out)
    return forms, templates


# --- 2. normalise: every item's pages as PDFs ------------------------------------------------------


def normalise(
    d: Dossier, converted: Mapping[str, Path], attachments: Sequence[tuple[Part, Source]] | None = None
) -> tuple[Material, ...]:
    """The converted forms counted, the user's files turned into A4 PDFs (the step most likely to
    fail: it reads what the user handed in), ID documents put on card sheets.

    `attachments`: the user's files normalised already (`normalise_attachments`), in their order."""
    normalised = iter(attachments if attachments is not None else normalise_attachments(d))
    materials = []
    for no, item in d.items:
        parts: list[Part] = []
        sources: list[Source] = []
        children: list[tuple[str, int]] = []
        if item.source == "form":
            part = form_part(converted[item.id])
            parts.append(part)
            pages = part.pages
            docx = d.forms[item.id]
            sources.append(
                Source(f"forms/{docx.name}", sha256_file(docx), pages, template=d.templates.get(item.id))
            )
        group: object = None
        holder: list[tuple[Part, Source]] = []  # the files of one person's ID document
        for ref in item.file_refs(d.profile):
            if ref.group != group and holder:
                _add_id_copies(d, parts, sources, str(group), holder)
                holder = []
            if item.source == "branches" and ref.group != group:
                branch = d.profile["branches"][ref.group]
                children.append((f"{branch['city']} · {branch['name']}", len(parts)))
            elif ref.group != group and (label := item.group_label(d.profile, ref.group)):
                children.append((label, len(parts)))
            group = ref.group
            part, source = next(normalised)
            if item.sides:
                holder.append((part, source))
                continue
            parts.append(part)
            sources.append(source)
        if holder:
            _add_id_copies(d, parts, sources, str(group), holder)
        materials.append(Material(no, item, tuple(parts), tuple(sources), tuple(children)))
    return tuple(materials)


def form_part(pdf: Path) -> Part:
    """A converted form: all its pages."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return Part(pdf, len(doc.pages), form=True)


def normalise_attachments(d: Dossier) -> tuple[tuple[Part, Source], ...]:
    """Every file the user handed in as an A4 PDF, in the dossier's order (what `normalise` places)."""
    refs = [ref for _, item in d.items for ref in item.file_refs(d.profile)]
    return tuple(normalise_attachment(d, ref, n) for n, ref in enumerate(refs, 1))


def normalise_attachment(d: Dossier, ref: FileRef, index: int) -> tuple[Part, Source]:
    from .pdf.attachments import attachment_to_pdf

    refusal = unreachable(d.loaded, AttachmentRef(ref.field, ref.path))
    if refusal is not None:
        raise InputError(refusal.message, refusal.hint)
    src = resolve(d.loaded, ref.path)
    out = d.work / "attachments" / f"{index:03d}.pdf"
    out.parent.mkdir(exist_ok=True)
    done = attachment_to_pdf(src, ref.path, out)
    observations = tuple(o.to_json() for o in done.observations)
    return Part(out, done.pages, attachment=True), Source(
        ref.path, sha256_file(src), done.pages, observations=observations
    )


def _add_id_copies(
    d: Dossier, parts: list[Part], sources: list[Source], key: str, files: list[tuple[Part, Source]]
) -> None:
    """One person's ID document: its sides at true card size, front above back on one page, when
    every page shows a card; otherwise (a passport page, a photo of something else) page by page."""
    from .pdf.cards import Side, find_cards, write_sheets

    sides: list[Side] = []
    owners: list[int] = []  # the file of every side
    labels = _side_labels(d, key)
    for n, (part, _) in enumerate(files):
        for page, card in enumerate(find_cards(part.pdf)):
            if card is None:
                parts += [p for p, _ in files]
                sources += [s for _, s in files]
                return
            sides.append(Side(part.pdf, page, card, next(labels)))
            owners.append(n)
    per_page = max(1, int(settings().get("id_sides_per_page")))
    sheets = [sides[i : i + per_page] for i in range(0, len(sides), per_page)]
    out = files[0][0].pdf.with_name(files[0][0].pdf.stem + "-cards.pdf")
    slots = write_sheets(sheets, out)
    parts.append(Part(out, len(sheets), attachment=True, cards=tuple(tuple(page) for page in slots)))
    for n, (_, source) in enumerate(files):
        pages = tuple(sorted({i // per_page for i, owner in enumerate(owners) if owner == n}))
        sources.append(replace(source, card_part=len(parts) - 1, card_pages=pages))


def _side_labels(d: Dossier, key: str) -> Iterator[str]:
    """'法定代表人 周明远 · 居民身份证 正面', then 反面, then further sides by number."""
    words = catalogue()
    role_key = id_holders(d.loaded.kind).get(key, "")
    person = d.profile.get(role_key) or {}
    role = words["roles"].get(role_key, {}).get("zh", "")
    document = words["documents"].get(person.get("id_type", "resident_id"), {}).get("zh", "")
    who = f"{role} {person.get('name', '')}".strip()
    yield f"{who} · {document} {words['sides']['front']['zh']}"
    yield f"{who} · {document} {words['sides']['back']['zh']}"
    n = 3
    while True:
        yield f"{who} · {document} " + words["sides"]["other"]["zh"].format(n=n)
        n += 1


# --- 3. lay out: every page numbered ---------------------------------------------------------------


def lay_out(d: Dossier, materials: Sequence[Material]) -> Layout:
    """Number every page before numdossier writes its own.

    How many pages the cover, the 目录 and each branch 目录 take is learnt from a draft laid out in
    memory with placeholder numbers as wide as any real one ("999–999"): the real numbers are never
    wider, so they change no line break, no page count and no seal place (the generated pages keep
    their seal zones free of text, and the cover's 盖章 line does not move with its page total).
    """
    draft = _arrange(d.work, materials, None)
    counts, pdf = gen.draft_pages(_segments(d, draft, final=False), d.title)
    return replace(_arrange(d.work, materials, counts), draft=pdf)


def _arrange(work: Path, materials: Sequence[Material], counts: Sequence[int] | None) -> Layout:
    """The layout for these page counts of the generated segments (None: not known yet, all 0)."""
    branches = sum(1 for m in materials if m.item.source == "branches")
    counts = list(counts) if counts is not None else [0] * (2 + branches)
    generated = work / "generated.pdf"
    cover = Part(generated, counts[0], form=True)
    toc = Part(generated, counts[1], start=counts[0])
    start = counts[0] + counts[1]  # the next branch 目录 in the generated PDF
    page = start + 1
    lengths = iter(counts[2:])
    sections = []
    for m in materials:
        parts, sources, children = m.parts, m.sources, m.children
        if m.item.source == "branches":
            pages = next(lengths)
            parts = (Part(generated, pages, start=start), *parts)
            sources = (Source(None, None, pages, generated=printed.words("branches.source")), *sources)
            children = tuple((title, index + 1) for title, index in children)
            start += pages
        section = Section(m.no, m.item, parts, sources, children, page)
        page += section.pages
        sections.append(section)
    return Layout(generated, cover, toc, tuple(sections))


def _segments(d: Dossier, layout: Layout, final: bool) -> list[list[Any]]:
    """The stories of the generated segments; with `final` False, placeholders for the page numbers."""
    return [
        gen.cover_story(_cover(d, layout.total if final else 999)),
        gen.toc_story(_toc_rows(layout, final), d.checklist.notes),
    ] + [
        gen.branch_story(s.item.title, _branch_rows(d, s, final))
        for s in layout.sections
        if s.item.source == "branches"
    ]


def _branch_rows(d: Dossier, section: Section, final: bool) -> list[gen.BranchRow]:
    starts = section.starts
    firsts = iter(starts[i] for _, i in section.children)
    rows = []
    for n, branch in enumerate(d.profile.get("branches") or [], 1):
        proofs = branch.get("proofs") or []
        first = next(firsts) if proofs else 0
        rows.append(
            gen.BranchRow(
                no=n,
                name=branch["name"],
                kind=branch.get("kind", ""),
                province=branch.get("province", ""),
                city=branch.get("city", ""),
                proofs=len(proofs),
                first_page=first if final else 999,
            )
        )
    return rows


def _toc_rows(layout: Layout, final: bool) -> list[gen.TocRow]:
    rows = []
    for s in layout.sections:
        if final:
            pages = str(s.first_page) if s.last_page == s.first_page else f"{s.first_page}–{s.last_page}"
        else:
            pages = PLACEHOLDER_PAGES
        rows.append(gen.TocRow(str(s.no), s.item.title, pages))
        if s.children:
            starts = s.starts
            for title, part_index in s.children:
                rows.append(gen.TocRow("", title, str(starts[part_index]) if final else "999", level=1))
    return rows


def _cover(d: Dossier, total: int) -> gen.CoverData:
    m = d.loaded.model

    def label(key: str) -> str:
        return printed.words(f"cover.rows.{key}")

    rows = [
        (label("company"), m.company.name),
        (label("uscc"), m.company.uscc),
        (label("legal_rep"), m.legal_rep.name),
        (label("contact"), f"{m.number_contact.name}  {m.number_contact.mobile}".strip()),
    ]
    if d.checklist.authority:
        authority = environment().from_string(d.checklist.authority).render(**d.profile)
        rows.append((label("authority"), authority))
    return gen.CoverData(
        title=d.checklist.title,
        subtitle=d.checklist.subtitle,
        company=m.company.name,
        rows=rows,
        sign_date=date_cn(m.signing.date),
        total_pages=total,
    )


# --- 4. generate: the cover, the 目录s and every page's stamp, once ---------------------------------


def generate(d: Dossier, layout: Layout, stamps: Stamps) -> Path:
    """Write numdossier's own pages with their final numbers, and after them the stamp of every
    dossier page, into one PDF (one embedded subset of the CJK font for everything numdossier draws)."""
    counts = gen.write_pages(
        layout.generated,
        _segments(d, layout, final=True),
        _dossier_title(d),
        after=lambda canvas: draw_overlay(canvas, stamps.pages, d.options.seam, d.options.watermark),
    )
    if counts != layout.counts:
        raise AssertionError(f"generated pages {counts} differ from the layout's {layout.counts}")
    return layout.generated


def _dossier_title(d: Dossier) -> str:
    return f"{d.loaded.model.company.name} {d.title}"


# --- 5. assemble -----------------------------------------------------------------------------------


def assemble_dossier(d: Dossier, layout: Layout) -> Path:
    bookmarks = []
    for s in layout.sections:
        starts = s.starts
        children = [Bookmark(title, starts[i] - 1) for title, i in s.children]
        bookmarks.append(Bookmark(f"{s.no}. {s.item.title}", s.first_page - 1, children))
    out = d.work / "dossier.pdf"
    stamps_from = sum(layout.counts)  # the stamps follow the generated pages in their file
    assemble(layout.parts, bookmarks, out, _dossier_title(d), layout.generated, stamps_from)
    return out


# --- 6. manifest and 7. publish --------------------------------------------------------------------


def manifest(
    d: Dossier,
    layout: Layout,
    marks: Marks,
    pdf: Path,
    forced: list[Finding],
    converter: dict[str, str] | None = None,
) -> dict[str, Any]:
    items = [
        {
            "no": s.no,
            "id": s.item.id,
            "title": s.item.title,
            "first_page": s.first_page,
            "last_page": s.last_page,
            "sources": [src.to_json(s.starts) for src in s.sources],
        }
        for s in layout.sections
    ]
    data: dict[str, Any] = {
        "numdossier": __version__,
        "kind": d.loaded.kind,
        "name": d.loaded.name,
        "profile": {"path": str(d.loaded.path), "sha256": d.loaded.sha256},
        "forced": bool(forced),
    }
    if converter:
        data["converter"] = converter  # {"program": "LibreOffice", "version": "7.4.7.2", "via": ...}
    if forced:
        # codes and fields only: messages may quote personal data
        data["forced_errors"] = [{"code": f.code, "field": f.field, "file": f.file} for f in forced]
    data |= {
        "pages": layout.total,
        "items": items,
        "page_size_mm": [round(A4_WIDTH / MM, 1), round(A4_HEIGHT / MM, 1)],
        "seam": d.options.seam,
        **marks.to_json(),
        "output": {"path": "dossier.pdf", "sha256": sha256_file(pdf), "bytes": pdf.stat().st_size},
    }
    return data


def publish(target: Path, forms: Iterable[Path], pdf: Path, data: dict[str, Any]) -> Path:
    """Replace `target` (OUT/<name>/) by the finished dossier as a whole: nothing of an earlier build
    survives.

    The new folder is written beside the old one (a hidden sibling in OUT, so one file system) and
    swapped in with one rename; a failure before the swap leaves the previous dossier as it was.
    """
    listing = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    staged: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = _staging_folder(target)
        (staged / "forms").mkdir()
        for docx in forms:
            shutil.copyfile(docx, staged / "forms" / docx.name)
        shutil.copyfile(pdf, staged / "dossier.pdf")
        (staged / "manifest.json").write_bytes(listing.encode("utf-8"))
        # Two builds of the same dossier at once: the lock (on the dossier folder itself, so nothing
        # extra is left in OUT) makes the swaps one after the other; each swap is a whole build.
        with _locked(target) as exists:
            if exists:
                _exchange(staged, target)  # `staged` now names the previous build
            else:
                os.rename(staged, target)
                staged = None
    except OSError as e:
        raise OutputError(
            text("pipeline.unwritable.message", target=target, reason=e.strerror or e),
            text("pipeline.unwritable.hint"),
        ) from e
    finally:
        if staged is not None:
            _remove_staged(staged)
    return target


def install_file(content: bytes, final: Path) -> None:
    """Write one file atomically (through a temporary name beside it)."""
    atomic.write(final, content)


_in_flight: set[Path] = set()  # staging folders in OUT being written right now


def discard_partial_files() -> None:
    """Remove half-written staging folders in OUT (a worker being stopped calls this)."""
    for staged in list(_in_flight):
        shutil.rmtree(staged, ignore_errors=True)


def _staging_folder(target: Path) -> Path:
    """A new hidden folder beside `target` (created with the user's umask, unlike mkdtemp's 0700)."""
    while True:
        staged = target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}")
        _in_flight.add(staged)
        try:
            staged.mkdir()
            return staged
        except FileExistsError:
            _in_flight.discard(staged)


def _remove_staged(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)
    _in_flight.discard(staged)


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[bool]:
    """Hold an exclusive lock on the folder `target` (yields True), or on OUT while there is none yet.

    A waiter may wake up holding the lock of a folder that has meanwhile been swapped out; it then
    locks the folder now at `target` instead.
    """
    while True:
        try:
            fd = os.open(target, os.O_RDONLY | os.O_DIRECTORY)
            exists = True
        except FileNotFoundError:
            fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
            exists = False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                now = os.stat(target)
                current = exists and os.path.samestat(now, os.fstat(fd))
            except FileNotFoundError:
                current = not exists
            if current:
                yield exists
                return
        finally:
            os.close(fd)  # releases the lock


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders atomically (Linux renameat2); elsewhere two renames, b's absence brief."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL):  # EINVAL: the file system cannot exchange
            raise OSError(err, os.strerror(err), str(b))
    aside = a.with_name(a.name + "-old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


# --- the pipeline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ahead:
    """Work of the last stages done while LibreOffice converted the forms (a single dossier waits for
    them otherwise): its attachments normalised and the marks of pages already known. Only a head
    start: `finish` does whatever is missing, and a failure here is left for it to meet and report."""

    attachments: tuple[tuple[Part, Source], ...] | None = None
    marks: Mapping[Part, PartMarks] = field(default_factory=dict)


def attachments_ahead(d: Dossier) -> Ahead:
    """The dossier's attachments normalised, with the seal places of their pages."""
    attachments = normalise_attachments(d)
    return Ahead(attachments, {part: part_marks(part) for part, _ in attachments})


def form_ahead(pdf: Path) -> tuple[Part, PartMarks]:
    """A converted form's part and its marks."""
    part = form_part(pdf)
    return part, part_marks(part)


@dataclass
class Built:
    folder: Path
    pages: int
    manifest: dict[str, Any]


def finish(
    d: Dossier,
    converted: dict[str, Path],
    forced: list[Finding],
    converter: dict[str, str] | None = None,
    ahead: Ahead | None = None,
) -> Built:
    """The stages after conversion, each over the values the one before returned (and `ahead`)."""
    ahead = ahead or Ahead()
    materials = normalise(d, converted, ahead.attachments)
    layout = lay_out(d, materials)
    stamps = find_stamps(layout.parts, drafts={layout.generated: layout.draft}, known=ahead.marks)
    generate(d, layout, stamps)
    pdf = assemble_dossier(d, layout)
    data = manifest(d, layout, stamps.marks, pdf, forced, converter)
    folder = publish(d.options.out / d.loaded.name, d.forms.values(), pdf, data)
    return Built(folder, layout.total, data)
