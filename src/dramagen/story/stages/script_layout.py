"""The script stage's layout (``stages.script``): beats become units (actions, speeches, transitions) in
scenes, the hook lands, the cliffhanger goes last; then the units become an :class:`EpisodeScript`."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ...core.errors import InputError
from ...core.models import Beat, EpisodeBeats, EpisodeScript, Location, Scene, ScriptElement, SeriesBible
from ...core.text import one_line as _one_line
from ...core.timing import TimingSettings, estimate_elements
from .script_checks import HOOK_SECONDS

CUT = "CUT TO:"
SMASH_CUT = "SMASH CUT TO:"
END = "SMASH CUT TO BLACK."


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
