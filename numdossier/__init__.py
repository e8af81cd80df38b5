"""numdossier: telecom number-resource application dossiers from one TOML profile.

As a library (numdossier.api; the CLI calls the same functions)::

    import numdossier
    outcomes = numdossier.build("clients/", out="out")
    numdossier.write_report(outcomes, "out/report.xlsx")
"""

from __future__ import annotations

import sys as _sys
import types as _types

# Not from typing: the console script starts in this package (numdossier.resident), and typing costs
# it several milliseconds; mypy takes any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as _dt
    from typing import Any

    __version__: str

    from .api import (
        CheckResult,
        LoadedProfile,
        Outcome,
        Paths,
        VerifyResult,
        build,
        load,
        verify,
        write_report,
    )

__all__ = [
    "CheckResult",
    "LoadedProfile",
    "Outcome",
    "VerifyResult",
    "__version__",
    "build",
    "check",
    "load",
    "verify",
    "write_report",
]


class _Package(_types.ModuleType):
    """The package's module: the import system sets each submodule on its package when it is first
    imported, and the submodule numdossier.check would take the name `check` from the function below.
    Refusing that one assignment keeps the function without importing the submodule up front (it is
    heavy: the console script starts here, see numdossier.resident)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "check" and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package


def check(profiles: Paths, today: _dt.date | None = None, *, lang: str | None = None) -> list[CheckResult]:
    """Check every profile (files, folders or globs), messages in `lang`; see numdossier.api.check."""
    from .api import check as run

    return run(profiles, today, lang=lang)


def _version() -> str:
    # importlib.metadata costs tens of milliseconds at start-up (it imports email, zipfile...): asked for
    # only by --version, the manifest and the build log.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("numdossier")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> Any:
    """__version__ (read once), and build, load, verify, write_report and the result types, from
    numdossier.api on first use (it is heavy)."""
    if name == "__version__":
        found = globals()["__version__"] = _version()
        return found
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'numdossier' has no attribute {name!r}")
