"""Small plain-text helpers shared by every layer: one line of text, and slugs for file and folder names."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["one_line", "slug"]


def one_line(text: object) -> str:
    """``text`` with every run of whitespace (newlines included) made one space, trimmed; None is ""."""
    return " ".join(str(text if text is not None else "").split())


def slug(text: object, max_len: int = 40, *, fold: bool = True, lower: bool = True, keep: str = "a-z0-9",
         trim_cut: bool = True, fallback: str = "") -> str:
    """``The Rejection!`` → ``the-rejection``: runs of characters outside ``keep`` become one dash.

    ``fold`` first turns accented letters into ASCII (``é`` → ``e``; other non-ASCII letters are dropped),
    ``lower`` lowercases; the result is cut to ``max_len`` characters (``trim_cut``: then loses a dash left at
    the cut) and is ``fallback`` when nothing is left. The defaults name exported files (storyboards, the
    season zip); callers that name folders pass their own, and must keep passing the same options, since a
    slug names files on disk.
    """
    t = str(text)
    if fold:
        t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode()
    if lower:
        t = t.lower()
    t = re.sub(f"[^{keep}]+", "-", t).strip("-")[:max_len]
    if trim_cut:
        t = t.rstrip("-")
    return t or fallback
