"""The local converter's server: several LibreOffices behind one XML-RPC port, converting at once, each
replaced after a number of conversions.

Run by `numdossier converter start` under the Python that has LibreOffice's UNO bindings, with only the
unoserver package on its path (convert/server.py links this file beside it): nothing of numdossier is
imported here, and what it logs is for the log file, in English like unoserver's own lines.

One LibreOffice converts one document at a time (its core runs under one lock), so unoserver's server
converts one after another. This one starts `--offices K` LibreOffices (each its own profile and UNO
port, started at once) and answers on a threaded XML-RPC server: each request takes a free LibreOffice
and gives it back when done, so a dossier's forms convert side by side. pyuno lets go of the GIL while it
waits for LibreOffice: measured here, two forms on two LibreOffices from two threads took 0.22 s against
0.37 s one after the other, and the callcentre sample's five forms 0.39-0.48 s against 0.70-0.78 s.
The client learns K from info() ("numdossier_offices") and sends that many documents at once.

A LibreOffice that converts document after document grows and slows down: measured here (LibreOffice
7.4, the n96 forms), its process held 480 MB after about 120 conversions and 730 MB after about 500,
and each form then took 10-25 % more CPU than in a fresh one. Each LibreOffice is replaced after
`--recycle-after` of its conversions: the next one starts beside it (the other of its two user profiles,
its own UNO port), takes its conversions once it answers, and only then is the old one ended: no
conversion waits for a start-up, none is refused.

A LibreOffice that dies (not replaced, not stopped) ends the whole server, its other LibreOffices with
it, as unoserver's server ends with its LibreOffice: the client then finds the converter down and sends
the documents to another one of its pool, or says which converter failed (exit 3). From the moment it is
known, info() fails, so that a client asking after a failed conversion learns that it was the converter,
not the document. The conversion itself is unoserver's (converter.UnoConverter.convert).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import queue
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from unoserver import converter
from unoserver import server as unoserver

logger = logging.getLogger("numdossier-office")
CONNECT_TIMEOUT = 120.0
API_VERSION = "3"  # unoserver's XML-RPC API, the one numdossier's client speaks


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThreadingXMLRPCServer(socketserver.ThreadingMixIn, unoserver.XMLRPCServer):  # type: ignore[misc]  # untyped
    """unoserver's XML-RPC server (its address handling), one thread per request."""

    daemon_threads = True


def launch(executable: str, profile: str) -> tuple[subprocess.Popen[bytes], int]:
    """A LibreOffice on a free UNO port, with the user profile at URL `profile` (as unoserver starts it)."""
    port = _free_port()
    command = [
        executable,
        "--headless",
        "--invisible",
        "--nocrashreport",
        "--nodefault",
        "--nologo",
        "--nofirststartwizard",
        "--norestore",
        f"-env:UserInstallation={profile}",
        f"--accept=socket,host=127.0.0.1,port={port},tcpNoDelay=1;urp;StarOffice.ComponentContext",
    ]
    logger.info("Command: " + " ".join(command))
    return subprocess.Popen(command), port


class _Hidden:
    """LibreOffice's Desktop, loading every document hidden, as `soffice --convert-to` does.

    unoserver's convert() loads with ReadOnly only: LibreOffice then makes a view of the document (a
    frame, even headless) and lays it out for it, before the export lays it out again. Measured here
    (LibreOffice 7.4, the callcentre sample's five forms): 0.61 CPU-s hidden against 0.82 not; the five
    samples' dossiers came out the same bytes either way (SOURCE_DATE_EPOCH)."""

    def __init__(self, desktop: Any) -> None:
        self._desktop = desktop

    def loadComponentFromURL(self, url: str, frame: str, flags: int, props: tuple[Any, ...]) -> Any:  # noqa: N802  # UNO's name
        hidden = converter.PropertyValue(Name="Hidden", Value=True)  # UNO's, as unoserver imports it
        return self._desktop.loadComponentFromURL(url, frame, flags, (*props, hidden))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._desktop, name)


def connect(process: subprocess.Popen[bytes], port: int, temp_dir: str | None) -> Any:
    """unoserver's converter on the LibreOffice just launched, once it answers; None if it does not."""
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            conv = converter.UnoConverter(interface="127.0.0.1", port=str(port), temp_dir=temp_dir)
            conv.desktop = _Hidden(conv.desktop)
            return conv
        except Exception:  # LibreOffice is not listening yet
            time.sleep(0.1)
    return None


def end(conv: Any, process: subprocess.Popen[bytes]) -> None:
    """Ask a LibreOffice to quit (it removes its pipe and lock file then); kill it if it does not, or at
    once if there is no connection to ask on (one that is still starting)."""
    if conv is not None:
        with contextlib.suppress(Exception):  # killed below if it does not quit
            conv.desktop.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(10)
    if process.poll() is None:
        pid = office_pid(process)
        if pid != process.pid:  # soffice.bin first: its launcher (oosplash) would outlive a SIGTERM
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        process.kill()
        process.wait(5)


def office_pid(process: subprocess.Popen[bytes]) -> int:
    """soffice.bin's pid: the process started is LibreOffice's launcher (oosplash), which runs it (from
    another of its threads: each thread has its own list of children)."""
    with contextlib.suppress(OSError, ValueError):
        for task in Path(f"/proc/{process.pid}/task").iterdir():
            children = (task / "children").read_text().split()
            if children:
                return int(children[0])
    return process.pid


class _Counted:
    """One LibreOffice's converter, counting the conversions under way on it."""

    def __init__(self, inner: Any, process: subprocess.Popen[bytes]) -> None:
        self.inner, self.process, self.busy = inner, process, 0
        self.pid = office_pid(process)  # it runs already: the converter is connected


class Office:
    """One of the server's LibreOffices: the one running now, its pair of profiles, its count."""

    def __init__(self, server: Offices, number: int, profiles: tuple[str, str]) -> None:
        self.server, self.number, self.profiles = server, number, profiles
        self.side = 0  # which of the two profiles the running LibreOffice uses
        self.current: _Counted | None = None
        self.count = 0
        self.replacing = False
        self.lock = threading.Lock()

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        current = self.current
        return current.process if current is not None else None

    def start(self) -> bool:
        process, port = launch(self.server.executable, self.profiles[self.side])
        conv = connect(process, port, self.server.temp_dir)
        if conv is None:
            logger.error(f"LibreOffice {self.number} did not start")
            end(None, process)
            return False
        self.current = _Counted(conv, process)
        logger.info(f"LibreOffice {self.number} started: PID {self.current.pid}")
        return True

    def convert(self, *args: Any) -> Any:
        with self.lock:
            current = self.current
            assert current is not None
            current.busy += 1
        pid = current.pid
        logger.info(f"Conversion started on LibreOffice {self.number} (PID {pid})")
        try:
            result = current.inner.convert(*args)
        except Exception:
            if current.process.poll() is not None or not _answers(current.inner):
                self.server.died(self, current.process)
            raise
        finally:
            with self.lock:
                current.busy -= 1
        logger.info(f"Conversion done on LibreOffice {self.number} (PID {pid})")
        self._converted()
        return result

    def _converted(self) -> None:
        with self.lock:
            self.count += 1
            after = self.server.after
            if not after or self.count < after or self.replacing or self.server.ending.is_set():
                return
            self.replacing = True
        replacing = threading.Thread(target=self._replace, name=f"replace-office-{self.number}", daemon=True)
        with self.server.lock:
            self.server.replacers = [t for t in self.server.replacers if t.is_alive()] + [replacing]
        replacing.start()

    def _replace(self) -> None:
        side = 1 - self.side
        process, port = launch(self.server.executable, self.profiles[side])
        with self.server.lock:
            self.server.spares.add(process)
        fresh = connect(process, port, self.server.temp_dir)
        with self.server.lock:
            self.server.spares.discard(process)
        if fresh is None or self.server.ending.is_set():
            if fresh is None:
                logger.error(f"The next LibreOffice {self.number} did not start; keeping the current one")
            end(fresh, process)
            with self.lock:
                self.replacing, self.count = False, 0
            return
        with self.lock:  # from the next conversion on, this office converts with the new one
            old, new = self.current, _Counted(fresh, process)
            assert old is not None
            self.current = new
            self.side, self.count, self.replacing = side, 0, False
        if self.server.ending.is_set():  # the server ended while it started: end_all() ends it
            return
        while old.busy:
            time.sleep(0.05)
        end(old.inner, old.process)
        logger.info(
            f"LibreOffice replaced (office {self.number}): PID {old.process.pid} -> {process.pid}"
            f" (soffice.bin {new.pid})"
        )


def _answers(conv: Any) -> bool:
    try:
        conv.uno_info()
    except Exception:
        return False
    return True


class Offices:
    """The server: K LibreOffices, the free ones in a queue, the XML-RPC functions."""

    def __init__(
        self, executable: str, profiles: list[tuple[str, str]], after: int, temp_dir: str | None = None
    ) -> None:
        self.executable, self.after, self.temp_dir = executable, after, temp_dir
        self.offices = [Office(self, n + 1, pair) for n, pair in enumerate(profiles)]
        self.free: queue.Queue[Office] = queue.Queue()
        self.ending = threading.Event()  # stopped (signal) or a LibreOffice died
        self.intentional = False
        self.dead: str | None = None
        self.lock = threading.Lock()
        self.busy = self.peak = self.conversions = 0
        self.facts: dict[str, Any] = {}
        self.spares: set[subprocess.Popen[bytes]] = set()  # replacements still starting
        self.replacers: list[threading.Thread] = []

    def start(self) -> bool:
        """Start every LibreOffice at once; False (all ended) if one of them does not start."""
        started: dict[int, bool] = {}

        def one(office: Office) -> None:
            started[office.number] = office.start()

        threads = [threading.Thread(target=one, args=(o,)) for o in self.offices]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if not all(started.values()):
            self.end_all()
            return False
        conv = self.offices[0].current.inner  # type: ignore[union-attr]  # started above
        self.facts = {
            "import_filters": conv.get_filter_names(conv.get_available_import_filters()),
            "export_filters": conv.get_filter_names(conv.get_available_export_filters()),
            "libreoffice_version": conv.uno_info(),
        }
        for office in self.offices:
            self.free.put(office)
        return True

    def died(self, office: Office, process: subprocess.Popen[bytes]) -> None:
        with self.lock:
            if self.ending.is_set() or self.intentional:
                return
            self.dead = f"LibreOffice {office.number} died. PID: {process.pid}"
        logger.error(f"Looks like {self.dead}; ending the server")
        self.ending.set()

    def check(self) -> None:
        """A LibreOffice that ended without being replaced or stopped: the server ends."""
        for office in self.offices:
            process = office.process
            if process is not None and process.poll() is not None and office.process is process:
                self.died(office, process)

    # --- XML-RPC: unoserver's API 3, info() and convert() ---------------------------------------------

    def _refuse_if_ending(self) -> None:
        self.check()
        if self.ending.is_set() or self.intentional:
            raise RuntimeError(self.dead or "The server is stopping")

    def info(self) -> dict[str, Any]:
        self._refuse_if_ending()
        return {
            "unoserver": unoserver.__version__,
            "api": API_VERSION,
            **self.facts,
            "numdossier_offices": len(self.offices),  # conversions it takes at once
            "numdossier_office_pids": [o.current.pid for o in self.offices if o.current],
            "numdossier_conversions": self.conversions,
            "numdossier_peak": self.peak,  # the most conversions under way at once so far
        }

    def convert(
        self,
        inpath: str | None = None,
        indata: Any = None,
        outpath: str | None = None,
        convert_to: str | None = None,
        filtername: str | None = None,
        filter_options: list[str] | None = None,
        update_index: bool = True,
        infiltername: str | None = None,
        password: str | None = None,
    ) -> Any:
        self._refuse_if_ending()
        if indata is not None:
            indata = indata.data
        office = self.free.get()
        with self.lock:
            self.busy += 1
            self.peak = max(self.peak, self.busy)
        try:
            return office.convert(
                inpath,
                indata,
                outpath,
                convert_to,
                filtername,
                filter_options or [],
                update_index,
                infiltername,
                password,
            )
        finally:
            with self.lock:
                self.busy -= 1
                self.conversions += 1
            self.free.put(office)

    def end_all(self) -> None:
        """End every LibreOffice, those still starting as replacements too (at once: each may take a
        moment to quit); then the ones replacements have taken over with meanwhile."""
        self.ending.set()
        self._end_current()
        with self.lock:
            replacers = list(self.replacers)
        for t in replacers:
            t.join(30)
        self._end_current()

    def _end_current(self) -> None:
        with self.lock:
            threads = [threading.Thread(target=end, args=(None, p)) for p in self.spares]
        for office in self.offices:
            current = office.current
            if current is not None and current.process.poll() is None:
                threads.append(threading.Thread(target=end, args=(current.inner, current.process)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()


def main() -> int:
    parser = argparse.ArgumentParser("numdossier-office")
    parser.add_argument("--interface", default="127.0.0.1")
    parser.add_argument("--port", default="2003")
    parser.add_argument(
        "--user-installation",
        required=True,
        help="a folder: LibreOffice 1's profiles are FOLDER and FOLDER-b, LibreOffice N's FOLDER-N, FOLDER-N-b",
    )
    parser.add_argument("--executable", required=True)
    parser.add_argument("--offices", type=int, default=1, help="how many LibreOffices convert at once")
    parser.add_argument(
        "--recycle-after", type=int, default=0, help="conversions before a LibreOffice is replaced"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    logger.info(
        f"Starting numdossier's office server (unoserver {unoserver.__version__}): {args.offices} LibreOffices"
    )
    profiles = []
    for n in range(1, max(1, args.offices) + 1):
        base = Path(args.user_installation)
        if n > 1:
            base = base.with_name(f"{base.name}-{n}")
        profiles.append((base.as_uri(), base.with_name(base.name + "-b").as_uri()))
    server = Offices(args.executable, profiles, args.recycle_after)

    def stop(signum: int, frame: Any) -> None:
        server.intentional = True  # only a flag: a lock taken here could be the one the main thread holds

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)
    if not server.start():
        return 2
    if server.intentional:  # stopped while starting
        server.end_all()
        return 0
    with ThreadingXMLRPCServer((args.interface, int(args.port)), allow_none=True) as rpc:
        rpc.register_introspection_functions()
        rpc.register_function(server.info, "info")
        rpc.register_function(server.convert, "convert")
        serving = threading.Thread(target=rpc.serve_forever, name="xmlrpc")
        serving.start()
        logger.info(f"Replacing each LibreOffice after {args.recycle_after or 'no'} conversions")
        logger.info("Started.")
        while not server.ending.wait(0.2) and not server.intentional:
            server.check()
        server.ending.set()
        if server.intentional:
            logger.info("Stopping: ending the LibreOffices")
        server.end_all()
        rpc.shutdown()
        serving.join()
    return 0 if server.intentional else 1


if __name__ == "__main__":
    sys.exit(main())
