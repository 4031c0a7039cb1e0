"""The writing stages: each fills the text slots of one model with the slot engine.

- :func:`write_bible` (``stages.bible``) — trope (+ pins) → :class:`SeriesBible`
- :func:`write_plan_text` (``stages.plan``) — titles, synopses and cliffhangers of a :class:`SeasonPlan`
- :func:`write_beats` / :func:`rewrite_beat` (``stages.beats``) — the timed beat sheet of one episode
- :func:`write_script` (``stages.script``) — an episode's screenplay from its beats

Import each stage from its module. The helpers the stages share (cast lines, example names adapted to the
bible, the capitalised words a slot may use) live in ``stages.shared`` and are re-exported here; the package
imports none of its stage modules, so a stage may import from it without a cycle.
"""

from __future__ import annotations

from .shared import FUNCTION_GLOSS, ROLE_LABEL, _get, adapt, allowed_words, cast_line, first, keywords, name_map

__all__ = ["FUNCTION_GLOSS", "ROLE_LABEL", "adapt", "allowed_words", "cast_line", "first", "keywords", "name_map",
           "_get"]
