"""LibreOffice headless, after OCRmyPDF's `_exec`: probe with version, an isolated profile and TMPDIR per
run inside the work folder, one run for many documents, timeouts, typed failures, the full output kept."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Hashable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import (
    ConversionCrashed,
    ConversionError,
    ConversionNoOutput,
    ConversionTimeout,
    EnvironmentProblem,
)
from ..rules import messages

FONTS_CONF = Path(__file__).with_name("fonts.conf")
# A cold start of LibreOffice takes 1-3 s; a few pages of forms convert in well under a second each.
BASE_TIMEOUT = 60.0
PER_DOCUMENT_TIMEOUT = 20.0
PROBE_TIMEOUT = 30.0


def find_soffice() -> str:
    """The soffice executable, or EnvironmentProblem (exit 3) naming the install command."""
    override = os.environ.get("NUMDOSSIER_SOFFICE")
    if override:
        found = shutil.which(override)
        if not found:
            raise EnvironmentProblem(
                messages.text("convert.libreoffice.not_executable", path=override), install_hint()
            )
        return found
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"):
        if os.access(candidate, os.X_OK):
            return candidate
    raise EnvironmentProblem(messages.text("convert.libreoffice.missing"), install_hint())


def install_hint() -> str:
    return messages.text("convert.libreoffice.install_hint")


@dataclass(frozen=True)
class Office:
    """A probed LibreOffice: where it is and which version it is (recorded in the manifest)."""

    soffice: str
    version: str  # "7.4.7.2", or "unknown" when `--version` prints nothing we recognise

    def describe(self) -> dict[str, str]:
        return {"program": "LibreOffice", "version": self.version, "via": "soffice"}


def probe(scratch: Path) -> Office:
    """Find soffice and ask its version, with a private profile and TMPDIR below `scratch`."""
    return _probe(find_soffice(), scratch)


_versions: dict[tuple[str, float], str] = {}  # (path, mtime) -> version: probe once per process


def _probe(soffice: str, scratch: Path) -> Office:
    try:
        key = (soffice, os.stat(soffice).st_mtime)
    except OSError:
        key = (soffice, 0.0)
    if key not in _versions:
        with private_folder(scratch, "probe") as (folder, env):
            log = RunLog(["--version"])
            output = _run(
                [soffice, f"-env:UserInstallation={folder.as_uri()}", "--version"], env, PROBE_TIMEOUT, log
            )
        match = re.search(r"LibreOffice (\d+(?:\.\d+)+)", output)
        _versions[key] = match.group(1) if match else "unknown"
    return Office(soffice, _versions[key])


@dataclass
class RunLog:
    """One LibreOffice run as the debug log shows it: what it converted, how long, how it ended, all it said."""

    documents: list[str]
    keys: list[Hashable] = field(default_factory=list)
    seconds: float = 0.0
    returncode: int | None = None
    output: str = ""
    outcome: str = ""

    def text(self) -> str:
        head = f"LibreOffice run: {len(self.documents)} document(s): {', '.join(self.documents)}"
        tail = f"  -> {self.outcome or 'ok'} (exit {self.returncode}, {self.seconds:.2f} s)"
        body = "\n".join(f"  | {line}" for line in self.output.splitlines()) or "  | (no output)"
        return f"{head}\n{body}\n{tail}"


class Cancelled(BaseException):
    """The conversion was cancelled by an interrupt: never retried, never reported as a dossier's error."""


class Runs:
    """The LibreOffice processes of one conversion job, so that an interrupt ends all of them at once and no
    new one starts afterwards (a retry after the kill would start LibreOffice again)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen[bytes]] = set()
        self.cancelled = False
        self.logs: list[RunLog] = []

    def start(self, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with self._lock:
            if self.cancelled:
                raise Cancelled
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group, so a kill reaches soffice.bin too
            )
            self._procs.add(proc)
            return proc

    def done(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._procs.discard(proc)

    def record(self, log: RunLog) -> None:
        with self._lock:
            self.logs.append(log)

    def cancel(self) -> None:
        """Kill every LibreOffice of this job and refuse to start more (safe from any thread)."""
        with self._lock:
            self.cancelled = True
            procs = list(self._procs)
        for proc in procs:
            _kill_group(proc)


_default_runs = Runs()


@contextlib.contextmanager
def private_folder(scratch: Path, name: str) -> Iterator[tuple[Path, dict[str, str]]]:
    """A LibreOffice user profile, HOME and TMPDIR in one folder below `scratch`, removed afterwards.

    LibreOffice writes lu*.tmp files (which hold the document's XML: names, mobile numbers), its
    OSL_PIPE_* socket and font caches into TMPDIR and $HOME; kept here they go with the work folder.
    """
    folder = scratch / f"lo-{name}"
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env["HOME"] = str(folder)  # LibreOffice also writes below $HOME; keep the user's untouched
    env["TMPDIR"] = str(folder / "tmp")
    env.pop("SAL_USE_VCLPLUGIN", None)
    try:
        yield folder.resolve(), env
    finally:
        remove_ipc_pipe(folder.resolve().as_uri())
        shutil.rmtree(folder, ignore_errors=True)


def ipc_pipe_paths(profile_url: str) -> list[Path]:
    """Where LibreOffice puts the single-instance socket of the profile at `profile_url`.

    sal/osl/unx/pipe.cxx binds it in /tmp (else /var/tmp) whatever TMPDIR says, named after the MD5 of
    the UTF-16 profile URL, each byte in hex without zero padding; LibreOffice removes it when it exits
    normally, not when it is killed (timeout, interrupt), so we remove it then.
    """
    digest = hashlib.md5(profile_url.encode("utf-16-le"), usedforsecurity=False).digest()
    name = f"OSL_PIPE_{os.geteuid()}_SingleOfficeIPC_" + "".join(f"{b:x}" for b in digest)
    return [Path("/tmp") / name, Path("/var/tmp") / name]


def remove_ipc_pipe(profile_url: str) -> None:
    for path in ipc_pipe_paths(profile_url):
        with contextlib.suppress(OSError):
            if path.is_socket():
                path.unlink()


@dataclass(frozen=True)
class Converter:
    """Runs one `soffice --convert-to pdf` over a group of documents in its own user profile."""

    soffice: str
    timeout: float | None = None
    runs: Runs = field(default=_default_runs, compare=False)

    def convert(self, documents: Sequence[Path], outdir: Path, keys: Sequence[Hashable] = ()) -> list[Path]:
        """Convert every document to PDF in `outdir`; returns the PDFs in the same order.

        The profile and TMPDIR live in a folder beside `outdir` (inside the caller's work folder).
        """
        if not documents:
            return []
        outdir.mkdir(parents=True, exist_ok=True)
        timeout = self.timeout or BASE_TIMEOUT + PER_DOCUMENT_TIMEOUT * len(documents)
        log = RunLog([d.name for d in documents], list(keys))
        with private_folder(outdir.parent, f"{outdir.name}-{threading.get_ident()}") as (profile, env):
            # A private user installation per run: parallel runs sharing one profile fail at random
            # (the profile is locked by the first instance; later ones exit silently).
            command = [
                self.soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(outdir),
                *[str(d) for d in documents],
            ]
            try:
                _run(command, env, timeout, log, self.runs)
            finally:
                self.runs.record(log)
        results = [outdir / (d.stem + ".pdf") for d in documents]
        missing = [
            d.name
            for d, r in zip(documents, results, strict=True)
            if not r.is_file() or r.stat().st_size == 0
        ]
        if missing:
            log.outcome = f"no PDF for {', '.join(missing)}"
            raise ConversionNoOutput(
                messages.text("convert.libreoffice.no_output", names=list(missing)),
                messages.text("convert.libreoffice.no_output_hint"),
            )
        return results


def _run(
    command: list[str], env: dict[str, str], timeout: float, log: RunLog, runs: Runs | None = None
) -> str:
    """Run LibreOffice to the end; its whole output goes into `log` and is returned."""
    runs = runs or _default_runs
    started = time.perf_counter()
    try:
        proc = runs.start(command, env)
    except OSError as e:
        raise EnvironmentProblem(
            messages.text("convert.libreoffice.cannot_start", program=command[0], detail=e.strerror),
            install_hint(),
        ) from e
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        log.output = _drain(proc)
        log.outcome = f"timed out after {timeout:.0f} s, killed"
        raise ConversionTimeout(
            messages.text("convert.libreoffice.timeout", seconds=timeout),
            messages.text("convert.libreoffice.retry_hint"),
        ) from None
    except BaseException:
        _kill_group(proc)  # Ctrl-C or SIGTERM: leave no soffice behind
        log.outcome = "interrupted"
        raise
    finally:
        runs.done(proc)
        log.seconds = time.perf_counter() - started
    log.returncode = proc.returncode
    log.output = output.decode("utf-8", "replace")
    if runs.cancelled:
        log.outcome = "interrupted"
        raise Cancelled
    if proc.returncode != 0:
        log.outcome = "crashed"
        code = proc.returncode
        how = (
            messages.text("convert.libreoffice.signal", name=signal.Signals(-code).name)
            if code < 0 and -code in signal.valid_signals()
            else messages.text("convert.libreoffice.exit_code", code=code)
        )
        tail = " / ".join(log.output.strip().splitlines()[-3:])
        raise ConversionCrashed(
            messages.text(
                "convert.libreoffice.crashed",
                how=how,
                tail=tail or messages.text("convert.libreoffice.no_output_text"),
            ),
            messages.text("convert.libreoffice.crashed_hint"),
        )
    return log.output


def _drain(proc: subprocess.Popen[bytes]) -> str:
    with contextlib.suppress(Exception):
        if proc.stdout is not None:
            return proc.stdout.read().decode("utf-8", "replace")
    return ""


def kill_running() -> None:
    """Kill every LibreOffice started through the default job (on Ctrl-C, from the main thread)."""
    _default_runs.cancel()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# A long run holds more memory and one crash loses more work; start a fresh LibreOffice every so often.
GROUP_MAX = 60


def convert_grouped(
    documents: dict[Hashable, Path],
    workdir: Path,
    workers: int,
    timeout: float | None = None,
    runs: Runs | None = None,
    office: Office | None = None,
) -> dict[Hashable, Path | ConversionError]:
    """Convert many documents in few LibreOffice runs: `workers` runs at once, each over a group.

    Documents of different dossiers share names (01-占用申请表.docx), so each is linked into the
    group's folder under a unique name first. A group that fails is split and retried, so that one
    bad document fails only its own dossier. EnvironmentProblem (no LibreOffice) propagates; an
    interrupt cancels every run at once (`runs.cancel()`), and nothing is retried after it.
    """
    runs = runs or Runs()
    soffice = office.soffice if office is not None else find_soffice()
    keys = list(documents)
    if not keys:
        return {}
    count = min(len(keys), max(workers, -(-len(keys) // GROUP_MAX)))
    size = -(-len(keys) // count)
    chunks = [keys[i : i + size] for i in range(0, len(keys), size)]
    results: dict[Hashable, Path | ConversionError] = {}
    converter = Converter(soffice, timeout, runs)

    def run(index: int, chunk: list[Hashable]) -> None:
        folder = workdir / f"group-{index:03d}"
        sources = folder / "in"
        sources.mkdir(parents=True)
        staged = []
        for n, key in enumerate(chunk):
            target = sources / f"{index:03d}-{n:04d}{documents[key].suffix}"
            try:
                os.link(documents[key], target)
            except OSError:
                shutil.copyfile(documents[key], target)
            staged.append(target)
        _convert_or_split(converter, list(zip(chunk, staged, strict=True)), folder / "out", results)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        try:
            # each in a copy of this thread's context: a conversion's error speaks the caller's language
            for future in [pool.submit(copy_context().run, run, i, chunk) for i, chunk in enumerate(chunks)]:
                future.result()
        except BaseException:
            runs.cancel()  # else leaving the with-block would wait for every running conversion
            raise
    return results


def _convert_or_split(
    converter: Converter,
    pairs: list[tuple[Hashable, Path]],
    outdir: Path,
    results: dict[Hashable, Path | ConversionError],
) -> None:
    try:
        pdfs = converter.convert([path for _, path in pairs], outdir, [key for key, _ in pairs])
    except ConversionError as e:
        if len(pairs) == 1:
            results[pairs[0][0]] = e
            return
        half = len(pairs) // 2
        _convert_or_split(converter, pairs[:half], outdir, results)
        _convert_or_split(converter, pairs[half:], outdir, results)
        return
    for (key, _), pdf in zip(pairs, pdfs, strict=True):
        results[key] = pdf
