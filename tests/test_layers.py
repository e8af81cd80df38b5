"""The library core below the CLI stays usable without a terminal: only numdossier/cli.py may import the
terminal libraries (typer, rich)."""

from __future__ import annotations

import ast
import re

from support import ROOT, syntax

PACKAGE = ROOT / "numdossier"
TERMINAL = {"typer", "rich", "click"}
# Known exceptions, each to move beside cli.py; the test fails when one is fixed (shrink the list) or added.
KNOWN: dict[str, str] = {}


def terminal_imports(source: str | ast.Module) -> list[str]:
    """Every `import x` / `from x import …` of a terminal library in the source (or its parsed tree),
    anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(source) if isinstance(source, str) else source):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{name} (line {node.lineno})" for name in names if name.split(".")[0] in TERMINAL]
    return found


def test_the_finder_sees_every_form_of_import() -> None:
    source = "import os\nimport rich.console\ndef f():\n    from typer import Exit\n    import click as c\n"
    assert terminal_imports(source) == ["rich.console (line 2)", "typer (line 4)", "click (line 5)"]
    assert terminal_imports("from .rich import x\nimport richer\n") == []


def test_no_module_below_the_cli_imports_typer_or_rich() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert PACKAGE / "cli.py" in modules and len(modules) > 20
    # Only a module that names one of them can import one: the others are not parsed (most of the time)
    mention = re.compile(r"\b(?:" + "|".join(TERMINAL) + r")\b")
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in modules
        if path != PACKAGE / "cli.py"
        and mention.search(path.read_text(encoding="utf-8"))
        and (found := terminal_imports(syntax(path)))
    }
    assert set(offenders) == set(KNOWN), offenders
