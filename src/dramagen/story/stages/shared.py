"""Helpers the writing stages share: episode-function glosses, cast lines, trope names adapted to the bible,
and the capitalised words a slot may use."""

from __future__ import annotations

import re
from typing import Any

from ...core.models import SeriesBible
from ..trope_names import _get, adapt, first, name_map

__all__ = ["FUNCTION_GLOSS", "ROLE_LABEL", "adapt", "allowed_words", "cast_line", "first", "keywords", "name_map"]

#: What each episode function means, in a few words the model can follow.
FUNCTION_GLOSS: dict[str, str] = {
    "hook": "the shocking start",
    "setup": "the trap is set",
    "escalation": "things get worse",
    "reversal": "face-slap, the underdog strikes back",
    "twist": "a hidden truth comes out",
    "midpoint": "everything changes",
    "dark_moment": "all seems lost",
    "climax": "the final showdown",
    "resolution": "justice and a happy ending",
}

ROLE_LABEL: dict[str, str] = {"lead": "lead", "love_interest": "love interest", "rival": "rival",
                              "antagonist": "villain", "ally": "ally", "mentor": "mentor", "family": "family"}


def cast_line(bible: SeriesBible, names: list[str] | None = None) -> str:
    """"Aria (lead), Kai (love interest), Bella (rival)" for the given names (default all)."""
    chars = [bible.character(n) for n in names] if names else list(bible.characters)
    return ", ".join(f"{first(c.name)} ({ROLE_LABEL.get(c.role, c.role.replace('_', ' '))})" for c in chars if c)


def allowed_words(bible: SeriesBible, trope: Any = None) -> list[str]:
    """Capitalised words that are not stray names: location words, trope words, the title's words."""
    words: set[str] = set()
    for loc in bible.locations:
        words.update(w.strip("'").capitalize() for w in re.split(r"[ \-&]+", loc.name) if w)
        words.update(w for w in re.findall(r"[A-Za-z]+", loc.name))
    for w in re.findall(r"[A-Za-z]+", bible.title):
        words.add(w)
    if trope is not None:
        for k in _get(trope, "keywords", None) or []:
            words.add(str(k).capitalize())
        for w in re.findall(r"[A-Z][a-z]+", str(_get(trope, "name", "")) + " " + str(_get(trope, "pitch", ""))):
            words.add(w)
        pool = {str(n) for r in (_get(trope, "roles", None) or []) for n in (_get(r, "names", None) or [])}
        words -= pool - {first(c.name) for c in bible.characters}
    return sorted(words)


def keywords(trope: Any) -> list[str]:
    return [str(k) for k in (_get(trope, "keywords", None) or [])]
