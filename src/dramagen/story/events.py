"""The season as typed story events: one cliffhanger event per episode, chosen by rules.

:func:`build_ledger` turns the planner's skeleton (episode functions and cliffhanger
types), the bible and the trope's story facts (:class:`dramagen.story.tropes.TropeStory`:
secrets with holders and evidence, recurring objects) into a :class:`StoryLedger` and a
plan whose episodes carry their event (``EpisodePlan.event``), the event they open on
(``EpisodePlan.opening``: the previous episode's cliffhanger, or the season's opening
humiliation), and who cannot appear (``EpisodePlan.absent``).

Events are chosen episode by episode against the ledger's state, so every one meets its
preconditions: a secret is discovered before it is exposed and exposed once, a kidnapping
is followed by a rescue, the antagonist falls only after their secret is public. The
cliffhanger type stays the planner's; the event type is the first of that type's
candidates whose preconditions hold (docs/architecture.md, "Story").
"""

from __future__ import annotations

from typing import Any

from ..core.models import EpisodePlan, LedgerState, SeasonPlan, Secret, SeriesBible, StoryEvent, StoryLedger
from ..core.seeding import rng
from .ledger import LedgerError, apply_event, replay
from .phrases import Filler, object_kinds, phrases_for
from .places import place_phrase
from .spoken import named

__all__ = ["build_ledger", "story_facts", "filler", "CANDIDATES", "FUNCTION_FIRST"]

#: cliffhanger type → event types to try, in order
CANDIDATES: dict[str, tuple[str, ...]] = {
    "reveal": ("discovery", "exposure", "confession", "threat"),
    "identity": ("identity", "discovery", "exposure", "confession"),
    "betrayal": ("betrayal",),
    "arrival": ("arrival", "threat"),
    "danger": ("threat", "kidnapping"),
    "accident": ("accident",),
    "confession": ("confession", "discovery", "proposal"),
    "ultimatum": ("ultimatum",),
    "decision": ("decision",),
    "choice": ("decision", "proposal"),
}
#: episode function → event types tried before the cliffhanger type's
FUNCTION_FIRST: dict[str, tuple[str, ...]] = {
    "reversal": ("face_slap",),
    "climax": ("exposure",),
    "resolution": ("downfall", "proposal"),
    "dark_moment": ("betrayal", "kidnapping"),
}
_FALLBACK = ("threat", "decision", "accident", "arrival")


def _get(obj: Any, key: str, default: Any = None) -> Any:
    return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)


def _by_role(bible: SeriesBible) -> dict[str, str]:
    out: dict[str, str] = {}
    for c in bible.characters:
        out.setdefault(c.role, c.name)
    lead = out.get("lead", bible.characters[0].name)
    others = [c.name for c in bible.characters if c.name != lead]
    out.setdefault("lead", lead)
    out.setdefault("antagonist", out.get("rival", others[-1]))
    out.setdefault("rival", out["antagonist"])
    out.setdefault("love_interest", next((n for n in others if n != out["antagonist"]), others[0]))
    return out


def story_facts(trope: Any, bible: SeriesBible) -> tuple[list[Secret], list[str], str]:
    """The season's secrets (roles resolved to bible names), recurring objects, and stakes."""
    roles = _by_role(bible)
    story = _get(trope, "story")
    secrets: list[Secret] = []
    if story is not None:
        for s in _get(story, "secrets", []):
            about = roles.get(s.about, roles["lead"])
            secrets.append(Secret(id=s.id, about=about, holder=roles.get(s.holder, roles["lead"]),
                                  text=named(s.text, about), evidence=s.evidence))
        objects = list(_get(story, "objects", []))
        stakes = str(_get(story, "stakes", "everything"))
    else:
        lead, ant, love = roles["lead"], roles["antagonist"], roles["love_interest"]
        secrets = [Secret(id="lead-past", about=lead, holder=lead, text="she is not who everyone believes she is",
                          evidence="the old photograph"),
                   Secret(id="villain-crime", about=ant, holder=ant, text="the ruin of her family was no accident",
                          evidence="the sealed letter"),
                   Secret(id="love-promise", about=love, holder=love, text="he has watched over her for years",
                          evidence="the pocket watch")]
        objects, stakes = ["the ring", "the phone"], "everything she has"
    for s in secrets:
        if s.evidence not in objects:
            objects.append(s.evidence)
    return secrets, objects, stakes


def _initial(bible: SeriesBible, secrets: list[Secret], objects: list[str], lead: str = "") -> LedgerState:
    knows = {s.id: sorted({s.holder, s.about}) for s in secrets}
    held = {o: "" for o in objects}
    for s in secrets:  # one's own evidence is at hand, and the lead's proof; another's is hidden until discovered
        held[s.evidence] = s.holder if s.about == s.holder or (lead and s.holder == lead) else ""
    return LedgerState(status={c.name: "present" for c in bible.characters}, knows=knows, objects=held)


#: events in which the lead acts with the prop (the proof of a foe's secret she holds may be that prop)
_LEAD_WIELDS = frozenset({"face_slap", "exposure", "downfall", "decision"})


def filler(ev: StoryEvent, stakes: str = "") -> Filler:
    """The values an event's phrases are filled with."""
    return Filler(a=ev.actor.split()[0], b=ev.target.split()[0], object=ev.object or "the letter",
                  secret=ev.detail or stakes or "the truth", loc=place_phrase(ev.location),
                  stakes=stakes or ev.detail or "everything")


class _Builder:
    def __init__(self, skeleton: SeasonPlan, bible: SeriesBible, trope: Any, seed: int):
        self.plan, self.bible, self.seed = skeleton, bible, seed
        self.roles = _by_role(bible)
        self.lead = self.roles["lead"]
        secrets, objects, self.stakes = story_facts(trope, bible)
        self.ledger = StoryLedger(characters=bible.names, secrets=secrets, objects=objects,
                                  initial=_initial(bible, secrets, objects, self.lead))
        self.state = self.ledger.initial
        self.n = len(skeleton.episodes)
        self.e = 0
        self.uses: dict[str, int] = {}
        self.betrayals: dict[str, int] = {}  # who has betrayed the lead, how often

    # -- who ----------------------------------------------------------------------------
    def _present(self, *exclude: str) -> list[str]:
        return [c.name for c in self.bible.characters
                if self.state.status.get(c.name) == "present" and c.name not in exclude]

    def _foe(self, e: int) -> str | None:
        for role in ("antagonist", "rival", "family"):
            name = self.roles.get(role)
            if name and name != self.lead and self.state.status.get(name) == "present":
                return name
        rest = self._present(self.lead, self.roles["love_interest"])
        return rest[e % len(rest)] if rest else None

    def _betrayer(self, e: int, foe: str | None) -> str | None:
        """Who betrays her: someone present but the foe and the mentor, of those who betrayed her least so far; None
        when each of them has betrayed her as often as a season allows (once in 40 episodes, at least once); the foe
        when nobody else is there."""
        rest = self._present(self.lead, foe or "", self.roles.get("mentor", ""))
        if not rest:
            return foe
        least = min(self.betrayals.get(n, 0) for n in rest)
        if least >= max(1, self.n // 40 + 1):
            return None
        return self._pick(e, [n for n in rest if self.betrayals.get(n, 0) == least])

    def _other(self, e: int, *exclude: str) -> str | None:
        return self._pick(e, self._present(self.lead, *exclude))

    def _pick(self, e: int, names: list[str]) -> str | None:
        return names[rng(self.seed, "events", "other", e).randrange(len(names))] if names else None

    def _object(self, e: int, kind: str = "", who: tuple[str, ...] = ()) -> str:
        """A prop for an event that turns on no secret (never the hidden evidence of a secret): the one the
        season has used least so far, so that one prop does not carry every episode. Nor the proof of a secret
        about someone the event leaves out ("Elena signs the unsent letter" at Regina: his letter, stop 28)."""
        evidence = {s.evidence for s in self.ledger.secrets if s.id not in self.state.public  # the proof of a
                    and (kind not in _LEAD_WIELDS or s.about == self.lead  # foe's secret she holds may be in
                         # her hands (a face slap, a downfall), never in a foe's ('Carmine pours wine over the
                         or self.state.objects.get(s.evidence) != self.lead)}  # pawn ticket'); her own never
        evidence |= {s.evidence for s in self.ledger.secrets if who and s.about not in (self.lead, *who)}
        props = [o for o in self.ledger.objects if o not in evidence] or self.ledger.objects
        least = min(self.uses.get(o, 0) for o in props)
        obj = next(o for o in props if self.uses.get(o, 0) == least)  # at a tie, the story's own objects come first
        self.uses[obj] = self.uses.get(obj, 0) + 1
        return obj

    # -- candidates ----------------------------------------------------------------------
    def _secret_for(self, kind: str) -> Secret | None:
        st, lead = self.state, self.lead
        for s in self.ledger.secrets:
            if s.id in st.public:
                continue
            knows = lead in st.knows.get(s.id, [])
            if kind == "discovery" and not knows and s.about != lead:
                return s
            if kind == "exposure" and knows and s.about != lead and st.objects.get(s.evidence) == lead \
                    and (self.e >= 0.7 * self.n or s.about != self._foe(self.e)):
                return s  # the main foe's secret is kept for the climax
            if kind == "identity" and s.about == lead:
                return s
            if kind == "confession" and s.holder != lead and not knows and s.holder != self._foe(self.e):
                return s  # a foe does not confess their crime: the lead must discover it
        return None

    def _make(self, kind: str, e: int, loc: str) -> StoryEvent | None:
        self.e = e
        lead, love = self.lead, self.roles["love_interest"]
        foe = self._foe(e)
        a, b, obj, sid = lead, foe, "", ""
        if kind in ("discovery", "exposure", "identity", "confession"):
            s = self._secret_for(kind)
            if s is None:
                return None
            sid, obj = s.id, s.evidence
            if kind == "discovery" or kind == "exposure":
                b = s.about
            elif kind == "identity":  # revealed to the one who looked down on her ('{b} has dismissed {a} as a
                # nobody'): the foe; to the love interest that read as his scorn (stop 27)
                b = foe if foe and foe != lead and self.state.status.get(foe) == "present" else love
            else:
                a, b = s.holder, lead
        elif kind == "arrival":
            away = [n for n, st in self.state.status.items() if st == "away"]
            a, b = lead, (away[0] if away else self._other(e, foe or ""))
        elif kind == "rescue":
            captive = [n for n, st in self.state.status.items() if st == "captive"]
            if not captive:
                return None
            a, b = (love if love != captive[0] else self._other(e, captive[0]) or lead), captive[0]
        elif kind == "kidnapping":
            if e >= self.n:
                return None
        elif kind == "downfall":
            fallen = next((s for s in self.ledger.secrets if s.about == foe and s.id in self.state.public), None)
            if fallen is None:
                return None
            obj = fallen.evidence  # what brought them down, not the prop used least ('the old photograph')
        elif kind == "proposal":  # with a ring: 'Grace holds out the birth certificate, and Leo's answer is drowned
            a, b = love, lead  # by the fireworks' (stop 28); no ring among the story's props, no proposal
            worn = [o for o in self.ledger.objects if "worn" in object_kinds(o)]
            obj = next((o for o in worn if o.endswith("ring")), worn[0] if worn else "")
            if not obj:
                return None
        elif kind == "decision" and love != lead and self.state.status.get(love) == "present":
            b = love  # a decision's phrases leave a partner ('I waited three years for you to see me')
        elif kind in ("betrayal",):  # never the elder who stands by her (her secret father sold her out, stop 28),
            b = self._betrayer(e, foe)  # and not the same one time after time (the fiancé five times in 60)
            if b is None:
                return None
        if kind == "threat" and e == 1 and (proof := self._held_proof()) is not None:
            sid = proof.id  # the foe comes for the proof she holds: the episode turns on that secret, and the
            # foe's leverage is another prop (a threat's phrases put its object in the foe's hands)
        if not obj:  # every event has a prop the camera can hold on (and the payoff can name)
            obj = self._object(e, kind, (a, b))
        if a is None or b is None or a == b:
            return None
        sec = self.ledger.secret(sid) if sid else None
        ev = StoryEvent(id=f"ep{e:03d}", episode=e, type=kind, actor=a, target=b, object=obj, secret=sid,
                        location=loc, detail=(sec.text if sec else self.stakes)[:200])
        fill = filler(ev, self.stakes)
        return ev.model_copy(update={"summary": fill.fill(phrases_for(kind).summary)})

    def _try(self, kinds, e: int, loc: str) -> StoryEvent | None:
        for kind in kinds:
            ev = self._make(kind, e, loc)
            if ev is None:
                continue
            try:
                self.state = apply_event(self.ledger, self.state, ev)
            except LedgerError:
                continue
            if ev.type == "betrayal":
                self.betrayals[ev.target] = self.betrayals.get(ev.target, 0) + 1
            return ev
        return None

    def _held_proof(self) -> Secret | None:
        """A foe's secret whose proof the lead already holds (a premise where she found the evidence)."""
        return next((s for s in self.ledger.secrets if s.about != self.lead and s.id not in self.state.public
                     and self.state.objects.get(s.evidence) == self.lead), None)

    def event(self, ep: EpisodePlan, forced: tuple[str, ...]) -> StoryEvent:
        first = forced or FUNCTION_FIRST.get(ep.function, ())
        if ep.number == 1 and not forced:  # the inciting incident: the foe's secret enters the story
            first = ("threat",) if self._held_proof() else ("discovery",)
        if ep.function == "resolution" and ep.number < self.n:
            first = ()
        kinds = (*first, *CANDIDATES[ep.cliffhanger_type], *_FALLBACK)
        ev = self._try(kinds, ep.number, ep.location)
        if ev is None:  # every candidate failed: a decision by the lead is always possible
            ev = self._try(("decision", "arrival"), ep.number, ep.location)
        assert ev is not None
        return ev


def build_ledger(skeleton: SeasonPlan, bible: SeriesBible, trope: Any, seed: int) -> tuple[StoryLedger, SeasonPlan]:
    """The season's ledger, and the plan with every episode's event, opening and absentees."""
    b = _Builder(skeleton, bible, trope, seed)
    first = skeleton.episodes[0]
    foe = b._foe(0) or bible.characters[1].name
    opening = StoryEvent(id="ep001-open", episode=1, type="humiliation", actor=b.lead, target=foe,
                         object=b._object(0), location=first.location, detail=b.stakes[:200])
    opening = opening.model_copy(update={"summary": filler(opening, b.stakes).fill(
        phrases_for("humiliation").summary)})
    b.state = apply_event(b.ledger, b.state, opening)
    events, eps = [opening], []
    previous, forced = opening, ()
    for ep in skeleton.episodes:
        before = b.state
        ev = b.event(ep, forced)
        ev = ev.model_copy(update={"nth": sum(x.type == ev.type for x in events[1:])})
        forced = ("rescue",) if ev.type == "kidnapping" else ()
        absent = sorted(n for n, st in before.status.items() if st != "present" and n not in ev.participants
                        and n not in previous.participants)
        cast = list(dict.fromkeys([*previous.participants, *ev.participants]))
        cast = [n for n in cast if before.status.get(n) == "present" or n in ev.participants][:4]
        eps.append(ep.model_copy(update={"event": ev, "opening": previous, "absent": absent, "characters": cast}))
        events.append(ev)
        previous = ev
    ledger = b.ledger.model_copy(update={"events": events})
    replay(ledger)  # the built ledger must replay (a bug here is ours, not the user's)
    return ledger, skeleton.model_copy(update={"episodes": eps})
