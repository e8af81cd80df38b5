"""`check` starts light: the CLI and check's path import none of the build's PDF, DOCX and imaging libraries.

Not a timing test (timings go in `make bench`): what is imported is what makes `check` start slowly, and it
is the same on a loaded machine and on a quiet one.
"""

from __future__ import annotations

import json
import subprocess
import sys

from support import ROOT

# What building needs and checking does not: LibreOffice's client, the DOCX renderer, the assembler,
# the overlay writer, pdfium (page rendering), spreadsheets, and the build's own modules.
BUILD_ONLY = {
    "cv2",
    "numpy",
    "reportlab",
    "docxtpl",
    "docx",
    "lxml",
    "jinja2",
    "img2pdf",
    "pypdfium2",
    "openpyxl",
    "pypdf",
    "fontTools",
    "numdossier.batch",
    "numdossier.pipeline",
    "numdossier.convert",
    "numdossier.render.docx",
    "numdossier.pdf.assemble",
    "numdossier.pdf.overlay",
    "numdossier.signed.verify",
}
# Reading scans: `check` surveys each attachment (PDFs with pikepdf, images with Pillow) -- but only
# when it meets one; importing the CLI loads neither.
SCANS = {"pikepdf", "PIL", "phonenumbers"}

PROBE = """
import json, sys
import numdossier, numdossier.cli, numdossier.api, numdossier.check
from numdossier.check import check_profile
after_import = sorted(sys.modules)
function = callable(numdossier.check)
sys.argv = ["numdossier", "check", sys.argv[1], "--today", "2026-11-23", "--format", "json"]
from numdossier.cli import main
try:
    main()
except SystemExit as e:
    code = e.code
print(json.dumps({"import": after_import, "function": function, "check": sorted(sys.modules), "code": code}))
"""


def _loaded(modules: list[str], names: set[str]) -> list[str]:
    return sorted(n for n in names if n in modules)


def test_cli_and_check_import_none_of_the_build_libraries() -> None:
    profile = ROOT / "samples" / "n96" / "qinghe-96.toml"
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(profile)], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["code"] == 0  # the sample checks clean: the survey of its scans did run
    assert _loaded(result["import"], BUILD_ONLY | SCANS | {"numdossier.kinds.n96.profile"}) == []
    # the function numdossier.check survives the import of the submodule numdossier.check
    assert result["function"] is True
    assert _loaded(result["check"], BUILD_ONLY) == []
    # the survey needed the scan readers, and the one kind's model: the proof that check's path ran
    assert _loaded(result["check"], {"pikepdf", "PIL", "numdossier.kinds.n96.profile"}) == [
        "PIL",
        "numdossier.kinds.n96.profile",
        "pikepdf",
    ]
    # one kind's model, not every kind's
    assert _loaded(result["check"], {f"numdossier.kinds.{k}.profile" for k in ("n95", "n400", "ucc")}) == []


def test_the_console_script_starts_on_the_standard_library() -> None:
    """The console script (numdossier.resident:main) asks a resident numdossier before anything of the
    CLI is imported: its own import is the package and the standard library, not Typer, Rich or
    pydantic, and not numdossier.check (the package keeps its function `check` without importing it)."""
    probe = "import sys, numdossier.resident; print(' '.join(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    loaded = set(run.stdout.split())
    ours = sorted(m for m in loaded if m.startswith("numdossier"))
    assert ours == ["numdossier", "numdossier.resident"]
    assert (
        _loaded(sorted(loaded), {"typer", "rich", "click", "pydantic", "tomllib"} | BUILD_ONLY | SCANS) == []
    )
