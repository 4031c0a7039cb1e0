"""Storyboards: one 9:16 panel per shot, drawn with Pillow, laid out on printable sheets.

A panel is a composition sketch a director can shoot from, not an illustration:

- **figures** are simple silhouettes (head, shoulders, arms, legs) labelled with the
  character's cue; one standard figure (7.5 heads tall) is scaled and placed by the shot
  size and the frame crops it: EWS tiny figures in a wide environment, WS full bodies,
  MS cut at the hips, MCU at the chest, CU the head fills the frame, ECU the eyes;
- **two-shots are stacked vertically** (9:16): the first character in the foreground,
  lower and larger, the second behind, higher and smaller, facing each other; more
  characters stand further back;
- **angle**: the horizon is the camera's height, so it runs through the subject's eyes at
  eye level, above the head for a high angle, low in the frame for a low angle (figures
  get a slight keystone); dutch tilts the whole picture; over-the-shoulder puts the
  listener's back in the foreground; overhead draws figures from above on a floor grid;
  POV darkens the corners;
- **movement** is a red arrow: push in (arrows converging from the corners), pull out
  (diverging), pan / whip pan (horizontal), tilt (vertical), tracking (along the bottom
  on a track), crane (a rising arc), handheld (a wavy line); static draws none;
- the **caption safe area** (where subtitles and on-screen text must stay, clear of the
  platforms' buttons and captions) is a dashed blue rectangle;
- under each frame a **caption block**: shot number and duration, size · angle ·
  movement, scene heading, subject / action and the spoken line, wrapped.

Sheets put 4 (landscape) or 6+ panels on an A4 or Letter page with an episode header
(series title, episode number and title, page x/y) and a legend; they are written as PNG
pages and one multi-page PDF per episode. Fonts: DejaVu when the system has it, else
Pillow's bundled font, else Pillow's bitmap font: a missing font never fails.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .errors import InputError
from .models import EpisodePlan, SeriesBible, ShootingScene, ShootingScript, Shot
from .season import atomic_write_bytes, safe_join
from .text import slug

# -- palette (the figure fill is a constant so that tests can find the figure) ---------------------------
PAPER = (255, 255, 255)
FRAME_BG = (247, 245, 239)
SKY = (238, 242, 247)
NIGHT_SKY = (206, 213, 230)
GROUND = (226, 222, 211)
WALL = (236, 232, 223)
LINE = (150, 146, 138)
FAINT = (200, 196, 188)
FIGURE_FILL = (118, 128, 150)  # foreground figures (measured by tests)
FIGURE_BG_FILL = (168, 175, 192)  # figures further back
BACK_FILL = (72, 76, 90)  # over-the-shoulder foreground (the listener's back)
OUTLINE = (44, 48, 62)
MOVE = (214, 40, 40)
SAFE = (40, 118, 220)
SPEAKER_BG = (255, 214, 64)
INK = (24, 24, 28)
GREY = (105, 105, 112)

#: Caption safe area of a 9:16 frame as fractions (left, top, right, bottom): clear of the
#: status bar and title at the top, the caption/username block at the bottom and the
#: button rail on the right of TikTok / Reels / Shorts / ReelShort players.
SAFE_AREA = (0.06, 0.10, 0.84, 0.80)

#: Standard figure, in head heights from the top of the head (7.5 heads tall): eyes, shoulders, hips, feet.
EYES, SHOULDERS, HIPS, FEET = 0.48, 1.25, 4.05, 7.45

#: Per shot size: (head height, top of the head) as fractions of the frame height, for a single figure.
SIZE_LAYOUT: dict[str, tuple[float, float]] = {
    "EWS": (0.0105, 0.0),  # placed on the ground far away (top computed)
    "WS": (0.095, 0.18),  # full body, feet at about 0.89
    "MS": (0.19, 0.22),  # cut at the hips
    "MCU": (0.28, 0.27),  # cut at the chest
    "CU": (0.46, 0.16),  # the head fills the frame
    "ECU": (1.10, -0.078),  # eyes across the frame
}
SIZES: tuple[str, ...] = ("EWS", "WS", "MS", "MCU", "CU", "ECU")

ANGLE_BADGE = {"high": "HIGH ANGLE", "low": "LOW ANGLE", "overhead": "OVERHEAD", "dutch": "DUTCH",
               "over the shoulder": "OTS", "pov": "POV"}
MOVE_LABEL = {"push in": "PUSH IN", "pull out": "PULL OUT", "pan": "PAN", "whip pan": "WHIP PAN", "tilt": "TILT",
              "tracking": "TRACK", "handheld": "HANDHELD", "crane": "CRANE UP"}

PAPERS_MM = {"A4": (210.0, 297.0), "LETTER": (215.9, 279.4)}
SS = 2  # supersampling of panels (drawn twice as large, then reduced: smooth lines)


# -- fonts ----------------------------------------------------------------------------------------------
_FONT_FILES = {
    "regular": ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "bold": ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    "italic": ("DejaVuSans-Oblique.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
               "DejaVuSans.ttf"),
    "condensed": ("DejaVuSansCondensed.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
                  "DejaVuSans.ttf"),
}


@lru_cache(maxsize=256)
def font(size: int, style: str = "regular"):
    """A TrueType font of ``size`` px: DejaVu (system), else Pillow's bundled font, else the bitmap font."""
    size = max(6, int(size))
    for name in _FONT_FILES.get(style, _FONT_FILES["regular"]):
        try:
            return ImageFont.truetype(name, size)
        except Exception:  # noqa: BLE001 - any failure (missing file, no FreeType) → next candidate
            continue
    try:
        return ImageFont.load_default(size=size)
    except Exception:  # noqa: BLE001 - Pillow < 10.1 or no FreeType
        pass
    bitmap = getattr(ImageFont, "load_default_imagefont", None)  # Pillow >= 10.1: needs no FreeType
    if bitmap is not None:
        try:
            return bitmap()
        except Exception:  # noqa: BLE001
            pass
    return ImageFont.load_default()


def clear_font_cache() -> None:
    font.cache_clear()


_ASCII = str.maketrans({"↓": "v", "↑": "^", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...",
                        "—": "-", "–": "-"})


def _safe(text: str, f) -> str:
    """Text the font can encode: a bitmap font (no FreeType) knows Latin-1 only."""
    if isinstance(f, ImageFont.FreeTypeFont):
        return text
    return str(text).translate(_ASCII).encode("latin-1", "replace").decode("latin-1")


def _draw_text(d, xy, text: str, font, fill) -> None:
    d.text(xy, _safe(text, font), font=font, fill=fill)


def _text_w(f, text: str) -> float:
    text = _safe(text, f)
    try:
        return float(f.getlength(text))
    except Exception:  # noqa: BLE001 - very old bitmap fonts
        box = f.getbbox(text)
        return float(box[2] - box[0])


def _line_h(f) -> int:
    box = f.getbbox("Ag")
    return int(box[3] - min(box[1], 0)) + 2


def wrap(text: str, f, width: float) -> list[str]:
    """Greedy word wrap to ``width`` px (long words are broken)."""
    out: list[str] = []
    for para in str(text).splitlines() or [""]:
        line = ""
        for word in para.split():
            cand = f"{line} {word}" if line else word
            if _text_w(f, cand) <= width:
                line = cand
                continue
            if line:
                out.append(line)
            while _text_w(f, word) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and _text_w(f, word[:cut] + "-") > width:
                    cut -= 1
                out.append(word[:cut] + "-")
                word = word[cut:]
            line = word
        out.append(line)
    return out


def _clip_lines(lines: list[str], n: int, f, width: float) -> list[str]:
    if len(lines) <= n:
        return lines
    last = lines[n - 1]
    while last and _text_w(f, last + "…") > width:
        last = last[:-1]
    return lines[: n - 1] + [last.rstrip() + "…"]


def _ellipsize(text: str, f, width: float) -> str:
    if _text_w(f, text) <= width:
        return text
    while text and _text_w(f, text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def episode_stem(number: int, title: str = "") -> str:
    s = slug(title)
    return f"ep{number:03d}-{s}" if s else f"ep{number:03d}"


# -- figures ---------------------------------------------------------------------------------------------
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


# -- composition -----------------------------------------------------------------------------------------
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


def _keystone_point(x: float, y: float, w: float, h: float, angle: str, k: float = 0.12) -> tuple[float, float]:
    """Where a point of the figure layer lands after :func:`_keystone` (for the labels)."""
    if angle not in ("low", "high"):
        return x, y
    t = y / h if angle == "low" else 1 - y / h
    # source width at this height is w * (1 + 2k(1-t)); output maps it to w
    widen = 1 + 2 * k * (1 - t)
    return w / 2 + (x - w / 2) / widen, y


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


# -- panels ----------------------------------------------------------------------------------------------
def draw_panel(shot: Shot, bible: SeriesBible | None = None, width: int = 360, *,
               scene: ShootingScene | None = None, guides: bool = True) -> Image.Image:
    """The shot's 9:16 frame (``width`` × ``width*16/9`` px): environment, figures, angle, movement, safe area.

    ``guides=False`` leaves out the safe-area rectangle and the movement arrow (the animatic moves the camera
    and burns its captions in instead)."""
    if width < 60:
        raise InputError("width", width, "at least 60 px")
    out_w, out_h = int(width), round(width * 16 / 9)
    W, H = out_w * SS, out_h * SS
    s = W / 360.0  # scale of strokes and text (designed at 360 px wide)
    interior = scene.interior if scene is not None else True
    figs, eye, extra = _figures(shot, bible, W, H, s)
    hy = _horizon(shot, eye, H)
    dutch = shot.angle == "dutch"
    pad = int(0.35 * H) if dutch else 0
    CW, CH = W + 2 * pad, H + 2 * pad

    img = Image.new("RGB", (CW, CH), FRAME_BG)

    def shifted(im: Image.Image):
        dr = ImageDraw.Draw(im)
        return _Shifted(dr, pad) if pad else dr

    night = scene is not None and scene.time in ("NIGHT", "DUSK", "EVENING")
    _environment(shifted(img), shot, interior, hy, W, H, pad, s, night)
    # figures on their own layer (keystoned for high / low angles)
    layer = Image.new("RGBA", (CW, CH), (0, 0, 0, 0))
    ld = shifted(layer)
    for f in figs:
        _draw_figure(ld, f)
    if len(figs) > 1:
        for f in figs:
            if f.view == "front" and f.fill == FIGURE_FILL:
                _eyeline(ld, f, W, s)
    if shot.size == "EWS" and figs:  # leader lines from the labels down to the tiny figures
        for f in figs:
            ld.line([(f.cx, f.top - 0.028 * H), (f.cx, f.top - 0.004 * H)], fill=OUTLINE, width=max(1, round(s)))
    if shot.angle in ("high", "low"):
        layer = _keystone(layer, shot.angle)
    img.paste(layer, (0, 0), layer)
    if not figs:  # an insert: the subject as a prop
        _insert(shifted(img), shot, W, H, s)

    labels = []
    for f in figs:
        x, y = _keystone_point(*_label_point(f, shot.size, H), W, H, shot.angle)
        labels.append((f.name + (" (back)" if f.view == "back" else ""), x, y, f.speaking))
    if dutch:
        deg = 12 if shot.number % 2 else -12
        img = img.rotate(deg, resample=Image.Resampling.BICUBIC, center=(CW / 2, CH / 2), fillcolor=FRAME_BG)
        img = img.crop((pad, pad, pad + W, pad + H))
        labels = [(t, *_rotate_point(x, y, W / 2, H / 2, deg), sp) for t, x, y, sp in labels]
    # labels stay upright and on their figures
    d = ImageDraw.Draw(img)
    lf = font(int(15 * s), "bold")
    for text, x, y, speaking in labels:
        _label_box(d, text, x, y, lf, s, speaking, W, H)
    if extra:
        _label_box(d, f"+{extra} more", 0.8 * W, 0.2 * H, font(int(13 * s)), s, False, W, H)
    if shot.angle == "pov":
        img = _vignette(img)

    # overlays: safe area, movement, badges, frame line
    d = ImageDraw.Draw(img)
    sa = SAFE_AREA
    if guides:
        _dashed_rect(d, (sa[0] * W, sa[1] * H, sa[2] * W, sa[3] * H), SAFE, max(1, int(1.6 * s)), 9 * s, 6 * s)
        sf = font(int(10 * s))
        tx, ty = sa[0] * W + 3 * s, sa[3] * H - _line_h(sf) - 3 * s
        d.rectangle([tx - 1 * s, ty - 1 * s, tx + _text_w(sf, "caption safe") + 2 * s, ty + _line_h(sf)],
                    fill=PAPER)
        _draw_text(d, (tx, ty), "caption safe", font=sf, fill=SAFE)
        _movement(d, shot.movement, W, H, s, font(int(13 * s), "bold"))
    badge = f" {shot.number} "
    bf = font(int(16 * s), "bold")
    bw = _text_w(bf, badge)
    d.rectangle([0, 0, bw + 6 * s, _line_h(bf) + 6 * s], fill=INK)
    _draw_text(d, (3 * s, 3 * s), badge, font=bf, fill=PAPER)
    tag = ANGLE_BADGE.get(shot.angle)
    if tag:
        tf = font(int(12 * s), "bold")
        tx = bw + 12 * s
        th = _line_h(tf)
        arrow = {"high": " ↓", "low": " ↑"}.get(shot.angle, "")
        d.rounded_rectangle([tx, 4 * s, tx + _text_w(tf, tag + arrow) + 10 * s, 4 * s + th + 6 * s],
                            radius=int(4 * s), fill=PAPER, outline=INK, width=max(1, int(s)))
        _draw_text(d, (tx + 5 * s, 7 * s), tag + arrow, font=tf, fill=INK)
    zf = font(int(13 * s), "bold")
    ztxt = shot.size
    zw = _text_w(zf, ztxt)
    d.rectangle([W - zw - 12 * s, 0, W, _line_h(zf) + 6 * s], fill=INK)
    _draw_text(d, (W - zw - 6 * s, 3 * s), ztxt, font=zf, fill=PAPER)
    d.rectangle([0, 0, W - 1, H - 1], outline=INK, width=max(2, int(2.5 * s)))
    return img.resize((out_w, out_h), Image.Resampling.LANCZOS)


def _rotate_point(x: float, y: float, cx: float, cy: float, deg: float) -> tuple[float, float]:
    """Where (x, y) goes when the picture is rotated by ``deg`` (counter-clockwise, as Image.rotate) about (cx, cy)."""
    t = math.radians(deg)
    dx, dy = x - cx, y - cy
    return cx + dx * math.cos(t) + dy * math.sin(t), cy - dx * math.sin(t) + dy * math.cos(t)


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


# -- captions and sheets ---------------------------------------------------------------------------------
def _fmt_seconds(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") + " s"


def draw_caption(shot: Shot, bible: SeriesBible | None, width: int, height: int, heading: str = "") -> Image.Image:
    """The text block under a frame: number, duration, size/angle/movement, heading, subject/action, line."""
    img = Image.new("RGB", (width, height), PAPER)
    d = ImageDraw.Draw(img)
    s = width / 360.0
    pad = 2 * s
    inner = width - 2 * pad
    fb, fr, fi, fs = font(int(17 * s), "bold"), font(int(14 * s)), font(int(14 * s), "italic"), font(int(12 * s))
    y = 4 * s
    _draw_text(d, (pad, y), f"SHOT {shot.number}", font=fb, fill=INK)
    dur = _fmt_seconds(shot.duration)
    _draw_text(d, (width - pad - _text_w(fb, dur), y), dur, font=fb, fill=INK)
    y += _line_h(fb) + 1 * s
    _draw_text(d, (pad, y), _ellipsize(f"{shot.size} · {shot.angle} · {shot.movement}", fr, inner), font=fr, fill=INK)
    y += _line_h(fr)
    if heading:
        _draw_text(d, (pad, y), _ellipsize(f"Sc {shot.scene} · {heading}", fs, inner), font=fs, fill=GREY)
        y += _line_h(fs)
    d.line([(pad, y + 2 * s), (width - pad, y + 2 * s)], fill=FAINT, width=max(1, int(s)))
    y += 5 * s
    lh = _line_h(fr)
    room = int((height - y) // lh)
    text = shot.subject.strip()
    if shot.action.strip():
        text = f"{text}: {shot.action.strip()}" if text and not shot.action.lower().startswith(text.lower()) \
            else shot.action.strip()
    line = ""
    if shot.line.strip():
        who = _cue(shot.speaker, bible) if shot.speaker else ""
        line = f"{who}: “{shot.line.strip()}”" if who else f"“{shot.line.strip()}”"
    line_rows = wrap(line, fi, inner) if line else []
    text_rows = wrap(text, fr, inner) if text else []
    n_line = min(len(line_rows), max(1, room // 2)) if line_rows else 0
    n_text = max(0, room - n_line)
    if n_text < len(text_rows) and line_rows:
        n_line = min(len(line_rows), room - min(len(text_rows), max(1, room - len(line_rows))))
        n_text = room - n_line
    for row in _clip_lines(text_rows, max(1, n_text), fr, inner) if n_text and text_rows else []:
        _draw_text(d, (pad, y), row, font=fr, fill=INK)
        y += lh
    for row in _clip_lines(line_rows, max(1, n_line), fi, inner) if n_line else []:
        _draw_text(d, (pad, y), row, font=fi, fill=(40, 60, 130))
        y += lh
    if shot.notes and y + _line_h(fs) <= height:
        room_n = int((height - y) // _line_h(fs))
        for row in _clip_lines(wrap("Note: " + shot.notes, fs, inner), max(1, min(2, room_n)), fs, inner):
            _draw_text(d, (pad, y), row, font=fs, fill=GREY)
            y += _line_h(fs)
    # ruled lines for the director's handwritten notes in what is left
    y += 0.6 * lh
    first = True
    while y + lh <= height:
        y += lh
        d.line([(pad, y), (width - pad, y)], fill=(222, 222, 226), width=max(1, int(s)))
        if first:
            _draw_text(d, (pad, y - _line_h(fs)), "notes", font=fs, fill=(170, 170, 178))
            first = False
    return img


def _page_px(paper: str, orientation: str, dpi: int) -> tuple[int, int]:
    key = paper.upper()
    if key not in PAPERS_MM:
        raise InputError("paper", paper, "A4 or Letter")
    if orientation not in ("landscape", "portrait"):
        raise InputError("orientation", orientation, "landscape or portrait")
    w, h = (round(mm / 25.4 * dpi) for mm in PAPERS_MM[key])
    return (h, w) if orientation == "landscape" else (w, h)


def _grid(per_page: int, orientation: str) -> tuple[int, int]:
    if orientation == "landscape":
        cols = per_page if per_page <= 6 else math.ceil(per_page / 2)
    else:
        cols = min(3, per_page)
    return cols, math.ceil(per_page / cols)


def storyboard_pages(shooting: ShootingScript, bible: SeriesBible | None = None, plan_ep: EpisodePlan | None = None,
                     *, paper: str = "A4", orientation: str = "landscape", per_page: int = 4,
                     dpi: int = 150) -> list[Image.Image]:
    """The episode's storyboard sheets: ``per_page`` panels a page with an episode header and page x/y."""
    if not 1 <= per_page <= 12:
        raise InputError("per_page", per_page, "1 to 12 panels a page")
    if not 72 <= dpi <= 600:
        raise InputError("dpi", dpi, "72 to 600")
    PW, PH = _page_px(paper, orientation, dpi)
    k = dpi / 150.0
    margin, gap = int(50 * k), int(26 * k)
    header_h, footer_h = int(96 * k), int(34 * k)
    cols, rows = _grid(per_page, orientation)
    cell_w = (PW - 2 * margin - (cols - 1) * gap) / cols
    cell_h = (PH - 2 * margin - header_h - footer_h - (rows - 1) * gap) / rows
    # the caption takes about 0.55 of the frame width below the frame
    fw = int(min(cell_w, cell_h / (16 / 9 + 0.58)))
    fh = round(fw * 16 / 9)
    cap_h = int(cell_h - fh - 6 * k)

    shots = [(sc, sh) for sc in shooting.scenes for sh in sc.shots]
    n_pages = max(1, math.ceil(len(shots) / per_page))
    number = shooting.episode
    title = (plan_ep.title if plan_ep and plan_ep.title else shooting.title) or ""
    series = bible.title if bible else ""
    total = sum(sh.duration for _, sh in shots)
    pages: list[Image.Image] = []
    for p in range(n_pages):
        page = Image.new("RGB", (PW, PH), PAPER)
        d = ImageDraw.Draw(page)
        f1, f2, f3 = font(int(30 * k), "bold"), font(int(19 * k)), font(int(13 * k))
        _draw_text(d, (margin, margin), _ellipsize(series or "Storyboard", f1, PW * 0.6), font=f1, fill=INK)
        ep = f"Episode {number}" + (f": {title}" if title else "")
        extra = []
        if plan_ep is not None:
            extra.append("free" if plan_ep.free else "paid")
            extra.append(f"cliffhanger: {plan_ep.cliffhanger_type}")
        extra.append(f"{len(shots)} shots, {_fmt_seconds(total)}")
        sub = _ellipsize(f"{ep}  ·  " + " · ".join(extra), f2, PW * 0.75)
        _draw_text(d, (margin, margin + _line_h(f1) + 4 * k), sub, font=f2, fill=GREY)
        right = f"STORYBOARD  ·  page {p + 1}/{n_pages}"
        fr = font(int(19 * k), "bold")
        _draw_text(d, (PW - margin - _text_w(fr, right), margin + 6 * k), right, font=fr, fill=INK)
        d.line([(margin, margin + header_h - 12 * k), (PW - margin, margin + header_h - 12 * k)], fill=INK,
               width=max(1, int(2 * k)))
        chunk = shots[p * per_page:(p + 1) * per_page]
        grid_w = cols * fw + (cols - 1) * gap
        x_start = (PW - grid_w) / 2
        for i, (sc, sh) in enumerate(chunk):
            r, c = divmod(i, cols)
            x = int(x_start + c * (fw + gap))
            y = int(margin + header_h + r * (cell_h + gap))
            panel = draw_panel(sh, bible, fw, scene=sc)
            page.paste(panel, (x, y))
            cap = draw_caption(sh, bible, fw, cap_h, sc.heading)
            page.paste(cap, (x, y + fh + int(6 * k)))
        legend = ("9:16 frames · dashed blue: caption safe area · red: camera movement · "
                  "yellow name: speaking · grey figures: further back · dotted: eyeline")
        _draw_text(d, (margin, PH - margin - _line_h(f3)), _ellipsize(legend, f3, PW - 2 * margin - 200 * k), font=f3,
               fill=GREY)
        foot = f"ep{number:03d} · dramagen"
        _draw_text(d, (PW - margin - _text_w(f3, foot), PH - margin - _line_h(f3)), foot, font=f3, fill=GREY)
        pages.append(page)
    return pages


def pages_to_pdf(pages: Sequence[Image.Image], dpi: int = 150, title: str = "") -> bytes:
    """One multi-page PDF of the pages (no timestamps: the same pages give the same bytes)."""
    if not pages:
        raise InputError("pages", 0, "at least one page")
    buf = io.BytesIO()
    first, rest = pages[0].convert("RGB"), [p.convert("RGB") for p in pages[1:]]
    first.save(buf, "PDF", save_all=True, append_images=rest, resolution=float(dpi), title=title or "storyboard",
               creator="dramagen", producer="dramagen", creationDate=None, modDate=None)
    return buf.getvalue()


def write_storyboard(shooting: ShootingScript, bible: SeriesBible | None, plan_ep: EpisodePlan | None,
                     out_dir: str | Path, *, stem: str | None = None, paper: str = "A4",
                     orientation: str = "landscape", per_page: int = 4, dpi: int = 150) -> list[Path]:
    """Write ``STEM-storyboard-p1.png``… and ``STEM-storyboard.pdf`` into ``out_dir`` (atomically).

    Returns the PNG pages then the PDF.
    """
    out = Path(out_dir)
    title = (plan_ep.title if plan_ep and plan_ep.title else shooting.title) or ""
    stem = stem or episode_stem(shooting.episode, title)
    pages = storyboard_pages(shooting, bible, plan_ep, paper=paper, orientation=orientation, per_page=per_page,
                             dpi=dpi)
    paths: list[Path] = []
    for i, page in enumerate(pages, 1):
        buf = io.BytesIO()
        page.save(buf, "PNG", dpi=(dpi, dpi))
        p = safe_join(out, f"{stem}-storyboard-p{i}.png")
        atomic_write_bytes(p, buf.getvalue())
        paths.append(p)
    pdf = safe_join(out, f"{stem}-storyboard.pdf")
    label = f"{bible.title} · " if bible else ""
    atomic_write_bytes(pdf, pages_to_pdf(pages, dpi, f"{label}Episode {shooting.episode} storyboard"))
    paths.append(pdf)
    return paths
