"""From season to shoot on a small hand-built season: breakdown, schedule, every output file, hand moves,
the CLI's one-line errors."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from dramagen.project.season import SeasonDir
from dramagen.screen.production import ScheduleOptions, load_plan, move_scene, plan_production
from dramagen.screen.production.breakdown import eighths, pages_text, season_breakdown
from dramagen.screen.production.verify import violations

FAST = dict(time_limit=3.0, workers=1)


ACTIONS = ["{a} slams the contract onto the table and glares at {b}.", "{a} steps out of the rain, soaked, a gun "
           "in her hand.", "{a} pours champagne for the guests at the gala.", "{a} hides the phone behind her back.",
           "{a} and {b} kiss under the chandelier.", "{a} shoves {b} against the car."]
LINES = ["You signed it.", "I know who you are.", "Get out of my house.", "This changes nothing.", "Tell me the truth."]


def make_season(out: Path, episodes: int = 10, seed: int = 1) -> Path:
    """A season folder with a bible, scripts and shooting scripts (shooting.py's rules), made directly
    from the data model: no generator, so these tests pin production alone."""
    import random

    from dramagen import __version__
    from dramagen.core.models import (
        Character,
        EpisodeScript,
        Location,
        RunManifest,
        Scene,
        ScriptElement,
        SeasonRequest,
        SeriesBible,
    )
    from dramagen.screen.shooting import shooting_script

    r = random.Random(seed)
    bible = SeriesBible(
        title="The Ledger", logline="A wronged heiress takes back her company.", trope_id="billionaire-revenge",
        characters=[Character(name=n, age=a, role=ro, look=lk) for n, a, ro, lk in (
            ("Celeste Vane", 28, "lead", "black suit, red lipstick"),
            ("Gabriel Stone", 34, "love_interest", "grey coat"),
            ("Constance Vane", 55, "antagonist", "pearls"), ("Brooke Hale", 27, "rival", "white dress"),
            ("Timmy Vane", 9, "friend", "school uniform"))],
        locations=[Location(name=n, interior=i, time=t) for n, i, t in (
            ("PENTHOUSE OFFICE", True, "NIGHT"), ("BOARDROOM", True, "DAY"), ("FAMILY ESTATE", False, "DAY"),
            ("CHARITY GALA BALLROOM", True, "EVENING"))])
    sd = SeasonDir(out)
    sd.write_model(sd.bible_path, bible)
    request = SeasonRequest(trope="billionaire-revenge", episodes=max(episodes, 10), seed=seed)
    sd.write_model(sd.request_path, request)
    sd.write_model(sd.manifest_path, RunManifest(dramagen_version=__version__, request=request))
    for ep in range(1, episodes + 1):
        scenes = []
        for k in range(1, r.randint(2, 3) + 1):
            loc = r.choice(bible.locations)
            a, b = r.sample([c.name.split()[0] for c in bible.characters], 2)
            els = [ScriptElement(kind="action", text=r.choice(ACTIONS).format(a=a, b=b))]
            for who in (a, b, a)[: r.randint(2, 3)]:
                els += [ScriptElement(kind="character", text=who.upper()),
                        ScriptElement(kind="dialogue", text=r.choice(LINES))]
            scenes.append(Scene(number=k, location=loc.name, interior=loc.interior, time=loc.time, elements=els))
        script = EpisodeScript(episode=ep, title=f"Episode {ep}", target_seconds=75, scenes=scenes)
        sd.write_model(sd.script_path(ep), script)
        sd.write_model(sd.shooting_path(ep), shooting_script(script, bible, seed=seed))
    return out


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> Path:
    return make_season(tmp_path_factory.mktemp("prod") / "season")


@pytest.fixture()
def fresh(season, tmp_path) -> Path:
    d = tmp_path / "season"
    shutil.copytree(season, d)
    return d


def test_page_eighths():
    assert eighths(60) == 8 and eighths(7.6) == 2 and eighths(0.1) == 1
    assert pages_text(11) == "1 3/8" and pages_text(4) == "4/8" and pages_text(16) == "2"


def test_breakdown_has_every_scene_with_rules_and_edits(fresh):
    sd = SeasonDir(fresh)
    b = season_breakdown(sd)
    n_scenes = sum(len(sd.load_shooting(n).scenes) for n in sd.episodes_done("shooting"))
    assert len(b.scenes) == n_scenes and len({s.id for s in b.scenes}) == n_scenes
    s = b.scenes[0]
    assert s.setups >= 1 and s.eighths >= 1 and s.cast and s.day_night in ("DAY", "NIGHT")
    sd.breakdown_edits_path.parent.mkdir(parents=True, exist_ok=True)
    sd.breakdown_edits_path.write_text(f"{s.id}:\n  add_props: [ledger]\n  add_special: [drone]\n  notes: quiet set\n")
    e = season_breakdown(sd).scene(s.id)
    assert "ledger" in e.props and "drone" in e.special and e.notes == "quiet set"
    assert set(e.edited) == {"props", "special", "notes"}
    sd.breakdown_edits_path.write_text("E999-S01:\n  add_props: [x]\n")
    from dramagen.core.errors import InputError

    with pytest.raises(InputError) as err:
        season_breakdown(sd)
    assert err.value.field == "breakdown_edits.E999-S01"


def test_plan_writes_every_output_and_records_it(fresh):
    plan = plan_production([fresh], ScheduleOptions(days=4, **FAST))
    sd = SeasonDir(fresh)
    s = plan.schedule
    assert violations(s, plan.breakdowns, s.options, plan.rates, plan.availability) == []
    for name in ("breakdown.json", "breakdown.csv", "breakdown.pdf", "schedule.json", "stripboard.html",
                 "stripboard.pdf", "dood.json", "dood.csv", "dood.pdf", "budget.json", "budget.csv", "manifest.json"):
        assert sd.production_path(name).stat().st_size > 0, name
    for d in s.days:
        assert sd.production_path(f"callsheets/day{d.day:02d}.pdf").read_bytes().startswith(b"%PDF")
    sheets = json.loads(sd.production_path("callsheets/callsheets.json").read_text())
    assert [x["day"] for x in sheets] == [d.day for d in s.days]
    assert sheets[0]["scenes"][0]["id"] == s.days[0].scenes[0] and sheets[0]["cast"][0]["makeup"]
    rows = list(csv.reader(io.StringIO(sd.production_path("dood.csv").read_text())))
    assert rows[0][0] == "actor" and len(rows) == len(s.dood) + 1
    budget = json.loads(sd.production_path("budget.json").read_text())
    assert budget["total"] == pytest.approx(budget["subtotal"] + budget["contingency"])
    assert budget["subtotal"] == pytest.approx(sum(x["amount"] for x in budget["lines"]))
    run = json.loads(sd.manifest_path.read_text())
    assert run["params"]["production"]["status"] == s.status and "ortools" in run["versions"]
    man = json.loads(sd.production_path("manifest.json").read_text())
    assert man["outputs"]["schedule.json"] and man["inputs"]
    again = plan_production([fresh], ScheduleOptions(days=4, **FAST))
    assert again.schedule == s  # same season, same options: the same schedule
    assert json.loads(sd.production_path("manifest.json").read_text())["outputs"] == man["outputs"]


def test_callsheet_and_dood_pdf_text(fresh):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    plan = plan_production([fresh], ScheduleOptions(days=4, **FAST))
    sd = SeasonDir(fresh)
    day = plan.schedule.days[0]
    text = subprocess.run(["pdftotext", "-layout", str(sd.production_path("callsheets/day01.pdf")), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert f"CALL SHEET — DAY 1 OF {plan.schedule.days_used}" in text
    assert day.scenes[0] in text and "Crew call" in text and "Advance schedule" in text
    dood = subprocess.run(["pdftotext", "-layout", str(sd.production_path("dood.pdf")), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert plan.breakdowns[0].cast[0].name in dood and "day out of days" in dood


def test_move_by_hand_is_rechecked(fresh):
    plan = plan_production([fresh], ScheduleOptions(days=4, **FAST))
    s = plan.schedule
    night_day = next(d for d in s.days if d.night)
    day_day = next(d for d in s.days if not d.night)
    moved = move_scene(fresh, day_day.scenes[0], night_day.day)
    assert moved.schedule.status == "HAND-EDITED"
    assert any(v.startswith("night blocks") for v in moved.schedule.violations)
    assert load_plan(fresh).schedule.day_of(moved.schedule.units[0], day_day.scenes[0]) == night_day.day
    back = move_scene(fresh, day_day.scenes[0], day_day.day)
    assert back.schedule.violations == []


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    """``dramagen ARGS`` in this process (the entry point's own error handling): (exit code, stdout, stderr)."""
    from dramagen.cli import main

    with pytest.raises(SystemExit) as e:
        main(list(args))
    out = capsys.readouterr()
    return e.value.code, out.out, out.err


def test_cli_schedule_and_one_line_errors(fresh, tmp_path, capsys):
    rc, out, err = _cli(capsys, "schedule", str(fresh), "--days", "4", "--time-limit", "3", "--workers", "1")
    assert rc == 0, err
    assert "gap" in out and "company moves" in out
    assert _cli(capsys, "production", "check", str(fresh))[0] == 0
    av = tmp_path / "av.yaml"
    av.write_text("actors:\n  Nobody Here: [1]\n")
    rc, _, err = _cli(capsys, "schedule", str(fresh), "--availability", str(av))
    assert rc == 2 and "availability.actors.Nobody Here" in err and len(err.strip().splitlines()) == 1
    rates = tmp_path / "rates.yaml"
    rates.write_text("money:\n  location_day_default: -3\n")
    rc, _, err = _cli(capsys, "schedule", str(fresh), "--rates", str(rates))
    assert rc == 2 and "rates.money.location_day_default" in err
    rc, _, err = _cli(capsys, "schedule", str(fresh), "--days", "1")
    assert rc == 2 and "infeasible (work per day)" in " ".join(err.split()) and "--days" in err
    first = load_plan(fresh).schedule.scenes[0]
    rc, out, _ = _cli(capsys, "production", "move", str(fresh), first.id, str(first.day))
    assert rc == 0 and "gap" in out


def test_two_seasons_share_an_actor_over_the_same_days(tmp_path):
    a = make_season(tmp_path / "series-a", episodes=4, seed=2)
    b = make_season(tmp_path / "series-b", episodes=4, seed=3)
    av = tmp_path / "casting.yaml"
    av.write_text("casting:\n  series-a: {Celeste Vane: star}\n  series-b: {Gabriel Stone: star}\n"
                  "actors:\n  star: [1]\nstart_date: 2026-03-02\n")
    plan = plan_production([a, b], ScheduleOptions(days=5, **FAST), availability=av)
    s = plan.schedule
    assert s.units == ["series-a", "series-b"]
    assert violations(s, plan.breakdowns, s.options, plan.rates, plan.availability) == []
    star = next(r for r in s.dood if r.actor == "star")
    assert star.codes[0] == "" and star.work >= 1  # day 1 off
    for folder in (a, b):
        sd = SeasonDir(folder)
        mine = sorted(d.day for d in s.days if d.unit == folder.name)
        assert sorted(int(p.stem[3:]) for p in sd.production_path("callsheets").glob("day*.pdf")) == mine
        assert SeasonDir(folder).production_path("schedule.json").read_text() == \
            SeasonDir(a).production_path("schedule.json").read_text()
