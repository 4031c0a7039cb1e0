"""Scoring a passing candidate: names, length, topic, variety and the model's confidence."""

from __future__ import annotations

import math

from .names import fix_names
from .spec import Slot
from .words import _content, _stem, _words, word_count


def score(text: str, slot: Slot, logprob: float | None = None, repaired: bool = False) -> float:
    """Higher is better: names, length, topic, variety, the model's confidence."""
    s = 0.0
    _, _, _, present = fix_names(text, slot.names, slot.allowed_words)
    if slot.required:
        s += 1.5 * len(present & set(slot.required)) / len(slot.required)
    if slot.avoid and present & set(slot.avoid):
        s -= 0.7
    n = word_count(text)
    sweet = slot.sweet_words or max(slot.min_words, (slot.min_words + slot.max_words) // 2)
    s -= 1.0 * abs(n - sweet) / max(1, sweet)
    topic = {_stem(w) for w in _content(" ".join(slot.keywords))}
    if topic:
        hits = len({_stem(w) for w in _content(text)} & topic)
        s += 0.4 * min(hits, 3)
    ws = _words(text)
    if ws:
        s -= 1.0 * (1 - len(set(ws)) / len(ws))
    if logprob is not None and math.isfinite(logprob):
        s += 0.8 * max(-2.0, min(1.5, logprob + 2.2))
    if repaired:
        s -= 0.3
    return round(s, 6)
