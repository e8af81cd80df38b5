"""The ucc profile: enterprise converged communications, 企业融合通信 (spec/profile.md, section ucc)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ...profile.model import Carrier, Path, ProfileBase, Strict, Text

Holder = Literal["company", "legal_rep", "employee"]
Money = float | int


class Contact24h(Strict):
    """24 小时联络人, named in the anti-fraud commitment."""

    name: Text
    phone: Text = ""


class Provider(Strict):
    """乙方: the platform provider that receives the dossier."""

    name: Text
    contact: Text = ""
    phone: Text = ""
    address: Text = ""
    bank: Text = ""
    account: Text = ""


class Contract(Strict):
    """The service agreement's package and period; fees in 元."""

    start: dt.date | None = None
    end: dt.date | None = None
    platform_fee: Money = 0  # 元/年, 企业通信平台
    number_fee: Money = 0  # 选号费
    prepaid: Money = 0  # 充值话费
    rate: Money = 0  # 元/分钟
    equipment: Text = ""  # 设备型号/数量/价格
    total: Money = 0  # printed in figures and in 大写


class Destination(Strict):
    """真实落地号码（目的码）bound to the business number."""

    number: Text
    holder: Holder = "company"
    holder_name: Text = ""
    holder_id: Text = ""
    bill: list[Path] = Field(default_factory=list)
    relation: Text = ""  # required for employee numbers


class Ucc(Strict):
    business_number: Text
    use: Text = ""
    carrier: Carrier = "中国移动"
    contact_24h: Contact24h
    provider: Provider
    contract: Contract = Field(default_factory=Contract)
    destinations: list[Destination] = Field(default_factory=list)


class UccProfile(ProfileBase):
    kind: Literal["ucc"]
    ucc: Ucc


Profile = UccProfile
