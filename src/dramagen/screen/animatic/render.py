"""Pictures of the animatic: storyboard panels with camera moves, burned-in captions, the end card.

Frames are made one at a time and handed to the encoder (:func:`frames` is a generator): an episode's
frames are never held in memory, only its shots' panels, one at a time.

- **panel**: :func:`dramagen.screen.storyboard.draw_panel` at the output width, without the storyboard's guides
  (the safe-area rectangle and the movement arrow: here the camera really moves);
- **camera moves** over the panel, eased: push in (zoom 1 → 1.15 towards the upper middle), pull out,
  pan / whip pan / tracking (a sideways drift at zoom 1.12; the whip pan in its first quarter), tilt and
  crane (a vertical drift), handheld (a slight, seeded shake at zoom 1.08); static holds;
- **captions** of the spoken line, white on a dark box under the speaker's cue, wrapped to :data:`MAX_ROWS`
  rows (a smaller font for a long line, rarely two rows more), inside
  the lower part of the caption-safe area (:data:`dramagen.screen.storyboard.SAFE_AREA`), from the voice's start
  to the end of its shot;
- **cliffhanger card**: a hard cut to black with "TO BE CONTINUED" for the last ``card_seconds``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import lru_cache

from PIL import Image, ImageDraw

from ...core.models import SeriesBible, ShootingScript
from ..storyboard import SAFE_AREA, draw_panel, font, wrap
from .timeline import Timeline

__all__ = ["MAX_ROWS", "camera_box", "caption_box", "caption_layer", "card_image", "frame_count", "frames"]

MAX_ROWS = 3
CAPTION_BOTTOM = 0.985  # the caption box ends this far down the safe area (a fraction of its height)


def frame_count(seconds: float, fps: int) -> int:
    return int(round(seconds * fps))


def _ease(u: float) -> float:
    u = min(1.0, max(0.0, u))
    return u * u * (3 - 2 * u)


def camera_box(move: str, u: float, W: int, H: int, seed: int = 0) -> tuple[float, float, float, float]:
    """The part of the panel seen at progress ``u`` (0–1) of a shot with camera ``move``."""
    e = _ease(u)
    zoom, cx, cy = 1.0, 0.5, 0.5
    if move == "push in":
        zoom, cy = 1.0 + 0.15 * e, 0.5 - 0.08 * e
    elif move == "pull out":
        zoom, cy = 1.15 - 0.15 * e, 0.42 + 0.08 * e
    elif move in ("pan", "tracking"):
        zoom, cx = 1.12, 0.0 + e
    elif move == "whip pan":
        zoom, cx = 1.12, _ease(u * 4)
    elif move == "tilt":
        zoom, cy = 1.12, 1.0 - e
    elif move == "crane":
        zoom, cy = 1.15 - 0.07 * e, 1.0 - e
    elif move == "handheld":
        t = u * 6.0
        zoom = 1.08
        cx = 0.5 + 0.35 * (math.sin(2.1 * t + seed) + 0.5 * math.sin(5.3 * t + 2 * seed))
        cy = 0.5 + 0.35 * (math.sin(1.7 * t + 3 * seed) + 0.5 * math.sin(4.1 * t + seed))
        cx, cy = 0.5 + (cx - 0.5) * 0.6, 0.5 + (cy - 0.5) * 0.6
    w, h = W / zoom, H / zoom
    # cx, cy place the window between its extreme positions (0 = left/top edge, 1 = right/bottom edge)
    x0 = (W - w) * min(1.0, max(0.0, cx))
    y0 = (H - h) * min(1.0, max(0.0, cy))
    return (x0, y0, x0 + w, y0 + h)


def caption_box(rows: int, W: int, H: int, px: int | None = None) -> tuple[int, int, int, int]:
    """Where a caption of ``rows`` rows (font ``px``) goes: inside the caption-safe area, at its bottom."""
    fx0, fy0, fx1, fy1 = SAFE_AREA
    lh = _row_h(font(px or _caption_px(W), "bold"))
    pad = max(2, round(0.012 * W))
    x0, x1 = round(fx0 * W), round(fx1 * W)
    bottom = round((fy0 + (fy1 - fy0) * CAPTION_BOTTOM) * H)
    return (x0, bottom - rows * lh - 2 * pad, x1, bottom)


def _caption_px(W: int, scale: float = 0.046) -> int:
    return max(8, round(scale * W))


def _row_h(f) -> int:
    a, d = f.getmetrics()
    return int((a + d) * 1.12)


def _caption_rows(text: str, W: int) -> tuple[list[str], int]:
    """The line wrapped to the safe width: the big font when it fits in :data:`MAX_ROWS` rows, else smaller
    fonts, then up to ``MAX_ROWS + 2`` rows; only a line longer than that is cut with an ellipsis."""
    x0, _, x1, _ = caption_box(1, W, round(W * 16 / 9))
    width = x1 - x0 - 2 * max(2, round(0.012 * W))
    for scale in (0.046, 0.040, 0.035):
        px = _caption_px(W, scale)
        rows = wrap(" ".join(text.split()), font(px, "bold"), width)
        if len(rows) <= MAX_ROWS:
            return rows, px
    if len(rows) > MAX_ROWS + 2:
        rows = rows[:MAX_ROWS + 2]
        rows[-1] = rows[-1].rstrip(".,;: ") + "…"
    return rows, px


@lru_cache(maxsize=64)
def caption_layer(text: str, W: int, H: int, speaker: str = "") -> tuple[Image.Image, tuple[int, int]]:
    """The caption of ``text`` (the speaker's cue above it, in yellow) as an RGBA image and where to paste it."""
    rows, px = _caption_rows(text, W)
    f = font(px, "bold")
    pad = max(2, round(0.012 * W))
    rows = ([speaker.upper()] if speaker else []) + rows
    bx0, by0, bx1, by1 = caption_box(len(rows), W, H, px)
    img = Image.new("RGBA", (bx1 - bx0, by1 - by0), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, bx1 - bx0 - 1, by1 - by0 - 1], radius=max(2, pad), fill=(10, 10, 14, 200))
    lh = _row_h(f)
    for i, row in enumerate(rows):
        fill = (255, 214, 64, 255) if speaker and i == 0 else (255, 255, 255, 255)
        tw = d.textlength(row, font=f)
        d.text(((bx1 - bx0 - tw) / 2, pad + i * lh), row, font=f, fill=fill)
    return img, (bx0, by0)


def card_image(W: int, H: int, episode: int, title: str = "") -> Image.Image:
    """The cliffhanger's end card: black, "TO BE CONTINUED", the next episode's number, inside the safe area."""
    img = Image.new("RGB", (W, H), (0, 0, 0))
    d = ImageDraw.Draw(img)
    big, small = font(round(0.075 * W), "bold"), font(round(0.04 * W))
    cx, cy = W / 2, 0.45 * H
    for text, f, y, fill in (("TO BE", big, cy - 0.06 * W, (255, 255, 255)),
                             ("CONTINUED", big, cy + 0.04 * W, (255, 255, 255)),
                             (f"Episode {episode + 1} next", small, cy + 0.16 * W, (200, 200, 205))):
        d.text((cx, y), text, font=f, fill=fill, anchor="mm")
    if title:
        d.text((cx, cy - 0.2 * W), title[:40], font=small, fill=(160, 160, 168), anchor="mm")
    return img


def _panel(shot, bible: SeriesBible | None, scene, W: int) -> Image.Image:
    return draw_panel(shot, bible, W, scene=scene, guides=False).convert("RGB")


def frames(shooting: ShootingScript, bible: SeriesBible | None, timeline: Timeline, width: int, fps: int,
           *, captions: dict[int, tuple[str, str]] | None = None, title: str = "") -> Iterator[bytes]:
    """The episode's frames as raw RGB24 bytes, one at a time (``width`` × ``width*16/9``); ``captions``:
    shot number → (speaker cue, line)."""
    W, H = width, round(width * 16 / 9)
    captions = captions or {}
    scenes = {sc.number: sc for sc in shooting.scenes}
    total = frame_count(timeline.total, fps)
    card_from = frame_count(timeline.card_start, fps)
    card = None
    for shot, t in zip(shooting.shots, timeline.shots):
        f0, f1 = frame_count(t.start, fps), min(frame_count(t.end, fps), total)
        if f0 >= f1:
            continue
        panel = _panel(shot, bible, scenes.get(shot.scene), W) if f0 < card_from else None
        cap = caption_layer(captions[shot.number][1], W, H, captions[shot.number][0]) \
            if shot.number in captions else None
        cap_from = frame_count(t.voice_start, fps) if t.voice_start is not None else f1
        stills: dict[bool, bytes] = {}
        for k in range(f0, f1):
            if k >= card_from:
                card = card or card_image(W, H, timeline.episode, title).tobytes()
                yield card
                continue
            captioned = cap is not None and k >= cap_from
            if shot.movement == "static" and captioned in stills:
                yield stills[captioned]
                continue
            if shot.movement == "static":
                img = panel.copy()
            else:
                u = (k - f0) / max(1, min(f1, card_from) - f0 - 1)
                img = panel.resize((W, H), Image.Resampling.BILINEAR,
                                   box=camera_box(shot.movement, u, W, H, seed=shot.number))
            if captioned:
                img.paste(cap[0], cap[1], cap[0])
            data = img.tobytes()
            if shot.movement == "static":
                stills[captioned] = data
            yield data
        del panel
