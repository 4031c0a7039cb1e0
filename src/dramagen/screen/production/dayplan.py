"""A day's shooting order and timetable, from an assignment of scenes to days.

Within a day (the solver only decides the day): one visit per location, starting where the
previous day ended, then the location with the most work; at a location, exteriors before
interiors (daylight), then the biggest cast first with the same cast together (actors
released early), then script order. Start times count from crew call: the first shot
after ``crew_call_minutes``, a company move between locations, the meal before the scene that
would end more than six hours after crew call.

:func:`layout` builds the whole :class:`~dramagen.screen.production.models.Schedule` (days, scene
times, day-out-of-days, totals) for any assignment: the solver's, a hand-moved one, or
a baseline's.
"""

from __future__ import annotations

from collections.abc import Mapping

from .dood import day_out_of_days
from .models import (
    Availability,
    Breakdown,
    RateCard,
    SceneBreakdown,
    Schedule,
    ScheduleDay,
    ScheduledScene,
    ScheduleOptions,
)
from .schedule import actor_id, capacity_minutes, scene_minutes

MEAL_AFTER_MINUTES = 6 * 60
_TIME_ORDER = {"DAWN": 0, "MORNING": 1, "DAY": 2, "DUSK": 3, "EVENING": 4, "NIGHT": 5}


def order_day(scenes: list[SceneBreakdown], cast_order: Mapping[str, int], rates: RateCard,
              first_location: str | None = None) -> list[SceneBreakdown]:
    work: dict[str, int] = {}
    for s in scenes:
        work[s.location] = work.get(s.location, 0) + scene_minutes(s.eighths, s.setups, rates)
    locs = sorted(work, key=lambda loc: (loc != first_location, -work[loc], loc))

    def key(s: SceneBreakdown):
        return (locs.index(s.location), s.interior, _TIME_ORDER.get(s.time, 9), -len(s.cast),
                tuple(sorted(cast_order.get(c, 99) for c in s.cast)), s.episode, s.scene)

    return sorted(scenes, key=key)


def _timetable(unit: str, day: int, scenes: list[SceneBreakdown], rates: RateCard) -> list[ScheduledScene]:
    p = rates.production
    t = p.crew_call_minutes
    meal_done = False
    out = []
    for k, s in enumerate(scenes, 1):
        if k > 1 and s.location != scenes[k - 2].location:
            t += p.company_move_minutes
        minutes = scene_minutes(s.eighths, s.setups, rates)
        if not meal_done and t + minutes > MEAL_AFTER_MINUTES:  # the meal within six hours of crew call
            t += p.meal_minutes
            meal_done = True
        out.append(ScheduledScene(unit=unit, id=s.id, day=day, order=k, start_minute=int(round(t)), minutes=minutes,
                                  location=s.location))
        t += minutes
    return out


def layout(breakdowns: list[Breakdown], assignment: Mapping[tuple[str, str], int], options: ScheduleOptions,
           rates: RateCard, availability: Availability, status: str = "HAND-EDITED", objective: float = 0.0,
           bound: float = 0.0, gap: float = 0.0, deterministic_seconds: float = 0.0) -> Schedule:
    """The schedule of ``assignment`` ((unit, scene id) → day): days in order, times, DOOD, totals."""
    multi = len(breakdowns) > 1
    cap = capacity_minutes(options, rates)
    move = rates.production.company_move_minutes
    all_scenes, all_days = [], []
    work: dict[str, set[int]] = {}
    units_of: dict[str, list[str]] = {}
    for b in breakdowns:
        order = {c.name: c.number for c in b.cast}
        for c in b.cast:  # cast order first, so that the DOOD lists the lead first
            a = actor_id(b.unit, c.name, availability, multi)
            work.setdefault(a, set())
            units_of.setdefault(a, [])
            if b.unit not in units_of[a]:
                units_of[a].append(b.unit)
        by_day: dict[int, list[SceneBreakdown]] = {}
        for s in b.scenes:
            by_day.setdefault(assignment[(b.unit, s.id)], []).append(s)
        previous = None
        for d in sorted(by_day):
            scenes = order_day(by_day[d], order, rates, previous)
            timed = _timetable(b.unit, d, scenes, rates)
            locs = list(dict.fromkeys(s.location for s in scenes))
            previous = locs[-1]
            for s in scenes:
                for c in s.cast:
                    work[actor_id(b.unit, c, availability, multi)].add(d)
            all_scenes += timed
            all_days.append(ScheduleDay(
                unit=b.unit, day=d, night=any(s.day_night == "NIGHT" for s in scenes), locations=locs,
                scenes=[s.id for s in scenes],
                minutes=int(round(sum(t.minutes for t in timed) + move * (len(locs) - 1))),
                capacity=cap, eighths=sum(s.eighths for s in scenes), setups=sum(s.setups for s in scenes),
                company_moves=len(locs) - 1))
    days_used = max((d.day for d in all_days), default=0)
    dood = day_out_of_days({a: sorted(w) for a, w in work.items()}, days_used, units_of)
    return Schedule(status=status, objective=objective, bound=bound, gap=gap,
                    deterministic_seconds=deterministic_seconds, options=options, units=[b.unit for b in breakdowns],
                    days_used=days_used, company_moves=sum(d.company_moves for d in all_days),
                    hold_days=sum(r.hold for r in dood), scenes=all_scenes, days=all_days, dood=dood)
