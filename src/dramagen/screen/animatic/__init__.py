"""Animatics: a 9:16 preview of each episode from its shooting script and storyboard, with offline voices,
captions, subtitles and a measured runtime (issue 17).

Modules: :mod:`.tools` (ffmpeg, espeak-ng), :mod:`.voices` (a voice per character, espeak-ng),
:mod:`.timeline` (shot timing follows the voice), :mod:`.audio` (the sound track), :mod:`.render` (frames:
panels, camera moves, captions, end card), :mod:`.subtitles` (SRT, VTT), :mod:`.encode` (ffmpeg, H.264 +
AAC, temp file then rename), :mod:`.episode` (one episode), :mod:`.make` (a season, in parallel),
:mod:`.runtime` (spoken runtime vs the estimate, calibration), :mod:`.cli` (the commands).
"""

from __future__ import annotations

__all__ = ["AnimaticOptions", "AnimaticResult", "make_animatic", "make_animatics"]


def __getattr__(name: str):
    if name in ("AnimaticOptions", "AnimaticResult"):
        from . import episode

        return getattr(episode, name)
    if name in ("make_animatic", "make_animatics"):
        from . import make

        return getattr(make, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
