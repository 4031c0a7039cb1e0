"""The phrase library: authored phrasings per story event type (``prompts/phrases/<type>.yaml``).

Each file gives, for one event type, a one-clause ``summary`` and many variants of a
synopsis, a cliffhanger, the next episode's opening payoff, camera-visible action
paragraphs, lines each participant says, and two-line exchanges ({a} speaks, {b} answers) that
read as one conversation about the event. Filled with a season's names, objects and
secret, they serve as few-shot examples for the model and as fallbacks that stay on the
story when no candidate passes. Variants are chosen with the run's seed.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field

from ..core.errors import PromptError
from ..core.models import Model, StoryEvent
from ..core.seeding import rng
from .ledger import EVENT_TYPES

__all__ = ["EventPhrases", "Filler", "PLACEHOLDERS", "fits_event", "fits_object", "load_phrases", "needs",
           "object_kinds", "phrases_for", "plural", "title_case"]

PLACEHOLDERS = frozenset({"a", "b", "object", "secret", "loc", "stakes"})


class _Lines(Model):
    a: list[str] = Field(..., min_length=1)
    b: list[str] = Field(..., min_length=1)


class EventPhrases(Model):
    type: str
    summary: str
    synopsis: list[str] = Field(..., min_length=1)
    cliffhanger: list[str] = Field(..., min_length=1)
    payoff: list[str] = Field(..., min_length=1)
    action: list[str] = Field(..., min_length=1)
    lines: _Lines
    #: two-line exchanges on this event: [what {a} says, what {b} answers]
    exchanges: list[tuple[str, str]] = Field(..., min_length=6)
    #: the secret said aloud ({said}: story/spoken.py); exposure, discovery and confession have them
    said: list[str] = Field(default_factory=list)
    #: who says it: {a} (who exposes, finds or confesses) or {b} (the foe who threatens, of their own deed: 'I …')
    said_by: Literal["a", "b"] = "a"
    #: episode titles ({a} {b} {object} {loc}), title-cased once filled: the plan's fallback for a refused title
    titles: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Filler:
    """The values a phrase is filled with."""

    a: str
    b: str
    object: str = "the letter"
    secret: str = "the truth"
    loc: str = "the room"
    stakes: str = "everything"

    def fill(self, template: str) -> str:
        if plural(self.object):  # 'the car keys appear', 'the sugar tablets are', not 'appears', 'is'
            template = _OBJECT_VERB.sub(lambda m: "{object} " + _plural_verb(m.group(1)), template)
        text = template.format(**self.__dict__)
        # every sentence starts with a capital, a filled-in object too ('… the box. The pawn ticket rolls …')
        text = re.sub(r"([.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
        return text[0].upper() + text[1:] if text else text


_OBJECT_VERB = re.compile(r"\{object\} (is|was|has|does|[a-z]{3,}s)\b")
_NOT_VERBS = frozenset({"across", "always", "perhaps", "unless", "towards", "upwards", "sideways"})


def plural(thing: str) -> bool:
    """'the car keys', 'the bottle of pills' (no: its head is the bottle), 'the glass' (no)."""
    head = thing.split(" of ")[0].split()
    word = head[-1].lower() if head else ""
    return word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s")) and word != "news"


def _plural_verb(verb: str) -> str:
    """The verb after a plural subject: is → are, has → have, appears → appear, carries → carry, touches → touch."""
    special = {"is": "are", "was": "were", "has": "have", "does": "do"}
    if verb in special:
        return special[verb]
    if verb in _NOT_VERBS:
        return verb
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "sses", "xes", "zes")):
        return verb[:-2]
    return verb[:-1]


def _dir() -> Path:
    from ..core.prompting import prompts_dir

    return Path(prompts_dir()) / "phrases"


def _check_placeholders(path: Path, data: dict) -> None:
    texts = [data.get("summary", "")] + [t for k in ("synopsis", "cliffhanger", "payoff", "action")
                                         for t in data.get(k) or []]
    texts += [t for side in (data.get("lines") or {}).values() for t in side or []]
    texts += [t for pair in data.get("exchanges") or [] for t in (pair if isinstance(pair, list) else [pair])]
    texts += list(data.get("titles") or [])
    said = [str(t) for t in data.get("said") or []]
    for t in texts + said:
        for _, name, _, _ in string.Formatter().parse(str(t)):
            if name is not None and name not in PLACEHOLDERS | ({"said"} if t in said else set()):
                raise PromptError(f"{path}: unknown placeholder {{{name}}} in {t!r}; "
                                  f"allowed: {', '.join(sorted(PLACEHOLDERS))}")


@lru_cache(maxsize=4)
def load_phrases(directory: str | None = None) -> dict[str, EventPhrases]:
    """Every event type's phrases (a missing or malformed file is a :class:`PromptError`)."""
    root = Path(directory) if directory else _dir()
    out = {}
    for t in EVENT_TYPES:
        path = root / f"{t}.yaml"
        if not path.is_file():
            raise PromptError(f"phrase library: {path} is missing (one file per event type)")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        _check_placeholders(path, data)
        try:
            out[t] = EventPhrases(**data)
        except Exception as e:  # pydantic's message names the field
            raise PromptError(f"{path}: {e}") from None
    return out


#: what a phrase does to its {object}, in the sentence that names it → the kinds of prop it needs
_NEEDS = (
    (re.compile(r"\b(?:reads?|reading|aloud|pages?|signs?|signed|signing|signature|leafs?|upside down|clause|terms|"
                r"written|unfolds?|copies|letterhead|the date|owner's name|ink)\b"), {"paper"}),
    (re.compile(r"\b(?:wrote|writes|drafted|typed)\s+\{object\}"), {"paper"}),  # 'not knowing Ava wrote the pills'
    (re.compile(r"\b(?:forged|forges|faked)\s+\{object\}"), {"paper", "picture"}),  # 'Ava forged the car keys'
    (re.compile(r"\b(?:tears?|tore|torn|rips?|ripped|shreds?|shredded|curls|blackens|into the fire|in the grate|"
                r"folds \{object\})"), {"paper", "picture"}),
    (re.compile(r"\{object\} into an envelope"), {"paper", "picture", "worn"}),
    (re.compile(r"\b(?:plays?|voice|rewinds?|press(?:es)? play)\b"), {"recording"}),
    (re.compile(r"\b(?:deletes?|deleted|uploads?|uploaded|downloads?|emails?|emailed)\s+\{object\}"),
     {"recording", "digital"}),  # 'Lily deletes the sealed letter from Marcus's laptop' (stop 28)
    (re.compile(r"\b(?:wearing|wears|puts on|fastens|clasps)\s+\{object\}"), {"worn"}),
    (re.compile(r"\bopens?\s+\{object\}"), {"paper", "container", "recording"}),
)


@lru_cache(maxsize=1)
def _kinds() -> dict[str, frozenset[str]]:
    """Last word of a prop → its kinds (``object_kinds`` of data/story.yaml)."""
    from .grounding import object_kind_lists

    out: dict[str, set[str]] = {}
    for kind, words in object_kind_lists().items():
        for w in words:
            out.setdefault(str(w), set()).add(kind)
    return {w: frozenset(k) for w, k in out.items()}


def object_kinds(obj: str) -> frozenset[str]:
    """The kinds of a prop by its last word ('the cracked teacup' → none; "the trawler's logbook" → paper)."""
    head = (re.findall(r"[A-Za-z]+", obj) or [""])[-1].lower()
    return _kinds().get(head, frozenset())


def needs(template: str) -> list[set[str]]:
    """What a phrase does to its {object}: for each sentence naming it, the kinds one of which it needs."""
    out = []
    for sentence in re.split(r"(?<=[.!?:;])\s+", template):
        if "{object}" in sentence:
            out += [kinds for pattern, kinds in _NEEDS if pattern.search(sentence)]
    return out


#: a spoken line's "it" is the event's thing: what it says of it needs that kind of thing
_SPOKEN = ((re.compile(r"\b(?:read it|read the|to read|read me|handwriting)\b", re.I), {"paper"}),
           (re.compile(r"\b(?:copy|copies)\b", re.I), {"paper", "picture", "recording"}),
           (re.compile(r"\bforger(?:y|ies)\b", re.I), {"paper", "picture"}))


def fits_object(template: str, obj: str, spoken: bool = False) -> bool:
    """False for a phrase that reads, signs, tears, plays, wears or opens ``{object}`` when the prop is no such
    thing: nobody leafs through a cracked teacup or signs a pocket watch. A ``spoken`` line names no {object}
    but means it: "Read the last line again" is said of a paper, not of a photograph."""
    kinds = object_kinds(obj)
    spoken_needs = [need for pattern, need in _SPOKEN if spoken and pattern.search(template)]
    return all(kinds & need for need in needs(template) + spoken_needs)


@lru_cache(maxsize=1)
def _rank_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    from .grounding import rank_words

    secret, phrase = rank_words()
    return (re.compile(r"\b(?:" + "|".join(map(re.escape, secret)) + r")\b", re.I),
            re.compile(r"\b(?:" + "|".join(map(re.escape, phrase)) + r")\b", re.I))


def fits_event(template: str, ev: StoryEvent, spoken: bool = False) -> bool:
    """Whether an authored phrase suits ``ev``: {secret} only with a secret, its thing the kind the phrase handles
    (:func:`fits_object`), and a phrase that bows to a rank ('The manager bows low to {a}') only for a secret of
    rank (an heir, not a customs inspector's daughter)."""
    if not ev.secret and "{secret}" in template:
        return False
    if not fits_object(template, ev.object, spoken):
        return False
    if ev.type == "confession" and _KNEW.search(ev.detail) and _DID.search(template):
        return False  # 'Kai has known all along what the mate did' is no 'I did it. For you.' (stop 28)
    ranked, bowing = _rank_res()
    return ev.type != "identity" or not bowing.search(template) or bool(ranked.search(ev.detail))


#: a secret of knowing, not doing, and the confessions that claim a deed or a love instead
_KNEW = re.compile(r"\b(?:has known|have known|knew|knows)\b", re.I)
_DID = re.compile(r"\b(?:I did it|It was always you)\b", re.I)


_SMALL = frozenset("a an the of at in on to for and or by from with as".split())


def title_case(text: str) -> str:
    """'what the melted lighter proves' → 'What the Melted Lighter Proves' (small words low, but the first)."""
    words = text.split()
    return " ".join(w if (i and w.lower() in _SMALL) or w[:1].isupper() else w[:1].upper() + w[1:]
                    for i, w in enumerate(words))


def phrases_for(event_type: str) -> EventPhrases:
    return load_phrases()[event_type]


def pick(options: list[str], seed: int, *purpose: object, avoid: set[str] | None = None) -> str:
    """One variant, chosen with the seed and a purpose (an unused one where possible)."""
    pool = [o for o in options if not avoid or o not in avoid] or options
    return rng(seed, "phrase", *purpose).choice(pool)
