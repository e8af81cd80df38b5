"""`build`: named stages over a private work folder; the dossier is published only when complete."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__
from .errors import AttachmentError, OutputError, TemplateError
from .kinds import Checklist, Item, registry
from .kinds.overrides import checklist_for, template_for
from .pdf import pages as gen
from .pdf.assemble import A4_HEIGHT, A4_WIDTH, MM, Bookmark, Marks, Part, assemble
from .pdf.overlay import OverlayPage, draw_overlay
from .profile import LoadedProfile
from .render.docx import render_docx
from .render.engine import date_cn, environment
from .rules.attachments import id_holders, resolve
from .rules.findings import Finding
from .rules.messages import catalogue
from .rules.settings import settings

PLACEHOLDER_PAGES = "999–999"  # widest page text, so a layout pass reserves the room real numbers need


@dataclass
class BuildOptions:
    out: Path
    today: dt.date
    force: bool = False
    seam: bool = False
    watermark: str | None = None
    debug: bool = False  # write OUT/<name>/build.log
    converter: str | None = None  # unoserver://HOST:PORT[,...]; None: one-shot soffice runs
    templates: Path | None = None  # the agency folder (--templates, NUMDOSSIER_TEMPLATES)


@dataclass
class Source:
    path: str | None
    sha256: str | None
    pages: int
    generated: str | None = None
    # An ID document's sides printed at card size on shared pages: the part (index in its section)
    # and the pages of that part where this file's sides are.
    card_part: int | None = None
    card_pages: tuple[int, ...] = ()
    observations: list[dict[str, Any]] = field(default_factory=list)  # what build did to an attachment
    template: dict[str, Any] | None = None  # a form's template: origin, path, sha256, what was stripped

    def to_json(self, part_starts: list[int] | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "sha256": self.sha256, "pages": self.pages}
        if self.generated:
            data["generated"] = self.generated
        if self.card_part is not None and part_starts is not None:
            # the file's `pages` are its sides; these are the dossier pages they are printed on
            data["as_card_on_pages"] = [part_starts[self.card_part] + k for k in self.card_pages]
        if self.observations:
            data["observations"] = self.observations
        if self.template is not None:
            data["template"] = self.template
        return data


@dataclass
class Section:
    """A checklist item laid out: its parts in order and, for branches, child bookmarks."""

    no: int
    item: Item
    parts: list[Part] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    children: list[tuple[str, int]] = field(default_factory=list)  # (title, index into parts)
    first_page: int = 0  # 1-based, set by the layout

    @property
    def pages(self) -> int:
        return sum(p.pages for p in self.parts)


@dataclass
class Dossier:
    """Everything the stages share."""

    loaded: LoadedProfile
    checklist: Checklist
    options: BuildOptions
    work: Path
    forms: dict[str, Path] = field(default_factory=dict)  # item id -> rendered DOCX
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)  # item id -> template origin
    sections: list[Section] = field(default_factory=list)
    profile: dict[str, Any] = field(init=False)  # the model as plain data, for checklist expressions
    items: list[tuple[int, Item]] = field(init=False)  # (number, item) in this dossier
    generated_pages: Callable[[], list[list[Any]]] = field(init=False)  # final cover/目录 stories

    def __post_init__(self) -> None:
        self.profile = self.loaded.model.model_dump(mode="python")
        # An item whose condition fails, or an optional one with nothing to show, is left out, and the
        # numbers close up: the printed list is the one that applies to this applicant.
        present = [
            item
            for item in self.checklist.applicable(self.profile)
            if item.source in ("form", "branches") or item.file_refs(self.profile)
        ]
        self.items = list(enumerate(present, 1))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def form_filename(no: int, item: Item) -> str:
    return f"{no:02d}-{item.title}.docx"


# --- stages ---------------------------------------------------------------------------------------


def render_forms(d: Dossier) -> None:
    kind = registry.get(d.loaded.kind)
    folder = d.work / "forms"
    folder.mkdir()
    for no, item in d.items:
        if item.source != "form":
            continue
        if not item.template:
            raise TemplateError(f"清单项目 {item.id} 缺少 template。", "请检查 checklist.toml。")
        out = folder / form_filename(no, item)
        choice = template_for(
            kind.name, item, d.loaded.folder, dict(d.loaded.model.templates), d.options.templates
        )
        prepared = render_docx(choice.path, lambda tpl: kind.build_context(d.loaded, tpl), out)
        shown = choice.path.relative_to(kind.folder.parent) if choice.origin == "built-in" else choice.path
        if choice.origin == "profile":
            shown = Path(d.loaded.model.templates[item.id])
        d.templates[item.id] = {
            "origin": choice.origin,
            "path": shown.as_posix(),
            "sha256": sha256_file(choice.path),
        } | ({"stripped": prepared.stripped} if prepared.stripped else {})
        d.forms[item.id] = out


def count_pages(pdfs: dict[str, Path]) -> dict[str, tuple[Path, int]]:
    import pikepdf

    result = {}
    for item_id, pdf in pdfs.items():
        with pikepdf.open(pdf) as doc:
            result[item_id] = (pdf, len(doc.pages))
    return result


def normalise_attachment(d: Dossier, written: str, index: int) -> tuple[Part, Source]:
    from .pdf.attachments import attachment_to_pdf

    src = resolve(d.loaded, written)
    if not src.is_relative_to(d.loaded.folder):
        raise AttachmentError(
            written, "路径离开了配置文件所在的文件夹", "请把扫描件放到配置文件所在文件夹内。"
        )
    if not src.exists():
        raise AttachmentError(written, "文件不存在", "请检查文件名和路径（相对于配置文件所在文件夹）。")
    out = d.work / "attachments" / f"{index:03d}.pdf"
    out.parent.mkdir(exist_ok=True)
    done = attachment_to_pdf(src, written, out)
    observations = [o.to_json() for o in done.observations]
    return Part(out, done.pages, attachment=True), Source(
        written, sha256_file(src), done.pages, observations=observations
    )


def lay_out_sections(d: Dossier, converted: dict[str, tuple[Path, int]]) -> None:
    counter = 0
    for no, item in d.items:
        section = Section(no, item)
        if item.source == "form":
            pdf, pages = converted[item.id]
            section.parts.append(Part(pdf, pages, form=True))
            docx = d.forms[item.id]
            section.sources.append(
                Source(f"forms/{docx.name}", sha256_file(docx), pages, template=d.templates.get(item.id))
            )
        if item.source == "branches":
            # the branch 目录: a segment of the generated pages, laid out by paginate()
            section.parts.append(Part(d.work / "generated.pdf", 0))
            section.sources.append(Source(None, None, 0, generated="分支机构目录"))
        group: object = None
        holder: list[tuple[Part, Source]] = []  # the files of one person's ID document
        for ref in item.file_refs(d.profile):
            if ref.group != group and holder:
                _add_id_copies(d, section, str(group), holder)
                holder = []
            if item.source == "branches" and ref.group != group:
                branch = d.profile["branches"][ref.group]
                section.children.append((f"{branch['city']} · {branch['name']}", len(section.parts)))
            elif ref.group != group and (label := item.group_label(d.profile, ref.group)):
                section.children.append((label, len(section.parts)))
            group = ref.group
            counter += 1
            part, source = normalise_attachment(d, ref.path, counter)
            if item.sides:
                holder.append((part, source))
                continue
            section.parts.append(part)
            section.sources.append(source)
        if holder:
            _add_id_copies(d, section, str(group), holder)
        d.sections.append(section)


def _add_id_copies(d: Dossier, section: Section, key: str, files: list[tuple[Part, Source]]) -> None:
    """One person's ID document: its sides at true card size, front above back on one page, when
    every page shows a card; otherwise (a passport page, a photo of something else) page by page."""
    from .pdf.cards import Side, find_cards, write_sheets

    sides: list[Side] = []
    owners: list[int] = []  # the file of every side
    labels = _side_labels(d, key)
    for n, (part, _) in enumerate(files):
        for page, card in enumerate(find_cards(part.pdf)):
            if card is None:
                section.parts += [p for p, _ in files]
                section.sources += [s for _, s in files]
                return
            sides.append(Side(part.pdf, page, card, next(labels)))
            owners.append(n)
    per_page = max(1, int(settings().get("id_sides_per_page")))
    sheets = [sides[i : i + per_page] for i in range(0, len(sides), per_page)]
    out = files[0][0].pdf.with_name(files[0][0].pdf.stem + "-cards.pdf")
    slots = write_sheets(sheets, out)
    section.parts.append(Part(out, len(sheets), attachment=True, cards=slots))
    for n, (_, source) in enumerate(files):
        pages = tuple(sorted({i // per_page for i, owner in enumerate(owners) if owner == n}))
        section.sources.append(replace(source, card_part=len(section.parts) - 1, card_pages=pages))


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


def _branch_rows(d: Dossier, section: Section, final: bool) -> list[gen.BranchRow]:
    starts = _part_starts(section)
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


def _part_starts(section: Section) -> list[int]:
    starts, page = [], section.first_page
    for part in section.parts:
        starts.append(page)
        page += part.pages
    return starts


def _toc_rows(d: Dossier, final: bool) -> list[gen.TocRow]:
    rows = []
    for s in d.sections:
        if final:
            last = s.first_page + s.pages - 1
            pages = str(s.first_page) if last == s.first_page else f"{s.first_page}–{last}"
        else:
            pages = PLACEHOLDER_PAGES
        rows.append(gen.TocRow(str(s.no), s.item.title, pages))
        if s.children:
            starts = _part_starts(s)
            for title, part_index in s.children:
                rows.append(gen.TocRow("", title, str(starts[part_index]) if final else "999", level=1))
    return rows


def _cover(d: Dossier, total: int) -> gen.CoverData:
    m = d.loaded.model
    rows = [
        ("申请单位", m.company.name),
        ("统一社会信用代码", m.company.uscc),
        ("法定代表人", m.legal_rep.name),
        ("联系人", f"{m.number_contact.name}  {m.number_contact.mobile}".strip()),
    ]
    if d.checklist.authority:
        authority = environment().from_string(d.checklist.authority).render(**d.profile)
        rows.append(("受理单位", authority))
    return gen.CoverData(
        title=d.checklist.title,
        subtitle=d.checklist.subtitle,
        company=m.company.name,
        rows=rows,
        sign_date=date_cn(m.signing.date),
        total_pages=total,
    )


def paginate(d: Dossier) -> tuple[Part, Part]:
    """Two passes: lay out with placeholder numbers to learn page counts, then write the real pages.

    The cover, the 目录 and every branch 目录 are segments of one generated PDF (one font subset).
    """
    generated = d.work / "generated.pdf"
    branch_sections = [s for s in d.sections if s.item.source == "branches"]
    title = d.checklist.title + d.checklist.subtitle

    def segments(total: int, final: bool) -> list[list[Any]]:
        return [gen.cover_story(_cover(d, total)), gen.toc_story(_toc_rows(d, final), d.checklist.notes)] + [
            gen.branch_story(s.item.title, _branch_rows(d, s, final)) for s in branch_sections
        ]

    counts = gen.write_pages(generated, segments(999, False), title)
    for s, pages in zip(branch_sections, counts[2:], strict=True):
        s.parts[0].pages = s.sources[0].pages = pages
    page = counts[0] + counts[1] + 1
    for s in d.sections:
        s.first_page = page
        page += s.pages
    d.generated_pages = lambda: segments(page - 1, True)
    if gen.write_pages(generated, d.generated_pages(), title) != counts:
        raise AssertionError("generated pages changed length between layout passes")
    start = counts[0] + counts[1]
    for s, pages in zip(branch_sections, counts[2:], strict=True):
        s.parts[0] = Part(generated, pages, start=start)
        start += pages
    return Part(generated, counts[0], form=True), Part(generated, counts[1], start=counts[0])


def assemble_dossier(d: Dossier, cover: Part, toc: Part) -> tuple[Path, Marks]:
    parts = [cover, toc] + [p for s in d.sections for p in s.parts]
    bookmarks = []
    for s in d.sections:
        mark = Bookmark(f"{s.no}. {s.item.title}", s.first_page - 1)
        starts = _part_starts(s)
        mark.children = [Bookmark(title, starts[i] - 1) for title, i in s.children]
        bookmarks.append(mark)
    out = d.work / "dossier.pdf"
    title = f"{d.loaded.model.company.name} {d.checklist.title}{d.checklist.subtitle}"
    generated = d.work / "generated.pdf"

    def write_stamps(pages: list[OverlayPage]) -> tuple[Path, int]:
        """The overlay pages go after our generated pages, in the same document (one font subset)."""
        counts = gen.write_pages(
            generated,
            d.generated_pages(),
            title,
            after=lambda canvas: draw_overlay(canvas, pages, d.options.seam, d.options.watermark),
        )
        return generated, sum(counts)

    marks = assemble(
        parts,
        bookmarks,
        out,
        d.work,
        title,
        seam=d.options.seam,
        watermark=d.options.watermark,
        write_stamps=write_stamps,
    )
    return out, marks


def manifest(
    d: Dossier,
    pdf: Path,
    marks: Marks,
    forced: list[Finding],
    total: int,
    converter: dict[str, str] | None = None,
) -> dict[str, Any]:
    items = []
    for s in d.sections:
        items.append(
            {
                "no": s.no,
                "id": s.item.id,
                "title": s.item.title,
                "first_page": s.first_page,
                "last_page": s.first_page + s.pages - 1,
                "sources": [src.to_json(_part_starts(s)) for src in s.sources],
            }
        )
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
        "pages": total,
        "items": items,
        "page_size_mm": [round(A4_WIDTH / MM, 1), round(A4_HEIGHT / MM, 1)],
        "seam": d.options.seam,
        **marks.to_json(),
        "output": {"path": "dossier.pdf", "sha256": sha256_file(pdf), "bytes": pdf.stat().st_size},
    }
    return data


def publish(d: Dossier, pdf: Path, data: dict[str, Any]) -> Path:
    """Replace OUT/<name>/ by the finished dossier as a whole: nothing of an earlier build survives.

    The new folder is written beside the old one (a hidden sibling in OUT, so one file system) and
    swapped in with one rename; a failure before the swap leaves the previous dossier as it was.
    """
    target = d.options.out / d.loaded.name
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    staged: Path | None = None
    try:
        d.options.out.mkdir(parents=True, exist_ok=True)
        staged = _staging_folder(target)
        (staged / "forms").mkdir()
        for docx in d.forms.values():
            shutil.copyfile(docx, staged / "forms" / docx.name)
        shutil.copyfile(pdf, staged / "dossier.pdf")
        (staged / "manifest.json").write_bytes(text.encode("utf-8"))
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
            f"无法写入输出文件夹 {target}：{e.strerror or e}。",
            "请检查磁盘空间和写入权限（或用 -o 指定其他输出文件夹），然后重新生成；未留下不完整的文件。",
        ) from e
    finally:
        if staged is not None:
            _remove_staged(staged)
    return target


def install_file(content: bytes, final: Path) -> None:
    """Write one file atomically (through a temporary name beside it)."""
    temp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    try:
        temp.write_bytes(content)
        os.replace(temp, final)
    finally:
        temp.unlink(missing_ok=True)


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


@dataclass
class Built:
    folder: Path
    pages: int
    manifest: dict[str, Any]


def prepare(loaded: LoadedProfile, options: BuildOptions, work: Path) -> Dossier:
    """First stage: the dossier's plan and its filled DOCX forms in `work`."""
    d = Dossier(loaded, checklist_for(loaded.kind, options.templates), options, work)
    render_forms(d)
    return d


def finish(
    d: Dossier, converted: dict[str, Path], forced: list[Finding], converter: dict[str, str] | None = None
) -> Built:
    """Last stages, once the forms are PDFs: attachments, layout, assembly, manifest, publish."""
    lay_out_sections(d, count_pages(converted))
    cover, toc = paginate(d)
    pdf, marks = assemble_dossier(d, cover, toc)
    total = cover.pages + toc.pages + sum(s.pages for s in d.sections)
    data = manifest(d, pdf, marks, forced, total, converter)
    folder = publish(d, pdf, data)
    return Built(folder, total, data)
