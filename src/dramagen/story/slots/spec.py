"""What a slot is (:class:`Slot`), what writing slots needs (:class:`WriteContext`) and what it decides
(:class:`Candidate`, :class:`SlotResult`); the package docstring (``dramagen.story.slots``) tells the whole engine."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...core.models import SlotStats
from ...core.prompting import PromptLibrary, default_library
from ...llm.base import Generator

#: Sampling for every slot call (max_new_tokens comes from the slots, the seed from the purpose).
DEFAULT_SAMPLING: dict[str, Any] = {"temperature": 0.8, "top_p": 0.95, "top_k": 50, "repetition_penalty": 1.15}


@dataclass
class WriteContext:
    """What every stage needs to write slots: the model, the run seed and the bookkeeping."""

    generator: Generator
    seed: int
    candidates: int = 6
    prompts: PromptLibrary = field(default_factory=default_library)
    stats: dict[str, SlotStats] = field(default_factory=dict)
    #: slot kind → the GenerationParams actually used (for the run manifest)
    params: dict[str, dict] = field(default_factory=dict)
    #: called with (slot kind, accepted text) for every slot, in order, as it is decided
    on_text: Callable[[str, str], None] | None = None
    #: optional per-kind cap on candidates (e.g. {"beats.line": 4}) — a speed knob
    candidates_by_kind: dict[str, int] = field(default_factory=dict)
    #: the content rating every candidate must pass (dramagen.story.rating); refusals count as ``rating_<reason>``
    rating: str = "platform-safe"

    def __post_init__(self) -> None:
        # the model's own caps (models/registry.yaml ``candidates``, in ``generator.info``) under the caller's
        info = getattr(self.generator, "info", None)
        per_model = info.get("candidates_by_kind") if isinstance(info, dict) else None
        if per_model:
            self.candidates_by_kind = {**per_model, **self.candidates_by_kind}

    def stat(self, kind: str) -> SlotStats:
        if kind not in self.stats:
            self.stats[kind] = SlotStats()
        return self.stats[kind]

    def total_stats(self) -> SlotStats:
        total = SlotStats()
        for s in self.stats.values():
            total.add(s)
        return total


@dataclass
class Slot:
    """One line for the model to write, and how to judge it."""

    kind: str  # "bible.title", "plan.synopsis", "beats.line"… (the stats key)
    template: str  # prompt file, e.g. "plan/synopsis.j2"
    context: dict[str, Any]  # the template's variables
    fallback: str  # used when no candidate passes; should itself be a good line
    #: bible names (full, "Kai Blackwood") a candidate may use; misspellings are repaired to them
    names: Sequence[str] = ()
    #: names that should appear (score); with ``require_name`` at least one must
    required: Sequence[str] = ()
    require_name: bool = False
    #: when True, a capitalised name that is not a bible name (nor an allowed word) rejects
    strict_names: bool = True
    #: capitalised words that are fine although not names (titles, places, trope words)
    allowed_words: Sequence[str] = ()
    #: topic words (synopsis, trope keywords); overlap scores, and with ``require_topic``
    #: a candidate needs one of them or a bible name
    keywords: Sequence[str] = ()
    require_topic: bool = False
    #: names whose presence is penalised (a speaker naming themself)
    avoid: Sequence[str] = ()
    min_words: int = 3
    max_words: int = 25
    sweet_words: int | None = None
    #: extra leading labels to strip ("Title", "Logline"…); cues of ``names`` are always stripped
    labels: Sequence[str] = ()
    #: reject first-person text (an action line is not dialogue)
    no_first_person: bool = False
    max_tokens: int = 32
    #: words the answer must begin with (e.g. a bible name): appended to the prompt, and
    #: prepended to every candidate — a cheap form of constrained decoding
    prefix: str = ""
    candidates: int | None = None  # None: ctx.candidates (capped by ctx.candidates_by_kind)
    #: an optional extra check: text -> reason or None
    check: Callable[[str], str | None] | None = None
    #: False: no second round when every candidate fails (the fallback is a good line, e.g. the phrase library's)
    retry: bool = True
    #: True: an answer may repeat the prompt's words (a list of things the prompt's text names)
    copy_ok: bool = False


@dataclass
class Candidate:
    raw: str
    text: str
    ok: bool
    reason: str = ""  # rejection reason when not ok
    repaired: bool = False
    score: float = -math.inf
    logprob: float | None = None
    round: int = 1
    tokens: int = 0  # tokens the model generated for it


@dataclass
class SlotResult:
    """What :func:`fill_ranked` decided for one slot."""

    slot: Slot
    text: str
    status: str  # "accepted" | "repaired" | "fallback"
    regenerated: bool = False
    score: float = -math.inf
    #: every distinct passing candidate, best first: (text, score)
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
