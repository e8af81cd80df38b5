"""Generate the fictitious sample scans that samples/n400/xinghe-400.toml refers to.

    python tools/make_sample_scans_n400.py [--profile samples/n400/xinghe-400.toml] [--out DIR]

Reuses the drawing helpers of tools/make_sample_scans.py (licence and ID-card look-alikes, paper,
watermarks). The n400 dossier needs the business licence and both sides of the ID cards of the legal
representative and of the 经办人 (agent). Every value printed comes from the profile or is an obviously
fictitious filler; every file is marked 样例 / SAMPLE; the output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import sys
import tomllib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_sample_scans as scans  # noqa: E402  (the helpers live beside this script)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = ROOT / "samples" / "n400" / "xinghe-400.toml"
PREFIX = scans.PREFIX

# Fictitious fillers for what the profile does not hold (the card's 住址 and validity start).
ROLES = {
    "n400_legal_rep": ("安徽省合肥市蜀山区示例街道星禾路 18 号 3 幢 801 室", None),
    "n400_agent": ("安徽省合肥市包河区示例路 36 号 2 幢 1203 室", dt.date(2019, 4, 2)),
}
ID_ISSUERS = {
    "340104": "合肥市公安局蜀山分局（样例）",
    "340111": "合肥市公安局包河分局（样例）",
}
LICENCE_ISSUER = "合肥市蜀山区市场监督管理局（样例）"


def _fillers() -> None:
    """Teach the shared ID-card drawing about this sample's roles and counties (module data, not code)."""
    for role, extra in ROLES.items():
        scans.PERSON_EXTRA.setdefault(role, extra)
    for county, issuer in ID_ISSUERS.items():
        scans.ISSUERS.setdefault(county, issuer)


def licence(p: dict[str, Any]) -> bytes:
    c, lr = p["company"], p["legal_rep"]
    start = dt.date(2020, 9, 8)
    fields = [
        ("名　　称", c["name"]),
        ("类　　型", "有限责任公司（自然人投资或控股）"),
        ("法定代表人", lr["name"]),
        ("经营范围", c.get("business_scope") or "（样例）"),
        ("注册资本", scans.capital_text(c.get("registered_capital", 0))),
        ("成立日期", scans.cn_date(start)),
        ("营业期限", f"{scans.cn_date(start)} 至 长期"),
        ("住　　所", c["address"]),
    ]
    img = scans.licence_image((1754, 1240), fields, c["uscc"], LICENCE_ISSUER, dt.date(2025, 5, 12), seed=401)
    return scans.jpeg_bytes(scans.scanned(img, 0.25), quality=70, dpi=150)


def id_side(person: dict[str, Any], role: str, back: bool, seed: int) -> bytes:
    return scans.id_jpeg(person, role, "back" if back else "front", seed=seed + back)


def plan(p: dict[str, Any]) -> dict[str, Callable[[], bytes]]:
    """Every attachment path the profile references (relative to attachments/) -> its generator."""
    _fillers()
    jobs: dict[str, Callable[[], bytes]] = {}

    def add(path: str, make: Callable[[], bytes]) -> None:
        if not path.startswith(PREFIX):
            raise SystemExit(f"{path}: 样例附件应位于 {PREFIX} 下")
        if path.lower().endswith(".pdf"):
            raise SystemExit(f"{path}: 生成器只支持 JPEG 格式的样例")
        jobs[path.removeprefix(PREFIX)] = make

    att = p.get("attachments", {})
    for path in att.get("business_licence", []):
        add(path, lambda: licence(p))
    for key, person, role, seed in (
        ("legal_rep_id", p["legal_rep"], "n400_legal_rep", 430),
        ("agent_id", p["agent"], "n400_agent", 440),
    ):
        for n, path in enumerate(att.get(key, [])):
            add(path, partial(id_side, person, role, n % 2 == 1, seed))
    return jobs


def generate(out_dir: Path | None = None, profile: Path = DEFAULT_PROFILE) -> list[Path]:
    """Write every sample attachment of `profile` under `out_dir` (default: attachments/ beside it)."""
    p = tomllib.loads(profile.read_text(encoding="utf-8"))
    return scans.write_plan(plan(p), out_dir if out_dir is not None else profile.parent / "attachments")


def main(argv: list[str] | None = None) -> int:
    return scans.run_cli(argv, "n400", DEFAULT_PROFILE, generate)


if __name__ == "__main__":
    sys.exit(main())
