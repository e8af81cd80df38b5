"""The n96 form context: the profile dump plus the values the 占用申请表 and 承诺书 compute."""

from __future__ import annotations

from typing import Any

from docxtpl import DocxTemplate, InlineImage

from ...profile import LoadedProfile
from ...profile.model import Trunk
from ...render.engine import date_cn
from ...render.images import diagram
from ..context import wrong_kind
from .profile import N96Profile

# The 线路准备情况 table lists the basic carriers in this order, each with a checkbox.
CARRIERS = ("中国电信", "中国移动", "中国联通", "中国广电")


def trunk_rows(trunks: list[Trunk]) -> list[dict[str, Any]]:
    """One row per trunk in carrier order, and an empty unchecked row for each carrier without one."""
    rows: list[dict[str, Any]] = []
    for carrier in CARRIERS:
        mine = [t for t in trunks if t.carrier == carrier]
        rows += [
            {
                "carrier": carrier,
                "checked": True,
                "location": t.location,
                "count": t.count,
                "purchased": t.purchased,
            }
            for t in mine
        ]
        if not mine:
            rows.append(
                {"carrier": carrier, "checked": False, "location": "", "count": "", "purchased": None}
            )
    return rows


def topology_image(loaded: LoadedProfile, tpl: DocxTemplate) -> InlineImage | str:
    """The network diagram sized for the form (150 mm wide, shorter if it is tall), or "" if none."""
    assert isinstance(loaded.model, N96Profile)
    return diagram(loaded, tpl, loaded.model.n96.topology_image, "n96.topology_image")


def build_context(loaded: LoadedProfile, tpl: DocxTemplate) -> dict[str, Any]:
    """The jinja context of the n96 templates (tpl is needed to place the diagram as an InlineImage)."""
    profile = loaded.model
    if not isinstance(profile, N96Profile):
        raise wrong_kind(loaded, "n96")
    context = profile.model_dump(mode="python")
    context.update(
        sign_date=date_cn(profile.signing.date),
        topology_image=topology_image(loaded, tpl),
        trunk_rows=trunk_rows(profile.n96.trunks),
    )
    return context
