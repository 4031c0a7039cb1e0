"""The studio's steps write what the pipeline writes (dramagen.studio.steps, dramagen.project.service).

A season made step by step in the studio has the same request, premise and bible bytes as
`dramagen generate` for the same request, and its plan carries the same story events (ledger.json).
Both runs use the stand-in model from a fresh start, so its calls come in the same order.
"""

from __future__ import annotations

import pytest

pytest.importorskip("gradio")

from dramagen.project.pipeline import generate_season, make_request  # noqa: E402
from dramagen.project.season import SeasonDir  # noqa: E402
from dramagen.studio import session, steps  # noqa: E402

from .stand_in import StubGenerator  # noqa: E402

SAME = ["request.json", "premise.json", "bible.json"]
NOT_YET = ["ledger.json", "plan.json", "episodes/ep001/beats.json", "episodes/ep001/script.json",
           "episodes/ep001/script.fountain"]
FREE_TEXT = "A nurse discovers the billionaire patient she saved is the husband who faked his death."


def _both(tmp_path, monkeypatch, trope: str, custom: bool):
    """The pipeline's season (up to scripts) and the studio's (bible, plan, episode 1's beats and script)."""
    req = make_request(trope=trope, custom_trope=custom, episodes=10, paywall=5, seed=7, candidates=2)
    cli = tmp_path / "cli"
    generate_season(req, cli, generator=StubGenerator(), stop_after="script")

    stub = StubGenerator()
    monkeypatch.setattr(session, "load_generator", lambda model=None, **kw: stub)
    sd = SeasonDir(tmp_path / "studio")
    sd.path.mkdir()
    req = sd.write_request(req)
    text = []
    steps.write_bible(sd, req, req.pins, 0, lambda kind, t: text.append(kind))
    steps.plan(sd, req, lambda kind, t: None)
    steps.write_beats(sd, req, 1, 0, lambda kind, t: None)
    steps.write_script(sd, req, 1, 0, lambda kind, t: None)

    assert text and all(k.startswith("bible.") for k in text)
    assert (sd.path / "manifest.json").exists() and (sd.path / "season.md").exists()
    return cli, sd.path


@pytest.mark.parametrize("trope, custom", [("werewolf-rejected-mate", False), (FREE_TEXT, True)])
def test_studio_steps_write_the_pipelines_premise_and_bible(tmp_path, monkeypatch, trope, custom):
    cli, studio = _both(tmp_path, monkeypatch, trope, custom)
    for name in SAME:
        if name == "premise.json" and not custom:
            assert not (cli / name).exists() and not (studio / name).exists()
            continue
        assert (cli / name).read_bytes() == (studio / name).read_bytes(), name


def test_studio_plan_carries_the_story_events_like_the_pipeline(tmp_path, monkeypatch):
    cli, studio = _both(tmp_path, monkeypatch, "werewolf-rejected-mate", False)
    assert SeasonDir(cli).load_plan().episode(1).event is not None
    for name in NOT_YET:
        assert (studio / name).exists() and (cli / name).read_bytes() == (studio / name).read_bytes(), name
