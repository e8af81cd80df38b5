"""Masking of personal data in everything printed or logged: ID numbers, mobile numbers, bank accounts."""

from __future__ import annotations

import re

from .rules.codes import mask_id

# 18-character IDs (resident, HMT residence permit, 2023 foreign permanent ID) and 15-digit legacy IDs;
# mobile numbers; long digit runs such as bank accounts. Not preceded/followed by other digits.
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
_ACCOUNT = re.compile(r"(?<!\d)(\d{12,30})(?!\d)")


def redact(text: str) -> str:
    text = _ID.sub(lambda m: mask_id(m.group(1)), text)
    text = _MOBILE.sub(lambda m: m.group(1)[:3] + "****" + m.group(1)[-4:], text)
    return _ACCOUNT.sub(lambda m: mask_id(m.group(1)), text)
