"""Many profiles at once: check, render every form, convert them in a few grouped LibreOffice runs,
then finish the dossiers in parallel; one failing dossier never stops the others."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import multiprocessing
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from . import __version__
from .check import CheckResult, check_profile
from .convert.libreoffice import RunLog, Runs, convert_grouped, probe
from .convert.unoserver import Pool, Stream, parse_converters
from .errors import ConversionError, EnvironmentProblem, ExitCode, InternalError, NumdossierError
from .options import BuildOptions
from .pdf.assemble import Part, PartMarks
from .pdf.fonts import cjk_font
from .pipeline import (
    Ahead,
    Built,
    Dossier,
    attachments_ahead,
    discard_partial_files,
    finish,
    form_ahead,
    install_file,
    prepare,
)
from .profile import LoadedProfile
from .redact import redact
from .rules.findings import Finding
from .rules.messages import language, text, using


@dataclass
class Outcome:
    """What happened to one profile of the batch."""

    profile: str
    check: CheckResult
    built: Built | None = None
    error: NumdossierError | None = None
    seconds: float = 0.0
    forced: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. a converter of the pool failed, others took over

    @property
    def ok(self) -> bool:
        return self.built is not None

    @property
    def exit_code(self) -> ExitCode:
        if self.ok:
            return ExitCode.ok
        return self.error.exit_code if self.error is not None else ExitCode.input_error


T = TypeVar("T")
Listener = Callable[[Outcome, int, int], None]  # outcome, finished so far, total


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_batch(
    profiles: list[Path], options: BuildOptions, jobs: int | None = None, listener: Listener | None = None
) -> list[Outcome]:
    """Build every profile; outcomes in the order given."""
    jobs = jobs or default_jobs()
    done = 0

    def report(outcome: Outcome) -> None:
        nonlocal done
        done += 1
        if listener is not None:
            listener(outcome, done, len(outcomes))

    workdirs: list[Path] = []
    runs = Runs()
    pool_of_converters = Pool(parse_converters(options.converter)) if options.converter else None
    converter: dict[str, str] | None = None
    header: str | None = None
    logs: list[RunLog] = runs.logs
    pool: cf.Executor | None = None
    dossiers: dict[int, Dossier] = {}
    ahead: dict[int, Ahead | None] = {}  # one process: what was done while LibreOffice converted
    converting: _Background[dict[Hashable, Path | ConversionError]] | None = None
    events: queue.Queue[tuple[str, Any, Any]] = queue.Queue()
    outcomes: list[Outcome] = []
    try:
        started: list[_Started] = []
        hook: Callable[[LoadedProfile], None] | None = None
        if pool_of_converters is not None and len(profiles) == 1:
            # One dossier on warm converters: its forms are filled and sent to them as soon as the
            # profile has loaded, and convert while its rules run; the check's verdict decides after.
            pool_of_converters.start_probe()
            converters = pool_of_converters

            def hook(loaded: LoadedProfile) -> None:
                started.append(_start_forms(loaded, options, converters, events, workdirs))

        for path in profiles:
            outcomes.append(Outcome(str(path), check_profile(path, options.today, options.templates, hook)))
        todo: dict[int, float] = {}  # index -> start time
        for index, outcome in enumerate(outcomes):
            result = outcome.check
            if result.loaded is None or not (result.ok or options.force):
                report(outcome)
            else:
                outcome.forced = [f for f in result.findings if f.severity == "error"]
                todo[index] = time.perf_counter()
        if started and not todo:
            started[0].abandon()  # the check refused the dossier: its conversions are not waited for
        converters_used = pool_of_converters if todo else None  # nothing to convert, nothing to ask

        if jobs > 1 and len(todo) > 1:
            # Created before any thread starts (fork), after the font is loaded, so that workers inherit it.
            cjk_font()
            pool = cf.ProcessPoolExecutor(
                max_workers=jobs, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init
            )
        if converters_used is not None and pool is None and not started:
            converters_used.start_probe()  # a single dossier: ask the converters while its forms render
        early: Stream | None = None
        prepared: dict[int, cf.Future[Dossier]] = {}
        if converters_used is not None:
            if started:
                staging = started[0].staging
                early = started[0].stream
                prepared[0] = started[0].prepared
            else:
                staging = Path(tempfile.mkdtemp(prefix="numdossier-convert-"))
                workdirs.append(staging)
                if pool is None:
                    # One process: each form goes to the converters the moment it is filled. A converter
                    # that is down is met again below, where it is reported.
                    with contextlib.suppress(EnvironmentProblem):
                        early = converters_used.stream(staging, functools.partial(_post, events, "converted"))
        # 1. render each dossier's forms, `jobs` dossiers at once
        for index in todo:
            if index in prepared:
                continue  # rendered while it was checked
            work = Path(tempfile.mkdtemp(prefix="numdossier-"))
            workdirs.append(work)
            filled = None if early is None else functools.partial(_put, early, index)
            prepared[index] = _submit(
                pool, _speaking, options.lang, prepare, outcomes[index].check.loaded, options, work, filled
            )
        if converters_used is not None:
            # Warm converters: each dossier's forms go to them as soon as they are filled, and each
            # dossier is finished as soon as its forms are back, while others are still on their way.
            logs = converters_used.report.logs
            header = "converters: " + ", ".join(map(str, converters_used.endpoints))
            try:
                stream = early or converters_used.stream(
                    staging, functools.partial(_post, events, "converted")
                )
            except EnvironmentProblem as e:
                for index, ready in prepared.items():
                    failed = ready.exception()  # a dossier that could not be prepared says why
                    error = _as_error(failed) if isinstance(failed, Exception) else e
                    _fail(outcomes[index], error, todo[index])
                    report(outcomes[index])
                    _write_log(outcomes[index], options, header, logs, index)
                prepared = {}
                stream = None
            if stream is not None:
                converter = converters_used.report.describe()
                header += f" (LibreOffice {converter['version']})"
                _stream_batch(
                    stream,
                    early is not None,
                    prepared,
                    events,
                    pool,
                    converters_used,
                    outcomes,
                    todo,
                    options,
                    header,
                    converter,
                    report,
                )
        else:
            for index, ready in prepared.items():
                try:
                    dossiers[index] = ready.result()
                except Exception as e:
                    _fail(outcomes[index], _as_error(e), todo[index])
                    report(outcomes[index])
                    _write_log(outcomes[index], options, header, logs, index)

            # 2. every form of the batch in a few LibreOffice runs, `jobs` runs at a time
            documents: dict[Hashable, Path] = {
                (index, item_id): docx for index, d in dossiers.items() for item_id, docx in d.forms.items()
            }
            pdfs: dict[Hashable, Path | ConversionError] = {}
            if documents:
                staging = Path(tempfile.mkdtemp(prefix="numdossier-convert-"))
                workdirs.append(staging)

                def convert() -> dict[Hashable, Path | ConversionError]:
                    nonlocal header, converter
                    office = probe(staging)
                    converter = office.describe()
                    header = f"converter: LibreOffice {office.version} via soffice ({office.soffice})"
                    return convert_grouped(documents, staging, workers=jobs, runs=runs, office=office)

                try:
                    if pool is None:
                        # One process: while LibreOffice converts (in another process, on another
                        # core), this one readies what the last stages need instead of waiting idle.
                        converting = _in_background(convert)
                        _warm_up()
                        ahead = {i: _head_start(attachments_ahead, d) for i, d in dossiers.items()}
                        pdfs = _wait(converting)
                    else:  # the workers inherited the font; the LibreOffice runs keep the cores busy
                        pdfs = convert()
                except EnvironmentProblem as e:
                    for index in dossiers:
                        _fail(outcomes[index], e, todo[index])
                        report(outcomes[index])
                        _write_log(outcomes[index], options, header, logs, index)
                    dossiers = {}

            # 3. attachments, layout, assembly and publishing, `jobs` dossiers at once
            finishing = {}
            for index, d in dossiers.items():
                results = {item_id: pdfs[(index, item_id)] for item_id in d.forms}
                failure = next((r for r in results.values() if isinstance(r, ConversionError)), None)
                if failure is not None:
                    _fail(outcomes[index], failure, todo[index])
                    report(outcomes[index])
                    _write_log(outcomes[index], options, header, logs, index)
                    continue
                converted = {k: v for k, v in results.items() if isinstance(v, Path)}
                finishing[
                    _submit(
                        pool,
                        _speaking,
                        options.lang,
                        finish,
                        d,
                        converted,
                        outcomes[index].forced,
                        converter,
                        ahead.get(index),
                    )
                ] = index
            for built in cf.as_completed(finishing):
                index = finishing[built]
                try:
                    outcomes[index].built = built.result()
                    outcomes[index].seconds = time.perf_counter() - todo[index]
                except Exception as e:
                    _fail(outcomes[index], _as_error(e), todo[index])
                _write_log(outcomes[index], options, header, logs, index)
                report(outcomes[index])
    except BaseException:
        with _signals_held():
            runs.cancel()  # every LibreOffice at once; nothing retried after it
            if pool_of_converters is not None:
                pool_of_converters.cancel()
            if converting is not None:  # cancelled above: it returns at once, before its folders go
                converting.join(timeout=10)
            if isinstance(pool, cf.ProcessPoolExecutor):
                workers = list((getattr(pool, "_processes", None) or {}).values())
                pool.shutdown(wait=False, cancel_futures=True)
                for process in workers:
                    process.terminate()  # see _worker_init
                for process in workers:
                    process.join(timeout=10)
            _remove(workdirs)
        raise
    finally:
        with _signals_held():
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            _remove(workdirs)
    return outcomes


@dataclass
class _Started:
    """One dossier's forms, filled and on their way to the converters while its check still ran."""

    staging: Path
    stream: Stream | None  # None: no converter answered (reported where the batch meets it again)
    prepared: cf.Future[Dossier]

    def abandon(self) -> None:
        if self.stream is not None:
            self.stream.abandon()


def _start_forms(
    loaded: LoadedProfile,
    options: BuildOptions,
    converters: Pool,
    events: queue.Queue[tuple[str, Any, Any]],
    workdirs: list[Path],
) -> _Started:
    """What run_batch does first for one dossier on warm converters (check_profile's hook): its forms
    filled, each sent to the converters as soon as it is."""
    staging = Path(tempfile.mkdtemp(prefix="numdossier-convert-"))
    workdirs.append(staging)
    stream = None
    with contextlib.suppress(EnvironmentProblem):
        stream = converters.stream(staging, functools.partial(_post, events, "converted"))
    work = Path(tempfile.mkdtemp(prefix="numdossier-"))
    workdirs.append(work)
    filled = None if stream is None else functools.partial(_put, stream, 0)
    prepared = _submit(None, _speaking, options.lang, prepare, loaded, options, work, filled)
    return _Started(staging, stream, prepared)


class _Background(threading.Thread, Generic[T]):
    """fn() in a daemon thread (never keeps an interrupted process alive); its result or exception."""

    def __init__(self, fn: Callable[[], T]) -> None:
        super().__init__(daemon=True, name="convert")
        self._fn = fn
        self._lang = language()  # a new thread would speak NUMDOSSIER_LANG's, not --lang's
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with using(self._lang):
                self.result = self._fn()
        except BaseException as e:  # raised again in the waiting thread
            self.error = e


def _in_background(fn: Callable[[], T]) -> _Background[T]:
    thread = _Background(fn)
    thread.start()
    return thread


def _wait(thread: _Background[T]) -> T:
    while thread.is_alive():
        thread.join(0.1)  # a short wait, so that Ctrl-C reaches the main thread at once
    if thread.error is not None:
        raise thread.error
    return thread.result  # type: ignore[return-value]


def _warm_up() -> None:
    """Load what the last stages use first (the CJK font takes a moment to read, the PDF modules to
    import): done while a conversion runs, it is off the single dossier's critical path."""
    import importlib

    # Only a head start: a missing font or module fails the dossier later, where it always did.
    with contextlib.suppress(Exception):
        cjk_font()
        for module in ("pypdfium2", "img2pdf", "numdossier.pdf.attachments", "numdossier.pdf.cards"):
            importlib.import_module(module)


def _head_start(fn: Callable[..., T], *args: Any) -> T | None:
    """fn(*args) done early, or None: a problem is left for the stage that does it anyway to report."""
    try:
        return fn(*args)
    except Exception:
        return None


def _put(stream: Stream, index: int, item_id: str, docx: Path) -> None:
    stream.put((index, item_id), docx)


def _post(events: queue.Queue[tuple[str, Any, Any]], what: str, key: Any, value: Any) -> None:
    events.put((what, key, value))


def _stream_batch(
    stream: Stream,
    sent: bool,
    prepared: dict[int, cf.Future[Dossier]],
    events: queue.Queue[tuple[str, Any, Any]],
    pool: cf.Executor | None,
    converters: Pool,
    outcomes: list[Outcome],
    todo: dict[int, float],
    options: BuildOptions,
    header: str,
    converter: dict[str, str],
    report: Callable[[Outcome], None],
) -> None:
    """Prepared dossiers' forms into `stream` (unless `sent` as they were filled), converted dossiers to
    `finish`; events come from the workers' and the converters' threads, everything is decided here,
    in the calling thread. In one process (no `pool`), this thread does the last stages' work that
    needs no converted form while it waits: attachments, and the marks of each form as it comes back."""
    logs = converters.report.logs
    dossiers: dict[int, Dossier] = {}
    forms: dict[int, dict[str, Path | ConversionError]] = {}  # converted so far, per dossier
    attached: dict[int, Ahead | None] = {}
    finishing: set[int] = set()
    marks: dict[int, dict[Part, PartMarks]] = {}  # per dossier: the marks of its forms converted so far
    for index, ready in prepared.items():
        ready.add_done_callback(functools.partial(_post, events, "prepared", index))
    preparing, remaining = len(prepared), len(prepared)
    if not preparing:
        stream.close()

    def done(index: int, error: NumdossierError | None = None) -> None:
        nonlocal remaining
        if error is not None:
            _fail(outcomes[index], error, todo[index])
        _write_log(outcomes[index], options, header, logs, index)
        report(outcomes[index])
        remaining -= 1

    def finish_when_converted(index: int) -> None:
        d = dossiers[index]
        if len(forms[index]) < len(d.forms) or index in finishing:
            return
        finishing.add(index)
        failure = next((r for r in forms[index].values() if isinstance(r, ConversionError)), None)
        if failure is not None:
            done(index, failure)
            return
        if converters.report.failed:
            note = text("batch.converter_failed", failures=converters.report.failures())
            outcomes[index].notes.append(note)
        converted = {k: v for k, v in forms[index].items() if isinstance(v, Path)}
        ahead = None
        if pool is None:
            early = attached.get(index) or Ahead()
            ahead = Ahead(early.attachments, {**early.marks, **marks.get(index, {})})
        built = _submit(
            pool, _speaking, options.lang, finish, d, converted, outcomes[index].forced, converter, ahead
        )

        built.add_done_callback(functools.partial(_post, events, "finished", index))

    while remaining:
        try:
            what, key, value = events.get(timeout=0.1)  # a short wait: Ctrl-C reaches this thread at once
        except queue.Empty:
            continue
        if what == "prepared":
            preparing -= 1
            try:
                d = value.result()
            except Exception as e:
                done(key, _as_error(e))
            else:
                dossiers[key] = d
                forms.setdefault(key, {})  # forms sent as they were filled may be back already
                if not sent:
                    for item_id, docx in d.forms.items():
                        stream.put((key, item_id), docx)
            if not preparing:
                stream.close()
                if pool is None:
                    _warm_up()  # one process: while the last forms convert
            if key in dossiers:
                if pool is None and len(forms[key]) < len(d.forms):
                    attached[key] = _head_start(attachments_ahead, d)
                finish_when_converted(key)
        elif what == "converted":
            index, item_id = key
            if pool is None and isinstance(value, Path):
                found = _head_start(form_ahead, value)
                if found is not None:
                    marks.setdefault(index, {})[found[0]] = found[1]
            forms.setdefault(index, {})[item_id] = value
            if index in dossiers:
                finish_when_converted(index)
        else:
            try:
                outcomes[key].built = value.result()
                outcomes[key].seconds = time.perf_counter() - todo[key]
                done(key)
            except Exception as e:
                done(key, _as_error(e))
    stream.wait()


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    folders.clear()


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Cleaning up after an interrupt takes a moment; a second Ctrl-C or SIGTERM must not cut it short
    (that left numdossier-* folders behind). A signal that arrives meanwhile is raised afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous = {s: signal.signal(s, lambda signum, frame: arrived.append(signum)) for s in _STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if arrived:
        raise KeyboardInterrupt


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _write_log(
    outcome: Outcome, options: BuildOptions, header: str | None, logs: list[RunLog], index: int
) -> None:
    """With --debug: OUT/<name>/build.log, the converter and everything LibreOffice said about this
    dossier's forms, personal numbers masked. Never fails the build."""
    loaded = outcome.check.loaded
    if not options.debug or loaded is None:
        return
    lines = [f"numdossier {__version__} build log: {outcome.profile}"]
    if header is not None:
        lines.append(header)
    for log in logs:
        mine = [str(key[1]) for key in log.keys if isinstance(key, tuple) and key[0] == index]
        if mine:
            lines += [f"forms of this dossier in the run below: {', '.join(mine)}", log.text()]
    if outcome.error is not None:
        lines.append(f"result: failed ({type(outcome.error).__name__}, exit {int(outcome.exit_code)})")
        lines.append(str(outcome.error))
        if isinstance(outcome.error, InternalError) and outcome.error.stack:
            lines.append(outcome.error.stack)
    elif outcome.built is not None:
        lines.append(f"result: built, {outcome.built.pages} pages, {outcome.seconds:.2f} s")
    text = redact("\n".join(lines) + "\n")
    with contextlib.suppress(OSError):
        folder = options.out / loaded.name
        folder.mkdir(parents=True, exist_ok=True)
        install_file(text.encode("utf-8"), folder / "build.log")


def _worker_init() -> None:
    """Workers leave interrupts to the main process, which stops them with SIGTERM when needed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)


def _worker_stop(signum: int, frame: object) -> None:
    discard_partial_files()
    os._exit(int(ExitCode.interrupted))


def _speaking(lang: str, fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in `lang`: a worker process speaks the language its options carry, not its own."""
    with using(lang):
        return fn(*args)


def _submit(pool: cf.Executor | None, fn: Callable[..., T], *args: Any) -> cf.Future[T]:
    """On the pool, or right here when there is nothing to parallelise."""
    if pool is not None:
        return pool.submit(fn, *args)
    future: cf.Future[T] = cf.Future()
    try:
        future.set_result(fn(*args))
    except Exception as e:
        future.set_exception(e)
    return future


def _as_error(e: Exception) -> NumdossierError:
    """Errors of one dossier stay with it; a defect becomes an internal error of that dossier only."""
    return e if isinstance(e, NumdossierError) else _internal(e)


def _internal(e: Exception) -> InternalError:
    error = InternalError(text("batch.internal", name=type(e).__name__))
    # A worker's defect arrives with its own stack as the cause (concurrent.futures' _RemoteTraceback).
    error.stack = "".join(traceback.format_exception(e))
    return error


def _fail(outcome: Outcome, error: NumdossierError, start: float) -> None:
    outcome.error = error
    outcome.seconds = time.perf_counter() - start


# The worst outcome decides a batch's exit code (spec/cli.md is silent on mixed batches): a defect is
# reported above a machine that lacks something, which is above a dossier whose inputs are wrong.
_SEVERITY = (
    ExitCode.interrupted,
    ExitCode.internal,
    ExitCode.environment,
    ExitCode.usage,
    ExitCode.input_error,
)


def batch_exit_code(outcomes: list[Outcome]) -> ExitCode:
    """The worst of the dossiers' outcomes: 130, then 70 (a defect), 3 (the machine), 1 (the inputs), 0."""
    codes = {o.exit_code for o in outcomes}
    return next((code for code in _SEVERITY if code in codes), ExitCode.ok)
