"""Warm converters (issue 15): real unoserver instances on 127.0.0.1, started and stopped by
`numdossier converter`; the same dossier as one-shot soffice; a pool that fails over; faults (down,
hung, died mid-batch) that end in exit 3 naming the converter, with nothing half-written."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from support import EPOCH, ROOT, invoke

from numdossier.convert.libreoffice import ipc_pipe_paths
from numdossier.convert.server import LocalServer, _group_alive, profiles
from numdossier.convert.unoserver import Endpoint, UnoClient, parse_converters
from numdossier.errors import ExitCode, UsageError

SAMPLES = sorted(ROOT.glob("samples/*/*.toml"))
N96 = ROOT / "samples" / "n96" / "qinghe-96.toml"

pytestmark = pytest.mark.skipif(
    not any(os.access(p, os.X_OK) for p in ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")),
    reason="no Python for LibreOffice's UNO bindings",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def numdossier(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "numdossier.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or os.environ.copy(),
    )


class Server:
    """A real unoserver started through the CLI, in a private state folder, with `offices` LibreOffices."""

    def __init__(self, state: Path, offices: int = 2) -> None:
        self.port = free_port()
        self.offices = offices
        self.env = dict(os.environ, NUMDOSSIER_STATE_DIR=str(state))
        self.local = LocalServer(self.port, root=state)

    @property
    def url(self) -> str:
        return str(Endpoint("127.0.0.1", self.port))

    @property
    def command(self) -> list[str]:
        return ["converter", "start", "--port", str(self.port), "--offices", str(self.offices)]

    def start(self) -> None:
        run = numdossier(*self.command, env=self.env, timeout=180)
        assert run.returncode == 0, run.stderr + run.stdout
        assert self.url in run.stdout

    def info(self) -> dict[str, object]:
        return UnoClient(Endpoint("127.0.0.1", self.port)).info(30)

    def office_pids(self) -> list[int]:
        pids = self.info()["numdossier_office_pids"]
        assert isinstance(pids, list) and len(pids) == self.offices, pids
        return [int(p) for p in pids]

    @property
    def pgid(self) -> int:
        return int(json.loads(self.local.pidfile.read_text())["pgid"])

    def stop(self) -> None:
        if not self.local.pidfile.exists():
            return
        pgid = self.pgid
        with_signal(pgid, signal.SIGCONT)
        beside = self.local.resident_pidfile
        resident = int(json.loads(beside.read_text())["pgid"]) if beside.exists() else None
        run = numdossier("converter", "stop", "--port", str(self.port), env=self.env, timeout=60)
        assert run.returncode == 0, run.stderr
        assert not _group_alive(pgid), "a process of the converter outlived `converter stop`"
        assert resident is None or not _group_alive(resident), "the resident outlived `converter stop`"
        assert not self.local.pidfile.exists() and not beside.exists() and not self.local.socket.exists()
        # nothing of any of its LibreOffices: profiles (and their replacements'), pipes, temporary files
        folder = self.local.folder
        assert not list(folder.glob("profile*")) and not (folder / "tmp").exists(), list(folder.iterdir())
        first = (folder / "profile").as_uri()
        pipes = [p for url in profiles(first, max(self.offices, 2)) for p in ipc_pipe_paths(url)]
        assert not [p for p in pipes if p.exists()]


def with_signal(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signum)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    """Two running converters for the module, started at once, each with 2 LibreOffices."""
    state = tmp_path_factory.mktemp("converters")
    servers = [Server(state), Server(state)]
    try:
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "numdossier.cli", *s.command],
                env=s.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for s in servers
        ]
        for proc in procs:
            _, stderr = proc.communicate(timeout=180)
            assert proc.returncode == 0, stderr
        yield servers
    finally:
        for s in servers:
            s.stop()


@pytest.fixture
def victim(tmp_path: Path) -> Iterator[Server]:
    """A third converter, for the tests that hang or kill it."""
    server = Server(tmp_path / "victim-state")
    try:
        server.start()
        yield server
    finally:
        server.stop()


def clients(tmp_path: Path, count: int) -> list[Path]:
    profiles = []
    for i in range(count):
        sample = SAMPLES[i % len(SAMPLES)]
        folder = tmp_path / "clients" / f"c{i}"
        shutil.copytree(sample.parent, folder)
        for other in folder.glob("*.toml"):
            if other.name != sample.name:
                other.unlink()
        profile = folder / sample.name
        text = profile.read_text(encoding="utf-8")
        name = sample.stem
        profile.write_text(text.replace(f'name = "{name}"', f'name = "{name}-{i}"', 1), encoding="utf-8")
        profiles.append(profile)
    return profiles


def pages_text(pdf: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(pdf).pages]


# --- no server needed --------------------------------------------------------------------------------


def test_converter_addresses() -> None:
    assert parse_converters("unoserver://127.0.0.1:2003, unoserver://localhost:2005") == [
        Endpoint("127.0.0.1", 2003),
        Endpoint("localhost", 2005),
    ]
    assert str(parse_converters("unoserver://[::1]:2003")[0]) == "unoserver://[::1]:2003"
    for bad in (
        "http://127.0.0.1:2003",
        "unoserver://127.0.0.1",
        "unoserver://:2003",
        "unoserver://h:99999",
        ",",
    ):
        with pytest.raises(UsageError):
            parse_converters(bad)


def test_malformed_converter_is_a_usage_error(tmp_path: Path) -> None:
    run = invoke("build", str(N96), "-o", str(tmp_path / "out"), "--converter", "soffice://x")
    assert run.returncode == ExitCode.usage, run.stderr
    assert "unoserver://" in run.stderr and "Traceback" not in run.stderr


def test_converter_that_is_down_is_exit_3_naming_it(tmp_path: Path) -> None:
    down = f"unoserver://127.0.0.1:{free_port()}"
    out = tmp_path / "out"
    env = dict(os.environ, NUMDOSSIER_CONVERTER=down)
    run = invoke("build", str(N96), "-o", str(out), "--today", "2026-11-23", env=env)
    assert run.returncode == ExitCode.environment, run.stderr
    assert down in run.stderr and "converter start" in run.stderr and "Traceback" not in run.stderr
    assert not out.exists() or not list(out.rglob("*"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_converter_that_is_down_is_said_in_the_language_of_lang(
    lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool asks its converters in threads: what they found is said in --lang's language, not in
    NUMDOSSIER_LANG's (a new thread starts without the language the command set)."""
    other = {"en": "zh", "zh": "en"}[lang]
    monkeypatch.setenv("NUMDOSSIER_LANG", other)
    down = f"unoserver://127.0.0.1:{free_port()}"
    run = invoke("build", str(N96), "-o", str(tmp_path / "out"), "--converter", down, "--lang", lang)
    assert run.returncode == ExitCode.environment, run.stderr
    said = {"en": ("No converter is available", "connection refused"), "zh": ("转换服务不可用", "连接被拒绝")}
    for words in said[lang]:
        assert words in run.stderr, run.stderr
    for words in said[other]:
        assert words not in run.stderr, run.stderr


def test_status_of_a_converter_not_running(tmp_path: Path) -> None:
    env = dict(os.environ, NUMDOSSIER_STATE_DIR=str(tmp_path))
    run = invoke("converter", "status", "--port", str(free_port()), env=env)
    assert run.returncode == ExitCode.environment and "未运行" in run.stdout
    run = invoke("converter", "stop", "--port", "2999", env=env)
    assert run.returncode == 0


def test_recycle_setting_that_is_not_a_count_is_a_usage_error(tmp_path: Path) -> None:
    env = {"NUMDOSSIER_STATE_DIR": str(tmp_path), "NUMDOSSIER_CONVERTER_RECYCLE": "often"}
    run = invoke("converter", "start", "--port", str(free_port()), env=env)
    assert run.returncode == ExitCode.usage and "NUMDOSSIER_CONVERTER_RECYCLE" in run.stderr, run.stderr
    assert not any(tmp_path.iterdir())  # nothing started, nothing written


@pytest.mark.parametrize(("offices", "lang"), [("0", "zh"), ("9", "en")])
def test_offices_out_of_range_is_a_usage_error(offices: str, lang: str, tmp_path: Path) -> None:
    env = {"NUMDOSSIER_STATE_DIR": str(tmp_path)}
    run = invoke(
        "converter", "start", "--port", str(free_port()), "--offices", offices, "--lang", lang, env=env
    )
    assert run.returncode == ExitCode.usage and "Traceback" not in run.stderr, run.stderr
    said = {"zh": "LibreOffice 的个数应为 1 到 8 之间的整数，而不是 0", "en": "from 1 to 8, not 9"}[lang]
    assert "--offices" in run.stderr and said in run.stderr, run.stderr
    assert not any(tmp_path.iterdir())  # nothing started, nothing written


# --- real servers --------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_libreoffice_is_replaced_as_it_converts(tmp_path: Path) -> None:
    """NUMDOSSIER_CONVERTER_RECYCLE=2: each of the converter's two LibreOffices is replaced after every
    second conversion of its own or so, the next one started beside it; every build succeeds, with the
    same bytes, both LibreOffices converted, and stop leaves nothing (Server.stop)."""
    server = Server(tmp_path / "state", offices=2)
    server.env["NUMDOSSIER_CONVERTER_RECYCLE"] = "2"
    server.start()
    try:
        env = dict(server.env, SOURCE_DATE_EPOCH=EPOCH, NUMDOSSIER_RESIDENT="0")
        built = []
        for i in range(4):
            out = tmp_path / f"out-{i}"
            run = numdossier(
                "build", str(N96), "-o", str(out), "--today", "2026-11-23", "--converter", server.url, env=env
            )
            assert run.returncode == 0, run.stderr
            built.append((out / "qinghe-96" / "dossier.pdf").read_bytes())
            time.sleep(0.5 if i < 3 else 0)
        assert built.count(built[0]) == len(built)
        log = (server.local.folder / "server.log").read_text(encoding="utf-8")
        assert "LibreOffice replaced (office " in log, log[-2000:]
        # the free LibreOffices are taken in turn: both converted
        assert "Conversion done on LibreOffice 1 " in log and "Conversion done on LibreOffice 2 " in log
        assert {"profile-b", "profile-2-b"} & {p.name for p in server.local.folder.iterdir()}
    finally:
        server.stop()


@pytest.mark.e2e
def test_two_libreoffices_convert_at_once(victim: Server, tmp_path: Path) -> None:
    """A converter with 2 LibreOffices converts a document while another is still under way: the first
    LibreOffice is stopped (SIGSTOP) with a conversion on it, and a second document is converted by the
    other one meanwhile; the first comes back once it goes on. Seen in the server, not timed."""
    form = tmp_path / "form.docx"
    run = numdossier(
        "build", str(N96), "-o", str(tmp_path / "out"), "--today", "2026-11-23", "--converter", victim.url
    )
    assert run.returncode == 0, run.stderr
    form.write_bytes(next((tmp_path / "out" / "qinghe-96" / "forms").glob("*.docx")).read_bytes())
    first, second = victim.office_pids()
    log = victim.local.folder / "server.log"
    results: dict[str, bytes] = {}

    def convert(name: str) -> None:
        results[name] = UnoClient(Endpoint("127.0.0.1", victim.port)).convert(form.read_bytes(), 120)

    os.kill(first, signal.SIGSTOP)
    try:
        # which LibreOffice a conversion lands on is the server's business: send until one is on `first`
        on_first = f"Conversion started on LibreOffice 1 (PID {first})"
        held = None
        for attempt in range(4):
            before = log.read_text(encoding="utf-8").count(on_first)
            thread = threading.Thread(target=convert, args=(f"try-{attempt}",), daemon=True)
            thread.start()
            deadline = time.monotonic() + 120
            while thread.is_alive() and log.read_text(encoding="utf-8").count(on_first) == before:
                assert time.monotonic() < deadline, "no conversion started"
                time.sleep(0.05)
            if thread.is_alive() and log.read_text(encoding="utf-8").count(on_first) > before:
                held = thread
                break
            thread.join()
        assert held is not None, "no conversion landed on the first LibreOffice"
        convert("meanwhile")  # on the second LibreOffice, while the first holds its conversion
        assert held.is_alive()
        info = victim.info()
        assert info["numdossier_offices"] == 2 and info["numdossier_peak"] == 2, info
        assert f"Conversion done on LibreOffice 2 (PID {second})" in log.read_text(encoding="utf-8")
    finally:
        os.kill(first, signal.SIGCONT)
    held.join(120)
    assert not held.is_alive()
    pdfs = list(results.values())
    assert len(pdfs) >= 2 and all(pdf.startswith(b"%PDF-") for pdf in pdfs)


@pytest.mark.e2e
def test_status_and_a_second_start(pair: list[Server]) -> None:
    server = pair[0]
    run = numdossier("converter", "status", "--port", str(server.port), env=server.env)
    assert run.returncode == 0 and server.url in run.stdout and "LibreOffice 7" in run.stdout
    pids = server.office_pids()
    assert all(Path(f"/proc/{p}/comm").read_text().strip() == "soffice.bin" for p in pids), pids
    assert f"2 个 LibreOffice 同时转换，进程 {pids[0]}、{pids[1]}）" in run.stdout, run.stdout
    again = numdossier("converter", "start", "--port", str(server.port), "--lang", "en", env=server.env)
    assert again.returncode == 0 and "already running, not started again: " + server.url in again.stdout
    assert f"2 LibreOffices converting at once, processes {pids[0]}, {pids[1]})" in again.stdout
    profile = server.local.folder / "profile"
    assert profile.is_dir() and str(profile) in (server.local.folder / "server.log").read_text()


@pytest.mark.e2e
def test_same_dossiers_as_one_shot_soffice_and_reproducible(pair: list[Server], tmp_path: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    pool = ",".join(s.url for s in pair)
    common = ["--today", "2026-11-23", "--format", "json"]
    runs = {
        "soffice": numdossier("build", *map(str, SAMPLES), "-o", str(tmp_path / "soffice"), *common, env=env),
        "warm": numdossier(
            "build", *map(str, SAMPLES), "-o", str(tmp_path / "warm"), *common, "--converter", pool, env=env
        ),
        "again": numdossier(
            "build", str(N96), "-o", str(tmp_path / "again"), *common, "--converter", pair[1].url, env=env
        ),
    }
    for name, run in runs.items():
        assert run.returncode == 0, (name, run.stderr)
    for sample in SAMPLES:
        name = json.loads(runs["soffice"].stdout)[SAMPLES.index(sample)]["output"].rsplit("/", 1)[-1]
        one_shot, warm = tmp_path / "soffice" / name, tmp_path / "warm" / name
        assert pages_text(one_shot / "dossier.pdf") == pages_text(warm / "dossier.pdf"), sample
        cold_manifest = json.loads((one_shot / "manifest.json").read_text(encoding="utf-8"))
        warm_manifest = json.loads((warm / "manifest.json").read_text(encoding="utf-8"))
        assert cold_manifest["pages"] == warm_manifest["pages"]
        assert (
            cold_manifest["converter"]["via"] == "soffice"
            and warm_manifest["converter"]["via"] == "unoserver"
        )
        assert cold_manifest["converter"]["version"] == warm_manifest["converter"]["version"]
    n96 = "qinghe-96"
    assert (tmp_path / "warm" / n96 / "dossier.pdf").read_bytes() == (
        tmp_path / "again" / n96 / "dossier.pdf"
    ).read_bytes()


@pytest.mark.e2e
def test_the_resident_builds_the_same_dossier(pair: list[Server], tmp_path: Path) -> None:
    """The console script hands `build` to the resident numdossier beside a local converter: the same
    bytes, manifest and output as the build in its own process (NUMDOSSIER_RESIDENT=0)."""
    server = pair[0]
    status = numdossier("converter", "status", "--port", str(server.port), env=server.env)
    assert "常驻 numdossier：进程 " in status.stdout and "另一个" not in status.stdout, status.stdout
    other = numdossier(
        "converter",
        "status",
        "--port",
        str(server.port),
        env=dict(server.env, NUMDOSSIER_FONT="/elsewhere.ttf"),
    )
    assert "另一个 Python、另一份 numdossier 或另一个字体设置" in other.stdout, (
        other.stdout
    )  # it would not serve it
    log = server.local.folder / "resident.log"
    env = dict(server.env, SOURCE_DATE_EPOCH=EPOCH, NUMDOSSIER_CONVERTER=server.url)
    script = "import sys; from numdossier.resident import main; sys.argv[0] = 'numdossier'; main()"
    runs = {}
    for where, extra in (("there", {}), ("heree", {"NUMDOSSIER_RESIDENT": "0"})):  # names of one length
        before = log.read_text().count("build: child ")
        runs[where] = subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                "build",
                str(N96),
                "-o",
                str(tmp_path / where),
                "--today",
                "2026-11-23",
            ],
            capture_output=True,
            text=True,
            env=dict(env, **extra),
            timeout=300,
        )
        assert runs[where].returncode == 0, runs[where].stderr
        assert log.read_text().count("build: child ") == before + (where == "there")
    there, here = (tmp_path / w / "qinghe-96" for w in ("there", "heree"))
    assert (there / "dossier.pdf").read_bytes() == (here / "dossier.pdf").read_bytes()
    manifests = [json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in (there, here)]
    assert (
        manifests[0]["pages"] == manifests[1]["pages"]
        and manifests[0]["converter"] == manifests[1]["converter"]
    )
    seconds = re.compile(r"\d+\.\d 秒")  # the time each took
    assert seconds.sub("", runs["there"].stdout.replace("there", "heree")) == seconds.sub(
        "", runs["heree"].stdout
    )


@pytest.mark.e2e
def test_pool_with_a_converter_down_fails_over_and_names_it(pair: list[Server], tmp_path: Path) -> None:
    down = f"unoserver://127.0.0.1:{free_port()}"
    run = numdossier(
        "build",
        str(N96),
        "-o",
        str(tmp_path / "out"),
        "--today",
        "2026-11-23",
        "--format",
        "json",
        "--converter",
        f"{down},{pair[0].url}",
    )
    assert run.returncode == 0, run.stderr
    [entry] = json.loads(run.stdout)
    notes = [f for f in entry["findings"] if f["code"] == "BUILD-CONVERTER"]
    assert notes and down in notes[0]["message"]
    assert (tmp_path / "out" / "qinghe-96" / "dossier.pdf").is_file()


@pytest.mark.e2e
def test_hung_converter_times_out_and_fails_over(pair: list[Server], victim: Server, tmp_path: Path) -> None:
    os.killpg(victim.pgid, signal.SIGSTOP)  # accepts connections (the kernel does), answers nothing
    env = dict(os.environ, NUMDOSSIER_CONVERT_TIMEOUT="3")
    alone = numdossier("build", str(N96), "-o", str(tmp_path / "alone"), "--converter", victim.url, env=env)
    assert alone.returncode == ExitCode.environment, alone.stderr
    assert victim.url in alone.stderr and not (tmp_path / "alone").exists()
    pooled = numdossier(
        "build",
        str(N96),
        "-o",
        str(tmp_path / "pooled"),
        "--converter",
        f"{victim.url},{pair[1].url}",
        env=env,
    )
    assert pooled.returncode == 0, pooled.stderr
    assert victim.url in pooled.stderr  # the note: which converter failed
    assert (tmp_path / "pooled" / "qinghe-96" / "dossier.pdf").is_file()


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("with_spare", "killed"), [(True, "all"), (False, "all"), (True, "one office"), (False, "one office")]
)
def test_converter_dying_mid_batch(
    pair: list[Server], victim: Server, tmp_path: Path, with_spare: bool, killed: str
) -> None:
    """The converter (all of it, or one of its two LibreOffices: the server then ends) dies mid-batch:
    with a spare the batch fails over to it, alone it ends in exit 3 naming the converter; never a hang,
    nothing half-written."""
    profiles = clients(tmp_path, 8)
    out = tmp_path / "out"
    spec = f"{victim.url},{pair[0].url}" if with_spare else victim.url
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "numdossier.cli",
            "build",
            *map(str, profiles),
            "-o",
            str(out),
            "--force",
            "--format",
            "json",
            "-j",
            "2",
            "--converter",
            spec,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = victim.local.folder / "server.log"
    deadline = time.monotonic() + 300
    while log.read_text(errors="replace").count("POST /RPC2") < 3 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    if killed == "all":
        os.killpg(victim.pgid, signal.SIGKILL)  # LibreOffice and its server die mid-batch
    else:
        os.kill(victim.office_pids()[1], signal.SIGKILL)  # one of its LibreOffices dies
    stdout, stderr = proc.communicate(timeout=300)
    results = json.loads(stdout)
    if with_spare:
        assert proc.returncode == 0, stderr
        assert all(r["ok"] for r in results)
        notes = [f["message"] for r in results for f in r["findings"] if f["code"] == "BUILD-CONVERTER"]
        assert notes and all(victim.url in n for n in notes)
        assert len(list(out.glob("*/dossier.pdf"))) == len(profiles)
    else:
        assert proc.returncode == ExitCode.environment, stderr
        assert "Traceback" not in stderr
        failed = [r for r in results if not r["ok"]]
        assert failed and all(victim.url in f["findings"][-1]["message"] for f in failed)
        built = {Path(r["output"]).name for r in results if r["ok"]}
        # nothing half-written: each folder in OUT is a whole dossier, nothing hidden or partial
        assert {p.name for p in out.iterdir()} == built if out.exists() else not built
        for name in built:
            assert sorted(p.name for p in (out / name).iterdir()) == ["dossier.pdf", "forms", "manifest.json"]


@pytest.mark.e2e
def test_a_refused_dossier_on_a_warm_converter(pair: list[Server], tmp_path: Path) -> None:
    """One dossier on a warm converter has its forms sent there while its check still runs (batch.py
    _start_forms). When the check then refuses it, the build says what `check` says, exit 1, with nothing
    written and nothing left in TMPDIR, and the converter serves the next build."""
    folder = tmp_path / "client"
    shutil.copytree(N96.parent, folder)
    profile = folder / N96.name
    text = profile.read_text(encoding="utf-8")
    assert text.count('"330106198503120036"') == 1
    profile.write_text(text.replace('"330106198503120036"', '"330106198503120037"'), encoding="utf-8")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir), NUMDOSSIER_RESIDENT="0")
    server = pair[0]
    log = server.local.folder / "server.log"
    posts = log.read_text(errors="replace").count("POST /RPC2")
    common = ["--today", "2026-11-23", "--format", "json"]
    refused = numdossier(
        "build", str(profile), "-o", str(tmp_path / "out"), *common, "--converter", server.url, env=env
    )
    checked = numdossier("check", str(profile), "--today", "2026-11-23", "--format", "json", env=env)
    assert refused.returncode == checked.returncode == ExitCode.input_error, refused.stderr
    (result,) = json.loads(refused.stdout)
    assert not result["ok"] and result["output"] is None
    codes = {f["code"] for f in result["findings"] if f["severity"] == "error"}
    assert codes and codes == {
        f["code"] for f in json.loads(checked.stdout)[0]["findings"] if f["severity"] == "error"
    }
    assert not (tmp_path / "out").exists() and sorted(os.listdir(tmpdir)) == []
    assert log.read_text(errors="replace").count("POST /RPC2") > posts  # its forms had gone to the converter
    again = numdossier(
        "build", str(N96), "-o", str(tmp_path / "again"), *common, "--converter", server.url, env=env
    )
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again" / "qinghe-96" / "dossier.pdf").exists() and sorted(os.listdir(tmpdir)) == []
