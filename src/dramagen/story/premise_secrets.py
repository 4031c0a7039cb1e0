"""The premise's secrets: the clue that proves one, a deed the lead catches or learns of, and her own.

Read by rules (docs/architecture.md §5, "Premise"): "finds a logbook that proves X" gives the evidence and the
secret; "finds his stepmother slipping powder into his tea" and "discovers that her godfather sold her father's
land" are deeds in the past tense, about their doer; "she is secretly the chairman's daughter" is the lead's own;
"whose father was framed by his business partner" is turned round. ``story.premise`` decides which is the season's
secret and which the lead's.
"""

from __future__ import annotations

import re

from .premise_roles import caught, doer, past, witnessed

__all__ = ["PASSIVE", "caught_deed", "evidence_clue", "impostor", "learned_deed", "passive_deed", "stated_secret"]


#: "finds a drowned sailor's logbook that proves …": the evidence and the secret in one clause
_EVIDENCE = re.compile(r"\b(?:finds|found|discovers|uncovers|steals|stole|hides|keeps|holds|carries|bears|has|"
                       r"inherits|receives|gets)\s+(?:a|an|the|her|his|their)\s+([a-z][a-z'’\- ]{2,40}?)\s+"
                       r"(?:that|which)\s+(proves|shows|reveals|makes (?:her|him)|names)\s+([^.;!?]+)", re.I)

#: 'whose father was framed and jailed by his business partner' → 'his business partner framed and jailed his father'
PASSIVE = re.compile(r"\b(?:whose|her|his) ([a-z\-]+) (?:was|were|had been) (framed|killed|murdered|poisoned|ruined|"
                      r"betrayed|robbed|cheated|jailed|disgraced|blackmailed)(?: and ([a-z]+))? by "
                      r"((?:his|her|their|the|a) [a-z\- ]+?)(?=[,.;]|\s+(?:who|and|takes|plans|while|but)\b|$)", re.I)


def passive_deed(text: str, poss: str) -> str | None:
    m = PASSIVE.search(text)
    if not m:
        return None
    verbs = m.group(2) + (f" and {m.group(3)}" if m.group(3) else "")
    return f"{m.group(4)} {verbs} {poss} {m.group(1)}"


_SECRET_PATTERNS = (
    r"\bsecret(?:ly)? (?:is |was )?that ([^.;!?]+)",
    r"\bno one knows (?:that )?([^.;!?]+)",
    r"\bnobody knows (?:that )?([^.;!?]+)",
    r"\bhid(?:es|ing|den)? (?:the fact )?that ([^.;!?]+)",
    r"\bhid(?:es|ing)? (her|his|their) ([^.;!?]+)",
    r"\b(?:she|he|who) (?:is|was) secretly ([^.;!?]+)",
    r"\bsecretly ([^.;!?]+)",
    r"\b(?:is|was) (?:the|a) (secret [^.;!?]+)",
    r"\b(?:she|he|who) (?:is|was) really ([^.;!?]+)",
    r"\bdisguised as ([^.;!?]+)",
    r"\bthe truth (?:is )?that ([^.;!?]+)",
    r"\bunaware (?:that )?([^.;!?]+)",
    r"\b(?:discovers|learns|finds out|uncovers|realises|realizes) (?:that )?([^.;!?]+)",
    r"\b(?:sees|saw|witnesses|witnessed|watches|catches|hears|heard|overhears|overheard) ((?:her|his|the|a) [^.;!?]+)",
)


def _tidy(clause: str) -> str:
    """A clause without an apposed name ('the chief, Dr Anil Mehta, sold …' → 'the chief sold …')."""
    clause = re.sub(r",\s+(?:[A-Z][a-z]+\.?\s+)?[A-Z][a-z]+(?: [A-Z][a-z]+)?,", "", clause)
    return re.split(r",\s+(?:but|and|while|so)\b|\s+but\s+", clause)[0].strip(" ,")


def _named(clause: str) -> str:
    """A secret says who by name: 'his brother Carmine sold …' → 'Carmine sold …' (whose brother is the
    premise's business, and 'his' would point at whoever stands before it on a character card)."""
    return re.sub(r"^(?:her|his|their|the)\s+(?:[a-z'’\-]+\s+){1,2}(?=[A-Z][a-z]+\b)", "", clause)


def evidence_clue(text: str, pronoun: str) -> tuple[str, str] | None:
    """(the evidence object, the secret) from a clause such as '… finds a logbook that proves X'."""
    m = _EVIDENCE.search(text)
    if not m:
        return None
    obj = re.sub(r"^(?:a|an|the|her|his|their)\s+", "", m.group(1).strip())
    obj = re.split(r"\s+(?:in|from|under|inside|behind|on|at)\s+", obj)[0]  # 'a pawn ticket in his coat'

    verb, rest = m.group(2).lower(), _named(_tidy(m.group(3)))
    secret = f"{pronoun} is {rest}" if verb.startswith("makes") else _names(rest, obj) if verb == "names" else rest
    return f"the {obj}"[:40], secret


def _names(rest: str, obj: str) -> str:
    """'(a diary that names) her own brother as the killer' → 'the drowned heiress's brother is the killer':
    'her own' is the owner of the evidence, not the lead."""
    m = re.match(r"(.+?)\s+as\s+(?:the\s+|a\s+|an\s+)?(.+)$", rest)
    if not m:
        return rest
    who, what = m.group(1), m.group(2)
    owner = re.match(r"((?:[a-z\-]+\s+)?[a-z\-]+['’]s)\s", obj)
    if owner:
        who = re.sub(r"^(?:her|his|their)\s+own\s+", f"the {owner.group(1)} ", who)
    return f"{who} is the {what}"


def caught_deed(text: str) -> str | None:
    deed = caught(text)
    return _tidy(deed) if deed else None


_LEARNS = re.compile(r"\b(?:discovers|discovered|learns|learned|finds out|found out|uncovers|uncovered|realises|"
                     r"realizes) (?:that )?((?:her|his|their|the) [^.;!?]+)", re.I)


def learned_deed(text: str) -> str | None:
    """A deed the lead learns someone did ('discovers that her godfather, the plantation owner, sold her father's
    land …'): like a caught deed, the season's secret, ahead of her own ('she is secretly engaged to …')."""
    m = _LEARNS.search(text)
    if not m:
        return None
    clause = re.sub(r"^((?:her|his|their|the) [a-z\-]+),\s+(?:the|a|an) [^,]+,", r"\1", m.group(1))  # apposition
    clause = _simple_past(_named(_tidy(clause)))
    found = doer(clause)
    return clause if found is not None and found.deed_at > 0 else None


_PROGRESSIVE = re.compile(r"^((?:her|his|their|the) [^,]{2,60}?) (?:is|was|has been|had been) ([a-z]{3,}ing)\b")


def _simple_past(clause: str) -> str:
    """A deed going on, told as done, like a caught one: "her fiancé's mother is smuggling heroin …" → "… smuggled
    heroin …" (the verb need not be a listed deed: :func:`doer` then decides whether it is one)."""
    m = _PROGRESSIVE.match(clause)
    return f"{m.group(1)} {past(m.group(2))}{clause[m.end():]}" if m else clause


_IMPOSTOR = re.compile(r"\b(?:takes|took|taking|assumes|assumed) (?:his|her) (?:dead |late )?(?:\w+['’]s )?(?:place|"
                       r"identity|name)\b", re.I)
_KIN_OF = re.compile(r"\b(?:his|her) ((?:identical )?twin(?: brother| sister)?|brother|sister|cousin)\b", re.I)


def impostor(text: str, pronoun: str, poss: str) -> str | None:
    """'after his twin brother dies …, a shy mechanic takes his place': the lead's own secret is who he passes for."""
    if not _IMPOSTOR.search(text):
        return None
    kin = _KIN_OF.search(text)
    return f"{pronoun} is posing as {poss} {kin.group(1).lower()}" if kin else None


def stated_secret(text: str, pronoun: str) -> str | None:
    """The secret the patterns of :data:`_SECRET_PATTERNS` find, in order (a caught deed comes before them:
    :func:`parse_premise`)."""
    for pat in _SECRET_PATTERNS:
        m = re.search(pat, text, re.I)
        if not m:
            continue
        clause = _tidy(" ".join(g for g in m.groups() if g).strip(" ,"))
        if len(clause.split()) < 2:
            continue
        if pat.startswith(r"\bhid(?:es|ing)? (her|his"):
            return f"{pronoun} hides {clause}"
        if pat.startswith(r"\b(?:she|he|who) (?:is|was)"):  # 'she is secretly engaged to …': a predicate
            return f"{pronoun} is {clause}"
        if "secretly" in pat or "really" in pat:
            verb = re.match(r"(is|was|has|had|\w+s|\w+ed)\b", clause) and not clause.startswith(("the ", "a "))
            return f"{pronoun} {clause}" if verb else f"{pronoun} is {clause}"
        if "(secret " in pat:
            return f"{pronoun} is the {clause}"
        if "disguised" in pat:
            return f"{pronoun} is {clause} in disguise"
        if "sees|saw" in pat:  # 'hears the judge she works for take a bribe' → 'the judge … took a bribe'
            return witnessed(_named(clause)) or f"{pronoun} saw {clause}"
        return _named(clause)
    return None
