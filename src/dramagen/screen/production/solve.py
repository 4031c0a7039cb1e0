"""Solve the schedule model, lay each day out, and explain an impossible problem.

:func:`solve_schedule` is the one entry point (CLI, studio, batch): breakdowns in, a
:class:`~dramagen.screen.production.models.Schedule` out, or an
:class:`~dramagen.screen.production.schedule.InfeasibleScheduleError` naming the constraint and the
smallest change that makes the problem feasible.
"""

from __future__ import annotations

import math

from ortools.sat.python import cp_model

from ...core import config
from .dayplan import layout
from .models import Availability, Breakdown, RateCard, Schedule, ScheduleOptions
from .schedule import STATUS, InfeasibleScheduleError, Problem, build_model, make_problem

#: deterministic time (CP-SAT's work units, about a second of one core each) per probe when
#: looking for the smallest change that makes an infeasible problem feasible
PROBE_LIMIT = 5.0


def _parameters(solver: cp_model.CpSolver, options: ScheduleOptions, limit: float | None = None) -> None:
    p = solver.parameters
    p.num_workers = options.workers
    p.interleave_search = config.get_flag("DRAMAGEN_CPSAT_INTERLEAVE")  # deterministic
    p.max_deterministic_time = limit or options.time_limit
    p.max_time_in_seconds = 4 * (limit or options.time_limit) + 10  # a wall-clock safety net only
    p.random_seed = options.seed
    p.log_search_progress = False


def _feasible(pr: Problem) -> bool | None:
    """True/False when the probe is conclusive, None when it ran out of time."""
    if any(not j.allowed for j in pr.jobs):
        return False
    if any(j.minutes > pr.capacity for j in pr.jobs):
        return False
    built = build_model(pr, objective=False)
    solver = cp_model.CpSolver()
    _parameters(solver, pr.options, PROBE_LIMIT)
    st = solver.solve(built.model)
    return True if st in (cp_model.OPTIMAL, cp_model.FEASIBLE) else False if st == cp_model.INFEASIBLE else None


def _hours_for(minutes: int, pr: Problem) -> float:
    """The day length (hours, rounded up to a quarter) whose capacity holds ``minutes``."""
    overhead = pr.rates.production.meal_minutes + pr.rates.production.crew_call_minutes
    return math.ceil((minutes + overhead) / 15) / 4


def precheck(pr: Problem) -> None:
    """The failures one can name without the solver: a scene no day can take, too much work."""
    D, cap = pr.options.days, pr.capacity
    for j in pr.jobs:
        if j.minutes > cap:
            raise InfeasibleScheduleError(
                "work per day", f"scene {j.id} ({j.unit}) takes {j.minutes} unit minutes and a day holds {cap} "
                f"({pr.options.hours:g} h minus meal and crew call)", [f"--hours {_hours_for(j.minutes, pr):g}"])
        if not j.allowed:
            raise InfeasibleScheduleError(
                "availability", f"scene {j.id} ({j.unit}: {', '.join(j.actors) or 'no cast'} at {j.location}) has "
                f"no day when its location and all its cast are free", [_free_one_day(j, pr)])
    for u in pr.units:
        total = sum(j.minutes for j in pr.jobs if j.unit == u)
        if total > D * cap:
            need_days = math.ceil(total / cap)
            raise InfeasibleScheduleError(
                "work per day", f"{u} needs {total} unit minutes of shooting and {D} days × {cap} min hold "
                f"{D * cap}", [f"--days {need_days}", f"--hours {_hours_for(math.ceil(total / D), pr):g}"])


def _free_one_day(j, pr: Problem) -> str:
    """The day whose blockers (actors off, the location closed) are fewest, and what to free."""
    options = []
    for d in range(1, pr.options.days + 1):
        blockers = [a for a in j.actors if d in pr.actors_off.get(a, [])]
        if d in pr.locations_off.get(j.location, []):
            blockers.append(j.location)
        options.append((len(blockers), d, blockers))
    _, day, blockers = min(options)
    return f"make {' and '.join(blockers)} available on day {day}"


def _relaxations(pr: Problem):
    """(description, relaxed problem) for each single change, smallest first."""
    from dataclasses import replace

    o = pr.options
    yield f"--night-blocks {o.night_blocks + 1}", replace(pr, options=o.model_copy(update={"night_blocks":
                                                                                            o.night_blocks + 1}))
    for a in sorted(pr.actors_off):
        if pr.actors_off[a]:
            off = {**pr.actors_off, a: []}
            yield f"make {a} available on days {', '.join(map(str, pr.actors_off[a]))}", _rebuild(pr, actors_off=off)
    for loc in sorted(pr.locations_off):
        if pr.locations_off[loc]:
            off = {**pr.locations_off, loc: []}
            yield (f"make {loc} available on days {', '.join(map(str, pr.locations_off[loc]))}",
                   _rebuild(pr, locations_off=off))
    if o.max_setups_per_day:
        yield "drop --max-setups", replace(pr, options=o.model_copy(update={"max_setups_per_day": None}))
    for extra in (1, 2, 3):
        if o.days + extra <= 60:
            yield f"--days {o.days + extra}", _rebuild(pr, days=o.days + extra)
    for extra in (1, 2):
        if o.hours + extra <= 24:
            yield f"--hours {o.hours + extra:g}", _rebuild(pr, hours=o.hours + extra)


def _rebuild(pr: Problem, actors_off=None, locations_off=None, days=None, hours=None) -> Problem:
    from .schedule import capacity_minutes

    o = pr.options.model_copy(update={k: v for k, v in (("days", days), ("hours", hours)) if v is not None})
    actors_off = pr.actors_off if actors_off is None else actors_off
    locations_off = pr.locations_off if locations_off is None else locations_off
    jobs = []
    for j in pr.jobs:
        allowed = [d for d in range(1, o.days + 1) if d not in locations_off.get(j.location, [])
                   and not any(d in actors_off.get(a, []) for a in j.actors)]
        jobs.append(type(j)(**{**j.__dict__, "allowed": allowed}))
    return Problem(jobs=jobs, units=pr.units, options=o, rates=pr.rates, capacity=capacity_minutes(o, pr.rates),
                   actor_rate=pr.actor_rate, location_rate=pr.location_rate, actors_off=actors_off,
                   locations_off=locations_off)


def _fewest_days(pr: Problem) -> int | None:
    """The fewest days that make it feasible (when three more did not): double, then bisect."""
    lo, hi, cand = pr.options.days + 3, None, pr.options.days + 4
    while cand <= 60:
        if _feasible(_rebuild(pr, days=cand)):
            hi = cand
            break
        if cand == 60:
            return None
        lo, cand = cand, min(60, cand * 2)
    if hi is None:
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _feasible(_rebuild(pr, days=mid)):
            hi = mid
        else:
            lo = mid
    return hi


def diagnose(pr: Problem) -> InfeasibleScheduleError:
    """Which single relaxation makes the problem feasible (the first ones found, smallest first)."""
    fixes = []
    for text, relaxed in _relaxations(pr):
        if any(f.startswith("--days") for f in fixes) and text.startswith("--days"):
            continue  # one day count is enough: the smallest
        if _feasible(relaxed):
            fixes.append(text)
            if len(fixes) == 2:
                break
    if not fixes and (days := _fewest_days(pr)):
        fixes.append(f"--days {days}")
    o = pr.options
    night = sum(j.minutes for j in pr.jobs if j.night)
    what = (f"the scenes do not fit {o.days} days of {o.hours:g} h with night work in at most {o.night_blocks} "
            f"night block(s) ({night} unit minutes of night work), the cast and location days off, and the "
            f"company moves")
    constraint = "night blocks" if fixes and fixes[0].startswith("--night-blocks") else (
        "availability" if fixes and fixes[0].startswith("make ") else "work per day")
    return InfeasibleScheduleError(constraint, what, fixes or ["more --days or --hours (no single change found)"])


def solve_schedule(breakdowns: list[Breakdown], options: ScheduleOptions, rates: RateCard,
                   availability: Availability | None = None) -> Schedule:
    """The best schedule CP-SAT finds within ``options.time_limit``, with its gap."""
    pr = make_problem(breakdowns, options, rates, availability or Availability())
    precheck(pr)
    built = build_model(pr)
    solver = cp_model.CpSolver()
    _parameters(solver, options)
    st = solver.solve(built.model)
    if st == cp_model.INFEASIBLE:
        raise diagnose(pr)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleScheduleError("time limit", f"no schedule found in {options.time_limit:g} s of search "
                                      f"(solver status {STATUS.get(st, st)})",
                                      [f"--time-limit {options.time_limit * 4:g}"])
    assignment = {(pr.jobs[i].unit, pr.jobs[i].id): d for (i, d), v in built.x.items() if solver.value(v)}
    obj, bound = solver.objective_value, solver.best_objective_bound
    gap = 0.0 if st == cp_model.OPTIMAL or obj <= 0 else max(0.0, (obj - bound) / abs(obj))
    return layout(breakdowns, assignment, options, rates, availability or Availability(), status=STATUS[st],
                  objective=obj, bound=bound, gap=round(gap, 6),
                  deterministic_seconds=round(solver.deterministic_time, 3))
