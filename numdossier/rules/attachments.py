"""Attachment inspection without LibreOffice: present, inside the profile's folder, readable, both sides."""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf

from ..kinds import Checklist
from ..profile import LoadedProfile
from .findings import Finding, error


@dataclass(frozen=True)
class AttachmentRef:
    """A file named in the profile: the field that names it and the path as written."""

    field: str
    path: str


def resolve(loaded: LoadedProfile, written: str) -> Path:
    return (loaded.folder / written).resolve()


def is_outside(loaded: LoadedProfile, written: str) -> bool:
    return not resolve(loaded, written).is_relative_to(loaded.folder)


def references(loaded: LoadedProfile, checklist: Checklist, profile: dict[str, Any]) -> list[AttachmentRef]:
    """Every file the profile names, in checklist order, with its field path; then the kind's extras."""
    refs = [AttachmentRef(r.field, r.path) for item in checklist.items for r in item.file_refs(profile)]
    kind = importlib.import_module(f"numdossier.kinds.{loaded.kind}")
    extra: Callable[[Any], list[tuple[str, str]]] | None = getattr(kind, "extra_files", None)
    if extra is not None:
        refs += [AttachmentRef(field, path) for field, path in extra(loaded.model)]
    return refs


def inspect_file(loaded: LoadedProfile, ref: AttachmentRef) -> tuple[list[Finding], int]:
    """Findings for one file, and its page count (0 when unusable)."""
    from ..pdf.attachments import sniff

    if is_outside(loaded, ref.path):
        return [
            error(
                "ATTACH-OUTSIDE",
                f"附件路径离开了配置文件所在的文件夹：{ref.path}",
                "请把扫描件放到配置文件所在文件夹（如 attachments/）内，并使用相对路径。",
                ref.field,
                ref.path,
            )
        ], 0
    path = resolve(loaded, ref.path)
    if not path.exists():
        return [
            error(
                "ATTACH-NOT-FOUND",
                f"附件文件不存在：{ref.path}",
                "请检查文件名和路径（相对于配置文件所在文件夹）。",
                ref.field,
                ref.path,
            )
        ], 0
    unreadable = error(
        "ATTACH-UNREADABLE",
        f"不是可识别的 PDF 或图片文件（JPEG/PNG/TIFF）：{ref.path}",
        "请提供扫描件的 PDF 或 JPEG/PNG/TIFF 文件，并确认文件完整。",
        ref.field,
        ref.path,
    )
    try:
        kind = sniff(path) if path.is_file() else None
    except OSError:
        kind = None
    if kind is None:
        return [unreadable], 0
    if kind != "pdf":
        return [], 1 if kind != "tiff" else _tiff_frames(path)
    try:
        with pikepdf.open(path) as pdf:
            return [], len(pdf.pages)
    except pikepdf.PasswordError:
        return [
            error(
                "ATTACH-ENCRYPTED",
                f"PDF 文件已加密（设有密码）：{ref.path}",
                "请去掉密码后再提供，例如：qpdf --decrypt --password=密码 原文件.pdf 新文件.pdf",
                ref.field,
                ref.path,
            )
        ], 0
    except (pikepdf.PdfError, OSError, ValueError):
        return [unreadable], 0


def _tiff_frames(path: Path) -> int:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return getattr(image, "n_frames", 1)
    except Exception:  # Pillow raises many types for broken images; the build reports the details
        return 1


def inspect(loaded: LoadedProfile, checklist: Checklist) -> list[Finding]:
    """Every attachment finding of the profile."""
    model = loaded.model
    profile = model.model_dump(mode="python")
    findings: list[Finding] = []
    known = checklist.attachment_keys
    for key in model.attachments:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            findings.append(
                error(
                    "ATTACH-UNKNOWN-ITEM",
                    f"[attachments] 中的 {key!r} 不是本类申请材料清单中的项目",
                    f"您是否想写 '{close[0]}'？" if close else f"可用的项目：{', '.join(known)}",
                    f"attachments.{key}",
                )
            )
    pages: dict[str, int] = {}
    for ref in references(loaded, checklist, profile):
        found, count = inspect_file(loaded, ref)
        findings += found
        pages[ref.field] = count

    for item in checklist.applicable(profile):
        if not item.is_required(profile):
            continue
        refs = item.file_refs(profile)
        if item.source == "attachments":
            for key in item.attachment_keys:
                mine = [r for r in refs if r.group == key]
                if not mine:
                    findings.append(
                        error(
                            "ATTACH-MISSING",
                            f"缺少必需的材料：{item.title}（attachments.{key}）",
                            f'请在 [attachments] 中填写 {key} = ["attachments/文件名.pdf"] 并放入扫描件。',
                            f"attachments.{key}",
                        )
                    )
                elif item.sides and 0 < sum(pages.get(r.field, 0) for r in mine) < 2:
                    findings.append(
                        error(
                            "ATTACH-SIDES",
                            f"{item.title}：attachments.{key} 只有 1 页，证件需要正反两面",
                            "请提供正面和反面两张图片，或一个至少 2 页的 PDF。",
                            f"attachments.{key}",
                        )
                    )
        elif item.source == "branches":
            branches = profile.get("branches") or []
            if not branches:
                findings.append(
                    error(
                        "ATTACH-MISSING",
                        f"缺少必需的材料：{item.title}（没有填写任何分支机构）",
                        "请为每个分支机构添加 [[branches]] 表并列出其证明文件。",
                        "branches",
                    )
                )
            for b, branch in enumerate(branches):
                if not branch.get("proofs"):
                    findings.append(
                        error(
                            "ATTACH-MISSING",
                            f"分支机构“{branch.get('name')}”没有证明文件",
                            "请在 proofs 中列出其营业执照及行业许可的扫描件。",
                            f"branches[{b}].proofs",
                        )
                    )
        elif item.source == "files" and not refs:
            findings.append(
                error(
                    "ATTACH-MISSING",
                    f"缺少必需的材料：{item.title}（{item.files}）",
                    f"请在配置文件的 {item.files} 中列出扫描件。",
                    item.files,
                )
            )
    return findings
