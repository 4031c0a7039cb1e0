"""A real-model 10-episode season from a custom premise keeps its story (issue 14; slow: `make test-slow`)."""

import pytest

from dramagen.metrics import season_dir_metrics
from dramagen.project.findings import check_folder
from dramagen.project.pipeline import generate_season, make_request
from dramagen.project.season import SeasonDir

pytestmark = [pytest.mark.model, pytest.mark.slow]

PREMISE = ("In 1920s Shanghai, Mei Lin, a widowed midwife, secretly delivers the babies of the city's gangsters. "
           "Her cruel stepmother wants to sell the family teahouse, and a young police detective starts asking "
           "questions about a baby that vanished from the hospital.")


def test_a_custom_premise_season_passes_check_with_continuity(generator, tmp_path):
    req = make_request(trope=PREMISE, custom_trope=True, episodes=10, paywall=3, length=75, seed=7, candidates=4)
    root = tmp_path / "s"
    generate_season(req, root, generator=generator, stop_after="script")
    result = check_folder(root)
    assert result.ok, [f"{f.section} {f.where} [{f.rule}] {f.message}" for f in result.findings]
    season = SeasonDir(root)
    assert season.episodes_done("script") == list(range(1, 11))
    bible = season.load_bible()
    assert bible.characters[0].name == "Mei Lin" and bible.world == "1920s Shanghai"
    m = season_dir_metrics(root, "script")
    assert m["continuity_violations"] == 0
    assert m["payoff_rate"] >= 0.9
    assert m["premise_coverage"] >= 0.9
    assert 0.3 <= m["dialogue_share"] <= 0.55
    assert 12 <= m["action_words"] <= 30
