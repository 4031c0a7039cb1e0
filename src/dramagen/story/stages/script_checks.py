"""The script's rules (``stages.script``): :func:`script_issues` reports on any script, written by the stage
or imported from Fountain, one check per rule; :func:`content_times` and :func:`hook_seconds` read its clock."""

from __future__ import annotations

from ...core.models import (
    MAX_SECONDS,
    MIN_SECONDS,
    EpisodeBeats,
    EpisodePlan,
    EpisodeScript,
    Scene,
    ScriptElement,
    SeriesBible,
)
from ...core.text import one_line as _one_line
from ...core.timing import TimingSettings, estimate_elements, get_settings

#: The hard rule (docs/architecture.md, Format): within ±10 % of the target and inside 60–90 s.
TOLERANCE = 0.10
#: The hook's first element must end within this many seconds of screen time.
HOOK_SECONDS = 5.0


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
    s = get_settings() if settings is None else settings
    out = _episode_issues(script, plan_ep) + _timing_issues(script, plan_ep, s) + _hook_issues(script, s, beats)
    out += _cliffhanger_issues(script, plan_ep) + _structure_issues(script)
    cues = {c.cue for c in bible.characters}
    locs = ", ".join(loc.name for loc in bible.locations)
    for sc in script.scenes:
        out += _scene_issues(sc, bible, cues, locs)
    if beats is not None:
        out += _beats_issues(script, beats)
    return out


def _episode_issues(script: EpisodeScript, plan_ep: EpisodePlan) -> list[str]:
    if script.episode != plan_ep.number:
        return [f"[script.episode] the script is episode {script.episode}'s, the plan is episode {plan_ep.number}'s"]
    return []


def _timing_issues(script: EpisodeScript, plan_ep: EpisodePlan, s: TimingSettings) -> list[str]:
    """``timing.target``, ``timing.bounds`` and ``timing.estimate``."""
    out: list[str] = []
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
    return out


def _hook_issues(script: EpisodeScript, s: TimingSettings, beats: EpisodeBeats | None) -> list[str]:
    """``hook.missing``, ``hook.late`` and ``hook.beat``."""
    out: list[str] = []
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
    return out


def _cliffhanger_issues(script: EpisodeScript, plan_ep: EpisodePlan) -> list[str]:
    """``cliffhanger.empty`` and ``cliffhanger.last``."""
    cliff = _one_line(plan_ep.cliffhanger)
    last = _last_content(script)
    if not cliff:
        return ["[cliffhanger.empty] the plan's cliffhanger text is empty"]
    if last is None or _one_line(last.text) != cliff:
        shown = _one_line(last.text) if last else "(nothing)"
        return [f"[cliffhanger.last] the last line is {shown!r}, not the plan's cliffhanger {cliff!r}"]
    return []


def _structure_issues(script: EpisodeScript) -> list[str]:
    """``structure.scene_number`` and ``structure.empty``."""
    out: list[str] = []
    numbers = [sc.number for sc in script.scenes]
    if numbers != list(range(1, len(numbers) + 1)):
        out.append(f"[structure.scene_number] scene numbers are {numbers}, expected 1..{len(numbers)}")
    if not any(sc.elements for sc in script.scenes):
        out.append("[structure.empty] no scene has any element")
    return out


def _scene_issues(sc: Scene, bible: SeriesBible, cues: set[str], locs: str) -> list[str]:
    """One scene's ``names.location``, then, element by element, ``structure.dialogue`` / ``names.cue`` and
    the text rules (``names.near_miss``, ``text.loop``)."""
    out: list[str] = []
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
            out += _text_issues(sc.number, el, bible)
    if in_block and not spoke:
        out.append(f"[structure.dialogue] scene {sc.number}: cue {prev_cue!r} has no dialogue")
    return out


def _text_issues(scene: int, el: ScriptElement, bible: SeriesBible) -> list[str]:
    """``names.near_miss`` and ``text.loop`` of one action or dialogue element."""
    from ..check import find_loops, near_misses

    out = [f"[names.near_miss] scene {scene}: {word!r} looks like a misspelling of {name!r}"
           for word, name in near_misses(el.text, bible)]
    out += [f"[text.loop] scene {scene}: {el.text[:40]!r} repeats {loop!r}" for loop in find_loops(el.text)]
    return out


def _beats_issues(script: EpisodeScript, beats: EpisodeBeats) -> list[str]:
    """``beats.missing``: a beat with no element on screen."""
    shown = {el.beat for sc in script.scenes for el in sc.elements if el.kind != "transition"}
    missing = [b.index for b in beats.beats if b.index not in shown]
    if missing:
        return [f"[beats.missing] beat(s) {', '.join(map(str, missing))} have no element on screen"]
    return []
