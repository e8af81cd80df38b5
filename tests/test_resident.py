"""The resident numdossier beside a local converter (numdossier.resident): commands forwarded to it print
and exit as they do in their own process; Ctrl-C and a caller that dies reach the command; a caller it
must not serve runs the command itself. A real resident process on a real socket; the converter it sits
beside is not needed for check, and is a silent port (a converter that hangs) for the signal tests. The
builds on a real converter are in test_unoserver.py."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import EPOCH, ROOT

from numdossier import resident

N96 = ROOT / "samples" / "n96" / "qinghe-96.toml"
CLIENT = "import sys; from numdossier.resident import main; sys.argv[0] = 'numdossier'; main()"


class Resident:
    """`python -m numdossier.resident` in a state folder of its own, beside port `port`."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.folder = root / f"converter-{port}"
        self.folder.mkdir(parents=True)
        self.log = self.folder / resident.LOG
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "numdossier.resident", str(self.folder)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while resident.ping(self.folder / resident.SOCKET) is None:
            assert self.proc.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, "the resident did not start"
            time.sleep(0.05)

    @property
    def url(self) -> str:
        return f"unoserver://127.0.0.1:{self.port}"

    def children(self) -> list[int]:
        return [
            int(line.rsplit(" ", 1)[1]) for line in self.log.read_text().splitlines() if ": child " in line
        ]

    def env(self, **extra: str) -> dict[str, str]:
        return dict(
            os.environ,
            NUMDOSSIER_STATE_DIR=str(self.root),
            NUMDOSSIER_CONVERTER=self.url,
            SOURCE_DATE_EPOCH=EPOCH,
            **extra,
        )

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def warm() -> Iterator[Resident]:
    # a short folder: pytest's are long, and the test of a long path is below
    root = Path(tempfile.mkdtemp(prefix="nd-res-"))
    server = Resident(root, free_port())
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    assert not (server.folder / resident.SOCKET).exists()


def client(*args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CLIENT, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


@pytest.mark.slow  # processes: a resident and its callers
def test_check_answers_the_same_there_as_here(warm: Resident, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(N96.parent, broken)
    profile = broken / N96.name
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("330106198503120036", "330106198503120037"),
        encoding="utf-8",
    )
    cases = [
        ("check", N96.name, "--today", "2026-11-23"),  # clean: exit 0; a relative path, from cwd
        ("check", str(profile), "--today", "2026-11-23", "--format", "json"),  # errors: exit 1
        ("--lang", "en", "check", str(profile), "--today", "2026-11-23"),
        ("check", "missing.toml"),
        ("check", "--no-such-option"),  # usage error
    ]
    for args in cases:
        before = len(warm.children())
        there = client(*args, env=warm.env(), cwd=N96.parent)
        assert len(warm.children()) == before + 1, (args, warm.log.read_text())  # it ran in the resident
        here = client(*args, env=warm.env(NUMDOSSIER_RESIDENT="0"), cwd=N96.parent)
        assert len(warm.children()) == before + 1
        assert (there.returncode, there.stdout, there.stderr) == (here.returncode, here.stdout, here.stderr)
    assert [client(*c, env=warm.env(), cwd=N96.parent).returncode for c in cases] == [0, 1, 1, 1, 2]
    findings = json.loads(client(*cases[1], env=warm.env()).stdout)
    assert "3301**********0037" in json.dumps(findings, ensure_ascii=False)  # masked there too
    assert "330106198503120037" not in json.dumps(findings, ensure_ascii=False)


@pytest.mark.slow  # processes: a resident and its callers
def test_the_callers_environment_and_language(warm: Resident) -> None:
    run = client("check", str(N96), "--today", "2026-11-23", env=warm.env(NUMDOSSIER_LANG="en"))
    assert run.returncode == 0 and "0 errors, 0 warnings" in run.stdout, run.stdout + run.stderr
    zh = client("check", str(N96), "--today", "2026-11-23", env=warm.env())
    assert zh.returncode == 0 and "0 个错误，0 个警告" in zh.stdout, zh.stdout + zh.stderr


@pytest.mark.slow  # processes: a resident and its callers
def test_a_caller_it_must_not_serve_runs_the_command_itself(warm: Resident, tmp_path: Path) -> None:
    before = len(warm.children())
    font = tmp_path / "font.ttf"
    font.write_bytes(b"")  # another font setting: what the resident loaded is not the caller's
    run = client("check", str(N96), "--today", "2026-11-23", env=warm.env(NUMDOSSIER_FONT=str(font)))
    assert run.returncode == 0, run.stderr
    other = dict(warm.env(), NUMDOSSIER_CONVERTER=f"unoserver://127.0.0.1:{free_port()}")
    assert client("check", str(N96), "--today", "2026-11-23", env=other).returncode == 0
    assert client("--version", env=warm.env()).returncode == 0  # not build or check
    assert len(warm.children()) == before


def test_changed_files_are_refused_and_the_resident_starts_again() -> None:
    """The check itself, on a socket pair: a caller is refused when numdossier's files differ from what
    the resident loaded, and the resident is told to start again."""
    ours, theirs = socket.socketpair()
    with ours, theirs, socket.socket(socket.AF_UNIX) as listener:
        resident._send(theirs, {"argv": ["check"], "identity": resident.identity()}, [0, 1, 2, 0])
        again = resident._handle(ours, listener, resident.identity(), "not what is on disk")
        answer, _ = resident._recv(theirs)
    assert again is True and answer == {"refused": "changed"}
    assert resident.fingerprint() == resident.fingerprint()  # stable while nothing changes


@pytest.fixture
def silent() -> Iterator[Resident]:
    """A resident beside a converter that accepts and never answers: a build handed to it waits."""
    root = Path(tempfile.mkdtemp(prefix="nd-res-"))
    with socket.socket() as port:
        port.bind(("127.0.0.1", 0))
        port.listen(16)
        server = Resident(root, port.getsockname()[1])
        try:
            yield server
        finally:
            server.stop()
            shutil.rmtree(root, ignore_errors=True)


def waiting_build(
    server: Resident, out: Path, env: dict[str, str], preexec: Callable[[], None] | None = None
) -> tuple[subprocess.Popen[str], int]:
    """A build handed to `server`, waiting on its silent converter: the caller and the child's pid."""
    before = len(server.children())
    proc = subprocess.Popen(
        [sys.executable, "-c", CLIENT, "build", str(N96), "-o", str(out), "--today", "2026-11-23"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec,  # noqa: PLW1509 - the test's process starts no threads before it
    )
    deadline = time.monotonic() + 60
    while len(server.children()) == before:
        assert time.monotonic() < deadline and proc.poll() is None, server.log.read_text()
        time.sleep(0.05)
    time.sleep(1.0)  # into the wait for the converter
    child = server.children()[-1]
    if not resident.pid_alive(child):  # it cannot have finished: say why it ended
        proc.kill()
        stdout, stderr = proc.communicate()
        pytest.fail(
            f"the command ended early (caller {proc.returncode}):\n{stdout}\n{stderr}\n{server.log.read_text()}"
        )
    return proc, child


@pytest.mark.slow  # processes: a resident and its callers
def test_ctrl_c_reaches_the_command_and_a_dead_caller_stops_it(silent: Resident, tmp_path: Path) -> None:
    """A converter that accepts and never answers: the forwarded build waits on it; SIGINT to the caller
    ends it with 130 and nothing in OUT; a caller killed outright has its command stopped too."""
    server = silent
    for signum, expected in ((signal.SIGINT, 130), (signal.SIGKILL, None), (signal.SIGTSTP, None)):
        temp = tmp_path / f"tmp-{signum}"
        temp.mkdir()
        env = server.env(NUMDOSSIER_CONVERT_TIMEOUT="60", TMPDIR=str(temp))
        out = tmp_path / f"out-{signum}"
        proc, child = waiting_build(server, out, env)
        assert [p.name[:11] for p in temp.iterdir()] == ["numdossier-"]  # its work, in the caller's TMPDIR
        if signum == signal.SIGTSTP:
            # Ctrl-Z: the command stops with its caller and goes on with it; a caller killed
            # while both are stopped has its command woken and stopped by the resident
            proc.send_signal(signal.SIGTSTP)
            _wait_state(child, "T")
            proc.send_signal(signal.SIGCONT)
            _wait_state(child, "S", "R")
            proc.send_signal(signal.SIGTSTP)
            _wait_state(child, "T")
            _wait_state(proc.pid, "T")
            signum = signal.SIGKILL
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=30)
        if expected is not None:
            assert proc.returncode == expected, stderr
            assert "中断" in stderr
        deadline = time.monotonic() + 30
        while resident.pid_alive(child):
            assert time.monotonic() < deadline, "the command outlived its caller"
            time.sleep(0.05)
        assert not out.exists() or not any(out.iterdir())
        assert not any(temp.iterdir())  # the caller's TMPDIR was the command's, and is clean


def _wait_state(pid: int, *states: str) -> None:
    deadline = time.monotonic() + 10
    while True:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state in states:
            return
        assert time.monotonic() < deadline, (pid, state, states)
        time.sleep(0.02)


def _under_nohup_and_nice() -> None:
    """A caller as `nohup nice -n 7 taskset -c 0 sh -c 'ulimit -n 500; ...'` starts it."""
    import resource

    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    os.nice(7)
    os.sched_setaffinity(0, [min(os.sched_getaffinity(0))])
    resource.setrlimit(resource.RLIMIT_NOFILE, (500, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))


@pytest.mark.slow  # processes: a resident and its callers
def test_the_callers_signals_priority_and_limits(silent: Resident, tmp_path: Path) -> None:
    """The command takes on what the caller's process holds: its niceness, CPUs and limits, and the
    signals it ignores (a SIGHUP under nohup does not reach it); a SIGHUP the caller does not ignore (its
    terminal closed) stops the command like Ctrl-C: exit 130, nothing half-written. Failed before: the
    child ran at the resident's niceness and limits, the SIGHUP was passed on under nohup, killing the
    build (exit 70), and a SIGHUP killed the command outright, its temporary files left behind."""
    server = silent
    for ignored in (True, False):
        out, temp = tmp_path / f"out-{ignored}", tmp_path / f"tmp-{ignored}"
        temp.mkdir()
        env = server.env(NUMDOSSIER_CONVERT_TIMEOUT="60", TMPDIR=str(temp))
        proc, child = waiting_build(server, out, env, _under_nohup_and_nice if ignored else None)
        if ignored:
            stat = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            assert int(stat[16]) == 7  # niceness
            assert os.sched_getaffinity(child) == {min(os.sched_getaffinity(0))}
            limits = Path(f"/proc/{child}/limits").read_text()
            nofile = [line.split()[3] for line in limits.splitlines() if "open files" in line]
            assert nofile == ["500"]
        proc.send_signal(signal.SIGHUP)
        if ignored:
            time.sleep(1.0)
            assert proc.poll() is None and resident.pid_alive(child), (
                proc.stderr.read() if proc.stderr else ""
            )
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=30)
            assert proc.returncode == 130, stderr
        else:  # a closed terminal: cleaned up like Ctrl-C
            _, stderr = proc.communicate(timeout=30)
            assert proc.returncode == 130 and "中断" in stderr, stderr
            assert not out.exists() or not any(out.iterdir())
        deadline = time.monotonic() + 30
        while resident.pid_alive(child):
            assert time.monotonic() < deadline, "the command outlived its caller"
            time.sleep(0.05)
        assert not any(temp.iterdir())


@pytest.mark.slow  # processes: a resident and its callers
def test_a_socket_in_a_long_folder(tmp_path: Path) -> None:
    root = tmp_path / ("d" * 60) / ("e" * 60)
    server = Resident(root, free_port())
    try:
        assert len(str(server.folder / resident.SOCKET)) > 107
        run = client("check", str(N96), "--today", "2026-11-23", env=server.env())
        assert run.returncode == 0, run.stderr
        assert len(server.children()) == 1
    finally:
        server.stop()


def test_what_the_console_script_forwards() -> None:
    assert resident._command(["--lang", "en", "build", "x"]) == ("build", 2)
    assert resident._command(["--debug", "check"]) == ("check", 1)
    assert resident._command(["--version"])[0] is None
    assert resident.local_ports(
        "unoserver://127.0.0.1:2003, unoserver://10.0.0.2:2003,unoserver://localhost:7"
    ) == [
        2003,
        7,
    ]
    assert (
        resident._converter_spec(["a.toml", "--converter=unoserver://127.0.0.1:5"])
        == "unoserver://127.0.0.1:5"
    )


def test_the_built_in_forms_are_compiled_ahead() -> None:
    """What the resident does before its first command: a form compiled ahead is filled without
    compiling any of its parts again."""
    from numdossier.kinds import load_checklist, registry
    from numdossier.render import docx

    kind = registry.get("n96")
    templates = [kind.folder / i.template for i in load_checklist("n96").items if i.template]
    docx._compiled.cache_clear()
    for template in templates:
        docx.compile_ahead(template)
    compiled = docx._compiled.cache_info()
    assert compiled.currsize >= len(templates)
    out = Path(tempfile.mkdtemp(prefix="nd-res-"))
    try:
        from numdossier.options import BuildOptions
        from numdossier.pipeline import prepare
        from numdossier.profile import load_profile

        prepare(load_profile(N96), BuildOptions(out=out, today=dt.date(2026, 11, 23)), out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    after = docx._compiled.cache_info()
    assert after.misses == compiled.misses and after.hits > compiled.hits


@pytest.mark.slow  # processes: a resident and its callers
def test_a_caller_that_gave_up_is_never_doubled(warm: Resident, tmp_path: Path) -> None:
    """A caller that stopped waiting before the resident's child started runs the command itself: the
    child starts the command only on the caller's word, and without it does nothing."""
    report = tmp_path / "r.xlsx"
    sock = resident._connect(warm.folder / resident.SOCKET)
    assert sock is not None
    argv = ["check", str(N96), "--today", "2026-11-23", "--report", str(report)]
    request: dict[str, object] = {
        "argv": argv,
        "env": warm.env(),
        "umask": 0o22,
        "identity": resident.identity(),
    }
    cwd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    with sock:
        resident._send(sock, request, [0, 1, 2, cwd])
        os.close(cwd)
        answer, _ = resident._recv(sock)
        assert answer is not None and isinstance(answer.get("pid"), int)
    deadline = time.monotonic() + 30
    while resident.pid_alive(answer["pid"]):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert not report.exists()
    run = client(*argv, env=warm.env())  # the same words, with the caller's go-ahead
    assert run.returncode == 0 and report.is_file(), run.stderr


def test_an_upgraded_library_changes_the_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`pip install -U rich` beside numdossier: the resident's libraries are no longer the caller's,
    and it must refuse and start again, as when numdossier's own files change."""
    site = tmp_path / "lib" / "site-packages"
    (site / "rich-13.0.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(site)])
    before = resident.fingerprint()
    (site / "rich-13.0.0.dist-info").rename(site / "rich-14.0.0.dist-info")
    assert resident.fingerprint() != before


@pytest.mark.slow  # processes: a resident and its callers
def test_whether_it_would_serve_this_process(warm: Resident, monkeypatch: pytest.MonkeyPatch) -> None:
    path = warm.folder / resident.SOCKET
    assert resident.ping(path) == warm.proc.pid and resident.serves_me(path)
    monkeypatch.setenv("NUMDOSSIER_FONT", "/elsewhere.ttf")
    assert resident.ping(path) == warm.proc.pid and not resident.serves_me(path)
