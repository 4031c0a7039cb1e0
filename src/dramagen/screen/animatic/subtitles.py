"""Subtitles of the animatic (SRT and WebVTT), written with the subtitle library pysubs2.

One cue per spoken line, from the voice's start to the end of its shot (the end card excepted): the
same times as the burned-in captions.
"""

from __future__ import annotations

from collections.abc import Mapping

import pysubs2

from .timeline import Timeline

__all__ = ["cues", "subtitle_text"]


def cues(timeline: Timeline, lines: Mapping[int, str]) -> list[tuple[float, float, str]]:
    """(start s, end s, text) for each shot with a spoken line, in order."""
    out = []
    for t in timeline.shots:
        text = " ".join((lines.get(t.number) or "").split())
        if not text or t.voice_start is None:
            continue
        end = min(t.end, timeline.card_start) if t is timeline.shots[-1] else t.end
        out.append((t.voice_start, max(end, t.voice_start + 0.1), text))
    return out


def subtitle_text(timeline: Timeline, lines: Mapping[int, str], fmt: str) -> str:
    """The subtitles as ``srt`` or ``vtt`` text."""
    subs = pysubs2.SSAFile()
    for start, end, text in cues(timeline, lines):
        ev = pysubs2.SSAEvent(start=round(start * 1000), end=round(end * 1000))
        ev.plaintext = text  # escapes what SubStation would read as markup
        subs.append(ev)
    return subs.to_string(fmt)
