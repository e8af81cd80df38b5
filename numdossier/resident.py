"""A resident numdossier beside a local converter: `build` and `check` without the start-up.

A warm LibreOffice takes the conversion's start-up away, but a build still spends most of its time
starting numdossier itself: importing its libraries, parsing the CJK font, reading the kinds and the
catalogue (about 0.7 s of the 1.3 s of a one-dossier build on a warm converter). `numdossier converter
start` therefore also starts this process: it does that work once, then forks a child for each command it
is sent (the child starts where the parent left off and dies with its command, so that nothing of one
client's data stays in it for the next). The console script asks it first:

- only for `build` and `check`, only when the converter in use (`--converter`, else NUMDOSSIER_CONVERTER)
  names a local one started by `converter start` with a resident beside it, and not when
  NUMDOSSIER_RESIDENT=0;
- the command runs with the caller's arguments, environment, working folder (passed as a descriptor),
  umask, niceness, CPU affinity, resource limits and terminal (stdin, stdout and stderr are passed too,
  SCM_RIGHTS): what it prints and its exit code are the same as if it had run in the caller's process;
  Ctrl-C, SIGTERM and SIGHUP are passed on (not those the caller ignores, as nohup's SIGHUP), and a
  caller that goes away stops its command (SIGTERM: nothing half-written, as usual);
- the resident answers only its own user (SO_PEERCRED) on a socket in the converter's state folder
  (mode 0600); it refuses a caller of another Python, another numdossier or another font setting, and
  when numdossier's files have changed since it started it refuses and starts itself again: the caller
  then runs the command itself, as it does whenever no resident answers.

This module is imported by the console script before anything else of numdossier: it imports nothing
heavy at the top (the client is standard library only); the server's imports are in its functions.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
from pathlib import Path

TYPE_CHECKING = False  # not from typing, for the console script's start (see numdossier/__init__)
if TYPE_CHECKING:
    from typing import Any

SOCKET = "resident.sock"
LOG = "resident.log"
COMMANDS = ("build", "check")
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
_HEADER = struct.Struct("!I")
_MAX_MESSAGE = 16 << 20
_PASSED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
# Settings read once by what the resident loaded before its first command: a caller with other values
# runs its command itself.
_SAME_ENV = ("NUMDOSSIER_FONT", "PYTHONPATH", "PYTHONHOME", "PYTHONHASHSEED", "PYTHONUTF8")
_OFF = ("0", "off", "no", "false")
# Passed signals whose default action ends the process and that the CLI does not handle: a caller whose
# command died of one dies of it too.
_FATAL = (signal.SIGHUP, signal.SIGQUIT)
_RLIMITS = (
    "RLIMIT_CPU",
    "RLIMIT_FSIZE",
    "RLIMIT_DATA",
    "RLIMIT_STACK",
    "RLIMIT_CORE",
    "RLIMIT_AS",
    "RLIMIT_NOFILE",
    "RLIMIT_MEMLOCK",
    "RLIMIT_NPROC",
)


def state_root() -> Path:
    """The folder of the local converters' state (NUMDOSSIER_STATE_DIR, else $XDG_STATE_HOME/numdossier)."""
    override = os.environ.get("NUMDOSSIER_STATE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "numdossier"


# --- the wire: length-prefixed JSON -----------------------------------------------------------------


def _send(sock: socket.socket, message: dict[str, Any], fds: list[int] | None = None) -> None:
    data = json.dumps(message, ensure_ascii=False).encode("utf-8")
    packet = _HEADER.pack(len(data)) + data
    if fds:
        sent = socket.send_fds(sock, [packet], fds)
        packet = packet[sent:]
    if packet:
        sock.sendall(packet)


def _recv_exactly(sock: socket.socket, size: int, have: bytes = b"") -> bytes | None:
    data = bytearray(have)
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _recv(sock: socket.socket, with_fds: int = 0) -> tuple[dict[str, Any] | None, list[int]]:
    """One message (None at the end of the stream or on garbage) and the descriptors that came with it."""
    fds: list[int] = []
    if with_fds:
        first, fds, _flags, _addr = socket.recv_fds(sock, 65536, with_fds)
    else:
        first = sock.recv(65536)
    if len(first) < _HEADER.size:
        rest = _recv_exactly(sock, _HEADER.size, first) if first else None
        if rest is None:
            return None, fds
        first = rest
    (size,) = _HEADER.unpack(first[: _HEADER.size])
    if size > _MAX_MESSAGE:
        return None, fds
    body = _recv_exactly(sock, size, first[_HEADER.size :])
    if body is None:
        return None, fds
    try:
        message = json.loads(body[:size].decode("utf-8"))
    except ValueError:
        return None, fds
    return (message if isinstance(message, dict) else None), fds


# --- what both sides compare ------------------------------------------------------------------------


def _package() -> Path:
    return Path(__file__).resolve().parent


def identity() -> dict[str, Any]:
    """What must be the same in the caller and the resident for the resident to run its command."""
    return {
        "python": os.path.realpath(sys.executable),
        "version": sys.version,
        "package": str(_package()),
        "env": {name: os.environ.get(name) for name in _SAME_ENV},
    }


def _roots() -> list[Path]:
    """numdossier's code and its built-in kinds (numdossier/templates in the wheel, templates/ beside
    the package in a source checkout: numdossier.kinds.registry.templates_root)."""
    package = _package()
    packaged = package / "templates"
    return [package] if packaged.is_dir() else [package, package.parent / "templates"]


def fingerprint() -> str:
    """numdossier's files as they are now (names, sizes and modification times) and the libraries
    installed beside it (their distributions' names carry their versions): a few ms."""
    import hashlib  # the server's only: the console script imports this module first

    digest = hashlib.blake2b(digest_size=16)
    for root in _roots():
        _walk(root, digest)
    for folder in sys.path:
        if folder.endswith(("site-packages", "dist-packages")) and os.path.isdir(folder):
            try:
                names = sorted(n for n in os.listdir(folder) if n.endswith((".dist-info", ".egg-info")))
            except OSError:
                continue
            digest.update(("\0".join([folder, *names]) + "\n").encode())
    return digest.hexdigest()


def _walk(root: Path, digest: Any) -> None:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())


# --- the client: the console script -----------------------------------------------------------------


def _command(argv: list[str]) -> tuple[str | None, int]:
    """The command named on the line and its index, past the top level's own options."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--lang":
            i += 2
            continue
        if arg.startswith("--lang=") or arg == "--debug":
            i += 1
            continue
        if arg.startswith("-"):
            return None, i  # --help, --version, a mistake: the CLI answers those itself
        return arg, i
    return None, i


def _converter_spec(argv: list[str]) -> str:
    spec = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--converter" and i + 1 < len(argv):
            spec = argv[i + 1]
        elif arg.startswith("--converter="):
            spec = arg.split("=", 1)[1]
    return spec if spec is not None else os.environ.get("NUMDOSSIER_CONVERTER", "")


def local_ports(spec: str) -> list[int]:
    """The ports of the local unoserver addresses in a converter setting (unoserver://HOST:PORT, ...)."""
    ports = []
    for item in spec.split(","):
        item = item.strip()
        if not item.lower().startswith("unoserver://"):
            continue
        host, _, port = item[len("unoserver://") :].rstrip("/").rpartition(":")
        if host.lower() in _LOCAL_HOSTS and port.isdigit():
            ports.append(int(port))
    return ports


def socket_path(port: int, root: Path | None = None) -> Path:
    return (root or state_root()) / f"converter-{port}" / SOCKET


_SUN_PATH = 100  # a socket's path has room for 107 bytes (Linux); a longer one is reached through /proc


def _connect(path: Path, timeout: float = 5.0) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    folder = None
    try:
        where = str(path)
        if len(os.fsencode(where)) > _SUN_PATH:
            folder = os.open(path.parent, os.O_PATH | os.O_DIRECTORY)
            where = f"/proc/self/fd/{folder}/{path.name}"
        sock.connect(where)
    except OSError:  # not there, refused
        sock.close()
        return None
    finally:
        if folder is not None:
            os.close(folder)
    return sock


def _pong(path: Path, timeout: float) -> dict[str, Any] | None:
    sock = _connect(path, timeout)
    if sock is None:
        return None
    with sock:
        try:
            _send(sock, {"ping": True})
            return _recv(sock)[0]
        except OSError:
            return None


def ping(path: Path, timeout: float = 2.0) -> int | None:
    """The pid of the resident listening on `path`, or None."""
    answer = _pong(path, timeout)
    pid = answer.get("pong") if answer else None
    return pid if isinstance(pid, int) else None


def serves_me(path: Path, timeout: float = 2.0) -> bool:
    """Whether the resident on `path` would run this process's commands (same Python, numdossier and
    settings): `converter status` says so when it would not."""
    answer = _pong(path, timeout)
    return answer is not None and answer.get("identity") == identity()


def wanted() -> bool:
    """NUMDOSSIER_RESIDENT=0 (off, no, false): no resident is started, none is asked."""
    return os.environ.get("NUMDOSSIER_RESIDENT", "").strip().lower() not in _OFF


def _streams() -> dict[str, Any]:
    described = {}
    for name in ("stdin", "stdout", "stderr"):
        stream = getattr(sys, name)
        described[name] = {
            "encoding": getattr(stream, "encoding", None) or "utf-8",
            "errors": getattr(stream, "errors", None) or "strict",
            "line_buffering": bool(getattr(stream, "line_buffering", False)),
        }
    return described


def forward(argv: list[str]) -> int | None:
    """Run the command in a resident numdossier and return its exit code; None when there is none to ask
    (or it refused): then the caller runs the command itself."""
    if not wanted():
        return None
    command, at = _command(argv)
    if command not in COMMANDS:
        return None
    for port in local_ports(_converter_spec(argv[at + 1 :])):
        sock = _connect(socket_path(port))
        if sock is None:
            continue
        with sock:
            code = _ask(sock, argv)
        if code is not None:
            return code
    return None


def _ask(sock: socket.socket, argv: list[str]) -> int | None:
    try:
        fds = [0, 1, 2]
        for fd in fds:
            os.fstat(fd)
        cwd = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    mask = os.umask(0)
    os.umask(mask)
    request = {
        "argv0": sys.argv[0] if sys.argv else "numdossier",
        "argv": argv,
        "limits": _limits(),
        # how the caller was started, for the program name in usage lines (console script or python -m)
        "main_package": getattr(sys.modules.get("__main__"), "__package__", None),
        "env": dict(os.environ),
        "umask": mask,
        "streams": _streams(),
        "identity": identity(),
    }
    try:
        _send(sock, request, [*fds, cwd])
        answer, _ = _recv(sock)
    except OSError:
        return None
    finally:
        os.close(cwd)
    if answer is None or "pid" not in answer:
        return None  # refused (another numdossier, changed files, ...), gone or too slow: run it here
    sock.settimeout(None)

    passed: list[int] = []

    def pass_on(signum: int, frame: object) -> None:
        passed.append(signum)
        with contextlib.suppress(OSError):
            _send(sock, {"signal": signum})

    try:
        # From here on the command is the resident's: its child starts it on this word only, so that a
        # caller that gave up waiting (and runs the command itself) is never doubled.
        _send(sock, {"go": True})
    except OSError:
        return None
    # A signal this process ignores (nohup's SIGHUP, a background job's SIGINT) is not passed on either:
    # the command would not have seen it here.
    previous = {
        signum: signal.signal(signum, pass_on)
        for signum in _PASSED_SIGNALS
        if signal.getsignal(signum) != signal.SIG_IGN
    }
    child = int(answer["pid"])  # the leader of the command's process group

    def suspend(signum: int, frame: object) -> None:
        # Ctrl-Z: the command stops with this process (it is not in the terminal's foreground group),
        # and goes on when this one does (fg, bg, kill -CONT)
        with contextlib.suppress(OSError):
            os.killpg(child, signal.SIGTSTP)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)
        signal.signal(signal.SIGTSTP, suspend)
        resume(signal.SIGCONT, frame)

    def resume(signum: int, frame: object) -> None:
        with contextlib.suppress(OSError):
            os.killpg(child, signal.SIGCONT)

    if signal.getsignal(signal.SIGTSTP) != signal.SIG_IGN:
        previous[signal.Signals.SIGTSTP] = signal.signal(signal.SIGTSTP, suspend)
        previous[signal.Signals.SIGCONT] = signal.signal(signal.SIGCONT, resume)
    try:
        try:
            result, _ = _recv(sock)
        except OSError:
            result = None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if result is None or not isinstance(result.get("exit"), int):
        for fatal in passed:
            if fatal in _FATAL and previous.get(signal.Signals(fatal)) == signal.SIG_DFL:
                os.kill(os.getpid(), fatal)  # the command died of it, as this process would have
        return _died(argv)
    return int(result["exit"])


def _limits() -> dict[str, Any]:
    """What the kernel holds for this process and a forked child would not have: `nice`, `taskset`,
    `ulimit` (the resident's child takes them on)."""
    import resource

    limits: dict[str, Any] = {"nice": os.getpriority(os.PRIO_PROCESS, 0)}
    with contextlib.suppress(AttributeError, OSError):
        limits["affinity"] = sorted(os.sched_getaffinity(0))
    limits["rlimits"] = {
        name: list(resource.getrlimit(getattr(resource, name)))
        for name in _RLIMITS
        if hasattr(resource, name)
    }
    return limits


def _take_limits(limits: Any) -> None:
    """The caller's priority, CPUs and resource limits (those the kernel lets this process take)."""
    import resource

    if not isinstance(limits, dict):
        return
    with contextlib.suppress(OSError, TypeError, ValueError):
        os.setpriority(os.PRIO_PROCESS, 0, int(limits["nice"]))
    with contextlib.suppress(AttributeError, KeyError, OSError, TypeError, ValueError):
        os.sched_setaffinity(0, [int(cpu) for cpu in limits["affinity"]])
    for name, (soft, hard) in dict(limits.get("rlimits") or {}).items():
        if name in _RLIMITS and hasattr(resource, name):
            with contextlib.suppress(OSError, TypeError, ValueError):
                resource.setrlimit(getattr(resource, name), (int(soft), int(hard)))


def _died(argv: list[str]) -> int:
    """The resident's child ended without an exit code (killed, out of memory): said, exit 70."""
    from .cli import spoken_in
    from .errors import ExitCode
    from .rules import messages

    with messages.using(spoken_in(argv)):
        sys.stderr.write(messages.text("cli.resident.died") + "\n")
    return int(ExitCode.internal)


def main() -> None:
    """The console script: a resident numdossier runs the command if one serves the converter in use,
    else this process does."""
    try:
        code = forward(sys.argv[1:])
    except KeyboardInterrupt:  # Ctrl-C before the command was handed over: nothing was started
        from .cli import spoken_in
        from .rules import messages

        with messages.using(spoken_in(sys.argv[1:])):
            sys.stderr.write(messages.text("cli.interrupted_early") + "\n")
        sys.exit(130)
    if code is not None:
        sys.exit(code)
    from .cli import main as run

    run()


# --- the server ---------------------------------------------------------------------------------------


def _log(message: str) -> None:
    sys.stderr.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n")
    sys.stderr.flush()


def preload() -> None:
    """What every command would do first: the imports, the font, the catalogue, the built-in kinds."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # numpy's pool would be threads at the fork
    import importlib

    import numdossier.api  # noqa: F401
    import numdossier.batch  # noqa: F401
    import numdossier.check  # noqa: F401
    import numdossier.cli  # noqa: F401
    import numdossier.pipeline  # noqa: F401
    from numdossier.errors import NumdossierError
    from numdossier.kinds import load_checklist, registry
    from numdossier.pdf import fonts
    from numdossier.render import docx, engine
    from numdossier.rules import divisions, messages, plausibility, printed, settings

    messages.text("cli.resident.died")
    settings.settings()
    divisions.divisions()
    plausibility.table()
    plausibility.postcode_prefixes()
    printed.table()
    engine.environment()
    for name, kind in registry._builtin().items():
        with contextlib.suppress(NumdossierError):
            for item in load_checklist(name).items:
                if item.template:
                    docx.compile_ahead(kind.folder / item.template)
            plausibility.starter_fields(name)
            kind.model  # noqa: B018 - imports the kind's profile module
    for module in (
        "phonenumbers",
        "img2pdf",
        "pypdfium2",
        "PIL.ImageCms",
        "numdossier.pdf.attachments",
        "numdossier.pdf.cards",
        "numdossier.rules.attachments",
    ):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)
    with contextlib.suppress(Exception):
        import phonenumbers

        phonenumbers.parse("010 6552 0000", "CN")  # loads the metadata of China's numbers
    with contextlib.suppress(NumdossierError):
        fonts.cjk_font()  # a missing font is reported by the command that needs it


def serve(folder: Path) -> None:
    """Listen on folder/resident.sock until SIGTERM; a child per command."""
    started = time.monotonic()
    folder = folder.resolve()
    preload()
    me, files = identity(), fingerprint()
    path = folder / SOCKET
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    os.chdir(folder)  # bound by its name: the folder's path may be too long for a socket's
    listener.bind(SOCKET)
    os.chmod(SOCKET, 0o600)
    listener.listen(64)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the children are reaped by the kernel

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    import gc

    gc.collect()
    gc.freeze()  # the children do not copy the loaded modules' pages by touching them
    _log(f"ready in {time.monotonic() - started:.2f} s, pid {os.getpid()}")
    children: dict[int, list[float | int]] = {}  # child -> [its caller, when it was told to stop]
    listener.settimeout(1.0)
    try:
        while True:
            _orphans(children)
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(10.0)
                again = _handle(conn, listener, me, files, children)
            if again:
                break
    finally:
        listener.close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    # numdossier's files changed: this process is stale; the same command line starts a fresh one
    _log("numdossier's files have changed: starting again")
    os.execv(sys.executable, [sys.executable, "-m", "numdossier.resident", str(folder)])


def _peer(conn: socket.socket) -> tuple[int, int]:
    """The caller's pid and uid."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    pid, uid, _gid = struct.unpack("3i", creds)
    return int(pid), int(uid)


def _ours(pid: int) -> bool:
    """`pid` is a live child of this process (the kernel reaps them: a pid may be another's by now)."""
    try:
        head, tail = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)
    except (OSError, ValueError):
        return False
    fields = tail.split()
    return fields[0] not in ("Z", "X") and int(fields[1]) == os.getpid()


def pid_alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _orphans(children: dict[int, list[float | int]]) -> None:
    """Commands whose caller is gone: woken if stopped (Ctrl-Z, then the caller was killed) and told to
    stop (SIGTERM: they clean up); killed if they do not within 30 s. A running command notices a
    caller that is gone by itself; a stopped one cannot."""
    for child, entry in list(children.items()):
        if not _ours(child):
            del children[child]
            continue
        caller, told = int(entry[0]), float(entry[1])
        if pid_alive(caller):
            continue
        with contextlib.suppress(OSError):
            if not told:
                entry[1] = time.monotonic()
                os.killpg(child, signal.SIGCONT)
                os.killpg(child, signal.SIGTERM)
            elif time.monotonic() - told > 30:
                os.killpg(child, signal.SIGKILL)


def _handle(
    conn: socket.socket,
    listener: socket.socket,
    me: dict[str, Any],
    files: str,
    children: dict[int, list[float | int]] | None = None,
) -> bool:
    """One caller; True if this process must start again (its files changed)."""
    fds: list[int] = []
    try:
        caller, uid = _peer(conn)
        if uid != os.getuid():
            return False
        request, fds = _recv(conn, with_fds=4)
        if request is None:
            return False
        if request.get("ping"):
            _send(conn, {"pong": os.getpid(), "identity": me})
            return False
        if len(fds) != 4:
            _send(conn, {"refused": "descriptors"})
            return False
        if request.get("identity") != me:
            _send(conn, {"refused": "identity"})
            return False
        if fingerprint() != files:
            _send(conn, {"refused": "changed"})
            return True
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is the commands' tests
            listener.close()
            _child(conn, request, fds)
        if children is not None:
            children[pid] = [caller, 0.0]
        command, _ = _command(list(request.get("argv") or []))
        _log(f"{command}: child {pid}")
        return False
    except OSError:
        return False
    finally:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def _child(conn: socket.socket, request: dict[str, Any], fds: list[int]) -> None:
    """Become the caller's command: its descriptors, folder, environment, arguments; never returns."""
    code: int | None = None  # None: the command never ended by itself (the caller says so, exit 70)
    done, began = threading.Event(), time.monotonic()
    log = os.dup(2)  # the resident's log, for the line at the end
    try:
        os.setpgid(0, 0)  # the caller's signals go to this command and what it starts
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        stdin, stdout, stderr, cwd = fds
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
        os.fchdir(cwd)
        for fd in fds:
            os.close(fd)
        fds.clear()
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in dict(request["env"]).items()})
        os.umask(int(request["umask"]))
        _take_limits(request.get("limits"))
        time.tzset()
        import tempfile

        tempfile.tempdir = None  # TMPDIR is the caller's
        _reopen_streams(request.get("streams") or {})
        sys.argv = [str(request.get("argv0") or "numdossier"), *[str(a) for a in request["argv"]]]
        package = request.get("main_package")
        sys.modules["__main__"].__package__ = package if isinstance(package, str) else None
        conn.settimeout(None)
        _send(conn, {"pid": os.getpid()})
        go, _ = _recv(conn)
        if not go or go.get("go") is not True:
            code = 0  # the caller gave up and runs the command itself: nothing was done here
            return
        _watch(conn, done)
        code = _run()
    except BaseException:  # noqa: BLE001 - the child must end here, whatever happened
        with contextlib.suppress(BaseException):
            import traceback

            os.write(log, traceback.format_exc().encode())  # the resident's log, not the caller's terminal
    finally:
        with contextlib.suppress(BaseException):
            import atexit

            atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        done.set()
        with contextlib.suppress(BaseException):
            import resource

            used = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
            cpu = sum(u.ru_utime + u.ru_stime for u in used)
            line = f"child {os.getpid()}: exit {code} in {time.monotonic() - began:.2f} s, CPU {cpu:.2f} s"
            os.write(log, f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n".encode())
        with contextlib.suppress(BaseException):
            _send(conn, {"exit": code})
        os._exit(70 if code is None else code)


def _reopen_streams(described: dict[str, Any]) -> None:
    import io

    for name, fd, mode in (("stdin", 0, "rb"), ("stdout", 1, "wb"), ("stderr", 2, "wb")):
        how = described.get(name) or {}
        raw = open(fd, mode, buffering=-1, closefd=False)  # noqa: SIM115 - lives as long as the process
        stream = io.TextIOWrapper(
            raw,
            encoding=str(how.get("encoding") or "utf-8"),
            errors=str(how.get("errors") or "strict"),
            line_buffering=bool(how.get("line_buffering")),
            write_through=name == "stderr",
        )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _watch(conn: socket.socket, done: threading.Event) -> None:
    """Pass the caller's signals on to this command; SIGTERM to it when the caller is gone."""

    def watch() -> None:
        while True:
            try:
                message, _ = _recv(conn)
            except OSError:
                message = None
            if done.is_set():
                return
            if message is None:
                with contextlib.suppress(OSError):
                    os.killpg(0, signal.SIGTERM)
                return
            signum = message.get("signal")
            if isinstance(signum, int) and signum in _PASSED_SIGNALS:
                with contextlib.suppress(OSError):
                    os.killpg(0, signum)

    threading.Thread(target=watch, name="resident-caller", daemon=True).start()


def _run() -> int:
    from numdossier import cli

    cli.out, cli.err = cli.consoles()  # the caller's terminal: colours and width
    try:
        cli.main()
    except SystemExit as e:
        if e.code is None:
            return 0
        return e.code if isinstance(e.code, int) else 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: python -m numdossier.resident FOLDER\n")
        sys.exit(2)
    serve(Path(sys.argv[1]))
