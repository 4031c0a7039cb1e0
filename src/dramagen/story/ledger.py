"""The season story ledger: story state as data, and typed events that change it.

A season's story is a sequence of :class:`StoryEvent` (one cliffhanger event per
episode, plus the season's opening blow). Each event type has **preconditions** on the
state (an exposure needs its actor to know the secret and hold the evidence; a rescue
needs its target to be held captive) and **effects** (the secret becomes public; the
captive is free). :meth:`StoryLedger.replay` applies the events in order from the
initial :class:`LedgerState` and refuses an impossible sequence with a
:class:`LedgerError` naming the event and the field, so a ledger edited by hand into an
impossible state (a dead character revived without an event, an unknown character) is
caught before anything is written from it. ``ledger.json`` in the season folder holds one
:class:`StoryLedger` (docs/architecture.md, "Story").
"""

from __future__ import annotations

from ..core.errors import DramagenError
from ..core.models import EVENT_TYPES, EventType, LedgerState, Secret, StoryEvent, StoryLedger, Thread

__all__ = ["EVENT_TYPES", "EventType", "LedgerError", "LedgerState", "Secret", "StoryEvent", "StoryLedger",
           "Thread", "apply_event", "event_rules", "replay", "states_before"]


class LedgerError(DramagenError, ValueError):
    """An event whose preconditions the state does not meet, or a ledger that names unknown things."""

    def __init__(self, where: str, field: str, message: str):
        self.where, self.field = where, field
        super().__init__(f"ledger: {where}.{field}: {message}")


# --------------------------------------------------------------------------- rules


def _need(cond: bool, where: str, field: str, message: str) -> None:
    if not cond:
        raise LedgerError(where, field, message)


def _check_refs(ledger: StoryLedger, st: LedgerState, ev: StoryEvent, where: str) -> None:
    names = set(ledger.characters)
    for fld in ("actor", "target"):
        _need(getattr(ev, fld) in names, where, fld, f"unknown character {getattr(ev, fld)!r}")
    if ev.secret:
        _need(ledger.secret(ev.secret) is not None, where, "secret", f"unknown secret {ev.secret!r}")
    if ev.object:
        _need(ev.object in ledger.objects, where, "object", f"unknown object {ev.object!r}")
    for fld in ("actor", "target"):
        who = getattr(ev, fld)
        status = st.status.get(who, "present")
        if status == "dead":
            raise LedgerError(where, fld, f"{who} is dead and cannot take part (no event brings them back)")
        if status == "away" and not (ev.type == "arrival" and fld == "target"):
            raise LedgerError(where, fld, f"{who} is away; an arrival event must bring them back first")
        if status == "captive" and not (ev.type == "rescue" and fld == "target"):
            raise LedgerError(where, fld, f"{who} is held captive; a rescue event must free them first")


def _knows(st: LedgerState, sid: str, who: str) -> bool:
    return sid in st.public or who in st.knows.get(sid, [])


def _learn(st: LedgerState, sid: str, *who: str) -> None:
    st.knows[sid] = sorted(set(st.knows.get(sid, [])) | set(who))


def _secret_rules(ledger: StoryLedger, st: LedgerState, ev: StoryEvent, where: str) -> None:
    t, a, b = ev.type, ev.actor, ev.target
    sec = ledger.secret(ev.secret) if ev.secret else None
    if t in ("discovery", "exposure", "identity", "confession"):
        _need(sec is not None, where, "secret", f"a {t} event turns on a secret")
        assert sec is not None
        _need(sec.id not in st.public, where, "secret", f"{sec.id!r} is already public: revealed twice")
    if t == "discovery":
        _need(not _knows(st, sec.id, a), where, "secret", f"{a} already knows {sec.id!r}")
        _learn(st, sec.id, a)
        if ev.object:
            st.objects[ev.object] = a
    elif t in ("exposure", "identity"):
        _need(_knows(st, sec.id, a) or sec.about == a, where, "secret",
              f"{a} cannot reveal {sec.id!r} without knowing it (no discovery set it up)")
        if t == "exposure":
            _need(bool(ev.object) and st.objects.get(ev.object) == a, where, "object",
                  f"an exposure needs its evidence in {a}'s hands ({ev.object or 'no object'} is held by "
                  f"{st.objects.get(ev.object, '') or 'nobody'})")
        st.public = sorted(set(st.public) | {sec.id})
    elif t == "confession":
        _need(_knows(st, sec.id, a), where, "secret", f"{a} cannot confess {sec.id!r} without knowing it")
        _learn(st, sec.id, b)


def _people_rules(st: LedgerState, ev: StoryEvent, where: str) -> None:
    t, a, b = ev.type, ev.actor, ev.target
    rel = dict(st.relations)
    if t == "arrival":
        st.status[b] = "present"
    elif t == "kidnapping":
        st.status[a] = "captive"
        st.threads = [*st.threads, Thread(kind="threat", source=b, target=a, text="holds them captive")]
    elif t == "rescue":
        _need(st.status.get(b) == "captive", where, "target", f"{b} is not held captive: nobody to rescue")
        st.status[b] = "present"
        st.threads = [x for x in st.threads if not (x.target == b and x.kind == "threat")]
    elif t == "downfall":
        st.status[b] = "away"
        rel[f"{b} > {a}"] = "brought down"
        st.threads = [x for x in st.threads if x.source != b]
    elif t in ("threat", "ultimatum"):
        st.threads = [*st.threads, Thread(kind="threat", source=b, target=a, text=ev.summary[:200])]
    elif t == "decision":
        st.threads = [*st.threads, Thread(kind="promise", source=a, target=b, text=ev.summary[:200])]
    elif t == "betrayal":
        rel[f"{b} > {a}"] = "betrayed"
        if ev.object:
            st.objects[ev.object] = b
    elif t == "proposal":
        rel[f"{a} > {b}"] = "proposed"
    elif t in ("humiliation", "face_slap"):
        rel[f"{b} > {a}" if t == "humiliation" else f"{a} > {b}"] = "humiliated"
    st.relations = rel


def apply_event(ledger: StoryLedger, state: LedgerState, ev: StoryEvent, where: str = "event") -> LedgerState:
    """The state after ``ev``; raises :class:`LedgerError` when its preconditions do not hold."""
    st = state.model_copy(deep=True)
    _check_refs(ledger, st, ev, where)
    _need(ev.actor != ev.target, where, "target", "an event needs two different characters")
    _secret_rules(ledger, st, ev, where)
    _people_rules(st, ev, where)
    return st


def event_rules() -> dict[str, str]:
    """What each event type needs and does, in words (for docs and the studio)."""
    return {
        "discovery": "needs: the actor does not know the secret yet; does: the actor knows it and holds the evidence",
        "exposure": "needs: the actor knows the secret and holds the evidence, the secret is not public; "
                    "does: the secret is public",
        "identity": "needs: the secret is the actor's own (or known to them), not public; does: it is public",
        "confession": "needs: the actor knows the secret; does: the target knows it",
        "kidnapping": "does: the actor is held captive by the target",
        "rescue": "needs: the target is held captive; does: the target is free",
        "arrival": "needs: the target is not dead; does: the target arrives (present)",
        "downfall": "does: the target is away (arrested, exiled) and their threats end",
        "betrayal": "does: the target has betrayed the actor (and holds the object, if any)",
        "threat": "does: an open threat from the target to the actor",
        "ultimatum": "does: an open threat with a deadline",
        "decision": "does: an open promise of the actor",
        "proposal": "does: the actor has proposed to the target",
        "humiliation": "does: the target has humiliated the actor",
        "face_slap": "does: the actor has humiliated the target in return",
        "accident": "does: nothing on the state (the actor is hurt)",
    }


def replay(ledger: StoryLedger) -> list[LedgerState]:
    """The state after each event (in order); raises :class:`LedgerError` at the first impossible one."""
    state = ledger.initial.model_copy(deep=True)
    out = []
    seen: set[str] = set()
    for i, ev in enumerate(ledger.events):
        where = f"events[{i}] ({ev.id})"
        if ev.id in seen:
            raise LedgerError(where, "id", "the same event id twice")
        seen.add(ev.id)
        state = apply_event(ledger, state, ev, where)
        out.append(state)
    return out


def states_before(ledger: StoryLedger) -> dict[str, LedgerState]:
    """event id → the state just before it."""
    before = {}
    state = ledger.initial
    for ev, after in zip(ledger.events, replay(ledger)):
        before[ev.id] = state
        state = after
    return before
