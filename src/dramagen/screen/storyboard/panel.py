"""A storyboard panel: the shot's 9:16 frame, composed from the painters of its parts
(dramagen.screen.storyboard.drawing) on the layout of its figures (dramagen.screen.storyboard.layout)."""

from __future__ import annotations

from PIL import Image, ImageDraw

from ...core.errors import InputError
from ...core.models import SeriesBible, ShootingScene, Shot
from .drawing import (
    _dashed_rect,
    _draw_figure,
    _environment,
    _eyeline,
    _insert,
    _keystone,
    _label_box,
    _movement,
    _Shifted,
    _vignette,
)
from .layout import _Figure, _figures, _horizon, _keystone_point, _label_point, _rotate_point
from .style import ANGLE_BADGE, FIGURE_FILL, FRAME_BG, INK, OUTLINE, PAPER, SAFE, SAFE_AREA, SS
from .text import _draw_text, _line_h, _text_w, font

#: a figure's label: (text, x, y, speaking)
_Label = tuple[str, float, float, bool]


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
    figs, eye, extra = _figures(shot, bible, W, H, s)
    dutch = shot.angle == "dutch"
    pad = int(0.35 * H) if dutch else 0
    img = _paint_picture(shot, scene, figs, eye, W, H, s, pad)
    labels = _figure_labels(shot, figs, W, H)
    if dutch:
        img, labels = _tilt(img, labels, shot, W, H, pad)
    _paint_labels(img, labels, extra, W, H, s)  # labels stay upright and on their figures
    if shot.angle == "pov":
        img = _vignette(img)
    # overlays: safe area, movement, badges, frame line
    d = ImageDraw.Draw(img)
    if guides:
        _paint_safe_area(d, W, H, s)
        _movement(d, shot.movement, W, H, s, font(int(13 * s), "bold"))
    _paint_badges(d, shot, W, s)
    d.rectangle([0, 0, W - 1, H - 1], outline=INK, width=max(2, int(2.5 * s)))
    return img.resize((out_w, out_h), Image.Resampling.LANCZOS)


def _canvas(im: Image.Image, pad: int):
    """A drawing on ``im`` in frame coordinates (the padded canvas of a dutch tilt shifts them by ``pad``)."""
    dr = ImageDraw.Draw(im)
    return _Shifted(dr, pad) if pad else dr


def _paint_picture(shot: Shot, scene: ShootingScene | None, figs: list[_Figure], eye: float, W: int, H: int,
                   s: float, pad: int) -> Image.Image:
    """The environment with the figures (or an insert) on it, on a canvas padded by ``pad`` on every side."""
    interior = scene.interior if scene is not None else True
    hy = _horizon(shot, eye, H)
    img = Image.new("RGB", (W + 2 * pad, H + 2 * pad), FRAME_BG)
    night = scene is not None and scene.time in ("NIGHT", "DUSK", "EVENING")
    _environment(_canvas(img, pad), shot, interior, hy, W, H, pad, s, night)
    layer = _figure_layer(shot, figs, img.size, W, H, s, pad)
    img.paste(layer, (0, 0), layer)
    if not figs:  # an insert: the subject as a prop
        _insert(_canvas(img, pad), shot, W, H, s)
    return img


def _figure_layer(shot: Shot, figs: list[_Figure], size: tuple[int, int], W: int, H: int, s: float,
                  pad: int) -> Image.Image:
    """The figures on their own layer (keystoned for high / low angles), with eyelines and EWS leader lines."""
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    ld = _canvas(layer, pad)
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
    return layer


def _figure_labels(shot: Shot, figs: list[_Figure], W: int, H: int) -> list[_Label]:
    labels = []
    for f in figs:
        x, y = _keystone_point(*_label_point(f, shot.size, H), W, H, shot.angle)
        labels.append((f.name + (" (back)" if f.view == "back" else ""), x, y, f.speaking))
    return labels


def _tilt(img: Image.Image, labels: list[_Label], shot: Shot, W: int, H: int, pad: int
          ) -> tuple[Image.Image, list[_Label]]:
    """The dutch angle: the padded picture rotated and cropped to the frame, the labels moved with it."""
    CW, CH = W + 2 * pad, H + 2 * pad
    deg = 12 if shot.number % 2 else -12
    img = img.rotate(deg, resample=Image.Resampling.BICUBIC, center=(CW / 2, CH / 2), fillcolor=FRAME_BG)
    img = img.crop((pad, pad, pad + W, pad + H))
    return img, [(t, *_rotate_point(x, y, W / 2, H / 2, deg), sp) for t, x, y, sp in labels]


def _paint_labels(img: Image.Image, labels: list[_Label], extra: int, W: int, H: int, s: float) -> None:
    d = ImageDraw.Draw(img)
    lf = font(int(15 * s), "bold")
    for text, x, y, speaking in labels:
        _label_box(d, text, x, y, lf, s, speaking, W, H)
    if extra:
        _label_box(d, f"+{extra} more", 0.8 * W, 0.2 * H, font(int(13 * s)), s, False, W, H)


def _paint_safe_area(d: ImageDraw.ImageDraw, W: int, H: int, s: float) -> None:
    """The caption safe area: a dashed blue rectangle, labelled."""
    sa = SAFE_AREA
    _dashed_rect(d, (sa[0] * W, sa[1] * H, sa[2] * W, sa[3] * H), SAFE, max(1, int(1.6 * s)), 9 * s, 6 * s)
    sf = font(int(10 * s))
    tx, ty = sa[0] * W + 3 * s, sa[3] * H - _line_h(sf) - 3 * s
    d.rectangle([tx - 1 * s, ty - 1 * s, tx + _text_w(sf, "caption safe") + 2 * s, ty + _line_h(sf)],
                fill=PAPER)
    _draw_text(d, (tx, ty), "caption safe", font=sf, fill=SAFE)


def _paint_badges(d: ImageDraw.ImageDraw, shot: Shot, W: int, s: float) -> None:
    """The shot number (top left), the angle's badge beside it, the shot size (top right)."""
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
