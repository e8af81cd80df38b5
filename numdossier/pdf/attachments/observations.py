"""What `build` did to an attachment on its way into the dossier, for the manifest and the build summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# repaired: qpdf rebuilt a damaged PDF and every declared page came back. reencoded: an image had to be
# decoded and written again (lossless unless `lossy`). rotated: EXIF orientation or /Rotate turned upright.
# downscaled: content printed smaller than its natural size to fit A4. fonts_embedded: fonts the file
# only named were embedded by substitution. rasterised: pages drawn as 300 dpi images (the last resort).
# decrypted: an owner-password-only PDF written out without its encryption. seal_zone: fitted above or
# beside the seal zone (geometry.fit) so that the placeholder covers none of it.
CODES = (
    "repaired",
    "reencoded",
    "rotated",
    "downscaled",
    "seal_zone",
    "fonts_embedded",
    "rasterised",
    "decrypted",
)


@dataclass(frozen=True)
class Observation:
    code: str
    values: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, **self.values}

    def describe(self) -> str:
        """One sentence for people, in the message catalogue's current language."""
        from numdossier.rules.messages import text

        values = dict(self.values)  # its lists (fonts, pages) are joined by the catalogue's formatter
        variant = self.code
        if self.code == "reencoded" and values.get("lossy"):
            variant = "reencoded_lossy"
        elif self.code == "seal_zone" and values.get("dpi") is not None:
            variant = "seal_zone_low" if values.get("low") else "seal_zone_dpi"
        return text(f"observations.{variant}", **values)


def seal_zone(page: int, dpi: float | None) -> Observation:
    """Page `page` was fitted clear of the seal zone; `dpi`: its scan's resolution as printed, which
    fitting never lowers: when it is below the legible minimum (the setting min_dpi, as check warns with
    ATTACH-LOW-RES) the source is too coarse and the observation says so."""
    if dpi is None:
        return Observation("seal_zone", {"pages": [page]})
    from numdossier.rules.settings import settings

    minimum = settings().get("min_dpi")
    values: dict[str, Any] = {"pages": [page], "dpi": round(dpi), "minimum": minimum}
    if dpi < minimum:
        values["low"] = True
    return Observation("seal_zone", values)


def merge(found: list[Observation]) -> list[Observation]:
    """One observation per code, in order of first appearance (pages of a file are observed one by one)."""
    merged: dict[str, Observation] = {}
    for o in found:
        if o.code not in merged:
            merged[o.code] = Observation(o.code, dict(o.values))
            continue
        values = merged[o.code].values
        for key, value in o.values.items():
            if isinstance(value, list) and isinstance(values.get(key), list):
                values[key] = values[key] + [v for v in value if v not in values[key]]
            elif key in ("scale", "dpi") and key in values:
                values[key] = min(values[key], value)
            elif key == "low":
                values[key] = values.get(key, False) or value
            else:
                values.setdefault(key, value)
    return list(merged.values())
