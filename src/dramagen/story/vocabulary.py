"""A season's closed vocabulary: a model candidate that brings in props and places from no story is refused.

Measured (real seasons read by hand): the default model's text passes every name and event
check while inventing what belongs to no story: "chooses the sword of the castle", "runs
through the terminal", "begins to sing a song of love". The words a season may use are its
own (bible, trope and premise text, event objects and secrets), the phrase library's, and an
everyday list (``data/vocabulary.yaml``). A candidate with more than :data:`MAX_UNKNOWN`
content words outside them is refused as ``off_story`` (docs/architecture.md, "Story").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources

import yaml

from .grounding import stem
from .phrases import load_phrases

__all__ = ["MAX_UNKNOWN", "season_vocabulary", "unknown_words", "vocabulary_check"]

MAX_UNKNOWN = 1
_WORD = re.compile(r"[A-Za-z]+")
_SMALL = 4  # words shorter than this are function words and never counted


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    with resources.files("dramagen").joinpath("data/vocabulary.yaml").open("r", encoding="utf-8") as f:
        words = yaml.safe_load(f)["common"]
    return frozenset(stem(str(w)) for w in words)


@lru_cache(maxsize=1)
def _library() -> frozenset[str]:
    out: set[str] = set()
    for ph in load_phrases().values():
        texts = [ph.summary, *ph.synopsis, *ph.cliffhanger, *ph.payoff, *ph.action, *ph.lines.a, *ph.lines.b]
        texts += [t for pair in getattr(ph, "exchanges", []) or [] for t in pair]
        out |= {stem(w) for t in texts for w in _WORD.findall(t)}
    return frozenset(out)


def season_vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """The stems a season may use: ``texts`` (its bible, trope, premise, events), the library and everyday words."""
    own = {stem(w) for t in texts for w in _WORD.findall(t or "")}
    return frozenset(own) | _library() | _common()


def unknown_words(text: str, vocabulary: frozenset[str]) -> list[str]:
    """Content words of ``text`` outside ``vocabulary`` (capitalised words are names and never counted)."""
    return [w for w in _WORD.findall(text) if len(w) >= _SMALL and w[0].islower() and stem(w) not in vocabulary]


def vocabulary_check(vocabulary: frozenset[str], inner: Callable[[str], str | None] | None = None
                     ) -> Callable[[str], str | None]:
    """A slot check: ``inner`` first, then at most :data:`MAX_UNKNOWN` words from outside the season."""
    def check(text: str) -> str | None:
        why = inner(text) if inner is not None else None
        if why is not None:
            return why
        return "off_story" if len(unknown_words(text, vocabulary)) > MAX_UNKNOWN else None

    return check


def season_texts(bible, trope, events: Iterable = ()) -> list[str]:
    """The texts a season's own words come from: its bible, its trope (pitch, story facts) and its events."""
    def get(obj, key, default=None):
        return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)

    out = [bible.title, bible.logline, bible.world, bible.trope_name, *(loc.name.lower() for loc in bible.locations)]
    for c in bible.characters:
        out += [c.want, c.secret, c.look, c.tie or ""]
    out += [str(get(trope, "pitch", "") or ""), str(get(trope, "name", "") or "")]
    story = get(trope, "story")
    if story is not None:
        out += [str(get(story, "world", "")), str(get(story, "stakes", "")), *map(str, get(story, "objects", []) or [])]
        for s in get(story, "secrets", []) or []:
            out += [str(get(s, "text", "")), str(get(s, "evidence", ""))]
        out += [str(v) for v in (get(story, "relations", {}) or {}).values()]
    for b in get(trope, "signature_beats", []) or []:
        out.append(str(get(b, "beat", "")))
    for ev in events:
        out += [ev.object, ev.detail, ev.summary]
    return out
