"""SSIM and MS-SSIM on Pillow images, and the JPEG quality search they drive."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter

from make_book.assets.perceptual import lowest_quality, ms_ssim, ssim
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
