"""Cleaning a candidate: its first line without quotes or a leading label; whole sentences of a run-on."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .words import word_count

_QUOTES = "\"'“”‘’«»`"
_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z .'\-]{0,30}?)(\s*\([^)]{0,30}\))?\s*:\s+")


def clean(raw: str, labels: Iterable[str] = (), cues: Iterable[str] = ()) -> str:
    """First line, without surrounding quotes, a leading ``Label:`` / ``CUE (x):`` or a dangling parenthetical."""
    text = raw.replace("\r", "\n").split("\n", 1)[0]
    text = " ".join(text.split())
    known = {x.lower() for x in labels} | {x.lower() for x in cues}
    for _ in range(2):
        m = _LABEL.match(text)
        if not m:
            break
        head = m.group(1).strip()
        if head.lower() in known or head.isupper() or m.group(2) or head.lower() in {
                "story", "cliffhanger", "title", "logline", "line", "beat", "action", "synopsis", "episode",
                "scene", "want", "secret", "look", "answer", "note"}:
            text = text[m.end():]
        else:
            break
    # a stray parenthetical left at the start, e.g. "(cold) I reject you." or "cold): I reject you."
    if re.match(r"^\(?[a-z][a-z ,'\-]{0,24}\)", text):
        text = re.sub(r"^\(?[a-z][a-z ,'\-]{0,24}\)\s*:?\s*", "", text)
    text = text.strip()
    # surrounding quotes (also a lone leading/trailing one)
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    if text and text[0] in "\"“”«" and text.count(text[0]) == 1:
        text = text[1:].strip()
    if text and text[-1] in "\"“”»" and sum(text.count(q) for q in "\"“”") == 1:
        text = text[:-1].strip()
    text = text.strip(" -–—")
    return text


def _sentences_end(text: str) -> list[int]:
    return [m.end() for m in re.finditer(r"[.!?…]+[\"'”’)]?(?=\s|$)", text)]


def _trim_to_sentence(text: str, max_words: int, min_words: int) -> str | None:
    """The longest prefix ending a sentence with min..max words, or None."""
    best = None
    for end in _sentences_end(text):
        part = text[:end].strip()
        n = word_count(part)
        if n > max_words:
            break
        if n >= min_words:
            best = part
    return best
