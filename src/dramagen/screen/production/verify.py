"""An independent checker of a schedule's hard constraints (and of its reported totals).

It shares no code with the solver's model (:mod:`dramagen.screen.production.schedule`): it reads
the breakdowns, the options, the rate card and the availability file, recomputes every
scene's unit minutes, and lists each broken rule as one line naming the constraint. The
tests run it on every schedule the solver returns; the studio runs it after a scene is
moved by hand; ``dramagen production check`` runs it on a schedule on disk.
"""

from __future__ import annotations

import math
from collections import defaultdict

from .models import Availability, Breakdown, RateCard, Schedule, ScheduleOptions


def _minutes(eighths: int, setups: int, rates: RateCard) -> int:
    p = rates.production
    return math.ceil(round(eighths * p.minutes_per_page / 8 + setups * p.minutes_per_setup, 6))


def _runs(days: list[int]) -> int:
    """How many runs of consecutive numbers ``days`` holds."""
    days = sorted(set(days))
    return sum(1 for i, d in enumerate(days) if i == 0 or days[i - 1] != d - 1)


def violations(schedule: Schedule, breakdowns: list[Breakdown], options: ScheduleOptions, rates: RateCard,
               availability: Availability | None = None) -> list[str]:  # noqa: C901 - one rule a block
    av = availability or Availability()
    multi = len(breakdowns) > 1
    out: list[str] = []
    placed: dict[tuple[str, str], list[int]] = defaultdict(list)
    for s in schedule.scenes:
        placed[(s.unit, s.id)].append(s.day)
    scenes = {(b.unit, s.id): s for b in breakdowns for s in b.scenes}
    for key in scenes:
        if len(placed.get(key, [])) != 1:
            out.append(f"every scene once: {key[0]} {key[1]} is scheduled {len(placed.get(key, []))} times")
    for key in placed:
        if key not in scenes:
            out.append(f"every scene once: {key[0]} {key[1]} is not a scene of the season")
    cap = options.hours * 60 - rates.production.meal_minutes - rates.production.crew_call_minutes
    per_day: dict[tuple[str, int], list] = defaultdict(list)
    for key, days in placed.items():
        if key not in scenes:
            continue
        for d in days:
            if not 1 <= d <= options.days:
                out.append(f"days: {key[1]} is on day {d}, outside 1–{options.days}")
            per_day[(key[0], d)].append(scenes[key])
    actor_units: dict[tuple[str, int], set[str]] = defaultdict(set)
    for (unit, d), items in sorted(per_day.items()):
        locs = {s.location for s in items}
        used = sum(_minutes(s.eighths, s.setups, rates) for s in items) + \
            rates.production.company_move_minutes * (len(locs) - 1)
        if used > cap + 1e-6:
            out.append(f"work per day: {unit} day {d} needs {used:g} min, capacity {cap:g}")
        if options.max_setups_per_day and sum(s.setups for s in items) > options.max_setups_per_day:
            out.append(f"setups per day: {unit} day {d} has {sum(s.setups for s in items)} setups")
        if len({s.day_night for s in items}) > 1:
            out.append(f"night blocks: {unit} day {d} mixes day and night scenes")
        for s in items:
            if d in av.locations.get(s.location, []):
                out.append(f"location availability: {s.location} is unavailable on day {d} ({s.id})")
            for c in s.cast:
                a = av.casting.get(unit, {}).get(c) or (f"{unit}: {c}" if multi else c)
                actor_units[(a, d)].add(unit)
                if d in av.actors.get(a, []):
                    out.append(f"actor availability: {a} is off on day {d} ({unit} {s.id})")
    for (a, d), units in sorted(actor_units.items()):
        if len(units) > 1:
            out.append(f"one unit a day: {a} works for {', '.join(sorted(units))} on day {d}")
    for unit in {b.unit for b in breakdowns}:
        nights = [d for (u, d), items in per_day.items() if u == unit and items[0].day_night == "NIGHT"]
        if _runs(nights) > options.night_blocks:
            out.append(f"night blocks: {unit} has {_runs(nights)} runs of night days, at most {options.night_blocks}")
        shooting = {d for (u, d) in per_day if u == unit}
        for d in nights:
            if d + 1 in shooting and d + 1 not in nights:
                out.append(f"turnaround: {unit} shoots day work on day {d + 1} right after the night shoot of day {d}")
    return out + _report_errors(schedule, per_day, actor_units)


def _report_errors(schedule: Schedule, per_day: dict, actor_units: dict) -> list[str]:
    """The schedule's own totals agree with what it schedules."""
    out = []
    moves = sum(len({s.location for s in items}) - 1 for items in per_day.values())
    if moves != schedule.company_moves:
        out.append(f"report: company moves {schedule.company_moves} reported, {moves} counted")
    work: dict[str, list[int]] = defaultdict(list)
    for (a, d) in actor_units:
        work[a].append(d)
    hold = sum(max(w) - min(w) + 1 - len(set(w)) for w in work.values())
    if hold != schedule.hold_days:
        out.append(f"report: hold days {schedule.hold_days} reported, {hold} counted")
    return out
