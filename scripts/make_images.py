#!/usr/bin/env python3
"""Draw the six illustrations of part 3 ("Intelligence abondante").

Every image is drawn with Pillow only, from fixed seeds, so that each run
produces exactly the same bytes. Shapes are drawn at twice the final size and
downscaled with LANCZOS for antialiasing; a faint paper grain is added last.

Usage: python scripts/make_images.py [--out DIR] [--only NAME.jpg ...]
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
SS = 2  # supersampling factor
SIZE = (2400, 1500)
HERO_SIZE = (2400, 1600)

Color = tuple[int, int, int]
Point = tuple[float, float]


def rgb(value: str) -> Color:
    """Turn '#rrggbb' into an RGB tuple."""
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


INK = rgb("#1f1b16")
PAPER = rgb("#f3ede2")
PAPER_WARM = rgb("#efe5d3")
SAND = rgb("#e2d5bd")
OCHRE = rgb("#b8863b")
OCHRE_PALE = rgb("#e6c98f")
TERRACOTTA = rgb("#a4553a")
SLATE = rgb("#4a5a66")
SAGE = rgb("#8a9a7b")


def mix(a: Color, b: Color, t: float) -> Color:
    """Linear interpolation between two colours (t=0 gives a, t=1 gives b)."""
    t = min(1.0, max(0.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def ramp(stops: Sequence[Color], t: float) -> Color:
    """Interpolate along several colour stops (t from 0 to 1)."""
    t = min(1.0, max(0.0, t)) * (len(stops) - 1)
    i = min(int(t), len(stops) - 2)
    return mix(stops[i], stops[i + 1], t - i)


def smoothstep(e0: float, e1: float, x: float) -> float:
    """Hermite step from 0 (x <= e0) to 1 (x >= e1)."""
    t = min(1.0, max(0.0, (x - e0) / (e1 - e0)))
    return t * t * (3 - 2 * t)


# --------------------------------------------------------------------------- canvas helpers


def vertical_gradient(size: tuple[int, int], top: Color, bottom: Color) -> Image.Image:
    """An RGB image fading from `top` to `bottom`."""
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def new_canvas(size: tuple[int, int]) -> Image.Image:
    """A supersampled sheet of paper with a very soft vertical gradient."""
    big = (size[0] * SS, size[1] * SS)
    return vertical_gradient(big, mix(PAPER, (255, 255, 255), 0.25), PAPER_WARM)


def paint_ground(img: Image.Image, horizon: float, near: Color, far: Color) -> None:
    """Fill everything below `horizon` with a gradient from `far` to `near`."""
    w, h = img.size
    y0 = round(horizon)
    img.paste(vertical_gradient((w, h - y0), far, near), (0, y0))


def glow(img: Image.Image, center: Point, radius: float, color: Color, strength: float) -> None:
    """Add a soft radial halo of `color` around `center`."""
    r = round(radius)
    disc = Image.radial_gradient("L").resize((2 * r, 2 * r), Image.Resampling.BILINEAR)
    mask = disc.point(lambda v: round(strength * max(0.0, 1 - v / 128) ** 2 * 255))
    layer = Image.new("RGB", (2 * r, 2 * r), color)
    box = (round(center[0]) - r, round(center[1]) - r)
    img.paste(layer, box, mask)


def disc(draw: ImageDraw.ImageDraw, center: Point, radius: float, fill: Color) -> None:
    """Draw a filled circle."""
    x, y = center
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)


def rotate(points: Sequence[Point], pivot: Point, angle_deg: float) -> list[Point]:
    """Rotate points around `pivot` (positive angle = clockwise on screen)."""
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    px, py = pivot
    return [
        (px + (x - px) * ca - (y - py) * sa, py + (x - px) * sa + (y - py) * ca) for x, y in points
    ]


def rect(cx: float, cy: float, w: float, h: float, angle: float = 0.0) -> list[Point]:
    """Corners of a rectangle centred on (cx, cy), rotated by `angle` degrees."""
    pts = [
        (cx - w / 2, cy - h / 2),
        (cx + w / 2, cy - h / 2),
        (cx + w / 2, cy + h / 2),
        (cx - w / 2, cy + h / 2),
    ]
    return rotate(pts, (cx, cy), angle) if angle else pts


def stroke(draw: ImageDraw.ImageDraw, pts: Sequence[Point], width: float, fill: Color) -> None:
    """A polyline of constant width with round joints and round caps."""
    draw.line(list(pts), fill=fill, width=max(1, round(width)), joint="curve")
    for p in (pts[0], pts[-1]):
        disc(draw, p, width / 2, fill)


def ribbon(pts: Sequence[Point], widths: Sequence[float]) -> list[list[Point]]:
    """Quads tiling a stroke along `pts` whose width varies point by point."""
    left: list[Point] = []
    right: list[Point] = []
    n = len(pts)
    for i, (x, y) in enumerate(pts):
        x0, y0 = pts[max(0, i - 1)]
        x1, y1 = pts[min(n - 1, i + 1)]
        dx, dy = x1 - x0, y1 - y0
        norm = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / norm, dx / norm
        half = widths[i] / 2
        left.append((x + nx * half, y + ny * half))
        right.append((x - nx * half, y - ny * half))
    return [[left[i], left[i + 1], right[i + 1], right[i]] for i in range(n - 1)]


def finish(img: Image.Image, size: tuple[int, int], seed: int) -> Image.Image:
    """Downscale to `size` with LANCZOS and add a faint, seeded paper grain."""
    out = img.resize(size, Image.Resampling.LANCZOS)
    rng = random.Random(seed)
    noise = Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))
    noise = noise.filter(ImageFilter.GaussianBlur(0.7))
    amp = 6  # grain amplitude, in levels either side of zero
    grain = noise.point(lambda v: round(min(2 * amp, max(0, amp + (v - 128) * amp / 20))))
    bands = [ImageChops.add(band, grain, scale=1.0, offset=-amp) for band in out.split()]
    return Image.merge("RGB", bands)


def save_jpeg(img: Image.Image, path: Path) -> None:
    """Write a metadata-free, progressive, optimised JPEG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=88, optimize=True, progressive=True, subsampling="4:2:0")


# --------------------------------------------------------------------------- the six images


def scatter_color(rng: random.Random) -> Color:
    """A fragment colour, mostly warm, sometimes cool."""
    return rng.choices([OCHRE, TERRACOTTA, SLATE, INK, SAGE], weights=[40, 32, 16, 6, 6])[0]


def draw_thumbnail() -> Image.Image:
    """Hero: an orderly tower of blocks collapsing into an abundance of small pieces."""
    img = new_canvas(HERO_SIZE)
    w, h = img.size
    u = h / 1000
    cx = w / 2
    horizon = 770 * u
    rng = random.Random(1)

    sun = (cx + 20 * u, 340 * u)
    glow(img, sun, 430 * u, OCHRE_PALE, 0.35)
    paint_ground(img, horizon, mix(SAND, OCHRE_PALE, 0.25), SAND)
    draw = ImageDraw.Draw(img)
    disc(draw, sun, 250 * u, OCHRE_PALE)

    bw, bh, gap = 140 * u, 46 * u, 5 * u
    tx = cx - 110 * u

    # The abundance: a wide, low drift of small pieces, finer and sparser further out.
    # Pieces lying in front of the tower's foot are drawn after it.
    heap_cx = cx + 80 * u
    front: list[tuple[list[Point], Color]] = []
    for _ in range(2300):
        dx = rng.gauss(0, 1.0)
        x = heap_cx + dx * 300 * u
        near = math.exp(-dx * dx / 1.5)
        y = horizon - rng.random() ** 2.2 * 70 * u * near + rng.uniform(-6, 26) * u
        size = (4 + 13 * near * rng.random()) * u
        piece = (rect(x, y, size, size, rng.uniform(0, 90)), scatter_color(rng))
        if y > horizon + 6 * u and abs(x - tx) < bw:
            front.append(piece)
        else:
            draw.polygon(piece[0], fill=piece[1])

    # The orderly part of the tower, standing in front of its own debris.
    tones = [INK, SLATE]
    y = horizon
    for i in range(8):
        draw.polygon(rect(tx, y - bh / 2, bw, bh), fill=tones[i % 2])
        y -= bh + gap
    for poly, col in front:
        draw.polygon(poly, fill=col)

    # The upper blocks slide off and tumble down to the right, like a time-lapse.
    falling = [
        (tx + 8 * u, y - bh / 2, 2.0, INK),
        (tx + 62 * u, y - 1.5 * bh - 16 * u, 13.0, SLATE),
        (tx + 200 * u, y - 40 * u, 38.0, TERRACOTTA),
        (tx + 262 * u, y + 95 * u, 64.0, INK),
    ]
    for fx, fy, ang, col in falling:
        draw.polygon(rect(fx, fy, bw, bh, ang), fill=col)
    halves = [(tx + 250 * u, y + 205 * u, 24.0, SLATE), (tx + 330 * u, y + 190 * u, -18.0, SLATE)]
    for fx, fy, ang, col in halves:
        draw.polygon(rect(fx, fy, bw * 0.48, bh, ang), fill=col)

    # ...then into quarters, then crumbs, finer and finer as they reach the ground.
    start = (tx + 290 * u, y + 250 * u)
    for level, (count, size) in enumerate([(6, 30), (16, 20), (40, 12), (90, 7)]):
        for _ in range(count):
            t = min(1.0, (level + rng.random()) / 4)
            fx = start[0] + 40 * u * t + rng.gauss(0, 18 + 50 * t) * u
            fy = start[1] + (horizon - start[1] - 25 * u) * t + rng.gauss(0, 14) * u
            sz = size * u * rng.uniform(0.75, 1.15)
            col = [INK, SLATE, TERRACOTTA][rng.randrange(3)] if level < 1 else scatter_color(rng)
            draw.polygon(rect(fx, fy, sz, sz * 0.8, rng.uniform(0, 90)), fill=col)

    return finish(img, HERO_SIZE, seed=101)


def draw_upside_down_tower() -> Image.Image:
    """A stepped tower standing on its tip, balancing on a single point."""
    img = new_canvas(SIZE)
    w, h = img.size
    u = h / 1000
    cx = w / 2
    horizon = 790 * u

    sun = (cx + 470 * u, 250 * u)
    glow(img, sun, 300 * u, OCHRE_PALE, 0.3)
    paint_ground(img, horizon, mix(SAND, OCHRE_PALE, 0.2), SAND)
    draw = ImageDraw.Draw(img)
    disc(draw, sun, 145 * u, OCHRE_PALE)

    # A distant, ordinary ziggurat on the horizon, for contrast.
    gx = cx - 560 * u
    for i in range(5):
        tw = (190 - 38 * i) * u
        draw.rectangle(
            (gx - tw / 2, horizon - (i + 1) * 22 * u, gx + tw / 2, horizon - i * 22 * u),
            fill=mix(SAGE, PAPER, 0.55),
        )

    # Soft shadow under the tip.
    draw.ellipse(
        (cx - 150 * u, horizon - 6 * u, cx + 150 * u, horizon + 22 * u), fill=mix(SAND, SLATE, 0.18)
    )
    draw.ellipse(
        (cx - 60 * u, horizon - 3 * u, cx + 60 * u, horizon + 12 * u), fill=mix(SAND, SLATE, 0.32)
    )

    # The inverted tower: ever wider steps above a single small block, slightly tilted.
    tiers = 7
    th, gap = 64 * u, 5 * u
    tip = (cx - 32 * u, horizon)  # the tower teeters on one corner of its smallest step
    tilt = -3.5
    stops = [OCHRE, TERRACOTTA, mix(TERRACOTTA, INK, 0.55), INK]
    for i in range(tiers):
        tw = (64 + 76 * i) * u
        y1 = horizon - i * (th + gap)
        shape = rect(cx, y1 - th / 2, tw, th)
        col = ramp(stops, i / (tiers - 1))
        draw.polygon(rotate(shape, tip, tilt), fill=col)
        # A lit upper edge on each step.
        lip = [
            (cx - tw / 2, y1 - th),
            (cx + tw / 2, y1 - th),
            (cx + tw / 2, y1 - th + 9 * u),
            (cx - tw / 2, y1 - th + 9 * u),
        ]
        draw.polygon(rotate(lip, tip, tilt), fill=mix(col, OCHRE_PALE, 0.35))

    return finish(img, SIZE, seed=102)


def draw_dissolving_center() -> Image.Image:
    """Three horizontal layers; the middle one breaks up into fading particles."""
    img = new_canvas(SIZE)
    w, h = img.size
    u = h / 1000
    rng = random.Random(3)
    sun = (w / 2 + 330 * u, 500 * u)
    glow(img, sun, 420 * u, OCHRE_PALE, 0.3)
    draw = ImageDraw.Draw(img)
    disc(draw, sun, 250 * u, mix(OCHRE_PALE, PAPER, 0.35))

    x0, x1 = w / 2 - 620 * u, w / 2 + 620 * u
    band_h = 130 * u
    top_y, mid_y, bot_y = 300 * u, 500 * u, 700 * u
    draw.rectangle((x0, top_y - band_h / 2, x1, top_y + band_h / 2), fill=SLATE)
    draw.rectangle((x0, bot_y - band_h / 2, x1, bot_y + band_h / 2), fill=INK)

    # The middle layer: solid on the left, breaking into particles that drift and fade.
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    ldraw = ImageDraw.Draw(layer)
    cell = 26 * u
    cols = round((x1 - x0) / cell)
    rows = round(band_h / cell)
    for j in range(rows):
        for i in range(cols):
            t = i / (cols - 1)
            d = smoothstep(0.18, 0.95, t + rng.uniform(-0.12, 0.12))
            if d <= 0.0:
                cxl = x0 + i * cell
                cyl = mid_y - band_h / 2 + j * cell
                ldraw.rectangle((cxl, cyl, cxl + cell + 1, cyl + cell + 1), fill=(*TERRACOTTA, 255))
                continue
            if rng.random() < d * 0.55:
                continue  # gone
            pcx = x0 + (i + 0.5) * cell + d * rng.gauss(0, 0.9) * cell
            pcy = mid_y - band_h / 2 + (j + 0.5) * cell + d * rng.gauss(0, 1.6) * cell
            fill = (*TERRACOTTA, round(255 * (1 - 0.85 * d)))
            if d < 0.35:
                s = cell * (1 - 0.7 * d)
                ldraw.polygon(rect(pcx, pcy, s, s, d * rng.uniform(-40, 40)), fill=fill)
            else:
                cr = cell * 0.42 * (1 - 0.75 * d)
                ldraw.ellipse((pcx - cr, pcy - cr, pcx + cr, pcy + cr), fill=fill)
    img = Image.alpha_composite(img.convert("RGBA"), layer).convert("RGB")

    return finish(img, SIZE, seed=103)


def crowbar(length: float) -> tuple[list[Point], list[float]]:
    """A crowbar standing on the origin: centre line and stroke widths (shaft, bend, claw)."""
    r, width = 0.045 * length, 0.034 * length
    pts: list[Point] = [(0.0, 0.0), (0.0, -length)]
    widths = [width, width]
    end = 140
    for k in range(1, 17):
        a = math.radians(k * end / 16)
        pts.append((r - r * math.cos(a), -length - r * math.sin(a)))
        widths.append(width)
    # The flattened claw carries on along the tangent and tapers to an edge.
    a = math.radians(end)
    tx, ty = math.sin(a), -math.cos(a)
    ex, ey = pts[-1]
    for k in range(1, 9):
        t = k / 8
        pts.append((ex + tx * 0.13 * length * t, ey + ty * 0.13 * length * t))
        widths.append(width * (1.1 - 0.6 * t))
    return pts, widths


def draw_crowbar_field() -> Image.Image:
    """A field planted with rows of crowbars: a lever for everyone, to the horizon."""
    img = new_canvas(SIZE)
    w, h = img.size
    u = h / 1000
    cx = w / 2
    horizon = 470 * u
    rng = random.Random(4)

    sun = (cx - 360 * u, horizon - 20 * u)
    glow(img, sun, 330 * u, OCHRE_PALE, 0.35)
    draw = ImageDraw.Draw(img)
    disc(draw, sun, 130 * u, OCHRE_PALE)
    paint_ground(img, horizon, mix(SAND, OCHRE_PALE, 0.2), mix(SAND, SAGE, 0.3))

    eye = 520 * u  # camera height above the ground, in screen units at depth 1
    depths = [1.0 * 1.38**k for k in range(9)]
    far_col = mix(TERRACOTTA, SAND, 0.75)
    for row, z in reversed(list(enumerate(depths))):
        base_y = horizon + eye / z
        scale = 1 / z
        haze = smoothstep(1.0, depths[-1], z) ** 0.7
        col = mix(TERRACOTTA, far_col, haze)
        shadow = mix(mix(SAND, SAGE, 0.6), mix(SAND, SAGE, 0.3), haze)
        spacing = 300 * u
        offset = 0.5 * (row % 2)
        n = int(w * z / spacing / 2) + 2
        for i in range(-n, n + 1):
            xw = (i + offset + rng.uniform(-0.08, 0.08)) * spacing
            bx = cx + xw * scale
            if bx < -100 * u or bx > w + 100 * u:
                continue
            length = 360 * u * scale * rng.uniform(0.95, 1.05)
            lean = rng.uniform(-3.5, 3.5)
            side = -1 if rng.random() < 0.5 else 1
            line, widths = crowbar(length)
            line = rotate([(bx + side * x, base_y + y) for x, y in line], (bx, base_y), lean)
            width = widths[0]
            # A long shadow cast away from the low sun, and a little mound of earth.
            stroke(
                draw,
                [(bx, base_y), (bx + 1.1 * length, base_y + 0.06 * length)],
                width * 0.9,
                shadow,
            )
            draw.ellipse(
                (bx - 2.2 * width, base_y - 0.5 * width, bx + 2.2 * width, base_y + 0.6 * width),
                fill=shadow,
            )
            for quad in ribbon(line, widths):
                draw.polygon(quad, fill=col)
            disc(draw, line[17], width / 2, col)

    return finish(img, SIZE, seed=104)


def clip_half_plane(poly: list[Point], p: Point, q: Point) -> list[Point]:
    """Keep the part of `poly` closer to p than to q (one Sutherland-Hodgman step)."""
    mx, my = (p[0] + q[0]) / 2, (p[1] + q[1]) / 2
    nx, ny = q[0] - p[0], q[1] - p[1]

    def side(pt: Point) -> float:
        return (pt[0] - mx) * nx + (pt[1] - my) * ny

    out: list[Point] = []
    for i, cur in enumerate(poly):
        prev = poly[i - 1]
        sc, sp = side(cur), side(prev)
        if (sc <= 0) != (sp <= 0):
            t = sp / (sp - sc)
            out.append((prev[0] + (cur[0] - prev[0]) * t, prev[1] + (cur[1] - prev[1]) * t))
        if sc <= 0:
            out.append(cur)
    return out


def voronoi_cells(seeds: Sequence[Point], reach: float) -> list[list[Point]]:
    """Voronoi cell of every seed (neighbours further than `reach` are ignored)."""
    cells = []
    for i, p in enumerate(seeds):
        poly = [
            (p[0] - reach, p[1] - reach),
            (p[0] + reach, p[1] - reach),
            (p[0] + reach, p[1] + reach),
            (p[0] - reach, p[1] + reach),
        ]
        for j, q in enumerate(seeds):
            if i != j and abs(q[0] - p[0]) < reach and abs(q[1] - p[1]) < reach:
                poly = clip_half_plane(poly, p, q)
        cells.append(poly)
    return cells


def draw_castle_moat_dry() -> Image.Image:
    """A castle behind an empty moat whose bed has dried and cracked."""
    img = new_canvas(SIZE)
    w, h = img.size
    u = h / 1000
    cx = w / 2
    rng = random.Random(5)
    bank = 600 * u  # far edge of the moat, where the castle stands
    bed_top, near = 675 * u, 865 * u

    sun = (cx - 230 * u, 300 * u)
    glow(img, sun, 330 * u, OCHRE_PALE, 0.3)
    paint_ground(img, 565 * u, mix(SAND, SAGE, 0.3), mix(SAND, SAGE, 0.45))
    draw = ImageDraw.Draw(img)
    disc(draw, sun, 165 * u, OCHRE_PALE)

    # Castle silhouette: curtain wall, two towers, a keep with a pennant, a dark gate.
    wall = SLATE
    tower = mix(SLATE, INK, 0.45)

    def crenellated(x0: float, x1: float, top: float, col: Color) -> None:
        draw.rectangle((x0, top, x1, bank), fill=col)
        merlon = 22 * u
        n = max(2, round((x1 - x0 + merlon) / (2 * merlon)))
        step = (x1 - x0 - merlon) / (n - 1)
        for k in range(n):
            mx = x0 + k * step
            draw.rectangle((mx, top - 24 * u, mx + merlon, top + 1), fill=col)

    crenellated(cx - 300 * u, cx + 300 * u, 455 * u, wall)
    crenellated(cx - 95 * u, cx + 95 * u, 275 * u, tower)
    for tx in (cx - 330 * u, cx + 330 * u):
        crenellated(tx - 55 * u, tx + 55 * u, 365 * u, tower)
        draw.rectangle((tx - 6 * u, 410 * u, tx + 6 * u, 455 * u), fill=INK)
    for sx in (cx - 45 * u, cx + 45 * u):
        draw.rectangle((sx - 6 * u, 320 * u, sx + 6 * u, 365 * u), fill=INK)
    draw.rectangle((cx - 2 * u, 160 * u, cx + 2 * u, 252 * u), fill=INK)
    draw.polygon(
        [(cx + 2 * u, 162 * u), (cx + 62 * u, 180 * u), (cx + 2 * u, 198 * u)], fill=TERRACOTTA
    )
    gw = 40 * u
    draw.rectangle((cx - gw, 535 * u, cx + gw, bank), fill=INK)
    draw.pieslice((cx - gw, 535 * u - gw, cx + gw, 535 * u + gw), 180, 360, fill=INK)

    # The dry bed: cracked mud as Voronoi cells, laid out in perspective.
    crack = mix(OCHRE, INK, 0.5)
    draw.rectangle((0, bed_top, w, near), fill=crack)
    hy = 380 * u  # horizon of the bed's perspective
    k_persp = near - hy
    z_far = k_persp / (bed_top - hy)
    sx, sz = 0.15, 0.085
    seeds: list[Point] = []
    half_cols = int(w / 2 * z_far / k_persp / sx) + 2
    for zi in range(-1, int((z_far - 1) / sz) + 2):
        for xi in range(-half_cols, half_cols + 1):
            seeds.append((xi + rng.uniform(-0.4, 0.4), zi + rng.uniform(-0.4, 0.4)))
    for (gx, gz), cell in zip(seeds, voronoi_cells(seeds, 2.5), strict=True):
        pts = []
        for vx, vz in cell:
            # Shrink towards the seed to open the cracks, then project.
            vx, vz = gx + (vx - gx) * 0.86, gz + (vz - gz) * 0.8
            z = 1 + vz * sz
            if z <= 0.2:
                z = 0.2
            pts.append((cx + vx * sx * k_persp / z, hy + k_persp / z))
        tone = mix(mix(OCHRE_PALE, SAND, 0.4), OCHRE, rng.uniform(0.05, 0.3))
        draw.polygon(pts, fill=tone)

    # A small boat, stranded and listing where the water used to be.
    bx, by = cx - 430 * u, 800 * u
    hull = [
        (-100, -22),
        (-20, -26),
        (60, -30),
        (112, -42),
        (96, -18),
        (70, 2),
        (20, 12),
        (-50, 12),
        (-92, 4),
        (-98, -8),
    ]
    hull_pts = rotate([(bx + x * u, by + y * u) for x, y in hull], (bx, by), 8)
    draw.ellipse((bx - 105 * u, by + 4 * u, bx + 95 * u, by + 26 * u), fill=crack)
    draw.polygon(hull_pts, fill=mix(TERRACOTTA, INK, 0.3))
    rim = [
        (-100, -22),
        (-20, -26),
        (60, -30),
        (112, -42),
        (108, -34),
        (60, -22),
        (-20, -18),
        (-99, -14),
    ]
    draw.polygon(
        rotate([(bx + x * u, by + y * u) for x, y in rim], (bx, by), 8),
        fill=mix(TERRACOTTA, OCHRE_PALE, 0.35),
    )

    # The far wall of the moat, stained by the old waterline.
    draw.rectangle((0, bank, w, bed_top), fill=mix(SAND, INK, 0.26))
    draw.rectangle((0, bank, w, bank + 8 * u), fill=mix(SAND, INK, 0.12))
    for k, y in enumerate((bank + 26 * u, bank + 40 * u)):
        draw.rectangle((0, y, w, y + (5 - 2 * k) * u), fill=mix(SAND, INK, 0.38 - 0.06 * k))
    paint_ground(img, near, mix(SAND, OCHRE_PALE, 0.3), mix(SAND, SAGE, 0.15))
    draw.rectangle((0, near, w, near + 6 * u), fill=mix(SAND, INK, 0.12))

    # The drawbridge, lowered across a moat with nothing left to cross.
    plank = mix(TERRACOTTA, INK, 0.2)
    draw.polygon(
        [
            (cx - gw, bank),
            (cx + gw, bank),
            (cx + 64 * u, near + 10 * u),
            (cx - 64 * u, near + 10 * u),
        ],
        fill=plank,
    )
    for k in range(1, 9):
        t = (k / 9) ** 1.2
        yy = bank + (near + 10 * u - bank) * t
        hw = gw + (64 * u - gw) * t
        draw.line((cx - hw, yy, cx + hw, yy), fill=mix(TERRACOTTA, INK, 0.5), width=round(3 * u))

    return finish(img, SIZE, seed=105)


def growing_spiral(scale: float, steps: int = 900) -> list[Point]:
    """A curve whose curvature grows exponentially: a gentle rise that curls into itself."""
    pts: list[Point] = [(0.0, 0.0)]
    heading = math.radians(-8)
    ds = 2.2 * scale / steps
    x = y = 0.0
    for k in range(steps):
        s = k / steps
        kappa = 0.25 * math.exp(5.2 * s) / scale
        heading -= kappa * ds
        x += math.cos(heading) * ds
        y += math.sin(heading) * ds
        pts.append((x, y))
    return pts


def draw_exponential_recursion() -> Image.Image:
    """An exponential curve that curls into itself, echoed by ever smaller copies."""
    img = new_canvas(SIZE)
    w, h = img.size
    u = h / 1000

    def place(pts: list[Point], origin: Point) -> list[Point]:
        return [(origin[0] + x, origin[1] + y) for x, y in pts]

    base = 770 * u
    tones = [SLATE, SAGE, OCHRE, TERRACOTTA]
    scales = [660 * u * 0.48**k for k in range(4)][::-1]
    curves = [growing_spiral(sc) for sc in scales]
    spans = [max(x for x, _ in c) - min(x for x, _ in c) for c in curves]
    gaps = [0.22 * sc for sc in scales[1:]]
    x = (w - sum(spans) - sum(gaps)) / 2 - 50 * u
    placed: list[list[Point]] = []
    for k, curve in enumerate(curves):
        placed.append(place(curve, (x - min(px for px, _ in curve), base)))
        x += spans[k] + (gaps[k] if k < len(gaps) else 0)

    # A pale disc marks the eye of the largest spiral.
    eye = placed[-1][-1]
    glow(img, eye, 380 * u, OCHRE_PALE, 0.3)
    draw = ImageDraw.Draw(img)
    disc(draw, eye, 200 * u, OCHRE_PALE)
    draw.line((0, base, w, base), fill=mix(PAPER, SLATE, 0.22), width=round(3 * u))
    for pts, scale, col in zip(placed, scales, tones, strict=True):
        width = 0.042 * scale
        n = len(pts)
        widths = [width * (1 - 0.75 * (i / (n - 1)) ** 2) for i in range(n)]
        for quad in ribbon(pts, widths):
            draw.polygon(quad, fill=col)
        disc(draw, pts[0], width / 2, col)

    return finish(img, SIZE, seed=106)


IMAGES: dict[str, Callable[[], Image.Image]] = {
    "thumbnail.jpg": draw_thumbnail,
    "upside-down-tower.jpg": draw_upside_down_tower,
    "dissolving-center.jpg": draw_dissolving_center,
    "crowbar-field.jpg": draw_crowbar_field,
    "castle-moat-dry.jpg": draw_castle_moat_dry,
    "exponential-recursion.jpg": draw_exponential_recursion,
}


def main(argv: Sequence[str] | None = None) -> None:
    """Draw every illustration into the output folder (assets/ by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "assets", help="output folder")
    parser.add_argument("--only", nargs="*", default=None, help="draw only these files")
    args = parser.parse_args(argv)
    for name, draw_fn in IMAGES.items():
        if args.only and name not in args.only:
            continue
        path = args.out / name
        save_jpeg(draw_fn(), path)
        print(f"{path}  {path.stat().st_size:>9,} bytes")


if __name__ == "__main__":
    main()
