"""The n400 form context: the profile dump plus the values the four 400 forms compute."""

from __future__ import annotations

from typing import Any

from docxtpl import DocxTemplate

from ...profile import LoadedProfile
from ...render.engine import date_cn
from ...rules import printed
from ..context import wrong_kind
from .profile import N400Profile

DESTINATION_ROWS = 3  # the 业务需求单 always prints three 目的码 lines
# The forms' name of each ID document (rules/data/printed.toml).
ID_TYPE_LABELS: dict[str, str] = dict(printed.table()["n400"]["id_types"])


def org_code(uscc: str) -> str:
    """组织机构代码 = characters 9–17 of the USCC, printed as XXXXXXXX-X; "" when the USCC is too short."""
    code = uscc.strip().upper()
    if len(code) != 18:
        return ""
    return f"{code[8:16]}-{code[16]}"


def destination_rows(destinations: list[str]) -> list[dict[str, Any]]:
    """Exactly three numbered rows; the ones the profile does not fill stay blank."""
    numbers = list(destinations[:DESTINATION_ROWS])
    numbers += [""] * (DESTINATION_ROWS - len(numbers))
    return [{"no": n, "number": number} for n, number in enumerate(numbers, 1)]


def build_context(loaded: LoadedProfile, tpl: DocxTemplate) -> dict[str, Any]:
    """The jinja context of the n400 templates (tpl is unused: the forms embed no images)."""
    profile = loaded.model
    if not isinstance(profile, N400Profile):
        raise wrong_kind(loaded, "n400")
    n400 = profile.n400
    context = profile.model_dump(mode="python")
    context.update(
        sign_date=date_cn(profile.signing.date),
        open_date=date_cn(n400.open_date),
        org_code=org_code(profile.company.uscc),
        destination_rows=destination_rows(n400.destinations),
        agent_id_label=ID_TYPE_LABELS[profile.agent.id_type],
        hotlines="、".join(h for h in n400.carrier.hotlines if h),
    )
    return context
