"""Concrete scenes for the model: every slot written for an event sees who, where, what object,
what just happened and what happens now (measured: a tiny model writes on-story lines from a
concrete scene and drifts from an abstract premise; docs/architecture.md, "Story").

Few-shot examples are the season's *other* events rendered from the phrase library, so they
use this season's names and props; fallbacks are this event's own phrases, so even a
fallback stays on the story. Phrases that leave the story's world (a phone in 1920s
Shanghai) are never used.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.models import StoryEvent
from ..core.seeding import rng
from .events import filler
from .grounding import World, keeps
from .phrases import fits_event, phrases_for
from .places import place_phrase

__all__ = ["scene_line", "phrase_options", "phrase_examples", "phrase_fallback"]


def _place(location: str) -> str:
    return place_phrase(location)


def scene_line(ev: StoryEvent, previous: StoryEvent | None = None) -> str:
    """'At the ballroom. Mara and Kai. Object: the forged will. Before: … Now: …'"""
    who = " and ".join(n.split()[0] for n in ev.participants)
    parts = [f"At {_place(ev.location)}.", f"{who}."]
    if ev.object:
        parts.append(f"Object: {ev.object}.")
    if previous is not None and previous.summary:
        parts.append(f"Before: {previous.summary.rstrip('.')}.")
    parts.append(f"Now: {ev.summary.rstrip('.')}.")
    return " ".join(parts)


def phrase_options(ev: StoryEvent, kind: str, world: World, side: str = "a") -> list[str]:
    """Every variant of ``kind`` (synopsis, cliffhanger, payoff, action, lines) for ``ev``, filled, in this world."""
    ph = phrases_for(ev.type)
    raw = getattr(ph.lines, side) if kind == "lines" else getattr(ph, kind)
    fill = filler(ev, world.stakes)
    # {secret} only with a secret ("that she is the heir"), nobody signs a pocket watch, nobody bows to a fishmonger
    raw = [t for t in raw if fits_event(t, ev)] or raw
    out = [fill.fill(t) for t in raw]
    kept = [t for t in out if keeps(t, world)]
    return kept or out


def phrase_fallback(ev: StoryEvent, kind: str, world: World, seed: int, *purpose: object,
                    avoid: set[str] | None = None, side: str = "a") -> str:
    """The event's phrase of ``kind``: the season walks one shuffled order of the type's variants
    (``StoryEvent.nth``), so two events of a type get different phrasings."""
    options = phrase_options(ev, kind, world, side)
    salt = str(getattr(world.bible, "trope_id", "") or "")  # another season with the same seed: other phrases
    order = rng(seed, "phrase", salt, ev.type, kind, *purpose).sample(options, len(options))
    free = [o for o in order if not avoid or o not in avoid] or order
    return free[ev.nth % len(free)]


def phrase_examples(others: Sequence[StoryEvent], kind: str, world: World, seed: int, *purpose: object,
                    k: int = 3) -> list[dict[str, str]]:
    """Up to ``k`` worked examples from the season's other events (one per event type): scene, type and text.

    Slots written together share them, so their prompts share a prefix (one prefill)."""
    seen: set[str] = set()
    pool = [o for o in others if not (o.type in seen or seen.add(o.type))]
    return [{"scene": scene_line(o), "type": o.type.replace("_", " "),
             "text": phrase_fallback(o, kind, world, seed, "example", *purpose)} for o in pool[:k]]
