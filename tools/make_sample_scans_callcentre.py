"""Generate the fictitious sample scans that samples/callcentre/chengchuan-callcentre.toml refers to.

    python tools/make_sample_scans_callcentre.py [--profile samples/callcentre/chengchuan-callcentre.toml] [--out DIR]

The drawing helpers (paper, licence frame, ID cards, watermarks, reportlab canvas, diagrams) come from
tools/scan_kit.py, shared by every kind's generator. Every value printed comes from the profile or is
an obviously fictitious filler defined below; every file is visibly marked 样例 / SAMPLE. The output is
deterministic (fixed seeds, no timestamps, reportlab ``invariant=1``). No seal or signature is drawn.

The files: the business licence (landscape JPEG), the articles of association (3-page vector PDF), the
lease (2-page PDF) and the property certificate (portrait JPEG), the legal representative's ID card as
two JPEGs, each shareholder's proof (a 2-page ID PDF, or a company's licence), each staff member's
2-page ID PDF and social-insurance statement, and the network diagram.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PIL import ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scan_kit as scans  # noqa: E402  (the kit lives beside this script)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = ROOT / "samples" / "callcentre" / "chengchuan-callcentre.toml"

# Fictitious fillers for what the profile does not hold.
HOME = "湖南省长沙市岳麓区示例街 {n} 号 {b} 栋 {r} 室"  # 住址 on each person's card
ID_ISSUERS = {"430104": "长沙市公安局岳麓分局（样例）", "430103": "长沙市公安局天心分局（样例）"}
REGISTRAR = "长沙市岳麓区市场监督管理局（样例）"
SHAREHOLDER_REGISTRAR = "长沙市天心区市场监督管理局（样例）"
PROPERTY_REGISTRAR = "长沙市不动产登记中心（样例）"
INSURANCE_OFFICE = "长沙市社会保险服务中心（样例）"
RENT = "每月人民币 36,000 元（样例）"
INK = (0.1, 0.1, 0.1)
SAMPLE_RED = (0.8, 0.12, 0.12)


def holder(n: int) -> scans.Holder:
    """The n-th card holder's fictitious 住址 and issuing offices."""
    return scans.Holder(HOME.format(n=20 + 7 * n, b=1 + n % 4, r=301 + 100 * n), None, ID_ISSUERS)


def month_before(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - months
    return index // 12, index % 12 + 1


# ------------------------------------------------------------------------------------ licences


def company_licence(
    company: dict[str, Any], head: str, uscc: str, issuer: str, *, seed: int, skew: float
) -> bytes:
    """A 营业执照 (landscape for an odd seed, portrait for an even one), founded on a date of the seed."""
    start = dt.date(2019 + seed % 3, 3 + seed % 6, 8 + seed % 15)
    fields = scans.licence_fields(company, head, start)
    size = (1754, 1240) if seed % 2 else (1240, 1754)
    return scans.licence_jpeg(fields, uscc, issuer, dt.date(2025, 5, 12), seed=seed, skew=skew, size=size)


def business_licence(p: dict[str, Any]) -> bytes:
    c = p["company"]
    return company_licence(c, p["legal_rep"]["name"], c["uscc"], REGISTRAR, seed=201, skew=0.3)


def shareholder_licence(p: dict[str, Any], i: int) -> bytes:
    s = p["shareholders"][i]
    company = {
        "name": s["name"],
        "business_scope": "以自有资金从事投资活动；企业管理咨询。",
        "registered_capital": 1000,
        "address": "湖南省长沙市天心区示例路 99 号",
    }
    uscc = s.get("uscc") or "（样例）"
    return company_licence(company, "（样例）", uscc, SHAREHOLDER_REGISTRAR, seed=210 + 2 * i, skew=-0.25)


# ------------------------------------------------------------------------------------ vector documents


class Page:
    """An A4 page of a text document: heading, wrapped paragraphs and ruled tables at a cursor."""

    def __init__(self, c: Any, heading: str | None = None) -> None:
        self.c, (self.w, self.h) = c, A4
        self.x0, self.x1, self.y = 28 * mm, self.w - 25 * mm, self.h - 30 * mm
        c.setFillColorRGB(*INK)
        if heading:
            c.setFont(scans.RL_FONT, 20)
            c.drawCentredString(self.w / 2, self.y, heading)
            self.y -= 14 * mm

    def measure(self, size: float) -> Callable[[str], float]:
        return lambda s: pdfmetrics.stringWidth(s, scans.RL_FONT, size)

    def text(self, paragraphs: list[str], size: float = 11, lead: float = 18, indent: bool = True) -> None:
        c = self.c
        c.setFont(scans.RL_FONT, size)
        for para in paragraphs:
            first = "\u3000\u3000" if indent else ""
            for line in scans.wrap(first + para, self.x1 - self.x0, self.measure(size)):
                c.drawString(self.x0, self.y, line)
                self.y -= lead
            self.y -= lead / 4

    def title(self, text: str, size: float = 13) -> None:
        self.y -= 4
        self.c.setFont(scans.RL_FONT, size)
        self.c.drawCentredString(self.w / 2, self.y, text)
        self.y -= size * 1.9

    def table(self, widths: list[float], rows: list[list[str]], size: float = 10, lead: float = 15) -> None:
        c = self.c
        c.setFont(scans.RL_FONT, size)
        c.setLineWidth(0.6)
        scale = (self.x1 - self.x0) / sum(widths)
        xs = [self.x0]
        for w in widths:
            xs.append(xs[-1] + w * scale)
        top = self.y
        for row in rows:
            cells = [scans.wrap(t, xs[k + 1] - xs[k] - 3 * mm, self.measure(size)) for k, t in enumerate(row)]
            height = max(len(lines) for lines in cells) * lead + 3 * mm
            c.line(self.x0, self.y, self.x1, self.y)
            for k, lines in enumerate(cells):
                ty = self.y - lead + 2
                for line in lines:
                    c.drawCentredString((xs[k] + xs[k + 1]) / 2, ty, line)
                    ty -= lead
            self.y -= height
        c.line(self.x0, self.y, self.x1, self.y)
        for x in xs:
            c.line(x, top, x, self.y)
        self.y -= 6 * mm

    def finish(self, note: str, page: int, pages: int) -> None:
        c = self.c
        c.setFillColorRGB(*SAMPLE_RED)
        c.setFont(scans.RL_FONT, 9)
        c.drawCentredString(
            self.w / 2, 14 * mm, f"样例 SAMPLE：{note}，内容虚构，不具任何效力　（{page}/{pages}）"
        )
        scans.pdf_watermark(c, self.w, self.h)
        c.showPage()


def articles_pdf(p: dict[str, Any]) -> bytes:
    co, holders = p["company"], p.get("shareholders") or []
    buf = io.BytesIO()
    c = scans.new_canvas(buf, A4, "公司章程")
    capital = co.get("registered_capital", 0)
    page = Page(c, f"{co['name']}章程")
    page.title("第一章　总则")
    page.text(
        [
            "第一条　为规范公司的组织和行为，保护公司、股东和债权人的合法权益，根据《中华人民共和国公司法》，"
            "制定本章程。（样例）",
            f"第二条　公司名称：{co['name']}。公司住所：{co['address']}。",
            "第三条　公司为有限责任公司，股东以其认缴的出资额为限对公司承担责任，公司以其全部财产对公司的债务承担责任。",
        ]
    )
    page.title("第二章　经营范围")
    page.text([f"第四条　公司的经营范围：{co.get('business_scope') or '（样例）'}"])
    page.title("第三章　注册资本及股东出资")
    page.text([f"第五条　公司注册资本为人民币 {capital:g} 万元。股东的姓名或名称、出资额和出资比例如下："])
    rows = [["股东", "证件号码 / 统一社会信用代码", "认缴出资（万元）", "出资比例"]]
    rows += [
        [
            h["name"],
            h.get("id_number") or h.get("uscc", ""),
            f"{h.get('contribution', 0):g}",
            f"{h.get('share', 0):g}%",
        ]
        for h in holders
    ]
    page.table([30, 44, 20, 16], rows)
    page.text(["第六条　股东应当按期足额缴纳各自所认缴的出资额。股东之间可以相互转让其全部或者部分股权。"])
    page.finish("公司章程", 1, 3)

    page = Page(c)
    page.title("第四章　组织机构")
    page.text(
        [
            "第七条　股东会由全体股东组成，是公司的权力机构，依照《中华人民共和国公司法》和本章程行使职权。",
            "第八条　股东会会议由股东按照出资比例行使表决权。修改公司章程、增加或者减少注册资本、公司合并、分立、"
            "解散或者变更公司形式的决议，必须经代表三分之二以上表决权的股东通过。",
            "第九条　公司不设董事会，设执行董事一名，由股东会选举产生，任期三年，可以连任。执行董事为公司的法定代表人。",
            f"第十条　公司的法定代表人为{p['legal_rep']['name']}。",
            "第十一条　公司不设监事会，设监事一名，由股东会选举产生。",
            "第十二条　公司设经理一名，由执行董事决定聘任或者解聘，对执行董事负责。",
        ]
    )
    page.title("第五章　财务、会计")
    page.text(
        [
            "第十三条　公司依照法律、行政法规和国务院财政部门的规定建立财务、会计制度，在每一会计年度终了时编制财务会计报告。",
            "第十四条　公司分配当年税后利润时，应当提取利润的百分之十列入公司法定公积金。",
        ]
    )
    page.finish("公司章程", 2, 3)

    page = Page(c)
    page.title("第六章　解散和清算")
    page.text(
        [
            "第十五条　公司因本章程规定的营业期限届满、股东会决议解散或者依法被吊销营业执照、责令关闭或者被撤销而解散。",
            "第十六条　公司解散时，应当依法成立清算组进行清算。",
        ]
    )
    page.title("第七章　附则")
    page.text(
        [
            "第十七条　本章程与法律、行政法规不一致的，以法律、行政法规为准。",
            "第十八条　本章程自全体股东通过之日起生效，由全体股东确认。本件为样例，不留真实笔迹或印章。",
        ]
    )
    page.y -= 10 * mm
    page.text([f"全体股东：{'、'.join(h['name'] for h in holders)}（样例）"], indent=False)
    page.text([f"{scans.cn_date(scans.founded(co))}"], indent=False)
    page.finish("公司章程", 3, 3)
    c.save()
    return buf.getvalue()


def lease_pdf(p: dict[str, Any]) -> bytes:
    co = p["company"]
    place: dict[str, Any] = next(iter(p.get("premises") or []), {})
    start, end = place.get("lease_start"), place.get("lease_end")
    term = f"{scans.cn_date(start)} 起至 {scans.cn_date(end)} 止" if start and end else "（样例）"
    buf = io.BytesIO()
    c = scans.new_canvas(buf, A4, "房屋租赁合同")
    page = Page(c, "房屋租赁合同")
    page.text(
        [
            f"出租方（甲方）：{place.get('owner') or '（样例）'}",
            f"承租方（乙方）：{co['name']}",
        ],
        indent=False,
    )
    page.text(
        ["甲、乙双方根据《中华人民共和国民法典》及有关规定，经协商一致，就乙方承租甲方房屋事宜订立本合同。"]
    )
    page.title("第一条　房屋基本情况")
    page.text(
        [
            f"甲方出租的房屋坐落于{place.get('address', '（样例）')}，建筑面积 {place.get('area', 0):g} 平方米，"
            f"用途为{place.get('use') or '办公'}。甲方持有该房屋的不动产权证书，有权出租该房屋。",
        ]
    )
    page.title("第二条　租赁期限")
    page.text(
        [f"租赁期限自 {term}。租赁期满，乙方需要继续承租的，应于期满前三个月书面通知甲方，双方另行续签。"]
    )
    page.title("第三条　租金及支付方式")
    page.text([f"租金为{RENT}，按季度支付，乙方于每季度首月 10 日前支付当季租金。"])
    page.title("第四条　双方的权利和义务")
    page.text(
        [
            "甲方按约定将房屋交付乙方使用，并保证房屋及其附属设施符合安全使用的要求。",
            "乙方按约定用途合理使用房屋，不得擅自改变房屋结构；经甲方书面同意，乙方可进行必要的装修和机房改造。",
        ]
    )
    page.finish("房屋租赁合同", 1, 2)
    page = Page(c)
    page.title("第五条　合同的解除")
    page.text(
        [
            "租赁期内，任何一方不得擅自解除本合同；确需解除的，应提前三个月书面通知对方并协商一致。",
            "因不可抗力导致房屋无法使用的，本合同自然终止，双方互不承担责任。",
        ]
    )
    page.title("第六条　其他")
    page.text(["本合同一式两份，甲、乙双方各执一份，自双方确认之日起生效。本件为样例，不留真实笔迹或印章。"])
    page.y -= 12 * mm
    page.text([f"甲方：{place.get('owner') or '（样例）'}", f"乙方：{co['name']}"], indent=False)
    page.text([f"日期：{scans.cn_date(start) if start else '（样例）'}"], indent=False)
    page.finish("房屋租赁合同", 2, 2)
    c.save()
    return buf.getvalue()


def property_certificate(p: dict[str, Any]) -> bytes:
    """A 不动产权证书 look-alike page (portrait JPEG at 150 dpi)."""
    place: dict[str, Any] = next(iter(p.get("premises") or []), {})
    w, h = 1240, 1754
    img = scans.paper((w, h), seed=221, base=(250, 247, 238))
    d = ImageDraw.Draw(img)
    frame = (120, 90, 50)
    d.rectangle((60, 60, w - 60, h - 60), outline=frame, width=5)
    d.rectangle((80, 80, w - 80, h - 80), outline=frame, width=2)
    scans.spaced(d, (w / 2, 150), "不动产权证书", scans.font(72, "serif-bold"), (30, 25, 20), 18, "ma")
    d.text(
        (w / 2, 260),
        "湘（样例）长沙市不动产权第 0000001 号",
        font=scans.font(30, "serif"),
        fill=(40, 35, 30),
        anchor="ma",
    )
    rows = [
        ("权 利 人", place.get("owner") or "（样例）"),
        ("共有情况", "单独所有"),
        ("坐　　落", place.get("address") or "（样例）"),
        ("不动产单元号", "430104000000GB00000F00000000（样例）"),
        ("权利类型", "国有建设用地使用权 / 房屋所有权"),
        ("用　　途", "商务金融用地 / 办公"),
        ("面　　积", f"房屋建筑面积 {place.get('area', 0):g} ㎡"),
        ("使用期限", "2012年06月30日起 2052年06月29日止"),
    ]
    f_label, f_value = scans.font(30, "serif-bold"), scans.font(30, "serif")
    x0, x1, xl = 150, w - 150, 400
    y = 360
    d.line((x0, y, x1, y), fill=frame, width=2)
    for label, value in rows:
        lines = scans.wrap(value, x1 - xl - 30, f_value.getlength)
        row_h = max(90, 46 * len(lines) + 40)
        d.text(((x0 + xl) / 2, y + row_h / 2), label, font=f_label, fill=(50, 40, 30), anchor="mm")
        for n, line in enumerate(lines):
            d.text(
                (xl + 20, y + (row_h - 46 * len(lines)) / 2 + 46 * n + 4),
                line,
                font=f_value,
                fill=(30, 30, 30),
            )
        y += row_h
        d.line((x0, y, x1, y), fill=frame, width=2)
    d.line((x0, 360, x0, y), fill=frame, width=2)
    d.line((xl, 360, xl, y), fill=frame, width=2)
    d.line((x1, 360, x1, y), fill=frame, width=2)
    d.text((x1, y + 80), f"登记机构：{PROPERTY_REGISTRAR}", font=f_value, fill=(30, 30, 30), anchor="ra")
    d.text((x1, y + 130), "2012年07月20日", font=f_value, fill=(30, 30, 30), anchor="ra")
    d.text(
        (w / 2, h - 130),
        "样例 · 虚构房产信息，仅供 numdossier 演示",
        font=scans.font(26),
        fill=scans.RED,
        anchor="ma",
    )
    img = scans.watermark(img, alpha=58)
    return scans.jpeg_bytes(scans.scanned(img, -0.2), quality=72, dpi=150)


def insurance_pdf(p: dict[str, Any], i: int) -> bytes:
    """A 社会保险个人参保缴费证明 for the months before the signing month (at most 6 listed)."""
    member, co = p["staff"][i], p["company"]
    signing = (p.get("signing") or {}).get("date") or dt.date(2026, 11, 23)
    months = min(6, int(member.get("insurance_months", 0)))
    buf = io.BytesIO()
    c = scans.new_canvas(buf, A4, "社会保险个人参保缴费证明")
    page = Page(c, "社会保险个人参保缴费证明")
    page.table(
        [18, 32, 18, 32],
        [
            ["姓名", member["name"], "公民身份号码", member.get("id_number", "")],
            ["参保单位", co["name"], "统一社会信用代码", co["uscc"]],
            [
                "参保险种",
                "养老、医疗、失业、工伤、生育",
                "累计缴费月数",
                f"{member.get('insurance_months', 0)} 个月",
            ],
        ],
    )
    page.text(
        [f"该参保人最近 {months} 个月的缴费情况如下：" if months else "该参保人近期无缴费记录。"],
        indent=False,
    )
    base = 6200 + 350 * i
    rows = [["费款所属期", "缴费基数（元）", "养老保险", "医疗保险", "失业保险", "工伤保险", "缴费状态"]]
    for k in range(months, 0, -1):
        year, month = month_before(signing, k)
        rows.append(
            [f"{year}年{month:02d}月", f"{base:,}", f"{base * 0.24:,.2f}", f"{base * 0.08:,.2f}",
             f"{base * 0.012:,.2f}", f"{base * 0.004:,.2f}", "已到账"]
        )  # fmt: skip
    if months:
        page.table([17, 16, 13, 13, 13, 13, 13], rows, size=9)
    page.text(
        ["本证明根据社会保险信息系统记录打印，仅证明上述期间的缴费情况。本件为样例，不含真实印章。"],
        size=10,
    )
    page.text([f"出具机构：{INSURANCE_OFFICE}", f"打印日期：{scans.cn_date(signing)}"], size=10, indent=False)
    page.finish("社会保险缴费证明", 1, 1)
    c.save()
    return buf.getvalue()


# ------------------------------------------------------------------------------------ network diagram


def network_png(p: dict[str, Any]) -> bytes:
    """The platform's layers: carriers, access, switching (ACD), applications (IVR...), data, seats."""
    g = scans.Diagram((1600, 900))
    d, s = g.d, g.s
    ink, line = g.INK, g.LINE
    f_box, f_note = scans.font(28 * s), scans.font(22 * s)
    box = partial(g.box, f=f_box, spacing=5)

    def link(x0: float, y0: float, x1: float, y1: float, label: str = "") -> None:
        d.line([(x0 * s, y0 * s), (x1 * s, y1 * s)], fill=line, width=3 * s)
        if label:
            d.text(
                ((x0 + x1) / 2 * s + 8 * s, (y0 + y1) / 2 * s),
                label,
                font=f_note,
                fill=(20, 70, 140),
                anchor="lm",
            )

    platform = p.get("platform") or {}
    g.title("呼叫中心平台网络组织示意图", 45, 38)
    carriers = (platform.get("carriers") or ["中国电信"])[:3]
    xs = {1: [800], 2: [560, 1040], 3: [400, 800, 1200]}[len(carriers)]
    for name, x in zip(carriers, xs, strict=True):
        d.ellipse(
            ((x - 140) * s, 95 * s, (x + 140) * s, 195 * s), fill=(232, 242, 252), outline=line, width=3 * s
        )
        d.text((x * s, 145 * s), f"{name}网络", font=f_box, fill=ink, anchor="mm")
        link(x, 195, 800, 270, "SIP 中继")
    d.rounded_rectangle(
        (120 * s, 250 * s, 1480 * s, 760 * s), radius=18 * s, outline=(180, 120, 40), width=4 * s
    )
    d.text((150 * s, 275 * s), "机房（平台设置地）", font=f_note, fill=(150, 90, 20), anchor="lm")
    box(560, 270, 1040, 350, "边界网关 / 防火墙", (255, 248, 232))
    box(560, 400, 1040, 480, "软交换及自动呼叫分配（ACD）", (255, 248, 232))
    link(800, 350, 800, 400)
    apps = [
        ("交互式语音应答\n（IVR）", 200),
        ("录音系统", 520),
        ("坐席及工单系统\n（CTI）", 840),
        ("业务数据库\n（主备）", 1160),
    ]
    for text, x in apps:
        box(x, 540, x + 240, 640, text, (255, 255, 255))
        link(x + 120, 540, 800, 480)
    box(560, 680, 1040, 740, "千兆局域网", (240, 244, 248))
    for _, x in apps:
        link(x + 120, 640, 800, 680)
    seats = platform.get("seats", 0)
    box(560, 790, 1040, 870, f"坐席区（{seats} 个坐席）", (238, 248, 238))
    link(800, 740, 800, 790)
    d.text(
        (40 * s, 820 * s),
        "说明：用户来电经基础电信企业网络接入，\n由 ACD 分配至 IVR 或人工坐席。",
        font=f_note,
        fill=(80, 80, 80),
        spacing=4 * s,
    )
    g.sample_mark(820, 846)
    return g.png()


# ------------------------------------------------------------------------------------------------ plan


def plan(p: dict[str, Any]) -> scans.Plan:
    """Every attachment path the profile references (relative to attachments/) -> its generator."""
    jobs = scans.Plan()
    att = p.get("attachments", {})
    jobs.each(att.get("business_licence", []), lambda: business_licence(p))
    jobs.each(att.get("articles", []), lambda: articles_pdf(p))
    jobs.each(att.get("lease_contract", []), lambda: lease_pdf(p))
    jobs.each(att.get("property_certificate", []), lambda: property_certificate(p))
    jobs.id_sides(att.get("legal_rep_id", []), p["legal_rep"], holder(0), 230)
    for i, shareholder in enumerate(p.get("shareholders", [])):
        if shareholder.get("type") == "company":
            make: scans.Maker = partial(shareholder_licence, p, i)
        else:
            make = partial(scans.id_pdf, shareholder, holder(1 + i), 240 + 2 * i, "股东身份证", named=True)
        jobs.each(shareholder.get("proofs", []), make)
    for i, member in enumerate(p.get("staff", [])):
        card = partial(scans.id_pdf, member, holder(5 + i), 260 + 2 * i, "人员身份证", named=True)
        jobs.each(member.get("id_copy", []), card)
        jobs.each(member.get("insurance_proof", []), partial(insurance_pdf, p, i))
    diagram = (p.get("platform") or {}).get("diagram")
    if diagram:
        jobs.add(diagram, lambda: network_png(p))
    return jobs


def generate(out_dir: Path | None = None, profile: Path = DEFAULT_PROFILE) -> list[Path]:
    """Write every sample attachment of `profile` under `out_dir` (default: attachments/ beside it)."""
    return scans.write_samples(plan, profile, out_dir)


def main(argv: list[str] | None = None) -> int:
    return scans.run_cli(argv, "callcentre", DEFAULT_PROFILE, generate)


if __name__ == "__main__":
    sys.exit(main())
