"""How close an encoded picture looks to its source: SSIM, and the JPEG quality that reaches it.

SSIM (Wang, Bovik, Sheikh & Simoncelli, « Image quality assessment: from error visibility to
structural similarity », IEEE TIP 2004) compares local means, contrasts and correlations of
the luminance, where the eye looks, rather than pixel errors. It is computed here with numpy
over 7 × 7 windows (scikit-image's default), on the luma of both pictures: a library for one
formula would weigh more than the formula.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image as PILImage

WINDOW = 7
# Wang et al.'s constants for 8-bit values (K1 = 0.01, K2 = 0.03, L = 255).
_C1 = (0.01 * 255) ** 2
_C2 = (0.03 * 255) ** 2


def _luma(im: PILImage.Image) -> np.ndarray:
    """The picture's luma (ITU-R BT.601, as JPEG codes it) as floats, transparency on white."""
    if im.mode in ("RGBA", "LA"):
        flat = PILImage.new("RGB", im.size, (255, 255, 255))
        flat.paste(im.convert("RGBA"), mask=im.convert("RGBA").getchannel("A"))
        im = flat
    return np.asarray(im.convert("L"), dtype=np.float64)


def _window_means(values: np.ndarray) -> np.ndarray:
    """The mean of every WINDOW × WINDOW window lying wholly inside the array, through a
    summed-area table (one pass, whatever the window)."""
    table = np.pad(values, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    w = WINDOW
    sums = table[w:, w:] - table[:-w, w:] - table[w:, :-w] + table[:-w, :-w]
    return sums / (w * w)


def _maps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SSIM's two factors over two luma arrays, window by window: the luminance term and the
    contrast-structure term."""
    mx, my = _window_means(x), _window_means(y)
    # Unbiased variances and covariance, as scikit-image computes them.
    n = WINDOW * WINDOW
    correction = n / (n - 1)
    vx = (_window_means(x * x) - mx * mx) * correction
    vy = (_window_means(y * y) - my * my) * correction
    cov = (_window_means(x * y) - mx * my) * correction
    luminance = (2 * mx * my + _C1) / (mx * mx + my * my + _C1)
    structure = (2 * cov + _C2) / (vx + vy + _C2)
    return luminance, structure


def _halve(values: np.ndarray) -> np.ndarray:
    """The array at half its size, each value the mean of a 2 × 2 block."""
    h, w = values.shape[0] // 2 * 2, values.shape[1] // 2 * 2
    v = values[:h, :w]
    return (v[0::2, 0::2] + v[1::2, 0::2] + v[0::2, 1::2] + v[1::2, 1::2]) / 4


def _pair(reference: PILImage.Image, candidate: PILImage.Image
          ) -> tuple[np.ndarray, np.ndarray]:
    if reference.size != candidate.size:
        raise ValueError(f"sizes differ: {reference.size} and {candidate.size}")
    return _luma(reference), _luma(candidate)


def ssim(reference: PILImage.Image, candidate: PILImage.Image) -> float:
    """The mean structural similarity of two pictures of one size: 1.0 for identical ones,
    lower as structure is lost."""
    x, y = _pair(reference, candidate)
    if min(x.shape) < WINDOW:
        return float(1 - np.abs(x - y).mean() / 255)
    luminance, structure = _maps(x, y)
    return float((luminance * structure).mean())


# Wang, Simoncelli & Bovik's weights for the five scales of MS-SSIM (Asilomar 2003), finest
# first: the structure seen from further away weighs most.
MS_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


class MultiScale:
    """A reference picture ready for MS-SSIM against many candidates: its luma at each scale,
    with the window means of the luma and of its square, computed once. A JPEG quality search
    compares one reference with half a dozen encodings of it."""

    def __init__(self, reference: PILImage.Image) -> None:
        self.size = reference.size
        x = _luma(reference)
        scales = len(MS_WEIGHTS)
        while scales > 1 and min(x.shape) >> (scales - 1) < WINDOW:
            scales -= 1  # a small picture: as many halvings as it can take
        self.weights = np.array(MS_WEIGHTS[:scales]) / sum(MS_WEIGHTS[:scales])
        self.levels: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for level in range(scales):
            if min(x.shape) < WINDOW:
                break
            self.levels.append((x, _window_means(x), _window_means(x * x)))
            if level < scales - 1:
                x = _halve(x)
        self.coarse = x  # where a picture too small for a window is compared pixel by pixel

    def score(self, candidate: PILImage.Image) -> float:
        """MS-SSIM of the candidate (of the reference's size) against the reference."""
        if candidate.size != self.size:
            raise ValueError(f"sizes differ: {self.size} and {candidate.size}")
        y = _luma(candidate)
        score = 1.0
        n = WINDOW * WINDOW
        correction = n / (n - 1)  # unbiased variances and covariance, as scikit-image's
        for level, weight in enumerate(self.weights):
            if level == len(self.levels):
                return float(1 - np.abs(self.coarse - y).mean() / 255)
            x, mx, xx = self.levels[level]
            my = _window_means(y)
            vx = (xx - mx * mx) * correction
            vy = (_window_means(y * y) - my * my) * correction
            cov = (_window_means(x * y) - mx * my) * correction
            structure = (2 * cov + _C2) / (vx + vy + _C2)
            score *= max(float(structure.mean()), 0.0) ** weight
            if level == len(self.weights) - 1:
                luminance = (2 * mx * my + _C1) / (mx * mx + my * my + _C1)
                score *= max(float(luminance.mean()), 0.0) ** weight
            else:
                y = _halve(y)
        return float(score)


def ms_ssim(reference: PILImage.Image, candidate: PILImage.Image) -> float:
    """Multi-scale SSIM: the structure compared at full size and at four halvings, the
    luminance at the coarsest. A picture's grain, which a JPEG smooths and a reading screen
    does not show, counts little; shapes, edges and tones count most."""
    return MultiScale(reference).score(candidate)


def lowest_quality(im: PILImage.Image, target: float, encode: Callable[[int], bytes],
                   low: int = 30, high: int = 95) -> tuple[int, bytes]:
    """The lowest JPEG quality in [low, high] whose encoding of im (by `encode(quality)`)
    reaches MS-SSIM `target` against im, with its bytes: a binary search, since the score
    grows with the quality. When even `high` falls short, `high` is what is used."""
    best: tuple[int, bytes] | None = None
    highest = high
    reference = MultiScale(im)
    while low <= high:
        middle = (low + high) // 2
        data = encode(middle)
        with PILImage.open(io.BytesIO(data)) as decoded:
            score = reference.score(decoded)
        if score >= target:
            best, high = (middle, data), middle - 1
        else:
            low = middle + 1
    if best is None:
        return highest, encode(highest)
    return best
