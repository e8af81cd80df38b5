"""Generate the fictitious sample scans that samples/n400/xinghe-400.toml refers to.

    python tools/make_sample_scans_n400.py [--profile samples/n400/xinghe-400.toml] [--out DIR]

Uses the drawing kit tools/scan_kit.py (licence and ID-card look-alikes, paper, watermarks), shared
by every kind's generator. The n400 dossier needs the business licence and both sides of the ID cards of the legal
representative and of the 经办人 (agent). Every value printed comes from the profile or is an obviously
fictitious filler; every file is marked 样例 / SAMPLE; the output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scan_kit as scans  # noqa: E402  (the kit lives beside this script)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = ROOT / "samples" / "n400" / "xinghe-400.toml"

# Fictitious fillers for what the profile does not hold (the card's 住址 and validity start).
ID_ISSUERS = {
    "340104": "合肥市公安局蜀山分局（样例）",
    "340111": "合肥市公安局包河分局（样例）",
}
LEGAL_REP = scans.Holder("安徽省合肥市蜀山区示例街道星禾路 18 号 3 幢 801 室", None, ID_ISSUERS)
AGENT = scans.Holder("安徽省合肥市包河区示例路 36 号 2 幢 1203 室", dt.date(2019, 4, 2), ID_ISSUERS)
LICENCE_ISSUER = "合肥市蜀山区市场监督管理局（样例）"


def licence(p: dict[str, Any]) -> bytes:
    c = p["company"]
    fields = scans.licence_fields(c, p["legal_rep"]["name"], dt.date(2020, 9, 8))
    return scans.licence_jpeg(fields, c["uscc"], LICENCE_ISSUER, dt.date(2025, 5, 12), seed=401, skew=0.25)


def plan(p: dict[str, Any]) -> scans.Plan:
    """Every attachment path the profile references (relative to attachments/) -> its generator."""
    jobs = scans.Plan()
    att = p.get("attachments", {})
    licences = att.get("business_licence", [])
    for path in licences:
        if path.lower().endswith(".pdf"):
            raise SystemExit(f"{path}: 生成器只支持 JPEG 格式的样例")
    jobs.each(licences, lambda: licence(p))
    jobs.id_sides(att.get("legal_rep_id", []), p["legal_rep"], LEGAL_REP, 430)
    jobs.id_sides(att.get("agent_id", []), p["agent"], AGENT, 440)
    return jobs


def generate(out_dir: Path | None = None, profile: Path = DEFAULT_PROFILE) -> list[Path]:
    """Write every sample attachment of `profile` under `out_dir` (default: attachments/ beside it)."""
    return scans.write_samples(plan, profile, out_dir)


def main(argv: list[str] | None = None) -> int:
    return scans.run_cli(argv, "n400", DEFAULT_PROFILE, generate)


if __name__ == "__main__":
    sys.exit(main())
