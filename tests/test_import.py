"""`numdossier import`: template workbook -> filled -> profiles, Excel-typed values, problems at their cells."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_kind_registry
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from sheet_support import fill
from support import ROOT, CliRunner, model_as

from numdossier.cli import app
from numdossier.errors import ExitCode
from numdossier.importer import import_profiles, to_toml
from numdossier.kinds import registry
from numdossier.kinds.n96.profile import N96Profile
from numdossier.profile import load_profile
from numdossier.rules import messages
from numdossier.sheets import HEADER_ROWS, MAIN_SHEET, layout, write_template

demo = test_kind_registry.demo  # the throw-away kind, as a fixture here too
SAMPLE_DIR = ROOT / "samples" / "n96"
SAMPLE = SAMPLE_DIR / "qinghe-96.toml"
TODAY = dt.date(2026, 11, 23)
runner = CliRunner()


@pytest.fixture
def client(tmp_path: Path) -> Path:
    """clients/, where imported profiles are written, with the sample client's folder and its scans."""
    folder = tmp_path / "clients"
    shutil.copytree(SAMPLE_DIR / "attachments", folder / "qinghe-96" / "attachments")
    return folder


@pytest.fixture(scope="module", autouse=True)
def _short_templates() -> Iterator[None]:
    """Templates pre-format 10 rows instead of 200 here: openpyxl reads and writes every formatted cell,
    and no test needs more than a few rows."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("numdossier.sheets.TEMPLATE_ROWS", 10)
        yield


@pytest.fixture(scope="module")
def filled_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The n96 template filled with the sample, written once for the module (openpyxl is slow)."""
    folder = tmp_path_factory.mktemp("filled")
    template = write_template("n96", folder / "template.xlsx")
    return fill(template, folder / "filled.xlsx", [SAMPLE])


@pytest.fixture
def filled(filled_once: Path, tmp_path: Path) -> Path:
    """A copy of the filled template for one test to change."""
    return Path(shutil.copy(filled_once, tmp_path / "filled.xlsx"))


def column_of(sheet: Worksheet, path: str) -> int:
    return next(c.column for c in sheet[1] if c.value == path)


class Cells:
    """Changes to a workbook's cells by field path, saved once when the `with` block ends."""

    def __init__(self, workbook: Path) -> None:
        self.workbook = workbook
        self.book = load_workbook(workbook)

    def set(self, path: str, value: Any, sheet: str = MAIN_SHEET, row: int = HEADER_ROWS + 1) -> str:
        """Write `value` in the column of `path`; returns the cell's address as import reports it."""
        ws = self.book[sheet]
        cell = ws.cell(row=row, column=column_of(ws, path), value=value)
        return f"{sheet}!{cell.coordinate}"

    def __enter__(self) -> Cells:
        return self

    def __exit__(self, *exc: object) -> None:
        self.book.save(self.workbook)


def sample_data() -> dict[str, Any]:
    return tomllib.loads(SAMPLE.read_text(encoding="utf-8"))


def test_template_has_headers_comments_lists_and_text_columns(tmp_path: Path) -> None:
    target = tmp_path / "n96.xlsx"
    result = runner.invoke(app, ["import", "--template", "n96", "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = load_workbook(target)
    assert book.sheetnames == [MAIN_SHEET, "branches", "n96.equipment", "n96.trunks"]
    ws = book[MAIN_SHEET]
    heads = {c.value: c for c in ws[1] if isinstance(c, Cell)}
    assert list(heads)[0] == "name"
    assert "legal_rep.id_number" in heads and "attachments.business_licence" in heads
    titles = {ws.cell(row=2, column=c.column).value for c in heads.values()}
    assert {"统一社会信用代码", "法定代表人证件号码"} <= titles
    comment = heads["company.name"].comment
    assert comment is not None and "营业执照" in comment.text
    for path in (
        "company.uscc",
        "legal_rep.id_number",
        "legal_rep.mobile",
        "legal_rep.office_phone",
        "company.postcode",
    ):
        assert ws.cell(row=HEADER_ROWS + 1, column=heads[path].column).number_format == "@", path
    assert ws.cell(row=HEADER_ROWS + 1, column=heads["signing.date"].column).number_format == "yyyy-mm-dd"
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}
    letter = heads["legal_rep.id_type"].column_letter
    assert "resident_id" in lists[f"{letter}3"] and "passport" in lists[f"{letter}3"]
    assert "物流" in lists[f"{heads['company.industry'].column_letter}3"]
    trunks = book["n96.trunks"]
    carrier = next(c for c in trunks[1] if c.value == "n96.trunks.carrier")
    assert any(
        "中国广电" in v.formula1
        for v in trunks.data_validations.dataValidation
        if carrier.column_letter in str(v.sqref)
    )
    # never overwritten without --force
    again = runner.invoke(app, ["import", "--template", "n96", "-o", str(target)])
    assert again.exit_code == ExitCode.input_error and "--force" in again.output


def test_an_english_template_names_a_tables_field_in_english(tmp_path: Path) -> None:
    target = tmp_path / "n96.xlsx"
    result = runner.invoke(app, ["--lang", "en", "import", "--template", "n96", "-o", str(target)])
    assert result.exit_code == 0, result.output
    titles = [c.value for c in load_workbook(target)["branches"][2]]
    assert "Branches · Branch name" in titles  # not the Chinese "Branches·Branch name"
    assert not [t for t in titles if "·" in str(t) and " · " not in str(t)], titles


@pytest.mark.parametrize("kind", registry.names())
def test_every_kind_has_a_template_whose_columns_cover_its_sample(kind: str, tmp_path: Path) -> None:
    sample = next((ROOT / "samples" / kind).glob("*.toml"), None)
    if sample is None:
        pytest.skip(f"samples/{kind}/ has no profile yet")
    template = write_template(kind, tmp_path / f"{kind}.xlsx")
    workbook = fill(template, tmp_path / "filled.xlsx", [sample])
    folder = tmp_path / "out"
    name = tomllib.loads(sample.read_text(encoding="utf-8")).get("name", sample.stem)
    shutil.copytree(sample.parent / "attachments", folder / name / "attachments")
    result = import_profiles(workbook, kind, folder, today=TODAY)
    assert [(p.cell, p.code, p.message) for p in result.problems] == []
    (imported,) = result.profiles
    assert [(p.cell, p.code, p.message) for p in imported.problems] == []
    # the same profile as the sample, field for field
    original = load_profile(sample).model.model_dump()
    original["name"] = original["name"] or sample.stem
    assert imported.path is not None
    assert load_profile(imported.path).model.model_dump() == original
    assert imported.path.read_text(encoding="utf-8").startswith(f"#:schema ./numdossier-{kind}.schema.json\n")


def test_excel_dates_text_dates_and_numbers(filled: Path, client: Path) -> None:
    with Cells(filled) as cells:
        cells.set("signing.date", "2026年11月20日")  # a date typed as text
        cells.set("legal_rep.id_valid_until", 50161)  # an Excel serial: 2037-05-01
        cells.set("company.postcode", 310012)  # typed as a number
        cells.set("company.registered_capital", "5000")  # a number as text
        cells.set("n96.digits", 5.0)  # Excel's numbers are floats
        cells.set("n96.connect_rate", "95%")
        cells.set("n96.trunks.purchased", "是", sheet="n96.trunks", row=3)
    result = import_profiles(filled, "n96", client, today=TODAY)
    assert result.ok, [(p.cell, p.message) for p in result.profiles[0].problems]
    assert result.profiles[0].path is not None
    model = model_as(load_profile(result.profiles[0].path), N96Profile)
    assert model.signing.date == dt.date(2026, 11, 20)
    assert model.legal_rep.id_valid_until == dt.date(2037, 5, 1)
    assert model.company.postcode == "310012"
    assert model.company.registered_capital == 5000
    assert model.n96.digits == 5 and model.n96.connect_rate == 95
    assert model.n96.trunks[0].purchased is True


def test_bad_cells_are_reported_with_their_address(filled: Path, client: Path) -> None:
    with Cells(filled) as cells:
        id_cell = cells.set("legal_rep.id_number", "330106198503120037")  # wrong check digit
        type_cell = cells.set("legal_rep.id_type", "身份证")  # not one of the list
    result = import_profiles(filled, "n96", client, today=TODAY)
    (row,) = result.profiles
    assert row.path is None  # not a valid profile: nothing written
    assert [(p.cell, p.field) for p in row.problems] == [(type_cell, "legal_rep.id_type")]
    assert "resident_id" in row.problems[0].message
    with Cells(filled) as cells:
        cells.set("legal_rep.id_type", "resident_id")
    result = import_profiles(filled, "n96", client, today=TODAY)
    (row,) = result.profiles
    assert row.path is not None and not row.ok
    found = {(p.cell, p.field, p.code) for p in row.problems}
    assert (id_cell, "legal_rep.id_number", "ID-FORMAT") in found
    message = next(p.message for p in row.problems if p.cell == id_cell)
    assert "330106198503120037" not in message  # ID numbers masked, as everywhere


def test_text_cell_problems_and_list_sheet_cells(filled: Path, client: Path) -> None:
    with Cells(filled) as cells:
        date_cell = cells.set("signing.date", "下周一")
        id_cell = cells.set("number_contact.id_number", 330102199007050040)  # Excel made it a number
        city_cell = cells.set("branches.city", "南京市", sheet="branches", row=4)  # not in 浙江省
    result = import_profiles(filled, "n96", client, today=TODAY)
    (row,) = result.profiles
    problems = {p.cell: p for p in row.problems}
    assert "不是日期" in problems[date_cell].message and problems[date_cell].field == "signing.date"
    assert "15 位" in problems[id_cell].message
    assert city_cell not in problems  # the row failed before check; fix the two cells and import again
    with Cells(filled) as cells:
        cells.set("signing.date", dt.datetime(2026, 11, 20))
        cells.set("number_contact.id_number", "33010219900705004X")
    result = import_profiles(filled, "n96", client, today=TODAY, force=True)
    (row,) = result.profiles
    assert ("branches!A3", "branches", "N96-BRANCH-COVERAGE") in {
        (p.cell, p.field, p.code) for p in row.problems
    }
    by_cell = {p.cell: p for p in row.problems}
    assert by_cell[city_cell].field == "branches[1].city", by_cell


def test_a_blank_required_cell_is_named_at_its_own_cell(filled: Path, tmp_path: Path) -> None:
    """A required field left blank: its own cell (not the row's name cell), a sentence, and a fix; a
    sheet whose every row is refused leaves no empty output folder behind."""

    def clear(cells: Cells, path: str) -> str:
        cell = cells.book[MAIN_SHEET].cell(
            row=HEADER_ROWS + 1, column=column_of(cells.book[MAIN_SHEET], path)
        )
        cell.value = None  # (ws.cell(value=None) leaves the value)
        return f"{MAIN_SHEET}!{cell.coordinate}"

    with Cells(filled) as cells:
        address = clear(cells, "legal_rep.name")
        heads = [str(c.value) for c in cells.book[MAIN_SHEET][1]]
        service = [clear(cells, h) for h in heads if h.startswith("service_head.")][0]
        cells.set("name", "bad/name", row=HEADER_ROWS + 2)
        cells.set("company.name", "x", row=HEADER_ROWS + 2)
    out = tmp_path / "clients"
    with messages.using("en"):
        result = import_profiles(filled, "n96", out, today=TODAY)
    first, second = result.profiles
    by_field = {p.field: p for p in first.problems}
    assert by_field["legal_rep.name"].cell == address
    assert by_field["legal_rep.name"].message == "legal_rep.name is required, but this row leaves it blank"
    assert by_field["legal_rep.name"].hint == "Fill in legal_rep.name in this row."
    assert by_field["service_head"].cell == service  # a whole table: its first column
    assert "service_head.… columns" in by_field["service_head"].hint
    (named,) = [p for p in second.problems if p.field == "name"]
    assert "cannot be a folder name" in named.message and "/" in named.hint
    assert not out.exists()


def test_existing_profiles_need_force(filled: Path, client: Path) -> None:
    assert import_profiles(filled, "n96", client, today=TODAY).ok
    profile = client / "qinghe-96" / "profile.toml"
    profile.write_text("# mine\n", encoding="utf-8")
    result = import_profiles(filled, "n96", client, today=TODAY)
    assert not result.ok and "--force" in result.profiles[0].problems[0].hint
    assert profile.read_text(encoding="utf-8") == "# mine\n"
    assert import_profiles(filled, "n96", client, today=TODAY, force=True).ok
    assert load_profile(profile).model.company.name == "浙江青禾示例物流有限公司"


def test_csv_with_numbered_list_columns(tmp_path: Path, client: Path) -> None:
    data = sample_data()
    shape = layout("n96")
    row: dict[str, str] = {"name": "csv-client"}
    from sheet_support import flatten

    flat = flatten(data)
    for column in shape.columns:
        value = flat.get(column.path)
        if value is None or column.path == "name":
            continue
        if isinstance(value, list):
            value = ";".join(value)
        row[column.path] = str(value).lower() if isinstance(value, bool) else str(value)
    for name, elements in (("branches", data["branches"]), ("n96.equipment", data["n96"]["equipment"])):
        for i, element in enumerate(elements):
            for key, value in element.items():
                text = ";".join(value) if isinstance(value, list) else str(value)
                row[f"{name}[{i}].{key}"] = text.lower() if isinstance(value, bool) else text
    for i, trunk in enumerate(data["n96"]["trunks"]):
        for key, value in trunk.items():
            row[f"n96.trunks[{i}].{key}"] = str(value).lower() if isinstance(value, bool) else str(value)
    import csv

    shutil.copytree(SAMPLE_DIR / "attachments", client / "csv-client" / "attachments")
    source = tmp_path / "crm.csv"
    with source.open("w", encoding="gb18030", newline="") as f:  # Excel's "CSV" on a Chinese system
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    result = runner.invoke(
        app, ["import", str(source), "--kind", "n96", "-o", str(client), "--today", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    model = model_as(load_profile(client / "csv-client" / "profile.toml"), N96Profile)
    original = model_as(load_profile(SAMPLE), N96Profile)
    assert model.branches == original.branches and model.n96 == original.n96
    assert model.signing.date == original.signing.date


def test_unknown_columns_and_missing_key(tmp_path: Path, client: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("name,company.nmae\nx,y\n", encoding="utf-8")
    result = import_profiles(source, "n96", client, today=TODAY)
    assert [(p.cell, p.message) for p in result.problems] == [
        ("bad.csv!B1", "未知的列 'company.nmae'，您是否想写 'company.name'？")
    ]
    source.write_text("company.name\ny\n", encoding="utf-8")
    result = import_profiles(source, "n96", client, today=TODAY)
    assert "缺少 name 列" in result.problems[0].message
    assert not list(client.glob("*/*.toml"))


def test_toml_writer_round_trips() -> None:
    data = {
        "format": 1,
        "text": 'a "quoted" \\ value',
        "multi": 'line one\nline "two"\n',
        "day": dt.date(2026, 11, 23),
        "flags": [True, False],
        "table": {"x": 1.5, "inner": {"y": ["a", "b"]}},
        "rows": [{"a": 1}, {"a": 2, "sub": {"b": "c"}}],
    }
    assert tomllib.loads(to_toml(data)) == data


@pytest.mark.e2e
def test_round_trip_template_to_built_dossier(filled: Path, client: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["import", str(filled), "--kind", "n96", "-o", str(client), "--today", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    profile = client / "qinghe-96" / "profile.toml"
    check = runner.invoke(app, ["check", str(profile), "--today", "2026-11-23", "--format", "json"])
    assert check.exit_code == 0 and json.loads(check.stdout)[0]["errors"] == 0
    out = tmp_path / "out"
    build = runner.invoke(app, ["build", str(profile), "-o", str(out), "--today", "2026-11-23", "-j", "1"])
    assert build.exit_code == 0, build.output
    manifest = json.loads((out / "qinghe-96" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["pages"] > 10 and (out / "qinghe-96" / "dossier.pdf").is_file()


def test_a_registered_kind_gets_schema_template_and_import(demo: Path, tmp_path: Path) -> None:
    """A kind is only its folder and model: schema, template and import follow from them."""
    from numdossier.schema import json_schema

    schema = json_schema("demo")
    assert schema["properties"]["demo"]["properties"]["purpose"]["description"] == "用途"
    template = write_template("demo", tmp_path / "demo.xlsx")
    book = load_workbook(template)
    heads = [c.value for c in book[MAIN_SHEET][1]]
    assert {"name", "company.uscc", "demo.purpose", "attachments.business_licence"} <= set(heads)
    values = {
        "name": "demo-client",
        "company.name": "示例演示科技有限公司",
        "company.uscc": "91330106MA2H7K316F",
        "company.address": "浙江省杭州市西湖区示例路 1 号",
        "company.postcode": "310000",
        "legal_rep.name": "张示例",
        "legal_rep.id_number": "330106198503120036",
        "number_contact.name": "李示例",
        "demo.purpose": "演示用途",
    }
    for column, head in enumerate(heads, 1):
        if isinstance(head, str) and head in values:
            book[MAIN_SHEET].cell(row=HEADER_ROWS + 1, column=column, value=values[head])
    book.save(template)
    result = import_profiles(template, "demo", tmp_path / "clients", today=TODAY)
    (row,) = result.profiles
    assert row.path is not None
    # the demo kind's model is made by the test: its fields are not known to mypy
    assert load_profile(row.path).model.demo.purpose == "演示用途"  # type: ignore[attr-defined]
