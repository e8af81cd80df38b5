"""A corpus of hostile and broken inputs: each ends in a documented exit code with a message naming the
file or field, never a traceback, and leaves every input byte-for-byte as it was.

Profile-level cases run through `check` (and `build`, which refuses them); attachment cases run through
one `build --force` batch, so that the attachments really reach normalisation.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from support import ROOT

SAMPLE_DIR = ROOT / "samples" / "n96"
SAMPLE = SAMPLE_DIR / "qinghe-96.toml"
REALWORLD = ROOT / "tests" / "resources" / "realworld"
DOCUMENTED = {0, 1, 2, 3, 70, 130}


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def replaced(old: str, new: str) -> Callable[[Path], object]:
    def mutate(profile: Path) -> None:
        text = sample_text()
        assert old in text, old
        profile.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def raw(content: bytes) -> Callable[[Path], object]:
    return lambda profile: profile.write_bytes(content)


# (id, mutation of the profile file, expected exit code of check, text the message must contain)
PROFILE_CASES: list[tuple[str, Callable[[Path], object], int, str]] = [
    ("unclosed-table", replaced("[company]", "[company"), 1, "行第"),
    ("unclosed-string", replaced('postcode = "310012"', 'postcode = "310012'), 1, "行第"),
    ("duplicate-key", replaced('postcode = "310012"', 'postcode = "310012"\npostcode = "310013"'), 1, "行第"),
    ("string-for-int", replaced("digits = 5", 'digits = "5"'), 1, "n96.digits"),
    ("int-out-of-choice", replaced("digits = 5", "digits = 7"), 1, "n96.digits"),
    ("string-for-array", replaced("[[branches]]", "branches_note = 1\n[[branches]]"), 1, "branches_note"),
    ("table-for-string", replaced('city = "宁波市"', "city = { name = 1 }"), 1, "branches[0].city"),
    ("string-date", replaced("date = 2026-11-20", 'date = "2026-11-20"'), 1, "signing.date"),
    ("datetime-for-date", replaced("date = 2026-11-20", "date = 2026-11-20T10:00:00"), 1, "signing.date"),
    (
        "attachments-not-list",
        replaced(
            'business_licence = ["attachments/营业执照.jpg"]', 'business_licence = "attachments/营业执照.jpg"'
        ),
        1,
        "attachments.business_licence",
    ),
    ("company-array", replaced("[company]", "[[company]]"), 1, "company"),
    ("misspelt-key", replaced('postcode = "310012"', 'postocde = "310012"'), 1, "postcode"),
    ("unknown-kind", replaced('kind = "n96"', 'kind = "n97"'), 1, "kind"),
    ("kind-not-string", replaced('kind = "n96"', "kind = 96"), 1, "kind"),
    ("missing-kind", replaced('kind = "n96"\n', ""), 1, "kind"),
    ("future-format", replaced("format = 1", "format = 2"), 1, "format"),
    ("missing-table", replaced("[service_head]", "[service_head_x]"), 1, "service_head"),
    ("missing-name", replaced('name = "林晓禾"\n', ""), 1, "legal_rep.name"),
    ("slash-in-name", replaced('name = "qinghe-96"', 'name = "../../etc"'), 1, "name"),
    ("nul-byte", raw(b'format = 1\nkind = "n96"\x00\n'), 1, "NUL"),
    ("binary-garbage", raw(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8), 1, "UTF-8"),
    ("utf16", raw(sample_text().encode("utf-16")), 1, "UTF-8"),
    ("empty-file", raw(b""), 1, "kind"),
    ("twenty-megabytes", replaced('effect = "', 'effect = "' + "长" * (7 * 1024 * 1024)), 1, "过大"),
    ("long-text-field", replaced('effect = "', 'effect = "' + "长" * 30_000), 1, "current_numbers.effect"),
    ("deep-nesting", raw(b'format = 1\nkind = "n96"\nx = ' + b"[" * 5000 + b"]" * 5000 + b"\n"), 1, "嵌套"),
]


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "numdossier.cli", *args], capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "mutate", "code", "needle"), PROFILE_CASES, ids=[c[0] for c in PROFILE_CASES]
)
def test_bad_profile(
    tmp_path: Path, case: str, mutate: Callable[[Path], object], code: int, needle: str
) -> None:
    folder = tmp_path / "client"
    shutil.copytree(SAMPLE_DIR, folder)
    profile = folder / "qinghe-96.toml"
    mutate(profile)
    before = tree_hashes(folder)
    result = run("check", "--format", "json", str(profile))
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    text = result.stdout
    assert needle in text, text[:2000]
    data = json.loads(text)
    assert data[0]["ok"] is False and data[0]["errors"] >= 1
    refused = run("build", str(profile), "-o", str(tmp_path / "out"))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("dossier.pdf"))
    assert tree_hashes(folder) == before


@pytest.mark.slow
def test_missing_profile_and_directory(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "nope.toml"))
    assert result.returncode == 1 and "不存在" in result.stdout and "Traceback" not in result.stderr
    # a folder stands for the profiles in it, as for build: none there is a usage error
    result = run("check", str(tmp_path))
    assert result.returncode == 2 and "文件夹" in result.stderr and "Traceback" not in result.stderr


# --- attachments ----------------------------------------------------------------------------------


def png_bomb(path: Path) -> None:
    """A valid PNG header claiming 40000 x 40000 pixels, a few hundred bytes on disk."""
    ihdr = struct.pack(">IIBBBBB", 40000, 40000, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    idat = zlib.compress(b"\0" * 1000)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def jpeg(path: Path, size: tuple[int, int] = (800, 600), **save: object) -> None:
    Image.new("RGB", size, (200, 200, 200)).save(path, "JPEG", **save)


def bogus_orientation(path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 9
    jpeg(path, exif=exif.tobytes())


def tiff_pages(path: Path, count: int) -> None:
    frames = [Image.new("1", (200, 280), 1) for _ in range(count)]
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:], compression="group4")


def broken_xref(path: Path) -> None:
    data = (REALWORLD / "004-pdflatex-4-pages.pdf").read_bytes()
    start = data.rfind(b"startxref")
    path.write_bytes(data[:start] + b"startxref\n999999\n%%EOF\n")


def truncated(path: Path) -> None:
    data = (REALWORLD / "026-multicolumn.pdf").read_bytes()
    path.write_bytes(data[: len(data) * 6 // 10])


def truncated_jpeg(path: Path) -> None:
    buffer = io.BytesIO()
    Image.effect_noise((1200, 900), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])


# (id, maker writing the file at `path`, written path in the profile (None: attachments/bad.<ext>),
#  extension, whether the dossier must still be built: None where either is right)
ATTACHMENT_CASES: list[tuple[str, Callable[[Path], object] | None, str | None, str, bool | None]] = [
    ("zero-bytes", lambda p: p.write_bytes(b""), None, "jpg", False),
    ("text-named-jpg", lambda p: p.write_text("我不是图片", encoding="utf-8"), None, "jpg", False),
    ("html-named-pdf", lambda p: p.write_text("<html>404</html>"), None, "pdf", False),
    ("gif", lambda p: Image.new("RGB", (50, 50)).save(p, "GIF"), None, "gif", False),
    ("truncated-pdf", truncated, None, "pdf", None),  # recovered or refused; either way, no traceback
    (
        "encrypted-pdf",
        lambda p: shutil.copy(REALWORLD / "005-libreoffice-writer-password.pdf", p),
        None,
        "pdf",
        False,
    ),
    ("broken-xref", broken_xref, None, "pdf", True),
    ("pdf-header-only", lambda p: p.write_bytes(b"%PDF-1.7\n%%EOF\n"), None, "pdf", False),
    ("directory", lambda p: p.mkdir(), None, "jpg", False),
    ("missing", None, "attachments/不存在.jpg", "jpg", False),
    ("dot-dot", None, "../outside.jpg", "jpg", False),
    ("absolute", None, "/etc/hostname", "jpg", False),
    ("symlink-out", lambda p: p.symlink_to("/etc/hostname"), None, "jpg", False),
    ("decompression-bomb", png_bomb, None, "png", False),
    ("tiff-500-pages", lambda p: tiff_pages(p, 500), None, "tiff", False),
    ("truncated-jpeg", truncated_jpeg, None, "jpg", None),
    ("bogus-exif-orientation", bogus_orientation, None, "jpg", True),
    ("dpi-zero", lambda p: jpeg(p, dpi=(0, 0)), None, "jpg", True),
    ("landscape", lambda p: jpeg(p, (3508, 2480), dpi=(300, 300)), None, "jpg", True),
    ("rotated-pdf", lambda p: shutil.copy(REALWORLD / "015-habibi-rotated.pdf", p), None, "pdf", True),
    ("pdf-form", lambda p: shutil.copy(REALWORLD / "012-libreoffice-form.pdf", p), None, "pdf", True),
    ("cmyk-pdf", lambda p: shutil.copy(REALWORLD / "023-cmyk-image.pdf", p), None, "pdf", True),
]


@pytest.mark.e2e
def test_bad_attachments_in_one_batch(tmp_path: Path) -> None:
    profiles: dict[str, Path] = {}
    for case, make, written, ext, _ in ATTACHMENT_CASES:
        folder = tmp_path / case
        shutil.copytree(SAMPLE_DIR, folder)
        path = written or f"attachments/bad.{ext}"
        if make is not None:
            make(folder / path)
        text = sample_text().replace('"attachments/营业执照.jpg"', json.dumps(path, ensure_ascii=False), 1)
        text = text.replace('name = "qinghe-96"', f'name = "{case}"', 1)
        (folder / "qinghe-96.toml").write_text(text, encoding="utf-8")
        profiles[case] = folder / "qinghe-96.toml"
    (tmp_path / "outside.jpg").write_bytes(b"\xff\xd8\xff")
    before = tree_hashes(tmp_path)
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "numdossier.cli",
            "build",
            *map(str, profiles.values()),
            "-o",
            str(out),
            "--force",
            "-j",
            "2",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        env=dict(os.environ, SOURCE_DATE_EPOCH="1795392000"),
    )
    assert result.returncode in DOCUMENTED
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    entries = {Path(e["profile"]).parent.name: e for e in json.loads(result.stdout)}
    for case, _, written, ext, builds in ATTACHMENT_CASES:
        entry = entries[case]
        if builds is True:
            assert entry["ok"], (case, result.stderr)
            assert (out / case / "dossier.pdf").is_file()
        elif builds is False:
            assert not entry["ok"], case
            assert not (out / case / "dossier.pdf").exists(), case
            shown = written or f"attachments/bad.{ext}"
            assert shown in result.stderr or any(f.get("file") == shown for f in entry["findings"]), (
                case,
                result.stderr[-3000:],
            )
    after = {k: v for k, v in tree_hashes(tmp_path).items() if not k.startswith("out/")}
    assert after == before
    leftovers = [p for p in out.rglob(".*")]
    assert not leftovers
