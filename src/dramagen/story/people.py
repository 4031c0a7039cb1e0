"""Who a premise names: the lead (name, gender, occupation) and the people tied to the lead.

Rules over the lexicons of ``data/premise.yaml`` (docs/architecture.md, "Story"). A person
is a relation or title word ("her stepmother", "the hospital's chief", "Laird") with the
name that follows it ("her boss, Victor Salas"); a possessive that cannot be the lead's
("his son Callum" in a woman's story) ties the person to the nearest earlier person of
that gender instead ("Duncan's son"). The lead is the first name no relation claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .wording import ENGLISH, STOP, WORD, first_of, lexicon

__all__ = ["Person", "gender_of_lead", "lead_name", "lead_occupation", "people", "subject_occupation", "workplace"]

Gender = Literal["female", "male"]

_NAME = r"[A-Z][a-z]{1,15}(?:-[A-Z][a-z]{1,15})?"
#: sentence openers and other capitalised words that are never a name
_NOT_NAMES = frozenset("""after before when while once years nobody everyone someone then now today tonight meanwhile
yet still until since because though although despite during every each as to in on at she he her his they their
but and so if what where why how this that there here one two three four five six seven eight nine ten now all
with without from for by of the a an it its no not my your our we you i""".split())


#: family words: someone else's unnamed relative ('his father' in her story) is spoken of, not cast
_KIN = frozenset("""father mother son daughter wife husband brother sister aunt uncle grandmother grandfather cousin
twin sister twin brother stepmother stepfather""".split()) | {"twin sister", "twin brother"}


@dataclass
class Person:
    """A person the premise ties to the lead (before the role is settled)."""

    label: str
    relation: str
    gender: Gender
    role: str
    pos: int
    name: str | None = None
    span: tuple[int, int] = (0, 0)
    flags: set[str] = field(default_factory=set)


# --------------------------------------------------------------------------- the lead


def gender_of_lead(text: str, name: str | None, occupation: str | None) -> tuple[Gender, bool]:
    """The lead's gender and whether it was assumed: cue words near the name, then the occupation, then pronouns."""
    lex = lexicon()
    if name:
        at = text.find(name)
        m = re.match(r"(?:,\s+|\s+(?:is|was)\s+)(?:a|an|the)\s+([^,.;]+?)(?=\s+(?:in|on|at|from|who|whose|with|for)\b"
                     r"|[,.;]|$)", text[at + len(name):]) if at >= 0 else None
        near = m.group(1).lower() if m else ""
        for word, g in lex["gender_cues"].items():
            if re.search(rf"\b{re.escape(word)}\b", near):
                return g, False
    if occupation in lex["female_occupations"] or occupation in lex["male_occupations"]:
        return ("female" if occupation in lex["female_occupations"] else "male"), False
    if name:
        after = text[text.find(name) + len(name):]
        m = re.search(r"\b(she|he)\b", after, re.I)
        if m:
            return ("female" if m.group(1).lower() == "she" else "male"), False
    fem = len(re.findall(r"\b(she|her|hers|herself)\b", text, re.I))
    masc = len(re.findall(r"\b(he|his|him|himself)\b", text, re.I))
    if fem == masc == 0:
        return "female", True
    return ("female" if fem >= masc else "male"), False


_NAME_BEFORE = re.compile(r"\b([A-Z][a-z]{1,15}(?: [A-Z][a-z]{1,15})?)(?:,\s+(?:a|an|the)\b|"
                          r"\s+(?:is|was|who|works|becomes|has)\b)")


def _is_place_word(text: str, word: str) -> bool:
    return bool(re.search(rf"\b(?:[Ii]n|[Oo]n|[Aa]t|[Tt]o|[Ff]rom) (?:the )?(?:\d{{4}}s? )?(?:[A-Za-z\-]+ )?"
                          rf"{re.escape(word)}\b",
                          text))


def _name_ok(word: str, taken: set[str]) -> bool:
    low = word.lower()
    return (low not in STOP and low not in ENGLISH and low not in _NOT_NAMES and low not in lexicon()["periods"]
            and low not in taken and low not in lexicon()["relations"] and low not in lexicon()["titles"])


def lead_name(text: str, taken: set[str], claimed: list[tuple[int, int]]) -> str | None:
    """The lead's name: a name before ', a …' or a verb, else the first name that no relation claims."""
    for m in _NAME_BEFORE.finditer(text):
        if any(a <= m.start() < b for a, b in claimed):
            continue
        parts = [p for p in m.group(1).split() if _name_ok(p, taken)]
        if parts and not _is_place_word(text, parts[0]):
            return " ".join(parts)
    names = WORD.findall(text)
    if names and all(w[0].isupper() for w in names) and len(names) <= 4:
        return names[0]  # a premise of names only: the first is the lead
    for m in re.finditer(rf"\b({_NAME}(?: {_NAME})?)\b", text):
        if any(a <= m.start() < b for a, b in claimed) or _after_article(text, m.start()) \
                or _title_of_work(text, m.start()) or _owned(text, m.start()):
            continue
        parts = [p for p in m.group(1).split() if _name_ok(p, taken)]
        if parts and not _is_place_word(text, parts[0]) and len(parts) == len(m.group(1).split()):
            return " ".join(parts)
    return None


def _title_of_work(text: str, pos: int) -> bool:
    """'a hollowed-out copy of Don Quixote', 'her novel The Tempest': the title of a work is no person."""
    return bool(re.search(r"\b(?:cop(?:y|ies)|book|novel|volume|edition|poem|play|painting|portrait|song|film|"
                          r"story|tale|opera|ballad|bible)\s+(?:of\s+|called\s+|titled\s+)?(?:the\s+)?$",
                          text[max(0, pos - 40):pos], re.IGNORECASE))


def _owned(text: str, pos: int) -> bool:
    """"her late father's Stradivarius": a capitalised word someone owns is a thing, not a person."""
    before = text[max(0, pos - 40):pos]
    return bool(re.search(r"\b(?:her|his|their|my)\s+(?:[a-z\-]+\s+){0,2}[a-z\-]+['’]s\s+$", before))


def _after_article(text: str, pos: int) -> bool:
    """'a Scottish island', 'the true Luna': a capitalised word after an article is no name."""
    before = re.findall(r"[A-Za-z']+", text[max(0, pos - 30):pos])[-2:]
    return bool(before) and (before[-1].lower() in ("a", "an", "the")
                             or (len(before) == 2 and before[0].lower() in ("a", "an", "the")
                                 and before[1].islower() and before[1] not in lexicon()["relations"]))


def _subject_re() -> re.Pattern[str]:
    verbs = "|".join(re.escape(v) for v in lexicon()["lead_verbs"])
    return re.compile(r"(?:^|[.;!?]\s+)(?:(?:In|On|At|During|After|Before|When|Since|Years after)\b[^,.;]*,\s+)?"
                      r"[Aa]n?\s+((?:[a-z][\w'’\-]*\s+){0,3}?[A-Za-z][\w'’\-]*?)"
                      r"(?:\s+(?:in|on|at|from)\s+[^,.;]+?|\s+who\s+[^,.;]+?)?,?\s+(?:" + verbs + r")\b")


def subject_occupation(text: str) -> str | None:
    """The lead's job as the text says it before the first verb: 'a night-shift radio DJ learns …' → 'night-shift
    radio DJ', 'A sous-chef in Marseille discovers …' → 'sous-chef' (status words go to the status)."""
    lex = lexicon()
    m = _subject_re().search(text)
    if not m:
        return None
    words = [w for w in m.group(1).split() if w.lower() not in lex["statuses"]]
    if m.group(1).split()[-1].lower() in lex["statuses"]:
        return None  # 'a young widow finds …': her status, and no job said
    if not words or re.search(r"['’]s$", words[-1]):
        return None  # 'a lighthouse keeper's daughter' is said elsewhere; 'a poor widow' is a status
    head = words[-1].lower()
    if (head in lex["relations"] and head not in lex["occupations"]) or not _wordy(head):
        return None  # 'a mother learns …': a relation, not a job
    return " ".join(words)[:40]


def _wordy(job: str) -> bool:
    """A job is a word of two letters or more ('DJ' is; 'a s with …' has none)."""
    return sum(c.isalpha() for c in job.split()[-1]) >= 2


def workplace(occupation: str | None) -> str | None:
    """Where the lead works: the lexicon's place for the job, or for its last words ('night-shift radio DJ' → 'dj')."""
    if not occupation:
        return None
    occs = lexicon()["occupations"]
    words = occupation.lower().split()
    for i in range(len(words)):
        place = occs.get(" ".join(words[i:]))
        if place:
            return str(place)
    return None


def lead_occupation(text: str, name: str | None) -> str | None:
    """The lead's occupation: the apposition after the name (', a lighthouse keeper's daughter,'), the job word
    before it ('nightclub singer Elena'), 'as a nanny', else the first occupation word that is not a possessor."""
    occs = lexicon()["occupations"]
    if name and (at := text.find(name)) >= 0:
        m = re.match(r",\s+(?:a|an|the)\s+([^,.;]+?)(?=\s+(?:in|on|at|of|from|who|whose|with)\b|[,.;]|$)",
                     text[at + len(name):])
        if m:
            phrase = m.group(1).strip()
            hit = first_of(phrase, occs)
            if hit and not re.match(r"['’]s\b", phrase[hit[1] + len(hit[0]):]):  # 'a lighthouse keeper's daughter'
                return hit[0]
            words = [w for w in phrase.split() if w.lower() not in lexicon()["statuses"]]
            if words and not any(w[0].isupper() for w in words[-1:]) and _wordy(" ".join(words)):
                return " ".join(words)[:40]
        before = text[max(0, at - 30):at].lower()
        hit = first_of(before, occs)
        if hit and before.rstrip().endswith(hit[0]):
            return hit[0]
    if said := subject_occupation(text):
        return said  # 'a night-shift radio DJ learns …': the job as the text says it
    m = re.search(r"\b(?:job as|works as|working as|poses as|hired as) (?:a|an|the) ([a-z\- ]+?)"
                  r"(?=\s+(?:for|in|at|to|and)\b|[,.;]|$)", text)
    if m and (hit := first_of(m.group(1), occs)):
        return hit[0]
    hits = [(pos, -len(o), o) for o in occs for mm in [re.search(  # not someone's: 'her husband's heir'
        r"(?<![A-Za-z\-])(?<!['’]s )" + re.escape(o) + r"(?![A-Za-z\-])(?!['’]s)", text, re.I)]
        if mm and (pos := mm.start()) >= 0]
    return min(hits)[2] if hits else None


# --------------------------------------------------------------------------- the people tied to the lead


def _villainous(text: str, pos: int) -> bool:
    before = text[max(0, pos - 30):pos].lower()
    return any(re.search(rf"\b{re.escape(c)}\b", before) for c in lexicon()["villain_cues"])


def _lovely(text: str, pos: int, end: int) -> bool:
    """A love cue just before the person ('falls for the duke') or just after ('Callum, who loves her')."""
    lex = lexicon()
    before = text[max(0, pos - 26):pos].lower()
    after = re.split(r"[.;!?]", text[end:end + 70])[0].lower()
    return (any(re.search(rf"\b{re.escape(c)}\b", before) for c in lex["love_cues"])
            or any(re.search(rf"\b{re.escape(c)}\b", after) for c in lex["love_after_cues"])
            or bool(_LOVED.match(after)))


#: right after a person: 'is the surgeon she loves', ', whom she adores', 'she has always loved'
_LOVED = re.compile(r"\W*(?:(?:is|was) (?:the|a|an) (?:[\w\-]+ ){0,2}?[\w\-]+ )?(?:whom |who |that )?(?:she|he) "
                    r"(?:loves|adores|has always loved|is in love with|falls for|fell for|still loves)\b")


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


def _name_after(text: str, end: int) -> tuple[str | None, int]:
    """The name right after a relation word ('aunt Greta', 'boss, Victor Salas', 'chief, Dr Anil Mehta')."""
    rest = text[end:end + 50]
    m = re.match(r"(,?\s+)(?:([A-Z][a-z]+)\.?\s+(?=[A-Z]))?", rest)
    if not m:
        return None, end
    off = m.end() if m.group(2) and m.group(2).lower() in lexicon()["titles"] else m.end(1)
    words = re.match(rf"({_NAME})(?: ({_NAME}))?\b", rest[off:])
    keep: list[str] = []
    for w in (words.groups() if words else ()):
        if not w or not _name_ok(w, set()):
            break
        keep.append(w)
    if not keep:
        return None, end
    name = " ".join(keep)[:20].strip()
    return name, end + off + len(name)


def _apposition_end(text: str, end: int) -> int:
    """Where ', the charming heir she once jilted' after a name ends (``end`` when there is none)."""
    m = re.match(r",\s+(?:a|an|the|who)\b[^,.;]*", text[end:])
    return end + m.end() if m else end


def _relation_hits(text: str) -> list[tuple[int, str]]:
    rel = lexicon()["relations"]
    found: list[tuple[int, str]] = []
    for phrase in sorted(rel, key=len, reverse=True):
        for m in re.finditer(r"(?<![A-Za-z\-])" + re.escape(phrase) + r"(?![A-Za-z\-])", text, re.I):
            if any(s <= m.start() < s + len(p) or m.start() <= s < m.end() for s, p in found):
                continue  # inside a longer relation already found ("ex-husband" holds "husband")
            found.append((m.start(), phrase))
    statuses = [(m.start(), m.end()) for st in lexicon()["statuses"] if " " in st
                for m in re.finditer(rf"\b{re.escape(st)}\b", text, re.I)]
    return sorted((pos, p) for pos, p in found if not any(a <= pos < b for a, b in statuses))  # "single mother"


def _owner(text: str, pos: int, det: str, lead_gender: Gender, earlier: list[Person]) -> str | None:
    """Whose relation this is when the possessive cannot be the lead's ('his son' in a woman's story)."""
    if det not in ("his", "her") or (det == "his") == (lead_gender == "male"):
        return None
    g = "male" if det == "his" else "female"
    for p in reversed(earlier):
        if p.gender == g and p.pos < pos:
            return f"{p.name.split()[0]}'s" if p.name else f"{p.relation}'s"
    return None


def people(text: str, occupation: str | None, lead_gender: Gender) -> list[Person]:
    """Every person tied to the lead by a relation or title word, in order of mention, with role hints in flags."""
    rel = lexicon()["relations"]
    out: list[Person] = []
    claimed: list[tuple[int, int]] = []
    for pos, phrase in _relation_hits(text):
        label = lexicon()["titles"].get(phrase.lower(), phrase.lower())
        before = text[max(0, pos - 30):pos].lower()
        if any(a <= pos < b for a, b in claimed) or (out and not out[-1].name and 0 <= pos - out[-1].span[1] < 4):
            continue  # part of someone already found ('Rohan, the charming heir', 'the billionaire CEO')
        if (occupation and label in (occupation.lower(), occupation.lower().split()[-1])) or re.search(
                r"\b(?:as|is|was|becomes) (?:a|an|the|his|her|their)\s+(?:\w+\s+)?$", before) or re.search(
                r"\b(?:is|was) (?:secretly|really|actually) (?:a|an|the|his|her|their)\s+"
                r"(?:[\w\-]+(?:['’]s)?\s+){0,3}$", text[max(0, pos - 70):pos].lower()):
            continue  # the lead's own job or part ("a doctor", "as a fake fiancee", "is secretly the boss's daughter")
        if re.search(r"\b(?:a|an)\s+[\w\- ]*['’]s\s+$", before):
            continue  # a description, not a person ('a lighthouse keeper's daughter')
        if re.search(r"\b(?:killed|murdered|shot|drowned|poisoned|ran|run)\s+(?:\w+\s+)?$", before):
            continue  # a victim of the story's crime is spoken of, not cast ('who killed her brother')
        if re.search(r"\b(?:dead|late|deceased|murdered|missing|drowned)\s+(?:\w+\s+)?$", before) or \
                re.search(r"^\s*\w*['’]s\b", text[pos + len(phrase):pos + len(phrase) + 4]):
            continue  # someone spoken of, not on screen ("her late father's kidney", "a sailor's logbook")
        if re.match(r"\s+(?:[A-Z][a-z]+\s+)?(?:dies|died|is killed|was killed|drowns|drowned|is murdered|was murdered|"
                    r"burns to death|burned to death|is found dead|was found dead)\b", text[pos + len(phrase):]):
            continue  # the dead are spoken of ('after his twin brother dies in a yacht fire', stop 28)
        role, gender = rel[phrase]
        det = _determiner(text, pos)
        owner = _owner(text, pos, det, lead_gender, out)
        poss = re.search(r"\b(?:the|her|his|their) (?:[a-z]+ )?([a-z]+)['’]s\s+"
                         r"(?:([a-z]+est|eldest|only|late|new|old) )?$", before)  # 'the boss's youngest son'
        poss = poss if poss and poss.group(1) not in ("her", "his", "their") else None
        kin = f"{poss.group(2)} {label}" if poss and poss.group(2) else label  # 'the boss's youngest son'
        relation = f"{owner} {label}" if owner else f"the {poss.group(1)}'s {kin}" if poss else f"{det} {label}"
        name, end = _name_after(text, pos + len(phrase))
        if name and any(p.name == name for p in out):
            continue  # the same person under a second title ('the chief, Dr Mehta')
        name_end, end = end, _apposition_end(text, end)
        person = Person(label=label, relation=relation, gender=gender, role=role, pos=pos, name=name,
                        span=(pos, end))
        if _lovely(text, pos, name_end) and not _villainous(text, pos):
            person.flags.add("love")
        after = re.split(r"[.;!?]", text[name_end:name_end + 60])[0].lower()
        if _villainous(text, pos) or any(re.search(rf"^\W*(?:who\s+)?(?:\w+\s+)?{re.escape(c)}\b", after)
                                         for c in lexicon()["villain_after_cues"]):
            person.flags.add("villain")
        if re.search(r"\b(?:son|daughter|child|heir|heiress) of (?:a|an|the)\s+(?:\w+\s+)?$", before):
            person.flags.add("parent")
            parent = "father" if gender == "male" else "mother"
            person.relation = f"{'his' if lead_gender == 'male' else 'her'} {parent}, the {label}"
            person.role = "antagonist" if "villain" in person.flags else "family"
        if not owner and det in ("her", "his") and label in ("son", "daughter"):
            person.flags.add("ally")  # the lead's own child
        if owner:
            person.flags.add("theirs")
        helps = re.match(r"\W*(?:\w+\s+){0,2}?(?:believes|trusts|helps|stands by|sides with)\s+(?:her|him)\b", after)
        if re.search(r"\b(save|saves|saving|protect|protects|rescue|rescues|free|frees)\s+(?:\w+\s+){0,2}$", before) \
                or helps:
            person.flags.add("ally")  # 'only the blacksmith's son believes her'
            person.role = "ally" if person.role == "family" else person.role
        if (owner or poss) and not name and label in _KIN | {"heir", "heiress"} \
                and not person.flags & {"love", "villain", "ally"}:
            continue  # someone else's unnamed relative ('his father' in her story, 'the boss's daughter') is spoken of
        out.append(person)
        claimed.append(person.span)
    return out
