"""The breakdown: one sheet per scene, built by rules from the season's shooting scripts.

For each scene of each episode: length in eighths of a page (one page ≈ 60 s of screen
time, rounded up, at least 1/8) and in seconds, set (location, INT/EXT, time), day or
night work (:data:`~dramagen.screen.production.models.NIGHT_TIMES`), camera setups (the shooting
script's distinct framings, :func:`setups`), cast, props (``data/props.yaml``, as the shooting script lists them),
wardrobe and special needs from the action lines (``data/breakdown.yaml``), a child on
set from the bible's ages: every rule item can be traced to a word.

A model pass (:mod:`~dramagen.screen.production.breakdown_model`, optional) proposes more props and
wardrobe; what it kept is stored in ``production/breakdown_model.json`` and laid over the
rules here, each item re-checked against the scene's text. Hand edits live in
``production/breakdown_edits.yaml`` (scene id → add/remove lists and a note, see
:class:`~dramagen.screen.production.models.BreakdownEdit`); :func:`season_breakdown` lays them over
both and records which fields were edited. Every item's source (``rule``, ``model``,
``edited``) is in :attr:`SceneBreakdown.sources`. The rules themselves are in
:mod:`~dramagen.screen.production.breakdown_rules` (their names are importable from here too).
"""

from __future__ import annotations

from pathlib import Path

from ...core.errors import InputError
from ...project.season import SeasonDir
from .breakdown_rules import (  # noqa: F401 - the rules' names, as dramagen.screen.production.breakdown had them
    RULES_FILE,
    SECONDS_PER_PAGE,
    eighths,
    load_rules,
    pages_text,
    rule_scenes,
    rule_sources,
    scene_breakdown,
    scene_id,
    scene_text,
    setups,
)
from .inputs import _read_yaml, _validate
from .models import Breakdown, BreakdownEdit, CastMember, SceneBreakdown


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
