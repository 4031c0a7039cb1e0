"""Painters of a panel's parts on a Pillow canvas: a figure's silhouette and eyeline, the environment, the
keystone, the name labels, the movement arrows, the dashed safe area, the POV vignette, an insert."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from ...core.models import Shot
from .layout import _Figure
from .style import (
    EYES,
    FAINT,
    FEET,
    GROUND,
    HIPS,
    INK,
    LINE,
    MOVE,
    MOVE_LABEL,
    NIGHT_SKY,
    OUTLINE,
    PAPER,
    SHOULDERS,
    SKY,
    SPEAKER_BG,
    WALL,
)
from .text import _clip_lines, _draw_text, _line_h, _text_w, font, wrap


def _parts(f: _Figure) -> list[tuple[str, list[tuple[float, float]]]]:
    """The body as primitives in head units: ("poly", points) or ("ellipse", [(x0, y0), (x1, y1)])."""
    fa = f.facing
    if f.view == "top":
        return [("ellipse", [(-0.95, -0.36), (0.95, 0.36)]), ("ellipse", [(-0.4, -0.42), (0.4, 0.42)])]
    parts: list[tuple[str, list[tuple[float, float]]]] = []
    for s in (-1, 1):  # legs and feet
        parts.append(("poly", [(s * 0.04, HIPS - 0.2), (s * 0.72, HIPS - 0.2), (s * 0.5, FEET - 0.08),
                               (s * 0.14, FEET - 0.08)]))
        fx = s * 0.32 + fa * 0.16
        parts.append(("ellipse", [(fx - 0.26, FEET - 0.2), (fx + 0.26, FEET + 0.04)]))
    for s in (-1, 1):  # arms and hands
        parts.append(("poly", [(s * 0.72, SHOULDERS + 0.12), (s * 1.0, SHOULDERS + 0.3), (s * 1.06, 3.85),
                               (s * 0.8, 3.9), (s * 0.74, 1.9)]))
        parts.append(("ellipse", [(s * 0.93 - 0.15, 3.78), (s * 0.93 + 0.15, 4.2)]))
    parts.append(("poly", [(-0.62, SHOULDERS), (0.62, SHOULDERS), (0.88, SHOULDERS + 0.16), (0.98, 1.7),
                           (0.68, 3.3), (0.74, HIPS), (-0.74, HIPS), (-0.68, 3.3), (-0.98, 1.7),
                           (-0.88, SHOULDERS + 0.16)]))
    parts.append(("poly", [(-0.17, 0.7), (0.17, 0.7), (0.2, SHOULDERS + 0.05), (-0.2, SHOULDERS + 0.05)]))  # neck
    parts.append(("ellipse", [(-0.39, 0.0), (0.39, 1.0)]))  # head
    return parts


def _to_px(f: _Figure, pts):
    return [(f.x(a), f.y(b)) for a, b in pts]


def _draw_figure(d: ImageDraw.ImageDraw, f: _Figure) -> None:
    """A silhouette with one clean outline (all parts outlined first, then all filled), then the details."""
    lw = f.lw
    parts = _parts(f)
    for kind, pts in parts:  # outline pass: every part grown by the line width
        px = _to_px(f, pts)
        if kind == "poly":
            d.polygon(px, fill=OUTLINE)
            d.line(px + [px[0]], fill=OUTLINE, width=max(1, round(2 * lw)), joint="curve")
        else:
            (x0, y0), (x1, y1) = px
            d.ellipse([x0 - lw, y0 - lw, x1 + lw, y1 + lw], fill=OUTLINE)
    for kind, pts in parts:  # fill pass
        px = _to_px(f, pts)
        if kind == "poly":
            d.polygon(px, fill=f.fill)
        else:
            (x0, y0), (x1, y1) = px
            if x1 - x0 >= 1 and y1 - y0 >= 1:
                d.ellipse([x0, y0, x1, y1], fill=f.fill)
    thin = max(1, round(lw * 0.7))
    if f.view == "top":  # seen from above: hair, and a nose pointing where they look
        d.ellipse([f.x(-0.3), f.y(-0.32), f.x(0.3), f.y(0.28)], fill=OUTLINE)
        c, s_ = math.cos(f.look), math.sin(f.look)
        d.polygon([(f.x(0.55 * c), f.y(0.55 * s_)), (f.x(0.36 * c - 0.1 * s_), f.y(0.36 * s_ + 0.1 * c)),
                   (f.x(0.36 * c + 0.1 * s_), f.y(0.36 * s_ - 0.1 * c))], fill=OUTLINE)
        return
    if f.u >= 14:  # inner lines: arms against the torso, the jaw
        for s in (-1, 1):
            d.line(_to_px(f, [(s * 0.76, 1.95), (s * 0.8, 3.85)]), fill=OUTLINE, width=thin)
        d.arc([f.x(-0.39), f.y(0.0), f.x(0.39), f.y(1.0)], 25, 155, fill=OUTLINE, width=thin)
    if f.view == "back":
        d.ellipse([f.x(-0.4), f.y(-0.01), f.x(0.4), f.y(0.9)], fill=OUTLINE)  # hair from behind
        return
    fa = f.facing
    d.chord([f.x(-0.4), f.y(-0.01), f.x(0.4), f.y(0.66)], 180, 360, fill=OUTLINE)  # hair
    white = (250, 250, 246)
    if f.u >= 60:  # detailed eyes (CU, ECU)
        for s in (-1, 1):
            ex = s * 0.16 + fa * 0.07
            d.ellipse([f.x(ex - 0.1), f.y(EYES - 0.045), f.x(ex + 0.1), f.y(EYES + 0.045)], fill=white,
                      outline=OUTLINE, width=thin)
            ix = ex + fa * 0.045
            d.ellipse([f.x(ix - 0.04), f.y(EYES - 0.04), f.x(ix + 0.04), f.y(EYES + 0.04)], fill=OUTLINE)
            d.ellipse([f.x(ix - 0.013), f.y(EYES - 0.03), f.x(ix + 0.013), f.y(EYES - 0.006)], fill=white)
            d.arc([f.x(ex - 0.13), f.y(EYES - 0.15), f.x(ex + 0.13), f.y(EYES - 0.03)], 200, 340, fill=OUTLINE,
                  width=max(1, round(lw)))
        d.line(_to_px(f, [(fa * 0.1, EYES + 0.08), (fa * 0.16 + 0.02, 0.69), (fa * 0.07, 0.71)]), fill=OUTLINE,
               width=thin)
        d.line(_to_px(f, [(fa * 0.06 - 0.1, 0.82), (fa * 0.06 + 0.1, 0.82)]), fill=OUTLINE, width=thin)  # mouth
    elif f.u >= 8:
        r = max(0.05, 0.8 / f.u)
        for s in (-1, 1):
            ex = s * 0.15 + fa * 0.1
            d.ellipse([f.x(ex - r), f.y(EYES - r), f.x(ex + r), f.y(EYES + r)], fill=OUTLINE)
        if fa and f.u >= 20:
            d.line(_to_px(f, [(fa * 0.2, EYES + 0.05), (fa * 0.3, 0.68), (fa * 0.2, 0.7)]), fill=OUTLINE,
                   width=thin)


def _eyeline(d: ImageDraw.ImageDraw, f: _Figure, frame_w: float, scale: float) -> None:
    """A dotted eyeline from the eyes in the look direction."""
    if not f.facing or f.view != "front" or f.u < 6:
        return
    length = min(1.3 * f.u, 0.22 * frame_w)
    x0, y0 = f.x(f.facing * 0.45), f.y(EYES)
    step = max(4, int(5 * scale))
    n = int(length // step)
    for i in range(0, n, 2):
        xa, xb = x0 + f.facing * i * step, x0 + f.facing * (i + 1) * step
        d.line([(xa, y0), (xb, y0)], fill=OUTLINE, width=max(1, int(scale)))
    xe = x0 + f.facing * n * step
    a = 2.5 * scale
    d.polygon([(xe + f.facing * 2 * a, y0), (xe, y0 - a), (xe, y0 + a)], fill=OUTLINE)


def _environment(d: ImageDraw.ImageDraw, shot: Shot, interior: bool, hy: float, W: float, H: float,
                 pad: float, s: float, night: bool = False) -> None:
    """Background: sky/wall, ground/floor, horizon, a room or a skyline for the wide sizes."""
    x0, x1, y0, y1 = -pad, W + pad, -pad, H + pad
    lw = max(1, int(1.5 * s))
    if shot.angle == "overhead":
        d.rectangle([x0, y0, x1, y1], fill=GROUND)
        step = (0.12 if shot.size in ("EWS", "WS", "MS") else 0.22) * W
        k = math.floor(x0 / step)
        while k * step < x1:
            d.line([(k * step, y0), (k * step, y1)], fill=FAINT, width=lw)
            k += 1
        k = math.floor(y0 / step)
        while k * step < y1:
            d.line([(x0, k * step), (x1, k * step)], fill=FAINT, width=lw)
            k += 1
        return
    d.rectangle([x0, y0, x1, hy], fill=WALL if interior else (NIGHT_SKY if night else SKY))
    if not interior and night and shot.size in ("EWS", "WS") and hy > 0.2 * H:
        r = 0.05 * W
        mx, my = 0.74 * W, max(0.16 * H, hy - 0.22 * H)
        d.ellipse([mx - r, my - r, mx + r, my + r], fill=(250, 248, 232), outline=LINE, width=max(1, int(s)))
    d.rectangle([x0, hy, x1, y1], fill=GROUND)
    wide = shot.size in ("EWS", "WS")
    medium = shot.size in ("MS", "MCU")
    if interior and (wide or medium):
        vx = W / 2
        bw, btop, bbot = (0.34 * W, hy - 0.16 * H, hy + 0.05 * H) if shot.size == "EWS" else \
            (0.56 * W, hy - 0.3 * H, hy + 0.12 * H)
        if medium:
            bw, btop, bbot = 1.1 * W, hy - 0.5 * H, hy + 0.3 * H
        wl, wr = vx - bw / 2, vx + bw / 2
        btop, bbot = max(btop, y0), min(bbot, y1)
        col = LINE if wide else FAINT
        d.rectangle([wl, btop, wr, bbot], fill=WALL, outline=col, width=lw)
        d.rectangle([wl, bbot, wr, y1], fill=GROUND)
        for cx_, cy_ in ((wl, btop), (wr, btop), (wl, bbot), (wr, bbot)):
            dx, dy = cx_ - vx, cy_ - hy
            t = 6.0
            d.line([(cx_, cy_), (vx + dx * t, hy + dy * t)], fill=col, width=lw)
        if wide:  # a door and a window on the back wall
            dw = 0.14 * (wr - wl)
            d.rectangle([wl + 0.12 * bw, bbot - 0.55 * (bbot - btop), wl + 0.12 * bw + dw, bbot], outline=col,
                        width=lw)
            d.rectangle([wr - 0.38 * bw, btop + 0.2 * (bbot - btop), wr - 0.1 * bw, btop + 0.55 * (bbot - btop)],
                        fill=SKY, outline=col, width=lw)
        else:  # a soft window behind (out of focus)
            d.rectangle([W * 0.62, hy - 0.22 * H, W * 0.95, hy + 0.06 * H], fill=(242, 243, 243), outline=FAINT,
                        width=lw)
    elif not interior and (wide or medium):
        # a skyline on the horizon
        col = (206, 208, 212) if wide else (226, 228, 231)
        x = x0
        i = 0
        while x < x1:
            bw = (0.07 + 0.05 * ((i * 7) % 3)) * W
            bh = (0.04 + 0.035 * ((i * 5) % 4)) * H * (1.0 if shot.size == "EWS" else 1.8)
            d.rectangle([x, hy - bh, x + bw, hy], fill=col)
            x += bw + 0.01 * W
            i += 1
        if shot.size == "EWS":  # a road to the vanishing point
            d.polygon([(W * 0.47, hy), (W * 0.53, hy), (W * 0.95, y1), (W * 0.05, y1)], fill=(214, 210, 200))
    d.line([(x0, hy), (x1, hy)], fill=LINE, width=lw)


def _keystone(layer: Image.Image, angle: str, k: float = 0.12) -> Image.Image:
    w, h = layer.size
    if angle == "low":  # looking up: the top recedes
        quad = (-k * w, 0, 0, h, w, h, w + k * w, 0)
    elif angle == "high":  # looking down: the bottom recedes
        quad = (0, 0, -k * w, h, w + k * w, h, w, 0)
    else:
        return layer
    return layer.transform(layer.size, Image.Transform.QUAD, quad, resample=Image.Resampling.BICUBIC)


def _label_box(d: ImageDraw.ImageDraw, text: str, x: float, y: float, f, s: float, speaking: bool,
               W: float, H: float) -> None:
    tw = _text_w(f, text)
    th = _line_h(f)
    px, py = 5 * s, 2 * s
    bubble = 12 * s if speaking else 0
    w = tw + 2 * px + bubble
    x0 = min(max(x - w / 2, 3 * s), W - w - 3 * s)
    y0 = min(max(y - th / 2 - py, 3 * s), H - th - 2 * py - 3 * s)
    d.rounded_rectangle([x0, y0, x0 + w, y0 + th + 2 * py], radius=int(4 * s), fill=SPEAKER_BG if speaking else PAPER,
                        outline=OUTLINE, width=max(1, int(s)))
    _draw_text(d, (x0 + px, y0 + py), text, font=f, fill=INK)
    if speaking:  # a small speech bubble: this figure speaks the line
        bx, by = x0 + px + tw + 3 * s, y0 + py + th * 0.15
        d.ellipse([bx, by, bx + 9 * s, by + 6.5 * s], outline=INK, width=max(1, int(s)))
        d.polygon([(bx + 2 * s, by + 5.5 * s), (bx + 1 * s, by + 9 * s), (bx + 4.5 * s, by + 6 * s)], fill=INK)


# -- overlays (not tilted) -------------------------------------------------------------------------------
def _arrow(d: ImageDraw.ImageDraw, p0, p1, s: float, color=MOVE, width: float = 3.5, head: float = 11) -> None:
    (x0, y0), (x1, y1) = p0, p1
    ang = math.atan2(y1 - y0, x1 - x0)
    hl = head * s
    bx, by = x1 - math.cos(ang) * hl * 0.8, y1 - math.sin(ang) * hl * 0.8
    for col, extra in ((PAPER, 2.5), (color, 0)):
        d.line([(x0, y0), (bx, by)], fill=col, width=int((width + extra) * s))
    pts = [(x1, y1), (x1 - math.cos(ang - 0.45) * hl, y1 - math.sin(ang - 0.45) * hl),
           (x1 - math.cos(ang + 0.45) * hl, y1 - math.sin(ang + 0.45) * hl)]
    d.polygon(pts, fill=color, outline=PAPER)


def _move_label(d, text: str, x: float, y: float, f, s: float, W: float, anchor: str = "mm") -> None:
    tw, th = _text_w(f, text), _line_h(f)
    if anchor == "mm":
        x0 = x - tw / 2
    elif anchor == "rm":
        x0 = x - tw
    else:
        x0 = x
    x0 = min(max(x0, 4 * s), W - tw - 4 * s)
    d.rectangle([x0 - 3 * s, y - th / 2 - 1 * s, x0 + tw + 3 * s, y + th / 2 + 1 * s], fill=MOVE)
    _draw_text(d, (x0, y - th / 2), text, font=f, fill=PAPER)


def _movement(d: ImageDraw.ImageDraw, move: str, W: float, H: float, s: float, f) -> None:
    if move == "static" or move not in MOVE_LABEL:
        return
    label = MOVE_LABEL[move]
    if move in ("push in", "pull out"):
        cx, cy = W / 2, H * 0.45
        for sx, sy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
            outer = (cx + sx * 0.40 * W, cy + sy * 0.30 * H)
            inner = (cx + sx * 0.20 * W, cy + sy * 0.15 * H)
            _arrow(d, outer, inner, s) if move == "push in" else _arrow(d, inner, outer, s)
        _move_label(d, label, cx, cy - 0.30 * H - 16 * s, f, s, W)
    elif move in ("pan", "whip pan"):
        y = 0.14 * H
        if move == "whip pan":
            _arrow(d, (0.32 * W, y), (0.86 * W, y), s, width=4.5)
            for k, dy in enumerate((-7, 0, 7)):
                d.line([(0.1 * W + k * 0.03 * W, y + dy * s), (0.27 * W, y + dy * s)], fill=MOVE, width=int(2 * s))
        else:
            _arrow(d, (0.18 * W, y), (0.82 * W, y), s)
        _move_label(d, label, 0.5 * W, y + 18 * s, f, s, W)
    elif move == "tilt":
        x = 0.91 * W
        _arrow(d, (x, 0.62 * H), (x, 0.26 * H), s)
        _move_label(d, label, x, 0.67 * H, f, s, W, anchor="rm")
    elif move == "tracking":
        y = 0.93 * H
        for i in range(9):
            tx = 0.12 * W + i * 0.095 * W
            d.line([(tx, y + 5 * s), (tx, y + 12 * s)], fill=MOVE, width=int(2 * s))
        d.line([(0.1 * W, y + 8.5 * s), (0.9 * W, y + 8.5 * s)], fill=MOVE, width=int(1.5 * s))
        _arrow(d, (0.12 * W, y - 3 * s), (0.88 * W, y - 3 * s), s)
        _move_label(d, label, 0.5 * W, y - 20 * s, f, s, W)
    elif move == "handheld":
        y = 0.09 * H
        pts = [(0.12 * W + i * 0.76 * W / 60, y + math.sin(i / 60 * 6 * math.pi) * 6 * s) for i in range(61)]
        for col, wd in ((PAPER, 6), (MOVE, 3)):
            d.line(pts, fill=col, width=int(wd * s), joint="curve")
        _move_label(d, label, 0.5 * W, y + 20 * s, f, s, W)
    elif move == "crane":
        box = [0.06 * W, 0.22 * H, 0.5 * W, 0.7 * H]
        for col, wd in ((PAPER, 6), (MOVE, 3.5)):
            d.arc(box, 120, 240, fill=col, width=int(wd * s))
        a = math.radians(240)
        cx, cy, rx, ry = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, (box[2] - box[0]) / 2, (box[3] - box[1]) / 2
        tip = (cx + rx * math.cos(a), cy + ry * math.sin(a))
        _arrow(d, (tip[0] - 2 * s, tip[1] + 6 * s), (tip[0] + 8 * s, tip[1] - 4 * s), s)
        _move_label(d, label, 0.06 * W, 0.74 * H, f, s, W, anchor="lm")


def _dashed_rect(d: ImageDraw.ImageDraw, box, color, width: int, dash: float, gap: float) -> None:
    x0, y0, x1, y1 = box
    for (ax, ay), (bx, by) in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)),
                               ((x0, y1), (x0, y0))):
        length = math.hypot(bx - ax, by - ay)
        n = int(length // (dash + gap)) + 1
        for i in range(n):
            t0 = i * (dash + gap) / length
            t1 = min(1.0, (i * (dash + gap) + dash) / length)
            if t0 >= 1:
                break
            d.line([(ax + (bx - ax) * t0, ay + (by - ay) * t0), (ax + (bx - ax) * t1, ay + (by - ay) * t1)],
                   fill=color, width=width)


def _vignette(img: Image.Image) -> Image.Image:
    w, h = img.size
    mask = Image.new("L", (w, h), 150)
    ImageDraw.Draw(mask).ellipse([-0.12 * w, -0.05 * h, 1.12 * w, 1.05 * h], fill=0)
    dark = Image.new("RGB", (w, h), (40, 40, 48))
    return Image.composite(dark, img, mask)


class _Shifted:
    """An ImageDraw proxy that shifts every coordinate by ``pad`` (drawing on a padded canvas)."""

    def __init__(self, draw: ImageDraw.ImageDraw, pad: float):
        self._d = draw
        self._p = pad

    def _xy(self, xy):
        p = self._p
        if isinstance(xy, (list, tuple)) and xy and isinstance(xy[0], (list, tuple)):
            return [(x + p, y + p) for x, y in xy]
        if isinstance(xy, (list, tuple)) and len(xy) == 4:
            return [xy[0] + p, xy[1] + p, xy[2] + p, xy[3] + p]
        if isinstance(xy, (list, tuple)) and len(xy) == 2:
            return (xy[0] + p, xy[1] + p)
        return xy

    def __getattr__(self, name):
        fn = getattr(self._d, name)
        if name in ("line", "polygon", "rectangle", "ellipse", "chord", "arc", "rounded_rectangle", "text", "pieslice"):
            def wrapped(xy, *a, **kw):
                return fn(self._xy(xy), *a, **kw)
            return wrapped
        return fn


def _insert(d, shot: Shot, W: float, H: float, s: float) -> None:
    """No character in frame: an insert (a prop) for the tight sizes, the place itself for the wide ones."""
    if shot.size in ("EWS", "WS"):
        return
    k = {"MS": 0.45, "MCU": 0.55, "CU": 0.68, "ECU": 0.86}.get(shot.size, 0.5)
    bw, bh = k * W, k * W * 0.7
    x0, y0 = (W - bw) / 2, 0.42 * H - bh / 2
    d.rounded_rectangle([x0, y0, x0 + bw, y0 + bh], radius=int(10 * s), fill=(214, 218, 228), outline=OUTLINE,
                        width=max(1, int(2 * s)))
    f = font(int(15 * s), "bold")
    lines = _clip_lines(wrap(shot.subject.upper() or "INSERT", f, bw - 16 * s), 3, f, bw - 16 * s)
    lh = _line_h(f)
    y = y0 + bh / 2 - lh * len(lines) / 2
    for ln in lines:
        _draw_text(d, (x0 + (bw - _text_w(f, ln)) / 2, y), ln, font=f, fill=INK)
        y += lh
