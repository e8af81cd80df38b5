"""Write docs/ from the code's own models, checklists, catalogues and rule tables, so that they cannot
drift: tests/test_docs.py regenerates every page and compares. Run `python tools/make_docs.py` after
changing a model, a starter comment, a checklist, a message or the CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT))

from pydantic import BaseModel  # noqa: E402
from pydantic_core import PydanticUndefined  # noqa: E402

GENERATED = (
    "<!-- 本页由 tools/make_docs.py 根据代码生成，请勿手工修改；tests/test_docs.py 检查其是否最新。 -->\n"
)
# Environment variables numdossier reads; tests/test_docs.py checks that every one the code reads is here.
ENVIRONMENT = {
    "NUMDOSSIER_LANG": "消息语言：`en`（或 `en_US.UTF-8` 等以 en 开头的值）输出英文，否则中文；`--lang` 优先。",
    "NUMDOSSIER_SOFFICE": "LibreOffice 的 `soffice` 可执行文件路径，用于不在 PATH 中的安装（如 "
    "`/opt/libreoffice/program/soffice`）；不是可执行文件时退出码 3。",
    "NUMDOSSIER_GS": "Ghostscript 的 `gs` 可执行文件路径（为未嵌入字体的 PDF 附件嵌入字体时使用）；不是可执行文件时退出码 3。",
    "PATH": "查找 `soffice`、`gs`、`qpdf` 等外部程序（未用上面的变量指定时）。",
    "NUMDOSSIER_FONT": "封面、目录和叠加文字使用的中文字体文件（.ttf/.ttc/.otf）路径，代替自动查找的 Noto/文泉驿字体。",
    "SOURCE_DATE_EPOCH": "可重复生成：PDF 和 DOCX 中的时间戳取这个 Unix 时间，相同输入得到逐字节相同的 "
    "`dossier.pdf` 和 `manifest.json`。",
    "TMPDIR": "临时工作文件夹（LibreOffice 的独立用户配置也在其中）；结束或中断时清除。",
    "NUMDOSSIER_CONVERTER": "常驻转换服务 `unoserver://主机:端口`，逗号分隔为多个（转换池）；`--converter` 优先；"
    "未设置时每批启动一次性的 soffice。",
    "NUMDOSSIER_CONVERT_TIMEOUT": "常驻转换服务转换一份表格的最长秒数（默认 60），超过即视为无应答，改由池中其他服务转换。",
    "NUMDOSSIER_CONVERTER_RECYCLE": "`converter start` 启动的转换服务每转换这么多份表格就换一个新的 LibreOffice（默认 200；"
    "新的先启动、接手后才结束旧的，转换不中断）；`0` 表示从不更换。LibreOffice 连续转换时内存和每份的耗时都会增长。",
    "NUMDOSSIER_RESIDENT": "设为 `0`（或 `off`、`no`、`false`）时 `converter start` 不启动常驻 numdossier，`build` 和 `check` "
    "也不把命令交给已在运行的常驻 numdossier，而在本进程中执行（见 README“常驻 numdossier”）。",
    "NUMDOSSIER_STATE_DIR": "`numdossier converter` 的状态文件夹（每个端口一个子文件夹：LibreOffice 用户配置、pid 文件、日志）；"
    "默认 `$XDG_STATE_HOME/numdossier`。",
    "XDG_STATE_HOME": "未设置 `NUMDOSSIER_STATE_DIR` 时状态文件夹的上级（默认 `~/.local/state`）。",
    "NUMDOSSIER_UNO_PYTHON": "运行常驻转换服务的 Python（须能 `import uno`）；默认依次尝试 LibreOffice 自带的 python 和 "
    "`/usr/bin/python3`（Debian：`apt-get install python3-uno`）。",
}


def kinds() -> list[str]:
    from numdossier.kinds import registry

    return list(registry.names())


def model_of(kind: str) -> type[BaseModel]:
    from numdossier.kinds import registry

    return registry.get(kind).model


def cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


# --- profile.md -----------------------------------------------------------------------------------


def _submodel(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """(model, is a list) for BaseModel, list[BaseModel], BaseModel | None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is list and args:
        found, _ = _submodel(args[0])
        return found, found is not None
    if len(args) == 1 and origin is not typing.Annotated:
        return _submodel(args[0])
    return None, False


def _default(info: Any) -> str:
    if info.is_required():
        return ""
    if info.default_factory is not None:
        value = info.default_factory()
        return "" if isinstance(value, BaseModel) else json.dumps(value, ensure_ascii=False)
    if info.default is None or info.default is PydanticUndefined:
        return ""
    if isinstance(info.default, str):
        return f'"{info.default}"'
    if isinstance(info.default, bool):
        return str(info.default).lower()
    return str(info.default)


def fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, Any, Any]]:
    for name, info in model.model_fields.items():
        path = prefix + name
        sub, many = _submodel(info.annotation)
        if sub is not None:
            yield path + ("[]" if many else ""), info, sub
            yield from fields(sub, path + ("[]." if many else "."))
        else:
            yield path, info, None


def profile_page() -> str:
    from numdossier.profile.loader import accepted
    from numdossier.rules import plausibility
    from numdossier.rules.formats import required_fields
    from numdossier.schema import descriptions

    out = [GENERATED, "# 配置文件格式（版本 1）\n"]
    out.append(
        "一份申请一个 TOML 文件（UTF-8，可带 BOM）。建议每个客户一个文件夹：`clients/<名称>/profile.toml`，"
        "扫描件放在同一文件夹的 `attachments/` 中（`numdossier init clients/<名称> --kind <类型>` 生成）。"
        "文件中的路径相对于配置文件所在文件夹，不能离开该文件夹（也不能经符号链接离开）。未知的键是错误。\n\n"
        '写法：文字加英文双引号（`name = "青禾物流"`）；日期不加引号（`date = 2026-11-23`）；数字和 `true`/`false` '
        '不加引号；数组 `["甲", "乙"]`；`[[branches]]` 每写一次增加一个分支机构。\n\n'
        "“要求”一栏：**必需** 是缺少时无法读取的键；**必填** 是 `check` 在为空时报 FIELD-MISSING 的字段"
        "（表格会印出它们）；**可选** 是示例配置注释以“可选”开头的字段；**视情况** 是注释写明何时必填的字段，"
        "由该类型的规则检查；**有默认值** 的字段不写时取默认值（数值范围见 [rules.md](rules.md)）。说明取自 `numdossier init` 写出的示例配置中的注释（同一来源）。\n"
    )
    for kind in kinds():
        model = model_of(kind)
        comments = descriptions(kind)
        starter = {f.path: f for f in plausibility.starter_fields(kind)}
        required = set(required_fields({"kind": kind})) | set(plausibility.starter_required(kind))
        out.append(f"\n## {kind}\n\n| 字段 | 类型 | 默认值 | 要求 | 说明 |\n|---|---|---|---|---|\n")
        for path, info, sub in fields(model):
            generic = path.replace("[]", "")
            comment = comments.get(generic, "")
            mark = starter.get(path)
            if info.is_required() and sub is None:
                need = "必需"
            elif path in required:
                need = "必填"
            elif mark is not None and mark.conditional:
                need = "视情况"
            elif sub is not None:
                need = "必需" if info.is_required() else ""
            elif comment.startswith(plausibility.OPTIONAL):
                need = "可选"
            else:
                need = "有默认值"
            kind_of = (
                ("表数组 `[[…]]`" if path.endswith("[]") else "表 `[…]`")
                if sub is not None
                else accepted(info.annotation)
            )
            out.append(
                f"| `{path}` | {cell(kind_of)} | {cell(_default(info))} | {need} | {cell(comment)} |\n"
            )
    return "".join(out)


# --- kinds.md and rules.md --------------------------------------------------------------------------


def _findings() -> dict[str, dict[str, Any]]:
    from numdossier.rules.messages import catalogue

    return {code: cases for code, cases in catalogue()["findings"].items() if code != "_common"}


def _rule_rows(codes: list[str]) -> str:
    found = _findings()
    rows = ["| 代码 | 情形 | 说明 | 建议 |\n|---|---|---|---|\n"]
    for code in codes:
        for case, texts in found[code].items():
            rows.append(f"| `{code}` | {case} | {cell(texts['zh'])} | {cell(texts['hint_zh'])} |\n")
    return "".join(rows)


def kinds_page() -> str:
    from numdossier.kinds import load_checklist

    out = [
        GENERATED,
        "# 申请类型：材料清单和规则\n\n每类申请的材料按下列顺序装订；“来源”说明文件从哪里来。\n",
    ]
    sources = {
        "form": "由 numdossier 填写生成",
        "attachments": "扫描件：`[attachments]` 中的",
        "files": "扫描件：配置中",
        "branches": "生成分支机构目录，再附各 `[[branches]]` 的 `proofs`",
    }
    for kind in kinds():
        checklist = load_checklist(kind)
        out.append(f"\n## {kind}：{checklist.title}\n\n{checklist.subtitle}\n\n")
        if checklist.authority:
            out.append(f"受理：{checklist.authority}\n\n")
        out.append("| 序号 | 材料 | 来源 | 必需 | 适用条件 |\n|---|---|---|---|---|\n")
        for no, item in enumerate(checklist.items, 1):
            source = sources[item.source]
            if item.source == "attachments":
                source += "、".join(f"`{k}`" for k in item.attachment_keys)
            elif item.source == "files":
                source += f" `{item.files}`"
            if item.source == "form":
                required = "（生成）"
            elif item.required_when:
                required = f"当 `{item.required_when}`"
            else:
                required = "是" if item.required else "否"
            when = f"`{item.when}`" if item.when else "总是"
            out.append(f"| {no} | {cell(item.title)} | {cell(source)} | {cell(required)} | {cell(when)} |\n")
        for note in checklist.notes:
            out.append(f"\n- {note}")
        own = sorted(c for c in _findings() if c.lower().startswith(kind + "-"))
        if own:
            out.append(f"\n\n### {kind} 的专有规则\n\n" + _rule_rows(own))
        out.append("\n")
    out.append("\n所有类型共用的规则见 [rules.md](rules.md)。\n")
    return "".join(out)


def rules_page() -> str:
    from numdossier.rules import plausibility

    kinds_prefixes = tuple(k.upper() + "-" for k in kinds())
    shared = sorted(c for c in _findings() if not c.startswith(kinds_prefixes))
    table = plausibility.table()
    out = [
        GENERATED,
        "# `check` 的规则（所有类型共用）\n\n",
        "每条发现有固定的代码（脚本可依赖）、级别（错误/警告）、字段、说明和建议；英文文本在同一份消息目录"
        "（`numdossier/rules/data/messages.toml`）中，`NUMDOSSIER_LANG=en` 时使用。各类型的专有规则见 "
        "[kinds.md](kinds.md)，阈值和资费见 `numdossier/rules/data/settings.toml`。\n\n",
        "## 全部共用代码\n\n",
        _rule_rows(shared),
        "\n## 数值范围（NUMBER-RANGE）\n\n| 字段 | 类型 | 范围 |\n|---|---|---|\n",
    ]
    for entry in table["number"]:
        bounds = []
        if "above" in entry:
            bounds.append(f"> {entry['above']}")
        if "at_least" in entry:
            bounds.append(f"≥ {entry['at_least']}")
        if "at_most" in entry:
            bounds.append(f"≤ {entry['at_most']}")
        if "unset" in entry:
            bounds.append(f"（{entry['unset']} 表示未填写）")
        out.append(
            f"| `{entry['field']}` | {', '.join(entry.get('kinds', ['全部']))} | {' '.join(bounds)} |\n"
        )
    out.append("\n## 日期先后（DATE-ORDER）\n\n“签字日期”为 `signing.date`，未填写（留空手写）时为今天。\n\n")
    out.append("| 较早 | 较晚 | 类型 | 条件 |\n|---|---|---|---|\n")
    for entry in table["date"]:
        early = "签字日期" if entry["earlier"] == "signing" else f"`{entry['earlier']}`"
        strict = "（不能同一天）" if entry.get("strict") else ""
        when = f"`{entry['when']}`" if entry.get("when") else ""
        out.append(
            f"| {early} | `{entry['later']}`{strict} | {', '.join(entry.get('kinds', ['全部']))} | {when} |\n"
        )
    hotlines = table["hotlines"]
    out.append(
        "\n## 故障申告电话（HOTLINE-NUMBER）\n\n"
        + "、".join(f"`{f}`" for f in hotlines["fields"])
        + " 中的号码须为基础电信企业的服务号码（"
        + "、".join(hotlines["service_numbers"])
        + "）、400/800 号码或带区号的固定电话。\n"
    )
    out.append("\n## 受理单位与基础电信企业（CARRIER-BRAND）\n\n| 基础电信企业 | 名称中的字样 |\n|---|---|\n")
    for brand, words in table["brands"].items():
        out.append(f"| {brand} | {'、'.join(words)} |\n")
    out.append(
        "\n## 邮政编码与省份（POSTCODE-PROVINCE）\n\n通信地址所在省（取自地址开头的省名或地级市名）与邮政编码前两位不符时报错。"
        "数据：`numdossier/rules/data/postcodes.toml`（来源：中国邮政《全国邮政编码簿》）。\n\n"
        "| 省级行政区 | 邮政编码前两位 |\n|---|---|\n"
    )
    for province, prefixes in plausibility.postcode_prefixes().items():
        out.append(f"| {province} | {'、'.join(prefixes)} |\n")
    out.append(
        "\n## 重复\n\n电话号码先规范化再比较：去掉空格、括号、连字符、+86/0086 和分机（`020-38880000`、"
        "`02038880000`、`(020) 3888 0000` 是同一个号码）。检查 "
        + "、".join(f"`{p}`" for p in plausibility.NUMBER_LISTS)
        + "；分支机构的统一社会信用代码互不相同且不同于申请单位的；同一地市的两个分支机构只计一次覆盖。\n"
    )
    return "".join(out)


# --- cli.md -----------------------------------------------------------------------------------------


def _options(command: Any) -> str:
    rows = ["| 参数/选项 | 说明 | 默认值 |\n|---|---|---|\n"]
    for param in command.params:
        if param.param_type_name == "argument":
            name = f"`{param.name.upper()}…`" if param.nargs == -1 else f"`{param.name.upper()}`"
        else:
            name = "、".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
        choices = getattr(getattr(param, "type", None), "choices", None)
        extra = f"（{' / '.join(map(str, choices))}）" if choices else ""
        default = (
            param.default if param.default not in (None, False, ()) and not callable(param.default) else ""
        )
        rows.append(f"| {name} | {cell((param.help or '') + extra)} | {cell(default)} |\n")
    return "".join(rows)


def _example_json() -> tuple[str, str]:
    from numdossier.batch import Outcome
    from numdossier.check import check_profile
    from numdossier.pipeline import Built
    from numdossier.report import build_entry as build_json
    from numdossier.report import check_entry as result_json

    sample = Path("samples/n96/qinghe-96.toml")
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        result = check_profile(sample, dt.date(2026, 11, 23))
    finally:
        os.chdir(previous)
    checked = json.dumps([result_json(result)], ensure_ascii=False, indent=2)
    built = build_json(Outcome(str(sample), result, Built(Path("out/qinghe-96"), 23, {})))
    built.pop("summary", None)
    return checked, json.dumps([built], ensure_ascii=False, indent=2)


def _commands(group: Any) -> list[Any]:
    found = []
    for command in getattr(group, "commands", {}).values():
        found += [command, *_commands(command)]
    return found


def cli_page() -> str:
    import typer

    from numdossier.cli import app, say_again
    from numdossier.errors import ExitCode, exit_meaning

    group: Any = typer.main.get_command(app)
    for command in (group, *_commands(group)):
        say_again(command)  # the help texts in the pages' language, whatever the CLI was imported in
    out = [
        GENERATED,
        "# 命令行\n\n`numdossier COMMAND --help` 显示同样的内容。全局选项：\n\n",
        _options(group),
    ]
    for name, command in group.commands.items():
        doc = (command.help or "").strip()
        table = _options(command) if command.params else ""  # a group's options are its commands'
        out.append(f"\n## numdossier {name}\n\n{doc}\n\n{table}")
        for sub, subcommand in getattr(command, "commands", {}).items():  # converter start|stop|status, ...
            subdoc = (subcommand.help or "").strip()
            out.append(f"\n### numdossier {name} {sub}\n\n{subdoc}\n\n{_options(subcommand)}")
    out.append("\n## 环境变量\n\n| 变量 | 作用 |\n|---|---|\n")
    for name, what in ENVIRONMENT.items():
        out.append(f"| `{name}` | {cell(what)} |\n")
    out.append("\n## 退出码\n\n| 退出码 | 含义 |\n|---|---|\n")
    for code, meaning in ((c, exit_meaning(c)) for c in ExitCode):
        out.append(f"| {int(code)} | {cell(meaning)} |\n")
    checked, built = _example_json()
    out.append(
        "\n## JSON 输出\n\n`check --format json` 和 `build --format json` 在 stdout 输出一个 JSON 数组，每份配置一个对象，"
        "顺序与命令行相同，stdout 上没有其他内容。`findings[]` 的 `field` 是配置中的路径（如 `branches[2].city`），"
        "`file` 是配置中写的附件路径；两者都可能为 null。证件号码和手机号码在所有文本中均已部分遮盖。\n\n"
        "`check`（样例 n96，`--today 2026-11-23`）：\n\n```json\n"
        + checked
        + "\n```\n\n`build` 的每个对象在此之上还有 `output`（材料包文件夹）、`pages`（dossier.pdf 的页数）、"
        "`pdf` 和 `manifest`（两个文件的路径），未生成时为 null；生成失败的原因作为代码为 BUILD-INPUT、"
        "BUILD-ENVIRONMENT 或 BUILD-INTERNAL 的发现列出（`summary` 此处略去）：\n\n```json\n"
        + built
        + "\n```\n\n"
        "## 输出文件夹\n\n`build` 为每份材料写出 `OUT/<名称>/`：`dossier.pdf`（封面、目录、按清单顺序的全部材料、页码、"
        "公章位置标记、书签）、`forms/NN-<标题>.docx`（填好的表格，可在 Word/LibreOffice 中编辑）和 `manifest.json`"
        "（numdossier 版本、类型、名称、配置文件路径和 sha256、是否 --force、页数、每项材料的起止页和来源文件、"
        "签字/盖章/日期位置（毫米，自页面左上角）、输出文件的 sha256 和大小）。文件写完后才出现；失败时不留下 dossier.pdf。\n"
    )
    return "".join(out)


def readme_page() -> str:
    return (
        GENERATED + "# numdossier 文档\n\n"
        "- [profile.md](profile.md)：配置文件格式，每类申请的全部字段（类型、默认值、是否必填、说明）\n"
        "- [kinds.md](kinds.md)：每类申请的材料清单（装订顺序、来源、适用条件）和专有规则\n"
        "- [rules.md](rules.md)：`check` 的共用规则：代码、说明和建议，数值范围、日期先后、邮编前缀等数据表\n"
        "- [cli.md](cli.md)：命令和选项、环境变量（含 `NUMDOSSIER_SOFFICE`）、退出码、JSON 输出格式\n"
    )


def pages() -> dict[str, str]:
    """Every page; in Chinese whatever NUMDOSSIER_LANG says (English texts are in the same catalogue)."""
    from numdossier.rules import messages

    with messages.using("zh"):
        return {
            "README.md": readme_page(),
            "profile.md": profile_page(),
            "kinds.md": kinds_page(),
            "rules.md": rules_page(),
            "cli.md": cli_page(),
        }


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for name, text in pages().items():
        (DOCS / name).write_text(text, encoding="utf-8")
        print(f"wrote docs/{name}")


if __name__ == "__main__":
    main()
