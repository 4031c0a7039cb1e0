"""Stage 3 for an episode with a story event: beats written from the event (docs/architecture.md, "Story").

:class:`EventWriter` is the beat writer of ``stages.beats`` (``stages.beat_writer``) with three changes:

- **The hook pays off the last cliffhanger.** Its action is a payoff phrase of the event
  the episode opens on (``EpisodePlan.opening``): the immediate consequence, naming the
  same people and object, in the first seconds. Episode 1 opens on the season's opening
  blow itself.
- **Show, then tell.** Every beat has an action paragraph of what the camera sees (about
  12–30 words), written from a concrete scene with this event's own phrasings as worked
  examples; a character's first beat in the episode names them in its action. Fewer
  dialogue lines follow from the time budget (dialogue share ~0.3–0.55).
- **Lines for the event.** Each line is conditioned on its speaker, the person spoken to,
  the emotion and the scene; worked examples and fallbacks are the event's phrase lines for
  the speaker's side. Off-world text (a phone in 1920s Shanghai, a vampire in a drama with
  no magic, "the screen") is refused.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from ...core.models import Beat, EpisodeBeats, StoryEvent
from ...core.seeding import rng
from ...core.timing import estimate_elements
from ..events import filler
from ..grounding import event_check, event_words, grounded, keeps, presence_forms, world_of
from ..phrases import phrases_for
from ..places import place_phrase
from ..scenes import phrase_options, scene_line
from ..slots import Slot
from ..spoken import spoken
from ..vocabulary import season_texts, season_vocabulary, vocabulary_check
from . import _get, first
from .beat_writer import HOOK_MAX_SECONDS, _others, _Writer

__all__ = ["EventWriter"]

ACTION_MIN, ACTION_SWEET, ACTION_MAX = 10, 18, 30


class EventWriter(_Writer):
    def __init__(self, ctx, skeleton, plan_ep, bible, trope, settings, previous):
        super().__init__(ctx, skeleton, plan_ep, bible, trope, settings, previous)
        self.ev: StoryEvent = plan_ep.event
        self.opening: StoryEvent | None = plan_ep.opening
        self.world = dataclasses.replace(world_of(trope), bible=bible)
        self.need = event_words(self.ev, self.ev.detail)
        self.strict = event_words(self.ev)  # the object and the type's verbs: what a model line must show
        events = [e for e in (self.ev, self.opening) if e is not None]
        self.vocab = season_vocabulary(season_texts(bible, trope, events))
        story = _get(trope, "story")
        self.base["world"] = (str(_get(story, "world", "")) if story is not None else "") or "Present day"
        self.kws = self.kws + sorted(self.need)
        self.scene = scene_line(self.ev, self.opening)
        self.used_phrases: set[int] = set()
        self.take: tuple = ()
        self.salt = bible.trope_id  # two seasons with one seed do not draw the same authored phrases
        self.intro: dict[int, list[str]] = {}

    # -- allocation: an action paragraph in every beat --------------------------------------
    def allocate(self, skeleton: EpisodeBeats) -> list[tuple[bool, int]]:
        alloc = super().allocate(skeleton)
        last = len(skeleton.beats) - 1
        return [(i != last or b.kind != "cliffhanger", n) for i, ((_, n), b) in enumerate(zip(alloc, skeleton.beats))]

    def drafts(self, beats, only, purpose, keep=None):
        # another take (regenerate the episode or one beat: purpose carries the variant / rewrite tag) draws
        # other authored phrases too; the season's own text (purpose ("beats", n)) draws none of these keys
        self.take = tuple(purpose[2:])
        self.said_at: tuple[int, int] | None = None
        beats = self._side_cast(self._pair_cast(self._hook_cast(list(beats))))
        self.turn_at = next((i for i, b in enumerate(beats) if b.kind == "turn"), 1)
        seen: set[str] = set()
        for i, b in enumerate(beats):
            self.intro[i] = [c for c in b.characters if c not in seen]
            seen.update(b.characters)
        return super().drafts(beats, only, purpose, keep)

    def _pair_cast(self, beats: list[Beat]) -> list[Beat]:
        """A beat of one character gets a second one from the event (or the event it opens on): lines are said
        to someone, and an exchange needs two voices. Nobody absent from the episode is added."""
        people = [p for e in (self.ev, self.opening) if e is not None for p in e.participants]
        absent = set(self.ep.absent)
        out = []
        for b in beats:
            if len(b.characters) == 1 and b.kind not in ("hook", "cliffhanger"):
                partner = next((p for p in people if p != b.characters[0] and p not in absent
                                and self.bible.character(p)), None)
                if partner is not None:
                    b = b.model_copy(update={"characters": [b.characters[0], partner]})
            out.append(b)
        return out

    def _side_cast(self, beats: list[Beat]) -> list[Beat]:
        """A beat between the hook and the cliffhanger is the event's two sides, its actor and its target, and at
        most one onlooker from the beat sheet, the first time they are in the episode. The event's lines and shots
        are written for its two sides: with one side missing, the love interest was handed the villain's part
        ('Lucas mimics Mara's accent', stop 26), or the villain the lover's ('Derek raises a hand to knock … Is
        this the end of us?' in a confession, stop 27)."""
        ev, absent = self.ev, set(self.ep.absent)
        principals = [ev.actor, ev.target]
        if ev.actor == ev.target or not all(p and p not in absent and self.bible.character(p) for p in principals):
            return beats
        out, seen = [], set(principals)
        for b in beats:
            if b.kind not in ("hook", "cliffhanger"):  # the actor first: an exchange is {a}'s line, then {b}'s answer
                onlooker = [c for c in b.characters if c not in seen][:1]  # new here: the shot says they watch
                b = b.model_copy(update={"characters": principals + onlooker})
            seen.update(b.characters)
            out.append(b)
        return out

    def speakers(self, b: Beat) -> list[str]:
        """Who talks in a beat: the event's two sides where both are in it (an onlooker only watches: their
        lines would be one side's or the other's), else everyone in it."""
        sides = [c for c in b.characters if c in (self.ev.actor, self.ev.target)]
        return sides if len(sides) == 2 and b.kind not in ("hook", "cliffhanger") else super().speakers(b)

    def _hook_cast(self, beats: list[Beat]) -> list[Beat]:
        """The hook shows the people of the event it pays off."""
        if not beats or beats[0].kind != "hook" or self.opening is None:
            return beats
        keep = [c for c in beats[0].characters if c in self.opening.participants]
        cast = keep or [c for c in self.opening.participants if self.bible.character(c)]
        return [beats[0].model_copy(update={"characters": cast})] + beats[1:]

    # -- the hook: the payoff of the last cliffhanger ---------------------------------------
    def fixed_action(self, b: Beat, idx: int) -> str | None:
        if idx != 0 or b.kind != "hook" or self.opening is None:
            return None
        kind = "cliffhanger" if self.opening.id.endswith("-open") else "payoff"
        options = sorted(phrase_options(self.opening, kind, self.world), key=len)
        need = event_words(self.opening, self.opening.detail)  # the payoff rule: the hook shows the event
        options = [t for t in options if grounded(t, need)] or options
        r = rng(self.ctx.seed, "beats", self.salt, self.ep.number, "payoff", *self.take)
        head = self.settings.heading_seconds if b.new_scene else 0.0
        fits = [t for t in options if head + estimate_elements([("action", t)], self.settings) <= HOOK_MAX_SECONDS - 1]
        return r.choice(fits or options[:1])

    # -- action paragraphs ------------------------------------------------------------------
    def _fill_for(self, b: Beat, names: list[str]):
        """The phrase values for a beat: the event's actor in {a}'s place and its target in {b}'s where they are in
        the beat (a betrayal's phrase must not make the betrayed the one who sells), else who is there."""
        ev, chars = self.ev, list(b.characters)
        if ev.actor in chars or ev.target in chars:
            a = ev.actor if ev.actor in chars else next((c for c in chars if c != ev.target), ev.actor)
            o = ev.target if ev.target in chars and ev.target != a else \
                next((c for c in chars if c != a), None) or _others(chars, a, self.bible)
        else:
            a = names[0] if names else (chars[0] if chars else ev.actor)
            o = next((c for c in chars if c != a), None) or _others(chars, a, self.bible)
        loc = place_phrase(b.location)
        return dataclasses.replace(filler(self.ev, self.world.stakes), a=first(a), b=first(o), loc=loc)

    def _action_fallback(self, b: Beat, idx: int, names: list[str]) -> str:
        fill = self._fill_for(b, names)
        templates = _action_templates(self.ev)
        options = {k: fill.fill(t) for k, t in enumerate(templates)}
        options = {k: t for k, t in options.items() if keeps(t, self.world)} or options
        where = self.bible.location(b.location)
        r = rng(self.ctx.seed, "beats", self.salt, self.ep.number, idx, "action-fallback", *self.take)
        unused = [k for k in options if k not in self.used_phrases]  # a set that fits, else a new action, else any
        free = [k for k in unused if _fits_place(options[k], where)] or unused or list(options)
        k = r.choice(free)
        self.used_phrases.add(k)  # a template's index: the episode does not repeat an action
        text = options[k]
        missing = [first(n) for n in names if first(n) not in text]
        if not missing:
            return text
        forms = presence_forms()
        one, two = forms[(self.ep.number + idx) % len(forms)]  # one after another through the season
        return f"{text} {(two if len(missing) > 1 else one).format(who=' and '.join(missing))}"

    def action_slot(self, b: Beat, idx: int) -> Slot:
        names = self.intro.get(idx) or []
        who = names or b.characters or [self.ev.actor]
        examples = self._action_examples()
        return Slot(kind="beats.action", template="beats/event_action.j2",
                    context={**self.base, "examples": examples, "location": b.location.title(),
                             "who": ", ".join(first(c) for c in who)},
                    fallback=self._action_fallback(b, idx, names), names=self.names, required=list(who),
                    require_name=True, allowed_words=self.words + _object_words(self.ev), keywords=self.kws,
                    min_words=ACTION_MIN, max_words=ACTION_MAX, sweet_words=ACTION_SWEET, labels=("Shot", "Beat"),
                    no_first_person=True, max_tokens=40, prefix=first(who[0]), candidates=self._n("beats.action"),
                    check=_no_pronoun(vocabulary_check(self.vocab, event_check(names or who[:1], self.strict,
                                                                                self.world))),
                    retry=False)

    def _action_examples(self) -> list[dict[str, str]]:
        """The same three worked action paragraphs for every beat of the episode (one shared prompt prefix)."""
        ev = self.ev
        texts = rng(self.ctx.seed, "beats", self.salt, self.ep.number, "action-examples").sample(
            phrase_options(ev, "action", self.world), 3)
        who = ", ".join(first(n) for n in ev.participants)
        return [{"location": (ev.location or self.sk.beats[0].location).title(), "who": who, "text": t}
                for t in texts]

    # -- lines --------------------------------------------------------------------------------
    def fixed_line(self, b: Beat, idx: int, j: int, speaker: str) -> str | None:
        """The secret said aloud (story/spoken.py), once an episode, from its first turn on (before the
        cliffhanger), by the side the phrase file names (``said_by``): to the face of the one it is about, or of
        oneself (a confession, a foe's threat)."""
        ph = phrases_for(self.ev.type)
        by = self.ev.actor if ph.said_by == "a" else self.ev.target
        if (not ph.said or not self.ev.secret or self.said_at is not None or speaker != by
                or idx < self.turn_at or b.kind in ("hook", "cliffhanger")):
            return None
        text = spoken(self.ev.detail, self.bible, speaker, _others(b.characters, speaker, self.bible))
        if text is None or (ph.said_by == "b" and not text.startswith("I ")):  # a foe says only their own deed
            return None
        r = rng(self.ctx.seed, "beats", self.salt, self.ep.number, "said", *self.take)
        options = [t.format(said=text) for t in ph.said]
        line = r.choice([t for t in options if len(t.split()) <= 18] or [f"{text}."])
        if len(line.split()) > 22:
            return None
        self.said_at = (idx, j)
        return line

    def _line_fill(self, speaker: str, to: str, side: str):
        """The event's phrase values with the speaker in their side's place and the person spoken to in the other."""
        a, b = (first(speaker), to) if side == "a" else (to, first(speaker))
        fill = filler(self.ev, self.world.stakes)
        return dataclasses.replace(fill, a=a, b=b, stakes=_spoken_stakes(fill.stakes, speaker, to, self.bible))

    def _side(self, speaker: str, idx: int, j: int) -> str:
        """Whose lines the speaker takes: their own side of the event, else the side they stand with
        (a foe speaks the foe's lines, a friend the lead's)."""
        if speaker == self.ev.actor:
            return "a"
        if speaker == self.ev.target:
            return "b"
        lead = next((c.name for c in self.bible.characters if c.role == "lead"), self.bible.characters[0].name)
        lead_side = "b" if self.ev.target == lead else "a"
        ch = self.bible.character(speaker)
        foe = ch is not None and ch.role in ("antagonist", "rival")
        return ("a" if lead_side == "b" else "b") if foe else lead_side

    def line_slot(self, b: Beat, idx: int, j: int, speaker: str, paren: str, used: set[str]) -> Slot:
        if b.kind == "hook":
            slot = super().line_slot(b, idx, j, speaker, paren, used)
            line = self._hook_line(b, idx, j, speaker, used)
            return dataclasses.replace(slot, fallback=line) if line else slot
        ch = self.bible.character(speaker)
        to = _others(b.characters, speaker, self.bible)
        side = self._side(speaker, idx, j)
        fill = self._line_fill(speaker, to, side)
        raw = _line_templates(self.ev, side)
        r = rng(self.ctx.seed, "beats", self.salt, self.ep.number, idx, j, "line", *self.take)
        order = rng(self.ctx.seed, "beats", self.salt, self.ep.number, side, "line-examples").sample(
            range(len(raw)), len(raw))
        shown = [_fill_side(self.ev, self.world.stakes, self.ev.actor, self.ev.target, raw[k]) for k in order[:3]]
        fallback = self._exchange_line(b, idx, j, speaker, side, fill, used)
        if fallback is None:
            options = [fill.fill(t) for t in raw]  # the shown examples may be fallbacks too (fewer repeats)
            options = [t for t in options if keeps(t, self.world)] or options
            free = [t for t in options if t not in used] or options
            fallback = r.choice(free)
        used.add(fallback)
        ex_cue = (self.bible.character(self.ev.actor if side == "a" else self.ev.target) or ch)
        ex_to = first(self.ev.target if side == "a" else self.ev.actor)
        examples = [{"cue": ex_cue.cue if ex_cue else speaker.upper(), "to": ex_to, "paren": "low", "text": t}
                    for t in shown]
        return Slot(kind="beats.line", template="beats/event_line.j2",
                    context={**self.base, "scene": self.scene, "examples": examples,
                             "cue": ch.cue if ch else speaker.upper(), "to": to, "paren": paren,
                             "speech": ch.speech if ch else ""},
                    fallback=fallback, names=self.names, avoid=[speaker],
                    allowed_words=self.words + _object_words(self.ev),
                    keywords=self.kws, min_words=3, max_words=20, sweet_words=10, max_tokens=26,
                    candidates=self._n("beats.line"),
                    check=self._line_check, retry=False)

    def _hook_line(self, b: Beat, idx: int, j: int, speaker: str, used: set[str]) -> str | None:
        """The hook's authored line: one of the paid-off event's own for the speaker's side ('Others know. If I
        disappear, they talk.'), short enough for a hook; None where the speaker took no side in it. The stock
        hook lines ('Get out. Now.') and the default model's ('Where did you find those shoes.') were off story."""
        ev = self.opening
        side = None if ev is None else "a" if speaker == ev.actor else "b" if speaker == ev.target else None
        if ev is None or side is None:
            return None
        to = _others(b.characters, speaker, self.bible)
        a, o = (first(speaker), first(to)) if side == "a" else (first(to), first(speaker))
        fill = dataclasses.replace(filler(ev, self.world.stakes), a=a, b=o,
                                   stakes=_spoken_stakes(self.world.stakes, speaker, to, self.bible))
        options = [fill.fill(t) for t in _line_templates(ev, side)]
        options = [t for t in options if keeps(t, self.world) and len(t.split()) <= 8 and t not in used]
        if not options:
            return None
        line = rng(self.ctx.seed, "beats", self.salt, self.ep.number, idx, j, "hook-line", *self.take).choice(options)
        used.add(line)
        return line

    def _line_check(self, text: str) -> str | None:
        """A model line must show the event itself (its object or a verb of its type, not just a word of the
        secret), stay in the world, and claim no family the cast does not have ('my wife', 'my father')."""
        kin = _KIN.search(text)
        if kin and not any(kin.group(1) in (c.tie or "").lower() for c in self.bible.characters):
            return "off_story"
        return vocabulary_check(self.vocab, event_check([], self.strict, self.world))(text)

    def _exchange_line(self, b: Beat, idx: int, j: int, speaker: str, side: str, fill, used: set[str]) -> str | None:
        """The fallback from one of the event's two-line exchanges, so that the beat's speakers answer each other.

        The season rotates through the type's exchanges (``StoryEvent.nth``: the how-many-th event of its type),
        so two betrayal episodes do not share them."""
        pairs = [p for p in _exchanges(self.ev) if keeps(fill.fill(p[0]) + " " + fill.fill(p[1]), self.world)]
        if not pairs:
            return None
        order = rng(self.ctx.seed, "beats", self.salt, "exchanges", self.ev.type).sample(range(len(pairs)), len(pairs))
        speakers = [c for c in b.characters if self.bible.character(c)]
        # the one answered is across the event (with the lead, her love interest and the foe in one beat, the love
        # interest answered the lead with the foe's 'Then name your price', stop 26), else whoever is there
        other = next((c for c in speakers if c != speaker and self._side(c, idx, j) != side), None) or \
            next((c for c in speakers if c != speaker), None)
        by_side = other is not None and self._side(other, idx, j) != side
        pick = (self.ev.nth * len(self.sk.beats) + idx + j // 2) % len(pairs)
        if self.take:
            pick += rng(self.ctx.seed, "beats", self.salt, "exchange-take", *self.take).randrange(len(pairs))
        for step in range(len(pairs)):
            pair = pairs[order[(pick + step) % len(pairs)]]
            text = fill.fill(pair[0] if (side == "a" if by_side else j % 2 == 0) else pair[1])
            if text not in used:
                return text
        return None

    def _fallback_line(self, i: int, d, speaker: str, used: set[str]) -> str:
        side = self._side(speaker, i, len(d.lines))
        to = _others(d.beat.characters, speaker, self.bible)
        fill = self._line_fill(speaker, to, side)
        options = [fill.fill(t) for t in _line_templates(self.ev, side)]
        options = [t for t in options if keeps(t, self.world)] or options
        free = [t for t in options if t not in used] or options
        return rng(self.ctx.seed, "beats", self.salt, self.ep.number, i, "fit", len(d.lines), *self.take).choice(free)

    def _fallback_action(self, i: int, d) -> str:
        return self._action_fallback(d.beat, i, [])


_PRONOUN = re.compile(r"\b(?:he|she|him|his|her|hers|himself|herself)\b", re.I)


def _no_pronoun(inner):
    """An action paragraph names its people: with two people of a gender in the shot, 'he' is either, and the
    library writes names only. Every model action accepted in two seasons read at stop 26 had one and was
    nonsense ('… from his other hand, who looks down at the coin on it while he smiles')."""
    def check(text: str) -> str | None:
        return "pronoun" if _PRONOUN.search(text) else inner(text)

    return check


def _fill_side(ev: StoryEvent, stakes: str, actor: str, target: str, template: str) -> str:
    """A line template filled for the event's own people and the season's stakes."""
    return dataclasses.replace(filler(ev, stakes), a=first(actor), b=first(target)).fill(template)


#: a bed is at home, and a drawer or a fireplace indoors: 'opens a locked case under the bed' at the fish market and
#: 'crouches by the fireplace in the moonlit forest' read as set errors (stop 28)
_BED = re.compile(r"\b(?:bed|beds|pillow|bedside)\b", re.I)
_HOME = re.compile(r"\b(?:APARTMENT|HOUSE|HOME|BEDROOM|SUITE|COTTAGE|FLAT|CABIN|QUARTERS|VILLA|MANOR|MANSION|ESTATE|"
                   r"ROOM|DORM|HOTEL|MOTEL|INN|CHAMBERS?|BEDCHAMBER|TENT|LOFT|PENTHOUSE|HOSPITAL|WARD|CLINIC)\b")
_INDOORS = re.compile(r"\b(?:drawers?|fireplace|shelf|desk|curtains?|stairs|wall panel|wardrobe|mirror|ceiling|"
                      r"sofa|couch|floorboards?|study door|off the wall|on the wall)\b", re.I)


def _fits_place(text: str, where: Any) -> bool:
    """Whether an action's set suits the beat's location (a ``Location``; None when the bible has no such one)."""
    if where is None:
        return True
    if not where.interior and _INDOORS.search(text):
        return False
    return not _BED.search(text) or bool(_HOME.search(where.name))


def _action_templates(ev: StoryEvent) -> list[str]:
    """The event's action phrases that suit any beat: no {secret} without a secret, no place of their own."""
    from ..phrases import fits_event, phrases_for

    raw = phrases_for(ev.type).action
    keep = [t for t in raw if fits_event(t, ev)
            and ("{loc}" in t or not re.match(r"(At|In|On|Outside|Inside) (an?|the) ", t))]
    return keep or raw


def _line_templates(ev: StoryEvent, side: str) -> list[str]:
    from ..phrases import fits_event, phrases_for

    raw = getattr(phrases_for(ev.type).lines, side)
    return [t for t in raw if fits_event(t, ev, spoken=True)] or raw


def _spoken_stakes(stakes: str, speaker: str, to: str, bible) -> str:
    """The lead's stakes said aloud: 'her home and her good name' is 'my …' from the lead, 'your …' to the lead."""
    lead = next((c.name for c in bible.characters if c.role == "lead"), "")
    if not lead or not re.match(r"(her|his)\b", stakes):
        return stakes
    who = "my" if first(speaker) == first(lead) else "your" if first(to) == first(lead) else None
    return re.sub(r"\b(her|his)\b", who, stakes) if who else stakes


#: a relative the speaker claims ("my wife"): refused unless a character's tie names that relation
_KIN = re.compile(r"\bmy (wife|husband|father|mother|son|daughter|sister|brother|baby|child|fiancee?|uncle|aunt)\b",
                  re.I)


def _exchanges(ev: StoryEvent) -> list[tuple[str, str]]:
    """The event type's two-line exchanges that suit this event (no {secret} without a secret, papers signed only)."""
    from ..phrases import fits_event, phrases_for

    raw = [tuple(p) for p in getattr(phrases_for(ev.type), "exchanges", []) or []]
    return [p for p in raw if fits_event(p[0] + " " + p[1], ev, spoken=True)]


def _object_words(ev: StoryEvent) -> list[str]:
    return [w for w in (ev.object + " " + ev.detail).title().split() if w.isalpha()]
