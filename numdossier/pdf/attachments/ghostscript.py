"""Ghostscript (gs) pdfwrite: probe, one locked-down run per PDF, a timeout, typed failures.

Used to embed fonts a PDF only names: pdfwrite replaces the base-14 and other standard fonts with their
metric-compatible URW base-35 equivalents (Nimbus Sans for Helvetica/Arial, Nimbus Roman for Times, …,
Debian's fonts-urw-base35) and embeds them as subsets; the text stays text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from numdossier.errors import EnvironmentProblem
from numdossier.rules import messages

TIMEOUT = 120.0  # a few pages of vector content take well under a second


def install_hint() -> str:
    return messages.text("pdf.ghostscript.install")


class GhostscriptMissing(EnvironmentProblem):
    """gs is not installed (exit 3, with the install command)."""


class GhostscriptFailed(Exception):
    """gs ran but gave no usable PDF (a crash, a timeout, an error in the input): the caller falls back."""


@cache
def find_gs() -> str:
    """The gs executable, or GhostscriptMissing."""
    override = os.environ.get("NUMDOSSIER_GS")
    found = shutil.which(override or "gs")
    if not found:
        raise GhostscriptMissing(
            messages.text("pdf.ghostscript.not_executable", path=override)
            if override
            else messages.text("pdf.ghostscript.missing"),
            install_hint(),
        )
    return found


def version() -> str:
    """`gs --version`, e.g. '10.00.0' (the probe)."""
    done = subprocess.run([find_gs(), "--version"], capture_output=True, text=True, timeout=30, check=False)
    return done.stdout.strip()


def embed_fonts(src: Path, out: Path, timeout: float = TIMEOUT) -> None:
    """Rewrite `src` to `out` with every font embedded; images, colours and page geometry left alone."""
    gs = find_gs()
    with tempfile.TemporaryDirectory(prefix="numdossier-gs-") as home:
        command = [
            gs,
            "-dSAFER",  # no file access beyond the input, the output and gs's own resources
            f"--permit-file-read={src}",
            "-dBATCH",
            "-dNOPAUSE",
            "-dQUIET",
            "-dNOINTERPOLATE",
            "-sDEVICE=pdfwrite",
            # /prepress: its NeverEmbed list is empty (the default one leaves base-14 fonts unembedded).
            "-dPDFSETTINGS=/prepress",
            "-dCompatibilityLevel=1.7",
            "-dPDFSTOPONERROR",
            "-dEmbedAllFonts=true",
            "-dSubsetFonts=true",
            "-dAutoRotatePages=/None",
            "-sColorConversionStrategy=LeaveColorUnchanged",
            # No second generation of the pictures: no downsampling, JPEGs passed through, the rest Flate.
            "-dDownsampleColorImages=false",
            "-dDownsampleGrayImages=false",
            "-dDownsampleMonoImages=false",
            "-dAutoFilterColorImages=false",
            "-dAutoFilterGrayImages=false",
            "-dColorImageFilter=/FlateEncode",
            "-dGrayImageFilter=/FlateEncode",
            "-dPassThroughJPEGImages=true",
            "-dPassThroughJPXImages=true",
            f"-sOutputFile={out}",
            str(src),
        ]
        # A clean environment: no GS_OPTIONS/GS_LIB from the user, nothing written to their home.
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LC_ALL": "C"}
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                timeout=timeout,
                env=env,
                cwd=home,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired as e:
            out.unlink(missing_ok=True)
            raise GhostscriptFailed(f"gs timed out after {timeout:.0f} s") from e
        except OSError as e:
            raise GhostscriptMissing(
                messages.text("pdf.ghostscript.cannot_run", detail=e.strerror or e), install_hint()
            ) from e
    if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
        out.unlink(missing_ok=True)
        detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        raise GhostscriptFailed(f"gs exited with {done.returncode}: {detail[-1] if detail else ''}")
