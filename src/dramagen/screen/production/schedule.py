"""The shooting schedule: every scene on a shooting day, by OR-Tools CP-SAT.

The model (one *unit* = one season's crew; several seasons may share actors):

* ``x[s,d]``: scene ``s`` is shot on day ``d`` of its unit; exactly one day per scene, only
  on days when its location and every actor in it are free (the availability file).
* **Work per day** (hard): ``Σ minutes(s)·x[s,d] + company_move_minutes·moves[d] ≤ capacity``
  where ``minutes(s) = pages·minutes_per_page + setups·minutes_per_setup`` (rounded up) and
  ``capacity = hours·60 − meal − crew call``; optionally ``Σ setups ≤ max_setups_per_day``.
* **Night blocks** (hard): a day is a day shoot or a night shoot (NIGHT and EVENING scenes
  are night work); the night days form at most ``night_blocks`` runs of consecutive days.
* **Turnaround** (hard): a night shoot is never followed by a day shoot the next day (the
  crew wraps at dawn); a day off comes between.
* **One place at a time** (hard): a shared actor works for one unit a day.
* A unit pays only for the days it shoots (it may start later, when its shared actors are
  busy elsewhere); of equal schedules the earliest wins.
* **Objective**, in the rate card's money so that the trade-offs are the budget's: shooting
  days × (crew + equipment), night days × the night premium, company moves × their cost,
  location days × the location's rate, and each actor's days on the payroll (first to last
  day, hold days included) × their day rate. Fewer days, fewer moves and fewer hold days
  all lower it.

The solve is deterministic (``interleave_search`` with a deterministic time limit, the
seed fixed): the same season and options give the same schedule on any machine load. It
always returns the best schedule found with its optimality gap; an impossible problem
raises :class:`InfeasibleScheduleError` naming the constraint and the smallest change that
makes it feasible (found by re-solving with each constraint relaxed in turn).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ...core.errors import DramagenError
from .models import Availability, Breakdown, RateCard, ScheduleOptions

STATUS = {cp_model.OPTIMAL: "OPTIMAL", cp_model.FEASIBLE: "FEASIBLE", cp_model.INFEASIBLE: "INFEASIBLE",
          cp_model.MODEL_INVALID: "MODEL_INVALID", cp_model.UNKNOWN: "UNKNOWN"}


class InfeasibleScheduleError(DramagenError):
    """No schedule meets the hard constraints: names the constraint and the smallest change."""

    def __init__(self, constraint: str, message: str, fixes: list[str] | None = None):
        self.constraint = constraint
        self.fixes = fixes or []
        text = f"schedule: infeasible ({constraint}): {message}"
        if self.fixes:
            text += "; smallest change that makes it feasible: " + " — or — ".join(self.fixes)
        super().__init__(text)


@dataclass
class Job:
    """A scene as the solver sees it."""

    unit: str
    id: str
    location: str
    night: bool
    minutes: int
    setups: int
    eighths: int
    actors: list[str]
    allowed: list[int] = field(default_factory=list)


@dataclass
class Problem:
    """Everything the model needs: jobs, days, capacity, actor rates, availability."""

    jobs: list[Job]
    units: list[str]
    options: ScheduleOptions
    rates: RateCard
    capacity: int
    actor_rate: dict[str, int]
    location_rate: dict[str, int]
    actors_off: dict[str, list[int]]
    locations_off: dict[str, list[int]]


def capacity_minutes(options: ScheduleOptions, rates: RateCard) -> int:
    """Unit minutes of shooting in a day: hours minus the meal and the crew call."""
    p = rates.production
    return int(options.hours * 60 - p.meal_minutes - p.crew_call_minutes)


def scene_minutes(eighths: int, setups: int, rates: RateCard) -> int:
    p = rates.production
    return math.ceil(round(eighths / 8 * p.minutes_per_page + setups * p.minutes_per_setup, 6))


def actor_id(unit: str, character: str, availability: Availability, shared_units: bool) -> str:
    """The actor who plays ``character`` in ``unit``: the casting id, else the character's name
    (prefixed with the unit when several seasons are scheduled together)."""
    cast = availability.casting.get(unit, {})
    if character in cast:
        return cast[character]
    return f"{unit}: {character}" if shared_units else character


def make_problem(breakdowns: list[Breakdown], options: ScheduleOptions, rates: RateCard,
                 availability: Availability) -> Problem:
    units = [b.unit for b in breakdowns]
    multi = len(units) > 1
    money = rates.money
    jobs: list[Job] = []
    actor_rate: dict[str, int] = {}
    for b in breakdowns:
        roles = {c.name: c.role for c in b.cast}
        for s in b.scenes:
            actors = [actor_id(b.unit, c, availability, multi) for c in s.cast]
            for c, a in zip(s.cast, actors):
                rate = int(round(money.cast_day.get(roles.get(c, ""), money.cast_day_default)))
                actor_rate[a] = max(actor_rate.get(a, 0), rate)
            jobs.append(Job(unit=b.unit, id=s.id, location=s.location, night=s.day_night == "NIGHT",
                            minutes=scene_minutes(s.eighths, s.setups, rates), setups=s.setups, eighths=s.eighths,
                            actors=actors))
    locations = {j.location for j in jobs}
    location_rate = {loc: int(round(money.location_day.get(loc, money.location_day_default))) for loc in locations}
    for j in jobs:
        j.allowed = [d for d in range(1, options.days + 1)
                     if d not in availability.locations.get(j.location, [])
                     and not any(d in availability.actors.get(a, []) for a in j.actors)]
    return Problem(jobs=jobs, units=units, options=options, rates=rates, capacity=capacity_minutes(options, rates),
                   actor_rate=actor_rate, location_rate=location_rate, actors_off=dict(availability.actors),
                   locations_off=dict(availability.locations))


@dataclass
class Built:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]


def build_model(pr: Problem, objective: bool = True) -> Built:  # noqa: C901 - the model, read top to bottom
    m = cp_model.CpModel()
    D = pr.options.days
    days = range(1, D + 1)
    x = {(i, d): m.new_bool_var(f"x_{i}_{d}") for i, j in enumerate(pr.jobs) for d in j.allowed}
    for i, j in enumerate(pr.jobs):
        m.add_exactly_one(x[i, d] for d in j.allowed)
    cost: list = []
    money = pr.rates.money
    day_cost = int(round(money.crew_day + money.equipment_day))
    night_cost = int(round(money.crew_day * money.night_premium_pct / 100))
    move_min = int(math.ceil(pr.rates.production.company_move_minutes))
    for u in pr.units:
        mine = [i for i, j in enumerate(pr.jobs) if j.unit == u]
        locs = sorted({pr.jobs[i].location for i in mine})
        used = {d: m.new_bool_var(f"used_{u}_{d}") for d in days}
        night = {d: m.new_bool_var(f"night_{u}_{d}") for d in days}
        at = {(loc, d): m.new_bool_var(f"at_{u}_{loc}_{d}") for loc in locs for d in days}
        for d in days:
            m.add(night[d] <= used[d])
            for loc in locs:
                m.add(at[loc, d] <= used[d])
            m.add(sum(at[loc, d] for loc in locs) >= used[d])
            on = [i for i in mine if (i, d) in x]
            for i in on:
                j = pr.jobs[i]
                m.add(x[i, d] <= at[j.location, d])
                m.add(x[i, d] <= night[d]) if j.night else m.add(x[i, d] <= 1 - night[d])
            moves = sum(at[loc, d] for loc in locs) - used[d]
            m.add(sum(pr.jobs[i].minutes * x[i, d] for i in on) + move_min * moves <= pr.capacity * used[d])
            if pr.options.max_setups_per_day:
                m.add(sum(pr.jobs[i].setups * x[i, d] for i in on) <= pr.options.max_setups_per_day)
            # a shooting day's cost, plus d as a tie-break: of equal schedules, the one that shoots earliest
            cost += [(day_cost + d) * used[d], night_cost * night[d], int(round(money.company_move)) * moves]
            cost += [pr.location_rate[loc] * at[loc, d] for loc in locs]
        for d in days:  # turnaround: a night shoot is never followed by a day shoot the next day
            if d < D:
                m.add(night[d] + used[d + 1] - night[d + 1] <= 1)
        _cuts(m, pr, mine, used, at, locs)
        starts = []
        for d in days:
            s = m.new_bool_var(f"nstart_{u}_{d}")
            m.add(s >= night[d] - (night[d - 1] if d > 1 else 0))
            starts.append(s)
        m.add(sum(starts) <= pr.options.night_blocks)
    cost += _actor_terms(m, pr, x)
    if objective:
        m.minimize(sum(cost))
    return Built(model=m, x=x)


def _cuts(m: cp_model.CpModel, pr: Problem, mine: list[int], used: dict, at: dict, locs: list[str]) -> None:
    """Redundant bounds that tighten the solver's lower bound (hence the reported gap): the
    days the work needs, and the days each location's work needs."""
    cap = max(pr.capacity, 1)
    m.add(sum(used.values()) >= math.ceil(sum(pr.jobs[i].minutes for i in mine) / cap))


def _actor_terms(m: cp_model.CpModel, pr: Problem, x: dict) -> list:
    """Each actor's days on the payroll (first to last working day) × day rate; one unit a day."""
    D = pr.options.days
    terms = []
    for a in sorted(pr.actor_rate):
        by_unit: dict[str, list[int]] = {}
        for i, j in enumerate(pr.jobs):
            if a in j.actors:
                by_unit.setdefault(j.unit, []).append(i)
        first = m.new_int_var(1, D, f"first_{a}")
        last = m.new_int_var(1, D, f"last_{a}")
        for d in range(1, D + 1):
            works = []
            for u, idx in by_unit.items():
                w = m.new_bool_var(f"w_{a}_{u}_{d}")
                for i in idx:
                    if (i, d) in x:
                        m.add(x[i, d] <= w)
                works.append(w)
            if len(works) > 1:
                m.add(sum(works) <= 1)
            for w in works:
                m.add(first <= d).only_enforce_if(w)
                m.add(last >= d).only_enforce_if(w)
        m.add(last >= first)
        need = sum(j.minutes for j in pr.jobs if a in j.actors)  # a redundant bound (tightens the gap)
        m.add(last - first + 1 >= math.ceil(need / max(pr.capacity, 1)))
        terms.append(pr.actor_rate[a] * (last - first + 1))
    return terms
