"""Who does what in a premise: the wrongdoer of the secret, the people it harms, the cast they make,
and the things and places the deed names.

Rules over ``data/premise.yaml`` (docs/architecture.md, "Story"). A pitch such as "a night-shift
radio DJ learns that the shipping magnate courting her mother sank her father's trawler" names the
villain as the subject of the deed ("the shipping magnate", tied to the lead by "courting her
mother", a label no lexicon lists) and the people it harms (her father, whose trawler sank; her
mother, who is courted): family at risk, not foes. The deed's things ("the trawler") and the proof
the text names ("the only proof is a cassette") are the season's props. The people themselves are
read by :mod:`dramagen.story.people` (the lead's job as written, "night-shift radio DJ", too);
:mod:`dramagen.story.premise` puts it all in the typed premise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .people import Gender, Person, people
from .wording import find, lexicon

__all__ = ["Doer", "cast", "caught", "deed_objects", "doer", "harmed", "implied_places", "past", "proof_objects",
           "witnessed"]

_DETS = ("the", "her", "his", "their", "a", "an")
_REL = ("who", "that", "which", "whom", "whose")
_PRONOUNS = ("she", "he", "they", "we", "i", "you")  # 'the judge she works for': a relative clause with no 'who'
_PREP = ("with", "from", "of", "at", "in", "on", "for", "to", "behind", "after", "before", "into")


# --------------------------------------------------------------------------- the wrongdoer and the harmed


@dataclass(frozen=True)
class Doer:
    """The subject of the secret's deed: its label ('shipping magnate'), its tie as the text says it
    ('the shipping magnate courting her mother'), its noun phrase without the tie ('the shipping magnate';
    'Laird Duncan Ross' when it has no label) and where the deed starts."""

    label: str
    relation: str
    subject: str
    deed_at: int


def _deed_re() -> re.Pattern[str]:
    verbs = "|".join(re.escape(v) for v in sorted(lexicon()["deed_verbs"], key=len, reverse=True))
    nouns = "|".join(re.escape(n) for n in lexicon()["deed_nouns"])
    return re.compile(rf"\b(?:(?:{verbs})|(?:is|was) (?:the|a) (?:{nouns}))\b", re.I)


def _adjective(secret: str, m: re.Match[str]) -> bool:
    """'the drowned heiress', 'her poisoned sister': a deed word before a noun describes it; 'who courts her
    killed her parents' is a deed."""
    return bool(re.search(r"\b(?:the|a|an|her|his|their)\s+$", secret[:m.start()], re.I)) and not re.match(
        r"\s+(?:the|a|an|her|his|their|him|them|it|for|to|with|in|on|at|into|down|over)\b", secret[m.end():], re.I)


def _head(words: list[str]) -> tuple[list[str], list[str]]:
    """The noun phrase's head words and the tie after them ('shipping magnate' | 'courting her mother')."""
    for i, w in enumerate(words):
        low = w.lower()
        if i and (low in _REL or low in _PREP or low in _PRONOUNS or (low.endswith("ing") and len(low) > 5)):
            return words[:i], words[i:] if len(words) > i + 1 else []
    return words, []


def doer(secret: str) -> Doer | None:
    """Who does the wrong in ``secret``: 'the shipping magnate courting her mother sank …' → the magnate; None when
    the deed's subject is a pronoun, a name with no title or longer than a pitch's noun phrase."""
    m = next((m for m in _deed_re().finditer(secret) if not _adjective(secret, m)), None)
    if not m:
        return None
    words = secret[:m.start()].split()
    if not words or len(words) > 9 or words[0].lower() not in _DETS:
        return Doer(label="", relation="", subject=" ".join(_head(words)[0]), deed_at=m.start()) if words else None
    det = "the" if words[0].lower() in ("a", "an") else words[0].lower()
    head, tie = _head(words[1:])
    head = [w for w in head if w.lower() != "own"]
    if not head or len(head) > 4 or sum(c.isalpha() for c in head[-1]) < 2 or any(
            w[:1].isupper() and not re.search(r"['’]s$", w) for w in head):  # "the Alpha's mate" is no name
        return Doer(label="", relation="", subject=" ".join([words[0], *head]), deed_at=m.start())
    owners = [i for i, w in enumerate(head) if re.search(r"['’]s$", w)]
    own = head[owners[-1] + 1:] if owners else head  # 'the restaurant's owner' → owner
    label = " ".join(own[-3:] or head[-1:]).lower()
    relation = " ".join([det, *head, *tie])
    while len(relation) > 60:
        relation = relation.rsplit(" ", 1)[0]
    return Doer(label=label[:40], relation=relation, subject=" ".join([det, *head]), deed_at=m.start())


def harmed(secret: str, villain: Doer | None) -> set[str]:
    """Relation words the secret speaks of outside its villain's own words: the people the deed harms or the
    villain reaches for ('… courting her mother sank her father's trawler' → mother, father)."""
    if villain is None:
        return set()
    tail = _tail(secret, villain)
    return {rel for rel in lexicon()["relations"]
            if re.search(rf"\b(?:her|his|their)\s+(?:own\s+)?(?:\w+\s+)?{re.escape(rel)}\b", tail, re.I)
            or re.search(rf"\bthe\s+{re.escape(rel)}['’]s\s", tail, re.I)  # 'switched the chairman's pills'
            or (villain.label and re.search(rf"{_HARM}\w*\s+the\s+{re.escape(rel)}\b(?!['’])", tail, re.I))}
    # 'the Alpha's mate plotted to poison the Alpha'; not where the lead does it ('she poisons the queen')


#: verbs whose object is the one harmed ('plotted to poison the Alpha'), by stem
_HARM = r"\b(?:poison|kill|murder|drown|ruin|frame|framed|betray|blackmail|rob|shoot|shot|stab|strangl|kidnap|abduct|" \
        r"cheat|swindl|push|sabotag)"


def _victims(hurt: set[str], cast_labels: set[str], secret: str) -> list[Person]:
    """The people a deed is done to through their things ('the chairman's heart pills', 'her brother's boat') whom
    no relation word cast: the lead protects them. Not where the deed kills: the dead are spoken of, not cast."""
    if re.search(r"\b(?:killed|murdered|drowned|shot|stabbed|strangled)\b", secret, re.I):
        return []
    out = []
    for h in sorted(hurt - cast_labels):
        m = re.search(rf"\b(the|her|his|their)\s+{re.escape(h)}['’]s\s", secret, re.I)
        if m:
            out.append(Person(label=h, relation=f"{m.group(1).lower()} {h}", gender=_gender_of(h), role="ally", pos=-1))
    return out


def _tail(secret: str, villain: Doer) -> str:
    """The secret without its villain's head words (what remains is the tie and the deed)."""
    at = secret.lower().find(villain.label) if villain.label else -1
    return secret[at + len(villain.label):] if at >= 0 else secret[villain.deed_at:]


# --------------------------------------------------------------------------- deeds a witness sees


#: what a witness sees someone do, in the past tense ('sees her boss shoot a policeman' → 'her boss shot a policeman')
_DEEDS = {"shoot": "shot", "kill": "killed", "stab": "stabbed", "poison": "poisoned", "bury": "buried",
          "burn": "burned", "steal": "stole", "hit": "hit", "push": "pushed", "drown": "drowned",
          "strangle": "strangled", "bribe": "bribed", "beat": "beat", "murder": "murdered", "kiss": "kissed",
          "take": "took", "hide": "hid", "forge": "forged", "rob": "robbed", "attack": "attacked", "sell": "sold",
          "switch": "switched", "dump": "dumped", "set": "set", "throw": "threw"}


def witnessed(clause: str) -> str | None:
    """The deed a witness saw, as a fact about the doer: 'her boss shoot a policeman' → 'her boss shot a policeman'."""
    m = re.match(rf"((?:her|his|the|a|their)\s+(?:[a-z'’]+\s+){{0,4}}?[a-z'’]+?)\s+({'|'.join(_DEEDS)})\b(.*)", clause)
    return f"{m.group(1)} {_DEEDS[m.group(2)]}{_clause_end(m.group(3))}" if m else None


def _clause_end(rest: str) -> str:
    """The deed's own words: up to a comma or to what the witness does next ('… on the night shift and must
    decide whether to turn him in', '… with strychnine, the sheriff, his brother, tells her …')."""
    rest = rest.split(",")[0]
    return re.split(r"\s+and\s+(?:must|has to|decides|tries|wants|vows|needs|is|goes|runs|flees|tells)\b", rest)[0]


#: 'finds his stepmother slipping powder into his tea': a witness catches someone at a deed, in the act
_CAUGHT = re.compile(r"\b(?:sees|saw|witnesses|witnessed|watches|catches|caught|finds|found|discovers|discovered|"
                     r"overhears|walks in on) ((?:her|his|their|the|a) (?:[a-z'’\-]+ ){0,3}?[a-z'’\-]+) "
                     r"([a-z]+ing)\b([^.;!?]*)", re.I)


def past(gerund: str) -> str:
    """'slipping' → 'slipped', 'poisoning' → 'poisoned', 'burying' → 'buried', 'taking' → 'took'."""
    stem = gerund[:-3]
    for base in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""):
        if base in _DEEDS:
            return _DEEDS[base]
    if stem.endswith("y") and len(stem) > 2 and stem[-2] not in "aeiou":
        return stem[:-1] + "ied"
    return stem + "ed"


def caught(text: str) -> str | None:
    """The deed a witness catches someone at, as a fact about the doer: '… finds his stepmother slipping powder
    into his tea' → 'his stepmother slipped powder into his tea'. The one caught must be a person the lexicon
    knows ('his stepmother', 'her boss'), not a thing ('finds the door opening')."""
    lex = lexicon()
    for m in _CAUGHT.finditer(text):
        who = m.group(1)
        if not any(re.search(rf"\b{re.escape(w)}\b", who.lower()) for w in (*lex["relations"], *lex["occupations"])):
            continue
        return f"{who} {past(m.group(2).lower())}{_clause_end(m.group(3))}"
    return None


# --------------------------------------------------------------------------- things and places the text names


_THING = r"(?:a|an|the|her|his|their)\s+(?:(?:[a-z\-]+\s+)?[a-z\-]+['’]s\s+)?" \
         r"((?:[a-z][a-z'’\-]*\s+){0,2}?[a-z][a-z'’\-]*)"  # 'her late husband's boat' → boat
_THING_END = r"(?=\s+(?:her|his|their|that|which|who|from|in|into|at|on|under|hidden|left|she|he|for|to|and|with|" \
             r"behind|before|after)\b|[,.;!?]|$)"
_PROOF = re.compile(rf"\b(?:only\s+)?(?:proof|evidence|clue)\s+(?:is|was|lies in|:)\s+{_THING}{_THING_END}", re.I)


def _thing(noun: str) -> str | None:
    """'the cassette'; a thing too big to hold as the prop that stands for it ('trawler' → "the trawler's logbook")."""
    lex = lexicon()
    words = noun.lower().split()
    if not words or any(words[-1] in lex[k] for k in ("relations", "not_objects", "places", "occupations")) \
            or any(w in lex["people_nouns"] for w in words):
        return None  # a person, a place or no thing at all ('let a wealthy patient die')
    return held_prop(" ".join(words))[:40]


def held_prop(phrase: str) -> str:
    """The prop a hand holds for ``phrase``: 'the cassette'; 'trawler' → "the trawler's logbook", 'grandfather's
    signature' → 'the signed papers' (data/premise.yaml ``held_for``, by the whole phrase, then its last word)."""
    held = lexicon()["held_for"]
    return str(held.get(phrase) or held.get(phrase.split()[-1]) or f"the {phrase}")


def proof_objects(text: str) -> list[str]:
    """Things the text names as proof: 'the only proof is a cassette her father left' → the cassette."""
    out: list[str] = []
    for m in _PROOF.finditer(text):
        if (obj := _thing(m.group(1))) and obj not in out:
            out.append(obj)
    return out


def deed_objects(secret: str | None) -> list[str]:
    """The things the secret's deed is done to or with: 'sank her father's trawler' → the trawler; 'poisoned her
    sister with wolfsbane' → the wolfsbane (people are no props)."""
    out: list[str] = []
    for m in _deed_re().finditer(secret or ""):
        after = (secret or "")[m.end():]
        found = (re.match(rf"\s+(?:[a-z]+\s+)?{_THING}{_THING_END}", after),  # '(planned to) sink her brother's boat'
                 re.search(rf"\bwith\s+(?:a\s+|an\s+|the\s+)?([a-z][a-z'’\-]+(?:\s+[a-z][a-z'’\-]+)??){_THING_END}",
                           after),
                 re.match(r"\s+([a-z][a-z'’\-]+)(?=\s+(?:into|in|onto|under)\b)", after),  # slipped powder into …
                 re.search(rf"\b(?:on|onto|inside)\s+{_THING}{_THING_END}", after.split(",")[0]))  # on … bags
        for t in found:
            if t and (obj := _thing(t.group(1))) and obj not in out:
                out.append(obj)
    return out


def implied_places(text: str) -> list[str]:
    """Places the text's words imply, in order of mention: 'trawler' → HARBOUR, 'shipping' → DOCKS."""
    hits = sorted((pos, place) for word, place in lexicon()["implied_places"].items() if (pos := find(text, word)) >= 0)
    out: list[str] = []
    for _, place in hits:
        if place not in out:
            out.append(str(place))
    return out


# --------------------------------------------------------------------------- the cast


def _in(person: Person, secret: str) -> bool:
    """Whether the secret is something ``person`` did: it opens with their name or label."""
    low = secret.lower()
    first = person.name.split()[0].lower() if person.name else None
    return bool((first and low.startswith(first)) or re.match(
        rf"(?:the |her |his |their )?(?:\w+['’]s )?(?:\w+ )?(?:{re.escape(person.label)}|{re.escape(first or '@')})\b",
        low))


_LOVE_NAMED = re.compile(r"\b(?:[Tt]he|[Aa]n?|[Hh]er|[Hh]is) ((?:[a-z]+ ){0,2}[a-z]+), ([A-Z][a-z]+(?: [A-Z][a-z]+)?), "
                         r"who (?:loves|adores|has always loved|is in love with) (?:her|him)\b")


def _named_love(text: str) -> Person | None:
    """'The new baker, Enzo, who loves her': a love interest named with no relation word."""
    m = _LOVE_NAMED.search(text)
    if not m:
        return None
    label = m.group(1).split()[-1]
    return Person(label=label, relation=f"the {m.group(1)}"[:60], gender="male", role="love", pos=m.start(),
                  name=m.group(2), flags={"love"})


def cast(text: str, occupation: str | None, gender: Gender, secret: str | None
         ) -> tuple[list[Person], list[Person], Person | None]:
    """Antagonists, allies (in order of mention) and the love interest. The doer of the secret's deed is the
    antagonist (cast from the secret when no relation word names them); the people it harms are allies."""
    found = people(text, occupation, gender)
    sec = secret or ""
    villain = doer(sec)
    hurt = harmed(sec, villain)
    love = _love(text, found, gender, sec) or _partner_of(villain, gender)
    antagonists: list[Person] = []
    allies: list[Person] = []
    cast_villain = False
    for p in found:
        if p is love:
            continue
        person = replace(p)
        if villain is not None and _does(p, villain):
            cast_villain = True
            relation = villain.relation if len(villain.relation) > len(p.relation) else person.relation
            label = villain.label if p.label in villain.label.split() else person.label  # chief → chief surgeon
            person = replace(person, role="antagonist", relation=relation, label=label)
        elif "ally" in p.flags or p.label in hurt or ("parent" in p.flags and "villain" not in p.flags
                                                       and villain is not None and villain.label):
            # her secret parent beside someone else's deed ('the daughter of the customs inspector hunting the
            # smugglers') is on her side of it, not a foe
            if len(allies) < 2 and all(a.label != p.label for a in allies):
                allies.append(replace(person, role="ally"))
            continue
        if any(a.label in (p.label, person.label) for a in antagonists) or len(antagonists) >= 3:
            continue
        if ("villain" in p.flags or _in(p, sec)) and p.role in ("family", "rival") and "parent" not in p.flags:
            person = replace(person, role="antagonist")
        antagonists.append(person)
    for victim in _victims(hurt, {p.label for p in found}, sec):
        if len(allies) < 2:
            allies.append(victim)
    if villain is not None and villain.label and not cast_villain:
        antagonists.insert(0, Person(label=villain.label, relation=villain.relation, gender=_gender_of(villain.label),
                                     role="antagonist", pos=-1))
    return antagonists[:3], allies, love


def _love(text: str, found: list[Person], gender: Gender, sec: str) -> Person | None:
    other = "male" if gender == "female" else "female"
    return next((p for p in found if "love" in p.flags), None) or _named_love(text) or next(
        (p for p in found if p.gender == other and p.label in lexicon()["romantic_leads"]
         and not re.search(rf"\b{re.escape(p.label)}\b", sec.lower())
         and not (p.name and p.name.split()[0] in sec)
         and not {"villain", "parent", "theirs", "ally"} & p.flags), None)


_PARTNERS = ("fiancé", "fiance", "fiancée", "fiancee", "boyfriend", "girlfriend", "husband", "wife", "lover")


def _partner_of(villain: Doer | None, gender: Gender) -> Person | None:
    """The lead's own partner through whom the villain is tied to her ("her fiancé's mother smuggled …"): her love,
    torn between them. Spoken of only as an owner, no relation word cast him."""
    m = re.match(rf"(her|his) ({'|'.join(_PARTNERS)})['’]s\s", villain.relation if villain else "")
    if m is None or (m.group(1) == "her") != (gender == "female"):
        return None
    label = m.group(2)
    return Person(label=label, relation=f"{m.group(1)} {label}", gender=lexicon()["relations"][label][1], role="love",
                  pos=-1, flags={"love"})


def _does(person: Person, villain: Doer) -> bool:
    """Whether ``person`` is the doer of the secret's deed: their label or first name is in its subject."""
    head = re.split(r"['’]s\s+", villain.subject.lower())[-1]  # "the Alpha's mate": the mate, not the Alpha
    first = person.name.split()[0].lower() if person.name else None
    return bool(re.search(rf"\b{re.escape(person.label)}\b", head) or (first and re.search(rf"\b{first}\b", head)))


def _gender_of(label: str) -> Gender:
    """A villain's gender from the words of their label ('widow', 'matriarch'…); a man when they say none."""
    lex = lexicon()
    for w in reversed(label.split()):
        if w in lex["gender_cues"]:
            return lex["gender_cues"][w]
        if w in lex["relations"]:
            return lex["relations"][w][1]
    return "male"
