"""The validated options of each command: one pydantic model a command, built at the edge (cli.py) from
what the user typed and passed down; cross-field rules live in the models, their refusals in the
user's language (usage errors, exit 2)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .errors import NumdossierError, UsageError
from .rules.messages import language, text

Lang = Literal["zh", "en"]
Format = Literal["text", "json"]

# The option a field comes from, to name it in a refusal ("--today", not "today").
OPTION_NAMES = {
    "today": "--today",
    "jobs": "-j/--jobs",
    "converter": "--converter",
    "format": "--format",
    "lang": "--lang",
    "kind": "--kind",
    "template": "--template",
    "output": "-o/--output",
    "out": "-o/--output",
    "source": "SOURCE",
    "split": "--split",
    "force": "--force",
    "port": "--port",
    "offices": "--offices",
    "watermark": "--watermark",
    "templates": "--templates",
}


def _refuse(key: str, **values: Any) -> PydanticCustomError:
    """A refusal whose sentence comes from the catalogue (cli.usage.*), in the current language."""
    return PydanticCustomError(
        "numdossier_usage", "{sentence}", {"sentence": text(f"cli.usage.{key}", **values)}
    )


def _from_error(e: NumdossierError) -> PydanticCustomError:
    """A library's usage error (unknown kind, malformed converter address) as a refusal."""
    # the hint follows the message as its own sentence: the message's full stop is the template's
    message = e.message.rstrip(".。")
    sentence = text("cli.usage.with_hint", message=message, hint=e.hint) if e.hint else e.message
    return PydanticCustomError("numdossier_usage", "{sentence}", {"sentence": sentence})


def _known_kind(value: Any) -> Any:
    if isinstance(value, str):
        from .kinds import registry

        try:
            registry.get(value)
        except UsageError as e:
            raise _from_error(e) from None
    return value


class Options(BaseModel):
    """What every command takes: the language of its messages and whether to show internal detail."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lang: Lang = Field(default_factory=lambda: language())  # type: ignore[arg-type]
    debug: bool = False  # tracebacks of internal errors; build also writes OUT/<name>/build.log

    @field_validator("today", mode="before", check_fields=False)
    @classmethod
    def _date(cls, value: Any) -> Any:
        if value is None:
            return dt.date.today()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                raise _refuse("not_a_date", value=value) from None
        return value

    @field_validator("kind", mode="before", check_fields=False)
    @classmethod
    def _kind(cls, value: Any) -> Any:
        return _known_kind(value)


class InitOptions(Options):
    kind: str
    force: bool = False


class SchemaOptions(Options):
    kind: str


class CheckOptions(Options):
    today: dt.date = Field(default_factory=dt.date.today)
    templates: Path | None = None  # the agency folder: DIR/<kind>/<item>.docx, DIR/<kind>/checklist.toml
    format: Format = "text"
    report: Path | None = None  # also write the spreadsheet report

    @field_validator("templates")
    @classmethod
    def _agency_folder(cls, value: Path | None) -> Path | None:
        # a mistyped folder would build every dossier with the built-in templates, silently
        if value is not None and not value.is_dir():
            raise _refuse("no_templates_folder", path=str(value))
        return value

    @field_validator("report")
    @classmethod
    def _xlsx(cls, value: Path | None) -> Path | None:
        # refused before the work, not after a whole batch is built (report.write_report says the same)
        if value is not None and value.suffix.lower() != ".xlsx":
            raise _refuse("report_not_xlsx", path=str(value))
        return value


class BuildOptions(CheckOptions):
    """`build`: the batch's options; the pipeline and the worker processes receive the same object."""

    out: Path = Path("out")
    jobs: int | None = Field(default=None, ge=1)  # dossiers at once; None: the CPU cores
    force: bool = False  # build despite errors (recorded in the manifest)
    seam: bool = False
    watermark: str | None = None
    preview: bool = False
    converter: str | None = None  # unoserver://HOST:PORT[,...]; None: one-shot soffice runs

    @field_validator("converter")
    @classmethod
    def _converters(cls, value: str | None) -> str | None:
        if value is not None:
            from .convert.unoserver import parse_converters

            try:
                parse_converters(value)
            except UsageError as e:
                raise _from_error(e) from None
        return value

    @field_validator("watermark")
    @classmethod
    def _watermark(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise _refuse("empty_watermark")
        return value


class VerifyOptions(Options):
    dossier: Path
    seam: bool | None = None  # None: as the manifest says the dossier was built
    report: Path | None = None  # the marked-up PDF copy
    split: Path | None = None  # the upload set NN-<item>.pdf
    force: bool = False  # split despite errors
    jobs: int | None = Field(default=None, ge=1)
    format: Format = "text"

    @model_validator(mode="after")
    def _force_needs_split(self) -> Self:
        if self.force and self.split is None:
            raise _refuse("force_without_split")
        return self

    @field_validator("report")
    @classmethod
    def _pdf(cls, value: Path | None) -> Path | None:
        # the marked-up copy is a PDF: marked.txt would be a PDF under another name
        if value is not None and value.suffix.lower() != ".pdf":
            raise _refuse("report_not_pdf", path=str(value))
        return value


class ImportOptions(Options):
    """`import`: a spreadsheet of clients into profiles, or (`template`) the blank spreadsheet."""

    source: Path | None = None
    kind: str | None = None
    output: Path | None = None
    template: str | None = None
    force: bool = False
    today: dt.date = Field(default_factory=dt.date.today)

    @field_validator("template", mode="before")
    @classmethod
    def _template_kind(cls, value: Any) -> Any:
        return _known_kind(value)

    @model_validator(mode="after")
    def _one_mode(self) -> Self:
        if self.template is not None:
            if self.source is not None:
                raise _refuse("template_and_source")
            if self.output is None:
                raise _refuse("template_needs_output")
        elif self.source is None or self.kind is None:
            raise _refuse("import_needs_source_and_kind")
        return self


class ConverterOptions(Options):
    port: int = Field(default=2003, ge=1, le=65535)
    host: str = "127.0.0.1"
    offices: int | None = None  # start: LibreOffices converting at once; None: the default (server.py)

    @field_validator("offices")
    @classmethod
    def _offices(cls, value: int | None) -> int | None:
        from .convert.server import check_offices

        if value is not None:
            try:
                check_offices(value)
            except UsageError as e:
                raise _from_error(e) from None
        return value


class TemplateOptions(Options):
    """`template export|vars|check`."""

    kind: str
    item: str | None = None
    output: Path | None = None  # export: the .docx written
    template: Path | None = None  # check: the .docx checked
    preview: Path | None = None  # check: fill with the sample and convert to this PDF
    force: bool = False
    format: Format = "text"


def explain(error: ValidationError, arguments: dict[str, str] | None = None) -> UsageError:
    """A refused combination, as a usage error whose sentence names the option (or, for a field given
    as a positional argument, the argument as `arguments` writes it: KIND), in the user's language."""
    lines = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        option = (arguments or {}).get(field) or OPTION_NAMES.get(
            field, f"--{field.replace('_', '-')}" if field else ""
        )
        if problem["type"] == "numdossier_usage":
            sentence = str(problem["ctx"]["sentence"])
        else:
            sentence = text("cli.usage.invalid", value=problem.get("input"))
        lines.append(f"{option}: {sentence}" if option else sentence)
    return UsageError("\n".join(lines), text("cli.usage.see_help"))
