"""The breakdown's rules: one sheet per scene from the season's shooting scripts, every item traced to a word.

For each scene: length in eighths of a page (one page ≈ 60 s of screen time, rounded up, at least 1/8) and in
seconds, set (location, INT/EXT, time), day or night work, camera setups (:func:`setups`), cast, props
(``data/props.yaml``), wardrobe and special needs from the action lines (``data/breakdown.yaml``), a child on
set from the bible's ages. :mod:`dramagen.screen.production.breakdown` lays the model pass and the hand edits over
these sheets; :mod:`dramagen.screen.production.breakdown_model` reads the rules and the scenes' texts from here.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import yaml

from ...core.errors import SeasonDataError
from ...core.models import EpisodeScript, SeriesBible, ShootingScene
from ...project.season import SeasonDir
from ..shooting import props_in
from .models import NIGHT_TIMES, SceneBreakdown

RULES_FILE = Path(__file__).resolve().parents[2] / "data" / "breakdown.yaml"
SECONDS_PER_PAGE = 60.0


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> tuple[dict[str, list[str]], dict[str, list[str]], int]:
    """(special need → words, wardrobe note → words, child age) from ``data/breakdown.yaml``."""
    data = yaml.safe_load(Path(path or RULES_FILE).read_text(encoding="utf-8")) or {}
    special = {str(k): [str(w) for w in v] for k, v in (data.get("special") or {}).items()}
    wardrobe = {str(k): [str(w) for w in v] for k, v in (data.get("wardrobe") or {}).items()}
    return special, wardrobe, int(data.get("child_age", 16))


def scene_id(episode: int, scene: int) -> str:
    return f"E{episode:03d}-S{scene:02d}"


def eighths(seconds: float) -> int:
    """Page length in eighths (one page = :data:`SECONDS_PER_PAGE` s), rounded up, at least 1."""
    return max(1, math.ceil(round(seconds / SECONDS_PER_PAGE * 8, 6)))


def pages_text(n_eighths: int) -> str:
    """``11`` → ``"1 3/8"``, ``4`` → ``"4/8"`` (as a stripboard writes page counts)."""
    whole, rest = divmod(n_eighths, 8)
    if not rest:
        return str(whole)
    return f"{whole} {rest}/8" if whole else f"{rest}/8"


def setups(sc: ShootingScene) -> int:
    """Camera setups: the scene's distinct (size, angle, subject) framings. Every line of a
    dialogue is its own shot in the shot list, but one close-up setup covers all of one
    speaker's lines (the editor cuts between them)."""
    return len({(s.size, s.angle, s.subject) for s in sc.shots})


def _action_lines(script: EpisodeScript | None, number: int) -> list[str]:
    if script is None:
        return []
    sc = next((s for s in script.scenes if s.number == number), None)
    return [el.text for el in sc.elements if el.kind == "action"] if sc else []


def scene_text(script: EpisodeScript | None, sc: ShootingScene) -> str:
    """The scene's action and dialogue as one text (``CUE: line`` for dialogue), for the model pass
    and its grounding check; the shooting script's shot actions when there is no script."""
    scene = next((s for s in script.scenes if s.number == sc.number), None) if script is not None else None
    if scene is None:
        return " ".join(s.action for s in sc.shots if s.action)
    out, cue = [], ""
    for el in scene.elements:
        if el.kind == "character":
            cue = el.text
        elif el.kind == "dialogue":
            out.append(f"{cue}: {el.text}" if cue else el.text)
        elif el.kind == "action":
            out.append(el.text)
    return " ".join(out)


def rule_sources(props: list[str], wardrobe: list[str], special: list[str]) -> dict[str, dict[str, str]]:
    return {f: {x: "rule" for x in items} for f, items in (("props", props), ("wardrobe", wardrobe),
                                                            ("special", special)) if items}


def scene_breakdown(episode: int, sc: ShootingScene, actions: list[str], bible: SeriesBible) -> SceneBreakdown:
    """One scene's sheet (rules only)."""
    special_rules, wardrobe_rules, child_age = load_rules()
    text = "\n".join(actions) if actions else "\n".join(s.action for s in sc.shots if s.action)
    special = props_in(text, special_rules)
    children = [c for c in sc.cast if (ch := bible.character(c)) and ch.age < child_age]
    if children:
        special.append("child on set (" + ", ".join(children) + ": hours limits, guardian)")
    seconds = sc.seconds or round(sum(s.duration for s in sc.shots), 2)
    wardrobe = list(sc.wardrobe) + props_in(text, wardrobe_rules)
    synopsis = actions[0] if actions else next((s.action for s in sc.shots if s.action), "")
    return SceneBreakdown(
        id=scene_id(episode, sc.number), episode=episode, scene=sc.number, heading=sc.heading, location=sc.location,
        interior=sc.interior, time=sc.time, day_night="NIGHT" if sc.time in NIGHT_TIMES else "DAY",
        seconds=seconds, eighths=eighths(seconds), setups=setups(sc), cast=list(sc.cast), props=list(sc.props),
        wardrobe=wardrobe, special=special, synopsis=synopsis[:200],
        sources=rule_sources(list(sc.props), wardrobe, special))


def rule_scenes(sd: SeasonDir, bible: SeriesBible) -> tuple[list[SceneBreakdown], dict[str, str]]:
    """Every scene's sheet by the rules, and every scene's text (:func:`scene_text`) by id."""
    numbers = sd.episodes_done("shooting")
    if not numbers:
        raise SeasonDataError(f"season: {sd.path} has no shooting scripts yet (run: dramagen generate … "
                              "--stop-after shooting)")
    scenes: list[SceneBreakdown] = []
    texts: dict[str, str] = {}
    for n in numbers:
        shooting = sd.load_shooting(n)
        script = sd.load_script(n) if sd.script_path(n).exists() else None
        for sc in shooting.scenes:
            scenes.append(scene_breakdown(n, sc, _action_lines(script, sc.number), bible))
            texts[scenes[-1].id] = scene_text(script, sc)
    return scenes, texts
