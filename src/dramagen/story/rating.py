"""Content rating: which generated texts a rating lets through.

Two ratings (:data:`RATINGS`):

``platform-safe`` (the default)
    No self-harm or suicide (shown, told as a method, urged or taught), no sexual content
    involving minors, no slurs, no graphic gore, no explicit sexual content, no strong
    profanity (the words a platform bleeps: "fuck", "shit", "cunt"…; "damn", "bastard", "bitch"
    stay, the soap's own register). Deaths and
    non-graphic violence told as plot facts pass ("she was killed in an accident", "a
    gunshot; Derek falls"), and so do the idioms of soap dialogue ("I could kill you for
    this", "hang up the phone", "she spills her guts to the detective").
``mature``
    Allows graphic violence, depicted suicide and explicit sexual content between adults,
    but still never sexual content involving minors, never urging or instructing
    self-harm, never slurs.

The rules are data, in ``data/rating.yaml`` (its header documents the pattern syntax):
per reason, regular expressions matched case-insensitively as whole words inside one
sentence, with verb inflections (``<hang>``), macros (``{minor}``), co-occurrence groups
(a minor *and* a sexual word in one sentence) and exceptions for the harmless readings.
Slurs and explicit sexual vocabulary come from a kept library, pyobscenity (MIT; a port
of the ``obscenity`` filter's English dataset: whole words, leetspeak, look-alike
letters, and whitelists such as "analysis", "cocktail", "Scunthorpe"); the YAML names
which of its words count, under which reason (its mild swear words, "damn",
"bastard", are not filtered).

Public API: :data:`RATINGS`, :data:`REASONS`, :func:`validate_rating`,
:func:`check_text`, :func:`rating_issues`, :func:`load_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..core.errors import InputError

__all__ = ["DEFAULT_RATING", "RATINGS", "REASONS", "RULES_FILE", "RatingRule", "RatingRules", "check_text",
           "load_rules", "rating_issues", "validate_rating"]

RATINGS: tuple[str, ...] = ("platform-safe", "mature")
DEFAULT_RATING = "platform-safe"
#: Reason codes, most severe first.
REASONS: tuple[str, ...] = ("minors_sexual", "self_harm", "slur", "gore", "sexual", "profanity")
RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "rating.yaml"

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_VERB = re.compile(r"<([a-z]+)>")
_MACRO = re.compile(r"\{([a-z_0-9]+)\}")


def validate_rating(value: Any) -> str:
    """``value`` as one of :data:`RATINGS` (case and surrounding blanks ignored), or
    :class:`~dramagen.core.errors.InputError` naming the field ``rating`` and the accepted values."""
    norm = value.strip().lower() if isinstance(value, str) else None
    if norm not in RATINGS:
        raise InputError("rating", value, "one of: " + ", ".join(RATINGS))
    return norm


# --------------------------------------------------------------------------- rules


def inflections(verb: str, irregular: Iterable[str] = ()) -> list[str]:
    """The forms of a verb: base, 3rd person, past, -ing, and the given irregular forms.
    Regular English spelling: ``stab`` → stabs, stabbed, stabbing; ``overdose`` →
    overdoses, overdosed, overdosing; ``push`` → pushes; ``flay`` → flays, flayed."""
    v = verb
    if re.search(r"(?:s|x|z|ch|sh|o)$", v):
        third = v + "es"
    elif re.search(r"[^aeiou]y$", v):
        third = v[:-1] + "ies"
    else:
        third = v + "s"
    if re.fullmatch(r"[^aeiou]*[aeiou][^aeiouwxy]", v):  # one syllable ending consonant-vowel-consonant
        past, ing = v + v[-1] + "ed", v + v[-1] + "ing"
    elif v.endswith("e") and not v.endswith(("ee", "ye", "oe")):
        past, ing = v + "d", v[:-1] + "ing"
    elif re.search(r"[^aeiou]y$", v):
        past, ing = v[:-1] + "ied", v + "ing"
    else:
        past, ing = v + "ed", v + "ing"
    return list(dict.fromkeys([v, third, past, ing, *irregular]))


class RatingRule(BaseModel):
    """One rule of ``data/rating.yaml``: a reason, where it applies and what it matches."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    reason: str
    blocked_in: list[str] = Field(..., min_length=1)
    note: str = ""
    patterns: list[str] = Field(default_factory=list)
    all_of: list[list[str]] = Field(default_factory=list)
    library: list[str] = Field(default_factory=list)
    except_: list[str] = Field(default_factory=list, alias="except")

    @field_validator("reason")
    @classmethod
    def _known_reason(cls, v: str) -> str:
        if v not in REASONS:
            raise ValueError(f"unknown reason {v!r}; expected one of {', '.join(REASONS)}")
        return v

    @field_validator("blocked_in")
    @classmethod
    def _known_ratings(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if r not in RATINGS]
        if bad:
            raise ValueError(f"unknown rating(s) {bad}; expected {', '.join(RATINGS)}")
        return v


class RatingRules(BaseModel):
    """The whole of ``data/rating.yaml``."""

    model_config = ConfigDict(extra="forbid")

    severity: list[str]
    irregular: dict[str, list[str]] = Field(default_factory=dict)
    macros: dict[str, str] = Field(default_factory=dict)
    rules: list[RatingRule]

    @property
    def library(self) -> dict[str, set[str]]:
        """Reason → the library's words refused under it."""
        out: dict[str, set[str]] = {}
        for r in self.rules:
            out.setdefault(r.reason, set()).update(r.library)
        return out

    def expand(self, pattern: str) -> str:
        """``pattern`` with its macros and ``<verb>`` forms written out."""
        for _ in range(10):  # macros may use macros
            new = _MACRO.sub(lambda m: self.macros[m.group(1)], pattern)
            if new == pattern:
                break
            pattern = new
        return _VERB.sub(lambda m: "(?:" + "|".join(inflections(m.group(1), self.irregular.get(m.group(1), ())))
                         + ")", pattern)

    def compile(self, pattern: str) -> re.Pattern[str]:
        return re.compile(r"(?<!\w)(?:" + self.expand(pattern) + r")(?!\w)", re.IGNORECASE)

    @cached_property
    def compiled(self) -> list[_Compiled]:
        return [_Compiled(r, self) for r in self.rules]


class _Compiled:
    """A rule with its patterns compiled."""

    def __init__(self, rule: RatingRule, rules: RatingRules):
        self.rule = rule
        self.patterns = [rules.compile(p) for p in rule.patterns]
        self.groups = [[rules.compile(p) for p in group] for group in rule.all_of]
        self.excepts = [rules.compile(p) for p in rule.except_]
        self.library = {w.lower() for w in rule.library}

    def hits(self, sentence: str, library_words: set[str]) -> bool:
        """Whether the rule hits one sentence (``library_words``: what the library found in it)."""
        if self.library & library_words:
            return True
        if self.groups and all(any(p.search(sentence) for p in group) for group in self.groups):
            return True
        spans = [m.span() for e in self.excepts for m in e.finditer(sentence)]
        for p in self.patterns:
            for m in p.finditer(sentence):
                if not any(a < m.end() and m.start() < b for a, b in spans):
                    return True
        return False


@lru_cache(maxsize=4)
def load_rules(path: str | Path = RULES_FILE) -> RatingRules:
    """The rating rules of ``path`` (default ``data/rating.yaml``), validated and cached."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rules = RatingRules.model_validate(data)
    _ = rules.compiled  # compile now: a bad pattern fails at load, not mid-season
    return rules


@lru_cache(maxsize=1)
def _library() -> tuple[Any, Any]:
    """pyobscenity's English matcher and dataset (built once)."""
    from pyobscenity import (
        RegexMatcher,
        english_dataset,
        english_recommended_blacklist_transformers,
        english_recommended_whitelist_transformers,
    )

    built = english_dataset.build()
    matcher = RegexMatcher(blacklisted_terms=built["blacklisted_terms"],
                           whitelisted_terms=built["whitelisted_terms"],
                           blacklist_transformers=english_recommended_blacklist_transformers,
                           whitelist_transformers=english_recommended_whitelist_transformers)
    return matcher, english_dataset


#: Letters the library's English preset lets stand doubled when it collapses stretched words.
_KEEP_DOUBLE = frozenset("beolsg")
_STRETCHED = re.compile(r"(\w)\1{2,}")


def _unstretch(text: str) -> str:
    """Runs of 3+ of one letter ("niiigger", "fuuuck") cut to 1 (2 for b, e, o, l, s, g), as
    the English preset of the library means to do: its ``CollapseDuplicateTransformer`` is
    applied one character at a time in pyobscenity 0.2.0 and so never collapses anything.
    Doubled letters are left alone: collapsing them turns names into words ("Annalise")."""
    return _STRETCHED.sub(lambda m: m.group(1) * (2 if m.group(1).lower() in _KEEP_DOUBLE else 1), text)


def library_words(text: str) -> set[str]:
    """The library's words (its ``originalWord``, lower-case) found in ``text``."""
    matcher, dataset = _library()
    out: set[str] = set()
    for m in matcher.get_all_matches(_unstretch(text)):
        meta = dataset.get_payload_with_phrase_metadata(m).get("phraseMetadata") or {}
        if meta.get("originalWord"):
            out.add(str(meta["originalWord"]).lower())
    return out


# --------------------------------------------------------------------------- checking


def check_text(text: str, rating: str = DEFAULT_RATING) -> str | None:
    """Why ``text`` is refused under ``rating``: the most severe reason code of
    :data:`REASONS` (``"minors_sexual"``, ``"self_harm"``, ``"slur"``, ``"gore"``,
    ``"sexual"``), or None when it passes. Each sentence is checked on its own."""
    rating = validate_rating(rating)
    if not text or not text.strip():
        return None
    rules = load_rules()
    active = [c for c in rules.compiled if rating in c.rule.blocked_in]
    found: set[str] = set()
    for sentence in _SENTENCE.split(text.strip()):
        if not sentence.strip():
            continue
        lib = library_words(sentence)
        found.update(c.rule.reason for c in active if c.rule.reason not in found and c.hits(sentence, lib))
    if not found:
        return None
    return min(found, key=lambda r: rules.severity.index(r) if r in rules.severity else len(rules.severity))


def rating_issues(texts: Iterable[str], rating: str = DEFAULT_RATING) -> list[tuple[str, str]]:
    """``(text, reason)`` for each of ``texts`` that ``rating`` refuses, in order (a text
    repeated is listed each time): what ``dramagen check`` reports a season contains."""
    rating = validate_rating(rating)
    out: list[tuple[str, str]] = []
    for t in texts:
        reason = check_text(t, rating)
        if reason is not None:
            out.append((t, reason))
    return out
