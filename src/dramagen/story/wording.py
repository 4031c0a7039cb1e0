"""Word-level helpers the premise parser shares: its lexicons (``data/premise.yaml``) and whole-word search.

Kept apart from :mod:`dramagen.story.premise` so that the people reader
(:mod:`dramagen.story.people`) and the clue reader use the same words without importing
each other (docs/architecture.md, "Story").
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

__all__ = ["lexicon", "WORD", "STOP", "ENGLISH", "FOREIGN", "content", "find", "first_of", "a"]


@lru_cache(maxsize=1)
def lexicon() -> dict:
    with resources.files("dramagen").joinpath("data/premise.yaml").open("r", encoding="utf-8") as f:
        return yaml.safe_load(f)


WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
STOP = frozenset("""a an the and or but of to in on at by for with from as is are was were be been being it its this
that these those he she they them his her their him not no so if then than there here into out up down over who whom
which when where why how all any some just now can will would could should do does did has have had one very too only
also more most own after before while until secretly really actually must""".split())
ENGLISH = frozenset("""a an the and or but of to in on at by for with from is are was were be her his she he who that
this their they when after before into as has have not no secret secretly""".split())

#: function words of other languages written in Latin letters (Spanish, French, German, Italian, Portuguese)
FOREIGN = frozenset("""el la los las del que y en un una por para con su sus es se al lo le les des du et est une
dans pour qui sur pas der die das und ist ein eine mit nicht auf den dem zu il della di che non per gli uno não uma
com os ao da do em""".split())


def content(text: str) -> list[str]:
    """The content words of ``text``, lower case (function words and words of 1–2 letters dropped)."""
    return [w.lower().strip("'’") for w in WORD.findall(text or "")
            if len(w) > 2 and w.lower() not in STOP]


def find(text: str, phrase: str) -> int:
    """Where ``phrase`` starts in ``text`` as whole words (any case), or -1."""
    m = re.search(r"(?<![A-Za-z\-])" + re.escape(phrase) + r"(?![A-Za-z\-])", text, re.I)
    return m.start() if m else -1


def first_of(text: str, phrases) -> tuple[str, int] | None:
    """The phrase found earliest in ``text`` (longest first at a tie), with its position."""
    hits = [(pos, -len(p), p) for p in phrases if (pos := find(text, p)) >= 0]
    if not hits:
        return None
    pos, _, p = min(hits)
    return p, pos


def a(noun: str) -> str:
    """``noun`` with its indefinite article."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun
