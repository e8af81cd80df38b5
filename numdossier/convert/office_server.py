"""The local converter's server: unoserver's, whose LibreOffice is replaced after a number of conversions.

Run by `numdossier converter start` under the Python that has LibreOffice's UNO bindings, with only the
unoserver package on its path (convert/server.py links this file beside it): nothing of numdossier is
imported here, and what it logs is for the log file, in English like unoserver's own lines.

A LibreOffice that converts document after document grows and slows down: measured here (LibreOffice
7.4, the n96 forms), its process held 480 MB after about 120 conversions and 730 MB after about 500,
and each form then took 10-25 % more CPU than in a fresh one. unoserver can only stop after N requests
(--stop-after), which leaves the port unanswered until something starts it again. This server starts
the next LibreOffice beside the current one (the other of two user profiles, its own UNO port), turns the
conversions over to it once it answers, and only then ends the old one: no conversion waits for a
start-up, none is refused. The XML-RPC side, the conversion itself and the signals are unoserver's.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Counted:
    """The converter unoserver calls, counting what it converts and what is under way."""

    def __init__(self, inner: Any, done: Any) -> None:
        self.inner, self.done, self.busy = inner, done, 0
        self.lock = threading.Lock()

    def convert(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.busy += 1
        try:
            return self.inner.convert(*args, **kwargs)
        finally:
            with self.lock:
                self.busy -= 1
            self.done()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class Recycling:
    """Replaces the server's LibreOffice after `after` conversions (0: never)."""

    def __init__(self, server: Any, executable: str, profiles: list[str], after: int) -> None:
        self.server, self.executable, self.profiles, self.after = server, executable, profiles, after
        self.count, self.current = 0, 0
        self.replacing = False
        self.lock = threading.Lock()
        server.conv = _Counted(server.conv, self._converted)

    def _converted(self) -> None:
        with self.lock:
            self.count += 1
            if not self.after or self.count < self.after or self.replacing:
                return
            self.replacing = True
        threading.Thread(target=self._replace, name="replace-office", daemon=True).start()

    def _replace(self) -> None:
        nxt = 1 - self.current
        port = _free_port()
        command = [
            self.executable,
            "--headless",
            "--invisible",
            "--nocrashreport",
            "--nodefault",
            "--nologo",
            "--nofirststartwizard",
            "--norestore",
            f"-env:UserInstallation={self.profiles[nxt]}",
            f"--accept=socket,host=127.0.0.1,port={port},tcpNoDelay=1;urp;StarOffice.ComponentContext",
        ]
        process = subprocess.Popen(command)
        deadline = time.monotonic() + CONNECT_TIMEOUT
        fresh = None
        while fresh is None and time.monotonic() < deadline and process.poll() is None:
            try:
                fresh = converter.UnoConverter(
                    interface="127.0.0.1", port=str(port), temp_dir=self.server.temp_dir
                )
            except Exception:  # LibreOffice is not listening yet
                time.sleep(0.25)
        if fresh is None:
            logger.error("The next LibreOffice did not start; keeping the current one")
            process.kill()
            with self.lock:
                self.replacing = False
                self.count = 0
            return
        old, old_process = self.server.conv, self.server.libreoffice_process
        # From the next request on, unoserver converts with the new one (it reads server.conv each time).
        self.server.libreoffice_process = process
        self.server.conv = _Counted(fresh, self._converted)
        with self.lock:
            self.count, self.current, self.replacing = 0, nxt, False
        while old.busy:
            time.sleep(0.05)
        with contextlib.suppress(Exception):  # it is ended below either way
            old.inner.desktop.terminate()
        try:
            old_process.wait(10)
        except subprocess.TimeoutExpired:
            old_process.kill()
            old_process.wait(5)
        logger.info(f"LibreOffice replaced: PID {old_process.pid} -> {process.pid}")


def main() -> int:
    parser = argparse.ArgumentParser("numdossier-office")
    parser.add_argument("--interface", default="127.0.0.1")
    parser.add_argument("--port", default="2003")
    parser.add_argument("--uno-port", default="2002")
    parser.add_argument("--user-installation", required=True, help="a folder; the second profile is FOLDER-b")
    parser.add_argument("--executable", required=True)
    parser.add_argument("--recycle-after", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    profile = Path(args.user_installation)
    profiles = [profile.as_uri(), profile.with_name(profile.name + "-b").as_uri()]
    server = unoserver.UnoServer(args.interface, args.port, "127.0.0.1", args.uno_port, profiles[0])
    process = server.start(executable=args.executable)
    if process is None:
        return 2
    Recycling(server, args.executable, profiles, args.recycle_after)
    logger.info(f"Replacing LibreOffice after {args.recycle_after or 'no'} conversions")
    while True:
        current = server.libreoffice_process
        current.wait()
        if server.libreoffice_process is not current:
            continue  # replaced: the one that ended was the old one
        break
    if not server.intentional_exit:
        logger.error(f"Looks like LibreOffice died. PID: {current.pid}")
    server.stop()
    return 0 if server.intentional_exit else 1


if __name__ == "__main__":
    sys.exit(main())
