"""Stage 3: the timed beat sheet of one episode.

The planner's skeleton (``planner.layout_beats``) fixes the beats: kind, location, scene
breaks, who is on screen, a time budget. This stage writes the words — every beat's
action line and its dialogue lines, all slots of the episode in ONE batched call — and
then fits the episode to its target length:

1. **Allocation.** The hook gets a short action and one short line (its estimate stays
   ≤ :data:`HOOK_MAX_SECONDS`); the cliffhanger beat's action is the plan's cliffhanger
   line, verbatim. Each other beat gets an action line where it opens a scene, is a
   turn or has a long budget, and as many dialogue lines (0–2, by characters on screen)
   as its budget holds, so that the first draft lands near the target.
2. **Fit to length.** Retime with the estimator; while the runtime is outside
   ±:data:`AIM` of the target (always inside ±10 % and 60–90 s when it can), apply the
   best of these deterministic moves: swap a line or action for a longer or shorter
   passing candidate of the same slot, drop the least useful line, add a template line
   or a template action to the beat furthest under its budget. At most
   :data:`MAX_FIT_STEPS` moves. The hook and the cliffhanger line are never touched.

The result's beats are retimed (``planner.retime``): ``start``/``end`` tile 0..runtime.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from ...core.models import Beat, EpisodeBeats, EpisodePlan, SeriesBible
from ...core.timing import TimingSettings
from ..slots import WriteContext
from .beat_writer import AIM, BEATS_CANDIDATES, HOOK_MAX_SECONDS, MAX_FIT_STEPS, TOLERANCE, _Writer, runtime_of

__all__ = ["write_beats", "rewrite_beat", "runtime_of", "AIM", "TOLERANCE", "HOOK_MAX_SECONDS", "MAX_FIT_STEPS",
           "BEATS_CANDIDATES"]


def _writer(plan_ep: EpisodePlan) -> type[_Writer]:
    """The story-event writer for an episode with an event (``stages.beats_events``), else the plain one."""
    if plan_ep.event is None:
        return _Writer
    from .beats_events import EventWriter

    return EventWriter


def _previous_line(previous: EpisodePlan | str | None) -> str | None:
    if previous is None:
        return None
    if isinstance(previous, str):
        return previous
    return previous.cliffhanger or None


def write_beats(ctx: WriteContext, skeleton: EpisodeBeats, plan_ep: EpisodePlan, bible: SeriesBible, trope: Any,
                settings: TimingSettings | None = None, *, previous: EpisodePlan | str | None = None,
                variant: int = 0, on_beat: Callable[[Beat], None] | None = None) -> EpisodeBeats:
    """Fill the skeleton's beats (one batched model call) and fit the episode to its target length.

    ``previous`` (the previous episode's plan or its cliffhanger line) lets the hook pick
    up where the last episode stopped. ``variant`` > 0 gives another take (the UI's
    "regenerate"); 0 is the season's own text. The result depends only on ``ctx.seed``,
    the inputs, the episode number and ``variant``. ``on_beat`` hears each beat's first draft
    as soon as its slots are decided, during the batched call where the model reports finished
    rows (the studio's cards); it does not change what is written.
    """
    w = _writer(plan_ep)(ctx, skeleton, plan_ep, bible, trope, settings, _previous_line(previous))
    w.on_beat = on_beat
    purpose = ("beats", plan_ep.number) + ((variant,) if variant else ())
    drafts = w.drafts(list(skeleton.beats), None, purpose)
    return w.finish(w.fit(drafts))


def rewrite_beat(ctx: WriteContext, beats: EpisodeBeats, index: int, plan_ep: EpisodePlan, bible: SeriesBible,
                 trope: Any, settings: TimingSettings | None = None, *,
                 previous: EpisodePlan | str | None = None, variant: int = 0) -> EpisodeBeats:
    """Write beat ``index`` (its ``Beat.index``, 1-based) again with a new seed, then refit.

    The seed is derived from the beat's current text (and ``variant``), so each rewrite
    gives a new take while the same sheet always gives the same rewrite. The other beats keep their text;
    the fit loop prefers to adjust the rewritten beat and only then adds or drops lines
    elsewhere.
    """
    pos = next((k for k, b in enumerate(beats.beats) if b.index == index), None)
    if pos is None:
        from ...core.errors import InputError

        raise InputError("beat", index, f"a beat index from 1 to {len(beats.beats)}")
    cur = beats.beats[pos]
    tag = hashlib.sha256(cur.model_dump_json(include={"action", "lines"}).encode()).hexdigest()[:12]
    w = _writer(plan_ep)(ctx, beats, plan_ep, bible, trope, settings, _previous_line(previous))
    # the budget of each beat: its share of the target, as planned
    n = len(beats.beats)
    skel = [b.model_copy(update={"action": "", "lines": []}) for b in beats.beats]
    drafts = w.drafts(skel, {pos}, ("beats", plan_ep.number, "rewrite", index, tag, variant), keep=list(beats.beats))
    for d in drafts:
        d.budget = float(beats.target_seconds) / n
    return w.finish(w.fit(drafts, prefer={pos}))
