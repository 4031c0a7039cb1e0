"""What the page shows while a step is being written: the accepted slots so far (``(kind, text)``,
in the order :class:`dramagen.story.slots.WriteContext` hands them to ``on_text``; a beat's whole
draft as :data:`BEAT_CARD`, as the beat writer hears it) as the step's own view, and the step's
progress in its own units ("episode plan 7/10", "beat 4/9").

Each *live view* maps the texts so far to component updates (:meth:`view`) and counts its units
(:meth:`count`); :func:`dramagen.studio.session.run_job` calls them as the slots arrive, and the
step's result (read back from disk) replaces the live view when it ends. The slot order this
relies on is the stages' own: a kind's slots are written in episode (or beat) order, each once.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from ..core.models import Beat

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


#: the kind of a live text that is a whole beat's first draft (``Beat`` JSON), as the beat writer hears it
BEAT_CARD = "beat.card"


def _beat(text: str) -> Beat:
    return Beat.model_validate_json(text)


def beat_line(text: str) -> str:
    """The Live box's line for a beat's draft: "beat 3 (turn): action · MARA: line …"."""
    b = _beat(text)
    said = " · ".join(f"{ln.character.split()[0].upper()}: {ln.text}" for ln in b.lines)
    return f"beat {b.index} ({b.kind}): " + " · ".join(x for x in (b.action, said) if x)


def beat_cards(texts: Texts) -> list[Beat]:
    """The beats drafted so far, in beat order (a beat heard again replaces its card)."""
    cards = {b.index: b for b in (_beat(t) for k, t in texts if k == BEAT_CARD)}
    return [cards[i] for i in sorted(cards)]


def _card(b: Beat) -> str:
    lines = "".join(f"<p class='beat-line'><span class='cue'>{html.escape(ln.character.split()[0].upper())}</span> "
                    f"“{html.escape(ln.text)}”</p>" for ln in b.lines)
    action = f"<p class='beat-action'>{html.escape(b.action)}</p>" if b.action else ""
    return (f"<div class='beat-card live-card' id='live-beat-{b.index}'><div class='beat-head'><b>Beat {b.index}</b>"
            f" · {html.escape(b.kind)}</div>{action}{lines}</div>")


def beat_cards_html(cards: list[Beat], total: int, count: str = "") -> str:
    if not cards:
        return ""
    more = total - len(cards)
    tail = f"<p class='studio-hint live-count'>Writing… {html.escape(count) or f'{more} beat(s) to come'}</p>" \
        if more > 0 else ""
    return f"<div class='beats live-beats'>{''.join(_card(b) for b in cards)}{tail}</div>"


@dataclass
class BeatsLive(Live):
    """The episode's beats appear card by card as each one's slots are written (the beat writer's ``on_beat``);
    a unit is a beat (the cliffhanger's line, written without the model, comes with the end)."""

    cards: Any = None
    status_line: bool = False  # the Episode tab's status is the episode's summary: the count goes under the cards

    def count(self, texts: Texts) -> int:
        return len({_beat(t).index for k, t in texts if k == BEAT_CARD})

    def view(self, texts: Texts, count: str = "") -> dict:
        if self.cards is None:
            return {}
        cards = beat_cards(texts)
        return {self.cards: beat_cards_html(cards, self.total, count)} if cards else {}
