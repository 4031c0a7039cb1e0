"""Validating one candidate: clean it, reject what fails a rule (the reason is counted), repair what can be."""

from __future__ import annotations

import difflib
import re

from .cleaning import _trim_to_sentence, clean
from .names import fix_names
from .spec import Candidate, Slot
from .words import _STOP, _WORD, _content, _stem, _words, word_count

_JUNK = re.compile(r"[*#<>\[\]{}|_=@/\\~^$%]|https?:|www\.|\.com\b")


def _has_loop(text: str) -> bool:
    ws = _words(text)
    if len(ws) < 3:
        return False
    for i in range(len(ws) - 2):
        if ws[i] == ws[i + 1] == ws[i + 2]:
            return True
    grams = [tuple(ws[i:i + 3]) for i in range(len(ws) - 2)]
    if len(grams) != len(set(grams)):
        return True
    counts: dict[str, int] = {}
    for w in ws:
        if len(w) > 3 and w not in _STOP:
            counts[w] = counts.get(w, 0) + 1
            if counts[w] >= 3:
                return True
    return False


_DANGLING = {"the", "a", "an", "to", "of", "and", "or", "but", "with", "in", "on", "at", "for", "from", "his", "her",
             "their", "my", "your", "its", "is", "was", "are", "were", "as", "that", "than", "into", "by"}
_FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'll|I'd|me|my|mine|we|our|us|you|your|you're|yours)\b", re.I)


def _copied(text: str, prompt: str) -> bool:
    norm = " ".join(_words(text))
    if len(norm) < 12:
        return False
    if norm in " ".join(_words(prompt)):
        return True
    for line in prompt.splitlines():
        body = line.split(":", 1)[-1]
        if body.strip() and difflib.SequenceMatcher(None, norm, " ".join(_words(body))).ratio() > 0.85:
            return True
    return False


def validate(raw: str, slot: Slot, finish_reason: str = "stop", prompt: str = "") -> Candidate:
    """Clean, validate and repair one candidate (no scoring)."""
    cues = [n.split()[0].upper() for n in slot.names] + [n.split()[0] for n in slot.names]
    text = clean(raw, slot.labels, cues)
    repaired = False

    def bad(reason: str) -> Candidate:
        return Candidate(raw=raw, text=text, ok=False, reason=reason)

    if finish_reason == "error":  # the backend failed this candidate (see llm.resilient)
        return bad("error")
    if not text or not _WORD.search(text):
        return bad("empty")
    if _JUNK.search(text) or sum(ch.isdigit() for ch in text) > 4:
        return bad("junk")
    name_words = {n.lower() for s in slot.names for n in s.split()}
    caps = [w for w in re.findall(r"\b[A-Z]{3,}\b", text) if w.lower() not in name_words]
    if len(caps) >= 2:
        return bad("junk")
    if finish_reason == "length":  # ran on without ending the line: keep whole sentences only
        cut = _trim_to_sentence(text, slot.max_words, slot.min_words)
        if cut is None:
            return bad("runon")
        repaired = repaired or cut != text
        text = cut
    n = word_count(text)
    if n > slot.max_words:
        cut = _trim_to_sentence(text, slot.max_words, slot.min_words)
        if cut is None:
            return bad("long")
        text, repaired = cut, True
        n = word_count(text)
    if n < slot.min_words:
        return bad("short")
    if text.endswith((":", ",", ";", "-", "(")) or _words(text)[-1] in _DANGLING:
        return bad("unfinished")
    if _has_loop(text):
        return bad("repetition")
    if prompt and not slot.copy_ok and _copied(text, prompt):
        return bad("copy")
    if slot.no_first_person and _FIRST_PERSON.search(text):
        return bad("first_person")
    fixed, name_fixed, unknown, present = fix_names(text, slot.names, slot.allowed_words)
    if unknown and slot.strict_names:
        return bad("unknown_name")
    if name_fixed:
        text, repaired = fixed, True
    if slot.require_name and slot.required and not (present & set(slot.required)):
        return bad("missing_name")
    if slot.require_name and not slot.required and not present:
        return bad("missing_name")
    if slot.require_topic and not present:
        topic = {_stem(w) for w in _content(" ".join(slot.keywords))}
        if not ({_stem(w) for w in _content(text)} & topic):
            return bad("offtopic")
    if slot.check is not None:
        why = slot.check(text)
        if why:
            return bad(why)
    if text[-1] not in ".!?…\"”'’)":
        text += "."
    return Candidate(raw=raw, text=text, ok=True, repaired=repaired)
