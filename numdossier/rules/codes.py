"""Check characters of Chinese identification codes (GB 32100 USCC, GB 11714, GB 11643 / ISO 7064)."""

from __future__ import annotations

# GB 32100-2015 table 1: the 31 characters a USCC may use (no I, O, Z, S, V).
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body (0-9, A-Z)."""
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def uscc_check(body17: str) -> str:
    """GB 32100 check character (mod 31) of the first 17 characters."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def id_check(body17: str) -> str:
    """GB 11643 / ISO 7064 MOD 11-2 check character of an 18-character ID number."""
    total = sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def make_uscc(dept_category: str, division: str, org_body8: str) -> str:
    """Assemble a USCC with both check characters (used for fictitious sample and test data)."""
    org = org_body8 + org_code_check(org_body8)
    body = dept_category + division + org
    return body + uscc_check(body)


def mask_id(value: str) -> str:
    """1101**********002X: the first 4 and last 4 characters stay, the rest is masked."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****8001: a mobile-like number (11 digits or more, starting with 1) keeps 3 + 4 digits."""
    digits = "".join(c for c in value if c.isdigit()).removeprefix("0086")
    if value.strip().startswith("+86"):
        digits = digits.removeprefix("86")
    if len(digits) < 11 or not digits.startswith("1"):
        return value
    return "".join(digits[:3]) + "****" + "".join(digits[-4:])
