"""Warm converters: running unoserver instances (`unoserver://HOST:PORT`, a comma-separated list is a
pool). The client speaks unoserver's XML-RPC API 3 directly and needs no UNO bindings; documents go as
bytes and PDFs come back as bytes, so a converter may be on another machine.

unoserver's own UnoClient is not used: it has no timeout (a hung server would hang the batch) and it
retries a refused connection for 50 s; a pool needs to know at once that a converter is down.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import socket
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import (
    ConversionCrashed,
    ConversionError,
    ConversionTimeout,
    ConverterUnavailable,
    UsageError,
)
from ..rules import messages
from .libreoffice import RunLog
from .normalise import reproducible_pdf

SCHEME = "unoserver"
API = "3"
INFO_TIMEOUT = 10.0
# A form converts in well under a second on a warm LibreOffice; a converter that says nothing for this
# long is taken as hung, and its documents go to another one.
CONVERT_TIMEOUT = 60.0


def down_hint() -> str:
    return messages.text("convert.unoserver.down_hint")


@dataclass(frozen=True)
class Endpoint:
    """One unoserver: where its XML-RPC interface listens."""

    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{SCHEME}://{host}:{self.port}"


def parse_converters(spec: str) -> list[Endpoint]:
    """`unoserver://127.0.0.1:2003,unoserver://10.0.0.5:2003` -> endpoints (UsageError if malformed)."""
    endpoints: list[Endpoint] = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        url = urlsplit(part)
        try:
            port = url.port
        except ValueError:
            port = None
        if url.scheme != SCHEME or not url.hostname or port is None or url.path not in ("", "/"):
            raise UsageError(
                messages.text("convert.unoserver.bad_address", address=repr(part)),
                messages.text("convert.unoserver.bad_address_hint"),
            )
        endpoint = Endpoint(url.hostname, port)
        if endpoint not in endpoints:
            endpoints.append(endpoint)
    if not endpoints:
        raise UsageError(
            messages.text("convert.unoserver.no_address"), messages.text("convert.unoserver.no_address_hint")
        )
    return endpoints


def converter_spec(option: str | None) -> str | None:
    """The converters asked for: the option, else NUMDOSSIER_CONVERTER; None means one-shot soffice."""
    value = option if option is not None else os.environ.get("NUMDOSSIER_CONVERTER")
    return value.strip() or None if value is not None else None


class _Transport(xmlrpc.client.Transport):
    """HTTP with a timeout, and a handle on the open connection so that an interrupt can close it."""

    def __init__(self, timeout: float, calls: _Calls) -> None:
        super().__init__()
        self._timeout = timeout
        self._calls = calls

    def make_connection(self, host: tuple[str, dict[str, str]] | str) -> http.client.HTTPConnection:
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        self._calls.opened(conn)
        return conn


class _Calls:
    """Open connections of a job: cancel() closes them all, so blocked client threads return at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conns: set[http.client.HTTPConnection] = set()
        self.cancelled = False

    def opened(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._conns.add(conn)

    def closed(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._conns.discard(conn)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            conns = list(self._conns)
        for conn in conns:
            sock = conn.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _Down(Exception):
    """The converter itself failed (refused, hung, died): retry the document elsewhere."""

    def __init__(self, why: str, timeout: bool = False) -> None:
        super().__init__(why)
        self.why = why
        self.timeout = timeout


class UnoClient:
    """Calls on one unoserver."""

    def __init__(self, endpoint: Endpoint, calls: _Calls | None = None) -> None:
        self.endpoint = endpoint
        self.calls = calls or _Calls()

    @contextlib.contextmanager
    def _proxy(self, timeout: float) -> Iterator[xmlrpc.client.ServerProxy]:
        host = f"[{self.endpoint.host}]" if ":" in self.endpoint.host else self.endpoint.host
        transport = _Transport(timeout, self.calls)
        proxy = xmlrpc.client.ServerProxy(
            f"http://{host}:{self.endpoint.port}", transport=transport, allow_none=True
        )
        try:
            yield proxy
        finally:
            conn = transport._connection[1]
            if conn is not None:
                self.calls.closed(conn)
            transport.close()

    def info(self, timeout: float = INFO_TIMEOUT) -> dict[str, object]:
        """unoserver's info(): versions (raises _Down if it does not answer like a unoserver)."""
        try:
            with self._proxy(timeout) as proxy:
                info = proxy.info()
        except TimeoutError:
            raise _Down(messages.text("convert.unoserver.no_answer", seconds=timeout), timeout=True) from None
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as e:
            raise _Down(_why(e)) from None
        except xmlrpc.client.Fault as e:
            raise _Down(
                messages.text("convert.unoserver.not_unoserver", detail=e.faultString.strip()[:200])
            ) from None
        if not isinstance(info, dict) or str(info.get("api")) != API:
            api = info.get("api") if isinstance(info, dict) else None
            raise _Down(messages.text("convert.unoserver.api", api=api, wanted=API))
        return info

    def convert(self, data: bytes, timeout: float) -> bytes:
        """DOCX bytes -> PDF bytes. _Down for converter faults; ConversionError for the document's own."""
        try:
            with self._proxy(timeout) as proxy:
                result = proxy.convert(
                    None, xmlrpc.client.Binary(data), None, "pdf", "writer_pdf_Export", [], False, None
                )
        except TimeoutError:
            raise _Down(messages.text("convert.unoserver.too_slow", seconds=timeout), timeout=True) from None
        except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as e:
            raise _Down(_why(e)) from None
        except xmlrpc.client.Fault as e:
            # The server answered with an error: either LibreOffice behind it died (then info() fails
            # too) or this document cannot be converted.
            text = e.faultString.strip().splitlines()[-1][:300] if e.faultString.strip() else ""
            try:
                self.info()
            except _Down as down:
                raise _Down(messages.text("convert.unoserver.office_died", detail=text or down.why)) from None
            raise ConversionCrashed(
                messages.text(
                    "convert.unoserver.cannot_convert",
                    endpoint=self.endpoint,
                    detail=text or messages.text("convert.unoserver.no_detail"),
                ),
                messages.text("convert.unoserver.cannot_convert_hint"),
            ) from None
        pdf = result.data if isinstance(result, xmlrpc.client.Binary) else b""
        if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-1024:]:
            raise _Down(messages.text("convert.unoserver.incomplete", size=len(pdf)))
        return pdf


def offices_of(info: dict[str, object]) -> int:
    """How many conversions a converter takes at once, from its info(): numdossier's local converter
    says how many LibreOffices it runs ("numdossier_offices"); a plain unoserver converts one at a time."""
    value = info.get("numdossier_offices")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else 1


def _why(e: BaseException) -> str:
    if isinstance(e, ConnectionRefusedError):
        return messages.text("convert.unoserver.refused")
    if isinstance(e, ConnectionResetError | BrokenPipeError | http.client.RemoteDisconnected):
        return messages.text("convert.unoserver.dropped")
    if isinstance(e, socket.gaierror):
        return messages.text("convert.unoserver.no_host", detail=e.strerror)
    if isinstance(e, OSError):
        return e.strerror or type(e).__name__
    return type(e).__name__


@dataclass
class PoolReport:
    """What the pool did: versions of the converters that answered, the ones that failed and why."""

    versions: dict[str, str] = field(default_factory=dict)  # endpoint -> LibreOffice version
    failed: dict[str, str] = field(default_factory=dict)  # endpoint -> why
    logs: list[RunLog] = field(default_factory=list)

    def describe(self) -> dict[str, str]:
        versions = sorted(set(self.versions.values()))
        return {"program": "LibreOffice", "version": ", ".join(versions) or "unknown", "via": "unoserver"}

    def failures(self) -> str:
        separator = messages.text("convert.unoserver.separator")
        return separator.join(
            messages.text("convert.unoserver.failure", name=name, why=why)
            for name, why in self.failed.items()
        )


def _unavailable(report: PoolReport) -> ConverterUnavailable:
    """Every converter of the pool is down: the error lists each one and why."""
    error = ConverterUnavailable(
        messages.text("convert.unoserver.unavailable", failures=report.failures()), down_hint()
    )
    error.converter = ", ".join(report.failed)
    return error


class Pool:
    """Spreads documents over unoserver instances, as many at a time on each as it converts at once (one
    on a plain unoserver, one per LibreOffice on numdossier's local converter); a converter that fails is
    dropped and its document retried on another."""

    def __init__(self, endpoints: list[Endpoint], timeout: float | None = None) -> None:
        self.endpoints = endpoints
        self.timeout = timeout or float(os.environ.get("NUMDOSSIER_CONVERT_TIMEOUT") or CONVERT_TIMEOUT)
        self.calls = _Calls()
        # The font ids of a warm LibreOffice differ from run to run (see normalise.py); fixing them costs
        # some CPU per form, so only when reproducible output is asked for.
        self.reproducible = bool(os.environ.get("SOURCE_DATE_EPOCH"))
        self.report = PoolReport()
        self._lock = threading.Lock()
        self._probing: threading.Thread | None = None
        self._alive: list[Endpoint] | None = None
        self.capacity: dict[Endpoint, int] = {}  # conversions each converter takes at once (info())
        self._probe_error: BaseException | None = None

    def cancel(self) -> None:
        self.calls.cancel()

    def _failed(self, endpoint: Endpoint, why: str) -> None:
        with self._lock:
            self.report.failed.setdefault(str(endpoint), why)

    def start_probe(self) -> None:
        """Ask the converters now, in the background (while the forms are rendered); convert() uses it.

        Only without forked workers: a thread running while the process forks could hold a lock."""
        thread = messages.thread(self._probe_quietly)
        self._probing = thread
        thread.start()

    def _probe_quietly(self) -> None:
        try:
            self._alive = self.probe()
        except BaseException as e:  # kept for convert(), which raises it in the caller's thread
            self._probe_error = e

    def probe(self) -> list[Endpoint]:
        """The converters that answer now, with their LibreOffice version; ConverterUnavailable if none."""
        alive: list[Endpoint] = []

        def ask(endpoint: Endpoint) -> None:
            try:
                info = UnoClient(endpoint, self.calls).info(min(INFO_TIMEOUT, self.timeout))
            except _Down as down:
                self._failed(endpoint, down.why)
                return
            with self._lock:
                self.report.versions[str(endpoint)] = _version(str(info.get("libreoffice_version") or ""))
                self.capacity[endpoint] = offices_of(info)
                alive.append(endpoint)

        threads = [messages.thread(ask, e) for e in self.endpoints]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if self.calls.cancelled:
            raise KeyboardInterrupt
        if not alive:
            raise self._unavailable()
        return [e for e in self.endpoints if e in alive]

    def _unavailable(self) -> ConverterUnavailable:
        return _unavailable(self.report)

    def convert(
        self, documents: dict[Hashable, Path], workdir: Path
    ) -> dict[Hashable, Path | ConversionError]:
        """Every document to a PDF in `workdir`; a document's own failure stays with it."""
        stream = self.stream(workdir)
        for key, path in documents.items():
            stream.put(key, path)
        stream.close()
        return stream.wait()

    def stream(self, workdir: Path, done: Done | None = None) -> Stream:
        """Start converting documents as they are put(): a batch sends each dossier's forms as soon as
        they are filled, so that conversions run while other dossiers are still being prepared or
        finished. `done(key, result)` is called (from a converter's thread) as each one ends."""
        if self._probing is not None:
            while self._probing.is_alive():
                self._probing.join(0.1)
            if self._probe_error is not None:
                raise self._probe_error
        alive = self._alive if self._alive is not None else self.probe()
        workdir.mkdir(parents=True, exist_ok=True)
        return Stream(self, alive, workdir, done)

    def _final_error(self, down: _Down) -> ConversionError:
        error: ConversionError
        if down.timeout:
            error = ConversionTimeout(
                messages.text("convert.unoserver.timed_out", failures=self.report.failures()), down_hint()
            )
        else:
            error = _unavailable(self.report)
        error.converter = ", ".join(self.report.failed)
        return error


Done = Callable[[Hashable, "Path | ConversionError"], None]


class Stream:
    """Documents on their way through a pool: each live converter has as many threads as it converts at
    once (Pool.capacity), each taking the next document; a converter that fails is dropped (all its
    threads stop taking documents) and its documents go back for another; when the last one has failed,
    every document left (and any put later) fails with the pool's report."""

    def __init__(self, pool: Pool, alive: list[Endpoint], workdir: Path, done: Done | None) -> None:
        self._pool = pool
        self._workdir = workdir
        self._done = done
        self._lock = threading.Lock()
        self._todo: queue.Queue[tuple[int, Hashable]] = queue.Queue()
        self._documents: dict[Hashable, Path] = {}
        self._numbers: dict[Hashable, int] = {}
        self.results: dict[Hashable, Path | ConversionError] = {}
        self._closed = False
        self._live = set(alive)
        self._last_down: _Down | None = None
        self._threads = [
            messages.thread(self._work, e) for e in alive for _ in range(pool.capacity.get(e, 1))
        ]
        for t in self._threads:
            t.start()

    def put(self, key: Hashable, path: Path) -> None:
        with self._lock:
            n = len(self._documents)
            self._documents[key] = path
            self._numbers[key] = n
            if self._live:
                self._todo.put((n, key))
                return
        self._finish(key, self._pool._unavailable())  # every converter has failed already

    def close(self) -> None:
        """No more documents: the converters' threads end when the last one is done."""
        with self._lock:
            self._closed = True

    def wait(self) -> dict[Hashable, Path | ConversionError]:
        """Until every document put has its result (after close()); KeyboardInterrupt if cancelled."""
        try:
            self._join()
        except BaseException:
            self._pool.cancel()
            raise
        if self._pool.calls.cancelled:
            raise KeyboardInterrupt
        for key in list(self._documents):
            if key not in self.results:
                self._finish(key, self._pool._unavailable())
        return self.results

    def abandon(self) -> None:
        """Stop converting, the documents under way included: their results will never be asked for.
        The pool is done with (its calls are cancelled)."""
        self._pool.cancel()
        self._join()  # they return at once

    def _join(self) -> None:
        for t in self._threads:
            while t.is_alive():
                t.join(0.1)  # short waits, so that Ctrl-C reaches the waiting thread at once

    def _finish(self, key: Hashable, result: Path | ConversionError) -> None:
        with self._lock:
            if key in self.results:
                return
            self.results[key] = result
        if self._done is not None:
            self._done(key, result)

    def _ended(self) -> bool:
        with self._lock:
            return self._closed and len(self.results) >= len(self._documents) and self._todo.empty()

    def _work(self, endpoint: Endpoint) -> None:
        pool = self._pool
        client = UnoClient(endpoint, pool.calls)
        # Wait while others still convert: a converter that dies puts its document back.
        while not pool.calls.cancelled and not self._ended():
            with self._lock:
                if endpoint not in self._live:  # another thread of this converter found it down
                    return
            try:
                n, key = self._todo.get(timeout=0.05)
            except queue.Empty:
                continue
            with self._lock:
                down_meanwhile, others = endpoint not in self._live, bool(self._live)
                if down_meanwhile and others:
                    self._todo.put((n, key))  # for the converters left
            if down_meanwhile:
                if not others:  # it was the last one: found down while this document was taken
                    self._finish(key, pool._unavailable())
                return
            source = self._documents[key]
            log = RunLog([source.name], [key])
            started = time.perf_counter()
            try:
                pdf = client.convert(source.read_bytes(), pool.timeout)
            except _Down as down:
                log.outcome = f"{endpoint}: {down.why}"
                pool._failed(endpoint, down.why)
                left: list[Hashable] = []
                with self._lock:
                    self._live.discard(endpoint)
                    if self._live and not pool.calls.cancelled:
                        self._todo.put((n, key))  # another converter takes it
                    else:
                        left.append(key)
                        while not self._todo.empty():
                            left.append(self._todo.get_nowait()[1])
                for k in left:
                    self._finish(k, pool._final_error(down) if k == key else pool._unavailable())
                return
            except ConversionError as e:
                log.outcome = f"{endpoint}: {e.message}"
                e.converter = str(endpoint)
                self._finish(key, e)
                continue
            finally:
                log.seconds = time.perf_counter() - started
                log.output = f"converter {endpoint}"
                with pool._lock:
                    pool.report.logs.append(log)
            target = self._workdir / f"{n:05d}.pdf"
            partial = target.with_suffix(".part")
            partial.write_bytes(reproducible_pdf(pdf) if pool.reproducible else pdf)
            partial.replace(target)
            self._finish(key, target)


def _version(text: str) -> str:
    """ "7.4.7.2" from "7.4.7.2" or "LibreOffice 7.4.7.2 40(Build:2)"."""
    for word in text.split():
        if word[:1].isdigit():
            return word
    return text or "unknown"
