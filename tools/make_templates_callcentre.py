"""Build the callcentre templates (公司基本情况及股权结构, 技术方案, 经营方案及业务发展计划,
网络与信息安全保障措施, 依法经营承诺书) as DOCX with one run per jinja tag.

    python tools/make_templates_callcentre.py --out templates/callcentre

What each document covers follows seed 003 (an agency's overview of the 呼叫中心业务 licence: conditions
1–7 and materials 8–14); the wording is the project's own. Page set-up, fonts, bordered tables and the
seal line come from tools/docx_kit.py, shared by every kind's builder, so that every kind prints alike.

The documents are mostly prose of any length. Their pages have no 盖章 place except the last, so the
pipeline puts each page's seal placeholder (42 mm) in the emptiest area above the 20 mm page-number band:
every page keeps the kit's free band at its foot for it (20 + 42 mm and 2 to spare), and the only 盖章 on a page is
the applicant's own seal line at the end. No body text uses the words 盖章 or 签字: the pipeline finds
them in the PDF to mark the seal and signature places.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx_kit import (  # noqa: E402  (the kit lives beside this script)
    CENTER,
    HEI,
    LEFT,
    SEAL_GAP_MM,
    WU,
    XIAOER,
    XIAOSAN,
    XIAOSI,
    XIAOWU,
    Grid,
    R,
    company_seal_line,
    info_table,
    new_document,
    par,
    repeat_header,
    tag,
    title,
    write_forms,
)

SIGN_LEFT_MM = 70  # the closing block sits in the right half of the page


# --------------------------------------------------------------------------- shared pieces


def document(title_text: str) -> DocxDocument:
    doc = new_document(title_text)
    title(doc, title_text, size=XIAOER, after_mm=2)
    par(doc, "申请单位：{{ company.name }}", size=XIAOSI, align=CENTER, after_mm=5)
    return doc


def heading(doc: DocxDocument, text: str) -> None:
    par(doc, R(text, east=HEI), size=XIAOSAN - 1, before_mm=4, after_mm=2, keep_next=True)


def subheading(doc: DocxDocument, text: str) -> None:
    par(doc, R(text, bold=True), size=XIAOSI, before_mm=2, after_mm=1, keep_next=True)


def body(doc: DocxDocument, text: str, **kwargs: object) -> None:
    par(doc, text, size=XIAOSI, first_chars=2, line=1.3, **kwargs)  # type: ignore[arg-type]


def prose(doc: DocxDocument, expression: str) -> None:
    """The profile's text at `expression`, one indented paragraph per line of it."""
    tag(doc, f"{{%p for p in paragraphs({expression}) %}}")
    body(doc, "{{ p }}")
    tag(doc, "{%p endfor %}")


def table(
    doc: DocxDocument,
    widths: Sequence[float],
    titles: Sequence[str],
    loop: str,
    cells: Sequence[tuple[str, bool]],
    empty: str,
    total: Sequence[str] | None = None,
    keep_next: bool = False,
) -> None:
    """A bordered table: a title row repeated on each page, one row per element of `loop`, a total row.

    When the list is empty, one row says so (`empty`), so that the table never prints bare. keep_next:
    every row is kept with what follows (the last table before a signature block).
    """
    cell_par = partial(par, size=WU, keep_next=keep_next)
    grid = Grid(doc, widths)
    for cell, text in zip(grid.row(*[1] * len(widths), min_mm=8), titles, strict=True):
        for line in text.split("\n"):
            cell_par(cell, R(line, bold=True), align=CENTER)
    repeat_header(grid)
    items = loop.split(" in ", 1)[1]
    grid.tag_row(f"{{%tr for {loop} %}}")
    for cell, (value, centred) in zip(grid.row(*[1] * len(widths), min_mm=7), cells, strict=True):
        cell_par(cell, value, align=CENTER if centred else LEFT)
    grid.tag_row("{%tr endfor %}")
    grid.tag_row(f"{{%tr if not {items} %}}")
    (cell,) = grid.row(len(widths), min_mm=7)
    cell_par(cell, empty, align=CENTER)
    grid.tag_row("{%tr endif %}")
    if total is not None:
        for cell, text in zip(grid.row(*[1] * len(widths), min_mm=7), total, strict=True):
            cell_par(cell, R(text, bold=bool(text)), align=CENTER)
    grid.finish()
    par(doc, "", size=1, after_mm=2, keep_next=keep_next)


def closing(doc: DocxDocument, signature: bool = False) -> None:
    """The applicant's seal line and the date (and the legal representative's signature line)."""
    if signature:
        par(doc, "法定代表人（签字）：", size=XIAOSI, left_mm=SIGN_LEFT_MM, before_mm=8, keep_next=True)
    company_seal_line(doc, size=XIAOSI, left_mm=SIGN_LEFT_MM, before_mm=SEAL_GAP_MM)
    par(doc, "{{ sign_date }}", size=XIAOSI, left_mm=SIGN_LEFT_MM, before_mm=SEAL_GAP_MM)


# --------------------------------------------------------------------------- 公司基本情况及股权结构


def company_overview(path: Path) -> None:
    doc = document("公司基本情况及股权结构")
    heading(doc, "一、公司基本情况")
    info_table(
        doc,
        [
            ("公司名称", "{{ company.name }}"),
            ("统一社会信用代码", "{{ company.uscc }}"),
            ("注册资本", "{{ capital }} 万元人民币"),
            ("企业性质", "{{ ownership }}"),
            ("住所（通信地址）", "{{ company.address }}\u3000邮编：{{ company.postcode }}"),
            ("法定代表人", "{{ legal_rep.name }}\u3000办公电话：{{ legal_rep.office_phone }}"),
            (
                "联系人",
                "{{ number_contact.name }}\u3000手机：{{ number_contact.mobile }}"
                "\u3000电子邮箱：{{ number_contact.email }}",
            ),
            ("经营范围", "{{ company.business_scope }}"),
            ("申请业务种类", "第二类增值电信业务中的{{ callcentre.services }}"),
            ("业务覆盖范围", "{{ coverage }}"),
        ],
        label_mm=38,
    )
    par(doc, "", size=1, after_mm=2)
    heading(doc, "二、公司简介")
    prose(doc, "company.introduction")

    heading(doc, "三、股权结构")
    body(
        doc,
        "公司共有股东 {{ shareholders|length }} 名，各股东持股比例合计 {{ share_total }}%。股东情况如下：",
        keep_next=True,
    )
    table(
        doc,
        [10, 36, 21, 42, 18, 20, 18],
        [
            "序号",
            "股东名称",
            "股东类型",
            "身份证件号码 /\n统一社会信用代码",
            "国籍 /\n注册地",
            "认缴出资\n（万元）",
            "持股比例",
        ],
        "s in shareholder_rows",
        [
            ("{{ loop.index }}", True),
            ("{{ s.name }}", False),
            ("{{ s.type_cn }}", True),
            ("{{ s.id_number }}", True),
            ("{{ s.nationality }}", True),
            ("{{ s.contribution }}", True),
            ("{{ s.share }}%", True),
        ],
        "（未填写股东）",
        total=["", "合计", "", "", "", "{{ contribution_total }}", "{{ share_total }}%"],
    )
    tag(doc, "{%p if domestic %}")
    body(doc, "公司为依法设立的内资企业，全部股东均为境内自然人或境内依法设立的企业，无境外投资者出资。")
    tag(doc, "{%p endif %}")

    heading(doc, "四、主要经营管理和专业技术人员")
    table(
        doc,
        [10, 26, 40, 61, 28],
        ["序号", "姓名", "岗位", "学历及专业", "社会保险\n缴纳月数"],
        "m in staff",
        [
            ("{{ loop.index }}", True),
            ("{{ m.name }}", True),
            ("{{ m.role }}", False),
            ("{{ m.education }}", False),
            ("{{ m.insurance_months }}", True),
        ],
        "（未填写人员）",
    )

    heading(doc, "五、办公场所")
    table(
        doc,
        [10, 55, 20, 40, 40],
        ["序号", "地址", "面积（㎡）", "产权人", "使用期限"],
        "p in premises_rows",
        [
            ("{{ loop.index }}", True),
            ("{{ p.address }}{% if p.use %}（{{ p.use }}）{% endif %}", False),
            ("{{ p.area }}", True),
            ("{{ p.owner }}", False),
            ("{{ p.term }}", True),
        ],
        "（未填写办公场所）",
        keep_next=True,  # 五、办公场所 goes on with the seal block: never the seal alone on a page
    )
    body(doc, "以上情况属实，相关证明材料附后。", keep_next=True)
    closing(doc)
    doc.save(str(path))


# --------------------------------------------------------------------------- 技术方案


def technical_plan(path: Path) -> None:
    doc = document("呼叫中心业务技术方案")
    heading(doc, "一、系统概述")
    prose(doc, "platform.overview")

    heading(doc, "二、系统组成")
    body(
        doc,
        "呼叫中心平台由交互式语音应答（IVR）、自动呼叫分配（ACD）、录音、数据库等系统组成，各系统配置如下：",
        keep_next=True,
    )
    table(
        doc,
        [34, 34, 40, 12, 45],
        ["系统", "名称", "品牌型号 / 软件", "数量", "主要功能"],
        "s in system_rows",
        [
            ("{{ s.kind_cn }}", False),
            ("{{ s.name }}", False),
            ("{{ s.product }}", False),
            ("{{ s.quantity }}", True),
            ("{{ s.function }}", False),
        ],
        "（未填写系统组成）",
    )

    heading(doc, "三、网络组织")
    prose(doc, "platform.network")
    tag(doc, "{%p if diagram %}")
    par(doc, "{{ diagram }}", align=CENTER, before_mm=2, after_mm=1)
    par(doc, "图 1　网络组织示意图", size=XIAOWU, align=CENTER, after_mm=2)
    tag(doc, "{%p endif %}")

    heading(doc, "四、业务平台设置地点")
    tag(doc, "{%p for site in platform.sites %}")
    body(doc, "{{ loop.index }}. {{ site }}")
    tag(doc, "{%p endfor %}")

    heading(doc, "五、网络接入")
    body(
        doc,
        "接入的基础电信企业：{% for c in carrier_options %}{{ box(c in platform.carriers) }}{{ c }}"
        "{% if not loop.last %}\u3000{% endif %}{% endfor %}",
    )
    prose(doc, "platform.access")

    heading(doc, "六、坐席规模")
    body(
        doc,
        "平台现有坐席 {{ platform.seats }} 个{% if platform.seats_planned %}，"
        "规划坐席 {{ platform.seats_planned }} 个{% endif %}；"
        "业务覆盖范围为{{ coverage }}。",
    )

    heading(doc, "七、运行维护")
    prose(doc, "platform.operations")
    closing(doc)
    doc.save(str(path))


# --------------------------------------------------------------------------- 经营方案及业务发展计划


def operation_plan(path: Path) -> None:
    doc = document("经营方案及业务发展计划")
    heading(doc, "一、业务内容及服务方式")
    body(doc, "公司拟在{{ coverage }}范围内经营{{ callcentre.services }}，具体内容和服务方式如下：")
    prose(doc, "plans.services")
    heading(doc, "二、服务对象及市场分析")
    prose(doc, "plans.customers")
    heading(doc, "三、经营模式与收费方式")
    prose(doc, "plans.charging")
    heading(doc, "四、服务质量保障")
    prose(doc, "plans.quality")
    heading(doc, "五、业务发展计划")
    prose(doc, "plans.development")
    table(
        doc,
        [20, 22, 22, 30, 71],
        ["年度", "坐席数（个）", "服务客户数", "预计业务收入\n（万元）", "主要目标"],
        "m in plans.milestones",
        [
            ("{{ m.year }} 年", True),
            ("{{ m.seats }}", True),
            ("{{ m.clients }}", True),
            ("{{ m.revenue }}", True),
            ("{{ m.goal }}", False),
        ],
        "（未填写年度计划）",
    )
    heading(doc, "六、人员和场地准备")
    body(
        doc,
        "公司现有专业人员 {{ staff|length }} 名（见《公司基本情况及股权结构》第四部分），"
        "办公场所 {{ premises|length }} 处、建筑面积合计 {{ area_total }} 平方米；"
        "呼叫中心平台设于{{ platform.sites|join_cn }}，现有坐席 {{ platform.seats }} 个，"
        "具备开展业务所需的人员、场地和设施。",
    )
    closing(doc)
    doc.save(str(path))


# --------------------------------------------------------------------------- 网络与信息安全保障措施


def security_measures(path: Path) -> None:
    doc = document("网络与信息安全保障措施")
    body(
        doc,
        "为保障呼叫中心业务的网络与信息安全，公司依据《中华人民共和国网络安全法》《中华人民共和国个人信息保护法》"
        "和电信主管部门的有关规定，建立以下管理制度和技术措施。",
    )
    heading(doc, "一、安全管理机构")
    prose(doc, "plans.security_organisation")
    heading(doc, "二、岗位职责")
    prose(doc, "plans.security_duties")
    heading(doc, "三、技术保障措施")
    prose(doc, "plans.security_technical")
    heading(doc, "四、安全事件应急处置")
    prose(doc, "plans.security_incidents")
    heading(doc, "五、用户个人信息保护")
    prose(doc, "plans.security_user_data")
    closing(doc)
    doc.save(str(path))


# --------------------------------------------------------------------------- 依法经营承诺书

COMMITMENTS = [
    "本公司是依法设立的{{ ownership }}，具备经营{{ callcentre.services }}的条件；注册资本 {{ capital }} 万元，"
    "符合在{{ coverage }}范围内经营该业务的要求。",
    "本公司及主要投资者、主要经营管理人员在最近三年内没有违反电信监督管理制度的违法记录。",
    "本次提交的申请材料真实、准确、完整，复印件与原件一致；如有虚假，愿意承担由此产生的一切法律责任。",
    "取得经营许可证后，严格按照许可的业务种类和业务覆盖范围开展经营，不超范围经营，"
    "不以任何形式出租、出借或转让经营许可证。",
    "按照规定的时间报送年度报告，如实报告经营情况，接受电信主管部门的监督检查；"
    "公司名称、股东、注册资本等事项变更时，依法及时办理变更手续。",
    "落实网络与信息安全责任和用户个人信息保护制度，不利用呼叫中心系统从事骚扰、诈骗等违法活动，"
    "配合有关部门依法开展的检查和调查。",
    "保证服务质量，为用户提供长期、稳定的服务，及时处理用户投诉；终止经营时，提前做好用户的善后工作。",
]


def commitment(path: Path) -> None:
    # one page: its seal placeholder goes on the page's own 盖章 place, so no free band is kept
    doc = new_document("依法经营承诺书")
    doc.sections[0].bottom_margin = Mm(25)
    title(doc, "依法经营承诺书", size=XIAOER, after_mm=5)
    text = partial(par, doc, size=XIAOSI, line=1.25)
    text("{{ authority }}：")
    text(
        "{{ company.name }}申请{{ coverage }}范围的第二类增值电信业务经营许可证（{{ callcentre.services }}），"
        "现郑重承诺如下：",
        first_chars=2,
    )
    for number, clause in enumerate(COMMITMENTS, start=1):
        text(f"{number}. {clause}", first_chars=2)
    text("如违反上述承诺，本公司愿意接受电信主管部门依法作出的处理。", first_chars=2)
    closing(doc, signature=True)
    doc.save(str(path))


DOCUMENTS = {
    "company_overview.docx": company_overview,
    "technical_plan.docx": technical_plan,
    "operation_plan.docx": operation_plan,
    "security_measures.docx": security_measures,
    "commitment.docx": commitment,
}


def main(argv: Sequence[str] | None = None) -> None:
    write_forms(argv, __doc__, "callcentre", DOCUMENTS)


if __name__ == "__main__":
    main()
