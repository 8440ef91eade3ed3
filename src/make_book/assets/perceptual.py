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
    """The picture's luma (ITU-R BT.601, as JPEG codes it) as 8-bit integers, transparency
    on white."""
    if im.mode in ("RGBA", "LA"):
        flat = PILImage.new("RGB", im.size, (255, 255, 255))
        flat.paste(im.convert("RGBA"), mask=im.convert("RGBA").getchannel("A"))
        im = flat
    return np.asarray(im.convert("L"))


def _integers(shape: tuple[int, ...], top: int) -> type[np.signedinteger]:
    """The integer type that every sum made from values of at most `top` fits in: int32
    (half the memory traffic of int64) when it can hold them."""
    height, width = shape
    largest = max(height, WINDOW * width, WINDOW ** 4) * top * top
    return np.int32 if largest < 2 ** 31 else np.int64


def _window_sums(values: np.ndarray, kind: type[np.signedinteger]) -> np.ndarray:
    """The sum of every WINDOW × WINDOW window lying wholly inside the array, exactly, in
    integers of `kind`: seven shifted copies of the rows added (a running sum down the
    columns is several times slower in numpy), then a running sum along each row."""
    w = WINDOW
    rows = values.shape[0] - w + 1
    down = values[:rows].astype(kind)
    for k in range(1, w):
        down += values[k:k + rows]
    running = down.cumsum(1, dtype=kind)
    sums = np.empty((rows, down.shape[1] - w + 1), kind)
    sums[:, 0] = running[:, w - 1]
    np.subtract(running[:, w:], running[:, :-w], out=sums[:, 1:])
    return sums


def _halve(values: np.ndarray) -> np.ndarray:
    """The array at half its size, each value the sum of a 2 × 2 block (four times its
    mean, so that the values stay exact integers)."""
    h, w = values.shape[0] // 2 * 2, values.shape[1] // 2 * 2
    v = values[:h, :w].astype(np.int64)
    return v[0::2, 0::2] + v[1::2, 0::2] + v[0::2, 1::2] + v[1::2, 1::2]


class _Level:
    """One scale of a picture's luma, integers of at most `top` (255, times 4 at each
    halving), with the window sums of its values and of their squares."""

    def __init__(self, values: np.ndarray, top: int) -> None:
        self.top = top
        self.kind = _integers(values.shape, top)
        self.values = values.astype(self.kind)
        self.sums = _window_sums(self.values, self.kind)
        self.squares = _window_sums(self.values * self.values, self.kind)

    def structure(self, other: np.ndarray) -> np.ndarray:
        """SSIM's contrast-structure term of `other` (of this scale and size) against
        this level, window by window."""
        y = other.astype(self.kind)
        sx, sy = self.sums, _window_sums(y, self.kind)
        n = WINDOW * WINDOW
        # The unbiased variances and covariance (as scikit-image computes them) times
        # n (n - 1) (top / 255)²: differences of exact integers, so that a flat window
        # loses nothing to cancellation, made floats afterwards.
        vx = (n * self.squares - sx * sx).astype(np.float32)
        vy = (n * _window_sums(y * y, self.kind) - sy * sy).astype(np.float32)
        cov = (n * _window_sums(self.values * y, self.kind) - sx * sy).astype(np.float32)
        c2 = np.float32(_C2 * n * (n - 1) * (self.top / 255) ** 2)
        return (2 * cov + c2) / (vx + vy + c2)

    def luminance(self, other: np.ndarray) -> np.ndarray:
        """SSIM's luminance term of `other` against this level, window by window."""
        mean = np.float32(WINDOW * WINDOW * self.top / 255)
        mx = self.sums.astype(np.float32) / mean
        my = _window_sums(other.astype(self.kind), self.kind).astype(np.float32) / mean
        return (2 * mx * my + _C1) / (mx * mx + my * my + _C1)


def _mean(values: np.ndarray) -> float:
    return float(values.mean(dtype=np.float64))


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
        return 1 - _mean(np.abs(x.astype(np.int16) - y)) / 255
    level = _Level(x, 255)
    return _mean(level.luminance(y) * level.structure(y))


# Wang, Simoncelli & Bovik's weights for the five scales of MS-SSIM (Asilomar 2003), finest
# first: the structure seen from further away weighs most.
MS_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


class MultiScale:
    """A reference picture ready for MS-SSIM against many candidates: its luma at each scale,
    with the window sums of the luma and of its square, computed once. A JPEG quality search
    compares one reference with half a dozen encodings of it."""

    def __init__(self, reference: PILImage.Image) -> None:
        self.size = reference.size
        x = _luma(reference)
        scales = len(MS_WEIGHTS)
        while scales > 1 and min(x.shape) >> (scales - 1) < WINDOW:
            scales -= 1  # a small picture: as many halvings as it can take
        self.weights = np.array(MS_WEIGHTS[:scales]) / sum(MS_WEIGHTS[:scales])
        self.levels: list[_Level] = []
        top = 255
        for level in range(scales):
            if min(x.shape) < WINDOW:
                break
            self.levels.append(_Level(x, top))
            if level < scales - 1:
                x, top = _halve(x), top * 4
        # Where a picture too small for a window is compared pixel by pixel, in 8-bit units.
        self.coarse, self.coarse_top = x, top

    def score(self, candidate: PILImage.Image) -> float:
        """MS-SSIM of the candidate (of the reference's size) against the reference."""
        if candidate.size != self.size:
            raise ValueError(f"sizes differ: {self.size} and {candidate.size}")
        y = _luma(candidate)
        score = 1.0
        for index, weight in enumerate(self.weights):
            if index == len(self.levels):
                difference = np.abs(self.coarse.astype(np.int64) - y)
                return 1 - _mean(difference) / self.coarse_top
            level = self.levels[index]
            score *= max(_mean(level.structure(y)), 0.0) ** weight
            if index == len(self.weights) - 1:
                score *= max(_mean(level.luminance(y)), 0.0) ** weight
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
    reaches MS-SSIM `target` against im, with its bytes; `high` when even it falls short.

    `low` is tried first: a flat picture, such as a drawn cover, reaches the target there.
    Then the score, which grows with the quality almost in a straight line, is interpolated
    between the highest quality known to fall short and the lowest known to reach the target
    (a bisection instead when the last two tries fell on one side): four encodings for a
    photograph, where a binary search over [40, 90] takes six or seven. The quality returned
    reaches the target and the one below it does not."""
    reference = MultiScale(im)

    def score(quality: int) -> tuple[float, bytes]:
        data = encode(quality)
        with PILImage.open(io.BytesIO(data)) as decoded:
            return reference.score(decoded), data

    short, data = score(low)
    if short >= target:
        return low, data
    reached, best = score(high)
    if reached < target:
        return high, best
    fail, ok, sides = low, high, ""
    while ok - fail > 1:
        if sides[-2:] in ("ff", "oo"):
            quality = (fail + ok) // 2
        else:
            guess = fail + (target - short) * (ok - fail) / max(reached - short, 1e-12)
            quality = min(max(round(guess), fail + 1), ok - 1)
        value, data = score(quality)
        if value >= target:
            ok, reached, best, sides = quality, value, data, sides + "o"
        else:
            fail, short, sides = quality, value, sides + "f"
    return ok, best
