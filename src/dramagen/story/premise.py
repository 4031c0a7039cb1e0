"""Understand a free-text premise: a typed :class:`Premise` made by rules over lexicons.

The parser reads what a writer typically puts in a one-paragraph pitch and fills a typed
record (docs/architecture.md, "Story"): the lead (name, gender, occupation, status), the
antagonists and how they are tied to the lead, the love interest, the central secret,
the world and period, 3–6 concrete locations, the stakes and the key objects. Whatever
the text does not say is *assumed* and written down in ``assumed`` (field and value), so
the CLI and the studio can show it for the writer to correct before anything is
generated. The lexicons are data: ``src/dramagen/data/premise.yaml``.

No model is called: the same text always gives the same premise. A writer's edits travel
as ``SeasonRequest.premise`` and replace the parse.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import Field, field_validator

from ..errors import InputError
from ..models import Model

__all__ = ["Premise", "PremiseAntagonist", "parse_premise", "MAX_PREMISE_CHARS", "lexicon"]

MAX_PREMISE_CHARS = 2000

Gender = Literal["female", "male"]


class PremiseAntagonist(Model):
    """Someone the premise names beside the lead, and how they are tied to the lead."""

    role: Literal["antagonist", "rival", "family", "ally"] = "antagonist"
    label: str = Field(..., min_length=2, max_length=40, description="stepmother, business partner, duke…")
    relation: str = Field(..., min_length=2, max_length=60, description="from the lead's side: 'her stepmother'")
    gender: Gender = "male"
    name: str | None = Field(None, max_length=20)


class Premise(Model):
    """A premise as data: what the bible, the ledger and every slot are written from."""

    text: str = Field("", max_length=MAX_PREMISE_CHARS)
    lead_name: str | None = Field(None, max_length=20)
    lead_gender: Gender = "female"
    lead_occupation: str = Field(..., min_length=2, max_length=40)
    lead_status: str = Field(..., min_length=2, max_length=40)
    antagonists: list[PremiseAntagonist] = Field(..., min_length=1, max_length=3)
    allies: list[PremiseAntagonist] = Field(default_factory=list, max_length=2, description="people the lead protects")
    love_interest: str = Field("", max_length=60, description="'the duke', 'her bodyguard'; empty: none named")
    secret: str = Field(..., min_length=3, max_length=200, description="completes 'the secret is that …'")
    secret_about: Literal["lead", "antagonist", "love_interest"] = "lead"
    world: str = Field(..., min_length=3, max_length=80)
    period: str = Field("present day", min_length=3, max_length=40)
    supernatural: bool = False
    locations: list[str] = Field(..., min_length=3, max_length=6, description="scene-heading names, in capitals")
    stakes: str = Field(..., min_length=3, max_length=120)
    objects: list[str] = Field(..., min_length=2, max_length=5, description="props that prove or threaten")
    tropes: list[str] = Field(default_factory=list, max_length=3, description="nearest catalogue tropes")
    assumed: list[str] = Field(default_factory=list, description="'field: value' for what the text did not say")

    @field_validator("locations")
    @classmethod
    def _locations(cls, v: list[str]) -> list[str]:
        out = [" ".join(x.split()).upper() for x in v]
        for x in out:
            if not re.match(r"^[A-Z0-9][A-Z0-9 '&\-]{1,39}$", x):
                raise ValueError(f"{x!r}: capital letters, digits, spaces, ' & - only (2–40 characters)")
        if len(set(out)) != len(out):
            raise ValueError("locations must be distinct")
        return out

    @property
    def pronoun(self) -> str:
        return "she" if self.lead_gender == "female" else "he"

    @property
    def possessive(self) -> str:
        return "her" if self.lead_gender == "female" else "his"

    def content_words(self) -> list[str]:
        """The premise's key nouns: occupation, status, antagonist labels, secret, world, stakes, objects."""
        parts = [self.lead_occupation, self.lead_status, self.secret, self.world, self.stakes, *self.objects,
                 *(a.label for a in self.antagonists), self.love_interest]
        return sorted({w for p in parts for w in _content(p)})


# --------------------------------------------------------------------------- lexicons


@lru_cache(maxsize=1)
def lexicon() -> dict:
    with resources.files("dramagen").joinpath("data/premise.yaml").open("r", encoding="utf-8") as f:
        return yaml.safe_load(f)


_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_STOP = frozenset("""a an the and or but of to in on at by for with from as is are was were be been being it its this
that these those he she they them his her their him not no so if then than there here into out up down over who whom
which when where why how all any some just now can will would could should do does did has have had one very too only
also more most own after before while until secretly really actually must""".split())
_ENGLISH = frozenset("""a an the and or but of to in on at by for with from is are was were be her his she he who that
this their they when after before into as has have not no secret secretly""".split())


#: function words of other languages written in Latin letters (Spanish, French, German, Italian, Portuguese)
_FOREIGN = frozenset("""el la los las del que y en un una por para con su sus es se al lo le les des du et est une
dans pour qui sur pas der die das und ist ein eine mit nicht auf den dem zu il della di che non per gli uno não uma
com os ao da do em""".split())


def _content(text: str) -> list[str]:
    return [w.lower().strip("'’") for w in _WORD.findall(text or "")
            if len(w) > 2 and w.lower() not in _STOP]


def _find(text: str, phrase: str) -> int:
    m = re.search(r"(?<![A-Za-z\-])" + re.escape(phrase) + r"(?![A-Za-z\-])", text, re.I)
    return m.start() if m else -1


def _first_of(text: str, phrases) -> tuple[str, int] | None:
    """The phrase found earliest in ``text`` (longest first at a tie), with its position."""
    hits = [(pos, -len(p), p) for p in phrases if (pos := _find(text, p)) >= 0]
    if not hits:
        return None
    pos, _, p = min(hits)
    return p, pos


# --------------------------------------------------------------------------- checks of the text


def _check_text(text: object) -> str:
    accepted = f"an English premise of 1–{MAX_PREMISE_CHARS} characters"
    if not isinstance(text, str):
        raise InputError("premise", text, accepted)
    t = " ".join(text.split())
    if not t:
        raise InputError("premise", text, accepted, hint="it is empty")
    if len(t) > MAX_PREMISE_CHARS:
        raise InputError("premise", text, accepted, hint=f"it has {len(t)} characters; cut it to the pitch")
    letters = [c for c in t if c.isalpha()]
    if not letters:
        raise InputError("premise", text, accepted, hint="it has no words")
    if sum(c.isascii() for c in letters) / len(letters) < 0.8:
        raise InputError("premise", text, accepted, hint="it does not look like English (write it in English)")
    words = [w.lower() for w in _WORD.findall(t)]
    foreign = sum(w in _FOREIGN for w in words)
    english = sum(w in _ENGLISH for w in words)
    if len(words) >= 5 and foreign >= 2 and foreign > english:
        raise InputError("premise", text, accepted, hint="it does not look like English (write it in English)")
    return t


# --------------------------------------------------------------------------- the parts


def _gender(text: str) -> tuple[Gender, bool]:
    fem = len(re.findall(r"\b(she|her|hers|herself)\b", text, re.I))
    masc = len(re.findall(r"\b(he|his|him|himself)\b", text, re.I))
    if fem == masc == 0:
        return "female", True
    return ("female" if fem >= masc else "male"), False


_NAME_BEFORE = re.compile(r"\b([A-Z][a-z]{1,15}(?: [A-Z][a-z]{1,15})?)(?:,\s+(?:a|an|the)\b|"
                          r"\s+(?:is|was|who|works|becomes|has)\b)")


def _lead_name(text: str, taken: set[str]) -> str | None:
    for m in _NAME_BEFORE.finditer(text):
        parts = [p for p in m.group(1).split() if p.lower() not in _STOP and p.lower() not in _ENGLISH
                 and p.lower() not in lexicon()["periods"] and p.lower() not in taken]
        if parts and not _is_place_word(text, parts[0]):
            return " ".join(parts)
    names = _WORD.findall(text)
    if names and all(w[0].isupper() for w in names) and len(names) <= 4:
        return names[0]  # a premise of names only: the first is the lead
    return None


def _is_place_word(text: str, word: str) -> bool:
    return bool(re.search(rf"\b[Ii]n (?:the )?(?:\S+ )?{re.escape(word)}\b", text))


def _occupation(text: str) -> str | None:
    hit = _first_of(text, lexicon()["occupations"])
    return hit[0] if hit else None


def _status(text: str) -> str | None:
    hit = _first_of(text, lexicon()["statuses"])
    return hit[0] if hit else None


def _villainous(text: str, pos: int) -> bool:
    before = text[max(0, pos - 30):pos].lower()
    return any(re.search(rf"\b{re.escape(c)}\b", before) for c in lexicon()["villain_cues"])


def _lovely(text: str, pos: int) -> bool:
    before = text[max(0, pos - 26):pos].lower()
    return any(re.search(rf"\b{re.escape(c)}\b", before) for c in lexicon()["love_cues"])


def _relations(text: str, occupation: str | None, lead_gender: Gender
               ) -> tuple[list[PremiseAntagonist], list[PremiseAntagonist], str]:
    """Antagonists and allies (in order of mention) and the love interest's phrase."""
    rel = lexicon()["relations"]
    found: list[tuple[int, str]] = []
    for phrase in sorted(rel, key=len, reverse=True):
        for m in re.finditer(r"(?<![A-Za-z\-])" + re.escape(phrase) + r"(?![A-Za-z\-])", text, re.I):
            if any(s <= m.start() < s + len(p) or m.start() <= s < m.end() for s, p in found):
                continue  # inside a longer relation already found ("ex-husband" holds "husband")
            found.append((m.start(), phrase))
    found.sort()
    statuses = [(m.start(), m.end()) for st in lexicon()["statuses"] if " " in st
                for m in re.finditer(rf"\b{re.escape(st)}\b", text, re.I)]
    found = [(pos, p) for pos, p in found if not any(a <= pos < b for a, b in statuses)]  # "single mother"
    antagonists: list[PremiseAntagonist] = []
    allies: list[PremiseAntagonist] = []
    love, love_end = "", -100
    for pos, phrase in found:
        label = phrase.lower()
        before = text[max(0, pos - 30):pos].lower()
        if (occupation and label == occupation) or re.search(r"\b(?:as|is|was|becomes) (?:a|an|the|his|her|their)\s+(?:\w+\s+)?$", before):
            continue  # the lead's own job or part ("a doctor", "as a fake fiancee")
        if pos - love_end < 4:
            continue  # the same person as the love interest ("the billionaire CEO")
        role, gender = rel[phrase]
        det = _determiner(text, pos)
        phrase_out = f"{det} {label}"
        if not love and _lovely(text, pos) and not _villainous(text, pos):
            love, love_end = phrase_out, pos + len(phrase)
            continue
        person = PremiseAntagonist(role=role, label=label, relation=phrase_out, gender=gender,
                                   name=_name_after(text, pos + len(phrase)))
        if re.search(r"\b(save|saves|saving|protect|protects|rescue|rescues|free|frees)\s+(?:\w+\s+){0,2}$", before):
            if len(allies) < 2 and all(a.label != label for a in allies):
                allies.append(person.model_copy(update={"role": "ally"}))
            continue
        if any(a.label == label for a in antagonists) or len(antagonists) >= 3:
            continue
        if _villainous(text, pos) and role in ("family", "rival"):
            person = person.model_copy(update={"role": "antagonist"})
        antagonists.append(person)
    return antagonists, allies, love


def _determiner(text: str, pos: int) -> str:
    """The nearest her/his/their/the before ``pos`` (within three words); a/an become 'the'."""
    words = re.findall(r"[A-Za-z']+", text[max(0, pos - 40):pos])[-3:]
    for w in reversed(words):
        lw = w.lower()
        if lw in ("her", "his", "their", "the"):
            return lw
        if lw in ("a", "an"):
            return "the"
    return "the"


def _name_after(text: str, end: int) -> str | None:
    m = re.match(r",?\s+([A-Z][a-z]{1,15})\b", text[end:end + 20])
    if m and m.group(1).lower() not in _STOP and m.group(1).lower() not in _ENGLISH:
        return m.group(1)
    return None


_SECRET_PATTERNS = (
    r"\bsecret(?:ly)? (?:is |was )?that ([^.;!?]+)",
    r"\bno one knows (?:that )?([^.;!?]+)",
    r"\bnobody knows (?:that )?([^.;!?]+)",
    r"\bhid(?:es|ing|den)? (?:the fact )?that ([^.;!?]+)",
    r"\bhid(?:es|ing)? (her|his|their) ([^.;!?]+)",
    r"\b(?:she|he|who) (?:is|was) secretly ([^.;!?]+)",
    r"\bsecretly ([^.;!?]+)",
    r"\b(?:she|he|who) (?:is|was) really ([^.;!?]+)",
    r"\bdisguised as ([^.;!?]+)",
    r"\bthe truth (?:is )?that ([^.;!?]+)",
    r"\b(?:discovers|learns|finds out|uncovers|realises|realizes) (?:that )?([^.;!?]+)",
)


def _secret(text: str, pronoun: str) -> str | None:
    for pat in _SECRET_PATTERNS:
        m = re.search(pat, text, re.I)
        if not m:
            continue
        clause = " ".join(g for g in m.groups() if g).strip(" ,")
        clause = re.split(r",\s+(?:but|and|while|so)\b|\s+but\s+", clause)[0].strip(" ,")
        if len(clause.split()) < 2:
            continue
        if pat.startswith(r"\bhid(?:es|ing)? (her|his"):
            return f"{pronoun} hides {clause}"
        if "secretly" in pat or "really" in pat:
            verb = re.match(r"(is|was|has|had|\w+s|\w+ed)\b", clause) and not clause.startswith(("the ", "a "))
            return f"{pronoun} {clause}" if verb else f"{pronoun} is {clause}"
        if "disguised" in pat:
            return f"{pronoun} is {clause} in disguise"
        return clause
    return None


def _period(text: str) -> tuple[str, bool] | None:
    m = re.search(r"\b(1[0-9]{3}|20[0-9]{2})s\b", text)
    if m:
        return f"{m.group(1)}s", int(m.group(1)) < 1990
    m = re.search(r"\b(?:in|of|during|since) (1[5-9][0-9]{2}|20[0-2][0-9])\b", text, re.I)  # "In 1923 London"
    if m:
        year = int(m.group(1))
        return f"{year // 10 * 10}s", year < 1990
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)[- ]century\b", text, re.I)
    if m:
        return f"{m.group(1)}th century", int(m.group(1)) < 21
    hit = _first_of(text, lexicon()["periods"])
    if hit:
        label, historical = lexicon()["periods"][hit[0]]
        return str(label), bool(historical)
    return None


_PLACE = re.compile(r"\b[Ii]n (?:the )?(?:\d{4}s? |\d{1,2}(?:st|nd|rd|th)[- ]century |[a-z\-]+ |[A-Z][a-z]+ (?=[A-Z]))?"
                    r"((?:[A-Z][a-zA-Z'’\-]+)(?: (?:of )?[A-Z][a-zA-Z'’\-]+){0,2})")
_PERIOD_PLACE = re.compile(r"\b(?:\d{4}s|Victorian|Regency|Edwardian|Georgian|Tudor|Medieval|Joseon|Edo|Ming|Qing|Tang)"
                           r" ((?:[A-Z][a-zA-Z'’\-]+)(?: [A-Z][a-zA-Z'’\-]+)?)")


def _place(text: str, names: set[str]) -> str | None:
    for m in list(_PLACE.finditer(text)) + list(_PERIOD_PLACE.finditer(text)):
        place = m.group(1)
        if place.split()[0].lower() not in names and place.lower() not in lexicon()["periods"]:
            return place
    return None


def _locations(text: str, occupation: str | None, kind: str) -> tuple[list[str], list[str]]:
    """(locations, assumed ones): the work place, places the text names, then the world's defaults."""
    lex = lexicon()
    out: list[str] = []
    hits = sorted((pos, p) for p in lex["places"] if (pos := _find(text, p)) >= 0)
    for _, p in hits:
        name = lex["places"][p]
        if name not in out:
            out.append(name)
    if occupation and lex["occupations"].get(occupation) and lex["occupations"][occupation] not in out:
        out.insert(0, lex["occupations"][occupation])
    assumed = []
    for name in lex["default_places"][kind]:
        if len(out) >= 4:
            break
        if name not in out:
            out.append(name)
            assumed.append(name)
    return out[:6], assumed


def _stakes(text: str, poss: str) -> str | None:
    pats = (r"\bor (?:she|he|they) (?:will )?los(?:e|es) ([^.;,!?]+)", r"\bbefore (?:she|he) loses ([^.;,!?]+)",
            r"\bto (?:save|protect|keep|win back|reclaim|clear) ([^.;,!?]+)", r"\brisk(?:s|ing)? ([^.;,!?]+)")
    for pat in pats:
        m = re.search(pat, text, re.I)
        if m and len(m.group(1).split()) >= 1:
            return re.split(r"\s+(?:from|who|which|that|before|after)\s+", m.group(1))[0].strip()[:100]
    return None


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _objects(text: str, secret: str, early: bool = False) -> tuple[list[str], bool]:
    lex = lexicon()
    hits = sorted((pos, o) for o in lex["objects"] if (pos := _find(text, o)) >= 0)
    out: list[str] = []
    for _, o in hits:
        if not any(o in x or x.removeprefix("the ") in o for x in out):
            out.append(f"the {o}")
    assumed = False
    if len(out) < 2:
        words = set(_content(secret + " " + text))
        for cues, obj in lex["evidence_by_cue"]:
            if words & set(cues) and obj not in out:
                out.append(obj)
                assumed = True
                break
    for extra in ("the sealed letter", "the old photograph" if not early else "the old portrait"):
        if len(out) >= 2:
            break
        if extra not in out:
            out.append(extra)
            assumed = True
    return out[:5], assumed


def nearest_tropes(text: str, n: int = 3) -> list[str]:
    """Catalogue trope ids whose keywords, pitch and archetypes share the most words with ``text``."""
    from ..tropes import load_catalogue

    words = set(_content(text))
    scored = []
    for t in load_catalogue().values():
        vocab = set(t.keywords) | set(_content(t.pitch)) | {w for r in t.roles for w in _content(r.archetype)}
        s = 2 * len(words & set(t.keywords)) + len(words & vocab)
        if s > 0:
            scored.append((-s, t.id))
    return [i for _, i in sorted(scored)[:n]]


# --------------------------------------------------------------------------- the parser


def parse_premise(text: str) -> Premise:
    """A :class:`Premise` from free text; what the text does not say is assumed and noted.

    Raises :class:`InputError` (field ``premise``) for text that is empty, over
    :data:`MAX_PREMISE_CHARS` characters, not English, or that contradicts itself.
    """
    t = _check_text(text)
    assumed: list[str] = []
    occupation = _occupation(t)
    gender, g_assumed = _gender(t)
    if occupation in lexicon()["female_occupations"] or occupation in lexicon()["male_occupations"]:
        gender, g_assumed = ("female" if occupation in lexicon()["female_occupations"] else "male"), False
    if g_assumed:
        assumed.append("lead_gender: female (no pronoun in the premise)")
    poss = "her" if gender == "female" else "his"
    pronoun = "she" if gender == "female" else "he"
    antagonists, allies, love = _relations(t, occupation, gender)
    lead = _lead_name(t, {a.name.lower() for a in antagonists + allies if a.name})
    period = _period(t)
    supernatural = bool(set(_content(t)) & {"werewolf", "werewolves", "vampire", "vampires", "witch", "witches",
                                             "magic", "curse", "cursed", "dragon", "ghost", "demon", "fae", "alpha",
                                             "omega", "wolf", "pack"})
    kind = "supernatural" if supernatural else ("historical" if period and period[1] else
                                                "future" if period and period[0] == "near future" else "present")
    if occupation is None:
        occupation = lexicon()["default_occupation"][kind]
        assumed.append(f"lead_occupation: {occupation}")
    status = _status(t)
    if status is None:
        status = "overlooked"
        assumed.append(f"lead_status: {status}")
    _contradictions(t)
    if not antagonists:
        antagonists = [PremiseAntagonist(role="antagonist", label="rival heir", relation=f"{poss} ruthless rival",
                                         gender="male")]
        assumed.append(f"antagonists: {antagonists[0].relation}")
    secret = _secret(t, pronoun)
    secret_about = "lead"
    if secret is None:
        secret = f"{antagonists[0].relation} ruined {poss} family and hid the proof"
        secret_about = "antagonist"
        assumed.append(f"secret: {secret}")
    elif not re.match(rf"({pronoun}|{poss})\b", secret, re.I):
        secret_about = "antagonist" if any(a.label in secret.lower() for a in antagonists) else "lead"
    place = _place(t, {p.lower() for p in (lead or "").split()})
    if period is None:
        period = ("present day", False)
        assumed.append("period: present day")
    world = " ".join(x for x in ((period[0] if period[0] != "present day" else "present-day"), place or "") if x)
    if not place:
        world = f"{world} city" if not supernatural else f"{world} town on the edge of the woods"
        assumed.append(f"world: {world}")
    locations, loc_assumed = _locations(t, occupation, kind)
    if loc_assumed:
        assumed.append("locations: " + ", ".join(loc_assumed))
    stakes = _stakes(t, poss)
    if stakes is None:
        stakes = f"{poss} freedom and the life {pronoun} has built as {_a(occupation)}"
        assumed.append(f"stakes: {stakes}")
    objects, obj_assumed = _objects(t, secret, early=bool(period[1]) and not re.match(r"19[2-9]\d", period[0]))
    if obj_assumed:
        assumed.append("objects: " + ", ".join(objects))
    return Premise(text=t, lead_name=lead, lead_gender=gender, lead_occupation=occupation, lead_status=status,
                   antagonists=antagonists, allies=allies, love_interest=love, secret=secret[:200], secret_about=secret_about,
                   world=world[:80], period=period[0], supernatural=supernatural, locations=locations,
                   stakes=stakes[:120], objects=objects, tropes=nearest_tropes(t), assumed=assumed)


_OPPOSITES = (("rich", ("poor", "penniless", "broke", "bankrupt")), ("wealthy", ("poor", "penniless", "broke")),
              ("blind", ("sees everything",)), ("orphaned", ("her parents", "his parents")))


def _contradictions(text: str) -> None:
    """Refuse a premise that says the lead is two opposite things in one breath."""
    low = text.lower()
    m = re.search(r"\b(?:she|he|who) (?:is|was) (\w+) and (\w+)\b", low)
    for word, opposites in _OPPOSITES:
        for opp in opposites:
            if m and {m.group(1), m.group(2)} == {word, opp}:
                raise InputError("premise", text, "a premise that does not contradict itself",
                                 hint=f"the lead is both {word!r} and {opp!r}; keep one")
    if re.search(r"\b(is|was) (dead|killed)\b.*\b(alive|lives)\b", low) and "thought" not in low \
            and "believed" not in low and "presumed" not in low:
        raise InputError("premise", text, "a premise that does not contradict itself",
                         hint="someone is both dead and alive; say 'believed dead' if that is the twist")
