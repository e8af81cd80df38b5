"""Fill a numdossier template workbook from a profile, as an agency would type it (openpyxl)."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from numdossier.sheets import HEADER_ROWS, MAIN_SHEET


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{'company': {'name': x}} -> {'company.name': x}; lists of tables are left as lists."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and path != "attachments":
            out.update(flatten(value, f"{path}."))
        elif isinstance(value, dict):
            out.update({f"attachments.{k}": v for k, v in value.items()})
        else:
            out[path] = value
    return out


def cell_value(value: Any) -> Any:
    """Lists of strings as one cell, one value a line; dates as Excel dates; the rest as is."""
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return value


def fill(template: Path, target: Path, profiles: list[Path]) -> Path:
    """The template with one row per profile and the list sheets filled."""
    book = load_workbook(template)
    main = book[MAIN_SHEET]
    header = [c.value for c in main[1]]
    for n, path in enumerate(profiles):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        data.setdefault("name", path.stem)
        flat = flatten(data)
        row = HEADER_ROWS + 1 + n
        for index, head in enumerate(header, 1):
            value = flat.get(str(head))
            if value is not None and not (isinstance(value, list) and value and isinstance(value[0], dict)):
                main.cell(row=row, column=index, value=cell_value(value))
        for sheet in book.worksheets[1:]:
            heads = [c.value for c in sheet[1]]
            elements = flat.get(sheet.title) or []
            start = sheet.max_row + 1 if sheet.cell(row=HEADER_ROWS + 1, column=1).value else HEADER_ROWS + 1
            start = max(start, _first_free(sheet))
            for i, element in enumerate(elements):
                item = flatten(element, f"{sheet.title}.")
                for index, head in enumerate(heads, 1):
                    value = data["name"] if head == "name" else item.get(str(head))
                    if value is not None:
                        sheet.cell(row=start + i, column=index, value=cell_value(value))
    book.save(target)
    return target


def _first_free(sheet: Any) -> int:
    row = HEADER_ROWS + 1
    while sheet.cell(row=row, column=1).value not in (None, ""):
        row += 1
    return row
