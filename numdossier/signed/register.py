"""Registration: which dossier page a scanned page shows, and the homography that lays it onto that page.

ORB features matched against every rendered dossier page give candidates and a RANSAC homography (which
also undoes 90°/180° rotation, skew, scale and offset); the best candidates are told apart by normalised
correlation of the whole page and of its footer band (twins such as several licence copies differ mostly
there) and by the printed page number; ECC on the rendering of the original refines the winner. What
one homography leaves (up to a millimetre here and there) is taken out tile by tile (drift) before the
ink is compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import pypdfium2 as pdfium

WORK_DPI = 100  # one pixel = 0.254 mm: enough for seals (42 mm) and pen strokes, cheap to match
PX_PER_MM = WORK_DPI / 25.4
A4_MM = (210.0, 297.0)
FEATURES = 1000
RATIO = 0.75  # Lowe's ratio test
MIN_INLIERS = 25  # fewer RANSAC inliers than this: the scan does not show this page
FOOTER_MM = 25.0  # the bottom band with 第 N 页 共 M 页
TWINS = 3  # pages tried when the printed number says the scan shows another page
SCREEN = 200  # strongest features used to rank every page before matching the best few in full


def page_px(size_mm: tuple[float, float] = A4_MM) -> tuple[int, int]:
    """(width, height) in working pixels of a page of `size_mm`."""
    return round(size_mm[0] * PX_PER_MM), round(size_mm[1] * PX_PER_MM)


@dataclass
class Original:
    """One dossier page rendered at WORK_DPI, with its features."""

    number: int  # 1-based page number in dossier.pdf
    colour: np.ndarray  # RGB
    grey: np.ndarray
    keypoints: tuple[cv2.KeyPoint, ...]
    descriptors: np.ndarray | None
    smooth: np.ndarray = field(repr=False)  # blurred float grey for correlation
    screen: np.ndarray | None = field(default=None, repr=False)  # descriptors of the strongest features
    # The digits of its printed page number (第 N 页): pixel box and how they look. Twins such as
    # licence copies of several branches may differ in nothing else.
    number_box: tuple[int, int, int, int] | None = None
    number_ink: np.ndarray | None = field(default=None, repr=False)


@dataclass
class Match:
    """A scanned page laid onto dossier page `number`: `to_page` maps scan pixels to page pixels."""

    number: int
    to_page: np.ndarray  # 3x3 homography, scan (working pixels) -> original (working pixels)
    inliers: int
    score: float  # correlation of the registered scan with the page, 0..1
    rotation: int  # 0, 90, 180 or 270: how far the page content is turned (clockwise) in the scan

    def to_scan(self) -> np.ndarray:
        inverse: np.ndarray = np.linalg.inv(self.to_page)
        return inverse


_orb: cv2.ORB | None = None


def orb() -> cv2.ORB:
    global _orb
    if _orb is None:
        _orb = cv2.ORB.create(nfeatures=FEATURES, scaleFactor=1.2, nlevels=8, fastThreshold=12)
    return _orb


def grey_of(rgb: np.ndarray) -> np.ndarray:
    return rgb if rgb.ndim == 2 else cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def flatten(grey: np.ndarray) -> np.ndarray:
    """Paper made evenly white: divide by the background (a scanner lid's shadow, uneven light)."""
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))
    background = cv2.GaussianBlur(cv2.dilate(small, kernel), (0, 0), 2)
    background = cv2.resize(background, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat: np.ndarray = cv2.divide(grey, np.maximum(background, 1), scale=255)
    return flat


def _smooth(grey: np.ndarray) -> np.ndarray:
    small = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(small.astype(np.float32), (0, 0), 1.5)


def _strongest(keypoints: tuple[cv2.KeyPoint, ...], descriptors: np.ndarray | None) -> np.ndarray | None:
    if descriptors is None:
        return None
    order = np.argsort([-k.response for k in keypoints])[:SCREEN]
    return descriptors[order]


def original(number: int, rgb: np.ndarray) -> Original:
    grey = flatten(grey_of(rgb))
    keypoints, descriptors = orb().detectAndCompute(grey, None)
    keypoints = tuple(keypoints)
    return Original(
        number, rgb, grey, keypoints, descriptors, _smooth(grey), _strongest(keypoints, descriptors)
    )


def _number_box(page: pdfium.PdfPage, number: int, total: int) -> tuple[int, int, int, int] | None:
    """Pixel box of the digits N in the page's 第 N 页 共 M 页 label (None: no such label)."""
    from ..pdf.overlay import page_label

    label = page_label(number, total)
    textpage = page.get_textpage()
    try:
        searcher = textpage.search(label, match_case=True)
        hit = searcher.get_next()
        searcher.close()
        if hit is None:
            return None
        start = hit[0] + label.index(str(number))
        boxes = [textpage.get_charbox(i) for i in range(start, start + len(str(number)))]
    finally:
        textpage.close()
    height = page.get_size()[1]
    scale = WORK_DPI / 72
    pad = 0.6 * PX_PER_MM
    left, right = min(b[0] for b in boxes) * scale, max(b[2] for b in boxes) * scale
    # One digit's width of the blank on either side belongs to the number: without it the 9 of
    # 第 9 页 is found inside the 19 of 第 19 页 (the label is centred, its digits move by half a digit).
    side = max(pad, (right - left) / len(str(number)))
    left, right = left - side, right + side
    top, bottom = (
        (height - max(b[3] for b in boxes)) * scale - pad,
        (height - min(b[1] for b in boxes)) * scale + pad,
    )
    return round(left), round(top), round(right), round(bottom)


def render_dossier(pdf: str) -> list[Original]:
    """Every page of dossier.pdf rendered at WORK_DPI (A4 portrait: 827 x 1169 pixels)."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        total = len(document)
        for index in range(total):
            page = document[index]
            bitmap = page.render(scale=WORK_DPI / 72, may_draw_forms=True)
            rgb = np.ascontiguousarray(np.asarray(bitmap.to_pil().convert("RGB")))
            box = _number_box(page, index + 1, total)
            page.close()
            found = original(index + 1, rgb)
            if box is not None:
                x0, y0, x1, y1 = box
                found.number_box, found.number_ink = box, found.grey[y0:y1, x0:x1].astype(np.float32)
            pages.append(found)
        return pages
    finally:
        document.close()


def _number_score(laid: np.ndarray, page: Original) -> float:
    """How well the registered scan shows page's number N where page prints it (-1..1)."""
    if page.number_box is None or page.number_ink is None:
        return 0.0
    x0, y0, x1, y1 = page.number_box
    slack = 3  # pixels: the registration is better than that, a neighbouring digit is farther
    window = laid[max(0, y0 - slack) : y1 + slack, max(0, x0 - slack) : x1 + slack].astype(np.float32)
    if window.shape[0] < page.number_ink.shape[0] or window.shape[1] < page.number_ink.shape[1]:
        return 0.0
    if float(page.number_ink.std()) < 1:
        return 0.0
    return float(cv2.matchTemplate(window, page.number_ink, cv2.TM_CCOEFF_NORMED).max())


@dataclass
class Features:
    grey: np.ndarray  # flattened
    keypoints: tuple[cv2.KeyPoint, ...]
    descriptors: np.ndarray | None
    screen: np.ndarray | None


def features(grey: np.ndarray) -> Features:
    flat = flatten(grey)
    keypoints, descriptors = orb().detectAndCompute(flat, None)
    keypoints = tuple(keypoints)
    return Features(flat, keypoints, descriptors, _strongest(keypoints, descriptors))


def _screen(scan: Features, page: Original) -> int:
    if scan.screen is None or page.screen is None or len(page.screen) < 2:
        return 0
    pairs = _matcher.knnMatch(scan.screen, page.screen, k=2)
    return sum(1 for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance)


_matcher = cv2.BFMatcher(cv2.NORM_HAMMING)


def _good_matches(scan: Features, page: Original) -> list[cv2.DMatch]:
    if scan.descriptors is None or page.descriptors is None or len(page.descriptors) < 2:
        return []
    pairs = _matcher.knnMatch(scan.descriptors, page.descriptors, k=2)
    return [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]


def _homography(scan: Features, page: Original, good: list[cv2.DMatch]) -> tuple[np.ndarray | None, int]:
    if len(good) < MIN_INLIERS:
        return None, 0
    src = np.array([scan.keypoints[m.queryIdx].pt for m in good], np.float32).reshape(-1, 1, 2)
    dst = np.array([page.keypoints[m.trainIdx].pt for m in good], np.float32).reshape(-1, 1, 2)
    h, mask = cv2.findHomography(src, dst, cv2.USAC_MAGSAC, 3.0, maxIters=2000, confidence=0.999)
    if h is None or mask is None:
        return None, 0
    if not _plausible(h, scan.grey.shape):
        return None, 0
    return h, int(mask.sum())


def _plausible(h: np.ndarray, shape: tuple[int, ...]) -> bool:
    """A page photographed or scanned: no mirror image, no wild perspective, scale within 3x."""
    a = h[:2, :2] / h[2, 2]
    det = float(np.linalg.det(a))
    if det <= 0 or not (1 / 9 < det < 9):
        return False
    return bool(abs(h[2, 0]) < 2e-3 and abs(h[2, 1]) < 2e-3)


def rotation_of(h: np.ndarray) -> int:
    """How far the page content is turned clockwise in the scan: 0, 90, 180 or 270."""
    # The page's "down" direction (0, 1) seen in scan coordinates.
    inverse = np.linalg.inv(h)
    a = inverse[:2, :2]
    down = a @ np.array([0.0, 1.0])
    angle = float(np.degrees(np.arctan2(-down[0], down[1])))  # 0 when page-down is scan-down
    return int(round(angle / 90.0)) % 4 * 90


def skew_of(h: np.ndarray) -> float:
    """The residual angle (degrees) after the quarter turn: what a scanner's feed adds."""
    inverse = np.linalg.inv(h)
    down = inverse[:2, :2] @ np.array([0.0, 1.0])
    angle = float(np.degrees(np.arctan2(-down[0], down[1])))
    return (angle + 45) % 90 - 45


def warp(scan: np.ndarray, to_page: np.ndarray, size: tuple[int, int], border: int = 255) -> np.ndarray:
    """The scan laid onto the page frame (size = (width, height) in working pixels)."""
    value: int | tuple[int, int, int] = border if scan.ndim == 2 else (border, border, border)
    return cv2.warpPerspective(
        scan, to_page, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=value
    )


# A sheet is never laid exactly by one homography: paper curls, lenses bend, ECC trades one edge for
# another on a page whose print is all in one half. What is left is a drift of up to a millimetre that
# changes with the decoder's resampling (a page given as JPEG or inside a PDF), and it turned thin table
# rules into "different print" (a clean 300 dpi scan of the n96 声明 page: 38 mm², over the 30 of a page
# from another build). Each tile is moved to where its print is (at most DRIFT_MM) before ink is
# compared; different text cannot be moved into place by a millimetre.
TILE_MM = 15.0
DRIFT_MM = 1.5
DRIFT_COST = 0.004  # correlation given up per pixel of shift: of equally good shifts, the smallest


def drift(laid_grey: np.ndarray, page_grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maps for cv2.remap that move each tile of the laid scan (flattened grey, page pixels) onto the
    page's print, smoothly between tiles; a tile without print or without a clear fit moves with its
    neighbours (or not at all). Along a rule, where any shift fits, the smallest is taken."""
    hh, ww = page_grey.shape
    tile, reach = round(TILE_MM * PX_PER_MM), round(DRIFT_MM * PX_PER_MM)
    rows, cols = max(1, round(hh / tile)), max(1, round(ww / tile))
    ys = np.linspace(0, hh, rows + 1).round().astype(int)
    xs = np.linspace(0, ww, cols + 1).round().astype(int)
    offsets = np.arange(-reach, reach + 1)
    cost = DRIFT_COST * np.hypot(offsets[:, None], offsets[None, :])
    shift = np.zeros((rows, cols, 2), np.float32)
    known = np.zeros((rows, cols), bool)
    padded = cv2.copyMakeBorder(laid_grey, reach, reach, reach, reach, cv2.BORDER_REPLICATE)
    for r in range(rows):
        for c in range(cols):
            y0, y1, x0, x1 = ys[r], ys[r + 1], xs[c], xs[c + 1]
            template = page_grey[y0:y1, x0:x1]
            if float(template.std()) < 8 or y1 - y0 < 2 * reach or x1 - x0 < 2 * reach:
                continue
            window = padded[y0 : y1 + 2 * reach, x0 : x1 + 2 * reach]
            fit = cv2.matchTemplate(window, template, cv2.TM_CCOEFF_NORMED) - cost
            dy, dx = np.unravel_index(int(np.argmax(fit)), fit.shape)
            if fit[dy, dx] < 0.5:
                continue  # the tile shows something else: nothing to align it to
            shift[r, c] = (offsets[dx], offsets[dy])
            known[r, c] = True
    # A tile fitted far from all its neighbours (to a seal or a signature the page lacks) follows them.
    steady = shift.copy()
    for r, c in zip(*np.nonzero(known), strict=True):
        near = known[max(0, r - 1) : r + 2, max(0, c - 1) : c + 2].copy()
        near[min(r, 1), min(c, 1)] = False
        if near.sum() >= 3:
            median = np.median(shift[max(0, r - 1) : r + 2, max(0, c - 1) : c + 2][near], axis=0)
            if float(np.abs(shift[r, c] - median).max()) > 2:
                steady[r, c] = median
    shift = steady
    # A tile without print takes the drift of its neighbours with print, ring by ring.
    for _ in range(rows + cols):
        if known.all() or not known.any():
            break
        grown = known.copy()
        for r, c in zip(*np.nonzero(~known), strict=True):
            near = known[max(0, r - 1) : r + 2, max(0, c - 1) : c + 2]
            if near.any():
                shift[r, c] = shift[max(0, r - 1) : r + 2, max(0, c - 1) : c + 2][near].mean(axis=0)
                grown[r, c] = True
        known = grown
    field = cv2.resize(shift, (ww, hh), interpolation=cv2.INTER_LINEAR)
    grid_x, grid_y = np.meshgrid(np.arange(ww, dtype=np.float32), np.arange(hh, dtype=np.float32))
    return grid_x + field[:, :, 0], grid_y + field[:, :, 1]


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denominator) if denominator > 0 else 0.0


def _score(scan: Features, page: Original, h: np.ndarray) -> tuple[float, float]:
    """(whole page, footer band) correlation of the scan laid onto `page` by `h`."""
    hh, ww = page.grey.shape
    half = np.diag([0.5, 0.5, 1.0]) @ h
    laid = warp(scan.grey, half, (page.smooth.shape[1], page.smooth.shape[0]))
    laid_smooth = cv2.GaussianBlur(laid.astype(np.float32), (0, 0), 1.5)
    whole = _correlation(laid_smooth, page.smooth)
    band = int(FOOTER_MM * PX_PER_MM / 2)
    footer = _correlation(laid_smooth[-band:], page.smooth[-band:])
    return whole, footer


def refine(scan_grey: np.ndarray, page: Original, h: np.ndarray) -> np.ndarray:
    """ECC (homography) on half-size images, started from the feature homography."""
    s = np.diag([0.5, 0.5, 1.0])
    template = cv2.resize(page.grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    moving = cv2.resize(scan_grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    # ECC's warp maps template (page) coordinates to input (scan) coordinates.
    start = (s @ np.linalg.inv(h) @ np.linalg.inv(s)).astype(np.float32)
    start /= start[2, 2]
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 30, 1e-3)
    try:
        # no gaussFiltSize: the overload without it filters with 5, and the stubs type only it with no mask
        _, found = cv2.findTransformECC(template, moving, start, cv2.MOTION_HOMOGRAPHY, criteria, None)
    except cv2.error:
        return h  # ECC did not converge: the feature homography stands
    refined = np.linalg.inv(s) @ np.linalg.inv(found.astype(np.float64)) @ s
    refined = refined / refined[2, 2]
    # Keep ECC's answer only when it stays close to the features' (it can slide on repetitive text).
    corners = np.array([[0, 0], [page.grey.shape[1], 0], [0, page.grey.shape[0]]], np.float32).reshape(
        -1, 1, 2
    )
    a = cv2.perspectiveTransform(corners, np.linalg.inv(h))
    b = cv2.perspectiveTransform(corners, np.linalg.inv(refined))
    return refined if float(np.abs(a - b).max()) < 8 * PX_PER_MM else h


def locate(scan: Features, pages: list[Original], expected: int | None = None, keep: int = 2) -> Match | None:
    """The dossier page the scan shows (None: none of them), registered."""
    screened = sorted(((_screen(scan, p), p) for p in pages), key=lambda c: (-c[0], c[1].number != expected))
    candidates = []
    best_inliers = 0
    for count, page in screened[:keep]:
        if count < 4:
            break
        h, inliers = _homography(scan, page, _good_matches(scan, page))
        if h is None or inliers < MIN_INLIERS:
            continue
        best_inliers = max(best_inliers, inliers)
        candidates.append((page, h, inliers))
    candidates = [c for c in candidates if c[2] >= 0.4 * best_inliers][:keep]
    if not candidates:
        return None
    scored = []
    for page, h, inliers in candidates:
        whole, footer = _score(scan, page, h)
        scored.append((whole + 0.5 * footer, page, h, inliers, whole))
    total, page, h, inliers, whole = max(scored, key=lambda c: c[0])
    refined = refine(scan.grey, page, h)
    better = _score(scan, page, refined)
    if better[0] + 0.5 * better[1] > total:
        h, whole = refined, better[0]
    if len(pages) > 1:
        # The pages whose printed number the scan shows better, best first: the first that the scan's
        # content also registers onto is the page (a number alone can match a page of other content).
        for twin in _twins(scan, pages, page, h)[:TWINS]:
            found = locate(scan, [twin], expected, keep=1)
            if found is not None and found.score >= whole - 0.05:
                return found
    return Match(page.number, h, inliers, whole, rotation_of(h))


def _twins(scan: Features, pages: list[Original], page: Original, h: np.ndarray) -> list[Original]:
    """The pages whose printed number the registered scan shows clearly better than `page`'s, best first."""
    laid = warp(scan.grey, h, (page.grey.shape[1], page.grey.shape[0]))
    own = _number_score(laid, page)
    scores = [(_number_score(laid, p), p.number, p) for p in pages if p is not page]
    return [p for score, _, p in sorted(scores, key=lambda c: (-c[0], c[1])) if score > own + 0.05]
