"""Where things go in a 9:16 frame, before anything is drawn: the figures of a shot (placed by size, angle and
count), the horizon, where each label sits, and where a point lands after the keystone or the dutch tilt."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...core.models import SeriesBible, Shot
from .style import BACK_FILL, EYES, FEET, FIGURE_BG_FILL, FIGURE_FILL, SIZE_LAYOUT


@dataclass
class _Figure:
    name: str  # the label (cue)
    cx: float  # frame px
    top: float  # top of the head, frame px (top view: the centre of the head)
    u: float  # head height, px
    facing: float = 0.0  # -1 looks to frame left, +1 to frame right, 0 to camera
    fill: tuple = FIGURE_FILL
    view: str = "front"  # front | back | top
    speaking: bool = False
    lw: float = 2.0  # outline width, px
    look: float = math.pi / 2  # top view: direction of the nose (radians, image coordinates)

    def y(self, k: float) -> float:
        return self.top + k * self.u

    def x(self, k: float) -> float:
        return self.cx + k * self.u


def _cue(name: str, bible: SeriesBible | None) -> str:
    ch = bible.character(name) if bible else None
    if ch:
        return ch.cue
    return (name.split()[0] if name.split() else name).upper()


def _figures(shot: Shot, bible: SeriesBible | None, W: float, H: float, s: float = 1.0
             ) -> tuple[list[_Figure], float, int]:
    """Figures of the shot (drawn in this order: back to front), the camera's eye height (px), how many left out."""
    size = shot.size
    hh, top = SIZE_LAYOUT[size]
    names = list(dict.fromkeys(n for n in shot.characters if n.strip()))
    speaker = _cue(shot.speaker, bible) if shot.speaker.strip() else ""
    listener = None
    if shot.angle == "over the shoulder" and len(names) >= 2:
        listener, names = names[1], [names[0]] + names[2:]
    shown, extra = names[:4], max(0, len(names) - 4)

    def fig(name: str, cx: float, t: float, u: float, facing: float, fill=FIGURE_FILL, view="front") -> _Figure:
        cue = _cue(name, bible)
        lw = min(max(u * 0.03, 1.2 * s), 3.2 * s)
        return _Figure(cue, cx, t, u, facing, fill, view, speaking=bool(speaker) and cue == speaker, lw=lw)

    if not shown:
        return [], (0.40 * H if size not in ("EWS", "WS") else 0.55 * H), 0
    if shot.angle == "overhead":  # from above: people as heads and shoulders on the floor, facing each other
        u = min(max(hh, 0.07) * H * 0.9, 0.2 * H)
        spots = [(0.45, 0.58), (0.55, 0.3), (0.2, 0.42), (0.8, 0.44)][: len(shown)]
        gx = sum(x for x, _ in spots) / len(spots)
        gy = sum(y for _, y in spots) / len(spots)
        figs = []
        for i, name in enumerate(shown):
            sx, sy = spots[i]
            f = fig(name, sx * W, sy * H, u, 0, FIGURE_FILL if i == 0 else FIGURE_BG_FILL, "top")
            f.look = math.atan2((gy - sy) * H, (gx - sx) * W) if len(spots) > 1 else math.pi / 2
            figs.append(f)
        return figs[::-1], 0.0, extra
    lean = -1 if shot.number % 2 else 1  # a single figure looks just off camera, alternating sides
    figs: list[_Figure] = []
    if size == "EWS":  # tiny figures standing on the ground, far away
        ground, u = 0.64 * H, hh * H
        xs = [0.5] if len(shown) == 1 else [0.42, 0.58, 0.32, 0.68]
        for i, name in enumerate(shown):
            k = 1.0 if i == 0 else 0.85
            t = ground - (0.0 if i == 0 else 0.02 * H) - FEET * u * k
            facing = 0 if len(shown) == 1 else (1 if xs[i] < 0.5 else -1)
            figs.append(fig(name, xs[i] * W, t, u * k, facing))
        return figs[::-1], ground - (FEET - EYES) * u, extra
    if len(shown) == 1 and listener is None:
        u, t = hh * H, top * H
        figs.append(fig(shown[0], 0.5 * W, t, u, lean * (0.5 if size == "ECU" else 1)))
        return figs, t + EYES * u, extra
    # two-shots are stacked: the foreground figure lower and larger, the others behind, higher and smaller
    if listener is not None:
        fg_u, fg_t, fg_cx = hh * H * 0.85, top * H + (0.04 * H if size != "WS" else 0.0), 0.6 * W
    elif size == "WS":
        fg_u, fg_t, fg_cx = hh * H * 0.95, (top + 0.07) * H, 0.34 * W
    elif size == "ECU":
        fg_u, fg_t, fg_cx = hh * H * 0.5, 0.42 * H, 0.36 * W
    else:
        fg_u, fg_t, fg_cx = hh * H * 0.8, top * H + 0.2 * H, 0.34 * W
    back_x = [0.68, 0.86, 0.5]
    for i, name in enumerate(shown[1:]):
        k = 0.62 if i == 0 else 0.5
        bu = fg_u * k
        if size == "WS":
            bt = fg_t + FEET * (fg_u - bu) - (0.08 + 0.04 * i) * H
        elif size == "ECU":
            bt = 0.03 * H
        else:
            bt = max(0.04 * H, fg_t - (0.26 + 0.03 * i) * H)
        figs.insert(0, fig(name, back_x[i] * W, bt, bu, -1, FIGURE_BG_FILL))
    if listener is not None:
        figs.append(fig(shown[0], fg_cx, fg_t, fg_u, -1))
        lu = hh * H * 1.3 if size != "WS" else 0.26 * H
        lt = max(fg_t + 0.34 * H, 0.5 * H)
        back = fig(listener, 0.1 * W, lt, lu, 1, BACK_FILL, "back")
        figs.append(back)
    else:
        figs.append(fig(shown[0], fg_cx, fg_t, fg_u, 1))
    return figs, fg_t + EYES * fg_u, extra


def _horizon(shot: Shot, eye: float, H: float) -> float:
    if shot.angle == "high":
        return max(0.05 * H, eye - 0.28 * H)
    if shot.angle == "low":
        return min(0.93 * H, eye + 0.38 * H)
    return eye


def _keystone_point(x: float, y: float, w: float, h: float, angle: str, k: float = 0.12) -> tuple[float, float]:
    """Where a point of the figure layer lands after :func:`_keystone` (for the labels)."""
    if angle not in ("low", "high"):
        return x, y
    t = y / h if angle == "low" else 1 - y / h
    # source width at this height is w * (1 + 2k(1-t)); output maps it to w
    widen = 1 + 2 * k * (1 - t)
    return w / 2 + (x - w / 2) / widen, y


def _label_point(f: _Figure, size: str, H: float) -> tuple[float, float]:
    if f.view == "top":
        return f.cx, f.top + 0.75 * f.u
    if size == "EWS":
        return f.cx, f.top - 0.035 * H
    if f.view == "back":
        return f.cx + 0.4 * f.u, f.top + 1.6 * f.u
    for k in (2.0, 1.55, 1.2):
        y = f.top + k * f.u
        if y < 0.9 * H:
            return f.cx, y
    return f.cx, 0.86 * H


def _rotate_point(x: float, y: float, cx: float, cy: float, deg: float) -> tuple[float, float]:
    """Where (x, y) goes when the picture is rotated by ``deg`` (counter-clockwise, as Image.rotate) about (cx, cy)."""
    t = math.radians(deg)
    dx, dy = x - cx, y - cy
    return cx + dx * math.cos(t) + dy * math.sin(t), cy - dx * math.sin(t) + dy * math.cos(t)
