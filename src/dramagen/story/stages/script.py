"""The script stage: an episode's written beats become a screenplay fitted to its length.

Structure is built, not asked for (docs/architecture.md, Slots). :func:`write_script`

1. **lays out scenes**: a scene starts at each beat with ``new_scene`` (or where the
   location changes); its heading comes from the bible's location (``INT. PACK HALL -
   NIGHT``);
2. **puts every beat on screen**: its ``action`` becomes an action paragraph and each of
   its ``lines`` a dialogue block (the bible's cue, the parenthetical kept); every
   element is tagged with ``beat=index``. A beat with no text gets a template action
   line, a speaker who is not in the bible is repaired to the nearest bible name;
3. **lands the hook**: the first element after the first heading is the hook beat's and
   ends within 5 s of screen time (it is cut to its first sentence, then to fewer
   words, if it would not);
4. **ends on the cliffhanger**: the last line before ``SMASH CUT TO BLACK.`` is the
   plan's ``cliffhanger`` text verbatim (the element that holds it moves last; other
   words of it stay before it; if no element holds it, it is added as action);
5. adds **transitions**: ``CUT TO:`` between scenes (``SMASH CUT TO:`` into a scene that
   opens on a turn), ``SMASH CUT TO BLACK.`` after the cliffhanger;
6. **fits the length** (:data:`AIM` ±5 % of the target, inside 60–90 s; ±10 % is the
   hard rule): a deterministic, bounded greedy loop over the estimator
   (:func:`dramagen.core.timing.estimate_elements`). Too long: drop the optional ``CUT TO:``
   transitions, then parentheticals, then shorten multi-sentence speeches and actions,
   then drop whole lines of development beats, then of turn beats, then the final
   transition, finally truncate the longest speech — never the hook's first element nor
   the cliffhanger, and every beat keeps at least one element. Too short: insert small
   things the model writes through slots (``prompts/script/reaction.j2``: a reaction
   line of a silent character; ``prompts/script/detail.j2``: one more action detail),
   all written in ONE batched :func:`dramagen.story.slots.fill` call, then template pads.
   At each step the candidate that brings the estimate closest to the target without
   leaving the aim band is taken (lowest "damage" level first).

The model is only called when the written beats are too short for the target; the
output depends only on the inputs and ``ctx.seed`` (resumable, reproducible).

:func:`script_issues` reports on any script (written here or imported from Fountain):
timing bounds, hook, cliffhanger last, names and structure.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ...core.errors import InputError
from ...core.models import EpisodeBeats, EpisodePlan, EpisodeScript, SeriesBible
from ...core.text import one_line as _one_line
from ...core.timing import TimingSettings, get_settings
from .script_checks import HOOK_SECONDS, TOLERANCE, content_times, hook_seconds, script_issues
from .script_fit import AIM, MAX_PADS_PER_BEAT, MAX_SLOTS, _expand, _trim
from .script_layout import (
    CUT,
    END,
    SMASH_CUT,
    _assemble,
    _beat_units,
    _fit_hook,
    _Ids,
    _layout,
    _place_cliffhanger,
    _transitions,
    _Unit,
)

__all__ = [
    "AIM",
    "CUT",
    "END",
    "HOOK_SECONDS",
    "MAX_PADS_PER_BEAT",
    "MAX_SLOTS",
    "SMASH_CUT",
    "TOLERANCE",
    "content_times",
    "hook_seconds",
    "script_issues",
    "write_script",
]


def write_script(ctx: Any, beats: EpisodeBeats, plan_ep: EpisodePlan, bible: SeriesBible, trope: Any = None,
                 settings: TimingSettings | None = None) -> EpisodeScript:
    """The episode's screenplay, fitted to ``plan_ep.target_seconds`` (see the module doc).

    ``ctx`` is a :class:`dramagen.story.slots.WriteContext` (``None``: no model, template pads
    only); ``trope`` (optional) gives topic words to the slots. Deterministic for the
    same inputs and ``ctx.seed``. Raises :class:`InputError` when a beat's location is not
    in the bible or the beats belong to another episode.
    """
    s = get_settings() if settings is None else settings
    if beats.episode != plan_ep.number:
        raise InputError("beats.episode", beats.episode, f"episode {plan_ep.number} (the plan's)")
    seed = int(getattr(ctx, "seed", 0) or 0)
    target = float(plan_ep.target_seconds)
    layout = _layout(beats, bible)
    ids = _Ids()
    units: list[_Unit] = []
    for b in beats.beats:
        units.extend(_beat_units(b, bible, ids))
    units = _place_cliffhanger(units, beats.beats[-1].index, plan_ep.cliffhanger, ids)
    if units and units[0].role == "body":
        units[0] = dataclasses.replace(units[0], role="hook")
    units = _fit_hook(units, layout, s)
    units = _transitions(units, layout, ids)
    units = _trim(units, layout, target, s)
    units = _expand(ctx, units, layout, bible, plan_ep, trope, target, s, seed, ids)
    return _assemble(units, layout, plan_ep.number, target, _one_line(plan_ep.title), s)
