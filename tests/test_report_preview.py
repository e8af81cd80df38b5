"""`--report FILE.xlsx`, `build --preview` (contact sheets, preview.html) and the library API of the README."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader
from support import ROOT, CliRunner

import numdossier
from numdossier import preview
from numdossier.cli import app

SAMPLE_DIR = ROOT / "samples" / "n96"
SAMPLE = SAMPLE_DIR / "qinghe-96.toml"
BAD_ID = "330106198503120037"  # the sample's legal representative with a wrong check digit
runner = CliRunner()


def workbook_text(path: Path) -> str:
    book = load_workbook(path)
    return "\n".join(
        str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )


@pytest.fixture
def clients(tmp_path: Path) -> Path:
    """clients/: the n96 sample, and a copy of it with a wrong ID number and a wrong mobile number."""
    folder = tmp_path / "clients"
    shutil.copytree(SAMPLE_DIR, folder)
    text = SAMPLE.read_text(encoding="utf-8")
    bad = text.replace('id_number = "330106198503120036"', f'id_number = "{BAD_ID}"', 1)
    bad = bad.replace('name = "qinghe-96"', 'name = "broken-96"', 1).replace(
        'mobile = "13800138001"', 'mobile = "1380013800"'
    )
    assert bad != text
    (folder / "broken-96.toml").write_text(bad, encoding="utf-8")
    return folder


def test_check_report(clients: Path, tmp_path: Path) -> None:
    report = tmp_path / "reports" / "check.xlsx"
    profiles = [str(clients / "qinghe-96.toml"), str(clients / "broken-96.toml")]
    result = runner.invoke(app, ["check", *profiles, "--today", "2026-11-23", "--report", str(report)])
    assert result.exit_code == 1  # broken-96 has errors
    book = load_workbook(report)
    rows: list[tuple[Any, ...]] = list(book["材料"].iter_rows(values_only=True))
    assert rows[0] == ("材料包", "配置文件", "类型", "结果", "错误", "警告", "页数", "输出")
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"qinghe-96", "broken-96"}
    assert by_name["qinghe-96"][3:5] == ("通过", 0)
    assert by_name["broken-96"][3] == "有错误" and by_name["broken-96"][4] >= 2
    findings = list(book["问题"].iter_rows(values_only=True))
    assert findings[0] == ("材料包", "级别", "代码", "字段或文件", "说明", "提示")
    codes = {(r[0], r[2], r[3]) for r in findings[1:]}
    assert ("broken-96", "ID-FORMAT", "legal_rep.id_number") in codes
    assert ("broken-96", "PHONE-MOBILE", "legal_rep.mobile") in codes
    text = workbook_text(report)
    assert BAD_ID not in text and "3301**********0037" in text  # masked as everywhere


def test_library_check_and_load(clients: Path) -> None:
    import datetime as dt

    results = numdossier.check(clients, today=dt.date(2026, 11, 23))
    assert [type(r).__name__ for r in results] == ["CheckResult", "CheckResult"]
    assert {r.loaded.name: r.ok for r in results if r.loaded} == {"broken-96": False, "qinghe-96": True}
    loaded = numdossier.load(clients / "qinghe-96.toml")
    assert isinstance(loaded, numdossier.LoadedProfile) and loaded.kind == "n96"
    with pytest.raises(AttributeError):
        _ = numdossier.no_such_thing


def readme_script() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- readme-script -->\n```python\n(.*?)```", text, re.S)
    assert match, "the README's library example"
    return match.group(1)


def test_readme_script_is_ten_lines() -> None:
    lines = [line for line in readme_script().splitlines() if line.strip()]
    assert len(lines) <= 10


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The README's script run in a folder holding clients/ (the sample and a broken copy)."""
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(SAMPLE_DIR, root / "clients" / "qinghe-96")
    broken = root / "clients" / "broken-96"
    shutil.copytree(SAMPLE_DIR, broken)
    text = SAMPLE.read_text(encoding="utf-8")
    (broken / SAMPLE.name).write_text(
        text.replace('name = "qinghe-96"', 'name = "broken-96"').replace("330106198503120036", BAD_ID),
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-c", readme_script()], cwd=root, capture_output=True, text=True, timeout=600
    )
    return {"root": root, "run": run, "out": root / "out"}


@pytest.mark.e2e
def test_readme_script_builds_and_writes_the_report(built: dict[str, Any]) -> None:
    run = built["run"]
    assert run.returncode == 1, run.stderr  # broken-96 is not built
    assert (
        "✓ clients/qinghe-96/qinghe-96.toml" in run.stdout
        and "✗ clients/broken-96/qinghe-96.toml" in run.stdout
    )
    book = load_workbook(built["out"] / "report.xlsx")
    rows: dict[Any, tuple[Any, ...]] = {r[0]: r for r in list(book["材料"].iter_rows(values_only=True))[1:]}
    manifest = json.loads((built["out"] / "qinghe-96" / "manifest.json").read_text(encoding="utf-8"))
    assert rows["qinghe-96"][3] == "已生成" and rows["qinghe-96"][6] == manifest["pages"]
    assert rows["qinghe-96"][7].endswith("qinghe-96/dossier.pdf")
    assert rows["broken-96"][3] == "有错误，未生成" and rows["broken-96"][6] is None
    assert BAD_ID not in workbook_text(built["out"] / "report.xlsx")


@pytest.mark.e2e
def test_contact_sheet_shows_every_page_numbered_with_placeholders(built: dict[str, Any]) -> None:
    folder = built["out"] / "qinghe-96"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    pages = len(PdfReader(folder / "dossier.pdf").pages)
    assert manifest["pages"] == pages
    image = Image.open(folder / "preview.png").convert("RGB")
    rows = math.ceil(pages / preview.COLUMNS)
    thumb_h = round(preview.THUMB_WIDTH * 297 / 210)
    cell_w, cell_h = preview.THUMB_WIDTH + preview.GAP, thumb_h + preview.LABEL_HEIGHT + preview.GAP
    assert image.size == (
        preview.GAP + preview.COLUMNS * cell_w,
        preview.HEADER_HEIGHT + preview.GAP + rows * cell_h,
    )
    # the sheet is re-rendered from the PDF: same page count, and each thumbnail is there (not background)
    sheet = preview.contact_sheet(folder)
    assert sheet.pages == pages

    def origin(page: int) -> tuple[int, int]:
        i = page - 1
        return preview.GAP + (i % preview.COLUMNS) * cell_w, preview.HEADER_HEIGHT + preview.GAP + (
            i // preview.COLUMNS
        ) * cell_h

    for page in range(1, pages + 1):
        x, y = origin(page)
        assert image.getpixel((x + preview.THUMB_WIDTH // 2, y + 4)) != preview.BACKGROUND, page
    # after the last page, the rest of its row is background (none when the last page ends its row)
    assert (
        pages % preview.COLUMNS == 0
        or image.getpixel((origin(pages)[0] + cell_w + 10, origin(pages)[1] + 20)) == preview.BACKGROUND
    )
    # every seal placeholder is ringed in red on its page's thumbnail
    scale = preview.THUMB_WIDTH / (manifest["page_size_mm"][0] / preview.MM_PER_PT) / preview.MM_PER_PT
    assert manifest["placeholders"]
    for p in manifest["placeholders"]:
        x, y = origin(p["page"])
        cx, cy = p["center_mm"][0] * scale, p["center_mm"][1] * scale
        r = p["diameter_mm"] * scale / 2 + 1
        ring = [image.getpixel((round(x + cx + dx), round(y + cy))) for dx in (r - 1, r, r + 1, -r)]
        assert all(isinstance(px, tuple) for px in ring), ring  # an RGB image
        assert any(px[0] > 180 and px[1] < 90 and px[2] < 90 for px in ring if isinstance(px, tuple)), p


@pytest.mark.e2e
def test_preview_html_is_static_and_lists_findings(built: dict[str, Any]) -> None:
    page = (built["out"] / "preview.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert 'src="qinghe-96/preview.png"' in page
    assert "broken-96" in page and "ID-FORMAT" in page
    assert BAD_ID not in page
