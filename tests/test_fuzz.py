"""Fuzzing: random and mutated profiles and random attachment bytes through `check` (and the attachment
normaliser used by `build`) only ever end in documented exit codes, never an unexpected exception.

The budget is small in `make test` (25), smaller in `make test-fast` (its hypothesis profile), and
`make fuzz` raises it with NUMDOSSIER_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ROOT, CliRunner

from numdossier.cli import app
from numdossier.errors import AttachmentError
from numdossier.pdf.attachments import attachment_to_pdf

SAMPLES = sorted(ROOT.glob("samples/*/*.toml"))
EXAMPLES = int(os.environ.get("NUMDOSSIER_FUZZ_EXAMPLES", "0")) or min(25, settings().max_examples)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
runner = CliRunner()


def check_exit(profile: Path) -> int:
    result = runner.invoke(app, ["check", "--format", "json", "--today", "2026-11-23", str(profile)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "内部错误" not in result.output, result.output
    return result.exit_code


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_as_profile(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "p.toml"
        profile.write_bytes(data)
        assert check_exit(profile) in (0, 1)


lines_mutation = st.tuples(
    st.sampled_from(["drop", "duplicate", "replace-value", "insert"]),
    st.integers(min_value=0, max_value=10_000),
    st.text(max_size=40),
)


@FUZZ
@given(st.sampled_from(SAMPLES), st.lists(lines_mutation, min_size=1, max_size=4))
def test_mutated_profiles(sample: Path, mutations: list[tuple[str, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "client"
        shutil.copytree(sample.parent, folder, copy_function=os.link)
        lines = sample.read_text(encoding="utf-8").splitlines()
        for kind, where, text in mutations:
            i = where % max(1, len(lines))
            if kind == "drop" and lines:
                del lines[i]
            elif kind == "duplicate" and lines:
                lines.insert(i, lines[i])
            elif kind == "replace-value" and lines and "=" in lines[i]:
                key = lines[i].split("=", 1)[0]
                lines[i] = f"{key}= {text!r}" if i % 2 else f"{key}= {len(text)}"
            else:
                lines.insert(i, text)
        profile = folder / sample.name
        profile.unlink()  # a hard link to the sample: replace it, never write through it
        profile.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        assert check_exit(profile) in (0, 1)


@FUZZ
@given(
    st.sampled_from([b"", b"%PDF-1.7\n", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*"]),
    st.binary(max_size=2048),
)
def test_random_attachment_bytes(header: bytes, body: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "client"
        sample = ROOT / "samples" / "n96" / "qinghe-96.toml"
        shutil.copytree(sample.parent, folder, copy_function=os.link)
        scan = folder / "attachments" / "营业执照.jpg"
        scan.unlink()
        scan.write_bytes(header + body)
        assert check_exit(folder / sample.name) in (0, 1)
        try:
            pages = attachment_to_pdf(scan, "attachments/营业执照.jpg", Path(tmp) / "out.pdf").pages
        except AttachmentError as e:
            assert "attachments/营业执照.jpg" in str(e)
        else:
            assert pages >= 1
