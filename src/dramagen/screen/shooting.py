"""Shooting scripts and the season's stripboard, built by rules (no model).

:func:`shooting_script` turns an :class:`EpisodeScript` into numbered shots for a 9:16
frame. One shot per action paragraph and per spoken line; the scene heading's time
goes to the scene's first shot, a parenthetical's to the line it colours, a
transition's to the shot before it, so that **the shots of a scene last exactly the
scene's estimated time** (durations are cut on a 0.01 s grid that never drifts).

Shot rules, first match wins:

=====================  =========================================================================
element                shot
=====================  =========================================================================
the cliffhanger        the episode's last action or line: ECU, push in (handheld on danger),
                       "headroom for on-screen text" (the end card)
scene opener           the scene's first action: EWS outside, WS inside (the establishing shot
                       carries the action); a scene opening on dialogue gets a separate
                       establishing shot for the heading's time
prop insert            an action naming a prop (``data/props.yaml``) with at most one person:
                       CU insert on the prop
action                 nobody named: WS; one person: MCU; two: MS stacked two-shot; three or
                       more: WS, stacked in depth
dialogue               the first line of a scene with two or more people on screen: MS stacked
                       two-shot (listener top, speaker bottom, in front); then singles: CU for short or
                       emotional lines, MCU for long ones
=====================  =========================================================================

Movement: push in on revelations (truth, secret, "is my"…), handheld on danger (gun,
blood, run…), tracking on walking/running, else static (a seeded choice of pan or static
for exterior openers). Angle (from an action's words, from a line's parenthetical): low on
threat and command, high on kneeling and begging, dutch on dizziness or poison, else eye level. Every
dialogue shot is noted "keep captions in the lower safe area"; two people in frame
"stacked two-shot (B top, A bottom, in front)" as the storyboard draws them (the first named in front,
lower and larger), or "two-shot in depth (A in front, B behind)" in a wide shot.

:func:`stripboard` orders the season's scenes into shoot days (see its docstring).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import yaml

from ..core.models import (
    EpisodeScript,
    Scene,
    SeriesBible,
    ShootDay,
    ShootingScene,
    ShootingScript,
    Shot,
    Stripboard,
    StripItem,
)
from ..core.seeding import rng
from ..core.timing import TimingSettings, count_words, estimate_elements, get_settings, grid_durations

__all__ = ["load_props", "props_in", "shooting_script", "stripboard"]

PROPS_FILE = Path(__file__).resolve().parents[1] / "data" / "props.yaml"

_DANGER = re.compile(r"\b(gun|guns|pistol|knife|blade|dagger|blood|bleed\w*|chase\w*|run|runs|running|flee\w*|"
                     r"attack\w*|fire|burn\w*|scream\w*|crash\w*|fall|falls|grab\w*|choke\w*|shoot\w*|shot|"
                     r"stab\w*|fight\w*|kidnap\w*|drag\w*|trap\w*|explod\w*|poison\w*|die|dies|dying|kill\w*)\b",
                     re.IGNORECASE)
_REVEAL = re.compile(r"\b(truth|secret\w*|reveal\w*|realiz\w*|realis\w*|pregnant|heir|identity|dna|"
                     r"recogni\w*|confess\w*|father|mother|daughter|son|twin|alive|betray\w*|lied|"
                     r"who you are|is my|are my|i am your|i.m your|you.re my|remember\w*)\b",
                     re.IGNORECASE)
_MOVE = re.compile(r"\b(walk\w*|stride\w*|storm\w*|enter\w*|follow\w*|rush\w*|run|runs|running|chase\w*|"
                   r"pace\w*|march\w*|step\w* (?:in|out|forward)|burst\w*)\b", re.IGNORECASE)
_LOW = re.compile(r"\b(tower\w*|loom\w*|command\w*|order\w*|threat\w*|menac\w*|cold|icy|alpha|glare\w*|"
                  r"step\w* forward|rise\w*|rises|stands? over)\b", re.IGNORECASE)
_HIGH = re.compile(r"\b(kneel\w*|knelt|beg\w*|plead\w*|collaps\w*|crawl\w*|cower\w*|sob\w*|broken|"
                   r"drops? to)\b", re.IGNORECASE)
_DUTCH = re.compile(r"\b(dizzy|drunk|drugged|poison\w*|spin\w*|blur\w*|faint\w*|sway\w*)\b", re.IGNORECASE)
_EMOTION = re.compile(r"\b(whisper\w*|cry\w*|crying|tears?|broken|shaken|stunned|hurt|trembl\w*|sob\w*|"
                      r"barely)\b", re.IGNORECASE)

SAFE_CAPTIONS = "keep captions in the lower safe area"
HEADROOM = "headroom for on-screen text"


# --------------------------------------------------------------------------- props


@lru_cache(maxsize=1)
def load_props(path: str | None = None) -> tuple[dict[str, list[str]], dict[str, dict[str, list[str]]]]:
    """(prop → aliases, trope id → {prop → aliases}) from ``data/props.yaml``."""
    data = yaml.safe_load(Path(path or PROPS_FILE).read_text(encoding="utf-8")) or {}
    props = {str(k): [str(a) for a in (v or [k])] for k, v in (data.get("props") or {}).items()}
    tropes = {str(t): {str(k): [str(a) for a in (v or [k])] for k, v in (m or {}).items()}
              for t, m in (data.get("tropes") or {}).items()}
    return props, tropes


def _alias_re(alias: str) -> re.Pattern:
    words = [re.escape(w) for w in alias.split()]
    words[-1] += r"(?:s|es)?"
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _compiled(alias: str) -> re.Pattern:
    return _alias_re(alias)


def props_in(text: str, vocabulary: Mapping[str, list[str]]) -> list[str]:
    """Props of ``vocabulary`` named in ``text``, in order of first mention; a longer
    alias wins over a shorter one it contains ("wedding ring" over "ring")."""
    hits: list[tuple[int, int, str]] = []  # (start, -length, prop)
    for prop, aliases in vocabulary.items():
        for alias in aliases:
            for m in _compiled(alias).finditer(text or ""):
                hits.append((m.start(), -(m.end() - m.start()), prop))
    hits.sort()
    out: list[str] = []
    taken: list[tuple[int, int]] = []
    for start, neg, prop in hits:
        end = start - neg
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        if prop not in out:
            out.append(prop)
    return out


# --------------------------------------------------------------------------- people


def _name_patterns(bible: SeriesBible) -> list[tuple[str, re.Pattern]]:
    out = []
    for c in bible.characters:
        forms = {c.name, c.name.upper(), c.name.split()[0], c.cue}
        alt = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
        out.append((c.name, re.compile(r"(?<![\w])(?:" + alt + r")(?:['’]s)?(?![\w])")))
    return out


def _people(text: str, patterns: list[tuple[str, re.Pattern]]) -> list[str]:
    found = []
    for name, pat in patterns:
        m = pat.search(text or "")
        if m:
            found.append((m.start(), name))
    return [n for _, n in sorted(found)]


def _speaker(cue_text: str, bible: SeriesBible) -> str:
    name = cue_text.split("(")[0].strip()
    c = bible.character(name)
    return c.name if c else name.title()


def _first(name: str) -> str:
    return name.split()[0]


# --------------------------------------------------------------------------- shots


class _Draft:
    """A shot being built: its fields and its raw seconds."""

    def __init__(self, **kw):
        self.kw = kw
        self.seconds = 0.0


def _notes(chars: list[str], dialogue: bool, extra: Sequence[str] = (), size: str = "MS") -> str:
    notes = list(extra)
    if len(chars) == 2 and size in ("WS", "EWS"):  # the storyboard: full figures, the first in front and larger
        notes.append(f"two-shot in depth ({_first(chars[0])} in front, {_first(chars[1])} behind)")
    elif len(chars) == 2:  # the storyboard: the first in front, lower and larger; the second behind, higher
        notes.append(f"stacked two-shot ({_first(chars[1])} top, {_first(chars[0])} bottom, in front)")
    elif len(chars) >= 3:
        notes.append(f"stack in depth: {_first(chars[0])} foreground, "
                     f"{' and '.join(_first(c) for c in chars[1:])} behind")
    elif len(chars) == 1 and not extra:
        notes.append("eyes on the upper third")
    if dialogue:
        notes.append(SAFE_CAPTIONS)
    return "; ".join(dict.fromkeys(notes))


#: first match wins (see the module doc)
_MOVEMENT_RULES = ((_DANGER, "handheld"), (_REVEAL, "push in"), (_MOVE, "tracking"))
_ANGLE_RULES = ((_DUTCH, "dutch"), (_HIGH, "high"), (_LOW, "low"))


def _first_match(text: str, rules: tuple[tuple[re.Pattern, str], ...], default: str) -> str:
    """The value of the first rule whose pattern occurs in ``text``, else ``default``."""
    return next((value for pattern, value in rules if pattern.search(text)), default)


def _movement(text: str, default: str = "static") -> str:
    return _first_match(text, _MOVEMENT_RULES, default)


def _angle(text: str) -> str:
    return _first_match(text, _ANGLE_RULES, "eye level")


def _last_content(script: EpisodeScript) -> tuple[int, int] | None:
    for si in range(len(script.scenes) - 1, -1, -1):
        els = script.scenes[si].elements
        for ei in range(len(els) - 1, -1, -1):
            if els[ei].kind in ("action", "dialogue"):
                return si, ei
    return None


def _present(scene: Scene, bible: SeriesBible, patterns) -> list[str]:
    """Who is on screen in the scene: its speakers and the people named in its action, in order."""
    present: list[str] = []
    for el in scene.elements:
        names = [_speaker(el.text, bible)] if el.kind == "character" else (
            _people(el.text, patterns) if el.kind == "action" else [])
        for n in names:
            if n not in present:
                present.append(n)
    return present


class _SceneShots:
    """The shots of one scene, built element by element, with one builder per kind of shot (module doc)."""

    def __init__(self, script: EpisodeScript, si: int, scene: Scene, bible: SeriesBible, s: TimingSettings,
                 patterns, vocabulary, seed: int, cliff: tuple[int, int] | None):
        self.r = rng(seed, "shots", script.episode, scene.number)
        self.si, self.scene, self.bible, self.s = si, scene, bible, s
        self.patterns, self.vocabulary, self.cliff = patterns, vocabulary, cliff
        loc = bible.location(scene.location)
        self.where = (loc.description if loc and loc.description else scene.location.title())
        self.present = _present(scene, bible, patterns)
        self.shots: list[_Draft] = []
        self.pending = s.heading_seconds  # time waiting for the next shot (heading, parentheticals)
        self.speaker = ""
        self.paren = ""
        self.two_shot_done = False
        self.last_speaker = ""
        self.opener_done = False

    def build(self) -> list[_Draft]:
        for ei, el in enumerate(self.scene.elements):
            secs = estimate_elements([(el.kind, el.text)], self.s)
            is_cliff = self.cliff == (self.si, ei)
            if el.kind == "character":
                self.speaker, self.paren = _speaker(el.text, self.bible), ""
            elif el.kind == "parenthetical":
                self.pending += secs
                self.paren = el.text.strip()
            elif el.kind == "transition":
                if self.shots:
                    self.shots[-1].seconds += secs
                else:
                    self.pending += secs
            else:
                d = self._action_shot(el.text, is_cliff) if el.kind == "action" else self._line_shot(el.text, is_cliff)
                d.seconds += secs
                self._add(d)
        self._close()
        return _merge_short(self.shots)

    def _add(self, d: _Draft) -> None:
        d.seconds += self.pending
        self.pending = 0.0
        self.shots.append(d)

    def _establishing(self, characters: list[str], seconds: float) -> _Draft:
        size = "WS" if self.scene.interior else "EWS"
        d = _Draft(size=size, angle="eye level", movement="static", subject=self.where, characters=characters,
                   action="", notes=_notes(characters, False, ["establishing", HEADROOM], size))
        d.seconds = seconds
        return d

    def _close(self) -> None:
        """Time still waiting at the scene's end goes to its last shot (or to an establishing shot)."""
        if self.pending > 0:
            if self.shots:
                self.shots[-1].seconds += self.pending
            elif self.scene.elements or self.s.heading_seconds > 0:
                self.shots.append(self._establishing([], self.pending))

    # -- action
    def _action_shot(self, text: str, is_cliff: bool) -> _Draft:
        people = _people(text, self.patterns)
        props = props_in(text, self.vocabulary)
        if is_cliff:
            d = self._cliff_action(text, people, props)
        elif not self.opener_done:
            d = self._opener(text, people)
        elif props and len(people) <= 1:
            d = self._prop_insert(text, people, props)
        else:
            d = self._action(text, people)
        self.opener_done = True
        return d

    def _cliff_action(self, text: str, people: list[str], props: list[str]) -> _Draft:
        return _Draft(size="ECU", angle=_angle(text), movement="handheld" if _DANGER.search(text) else "push in",
                      subject=props[0] if props and not people else (people[0] if people else self.where),
                      characters=people[:1] if people else [], action=text,
                      notes=_notes(people[:1], False, ["the cliffhanger reveal", HEADROOM]))

    def _opener(self, text: str, people: list[str]) -> _Draft:
        interior = self.scene.interior
        size = "WS" if interior else "EWS"
        default = "static" if interior else self.r.choice(("static", "pan", "crane"))
        return _Draft(size=size, angle="high" if not interior and self.r.random() < 0.3 else _angle(text),
                      movement=_movement(text, default), subject=self.where, characters=people, action=text,
                      notes=_notes(people, False, ["establishing", HEADROOM], size))

    def _prop_insert(self, text: str, people: list[str], props: list[str]) -> _Draft:
        return _Draft(size="CU", angle="overhead" if self.r.random() < 0.3 else "eye level",
                      movement="push in" if _REVEAL.search(text) else "static", subject=props[0],
                      characters=people, action=text, notes=_notes([], False, [f"insert: {props[0]}"]))

    def _action(self, text: str, people: list[str]) -> _Draft:
        size = {0: "WS", 1: "MCU", 2: "MS"}.get(len(people), "WS")
        subject = " and ".join(_first(p) for p in people) if people else self.where
        return _Draft(size=size, angle=_angle(text), movement=_movement(text), subject=subject,
                      characters=people, action=text, notes=_notes(people, False))

    # -- dialogue
    def _line_shot(self, text: str, is_cliff: bool) -> _Draft:
        if not self.opener_done and self.pending > 0 and self.s.heading_seconds > 0:
            # the scene opens on a line: a short establishing shot for the heading
            self.shots.append(self._establishing(self.present[:3], self.s.heading_seconds))
            self.pending -= self.s.heading_seconds  # a parenthetical's time stays with the line
        self.opener_done = True
        who = self.speaker or (self.present[0] if self.present else "")
        if is_cliff:
            d = self._cliff_line(who, text)
        elif not self.two_shot_done and len(self.present) >= 2:
            d = self._two_shot(who, text)
            self.two_shot_done = True
        else:
            d = self._single(who, text)
        self.paren = ""
        self.last_speaker = who
        return d

    def _cliff_line(self, who: str, text: str) -> _Draft:
        return _Draft(size="ECU", angle=_angle(self.paren), movement="handheld" if _DANGER.search(text) else "push in",
                      subject=who, characters=[who] if who else [], action=self.paren, line=text, speaker=who,
                      notes=_notes([who], True, ["the cliffhanger line", HEADROOM]))

    def _two_shot(self, who: str, text: str) -> _Draft:
        listener = next((p for p in ([self.last_speaker] + self.present) if p and p != who), "")
        chars = [who, listener] if listener else [who]
        return _Draft(size="MS", angle=_angle(self.paren), movement=_movement(text),
                      subject=" and ".join(map(_first, chars)),
                      characters=chars, action=self.paren, line=text, speaker=who, notes=_notes(chars, True))

    def _single(self, who: str, text: str) -> _Draft:
        paren = self.paren
        size = "CU" if count_words(text) <= 10 or _EMOTION.search(paren) else "MCU"
        move = "push in" if _REVEAL.search(text) or _EMOTION.search(paren) else (
            "handheld" if _DANGER.search(text) else "static")
        return _Draft(size=size, angle=_angle(paren), movement=move, subject=who, characters=[who] if who else [],
                      action=paren, line=text, speaker=who, notes=_notes([who] if who else [], True))


def _merge_short(shots: list[_Draft]) -> list[_Draft]:
    """A shot of (almost) no time joins its neighbour."""
    merged: list[_Draft] = []
    for d in shots:
        if d.seconds < 0.05 and merged:
            merged[-1].seconds += d.seconds
        else:
            merged.append(d)
    if len(merged) > 1 and merged[0].seconds < 0.05:
        merged[1].seconds += merged[0].seconds
        merged = merged[1:]
    return merged


def _scene_shots(script: EpisodeScript, si: int, scene: Scene, bible: SeriesBible, s: TimingSettings,
                 patterns, vocabulary, seed: int, cliff: tuple[int, int] | None) -> list[_Draft]:
    return _SceneShots(script, si, scene, bible, s, patterns, vocabulary, seed, cliff).build()


def shooting_script(script: EpisodeScript, bible: SeriesBible, seed: int = 0,
                    settings: TimingSettings | None = None) -> ShootingScript:
    """The episode's shots, scene by scene, with cast, props, wardrobe (see the module doc).

    Deterministic for the same script, bible and ``seed`` (the seed only varies a few
    neutral choices: the movement of exterior openers, high or overhead angles).
    """
    s = get_settings() if settings is None else settings
    props, trope_props = load_props()
    vocabulary = {**props, **trope_props.get(bible.trope_id, {})}
    tropish = trope_props.get(bible.trope_id, {})
    patterns = _name_patterns(bible)
    cliff = _last_content(script)
    scenes: list[ShootingScene] = []
    number = 0
    for si, sc in enumerate(script.scenes):
        drafts = _scene_shots(script, si, sc, bible, s, patterns, vocabulary, seed, cliff)
        total = s.heading_seconds + estimate_elements([(e.kind, e.text) for e in sc.elements], s)
        durations = grid_durations([d.seconds for d in drafts])
        shots = []
        for d, dur in zip(drafts, durations):
            number += 1
            shots.append(Shot(number=number, scene=sc.number, duration=max(dur, 0.01), **d.kw))
        cast: list[str] = []
        scene_props: list[str] = []
        for el in sc.elements:
            if el.kind == "character":
                names = [_speaker(el.text, bible)]
            elif el.kind == "action":
                names = _people(el.text, patterns)
                for p in props_in(el.text, vocabulary):
                    if p not in scene_props:
                        scene_props.append(p)
            else:
                names = []
                if el.kind == "dialogue":  # a trope's signature object, named in a line
                    for p in props_in(el.text, tropish):
                        if p not in scene_props:
                            scene_props.append(p)
            for n in names:
                ch = bible.character(n)
                if ch and ch.name not in cast:
                    cast.append(ch.name)
        wardrobe = []
        for n in cast:
            c = bible.character(n)
            wardrobe.append(f"{n}: {c.look}" if c and c.look else f"{n}: as established (no look in the bible)")
        scenes.append(ShootingScene(number=sc.number, heading=sc.heading, location=sc.location, interior=sc.interior,
                                    time=sc.time, cast=cast, props=scene_props, wardrobe=wardrobe,
                                    seconds=round(total, 2), shots=shots))
    return ShootingScript(episode=script.episode, title=script.title, scenes=scenes)


# --------------------------------------------------------------------------- stripboard

_TIME_ORDER = {"DAWN": 0, "MORNING": 1, "DAY": 2, "DUSK": 3, "EVENING": 4, "NIGHT": 5}


def stripboard(episodes: Mapping[int, ShootingScript], bible: SeriesBible,
               max_seconds_per_day: float = 600) -> Stripboard:
    """The season's scenes grouped into shoot days, in a suggested order.

    Rule (micro dramas shoot a whole season in a few days, one set at a time):

    1. scenes are grouped by **set**: location, interior/exterior and time of day (a
       day and a night scene at one location are different lighting set-ups);
    2. sets are shot location by location, the location with the most screen time
       first (the biggest build, while everyone is fresh); within a location, by time
       of day (DAWN, MORNING, DAY, DUSK, EVENING, NIGHT, then anything else), exterior
       before interior at the same time;
    3. within a set, scenes are ordered **biggest cast first**, scenes with the same cast
       together (so the ensemble is released early and each actor's days are few),
       then by episode and scene number;
    4. days are filled in that order up to ``max_seconds_per_day`` of screen time
       (10 minutes by default, about a vertical-drama unit's day); a new set starts a
       new day; a scene longer than a day gets a day of its own.

    Every scene of every episode appears exactly once.
    """
    if max_seconds_per_day <= 0:
        from ..core.errors import InputError

        raise InputError("max_seconds_per_day", max_seconds_per_day, "a positive number of seconds")
    groups: dict[tuple[str, bool, str], list[StripItem]] = {}
    for ep in sorted(episodes):
        sc_script = episodes[ep]
        for sc in sc_script.scenes:
            item = StripItem(episode=sc_script.episode, scene=sc.number, heading=sc.heading, cast=list(sc.cast),
                             seconds=sc.seconds or round(sum(x.duration for x in sc.shots), 2), shots=len(sc.shots))
            groups.setdefault((sc.location, sc.interior, sc.time), []).append(item)
    by_location: dict[str, float] = {}
    for (loc, _, _), items in groups.items():
        by_location[loc] = by_location.get(loc, 0.0) + sum(i.seconds for i in items)
    order = {c.name: i for i, c in enumerate(bible.characters)}

    def set_key(key: tuple[str, bool, str]):
        loc, interior, time = key
        return (-round(by_location[loc], 6), loc, _TIME_ORDER.get(time, 9), time, interior)

    def cast_key(item: StripItem):
        return (-len(item.cast), tuple(sorted(order.get(c, 99) for c in item.cast)), item.episode, item.scene)

    days: list[ShootDay] = []
    for key in sorted(groups, key=set_key):
        loc, interior, time = key
        current: ShootDay | None = None
        for item in sorted(groups[key], key=cast_key):
            if current is None or (current.items and current.seconds + item.seconds > max_seconds_per_day + 1e-9):
                current = ShootDay(day=len(days) + 1, location=loc, interior=interior, time=time)
                days.append(current)
            current.items.append(item)
    return Stripboard(days=days)
