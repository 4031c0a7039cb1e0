"""The text block under a storyboard frame."""

from __future__ import annotations

from PIL import Image, ImageDraw

from ...core.models import SeriesBible, Shot
from .layout import _cue
from .style import FAINT, GREY, INK, PAPER
from .text import _clip_lines, _draw_text, _ellipsize, _line_h, _text_w, font, wrap


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
