"""Measured runtime: the episode as a viewer would hear it, next to the screenplay estimate, and calibration.

- **estimate**: the screen-time estimator (:mod:`dramagen.core.timing`) over the episode's script (or, without
  one, the shooting script's planned total, which the shooting stage makes equal to it);
- **spoken runtime**: the estimate with its *estimated* dialogue (words ÷ ``dialogue_wps``) replaced by
  the *measured* voices, each with its lead and tail: the sum of the real audio durations plus the
  action beats, headings and parentheticals as the estimator times them;
- **animatic runtime**: the length of the animatic itself (shots stretch to their voice, never shrink
  below the script: see :mod:`.timeline`).

:func:`calibrate` fits the estimator's ``dialogue_wps`` (the one constant the voices measure) to the
spoken runtimes of a season by least squares, and reports the error before and after, in sample and
leave-one-out. Spoken runtimes outside 60–90 s are flagged (:func:`out_of_bounds`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ...core.models import EpisodeScript, ShootingScript
from ...core.timing import (
    MAX_EPISODE_SECONDS,
    MIN_EPISODE_SECONDS,
    TimingSettings,
    count_words,
    estimate_dialogue,
    estimate_elements,
    get_settings,
)
from ...project.season import SeasonDir, safe_join
from .timeline import Timeline

__all__ = ["Calibration", "EpisodeRuntime", "calibrate", "episode_runtime", "load_runtimes", "out_of_bounds"]


class EpisodeRuntime(BaseModel):
    model_config = ConfigDict(extra="forbid")

    episode: int
    estimate: float | None = Field(None, description="screenplay estimate with the settings in force (s)")
    planned: float = Field(..., description="the shooting script's total (s)")
    spoken: float = Field(..., description="measured: real audio plus the action beats (s)")
    animatic: float = Field(..., description="the animatic's length (s)")
    lines: int = 0
    dialogue_words: int = 0
    dialogue_estimated: float = Field(0.0, description="seconds the estimator gives the dialogue")
    dialogue_measured: float = Field(0.0, description="seconds of voice, lead and tail included")
    other: float = Field(0.0, description="estimate minus its dialogue: action, headings, parentheticals (s)")


def episode_runtime(n: int, shooting: ShootingScript, tl: Timeline, script: EpisodeScript | None = None,
                    settings: TimingSettings | None = None, *, lead: float = 0.15, tail: float = 0.25
                    ) -> EpisodeRuntime:
    s = settings or get_settings()
    speech = {t.number: t for t in tl.shots}
    words = lines = 0
    est = meas = 0.0
    for shot in shooting.shots:
        t = speech.get(shot.number)
        if t is not None and t.speech > 0 and not t.narrated and shot.line.strip():
            words += count_words(shot.line)
            est += estimate_dialogue(shot.line, s)
            meas += lead + t.speech + tail
            lines += 1
    planned = sum(x.duration for x in shooting.shots)
    estimate = estimate_elements(script.elements(), s) if script is not None else None
    other = (estimate if estimate is not None else planned) - est
    return EpisodeRuntime(episode=n, estimate=None if estimate is None else round(estimate, 2),
                          planned=round(planned, 2), spoken=round(other + meas, 2), animatic=tl.total, lines=lines,
                          dialogue_words=words, dialogue_estimated=round(est, 3), dialogue_measured=round(meas, 3),
                          other=round(other, 3))


def out_of_bounds(rt: EpisodeRuntime) -> str | None:
    """A message when the spoken runtime leaves 60–90 s, else None."""
    if MIN_EPISODE_SECONDS - 1e-9 <= rt.spoken <= MAX_EPISODE_SECONDS + 1e-9:
        return None
    return (f"episode {rt.episode}: spoken runtime {rt.spoken:.1f} s is outside "
            f"{MIN_EPISODE_SECONDS:g}–{MAX_EPISODE_SECONDS:g} s "
            f"(screenplay estimate {rt.estimate or rt.planned:.1f} s)")


def load_runtimes(season_dir: str | Path, out_dir: str | Path | None = None) -> list[EpisodeRuntime]:
    """The runtimes recorded by the season's animatics (``exports/epNNN/*-animatic.json``), by episode."""
    sd = SeasonDir(season_dir)
    root = Path(out_dir).resolve() if out_dir else safe_join(sd.path, "exports")
    out = {}
    for p in sorted(root.glob("ep[0-9][0-9][0-9]/*-animatic.json")):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            rt = EpisodeRuntime.model_validate(data["runtime"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        out[rt.episode] = rt
    return [out[k] for k in sorted(out)]


class Calibration(BaseModel):
    episodes: int
    dialogue_wps_before: float
    dialogue_wps_after: float
    mae_before: float = Field(..., description="mean |estimate − spoken| (s), default constants")
    mae_after: float = Field(..., description="the same with the fitted dialogue_wps (in sample)")
    mape_before: float
    mape_after: float
    max_before: float
    max_after: float
    mae_loo: float = Field(..., description="leave-one-out: each episode estimated with the wps fitted on the others")

    @property
    def env(self) -> str:
        return f"DRAMAGEN_TIMING_DIALOGUE_WPS={self.dialogue_wps_after:.3f}"


def _fit(rts: Sequence[EpisodeRuntime]) -> float:
    """Seconds per word x minimising Σ (other + words·x − spoken)²."""
    num = sum(r.dialogue_words * (r.spoken - r.other) for r in rts)
    den = sum(r.dialogue_words ** 2 for r in rts)
    return num / den if den > 0 else math.nan


def _pred(r: EpisodeRuntime, spw: float) -> float:
    return r.other + r.dialogue_words * spw


def calibrate(rts: Sequence[EpisodeRuntime], settings: TimingSettings | None = None) -> Calibration:
    """Fit ``dialogue_wps`` to the spoken runtimes; errors before and after (see the module doc)."""
    s = settings or get_settings()
    rts = [r for r in rts if r.dialogue_words > 0]
    if len(rts) < 2:
        from ...core.errors import InputError

        raise InputError("episodes", len(rts), "animatics of at least 2 episodes with dialogue (run dramagen animatic)")
    spw = _fit(rts)
    wps = min(10.0, max(0.5, 1.0 / spw)) if spw > 0 else s.dialogue_wps
    before = [_pred(r, 1.0 / s.dialogue_wps) - r.spoken for r in rts]
    after = [_pred(r, 1.0 / wps) - r.spoken for r in rts]
    loo = []
    for i, r in enumerate(rts):
        x = _fit(rts[:i] + rts[i + 1:])
        loo.append(_pred(r, x if x > 0 else 1.0 / s.dialogue_wps) - r.spoken)

    def mae(e: list[float]) -> float:
        return round(sum(abs(x) for x in e) / len(e), 2)

    def mape(e: list[float]) -> float:
        return round(100 * sum(abs(x) / r.spoken for x, r in zip(e, rts)) / len(e), 1)

    return Calibration(episodes=len(rts), dialogue_wps_before=s.dialogue_wps, dialogue_wps_after=round(wps, 3),
                       mae_before=mae(before), mae_after=mae(after), mape_before=mape(before),
                       mape_after=mape(after), max_before=round(max(abs(x) for x in before), 2),
                       max_after=round(max(abs(x) for x in after), 2), mae_loo=mae(loo))
