"""The n95 profile: 95 call-centre and service numbers, 950/951/952/955 (spec/profile.md, section n95)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from ...profile.model import (
    Branch,
    Carrier,
    CurrentNumbers,
    Equipment,
    Path,
    ProfileBase,
    Strict,
    Text,
    Trunk,
)


class Licence(Strict):
    """增值电信业务经营许可证. Its services are free text: a licence lists more than the 95 services."""

    number: Text = ""
    services: list[Text] = Field(default_factory=list)
    provinces: list[Text] = Field(default_factory=list)
    cities: list[Text] = Field(default_factory=list)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


class Rollout(Strict):
    """One line of the 启用实施进度安排: where and when the number is switched on."""

    province: Text
    city: Text = ""
    date: dt.date | None = None


class N95(Strict):
    prefix: Literal["950", "951", "952", "955"]
    wanted: Text = ""
    services: list[Text] = Field(default_factory=list)  # checked against the licence by `check`
    purpose: Text = ""
    clients: Text = ""
    extend_digits: bool = False
    extension_plan: Text = ""
    call_flow: Text = ""
    traffic_forecast: Text = ""
    seats_existing: int = 0
    seats_planned: int = 0
    agents: int = 0
    platform: Literal["centralized", "distributed"] = "centralized"
    platform_sites: list[Text] = Field(default_factory=list)
    access: Literal["direct", "transit"] = "direct"
    carriers: list[Carrier] = Field(default_factory=list)
    gateways: Text = ""
    signalling: Text = ""
    network_plan: Text = ""
    network_plan_image: Path = ""
    dialing: Text = ""
    routing: Text = ""
    experience: Text = ""
    readiness: Text = ""
    rollout: list[Rollout] = Field(default_factory=list)
    equipment: list[Equipment] = Field(default_factory=list)
    trunks: list[Trunk] = Field(default_factory=list)


class N95Profile(ProfileBase):
    kind: Literal["n95"]
    licence: Licence | None = None  # 950/951/952 only; a 955 applicant has none
    current_numbers: CurrentNumbers = Field(default_factory=CurrentNumbers)
    branches: list[Branch] = Field(default_factory=list)  # 955 only
    n95: N95


Profile = N95Profile
