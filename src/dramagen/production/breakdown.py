"""The breakdown: one sheet per scene, built by rules from the season's shooting scripts.

For each scene of each episode: length in eighths of a page (one page ≈ 60 s of screen
time, rounded up, at least 1/8) and in seconds, set (location, INT/EXT, time), day or
night work (:data:`~dramagen.production.models.NIGHT_TIMES`), camera setups (the shooting
script's distinct framings, :func:`setups`), cast, props (``data/props.yaml``, as the shooting script lists them),
wardrobe and special needs from the action lines (``data/breakdown.yaml``), a child on
set from the bible's ages: every rule item can be traced to a word.

A model pass (:mod:`~dramagen.production.breakdown_model`, optional) proposes more props and
wardrobe; what it kept is stored in ``production/breakdown_model.json`` and laid over the
rules here, each item re-checked against the scene's text. Hand edits live in
``production/breakdown_edits.yaml`` (scene id → add/remove lists and a note, see
:class:`~dramagen.production.models.BreakdownEdit`); :func:`season_breakdown` lays them over
both and records which fields were edited. Every item's source (``rule``, ``model``,
``edited``) is in :attr:`SceneBreakdown.sources`.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import yaml

from ..errors import InputError, SeasonDataError
from ..models import EpisodeScript, SeriesBible, ShootingScene
from ..season import SeasonDir
from ..shooting import props_in
from .inputs import _read_yaml, _validate
from .models import NIGHT_TIMES, Breakdown, BreakdownEdit, CastMember, SceneBreakdown

RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "breakdown.yaml"
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


def apply_edits(scene: SceneBreakdown, edit: BreakdownEdit) -> SceneBreakdown:
    """The edit over the rules' and the model's items: removals win over both, additions are kept
    (marked ``edited``) whatever a later rule or model pass proposes."""
    update: dict = {}
    edited: list[str] = []
    sources = {f: dict(m) for f, m in scene.sources.items()}
    for field in ("props", "wardrobe", "special"):
        items = list(getattr(scene, field))
        remove = {x.casefold() for x in getattr(edit, f"remove_{field}")}
        kept = [x for x in items if x.casefold() not in remove and x.split(":")[0].casefold() not in remove]
        adds = getattr(edit, f"add_{field}")
        added = [x for x in adds if x not in kept]
        if kept != items or added:
            update[field] = kept + added
            edited.append(field)
        if kept != items or adds:
            sources[field] = {**{x: sources.get(field, {}).get(x, "rule") for x in kept}, **{x: "edited" for x in adds}}
    update["sources"] = {f: m for f, m in sources.items() if m}
    if edit.notes is not None:
        update["notes"] = edit.notes
        edited.append("notes")
    return scene.model_copy(update={**update, "edited": edited})


def load_edits(path: Path, ids: set[str]) -> dict[str, BreakdownEdit]:
    """The edit file (scene id → edit); refuses unknown scene ids and unknown fields."""
    if not path.exists():
        return {}
    data = _read_yaml(path, "breakdown_edits")
    if not isinstance(data, dict):
        raise InputError("breakdown_edits", str(path), "a mapping of scene id (E001-S01) → edits")
    out = {}
    for key, value in data.items():
        if str(key) not in ids:
            raise InputError(f"breakdown_edits.{key}", key, "a scene id of this season, e.g. E001-S01")
        out[str(key)] = _validate(BreakdownEdit, value or {}, f"breakdown_edits.{key}")
    return out


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


def season_breakdown(sd: SeasonDir, use_model: bool = True) -> Breakdown:
    """The season's breakdown from ``episodes/*/shooting.json`` (+ ``script.json`` action and dialogue):
    the rules, the stored model pass (``production/breakdown_model.json``, unless ``use_model`` is
    False), then the edits."""
    bible = sd.load_bible()
    scenes, texts = rule_scenes(sd, bible)
    model_pass: dict = {}
    if use_model:
        from .breakdown_model import merge_stored

        scenes, model_pass = merge_stored(sd, scenes, texts, bible.names)
    edits = load_edits(sd.breakdown_edits_path, {s.id for s in scenes})
    scenes = [apply_edits(s, edits[s.id]) if s.id in edits else s for s in scenes]
    cast = [CastMember(number=i + 1, name=c.name, role=c.role, age=c.age) for i, c in enumerate(bible.characters)]
    used = sorted({s.location for s in scenes}, key=lambda loc: ([x.name for x in bible.locations] + [loc]).index(loc))
    return Breakdown(season=bible.title, unit=sd.path.resolve().name, cast=cast, locations=used, scenes=scenes,
                     model_pass=model_pass)
