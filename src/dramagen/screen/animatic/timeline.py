"""Shot timing follows the voice.

Each shot keeps its shooting-script duration unless what is spoken over it needs more:
``lead + speech + tail`` (plus the "to be continued" card on the episode's last shot). A shot that
needs more **stretches**; the time it took is given back by the **next shots, which shrink where they
can** (never below their own need, nor below ``min_shot``). What cannot be given back lengthens the
episode. Durations and times are on a 0.01 s grid whose sum never drifts.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from ...core.models import Shot
from ...core.timing import grid_durations

__all__ = ["ShotTiming", "Timeline", "plan_timeline"]


class ShotTiming(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int
    scene: int
    planned: float = Field(..., description="the shooting script's duration (s)")
    start: float
    duration: float = Field(..., description="the animatic's duration (s)")
    speech: float = Field(0.0, description="measured seconds of the voice over this shot (0 = silent)")
    voice_start: float | None = Field(None, description="when the voice starts (s from the episode start)")
    voice_end: float | None = None
    narrated: bool = False

    @property
    def end(self) -> float:
        return round(self.start + self.duration, 2)

    @property
    def stretched(self) -> float:
        return round(max(0.0, self.duration - self.planned), 2)


class Timeline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    episode: int
    shots: list[ShotTiming]
    card_seconds: float
    planned_total: float

    @property
    def total(self) -> float:
        return round(sum(s.duration for s in self.shots), 2)

    @property
    def card_start(self) -> float:
        return round(self.total - self.card_seconds, 2)


def plan_timeline(episode: int, shots: Sequence[Shot], speech: Sequence[float], *, lead: float = 0.15,
                  tail: float = 0.25, card_seconds: float = 1.0, min_shot: float = 0.4,
                  narrated: Sequence[bool] | None = None) -> Timeline:
    """The animatic's timing of ``shots`` given the measured ``speech`` seconds over each (0 for silence)."""
    n = len(shots)
    need = [(lead + sp + tail) if sp > 0 else 0.0 for sp in speech]
    if n:
        need[-1] += card_seconds
    durs: list[float] = []
    carry = 0.0  # seconds a stretched shot took, still to give back
    for i, shot in enumerate(shots):
        d = float(shot.duration)
        if carry > 0:
            give = min(carry, max(0.0, d - max(min_shot, need[i])))
            d -= give
            carry -= give
        if need[i] > d:
            carry += need[i] - d
            d = need[i]
        durs.append(d)
    durs = grid_durations(durs)
    out, t = [], 0.0
    for i, (shot, d) in enumerate(zip(shots, durs)):
        sp = round(float(speech[i]), 3)
        vs = round(t + lead, 3) if sp > 0 else None
        out.append(ShotTiming(number=shot.number, scene=shot.scene, planned=round(float(shot.duration), 2),
                              start=round(t, 2), duration=d, speech=sp, voice_start=vs,
                              voice_end=round(vs + sp, 3) if vs is not None else None,
                              narrated=bool(narrated[i]) if narrated else False))
        t = round(t + d, 2)
    return Timeline(episode=episode, shots=out, card_seconds=card_seconds,
                    planned_total=round(sum(float(s.duration) for s in shots), 2))
