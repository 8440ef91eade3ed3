"""SSIM and MS-SSIM on Pillow images, and the JPEG quality search they drive."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image, ImageDraw, ImageFilter

from make_book.assets.perceptual import MS_WEIGHTS, lowest_quality, ms_ssim, ssim
from make_book.assets.renditions import encode


def _picture(size: tuple[int, int] = (320, 200), seed: int = 3) -> Image.Image:
    """Shapes on a gradient with some grain: structure for the metric to see."""
    rng = random.Random(seed)
    im = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(im)
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.ellipse((x, y, x + 40, y + 30), fill=(rng.randrange(256), 90, 40))
    noise = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(im, noise, 0.15)


def test_identical_pictures_score_one_and_damage_lowers_the_score():
    im = _picture()
    assert ssim(im, im) == 1.0 and ms_ssim(im, im) == 1.0
    blurred = im.filter(ImageFilter.GaussianBlur(2))
    assert ssim(im, blurred) < 0.9
    assert ms_ssim(im, blurred) < ms_ssim(im, im.filter(ImageFilter.GaussianBlur(0.5)))


def test_the_quality_search_returns_the_lowest_quality_reaching_the_target():
    im = _picture()

    def jpeg(quality: int) -> bytes:
        return encode(im, "jpg", quality=quality)

    def score(quality: int) -> float:
        return ms_ssim(im, Image.open(io.BytesIO(jpeg(quality))).convert("RGB"))

    quality, data = lowest_quality(im, 0.985, jpeg, 40, 90)
    assert data == jpeg(quality)
    assert score(quality) >= 0.985
    assert quality == 40 or score(quality - 1) < 0.985
    # A target no quality reaches: the best allowed.
    assert lowest_quality(im, 1.01, jpeg, 40, 90)[0] == 90


def _reference_ssim_maps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SSIM's two terms straight from the formula, in float64 over every 7 × 7 window."""
    def means(v: np.ndarray) -> np.ndarray:
        return sliding_window_view(v, (7, 7)).mean(axis=(-1, -2))

    mx, my = means(x), means(y)
    correction = 49 / 48
    vx, vy = (means(x * x) - mx * mx) * correction, (means(y * y) - my * my) * correction
    cov = (means(x * y) - mx * my) * correction
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    return (2 * mx * my + c1) / (mx * mx + my * my + c1), (2 * cov + c2) / (vx + vy + c2)


def _reference_ms_ssim(a: Image.Image, b: Image.Image) -> float:
    """MS-SSIM by the formula (five scales, 2 × 2 means between them), in float64."""
    x = np.asarray(a.convert("L"), dtype=np.float64)
    y = np.asarray(b.convert("L"), dtype=np.float64)
    weights = np.array(MS_WEIGHTS) / sum(MS_WEIGHTS)
    score = 1.0
    for level, weight in enumerate(weights):
        luminance, structure = _reference_ssim_maps(x, y)
        score *= structure.mean() ** weight
        if level == len(weights) - 1:
            score *= luminance.mean() ** weight
        else:
            h, w = x.shape[0] // 2 * 2, x.shape[1] // 2 * 2
            x, y = ((v[:h:2, :w:2] + v[1:h:2, :w:2] + v[:h:2, 1:w:2] + v[1:h:2, 1:w:2]) / 4
                    for v in (x, y))
    return float(score)


@pytest.mark.parametrize("size", [(320, 200), (241, 163), (1207, 131), (4800, 9)])  # int64 last
def test_the_integer_window_sums_give_the_formulas_scores(size: tuple[int, int]):
    # The sums are made in integers, several times faster than float64 running sums; the
    # scores must stay those of the formula, down to float rounding, flat areas included.
    im = _picture(size, seed=size[0])
    flat = Image.new("RGB", size, (200, 200, 200))
    flat.paste(im.crop((0, 0, size[0] // 2, size[1])))
    for reference in (im, flat):
        for quality in (20, 60, 95):
            candidate = Image.open(io.BytesIO(encode(reference, "jpg", quality=quality)))
            x = np.asarray(reference.convert("L"), dtype=np.float64)
            y = np.asarray(candidate.convert("L"), dtype=np.float64)
            luminance, structure = _reference_ssim_maps(x, y)
            assert ssim(reference, candidate) == pytest.approx(
                (luminance * structure).mean(), abs=1e-6)
            if min(size) >> 4 >= 7:  # five scales (a smaller picture takes fewer)
                assert ms_ssim(reference, candidate) == pytest.approx(
                    _reference_ms_ssim(reference, candidate), abs=1e-6)
