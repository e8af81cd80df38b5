"""Build the n95 form templates (码号资源申请表, 电话接入号码使用承诺书) as DOCX with one run per jinja tag.

An optional helper, not a source of truth: the DOCX files in templates/ are, and may be edited in Word,
WPS or LibreOffice. Running this writes fresh copies to --out (required), overwriting such edits there.

    python tools/make_templates_n95.py --out templates/n95

The layout helpers (page, fonts, bordered grid, signature block) come from tools/docx_kit.py, shared
by every kind's builder, so that all kinds print alike. The form covers seed 001's material list
(materials 1–11, in its order) in the project's own words; the 承诺书 adapts seed 000's 附件二 to 95
numbers (nationwide use, the annual report by the end of March).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from docx.document import Document as DocxDocument

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docx_kit import (  # noqa: E402  (the kit lives beside this script)
    CENTER,
    ER,
    HEI,
    SAN,
    XIAOSI,
    Grid,
    R,
    commitment_letter,
    declaration,
    end_after_table,
    field_row,
    hint,
    label,
    label_row,
    loop_rows,
    new_document,
    par,
    person_rows,
    section_head,
    tag,
    text_row,
    write_forms,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "templates" / "n95"
GAP = "\u3000\u3000"  # between checkbox options
COLUMNS_MM = [34, 30, 16, 34, 26, 25]  # the n96 form's grid: label, value, ..., 165 mm in all


# --------------------------------------------------------------------------- 码号资源申请表


def title_block(doc: DocxDocument) -> None:
    par(doc, R("95号段电话接入号码", east=HEI), size=SAN, align=CENTER)
    par(doc, R("码号资源申请表", east=HEI, bold=True), size=ER, align=CENTER, before_mm=3)
    par(doc, "（950XX / 951XX / 952XXX / 955XX）", size=XIAOSI, align=CENTER, before_mm=2, after_mm=5)


def basic_information(grid: Grid) -> None:
    # seed 001, 材料 1
    section_head(grid, "一、申请单位基本信息", "（提醒：请如实填写，通信地址须具体到门牌号）", keep_next=True)
    field_row(grid, "申请单位名称", "{{ company.name }}")
    label_row(
        grid,
        (1, 2, 1, 2),
        ("统一社会信用代码", "{{ company.uscc }}", "注册资本（万元）", "{{ company.registered_capital }}"),
    )
    field_row(grid, "通信地址及邮编", "{{ company.address }}\u3000邮编：{{ company.postcode }}")
    left, right = grid.row(1, 5, min_mm=8)
    label(left, "所属行业")
    # 955 is for the sectors of the 955 list: print them as checkboxes; other prefixes print the industry
    tag(right, "{%p if n95.prefix == '955' %}")
    par(
        right,
        "{% for s in sectors_955 %}{{ box(company.industry == s) }}{{ s }}{% if not loop.last %}"
        f"{GAP}{{% endif %}}{{% endfor %}}"
        "{% if company.industry and company.industry not in sectors_955 %}"
        f"{GAP}☑{{{{ company.industry }}}}{{% endif %}}",
    )
    tag(right, "{%p else %}")
    par(
        right,
        "{{ company.industry }}{% if company.industry_detail %}（{{ company.industry_detail }}）{% endif %}",
    )
    tag(right, "{%p endif %}")
    person_rows(grid, "法定代表人姓名", "legal_rep")
    person_rows(grid, "码号联系人姓名", "number_contact", [("电子邮箱", "email")])
    text_row(
        grid,
        "申请单位情况简介",
        "提示：企业规模、主营业务、分支机构、服务客户等基本情况。",
        "{{ company.introduction|lines }}",
        30,
    )
    cell = text_row(
        grid,
        "现使用的码号资源情况",
        "提示：目前使用的客服或业务号码、技术实现方式、坐席和人员数量、日均呼入/呼出次数、实际使用效果。",
        "现使用的码号：{{ current_numbers.numbers|join_cn or '无' }}",
        25,
    )
    par(cell, "技术实现方式：{{ current_numbers.technology }}")
    par(
        cell,
        "坐席 {{ current_numbers.seats }} 个，人员 {{ current_numbers.staff }} 人；"
        "日均呼入 {{ current_numbers.daily_inbound }} 次，呼出 {{ current_numbers.daily_outbound }} 次。",
    )
    par(cell, "实际使用效果：{{ current_numbers.effect|lines }}")


def licence_table(grid: Grid) -> None:
    # seed 001, 材料 2
    section_head(
        grid,
        "二、增值电信业务经营许可证情况",
        "（申请950/951/952号码须填写，与所附许可证复印件一致）",
        keep_next=True,
    )
    grid.tag_row("{%tr if n95.prefix == '955' %}")
    (cell,) = grid.row(6, min_mm=10)
    par(cell, "不适用（955号码无需增值电信业务经营许可证）", align=CENTER)
    grid.tag_row("{%tr else %}")
    field_row(grid, "许可证编号", "{{ licence.number }}")
    field_row(grid, "业务种类", "{{ licence.services|join_cn }}")
    left, right = grid.row(1, 5, min_mm=12)
    label(left, "业务覆盖范围")
    par(right, "{{ licence.provinces|join_cn }}")
    tag(right, "{%p if licence.cities %}")
    par(right, "城市：{{ licence.cities|join_cn }}")
    tag(right, "{%p endif %}")
    field_row(grid, "有效期", "{{ licence.valid_from|date_cn }} 至 {{ licence.valid_until|date_cn }}")
    grid.tag_row("{%tr endif %}")


def number_and_use(grid: Grid) -> None:
    # seed 001, 材料 3–6
    section_head(grid, "三、拟申请码号及用途", keep_next=True)
    left, right = grid.row(1, 5, min_mm=10)
    label(left, "拟申请号段")
    hint(right, "950XX、951XX、955XX 为 5 位短号码，952XXX 为 6 位短号码。")
    par(
        right,
        f"{{{{ box(n95.prefix == '950') }}}}950XX{GAP}{{{{ box(n95.prefix == '951') }}}}951XX{GAP}"
        f"{{{{ box(n95.prefix == '952') }}}}952XXX{GAP}{{{{ box(n95.prefix == '955') }}}}955XX",
    )
    field_row(grid, "意向号码", "{{ n95.wanted or '（未指定）' }}")
    left, right = grid.row(1, 5, min_mm=10)
    label(left, "拟开展的业务")
    hint(right, "须包括在增值电信业务经营许可证核准的业务种类中。")
    # the three services of seed 001 as checkboxes, then any other service the profile names
    par(
        right,
        "{% for s in service_options %}{{ box(s in n95.services) }}{{ s }}{% if not loop.last %}"
        f"{GAP}{{% endif %}}{{% endfor %}}"
        f"{{% for s in n95.services if s not in service_options %}}{GAP}☑{{{{ s }}}}{{% endfor %}}",
    )
    tag(right, "{%p if n95.prefix == '955' %}")
    par(right, "955号码用于本单位的客户服务，不开展经营性电信业务。")
    tag(right, "{%p endif %}")

    left, right = grid.row(1, 5, min_mm=12)
    label(left, "业务覆盖范围")
    hint(right, "申请使用的地域范围应与增值电信业务经营许可证规定的业务覆盖范围一致。")
    par(right, f"{{{{ box(coverage.nationwide) }}}}全国{GAP}{{{{ box(not coverage.nationwide) }}}}部分地区")
    tag(right, "{%p if coverage.provinces %}")
    par(
        right,
        "{% if n95.prefix == '955' %}分支机构所在省份{% else %}省（自治区、直辖市）{% endif %}"
        "（{{ coverage.provinces|length }} 个）：{{ coverage.provinces|join_cn }}",
    )
    tag(right, "{%p endif %}")
    tag(right, "{%p if coverage.cities %}")
    par(
        right,
        "{% if n95.prefix == '955' %}分支机构所在城市{% else %}城市{% endif %}"
        "（{{ coverage.cities|length }} 个）：{{ coverage.cities|join_cn }}",
    )
    tag(right, "{%p endif %}")

    text_row(
        grid,
        "码号用途及业务模式",
        "提示：码号的具体用途（如外包坐席、外包服务、信息查询）和业务模式，应符合码号的规划用途。",
        "{{ n95.purpose|lines }}",
        25,
    )
    text_row(grid, "客户来源", "提示：主要客户及其来源。", "{{ n95.clients|lines }}", 18)
    field_row(
        grid,
        "是否计划拓展位长",
        f"{{{{ box(n95.extend_digits) }}}}是{GAP}{{{{ box(not n95.extend_digits) }}}}否",
    )
    grid.tag_row("{%tr if n95.extend_digits %}")
    text_row(
        grid,
        "位长拓展的必要性及计划",
        "提示：结合码号用途，详细说明拓展位长的必要性和位长拓展计划。",
        "{{ n95.extension_plan|lines }}",
        25,
    )
    grid.tag_row("{%tr else %}")
    text_row(
        grid,
        "用户呼入后的接续流程及语音提示",
        "提示：详细说明用户呼入后的接续流程和各环节的语音提示。",
        "{{ n95.call_flow|lines }}",
        25,
    )
    grid.tag_row("{%tr endif %}")


def technical_plan(grid: Grid) -> None:
    # seed 001, 材料 7
    section_head(grid, "四、启用码号的技术方案", keep_next=True)
    text_row(
        grid,
        "话音业务量预测",
        "提示：预计的话务量（如忙时话务量、月呼入/呼出量）及其依据。",
        "{{ n95.traffic_forecast|lines }}",
        18,
    )
    label_row(
        grid,
        (1, 2, 1, 2),
        ("已有坐席数（个）", "{{ n95.seats_existing }}", "拟建坐席数（个）", "{{ n95.seats_planned }}"),
    )
    field_row(grid, "专职客服人员（人）", "{{ n95.agents }}")
    field_row(
        grid,
        "业务平台设置方式",
        "{{ box(n95.platform == 'centralized') }}集中式设置"
        f"{GAP}{{{{ box(n95.platform == 'distributed') }}}}分布式设置",
    )
    left, right = grid.row(1, 5, min_mm=12, cant_split=False)
    label(left, "业务平台设置地")
    hint(right, "设有多个业务平台的分别写明；要求写到具体地址。")
    tag(right, "{%p for site in n95.platform_sites %}")
    par(right, "{% if loop.length > 1 %}{{ loop.index }}. {% endif %}{{ site }}")
    tag(right, "{%p endfor %}")
    field_row(
        grid,
        "接入基础电信网络的方式",
        f"{{{{ box(n95.access == 'direct') }}}}三网直联{GAP}{{{{ box(n95.access == 'transit') }}}}转接",
        "接入的基础电信企业：",
        f"{{{{ box('中国电信' in n95.carriers) }}}}中国电信{GAP}{{{{ box('中国移动' in n95.carriers) }}}}中国移动"
        f"{GAP}{{{{ box('中国联通' in n95.carriers) }}}}中国联通{GAP}"
        "{{ box('中国广电' in n95.carriers) }}中国广电",
        min_mm=12,
    )
    field_row(grid, "接入的关口局/端局", "{{ n95.gateways|lines }}", min_mm=12)
    field_row(grid, "信令连接方式", "{{ n95.signalling }}")
    text_row(
        grid,
        "网络组织方案",
        "提示：根据本单位实际情况绘制网络组织图，并作简要说明。",
        "{{ n95.network_plan|lines }}",
        25,
    )
    grid.tag_row("{%tr if network_plan_image %}")
    (cell,) = grid.row(6)
    par(cell, "{{ network_plan_image }}", align=CENTER, before_mm=2, after_mm=2)
    grid.tag_row("{%tr endif %}")

    # seed 001, 材料 10: the equipment on order or in stock and the lines
    section_head(grid, "设备准备情况", "（提醒：请如实填写设备的订货、到货和存货情况）", keep_next=True)
    label_row(grid, (2, 2, 1, 1), ("设备名称", "型号", "数量", "是否采购"), keep_next=True)
    loop_rows(
        grid,
        "e in n95.equipment",
        (2, 2, 1, 1),
        [
            ("{{ e.name }}", False),
            ("{{ e.model }}", False),
            ("{{ e.quantity }}", True),
            ("{{ e.purchased|yesno }}", True),
        ],  # fmt: skip
    )
    section_head(grid, "线路准备情况", keep_next=True)
    label_row(grid, (2, 2, 1, 1), ("基础电信企业", "接入地", "租用中继线条数", "是否采购"), keep_next=True)
    loop_rows(
        grid,
        "t in n95.trunks",
        (2, 2, 1, 1),
        [
            ("{{ t.carrier }}", False),
            ("{{ t.location }}", False),
            ("{{ t.count }}", True),
            ("{{ t.purchased|yesno }}", True),
        ],  # fmt: skip
    )


def rollout_and_routing(grid: Grid) -> None:
    # seed 001, 材料 8–11
    section_head(
        grid,
        "五、码号启用实施进度安排",
        "（自获得码号使用批准后，码号在各省市开通的时间安排）",
        keep_next=True,
    )
    label_row(grid, (2, 2, 2), ("省份", "城市", "启用时间"), keep_next=True)
    loop_rows(
        grid,
        "r in n95.rollout",
        (2, 2, 2),
        [("{{ r.province }}", True), ("{{ r.city }}", True), ("{{ r.date|date_cn }}", True)],
    )
    section_head(grid, "六、用户拨号方式与话务路由方式", keep_next=True)
    text_row(
        grid,
        "用户拨号方式",
        "提示：用户如何拨打本码号，是否需要加拨长途区号。",
        "{{ n95.dialing|lines }}",
        15,
    )
    text_row(
        grid,
        "话务路由方式",
        "提示：结合网络组织方案，说明不同场景下的话务路由。",
        "{{ n95.routing|lines }}",
        18,
    )
    section_head(grid, "七、码号开通前期工作准备情况", keep_next=True)
    text_row(
        grid,
        "人员、场地、设备、线路准备情况",
        "提示：近期启用码号所需人员、场地、设备（订货、到货、存货）和线路的准备情况。",
        "{{ n95.readiness|lines }}",
        25,
    )
    text_row(
        grid,
        "从业背景和经验",
        "提示：申请单位及核心员工从事呼叫中心、多方通信等业务的背景和经验。",
        "{{ n95.experience|lines }}",
        25,
    )


DECLARATIONS = [
    "本单位保证本申请表及所附材料中的所有信息真实、准确、完整，附件复印件与原件相符；如有虚假，"
    "本单位和本人愿意接受电信主管部门依法处理。",
    "本单位保证所申请的码号仅用于本表所填写的业务和用途，自获得码号资源起一年内按本表所列进度启用码号，"
    "并达到预期的服务能力；如未按期启用或未达到预期的服务能力，本单位和本人愿意接受电信主管部门依法收回所分配的码号。",
]


def application_form(path: Path) -> None:
    doc = new_document("95号段电话接入号码码号资源申请表")
    title_block(doc)
    grid = Grid(doc, COLUMNS_MM)
    basic_information(grid)
    licence_table(grid)
    number_and_use(grid)
    technical_plan(grid)
    rollout_and_routing(grid)
    declaration(grid, "声明：", DECLARATIONS)
    grid.finish()
    end_after_table(doc)
    doc.save(str(path))


# --------------------------------------------------------------------------- 承诺书 (seed 000 附件二, for 95)

COMMITMENTS = [
    "严格按照《电信网码号资源管理办法》有关规定，自获得码号资源起一年内，按照申请表所列启用实施进度安排，"
    "在全国范围内启用码号、开展业务。",
    "严格按照工业和信息化部审批时规定的码号结构、位长、用途、使用范围和使用期限使用码号。"
    "我公司承诺不转让、不出租、不变相转租码号，不超范围使用码号，不擅自改变码号用途，"
    "不通过转接平台等任何方式违规更改电话接入号码。",
    # 950/951/952 serve a licensed telecom business; 955 serves the applicant's own customers
    "{% if n95.prefix == '955' %}码号仅用于本单位的客户服务，不利用码号开展经营性电信业务。"
    "{% else %}仅利用码号开展增值电信业务经营许可证核准的{{ n95.services|join_cn or '增值电信业务' }}，"
    "在许可证有效期内使用码号；许可证到期未续办或被注销、吊销的，停止使用并交回码号。{% endif %}",
    "严格按照《电信网码号资源管理办法》有关规定，与相关基础电信运营企业签署码号开通协议，规范接入95号段电话接入号码，"
    "不违规与基础电信运营企业之外的第三方签署协议开通码号。",
    "承诺在使用95号段电话接入号码开展外呼前，先征得被叫用户同意；规范外呼时段、频次，不对用户正常生活造成影响；"
    "被叫用户明确表示拒绝后，不继续向其发起外呼。",
    "承诺建立有效的信息安全保密管理制度和技术保障措施，严格执行国家安全管理部门和电信主管部门的安全保密管理规定，"
    "依法保护用户个人信息。",
    "每年三月底前，登录工业和信息化部政务服务平台（https://ythzxfw.miit.gov.cn/），按照要求填报上年度码号使用情况，"
    "并积极配合工业和信息化部及各地通信管理局组织的码号使用情况检查工作。",
    "服从工业和信息化部及各地通信管理局的管理。",
]


def commitment(path: Path) -> None:
    # One page whose seal goes on its own 盖章 label (sign_block keeps room around it), so it needs no
    # free seal zone at its foot: the usual 25 mm keep the page-number band free and the text on one page.
    commitment_letter(
        path,
        intro="我公司在获得中华人民共和国电信网码号资源使用证书后，在使用95号段电话接入号码"
        "（{{ n95.prefix }}号段）过程中，将遵守如下承诺：",
        clauses=COMMITMENTS,
        closing="以上承诺如有违反，愿接受工业和信息化部及各地通信管理局的依法处罚。",
        line=1.1,  # one page with the signature block, as in seed 000
        bottom_mm=25,
    )


def main(argv: Sequence[str] | None = None) -> None:
    write_forms(
        argv, __doc__, "n95", {"application_form.docx": application_form, "commitment.docx": commitment}
    )


if __name__ == "__main__":
    main()
