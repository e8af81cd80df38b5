"""The seal zone every dossier page keeps free: where the every-page placeholder goes (no dependencies, so
that `check`, which loads no renderer, fits scans by the same numbers as `build`)."""

from __future__ import annotations

MM = 72 / 25.4
A4_WIDTH = 210 * MM
SEAL_DIAMETER = 42 * MM
EDGE = 6 * MM  # keep the circle this far from the paper edge
FOOTER = 20 * MM  # the page-number band at the bottom stays free
ZONE_GAP = 2 * MM
# The placeholder's square in the lower right corner, above the page-number band, with a small gap
# (llx, lly, urx, ury in points): from 160 mm across, up to 64 mm. Templates and generated pages keep the
# whole band up to its top free (their 64 mm bottom margin); scans are fitted clear of it
# (pdf/attachments/geometry.py), and placement._emptiest prefers the lower right, so the circle lands in it.
SEAL_ZONE = (
    A4_WIDTH - EDGE - SEAL_DIAMETER - ZONE_GAP,
    0.0,
    A4_WIDTH,
    FOOTER + SEAL_DIAMETER + ZONE_GAP,
)
