"""Generate the fictitious sample scans that samples/n95/xingyun-952.toml refers to.

    python tools/make_sample_scans_n95.py [--profile samples/n95/xingyun-952.toml] [--out DIR]

The drawing helpers (paper, licence frame, ID cards, watermarks, reportlab canvas, diagrams) come from
tools/scan_kit.py, shared by every kind's generator. Every value printed comes from the profile or is
an obviously fictitious filler defined below; every file is visibly marked 样例 / SAMPLE. The output is
deterministic (fixed seeds, no timestamps, reportlab ``invariant=1``).

The files: a landscape JPEG business licence, a 4-page vector PDF of the 增值电信业务经营许可证 (正文,
附页, 特别规定事项, 年报记录), the legal representative's ID card as two JPEGs, and the network diagram.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scan_kit as scans  # noqa: E402  (the kit lives beside this script)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = ROOT / "samples" / "n95" / "xingyun-952.toml"

# Fictitious fillers for what the profile does not hold.
LEGAL_REP = scans.Holder(
    "江苏省南京市建邺区示例路 18 号 3 幢 801 室", None, {"320105": "南京市公安局建邺分局（样例）"}
)
REGISTRAR = "南京市建邺区市场监督管理局（样例）"
LICENCE_ISSUER = "工业和信息化部（样例）"


def cn_date(d: dt.date | None) -> str:
    return scans.cn_date(d) if d else "（样例）"


# ------------------------------------------------------------------------------------ business licence


def business_licence(p: dict[str, Any]) -> bytes:
    c = p["company"]
    start = scans.founded(c)  # the year in the introduction's 成立于 …
    fields = scans.licence_fields(c, p["legal_rep"]["name"], start)
    return scans.licence_jpeg(fields, c["uscc"], REGISTRAR, dt.date(2025, 4, 10), seed=101, skew=-0.3)


# ------------------------------------------------------------------- 增值电信业务经营许可证 (4 pages)


class Sheet:
    """One A4 page of the licence: frame, heading and a text cursor running down the page."""

    def __init__(self, c: Any, heading: str, number: str) -> None:
        self.c, self.w, self.h = c, *A4
        blue = (0.16, 0.27, 0.52)
        c.setStrokeColorRGB(*blue)
        c.setLineWidth(2.5)
        c.rect(14 * mm, 14 * mm, self.w - 28 * mm, self.h - 28 * mm)
        c.setLineWidth(0.7)
        c.rect(18 * mm, 18 * mm, self.w - 36 * mm, self.h - 36 * mm)
        c.setFillColorRGB(0.1, 0.1, 0.1)
        c.setFont(scans.RL_FONT, 22)
        c.drawCentredString(self.w / 2, self.h - 42 * mm, heading)
        c.setFont(scans.RL_FONT, 11)
        c.drawRightString(self.w - 30 * mm, self.h - 52 * mm, f"经营许可证编号：{number}")
        self.x0, self.x1, self.y = 32 * mm, self.w - 32 * mm, self.h - 66 * mm

    def rows(self, rows: list[tuple[str, str]], size: float = 12, lead: float = 18) -> None:
        """A two-column ruled table of (label, value) rows at the cursor; long labels wrap too."""
        c = self.c

        def measure(text: str) -> float:
            return pdfmetrics.stringWidth(text, scans.RL_FONT, size)

        lab_w = min(max(measure(label) for label, _ in rows) + 10 * mm, (self.x1 - self.x0) * 0.3)
        c.setLineWidth(0.6)
        c.setFont(scans.RL_FONT, size)
        top = self.y
        for label, value in rows:
            labels = scans.wrap(label, lab_w - 6 * mm, measure)
            lines = scans.wrap(value, self.x1 - self.x0 - lab_w - 8 * mm, measure)
            row_h = max(12 * mm, max(len(lines), len(labels)) * lead + 7 * mm)
            c.line(self.x0, self.y, self.x1, self.y)
            ty = self.y - (row_h - len(labels) * lead) / 2 - lead + 4.5
            for text in labels:
                c.drawCentredString(self.x0 + lab_w / 2, ty, text)
                ty -= lead
            ty = self.y - (row_h - len(lines) * lead) / 2 - lead + 4.5
            for text in lines:
                c.drawString(self.x0 + lab_w + 4 * mm, ty, text)
                ty -= lead
            self.y -= row_h
        c.line(self.x0, self.y, self.x1, self.y)
        for x in (self.x0, self.x0 + lab_w, self.x1):
            c.line(x, top, x, self.y)

    def text(self, paragraphs: list[str], size: float = 12, lead: float = 20) -> None:
        c = self.c
        c.setFont(scans.RL_FONT, size)
        for para in paragraphs:
            for line in scans.wrap(
                para, self.x1 - self.x0, lambda s: pdfmetrics.stringWidth(s, scans.RL_FONT, size)
            ):
                c.drawString(self.x0, self.y, line)
                self.y -= lead
            self.y -= lead / 3

    def finish(self, page: int, pages: int) -> None:
        c = self.c
        c.setFillColorRGB(0.8, 0.12, 0.12)
        c.setFont(scans.RL_FONT, 10)
        c.drawCentredString(
            self.w / 2, 24 * mm, f"样例 SAMPLE：numdossier 生成的虚构许可证，不具任何效力　（{page}/{pages}）"
        )
        scans.pdf_watermark(c, self.w, self.h)
        c.showPage()


def licence_pdf(p: dict[str, Any]) -> bytes:
    co, lr, lic = p["company"], p["legal_rep"], p["licence"]
    number = lic.get("number") or "（样例）"
    valid_from, valid_until = lic.get("valid_from"), lic.get("valid_until")
    services = lic.get("services") or ["（样例）"]
    coverage = "、".join(lic.get("provinces") or []) or "（样例）"
    buf = io.BytesIO()
    c = scans.new_canvas(buf, A4, "增值电信业务经营许可证")

    sheet = Sheet(c, "中华人民共和国增值电信业务经营许可证", number)
    sheet.rows(
        [
            ("公司名称", co["name"]),
            ("统一社会信用代码", co["uscc"]),
            ("法定代表人", lr["name"]),
            ("注册资本", scans.capital_text(co.get("registered_capital", 0))),
            ("注册住所", co["address"]),
            ("业务种类", "、".join(services)),
            ("业务覆盖范围", "详见附页"),
            ("有效期", f"{cn_date(valid_from)} 至 {cn_date(valid_until)}"),
        ]
    )
    sheet.y -= 16 * mm
    c.setFont(scans.RL_FONT, 13)
    c.drawRightString(sheet.x1, sheet.y, f"发证机关：{LICENCE_ISSUER}")
    c.drawRightString(sheet.x1, sheet.y - 8 * mm, f"发证日期：{cn_date(valid_from)}")
    sheet.finish(1, 4)

    sheet = Sheet(c, "增值电信业务经营许可证（附页）", number)
    rows = []
    for service in services:
        scope = coverage
        if lic.get("cities"):
            scope += f"（其中城市：{'、'.join(lic['cities'])}）"
        rows.append((service, scope))
    sheet.rows([("业务种类", "业务覆盖范围")] + rows)
    sheet.finish(2, 4)

    sheet = Sheet(c, "特别规定事项", number)
    sheet.text(
        [
            "一、持证企业应当按照许可的业务种类和业务覆盖范围开展经营活动，不得超范围经营。（样例）",
            "二、持证企业应当于每年第一季度通过电信业务经营许可管理平台报送上一年度年报信息。（样例）",
            "三、持证企业的名称、法定代表人、注册资本、住所等发生变更的，应当依法办理许可证变更手续。（样例）",
            "四、持证企业应当建立健全网络与信息安全保障措施，依法保护用户个人信息。（样例）",
        ]
    )
    sheet.finish(3, 4)

    sheet = Sheet(c, "年检（年报）记录", number)
    first = valid_from.year if isinstance(valid_from, dt.date) else 2024
    records = [
        (f"{year} 年度", f"已报送，{cn_date(dt.date(year + 1, 3, 20))}（样例）")
        for year in (first, first + 1)
    ]
    sheet.rows([("年度", "年报情况")] + records)
    sheet.finish(4, 4)
    c.save()
    return buf.getvalue()


# ----------------------------------------------------------------------------------------- ID cards


# --------------------------------------------------------------------------------- network diagram


def network_png(p: dict[str, Any]) -> bytes:
    """The 网络组织图: users, the carriers' networks and gateways, the platform and its seats."""
    g = scans.Diagram((1600, 820))
    d, s = g.d, g.s
    ink, line, note = g.INK, g.LINE, g.NOTE
    f_box, f_head, f_note = scans.font(28 * s), scans.font(32 * s), scans.font(22 * s)
    box = partial(g.box, f=f_box)
    arrow = partial(g.arrow, f=f_note, head=16, dy=-20)

    n95 = p["n95"]
    number = n95["prefix"] + "X" * (3 if n95["prefix"] == "952" else 2)
    setting = {"centralized": "集中式", "distributed": "分布式"}[n95.get("platform", "centralized")]
    access = {"direct": "三网直联", "transit": "转接"}[n95.get("access", "direct")]
    g.title(f"{number} 网络组织示意图（{setting}，{access}）", 48, 38)

    # Users, left
    d.rounded_rectangle(
        (30 * s, 120 * s, 230 * s, 640 * s), radius=16 * s, outline=(160, 170, 180), width=2 * s
    )
    d.text((130 * s, 150 * s), "全国用户", font=f_head, fill=ink, anchor="mm")
    box(50, 230, 210, 340, "固定电话\n用户", (240, 244, 248))
    box(50, 430, 210, 540, "移动电话\n用户", (240, 244, 248))

    # Carriers and their gateways, one lane each, with the trunk count
    trunks = n95.get("trunks") or []
    carriers = (n95.get("carriers") or [t["carrier"] for t in trunks] or ["中国电信"])[:4]
    ys = {1: [380], 2: [270, 490], 3: [200, 380, 560], 4: [170, 300, 430, 560]}[len(carriers)]
    for name, y in zip(carriers, ys, strict=True):
        d.ellipse(
            (290 * s, (y - 55) * s, 500 * s, (y + 55) * s), fill=(232, 242, 252), outline=line, width=3 * s
        )
        d.text(
            (395 * s, y * s),
            f"{name}\n网络",
            font=f_box,
            fill=ink,
            anchor="mm",
            align="center",
            spacing=4 * s,
        )
        arrow(230, y, 290, y)
        box(560, y - 45, 760, y + 45, "关口局", (250, 250, 250))
        arrow(500, y, 560, y)
        count = sum(t.get("count", 0) for t in trunks if t["carrier"] == name)
        arrow(760, y, 880, y, f"SIP {count} 条" if count else "SIP")

    # Platform
    site = (n95.get("platform_sites") or [""])[0].split("省", 1)[-1]  # 江苏省南京市… -> 南京市…
    city = site.split("市", 1)[0] + "市" if "市" in site else ""
    d.rounded_rectangle(
        (880 * s, 120 * s, 1200 * s, 640 * s),
        radius=16 * s,
        fill=(255, 248, 232),
        outline=(180, 120, 40),
        width=4 * s,
    )
    d.text((1040 * s, 155 * s), f"{city}呼叫中心平台", font=f_head, fill=ink, anchor="mm")
    equipment = [e for e in n95.get("equipment") or [] if "坐席" not in e["name"]][:3]
    for k, e in enumerate(equipment):
        label = e["name"].split("（")[0]
        box(905, 195 + k * 110, 1175, 285 + k * 110, f"{label} ×{e.get('quantity', 1)}", (255, 255, 255))
    box(905, 530, 1175, 620, "IVR / ACD", (255, 255, 255))

    # Seats: the platform's own and remote ones over a leased line
    box(1290, 170, 1560, 300, f"{city}坐席", (238, 248, 238))
    box(1290, 430, 1560, 560, "异地运营中心\n坐席", (238, 248, 238))
    arrow(1200, 235, 1290, 235, "局域网")
    arrow(1200, 495, 1290, 495, "专线")
    seats = f"已有坐席 {n95.get('seats_existing', 0)} 个\n规划坐席 {n95.get('seats_planned', 0)} 个"
    d.text((1425 * s, 600 * s), seats, font=f_note, fill=note, anchor="ma", align="center", spacing=4 * s)

    d.text(
        (30 * s, 700 * s),
        f"说明：用户拨打 {number}（不加拨区号），经所属基础电信企业网络路由至关口局，再经 SIP 中继接入平台，",
        font=f_note,
        fill=(80, 80, 80),
    )
    d.text(
        (30 * s, 735 * s),
        "由 IVR 导航、ACD 按技能组分配至坐席。图例：箭头 = 话路；圆角框 = 设备或场所；椭圆 = 基础电信企业网络。",
        font=f_note,
        fill=(80, 80, 80),
    )
    g.sample_mark(750, 777)
    return g.png()


# ------------------------------------------------------------------------------------------------ plan


def plan(p: dict[str, Any]) -> scans.Plan:
    """Every attachment path the profile references (relative to attachments/) -> its generator."""
    jobs = scans.Plan()
    att = p.get("attachments", {})
    jobs.each(att.get("business_licence", []), lambda: business_licence(p))
    jobs.each(att.get("licence_copy", []), lambda: licence_pdf(p))
    jobs.id_sides(att.get("legal_rep_id", []), p["legal_rep"], LEGAL_REP, 130)
    image = p.get("n95", {}).get("network_plan_image")
    if image:
        jobs.add(image, lambda: network_png(p))
    return jobs


def generate(out_dir: Path | None = None, profile: Path = DEFAULT_PROFILE) -> list[Path]:
    """Write every sample attachment of `profile` under `out_dir` (default: attachments/ beside it)."""
    return scans.write_samples(plan, profile, out_dir)


def main(argv: list[str] | None = None) -> int:
    return scans.run_cli(argv, "n95", DEFAULT_PROFILE, generate)


if __name__ == "__main__":
    sys.exit(main())
