"""Schedule benchmark: the CP-SAT schedule of a season against two baselines of the same season.

* **naive script order**: episodes and scenes in script order, each day filled up to the
  same capacity (unit minutes, company moves counted) before the next; no night blocks.
* **stripboard rules**: ``dramagen.screen.shooting.stripboard`` (the rule-based grouping written
  with every season), its day numbers taken as they are.
* **CP-SAT**: ``dramagen.screen.production.solve_schedule`` with the given days, hours, limit.

Each is measured the same way (days, company moves, actor hold days, payroll days, the
budget estimate) and checked by the independent checker (``dramagen.screen.production.verify``:
how many hard-constraint lines each breaks, with the days it needs as its own day limit).

Usage: .venv/bin/python benchmarks/bench_schedule.py SEASON [--days 8] [--hours 12]
       [--time-limit 60] [--workers 2] [--name NAME]
Writes benchmarks/results/schedule-NAME.{md,json} and prints the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_generator import machine  # noqa: E402


def naive(b, rates, cap: int) -> dict:
    """Script order, each day filled to capacity (a company move costs its minutes)."""
    from dramagen.screen.production.schedule import scene_minutes

    move = rates.production.company_move_minutes
    out, day, used, last = {}, 1, 0.0, None
    for s in sorted(b.scenes, key=lambda s: (s.episode, s.scene)):
        need = scene_minutes(s.eighths, s.setups, rates) + (move if last not in (None, s.location) else 0)
        if used and used + need > cap:
            day, used, last = day + 1, 0.0, None
            need = scene_minutes(s.eighths, s.setups, rates)
        out[(b.unit, s.id)] = day
        used += need
        last = s.location
    return out


def stripboard_rules(sd, b) -> dict:
    from dramagen.core.models import Stripboard
    from dramagen.screen.production.breakdown import scene_id

    board = Stripboard.model_validate_json((sd.path / "stripboard.json").read_text())
    return {(b.unit, scene_id(i.episode, i.scene)): d.day for d in board.days for i in d.items}


def measure(name, schedule, b, options, rates, wall=None) -> dict:
    from dramagen.screen.production.budget import estimate
    from dramagen.screen.production.verify import violations

    own = options.model_copy(update={"days": max(schedule.days_used, options.days)})
    broken = violations(schedule, [b], own, rates)
    kinds: dict[str, int] = {}
    for v in broken:
        kinds[v.split(":")[0]] = kinds.get(v.split(":")[0], 0) + 1
    return {"schedule": name, "days": schedule.days_used, "company_moves": schedule.company_moves,
            "hold_days": schedule.hold_days, "payroll_days": sum(r.work + r.hold for r in schedule.dood),
            "budget": estimate(schedule, [b], rates).total, "broken": len(broken), "broken_kinds": kinds,
            "status": schedule.status, "gap": schedule.gap, "deterministic_s": schedule.deterministic_seconds,
            "wall_s": wall}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("season")
    ap.add_argument("--days", type=int, default=8)
    ap.add_argument("--hours", type=float, default=12)
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--name", default=None)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args()

    from dramagen.project.season import SeasonDir
    from dramagen.screen.production.breakdown import season_breakdown
    from dramagen.screen.production.dayplan import layout
    from dramagen.screen.production.inputs import load_rates
    from dramagen.screen.production.models import Availability, ScheduleOptions
    from dramagen.screen.production.schedule import capacity_minutes
    from dramagen.screen.production.solve import solve_schedule

    sd = SeasonDir(args.season)
    b = season_breakdown(sd)
    rates = load_rates()
    opts = ScheduleOptions(days=args.days, hours=args.hours, time_limit=args.time_limit, workers=args.workers)
    cap = capacity_minutes(opts, rates)
    rows = []
    for label, assignment in (("naive script order", naive(b, rates, cap)),
                              ("stripboard rules (shooting.py)", stripboard_rules(sd, b))):
        days = max(assignment.values())
        o = opts.model_copy(update={"days": max(days, opts.days)})
        rows.append(measure(label, layout([b], assignment, o, rates, Availability(), status="FEASIBLE"), b, o, rates))
    t0 = time.perf_counter()
    s = solve_schedule([b], opts, rates, Availability())
    rows.append(measure("CP-SAT (dramagen schedule)", s, b, opts, rates, round(time.perf_counter() - t0, 2)))
    info = {"season": str(sd.path), "title": b.season, "episodes": len(sd.episodes_done("shooting")),
            "scenes": len(b.scenes), "pages": sum(x.eighths for x in b.scenes) / 8,
            "setups": sum(x.setups for x in b.scenes), "locations": len(b.locations), "cast": len(b.cast),
            "options": opts.model_dump(), "capacity_minutes": cap, "date": dt.date.today().isoformat(),
            "machine": machine(), "rows": rows}
    name = args.name or f"{info['episodes']}ep-{info['date']}"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"schedule-{name}.json").write_text(json.dumps(info, indent=2) + "\n")
    md = table(info)
    (out / f"schedule-{name}.md").write_text(md)
    print(md)


def table(info: dict) -> str:
    lines = [f"# Schedule benchmark: {info['title']} ({info['episodes']} episodes)", "",
             f"{info['scenes']} scenes, {info['pages']:.1f} pages, {info['setups']} setups, {info['locations']} "
             f"locations, {info['cast']} cast; {info['options']['days']} days × {info['options']['hours']:g} h "
             f"({info['capacity_minutes']} unit minutes a day), default rate card; CP-SAT limit "
             f"{info['options']['time_limit']:g} deterministic s, {info['options']['workers']} workers.", "",
             "| schedule | days | company moves | actor hold days | payroll days | budget | hard rules broken | gap |",
             "|---|---|---|---|---|---|---|---|"]
    for r in info["rows"]:
        kinds = ", ".join(f"{k} ×{n}" for k, n in sorted(r["broken_kinds"].items()))
        gap = f"{r['gap']:.1%} ({r['status']})" if r["schedule"].startswith("CP-SAT") else "—"
        lines.append(f"| {r['schedule']} | {r['days']} | {r['company_moves']} | {r['hold_days']} | "
                     f"{r['payroll_days']} | {r['budget']:,.0f} | {r['broken']}{' (' + kinds + ')' if kinds else ''} "
                     f"| {gap} |")
    cp = info["rows"][-1]
    lines += ["", f"CP-SAT wall time {cp['wall_s']} s on {info['machine'].get('cpu', 'this machine')} "
                  f"(deterministic time {cp['deterministic_s']} s)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
