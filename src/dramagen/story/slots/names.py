"""Names in a candidate: near misses of bible names repaired, unknown capitalised names found."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .words import _CAP_TOKEN, _COMMON, _STOP, _TITLES


def _levenshtein(a: str, b: str) -> int:
    if a == b:
        return 0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _near(token: str, part: str) -> bool:
    t, p = token.lower(), part.lower()
    if t == p:
        return True
    if len(p) < 3 or len(t) < 3:
        return False
    d = _levenshtein(t, p)
    if len(p) >= 7:
        return d <= 2
    if len(p) >= 4:
        return d <= 1
    # 3-letter names (Kai, Ava): only a doubled letter or one changed vowel-free slip ("Kaai")
    return d <= 1 and len(t) == 4 and t[0] == p[0]


def _sentence_starts(text: str) -> set[int]:
    starts = {0}
    for m in re.finditer(r"([.!?…:;]+[\"'”’)]?\s+|[—–-]\s+|[\"“(]\s*)", text):
        starts.add(m.end())
    # skip leading quotes/spaces
    first = re.match(r"[\s\"“'‘(]*", text)
    if first:
        starts.add(first.end())
    return starts


def fix_names(text: str, names: Sequence[str],
              allowed_words: Iterable[str] = ()) -> tuple[str, bool, list[str], set[str]]:
    """Repair near-misses of bible names; find unknown capitalised names.

    Returns ``(text, repaired, unknown, present)`` where ``present`` are the bible names
    (full, as given) that the text mentions by first name, surname or full name.
    """
    parts: dict[str, str] = {}  # lowercase part -> exact part
    owner: dict[str, str] = {}  # lowercase part -> full name
    for full in names:
        for p in full.split():
            parts.setdefault(p.lower(), p)
            owner.setdefault(p.lower(), full)
    allowed = {w.lower() for w in allowed_words} | _TITLES
    starts = _sentence_starts(text)
    out: list[str] = []
    pos = 0
    repaired = False
    unknown: list[str] = []
    present: set[str] = set()
    for m in _CAP_TOKEN.finditer(text):
        tok = m.group(0)
        base = re.sub(r"['’]s$", "", tok)
        suffix = tok[len(base):]
        low = base.lower()
        at_start = m.start() in starts
        repl = None
        if low in parts:
            if base != parts[low]:
                if base.isupper() and len(base) > 1:
                    repl = parts[low]  # MARA -> Mara
                elif not at_start or low not in _COMMON:
                    repl = parts[low]
            present.add(owner[low])
        elif (base == "I" or low in allowed or (base.isupper() and len(base) <= 3 and low in _COMMON)
              or (at_start and (low in _COMMON or low.endswith(("ly", "ing", "ed")) or low in _STOP))):
            pass
        else:
            near = [p for p in parts if _near(low, p)]
            if near and not (at_start and low in _COMMON):
                best = min(near, key=lambda p: (_levenshtein(low, p), p))
                repl = parts[best]
                present.add(owner[best])
            elif not at_start or low not in _COMMON:
                if base.isupper() and len(base) > 1:
                    unknown.append(base)  # shouted word or a stray cue: treat as unknown
                else:
                    unknown.append(base)
        if repl is not None and repl != base:
            out.append(text[pos:m.start()])
            out.append(repl + suffix)
            pos = m.end()
            repaired = True
    out.append(text[pos:])
    return "".join(out), repaired, unknown, present
