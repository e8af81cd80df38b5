"""What the signer added: ink on the registered scan that the printed page does not have.

Red seal ink is found by HSV segmentation of the scan minus the red already printed (the dashed
placeholder circle, red seals inside attachment copies); pen ink by dark pixels the original lacks.
Areas are in mm² and lengths in mm of the dossier page.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .register import PX_PER_MM, Match, Original, drift, flatten, grey_of, warp

MM2 = PX_PER_MM * PX_PER_MM  # pixels per mm²
DARK = 150  # flattened grey below this is ink
FAINT = 215  # ... this is at least a trace of ink
SOLID = 90  # ... this is solid print
SEAL_MIN_MM = 18.0  # the smallest seal (round 38-42 mm, oval 40x30, 财务章 22 mm; a light one may show less)
SEAL_MAX_MM = 75.0
SEAL_MIN_AREA = 30.0  # mm² of red a seal impression has at least (a faint 40 mm ring alone: ~60)
SEAL_REACH_MM = 15.0  # how far from its placeholder a seal still counts as "at" it
PEN_MIN_AREA = 4.0  # mm² of pen ink that make a signature or a date
PEN_MIN_EXTENT = 4.0  # mm


def _disc(radius_px: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius_px + 1, 2 * radius_px + 1))


def red_mask(rgb: np.ndarray) -> np.ndarray:
    """Pixels of red ink (seal red, from vermilion to crimson), as 0/255."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    low = cv2.inRange(hsv, np.array([0, 80, 60]), np.array([12, 255, 255]))
    high = cv2.inRange(hsv, np.array([160, 80, 60]), np.array([180, 255, 255]))
    return cv2.bitwise_or(low, high)


def is_grey(rgb: np.ndarray) -> bool:
    """A greyscale scan (or one whose colour was lost): almost no saturated pixels at all."""
    if rgb.ndim == 2:
        return True
    # A colour scan, even of a page without colour, has chroma noise; a grey one has none at all.
    small = rgb[::2, ::2].astype(np.int16)
    spread = np.abs(small[:, :, 0] - small[:, :, 1]) + np.abs(small[:, :, 1] - small[:, :, 2])
    return bool((spread > 6).mean() < 0.0002)


@dataclass
class Added:
    """The registered scan of one page against its original: masks in page pixels (0/255)."""

    grey_scan: bool
    red: np.ndarray  # red ink the original does not have (any new ink, for a greyscale scan)
    pen: np.ndarray  # dark non-red ink the original does not have
    missing: np.ndarray  # printed ink the scan does not show
    covered: np.ndarray  # where the scan covers the page at all


def added(scan: np.ndarray, page: Original, match: Match) -> Added:
    """Lay the scan (RGB or grey, working pixels) onto `page` and take the differences."""
    size = (page.grey.shape[1], page.grey.shape[0])
    laid = warp(scan, match.to_page, size)
    covered = warp(np.full(scan.shape[:2], 255, np.uint8), match.to_page, size, border=0)
    covered = cv2.erode(covered, _disc(3))
    grey_scan = is_grey(scan)
    scan_grey = flatten(grey_of(laid))
    map_x, map_y = drift(scan_grey, page.grey)
    laid, scan_grey, covered = (
        cv2.remap(m, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        for m in (laid, scan_grey, covered)
    )
    scan_dark = (scan_grey < DARK).astype(np.uint8) * 255
    # Thin print turns light grey in a low-resolution or blurred scan: what is printed counts generously
    # when looking for added ink, and only solid print counts when looking for missing print.
    page_any = (page.grey < FAINT).astype(np.uint8) * 255
    page_solid = (page.grey < SOLID).astype(np.uint8) * 255
    scan_any = (scan_grey < FAINT).astype(np.uint8) * 255
    near_printed = cv2.dilate(page_any, _disc(2))
    page_red = cv2.dilate(red_mask(page.colour), _disc(2))
    if grey_scan:
        new = cv2.bitwise_and(scan_dark, cv2.bitwise_not(cv2.bitwise_or(near_printed, page_red)))
        red = pen = new
    else:
        scan_red = red_mask(laid)
        red = cv2.bitwise_and(scan_red, cv2.bitwise_not(page_red))
        pen = cv2.bitwise_and(
            scan_dark, cv2.bitwise_not(cv2.bitwise_or(near_printed, cv2.dilate(scan_red, _disc(1))))
        )
    missing = cv2.bitwise_and(page_solid, cv2.bitwise_not(cv2.dilate(scan_any, _disc(2))))
    red, pen, missing = (_without_specks(cv2.bitwise_and(m, covered)) for m in (red, pen, missing))
    return Added(grey_scan, red, pen, missing, covered)


SPECK_PX = 6  # JPEG noise and misregistration by a pixel leave specks of a few pixels


def _without_specks(mask: np.ndarray) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= SPECK_PX
    keep[0] = False
    cleaned: np.ndarray = (keep[labels] * 255).astype(np.uint8)
    return cleaned


def _box_px(box_mm: tuple[float, float, float, float], shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = (round(v * PX_PER_MM) for v in box_mm)
    h, w = shape[:2]
    return max(0, x0), max(0, y0), min(w, x1), min(h, y1)


def seal_near(
    red: np.ndarray, centre_mm: tuple[float, float], diameter_mm: float
) -> tuple[float, float, float, float] | None:
    """The box (mm) of a seal-sized blob of red ink at or near a placeholder, or None."""
    reach = diameter_mm / 2 + SEAL_REACH_MM + SEAL_MAX_MM / 2
    cx, cy = centre_mm
    x0, y0, x1, y1 = _box_px((cx - reach, cy - reach, cx + reach, cy + reach), red.shape)
    region = red[y0:y1, x0:x1]
    if not region.any():
        return None
    # Ring segments and the characters inside join into one blob.
    joined = cv2.morphologyEx(region, cv2.MORPH_CLOSE, _disc(round(2.5 * PX_PER_MM)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    best = None
    for index in range(1, count):
        left, top, width, height, _ = stats[index]
        w_mm, h_mm = width / PX_PER_MM, height / PX_PER_MM
        if not (SEAL_MIN_MM <= max(w_mm, h_mm) <= SEAL_MAX_MM and min(w_mm, h_mm) >= SEAL_MIN_MM * 0.6):
            continue
        ink = float(np.count_nonzero(region[labels == index])) / MM2
        if ink < SEAL_MIN_AREA:
            continue
        bx = (x0 + left + width / 2) / PX_PER_MM
        by = (y0 + top + height / 2) / PX_PER_MM
        if np.hypot(bx - cx, by - cy) > diameter_mm / 2 + SEAL_REACH_MM:
            continue
        box = (
            (x0 + left) / PX_PER_MM,
            (y0 + top) / PX_PER_MM,
            (x0 + left + width) / PX_PER_MM,
            (y0 + top + height) / PX_PER_MM,
        )
        if best is None or ink > best[0]:
            best = (ink, box)
    return best[1] if best else None


def ink_in(mask: np.ndarray, box_mm: tuple[float, float, float, float], margin_mm: float = 2.0) -> float:
    """mm² of ink inside a box (grown by `margin_mm`), counting only a blob of pen-stroke extent."""
    x0, y0, x1, y1 = box_mm
    px0, py0, px1, py1 = _box_px((x0 - margin_mm, y0 - margin_mm, x1 + margin_mm, y1 + margin_mm), mask.shape)
    region = mask[py0:py1, px0:px1]
    if not region.any():
        return 0.0
    ys, xs = np.nonzero(region)
    extent = max(xs.max() - xs.min(), ys.max() - ys.min()) / PX_PER_MM
    return float(len(xs)) / MM2 if extent >= PEN_MIN_EXTENT else 0.0


def area_in(mask: np.ndarray, box_mm: tuple[float, float, float, float]) -> float:
    x0, y0, x1, y1 = _box_px(box_mm, mask.shape)
    return float(np.count_nonzero(mask[y0:y1, x0:x1])) / MM2


def unexplained(a: Added, allowed: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """(mm² of ink the page does not have outside the places for signatures, dates and seals,
    mm² of printed ink the scan lacks): large values mean the scan shows different content."""
    extra = cv2.bitwise_or(a.pen, a.red) if not a.grey_scan else a.pen.copy()
    allowed_mask = np.zeros_like(extra)
    for box in allowed:
        x0, y0, x1, y1 = _box_px(box, extra.shape)
        allowed_mask[y0:y1, x0:x1] = 255
    missing = cv2.bitwise_and(a.missing, cv2.bitwise_not(allowed_mask))
    extra = cv2.bitwise_and(extra, cv2.bitwise_not(allowed_mask))
    return float(np.count_nonzero(extra)) / MM2, float(np.count_nonzero(missing)) / MM2
