"""A secret as someone in the scene says it aloud.

The ledger keeps each secret as a clause about its person ("the heir's stepmother slipped powder into his tea to
take the casino"). An exposure is that clause said to their face: "You slipped powder into his tea to take the
casino." A confession is it said of oneself: "I have known the truth all along." The episode that exposes,
finds or confesses a secret says it once in so many words (docs/architecture.md, "Story"); before stop 26 no
line of a season ever named what the stepmother had done.
"""

from __future__ import annotations

import re

from ..core.models import Character, SeriesBible

__all__ = ["about", "named", "spoken"]

_AGREE = {"You": {"is": "are", "was": "were", "has": "have", "knows": "know", "does": "do", "wants": "want"},
          "I": {"is": "am", "has": "have", "knows": "know", "does": "do", "wants": "want"}}


def _subjects(c: Character) -> list[str]:
    """The words a secret may open with for ``c``: the tie as written ('his captain', 'the heir's stepmother')
    and with 'the', its last word with 'the', the first name, and the love-secret's 'the one who loves her'."""
    out = [c.name.split()[0]]
    tie = (c.tie or "").strip().lower()
    if tie:
        the = re.sub(r"^(?:her|his|their)\s+", "the ", tie)
        out += [tie, the, "the " + the.split()[-1]]
    if c.role == "love_interest":
        out += ["the one who loves her", "the one who loves him"]
    return sorted(set(out), key=lambda s: (-len(s), s))  # the longest first


def about(secret: str, bible: SeriesBible) -> tuple[Character, str] | None:
    """The character ``secret`` opens with, and the words that name them."""
    low = secret.lower()
    for c in bible.characters:
        for s in _subjects(c):
            if low.startswith(s.lower() + " "):
                return c, secret[len(s):].strip()
    return None


_PRONOUN_SUBJECT = re.compile(r"^(?:she|he|the one who loves (?:her|him))\s+", re.I)


def named(secret: str, person: str) -> str:
    """A secret that opens with a pronoun or the love secret's 'the one who loves her' names its person instead:
    'she is the daughter of …' → 'Ava is the daughter of …'. Narrated, it points at someone ('… says it at last:
    the one who loves her has known …' was said by him, stop 27); said aloud, :func:`spoken` finds them."""
    m = _PRONOUN_SUBJECT.match(secret)
    return f"{person.split()[0]} {secret[m.end():]}" if m and person else secret


def spoken(secret: str, bible: SeriesBible, speaker: str, to: str) -> str | None:
    """``secret`` as ``speaker`` says it to ``to`` (first names or full names): 'You …' to the one it is about,
    'I …' of oneself; None when it is about neither (the line would be a third-person report)."""
    found = about(secret, bible)
    if found is None:
        return None
    c, rest = found
    name = c.name.split()[0]
    person = "You" if name == to.split()[0] else "I" if name == speaker.split()[0] else None
    if person is None or not rest:
        return None
    verb, _, tail = rest.partition(" ")
    verb = _AGREE[person].get(verb, verb)
    lead = next((ch for ch in bible.characters if ch.role == "lead"), bible.characters[0])
    poss = _lead_possessive(bible)
    if poss and speaker.split()[0] == lead.name.split()[0]:  # '… that killed his brother', said by him: 'my brother'
        tail = re.sub(rf"\b{poss}\b", "my", tail)
    elif poss and to.split()[0] == lead.name.split()[0]:  # said to him by his foe: 'your brother'
        tail = re.sub(rf"\b{poss}\b", "your", tail)
    if c.role == "love_interest":  # 'Adrian has known … what his mother did', to him: 'what your mother did'
        tail = re.sub(r"\b(?:his|her) (mother|father|stepmother|stepfather|brother|sister|uncle|aunt|family)\b",
                      lambda m: f"{'your' if person == 'You' else 'my'} {m.group(1)}", tail)
    listener = next((ch for ch in bible.characters if ch.name.split()[0] == to.split()[0]), None)
    for s in _subjects(listener) if listener is not None and person == "I" else ():  # said to him: 'your daughter'
        tail = re.sub(rf"\b{re.escape(s)}['’]s\b", "your", tail, flags=re.I)
    return f"{person} {verb} {tail}".strip().rstrip(".")


def _lead_possessive(bible: SeriesBible) -> str | None:
    """'his' or 'her': the word the ties say the lead's people with ('his captain'); None when none says."""
    for c in bible.characters:
        m = re.match(r"(her|his)\s", (c.tie or "").lower())
        if m and c.role != "lead":
            return m.group(1)
    return None
