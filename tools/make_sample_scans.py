"""Generate the fictitious sample scans that samples/n96/qinghe-96.toml refers to.

    python tools/make_sample_scans.py [--profile samples/n96/qinghe-96.toml] [--out samples/n96/attachments]

Every value printed on a sample (names, USCCs, ID numbers, addresses) comes from the profile, or is an
obviously fictitious filler defined below; every file is visibly marked 样例 / SAMPLE. The output is
deterministic: fixed seeds, no timestamps, PDFs written by reportlab with ``invariant=1``, so running
the script twice gives the same bytes (on the same fonts and library versions).

The files exercise the attachment pipeline: a landscape JPEG licence, a vector PDF permit, ID-card JPEGs
with a known DPI (one stored rotated with EXIF Orientation=6), a 2-page ID PDF, branch licences in
portrait and landscape, an RGBA PNG with a transparent margin, an A4-landscape PDF and a diagram.
"""

from __future__ import annotations

import datetime as dt
import sys
from functools import partial
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter
from reportlab.lib.pagesizes import A4, landscape

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scan_kit import (  # noqa: E402  (the kit lives beside this script)
    Diagram,
    Holder,
    Plan,
    cn_date,
    font,
    founded,
    id_pdf,
    jpeg_bytes,
    licence_fields,
    licence_image,
    licence_jpeg,
    permit_pdf,
    png_bytes,
    run_cli,
    scanned,
    write_samples,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = ROOT / "samples" / "n96" / "qinghe-96.toml"

# Fictitious fillers for what a profile does not hold.
ISSUERS = {"330106": "杭州市公安局西湖分局", "330102": "杭州市公安局上城分局"}
HOLDERS = {  # by profile table: 住址 on the card, start of validity (None: derived from id_valid_until)
    "legal_rep": Holder("浙江省杭州市西湖区示例街道青禾路 18 号 2 幢 1101 室", None, ISSUERS),
    "number_contact": Holder("浙江省杭州市上城区示例路 66 号 3 幢 502 室", dt.date(2018, 7, 5), ISSUERS),
}
BRANCH_HEADS = ["王启航", "郑书宁", "吴嘉言", "沈知遥", "何以安", "陆清和"]


# ------------------------------------------------------------------------------------ business licence


def main_licence(p: dict[str, Any]) -> bytes:
    c = p["company"]
    fields = licence_fields(c, p["legal_rep"]["name"], founded(c))
    return licence_jpeg(
        fields, c["uscc"], "杭州市西湖区市场监督管理局（样例）", dt.date(2024, 6, 18), seed=1, skew=0.35
    )


def branch_fields(p: dict[str, Any], i: int) -> tuple[list[tuple[str, str]], str, dt.date]:
    b = p["branches"][i]
    kind = {"分公司": "有限责任公司分公司（自然人投资或控股）", "营业网点": "分公司（营业网点）"}.get(
        b["kind"], b["kind"]
    )
    opened = dt.date(2015 + i, 4 + i, 8 + 3 * i)
    fields = [
        ("名　　称", b["name"]),
        ("类　　型", kind),
        ("负 责 人", BRANCH_HEADS[i % len(BRANCH_HEADS)]),
        ("经营范围", "在隶属企业经营范围内从事经营活动。"),
        ("成立日期", cn_date(opened)),
        ("营业期限", f"{cn_date(opened)} 至 长期"),
        ("营业场所", f"{b['province']}{b['city']}示例大道 {100 + 11 * i} 号"),
    ]
    city = b["city"].removesuffix("市")
    return fields, f"{city}市市场监督管理局（样例）", opened


def branch_licence(p: dict[str, Any], i: int, fmt: str) -> bytes:
    b = p["branches"][i]
    fields, issuer, opened = branch_fields(p, i)
    uscc = b.get("uscc") or "（样例）"
    if fmt == "png":
        # RGBA with a transparent margin and a soft semi-transparent shadow: exercises alpha flattening.
        inner = (1160, 797)
        card = licence_image(inner, fields, uscc, issuer, opened, seed=10 + i, textured=False)
        out = Image.new("RGBA", (1240, 877), (0, 0, 0, 0))
        shadow = Image.new("RGBA", out.size, (0, 0, 0, 0))
        ImageDraw.Draw(shadow).rectangle((48, 48, 48 + inner[0], 48 + inner[1]), fill=(0, 0, 0, 90))
        out.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(8)))
        out.paste(card, (40, 40))
        return png_bytes(out, dpi=150)
    size = (877, 1240) if i % 2 else (1240, 877)  # portrait / landscape variety
    img = licence_image(size, fields, uscc, issuer, opened, seed=10 + i)
    return jpeg_bytes(scanned(img, -0.3 if i % 2 else 0.25), quality=70, dpi=150)


# ----------------------------------------------------------------------------------------- ID cards

# ---------------------------------------------------------------------------------------------- PDFs


def main_permit(p: dict[str, Any]) -> bytes:
    co = p["company"]
    rows = [
        ("业户名称", co["name"]),
        ("地　　址", co["address"]),
        ("经济类型", "有限责任公司"),
        ("经营范围", "道路普通货物运输；货物专用运输（集装箱）"),
        ("有效期限", "2024年06月18日 至 2028年06月17日"),
        ("统一社会信用代码", co["uscc"]),
    ]
    return permit_pdf(
        A4,
        rows,
        "浙交运管许可杭字 330106000123 号（样例）",
        "杭州市西湖区交通运输局（样例）",
        dt.date(2024, 6, 18),
    )


def branch_permit(p: dict[str, Any], i: int) -> bytes:
    b = p["branches"][i]
    fields, _, opened = branch_fields(p, i)
    place = dict(fields)["营业场所"]
    city = b["city"].removesuffix("市")
    rows = [
        ("业户名称", b["name"]),
        ("地　　址", place),
        ("经济类型", "有限责任公司分公司"),
        ("经营范围", "道路普通货物运输"),
        (
            "有效期限",
            f"{cn_date(opened.replace(year=opened.year + 8))} 至 {cn_date(opened.replace(year=opened.year + 12))}",
        ),
        ("统一社会信用代码", b.get("uscc") or "（样例）"),
    ]
    return permit_pdf(
        landscape(A4),
        rows,
        f"浙交运管许可{city[:1]}字 3302{i:02d}000456 号（样例）",
        f"{city}市交通运输局（样例）",
        opened.replace(year=opened.year + 8),
    )


def contact_id_pdf(p: dict[str, Any]) -> bytes:
    """Two A4 pages, the card front on the first and the back on the second, at natural size near the top."""
    return id_pdf(p["number_contact"], HOLDERS["number_contact"], 40, "联系人身份证")


# ------------------------------------------------------------------------------------------ topology


def topology_png(p: dict[str, Any]) -> bytes:
    """A clean network diagram, drawn at 2x and downsampled for smooth edges."""
    g = Diagram((1600, 900))
    d, s = g.d, g.s
    ink, line = g.INK, g.LINE
    f_box, f_head, f_note = font(30 * s), font(34 * s), font(24 * s)
    box = partial(g.box, f=f_box, radius=14)
    arrow = partial(g.arrow, f=f_note)

    n96 = p["n96"]
    network = {"centralized": "集中式", "distributed": "分布式"}.get(n96.get("network", ""), "其他方式")
    digits = "96" + "X" * (n96.get("digits", 5) - 2)
    g.title(f"{digits} 客服短号码组网示意图（{network}）", 50, 40)

    # Users (left), carrier networks, the platform (centre), branch seats (right); y runs 130..610.
    d.rounded_rectangle(
        (40 * s, 130 * s, 270 * s, 610 * s), radius=18 * s, outline=(160, 170, 180), width=2 * s
    )
    d.text((155 * s, 160 * s), "用户", font=f_head, fill=ink, anchor="mm")
    box(62, 220, 248, 330, "固定电话\n用户", (240, 244, 248))
    box(62, 410, 248, 520, "手机用户", (240, 244, 248))

    # Carrier networks, one per carrier in n96.trunks, with that carrier's trunk count
    trunks = n96.get("trunks") or [{"carrier": "中国电信", "count": 0}]
    carriers = list(dict.fromkeys(t["carrier"] for t in trunks))[:3]
    ys = {1: [370], 2: [275, 465], 3: [220, 370, 520]}[len(carriers)]
    for name, y in zip(carriers, ys, strict=True):
        d.ellipse(
            (360 * s, (y - 62) * s, 590 * s, (y + 62) * s), fill=(232, 242, 252), outline=line, width=3 * s
        )
        d.text(
            (475 * s, y * s),
            f"{name}\n网络",
            font=f_box,
            fill=ink,
            anchor="mm",
            align="center",
            spacing=6 * s,
        )
        arrow(270, y, 360, y)
        count = sum(t.get("count", 0) for t in trunks if t["carrier"] == name)
        arrow(590, y, 830, y, f"SIP 中继 {count} 条" if count else "SIP 中继", dy=-24)

    # Platform
    eq = n96.get("equipment") or []
    d.rounded_rectangle(
        (830 * s, 130 * s, 1170 * s, 610 * s),
        radius=18 * s,
        fill=(255, 248, 232),
        outline=(180, 120, 40),
        width=4 * s,
    )
    d.text((1000 * s, 165 * s), "杭州呼叫中心平台", font=f_head, fill=ink, anchor="mm")
    names = [e["name"] for e in eq if "坐席" not in e["name"]][:2] or ["交换机", "录音服务器"]
    for k, name in enumerate(names):
        qty = next((e.get("quantity", 1) for e in eq if e["name"] == name), 1)
        box(855, 210 + k * 120, 1145, 310 + k * 120, f"{name} ×{qty}", (255, 255, 255))
    box(
        855,
        450,
        1145,
        580,
        f"平台坐席 {n96.get('seats_existing', 0)} 个\n（规划 {n96.get('seats_planned', 0)} 个）",
        (255, 255, 255),
    )

    # Branch seats over leased lines: a short bus from the platform, one arrow per branch
    branches = p.get("branches", [])[:5]
    gap = 480 / max(1, len(branches))
    d.line((1170 * s, 370 * s, 1250 * s, 370 * s), fill=line, width=3 * s)
    d.text((1210 * s, 346 * s), "专线", font=f_note, fill=(20, 70, 140), anchor="mm")
    centres = [130 + k * gap + (gap - 24) / 2 for k in range(len(branches))]
    if centres:
        d.line((1250 * s, min(centres) * s, 1250 * s, max(centres) * s), fill=line, width=3 * s)
    for k, b in enumerate(branches):
        y0 = 130 + k * gap
        short = b["city"].removesuffix("市") + ("分公司" if b["kind"] == "分公司" else b["kind"]) + "坐席"
        box(1300, y0, 1565, y0 + gap - 24, short, (238, 248, 238))
        arrow(1250, centres[k], 1300, centres[k], both=False)

    # Legend and sample mark
    d.text(
        (40 * s, 680 * s),
        f"说明：用户拨打 {digits}，经基础电信企业网络和 SIP 中继接入杭州平台，"
        "由平台按来电地市分配至各地市分支机构坐席（专线接入）。",
        font=f_note,
        fill=(80, 80, 80),
    )
    d.text(
        (40 * s, 720 * s),
        "图例：箭头 = 话路；圆角框 = 设备或场所；椭圆 = 基础电信企业网络。",
        font=f_note,
        fill=(80, 80, 80),
    )
    g.sample_mark(825, 852)
    return g.png()


# ------------------------------------------------------------------------------------------------ plan


def plan(p: dict[str, Any]) -> Plan:
    """Every attachment path the profile references (relative to attachments/) -> its generator."""
    jobs = Plan()
    att = p.get("attachments", {})
    jobs.each(att.get("business_licence", []), lambda: main_licence(p))
    jobs.each(att.get("industry_permit", []), lambda: main_permit(p))
    legal = att.get("legal_rep_id", [])
    jobs.id_sides(legal, p["legal_rep"], HOLDERS["legal_rep"], 30, turn_back=True)
    jobs.each(att.get("contact_id", []), lambda: contact_id_pdf(p))
    for i, b in enumerate(p.get("branches", [])):
        for path in b.get("proofs", []):
            ext = path.rsplit(".", 1)[-1].lower()
            if ext == "pdf":
                jobs.add(path, partial(branch_permit, p, i))
            else:
                jobs.add(path, partial(branch_licence, p, i, "png" if ext == "png" else "jpg"))
    if p.get("n96", {}).get("topology_image"):
        jobs.add(p["n96"]["topology_image"], lambda: topology_png(p))
    return jobs


def generate(out_dir: Path | None = None, profile: Path = DEFAULT_PROFILE) -> list[Path]:
    """Write every sample attachment of `profile` under `out_dir` (default: attachments/ beside the
    profile); returns the files written, in order."""
    return write_samples(plan, profile, out_dir)


def main(argv: list[str] | None = None) -> int:
    return run_cli(argv, "n96", DEFAULT_PROFILE, generate)


if __name__ == "__main__":
    sys.exit(main())
