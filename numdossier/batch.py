"""Many profiles at once: check, render every form, convert them in a few grouped LibreOffice runs,
then finish the dossiers in parallel; one failing dossier never stops the others."""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from .check import CheckResult, check_profile
from .convert.libreoffice import convert_grouped, kill_running
from .errors import ConversionError, EnvironmentProblem, ExitCode, InternalError, NumdossierError
from .pdf.fonts import cjk_font
from .pipeline import BuildOptions, Built, Dossier, finish, prepare
from .rules.findings import Finding


@dataclass
class Outcome:
    """What happened to one profile of the batch."""

    profile: str
    check: CheckResult
    built: Built | None = None
    error: NumdossierError | None = None
    seconds: float = 0.0
    forced: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.built is not None

    @property
    def exit_code(self) -> ExitCode:
        if self.ok:
            return ExitCode.ok
        return self.error.exit_code if self.error is not None else ExitCode.input_error


Listener = Callable[[Outcome, int, int], None]  # outcome, finished so far, total


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_batch(
    profiles: list[Path], options: BuildOptions, jobs: int | None = None, listener: Listener | None = None
) -> list[Outcome]:
    """Build every profile; outcomes in the order given."""
    jobs = jobs or default_jobs()
    today: dt.date = options.today
    outcomes = [Outcome(str(p), check_profile(p, today)) for p in profiles]
    done = 0

    def report(outcome: Outcome) -> None:
        nonlocal done
        done += 1
        if listener is not None:
            listener(outcome, done, len(outcomes))

    workdirs: list[Path] = []
    dossiers: dict[int, Dossier] = {}
    started: dict[int, float] = {}
    try:
        # 1. check and render: cheap, in this process
        for index, outcome in enumerate(outcomes):
            result = outcome.check
            if result.loaded is None or not (result.ok or options.force):
                report(outcome)
                continue
            outcome.forced = [f for f in result.findings if f.severity == "error"]
            started[index] = time.perf_counter()
            work = Path(tempfile.mkdtemp(prefix="numdossier-"))
            workdirs.append(work)
            try:
                dossiers[index] = prepare(result.loaded, options, work)
            except NumdossierError as e:
                _fail(outcome, e, started[index])
                report(outcome)
            except Exception as e:  # a defect must not take the other dossiers down
                _fail(outcome, _internal(e), started[index])
                report(outcome)

        # 2. every form of the batch in a few LibreOffice runs, `jobs` at a time
        documents: dict[Hashable, Path] = {
            (index, item_id): docx for index, d in dossiers.items() for item_id, docx in d.forms.items()
        }
        if documents:
            staging = Path(tempfile.mkdtemp(prefix="numdossier-convert-"))
            workdirs.append(staging)
            try:
                pdfs = convert_grouped(documents, staging, workers=jobs)
            except EnvironmentProblem as e:
                for index in list(dossiers):
                    _fail(outcomes[index], e, started[index])
                    report(outcomes[index])
                    del dossiers[index]
                pdfs = {}
        else:
            pdfs = {}

        # 3. attachments, layout, assembly and publishing, `jobs` dossiers at once
        ready: dict[int, dict[str, Path]] = {}
        for index, d in dossiers.items():
            converted: dict[str, Path] = {}
            failure: NumdossierError | None = None
            for item_id in d.forms:
                pdf = pdfs[(index, item_id)]
                if isinstance(pdf, ConversionError):
                    failure = failure or pdf
                else:
                    converted[item_id] = pdf
            if failure is not None:
                _fail(outcomes[index], failure, started[index])
                report(outcomes[index])
            else:
                ready[index] = converted

        if jobs == 1 or len(ready) <= 1:
            for index, converted in ready.items():
                _finish_one(outcomes[index], dossiers[index], converted, started[index])
                report(outcomes[index])
        else:
            # fork: workers inherit the loaded font and modules; no threads are running at this point
            cjk_font()
            context = multiprocessing.get_context("fork")
            with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                futures = {
                    pool.submit(finish, dossiers[i], converted, outcomes[i].forced): i
                    for i, converted in ready.items()
                }
                try:
                    for future in cf.as_completed(futures):
                        index = futures[future]
                        try:
                            outcomes[index].built = future.result()
                            outcomes[index].seconds = time.perf_counter() - started[index]
                        except NumdossierError as e:
                            _fail(outcomes[index], e, started[index])
                        except Exception as e:  # a defect must not take the other dossiers down
                            _fail(outcomes[index], _internal(e), started[index])
                        report(outcomes[index])
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)
                    for process in list(getattr(pool, "_processes", {}).values()):
                        process.terminate()  # workers turn SIGTERM into cleanup (see cli.main)
                    raise
    except BaseException:
        kill_running()
        raise
    finally:
        for work in workdirs:
            shutil.rmtree(work, ignore_errors=True)
    return outcomes


def _finish_one(outcome: Outcome, d: Dossier, converted: dict[str, Path], start: float) -> None:
    try:
        outcome.built = finish(d, converted, outcome.forced)
        outcome.seconds = time.perf_counter() - start
    except NumdossierError as e:
        _fail(outcome, e, start)
    except Exception as e:  # a defect must not take the other dossiers down
        _fail(outcome, _internal(e), start)


def _internal(e: Exception) -> InternalError:
    return InternalError(
        f"内部错误：{type(e).__name__}。这是 numdossier 的缺陷，请附上 --debug 的输出报告给我们。"
    )


def _fail(outcome: Outcome, error: NumdossierError, start: float) -> None:
    outcome.error = error
    outcome.seconds = time.perf_counter() - start


def batch_exit_code(outcomes: list[Outcome]) -> ExitCode:
    """3 if the machine lacks something, else 1 if any dossier failed, else 0."""
    codes = {o.exit_code for o in outcomes}
    if ExitCode.environment in codes:
        return ExitCode.environment
    return ExitCode.input_error if codes - {ExitCode.ok} else ExitCode.ok
