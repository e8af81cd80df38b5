"""Format validators: USCC (GB 32100), personal IDs (GB 11643 and the permits), phone numbers, postcode, e-mail.

Own validators rather than python-stdnum's cn.uscc / cn.ric: those refuse valid modern codes (a USCC
whose first characters are letters, such as the N1/Y1 codes; ID numbers of counties created after their
data was cut). Each validator returns the problems it finds as `Problem`s, whose `case` names the
catalogue entry (rules/data/messages.toml) that explains it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .codes import USCC_CHARS, id_check, org_code_check, uscc_check
from .findings import Severity


@dataclass(frozen=True)
class Problem:
    case: str  # the catalogue entry under the finding's code, e.g. "check"
    values: dict[str, Any] = field(default_factory=dict)
    severity: Severity = "error"


# --- 统一社会信用代码 (GB 32100-2015) ---------------------------------------------------------------


def uscc_problem(code: str) -> Problem | None:
    """The first thing wrong with a USCC, or None when it is valid."""
    from .settings import settings

    if len(code) != 18:
        return Problem("length", {"n": len(code)})
    if code != code.upper() and all(c in USCC_CHARS for c in code.upper()):
        return Problem("lowercase")
    bad = sorted({c for c in code if c not in USCC_CHARS})
    if bad:
        return Problem("chars", {"chars": " ".join(bad)})
    categories = settings().uscc_categories
    if code[0] not in categories:
        return Problem("department", {"dept": code[0]})
    if code[1] not in categories[code[0]]:
        return Problem("category", {"dept": code[0], "category": code[1]})
    if not code[2:8].isdigit():
        return Problem("division", {"division": code[2:8]})
    if org_code_check(code[8:16]) != code[16]:
        return Problem("org_check")
    if uscc_check(code[:17]) != code[17]:
        return Problem("check")
    return None


def is_uscc(code: str) -> bool:
    return uscc_problem(code) is None


# --- 18-character person IDs (GB 11643-1999, ISO 7064 MOD 11-2) -----------------------------------

_ID18 = re.compile(r"^\d{17}[\dX]$")
HMT_PREFIXES = ("810000", "820000", "830000")  # 港澳台居民居住证: Hong Kong, Macau, Taiwan


def birth_date(number: str) -> dt.date | None:
    """The birth date in characters 7-14 of an 18-character ID, or None when it is not a date."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def _id18_problems(number: str, today: dt.date) -> list[Problem]:
    """What the resident ID, the HMT residence permit and the 2023 foreign permanent ID have in common."""
    if len(number) == 18 and number[:17].isdigit() and number[17] == "x":
        return [Problem("lowercase")]
    if not _ID18.match(number):
        return [Problem("length", {"n": len(number)})]
    if id_check(number[:17]) != number[17]:
        return [Problem("check")]
    born = birth_date(number)
    if born is None or born.year < 1900:
        return [Problem("birth_date", {"date": number[6:14]})]
    if born > today:
        return [Problem("birth_future", {"date": born.isoformat()})]
    return []


def resident_id_problems(number: str, today: dt.date) -> list[Problem]:
    """居民身份证: 18 characters; a 15-digit first-generation number is refused."""
    from .divisions import divisions

    if len(number) == 15 and number.isdigit():
        return [Problem("legacy15")]
    problems = _id18_problems(number, today)
    if problems:
        return problems
    if number.startswith(HMT_PREFIXES):
        return [Problem("is_hmt")]
    if number.startswith("9"):
        return [Problem("is_foreign")]
    known = divisions().region_known(number[:6])
    if known is False:
        return [Problem("region", {"region": number[:6]})]
    if known is None:
        return [Problem("county", {"region": number[:6]}, "warning")]
    return []


def hmt_permit_problems(number: str, today: dt.date) -> list[Problem]:
    """港澳台居民居住证: 810000 (HK), 820000 (Macau), 830000 (Taiwan), then as a resident ID."""
    problems = _id18_problems(number, today)
    if problems:
        return problems
    if not number.startswith(HMT_PREFIXES):
        return [Problem("hmt_prefix", {"region": number[:6]})]
    return []


_FOREIGN_OLD = re.compile(r"^[A-Z]{3}\d{12}$")


def foreign_permanent_problems(number: str, today: dt.date) -> list[Problem]:
    """外国人永久居留身份证 (2023): 9, province of issue (2), nationality (3), birth date, sequence, check."""
    from .divisions import divisions

    if _FOREIGN_OLD.match(number):  # the 2004/2017 card: still valid until it expires, not checkable
        return [Problem("foreign_old", {}, "warning")]
    problems = _id18_problems(number, today)
    if problems:
        return problems
    if not number.startswith("9"):
        return [Problem("foreign_prefix")]
    if divisions().province_by_code(number[1:3]) is None:
        return [Problem("region", {"region": number[1:3]})]
    return []


_HK_MACAU = re.compile(r"^[HM]\d{8}(\d{2})?$")  # 港澳居民来往内地通行证 (the 2 digits: times renewed)
_TAIWAN = re.compile(r"^\d{8}$")  # 台湾居民来往大陆通行证
_TAIWAN_OLD = re.compile(r"^\d{10}$")  # with the 2-digit renewal count of older cards
_PASSPORT = re.compile(r"^[A-Z0-9]{5,17}$")


def id_problems(id_type: str, number: str, today: dt.date) -> list[Problem]:
    """Problems of an ID number by its `id_type` (spec/profile.md)."""
    if id_type == "resident_id":
        return resident_id_problems(number, today)
    if id_type == "residence_permit_hmt":
        return hmt_permit_problems(number, today)
    if id_type == "foreign_permanent_id":
        return foreign_permanent_problems(number, today)
    if id_type == "hk_macau_permit":
        return [] if _HK_MACAU.match(number) else [Problem("hk_macau")]
    if id_type == "taiwan_permit":
        if _TAIWAN.match(number):
            return []
        if _TAIWAN_OLD.match(number):
            return [Problem("taiwan_old", {}, "warning")]
        return [Problem("taiwan")]
    if id_type == "passport":
        return [] if _PASSPORT.match(number) else [Problem("passport")]
    return [Problem("id_type", {"id_type": id_type})]


def id_birth_date(id_type: str, number: str) -> dt.date | None:
    """The birth date an ID number carries (18-character types only)."""
    if id_type in ("resident_id", "residence_permit_hmt", "foreign_permanent_id") and _ID18.match(number):
        return birth_date(number)
    return None


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- phone numbers ---------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-()（）]")
_EXTENSION = re.compile(r"^(?P<main>.+?)\s*(?:转|分机|ext\.?|#)\s*(?P<ext>\d{1,6})$", re.IGNORECASE)
_FIXED = re.compile(r"^0\d{9,11}$")  # area code (2-3 digits after the 0) + 7-8 digits
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_N400 = re.compile(r"^400\d{7}$")
_N800 = re.compile(r"^800\d{7}$")
_SHORT = re.compile(r"^9[56]\d{3,4}$")  # 95XXX / 95XXXX / 96XXX / 96XXXX service numbers


def digits(text: str) -> str:
    """A phone number without separators and without the +86 / 0086 country prefix."""
    compact = _SEPARATORS.sub("", text.strip())
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            return compact[len(prefix) :]
    return compact


def _cn_number_type(national: str) -> int | None:
    import phonenumbers

    try:
        number = phonenumbers.parse(national, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return int(phonenumbers.number_type(number))


def is_mobile(text: str) -> bool:
    """A mainland mobile number (11 digits, a range phonenumbers knows as mobile)."""
    from phonenumbers import PhoneNumberType

    number = digits(text)
    return bool(_MOBILE.match(number)) and _cn_number_type(number) in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def _without_extension(text: str) -> str:
    """0571-86660001 转 8001, 0571-86660001-8001 -> 0571-86660001."""
    raw = text.strip()
    match = _EXTENSION.match(raw)
    if match:
        return match.group("main")
    parts = raw.split("-")
    if len(parts) == 3 and all(p.strip().isdigit() for p in parts) and len(parts[2].strip()) <= 6:
        return "-".join(parts[:2])
    return raw


def is_fixed(text: str) -> bool:
    """A fixed-line number with its area code (0571-86660001), optionally with an extension (转 8001)."""
    from phonenumbers import PhoneNumberType

    number = digits(_without_extension(text))
    if not number.startswith("0") and text.strip().startswith(("+86", "0086")):  # +86 571 … drops the 0
        number = "0" + number
    return bool(_FIXED.match(number)) and _cn_number_type(number) in (
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def is_400(text: str) -> bool:
    return bool(_N400.match(digits(text)))


def phone_kind(text: str) -> str | None:
    """'mobile' | 'fixed' | '400' | '800' | 'short' (95/96 numbers), or None when it is none of them."""
    number = digits(text)
    if _N400.match(number):
        return "400"
    if _N800.match(number):
        return "800"
    if _SHORT.match(number):
        return "short"
    if is_mobile(number):
        return "mobile"
    if is_fixed(text):
        return "fixed"
    return None


def is_virtual_mobile(text: str, prefixes: list[str]) -> bool:
    """A mobile number in a virtual-operator (虚拟运营商) range."""
    number = digits(text)
    return bool(_MOBILE.match(number)) and number.startswith(tuple(prefixes))


# --- postcode, e-mail, address -------------------------------------------------------------------

_POSTCODE = re.compile(r"^\d{6}$")
_EMAIL = re.compile(
    r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
# A house number: digits or Chinese numerals before 号 (188 号, 十二号, 3-5号, 甲 6 号).
_HOUSE_NUMBER = re.compile(r"[0-9０-９一二三四五六七八九十百千零〇甲乙丙丁之\-－—]\s*号")


def is_postcode(text: str) -> bool:
    return bool(_POSTCODE.match(text))


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text)) and ".." not in text


def has_house_number(address: str) -> bool:
    """Whether an address reaches the house number (门牌号): “文三路 188 号”."""
    return bool(_HOUSE_NUMBER.search(address))
