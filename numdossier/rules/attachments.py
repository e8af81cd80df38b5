"""Attachment inspection without LibreOffice: present, inside the profile's folder, readable, not encrypted,
pages, effective resolution on A4, both sides of ID documents, the same file under two items."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..kinds import Checklist
from ..profile import LoadedProfile
from .findings import Finding
from .messages import error, warning

if TYPE_CHECKING:
    from ..errors import AttachmentError

# Whose ID copies an attachment key holds (a kind adds its people in kind.toml `id_holders`): a passport
# needs its photo page only, cards need both sides.
ID_HOLDERS = {"legal_rep_id": "legal_rep", "contact_id": "number_contact"}
ONE_SIDED_ID_TYPES = ("passport",)


def id_holders(kind: str) -> dict[str, str]:
    """Attachment key -> the person whose ID copy it holds: the shared ones and the kind's."""
    from .context import kind_spec

    return ID_HOLDERS | kind_spec(kind).id_holders


@dataclass(frozen=True)
class AttachmentRef:
    """A file named in the profile: the field that names it and the path as written."""

    field: str
    path: str


@dataclass
class FileReport:
    """What inspecting one file found: findings, pages (0 when unusable), the file, its lowest dpi."""

    findings: list[Finding] = field(default_factory=list)
    pages: int = 0
    path: Path | None = None  # the readable file, for the duplicate search
    dpi: float | None = None


@dataclass
class Survey:
    """Every attachment finding of a profile, and the pages of each file by field."""

    findings: list[Finding]
    pages: dict[str, int]
    checklist_pages: int  # pages of the checklist's attachments (not files embedded in forms)


def resolve(loaded: LoadedProfile, written: str) -> Path:
    return (loaded.folder / written).resolve()


def is_outside(loaded: LoadedProfile, written: str) -> bool:
    return not resolve(loaded, written).is_relative_to(loaded.folder)


def extra_references(loaded: LoadedProfile, profile: Mapping[str, Any] | None = None) -> list[AttachmentRef]:
    """Files the kind's forms embed (e.g. n96.topology_image): the `embedded` fields of its kind.toml."""
    from .context import get, kind_spec

    data = profile if profile is not None else loaded.model.model_dump(mode="python")
    refs = []
    for path in kind_spec(loaded.kind).embedded:
        value = get(data, path)
        if isinstance(value, str) and value.strip():
            refs.append(AttachmentRef(path, value.strip()))
    return refs


def unreachable(loaded: LoadedProfile, ref: AttachmentRef) -> Finding | None:
    """Why a named file cannot even be opened: outside the profile's folder, or not there (None: it is).
    `check` reports it; `build` (forced past check's errors) refuses the dossier with the same words."""
    if is_outside(loaded, ref.path):
        link = _symlink_on_the_way(loaded, ref.path)
        if link is not None:
            return error(
                "ATTACH-OUTSIDE.symlink", ref.field, ref.path, path=ref.path, link=link[0], target=link[1]
            )
        return error("ATTACH-OUTSIDE", ref.field, ref.path, path=ref.path)
    if not resolve(loaded, ref.path).exists():
        return error("ATTACH-NOT-FOUND", ref.field, ref.path, path=ref.path)
    return None


def inspect_file(
    loaded: LoadedProfile, ref: AttachmentRef, min_dpi: float = 150, *, id_card: bool = False
) -> FileReport:
    """Findings for one file, its page count and effective resolution: the survey `build` places from
    (`id_card`: an ID document's sides, which build prints at true card size)."""
    from ..errors import AttachmentError
    from ..pdf.attachments import survey

    refusal = unreachable(loaded, ref)
    if refusal is not None:
        return FileReport([refusal])
    path = resolve(loaded, ref.path)
    try:
        found = survey(path, ref.path, id_card=id_card)
    except AttachmentError as e:
        return FileReport([_refusal(ref, e)])
    if any(o.code == "decrypted" for o in getattr(found, "observations", [])):
        # A permissions (owner) password: attachments must carry none (attachments/README.md). `check`
        # refuses it like an encrypted PDF; `build --force` still decrypts it (pdf.attachments.pdfs).
        return FileReport([error("ATTACH-ENCRYPTED.owner", ref.field, ref.path, path=ref.path)])
    report = FileReport(path=path, pages=found.page_count, dpi=found.dpi)
    if found.repaired:
        report.findings.append(
            warning("ATTACH-REPAIRED", ref.field, ref.path, path=ref.path, pages=found.page_count)
        )
    if report.dpi is not None and report.dpi < min_dpi:
        report.findings.append(
            warning(
                "ATTACH-LOW-RES", ref.field, ref.path, path=ref.path, dpi=round(report.dpi), minimum=min_dpi
            )
        )
    return report


def _refusal(ref: AttachmentRef, refused: AttachmentError) -> Finding:
    """The finding for a file `build` would refuse, with the same reason."""
    reason, values = refused.reason, refused.values
    if reason == "encrypted":
        return error("ATTACH-ENCRYPTED", ref.field, ref.path, path=ref.path)
    if reason == "pdf_pages_lost":
        return error("ATTACH-DAMAGED", ref.field, ref.path, path=ref.path, **values)
    if reason == "missing":
        return error("ATTACH-NOT-FOUND", ref.field, ref.path, path=ref.path)
    message = refused.message.removeprefix(f"{ref.path}: ")
    return error(
        "ATTACH-UNREADABLE.reason", ref.field, ref.path, path=ref.path, reason=message, fix=refused.hint or ""
    )


def _duplicates(
    files: list[tuple[AttachmentRef, Path]], places: Callable[[AttachmentRef], str] | None = None
) -> list[Finding]:
    """One ATTACH-DUPLICATE per content that several fields name, saying which items or branches share it
    (only files whose size another file shares are hashed)."""
    sizes: dict[int, int] = {}
    for _, path in files:
        sizes[path.stat().st_size] = sizes.get(path.stat().st_size, 0) + 1
    groups: dict[str, list[AttachmentRef]] = {}  # digest -> the fields naming that content, in order
    for ref, path in files:
        if sizes[path.stat().st_size] < 2:
            continue
        groups.setdefault(_digest(path), []).append(ref)
    place = places or (lambda ref: ref.field)
    found: list[Finding] = []
    for refs in groups.values():
        if len(refs) < 2:
            continue
        second = refs[1]
        where = _list_words([place(r) for r in refs])
        if len({r.path for r in refs}) == 1:
            found.append(
                warning(
                    "ATTACH-DUPLICATE.same_file",
                    second.field,
                    second.path,
                    path=second.path,
                    n=len(refs),
                    places=where,
                )
            )
        else:
            files_of = _list_words([f"{place(r)}（{r.path}）" for r in refs])
            found.append(
                warning(
                    "ATTACH-DUPLICATE",
                    second.field,
                    second.path,
                    path=second.path,
                    n=len(refs),
                    places=files_of,
                )
            )
    return found


def _list_words(words: list[str]) -> str:
    from .messages import text

    unique = list(dict.fromkeys(words))
    return text("ui.list_sep").join(unique)


def _place_namer(profile: Mapping[str, Any], checklist: Checklist) -> Callable[[AttachmentRef], str]:
    """'branches[2].proofs[0]' -> 分支机构“嘉兴分公司”; 'attachments.legal_rep_id[1]' -> the item's title."""
    import re

    from .messages import label, text

    titles = {key: item.title for item in checklist.items for key in item.attachment_keys}
    file_titles = {path: item.title for item in checklist.items for path in item.file_paths}
    branches = profile.get("branches") or []

    def name(ref: AttachmentRef) -> str:
        branch = re.match(r"branches\[(\d+)\]", ref.field)
        if branch:
            b = int(branch[1])
            who = (branches[b].get("name") or "").strip() if b < len(branches) else ""
            return text("ui.branch_named", name=who) if who else text("ui.branch_number", n=b + 1)
        key = re.match(r"attachments\.([^\[]+)", ref.field)
        if key and key[1] in titles:
            return f"“{titles[key[1]]}”"
        generic = re.sub(r"\[\d+\]", "[]", ref.field)
        for files, title in file_titles.items():
            if generic.startswith(files):
                return f"“{title}”"
        shown = label(ref.field)
        return f"“{shown}”" if shown != ref.field else ref.field

    return name


def _symlink_on_the_way(loaded: LoadedProfile, written: str) -> tuple[str, str] | None:
    """The first symbolic link on the path as written that leads out of the profile's folder, and its
    target; None when the path leaves the folder without one (.., an absolute path)."""
    current = loaded.folder
    for part in Path(written).parts:
        current = current / part
        if current.is_symlink():
            target = current.resolve()
            if not target.is_relative_to(loaded.folder):
                return str(current.relative_to(loaded.folder)), str(target)
    return None


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _needs_two_sides(profile: Mapping[str, Any], key: str) -> bool:
    holder = id_holders(str(profile.get("kind", ""))).get(key)
    person = profile.get(holder) if holder else None
    id_type = person.get("id_type") if isinstance(person, Mapping) else None
    return id_type not in ONE_SIDED_ID_TYPES


def survey(loaded: LoadedProfile, checklist: Checklist, min_dpi: float = 150) -> Survey:
    """Every attachment finding of the profile, and the pages of every file."""
    model = loaded.model
    profile = model.model_dump(mode="python")
    findings: list[Finding] = []
    known = checklist.attachment_keys
    for key in model.attachments:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            case = "ATTACH-UNKNOWN-ITEM.close" if close else "ATTACH-UNKNOWN-ITEM.default"
            findings.append(
                error(
                    case,
                    f"attachments.{key}",
                    key=key,
                    close=close[0] if close else "",
                    known=list(known),
                )
            )
    pages: dict[str, int] = {}
    readable: list[tuple[AttachmentRef, Path]] = []
    applicable = checklist.applicable(profile)
    for item in checklist.items:
        if item not in applicable and item.file_refs(profile):
            # e.g. a 955 profile that still lists licence_copy: not printed, so not inspected either
            findings.append(
                warning("ATTACH-NOT-APPLICABLE", item.file_refs(profile)[0].field, item=item.title)
            )
    listed = [AttachmentRef(r.field, r.path) for item in applicable for r in item.file_refs(profile)]
    cards = {r.field for item in applicable if item.sides for r in item.file_refs(profile)}
    for ref in listed + extra_references(loaded, profile):
        report = inspect_file(loaded, ref, min_dpi, id_card=ref.field in cards)
        findings += report.findings
        pages[ref.field] = report.pages
        if report.path is not None:
            readable.append((ref, report.path))
    findings += _duplicates(readable, _place_namer(profile, checklist))
    findings += _completeness(profile, checklist, pages)
    checklist_pages = sum(pages.get(r.field, 0) for r in listed)
    return Survey(findings, pages, checklist_pages)


def inspect(loaded: LoadedProfile, checklist: Checklist) -> list[Finding]:
    """Every attachment finding of the profile."""
    return survey(loaded, checklist).findings


def _completeness(profile: dict[str, Any], checklist: Checklist, pages: dict[str, int]) -> list[Finding]:
    """ATTACH-MISSING for required items without files; ATTACH-SIDES for one-sided ID copies."""
    findings: list[Finding] = []
    for item in checklist.applicable(profile):
        if not item.is_required(profile):
            continue
        refs = item.file_refs(profile)
        if item.source == "attachments":
            for key in item.attachment_keys:
                mine = [r for r in refs if r.group == key]
                if not mine:
                    findings.append(
                        error("ATTACH-MISSING.attachments", f"attachments.{key}", title=item.title, key=key)
                    )
                elif (
                    item.sides
                    and _needs_two_sides(profile, key)
                    and 0 < sum(pages.get(r.field, 0) for r in mine) < 2
                ):
                    findings.append(error("ATTACH-SIDES", f"attachments.{key}", title=item.title, key=key))
        elif item.source == "branches":
            branches = profile.get("branches") or []
            if not branches:
                findings.append(error("ATTACH-MISSING.no_branches", "branches", title=item.title))
            for b, branch in enumerate(branches):
                if not branch.get("proofs"):
                    path = f"branches[{b}].proofs"
                    if branch.get("name"):
                        findings.append(error("ATTACH-MISSING.branch", path, name=branch["name"]))
                    else:  # a starter's blank branch: named by its place in the list
                        findings.append(error("ATTACH-MISSING.branch_unnamed", path, n=b + 1))
        elif item.source == "files" and not refs:
            files = "、".join(item.file_paths)
            findings.append(error("ATTACH-MISSING.files", item.file_paths[0], title=item.title, files=files))
    return findings
