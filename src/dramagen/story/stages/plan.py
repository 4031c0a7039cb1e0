"""Stage 2 (text): each episode's title, synopsis and cliffhanger line.

The planner (``dramagen.story.planner.plan_season``) fixes each episode's function, signature
beat, cliffhanger type, focus characters and location; this stage writes the words.

Episodes are written in fixed groups of :data:`GROUP` by number (1–5, 6–10, …), two
batched calls a group: first the synopses, then the titles and cliffhangers, which read
the synopsis. A request for some episodes writes their whole groups (and keeps only the
requested episodes), so an episode's text never depends on which others were asked for
with it: a resumed season equals an uninterrupted one.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import InputError
from ...core.models import EpisodePlan, SeasonPlan, SeriesBible
from ...core.seeding import rng
from ..slots import Slot, WriteContext, fill
from .plan_shared import GROUP, keep_written, title_check, title_fallback
from .shared import FUNCTION_GLOSS, _get, adapt, allowed_words, cast_line, first, keywords, name_map

__all__ = ["write_plan_text", "GROUP", "CLIFFHANGER_FALLBACK", "SYNOPSIS_FALLBACK"]


SYNOPSIS_FALLBACK: dict[str, str] = {
    "hook": "{a} is humiliated by {b} at the {loc}, and everything changes.",
    "setup": "At the {loc}, {a} learns what {b} has been hiding.",
    "escalation": "{b} turns the screws on {a} at the {loc}.",
    "reversal": "{a} turns the tables on {b} in front of everyone at the {loc}.",
    "twist": "A hidden truth about {b} comes out at the {loc}.",
    "midpoint": "At the {loc}, {a} discovers the truth that changes everything.",
    "dark_moment": "{b} takes everything from {a} at the {loc}.",
    "climax": "{a} confronts {b} at the {loc} for the last time.",
    "resolution": "{a} wins justice at the {loc} and chooses a new future.",
}

CLIFFHANGER_FALLBACK: dict[str, str] = {
    "reveal": "{b} holds up the proof: {a} was never who everyone believed.",
    "danger": "A blade flashes behind {a}, and {b} is too far away to stop it.",
    "betrayal": "{b} hands {a}'s secret to the enemy with a smile.",
    "arrival": "The doors burst open, and {b} walks in.",
    "decision": "{a} tears up the contract and walks straight toward {b}.",
    "confession": "{b} confesses that the fire was no accident.",
    "identity": "{b} stares at the mark on {a}'s wrist: the lost heir.",
    "ultimatum": "{b} gives {a} until midnight to choose, or lose everything.",
    "accident": "Tires scream, and {a} is thrown across the road.",
    "choice": "{a} must choose between {b} and everything at stake.",
}

_EXAMPLE_FUNCTIONS = ("hook: the shocking start", "setup: the trap is set", "twist: a hidden truth comes out")


def _pair(ep: EpisodePlan, bible: SeriesBible) -> tuple[str, str]:
    names = [first(n) for n in ep.characters if bible.character(n)] or [first(c.name) for c in bible.characters[:2]]
    a = names[0]
    b = names[1] if len(names) > 1 else next(first(c.name) for c in bible.characters if first(c.name) != a)
    return a, b


def _loc(ep: EpisodePlan, bible: SeriesBible) -> str:
    name = ep.location or bible.locations[0].name
    return name.title().replace("'S", "'s")


def _label(ep: EpisodePlan, bible: SeriesBible) -> str:
    names = ", ".join(first(n) for n in ep.characters) or ", ".join(_pair(ep, bible))
    return f"{ep.function.replace('_', ' ')}: {FUNCTION_GLOSS.get(ep.function, ep.function)}; {names}"


def _examples(trope: Any, bible: SeriesBible, mapping: dict[str, str]) -> list[dict[str, str]]:
    out = []
    firsts = [first(c.name) for c in bible.characters]
    for i, ex in enumerate(_get(trope, "examples", None) or []):
        story = adapt(str(_get(ex, "story", "")), mapping)
        who = ", ".join(n for n in firsts if n in story) or firsts[0]
        out.append({"story": story, "label": f"{_EXAMPLE_FUNCTIONS[i % 3]}; {who}",
                    "type": str(_get(ex, "cliffhanger_type", "reveal")),
                    "cliffhanger": adapt(str(_get(ex, "cliffhanger", "")), mapping)})
    return out


def _check_episodes(plan: SeasonPlan, episodes: list[int] | None) -> list[int]:
    n = len(plan.episodes)
    if episodes is None:
        return list(range(1, n + 1))
    out = []
    for e in episodes:
        if isinstance(e, bool) or not isinstance(e, int) or not 1 <= e <= n:
            raise InputError("episodes", e, f"episode numbers from 1 to {n}")
        out.append(e)
    return sorted(set(out))


def write_plan_text(ctx: WriteContext, plan: SeasonPlan, bible: SeriesBible, trope: Any,
                    episodes: list[int] | None = None, *, variant: int = 0) -> SeasonPlan:
    """A copy of ``plan`` whose requested episodes (default all) have title, synopsis and cliffhanger.

    ``variant`` > 0 gives another take (the UI's "regenerate"); 0 is the season's own text.
    """
    wanted = _check_episodes(plan, episodes)
    if all(plan.episode(e).event is not None for e in wanted):
        from .plan_events import write_event_plan_text

        return write_event_plan_text(ctx, plan, bible, trope, wanted, variant=variant)
    mapping = name_map(trope, bible)
    examples = _examples(trope, bible, mapping)
    names = bible.names
    words = allowed_words(bible, trope)
    kws = keywords(trope)
    done: dict[int, EpisodePlan] = {}
    for g in sorted({(e - 1) // GROUP for e in wanted}):
        group = plan.episodes[g * GROUP:(g + 1) * GROUP]
        purpose = ("plan", g + 1) + ((variant,) if variant else ())
        syn_slots = []
        for ep in group:
            a, b = _pair(ep, bible)
            focus = [c.name for n in ep.characters if (c := bible.character(n))] or [a, b]
            beat = adapt(ep.signature_beat, mapping) if ep.signature_beat else ""
            syn_slots.append(Slot(
                kind="plan.synopsis", template="plan/synopsis.j2",
                context={"trope_name": bible.trope_name or str(_get(trope, "name", "")),
                         "cast": cast_line(bible), "examples": examples, "beat": beat, "label": _label(ep, bible)},
                fallback=SYNOPSIS_FALLBACK.get(ep.function, SYNOPSIS_FALLBACK["escalation"]).format(
                    a=a, b=b, loc=_loc(ep, bible)),
                names=names, required=focus, require_name=True, allowed_words=words,
                keywords=kws + beat.split() + FUNCTION_GLOSS.get(ep.function, "").split(),
                min_words=7, max_words=30, sweet_words=16, labels=("Episode",), max_tokens=40, prefix=a))
        synopses = fill(ctx, syn_slots, purpose + ("synopsis",))
        line_slots = []
        for ep, syn in zip(group, synopses):
            a, b = _pair(ep, bible)
            focus = [c.name for n in ep.characters if (c := bible.character(n))] or [a, b]
            exs = sorted(examples, key=lambda x: x["type"] != ep.cliffhanger_type)
            line_slots.append(Slot(
                kind="plan.title", template="plan/title.j2", context={"story": syn},
                fallback=title_fallback(ep, a), names=names, strict_names=False, allowed_words=words,
                keywords=syn.split() + kws, min_words=2, max_words=6, sweet_words=4, labels=("Title",),
                max_tokens=12, check=title_check))
            line_slots.append(Slot(
                kind="plan.cliffhanger", template="plan/cliffhanger.j2",
                context={"examples": exs, "story": syn, "type": ep.cliffhanger_type},
                fallback=CLIFFHANGER_FALLBACK[ep.cliffhanger_type].format(a=a, b=b),
                names=names, required=focus, require_name=True, allowed_words=words,
                keywords=syn.split() + kws + [ep.cliffhanger_type], min_words=5, max_words=18, sweet_words=11,
                labels=("Cliffhanger",), no_first_person=True, max_tokens=28,
                prefix=first(rng(ctx.seed, "plan", ep.number, "cliffhanger").choice(focus))))
        lines = fill(ctx, line_slots, purpose + ("lines",))
        keep_written(group, wanted, synopses, lines, done)
    return plan.model_copy(update={"episodes": [done.get(e.number, e) for e in plan.episodes]})
