"""The planner: the deterministic structure of a season and of each episode's beats.

No model is called here. The planner decides *what kind* of episode comes where
(hook, setup, face-slap reversals, twists, midpoint, dark moment, climax, resolution),
which cliffhanger type ends each episode and how strong it must be, who is on screen
and where; then, per episode, the beat slots with their kinds, scenes, characters and a
time budget. The model fills the text of the slots later (other modules); then
:func:`retime` replaces the budgets with estimates of the written text.

Every random choice takes the run's seed and a stable purpose (:func:`seeding.rng`), so
the same inputs always give equal plans, and re-planning one episode's beats does not
disturb the others.

Cadence rules (docs/architecture.md, Format), for a season of N episodes:

- episode 1 is the ``hook``; episode N the ``resolution``;
- the ``midpoint`` is the episode at 50 % of the season, the ``dark_moment`` the one
  at 75 % (episode ``1 + round(f·(N-1))`` for fraction f; a signature beat of that
  function within 10 % of the season moves them onto it); the ``climax`` covers the
  last ~5 % of episodes before the final one (at least N-1), from an earlier climax
  signature beat if the trope places one after 85 %;
- the first ~15 % are ``setup`` between turns, the rest ``escalation``;
- a turn (a ``reversal``, i.e. a face-slap, or now and then a ``twist``) comes every
  3–5 episodes (3–4 after the midpoint); the anchors above count as turns. So any
  5 consecutive episodes contain a turn (or the hook / the resolution);
- the trope's signature beats land on the episode nearest their ``at`` fraction, each
  once; the episode takes the beat's function unless an anchor holds it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from ..core.errors import InputError
from ..core.models import (
    CLIFFHANGER_TYPES,
    MAX_EPISODES,
    MAX_SECONDS,
    MIN_EPISODES,
    MIN_SECONDS,
    Beat,
    EpisodeBeats,
    EpisodePlan,
    SeasonPlan,
    SeriesBible,
)
from ..core.seeding import derive_seed, rng
from ..core.timing import TimingSettings, estimate_elements, get_settings, grid_edges
from .events import FUNCTION_FIRST
from .trope_names import adapt, name_map

__all__ = [
    "ANCHOR_FUNCTIONS",
    "HOOK_BUDGET_MAX",
    "MAX_TURN_GAP",
    "STRONG_TYPES",
    "TURN_FUNCTIONS",
    "WordBudget",
    "function_at",
    "layout_beats",
    "lead_character",
    "plan_season",
    "retime",
    "retime_episode",
    "signature_episodes",
    "word_budget",
]

#: Functions that count as a turn of the story for the cadence rule.
TURN_FUNCTIONS: frozenset[str] = frozenset({"reversal", "twist", "midpoint", "dark_moment", "climax"})
#: Functions fixed by position (they win over a signature beat's function).
ANCHOR_FUNCTIONS: frozenset[str] = frozenset({"hook", "midpoint", "dark_moment", "climax", "resolution"})
#: Cliffhanger types strong enough for the paywall episode.
STRONG_TYPES: tuple[str, ...] = ("reveal", "identity", "betrayal", "ultimatum", "confession")
#: At most this many episodes from one turn (or the hook) to the next.
MAX_TURN_GAP = 5
#: The hook beat's budget never exceeds this (docs/architecture.md, Format: something happens in 3–5 s).
HOOK_BUDGET_MAX = 4.0

_FUNCTIONS = ("hook", "setup", "escalation", "reversal", "twist", "midpoint", "dark_moment", "climax", "resolution")

# where a signature beat's function cannot stand as such (off its anchor), what it becomes
_SIG_FALLBACK = {"hook": "twist", "midpoint": "reversal", "dark_moment": "reversal", "climax": "escalation",
                 "resolution": "reversal"}

# cliffhanger types that suit an episode function (a weight bonus, not a rule)
_AFFINITY: dict[str, tuple[str, ...]] = {
    "hook": ("reveal", "danger", "identity", "arrival"),
    "setup": ("arrival", "decision", "reveal"),
    "escalation": ("danger", "ultimatum", "arrival", "accident"),
    "reversal": ("reveal", "confession", "arrival", "decision"),
    "twist": ("reveal", "identity", "betrayal", "arrival"),
    "midpoint": ("reveal", "identity", "betrayal", "confession"),
    "dark_moment": ("betrayal", "danger", "ultimatum", "accident"),
    "climax": ("danger", "decision", "choice", "ultimatum", "confession"),
    "resolution": ("decision", "choice", "arrival", "reveal"),
}

# strength bonus per function, on top of the rising arc 3 → 7
_STRENGTH_BONUS = {"hook": 2, "setup": 0, "escalation": 1, "reversal": 1, "twist": 2, "midpoint": 3,
                   "dark_moment": 3, "climax": 3, "resolution": 1}
_PEAKS = ("midpoint", "dark_moment", "climax")


def _half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


# --------------------------------------------------------------------------- validation


def _check_int(field: str, value: Any, lo: int, hi: int, accepted: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise InputError(field, value, accepted)
    value = int(value)
    if not lo <= value <= hi:
        raise InputError(field, value, accepted)
    return value


def _check_target(value: Any) -> float:
    accepted = f"a number of seconds from {MIN_SECONDS:g} to {MAX_SECONDS:g}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError("length", value, accepted)
    value = float(value)
    if not math.isfinite(value) or not MIN_SECONDS <= value <= MAX_SECONDS:
        raise InputError("length", value, accepted)
    return value


# --------------------------------------------------------------------------- season


def lead_character(bible: SeriesBible) -> str:
    """The lead's name: the first character whose role says lead/protagonist/heroine/hero,
    else the first character of the bible."""
    for c in bible.characters:
        role = c.role.lower()
        if any(w in role for w in ("lead", "protagonist", "heroine", "hero")):
            return c.name
    return bible.characters[0].name


def _episode_at(at: float, n: int) -> int:
    """The episode at fraction ``at`` of a season of ``n`` (0 → 1, 1 → n)."""
    return 1 + _half_up(min(1.0, max(0.0, at)) * (n - 1))


def _anchors(n: int, sigs: dict[int, dict[str, Any]] | None = None) -> dict[int, str]:
    """Episode → anchored function. The midpoint and the dark moment sit at 50 % and 75 %
    unless a signature beat of that function lands within 10 % of the season from there
    (then they move to it); the climax covers the last ~5 % before the final episode, and
    starts earlier if a climax signature beat lands after the dark moment."""
    sigs = sigs or {}
    tol = max(1, _half_up(0.1 * n))

    def moved(fn: str, default: int) -> int:
        for e, sb in sigs.items():
            if _norm_fn(sb["function"]) == fn and abs(e - default) <= tol:
                return e
        return default

    mid = moved("midpoint", _episode_at(0.5, n))
    dark = moved("dark_moment", _episode_at(0.75, n))
    if not 1 < mid < dark < n - 1:  # keep the order whatever the trope says
        mid, dark = _episode_at(0.5, n), _episode_at(0.75, n)
    first_climax = n - max(1, _half_up(n * 0.05))
    for e, sb in sigs.items():
        if _norm_fn(sb["function"]) == "climax" and dark < e < first_climax and e >= _episode_at(0.85, n):
            first_climax = e
    first_climax = max(first_climax, dark + 1)
    out = {1: "hook", n: "resolution", mid: "midpoint", dark: "dark_moment"}
    for e in range(first_climax, n):
        out[e] = "climax"
    return out


def _norm_fn(fn: str) -> str:
    return str(fn).strip().lower().replace(" ", "_").replace("-", "_")


def function_at(n: int, trope: Any = None) -> dict[int, str]:
    """The anchored functions of a season of ``n`` episodes (episode → function)."""
    return dict(sorted(_anchors(n, signature_episodes(trope, n) if trope is not None else None).items()))


def _signature_list(trope: Any) -> list[dict[str, Any]]:
    out = []
    for i, sb in enumerate(_get(trope, "signature_beats", None) or []):
        at = _get(sb, "at", 0.5)
        try:
            at = min(1.0, max(0.0, float(at)))
        except (TypeError, ValueError):
            at = 0.5
        out.append({"i": i, "at": at, "beat": str(_get(sb, "beat", "") or ""),
                    "function": str(_get(sb, "function", "") or "")})
    return sorted(out, key=lambda d: (d["at"], d["i"]))


def signature_episodes(trope: Any, episodes: int) -> dict[int, dict[str, Any]]:
    """Where each of the trope's signature beats lands: episode → {at, beat, function}.

    Each beat goes to the episode nearest its ``at`` fraction (0 → episode 1, 1 → the
    last) that no earlier beat holds; ties go to the earlier episode. Beats beyond the
    number of episodes (never in practice) are dropped.
    """
    placed: dict[int, dict[str, Any]] = {}
    for sb in _signature_list(trope):
        if len(placed) >= episodes:
            break
        want = _episode_at(sb["at"], episodes)
        for d in range(episodes):
            cands = [want - d, want + d] if d else [want]
            free = [e for e in cands if 1 <= e <= episodes and e not in placed]
            if free:
                placed[free[0]] = sb
                break
    return dict(sorted(placed.items()))


def _sig_preference(fn: str, e: int, mid: int) -> str:
    fn = _norm_fn(fn)
    if fn in _SIG_FALLBACK:
        return _SIG_FALLBACK[fn]
    if fn == "setup" and e >= mid:
        return "escalation"
    if fn in _FUNCTIONS:
        return fn
    if "slap" in fn or "revers" in fn:
        return "reversal"
    if "twist" in fn or "reveal" in fn:
        return "twist"
    return "escalation" if e >= mid else "setup"


def _functions(n: int, sigs: dict[int, dict[str, Any]], seed: int) -> tuple[list[str], set[int]]:
    anchors = _anchors(n, sigs)
    mid = next(e for e, f in anchors.items() if f == "midpoint")
    setup_end = max(2, _half_up(n * 0.15))
    r = rng(seed, "plan", "functions", n)

    def gap_after(e: int) -> int:
        return r.choice((3, 4, 5)) if e < mid else r.choice((3, 4))

    prefs = {e: _sig_preference(sb["function"], e, mid) for e, sb in sigs.items() if e not in anchors}

    def turn_due(e: int, since: int, gap: int) -> bool:
        if since >= MAX_TURN_GAP:
            return True
        if anchors.get(e + 1) in TURN_FUNCTIONS:  # an anchored turn comes next anyway
            return False
        if since >= gap:
            return True
        # turn one episode early rather than on top of a quiet signature beat
        quiet_next = e + 1 in prefs and prefs[e + 1] not in TURN_FUNCTIONS
        return quiet_next and since >= 2 and since + 1 >= gap

    funcs: dict[int, str] = {1: "hook", n: "resolution"}
    pinned: set[int] = set()  # episodes whose function came from a signature beat
    last_turn, gap = 1, gap_after(1)
    for e in range(2, n):
        since = e - last_turn
        pref = prefs.get(e)
        if e in anchors:
            f = anchors[e]
        elif pref in TURN_FUNCTIONS or (pref is not None and since < MAX_TURN_GAP):
            f = pref
            pinned.add(e)
        elif turn_due(e, since, gap):
            f = "twist" if r.random() < 0.25 else "reversal"
        else:
            f = "setup" if e <= setup_end else "escalation"
        funcs[e] = f
        if f in TURN_FUNCTIONS:
            last_turn, gap = e, gap_after(e)
    out = [funcs[e] for e in range(1, n + 1)]
    if "twist" not in out:
        cands = [e for e in range(2, n) if out[e - 1] == "reversal" and e not in pinned]
        if cands:
            target = n * 0.4
            e = min(cands, key=lambda x: (abs(x - target), x))
            out[e - 1] = "twist"
    return out, pinned


def _preferred_types(trope: Any) -> list[str]:
    prefs = []
    for t in _get(trope, "cliffhangers", None) or []:
        t = str(t).strip().lower()
        if t in CLIFFHANGER_TYPES and t not in prefs:
            prefs.append(t)
    return prefs


def _pick_type(r, candidates: Sequence[str], prefs: list[str], function: str, prev: list[str]) -> str:
    weights = []
    allowed = []
    for t in candidates:
        if len(prev) >= 2 and prev[-1] == t and prev[-2] == t:
            continue  # never three in a row
        w = 1.0
        if t in prefs:
            w += 3.0 - 1.5 * prefs.index(t) / max(1, len(prefs))
        if t in _AFFINITY.get(function, ()):
            w += 1.5
        if prev and prev[-1] == t:
            w *= 0.2
        allowed.append(t)
        weights.append(w)
    return r.choices(allowed, weights=weights, k=1)[0]


def _reveal_her_secret(types: list[str], funcs: list[str], trope: Any) -> None:
    """A lead with a secret of her own says it once a season (an identity cliffhanger: docs/architecture.md §5).
    Left to the draw, a 10-episode season of a fishmonger who is secretly the customs inspector's daughter never
    said so (stop 28): the midpoint (else the twist) turns on it."""
    story = _get(trope, "story", None)
    secrets = (_get(story, "secrets", None) or []) if story is not None else []
    # an identity drawn where the episode's function picks its own event first (FUNCTION_FIRST: a resolution's
    # downfall; a 60-episode season's only identity was its last episode's) or at the opening does not count
    if any(t == "identity" and i and funcs[i] not in FUNCTION_FIRST for i, t in enumerate(types)) \
            or not any(_get(x, "about", "") == "lead" for x in secrets):
        return
    e = next((i for f in ("midpoint", "twist") for i, g in enumerate(funcs) if g == f), None)
    if e is not None:
        types[e] = "identity"


def _strengths(funcs: list[str], paywall: int, seed: int) -> list[int]:
    n = len(funcs)
    s: list[int] = []
    for i, f in enumerate(funcs):
        base = 3.0 + 4.0 * i / (n - 1)
        jitter = 0
        if f in ("setup", "escalation", "reversal", "twist"):
            jitter = rng(seed, "plan", "strength", i + 1).choice((-1, 0, 0))
        s.append(min(10, max(1, _half_up(base + _STRENGTH_BONUS[f] + jitter))))
    # the arc's peaks stand above their neighbours
    for i, f in enumerate(funcs):
        if f in _PEAKS:
            near = [s[j] for j in range(max(0, i - 2), min(n, i + 3)) if j != i and funcs[j] not in _PEAKS]
            if near:
                s[i] = min(10, max(s[i], max(near) + 1))
    # the paywall episode (last free one) is the strongest so far, strictly
    p = paywall - 1
    if p > 0:
        s[p] = min(10, max(s[p] + 2, max(s[:p]) + 1))
        for j in range(p):
            s[j] = min(s[j], s[p] - 1)
    return s


def _cast(bible: SeriesBible, n: int, funcs: list[str], paywall: int, seed: int) -> list[list[str]]:
    lead = lead_character(bible)
    others = [c.name for c in bible.characters if c.name != lead]
    k = len(others)
    offset = derive_seed(seed, "plan", "cast") % k
    out = []
    last_absent = -99
    for e in range(1, n + 1):
        r = rng(seed, "plan", "cast", e)
        f = funcs[e - 1]
        partner = others[(e - 1 + offset) % k]
        third = others[(e + offset) % k]
        key = f in ANCHOR_FUNCTIONS or e == paywall
        # now and then an episode without the lead (a subplot), never two within 8 episodes
        if not key and f in ("setup", "escalation") and e - last_absent >= 8 and r.random() < 0.2:
            out.append([partner, third])
            last_absent = e
            continue
        focus = [lead, partner]
        if k > 1 and (f in TURN_FUNCTIONS or key or r.random() < 0.3):
            focus.append(third)
        out.append(focus)
    return out


def _locations(bible: SeriesBible, n: int, seed: int) -> list[str]:
    names = [loc.name for loc in bible.locations]
    r = rng(seed, "plan", "locations")
    out: list[str] = []
    while len(out) < n:
        cycle = names[:]
        r.shuffle(cycle)
        if out and cycle[0] == out[-1]:
            cycle.append(cycle.pop(0))
        out.extend(cycle)
    return out[:n]


def plan_season(trope: Any, bible: SeriesBible, episodes: int, paywall: int, target_seconds: float = 75,
                seed: int = 0) -> SeasonPlan:
    """The structure of a season: one :class:`EpisodePlan` per episode, text fields empty.

    ``trope`` is a :class:`dramagen.story.tropes.Trope` (or anything with ``signature_beats``
    and ``cliffhangers``; ``None`` for a free-text trope). ``paywall`` is the last free
    episode. Raises :class:`InputError` naming ``episodes``, ``paywall`` or ``length``.
    """
    n = _check_int("episodes", episodes, MIN_EPISODES, MAX_EPISODES,
                   f"a whole number of episodes from {MIN_EPISODES} to {MAX_EPISODES}")
    pw = _check_int("paywall", paywall, 1, n, f"the last free episode, from 1 to {n}")
    target = _check_target(target_seconds)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError("seed", seed, "a whole number >= 0")

    sigs = signature_episodes(trope, n)
    names = name_map(trope, bible)  # the trope's "Vivian" is the bible's villain in every beat a writer reads
    funcs, _ = _functions(n, sigs, seed)
    strengths = _strengths(funcs, pw, seed)
    prefs = _preferred_types(trope)
    cast = _cast(bible, n, funcs, pw, seed)
    locs = _locations(bible, n, seed)

    types: list[str] = []
    for e in range(1, n + 1):
        r = rng(seed, "plan", "cliffhanger", e)
        cands = STRONG_TYPES if e == pw else CLIFFHANGER_TYPES
        types.append(_pick_type(r, cands, prefs, funcs[e - 1], types[-2:]))
    _reveal_her_secret(types, funcs, trope)

    eps = [
        EpisodePlan(number=e, function=funcs[e - 1], free=e <= pw, target_seconds=target,
                    cliffhanger_type=types[e - 1], strength=strengths[e - 1],
                    signature_beat=(adapt(sigs[e]["beat"], names) or None) if e in sigs else None,
                    characters=cast[e - 1], location=locs[e - 1])
        for e in range(1, n + 1)
    ]
    return SeasonPlan(episodes=eps, paywall=pw)


# --------------------------------------------------------------------------- beats


def _tile(durations: Sequence[float]) -> list[tuple[float, float]]:
    """Contiguous (start, end) from 0, boundaries rounded to 0.01 s (no drift)."""
    edges = grid_edges(durations)
    return list(zip([0.0] + edges, edges))


def _split(n: int, parts: int, r) -> list[int]:
    """Sizes of ``parts`` contiguous groups of ``n`` beats, each of at least 2."""
    sizes = [2] * parts
    for _ in range(n - 2 * parts):
        sizes[r.randrange(parts)] += 1
    return sizes


def _focus(plan_ep: EpisodePlan, bible: SeriesBible) -> list[str]:
    names = []
    for name in plan_ep.characters:
        c = bible.character(name)
        if c is None:
            raise InputError("characters", name, "names of the bible's characters: " + ", ".join(bible.names))
        if c.name not in names:
            names.append(c.name)
    if not names:
        lead = lead_character(bible)
        names = [lead, next(c.name for c in bible.characters if c.name != lead)]
    return names


def _event_scenes(plan_ep: EpisodePlan, bible: SeriesBible, scene_locs: list[str]) -> list[str]:
    """With a story event: the first scene where the last cliffhanger happened, the last where this one does."""
    if plan_ep.event is None:
        return scene_locs
    out = list(scene_locs)
    opening = plan_ep.opening.location if plan_ep.opening and bible.location(plan_ep.opening.location) else ""
    if opening:
        out[0] = opening
    if len(out) > 1 and bible.location(plan_ep.event.location) and plan_ep.event.location != out[-2]:
        out[-1] = plan_ep.event.location
    return out


def layout_beats(plan_ep: EpisodePlan, bible: SeriesBible, seed: int) -> EpisodeBeats:
    """The beat skeleton of one episode: kinds, scenes, characters and a time budget.

    6–12 beats (about one per 7.5 s of target): the first a ``hook`` with a budget of at
    most 4 s, the last the ``cliffhanger``, 1–2 ``turn`` beats in the middle, the others
    ``development``. 1–3 scenes of at least two beats each; the first scene is at the
    episode's location; ``new_scene`` marks each scene's first beat. The hook and the
    cliffhanger feature all the episode's focus characters. The budgets tile
    0..target on ``start``/``end``; ``action`` and ``lines`` are empty, for the writer.
    """
    target = float(plan_ep.target_seconds)
    r = rng(seed, "beats", plan_ep.number)
    n = min(12, max(6, _half_up(target / 7.5) - 1 + r.choice((-1, 0, 0, 1))))

    kinds = ["development"] * n
    kinds[0], kinds[-1] = "hook", "cliffhanger"
    turn_at = [_half_up(n * 0.55)] if n < 8 else [_half_up(n * 0.4), _half_up(n * 0.7)]
    for t in turn_at:
        kinds[min(n - 2, max(1, t - 1))] = "turn"

    # scenes
    if n <= 6:
        scenes = r.choice((1, 2, 2))
    elif n <= 9:
        scenes = r.choice((2, 2, 3))
    else:
        scenes = r.choice((2, 3, 3))
    sizes = _split(n, scenes, r)
    loc_names = [loc.name for loc in bible.locations]
    main = bible.location(plan_ep.location) if plan_ep.location else None
    if plan_ep.location and main is None:
        raise InputError("location", plan_ep.location, "a location of the bible: " + ", ".join(loc_names))
    scene_locs = [main.name if main else loc_names[0]]
    for _ in range(1, scenes):
        scene_locs.append(r.choice([x for x in loc_names if x != scene_locs[-1]]))
    scene_locs = _event_scenes(plan_ep, bible, scene_locs)

    focus = _focus(plan_ep, bible)
    extras = [c.name for c in bible.characters if c.name not in focus and c.name not in plan_ep.absent]

    beat_scene: list[int] = []
    for si, size in enumerate(sizes):
        beat_scene += [si] * size
    new_scene = [i == 0 or beat_scene[i] != beat_scene[i - 1] for i in range(n)]

    cast: list[list[str]] = []
    for kind in kinds:
        if kind in ("hook", "cliffhanger"):
            chars = list(focus)
        else:
            k = min(len(focus), r.choice((1, 2, 2)) if kind == "development" else 2)
            picked = set(r.sample(focus, k))
            if extras and r.random() < (0.35 if kind == "turn" else 0.15):
                picked.add(r.choice(extras))
            chars = [c.name for c in bible.characters if c.name in picked]
        cast.append(chars)

    hook = min(HOOK_BUDGET_MAX, r.choice((3.0, 3.5, 4.0)))
    weight = {"development": 1.0, "turn": 1.3, "cliffhanger": 1.2}
    w = [weight[k] + (0.1 if new_scene[i] else 0.0) for i, k in enumerate(kinds) if i > 0]
    rest = target - hook
    durations = [hook] + [rest * x / sum(w) for x in w]
    spans = _tile(durations)
    beats = [
        Beat(index=i + 1, kind=kinds[i], start=spans[i][0], end=spans[i][1], location=scene_locs[beat_scene[i]],
             new_scene=new_scene[i], characters=cast[i])
        for i in range(n)
    ]
    return EpisodeBeats(episode=plan_ep.number, target_seconds=target, cliffhanger_type=plan_ep.cliffhanger_type,
                        beats=beats)


class WordBudget(NamedTuple):
    """How many words a beat's text may have to fill its time budget."""

    action_words: int
    """Most words of action that still play as one shot of the planned length."""
    dialogue_words: int
    """Words of dialogue that fill the rest of the budget (0 for the hook)."""


def word_budget(beat: Beat, settings: TimingSettings | None = None) -> WordBudget:
    """The words that fill ``beat``'s provisional budget (``end - start``), for the writer.

    The hook is one action line (no dialogue): its words fill the budget less the scene
    heading. Any other beat gets one action line of one shot (at most
    ``min_action_seconds × action_wps`` words, so that it plays ``min_action_seconds``)
    and dialogue for the rest at ``dialogue_wps``. Written to these counts, the beat's
    estimate lands within about half a second of its budget.
    """
    s = get_settings() if settings is None else settings
    budget = max(0.0, beat.end - beat.start) - (s.heading_seconds if beat.new_scene else 0.0)
    if beat.kind == "hook":
        return WordBudget(max(1, int(max(budget, s.min_action_seconds) * s.action_wps)), 0)
    shot = max(1, int(s.min_action_seconds * s.action_wps))
    return WordBudget(shot, max(0, _half_up((budget - s.min_action_seconds) * s.dialogue_wps)))


def retime(beats: Iterable[Beat] | EpisodeBeats, bible: SeriesBible | None,
           settings: TimingSettings | None = None) -> list[Beat]:
    """New beats whose durations are the estimates of their written text
    (``timing.estimate_elements(beat.elements(bible))``), tiled contiguously from 0 with
    boundaries rounded to 0.01 s. The input is not modified."""
    items = beats.beats if isinstance(beats, EpisodeBeats) else list(beats)
    durations = [estimate_elements(b.elements(bible), settings) for b in items]
    return [b.model_copy(update={"start": s, "end": e}) for b, (s, e) in zip(items, _tile(durations), strict=True)]


def retime_episode(episode: EpisodeBeats, bible: SeriesBible | None,
                   settings: TimingSettings | None = None) -> EpisodeBeats:
    """:func:`retime` on a whole :class:`EpisodeBeats` (a new object)."""
    return episode.model_copy(update={"beats": retime(episode.beats, bible, settings)})
