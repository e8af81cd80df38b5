"""The command line: parse options, call the core, turn results and errors into output and exit codes."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .check import CheckResult
from .errors import ExitCode, NumdossierError
from .redact import redact
from .rules import messages

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # tracebacks would print local variables, which hold ID numbers
    help="numdossier：从一个 TOML 配置生成电信码号资源申请材料（96/95/400/融合通信）。",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        from . import __version__

        print(f"numdossier {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本")
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="内部错误时显示调用栈（不含变量值）；build 另写出 OUT/<名称>/build.log"),
    ] = False,
) -> None:
    _state["debug"] = debug


def _parse_today(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} 不是日期，应写成 2026-11-23", param_hint="--today") from None


class Lang(StrEnum):
    zh = "zh"
    en = "en"


LangOption = Annotated[
    Lang | None,
    typer.Option("--lang", help="消息语言：zh 或 en（默认取 NUMDOSSIER_LANG）", show_default=False),
]


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


def _kind_names() -> list[str]:
    from .kinds import registry

    return registry.names()


def _kind_help() -> str:
    from .kinds import registry

    return "申请类型：" + " / ".join(f"{k}（{registry.get(k).title}）" for k in registry.names())


Format = Annotated[OutputFormat, typer.Option("--format", help="输出格式：text 或 json")]
Today = Annotated[str | None, typer.Option("--today", help="“今天”的日期（用于日期规则），如 2026-11-23")]
Templates = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        envvar="NUMDOSSIER_TEMPLATES",
        help="自带模板文件夹：DIR/<类型>/<项目>.docx 替换内置模板，DIR/<类型>/checklist.toml 替换材料清单",
    ),
]
Profiles = Annotated[
    list[Path],
    typer.Argument(
        help="配置文件（.toml）、文件夹（其中及其子文件夹中的 *.toml）或加引号的通配符", show_default=False
    ),
]
Report = Annotated[
    Path | None,
    typer.Option(
        "--report", help="另写一份 Excel 报告（.xlsx）：每份材料一行，另附全部问题", show_default=False
    ),
]


def guarded(command: Callable[..., int]) -> Callable[..., None]:
    """A command's work in the user's language (--lang, passed down), its exceptions made exit codes."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        kwargs["lang"] = language(kwargs.get("lang"))
        with messages.using(kwargs["lang"]):
            _run(command, args, kwargs)

    return run


def language(option: str | None) -> str:
    """--lang, else NUMDOSSIER_LANG (read here, once, for every command), else Chinese."""
    return messages.normalise(option) or messages.normalise(os.environ.get("NUMDOSSIER_LANG")) or "zh"


def _run(command: Callable[..., int], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """The one place where exceptions become exit codes (SystemExit passes through Typer untouched)."""
    try:
        code = command(*args, **kwargs)
    except KeyboardInterrupt:
        _ignore_stop_signals()  # cleaned up already; a second Ctrl-C must not kill the exit itself
        _fail(ExitCode.interrupted, "已中断，未留下不完整的文件。")
    except NumdossierError as e:
        _fail(e.exit_code, f"错误：{e.message}" + (f"\n{e.hint}" if e.hint else ""))
    except typer.Exit:
        raise
    except typer.BadParameter:
        raise
    except Exception as e:  # a bug: say so; the stack (never locals) only with --debug
        if _state["debug"]:
            traceback.print_exception(type(e), e, e.__traceback__)
        _fail(
            ExitCode.internal,
            f"内部错误：{type(e).__name__}。这是 numdossier 的缺陷，请附上 --debug 的输出报告给我们。",
        )
    sys.exit(int(code))


@app.command()
@guarded
def init(
    path: Annotated[
        Path,
        typer.Argument(help="客户文件夹（写入其中的 profile.toml，如 clients/acme）或 .toml 配置文件路径"),
    ],
    kind: Annotated[str, typer.Option("--kind", help=_kind_help())],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件")] = False,
    lang: LangOption = None,
) -> int:
    """写出一个带注释的示例配置文件，以及 attachments/README.md（需要扫描的材料清单）。

    给出文件夹时写入 文件夹/profile.toml（每个客户一个文件夹，材料包以文件夹命名）。
    """
    from .init import init_profile

    for written in init_profile(path, kind, force):
        err.print(f"已写入 {written}")
    return ExitCode.ok


@app.command()
@guarded
def schema(
    kind: Annotated[str, typer.Argument(help=_kind_help())],
    lang: LangOption = None,
) -> int:
    """输出该类型配置文件的 JSON Schema（供编辑器在输入时检查键和取值）。"""
    from .schema import schema_text

    sys.stdout.write(schema_text(kind))
    return ExitCode.ok


@app.command("import")
@guarded
def import_(
    source: Annotated[
        Path | None, typer.Argument(help="客户表格：.xlsx 或 .csv（每行一个客户）", show_default=False)
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help=_kind_help())] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="配置文件输出文件夹；与 --template 一起时为 .xlsx 文件"),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option("--template", help="写出该类型的空白表格模板（.xlsx）：" + " / ".join(_kind_names())),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件")] = False,
    today: Today = None,
    lang: LangOption = None,
) -> int:
    """从表格导入配置：每行一个客户，生成 DIR/<name>/profile.toml 并逐份检查；问题标明单元格（如 profiles!B7）。

    列名为配置字段路径（company.name、legal_rep.id_number）；分支机构等列表写在同名的工作表中，按 name 对应，
    或写成编号列 branches[0].city。用 --template 生成带说明、下拉选项和文本格式的空白模板。
    """
    if template is not None:
        from .sheets import write_template

        if output is None:
            raise typer.BadParameter("请用 -o 给出模板文件名，如 -o clients.xlsx", param_hint="-o")
        err.print(f"已写入 {write_template(template, output, force)}", markup=False)
        return ExitCode.ok
    if source is None or kind is None:
        raise typer.BadParameter("请给出表格文件和 --kind，或用 --template 生成模板", param_hint="SOURCE")
    from .importer import import_profiles

    result = import_profiles(source, kind, output or Path("."), force=force, today=_parse_today(today))
    _print_import(result)
    return ExitCode.ok if result.ok else ExitCode.input_error


def _print_import(result: Any) -> None:
    from .importer import iter_problems

    problems = list(iter_problems(result))
    if problems:
        table = Table(title=f"{result.source}", title_justify="left")
        for column in ("单元格", "材料包", "级别", "字段", "说明", "提示"):
            table.add_column(column, overflow="fold")
        for name, p in problems:
            level = "[red]错误[/red]" if p.severity == "error" else "[yellow]警告[/yellow]"
            table.add_row(
                escape(p.cell),
                escape(name),
                level,
                escape(p.field or ""),
                escape(redact(p.message)),
                escape(redact(p.hint)),
            )
        out.print(table)
    written = [p for p in result.profiles if p.path is not None]
    for p in written:
        mark = "✓" if p.ok else "✗"
        out.print(f"{mark} {p.path}", markup=False)
    errors = sum(p.severity == "error" for _, p in problems)
    out.print(f"共 {len(result.profiles)} 行，写出 {len(written)} 份配置，{errors} 个错误。", markup=False)


def _finding_table(result: CheckResult) -> Table:
    from .rules.messages import text

    kind = result.kind or text("ui.unknown_kind")
    table = Table(title=f"{result.profile}（{kind}）", show_lines=False, title_justify="left")
    for column in ("severity", "code", "where", "message", "hint"):
        table.add_column(text(f"ui.{column}"), overflow="fold")
    for f in result.findings:
        level = (
            f"[red]{text('ui.error')}[/red]"
            if f.severity == "error"
            else f"[yellow]{text('ui.warning')}[/yellow]"
        )
        # Field and file names come from the profile: no markup, they may hold [brackets].
        table.add_row(
            level, f.code, escape(f.file or f.field or ""), escape(redact(f.message)), escape(redact(f.hint))
        )
    return table


def result_json(result: CheckResult, output: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "profile": result.profile,
        "kind": result.kind,
        "ok": result.ok,
        "errors": result.errors,
        "warnings": result.warnings,
        "findings": [
            {k: (redact(v) if isinstance(v, str) else v) for k, v in f.to_json().items()}
            for f in result.findings
        ],
        "output": output,
    }
    if result.summary is not None:
        data["summary"] = result.summary
    return data


def _print_check(result: CheckResult) -> None:
    from .rules.messages import text
    from .rules.summary import lines

    if result.findings:
        out.print(_finding_table(result))
    summary = text("ui.result", profile=result.profile, errors=result.errors, warnings=result.warnings)
    out.print(("[green]✓[/green] " if result.ok else "[red]✗[/red] ") + escape(summary))
    if result.loaded is not None:
        from .kinds import load_checklist

        notes = load_checklist(result.kind or "").notes
        for note in notes:
            out.print(f"  · {escape(note)}")
    if result.summary is not None:
        for line in lines(result.summary):
            out.print(escape(redact(line)))


@app.command()
@guarded
def check(
    profiles: Profiles,
    format: Format = OutputFormat.text,
    today: Today = None,
    lang: LangOption = None,
    report: Report = None,
    templates: Templates = None,
) -> int:
    """检查配置和附件（不需要 LibreOffice），列出所有问题。

    与 build 一样，可以给出多个配置文件、文件夹或通配符。
    """
    from . import api

    day = _parse_today(today)
    results = api.check(profiles, day, templates, lang=lang)
    if report is not None:
        err.print(f"报告：{api.write_report(results, report)}", markup=False)
    if format is OutputFormat.json:
        print(json.dumps([result_json(r) for r in results], ensure_ascii=False, indent=2))
    else:
        for r in results:
            _print_check(r)
    return ExitCode.ok if all(r.ok for r in results) else ExitCode.input_error


@app.command()
@guarded
def build(
    profiles: Profiles,
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件夹")] = Path("out"),
    jobs: Annotated[
        int | None, typer.Option("-j", "--jobs", min=1, help="同时生成的份数（默认：CPU 核数）")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="即使检查发现错误也生成（记录在 manifest 中）")
    ] = False,
    today: Today = None,
    seam: Annotated[bool, typer.Option("--seam", help="在每页右侧加骑缝章位置标记")] = False,
    watermark: Annotated[
        str | None,
        typer.Option(
            "--watermark", help="在附件复印件上加一行用途限制文字，如“仅供办理96短号申请使用，他用无效”"
        ),
    ] = None,
    format: Format = OutputFormat.text,
    report: Report = None,
    preview: Annotated[
        bool,
        typer.Option("--preview", help="另生成每份材料的缩略总览 preview.png，多份时另有 OUT/preview.html"),
    ] = False,
    converter: Annotated[
        str | None,
        typer.Option(
            "--converter",
            help="常驻转换服务 unoserver://主机:端口（逗号分隔为多个，组成转换池）；默认取 NUMDOSSIER_CONVERTER，"
            "未设置时每批启动一次性的 soffice",
        ),
    ] = None,
    templates: Templates = None,
    lang: LangOption = None,
) -> int:
    """检查并生成申请材料：填好的表格、一份可直接打印的 PDF 和 manifest.json。

    可以给出多个配置文件、文件夹（其中及其子文件夹中的 *.toml）或通配符：一份失败不影响其他各份。
    """
    from . import api
    from .batch import batch_exit_code
    from .convert.unoserver import converter_spec, parse_converters

    spec = converter_spec(converter)
    if spec is not None:
        parse_converters(spec)  # a malformed address is a usage error (exit 2) before anything runs
    day = _parse_today(today)
    paths = api.profiles_in(profiles)
    text = format is OutputFormat.text
    with _progress(len(paths), enabled=text) as listener:
        outcomes = api.build(
            paths,
            output,
            today=day,
            force=force,
            seam=seam,
            watermark=watermark,
            preview=preview,
            templates=templates,
            jobs=jobs,
            listener=listener,
            debug=_state["debug"],
            converter=spec,
            lang=lang,
        )
    if report is not None:
        err.print(f"报告：{api.write_report(outcomes, report)}", markup=False)
    if text:
        _print_outcomes(outcomes, force)
    else:
        print(json.dumps([build_json(o) for o in outcomes], ensure_ascii=False, indent=2))
    return batch_exit_code(outcomes)


def build_json(o: Any) -> dict[str, Any]:
    """One entry of `build --format json`: check's entry, and what a script needs next (docs/cli.md)."""
    entry = result_json(o.check, str(o.built.folder) if o.built else None)
    entry["ok"] = o.ok
    entry["pages"] = o.built.pages if o.built else None
    entry["pdf"] = str(o.built.folder / "dossier.pdf") if o.built else None
    entry["manifest"] = str(o.built.folder / "manifest.json") if o.built else None
    if o.error is not None:  # why the build failed, as a finding scripts can read
        entry["findings"].append(_build_failure(o.error))
        entry["errors"] += 1
    for note in getattr(o, "notes", []):  # e.g. a converter of the pool failed and others took over
        entry["findings"].append(_build_note(note))
        entry["warnings"] += 1
    return entry


@app.command()
@guarded
def verify(
    scans: Annotated[
        list[Path],
        typer.Argument(help="签字盖章后的扫描件：一个 PDF，或按页序排列的图像", show_default=False),
    ],
    dossier: Annotated[
        Path,
        typer.Option("--dossier", help="打印时的材料文件夹 OUT/<name>（含 dossier.pdf 和 manifest.json）"),
    ],
    seam: Annotated[
        bool | None, typer.Option("--seam/--no-seam", help="检查骑缝章（默认：按 manifest 中生成时的设置）")
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", help="写出标注问题位置的 PDF 副本")] = None,
    split: Annotated[
        Path | None, typer.Option("--split", help="按材料清单拆分为上传文件 NN-<名称>.pdf，写入此文件夹")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="即使有错误也拆分上传文件")] = False,
    jobs: Annotated[
        int | None, typer.Option("-j", "--jobs", min=1, help="同时处理的页数（默认：CPU 核数）")
    ] = None,
    format: Format = OutputFormat.text,
    lang: LangOption = None,
) -> int:
    """检查签字盖章后的扫描件：每页对应材料哪一页，缺页、多页、顺序、倒置，公章、签字、日期是否齐全。"""
    from . import api

    result = api.verify(
        scans, dossier, seam=seam, jobs=jobs, report=report, split=split, force=force, lang=lang
    )
    written_report, files = result.report, result.split
    from .signed.output import result_json

    if format is OutputFormat.json:
        print(json.dumps([result_json(result, written_report, files)], ensure_ascii=False, indent=2))
    else:
        _print_verify(
            out, err, result, written_report, files, split_refused=split is not None and files is None
        )
    return ExitCode.ok if result.ok else ExitCode.input_error


def _print_verify(
    out: Console,
    err: Console,
    result: Any,
    report: Path | None,
    files: list[Any] | None,
    split_refused: bool = False,
) -> None:
    from .rules.messages import text as ui
    from .signed.output import human_size, where
    from .signed.verify import text

    scan = ", ".join(result.scan)
    if result.findings:
        table = Table(title=f"{scan} → {result.dossier.folder}", title_justify="left")
        for column in ("severity", "code", "where", "message", "hint"):
            table.add_column(ui(f"ui.{column}"), overflow="fold")
        for f in result.findings:
            level = (
                f"[red]{ui('ui.error')}[/red]"
                if f.severity == "error"
                else f"[yellow]{ui('ui.warning')}[/yellow]"
            )
            table.add_row(level, f.code, where(f), escape(redact(f.message)), escape(redact(f.hint)))
        out.print(table)
    summary = text(
        "result",
        scan=scan,
        dossier=result.dossier.folder,
        pages=len(result.pages),
        errors=result.errors,
        warnings=result.warnings,
    )
    out.print(("[green]✓[/green] " if result.ok else "[red]✗[/red] ") + escape(summary))
    if report is not None:
        out.print(escape(text("report_written", path=report)))
    if split_refused:
        err.print(text("split_refused"), markup=False, style="red")
    if files is not None and files:
        out.print(escape(text("split_done", folder=files[0].path.parent)))
        for file in files:
            note = text("reencoded", dpi=file.dpi) if file.dpi else ""
            size = human_size(file.bytes)
            out.print(escape(text("split_line", name=file.path.name, pages=file.pages, size=size, note=note)))


def _build_failure(error: NumdossierError) -> dict[str, Any]:
    from .report import failure_finding

    return {k: (redact(v) if isinstance(v, str) else v) for k, v in failure_finding(error).to_json().items()}


def _build_note(note: str) -> dict[str, Any]:
    return {
        "severity": "warning",
        "code": "BUILD-CONVERTER",
        "field": None,
        "file": None,
        "message": note,
        "hint": "",
    }


@contextlib.contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[Any, int, int], None] | None]:
    """A progress bar on a terminal, plain lines when piped; nothing for JSON output."""
    if not enabled:
        yield None
        return

    def line(outcome: Any, done: int, count: int) -> None:
        mark = "✓" if outcome.ok else "✗"
        pages = f"{outcome.built.pages} 页" if outcome.built else "未生成"
        err.print(
            f"[{done}/{count}] {mark} {outcome.profile}（{pages}，{outcome.seconds:.1f} 秒）", markup=False
        )

    if not err.is_terminal or total < 2:
        yield line
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("生成中"),
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
    from .rules.messages import text

    if outcome.check.loaded is None:  # unreadable or invalid profile: nothing --force could build
        return text("ui.not_built_unreadable", profile=outcome.profile)
    if force:
        return text("ui.not_built", profile=outcome.profile)
    return text("ui.not_built_force", profile=outcome.profile)


def _print_outcomes(outcomes: list[Any], force: bool = False) -> None:
    for o in outcomes:
        if o.check.findings:
            _print_check(o.check)
        if o.error is not None:
            err.print(f"✗ {o.profile}: {redact(str(o.error))}", markup=False, style="red")
        elif not o.ok:
            err.print(_not_built(o, force), markup=False, style="red")
        for note in o.notes:
            err.print(f"注意：{o.profile}：{note}", markup=False, style="yellow")
        if o.error is None and o.ok and o.forced:
            err.print(
                f"注意：{o.profile} 有 {len(o.forced)} 个错误，因 --force 仍已生成",
                markup=False,
                style="yellow",
            )
    table = Table(title="生成结果", title_justify="left")
    for column in ("材料", "页数", "用时", "结果"):
        # fold, never cut with "…": the profile and the dossier's path must stay whole to be copied
        table.add_column(column, overflow="fold")
    for o in outcomes:
        result = f"✓ {o.built.folder / 'dossier.pdf'}" if o.built else "✗ 未生成"
        table.add_row(
            escape(o.profile), str(o.built.pages) if o.built else "-", f"{o.seconds:.1f} 秒", escape(result)
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
    out.print(f"共 {len(outcomes)} 份，成功 {built} 份，失败 {len(outcomes) - built} 份。")


def _natural_width(table: Table) -> int:
    from rich.measure import Measurement

    return Measurement.get(out, out.options.update(width=100_000), table).maximum


def _print_observations(outcomes: list[Any]) -> None:
    """What build did to attachments on their way in (repaired, re-encoded, fonts embedded, …)."""
    from .pdf.attachments import Observation
    from .rules.messages import text

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
                    out.print(f"  {source['path']}：" + "；".join(notes), markup=False)


converter_app = typer.Typer(
    no_args_is_help=True,
    help="本机的常驻转换服务（unoserver）：start 启动、stop 停止、status 查看。build 用 --converter 或 NUMDOSSIER_CONVERTER 使用它。",
)
app.add_typer(converter_app, name="converter")
Port = Annotated[int, typer.Option("--port", min=1, max=65535, help="XML-RPC 端口（每个转换服务一个）")]


@converter_app.command("start")
@guarded
def converter_start(
    port: Port = 2003,
    host: Annotated[
        str, typer.Option("--host", help="监听地址；供其他机器使用时写本机地址（默认只在本机）")
    ] = "127.0.0.1",
    lang: LangOption = None,
) -> int:
    """启动一个常驻转换服务（自己的 LibreOffice 用户配置、pid 文件和日志）。"""
    from .convert.server import LocalServer

    server = LocalServer(port, host)
    status = server.start()
    out.print(
        f"转换服务已运行：{server.endpoint}（LibreOffice {status.version or '?'}，进程 {status.pid}）",
        markup=False,
    )
    err.print(
        f"使用：numdossier build … --converter {server.endpoint}，或 export NUMDOSSIER_CONVERTER={server.endpoint}；"
        f"停止：numdossier converter stop --port {port}",
        markup=False,
    )
    return ExitCode.ok


@converter_app.command("stop")
@guarded
def converter_stop(port: Port = 2003, lang: LangOption = None) -> int:
    """停止转换服务及其 LibreOffice。"""
    from .convert.server import LocalServer

    server = LocalServer(port)
    stopped = server.stop()
    out.print(
        f"已停止转换服务（端口 {port}）。" if stopped else f"端口 {port} 上没有由 numdossier 启动的转换服务。"
    )
    return ExitCode.ok


@converter_app.command("status")
@guarded
def converter_status(port: Port = 2003, lang: LangOption = None) -> int:
    """查看转换服务是否在运行（退出码 0 运行中，3 未运行或无应答）。"""
    from .convert.server import LocalServer

    server = LocalServer(port)
    status = server.status()
    if status.answering:
        out.print(
            f"运行中：{server.endpoint}（LibreOffice {status.version or '?'}，进程 {status.pid}，"
            f"文件夹 {server.folder}）",
            markup=False,
        )
        return ExitCode.ok
    if status.running:
        out.print(f"进程 {status.pid} 在运行，但 {server.endpoint} 没有应答。", markup=False)
    elif status.leftover:
        out.print(
            f"转换服务已退出，但其 LibreOffice 仍在运行；请运行 numdossier converter stop --port {port}。"
        )
    else:
        out.print(f"未运行（端口 {port}）。启动：numdossier converter start --port {port}")
    return ExitCode.environment


template_app = typer.Typer(
    no_args_is_help=True, help="自带模板：导出内置模板、列出可用变量、检查模板（见 README“自带模板”）。"
)
app.add_typer(template_app, name="template")


@template_app.command("export")
@guarded
def template_export(
    kind: Annotated[str, typer.Argument(help=_kind_help())],
    item: Annotated[str, typer.Argument(help="表格项目 id，如 security_agreement")],
    output: Annotated[Path, typer.Option("-o", "--output", help="写出的 .docx 文件")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已有文件")] = False,
    lang: LangOption = None,
) -> int:
    """写出内置模板，作为自带模板的起点。"""
    from .render.authoring import export

    err.print(f"已写入 {export(kind, item, output, force)}", markup=False)
    return ExitCode.ok


@template_app.command("vars")
@guarded
def template_vars(
    kind: Annotated[str, typer.Argument(help=_kind_help())],
    format: Format = OutputFormat.text,
    lang: LangOption = None,
) -> int:
    """列出该类型模板可以使用的全部变量（路径、类型、说明、示例配置中的值）。"""
    from .kinds import registry
    from .render.authoring import variables

    registry.get(kind)
    found = variables(kind)
    if format is OutputFormat.json:
        print(json.dumps([v.__dict__ for v in found], ensure_ascii=False, indent=2))
        return ExitCode.ok
    table = Table(
        title=f"{kind} 模板变量（写作 {{{{ 路径 }}}}，列表用 {{% for x in 列表 %}}）", title_justify="left"
    )
    for column in ("变量", "类型", "说明", "示例值"):
        table.add_column(column, overflow="fold")
    for v in found:
        table.add_row(escape(v.path), v.type, escape(v.description), escape(v.sample))
    out.print(table)
    return ExitCode.ok


@template_app.command("check")
@guarded
def template_check(
    template: Annotated[Path, typer.Argument(help="要检查的 .docx 模板")],
    kind: Annotated[str, typer.Option("--kind", help=_kind_help())],
    item: Annotated[str | None, typer.Option("--item", help="该模板替换的表格项目 id")] = None,
    preview: Annotated[
        Path | None, typer.Option("--preview", help="用示例配置填写并经 LibreOffice 转成此 PDF")
    ] = None,
    format: Format = OutputFormat.text,
    lang: LangOption = None,
) -> int:
    """检查模板：标签语法、未知变量、被拆开的标签、外部链接，以及盖章、签字位置。退出码同 check。"""
    from .kinds import registry
    from .render.authoring import check_template
    from .render.authoring import preview as render_preview

    registry.get(kind)
    report = check_template(template, kind, item)
    if preview is not None and report.ok:
        render_preview(template, kind, preview)
    if format is OutputFormat.json:
        data = {k: v for k, v in report.__dict__.items() if k != "roots"} | {"ok": report.ok}
        data["roots"] = sorted(report.roots)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for e in report.errors:
            out.print(f"[red]错误[/red] {escape(e)}")
        for w in report.warnings:
            out.print(f"[yellow]警告[/yellow] {escape(w)}")
        if report.joined:
            out.print(f"已合并 {report.joined} 个被拆成多段格式的标签（生成时同样处理）。")
        out.print(f"变量（{len(report.variables)}）：{escape('、'.join(report.variables)) or '无'}")
        for title, places in (
            ("申请单位盖章处", report.seals),
            ("对方（乙方）盖章处，不放公章占位", report.other_party),
            ("签字处", report.signatures),
        ):
            out.print(f"{title}（{len(places)}）：")
            for place in places:
                out.print(f"  · {escape(place)}")
        if preview is not None and report.ok:
            out.print(f"预览：{preview}")
        mark = "[green]✓[/green]" if report.ok else "[red]✗[/red]"
        out.print(
            f"{mark} {escape(str(template))}：{len(report.errors)} 个错误，{len(report.warnings)} 个警告"
        )
    return ExitCode.ok if report.ok else ExitCode.input_error


def _fail(code: ExitCode, message: str) -> NoReturn:
    err.print(redact(message), markup=False)
    sys.exit(int(code))


def _ignore_stop_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


def _on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Console entry point."""
    signal.signal(signal.SIGTERM, _on_sigterm)  # SIGTERM cleans up like Ctrl-C
    try:
        app()
    except KeyboardInterrupt:  # outside a command (e.g. while importing)
        _fail(ExitCode.interrupted, "已中断。")


if __name__ == "__main__":
    main()
