"""`verify`: the signed, scanned dossier against the build that was printed.

Every scanned page is registered onto its dossier page (register.py); the sequence of matches gives
missing, extra, duplicated, out-of-order and upside-down pages, and a scan of another dossier; on each
registered page the ink the signer added (ink.py) is looked for at every seal placeholder, signature
box, blank date and, with --seam, the seam strip. verify only detects ink: it never draws a seal.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..rules import messages
from ..rules.findings import Tally
from . import ink
from .register import Match, Original, features, grey_of, locate, render_dossier
from .scans import ScanPage, load_scans

Box = tuple[float, float, float, float]
# The 骑缝章 strip the overlay draws on every page with --seam (pdf/overlay.py: 10 mm wide at the right
# edge, 42 mm high, centred), in mm from the top-left, with some room for a seal that strays.
SEAM_BOX_MM: Box = (198.0, 297 / 2 - 26, 210.0, 297 / 2 + 26)
SEAM_ALLOWED_MM: Box = (180.0, 297 / 2 - 32, 210.0, 297 / 2 + 32)  # where a 骑缝章's part may reach
SEAM_MIN_AREA = 8.0  # mm² of seal ink on one page's part of a 骑缝章
# A scan whose pages mostly fail to match is of another dossier; single pages that differ this much
# (mm² of print, outside the signing places) come from another build.
DIFFERENT_PRINT_MM2 = 30.0


def text(key: str, **values: Any) -> str:
    """verify's words: [signed.ui.<key>] of the one catalogue (rules/data/messages/signed.toml)."""
    return messages.text(f"signed.ui.{key}", **values)


@dataclass(frozen=True)
class VerifyFinding:
    severity: str
    code: str
    message: str
    hint: str
    scan_page: int | None = None
    dossier_page: int | None = None
    box_mm: Box | None = None  # where on the dossier page (for the marked-up copy)

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "scan_page": self.scan_page,
            "dossier_page": self.dossier_page,
            "box_mm": [round(v, 1) for v in self.box_mm] if self.box_mm else None,
            "message": self.message,
            "hint": self.hint,
        }


def finding(
    severity: str,
    entry: str,
    scan: int | None = None,
    page: int | None = None,
    box: Box | None = None,
    **values: Any,
) -> VerifyFinding:
    code, _, case = entry.partition(".")
    texts = messages.entry(f"signed.findings.{code}.{case or 'default'}")
    lang = messages.language()
    values |= {"scan": scan, "page": page}
    return VerifyFinding(
        severity,
        code,
        messages.fill(str(texts[lang]), **values),
        messages.fill(str(texts[f"hint_{lang}"]), **values),
        scan,
        page,
        box,
    )


@dataclass(frozen=True)
class Item:
    no: int
    title: str
    first_page: int
    last_page: int


@dataclass
class Dossier:
    """The folder of the build that was printed: dossier.pdf and manifest.json."""

    folder: Path
    manifest: dict[str, Any]
    originals: list[Original]
    items: list[Item]
    placeholders: dict[int, list[tuple[tuple[float, float], float]]]
    signatures: dict[int, list[tuple[Box, str, str]]]
    dates: dict[int, list[Box]]

    @property
    def name(self) -> str:
        return str(self.manifest.get("name") or self.folder.name)

    def item_title(self, page: int) -> str:
        for item in self.items:
            if item.first_page <= page <= item.last_page:
                return item.title
        return text("cover")


def _box(value: Any) -> Box:
    x0, y0, x1, y1 = (float(v) for v in value)
    return (x0, y0, x1, y1)


def open_dossier(folder: Path) -> tuple[Dossier, list[VerifyFinding]]:
    pdf, manifest_path = folder / "dossier.pdf", folder / "manifest.json"
    if not pdf.is_file() or not manifest_path.is_file():
        raise InputError(
            messages.text("signed.verify.not_a_dossier", folder=folder),
            messages.text("signed.verify.not_a_dossier_hint"),
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        items = [
            Item(int(i["no"]), str(i["title"]), int(i["first_page"]), int(i["last_page"]))
            for i in manifest["items"]
        ]
        placeholders: dict[int, list[tuple[tuple[float, float], float]]] = {}
        for p in manifest["placeholders"]:
            centre = (float(p["center_mm"][0]), float(p["center_mm"][1]))
            placeholders.setdefault(int(p["page"]), []).append((centre, float(p.get("diameter_mm", 42.0))))
        signatures: dict[int, list[tuple[Box, str, str]]] = {}
        for s in manifest.get("signatures", []):
            if "box_mm" in s:
                signatures.setdefault(int(s["page"]), []).append(
                    (_box(s["box_mm"]), str(s["who"]), str(s["what"]))
                )
        dates: dict[int, list[Box]] = {}
        for d in manifest.get("dates", []):
            dates.setdefault(int(d["page"]), []).append(_box(d["box_mm"]))
    except (ValueError, KeyError, TypeError, IndexError) as e:
        raise InputError(
            messages.text(
                "signed.verify.old_manifest", path=manifest_path, detail=f"{type(e).__name__}: {e}"
            ),
            messages.text("signed.verify.old_manifest_hint"),
        ) from e
    originals = render_dossier(str(pdf))
    problems = []
    output = manifest.get("output", {})
    from ..pipeline import sha256_file  # the digest the manifest was written with

    if output.get("sha256") and output["sha256"] != sha256_file(pdf):
        problems.append("sha256")
    if manifest.get("pages") is not None and int(manifest["pages"]) != len(originals):
        problems.append(f"{len(originals)} ≠ {manifest['pages']} pages")
    found = [
        finding("error", "VERIFY-WRONG-DOSSIER.folder", folder=str(folder), why=", ".join(problems))
        for _ in problems[:1]
    ]
    return Dossier(folder, manifest, originals, items, placeholders, signatures, dates), found


@dataclass
class PageResult:
    scan: ScanPage
    match: Match | None
    added: ink.Added | None = None
    kept: bool = True  # False for the second copy of a duplicated page
    different: tuple[float, float] = (0.0, 0.0)  # (extra, missing) mm² of print outside signing places

    @property
    def page(self) -> int | None:
        return self.match.number if self.match else None


@dataclass
class VerifyResult(Tally):
    scan: list[str]
    dossier: Dossier
    pages: list[PageResult]
    findings: list[VerifyFinding] = field(default_factory=list)
    report: Path | None = None  # the marked-up copy, when one was written
    split: list[Any] | None = None  # the upload files (split.SplitFile), when they were written

    def kept(self) -> dict[int, PageResult]:
        """Dossier page -> the scanned page that stands for it."""
        return {r.page: r for r in self.pages if r.page is not None and r.kept}


def _register(scan: ScanPage, originals: list[Original]) -> PageResult:
    match = locate(features(grey_of(scan.image)), originals, expected=scan.position)
    result = PageResult(scan, match)
    if match is not None:
        result.added = ink.added(scan.image, originals[match.number - 1], match)
    return result


def _allowed(d: Dossier, page: int) -> list[Box]:
    """The places where a signer's ink belongs on a page (and so is no sign of different content)."""
    boxes = [(x0 - 3, y0 - 3, x1 + 3, y1 + 3) for (x0, y0, x1, y1), _, _ in d.signatures.get(page, [])]
    boxes += [(x0 - 3, y0 - 3, x1 + 3, y1 + 3) for x0, y0, x1, y1 in d.dates.get(page, [])]
    reach = 21 + ink.SEAL_REACH_MM + 12
    boxes += [
        (cx - reach, cy - reach, cx + reach, cy + reach) for (cx, cy), _ in d.placeholders.get(page, [])
    ]
    boxes.append(SEAM_ALLOWED_MM)
    return boxes


def _signing(d: Dossier, r: PageResult, seam: bool) -> list[VerifyFinding]:
    """Seal, signatures, dates and the seam on one registered page."""
    assert r.match is not None and r.added is not None
    page, scan, a = r.match.number, r.scan.position, r.added
    item = d.item_title(page)
    found = []
    for (cx, cy), diameter in d.placeholders.get(page, []):
        if ink.seal_near(a.red, (cx, cy), diameter) is None:
            box = (cx - diameter / 2, cy - diameter / 2, cx + diameter / 2, cy + diameter / 2)
            found.append(
                finding("error", "VERIFY-SEAL-MISSING", scan, page, box, item=item, x=round(cx), y=round(cy))
            )
    for box, who, what in d.signatures.get(page, []):
        if ink.ink_in(a.pen, box) < ink.PEN_MIN_AREA:
            found.append(
                finding("error", "VERIFY-SIGNATURE-MISSING", scan, page, box, item=item, who=who, what=what)
            )
    for box in d.dates.get(page, []):
        if ink.ink_in(a.pen, box) < ink.PEN_MIN_AREA:
            found.append(finding("error", "VERIFY-DATE-MISSING", scan, page, box, item=item))
    if seam and ink.area_in(a.red, SEAM_BOX_MM) < SEAM_MIN_AREA:
        found.append(finding("error", "VERIFY-SEAL-MISSING.seam", scan, page, SEAM_BOX_MM, item=item))
    return found


def _longest_increasing(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence (patience sorting)."""
    import bisect

    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_index.append(i)
        else:
            tails[k] = v
            tail_index[k] = i
        previous[i] = tail_index[k - 1] if k else -1
    chosen: set[int] = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        chosen.add(i)
        i = previous[i]
    return chosen


def _sequence(d: Dossier, results: list[PageResult]) -> list[VerifyFinding]:
    """Extra, duplicated, missing, out-of-order and turned pages."""
    found = []
    first_copy: dict[int, PageResult] = {}
    for r in results:
        if r.page is None:
            found.append(finding("warning", "VERIFY-PAGE-EXTRA.foreign", r.scan.position))
            continue
        earlier = first_copy.get(r.page)
        if earlier is None:
            first_copy[r.page] = r
            continue
        # Keep the copy with more of the signer's ink (the signed one, when only one is).
        worse, better = sorted((earlier, r), key=_signed_ink)
        worse.kept, better.kept = False, True
        first_copy[r.page] = better
        found.append(
            finding(
                "warning",
                "VERIFY-PAGE-EXTRA.duplicate",
                max(earlier.scan.position, r.scan.position),
                r.page,
                first=min(earlier.scan.position, r.scan.position),
                item=d.item_title(r.page),
            )
        )
    for number in range(1, len(d.originals) + 1):
        if number not in first_copy:
            found.append(finding("error", "VERIFY-PAGE-MISSING", None, number, item=d.item_title(number)))
    kept = [r for r in results if r.page is not None and r.kept]
    in_order = _longest_increasing([r.page for r in kept if r.page is not None])
    for i, r in enumerate(kept):
        assert r.page is not None and r.match is not None
        if i not in in_order:
            before = [
                k.page for j, k in enumerate(kept) if j in in_order and k.page is not None and k.page < r.page
            ]
            entry = "VERIFY-PAGE-ORDER" if before else "VERIFY-PAGE-ORDER.first"
            found.append(
                finding(
                    "warning",
                    entry,
                    r.scan.position,
                    r.page,
                    item=d.item_title(r.page),
                    after=max(before, default=0),
                )
            )
        if r.match.rotation == 180:
            found.append(
                finding(
                    "warning",
                    "VERIFY-PAGE-UPSIDE-DOWN.upside_down",
                    r.scan.position,
                    r.page,
                    item=d.item_title(r.page),
                )
            )
        elif r.match.rotation:
            found.append(
                finding(
                    "warning",
                    "VERIFY-PAGE-UPSIDE-DOWN.sideways",
                    r.scan.position,
                    r.page,
                    item=d.item_title(r.page),
                    degrees=r.match.rotation,
                )
            )
    return found


def _signed_ink(r: PageResult) -> float:
    if r.added is None:
        return 0.0
    return float(r.added.red.sum() + r.added.pen.sum()) / 255


def verify_scan(
    scans: list[Path],
    folder: Path,
    seam: bool | None = None,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VerifyResult:
    """Verify a signed scan (PDFs or page images, in order) against the dossier folder it was printed from."""
    dossier, findings = open_dossier(folder)
    pages = load_scans(scans)
    workers = jobs or min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:  # OpenCV releases the GIL
        results = []
        for done, r in enumerate(pool.map(lambda s: _register(s, dossier.originals), pages), 1):
            results.append(r)
            if progress:
                progress(done, len(pages))
    if seam is None:
        seam = bool(dossier.manifest.get("seam", False))
    result = VerifyResult([str(s) for s in scans], dossier, results, findings)
    for r in results:
        if r.added is not None and r.page is not None:
            r.different = ink.unexplained(r.added, _allowed(dossier, r.page))
    unmatched = sum(r.page is None for r in results)
    different = [r for r in results if r.page is not None and sum(r.different) > DIFFERENT_PRINT_MM2]
    if unmatched + len(different) > len(results) / 2:
        result.findings.append(
            finding(
                "error",
                "VERIFY-WRONG-DOSSIER.scan",
                name=dossier.name,
                unmatched=unmatched,
                different=len(different),
                pages=len(results),
            )
        )
        return result
    result.findings += _sequence(dossier, results)
    for r in different:
        assert r.page is not None
        result.findings.append(
            finding(
                "error",
                "VERIFY-WRONG-DOSSIER.page",
                r.scan.position,
                r.page,
                item=dossier.item_title(r.page),
                extra=round(r.different[0]),
                missing=round(r.different[1]),
            )
        )
    for r in results:
        if r.page is not None and r.kept and r not in different:
            result.findings += _signing(dossier, r, seam)
    grey = [r for r in results if r.added is not None and r.added.grey_scan]
    if grey:
        result.findings.append(finding("warning", "VERIFY-SCAN-GREY", grey[0].scan.position))
    order = {"error": 0, "warning": 1}
    result.findings.sort(key=lambda f: (f.scan_page or 0, f.dossier_page or 0, order.get(f.severity, 2)))
    return result
