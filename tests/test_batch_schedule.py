"""Batch scheduling: seasons a batch produced, sharing an actor, scheduled over the same days by the one
multi-season scheduler (plan_production), as the request file's `schedule:` step and as
`dramagen schedule BATCHDIR`; stand-in seasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dramagen.core.errors import InputError
from dramagen.project.batch import load_requests, run_batch
from dramagen.project.batch_schedule import BatchSchedule, finished_seasons, is_batch_dir, read_schedule
from dramagen.project.season import SeasonDir
from dramagen.screen.production import load_plan
from dramagen.screen.production.verify import violations

from .stand_in import StubGenerator

REQUESTS = """\
seasons:
  - name: series-a
    trope: hidden-heir
    episodes: 10
    seed: 1
    characters: [{name: Mara Chen, role: lead, age: 28}]
  - name: series-b
    trope: amnesia
    episodes: 10
    seed: 2
    characters: [{name: Lily Wu, role: lead, age: 26}]
schedule:
  days: 12
  time_limit: 5
  workers: 1
  availability: casting.yaml
"""
CASTING = "casting:\n  series-a: {Mara Chen: anna}\n  series-b: {Lily Wu: anna}\nactors:\n  anna: [1]\n"


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, list[dict]]:
    root = tmp_path_factory.mktemp("batch")
    (root / "casting.yaml").write_text(CASTING)
    (root / "requests.yaml").write_text(REQUESTS)
    rows, errors = load_requests(root / "requests.yaml")
    assert not errors
    out = root / "out"
    results = run_batch(rows, out, generator=StubGenerator(), schedule=read_schedule(root / "requests.yaml"))
    return out, results


def test_request_schedule_step_shares_the_actor_over_the_same_days(batch):
    out, results = batch
    assert [r["event"] for r in results] == ["done", "done", "scheduled"]
    step = results[-1]
    assert step["season"] == "(schedule)" and step["seasons"] == ["series-a", "series-b"] and step["days"] <= 12
    plan = load_plan(out / "series-a")
    s = plan.schedule
    assert s.units == ["series-a", "series-b"]
    assert violations(s, plan.breakdowns, s.options, plan.rates, plan.availability) == []  # independent checker
    anna = next(r for r in s.dood if r.actor == "anna")
    assert anna.units == ["series-a", "series-b"] and anna.codes[0] == ""  # one actor, both series, day 1 off
    for day in range(1, s.days_used + 1):  # one unit a day for the shared actor
        units = {d.unit for d in s.days if d.day == day for sid in d.scenes
                 if any(c in ("Mara Chen", "Lily Wu") for c in plan.breakdowns[s.units.index(d.unit)]
                        .scene(sid).cast)}
        assert len(units) <= 1
    assert (out / "series-b" / "production" / "schedule.json").read_text() == \
        (out / "series-a" / "production" / "schedule.json").read_text()
    events = [json.loads(x) for x in (out / "events.jsonl").read_text().splitlines()]
    assert events[-1]["event"] == "scheduled"


def test_cli_schedules_a_batch_folder(batch, capsys):
    from typer.testing import CliRunner

    from dramagen.cli import app

    out, _ = batch
    assert is_batch_dir(out) and not is_batch_dir(out / "series-a")
    assert [p.name for p in finished_seasons(out)] == ["series-a", "series-b"]
    casting = out.parent / "casting.yaml"
    r = CliRunner().invoke(app, ["schedule", str(out), "-a", str(casting), "--days", "12", "--time-limit", "5",
                                 "--workers", "1", "--rules-only"])
    assert r.exit_code == 0, r.output
    assert "series-a" in r.output and "series-b" in r.output and "gap" in r.output


def test_schedule_step_errors_name_the_field(batch, tmp_path):
    out, _ = batch
    bad = tmp_path / "r.yaml"
    bad.write_text("seasons: []\nschedule: {days: 0}\n")
    with pytest.raises(InputError) as e:
        read_schedule(bad)
    assert e.value.field == "schedule.days"
    with pytest.raises(InputError) as e:
        finished_seasons(out, ["nope"])
    assert e.value.field == "schedule.seasons"
    from dramagen.project.batch_schedule import schedule_step

    res = schedule_step(out, BatchSchedule(days=1, time_limit=2, workers=1))  # too much work for one day
    assert res["event"] == "failed" and "--days" in res["error"]
    assert read_schedule(tmp_path / "r.csv") is None
    assert SeasonDir(out / "series-a").exists()


def test_cli_batch_runs_the_request_files_schedule_step(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from dramagen.cli import app

    from .stand_in import write_registry

    monkeypatch.setenv("DRAMAGEN_REGISTRY", str(write_registry(tmp_path / "registry.yaml")))
    (tmp_path / "casting.yaml").write_text(CASTING)
    text = REQUESTS.replace("    seed: 1\n", "    seed: 1\n    model: stub\n").replace("    seed: 2\n",
                                                                                   "    seed: 2\n    model: stub\n")
    (tmp_path / "requests.yaml").write_text(text.replace("days: 12", "days: 1"))  # too little time: the step fails
    r = CliRunner().invoke(app, ["batch", str(tmp_path / "requests.yaml"), "--out", str(tmp_path / "out")])
    assert r.exit_code == 1 and "(schedule)" in r.output and "failed" in r.output, r.output
    assert SeasonDir(tmp_path / "out" / "series-a").episodes_done("shooting")  # the seasons stay done
    (tmp_path / "requests.yaml").write_text(text)
    r = CliRunner().invoke(app, ["batch", str(tmp_path / "requests.yaml"), "--out", str(tmp_path / "out")])
    assert r.exit_code == 0 and "scheduled" in r.output, r.output
    assert load_plan(tmp_path / "out" / "series-b").schedule.units == ["series-a", "series-b"]
