"""A whole 10-episode season on the real default model (slow: `make test-slow`)."""

import json

import pytest

from dramagen.check import check_dir
from dramagen.pipeline import generate_season, make_request
from dramagen.season import SeasonDir
from dramagen.stages.script import script_issues

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def test_ten_episode_season_passes_check_and_is_reproducible(generator, tmp_path):
    req = make_request(trope="werewolf-rejected-mate", episodes=10, paywall=4, length=75, seed=7, candidates=4)
    a = tmp_path / "a"
    generate_season(req, a, generator=generator)
    report = check_dir(a)
    assert report.ok, [i.message for r in report.rows for i in r.issues]
    season = SeasonDir(a)
    assert season.episodes_done("shooting") == list(range(1, 11))
    bible, plan = season.load_bible(), season.load_plan()
    for n in range(1, 11):
        assert script_issues(season.load_script(n), bible, plan.episode(n), beats=season.load_beats(n)) == []
    manifest = json.loads((a / "manifest.json").read_text())
    assert manifest["request"]["seed"] == 7 and manifest["model"]["sha256"]
    assert manifest["prompts"] and all(len(h) == 64 for h in manifest["prompts"].values())
    assert set(manifest["stats"]) >= {"plan.synopsis", "plan.cliffhanger"}
    b = tmp_path / "b"
    generate_season(req, b, generator=generator)
    assert _files(a) == _files(b)  # byte-identical JSON, Fountain and markdown
