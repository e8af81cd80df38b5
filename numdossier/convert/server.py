"""A local unoserver for `numdossier converter start|stop|status`: its own LibreOffice profile, HOME and
TMPDIR in a state folder, a pidfile, a log; detached in its own process group and stopped with the
whole group, so that no LibreOffice is ever left running without its server.

unoserver's server needs LibreOffice's Python UNO bindings (Debian: python3-uno, for /usr/bin/python3;
official LibreOffice builds bundle program/python). numdossier's own environment does not: the server
runs under that Python, with the unoserver package numdossier depends on lent to it by PYTHONPATH.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .. import resident
from ..errors import EnvironmentProblem, UsageError
from ..resident import pid_alive, state_root
from ..rules import messages
from .libreoffice import FONTS_CONF, find_soffice, remove_ipc_pipe
from .unoserver import Endpoint, UnoClient, _Down, offices_of

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 2003
START_TIMEOUT = 90.0  # unoserver itself waits 7 s before it listens; a cold LibreOffice adds a few
OFFICE_SERVER = "numdossier_office_server"  # office_server.py, run by the UNO Python from the lib folder
# LibreOffice slows down as it converts (convert/office_server.py): the server starts a fresh one after
# this many conversions (NUMDOSSIER_CONVERTER_RECYCLE; 0: never).
RECYCLE_AFTER = 200
# LibreOffices of one converter (`converter start --offices K`): one converts one document at a time,
# so K of them convert a dossier's forms side by side (convert/office_server.py); each holds 300-700 MB.
MAX_OFFICES = 8
RESIDENT_TIMEOUT = 60.0  # its imports and the font: a second or two, more on a loaded machine
STOP_TIMEOUT = 10.0


def find_uno_python() -> str:
    """A Python that can `import uno`, or EnvironmentProblem (exit 3) naming the package."""
    override = os.environ.get("NUMDOSSIER_UNO_PYTHON")
    candidates = [override] if override else []
    if not override:
        with contextlib.suppress(EnvironmentProblem):
            program = Path(os.path.realpath(find_soffice())).parent
            candidates.append(str(program / "python"))  # bundled with official LibreOffice builds
        candidates += ["/usr/bin/python3", shutil.which("python3") or ""]
    for python in dict.fromkeys(c for c in candidates if c):
        if not os.access(python, os.X_OK):
            continue
        try:
            subprocess.run(
                [python, "-c", "import uno"], capture_output=True, timeout=30, check=True, env=_clean_env()
            )
        except (OSError, subprocess.SubprocessError):
            continue
        return python
    where = (
        messages.text("convert.server.uno_override", path=override)
        if override
        else messages.text("convert.server.no_uno")
    )
    raise EnvironmentProblem(where, messages.text("convert.server.uno_hint"))


def _clean_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
        env.pop(name, None)
    return env


def _unoserver_lib(folder: Path) -> Path:
    """A folder with only numdossier's unoserver package (and its metadata) in it, for PYTHONPATH."""
    spec = importlib.util.find_spec("unoserver")
    if spec is None or not spec.submodule_search_locations:
        raise EnvironmentProblem(
            messages.text("convert.server.no_unoserver"), messages.text("convert.server.no_unoserver_hint")
        )
    package = Path(next(iter(spec.submodule_search_locations)))
    lib = folder / "lib"
    shutil.rmtree(lib, ignore_errors=True)
    lib.mkdir(parents=True)
    (lib / "unoserver").symlink_to(package, target_is_directory=True)
    (lib / f"{OFFICE_SERVER}.py").symlink_to(Path(__file__).with_name("office_server.py"))
    for info in package.parent.glob("unoserver-*.dist-info"):
        (lib / info.name).symlink_to(info, target_is_directory=True)
    return lib


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        return s.connect_ex((host, port)) == 0


def _group_alive(pgid: int, only: str | None = None) -> bool:
    """Some process of the group (named `only`) still runs; zombies waiting for init do not count."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            head, tail = (proc / "stat").read_text().rsplit(")", 1)
        except (OSError, ValueError):
            continue
        fields = tail.split()
        named = only is None or head.split("(", 1)[-1] == only
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X") and named:
            return True
    return False


@dataclass
class Status:
    running: bool  # the server process is alive
    answering: bool  # and answers like a unoserver
    pid: int | None = None
    version: str | None = None
    leftover: bool = False  # the server is gone but processes of its group (LibreOffice) remain
    resident: int | None = None  # the pid of the resident numdossier beside it (numdossier.resident)
    offices: int = 1  # LibreOffices converting at once (a plain unoserver has one)
    office_pids: tuple[int, ...] = ()  # theirs (soffice.bin), when the server says


@dataclass(frozen=True)
class LocalServer:
    """One local unoserver, named by its port; its files live in state_root()/converter-<port>/.
    `offices`: how many LibreOffices it starts (None: default_offices())."""

    port: int = DEFAULT_PORT
    host: str = DEFAULT_HOST
    root: Path | None = None
    offices: int | None = None

    @property
    def folder(self) -> Path:
        return (self.root or state_root()) / f"converter-{self.port}"

    @property
    def pidfile(self) -> Path:
        return self.folder / "server.pid"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def endpoint(self) -> Endpoint:
        return Endpoint(self.host, self.port)

    @property
    def socket(self) -> Path:
        return self.folder / resident.SOCKET

    def _record(self) -> dict[str, object] | None:
        try:
            data = json.loads(self.pidfile.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def status(self) -> Status:
        record = self._record()
        if record is None:
            return Status(False, False)
        pid, pgid = int(str(record["pid"])), int(str(record["pgid"]))
        running = pid_alive(pid)
        if not running:
            return Status(False, False, pid, leftover=_group_alive(pgid))
        try:
            info = UnoClient(Endpoint(str(record.get("host", self.host)), self.port)).info(5.0)
        except _Down:
            return Status(True, False, pid)
        version = str(info.get("libreoffice_version") or "") or None
        pids = info.get("numdossier_office_pids")
        return Status(
            True,
            True,
            pid,
            version,
            resident=resident.ping(self.socket),
            offices=offices_of(info),
            office_pids=tuple(int(p) for p in pids) if isinstance(pids, list) else (),
        )

    def start(self, timeout: float = START_TIMEOUT) -> Status:
        """Start the server detached (it outlives this process) and wait until it answers."""
        recycle = recycle_after()
        offices = check_offices(self.offices) if self.offices is not None else default_offices()
        current = self.status()
        if current.running:
            if current.answering:
                return self._with_resident(current)
            raise EnvironmentProblem(
                messages.text("convert.server.not_answering", endpoint=self.endpoint, pid=current.pid),
                messages.text("convert.server.not_answering_hint", port=self.port),
            )
        if current.leftover:
            self.stop()
        if _port_taken(self.host, self.port):
            raise UsageError(
                messages.text("convert.server.port_taken", port=self.port),
                messages.text("convert.server.port_taken_hint"),
            )
        python = find_uno_python()
        soffice = find_soffice()
        folder = self.folder
        (folder / "tmp").mkdir(parents=True, exist_ok=True)
        env = _clean_env()
        env["PYTHONPATH"] = str(_unoserver_lib(folder))
        env["HOME"] = str(folder)
        env["TMPDIR"] = str(folder / "tmp")
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
        env.pop("SAL_USE_VCLPLUGIN", None)
        profile = folder / "profile"
        command = [
            python,
            "-m",
            OFFICE_SERVER,
            "--interface",
            self.host,
            "--port",
            str(self.port),
            "--user-installation",
            str(profile),
            "--executable",
            soffice,
            "--offices",
            str(offices),
            "--recycle-after",
            str(recycle),
        ]
        pid, pgid = _detached(command, env, folder, self.log)
        record = {
            "pid": pid,
            "pgid": pgid,
            "host": self.host,
            "port": self.port,
            "profile": profile.as_uri(),
            "offices": offices,
        }
        _write_atomic(self.pidfile, json.dumps(record) + "\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status()
            if status.answering:
                return self._with_resident(status)
            if not status.running:
                break
            time.sleep(0.25)
        tail = " / ".join(self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:])
        self.stop()
        raise EnvironmentProblem(
            messages.text(
                "convert.server.not_started",
                endpoint=self.endpoint,
                tail=tail or messages.text("convert.libreoffice.no_output_text"),
            ),
            messages.text("convert.server.log_hint", log=self.log) + messages.text("convert.server.uno_hint"),
        )

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop the server and its LibreOffice (SIGTERM to the group, SIGKILL after `timeout`); True if
        anything was running. Removes the pidfile, the profile and the temporary folder."""
        self._stop_resident(timeout)
        record = self._record()
        if record is None:
            return False
        # SIGTERM: the server and LibreOffice shut down in order; the server exits after LibreOffice. What
        # remains then is LibreOffice's launcher (oosplash does not exit on SIGTERM), the server waiting for
        # it, or a LibreOffice that hangs.
        was = _stop_group(int(str(record["pgid"])), timeout, until_gone="soffice.bin")
        profile = str(record.get("profile", ""))
        if profile:
            for used in profiles(profile, int(str(record.get("offices", 1)))):
                remove_ipc_pipe(used)
        for folder in self.folder.glob("profile*"):  # every LibreOffice's, and its replacement's
            remove_ipc_pipe(folder.as_uri())
            shutil.rmtree(folder, ignore_errors=True)
        for name in ("tmp", "lib"):
            shutil.rmtree(self.folder / name, ignore_errors=True)
        self.pidfile.unlink(missing_ok=True)
        return was

    # --- the resident numdossier beside the server (numdossier.resident) ---------------------------

    @property
    def resident_pidfile(self) -> Path:
        return self.folder / "resident.pid"

    def _with_resident(self, status: Status) -> Status:
        """The server's status after starting its resident numdossier if it has none (and one is wanted).
        A resident that does not start is no failure: builds then run in their own process, as without."""
        if status.resident is not None or not resident.wanted():
            return status
        self._stop_resident(STOP_TIMEOUT)  # a resident that no longer answers
        self.socket.unlink(missing_ok=True)
        command = [sys.executable, "-m", "numdossier.resident", str(self.folder)]
        pid, pgid = _detached(command, dict(os.environ), self.folder, self.folder / resident.LOG)
        _write_atomic(self.resident_pidfile, json.dumps({"pid": pid, "pgid": pgid}) + "\n")
        deadline = time.monotonic() + RESIDENT_TIMEOUT
        while time.monotonic() < deadline and pid_alive(pid):
            answered = resident.ping(self.socket)
            if answered is not None:
                return dataclasses.replace(status, resident=answered)
            time.sleep(0.1)
        self._stop_resident(STOP_TIMEOUT)
        return status

    def _stop_resident(self, timeout: float) -> None:
        try:
            record = json.loads(self.resident_pidfile.read_text(encoding="utf-8"))
            pgid = int(record["pgid"])
        except (OSError, ValueError, KeyError, TypeError):
            return
        _stop_group(pgid, timeout)
        self.resident_pidfile.unlink(missing_ok=True)
        self.socket.unlink(missing_ok=True)


def _detached(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> tuple[int, int]:
    """Start `command` detached through a shell that exits at once: its parent becomes init (it is never
    a zombie of ours), and its process group, with what it starts, is the shell's. Its pid and group."""
    with log.open("ab") as stderr:
        launcher = subprocess.Popen(
            ["/bin/sh", "-c", 'exec "$@" </dev/null >&2 & echo $!', "sh", *command],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
        out, _ = launcher.communicate(timeout=30)
    return int(out.decode().strip()), launcher.pid


def _stop_group(pgid: int, timeout: float, until_gone: str | None = None) -> bool:
    """SIGTERM to a process group, up to `timeout` for it (or its processes named `until_gone`) to end,
    then SIGKILL to what is left and up to 5 s for it to go; True if anything of it was running."""
    if not _group_alive(pgid):
        return False
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _group_alive(pgid, only=until_gone) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return True


def profiles(first: str, offices: int) -> list[str]:
    """The profile URLs of a converter's LibreOffices: each has two, one for the one running and one for
    its replacement (office_server.py: FOLDER, FOLDER-b, FOLDER-2, FOLDER-2-b, ...)."""
    bases = [first] + [f"{first}-{n}" for n in range(2, offices + 1)]
    return [url for base in bases for url in (base, base + "-b")]


def default_offices() -> int:
    """Two LibreOffices where two cores can run them (one dossier's forms then convert two at a time),
    else one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


def check_offices(offices: int) -> int:
    """A number of LibreOffices for one converter, or UsageError (exit 2)."""
    if not 1 <= offices <= MAX_OFFICES:
        raise UsageError(
            messages.text("convert.server.offices", value=offices, most=MAX_OFFICES),
            messages.text("convert.server.offices_hint", default=default_offices()),
        )
    return offices


def recycle_after() -> int:
    """NUMDOSSIER_CONVERTER_RECYCLE (a count of conversions, 0 for never), else RECYCLE_AFTER."""
    value = os.environ.get("NUMDOSSIER_CONVERTER_RECYCLE", "").strip()
    if not value:
        return RECYCLE_AFTER
    if not value.isdigit():
        raise UsageError(
            messages.text("convert.server.recycle", value=value), messages.text("convert.server.recycle_hint")
        )
    return int(value)


def _write_atomic(path: Path, text: str) -> None:
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)
