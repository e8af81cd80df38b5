"""The n96 profile: 96 customer-service short number (spec/profile.md, section n96)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ...profile.model import (
    Branch,
    CurrentNumbers,
    Equipment,
    Path,
    ProfileBase,
    ServiceHead,
    Strict,
    Text,
    Trunk,
)


class N96(Strict):
    digits: Literal[5, 6] = 5
    wanted: Text = ""
    purpose: Text = ""
    topology: Text = ""
    topology_image: Path = ""
    network: Literal["centralized", "distributed", "other"] = "centralized"
    network_note: Text = ""
    platform_sites: list[Text] = Field(default_factory=list)
    seats_existing: int = 0
    seats_planned: int = 0
    monthly_calls: int = 0
    connect_rate: float | int = 0
    first_year_cities: list[Text] = Field(default_factory=list)
    schedule: Text = ""
    equipment: list[Equipment] = Field(default_factory=list)
    trunks: list[Trunk] = Field(default_factory=list)


class N96Profile(ProfileBase):
    kind: Literal["n96"]
    service_head: ServiceHead
    branches: list[Branch] = Field(default_factory=list)
    current_numbers: CurrentNumbers = Field(default_factory=CurrentNumbers)
    n96: N96


Profile = N96Profile
