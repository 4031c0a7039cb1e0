"""The quality engine for one-line slots (docs/architecture.md, Slots).

The planner builds the structure; the model only writes small one-line slots: a title, a
logline, a synopsis, a cliffhanger, a beat's action, one line of dialogue. A
:class:`Slot` says which few-shot prompt to render and how to judge what comes back;
:func:`fill` writes many slots at once:

1. every slot's prompt is rendered (``prompts/…/*.j2``, plain completion, no chat
   template) and ``candidates`` completions of every slot are sampled in ONE batched
   :meth:`Generator.generate` call, seeded with ``derive_seed(ctx.seed, *purpose)`` and
   cut at the first newline;
2. each candidate is **cleaned** (first line, quotes, a leading ``Label:`` or cue),
   **validated** (empty, too short or long, loops and repeated n-grams, junk characters,
   a copy of a prompt example, misspelled or unknown capitalised names, off-topic) and
   **repaired** where it can be (a near-miss of a bible name becomes the exact name, a
   run-on is cut at its last full sentence, a missing full stop is added);
3. the passing candidates are **scored** (required names present, length near the
   sweet spot, overlap with the topic words, no repetition, the model's mean log-prob)
   and the best is kept;
4. slots with no passing candidate get ONE more round (only those slots, another
   derived seed), then their **fallback** text.

Everything is counted in ``ctx.stats[slot.kind]`` (:class:`SlotStats`): each slot
ends as exactly one of ``accepted`` / ``repaired`` / ``fallback``; ``regenerated``
counts the slots that needed the second round (whatever their end).

Determinism: the output of :func:`fill` depends only on ``ctx.seed``, ``purpose`` and
the slots (their order included) — never on earlier calls — so a resumed season equals
an uninterrupted one. Callers must therefore batch the same slots together whatever
the user asked for (see ``stages.plan``: fixed groups of episodes).

The engine is split by concept: ``spec`` (the slot, the context, the decisions), ``words``,
``cleaning``, ``names`` (repairs and unknown names), ``validation``, ``scoring`` and ``engine``
(the batched rounds and the ranking). Import every name from ``dramagen.story.slots``.
"""

from __future__ import annotations

from .cleaning import clean
from .engine import fill, fill_ranked
from .names import fix_names
from .scoring import score
from .spec import DEFAULT_SAMPLING, Candidate, Slot, SlotResult, WriteContext
from .validation import validate
from .words import word_count

__all__ = [
    "DEFAULT_SAMPLING",
    "Candidate",
    "Slot",
    "SlotResult",
    "WriteContext",
    "clean",
    "fill",
    "fill_ranked",
    "fix_names",
    "score",
    "validate",
    "word_count",
]
