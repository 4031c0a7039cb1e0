"""Continuity: does the written season keep the story its ledger says?

Five rules, each a pure function of the data model (docs/architecture.md, "Story"):

- ``ledger``: the ledger replays (no secret revealed twice or without being set up, no
  event with a dead, away or captive character, no unknown name);
- ``absent_acts``: nobody who is away, captive or dead is on screen (the hook may show the
  people of the cliffhanger it pays off; an arriving character may appear in the last scene,
  where the event brings them, and the captive of a rescue throughout its episode: the camera
  cuts between her cell and her rescuer);
- ``payoff``: an episode's first :data:`PAYOFF_SECONDS` seconds name the people of the
  cliffhanger it opens on and show its object or its kind of event;
- ``introduced``: a character is named in an action paragraph before they first speak;
- ``cliffhanger_cast``: the people of the episode's cliffhanger event are in its last scene.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.models import EpisodeBeats, SeasonPlan, StoryEvent, StoryLedger
from .grounding import event_words, grounded
from .ledger import LedgerError, replay

__all__ = ["ContinuityIssue", "PAYOFF_SECONDS", "RULES", "check_continuity", "payoff_ok"]

PAYOFF_SECONDS = 15.0
RULES = ("ledger", "absent_acts", "payoff", "introduced", "cliffhanger_cast")


@dataclass(frozen=True)
class ContinuityIssue:
    rule: str
    episode: int | None
    message: str


def _first(name: str) -> str:
    return name.split()[0]


def _names_in(text: str, names: list[str]) -> set[str]:
    return {n for n in names if re.search(rf"\b{re.escape(_first(n))}\b", text)}


def _ledger(ledger: StoryLedger) -> list[ContinuityIssue]:
    try:
        replay(ledger)
    except LedgerError as e:
        ep = next((ev.episode for ev in ledger.events if f"({ev.id})" in e.where), None)
        return [ContinuityIssue("ledger", ep, str(e).removeprefix("ledger: "))]
    return []


def _status_before(ledger: StoryLedger) -> dict[int, dict[str, str]]:
    """episode → status of each character when the episode starts (after the event it opens on)."""
    out: dict[int, dict[str, str]] = {}
    state = ledger.initial
    try:
        states = replay(ledger)
    except LedgerError:
        return out
    for ev, after in zip(ledger.events, states):
        if not ev.id.endswith("-open"):
            out.setdefault(ev.episode, dict(state.status))
        state = after
        out[ev.episode + 1] = dict(after.status)  # after the episode's last event (its cliffhanger)
    return out


def _absent(plan: SeasonPlan, beats: Mapping[int, EpisodeBeats], ledger: StoryLedger) -> list[ContinuityIssue]:
    issues = []
    status = _status_before(ledger)
    for n, eb in sorted(beats.items()):
        ep = plan.episode(n)
        st = status.get(n, {})
        opening = set(ep.opening.participants) if ep.opening else set()
        arriving = {ep.event.target} if ep.event and ep.event.type == "arrival" else set()
        rescued = {ep.event.target} if ep.event and ep.event.type == "rescue" else set()
        last_scene = _last_scene(eb)
        for i, b in enumerate(eb.beats):
            on = set(b.characters) | {ln.character for ln in b.lines}
            for who in sorted(on):
                state = st.get(who, "present")
                if state == "present" or (i == 0 and who in opening) or (who in arriving and i in last_scene) \
                        or (who in rescued and state == "captive"):
                    continue
                issues.append(ContinuityIssue("absent_acts", n, f"{who} is {state} but on screen in beat {b.index}"))
    return issues


def _last_scene(eb: EpisodeBeats) -> set[int]:
    start = max((i for i, b in enumerate(eb.beats) if b.new_scene), default=0)
    return set(range(start, len(eb.beats)))


def payoff_ok(opening: StoryEvent, eb: EpisodeBeats) -> bool:
    """The beats starting in the first PAYOFF_SECONDS name the event's people and show it."""
    early = [b for b in eb.beats if b.start < PAYOFF_SECONDS]
    text = " ".join([b.action for b in early] + [ln.text for b in early for ln in b.lines])
    named = _names_in(text, opening.participants)
    return len(named) == len(opening.participants) and grounded(text, event_words(opening, opening.detail))


def _payoff(plan: SeasonPlan, beats: Mapping[int, EpisodeBeats]) -> list[ContinuityIssue]:
    issues = []
    for n, eb in sorted(beats.items()):
        ep = plan.episode(n)
        if n == 1 or ep.opening is None:
            continue
        if not payoff_ok(ep.opening, eb):
            issues.append(ContinuityIssue("payoff", n, f"the first {PAYOFF_SECONDS:g} s do not pay off episode "
                                                       f"{n - 1}'s cliffhanger ({ep.opening.summary})"))
    return issues


def _introduced(beats: Mapping[int, EpisodeBeats], names: list[str]) -> list[ContinuityIssue]:
    issues = []
    named: set[str] = set()
    spoke: set[str] = set()
    for n, eb in sorted(beats.items()):
        for b in eb.beats:
            named |= _names_in(b.action, names)
            for ln in b.lines:
                if ln.character not in named and ln.character not in spoke:
                    issues.append(ContinuityIssue("introduced", n, f"{ln.character} speaks in beat {b.index} before "
                                                                   f"any action line has shown them"))
                spoke.add(ln.character)
    return issues


def _cliffhanger_cast(plan: SeasonPlan, beats: Mapping[int, EpisodeBeats]) -> list[ContinuityIssue]:
    issues = []
    for n, eb in sorted(beats.items()):
        ev = plan.episode(n).event
        if ev is None:
            continue
        on = {c for i in _last_scene(eb) for c in eb.beats[i].characters}
        missing = [p for p in ev.participants if p not in on]
        if missing:
            issues.append(ContinuityIssue("cliffhanger_cast", n, f"{', '.join(missing)} of the cliffhanger "
                                                                 f"({ev.type}) not in the last scene"))
    return issues


def check_continuity(ledger: StoryLedger | None, plan: SeasonPlan, beats: Mapping[int, EpisodeBeats],
                     names: list[str]) -> list[ContinuityIssue]:
    """Every continuity issue of the written episodes (an empty list: the story holds)."""
    if ledger is None:
        return []
    issues = _ledger(ledger)
    issues += _absent(plan, beats, ledger)
    issues += _payoff(plan, beats)
    issues += _introduced(beats, names)
    issues += _cliffhanger_cast(plan, beats)
    return issues
