"""The library: `load`, `check`, `build` and `write_report` with typed results; the CLI calls the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .check import CheckResult, check_profile
from .options import BuildOptions, CheckOptions, VerifyOptions
from .profile import LoadedProfile, load_profile
from .rules.messages import using

if TYPE_CHECKING:
    from .batch import Listener, Outcome
    from .signed.verify import VerifyResult

__all__ = [
    "BuildOptions",
    "CheckOptions",
    "CheckResult",
    "LoadedProfile",
    "Outcome",
    "VerifyOptions",
    "VerifyResult",
    "build",
    "check",
    "load",
    "profiles_in",
    "verify",
    "write_report",
]

Paths = str | Path | Iterable[str | Path]

# Building, reporting and verifying pull in the PDF, DOCX and imaging libraries: `check` needs none of
# them, so they are imported on first use (a `check` starts in a fraction of the time).
_LAZY = {
    "Outcome": "batch",
    "VerifyResult": "signed.verify",
}


def __getattr__(name: str) -> Any:
    """Outcome and VerifyResult, from their modules on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__package__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load(path: str | Path, *, lang: str | None = None) -> LoadedProfile:
    """One profile, validated; raises ProfileError listing every problem (in `lang`: zh or en).

    `lang` everywhere in this API: the language of messages and hints; None keeps the caller's
    (`messages.using`), else NUMDOSSIER_LANG, else Chinese."""
    with using(lang):
        return load_profile(path)


def profiles_in(paths: Paths) -> list[Path]:
    """Profiles named by files, folders (their *.toml and */*.toml) or glob patterns, in order."""
    from .profile.find import find_profiles

    given = [paths] if isinstance(paths, str | Path) else list(paths)
    return find_profiles([Path(p) for p in given])


def check(
    profiles: Paths,
    today: dt.date | None = None,
    templates: str | Path | None = None,
    *,
    lang: str | None = None,
    options: CheckOptions | None = None,
) -> list[CheckResult]:
    """Check every profile (files, folders or globs); no LibreOffice needed.

    `templates`: an agency folder of own templates, DIR/<kind>/<item>.docx and DIR/<kind>/checklist.toml.
    `options`: the whole CheckOptions instead (what the CLI passes); the other arguments are then unused."""
    with using(options.lang if options else lang):
        if options is None:
            options = CheckOptions.model_validate({"today": today, "templates": templates})
        return [check_profile(p, options.today, options.templates) for p in profiles_in(profiles)]


def build(
    profiles: Paths,
    out: str | Path = "out",
    *,
    today: dt.date | None = None,
    force: bool = False,
    seam: bool = False,
    watermark: str | None = None,
    preview: bool = False,
    templates: str | Path | None = None,
    jobs: int | None = None,
    listener: Listener | None = None,
    debug: bool = False,
    converter: str | None = None,
    lang: str | None = None,
    options: BuildOptions | None = None,
) -> list[Outcome]:
    """Check and build every profile into OUT/<name>/; one failing dossier never stops the others.

    `debug`: also write OUT/<name>/build.log (the converter and all it said, personal numbers masked).
    `converter`: unoserver://HOST:PORT[,...] (a pool of warm converters); None: one-shot soffice runs.
    `options`: the whole BuildOptions instead (what the CLI passes); the other arguments but `listener`
    are then unused. Worker processes receive the options, and speak their `lang`."""
    with using(options.lang if options else lang) as language:
        if options is None:
            given = {
                "lang": language,
                "out": out,
                "today": today,
                "force": force,
                "seam": seam,
                "watermark": watermark,
                "preview": preview,
                "jobs": jobs,
                "debug": debug,
                "converter": converter,
                "templates": templates,
            }
            options = BuildOptions.model_validate(given)
        from .batch import run_batch

        outcomes = run_batch(profiles_in(profiles), options, options.jobs, listener)
        if options.preview:
            from .preview import write_previews

            write_previews(outcomes, options.out)
        return outcomes


def verify(
    scans: str | Path | Iterable[str | Path],
    dossier: str | Path | None = None,
    *,
    seam: bool | None = None,
    jobs: int | None = None,
    report: str | Path | None = None,
    split: str | Path | None = None,
    force: bool = False,
    lang: str | None = None,
    options: VerifyOptions | None = None,
) -> VerifyResult:
    """Verify a signed scan (one PDF, or page images in order) against the dossier folder it was printed
    from; optionally write the marked-up copy (`report`) and the upload set (`split`, refused while errors
    remain unless `force`). `result.split` lists the files written. `options`: the whole VerifyOptions
    instead (what the CLI passes)."""
    from .signed.verify import verify_scan

    with using(options.lang if options else lang):
        if options is None:
            asked = {
                "dossier": dossier or ".",
                "seam": seam,
                "jobs": jobs,
                "report": report,
                "split": split,
                "force": force and split is not None,
            }
            options = VerifyOptions.model_validate(asked)
        given = [scans] if isinstance(scans, str | Path) else list(scans)
        result = verify_scan([Path(s) for s in given], options.dossier, seam=options.seam, jobs=options.jobs)
        if options.report is not None:
            from .signed.report import write_report as write_marked_up

            result.report = write_marked_up(result, options.report)
        if options.split is not None and (result.ok or options.force):
            from .signed.split import split_scan

            result.split = split_scan(result, options.split)
        return result


def write_report(
    results: Sequence[CheckResult | Outcome], target: str | Path, *, lang: str | None = None
) -> Path:
    """Write the spreadsheet report of `check` results or `build` outcomes (.xlsx, atomic)."""
    from .report import write_report as written

    with using(lang):
        return written(results, target)
