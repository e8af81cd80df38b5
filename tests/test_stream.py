"""The pool's stream (convert.unoserver.Stream) against fake converters speaking unoserver's XML-RPC API:
documents put while others convert all come back, and when the last converter dies every document left,
and any put later, fails at once (a batch waiting on them must not hang). No LibreOffice here."""

from __future__ import annotations

import contextlib
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from xmlrpc.client import Binary
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

import pytest

from numdossier.convert.unoserver import Endpoint, Pool
from numdossier.errors import ConversionError, ConverterUnavailable

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class Quiet(SimpleXMLRPCRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class ThreadingServer(socketserver.ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True


class FakeConverter:
    """info() and convert() like unoserver 3; dies (closes its socket) after `lives` conversions.

    With `offices`, like numdossier's local converter: it answers requests at once (one thread each) and
    says in info() how many conversions it takes at once; `peak` is the most it saw under way at once.
    A conversion then waits (up to 20 s) until `together` of them are under way."""

    def __init__(
        self, lives: int | None = None, delay: float = 0.0, offices: int | None = None, together: int = 1
    ) -> None:
        kind = ThreadingServer if offices else SimpleXMLRPCServer
        self.server = kind(("127.0.0.1", 0), requestHandler=Quiet, allow_none=True, logRequests=False)
        info = {"api": "3", "libreoffice_version": "7.4.7.2"}
        if offices:
            info["numdossier_offices"] = offices  # type: ignore[assignment]
        self.server.register_function(lambda: info, "info")
        self.server.register_function(self.convert, "convert")
        self.lives, self.delay, self.converted = lives, delay, 0
        self.together, self.now, self.peak = together, 0, 0
        self.lock = threading.Condition()
        # polled every 20 ms (not 0.5 s): stop() waits for the loop to see the shutdown
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint("127.0.0.1", self.server.server_address[1])

    def convert(self, *args: object) -> Binary:
        if self.lives is not None and self.converted >= self.lives:
            threading.Thread(target=self.server.shutdown, daemon=True).start()
            self.server.socket.close()
            raise ConnectionAbortedError  # the handler's connection is dropped without an answer
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
            self.lock.notify_all()
            self.lock.wait_for(lambda: self.peak >= self.together, timeout=20)
        time.sleep(self.delay)
        with self.lock:
            self.now -= 1
            self.converted += 1
        return Binary(PDF)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def converters() -> Iterator[list[FakeConverter]]:
    made: list[FakeConverter] = []
    yield made
    for c in made:
        with contextlib.suppress(OSError):
            c.stop()


def _docs(tmp_path: Path, n: int) -> list[Path]:
    docs = []
    for i in range(n):
        doc = tmp_path / f"{i}.docx"
        doc.write_bytes(b"docx %d" % i)
        docs.append(doc)
    return docs


def test_documents_put_while_others_convert_all_come_back(
    tmp_path: Path, converters: list[FakeConverter]
) -> None:
    converters += [FakeConverter(delay=0.05), FakeConverter(delay=0.05)]
    done: list[object] = []
    stream = Pool([c.endpoint for c in converters]).stream(tmp_path / "out", lambda key, r: done.append(key))
    docs = _docs(tmp_path, 6)
    for n, doc in enumerate(docs[:3]):
        stream.put(n, doc)
    deadline = time.monotonic() + 10
    while not done and time.monotonic() < deadline:  # the first come back before the rest are put
        time.sleep(0.01)
    assert done, "nothing converted while the stream was open"
    for n, doc in enumerate(docs[3:], 3):
        stream.put(n, doc)
    stream.close()
    results = stream.wait()
    assert sorted(done) == list(range(6)) == sorted(results)  # type: ignore[type-var]
    assert all(isinstance(r, Path) and r.read_bytes() == PDF for r in results.values())
    assert sum(c.converted for c in converters) == 6


def test_the_last_converter_dying_fails_what_is_left_and_what_comes_later(
    tmp_path: Path, converters: list[FakeConverter]
) -> None:
    converters.append(FakeConverter(lives=1))
    done: dict[object, object] = {}
    stream = Pool([converters[0].endpoint], timeout=5).stream(
        tmp_path / "out", lambda key, r: done.__setitem__(key, r)
    )
    docs = _docs(tmp_path, 4)
    for n, doc in enumerate(docs[:3]):
        stream.put(n, doc)
    deadline = time.monotonic() + 10
    while len(done) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    stream.put(3, docs[3])  # after the death: fails at once, nobody is left to convert it
    assert len(done) == 4
    stream.close()
    results = stream.wait()
    assert isinstance(results[0], Path)
    failed = [results[n] for n in (1, 2, 3)]
    assert all(isinstance(r, ConversionError) and str(converters[0].endpoint) in r.message for r in failed)
    assert isinstance(results[3], ConverterUnavailable)


def test_a_pool_with_no_converter_answering_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    gone = FakeConverter()
    endpoint = gone.endpoint
    gone.stop()
    with pytest.raises(ConverterUnavailable) as refused:
        Pool([endpoint], timeout=5).stream(tmp_path / "out")
    assert str(endpoint) in refused.value.message


def test_a_converter_with_several_offices_gets_that_many_documents_at_once(
    tmp_path: Path, converters: list[FakeConverter]
) -> None:
    """numdossier's local converter says in info() how many LibreOffices it runs: the stream sends it
    that many documents at once (each conversion here waits until 3 are under way: with fewer threads
    the peak would stay below 3)."""
    converters.append(FakeConverter(offices=3, together=3))
    pool = Pool([converters[0].endpoint])
    results = pool.convert(dict(enumerate(_docs(tmp_path, 7))), tmp_path / "out")
    assert all(isinstance(r, Path) and r.read_bytes() == PDF for r in results.values())
    assert pool.capacity == {converters[0].endpoint: 3}
    assert converters[0].peak == 3 and converters[0].converted == 7


def test_a_plain_unoserver_gets_one_document_at_a_time(
    tmp_path: Path, converters: list[FakeConverter]
) -> None:
    """A unoserver whose info() does not say (unoserver's own) converts one at a time: one thread, even
    if it could answer more at once."""
    converters.append(FakeConverter(offices=1, delay=0.02))
    converters[0].server.funcs["info"] = lambda: {"api": "3", "libreoffice_version": "7.4.7.2"}
    pool = Pool([converters[0].endpoint])
    results = pool.convert(dict(enumerate(_docs(tmp_path, 5))), tmp_path / "out")
    assert all(isinstance(r, Path) for r in results.values())
    assert pool.capacity == {converters[0].endpoint: 1} and converters[0].peak == 1


def test_a_converter_with_several_offices_that_dies_fails_over(
    tmp_path: Path, converters: list[FakeConverter]
) -> None:
    """When a converter with 2 threads is found down, both stop taking documents and its documents go to
    the other converter; the report names the one that failed."""
    converters += [FakeConverter(lives=2, offices=2, delay=0.05), FakeConverter(offices=1, delay=0.01)]
    pool = Pool([c.endpoint for c in converters], timeout=10)
    results = pool.convert(dict(enumerate(_docs(tmp_path, 12))), tmp_path / "out")
    assert all(isinstance(r, Path) and r.read_bytes() == PDF for r in results.values()), results
    assert list(pool.report.failed) == [str(converters[0].endpoint)]
    assert converters[0].converted <= 2 + 1 and converters[1].converted >= 12 - 3
