"""The breakdown's model pass: proposals from the slot engine kept only when the scene's text names them,
deduplicated against the rules, marked by source, deterministic, recorded, optional; hand edits win."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from dramagen.project.season import SeasonDir
from dramagen.screen.production import ScheduleOptions, plan_production
from dramagen.screen.production.breakdown import rule_scenes, season_breakdown
from dramagen.screen.production.breakdown_model import MODEL_FILE, judge, parse_items, run_model_pass
from dramagen.screen.production.reports import breakdown_csv

from .stand_in import StubGenerator
from .test_production import make_season

NAMES = ["Celeste Vane", "Gabriel Stone"]
TEXT = ("Celeste slams the contract onto the table and glares at Gabriel. She wears the diamond necklace; "
        "the car waits. GABRIEL: Put down that silver tray. "
        "She stares at the wine by the Valeberry gate.")


@pytest.fixture()
def season(tmp_path) -> Path:
    return make_season(tmp_path / "season", episodes=4, seed=5)


def test_parse_items():
    assert parse_items("A whiskey glass, her wallet and keys.") == ["whiskey glass", "wallet", "keys"]
    assert parse_items("the tray; the tray") == ["tray"]


@pytest.mark.parametrize("item, reason", [
    ("table", None), ("silver tray", None), ("tray", None),
    ("wine glass", None),  # a known prop whose word ("wine") the text uses
    ("spaceship", "ungrounded"), ("stares", "ungrounded"),  # named nowhere / not after an article
    ("gabriel", "name"), ("gabriels", "name"), ("valeberry gate", "name"), ("legs", "not_an_item"),
    ("eyes", "not_an_item"), ("contract", "duplicate"), ("documents", "ungrounded"),
    ("agreement", "duplicate"),  # the rules' contract under another of its words
    ("a very long list of many words", "shape"),
    ("car seat belt", "ungrounded"),  # "car" is a known prop, but it does not name the belt
    ("diamonds", "ungrounded"),  # the text's diamond only describes the necklace
    ("silver", "ungrounded"),
    ("sparkling wine glass", "ungrounded"),  # the known wine glass, but the text says nothing sparkling
    ("silver tea tray", "ungrounded"),  # the tray is there, the tea is not
])
def test_judge_keeps_only_grounded_new_items(item, reason):
    assert judge(item, "props", TEXT, NAMES, ["contract", "necklace"]) == reason


def test_model_pass_keeps_grounded_refuses_the_rest_and_marks_sources(season, stub_generator):
    sd = SeasonDir(season)
    mb = run_model_pass(sd, generator=stub_generator)
    bible = sd.load_bible()
    rules, texts = rule_scenes(sd, bible)
    by_id = {s.id: s for s in rules}
    kept = [(sid, f, x) for sid, m in mb.scenes.items() for f in ("props", "wardrobe") for x in getattr(m, f)]
    assert kept, "the stand-in names nouns of the scene text: some must be kept"
    for sid, field, item in kept:  # grounded in that scene's own text, and new
        assert judge(item, field, texts[sid], bible.names, []) is None
        assert item not in by_id[sid].props + by_id[sid].wardrobe
    reasons = {r.reason for r in mb.refused}
    assert "ungrounded" in reasons  # the stand-in's out-of-scene thing (violin, telescope…)
    assert all(r.item not in {"violin", "telescope", "spaceship", "top hat", "umbrella stand"} or
               r.reason == "ungrounded" for r in mb.refused)
    assert mb.model["model"] == "stub" and set(mb.prompts) == {"production/breakdown_props.j2",
                                                                "production/breakdown_wardrobe.j2"}
    b = season_breakdown(sd)
    sid, field, item = kept[0]
    scene = b.scene(sid)
    assert item in getattr(scene, field) and scene.sources[field][item] == "model"
    assert all(v == "rule" for s in b.scenes if s.id not in mb.scenes for m in s.sources.values() for v in m.values())
    assert b.model_pass["file"] == f"production/{MODEL_FILE}" and b.model_pass["kept"] == len(kept)
    row = next(r for r in csv.DictReader(io.StringIO(breakdown_csv(b))) if r["id"] == sid)
    assert f"{field}:{item}=model" in row["sources"]
    assert item not in getattr(season_breakdown(sd, use_model=False).scene(sid), field)  # rules only


def test_model_pass_is_deterministic(season, tmp_path):
    sd = SeasonDir(season)
    run_model_pass(sd, generator=StubGenerator())
    first = sd.production_path(MODEL_FILE).read_bytes()
    run_model_pass(sd, generator=StubGenerator())
    assert sd.production_path(MODEL_FILE).read_bytes() == first
    other = make_season(tmp_path / "other", episodes=4, seed=5)
    req = SeasonDir(other).load_request()
    SeasonDir(other).write_model(SeasonDir(other).request_path, req.model_copy(update={"seed": 6}))
    run_model_pass(SeasonDir(other), generator=StubGenerator())
    assert SeasonDir(other).production_path(MODEL_FILE).read_bytes() != first  # another seed, other slots


def test_edits_win_over_a_regenerated_model_pass(season):
    sd = SeasonDir(season)
    mb = run_model_pass(sd, generator=StubGenerator())
    sid, m = next(iter(mb.scenes.items()))
    field = "props" if m.props else "wardrobe"
    item = getattr(m, field)[0]
    sd.breakdown_edits_path.write_text(f"{sid}:\n  remove_{field}: [{item}]\n  add_props: [ledger]\n")
    run_model_pass(sd, generator=StubGenerator())  # regenerated: proposes the item again
    assert item in json.loads(sd.production_path(MODEL_FILE).read_text())["scenes"][sid][field]
    scene = season_breakdown(sd).scene(sid)
    assert item not in getattr(scene, field) and item not in scene.sources.get(field, {})
    assert "ledger" in scene.props and scene.sources["props"]["ledger"] == "edited"
    assert field in scene.edited


def test_schedule_flag_rules_only_and_manifest(season, stub_generator):
    sd = SeasonDir(season)
    opts = ScheduleOptions(days=4, time_limit=3.0, workers=1)
    plan = plan_production([season], opts, model_breakdown=True, generator=stub_generator)
    manifest = json.loads(sd.production_path("manifest.json").read_text())
    assert manifest["breakdown_model"]["prompts"]["production/breakdown_props.j2"]
    assert manifest["inputs"][f"production/{MODEL_FILE}"] == manifest["breakdown_model"]["sha256"]
    assert sd.load_manifest().params["production"]["breakdown_model"]["model"]["model"] == "stub"
    assert any("model" in m.values() for s in plan.breakdowns[0].scenes for m in s.sources.values())
    plan = plan_production([season], opts, model_breakdown=False)  # --rules-only: the stored pass is not used
    assert not plan.breakdowns[0].model_pass
    assert json.loads(sd.production_path("manifest.json").read_text())["breakdown_model"] is None
    assert all(v != "model" for s in plan.breakdowns[0].scenes for m in s.sources.values() for v in m.values())


@pytest.mark.slow
def test_real_model_pass_on_a_small_season(season):
    """The default model over a 4-episode season: every kept item is grounded in its scene's text; a rerun
    writes the same bytes."""
    from dramagen.llm import load_generator

    sd = SeasonDir(season)
    mb = run_model_pass(sd, generator=load_generator(None))
    first = sd.production_path(MODEL_FILE).read_bytes()
    run_model_pass(sd, generator=load_generator(None))
    assert sd.production_path(MODEL_FILE).read_bytes() == first  # same season, seed and model: same bytes
    _, texts = rule_scenes(sd, sd.load_bible())
    names = sd.load_bible().names
    for sid, m in mb.scenes.items():
        for field in ("props", "wardrobe"):
            for item in getattr(m, field):
                assert judge(item, field, texts[sid], names, []) is None
    for kind in ("production.props", "production.wardrobe"):  # every scene's candidates went through validation
        st = mb.stats[kind]
        assert st["slots"] == len(texts) and st["candidates"] == 4 * len(texts)
        assert st["accepted"] + st["repaired"] + st["fallback"] == len(texts)
    assert mb.model.get("backend")
    b = season_breakdown(sd)
    assert b.model_pass["kept"] == sum(1 for s in b.scenes for m in s.sources.values() for v in m.values()
                                       if v == "model")
