"""The plain beat writer of one episode (``stages.beats`` says what it does): allocation, slots, the fit loop.

:class:`_Writer` is subclassed by ``stages.beats_events.EventWriter`` for an episode with a story event;
``stages.beats`` picks the writer and holds the stage's public functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...core.models import Beat, EpisodeBeats, EpisodePlan, Line, SeriesBible
from ...core.seeding import rng
from ...core.timing import TimingSettings, estimate_elements, get_settings
from ..slots import Slot, SlotResult, WriteContext, fill_ranked
from .plan import CLIFFHANGER_FALLBACK
from .shared import FUNCTION_GLOSS, _get, adapt, allowed_words, cast_line, first, keywords, name_map

AIM = 0.05  # the fit loop stops inside ±5 % of the target
TOLERANCE = 0.10  # docs/architecture.md, Format: the episode must land inside ±10 % (and 60–90 s)
HOOK_MAX_SECONDS = 5.0
MAX_FIT_STEPS = 60
#: candidates per beat slot unless ``ctx.candidates_by_kind`` says otherwise (min with ctx.candidates):
#: an episode has ~16 slots, and 3 candidates keep the stage near 15–20 s an episode on 2 CPU cores
BEATS_CANDIDATES = 3

LINE_SECONDS = 5.0  # a planned dialogue line: ~13 words at 2.75 w/s plus a parenthetical now and then
ACTION_SECONDS = 1.6

_PARENS = {
    "hook": ("gasping", "furious", "stunned", "cold"),
    "development": ("quiet", "cold", "bitter", "smirking", "pleading", "low", "sharp", "steady"),
    "turn": ("stunned", "furious", "shaking", "icy", "breathless"),
    "cliffhanger": ("whispering", "stunned"),
}
_MOMENT = {"hook": "the shocking start", "development": "the pressure builds", "turn": "everything turns",
           "cliffhanger": "the final blow"}

_FALLBACK_LINES = [
    "You have no idea what you have just started, {o}.",
    "Look at me, {o}. I am not the fool you left behind.",
    "Say it again, {o}. Say it in front of everyone.",
    "I trusted you once. That was my only mistake.",
    "Stop lying, {o}. I already know the truth.",
    "You should have checked who you were talking to.",
    "One more word, {o}, and you will regret it forever.",
    "Everything you took from me, I will take back.",
    "Why are you really here, {o}? Tell me now.",
    "Do not touch me. You lost that right long ago.",
]
_HOOK_FALLBACK_LINES = ["Don't touch me.", "Get out. Now.", "You? Here?", "{o}, stop!"]
_FALLBACK_ACTIONS = [
    "{a} freezes as every eye in the room turns on {o}.",
    "{a} steps closer to {o}, fists clenched.",
    "{o} smirks and leans in close to {a}.",
    "{a}'s phone buzzes: one message changes everything.",
    "{a} stares {o} down without blinking.",
]
_HOOK_FALLBACK_ACTION = "{a} slams the door and faces {o}."


# --------------------------------------------------------------------------- helpers


def runtime_of(beats: list[Beat], bible: SeriesBible, settings: TimingSettings | None = None) -> float:
    return round(sum(estimate_elements(b.elements(bible), settings) for b in beats), 3)


def _retime(beats: list[Beat], bible: SeriesBible, settings: TimingSettings | None) -> list[Beat]:
    from ..planner import retime

    return retime(beats, bible, settings)


def _others(chars: list[str], who: str, bible: SeriesBible) -> str:
    rest = [first(c) for c in chars if c != who]
    if rest:
        return rest[0]
    return next(first(c.name) for c in bible.characters if c.name != who)


@dataclass
class _Choice:
    """A text in the sheet and where it came from (to swap for alternatives)."""

    text: str
    result: SlotResult | None = None  # None: fixed (cliffhanger, template)
    alt: int = 0  # index into result.alternatives (when the result passed)
    score: float = 0.0
    fixed: bool = False  # never swapped or dropped


@dataclass
class _LineDraft:
    speaker: str
    paren: str
    choice: _Choice


@dataclass
class _BeatDraft:
    beat: Beat
    action: _Choice | None = None
    lines: list[_LineDraft] = field(default_factory=list)
    budget: float = 0.0

    def build(self) -> Beat:
        return self.beat.model_copy(update={
            "action": self.action.text if self.action else "",
            "lines": [Line(character=ln.speaker, text=ln.choice.text, parenthetical=ln.paren) for ln in self.lines]})


def _examples(trope: Any, bible: SeriesBible, mapping: dict[str, str]) -> list[dict[str, str]]:
    exs = []
    locs = [loc.name for loc in bible.locations]
    kinds = ("hook", "development", "turn")
    for i, ex in enumerate(list(_get(trope, "examples", None) or [])[:3]):
        exs.append({"kind": kinds[i % 3], "location": locs[i % len(locs)],
                    "text": adapt(str(_get(ex, "cliffhanger", "")), mapping)})
    if not exs:
        a, b = first(bible.characters[0].name), first(bible.characters[1].name)
        exs = [{"kind": "hook", "location": locs[0], "text": f"{b} throws a glass of wine in {a}'s face."},
               {"kind": "development", "location": locs[-1], "text": f"{a} finds the torn photo hidden in {b}'s desk."},
               {"kind": "turn", "location": locs[0], "text": f"The doors open and {b} walks in, holding the proof."}]
    return exs


def _allocate(skeleton: EpisodeBeats, bible: SeriesBible, settings: TimingSettings) -> list[tuple[bool, int]]:
    """(has action slot, number of line slots) for each beat, aimed at the target."""
    beats = skeleton.beats
    plan: list[tuple[bool, int]] = []
    fixed = 0.0
    for i, b in enumerate(beats):
        head = settings.heading_seconds if b.new_scene else 0.0
        if b.kind == "hook":
            plan.append((True, 1 if b.characters else 0))
            fixed += min(HOOK_MAX_SECONDS, head + ACTION_SECONDS + 1.6)
        elif b.kind == "cliffhanger" and i == len(beats) - 1:
            plan.append((False, 0))
            fixed += head + ACTION_SECONDS
        else:
            act = b.new_scene or b.kind == "turn" or not b.characters or b.duration >= 10
            plan.append((act, 0))
            fixed += head + (ACTION_SECONDS if act else 0.0)
    need = max(0, round((skeleton.target_seconds - fixed) / LINE_SECONDS))
    mids = [i for i, b in enumerate(beats) if b.kind not in ("hook",) and i != len(beats) - 1 and b.characters]
    counts = {i: 0 for i in mids}
    cap = {i: (2 if len(beats[i].characters) > 1 else 1) for i in mids}
    for _ in range(need):  # give lines to the beat with the most budget left per line
        free = [i for i in mids if counts[i] < cap[i]]
        if not free:
            free = [i for i in mids if counts[i] < 3]
            if not free:
                break
        i = max(free, key=lambda j: (beats[j].duration / (counts[j] + 1), -j))
        counts[i] += 1
    out = []
    for i, (act, n) in enumerate(plan):
        n = n + counts.get(i, 0)
        if not act and n == 0 and beats[i].kind != "cliffhanger":
            act = True
        out.append((act, n))
    return out


class _Writer:
    #: hears each beat's first draft as soon as its slots are decided (the studio's cards), then the
    #: beats without slots at the end of the drafts; the text written does not depend on it
    on_beat: Callable[[Beat], None] | None = None

    def __init__(self, ctx: WriteContext, skeleton: EpisodeBeats, plan_ep: EpisodePlan, bible: SeriesBible,
                 trope: Any, settings: TimingSettings | None, previous: str | None):
        self.ctx, self.sk, self.ep, self.bible, self.trope = ctx, skeleton, plan_ep, bible, trope
        self.settings = settings or get_settings()
        self.mapping = name_map(trope, bible)
        self.names = bible.names
        self.words = allowed_words(bible, trope)
        self.kws = keywords(trope) + plan_ep.synopsis.split()
        chars = bible.characters
        self.base = {
            "trope_name": bible.trope_name or str(_get(trope, "name", "")),
            "cast": cast_line(bible),
            "synopsis": plan_ep.synopsis or FUNCTION_GLOSS.get(plan_ep.function, ""),
            "a": first(chars[0].name), "b": first(chars[1].name), "c": first(chars[2].name),
            "a_cue": chars[0].cue, "b_cue": chars[1].cue, "c_cue": chars[2].cue,
        }
        self.examples = _examples(trope, bible, self.mapping)
        self.previous = previous or ""

    def _n(self, kind: str) -> int:
        cap = self.ctx.candidates_by_kind.get(kind, BEATS_CANDIDATES)
        return max(1, min(self.ctx.candidates, cap))

    def action_slot(self, b: Beat, idx: int) -> Slot:
        hook = b.kind == "hook"
        who = b.characters[0] if b.characters else self.bible.characters[0].name
        o = _others(b.characters, who, self.bible)
        r = rng(self.ctx.seed, "beats", self.ep.number, idx, "action")
        fb = (_HOOK_FALLBACK_ACTION if hook else r.choice(_FALLBACK_ACTIONS)).format(a=first(who), o=o)
        return Slot(kind="beats.action", template="beats/action.j2",
                    context={**self.base, "examples": self.examples, "kind": b.kind, "location": b.location,
                             "previously": self.previous if hook else ""},
                    fallback=fb, names=self.names, required=list(b.characters), require_name=True,
                    allowed_words=self.words, keywords=self.kws, min_words=4, max_words=12 if hook else 22,
                    sweet_words=8 if hook else 13, labels=("Beat",), no_first_person=True,
                    max_tokens=18 if hook else 26, prefix=first(who), candidates=self._n("beats.action"))

    def allocate(self, skeleton: EpisodeBeats) -> list[tuple[bool, int]]:
        return _allocate(skeleton, self.bible, self.settings)

    def fixed_action(self, b: Beat, idx: int) -> str | None:
        """An action written without the model (the event writer's hook payoff), or None."""
        return None

    def fixed_line(self, b: Beat, idx: int, j: int, speaker: str) -> str | None:
        """A line written without the model (the event writer's secret said aloud), or None."""
        return None

    def line_slot(self, b: Beat, idx: int, j: int, speaker: str, paren: str, used: set[str]) -> Slot:
        hook = b.kind == "hook"
        ch = self.bible.character(speaker)
        o = _others(b.characters, speaker, self.bible)
        r = rng(self.ctx.seed, "beats", self.ep.number, idx, j, "line")
        pool = [x for x in (_HOOK_FALLBACK_LINES if hook else _FALLBACK_LINES) if x not in used] or _FALLBACK_LINES
        tmpl = r.choice(pool)
        used.add(tmpl)
        return Slot(kind="beats.hook_line" if hook else "beats.line", template="beats/line.j2",
                    context={**self.base, "short": hook, "location": b.location.title(),
                             "moment": _MOMENT.get(b.kind, "the pressure builds"),
                             "cue": ch.cue if ch else speaker.upper(),
                             "paren": paren},
                    fallback=tmpl.format(o=o), names=self.names, avoid=[speaker], allowed_words=self.words,
                    keywords=self.kws, min_words=1 if hook else 3, max_words=6 if hook else 22,
                    sweet_words=4 if hook else 13, max_tokens=14 if hook else 26,
                    candidates=self._n("beats.hook_line" if hook else "beats.line"))

    def drafts(self, beats: list[Beat], only: set[int] | None, purpose: tuple,
               keep: list[Beat] | None = None) -> list[_BeatDraft]:
        """Write the slots of the beats (all, or positions in ``only``; others are kept from ``keep``)."""
        alloc = self.allocate(self.sk.model_copy(update={"beats": beats}))
        last = len(beats) - 1
        slots: list[Slot] = []
        where: list[tuple[int, int]] = []  # (beat position, -1 action | line number)
        specs: dict[int, list[tuple[str, str]]] = {}
        fixed: dict[int, str] = {}
        lines: dict[tuple[int, int], _Choice] = {}  # (beat position, line number) → its text
        used: set[str] = set()
        for i, b in enumerate(beats):
            if only is not None and i not in only:
                continue
            act, nlines = alloc[i]
            if i == last and b.kind == "cliffhanger":
                act = False
            fixed_action = self.fixed_action(b, i) if act else None
            if fixed_action is not None:
                fixed[i] = fixed_action
            elif act:
                slots.append(self.action_slot(b, i))
                where.append((i, -1))
            chars = self.speakers(b)
            start = 1 if (b.kind == "hook" and len(chars) > 1) else 0
            r = rng(self.ctx.seed, "beats", self.ep.number, i, "parens")
            spec = []
            for j in range(nlines):
                speaker = chars[(start + j) % len(chars)]
                paren = r.choice(_PARENS.get(b.kind, _PARENS["development"])) if j == 0 and b.kind != "hook" else ""
                spec.append((speaker, paren))
                said = self.fixed_line(b, i, j, speaker)
                if said is not None:
                    lines[(i, j)] = _Choice(said, fixed=True)
                    continue
                slots.append(self.line_slot(b, i, j, speaker, paren or "quiet", used))
                where.append((i, j))
            specs[i] = spec
        self._align(slots)
        heard = self._listener(beats, where, specs, fixed) if self.on_beat is not None else None
        results = fill_ranked(self.ctx, slots, purpose, heard)
        drafts = []
        for i, b in enumerate(beats):
            d = _BeatDraft(beat=b, budget=b.duration)
            if only is not None and i not in only and keep is not None:
                kb = keep[i]
                d.action = _Choice(kb.action, fixed=False) if kb.action else None
                d.lines = [_LineDraft(ln.character, ln.parenthetical, _Choice(ln.text)) for ln in kb.lines]
            drafts.append(d)
        for i, text in fixed.items():
            drafts[i].action = _Choice(text, fixed=True)
        for (i, j), res in zip(where, results):
            choice = _Choice(res.text, result=res if res.alternatives else None, alt=0,
                             score=res.score if math.isfinite(res.score) else -3.0)
            if j < 0:
                drafts[i].action = choice
            else:
                lines[(i, j)] = choice
        for (i, j) in sorted(lines):
            speaker, paren = specs[i][j]
            drafts[i].lines.append(_LineDraft(speaker, paren, lines[(i, j)]))
        d = drafts[last]
        if d.beat.kind == "cliffhanger" and (only is None or last in only):
            a, o = (first(x) for x in (d.beat.characters[:2] if len(d.beat.characters) > 1
                                        else [self.bible.characters[0].name, self.bible.characters[1].name]))
            text = self.ep.cliffhanger or CLIFFHANGER_FALLBACK[self.ep.cliffhanger_type].format(a=a, b=o)
            d.action = _Choice(text, fixed=True)
            d.lines = []
        if drafts[0].beat.kind == "hook":
            for ln in drafts[0].lines:
                ln.choice.fixed = True
            if drafts[0].action:
                drafts[0].action.fixed = True
            self._fit_hook(drafts[0])
        if self.on_beat is not None:  # the beats with no slot of their own (the cliffhanger's line)
            for i, d in enumerate(drafts):
                if (only is None or i in only) and not any(w == i for w, _ in where):
                    self.on_beat(d.build())
        return drafts

    def _listener(self, beats: list[Beat], where: list[tuple[int, int]], specs: dict[int, list[tuple[str, str]]],
                  fixed: dict[int, str]) -> Callable[[int, str], None]:
        """The slot engine's ``on_slot``: ``self.on_beat`` hears each beat as soon as all its slots are decided
        (its first draft, before the hook's and the episode's fit)."""
        texts: dict[int, str] = {}
        pending = {i: sum(1 for w, _ in where if w == i) for i, _ in where}

        def heard(k: int, text: str) -> None:
            i = where[k][0]
            again = k in texts
            texts[k] = text
            if not again:
                pending[i] -= 1
            if pending[i] == 0 and self.on_beat is not None:
                mine = [(j, texts[n]) for n, (w, j) in enumerate(where) if w == i]
                action = next((t for j, t in mine if j < 0), fixed.get(i, ""))
                lines = [Line(character=specs[i][j][0], text=t, parenthetical=specs[i][j][1])
                         for j, t in mine if j >= 0]
                self.on_beat(beats[i].model_copy(update={"action": action, "lines": lines}))

        return heard

    def _align(self, slots: list[Slot]) -> None:
        """Fit the rows to whole batches of the backend (``batch_size`` rows run together).

        A part-filled last batch costs more than half a full one, so: when the overflow is
        small, dialogue slots from the end give up one candidate each (never below 2);
        otherwise the free rows of the last batch go to dialogue slots as one more candidate
        each. Depends only on the slots (determinism)."""
        size = getattr(self.ctx.generator, "batch_size", 0)
        if not isinstance(size, int) or size <= 1:
            return
        n = [s.candidates or self.ctx.candidates for s in slots]
        total = sum(n)
        over, spare = total % size, (-total) % size
        if over == 0:
            return
        lines = [i for i, s in enumerate(slots) if s.kind == "beats.line"]
        trimmable = [i for i in reversed(lines) if n[i] > 2]
        if over <= size // 2 and total > size and len(trimmable) >= over:
            for i in trimmable[:over]:
                slots[i].candidates = n[i] - 1
        elif spare <= len(lines):
            for i in lines[:spare]:
                slots[i].candidates = n[i] + 1

    # -- the hook -------------------------------------------------------------------------
    def _est(self, d: _BeatDraft) -> float:
        return estimate_elements(d.build().elements(self.bible), self.settings)

    def _fit_hook(self, d: _BeatDraft) -> None:
        """Shorter alternatives, then no line, then the short template action, until ≤ 5 s."""
        for _ in range(20):
            if self._est(d) <= HOOK_MAX_SECONDS:
                return
            parts = [c for c in ([d.action] if d.action else []) + [ln.choice for ln in d.lines] if c.result]
            best = None
            for c in parts:
                assert c.result is not None  # parts keeps the choices that have a result
                for k, (text, _sc) in enumerate(c.result.alternatives):
                    if len(text) < len(c.text) and (best is None or len(text) < len(best[1])):
                        best = (c, text, k)
            if best is None:
                break
            best[0].text, best[0].alt = best[1], best[2]
        if self._est(d) > HOOK_MAX_SECONDS and d.lines:
            d.lines = []
        if self._est(d) > HOOK_MAX_SECONDS and d.action:
            who = d.beat.characters[0] if d.beat.characters else self.bible.characters[0].name
            d.action = _Choice(f"{first(who)} freezes.", fixed=True)

    # -- fit to length ------------------------------------------------------------------------
    def fit(self, drafts: list[_BeatDraft], prefer: set[int] | None = None) -> list[_BeatDraft]:
        target = float(self.sk.target_seconds)
        lo = max(60.0, target * (1 - AIM))
        hi = min(90.0, target * (1 + AIM))
        last = len(drafts) - 1
        used_fb = {ln.choice.text for d in drafts for ln in d.lines}
        for _step in range(MAX_FIT_STEPS):
            ests = [self._est(d) for d in drafts]
            rt = sum(ests)
            if lo <= rt <= hi:
                break
            goal = min(hi, max(lo, target))
            moves: list[tuple[float, float, int, tuple]] = []  # (badness, cost, order, move)

            def consider(delta: float, cost: float, move: tuple, rt: float = rt, goal: float = goal,
                         moves: list = moves) -> None:
                new = rt + delta
                if abs(new - goal) >= abs(rt - goal) - 1e-9:
                    return
                moves.append((round(abs(new - goal) + cost, 6), cost, len(moves), move))

            for i, d in enumerate(drafts):
                if d.beat.kind == "hook" and i == 0:
                    continue
                bonus = 0.0 if prefer is None or i in prefer else 0.5
                parts = (([("a", -1, d.action)] if d.action else [])
                         + [("l", k, ln.choice) for k, ln in enumerate(d.lines)])
                for tag, k, c in parts:
                    if c.fixed or c.result is None:
                        continue
                    best = c.result.alternatives[0][1]
                    for m, (text, sc) in enumerate(c.result.alternatives):
                        if m == c.alt:
                            continue
                        delta = self._delta_text(d, tag, k, text)
                        consider(delta, 0.4 * max(0.0, best - sc) + bonus, ("swap", i, tag, k, m))
                # drop a line (not the last remaining element of the beat)
                if i != last and len(d.lines) + (1 if d.action else 0) > 1:
                    for k, ln in enumerate(d.lines):
                        if ln.choice.fixed:
                            continue
                        delta = -(estimate_elements([("dialogue", ln.choice.text)], self.settings)
                                  + (self.settings.parenthetical_seconds if ln.paren else 0.0))
                        quality = 1.2 + 0.2 * max(0.0, 2.0 - ln.choice.score) if ln.choice.result else 0.6
                        consider(delta, quality + bonus, ("drop", i, k))
                if i != last and d.beat.characters:
                    deficit = d.budget - ests[i]
                    cost = 2.0 - 0.05 * max(0.0, deficit) + bonus
                    if len(d.lines) < 4:
                        speaker = self._next_speaker(d)
                        text = self._fallback_line(i, d, speaker, used_fb)
                        delta = estimate_elements([("dialogue", text)], self.settings)
                        consider(delta, cost, ("add_line", i, speaker, text))
                    if d.action is None:
                        text = self._fallback_action(i, d)
                        delta = estimate_elements([("action", text)], self.settings)
                        consider(delta, cost - 0.3, ("add_action", i, text))
            if not moves:
                break
            moves.sort(key=lambda m: (m[0], m[1], m[2]))
            self._apply(drafts, moves[0][3], used_fb)
        return drafts

    def _delta_text(self, d: _BeatDraft, tag: str, k: int, text: str) -> float:
        if tag == "a":
            assert d.action is not None  # an "a" move exists only for a beat with an action
            return (estimate_elements([("action", text)], self.settings)
                    - estimate_elements([("action", d.action.text)], self.settings))
        return (estimate_elements([("dialogue", text)], self.settings)
                - estimate_elements([("dialogue", d.lines[k].choice.text)], self.settings))

    def speakers(self, b: Beat) -> list[str]:
        """Who talks in beat ``b``, in turn: everyone in it (a writer may narrow it)."""
        return list(b.characters) or [self.bible.characters[0].name]

    def _next_speaker(self, d: _BeatDraft) -> str:
        chars = self.speakers(d.beat)
        if not d.lines:
            return chars[0]
        lastsp = d.lines[-1].speaker
        rest = [c for c in chars if c != lastsp]
        return rest[0] if rest else chars[0]

    def _fallback_line(self, i: int, d: _BeatDraft, speaker: str, used: set[str]) -> str:
        o = _others(d.beat.characters, speaker, self.bible)
        r = rng(self.ctx.seed, "beats", self.ep.number, i, "fit", len(d.lines))
        pool = [t.format(o=o) for t in _FALLBACK_LINES]
        free = [t for t in pool if t not in used] or pool
        return r.choice(free)

    def _fallback_action(self, i: int, d: _BeatDraft) -> str:
        who = d.beat.characters[0]
        r = rng(self.ctx.seed, "beats", self.ep.number, i, "fit-action")
        return r.choice(_FALLBACK_ACTIONS).format(a=first(who), o=_others(d.beat.characters, who, self.bible))

    def _apply(self, drafts: list[_BeatDraft], move: tuple, used_fb: set[str]) -> None:
        kind = move[0]
        if kind == "swap":
            _, i, tag, k, m = move
            c = drafts[i].action if tag == "a" else drafts[i].lines[k].choice
            c.text, c.alt = c.result.alternatives[m][0], m
            c.score = c.result.alternatives[m][1]
        elif kind == "drop":
            _, i, k = move
            drafts[i].lines.pop(k)
        elif kind == "add_line":
            _, i, speaker, text = move
            used_fb.add(text)
            drafts[i].lines.append(_LineDraft(speaker, "", _Choice(text, score=-3.0)))
        elif kind == "add_action":
            _, i, text = move
            drafts[i].action = _Choice(text, score=-3.0)

    def finish(self, drafts: list[_BeatDraft]) -> EpisodeBeats:
        beats = _retime([d.build() for d in drafts], self.bible, self.settings)
        return self.sk.model_copy(update={"beats": beats})
