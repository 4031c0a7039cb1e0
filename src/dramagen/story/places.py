"""How a scene heading reads in prose: ``MARSEILLE DOCKS`` → "the Marseille docks", ``CEO'S OFFICE`` → "the ceo's
office" as before. A word that no place list knows (a city, a street, a name the writer pinned) keeps its capital.

The place words are every word of the premise lexicon's places (``data/premise.yaml``) and of the trope catalogue's
settings (docs/architecture.md §5, "Premise").
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["place_phrase"]


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    from .tropes import list_tropes
    from .wording import lexicon

    lex = lexicon()
    names: list[str] = [*lex["places"].values(), *lex["occupations"].values(), *lex["implied_places"].values(),
                        *lex["exterior_places"], *(p for kind in lex["default_places"].values() for p in kind),
                        "HALLWAY", "STREET", "ROOFTOP", "ROOM"]
    names += [s.name for t in list_tropes() for s in t.settings]
    return frozenset(w.lower() for n in names for w in re.findall(r"[A-Za-z]+", n))


def place_phrase(location: str) -> str:
    """'the ' and the heading in prose: lower case, but for the words no place list knows ('the Marseille docks')."""
    if not location:
        return "the room"
    out = []
    for w in location.split():
        word = re.match(r"[A-Za-z]+", w)
        proper = word is not None and word.group(0).lower() not in _place_words()
        out.append(w[:1].upper() + w[1:].lower() if proper else w.lower())
    return "the " + " ".join(out)
