"""The n400 profile: 400 number (spec/profile.md, section n400)."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import Field

from ...profile.model import Carrier, IdType, ProfileBase, Strict, Text

RequestType = Literal["开通", "撤机", "停机保号", "用户资料变更", "业务数据变更", "业务号码变更"]
REQUEST_TYPES: tuple[str, ...] = get_args(RequestType)
Scope = Literal["国际", "全国", "省内"]
SCOPES: tuple[str, ...] = get_args(Scope)
Use = Literal["办公", "营销", "热线电话", "其他"]
USES: tuple[str, ...] = get_args(Use)


class Agent(Strict):
    """经办人, authorised by the 授权委托书."""

    name: Text
    id_type: IdType = "resident_id"
    id_number: Text = ""
    mobile: Text = ""
    phone: Text = ""
    email: Text = ""


class N400Carrier(Strict):
    """受理单位 / 乙方: the reseller or carrier branch that receives the dossier."""

    name: Text
    brand: Carrier = "中国电信"
    hotlines: list[Text] = Field(default_factory=list)


class N400(Strict):
    number: Text = ""
    small_number: Text = ""
    destinations: list[Text] = Field(default_factory=list)
    request: RequestType = "开通"
    open_date: dt.date | None = None
    request_no: Text = ""
    scope: Scope = "全国"
    scope_province: Text = ""
    use: Use = "热线电话"
    use_detail: Text = ""
    service_years: int = 1
    note: Text = ""
    carrier: N400Carrier


class N400Profile(ProfileBase):
    kind: Literal["n400"]
    agent: Agent
    n400: N400


Profile = N400Profile
