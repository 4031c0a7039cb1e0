"""The CP-SAT shooting schedule: every returned schedule passes the independent checker
(:mod:`dramagen.screen.production.verify`); impossible problems name the constraint and a change
that really makes them feasible; bad input names the field."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramagen.core.errors import InputError
from dramagen.screen.production.inputs import load_rates, resolve_availability
from dramagen.screen.production.models import (
    Availability,
    Breakdown,
    CastMember,
    RateCard,
    SceneBreakdown,
    ScheduleOptions,
)
from dramagen.screen.production.schedule import InfeasibleScheduleError
from dramagen.screen.production.solve import solve_schedule
from dramagen.screen.production.verify import violations

ROLES = ["lead", "love_interest", "rival", "antagonist", "friend", "mother"]
FAST = dict(time_limit=3.0, workers=1)


def synthetic(seed: int, episodes: int = 6, n_cast: int = 4, n_loc: int = 3, unit: str = "s1",
              night_share: float = 0.4) -> Breakdown:
    """A random small season's breakdown (2–3 scenes an episode, 15–35 s each)."""
    r = random.Random(seed)
    cast = [CastMember(number=i + 1, name=f"Actor {chr(65 + i)}", role=ROLES[i]) for i in range(n_cast)]
    locs = [f"SET {i}" for i in range(n_loc)]
    scenes = []
    for e in range(1, episodes + 1):
        for k in range(1, r.randint(2, 3) + 1):
            secs = r.uniform(15, 35)
            night = r.random() < night_share
            scenes.append(SceneBreakdown(
                id=f"E{e:03d}-S{k:02d}", episode=e, scene=k, heading="x", location=r.choice(locs),
                interior=r.random() < 0.8, time="NIGHT" if night else "DAY", day_night="NIGHT" if night else "DAY",
                seconds=secs, eighths=max(1, round(secs / 60 * 8)), setups=r.randint(3, 8),
                cast=sorted(r.sample([c.name for c in cast], r.randint(1, min(3, n_cast))))))
    return Breakdown(season="Test", unit=unit, cast=cast, locations=locs, scenes=scenes)


def solve(bds, av=None, **kw):
    opts = ScheduleOptions(**{**FAST, **kw})
    rates = RateCard()
    av = resolve_availability(av or Availability(), bds, opts.days)
    s = solve_schedule(bds, opts, rates, av)
    return s, violations(s, bds, opts, rates, av)


def test_a_small_season_is_scheduled_without_breaking_any_rule():
    b = synthetic(1)
    s, broken = solve([b], days=4)
    assert broken == []
    assert sorted(x.id for x in s.scenes) == sorted(x.id for x in b.scenes)
    assert s.status in ("OPTIMAL", "FEASIBLE") and 0 <= s.gap <= 1
    assert s.days_used <= 4
    for d in s.days:  # a day is all day work or all night work
        assert len({b.scene(sid).day_night for sid in d.scenes}) == 1


def test_days_off_are_respected_and_the_result_is_deterministic():
    b = synthetic(2)
    av = Availability(actors={"Actor A": [1, 2]}, locations={"SET 0": [3]})
    s1, broken = solve([b], av, days=5)
    assert broken == []
    for x in s1.scenes:
        sc = b.scene(x.id)
        assert not ("Actor A" in sc.cast and x.day in (1, 2))
        assert not (sc.location == "SET 0" and x.day == 3)
    s2, _ = solve([b], av, days=5)
    assert s1.model_dump_json() == s2.model_dump_json()


def test_the_checker_catches_every_kind_of_broken_rule():
    b = synthetic(3)
    opts = ScheduleOptions(days=4, **FAST)
    s, broken = solve([b], days=4)
    assert broken == []
    first = s.scenes[0]
    sc = b.scene(first.id)
    actor = sc.cast[0]
    av = Availability(actors={actor: [first.day]}, locations={sc.location: [first.day]})
    found = violations(s, [b], opts, RateCard(), av)
    assert any(v.startswith("actor availability") for v in found)
    assert any(v.startswith("location availability") for v in found)
    twice = s.model_copy(update={"scenes": s.scenes + [first]})
    assert any(v.startswith("every scene once") for v in violations(twice, [b], opts, RateCard()))
    tight = ScheduleOptions(days=4, hours=2, **FAST)
    assert any(v.startswith("work per day") for v in violations(s, [b], tight, RateCard()))
    night = next(x for x in s.scenes if b.scene(x.id).day_night == "NIGHT")
    day = next(x for x in s.scenes if b.scene(x.id).day_night == "DAY")
    mixed = s.model_copy(update={"scenes": [x.model_copy(update={"day": day.day}) if x.id == night.id else x
                                            for x in s.scenes]})
    assert any(v.startswith("night blocks") for v in violations(mixed, [b], opts, RateCard()))
    nights = sorted({x.day for x in s.scenes if b.scene(x.id).day_night == "NIGHT"})
    after = [x.model_copy(update={"day": nights[-1] + 1}) if x.id == day.id else x for x in s.scenes]
    assert any(v.startswith("turnaround") for v in violations(
        s.model_copy(update={"scenes": after}), [b], ScheduleOptions(days=nights[-1] + 1, **FAST), RateCard()))
    lied = s.model_copy(update={"company_moves": s.company_moves + 1})
    assert any(v.startswith("report") for v in violations(lied, [b], opts, RateCard()))


def test_too_much_work_names_the_capacity_and_the_days_that_suffice():
    b = synthetic(4, episodes=12)
    with pytest.raises(InfeasibleScheduleError) as e:
        solve([b], days=1)
    assert e.value.constraint == "work per day"
    assert "--days" in str(e.value)
    days = int(next(f for f in e.value.fixes if f.startswith("--days")).split()[1])
    s, broken = solve([b], days=days + 1)  # + 1: day and night work cannot share a day
    assert broken == []


def test_an_actor_off_every_day_a_scene_could_use_is_named():
    b = synthetic(5)
    sc = b.scenes[0]
    av = Availability(actors={sc.cast[0]: [1, 2, 3]})
    with pytest.raises(InfeasibleScheduleError) as e:
        solve([b], av, days=3)
    assert e.value.constraint == "availability"
    assert sc.id in str(e.value) and sc.cast[0] in e.value.fixes[0]


def test_night_blocks_infeasibility_offers_a_change_that_works():
    b = synthetic(6, episodes=4, night_share=0.5)
    # nights on days 1 and 3 only (day 2 closed for the night sets) with one night block is impossible
    nights = [s for s in b.scenes if s.day_night == "NIGHT"]
    days_only = [s for s in b.scenes if s.day_night == "DAY"]
    assert nights and days_only
    av = Availability(actors={c.name: [2] for c in b.cast if any(c.name in s.cast for s in nights)
                              and not any(c.name in s.cast for s in days_only)})
    with pytest.raises(InfeasibleScheduleError) as e:
        solve([b], av, days=3, hours=3, night_blocks=1)
    fix = e.value.fixes[0]
    assert fix.startswith(("--night-blocks", "--days", "--hours", "make "))


def test_shared_actor_works_for_one_unit_a_day():
    a, b = synthetic(7, unit="series-a"), synthetic(8, unit="series-b")
    av = Availability(casting={"series-a": {"Actor A": "star"}, "series-b": {"Actor B": "star"}})
    s, broken = solve([a, b], av, days=5)
    assert broken == []
    days_a = {x.day for x in s.scenes if x.unit == "series-a" and "Actor A" in a.scene(x.id).cast}
    days_b = {x.day for x in s.scenes if x.unit == "series-b" and "Actor B" in b.scene(x.id).cast}
    assert not days_a & days_b
    star = next(r for r in s.dood if r.actor == "star")
    assert star.units == ["series-a", "series-b"] and star.work == len(days_a | days_b)


def test_unknown_ids_and_negative_rates_are_refused_with_the_field_named():
    b = synthetic(9)
    with pytest.raises(InputError) as e:
        resolve_availability(Availability(actors={"Zed": [1]}), [b], 4)
    assert e.value.field == "availability.actors.Zed"
    with pytest.raises(InputError) as e:
        resolve_availability(Availability(locations={"MOON BASE": [1]}), [b], 4)
    assert e.value.field == "availability.locations.MOON BASE"
    with pytest.raises(InputError) as e:
        resolve_availability(Availability(actors={"Actor A": [9]}), [b], 4)
    assert e.value.field == "availability.actors.Actor A"
    with pytest.raises(InputError) as e:
        load_rates(overrides={"money": {"crew_day": -1}})
    assert e.value.field == "rates.money.crew_day" and "negative" in str(e.value)
    with pytest.raises(InputError) as e:
        load_rates(overrides={"money": {"cast_day": {"lead": -5}}})
    assert e.value.field == "rates.money.cast_day.lead"


def test_dood_codes_and_hold_days():
    from dramagen.screen.production.dood import actor_days

    r = actor_days("Mara", [2, 5, 3], 6)
    assert r.codes == ["", "SW", "W", "H", "WF", ""]
    assert (r.work, r.hold, r.start, r.finish) == (3, 1, 2, 5)
    assert actor_days("Kai", [4], 5).codes == ["", "", "", "SWF", ""]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), episodes=st.integers(2, 6), days=st.integers(1, 4),
       hours=st.sampled_from([4.0, 8.0, 12.0]), blocks=st.integers(0, 2),
       off=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 4)), max_size=4))
def test_property_a_returned_schedule_never_breaks_a_hard_constraint(seed, episodes, days, hours, blocks, off):
    b = synthetic(seed, episodes=episodes)
    actors: dict[str, list[int]] = {}
    for who, day in off:
        if day <= days:
            actors.setdefault(b.cast[who].name, []).append(day)
    av = Availability(actors=actors)
    try:
        s, broken = solve([b], av, days=days, hours=hours, night_blocks=blocks, time_limit=1.0)
    except InfeasibleScheduleError as e:
        assert e.constraint in ("work per day", "availability", "night blocks", "time limit")
        return
    assert broken == []
    assert len(s.scenes) == len(b.scenes)


@pytest.mark.slow  # ~10 infeasibility probes of up to 5 deterministic seconds each
def test_a_shared_actor_too_busy_gets_the_fewest_days_that_work():
    a, b = synthetic(10, episodes=20, unit="series-a"), synthetic(11, episodes=20, unit="series-b")
    for bd in (a, b):  # the shared actor is in every scene of both series
        bd.scenes = [s.model_copy(update={"cast": sorted(set(s.cast) | {"Actor A"})}) for s in bd.scenes]
    av = Availability(casting={"series-a": {"Actor A": "star"}, "series-b": {"Actor A": "star"}})
    with pytest.raises(InfeasibleScheduleError) as e:
        solve([a, b], av, days=2)
    days = int(next(f for f in e.value.fixes if f.startswith("--days")).split()[1])
    assert days > 2 + 3  # beyond the single relaxations: found by doubling and bisection
    s, broken = solve([a, b], av, days=days)
    assert broken == []
    with pytest.raises(InfeasibleScheduleError):  # and it is the fewest
        solve([a, b], av, days=days - 1)
