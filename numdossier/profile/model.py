"""The profile model (spec/profile.md, format 1): the tables every kind shares; kinds add theirs
(numdossier/kinds/<k>/profile.py, found through numdossier.kinds.registry)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..rules import messages

# Strings are stripped; field-level emptiness is a `check` finding (FIELD-MISSING), not a load error,
# so that `check` can report every gap of a half-filled profile in one run.
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
Path = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1_000)]

IdType = Literal[
    "resident_id",
    "residence_permit_hmt",
    "hk_macau_permit",
    "taiwan_permit",
    "foreign_permanent_id",
    "passport",
]
Carrier = Literal["中国电信", "中国移动", "中国联通", "中国广电"]


class Strict(BaseModel):
    """Unknown keys are errors (with a did-you-mean hint from the loader), never ignored."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Company(Strict):
    name: Text
    uscc: Text
    address: Text
    postcode: Text
    entity_type: Literal["enterprise", "individual_business"] = "enterprise"
    industry: Text = ""
    industry_detail: Text = ""
    registered_capital: float | int = 0
    business_scope: Text = ""
    introduction: Text = ""


class LegalRep(Strict):
    name: Text
    id_type: IdType = "resident_id"
    id_number: Text
    id_valid_until: dt.date | Literal["long_term"] | None = None
    office_phone: Text = ""
    mobile: Text = ""


class Contact(Strict):
    name: Text
    office_phone: Text = ""
    mobile: Text = ""
    email: Text = ""
    id_type: IdType = "resident_id"
    id_number: Text = ""


class Signing(Strict):
    date: dt.date | None = None
    place: Text = ""


class ServiceHead(Strict):
    name: Text
    office_phone: Text = ""
    mobile: Text = ""


class Branch(Strict):
    name: Text
    kind: Literal["分公司", "营业网点", "其他"] = "分公司"
    province: Text
    city: Text
    uscc: Text = ""
    proofs: list[Path] = Field(default_factory=list)


class CurrentNumbers(Strict):
    numbers: list[Text] = Field(default_factory=list)
    technology: Text = ""
    seats: int = 0
    staff: int = 0
    daily_inbound: int = 0
    daily_outbound: int = 0
    effect: Text = ""


class Equipment(Strict):
    name: Text
    model: Text = ""
    quantity: int = 1
    purchased: bool = False


class Trunk(Strict):
    carrier: Carrier
    location: Text = ""
    count: int = 0
    purchased: bool = False


class ProfileBase(Strict):
    format: Literal[1]
    kind: str
    name: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^/\\\x00]{1,100}$")] | None = (
        None
    )
    company: Company
    legal_rep: LegalRep
    number_contact: Contact
    signing: Signing = Field(default_factory=Signing)
    attachments: dict[str, list[Path]] = Field(default_factory=dict)
    # 自带模板: form item id -> a DOCX relative to the profile (numdossier.kinds.overrides)
    templates: dict[str, Path] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _name_is_a_folder_name(self) -> ProfileBase:
        # `name` becomes OUT/<name>/: the pattern refuses separators, and these two would leave OUT
        if self.name in (".", ".."):
            raise ValueError(messages.text("profile.model.dot_name"))
        return self
