"""Make a warm LibreOffice's PDFs reproducible: its Type 1 font ids count up for the life of the process.

LibreOffice embeds CFF fonts (Noto CJK) as Type 1 with `/UniqueID 41000NN`, NN counting the fonts
embedded since the process started (vcl/source/fontsubset/cff.cxx). A one-shot soffice starts at the same
count every run; a warm one never does, so the same form came out different each time. The id appears
in the clear part and in the eexec-encrypted Private dictionary; both are set to one value of the same
length (the stream lengths stay as they are) and the encrypted part is encrypted again.
"""

from __future__ import annotations

import io
import re
import zlib

import pikepdf

_ID = re.compile(rb"(/UniqueID )(\d+)")
_EEXEC_KEY = 55665  # Adobe Type 1 Font Format, 7.2


def reproducible_pdf(data: bytes) -> bytes:
    """The PDF with every embedded Type 1 font's UniqueID fixed; unchanged if it has none."""
    if b"/FontFile " not in data and b"/FontFile/" not in data and b"/FontFile\n" not in data:
        return data
    changed = False
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/FontDescriptor":
                continue
            font = obj.get("/FontFile")
            if not isinstance(font, pikepdf.Stream) or "/Length1" not in font or "/Length2" not in font:
                continue
            raw = font.read_bytes()
            clear_len, secret_len = int(font.Length1), int(font.Length2)
            clear = _fixed(raw[:clear_len])
            secret = _encrypt(_fixed(_decrypt(raw[clear_len : clear_len + secret_len])))
            fixed = clear + secret + raw[clear_len + secret_len :]
            if fixed != raw:
                font.write(zlib.compress(fixed, 9), filter=pikepdf.Name.FlateDecode)
                changed = True
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _fixed(text: bytes) -> bytes:
    return _ID.sub(lambda m: m.group(1) + b"4" + b"0" * (len(m.group(2)) - 1), text)


def _decrypt(data: bytes) -> bytes:
    r, out = _EEXEC_KEY, bytearray()
    for c in data:
        out.append(c ^ (r >> 8))
        r = ((c + r) * 52845 + 22719) & 0xFFFF
    return bytes(out)


def _encrypt(data: bytes) -> bytes:
    r, out = _EEXEC_KEY, bytearray()
    for p in data:
        c = p ^ (r >> 8)
        out.append(c)
        r = ((c + r) * 52845 + 22719) & 0xFFFF
    return bytes(out)
