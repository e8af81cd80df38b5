"""The spreadsheet layout of a kind's profiles (columns, list sheets) and the empty template workbook.

One row per client on the first sheet, a column per profile path (`company.name`); each list of tables
(`branches`, `n96.equipment`) on a sheet of its own, keyed by the client's `name`. Derived from the
profile model, with the starter's comments as descriptions (the same ones the JSON Schema shows).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from . import atomic
from .errors import InputError, OutputError
from .rules import messages

MAIN_SHEET = "profiles"
KEY = "name"  # the column that names a client's profile, and keys the list sheets
HEADER_ROWS = 2  # row 1: the profile path; row 2: its Chinese title; data from row 3
TEMPLATE_ROWS = 200  # rows pre-formatted (text cells, validation lists) in the template
SKIPPED = ("format", "kind")  # fixed by --kind

Type = Literal["text", "texts", "int", "number", "bool", "date", "id_date", "choice"]
TEXT_FIELDS = ("uscc", "id_number", "holder_id", "mobile", "office_phone", "phone", "postcode", "number")


@dataclass(frozen=True)
class Column:
    """One profile field as a spreadsheet column."""

    path: str  # the profile path: "company.uscc"; on a list sheet "branches.city" (the element's field)
    type: Type
    choices: tuple[Any, ...] = ()
    required: bool = False
    title: str = ""
    description: str = ""


@dataclass(frozen=True)
class ListTable:
    """A list of tables (`branches`, `n96.equipment`): a sheet of its own, one row per element."""

    path: str
    columns: list[Column]
    title: str = ""
    description: str = ""

    @property
    def sheet(self) -> str:
        return self.path


@dataclass(frozen=True)
class Layout:
    kind: str
    columns: list[Column]  # the main sheet's, `name` first
    lists: list[ListTable] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)  # sub-table paths (company, n96.carrier...)

    def column(self, path: str) -> Column | None:
        return next((c for c in self.columns if c.path == path), None)

    def list_table(self, path: str) -> ListTable | None:
        return next((t for t in self.lists if t.path == path), None)


def _args(annotation: Any) -> tuple[Any, ...]:
    return typing.get_args(annotation)


def _strip(annotation: Any) -> Any:
    """Annotated[str, ...] -> str; X | None -> X."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = _args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in _args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return _strip(rest[0])
    return annotation


def _submodel(annotation: Any) -> type[BaseModel] | None:
    annotation = _strip(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _list_item(annotation: Any) -> Any | None:
    annotation = _strip(annotation)
    if typing.get_origin(annotation) is list:
        return _strip(_args(annotation)[0])
    return None


def _scalar(annotation: Any) -> tuple[Type, tuple[Any, ...]]:
    annotation = _strip(annotation)
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return "choice", _args(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [_strip(a) for a in _args(annotation) if a is not type(None)]
        if dt.date in members:
            return "id_date", ()  # dt.date | "long_term"
        if set(members) <= {int, float}:
            return "number", ()
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if annotation is float:
        return "number", ()
    if annotation is dt.date:
        return "date", ()
    if _list_item(annotation) is not None:
        return "texts", ()
    return "text", ()


def _texts(kind: str) -> dict[str, str]:
    from .schema import descriptions

    return descriptions(kind)


def _title(text: str, fallback: str) -> str:
    from .schema import _title as lead

    return lead(text) if text else fallback


def _column_title(full: str, texts: dict[str, str], generic: str) -> str:
    """The catalogue's field label (法定代表人姓名), else '<table>·<field>' from the starter's comments."""
    from .rules.messages import label, text

    found = label(generic)
    if found != generic:
        return found
    own = _title(texts.get(full, ""), full.rsplit(".", 1)[-1])
    parent = full.rsplit(".", 1)[0] if "." in full else ""
    table = _title(texts.get(parent, ""), "") if parent else ""
    return text("import.template.field_in_table", table=table, field=own) if table and table != own else own


def _columns(
    model: type[BaseModel], prefix: str, texts: dict[str, str], layout: Layout, in_list: str = ""
) -> list[Column]:
    """Columns of `model`'s fields (full paths); lists of tables go to layout.lists."""
    found: list[Column] = []
    for name, info in model.model_fields.items():
        if not prefix and name in SKIPPED:
            continue
        path = f"{prefix}{name}"
        if path in ("attachments", KEY):
            continue  # `name` is the first column; attachments get one column per checklist key
        sub = _submodel(info.annotation)
        item = _list_item(info.annotation)
        if sub is not None:
            layout.tables.append(path)
            found += _columns(sub, f"{path}.", texts, layout, in_list)
            continue
        item_model = _submodel(item) if item is not None else None
        if item_model is not None and not in_list:
            text = texts.get(path, "")
            columns = [Column(KEY, "text", required=True, title=messages.text("import.template.owner_title"))]
            columns += _columns(item_model, f"{path}.", texts, layout, path)
            layout.lists.append(ListTable(path, columns, _title(text, path), text))
            continue
        kind, choices = _scalar(info.annotation)
        generic = f"{in_list}[].{path[len(in_list) + 1 :]}" if in_list else path
        title = _column_title(path, texts, generic)
        found.append(Column(path, kind, choices, info.is_required(), title, texts.get(path, "")))
    return found


def layout(kind: str) -> Layout:
    """The spreadsheet layout of `kind`'s profiles."""
    from .kinds import load_checklist
    from .schema import model_for_kind

    model = model_for_kind(kind)
    texts = _texts(kind)
    result = Layout(kind, [])
    key = Column(
        KEY,
        "text",
        required=True,
        title=messages.text("import.template.key_title"),
        description=messages.text("import.template.key_required", text=texts.get(KEY, "")),
    )
    columns = [key] + _columns(model, "", texts, result)
    for item in load_checklist(kind).items:
        for name in item.attachment_keys:
            path = f"attachments.{name}"
            said = texts.get(path) or item.title
            columns.append(
                Column(
                    path,
                    "texts",
                    title=messages.text("import.template.attachment_title", title=_title(said, item.title)),
                    description=said,
                )
            )
    result.columns.extend(columns)
    return result


def enumeration(kind: str, column: Column) -> list[str]:
    """The values offered in a cell's drop-down list: the model's choices, or the form's options."""
    if column.type == "choice":
        return [str(c) for c in column.choices]
    if column.type == "bool":
        return ["true", "false"]
    if column.path == "company.industry":
        # a kind whose form has fixed 所属行业 boxes names them in its kind.toml: <kind>_industries
        from .kinds import registry

        industries = registry.get(kind).spec.settings.get(f"{kind}_industries")
        return [str(v) for v in industries] if isinstance(industries, list) else []
    return []


# --- the template workbook ------------------------------------------------------------------------


def _describe(column: Column, list_path: str = "") -> str:
    lines = [column.description or column.title]
    if column.type == "texts":
        lines.append(messages.text("import.template.many"))
    elif column.type in ("date", "id_date"):
        lines.append(messages.text("import.template.date"))
        if column.type == "id_date":
            lines.append(messages.text("import.template.long_term"))
    elif column.type == "bool":
        lines.append(messages.text("import.template.bool"))
    if column.required:
        lines.append(messages.text("import.template.required"))
    if list_path and column.path == KEY:
        lines = [messages.text("import.template.owner")]
    return "\n".join(lines)


def write_template(kind: str, target: Path, force: bool = False) -> Path:
    """An empty workbook for `kind`: header rows, comments, drop-down lists, text-formatted columns."""
    if target.exists() and not force:
        raise InputError(
            messages.text("import.template.exists", path=target), messages.text("import.template.exists_hint")
        )
    if target.suffix.lower() != ".xlsx":
        raise InputError(
            messages.text("import.template.not_xlsx", path=target),
            messages.text("import.template.not_xlsx_hint"),
        )
    from openpyxl import Workbook

    shape = layout(kind)
    book = Workbook()
    main = book.active
    assert main is not None
    main.title = MAIN_SHEET
    _fill_sheet(main, kind, shape.columns, "")
    for table in shape.lists:
        _fill_sheet(book.create_sheet(table.sheet), kind, table.columns, table.path)
    return save_workbook(book, target, messages.text("import.template.what"))


def save_workbook(book: Any, target: Path, what: str = "") -> Path:
    """Save an openpyxl workbook through a temporary name beside it: never a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with atomic.replacing(target) as temp:
            book.save(temp)
    except OSError as e:
        raise OutputError(
            messages.text("import.template.write", what=what, path=target, reason=e.strerror),
            messages.text("import.template.write_hint"),
        ) from None
    return target


def _fill_sheet(sheet: Any, kind: str, columns: list[Column], list_path: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    for index, column in enumerate(columns, 1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index, value=column.path)
        head.font = bold
        head.fill = required_fill if column.required else fill
        comment = Comment(_describe(column, list_path), "numdossier")
        comment.width, comment.height = 320, 140
        head.comment = comment
        title = sheet.cell(row=2, column=index, value=column.title)
        title.font = Font(italic=True, color="555555")
        title.alignment = Alignment(wrap_text=True)
        width = max(len(column.path), 2 * len(column.title)) + 2
        sheet.column_dimensions[letter].width = min(max(width, 10), 40)
        # Text columns are text-formatted, so that Excel keeps 11010519491231002X and 0571… as typed;
        # date columns get a date format (text dates are accepted too).
        number_format = {"date": "yyyy-mm-dd", "int": "0", "number": "General", "bool": "General"}.get(
            column.type, "@"
        )
        for row in range(HEADER_ROWS + 1, HEADER_ROWS + TEMPLATE_ROWS + 1):
            sheet.cell(row=row, column=index).number_format = number_format
        values = enumeration(kind, column)
        if values and len(",".join(values)) <= 255:  # Excel's limit for a literal list
            listing = ",".join(values)
            validation = DataValidation(type="list", formula1=f'"{listing}"', allow_blank=True)
            validation.error = messages.text("import.template.pick", values=list(values))
            validation.errorTitle = column.title
            validation.prompt = column.title
            validation.add(f"{letter}{HEADER_ROWS + 1}:{letter}{HEADER_ROWS + TEMPLATE_ROWS}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = f"B{HEADER_ROWS + 1}"
