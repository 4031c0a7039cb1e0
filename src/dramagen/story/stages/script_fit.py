"""Fitting a laid-out script to its length (``stages.script``, step 6): a bounded greedy loop over the
estimator that trims (transitions, parentheticals, sentences, whole lines) or adds (model slots in one
batched call, then template pads) until the estimate is inside the aim band."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

from ...core.models import MAX_SECONDS, MIN_SECONDS, EpisodePlan, SeriesBible
from ...core.seeding import rng
from ...core.text import one_line as _one_line
from ...core.timing import TimingSettings, count_words, estimate_elements
from .script_checks import TOLERANCE
from .script_layout import _cut_words, _estimate, _Ids, _Layout, _norm, _sentences, _Unit

#: Aimed-at distance from the target (a fraction); the loop stops inside it when it can.
AIM = 0.05
#: At most this many model slots per episode (one batched call).
MAX_SLOTS = 8
#: Rounds of template pads (one reaction and one detail per beat each) in the development and
#: turn beats; two more rounds may also pad the cliffhanger and hook beats (bounds the loop).
MAX_PADS_PER_BEAT = 3


# Template lines for when the model is not used or none of its candidates pass. No names
# in the reactions (anyone may say them); {name} in the details is a bible name.
_REACTIONS = (
    "You don't get to decide that.",
    "Say that again. I dare you.",
    "Then we're finished.",
    "I knew it. I always knew.",
    "Not here. Not now.",
    "You will pay for this.",
    "Why didn't you tell me?",
    "Don't you dare walk away.",
    "Look at me when you say that.",
    "This isn't over.",
    "You have no idea what you've done.",
    "Get out. Now.",
)
_DETAILS = (
    "{name} goes very still.",
    "{name}'s hand curls into a fist.",
    "{name} looks away first.",
    "{name}'s jaw tightens.",
    "{name} takes one step back.",
    "{name} doesn't blink.",
    "{name}'s breath catches.",
    "{name} swallows hard.",
)
_NOBODY_DETAILS = ("The room falls silent.", "Nobody moves.", "A door slams somewhere.", "The lights flicker.")
_MOODS = {
    "turn": ("stunned", "cold", "barely a whisper"),
    "development": ("quiet", "sharp", "bitter", "hurt"),
    "cliffhanger": ("shaken", "cold"),
    "hook": ("sharp",),
}


# --------------------------------------------------------------------------- fitting


def _bands(target: float) -> tuple[tuple[float, float], tuple[float, float]]:
    aim = (max(MIN_SECONDS, target * (1 - AIM)), min(MAX_SECONDS, target * (1 + AIM)))
    ok = (max(MIN_SECONDS, target * (1 - TOLERANCE)), min(MAX_SECONDS, target * (1 + TOLERANCE)))
    return aim, ok


def _removable(units: list[_Unit], u: _Unit) -> bool:
    if u.role in ("hook", "cliff", "cut", "end"):
        return False
    return sum(1 for x in units if x.beat == u.beat and x.kind != "transition") > 1


def _useconds(u: _Unit | None, s: TimingSettings) -> float:
    return estimate_elements(u.elements(), s) if u is not None else 0.0


#: One way to change the script: (damage level, change of the estimate in s, a function making the new units).
_Op = tuple[int, float, Callable[[], list[_Unit]]]


def _trim_ops(units: list[_Unit], layout: _Layout, s: TimingSettings) -> list[_Op]:
    """Every way to make the script shorter by one step. A beat always keeps one element,
    so the number of scenes (headings) never changes: the estimate changes by the
    difference of the changed unit alone."""
    ops: list[_Op] = []

    def op(level: int, i: int, unit: _Unit | None) -> None:
        delta = _useconds(unit, s) - _useconds(units[i], s)
        ops.append((level, delta, lambda: units[:i] + ([unit] if unit is not None else []) + units[i + 1:]))

    for i, u in enumerate(units):
        kind = layout.kinds.get(u.beat, "development")
        if u.kind == "transition":
            op(1 if u.role == "cut" else 6, i, None)
            continue
        if u.kind == "speech" and u.paren and u.role != "cliff":
            op(2, i, dataclasses.replace(u, paren=""))
        if u.kind == "speech" and u.pre:
            op(3, i, dataclasses.replace(u, pre=""))
        if u.role != "cliff":
            sents = _sentences(u.text)
            for k in range(1, len(sents)):
                op(3, i, dataclasses.replace(u, text=" ".join(sents[:k])))
        if _removable(units, u):
            op(4 if kind in ("development", "hook") or u.role in ("added", "pad") else 5, i, None)
    # last resort: truncate the longest speech that is not the hook nor the cliffhanger
    speeches = [(count_words(u.text), -i, i, u) for i, u in enumerate(units)
                if u.kind == "speech" and u.role not in ("hook", "cliff") and count_words(u.text) > 4]
    if speeches:
        _, _, i, u = max(speeches)
        op(7, i, dataclasses.replace(u, text=_cut_words(u.text, max(3, count_words(u.text) // 2), "—")))
    return ops


def _pick(ops: list[_Op], est: float, target: float, aim: tuple[float, float],
          ok: tuple[float, float]) -> list[_Unit] | None:
    """The op to apply: at the lowest damage level with an op that lands inside the aim band
    (or stays on the far side of it), the one closest to the target; else any op landing in
    the ok band; else the op that brings the estimate closest to the target, if it helps."""
    scored = [(lvl, abs(est + delta - target), est + delta, n, make) for n, (lvl, delta, make) in enumerate(ops)]
    short = est < target
    for lvl in sorted({x[0] for x in scored}):
        cands = [x for x in scored if x[0] == lvl
                 and (aim[0] - 1e-9 <= x[2] <= aim[1] + 1e-9
                      or (not short and x[2] > aim[1]) or (short and x[2] < aim[0]))
                 and (x[2] < est - 1e-9 if not short else x[2] > est + 1e-9)]
        if cands:
            return min(cands, key=lambda x: (x[1], x[3]))[4]()
    cands = [x for x in scored if ok[0] - 1e-9 <= x[2] <= ok[1] + 1e-9]
    if cands:
        return min(cands, key=lambda x: (x[0], x[1], x[3]))[4]()
    best = min(scored, key=lambda x: (x[1], x[0], x[3]), default=None)
    if best is not None and best[1] < abs(est - target) - 1e-9:
        return best[4]()
    return None


def _trim(units: list[_Unit], layout: _Layout, target: float, s: TimingSettings) -> list[_Unit]:
    aim, ok = _bands(target)
    for _ in range(400):  # each step removes or shortens something: bounded anyway
        est = _estimate(units, layout, s)
        if est <= aim[1] + 1e-9:
            break
        new = _pick(_trim_ops(units, layout, s), est, target, aim, ok)
        if new is None:
            break
        units = new
    return units


@dataclasses.dataclass(frozen=True)
class _Addition:
    after: int  # uid of the unit it follows
    unit: _Unit
    level: int = 0  # 0: a development or turn beat, 1: the cliffhanger beat, 2: the hook beat


_ADD_LEVEL = {"development": 0, "turn": 0, "cliffhanger": 1, "hook": 2}


def _eligible_beats(units: list[_Unit], layout: _Layout) -> list[int]:
    present = sorted({u.beat for u in units if u.kind != "transition"})
    order = {"development": 0, "turn": 1, "cliffhanger": 2, "hook": 3}
    return sorted(present, key=lambda b: (order.get(layout.kinds.get(b, "development"), 0), b))


def _anchor(units: list[_Unit], beat: int, where: str) -> int | None:
    """uid of the unit an addition to ``beat`` follows: its last unit ("end", before the
    cliffhanger in the last beat) or its first unit ("start")."""
    mine = [u for u in units if u.beat == beat and u.kind != "transition"]
    if not mine:
        return None
    if where == "start" or (mine[0].role == "hook" and len(mine) == 1):
        return None if mine[0].role == "cliff" else mine[0].uid
    body = [u for u in mine if u.role != "cliff"]
    if not body:
        return None
    return body[-1].uid


def _reactor(units: list[_Unit], beat: int, layout: _Layout, bible: SeriesBible) -> str | None:
    """Cue of a character on screen in ``beat`` who did not speak last in it (prefer one silent)."""
    speeches = [u for u in units if u.beat == beat and u.kind == "speech" and u.role != "cliff"]
    spoke = {u.cue for u in speeches}
    last = speeches[-1].cue if speeches else None
    cues = [bible.character(n).cue for n in layout.chars.get(beat, []) if bible.character(n)]
    for c in cues:
        if c not in spoke:
            return c
    for c in cues:
        if c != last:
            return c
    if not speeches and cues:
        return cues[0]
    return None


def _plan_additions(units: list[_Unit], layout: _Layout, bible: SeriesBible, seed: int, episode: int,
                    deficit: float) -> list[dict[str, Any]]:
    """Where model slots would help: up to MAX_SLOTS specs (reaction first, then detail per beat)."""
    specs: list[dict[str, Any]] = []
    want = min(MAX_SLOTS, int(math.ceil(deficit / 2.2)) + 2)
    for b in _eligible_beats(units, layout):
        kind = layout.kinds.get(b, "development")
        cue = _reactor(units, b, layout, bible)
        if cue and _anchor(units, b, "end") is not None:
            moods = _MOODS.get(kind, _MOODS["development"])
            specs.append({"type": "reaction", "beat": b, "cue": cue,
                          "paren": moods[rng(seed, "script", episode, b, "mood").randrange(len(moods))]})
        if _anchor(units, b, "start") is not None and layout.chars.get(b):
            specs.append({"type": "detail", "beat": b})
    # development and turn beats first, then the cliffhanger's, then the hook's; in each,
    # reactions first (a line plays longer than a detail), in beat order (a stable sort)
    specs.sort(key=lambda d: (_ADD_LEVEL.get(layout.kinds.get(d["beat"], ""), 0), 0 if d["type"] == "reaction" else 1))
    return specs[:want]


def _heading(layout: _Layout, beat: int) -> str:
    return layout.locations[layout.scene_of[beat]].heading


def _slots(specs: list[dict[str, Any]], units: list[_Unit], layout: _Layout, bible: SeriesBible,
           plan_ep: EpisodePlan, trope: Any, seed: int) -> list:
    from ..slots import Slot

    drama = _one_line(plan_ep.synopsis) or bible.logline
    keywords = [drama, *(getattr(trope, "keywords", None) or [])]
    allowed = [w for loc in bible.locations for w in loc.name.title().split()]
    allowed += [w.title() for w in (getattr(trope, "keywords", None) or [])]
    check = _world_check(trope) if plan_ep.event is not None else None
    slots = []
    for d in specs:
        b = d["beat"]
        chars = layout.chars.get(b, [])
        if d["type"] == "reaction":
            ch = bible.character(d["cue"])
            lines = [{"cue": u.cue, "text": u.text} for u in units
                     if u.beat == b and u.kind == "speech" and u.role != "cliff"][-3:]
            context = {"drama": drama, "heading": _heading(layout, b), "action": layout.actions.get(b, ""),
                       "lines": lines, "cue": d["cue"], "paren": d["paren"]}
            fallback = _REACTIONS[rng(seed, "script", plan_ep.number, b, "reaction").randrange(len(_REACTIONS))]
            slots.append(Slot(kind="script.reaction", template="script/reaction.j2", context=context,
                              fallback=fallback, names=bible.names, avoid=[ch.name] if ch else (),
                              allowed_words=allowed, keywords=keywords + [x["text"] for x in lines],
                              min_words=2, max_words=14, sweet_words=7, max_tokens=28, check=check))
        else:
            last_line = next((u.text for u in reversed(units) if u.beat == b and u.kind == "speech"), "")
            context = {"drama": drama, "heading": _heading(layout, b), "names": ", ".join(chars),
                       "action": layout.actions.get(b, "") or last_line}
            tmpl = _DETAILS[rng(seed, "script", plan_ep.number, b, "detail").randrange(len(_DETAILS))]
            slots.append(Slot(kind="script.detail", template="script/detail.j2", context=context,
                              fallback=tmpl.format(name=chars[0].split()[0]), names=bible.names, required=chars,
                              require_name=True, allowed_words=allowed, keywords=keywords + [context["action"]],
                              min_words=4, max_words=16, sweet_words=9, labels=("Detail", "Action", "On screen"),
                              no_first_person=True, max_tokens=28, check=check))
    return slots


def _world_check(trope: Any):
    """A season written from story events refuses text from outside its world (docs/architecture.md, Story)."""
    from ..grounding import off_world, world_of

    world = world_of(trope)
    return lambda text: off_world(text, world)


def _addition_units(specs: list[dict[str, Any]], texts: list[str], units: list[_Unit], layout: _Layout,
                    role: str, ids: _Ids) -> list[_Addition]:
    out = []
    for d, text in zip(specs, texts):
        text = _one_line(text)
        if not text:
            continue
        b = d["beat"]
        if d["type"] == "reaction":
            anchor = _anchor(units, b, "end")
            unit = _Unit(ids(), "speech", b, text, cue=d["cue"], paren=d.get("paren", ""), role=role)
        else:
            anchor = _anchor(units, b, "start")
            unit = _Unit(ids(), "action", b, text, role=role)
        if anchor is not None:
            out.append(_Addition(anchor, unit, _ADD_LEVEL.get(layout.kinds.get(b, ""), 0)))
    return out


def _pads(units: list[_Unit], layout: _Layout, bible: SeriesBible, seed: int, episode: int, round_: int,
          ids: _Ids) -> list[_Addition]:
    """Template additions (no model): per eligible beat, one reaction and one detail. The
    templates are taken in turn from a seeded offset, so they do not repeat within a few
    beats; a second round anchors its details at the end of the beat instead of the start."""
    out = []
    beats = _eligible_beats(units, layout)
    r0 = rng(seed, "script", episode, "pads")
    react0, detail0, nobody0 = r0.randrange(len(_REACTIONS)), r0.randrange(len(_DETAILS)), r0.randrange(4)
    for j, b in enumerate(beats):
        k = j + round_ * len(beats)
        r = rng(seed, "script", episode, b, "pad", round_)
        level = _ADD_LEVEL.get(layout.kinds.get(b, ""), 0)
        cue = _reactor(units, b, layout, bible)
        anchor = _anchor(units, b, "end")
        if cue and anchor is not None:
            moods = _MOODS.get(layout.kinds.get(b, "development"), _MOODS["development"])
            text = _REACTIONS[(react0 + k) % len(_REACTIONS)]
            out.append(_Addition(anchor, _Unit(ids(), "speech", b, text, cue=cue, paren=moods[r.randrange(len(moods))],
                                               role="pad"), level))
        anchor = _anchor(units, b, "start" if round_ % 2 == 0 else "end")
        chars = layout.chars.get(b, [])
        if anchor is not None:
            if chars:
                name = chars[r.randrange(len(chars))].split()[0]
                text = _DETAILS[(detail0 + k) % len(_DETAILS)].format(name=name)
            else:
                text = _NOBODY_DETAILS[(nobody0 + k) % len(_NOBODY_DETAILS)]
            out.append(_Addition(anchor, _Unit(ids(), "action", b, text, role="pad"), level))
    return out


def _insert(units: list[_Unit], add: _Addition) -> list[_Unit]:
    i = next((k for k, u in enumerate(units) if u.uid == add.after), None)
    if i is None:
        return units
    # after the anchor and after additions already placed behind it (keeps their order)
    j = i + 1
    while j < len(units) and units[j].role in ("added", "pad") and units[j].beat == add.unit.beat:
        j += 1
    return units[:j] + [add.unit] + units[j:]


def _expand_with(units: list[_Unit], additions: list[_Addition], layout: _Layout, target: float,
                 s: TimingSettings) -> list[_Unit]:
    aim, ok = _bands(target)
    pool = list(additions)
    texts_used = {_norm(u.text) for u in units}
    while pool:
        est = _estimate(units, layout, s)
        if est >= aim[0] - 1e-9:
            break
        pool = [a for a in pool if _norm(a.unit.text) not in texts_used]
        ops: list[_Op] = [(a.level, _useconds(a.unit, s), (lambda a=a, units=units: _insert(units, a))) for a in pool]
        if not ops:
            break
        new = _pick(ops, est, target, aim, ok)
        if new is None:
            break
        added = next(u for u in new if u.uid not in {x.uid for x in units})
        texts_used.add(_norm(added.text))
        pool = [a for a in pool if a.unit.uid != added.uid]
        units = new
    return units


def _expand(ctx: Any, units: list[_Unit], layout: _Layout, bible: SeriesBible, plan_ep: EpisodePlan, trope: Any,
            target: float, s: TimingSettings, seed: int, ids: _Ids) -> list[_Unit]:
    aim, _ = _bands(target)
    est = _estimate(units, layout, s)
    if est >= aim[0] - 1e-9:
        return units
    model: list[_Addition] = []
    if ctx is not None:
        specs = _plan_additions(units, layout, bible, seed, plan_ep.number, target - est)
        if specs:
            from ..slots import fill

            texts = fill(ctx, _slots(specs, units, layout, bible, plan_ep, trope, seed), ("script", plan_ep.number))
            model = _addition_units(specs, texts, units, layout, "added", ids)
    # the model's additions, then template pads, first in the development and turn beats
    # only; then also in the cliffhanger beat (before the cliffhanger) and, last of all,
    # after the hook
    units = _expand_with(units, [a for a in model if a.level == 0], layout, target, s)
    for max_level, rounds in ((0, range(MAX_PADS_PER_BEAT)), (2, range(MAX_PADS_PER_BEAT, MAX_PADS_PER_BEAT + 2))):
        for round_ in rounds:
            if _estimate(units, layout, s) >= aim[0] - 1e-9:
                return units
            present = {u.uid for u in units}
            pool = [a for a in model if a.level <= max_level and a.unit.uid not in present]
            pool += [a for a in _pads(units, layout, bible, seed, plan_ep.number, round_, ids) if a.level <= max_level]
            units = _expand_with(units, pool, layout, target, s)
    return units
