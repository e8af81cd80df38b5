"""`import`: one client folder per spreadsheet row (.xlsx via openpyxl, or .csv), each profile checked; problems
name the cell.

The first sheet has one row per client and a column per profile path (sheets.layout); lists of tables
come from further sheets keyed by the client's `name`, or from numbered columns (`branches[0].city`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import atomic
from .errors import InputError, OutputError, UsageError
from .profile.loader import _describe_group, _group, field_path
from .rules import messages
from .rules.findings import Finding
from .sheets import HEADER_ROWS, KEY, MAIN_SHEET, Column, Layout, layout

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 1900-02-29
_NUMBERED = re.compile(r"^(?P<list>[a-z0-9_.]+)\[(?P<index>\d+)\]\.(?P<field>[a-z0-9_]+)$")
_SPLIT = re.compile(r"\s*(?:\n|;|；)\s*")
_TEXT_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_LONG_TERM = ("long_term", "长期", "长期有效")
_TRUE = ("true", "yes", "y", "1", "是", "已购置", "已租用", "✓", "√")
_FALSE = ("false", "no", "n", "0", "否", "计划购置", "计划租用", "")
# Columns whose numbers Excel rounds to 15 significant digits: a number there has lost its digits.
_DIGIT_STRINGS = ("uscc", "id_number", "holder_id", "account")


@dataclass(frozen=True)
class Cell:
    sheet: str
    row: int  # 1-based, as Excel shows it
    column: int  # 1-based

    @property
    def address(self) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.sheet}!{get_column_letter(self.column)}{self.row}"


@dataclass(frozen=True)
class CellProblem:
    """A problem of an imported row, at the cell it comes from."""

    severity: str  # "error" | "warning"
    cell: str  # "profiles!B7" (the row's name cell when no column holds the field)
    field: str | None
    message: str
    code: str = "IMPORT-CELL"
    hint: str = ""


@dataclass
class ImportedProfile:
    """One row: the profile written (or not), and its problems."""

    name: str
    row: str  # the address of the row's name cell
    path: Path | None = None
    problems: list[CellProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


@dataclass
class ImportResult:
    source: Path
    profiles: list[ImportedProfile] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)  # of the file, not of one row

    @property
    def ok(self) -> bool:
        return not self.problems and all(p.ok for p in self.profiles)


@dataclass
class Table:
    """A sheet as header paths and data rows (cell values as openpyxl or csv gives them)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number, values)


# --- reading ----------------------------------------------------------------------------------------


def read_tables(source: Path) -> list[Table]:
    """The sheets of an .xlsx file, or the one table of a .csv file."""
    if not source.is_file():
        raise InputError(
            messages.text("import.file.missing", source=source), messages.text("import.file.missing_hint")
        )
    suffix = source.suffix.lower()
    if suffix == ".csv":
        return [_csv_table(source)]
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_tables(source)
    raise UsageError(
        messages.text(
            "import.file.format", source=source, suffix=suffix or messages.text("import.file.no_suffix")
        ),
        messages.text("import.file.format_hint"),
    )


def _csv_table(source: Path) -> Table:
    raw = source.read_bytes()
    # Excel writes "CSV UTF-8" with a BOM, and plain "CSV" in the system code page (GB18030 in China).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(
            messages.text("import.file.encoding", source=source), messages.text("import.file.encoding_hint")
        )
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return _table(source.name, rows)


def _xlsx_tables(source: Path) -> list[Table]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(source, data_only=True, read_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as e:
        raise InputError(
            messages.text("import.file.workbook", source=source, error=type(e).__name__),
            messages.text("import.file.workbook_hint"),
        ) from None
    try:
        return [
            _table(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)])
            for sheet in book.worksheets
        ]
    finally:
        book.close()


def _table(name: str, rows: list[list[Any]]) -> Table:
    header_index = next((i for i, row in enumerate(rows) if any(_blank(v) is not None for v in row)), None)
    if header_index is None:
        return Table(name, [], [])
    header = [str(v).strip() if v is not None else "" for v in rows[header_index]]
    data = []
    for i, row in enumerate(rows[header_index + 1 :], header_index + 2):
        if all(_blank(v) is None for v in row):
            continue
        data.append((i, row))
    return Table(name, header, data)


def _blank(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


# --- cells to values --------------------------------------------------------------------------------


class CellValueError(ValueError):
    pass


def _number_text(value: float | int) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and 1 <= value < 2958466:  # an Excel date serial (a date cell read as a number, from a CSV)
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    if isinstance(value, str):
        text = value.strip()
        match = _TEXT_DATE.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
        elif re.fullmatch(r"\d{5}(\.\d+)?", text):
            return _as_date(float(text))
    raise CellValueError(messages.text("import.cell.date", value=repr(value)))


def convert(column: Column, value: Any) -> Any:
    """A cell's value as the profile wants it; raises CellValueError with a Chinese message."""
    name = column.path.rsplit(".", 1)[-1]
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if column.type in ("text", "texts") and numeric and name in _DIGIT_STRINGS and abs(value) >= 1e15:
        raise CellValueError(messages.text("import.cell.number_as_digits"))
    if column.type == "text":
        if isinstance(value, dt.datetime | dt.date):
            return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
        return (
            _number_text(value)
            if isinstance(value, int | float) and not isinstance(value, bool)
            else str(value).strip()
        )
    if column.type == "texts":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return [_number_text(value)]
        return [part for part in _SPLIT.split(str(value).strip()) if part]
    if column.type == "int":
        if isinstance(value, bool):
            raise CellValueError(messages.text("import.cell.integer", value=repr(value)))
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        text = str(value).strip().replace(",", "")
        if re.fullmatch(r"-?\d+(\.0+)?", text):
            return int(float(text))
        raise CellValueError(messages.text("import.cell.integer", value=repr(value)))
    if column.type == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value) if isinstance(value, float) and value.is_integer() else value
        text = str(value).strip().replace(",", "").removesuffix("%")
        try:
            number = float(text)
        except ValueError:
            raise CellValueError(messages.text("import.cell.number", value=repr(value))) from None
        return int(number) if number.is_integer() else number
    if column.type == "bool":
        if isinstance(value, bool):
            return value
        text = _number_text(value) if isinstance(value, int | float) else str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellValueError(messages.text("import.cell.bool", value=repr(value)))
    if column.type == "date":
        return _as_date(value)
    if column.type == "id_date":
        if isinstance(value, str) and value.strip() in _LONG_TERM:
            return "long_term"
        return _as_date(value)
    if column.type == "choice":
        for choice in column.choices:
            if isinstance(choice, int) and not isinstance(choice, bool):
                try:
                    if float(str(value).strip()) == choice:
                        return choice
                except ValueError:
                    continue
            elif str(value).strip() == choice:
                return choice
        allowed = " | ".join(str(c) for c in column.choices)
        raise CellValueError(
            messages.text("import.cell.choice", value=repr(str(value).strip()), allowed=allowed)
        )
    return value


# --- rows to profiles -------------------------------------------------------------------------------


@dataclass
class Row:
    """One client being assembled: the profile data, and where each field came from."""

    name: str
    key_cell: Cell
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)  # field path -> cell
    empty: dict[str, Cell] = field(default_factory=dict)  # field path -> its blank cell (a main-sheet column)
    problems: list[CellProblem] = field(default_factory=list)


def _put(data: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def _get_list(data: dict[str, Any], dotted: str) -> list[dict[str, Any]]:
    parts = dotted.split(".")
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    found: list[dict[str, Any]] = data.setdefault(parts[-1], [])
    return found


def _is_title_row(values: list[Any], titles: list[set[str]]) -> bool:
    """Row 2 of the template (the columns' titles, in any language) is not a client."""
    cells = [(str(v).strip() if v is not None else "") for v in values]
    filled = [(c, t) for c, t in zip(cells, titles, strict=False) if c]
    return bool(filled) and all(c in t for c, t in filled)


def _titles(header: list[str], columns: list[list[Column]]) -> list[set[str]]:
    """Each header's column titles in every language (`columns`: a sheet's columns, one list a language)."""
    by_path = [{c.path: c.title for c in found} for found in columns]
    return [{titles[h] for titles in by_path if h in titles} for h in header]


def _layouts(kind: str) -> list[Layout]:
    """The kind's layout in the current language, then in the others (a template's titles row may be
    in either)."""
    current = messages.language()
    found = [layout(kind)]
    for lang in messages.LANGUAGES:
        if lang != current:
            with messages.using(lang):
                found.append(layout(kind))
    return found


def _rows(kind: str, shapes: list[Layout], tables: list[Table], result: ImportResult) -> list[Row]:
    shape = shapes[0]
    if not tables or not tables[0].header:
        result.problems.append(
            CellProblem("error", f"{MAIN_SHEET}!A1", None, messages.text("import.sheet.empty"))
        )
        return []
    main = tables[0]
    by_path = {c.path: c for c in shape.columns}
    if KEY not in main.header:
        result.problems.append(
            CellProblem(
                "error",
                f"{main.name}!A1",
                KEY,
                messages.text("import.sheet.no_key", key=KEY),
                hint=messages.text("import.sheet.no_key_hint"),
            )
        )
        return []
    columns: dict[int, tuple[str, Column, str | None, int | None]] = {}  # index -> (path, column, list, n)
    for index, head in enumerate(main.header):
        if not head:
            continue
        numbered = _NUMBERED.match(head)
        if head in by_path:
            columns[index] = (head, by_path[head], None, None)
        elif numbered and shape.list_table(numbered["list"]):
            listed = shape.list_table(numbered["list"])
            assert listed is not None
            wanted = f"{listed.path}.{numbered['field']}"
            found = next((c for c in listed.columns if c.path == wanted), None)
            if found is not None:
                columns[index] = (head, found, listed.path, int(numbered["index"]))
                continue
            result.problems.append(
                CellProblem(
                    "error",
                    Cell(main.name, 1, index + 1).address,
                    head,
                    messages.text("import.sheet.unknown_column", head=repr(head)),
                )
            )
        else:
            result.problems.append(
                CellProblem(
                    "error", Cell(main.name, 1, index + 1).address, head, _unknown(head, list(by_path))
                )
            )
    titles = _titles(main.header, [s.columns for s in shapes])
    key_index = main.header.index(KEY)
    rows: list[Row] = []
    seen: dict[str, Cell] = {}
    for number, values in main.rows:
        if number == HEADER_ROWS and _is_title_row(values, titles):
            continue
        key_cell = Cell(main.name, number, key_index + 1)
        raw_name = values[key_index] if key_index < len(values) else None
        name = str(_number_text(raw_name) if isinstance(raw_name, int | float) else raw_name or "").strip()
        row = Row(name, key_cell)
        if not name:
            row.problems.append(
                CellProblem("error", key_cell.address, KEY, messages.text("import.row.no_name"))
            )
        elif not re.fullmatch(r"[^/\\\x00:*?\"<>|]{1,100}", name) or name in (".", ".."):
            row.problems.append(
                CellProblem(
                    "error",
                    key_cell.address,
                    KEY,
                    messages.text("import.row.bad_name", name=repr(name)),
                    hint=messages.text("import.row.bad_name_hint"),
                )
            )
        elif name in seen:
            row.problems.append(
                CellProblem(
                    "error",
                    key_cell.address,
                    KEY,
                    messages.text("import.row.duplicate", name=repr(name), other=seen[name].address),
                )
            )
        else:
            seen[name] = key_cell
        numbered_items: dict[tuple[str, int], dict[str, Any]] = {}
        for index, (path, column, list_path, n) in columns.items():
            value = _blank(values[index]) if index < len(values) else None
            cell = Cell(main.name, number, index + 1)
            if value is None and list_path is None and path != KEY:
                row.empty[path] = cell  # where a required field the row leaves blank is to be written
            if value is None or path == KEY:
                continue
            try:
                converted = convert(column, value)
            except CellValueError as e:
                row.problems.append(CellProblem("error", cell.address, path, str(e)))
                continue
            if list_path is None:
                _put(row.data, path, converted)
                row.cells[path] = cell
            else:
                assert n is not None
                item = numbered_items.setdefault((list_path, n), {})
                _put(item, column.path[len(list_path) + 1 :], converted)
                row.cells[f"{list_path}[{n}].{column.path[len(list_path) + 1 :]}"] = cell
        for (list_path, n), item in sorted(numbered_items.items()):
            elements = _get_list(row.data, list_path)
            # numbered columns may skip an index; the profile lists what is there, and the cells follow
            position = len(elements)
            elements.append(item)
            if position != n:
                for key in list(row.cells):
                    prefix = f"{list_path}[{n}]."
                    if key.startswith(prefix):
                        row.cells[f"{list_path}[{position}].{key[len(prefix) :]}"] = row.cells.pop(key)
        rows.append(row)
    by_name = {r.name: r for r in rows if r.name}
    for table in tables[1:]:
        _list_sheet(shapes, table, by_name, result)
    return rows


def _unknown(head: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(head, known, n=1, cutoff=0.6)
    if close:
        return messages.text("import.sheet.unknown_column_close", head=repr(head), close=close[0])
    return messages.text("import.sheet.unknown_column", head=repr(head))


def _list_sheet(shapes: list[Layout], table: Table, rows: dict[str, Row], result: ImportResult) -> None:
    shape = shapes[0]
    target = shape.list_table(table.name)
    if target is None:
        if table.header:
            known = ", ".join(t.path for t in shape.lists) or messages.text("import.sheet.no_lists")
            result.problems.append(
                CellProblem(
                    "warning",
                    f"{table.name}!A1",
                    None,
                    messages.text("import.sheet.not_a_list", sheet=repr(table.name), known=known),
                )
            )
        return
    by_path = {c.path: c for c in target.columns}
    if KEY not in table.header:
        result.problems.append(
            CellProblem(
                "error",
                f"{table.name}!A1",
                KEY,
                messages.text("import.sheet.list_no_key", sheet=table.name, key=KEY),
            )
        )
        return
    columns: dict[int, Column] = {}
    for index, head in enumerate(table.header):
        short = (
            f"{target.path}.{head}" if head and f"{target.path}.{head}" in by_path and head != KEY else head
        )
        if short in by_path:
            columns[index] = by_path[short]
        elif head:
            result.problems.append(
                CellProblem(
                    "error", Cell(table.name, 1, index + 1).address, head, _unknown(head, list(by_path))
                )
            )
    key_index = table.header.index(KEY)
    found = [s.list_table(table.name) for s in shapes]
    titles = _titles(table.header, [t.columns for t in found if t is not None])
    for number, values in table.rows:
        if number == HEADER_ROWS and _is_title_row(values, titles):
            continue
        key_cell = Cell(table.name, number, key_index + 1)
        raw = values[key_index] if key_index < len(values) else None
        owner = str(_number_text(raw) if isinstance(raw, int | float) else raw or "").strip()
        row = rows.get(owner)
        if row is None:
            result.problems.append(
                CellProblem(
                    "error",
                    key_cell.address,
                    KEY,
                    messages.text("import.row.no_owner", name=repr(owner), sheet=MAIN_SHEET)
                    if owner
                    else messages.text("import.row.no_owner_name"),
                )
            )
            continue
        elements = _get_list(row.data, target.path)
        position = len(elements)
        item: dict[str, Any] = {}
        for index, column in columns.items():
            value = _blank(values[index]) if index < len(values) else None
            if value is None or column.path == KEY:
                continue
            cell = Cell(table.name, number, index + 1)
            relative = column.path[len(target.path) + 1 :]
            try:
                _put(item, relative, convert(column, value))
            except CellValueError as e:
                row.problems.append(
                    CellProblem("error", cell.address, f"{target.path}[{position}].{relative}", str(e))
                )
                continue
            row.cells[f"{target.path}[{position}].{relative}"] = cell
        row.cells.setdefault(f"{target.path}[{position}]", key_cell)
        row.cells.setdefault(target.path, key_cell)  # a finding about the whole list: its first row
        elements.append(item)


def cell_for(row: Row, path: str | None) -> str:
    """The cell a field path comes from: the field's own, else its nearest parent's, else the name cell."""
    if path:
        candidate = path
        while candidate:
            if candidate in row.cells:
                return row.cells[candidate].address
            trimmed = re.sub(r"(\[\d+\]|\.[^.\[\]]+)$", "", candidate)
            if trimmed == candidate:
                break
            candidate = trimmed
    return row.key_cell.address


# --- profiles out -----------------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value)
    if "\n" in text:
        body = text.replace("\\", "\\\\").replace('"""', '""\\"')
        return '"""\n' + body + ('\n"""' if not body.endswith("\n") else '"""')
    return json.dumps(text, ensure_ascii=False)


def to_toml(data: dict[str, Any], header: str = "") -> str:
    """The profile as TOML, tables in the model's order (a TOML writer for the values a profile holds)."""
    lines: list[str] = [header] if header else []

    def table(values: dict[str, Any], path: str, array: bool) -> None:
        scalars = {k: v for k, v in values.items() if not _is_table(v)}
        if path:
            lines.append("")
            lines.append(f"[[{path}]]" if array else f"[{path}]")
        for key, value in scalars.items():
            lines.append(f"{key} = {_toml_value(value)}")
        for key, value in values.items():
            child = f"{path}.{key}" if path else key
            if isinstance(value, dict):
                table(value, child, False)
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                for element in value:
                    table(element, child, True)

    table(data, "", False)
    return "\n".join(lines) + "\n"


def _is_table(value: Any) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    )


def import_profiles(
    source: Path, kind: str, out: Path, *, force: bool = False, today: dt.date | None = None
) -> ImportResult:
    """Write DIR/<name>/profile.toml for every valid row and check each; every problem names its cell.

    Attachment paths in the sheet are relative to the client's folder DIR/<name>/, as in every profile."""
    from .check import check_profile
    from .init import PROFILE_NAME
    from .schema import model_for_kind, schema_filename, with_directive, write_schema

    model = model_for_kind(kind)
    result = ImportResult(source)
    rows = _rows(kind, _layouts(kind), read_tables(source), result)
    if any(p.severity == "error" for p in result.problems):
        for row in rows:
            result.profiles.append(ImportedProfile(row.name, row.key_cell.address, None, row.problems))
        return result
    for row in rows:
        imported = ImportedProfile(row.name, row.key_cell.address, None, list(row.problems))
        result.profiles.append(imported)
        if row.problems:
            continue
        data = {"format": 1, "kind": kind, "name": row.name, **row.data}
        try:
            profile = model.model_validate(data)
        except ValidationError as e:
            for group in _group(e.errors(include_url=False), model):
                problem, hint = _describe_group(group, model)
                where, _, message = problem.partition(": ")
                where = where if " " not in where else field_path(tuple(group[0]["loc"]))
                cell = cell_for(row, where)
                if group[0]["type"] == "missing":  # a blank cell (or no column): say which and where
                    blank = _blank_cell(row, where)
                    message = messages.text("import.row.missing", field=where)
                    said = "missing_column_hint" if not blank else "missing_hint"
                    if blank and where not in row.empty:
                        said = "missing_table_hint"  # a whole table: its columns are where.name, where.…
                    hint = messages.text(f"import.row.{said}", field=where)
                    cell = blank or cell
                imported.problems.append(CellProblem("error", cell, where or None, message, hint=hint or ""))
            continue
        target = out / row.name / PROFILE_NAME  # one folder per client, its scans in its attachments/
        if target.exists() and not force:
            imported.problems.append(
                CellProblem(
                    "error",
                    row.key_cell.address,
                    KEY,
                    messages.text("import.output.exists", path=target),
                    hint=messages.text("import.output.exists_hint"),
                )
            )
            continue
        _make_folder(out)  # only now: a sheet whose every row is refused leaves no empty folder behind
        target.parent.mkdir(parents=True, exist_ok=True)
        write_schema(target.parent, kind)
        dumped = profile.model_dump(mode="python", exclude_none=True)
        dumped["attachments"] = dumped.pop("attachments", {})  # last, as in the starter
        header = with_directive(
            "# " + messages.text("import.output.generated", source=source.name, row=row.key_cell.row),
            schema_filename(kind),
        )
        _write(target, to_toml(dumped, header))
        imported.path = target
        checked = check_profile(target, today or dt.date.today())
        imported.problems += [_at_cell(row, f) for f in checked.findings]
    return result


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(
            messages.text("import.output.folder", folder=out, reason=e.strerror),
            messages.text("import.output.folder_hint"),
        ) from None


def _blank_cell(row: Row, path: str) -> str | None:
    """The row's blank cell for a required field, or the first one of a required table's columns."""
    if path in row.empty:
        return row.empty[path].address
    under = [c for p, c in row.empty.items() if p.startswith(f"{path}.")]
    return under[0].address if under else None


def _at_cell(row: Row, finding: Finding) -> CellProblem:
    from .redact import redact

    return CellProblem(
        finding.severity,
        cell_for(row, finding.field),
        finding.field or finding.file,
        redact(finding.message),
        finding.code,
        redact(finding.hint),
    )


def _write(target: Path, text: str) -> None:
    try:
        atomic.write(target, text)
    except OSError as e:
        raise OutputError(
            messages.text("import.output.write", path=target, reason=e.strerror),
            messages.text("import.output.write_hint"),
        ) from None


def iter_problems(result: ImportResult) -> Iterator[tuple[str, CellProblem]]:
    """(profile name or '', problem), file problems first."""
    for problem in result.problems:
        yield "", problem
    for profile in result.profiles:
        for problem in profile.problems:
            yield profile.name, problem
