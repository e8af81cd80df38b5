"""The command line: parse options, call the core, turn results and errors into output and exit codes.

Each command builds its validated options object (numdossier.options) from what was typed and passes
it down, inside `messages.using(lang)`: every sentence printed here comes from the catalogue
(rules/data/messages/cli.toml). Click renders --help and its usage errors before any command runs, so the
command line's language is read from the arguments first (`--lang`, else NUMDOSSIER_LANG, else Chinese) and
the help texts, Typer's panel titles and Click's usage errors are said in it (`_Command`, `_Group`)."""

from __future__ import annotations

import contextlib
import difflib
import functools
import inspect
import os
import re
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer._click import exceptions as clicks  # Typer >= 0.26 carries its own Click (pyproject's pin)
from typer._click.globals import get_current_context
from typer.core import TyperCommand, TyperGroup

from .check import CheckResult
from .errors import ExitCode, NumdossierError
from .redact import redact
from .rules import messages
from .rules.messages import text


def language(option: str | None) -> str:
    """--lang, else NUMDOSSIER_LANG (read here, once, for every command), else Chinese."""
    return messages.normalise(option) or messages.normalise(os.environ.get("NUMDOSSIER_LANG")) or "zh"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def spoken_in(args: Sequence[str]) -> str | None:
    """The language the arguments ask for: the last `--lang X` / `--lang=X` before a `--`, if X is one
    --lang accepts (else None: the default, and the parser then refuses the value in that language)."""
    found: str | None = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang":
            value = args[i + 1] if i + 1 < len(args) else ""
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        found = value if value in {lang.value for lang in Lang} else None
    return found


# Each help text as Typer was given it (in NUMDOSSIER_LANG's language, at import), with its key and
# values: Typer copies the texts into its Click objects, which say them again in --lang's language.
_SAID: dict[str, tuple[str, dict[str, Any]]] = {}


def _say(key: str, values: dict[str, Any]) -> str:
    """The help text `key` in the current language; callable values are asked each time (kinds' titles)."""
    return text(f"cli.help.{key}", **{k: v() if callable(v) else v for k, v in values.items()})


def _help(key: str, **values: Any) -> str:
    """A help text: the words Typer is given now, said again when shown (see `say_again`)."""
    with messages.using(language(None)):
        said = _say(key, values)
    _SAID.setdefault(said, (key, values))
    return said


def _again(said: str | None) -> str | None:
    """A help text in the current language (None, or a text not from `_help`, as it is)."""
    known = _SAID.get(said) if said else None
    if known is None:
        return said
    again = _say(*known)
    _SAID.setdefault(again, known)
    return again


def _kinds_titled() -> str:
    from .kinds import registry

    return text("cli.help.kinds_sep").join(
        text("cli.help.kind_titled", name=k, title=registry.get(k).title_in()) for k in registry.names()
    )


def _kind_help() -> str:
    return _help("kind", kinds=_kinds_titled)


def _titles() -> str:
    from .kinds import registry

    return text("cli.help.titles_sep").join(registry.get(k).title_in() for k in registry.names())


# --- Click's and Typer's own words, in the user's language -------------------------------------------

# How alike a mistyped command or option must be to be offered instead. difflib's (and Click's) 0.6
# offered far-fetched ones: `example` -> template (0.67), `chek` -> schema beside check, `--formt` ->
# --force beside --format; at 0.75 the typos stay (biuld 0.8, inti 0.75, --forse 0.86, --jbos 0.83).
CLOSE = 0.75


def close_to(typed: str, names: Sequence[str]) -> list[str]:
    """The names `typed` is a typo of, closest first, then those it begins (3 letters or more: `conv`)."""
    begun = [n for n in names if len(typed.lstrip("-")) >= 3 and n.startswith(typed)]
    return list(dict.fromkeys([*difflib.get_close_matches(typed, names, cutoff=CLOSE), *begun]))


class _ExtraArguments(clicks.UsageError):
    def __init__(self, arguments: Sequence[str], ctx: Any) -> None:
        super().__init__(f"Got unexpected extra argument(s) ({' '.join(arguments)})", ctx)
        self.arguments = list(arguments)


class _NoSuchCommand(clicks.UsageError):
    def __init__(self, command: str, like: Sequence[str], ctx: Any) -> None:
        super().__init__(f"No such command {command!r}.", ctx)
        self.command, self.like = command, list(like)


class _MissingCommand(clicks.UsageError):
    def __init__(self, commands: Sequence[str], ctx: Any) -> None:
        super().__init__("Missing command.", ctx)
        self.commands = list(commands)


def say_again(command: Any) -> None:
    """The command's help, its parameters' and (a group) its commands' in the current language (for its
    --help, and tools/make_docs.py's Chinese pages)."""
    for said in (command, *command.params, *getattr(command, "commands", {}).values()):
        said.help = _again(said.help)
        if getattr(said, "short_help", None):
            said.short_help = _again(said.short_help)


@contextlib.contextmanager
def _typer_words() -> Iterator[None]:
    """Typer's panel titles and [default: …] words (module constants it reads as it renders the help)."""
    from typer import rich_utils

    words = {
        "ARGUMENTS_PANEL_TITLE": text("cli.click.arguments"),
        "OPTIONS_PANEL_TITLE": text("cli.click.options"),
        "COMMANDS_PANEL_TITLE": text("cli.click.commands"),
        "DEFAULT_STRING": text("cli.click.default", value="{}"),
        "ENVVAR_STRING": text("cli.click.envvar", value="{}"),
        "REQUIRED_LONG_STRING": text("cli.click.required"),
        "DEPRECATED_STRING": text("cli.click.deprecated"),
    }
    before = {name: getattr(rich_utils, name) for name in words}
    for name, word in words.items():
        setattr(rich_utils, name, word)
    try:
        yield
    finally:
        for name, word in before.items():
            setattr(rich_utils, name, word)


def _format_usage(command: Any, ctx: Any, formatter: Any, metavar: str = "") -> None:
    """`用法：numdossier build [选项] PROFILES...` (Click's format_usage, its words from the catalogue).

    An argument is written the way Click writes it, PROFILES... or [SOURCE]: Typer >= 0.26 writes a
    required one {profiles}..., which reads as a placeholder left unfilled."""
    pieces = [text("cli.click.options_metavar")] if command.options_metavar else []
    for param in command.get_params(ctx):
        if param.param_type_name == "argument":
            name = param.metavar or (param.name or "").upper()
            name += "..." if param.nargs != 1 else ""
            pieces.append(name if param.required else f"[{name}]")
        else:
            pieces += param.get_usage_pieces(ctx)
    if metavar:
        pieces.append(metavar)
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=text("cli.click.usage"))


def _help_option(option: Any) -> Any:
    if option is not None:
        option.help = text("cli.click.help")
        _plain_type(option)
    return option


def _plain_type(param: Any) -> None:
    """The help's type column without Python's names: Typer >= 0.29 writes <bool> after a flag (which
    takes no value: `--force <bool>` reads as `--force true`), <list[Path]> and <int range>; a flag shows
    none, a list its element's type, a range its number's (the bounds follow, [x>=1])."""
    shown = param.display_type_rich
    if getattr(shown, "plain", False):
        return

    def plain(ctx: Any) -> str | None:
        if getattr(param, "is_flag", False):
            return None
        label = shown(ctx=ctx)
        if not isinstance(label, str):
            return None
        label = re.sub(r"^<list\[(.+)\]>$", r"<\1>", label).replace(" range>", ">")
        return "<path>" if label == "<Path>" else label

    plain.plain = True  # type: ignore[attr-defined]
    param.display_type_rich = plain


def _plain_types(command: Any) -> None:
    for param in command.params:
        _plain_type(param)


class _Command(TyperCommand):
    """A command whose help and usage errors speak the command line's language."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        say_again(self)
        _plain_types(self)
        with _typer_words():
            super().format_help(ctx, formatter)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _format_usage(self, ctx, formatter)

    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Click's parse, its extra arguments refused with the arguments named (not a sentence of Click's)."""
        allowed, ctx.allow_extra_args = ctx.allow_extra_args, True
        try:
            rest = super().parse_args(ctx, args)
        except clicks.UsageError as e:
            e.ctx = e.ctx or ctx  # the parser's own errors come without one: the usage line needs it
            raise
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            raise _ExtraArguments(rest, ctx)
        return rest


class _Group(TyperGroup):
    """A group of commands; the top one reads the language from the arguments and says the usage errors."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        say_again(self)
        _plain_types(self)
        with _typer_words():
            super().format_help(ctx, formatter)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        _format_usage(self, ctx, formatter, text("cli.click.command_metavar"))

    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0]
        if self.get_command(ctx, name) is None and not name.startswith("-") and not ctx.resilient_parsing:
            raise _NoSuchCommand(name, close_to(name, list(self.commands)), ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        if not ctx._protected_args and not self.invoke_without_command:  # Click's "Missing command."
            raise _MissingCommand(self.list_commands(ctx), ctx)
        return super().invoke(ctx)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Typer's main in the language of the arguments; Click's errors said from the catalogue."""
        argv = list(sys.argv[1:] if args is None else args)
        if spoken_in(argv) is None and (unsupported := messages.unsupported_setting()) is not None:
            err.print(unsupported, markup=False)  # NUMDOSSIER_LANG=fr: said once, then Chinese as before
        with messages.using(spoken_in(argv)):
            if not standalone_mode:
                return super().main(argv, prog_name, complete_var, False, windows_expand_args, **extra)
            try:
                code = super().main(argv, prog_name, complete_var, False, windows_expand_args, **extra)
            except clicks.NoArgsIsHelpError as e:  # the help was printed as the error was made
                sys.exit(e.exit_code)
            except clicks.UsageError as e:
                _usage_error(e)
            except clicks.ClickException as e:  # none this CLI meets (a file Click could not open): its words
                err.print(redact(text("cli.error_only", message=e.format_message())), markup=False)
                sys.exit(e.exit_code)
            except typer.Abort:
                _fail(ExitCode.input_error, text("cli.click.aborted"))
        sys.exit(code if isinstance(code, int) else 0)


def _refused(refused: NumdossierError) -> NoReturn:
    """A combination the options refused, said like Click's usage errors: the usage line, the error, and
    the command's own --help (`numdossier init --help`, not a bare `--help`); exit code 2."""
    ctx = get_current_context(silent=True)
    if ctx is None:
        _fail(refused.exit_code, text("cli.error", message=refused.message, hint=refused.hint))
    lines = [ctx.get_usage(), text("cli.error_only", message=refused.message)]
    lines.append(text("cli.click.try_help", command=f"{ctx.command_path} {ctx.help_option_names[0]}"))
    _fail(refused.exit_code, "\n".join(lines))


def _usage_error(e: clicks.UsageError) -> NoReturn:
    """The usage line, the error, and where to read more; exit code 2 (Click's)."""
    ctx = e.ctx
    lines = [ctx.get_usage()] if ctx is not None else []
    lines.append(text("cli.error_only", message=_click_sentence(e)))
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        lines.append(text("cli.click.try_help", command=f"{ctx.command_path} {ctx.help_option_names[0]}"))
    _fail(ExitCode.usage, "\n".join(lines))


def _click_sentence(e: clicks.UsageError) -> str:
    """Click's usage error in the catalogue's words, from the exception's own attributes."""
    either = text("cli.click.choices_sep")
    if isinstance(e, _NoSuchCommand):
        if e.like:
            return text("cli.click.no_such_command_like", command=e.command, like=either.join(e.like))
        return text("cli.click.no_such_command", command=e.command)
    if isinstance(e, _MissingCommand):
        return text("cli.click.missing_command", commands=list(e.commands))
    if isinstance(e, _ExtraArguments):
        return text("cli.click.extra_arguments", arguments=list(e.arguments))
    if isinstance(e, clicks.NoSuchOption):
        ctx, root = e.ctx, e.ctx.find_root() if e.ctx is not None else None
        top = (
            {o for p in root.command.params for o in p.opts}
            if root is not None and root is not ctx
            else set()
        )
        if ctx is not None and root is not None and e.option_name in top:
            # `numdossier build --debug`: the option exists, before the command
            command = ctx.command_path.removeprefix(root.command_path).strip()
            before = f"{root.command_path} {e.option_name} {command}"
            return text("cli.click.global_option", option=e.option_name, command=before)
        like_these = close_to(e.option_name, list(e.possibilities or ()))  # Click offers far-fetched ones
        if like_these:
            like = either.join(sorted(like_these))
            return text("cli.click.no_such_option_like", option=e.option_name, like=like)
        return text("cli.click.no_such_option", option=e.option_name)
    if isinstance(e, clicks.MissingParameter):
        kind = e.param_type or (e.param.param_type_name if e.param is not None else "parameter")
        key = kind if kind in ("argument", "option") else "parameter"
        return text(f"cli.click.missing_{key}", name=_param_name(e))
    if isinstance(e, clicks.BadParameter):
        return _invalid(e)
    if isinstance(e, clicks.BadOptionUsage):
        param = _option(e.ctx, e.option_name)
        key = "takes_no_value" if param is not None and param.is_flag else "needs_value"
        return text(f"cli.click.{key}", option=e.option_name)
    return e.format_message()  # a usage error of Click's this CLI does not meet: its own words


def _param_name(e: clicks.BadParameter) -> str:
    if e.param_hint is not None:
        hint = e.param_hint
        return hint if isinstance(hint, str) else " / ".join(repr(x) for x in hint)
    if e.param is not None and e.param.param_type_name == "argument":  # as the usage line writes it
        return repr(e.param.metavar or (e.param.name or "").upper())
    return e.param.get_error_hint() if e.param is not None else ""


def _option(ctx: Any, name: str) -> Any:
    for param in ctx.command.get_params(ctx) if ctx is not None else ():
        if name in getattr(param, "opts", ()) or name in getattr(param, "secondary_opts", ()):
            return param
    return None


def _invalid(e: clicks.BadParameter) -> str:
    """A value the parameter's type refused: which value, and what the parameter takes (its choices,
    its range), from the parameter and from the validation error Typer's conversion raised."""
    name, param = _param_name(e), e.param
    cause = e.__cause__
    problems = cause.errors() if isinstance(cause, ValidationError) else []
    if not problems:
        return text("cli.click.invalid_said", name=name, message=e.message)  # Typer's own sentence
    value, kind = problems[0].get("input"), str(problems[0].get("type", ""))
    described = getattr(param, "type_descriptor", None)
    if described is not None and described.is_choice and described.choices:
        choices = text("cli.click.choices_sep").join(str(getattr(c, "value", c)) for c in described.choices)
        return text("cli.click.not_a_choice", name=name, value=value, choices=choices)
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if kind.startswith(("greater_than", "less_than")) and (low is not None or high is not None):
        if low is not None and high is not None:
            bounds = text("cli.click.between", min=low, max=high)
        else:
            bounds = (
                text("cli.click.at_least", min=low)
                if low is not None
                else text("cli.click.at_most", max=high)
            )
        return text("cli.click.out_of_range", name=name, value=value, range=bounds)
    if kind.startswith("int_"):
        return text("cli.click.not_an_integer", name=name, value=value)
    if kind.startswith("float_"):
        return text("cli.click.not_a_number", name=name, value=value)
    return text("cli.click.invalid", name=name, value=value)


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # tracebacks would print local variables, which hold ID numbers
    help=_help("app", titles=_titles),
)


def consoles() -> tuple[Console, Console]:
    """The console of stdout and the one of stderr (made again by a resident numdossier's child: colours
    and width are the caller's terminal's)."""
    return Console(highlight=False, soft_wrap=True), Console(stderr=True, highlight=False, soft_wrap=True)


out, err = consoles()


def _version(value: bool) -> None:
    if value:
        from . import __version__

        print(f"numdossier {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=_help("version"))
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help=_help("debug"))] = False,
    lang: Annotated[Lang | None, typer.Option("--lang", help=_help("lang"), show_default=False)] = None,
) -> None:
    ctx.obj = {"debug": debug, "lang": lang}  # this invocation's, read by `guarded`


GroupLang = Annotated[Lang | None, typer.Option("--lang", help=_help("lang"), show_default=False)]


def _group_lang(ctx: typer.Context, lang: GroupLang = None) -> None:
    """`numdossier converter --lang en start`: a group's --lang, for the commands below it."""
    if lang is not None:
        ctx.obj = {**(ctx.obj or {}), "lang": lang}


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


Format = Annotated[OutputFormat, typer.Option("--format", help=_help("format"))]
Today = Annotated[str | None, typer.Option("--today", help=_help("today"), show_default=False)]
Force = Annotated[bool, typer.Option("--force", help=_help("overwrite"))]
Templates = Annotated[
    Path | None, typer.Option("--templates", envvar="NUMDOSSIER_TEMPLATES", help=_help("templates"))
]
Profiles = Annotated[list[Path], typer.Argument(help=_help("profiles"), show_default=False)]
Report = Annotated[Path | None, typer.Option("--report", help=_help("report"), show_default=False)]
KindOption = Annotated[str, typer.Option("--kind", help=_kind_help())]
KindArgument = Annotated[str, typer.Argument(help=_kind_help())]
Jobs = Annotated[int | None, typer.Option("-j", "--jobs", min=1, help=_help("jobs"), show_default=False)]

_CONTEXT = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
_LANG = inspect.Parameter(
    "lang",
    inspect.Parameter.KEYWORD_ONLY,
    default=None,
    annotation=Annotated[Lang | None, typer.Option("--lang", help=_help("lang"), show_default=False)],
)


def guarded(command: Callable[..., int]) -> Callable[..., None]:
    """Every command: --lang added, its work inside `messages.using(lang)`, its exceptions made exit codes.

    The command receives `lang` and `debug` when it declares them (for its options object)."""
    own = inspect.signature(command, eval_str=True)
    wanted = set(own.parameters)

    @functools.wraps(command)
    def run(ctx: typer.Context, *args: Any, lang: Lang | None = None, **kwargs: Any) -> None:
        debug = bool((ctx.obj or {}).get("debug"))
        spoken = language(lang or (ctx.obj or {}).get("lang"))  # the command's --lang, else the top one's
        if "lang" in wanted:
            kwargs["lang"] = spoken
        if "debug" in wanted:
            kwargs["debug"] = debug
        with messages.using(spoken):
            _run(command, args, kwargs, debug)

    shown = [p for name, p in own.parameters.items() if name not in ("lang", "debug")]
    run.__signature__ = own.replace(parameters=[_CONTEXT, *shown, _LANG])  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in run.__signature__.parameters.values()}  # type: ignore[attr-defined]
    return run


def _arguments() -> dict[str, str]:
    """The running command's positional arguments as its usage line writes them ({"kind": "KIND"}): a
    refusal of `schema n97` names KIND, not an option --kind the command does not have."""
    ctx = get_current_context(silent=True)
    if ctx is None:
        return {}
    return {
        p.name: str(p.metavar or p.name.upper())
        for p in ctx.command.get_params(ctx)
        if p.param_type_name == "argument" and p.name
    }


def _run(command: Callable[..., int], args: tuple[Any, ...], kwargs: dict[str, Any], debug: bool) -> None:
    """The one place where exceptions become exit codes (SystemExit passes through Typer untouched)."""
    try:
        code = command(*args, **kwargs)
    except KeyboardInterrupt:
        _ignore_stop_signals()  # cleaned up already; a second Ctrl-C must not kill the exit itself
        _fail(ExitCode.interrupted, text("cli.interrupted"))
    except ValidationError as e:  # an options object refused what was typed
        from .options import explain

        _refused(explain(e, _arguments()))
    except NumdossierError as e:
        _fail(
            e.exit_code,
            text("cli.error", message=e.message, hint=e.hint)
            if e.hint
            else text("cli.error_only", message=e.message),
        )
    except typer.Exit:
        raise
    except Exception as e:  # a bug: say so; the stack (never locals) only with --debug
        if debug:
            traceback.print_exception(type(e), e, e.__traceback__)
        _fail(ExitCode.internal, text("cli.internal", name=type(e).__name__))
    sys.exit(int(code))


# --- init, schema, import --------------------------------------------------------------------------


@app.command(cls=_Command, help=_help("init.doc"))
@guarded
def init(
    path: Annotated[Path, typer.Argument(help=_help("init.path"))],
    kind: KindOption,
    force: Force = False,
    lang: str = "zh",
) -> int:
    """A commented starter profile and attachments/README.md."""
    from .init import init_profile
    from .options import InitOptions

    options = InitOptions.model_validate(dict(kind=kind, force=force, lang=lang))
    for written in init_profile(path, options.kind, options.force):
        err.print(text("cli.written", path=written), markup=False)
    return ExitCode.ok


@app.command(cls=_Command, help=_help("schema.doc"))
@guarded
def schema(kind: KindArgument, lang: str = "zh") -> int:
    """The kind's JSON Schema on stdout."""
    from .options import SchemaOptions
    from .schema import schema_text

    sys.stdout.write(schema_text(SchemaOptions.model_validate(dict(kind=kind, lang=lang)).kind))
    return ExitCode.ok


@app.command("import", cls=_Command, help=_help("import.doc"))
@guarded
def import_(
    source: Annotated[Path | None, typer.Argument(help=_help("import.source"), show_default=False)] = None,
    kind: Annotated[str | None, typer.Option("--kind", help=_kind_help(), show_default=False)] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help=_help("import.output"), show_default=False)
    ] = None,
    template: Annotated[
        str | None,
        typer.Option("--template", help=_help("import.template", kinds=_kinds_titled), show_default=False),
    ] = None,
    force: Force = False,
    today: Today = None,
    lang: str = "zh",
) -> int:
    """Profiles from a spreadsheet, or the blank spreadsheet (--template)."""
    from .options import ImportOptions

    options = ImportOptions.model_validate(
        dict(source=source, kind=kind, output=output, template=template, force=force, today=today, lang=lang)
    )
    if options.template is not None and options.output is not None:
        from .sheets import write_template

        err.print(
            text("cli.written", path=write_template(options.template, options.output, options.force)),
            markup=False,
        )
        return ExitCode.ok
    from .importer import import_profiles

    assert options.source is not None and options.kind is not None  # ImportOptions' rule
    result = import_profiles(
        options.source, options.kind, options.output or Path("."), force=options.force, today=options.today
    )
    _print_import(result)
    return ExitCode.ok if result.ok else ExitCode.input_error


def _print_import(result: Any) -> None:
    from .importer import iter_problems

    problems = list(iter_problems(result))
    if problems:
        rows = [_Row(p.severity, p.cell, p.field or "", p.message, p.hint, name) for name, p in problems]
        _print_findings(str(result.source), rows, ("cell", "dossier", "severity", "where", "message", "hint"))
    written = [p for p in result.profiles if p.path is not None]
    for p in written:
        out.print(f"{'✓' if p.ok else '✗'} {p.path}", markup=False)
    errors = sum(p.severity == "error" for _, p in problems)
    out.print(
        text("cli.import.done", rows=len(result.profiles), written=len(written), errors=errors), markup=False
    )


# --- findings, as a table on a terminal and as blocks in a pipe ---------------------------------------


class _Row:
    """One finding for people: severity, code (or cell), where, message, hint; `dossier` for import."""

    def __init__(
        self, severity: str, code: str, where: str, message: str, hint: str, dossier: str | None = None
    ) -> None:
        self.severity, self.code, self.where = severity, code, where
        self.message, self.hint, self.dossier = redact(message), redact(hint), dossier


def _level(severity: str, markup: bool = True) -> str:
    word = text("ui.error") if severity == "error" else text("ui.warning")
    if not markup:
        return word
    return f"[red]{word}[/red]" if severity == "error" else f"[yellow]{word}[/yellow]"


def _print_findings(title: str, rows: Sequence[_Row], columns: Sequence[str] = ()) -> None:
    """A table on a terminal; in a pipe one block a finding, so that no field name or path is cut and
    each line can be grepped: `error POSTCODE company.postcode`, the message, `→ ` the hint."""
    if not out.is_terminal:
        out.print(title, markup=False)
        for r in rows:
            head = " ".join(x for x in (_level(r.severity, False), r.code, r.dossier or "", r.where) if x)
            out.print(f"  {head}", markup=False)
            out.print(f"    {r.message}", markup=False)
            if r.hint:
                out.print(f"    → {r.hint}", markup=False)
        return
    columns = columns or ("severity", "code", "where", "message", "hint")
    table = Table(title=escape(title), title_justify="left")
    for column in columns:
        # the field column never wraps inside a name; the sentences fold
        table.add_column(text(f"cli.column.{column}"), overflow="fold", no_wrap=column == "where")
    for r in rows:
        cells = {
            "severity": _level(r.severity),
            "code": escape(r.code),
            "cell": escape(r.code),
            "dossier": escape(r.dossier or ""),
            "where": escape(r.where),  # from the profile: no markup, it may hold [brackets]
            "message": escape(r.message),
            "hint": escape(r.hint),
        }
        table.add_row(*(cells[c] for c in columns))
    out.print(table)


def _print_check(result: CheckResult) -> None:
    from .rules.summary import lines

    if result.findings:
        kind = result.kind or result.declared_kind or text("ui.unknown_kind")
        rows = [_Row(f.severity, f.code, f.file or f.field or "", f.message, f.hint) for f in result.findings]
        _print_findings(text("cli.check.title", profile=result.profile, kind=kind), rows)
    summary = text("ui.result", profile=result.profile, errors=result.errors, warnings=result.warnings)
    out.print(("[green]✓[/green] " if result.ok else "[red]✗[/red] ") + escape(summary))
    if result.loaded is not None:
        from .kinds import load_checklist

        for note in load_checklist(result.kind or "").notes_said():
            out.print(f"  · {escape(note)}")
    if result.summary is not None:
        for line in lines(result.summary):
            out.print(escape(redact(line)))


# --- check, build, verify ------------------------------------------------------------------------------


@app.command(cls=_Command, help=_help("check.doc"))
@guarded
def check(
    profiles: Profiles,
    format: Format = OutputFormat.text,
    today: Today = None,
    report: Report = None,
    templates: Templates = None,
    lang: str = "zh",
    debug: bool = False,
) -> int:
    """Check profiles and attachments (no LibreOffice)."""
    from . import api
    from .options import CheckOptions
    from .report import check_entry, json_text

    options = CheckOptions.model_validate(
        dict(today=today, templates=templates, format=format.value, report=report, lang=lang, debug=debug)
    )
    results = api.check(profiles, options=options)
    if options.report is not None:
        err.print(text("cli.report_written", path=api.write_report(results, options.report)), markup=False)
    if options.format == "json":
        print(json_text([check_entry(r) for r in results]))
    else:
        for r in results:
            _print_check(r)
    return ExitCode.ok if all(r.ok for r in results) else ExitCode.input_error


@app.command(cls=_Command, help=_help("build.doc"))
@guarded
def build(
    profiles: Profiles,
    output: Annotated[Path, typer.Option("-o", "--output", help=_help("build.output"))] = Path("out"),
    jobs: Jobs = None,
    force: Annotated[bool, typer.Option("--force", help=_help("build.force"))] = False,
    today: Today = None,
    seam: Annotated[bool, typer.Option("--seam", help=_help("build.seam"))] = False,
    watermark: Annotated[
        str | None, typer.Option("--watermark", help=_help("build.watermark"), show_default=False)
    ] = None,
    format: Format = OutputFormat.text,
    report: Report = None,
    preview: Annotated[bool, typer.Option("--preview", help=_help("build.preview"))] = False,
    converter: Annotated[
        str | None, typer.Option("--converter", help=_help("build.converter"), show_default=False)
    ] = None,
    templates: Templates = None,
    lang: str = "zh",
    debug: bool = False,
) -> int:
    """Check and build dossiers: filled forms, one print-ready PDF, manifest.json."""
    from . import api
    from .batch import batch_exit_code
    from .convert.unoserver import converter_spec
    from .options import BuildOptions
    from .report import build_entry, json_text

    options = BuildOptions.model_validate(
        dict(
            out=output,
            jobs=jobs,
            force=force,
            today=today,
            seam=seam,
            watermark=watermark,
            format=format.value,
            report=report,
            preview=preview,
            converter=converter_spec(converter),  # the option, else NUMDOSSIER_CONVERTER
            templates=templates,
            lang=lang,
            debug=debug,
        )
    )
    paths = api.profiles_in(profiles)
    as_text = options.format == "text"
    with _progress(len(paths), enabled=as_text) as listener:
        outcomes = api.build(paths, options=options, listener=listener)
    if options.report is not None:
        err.print(text("cli.report_written", path=api.write_report(outcomes, options.report)), markup=False)
    if as_text:
        _print_outcomes(outcomes, options.force, options.debug)
    else:
        print(json_text([build_entry(o) for o in outcomes]))
    return batch_exit_code(outcomes)


@app.command(cls=_Command, help=_help("verify.doc"))
@guarded
def verify(
    scans: Annotated[list[Path], typer.Argument(help=_help("verify.scans"), show_default=False)],
    dossier: Annotated[Path, typer.Option("--dossier", help=_help("verify.dossier"))],
    seam: Annotated[
        bool | None, typer.Option("--seam/--no-seam", help=_help("verify.seam"), show_default=False)
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help=_help("verify.report"), show_default=False)
    ] = None,
    split: Annotated[
        Path | None, typer.Option("--split", help=_help("verify.split"), show_default=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help=_help("verify.force"))] = False,
    jobs: Annotated[
        int | None, typer.Option("-j", "--jobs", min=1, help=_help("verify.jobs"), show_default=False)
    ] = None,
    format: Format = OutputFormat.text,
    lang: str = "zh",
    debug: bool = False,
) -> int:
    """Check the signed and sealed scan against its dossier, page by page."""
    from . import api
    from .options import VerifyOptions
    from .report import json_text
    from .signed.output import result_json

    options = VerifyOptions.model_validate(
        dict(
            dossier=dossier,
            seam=seam,
            report=report,
            split=split,
            force=force,
            jobs=jobs,
            format=format.value,
            lang=lang,
            debug=debug,
        )
    )
    result = api.verify(scans, options=options)
    if options.format == "json":
        print(json_text([result_json(result, result.report, result.split)]))
    else:
        _print_verify(result, split_refused=options.split is not None and result.split is None)
    return ExitCode.ok if result.ok else ExitCode.input_error


def _print_verify(result: Any, split_refused: bool = False) -> None:
    from .signed.output import human_size, where
    from .signed.verify import text as said

    scan = ", ".join(result.scan)
    if result.findings:
        rows = [_Row(f.severity, f.code, where(f), f.message, f.hint) for f in result.findings]
        _print_findings(f"{scan} → {result.dossier.folder}", rows)
    summary = said(
        "result",
        scan=scan,
        dossier=result.dossier.folder,
        pages=len(result.pages),
        errors=result.errors,
        warnings=result.warnings,
    )
    out.print(("[green]✓[/green] " if result.ok else "[red]✗[/red] ") + escape(summary))
    if result.report is not None:
        out.print(escape(said("report_written", path=result.report)))
    if split_refused:
        err.print(said("split_refused"), markup=False, style="red")
    files = result.split
    if files:
        out.print(escape(said("split_done", folder=files[0].path.parent)))
        for file in files:
            note = said("reencoded", dpi=file.dpi) if file.dpi else ""
            size = human_size(file.bytes)
            out.print(escape(said("split_line", name=file.path.name, pages=file.pages, size=size, note=note)))


@contextlib.contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[Any, int, int], None] | None]:
    """A progress bar on a terminal, plain lines when piped; nothing for JSON output."""
    if not enabled:
        yield None
        return

    def line(outcome: Any, done: int, count: int) -> None:
        pages = (
            text("cli.build.pages", pages=outcome.built.pages)
            if outcome.built
            else text("cli.build.not_built")
        )
        err.print(
            text(
                "cli.build.progress",
                done=done,
                count=count,
                mark="✓" if outcome.ok else "✗",
                profile=outcome.profile,
                pages=pages,
                seconds=f"{outcome.seconds:.1f}",
            ),
            markup=False,
        )

    if not err.is_terminal or total < 2:
        yield line
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(escape(text("cli.build.building"))),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("build", total=total)
        yield lambda outcome, done, count: progress.update(task, completed=done)


def _not_built(outcome: Any, force: bool) -> str:
    """Why a dossier was not built; --force is offered only where it would build it."""
    if outcome.check.loaded is None:  # unreadable or invalid profile: nothing --force could build
        return text("ui.not_built_unreadable", profile=outcome.profile)
    if force:
        return text("ui.not_built", profile=outcome.profile)
    return text("ui.not_built_force", profile=outcome.profile)


def _print_outcomes(outcomes: list[Any], force: bool = False, debug: bool = False) -> None:
    for o in outcomes:
        if o.check.findings:
            _print_check(o.check)
        if o.error is not None:
            err.print(f"✗ {o.profile}: {redact(str(o.error))}", markup=False, style="red")
            if debug and getattr(o.error, "stack", None):  # a defect's stack (never locals), as _run does
                err.print(redact(o.error.stack), markup=False, highlight=False)
        elif not o.ok:
            err.print(_not_built(o, force), markup=False, style="red")
        for note in o.notes:
            err.print(text("cli.build.note", profile=o.profile, note=note), markup=False, style="yellow")
        if o.error is None and o.ok and o.forced:
            err.print(
                text("cli.build.forced", profile=o.profile, errors=len(o.forced)),
                markup=False,
                style="yellow",
            )
    table = Table(title=text("cli.build.title"), title_justify="left")
    for column in ("dossier", "pages", "seconds", "result"):
        # fold, never cut with "…": the profile and the dossier's path must stay whole to be copied
        table.add_column(text(f"cli.build.column.{column}"), overflow="fold")
    for o in outcomes:
        result = f"✓ {o.built.folder / 'dossier.pdf'}" if o.built else f"✗ {text('cli.build.not_built')}"
        table.add_row(
            escape(o.profile),
            str(o.built.pages) if o.built else "-",
            text("cli.build.seconds", seconds=f"{o.seconds:.1f}"),
            escape(result),
        )
    if out.is_terminal:
        out.print(table)
    else:  # a pipe has no width to keep to: each row on one line, so that scripts and grep see whole paths
        width = out.width
        out.width = max(width, _natural_width(table))
        try:
            out.print(table)
        finally:
            out.width = width
    _print_observations(outcomes)
    built = sum(o.ok for o in outcomes)
    out.print(
        text("cli.build.done", total=len(outcomes), built=built, failed=len(outcomes) - built), markup=False
    )


def _natural_width(table: Table) -> int:
    from rich.measure import Measurement

    return Measurement.get(out, out.options.update(width=100_000), table).maximum


def _print_observations(outcomes: list[Any]) -> None:
    """What build did to attachments on their way in (repaired, re-encoded, fonts embedded, …)."""
    from .pdf.attachments import Observation

    for o in outcomes:
        if o.built is None or not any(
            s.get("observations") for i in o.built.manifest.get("items", []) for s in i.get("sources", [])
        ):
            continue
        out.print(text("ui.attachment_notes", profile=o.profile), markup=False)
        for item in o.built.manifest.get("items", []):
            for source in item.get("sources", []):
                notes = [
                    Observation(seen["code"], {k: v for k, v in seen.items() if k != "code"}).describe()
                    for seen in source.get("observations", [])
                ]
                if notes:  # one line per file, so that a dossier of many scans stays readable
                    out.print(
                        text(
                            "cli.build.observed",
                            path=source["path"],
                            notes=text("cli.build.notes_sep").join(notes),
                        ),
                        markup=False,
                    )


# --- converter -------------------------------------------------------------------------------------------

converter_app = typer.Typer(cls=_Group, no_args_is_help=True, help=_help("converter.doc"))
converter_app.callback()(_group_lang)
app.add_typer(converter_app, name="converter")
Port = Annotated[int, typer.Option("--port", min=1, max=65535, help=_help("converter.port"))]


@converter_app.command("start", cls=_Command, help=_help("converter.start"))
@guarded
def converter_start(
    port: Port = 2003,
    host: Annotated[str, typer.Option("--host", help=_help("converter.host"))] = "127.0.0.1",
    offices: Annotated[
        int | None, typer.Option("--offices", help=_help("converter.offices"), show_default=False)
    ] = None,
    lang: str = "zh",
) -> int:
    """Start a warm converter (unoserver) with its own LibreOffice profiles, pid file and log."""
    from .convert.server import LocalServer
    from .options import ConverterOptions

    options = ConverterOptions.model_validate(dict(port=port, host=host, offices=offices, lang=lang))
    server = LocalServer(options.port, options.host, offices=options.offices)
    before = server.status()
    status = server.start()
    said = "already" if before.running and before.answering else "started"
    out.print(
        text(
            f"cli.converter.{said}",
            endpoint=server.endpoint,
            version=status.version or "?",
            pid=status.pid,
            **_offices(status),
        ),
        markup=False,
    )
    _say_resident(server, status.resident)
    err.print(text("cli.converter.usage", endpoint=server.endpoint, port=options.port), markup=False)
    return ExitCode.ok


def _offices(status: Any) -> dict[str, object]:
    """How many LibreOffices a converter converts on at once, and their processes."""
    pids = text("cli.converter.pid_sep").join(str(p) for p in status.office_pids) or "?"
    return {"offices": status.offices, "pids": pids}


def _say_resident(server: Any, pid: int | None) -> None:
    from .resident import LOG, serves_me

    if pid is not None and not serves_me(server.socket):
        out.print(text("cli.converter.resident_other", pid=pid), markup=False)
    elif pid is not None:
        out.print(text("cli.converter.resident", pid=pid), markup=False)
    else:
        out.print(text("cli.converter.no_resident", log=server.folder / LOG), markup=False)


@converter_app.command("stop", cls=_Command, help=_help("converter.stop"))
@guarded
def converter_stop(port: Port = 2003, lang: str = "zh") -> int:
    """Stop the converter and its LibreOffice."""
    from .convert.server import LocalServer
    from .options import ConverterOptions

    options = ConverterOptions.model_validate(dict(port=port, lang=lang))
    stopped = LocalServer(options.port).stop()
    key = "cli.converter.stopped" if stopped else "cli.converter.none"
    out.print(text(key, port=options.port), markup=False)
    return ExitCode.ok


@converter_app.command("status", cls=_Command, help=_help("converter.status"))
@guarded
def converter_status(port: Port = 2003, lang: str = "zh") -> int:
    """Whether the converter runs (exit 0) or not (exit 3)."""
    from .convert.server import LocalServer
    from .options import ConverterOptions

    options = ConverterOptions.model_validate(dict(port=port, lang=lang))
    server = LocalServer(options.port)
    status = server.status()
    if status.answering:
        out.print(
            text(
                "cli.converter.running",
                endpoint=server.endpoint,
                version=status.version or "?",
                pid=status.pid,
                folder=server.folder,
                **_offices(status),
            ),
            markup=False,
        )
        _say_resident(server, status.resident)
        return ExitCode.ok
    if status.running:
        out.print(text("cli.converter.silent", pid=status.pid, endpoint=server.endpoint), markup=False)
    elif status.leftover:
        out.print(text("cli.converter.leftover", port=options.port), markup=False)
    else:
        out.print(text("cli.converter.not_running", port=options.port), markup=False)
    return ExitCode.environment


# --- template ----------------------------------------------------------------------------------------------

template_app = typer.Typer(cls=_Group, no_args_is_help=True, help=_help("template.doc"))
template_app.callback()(_group_lang)
app.add_typer(template_app, name="template")


@template_app.command("export", cls=_Command, help=_help("template.export"))
@guarded
def template_export(
    kind: KindArgument,
    item: Annotated[str, typer.Argument(help=_help("template.item"))],
    output: Annotated[Path, typer.Option("-o", "--output", help=_help("template.output"))],
    force: Force = False,
    lang: str = "zh",
) -> int:
    """Write a built-in template, the start of an own one."""
    from .options import TemplateOptions
    from .render.authoring import export

    options = TemplateOptions.model_validate(
        dict(kind=kind, item=item, output=output, force=force, lang=lang)
    )
    assert options.item is not None and options.output is not None
    err.print(
        text("cli.written", path=export(options.kind, options.item, options.output, options.force)),
        markup=False,
    )
    return ExitCode.ok


@template_app.command("vars", cls=_Command, help=_help("template.vars"))
@guarded
def template_vars(kind: KindArgument, format: Format = OutputFormat.text, lang: str = "zh") -> int:
    """Every variable a template of the kind may use."""
    from .options import TemplateOptions
    from .render.authoring import variables
    from .report import json_text, variables_entries

    options = TemplateOptions.model_validate(dict(kind=kind, format=format.value, lang=lang))
    found = variables(options.kind)
    if options.format == "json":
        print(json_text(variables_entries(found)))
        return ExitCode.ok
    table = Table(title=escape(text("cli.template.vars_title", kind=options.kind)), title_justify="left")
    for column in ("variable", "type", "description", "sample"):
        table.add_column(text(f"cli.template.column.{column}"), overflow="fold", no_wrap=column == "variable")
    for v in found:
        table.add_row(escape(v.path), v.type, escape(v.description), escape(v.sample))
    out.print(table)
    return ExitCode.ok


@template_app.command("check", cls=_Command, help=_help("template.check"))
@guarded
def template_check(
    template: Annotated[Path, typer.Argument(help=_help("template.template"))],
    kind: KindOption,
    item: Annotated[
        str | None, typer.Option("--item", help=_help("template.check_item"), show_default=False)
    ] = None,
    preview: Annotated[
        Path | None, typer.Option("--preview", help=_help("template.preview"), show_default=False)
    ] = None,
    format: Format = OutputFormat.text,
    lang: str = "zh",
) -> int:
    """Check a template: tags, unknown variables, split tags, external links, seal and signature places."""
    from .options import TemplateOptions
    from .render.authoring import check_template
    from .render.authoring import preview as render_preview
    from .report import json_text, template_entry

    options = TemplateOptions.model_validate(
        dict(kind=kind, item=item, template=template, preview=preview, format=format.value, lang=lang)
    )
    assert options.template is not None
    report = check_template(options.template, options.kind, options.item)
    if options.preview is not None and report.ok:
        render_preview(options.template, options.kind, options.preview)
    if options.format == "json":
        print(json_text(template_entry(report)))
        return ExitCode.ok if report.ok else ExitCode.input_error
    for e in report.errors:
        out.print(f"{_level('error')} {escape(e)}")
    for w in report.warnings:
        out.print(f"{_level('warning')} {escape(w)}")
    if not report.read:  # an unreadable file has no variables or places to list, only its error
        return ExitCode.input_error
    if report.joined:
        out.print(text("cli.template.joined", n=report.joined), markup=False)
    sep = text("ui.list_sep")
    names = sep.join(report.variables) or text("cli.template.none")
    out.print(text("cli.template.variables", n=len(report.variables), names=names), markup=False)
    for key, places in (
        ("cli.template.seals", report.seals),
        ("cli.template.other_party", report.other_party),
        ("cli.template.signatures", report.signatures),
    ):
        out.print(text(key, n=len(places)), markup=False)
        for place in places:
            out.print(f"  · {escape(place)}")
    if options.preview is not None and report.ok:
        out.print(text("cli.template.preview", path=options.preview), markup=False)
    mark = "[green]✓[/green]" if report.ok else "[red]✗[/red]"
    said = text(
        "cli.template.result",
        template=options.template,
        errors=len(report.errors),
        warnings=len(report.warnings),
    )
    out.print(f"{mark} {escape(said)}")
    return ExitCode.ok if report.ok else ExitCode.input_error


# --- exits -----------------------------------------------------------------------------------------------


def _fail(code: ExitCode, message: str) -> NoReturn:
    err.print(redact(message), markup=False)
    sys.exit(int(code))


def _ignore_stop_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Console entry point."""
    signal.signal(signal.SIGTERM, _on_sigterm)  # SIGTERM cleans up like Ctrl-C
    if signal.getsignal(signal.SIGHUP) == signal.SIG_DFL:  # and so does a closed terminal (not nohup's)
        signal.signal(signal.SIGHUP, _on_sigterm)
    try:
        app()
    except KeyboardInterrupt:  # outside a command (e.g. while importing)
        with messages.using(spoken_in(sys.argv[1:])):
            _fail(ExitCode.interrupted, text("cli.interrupted_early"))


if __name__ == "__main__":
    main()
