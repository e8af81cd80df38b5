"""The callcentre profile: the 增值电信业务经营许可证（呼叫中心业务）application (seeds/003).

Besides the shared tables: the licence's scope (one province or 全国), the shareholders, the professional
staff, the office premises, the call-centre platform and the prose of the four plans.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ...profile.model import Carrier, IdType, Path, ProfileBase, Strict, Text
from ...rules import printed

SERVICE = printed.words("callcentre.service")  # the default 业务种类

SystemKind = Literal["IVR", "ACD", "recording", "database", "CTI", "other"]


class Scope(Strict):
    """业务覆盖范围: one province (approved by its 通信管理局) or 全国 (approved by 工业和信息化部)."""

    scope: Literal["province", "nationwide"] = "province"
    province: Text = ""  # when scope = "province": the province, region or municipality
    services: Text = SERVICE  # the 业务种类 applied for, as it will read on the licence


class Shareholder(Strict):
    """One shareholder (股东): a natural person (ID number) or a company (USCC), with its share."""

    name: Text
    type: Literal["person", "company"] = "person"
    id_type: IdType = "resident_id"  # persons only
    id_number: Text = ""  # persons: ID number
    uscc: Text = ""  # companies: 统一社会信用代码
    share: float | int = 0  # 持股比例, %
    contribution: float | int = 0  # 认缴出资额, 万元 (optional)
    nationality: Text = "中国"  # 国籍 (person) or 注册地 (company)
    proofs: list[Path] = Field(default_factory=list)  # person: ID both sides; company: business licence


class StaffMember(Strict):
    """A professional (专业人员) on the company's payroll: ID copy and social-insurance proof attached."""

    name: Text
    role: Text = ""  # 岗位, e.g. 技术负责人
    id_type: IdType = "resident_id"
    id_number: Text = ""
    education: Text = ""  # 学历及专业 (optional)
    insurance_months: int = 0  # 近期连续缴纳社会保险的月数
    id_copy: list[Path] = Field(default_factory=list)
    insurance_proof: list[Path] = Field(default_factory=list)


class Premises(Strict):
    """Office premises (办公场所): leased from `owner`, or owned when the owner is the company itself."""

    address: Text
    area: float | int = 0  # 建筑面积, m²
    use: Text = ""  # 用途, e.g. 办公及坐席场地
    owner: Text = ""  # 产权人, as on the property certificate
    lease_start: dt.date | None = None
    lease_end: dt.date | None = None


class PlatformSystem(Strict):
    """One system of the call-centre platform."""

    kind: SystemKind
    name: Text = ""  # e.g. 交互式语音应答系统
    product: Text = ""  # 品牌型号 / 软件及版本
    quantity: int = 1
    function: Text = ""  # 主要功能


class Platform(Strict):
    """The call-centre platform (技术方案): where it runs, what it is made of, how it reaches the networks."""

    sites: list[Text] = Field(default_factory=list)  # 平台设置地（机房）, full addresses
    carriers: list[Carrier] = Field(default_factory=list)  # 接入的基础电信企业
    access: Text = ""  # 接入方式: trunks, bandwidth, signalling
    seats: int = 0  # 坐席数
    seats_planned: int = 0  # 规划坐席数 (optional)
    overview: Text = ""  # 系统概述
    network: Text = ""  # 网络组织 (text)
    diagram: Path = ""  # optional 网络组织图, placed under the text
    operations: Text = ""  # 运行维护
    systems: list[PlatformSystem] = Field(default_factory=list)


class Milestone(Strict):
    """One year of the 业务发展计划."""

    year: int
    seats: int = 0
    clients: int = 0
    revenue: float | int = 0  # 预计业务收入, 万元
    goal: Text = ""


class Plans(Strict):
    """The prose of 经营方案及业务发展计划 (business) and 网络与信息安全保障措施 (security)."""

    services: Text = ""  # 业务内容及服务方式
    customers: Text = ""  # 服务对象及市场分析
    charging: Text = ""  # 经营模式与收费方式
    quality: Text = ""  # 服务质量保障
    development: Text = ""  # 业务发展计划（总体）
    milestones: list[Milestone] = Field(default_factory=list)
    security_organisation: Text = ""  # 安全管理机构
    security_duties: Text = ""  # 岗位职责
    security_technical: Text = ""  # 技术保障措施
    security_incidents: Text = ""  # 应急处置
    security_user_data: Text = ""  # 用户个人信息保护


class CallcentreProfile(ProfileBase):
    kind: Literal["callcentre"]
    callcentre: Scope = Field(default_factory=Scope)
    shareholders: list[Shareholder] = Field(default_factory=list)
    staff: list[StaffMember] = Field(default_factory=list)
    premises: list[Premises] = Field(default_factory=list)
    platform: Platform = Field(default_factory=Platform)
    plans: Plans = Field(default_factory=Plans)


Profile = CallcentreProfile
