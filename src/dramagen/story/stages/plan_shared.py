"""What both plan-text writers share (``stages.plan`` and ``stages.plan_events``).

The fixed groups of :data:`GROUP` episodes (an episode's text never depends on which others were asked
for with it), recording a group's written text, and an episode title's fallback and check.
"""

from __future__ import annotations

from ...core.models import EpisodePlan

__all__ = ["GROUP", "keep_written", "title_check", "title_fallback"]

GROUP = 5


def keep_written(group: list[EpisodePlan], wanted: list[int], synopses: list[str], lines: list[str],
                 done: dict[int, EpisodePlan]) -> None:
    """Record the written text of a group's requested episodes (``lines``: title, cliffhanger, … per episode)."""
    for i, ep in enumerate(group):
        if ep.number in wanted:
            done[ep.number] = ep.model_copy(update={
                "synopsis": synopses[i], "title": lines[2 * i].rstrip(".").strip(), "cliffhanger": lines[2 * i + 1]})


_TITLE_WORDS = {"hook": "The Night Everything Broke", "setup": "The Trap Is Set", "escalation": "No Way Out",
                "reversal": "The Tables Turn", "twist": "The Hidden Truth", "midpoint": "Everything Changes",
                "dark_moment": "All Is Lost", "climax": "The Final Showdown", "resolution": "A New Dawn"}


def title_fallback(ep: EpisodePlan, a: str) -> str:
    return _TITLE_WORDS.get(ep.function, "No Way Out")


def title_check(text: str) -> str | None:
    body = text.rstrip(".!")
    if "(" in body or any(ch.isdigit() for ch in body):
        return "not_a_title"
    if "." in body or "?" in body or ":" in body:
        return "not_a_title"
    return None
