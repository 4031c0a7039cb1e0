"""The script stage: an episode's written beats become a screenplay fitted to its length.

Structure is built, not asked for (docs/architecture.md, Slots). :func:`write_script`

1. **lays out scenes**: a scene starts at each beat with ``new_scene`` (or where the
   location changes); its heading comes from the bible's location (``INT. PACK HALL -
   NIGHT``);
2. **puts every beat on screen**: its ``action`` becomes an action paragraph and each of
   its ``lines`` a dialogue block (the bible's cue, the parenthetical kept); every
   element is tagged with ``beat=index``. A beat with no text gets a template action
   line, a speaker who is not in the bible is repaired to the nearest bible name;
3. **lands the hook**: the first element after the first heading is the hook beat's and
   ends within 5 s of screen time (it is cut to its first sentence, then to fewer
   words, if it would not);
4. **ends on the cliffhanger**: the last line before ``SMASH CUT TO BLACK.`` is the
   plan's ``cliffhanger`` text verbatim (the element that holds it moves last; other
   words of it stay before it; if no element holds it, it is added as action);
5. adds **transitions**: ``CUT TO:`` between scenes (``SMASH CUT TO:`` into a scene that
   opens on a turn), ``SMASH CUT TO BLACK.`` after the cliffhanger;
6. **fits the length** (:data:`AIM` ±5 % of the target, inside 60–90 s; ±10 % is the
   hard rule): a deterministic, bounded greedy loop over the estimator
   (:func:`dramagen.timing.estimate_elements`). Too long: drop the optional ``CUT TO:``
   transitions, then parentheticals, then shorten multi-sentence speeches and actions,
   then drop whole lines of development beats, then of turn beats, then the final
   transition, finally truncate the longest speech — never the hook's first element nor
   the cliffhanger, and every beat keeps at least one element. Too short: insert small
   things the model writes through slots (``prompts/script/reaction.j2``: a reaction
   line of a silent character; ``prompts/script/detail.j2``: one more action detail),
   all written in ONE batched :func:`dramagen.slots.fill` call, then template pads.
   At each step the candidate that brings the estimate closest to the target without
   leaving the aim band is taken (lowest "damage" level first).

The model is only called when the written beats are too short for the target; the
output depends only on the inputs and ``ctx.seed`` (resumable, reproducible).

:func:`script_issues` reports on any script (written here or imported from Fountain):
timing bounds, hook, cliffhanger last, names and structure.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import InputError
from ..models import (
    MAX_SECONDS,
    MIN_SECONDS,
    Beat,
    EpisodeBeats,
    EpisodePlan,
    EpisodeScript,
    Location,
    Scene,
    ScriptElement,
    SeriesBible,
)
from ..seeding import rng
from ..text import one_line as _one_line
from ..timing import TimingSettings, count_words, estimate_elements, get_settings

__all__ = [
    "AIM",
    "HOOK_SECONDS",
    "TOLERANCE",
    "content_times",
    "hook_seconds",
    "script_issues",
    "write_script",
]

#: Aimed-at distance from the target (a fraction); the loop stops inside it when it can.
AIM = 0.05
#: The hard rule (docs/architecture.md, Format): within ±10 % of the target and inside 60–90 s.
TOLERANCE = 0.10
#: The hook's first element must end within this many seconds of screen time.
HOOK_SECONDS = 5.0
#: At most this many model slots per episode (one batched call).
MAX_SLOTS = 8
#: Rounds of template pads (one reaction and one detail per beat each) in the development and
#: turn beats; two more rounds may also pad the cliffhanger and hook beats (bounds the loop).
MAX_PADS_PER_BEAT = 3

CUT = "CUT TO:"
SMASH_CUT = "SMASH CUT TO:"
END = "SMASH CUT TO BLACK."

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
_EMPTY_BEAT = {
    "hook": "{names} freeze as every eye turns to them.",
    "development": "{names} face each other.",
    "turn": "Everything changes for {names}.",
    "cliffhanger": "{names} stare at each other.",
}


# --------------------------------------------------------------------------- units


@dataclasses.dataclass(frozen=True)
class _Unit:
    """One paragraph of the script being fitted: an action, a speech or a transition."""

    uid: int
    kind: str  # "action" | "speech" | "transition"
    beat: int
    text: str
    cue: str = ""
    paren: str = ""  # without parentheses
    pre: str = ""  # speech only: words said before "(beat)" and the text (the cliffhanger split)
    role: str = "body"  # "hook" (the first element) | "body" | "cliff" | "added" | "pad" | "cut" | "end"

    def elements(self) -> list[tuple[str, str]]:
        if self.kind == "action":
            return [("action", self.text)]
        if self.kind == "transition":
            return [("transition", self.text)]
        out = [("character", self.cue)]
        if self.paren:
            out.append(("parenthetical", f"({self.paren})"))
        if self.pre:
            out += [("dialogue", self.pre), ("parenthetical", "(beat)")]
        out.append(("dialogue", self.text))
        return out


@dataclasses.dataclass
class _Layout:
    """Where the beats go: the scene of each beat and the scenes' locations."""

    scene_of: dict[int, int]  # beat index → scene position (0-based)
    locations: list[Location]
    kinds: dict[int, str]  # beat index → beat kind
    chars: dict[int, list[str]]  # beat index → bible names on screen
    actions: dict[int, str]  # beat index → the beat's action (for prompts)
    first_kind_of_scene: list[str]


def _sentences(text: str) -> list[str]:
    """``text`` split after each . ! ? or … (closing quotes kept with their sentence)."""
    out: list[str] = []
    start = 0
    for m in re.finditer(r"[.!?…]+[\"”’')]*(?=\s+\S|$)", text):
        out.append(text[start:m.end()].strip())
        start = m.end()
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return [x for x in out if x] or [text.strip()]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+(?:['’][^\W_]+)*", (text or "").lower().replace("’", "'")))


def _paren(text: str) -> str:
    t = _one_line(text)
    while t.startswith("(") and t.endswith(")"):
        t = t[1:-1].strip()
    return t.replace("(", "").replace(")", "").strip()


def _names(names: Sequence[str]) -> str:
    first = [n.split()[0] for n in names]
    if not first:
        return "They"
    if len(first) == 1:
        return first[0]
    return ", ".join(first[:-1]) + " and " + first[-1]


def _resolve_speaker(name: str, beat: Beat, bible: SeriesBible) -> str:
    """The bible character's cue for a line's speaker; a near miss or an unknown name is
    repaired to the nearest bible name (else the beat's first character, else the lead)."""
    c = bible.character(name)
    if c is not None:
        return c.cue
    from ..check import edit_distance

    low = _one_line(name).lower()
    best = None
    for ch in bible.characters:
        for part in {ch.name.lower(), ch.cue.lower(), ch.name.split()[0].lower()}:
            d = edit_distance(low, part)
            if d <= 2 and (best is None or d < best[0]):
                best = (d, ch.cue)
    if best is not None:
        return best[1]
    for n in beat.characters:
        ch = bible.character(n)
        if ch is not None:
            return ch.cue
    return bible.characters[0].cue


# --------------------------------------------------------------------------- building


def _layout(beats: EpisodeBeats, bible: SeriesBible) -> _Layout:
    scene_of: dict[int, int] = {}
    locations: list[Location] = []
    first_kind: list[str] = []
    for i, b in enumerate(beats.beats):
        loc = bible.location(b.location)
        if loc is None:
            raise InputError(f"beats[{b.index}].location", b.location,
                             "a location of the bible: " + ", ".join(x.name for x in bible.locations))
        if i == 0 or b.new_scene or loc.name != locations[-1].name:
            locations.append(loc)
            first_kind.append(b.kind)
        scene_of[b.index] = len(locations) - 1
    return _Layout(scene_of=scene_of, locations=locations, kinds={b.index: b.kind for b in beats.beats},
                   chars={b.index: [bible.character(n).name for n in b.characters if bible.character(n)]
                          for b in beats.beats},
                   actions={b.index: _one_line(b.action) for b in beats.beats}, first_kind_of_scene=first_kind)


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return self.n


def _beat_units(beat: Beat, bible: SeriesBible, ids: _Ids) -> list[_Unit]:
    out: list[_Unit] = []
    action = _one_line(beat.action)
    if action:
        out.append(_Unit(ids(), "action", beat.index, action))
    for ln in beat.lines:
        text = _one_line(ln.text)
        paren = _paren(ln.parenthetical)
        m = re.match(r"^\(([^)]{0,40})\)\s*(.*)$", text)
        if m:  # a parenthetical written into the text
            paren = paren or _paren(m.group(1))
            text = m.group(2).strip()
        if not text:
            continue
        out.append(_Unit(ids(), "speech", beat.index, text, cue=_resolve_speaker(ln.character, beat, bible),
                         paren=paren))
    if not out:
        names = [bible.character(n).name for n in beat.characters if bible.character(n)]
        tmpl = _EMPTY_BEAT.get(beat.kind, _EMPTY_BEAT["development"])
        out.append(_Unit(ids(), "action", beat.index, tmpl.format(names=_names(names))))
    return out


def _place_cliffhanger(units: list[_Unit], last: int, cliff: str, ids: _Ids) -> list[_Unit]:
    """Make the plan's cliffhanger text the last unit of the last beat (verbatim)."""
    cliff = _one_line(cliff)
    if not cliff:
        return units
    want = _norm(cliff)
    beat_units = [u for u in units if u.beat == last]
    others = [u for u in units if u.beat != last]
    found: _Unit | None = None
    rest: list[_Unit] = []
    # an element equal to it, else one holding it in whole sentences, else one containing it
    for u in beat_units:
        if found is None and _norm(u.text) == want:
            found = dataclasses.replace(u, text=cliff, role="cliff")
        else:
            rest.append(u)
    if found is None:
        rest = []
        for u in beat_units:
            if found is not None or f" {want} " not in f" {_norm(u.text)} ":
                rest.append(u)
                continue
            sents = _sentences(u.text)
            span = None
            for i in range(len(sents)):
                for j in range(i + 1, len(sents) + 1):
                    if _norm(" ".join(sents[i:j])) == want:
                        span = (i, j)
                        break
                if span:
                    break
            other = " ".join(sents[:span[0]] + sents[span[1]:]) if span else ""
            if u.kind == "speech":
                found = dataclasses.replace(u, text=cliff, pre=other, role="cliff")
            else:
                if other:
                    rest.append(dataclasses.replace(u, text=other))
                found = dataclasses.replace(u, uid=ids(), text=cliff, role="cliff")
    if found is None:
        found = _Unit(ids(), "action", last, cliff, role="cliff")
    return others + rest + [found]


def _cut_words(text: str, words: int, mark: str) -> str:
    toks = text.split()
    if len(toks) <= words:
        return text
    out = " ".join(toks[:max(1, words)]).rstrip(",;:-–—")
    return out.rstrip(".!?…") + mark


def _fit_hook(units: list[_Unit], layout: _Layout, s: TimingSettings) -> list[_Unit]:
    """The first element must end within HOOK_SECONDS (heading included)."""
    if not units:
        return units
    u = units[0]
    room = HOOK_SECONDS - s.heading_seconds

    def first_len(x: _Unit) -> float:
        if x.kind == "action":
            return estimate_elements([("action", x.text)], s)
        els = x.elements()
        t = 0.0
        for k, txt in els:
            t += estimate_elements([(k, txt)], s)
            if k == "dialogue":
                break
        return t

    if first_len(u) <= room + 1e-9:
        return units
    if u.role == "cliff":  # a one-beat oddity: never touch the cliffhanger
        return units
    if u.kind == "speech" and u.paren:
        u = dataclasses.replace(u, paren="")
    if first_len(u) > room + 1e-9:
        sents = _sentences(u.pre or u.text) if u.kind == "speech" and u.pre else _sentences(u.text)
        if u.kind == "speech" and u.pre:
            u = dataclasses.replace(u, pre=sents[0])
        else:
            u = dataclasses.replace(u, text=sents[0])
    if first_len(u) > room + 1e-9:
        if u.kind == "action":
            u = dataclasses.replace(u, text=_cut_words(u.text, int(room * s.action_wps), "."))
        else:
            field = "pre" if u.pre else "text"
            u = dataclasses.replace(u, **{field: _cut_words(getattr(u, field), int(room * s.dialogue_wps), "—")})
    return [u] + units[1:]


def _transitions(units: list[_Unit], layout: _Layout, ids: _Ids) -> list[_Unit]:
    out: list[_Unit] = []
    for i, u in enumerate(units):
        out.append(u)
        nxt = units[i + 1] if i + 1 < len(units) else None
        if nxt is not None and layout.scene_of[nxt.beat] != layout.scene_of[u.beat]:
            sc = layout.scene_of[nxt.beat]
            text = SMASH_CUT if layout.first_kind_of_scene[sc] == "turn" else CUT
            out.append(_Unit(ids(), "transition", u.beat, text, role="cut"))
    if units:
        out.append(_Unit(ids(), "transition", units[-1].beat, END, role="end"))
    return out


def _assemble(units: Sequence[_Unit], layout: _Layout, episode: int, target: float, title: str,
              s: TimingSettings) -> EpisodeScript:
    scenes: list[Scene] = []
    current = -1
    for u in units:
        sc = layout.scene_of[u.beat]
        if sc != current:
            loc = layout.locations[sc]
            scenes.append(Scene(number=len(scenes) + 1, location=loc.name, interior=loc.interior, time=loc.time))
            current = sc
        scenes[-1].elements.extend(ScriptElement(kind=k, text=t, beat=u.beat) for k, t in u.elements())
    script = EpisodeScript(episode=episode, title=title, target_seconds=target, scenes=scenes)
    return script.model_copy(update={"estimated_seconds": round(estimate_elements(script.elements(), s), 2)})


def _estimate(units: Sequence[_Unit], layout: _Layout, s: TimingSettings) -> float:
    total = s.heading_seconds * len({layout.scene_of[u.beat] for u in units})
    return total + estimate_elements([e for u in units for e in u.elements()], s)


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
    from ..story.grounding import off_world, world_of

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


# --------------------------------------------------------------------------- the stage


def write_script(ctx: Any, beats: EpisodeBeats, plan_ep: EpisodePlan, bible: SeriesBible, trope: Any = None,
                 settings: TimingSettings | None = None) -> EpisodeScript:
    """The episode's screenplay, fitted to ``plan_ep.target_seconds`` (see the module doc).

    ``ctx`` is a :class:`dramagen.slots.WriteContext` (``None``: no model, template pads
    only); ``trope`` (optional) gives topic words to the slots. Deterministic for the
    same inputs and ``ctx.seed``. Raises :class:`InputError` when a beat's location is not
    in the bible or the beats belong to another episode.
    """
    s = get_settings() if settings is None else settings
    if beats.episode != plan_ep.number:
        raise InputError("beats.episode", beats.episode, f"episode {plan_ep.number} (the plan's)")
    seed = int(getattr(ctx, "seed", 0) or 0)
    target = float(plan_ep.target_seconds)
    layout = _layout(beats, bible)
    ids = _Ids()
    units: list[_Unit] = []
    for b in beats.beats:
        units.extend(_beat_units(b, bible, ids))
    units = _place_cliffhanger(units, beats.beats[-1].index, plan_ep.cliffhanger, ids)
    if units and units[0].role == "body":
        units[0] = dataclasses.replace(units[0], role="hook")
    units = _fit_hook(units, layout, s)
    units = _transitions(units, layout, ids)
    units = _trim(units, layout, target, s)
    units = _expand(ctx, units, layout, bible, plan_ep, trope, target, s, seed, ids)
    return _assemble(units, layout, plan_ep.number, target, _one_line(plan_ep.title), s)


# --------------------------------------------------------------------------- checks


def content_times(script: EpisodeScript, settings: TimingSettings | None = None) -> list[tuple[float, float]]:
    """(start, end) seconds of every element of the script, in order (headings excluded),
    on the estimator's clock."""
    s = get_settings() if settings is None else settings
    out = []
    t = 0.0
    for sc in script.scenes:
        t += s.heading_seconds
        for el in sc.elements:
            d = estimate_elements([(el.kind, el.text)], s)
            out.append((t, t + d))
            t += d
    return out


def hook_seconds(script: EpisodeScript, settings: TimingSettings | None = None) -> float | None:
    """When the first action or dialogue element of the episode ends (s), None if none."""
    times = content_times(script, settings)
    k = 0
    for sc in script.scenes:
        for el in sc.elements:
            if el.kind in ("action", "dialogue"):
                return times[k][1]
            k += 1
    return None


def _last_content(script: EpisodeScript) -> ScriptElement | None:
    for sc in reversed(script.scenes):
        for el in reversed(sc.elements):
            if el.kind in ("action", "dialogue"):
                return el
    return None


def script_issues(script: EpisodeScript, bible: SeriesBible, plan_ep: EpisodePlan,
                  settings: TimingSettings | None = None, *, beats: EpisodeBeats | None = None) -> list[str]:
    """What is wrong with a script, as ``[rule] message`` strings; empty when it passes.

    Rules: ``script.episode``, ``timing.target`` (±10 % of the plan's target),
    ``timing.bounds`` (60–90 s), ``timing.estimate`` (``estimated_seconds`` is stale),
    ``hook.missing`` / ``hook.late`` (the first element must end within 5 s) /
    ``hook.beat`` (it is not beat 1's), ``cliffhanger.empty`` / ``cliffhanger.last``
    (the last line must be the plan's cliffhanger verbatim), ``names.cue`` /
    ``names.location`` / ``names.near_miss``, ``structure.scene_number`` /
    ``structure.dialogue`` (a cue without a line, a line without a cue) /
    ``structure.empty``, ``text.loop``; with ``beats``: ``beats.missing`` (a beat has
    no element on screen).
    """
    from ..check import find_loops, near_misses

    s = get_settings() if settings is None else settings
    out: list[str] = []
    if script.episode != plan_ep.number:
        out.append(f"[script.episode] the script is episode {script.episode}'s, the plan is episode {plan_ep.number}'s")
    target = float(plan_ep.target_seconds)
    est = estimate_elements(script.elements(), s)
    if abs(est - target) > TOLERANCE * target + 1e-9:
        out.append(f"[timing.target] estimated {est:.1f} s is outside ±{TOLERANCE:.0%} of the {target:g} s target "
                   f"({target * (1 - TOLERANCE):.1f}–{target * (1 + TOLERANCE):.1f} s)")
    if not MIN_SECONDS - 1e-9 <= est <= MAX_SECONDS + 1e-9:
        out.append(f"[timing.bounds] estimated {est:.1f} s is outside {MIN_SECONDS:g}–{MAX_SECONDS:g} s")
    if abs(script.estimated_seconds - est) > 0.05:
        out.append(f"[timing.estimate] estimated_seconds is {script.estimated_seconds:.2f} but the text is "
                   f"estimated at {est:.2f} s")
    # hook
    hook = hook_seconds(script, s)
    first = next((el for sc in script.scenes for el in sc.elements if el.kind in ("action", "dialogue")), None)
    if hook is None:
        out.append("[hook.missing] the script has no action or dialogue")
    elif hook > HOOK_SECONDS + 1e-9:
        out.append(f"[hook.late] the first element ends at {hook:.1f} s; the hook must land within {HOOK_SECONDS:g} s")
    if first is not None and first.beat is not None:
        hook_beat = beats.beats[0].index if beats is not None and beats.beats else 1
        if first.beat != hook_beat:
            out.append(f"[hook.beat] the script opens on beat {first.beat}, not on the hook (beat {hook_beat})")
    if script.scenes and script.scenes[0].elements and script.scenes[0].elements[0].kind == "transition":
        out.append("[hook.late] the script opens on a transition, not on the hook")
    # cliffhanger
    cliff = _one_line(plan_ep.cliffhanger)
    last = _last_content(script)
    if not cliff:
        out.append("[cliffhanger.empty] the plan's cliffhanger text is empty")
    elif last is None or _one_line(last.text) != cliff:
        shown = _one_line(last.text) if last else "(nothing)"
        out.append(f"[cliffhanger.last] the last line is {shown!r}, not the plan's cliffhanger {cliff!r}")
    # names, structure, text
    cues = {c.cue for c in bible.characters}
    numbers = [sc.number for sc in script.scenes]
    if numbers != list(range(1, len(numbers) + 1)):
        out.append(f"[structure.scene_number] scene numbers are {numbers}, expected 1..{len(numbers)}")
    if not any(sc.elements for sc in script.scenes):
        out.append("[structure.empty] no scene has any element")
    locs = ", ".join(loc.name for loc in bible.locations)
    for sc in script.scenes:
        if bible.location(sc.location) is None:
            out.append(f"[names.location] scene {sc.number}: location {sc.location!r} is not in the bible ({locs})")
        in_block, spoke, prev_cue = False, True, ""
        for el in sc.elements:
            if el.kind == "character":
                if in_block and not spoke:
                    out.append(f"[structure.dialogue] scene {sc.number}: cue {prev_cue!r} has no dialogue")
                cue = el.text.split("(")[0].strip()
                prev_cue = cue
                if cue not in cues and bible.character(cue) is None:
                    out.append(f"[names.cue] scene {sc.number}: cue {cue!r} is not a bible character "
                               f"({', '.join(sorted(cues))})")
                in_block, spoke = True, False
            elif el.kind in ("parenthetical", "dialogue"):
                if not in_block:
                    out.append(f"[structure.dialogue] scene {sc.number}: a {el.kind} {el.text!r} has no character cue")
                spoke = spoke or el.kind == "dialogue"
            else:
                if in_block and not spoke:
                    out.append(f"[structure.dialogue] scene {sc.number}: cue {prev_cue!r} has no dialogue")
                in_block, spoke = False, True
            if el.kind in ("action", "dialogue"):
                for word, name in near_misses(el.text, bible):
                    out.append(f"[names.near_miss] scene {sc.number}: {word!r} looks like a misspelling of {name!r}")
                for loop in find_loops(el.text):
                    out.append(f"[text.loop] scene {sc.number}: {el.text[:40]!r} repeats {loop!r}")
        if in_block and not spoke:
            out.append(f"[structure.dialogue] scene {sc.number}: cue {prev_cue!r} has no dialogue")
    if beats is not None:
        shown = {el.beat for sc in script.scenes for el in sc.elements if el.kind != "transition"}
        missing = [b.index for b in beats.beats if b.index not in shown]
        if missing:
            out.append(f"[beats.missing] beat(s) {', '.join(map(str, missing))} have no element on screen")
    return out
