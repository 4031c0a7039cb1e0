"""Stage 2 (text) for a plan of story events: each episode's synopsis and cliffhanger written for its event.

Each slot's prompt is a concrete scene (``story.scenes.scene_line``: where, who, which object,
what just happened, what happens) after three of the season's other events as worked
examples. A candidate must name the event's participants, show the event (its object, its
secret or a verb of its type) and stay in the story's world (``story.grounding``);
otherwise the event's own phrase from the library is the fallback, at once: an authored phrase
beats a second round of the model (``Slot.retry=False``), and the plan step costs one round. Groups of
:data:`~dramagen.story.stages.plan_shared.GROUP` episodes as in ``stages.plan`` (a resumed season equals
an uninterrupted one).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ...core.models import EpisodePlan, SeasonPlan, SeriesBible, StoryEvent
from ..grounding import event_check, event_words, grounded, head_noun, off_world, stem, world_of
from ..phrases import title_case
from ..scenes import phrase_examples, phrase_fallback, phrase_options, scene_line
from ..slots import Slot, WriteContext, fill
from ..vocabulary import season_texts, season_vocabulary, vocabulary_check
from . import _get, allowed_words, cast_line, keywords
from .plan_shared import GROUP, keep_written, title_check

__all__ = ["write_event_plan_text"]


def _others(plan: SeasonPlan, group: list[EpisodePlan]) -> list[StoryEvent]:
    """The season's events outside ``group``, nearest first: the worked examples of the group's slots."""
    inside = {e.number for e in group}
    mid = (group[0].number + group[-1].number) / 2
    evs = [e.event for e in plan.episodes if e.event is not None and e.number not in inside]
    if not evs:  # a season of one group (fewer episodes than the minimum): its own events
        evs = [e.event for e in plan.episodes if e.event is not None]
    return sorted(evs, key=lambda x: (abs(x.episode - mid), x.episode))


def _examples(plan: SeasonPlan, group: list[EpisodePlan], kind: str, world, seed: int, g: int):
    return phrase_examples(_others(plan, group), kind, world, seed, "plan", g)


def _shows(ev: StoryEvent, world):
    """A plan line must name the event's people and show both its object and a verb of its type (read on real
    seasons: a line with the object alone was often nonsense around it, 'he could kill Marco')."""
    obj = {stem(head_noun(ev.object))} if ev.object else set()
    verbs = event_words(ev) - obj
    base = event_check(ev.participants, event_words(ev), world)

    def check(text: str) -> str | None:
        why = base(text)
        if why is None and not (grounded(text, obj) and grounded(text, verbs)):
            return "ungrounded"
        return why

    return check


def _named_title_check(bible: SeriesBible, world, vocab: frozenset[str], need: set[str] = frozenset()):
    """An episode title may be a free phrase, but no near-miss of a cast name ('Alicia' beside Olivia), inside the
    season's world and its closed vocabulary: a 60-episode werewolf season's model titles read "She Was a Dealtl
    Shtetel" and "In a Merchandise" (stop 26)."""
    from ..check import near_misses

    names = {c.name.split()[0] for c in bible.characters}
    shown = set(need) | {stem(n.lower()) for n in names}  # the episode's thing and deed, and the cast

    def check(text: str) -> str | None:
        if need and not grounded(text, shown):
            return "ungrounded"  # a title names the episode's people, its thing or its deed ('Drawn with a Slap')
        return title_check(text) or ("near_miss_name" if near_misses(text, bible) else None) or off_world(text, world)

    inner = vocabulary_check(vocab, check)

    def titled(text: str) -> str | None:  # a title capitalises every word: only the cast's names are names here
        return inner(re.sub(r"[A-Za-z]+", lambda m: m.group(0) if m.group(0) in names else m.group(0).lower(), text))

    return titled


def _title_fallbacks(plan: SeasonPlan, upto: int, world, seed: int, variant: int) -> dict[int, str]:
    """Each episode's authored title (``titles`` in prompts/phrases/, filled and title-cased), episode 1 to
    ``upto`` in order, none the same as an earlier one while the type has others: a resumed or regenerated
    group gets the titles the whole season would give it."""
    out: dict[int, str] = {}
    for ep in plan.episodes[:upto]:
        if ep.event is not None:
            seen = {t.lower() for t in out.values()}
            avoid = {o for o in phrase_options(ep.event, "titles", world) if title_case(o).lower() in seen}
            out[ep.number] = title_case(phrase_fallback(ep.event, "titles", world, seed, variant, avoid=avoid))
    return out


def _base(bible: SeriesBible, trope: Any) -> dict[str, str]:
    story = _get(trope, "story")
    world = str(_get(story, "world", "")) if story is not None else ""
    return {"world": world or "Present day", "trope_name": bible.trope_name or str(_get(trope, "name", "")),
            "cast": cast_line(bible)}


def write_event_plan_text(ctx: WriteContext, plan: SeasonPlan, bible: SeriesBible, trope: Any,
                          wanted: list[int], *, variant: int = 0) -> SeasonPlan:
    world = dataclasses.replace(world_of(trope), bible=bible)
    base = _base(bible, trope)
    words = allowed_words(bible, trope) + [w for e in plan.episodes if e.event
                                           for w in (e.event.object + " " + e.event.detail).title().split()]
    names, kws = bible.names, keywords(trope)
    vocab = season_vocabulary(season_texts(bible, trope, [e.event for e in plan.episodes if e.event]))
    done: dict[int, EpisodePlan] = {}
    upto = ((max(wanted) - 1) // GROUP + 1) * GROUP  # whole groups are written
    titles = _title_fallbacks(plan, upto, world, ctx.seed, variant)
    for g in sorted({(e - 1) // GROUP for e in wanted}):
        group = plan.episodes[g * GROUP:(g + 1) * GROUP]
        purpose = ("plan", g + 1) + ((variant,) if variant else ())
        syn_examples = _examples(plan, group, "synopsis", world, ctx.seed, g)
        cliff_examples = _examples(plan, group, "cliffhanger", world, ctx.seed, g)
        syn_slots = []
        for ep in group:
            ev = ep.event
            assert ev is not None
            need = event_words(ev, ev.detail)
            syn_slots.append(Slot(
                kind="plan.synopsis", template="plan/event_synopsis.j2",
                context={**base, "examples": syn_examples,
                         "scene": scene_line(ev, ep.opening)},
                fallback=phrase_fallback(ev, "synopsis", world, ctx.seed, variant),
                names=names, required=ev.participants, require_name=True, allowed_words=words,
                keywords=kws + sorted(need), min_words=8, max_words=30, sweet_words=18, labels=("Episode",),
                max_tokens=38, prefix=ev.actor.split()[0],
                check=vocabulary_check(vocab, _shows(ev, world)), retry=False))
        synopses = fill(ctx, syn_slots, purpose + ("synopsis",))
        line_slots = []
        for ep, syn in zip(group, synopses):
            ev = ep.event
            assert ev is not None
            need = event_words(ev, ev.detail)
            line_slots.append(Slot(
                kind="plan.title", template="plan/title.j2", context={"story": syn},
                fallback=titles[ep.number], names=names, strict_names=False,
                allowed_words=words, keywords=syn.split() + kws, min_words=2, max_words=6, sweet_words=4,
                labels=("Title",), max_tokens=12, check=_named_title_check(bible, world, vocab, need)))
            line_slots.append(Slot(
                kind="plan.cliffhanger", template="plan/event_cliffhanger.j2",
                context={**base, "examples": cliff_examples,
                         "scene": scene_line(ev, ep.opening), "type": ev.type.replace("_", " ")},
                fallback=phrase_fallback(ev, "cliffhanger", world, ctx.seed, variant),
                names=names, required=ev.participants, require_name=True, allowed_words=words,
                keywords=sorted(need) + [ep.cliffhanger_type], min_words=6, max_words=18, sweet_words=12,
                labels=("Cliffhanger",), no_first_person=True, max_tokens=30, prefix=ev.actor.split()[0],
                check=vocabulary_check(vocab, _shows(ev, world)), retry=False))
        lines = fill(ctx, line_slots, purpose + ("lines",))
        keep_written(group, wanted, synopses, lines, done)
    return plan.model_copy(update={"episodes": [done.get(e.number, e) for e in plan.episodes]})
