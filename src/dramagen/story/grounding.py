"""Is a line on the story? Checks every slot applies to what the model writes for an event.

A candidate written for a :class:`StoryEvent` must name the people the event needs and
show the event itself: its object (the letter, the ring), a word of its secret, or a verb
of its type (expose, proof, confess…). Text from another world is refused: a vampire in
a period drama with no magic, a phone in 1920s Shanghai, a year, the screen itself.
The word lists are data (``src/dramagen/data/story.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..core.models import StoryEvent

__all__ = ["keeps", "object_kind_lists", "presence_forms", "rank_words", "speech_table", "World", "world_of",
           "event_words", "grounded", "off_world", "event_check", "head_noun", "stem"]

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


@lru_cache(maxsize=1)
def _data() -> dict:
    with resources.files("dramagen").joinpath("data/story.yaml").open("r", encoding="utf-8") as f:
        return yaml.safe_load(f)


@dataclass(frozen=True)
class World:
    period: str = "present day"
    supernatural: bool = False
    #: what the lead stands to lose (the trope's story stakes): an authored phrase's {stakes}, never its secret
    stakes: str = ""
    #: the season's bible: an authored phrase whose capitalised word looks like a misspelt name is not used
    bible: Any = field(default=None, compare=False)

    @property
    def wild(self) -> bool:
        """A supernatural world away from the city (a pack in the woods, a fae kingdom): no modern city scenes."""
        places = [str(getattr(loc, "name", "")) for loc in getattr(self.bible, "locations", None) or []]
        where = " ".join([str(getattr(self.bible, "world", "") or ""), *places]).lower()  # 'present-day Oregon', PACK
        # HOUSE: the world names no woods, its places do
        return self.supernatural and bool(re.search(r"\b(pack|woods|forest|kingdom|village|castle|clan|mountains?)\b",
                                                    where))

    @property
    def year(self) -> int:
        """About when the story is set (2025 for the present and the future)."""
        p = self.period.lower()
        m = re.match(r"(\d{4})s", p)
        if m:
            return int(m.group(1))
        m = re.match(r"(\d{1,2})(st|nd|rd|th) century", p)
        if m:
            return (int(m.group(1)) - 1) * 100 + 50
        if any(w in p for w in ("present", "modern", "future", "contemporary", "today")):
            return 2025
        return {"victorian": 1860, "edwardian": 1905, "wartime": 1942, "post-war": 1950, "gilded age": 1885,
                "wild west": 1870, "1920s": 1925}.get(p, 1700)


def world_of(trope: Any) -> World:
    story = trope.get("story") if isinstance(trope, dict) else getattr(trope, "story", None)
    if story is None:
        genre = trope.get("genre", "") if isinstance(trope, dict) else getattr(trope, "genre", "")
        return World(supernatural=genre in ("fantasy", "paranormal", "supernatural", "sci-fi"))
    get = story.get if isinstance(story, dict) else lambda k, d=None: getattr(story, k, d)
    return World(period=str(get("period", "present day")), supernatural=bool(get("supernatural", False)),
                 stakes=str(get("stakes", "") or ""))


def speech_table() -> dict:
    """role → registers, tics and ways of addressing the lead (the bible's ``Character.speech``)."""
    return _data()["speech"]


def object_kind_lists() -> dict[str, list[str]]:
    """Kind of prop → the last words that make one (``object_kinds``; story.phrases.object_kinds reads it)."""
    return _data()["object_kinds"]


def rank_words() -> tuple[list[str], list[str]]:
    """(words of a secret of rank, words of a phrase that bows to one): ``rank`` (story.phrases.fits_event)."""
    d = _data()["rank"]
    return [str(w) for w in d["secret"]], [str(w) for w in d["phrase"]]


def presence_forms() -> list[tuple[str, str]]:
    """How an action paragraph adds someone in the shot it does not name: ('{who} watches …', '{who} watch …')."""
    return [(str(a), str(b)) for a, b in _data()["presence"]]


def stem(word: str) -> str:
    w = word.lower().removesuffix("'s")
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


def head_noun(phrase: str) -> str:
    """'the sealed letter' → 'letter'; 'the driver's text messages' → 'messages'."""
    ws = _words(phrase)
    return ws[-1] if ws else ""


def event_words(ev: StoryEvent, secret_text: str = "") -> set[str]:
    """Stems that show the event: its object's head noun, its type's verbs, its secret's content words."""
    out = {stem(str(w)) for w in _data()["type_words"].get(ev.type, [])}
    if ev.object:
        out.add(stem(head_noun(ev.object)))
    stop = set(_data()["stop_words"])
    out |= {stem(w) for w in _words(secret_text) if len(w) > 3 and w not in stop}
    return out


def grounded(text: str, words: set[str]) -> bool:
    return bool({stem(w) for w in _words(text)} & words)


#: a year said as the date of the story ("It's 2018", "in 1999"), and leaving the screen
_META = re.compile(r"\b(?:in|it's|it is|since|year|summer of|winter of)\s+(?:19|20)\d\d\b"
                   r"(?!\s*(?:dollars|pounds|euros|yuan|"
                   r"people|men|guests|miles|times))|\b(?:leave|leaves|leaving|off|out of|through|into) the screen\b",
                   re.I)


@lru_cache(maxsize=1)
def _modern_phrases() -> re.Pattern[str]:
    """One pattern for the data's ``modern_phrases``: modern scenes a single word does not give away."""
    return re.compile("|".join(f"(?:{p})" for p in _data()["modern_phrases"]), re.I)


def off_world(text: str, world: World) -> str | None:
    """'anachronism', 'supernatural' or 'meta' when the text leaves the story's world, else None."""
    ws = {w.removesuffix("'s") for w in _words(text)}
    d = _data()
    if ws & set(d["meta_words"]) or _META.search(text):
        return "meta"
    if not world.supernatural and ws & set(d["supernatural_words"]):
        return "supernatural"
    if world.year < 1990 and (ws & set(d["modern_words"]) or _modern_phrases().search(text)):
        return "anachronism"
    if world.wild and (_modern_phrases().search(text) or ws & set(d["town_words"]) or ws & set(d["modern_words"])):
        return "anachronism"  # a pack in the woods has no parking lots, airports, buzzing phones or managers
    if world.year < 1900 and ws & set(d["industrial_words"]):
        return "anachronism"
    return None


def keeps(text: str, world: World) -> bool:
    """An authored phrase may be used: it stays in the world and no word of it looks like a misspelt name."""
    if off_world(text, world) is not None:
        return False
    if world.bible is not None:
        from .check import near_misses

        return not near_misses(text, world.bible)
    return True


def event_check(names: Sequence[str], words: set[str], world: World, *, all_names: bool = True,
                need_words: bool = True) -> Callable[[str], str | None]:
    """A slot check: the text names ``names`` (all, or one), shows the event, and stays in its world."""
    firsts = [n.split()[0].lower() for n in names]

    def check(text: str) -> str | None:
        low = set(_words(text))
        present = [f for f in firsts if f in low]
        if firsts and (len(present) < len(firsts) if all_names else not present):
            return "missing_participant"
        if need_words and words and not grounded(text, words):
            return "ungrounded"
        return off_world(text, world)

    return check
