"""Story metrics of a season (docs/metrics.md): is the premise kept, are lines written for their event,
are cliffhangers paid off, does continuity hold. Pure functions of the data model; the lab and
``dramagen lab metrics`` read them through :func:`dramagen.metrics.season_dir_metrics`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..core.models import EpisodeBeats, SeasonPlan, SeriesBible, StoryLedger
from .continuity import check_continuity, payoff_ok
from .grounding import event_words, grounded, head_noun, stem

__all__ = ["STORY_METRICS", "premise_words", "premise_coverage", "event_grounding", "payoff_rate", "story_metrics"]

#: name → (label, unit, better, definition), appended to dramagen.metrics.METRICS
STORY_METRICS = {
    "premise_coverage": ("premise coverage", "rate", "higher",
                         "the premise's content words (lead's occupation and status, antagonists, secret, world, "
                         "stakes, objects) found in the bible and the plan (stems) / those words"),
    "event_grounding": ("event grounding", "rate", "higher",
                        "action paragraphs and lines that name a person of their episode's event (or the event "
                        "it opens on) or show the event (its object, secret or kind) / all of them"),
    "payoff_rate": ("payoff", "rate", "higher",
                    "episodes after the first whose first 15 s name the last cliffhanger's people and show it"),
    "continuity_violations": ("continuity violations", "count", "lower",
                              "issues of `dramagen check`'s continuity section, per season"),
}

_WORD = re.compile(r"[A-Za-z]+")
_STOP = frozenset("""the and her his their with from that this who whom what when where which into over under about
for has have had was were are is she he they them been being than then there here also only just very life""".split())


def premise_words(premise: Any) -> list[str]:
    """Content words of a premise (a :class:`~dramagen.story.premise.Premise`, or a trope's story block)."""
    if hasattr(premise, "content_words"):  # "present-day" counts as "present" and "day", as texts are read
        return sorted({w for cw in premise.content_words() for w in cw.split("-") if len(w) > 2 and w not in _STOP})
    parts = [getattr(premise, "world", ""), getattr(premise, "stakes", "")]
    parts += list(getattr(premise, "objects", []) or [])
    parts += [s.text for s in getattr(premise, "secrets", []) or []]
    return sorted({w.lower() for p in parts for w in _WORD.findall(p) if len(w) > 2 and w.lower() not in _STOP})


def _texts(bible: SeriesBible, plan: SeasonPlan | None) -> list[str]:
    out = [bible.title, bible.logline, bible.world, *(loc.name for loc in bible.locations)]
    for c in bible.characters:
        out += [c.role, c.tie, c.want, c.secret, c.look]
    for ep in (plan.episodes if plan else []):
        out += [ep.title, ep.synopsis, ep.cliffhanger]
        out += [e.summary + " " + e.object + " " + e.detail for e in (ep.event, ep.opening) if e is not None]
    return out


def premise_coverage(words: Iterable[str], bible: SeriesBible, plan: SeasonPlan | None) -> float | None:
    need = {stem(w) for w in words}
    if not need:
        return None
    have = {stem(w.lower()) for t in _texts(bible, plan) for w in _WORD.findall(t or "")}
    return len(need & have) / len(need)


def event_grounding(plan: SeasonPlan, beats: Mapping[int, EpisodeBeats]) -> float | None:
    hits = total = 0
    for n, eb in beats.items():
        ep = plan.episode(n)
        if ep.event is None:
            continue
        evs = [e for e in (ep.event, ep.opening) if e is not None]
        names = {p.split()[0].lower() for e in evs for p in e.participants}
        words = set().union(*(event_words(e, e.detail) for e in evs)) | {stem(head_noun(e.object)) for e in evs}
        for b in eb.beats:
            for text in [b.action] * bool(b.action) + [ln.text for ln in b.lines]:
                total += 1
                low = {w.lower() for w in _WORD.findall(text)}
                hits += bool(low & names) or grounded(text, words)
    return hits / total if total else None


def payoff_rate(plan: SeasonPlan, beats: Mapping[int, EpisodeBeats]) -> float | None:
    eps = [n for n in beats if n > 1 and plan.episode(n).opening is not None]
    if not eps:
        return None
    return sum(payoff_ok(plan.episode(n).opening, beats[n]) for n in eps) / len(eps)


def story_metrics(bible: SeriesBible, plan: SeasonPlan | None, beats: Mapping[int, EpisodeBeats],
                  ledger: StoryLedger | None, premise: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {k: None for k in STORY_METRICS}
    if premise is not None:
        out["premise_coverage"] = premise_coverage(premise_words(premise), bible, plan)
    if plan is not None and beats:
        out["event_grounding"] = event_grounding(plan, beats)
        out["payoff_rate"] = payoff_rate(plan, beats)
        if ledger is not None:
            out["continuity_violations"] = len(check_continuity(ledger, plan, beats, bible.names))
    return out
