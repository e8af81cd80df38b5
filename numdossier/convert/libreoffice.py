"""LibreOffice headless: probe, an isolated user profile per run, one run for many documents, timeouts."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConversionError, EnvironmentProblem

INSTALL_HINT = (
    "请安装 LibreOffice（Writer）和中文字体，例如 Debian/Ubuntu："
    "sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-wqy-zenhei；"
    "或用环境变量 NUMDOSSIER_SOFFICE 指定 soffice 的路径。"
)
FONTS_CONF = Path(__file__).with_name("fonts.conf")
# A cold start of LibreOffice takes 1-3 s; a few pages of forms convert in well under a second each.
BASE_TIMEOUT = 60.0
PER_DOCUMENT_TIMEOUT = 20.0


def find_soffice() -> str:
    """The soffice executable, or EnvironmentProblem (exit 3) naming the install command."""
    override = os.environ.get("NUMDOSSIER_SOFFICE")
    if override:
        found = shutil.which(override)
        if not found:
            raise EnvironmentProblem(f"NUMDOSSIER_SOFFICE={override} 不是可执行文件。", INSTALL_HINT)
        return found
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"):
        if os.access(candidate, os.X_OK):
            return candidate
    raise EnvironmentProblem("未找到 LibreOffice（soffice），无法把表格转换为 PDF。", INSTALL_HINT)


@dataclass(frozen=True)
class Converter:
    """Runs one `soffice --convert-to pdf` over a group of documents in its own user profile."""

    soffice: str
    timeout: float | None = None

    def convert(self, documents: Sequence[Path], outdir: Path) -> list[Path]:
        """Convert every document to PDF in `outdir`; returns the PDFs in the same order."""
        if not documents:
            return []
        outdir.mkdir(parents=True, exist_ok=True)
        timeout = self.timeout or BASE_TIMEOUT + PER_DOCUMENT_TIMEOUT * len(documents)
        with tempfile.TemporaryDirectory(prefix="numdossier-lo-") as profile:
            # A private user installation per run: parallel runs sharing one profile fail at random
            # (the profile is locked by the first instance; later ones exit silently).
            command = [
                self.soffice,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(outdir),
                *[str(d) for d in documents],
            ]
            env = dict(os.environ)
            env["FONTCONFIG_FILE"] = str(FONTS_CONF)
            env["HOME"] = profile  # LibreOffice also writes below $HOME; keep the user's untouched
            env.pop("SAL_USE_VCLPLUGIN", None)
            self._run(command, env, timeout)
        results = [outdir / (d.stem + ".pdf") for d in documents]
        missing = [
            d.name
            for d, r in zip(documents, results, strict=True)
            if not r.is_file() or r.stat().st_size == 0
        ]
        if missing:
            raise ConversionError(
                f"LibreOffice 没有生成 PDF：{', '.join(missing)}。",
                "请确认 LibreOffice Writer 已完整安装（apt-get install libreoffice-writer-nogui），然后重试。",
            )
        return results

    @staticmethod
    def _run(command: list[str], env: dict[str, str], timeout: float) -> None:
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group, so a timeout kills every child
            )
        except OSError as e:
            raise EnvironmentProblem(
                f"无法启动 LibreOffice（{command[0]}）：{e.strerror}。", INSTALL_HINT
            ) from e
        with _lock:
            _running.add(proc)
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ConversionError(
                f"LibreOffice 转换超时（超过 {timeout:.0f} 秒），已终止。",
                "请关闭其他正在运行的 LibreOffice 后重试；如果反复出现，请检查模板是否损坏。",
            ) from None
        except BaseException:
            _kill_group(proc)  # Ctrl-C or SIGTERM: leave no soffice behind
            raise
        finally:
            with _lock:
                _running.discard(proc)
        if proc.returncode != 0:
            tail = output.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ConversionError(
                f"LibreOffice 转换失败（退出码 {proc.returncode}）：{' / '.join(tail) or '无输出'}。",
                "请确认 LibreOffice Writer 已完整安装，然后重试。",
            )


_running: set[subprocess.Popen[bytes]] = set()
_lock = threading.Lock()


def kill_running() -> None:
    """Kill every LibreOffice this process started (on Ctrl-C, from the main thread)."""
    with _lock:
        procs = list(_running)
    for proc in procs:
        _kill_group(proc)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def convert_all(documents: Sequence[Path], outdir: Path, timeout: float | None = None) -> list[Path]:
    """All documents of a dossier in one LibreOffice run."""
    return Converter(find_soffice(), timeout).convert(documents, outdir)


# A long run holds more memory and one crash loses more work; start a fresh LibreOffice every so often.
GROUP_MAX = 60


def convert_grouped(
    documents: dict[Hashable, Path], workdir: Path, workers: int, timeout: float | None = None
) -> dict[Hashable, Path | ConversionError]:
    """Convert many documents in few LibreOffice runs: `workers` runs at once, each over a group.

    Documents of different dossiers share names (01-占用申请表.docx), so each is linked into the
    group's folder under a unique name first. A group that fails is split and retried, so that one
    bad document fails only its own dossier. EnvironmentProblem (no LibreOffice) propagates.
    """
    soffice = find_soffice()
    keys = list(documents)
    if not keys:
        return {}
    count = min(len(keys), max(workers, -(-len(keys) // GROUP_MAX)))
    size = -(-len(keys) // count)
    chunks = [keys[i : i + size] for i in range(0, len(keys), size)]
    results: dict[Hashable, Path | ConversionError] = {}

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
        _convert_or_split(
            Converter(soffice, timeout), list(zip(chunk, staged, strict=True)), folder / "out", results
        )

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        try:
            for future in [pool.submit(run, i, chunk) for i, chunk in enumerate(chunks)]:
                future.result()
        except BaseException:
            kill_running()  # else leaving the with-block would wait for every running conversion
            raise
    return results


def _convert_or_split(
    converter: Converter,
    pairs: list[tuple[Hashable, Path]],
    outdir: Path,
    results: dict[Hashable, Path | ConversionError],
) -> None:
    try:
        pdfs = converter.convert([path for _, path in pairs], outdir)
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
