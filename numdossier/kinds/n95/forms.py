"""The n95 form context: the profile dump plus the values the 码号资源申请表 and 承诺书 compute."""

from __future__ import annotations

from typing import Any

from docxtpl import DocxTemplate

from ...profile import LoadedProfile
from ...render.engine import date_cn
from ...render.images import diagram
from ...rules import printed
from ..context import wrong_kind
from .profile import Licence, N95Profile

# The services a 95 number is mainly used for (seed 001, 材料 3): the form's checkbox options.
SERVICES = tuple(printed.listing("n95.services"))
# 955XX is planned for large service enterprises of these sectors (seeds 001 and 003); no licence needed.
SECTORS_955 = tuple(printed.listing("n95.sectors_955"))
NATIONWIDE = "全国"


def coverage(profile: N95Profile) -> dict[str, Any]:
    """业务覆盖范围: the licence's provinces and cities; for 955 nationwide, with the branches' spread."""
    if profile.n95.prefix == "955":
        provinces = [b.province for b in profile.branches]
        cities = [b.city for b in profile.branches]
        nationwide = True
    else:
        licence = profile.licence or Licence()
        provinces, cities = licence.provinces, licence.cities
        nationwide = NATIONWIDE in provinces
    return {"nationwide": nationwide, "provinces": _distinct(provinces), "cities": _distinct(cities)}


def _distinct(values: list[str]) -> list[str]:
    """In first-seen order, without blanks and without the word 全国 (printed as its own checkbox)."""
    return list(dict.fromkeys(v for v in values if v and v != NATIONWIDE))


def build_context(loaded: LoadedProfile, tpl: DocxTemplate) -> dict[str, Any]:
    """The jinja context of the n95 templates (tpl is needed to place the diagram as an InlineImage)."""
    profile = loaded.model
    if not isinstance(profile, N95Profile):
        raise wrong_kind(loaded, "n95")
    context = profile.model_dump(mode="python")
    context.update(
        # a 955 profile has no licence table; the form prints blanks or 不适用 instead
        licence=(profile.licence or Licence()).model_dump(mode="python"),
        sign_date=date_cn(profile.signing.date),
        network_plan_image=diagram(loaded, tpl, profile.n95.network_plan_image, "n95.network_plan_image"),
        coverage=coverage(profile),
        service_options=SERVICES,
        sectors_955=SECTORS_955,
    )
    return context
