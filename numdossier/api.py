"""The library: `load`, `check`, `build` and `write_report` with typed results; the CLI calls the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .check import CheckResult, check_profile
from .profile import LoadedProfile, load_profile
from .rules.messages import using

if TYPE_CHECKING:
    from .batch import Listener, Outcome
    from .pipeline import BuildOptions
    from .signed.verify import VerifyResult

__all__ = [
    "CheckResult",
    "LoadedProfile",
    "Outcome",
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
) -> list[CheckResult]:
    """Check every profile (files, folders or globs); no LibreOffice needed.

    `templates`: an agency folder of own templates, DIR/<kind>/<item>.docx and DIR/<kind>/checklist.toml."""
    day = today or dt.date.today()
    agency = Path(templates) if templates is not None else None
    with using(lang):
        return [check_profile(p, day, agency) for p in profiles_in(profiles)]


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
) -> list[Outcome]:
    """Check and build every profile into OUT/<name>/; one failing dossier never stops the others.

    `debug`: also write OUT/<name>/build.log (the converter and all it said, personal numbers masked).
    `converter`: unoserver://HOST:PORT[,...] (a pool of warm converters); None: one-shot soffice runs."""
    from .pipeline import BuildOptions

    with using(lang) as language:
        return _build(
            profiles,
            Path(out),
            jobs,
            listener,
            preview,
            BuildOptions(
                lang=language,
                out=Path(out),
                today=today or dt.date.today(),
                force=force,
                seam=seam,
                watermark=watermark,
                debug=debug,
                converter=converter,
                templates=Path(templates) if templates is not None else None,
            ),
        )


def _build(
    profiles: Paths,
    out: Path,
    jobs: int | None,
    listener: Listener | None,
    preview: bool,
    options: BuildOptions,
) -> list[Outcome]:
    from .batch import run_batch

    outcomes = run_batch(profiles_in(profiles), options, jobs, listener)
    if preview:
        from .preview import write_previews

        write_previews(outcomes, out)
    return outcomes


def verify(
    scans: str | Path | Iterable[str | Path],
    dossier: str | Path,
    *,
    seam: bool | None = None,
    jobs: int | None = None,
    report: str | Path | None = None,
    split: str | Path | None = None,
    force: bool = False,
    lang: str | None = None,
) -> VerifyResult:
    """Verify a signed scan (one PDF, or page images in order) against the dossier folder it was printed
    from; optionally write the marked-up copy (`report`) and the upload set (`split`, refused while errors
    remain unless `force`). `result.split` lists the files written."""
    with using(lang):
        return _verify(scans, dossier, seam, jobs, report, split, force)


def _verify(
    scans: str | Path | Iterable[str | Path],
    dossier: str | Path,
    seam: bool | None,
    jobs: int | None,
    report: str | Path | None,
    split: str | Path | None,
    force: bool,
) -> VerifyResult:
    from .signed.verify import verify_scan

    given = [scans] if isinstance(scans, str | Path) else list(scans)
    result = verify_scan([Path(s) for s in given], Path(dossier), seam=seam, jobs=jobs)
    if report is not None:
        from .signed.report import write_report as write_marked_up

        result.report = write_marked_up(result, Path(report))
    if split is not None and (result.ok or force):
        from .signed.split import split_scan

        result.split = split_scan(result, Path(split))
    return result


def write_report(
    results: Sequence[CheckResult | Outcome], target: str | Path, *, lang: str | None = None
) -> Path:
    """Write the spreadsheet report of `check` results or `build` outcomes (.xlsx, atomic)."""
    from .report import write_report as written

    with using(lang):
        return written(results, target)
