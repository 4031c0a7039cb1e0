"""What the page shows while a step is being written: the accepted slots so far (``(kind, text)``,
in the order :class:`dramagen.story.slots.WriteContext` hands them to ``on_text``) as the step's own
view, and the step's progress in its own units ("episode plan 7/10", "beat 4/9").

Each *live view* maps the texts so far to component updates (:meth:`view`) and counts its units
(:meth:`count`); :func:`dramagen.studio.session.run_job` calls them as the slots arrive, and the
step's result (read back from disk) replaces the live view when it ends. The slot order this
relies on is the stages' own: a kind's slots are written in episode (or beat) order, each once.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

Texts = list[tuple[str, str]]

#: what the plan table shows in a cell whose text is not written yet
PENDING = "…"


def eta_text(elapsed: float, done: float, total: int) -> str:
    """"about 1 min 20 s left" from the time the first ``done`` of ``total`` units took ('' before any is done;
    ``done`` may be a fraction: the part of a unit written counts)."""
    if done <= 0 or total <= done or elapsed <= 0:
        return ""
    left = round(elapsed / done * (total - done))
    if left < 60:
        return f"about {max(left, 1)} s left"
    return f"about {left // 60} min {left % 60:02d} s left"


def progress_text(label: str, done: int, total: int, elapsed: float, part: float | None = None) -> str:
    """"episode plan 7/10 · about 40 s left" (the ETA from ``part`` units written, ``done`` when not given)."""
    eta = eta_text(elapsed, done if part is None else part, total)
    return f"{label} {min(done, total)}/{total}" + (f" · {eta}" if eta else "")


@dataclass
class Live:
    """A step's live view: no view of its own, its units counted as accepted slots of ``kinds``."""

    label: str
    total: int
    kinds: tuple[str, ...] = ()
    #: whether the count ("episode plan 7/10 · about 40 s left") replaces the tab's status line while it runs
    status_line: bool = True

    def count(self, texts: Texts) -> int:
        return sum(1 for k, _ in texts if not self.kinds or k in self.kinds)

    def part(self, texts: Texts) -> float:
        """The units written, a unit's written part included (for the bar and the ETA)."""
        return float(self.count(texts))

    def view(self, texts: Texts, count: str = "") -> dict:
        """The step's own view of ``texts`` (``count``: the progress text, for a view that shows it)."""
        return {}


@dataclass
class BibleLive(Live):
    """The bible's title and logline appear in their fields as they are accepted."""

    title: Any = None
    logline: Any = None

    def view(self, texts: Texts, count: str = "") -> dict:
        out: dict = {}
        for k, t in texts:
            if k == "bible.title" and self.title is not None:
                out[self.title] = t.rstrip(".")
            elif k == "bible.logline" and self.logline is not None:
                out[self.logline] = t
        return out


def plan_rows(texts: Texts, episodes: int, paywall: int, width: int) -> list[list[Any]]:
    """The plan table's rows written so far: episode i's title, synopsis and cliffhanger are the i-th
    accepted slot of each kind; a row appears with its first text ('…' where the rest is to come)."""
    cols: dict[str, list[str]] = {"plan.title": [], "plan.synopsis": [], "plan.cliffhanger": []}
    for k, t in texts:
        if k in cols:
            cols[k].append(t)

    def cell(kind: str, i: int) -> str:
        v = cols[kind]
        return (v[i].rstrip(".") if kind == "plan.title" else v[i]) if i < len(v) else PENDING

    rows = []
    for i in range(min(episodes, max((len(v) for v in cols.values()), default=0))):
        row: list[Any] = [i + 1, cell("plan.title", i), cell("plan.synopsis", i), cell("plan.cliffhanger", i),
                          "free" if i + 1 <= paywall else "paid"]
        rows.append(row + [""] * (width - len(row)))
    return rows


@dataclass
class PlanLive(Live):
    """The plan table fills row by row; a unit is an episode whose three texts are written."""

    table: Any = None
    paywall: int = 0
    headers: list[str] = field(default_factory=list)

    def count(self, texts: Texts) -> int:
        return sum(1 for k, _ in texts if k == "plan.cliffhanger")

    def part(self, texts: Texts) -> float:  # a synopsis is a third of an episode's plan, a title another
        return sum(1 for k, _ in texts if k in ("plan.title", "plan.synopsis", "plan.cliffhanger")) / 3

    def view(self, texts: Texts, count: str = "") -> dict:
        rows = plan_rows(texts, self.total, self.paywall, len(self.headers))
        if not rows or self.table is None:
            return {}
        import gradio as gr

        return {self.table: gr.update(value=rows, headers=self.headers)}


def beat_cards(texts: Texts) -> list[dict]:
    """The beats written so far, card by card: the hook's line, then each action with the lines after it."""
    cards: list[dict] = []
    for k, t in texts:
        if k == "beats.hook_line":
            cards.append({"kind": "hook", "action": "", "lines": [t]})
        elif k == "beats.action":
            cards.append({"kind": "beat", "action": t, "lines": []})
        elif k == "beats.line" and cards:
            cards[-1]["lines"].append(t)
    return cards


def beat_cards_html(cards: list[dict], total: int, count: str = "") -> str:
    if not cards:
        return ""
    body = "".join(
        f"<div class='beat-card live-card' id='live-beat-{i}'><div class='beat-head'><b>Beat {i}</b> · "
        f"{html.escape(c['kind'])}</div>" + (f"<p class='beat-action'>{html.escape(c['action'])}</p>" if c["action"]
                                            else "")
        + "".join(f"<p class='beat-line'>“{html.escape(ln)}”</p>" for ln in c["lines"]) + "</div>"
        for i, c in enumerate(cards, 1))
    more = total - len(cards)
    tail = f"<p class='studio-hint live-count'>Writing… {html.escape(count) or f'{more} beat(s) to come'}</p>" \
        if more > 0 else ""
    return f"<div class='beats live-beats'>{body}{tail}</div>"


@dataclass
class BeatsLive(Live):
    """The episode's beats appear card by card; a unit is a beat (the cliffhanger comes with the end)."""

    cards: Any = None
    status_line: bool = False  # the Episode tab's status is the episode's summary: the count goes under the cards

    def count(self, texts: Texts) -> int:
        return len(beat_cards(texts))

    def view(self, texts: Texts, count: str = "") -> dict:
        if self.cards is None:
            return {}
        cards = beat_cards(texts)
        return {self.cards: beat_cards_html(cards, self.total, count)} if cards else {}
