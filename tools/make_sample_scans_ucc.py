"""Generate the fictitious sample scans that samples/ucc/minglan-ucc.toml refers to.

    python tools/make_sample_scans_ucc.py [--profile samples/ucc/minglan-ucc.toml] [--out DIR]

Uses the drawing kit tools/scan_kit.py (licence and ID-card look-alikes, paper, watermarks, reportlab
canvas), shared by every kind's generator; adds a phone bill (电话缴费账单) per destination number, and the special
materials (手持证件照, 销售/代理资质) when a profile lists them. Every value printed comes from the profile
or is an obviously fictitious filler; every file is marked 样例 / SAMPLE; the output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from functools import partial
from pathlib import Path
from typing import Any

from PIL import ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scan_kit as scans  # noqa: E402  (the kit lives beside this script)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = ROOT / "samples" / "ucc" / "minglan-ucc.toml"

# Fictitious fillers for what the profile does not hold (the card's 住址 and validity start).
LEGAL_REP = scans.Holder(
    "江苏省无锡市梁溪区示例街道明澜路 8 号 1 幢 602 室",
    None,
    {"320213": "无锡市公安局梁溪分局（样例）", "320211": "无锡市公安局滨湖分局（样例）"},
)
LICENCE_ISSUER = "无锡市梁溪区市场监督管理局（样例）"
BILL_MONTH = (2026, 10)


def licence(p: dict[str, Any]) -> bytes:
    c = p["company"]
    fields = scans.licence_fields(c, p["legal_rep"]["name"], dt.date(2019, 5, 16))
    return scans.licence_jpeg(fields, c["uscc"], LICENCE_ISSUER, dt.date(2025, 3, 6), seed=101, skew=-0.3)


def bill_pdf(p: dict[str, Any], i: int) -> bytes:
    """A monthly phone bill look-alike for destination i: holder, number, charges, payment record."""
    dest = p["ucc"]["destinations"][i]
    number = dest["number"]
    mobile = number.startswith("1")
    operator = "示例移动通信（样例运营商）" if mobile else "示例固网通信（样例运营商）"
    year, month = BILL_MONTH
    buf = io.BytesIO()
    w, h = A4
    c = scans.new_canvas(buf, A4, f"电话缴费账单 {number}")
    x0, x1 = 25 * mm, w - 25 * mm
    c.setFillColorRGB(0.12, 0.25, 0.45)
    c.rect(x0, h - 45 * mm, x1 - x0, 20 * mm, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFont(scans.RL_FONT, 18)
    c.drawString(x0 + 6 * mm, h - 37 * mm, f"{operator} 通信费用账单")
    c.setFillColorRGB(0.1, 0.1, 0.1)
    c.setFont(scans.RL_FONT, 11)
    holder = dest.get("holder_name") or "（样例）"
    rows = [
        ("客户名称", holder),
        ("服务号码", number),
        ("客户类型", "政企客户" if dest.get("holder") == "company" else "个人客户（已实名登记）"),
        ("账单周期", f"{year}年{month:02d}月01日 至 {year}年{month:02d}月31日"),
        ("账户编号", f"YL-{2026000 + 17 * (i + 1):07d}（样例）"),
    ]
    y = h - 58 * mm
    for label, value in rows:
        c.drawString(x0, y, f"{label}：")
        c.drawString(x0 + 28 * mm, y, value)
        y -= 8 * mm
    charges = (
        [("套餐月费", 58.00), ("国内通话费（套餐外）", 6.30), ("流量费", 0.00)]
        if mobile
        else [("固定电话月租", 25.00), ("本地通话费", 12.40), ("国内长途通话费", 3.60)]
    )
    total = sum(v for _, v in charges)
    y -= 4 * mm
    c.setFont(scans.RL_FONT, 13)
    c.drawString(x0, y, "费用明细")
    c.setFont(scans.RL_FONT, 11)
    y -= 4 * mm
    c.setStrokeColorRGB(0.4, 0.4, 0.4)
    c.setLineWidth(0.6)
    for label, value in [("项目", None), *charges, ("本期应缴合计", total)]:
        c.line(x0, y, x1, y)
        y -= 8 * mm
        c.drawString(x0 + 3 * mm, y + 2.5 * mm, label)
        c.drawRightString(x1 - 3 * mm, y + 2.5 * mm, "金额（元）" if value is None else f"{value:.2f}")
    c.line(x0, y, x1, y)
    y -= 14 * mm
    c.setFont(scans.RL_FONT, 13)
    c.drawString(x0, y, "缴费记录")
    c.setFont(scans.RL_FONT, 11)
    y -= 8 * mm
    c.drawString(x0, y, f"{year}-{month + 1:02d}-08　银行代扣　{total:.2f} 元　状态：已缴清")
    y -= 8 * mm
    c.drawString(x0, y, f"{year}-{month:02d}-09　银行代扣　{total - 1.2:.2f} 元　状态：已缴清")
    # The notice sits under the records, not at the foot: the lower right stays free for the seal.
    y -= 14 * mm
    c.setFillColorRGB(0.8, 0.12, 0.12)
    c.setFont(scans.RL_FONT, 10)
    c.drawString(x0, y, "样例 SAMPLE：本账单为 numdossier 生成的虚构样例，仅供演示，不具任何效力。")
    scans.pdf_watermark(c, w, h)
    c.showPage()
    c.save()
    return buf.getvalue()


def holder_photo(p: dict[str, Any]) -> bytes:
    """法人手持有效证件照 look-alike: a grey figure holding the sample ID card (no real photo)."""
    size = (1200, 1600)
    img = scans.paper(size, seed=150, base=(236, 238, 240), depth=8)
    d = ImageDraw.Draw(img)
    d.ellipse((430, 220, 770, 600), fill=(175, 178, 184))  # head
    d.rounded_rectangle((260, 620, 940, 1600), radius=160, fill=(150, 155, 165))  # body
    card = scans.id_card(p["legal_rep"], LEGAL_REP, "front", seed=151).resize((560, 353))
    img.paste(card, (320, 820))
    d.text((600, 120), "法人手持有效证件照（样例）", font=scans.font(56), fill=scans.RED, anchor="mm")
    return scans.jpeg_bytes(scans.watermark(img, alpha=70), quality=75, dpi=200)


def permit_pdf(p: dict[str, Any], what: str) -> bytes:
    c = p["company"]
    rows = [
        ("单位名称", c["name"]),
        ("地　　址", c["address"]),
        ("许可范围", what),
        ("有效期限", "2025年01月01日 至 2029年12月31日"),
        ("统一社会信用代码", c["uscc"]),
    ]
    return scans.permit_pdf(
        A4, rows, "示许字 0000001 号（样例）", "示例主管部门（样例）", dt.date(2025, 1, 1)
    )


SPECIAL = {
    "holder_photo": holder_photo,
    "sales_permit": lambda p: permit_pdf(p, "保健食品、药品销售（样例）"),
    "agency_permit": lambda p: permit_pdf(p, "航空客运销售代理（样例）"),
}


def plan(p: dict[str, Any]) -> scans.Plan:
    """Every attachment path the profile references (relative to attachments/) -> its generator."""
    jobs = scans.Plan()
    att = p.get("attachments", {})
    jobs.each(att.get("business_licence", []), lambda: licence(p))
    jobs.id_sides(att.get("legal_rep_id", []), p["legal_rep"], LEGAL_REP, 130)
    for i, dest in enumerate(p.get("ucc", {}).get("destinations", [])):
        jobs.each(dest.get("bill", []), partial(bill_pdf, p, i))
    for key, make in SPECIAL.items():
        jobs.each(att.get(key, []), partial(make, p))
    return jobs


def generate(out_dir: Path | None = None, profile: Path = DEFAULT_PROFILE) -> list[Path]:
    """Write every sample attachment of `profile` under `out_dir` (default: attachments/ beside it)."""
    return scans.write_samples(plan, profile, out_dir)


def main(argv: list[str] | None = None) -> int:
    return scans.run_cli(argv, "ucc", DEFAULT_PROFILE, generate)


if __name__ == "__main__":
    sys.exit(main())
