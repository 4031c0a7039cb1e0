"""The production actions the CLI, the studio and batch all call.

* :func:`plan_production`: breakdown → CP-SAT schedule → independent check → every output
  written to each season's ``production/`` folder.
* :func:`move_scene`: move one scene to another day by hand, re-check, rewrite the outputs.
* :func:`load_plan`: what is on disk (schedule, breakdowns, inputs) for a season.

Outputs (``SEASON/production/``): ``breakdown.{json,csv,pdf}``, ``schedule.json``,
``stripboard.{html,pdf}``, ``dood.{json,csv,pdf}``, ``callsheets/dayNN.pdf`` (+ ``callsheets.json``),
``budget.{json,csv}``, the inputs as used (``rates.json``, ``availability.json``) and
``manifest.json`` (versions, options, seed, sha256 of every input and output); the season's
own ``manifest.json`` records it under ``params.production``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ...core.errors import InputError, SeasonDataError
from ...project.season import SeasonDir, atomic_write_bytes, atomic_write_text, dump_model
from .breakdown import season_breakdown
from .budget import budget_csv, estimate
from .callsheet import callsheet_pdf, callsheets_data
from .dayplan import layout
from .dood import dood_csv
from .inputs import load_availability, load_rates, resolve_availability
from .models import Availability, Breakdown, Budget, RateCard, Schedule, ScheduleOptions
from .reports import breakdown_csv, breakdown_pdf, dood_pdf, stripboard_html, stripboard_pdf
from .solve import solve_schedule
from .verify import violations


@dataclass
class ProductionPlan:
    schedule: Schedule
    breakdowns: list[Breakdown]
    rates: RateCard
    availability: Availability
    budget: Budget | None = None
    files: list[Path] | None = None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def breakdown_for(sd: SeasonDir, model_breakdown: bool | None = None, generator=None,
                  model: str | None = None) -> Breakdown:
    """The season's breakdown. ``model_breakdown``: True runs the model pass first (the season's
    model unless ``generator``/``model`` say otherwise; ``production/breakdown_model.json``), None
    uses a stored pass when there is one (no model is loaded), False is rules only. Edits always win."""
    if model_breakdown:
        from .breakdown_model import run_model_pass

        run_model_pass(sd, generator=generator, model=model)
    return season_breakdown(sd, use_model=model_breakdown is not False)


def plan_production(seasons: list[str | Path], options: ScheduleOptions, rates: str | Path | None = None,
                    availability: str | Path | None = None, rate_overrides: dict | None = None, *,
                    model_breakdown: bool | None = None, generator=None, model: str | None = None
                    ) -> ProductionPlan:
    """Schedule one season, or several that share actors over the same days, and write everything
    (``model_breakdown``, ``generator``, ``model``: see :func:`breakdown_for`)."""
    sds = [SeasonDir(p) for p in seasons]
    for sd in sds:
        if not sd.path.is_dir() or not sd.exists():
            raise InputError("season", str(sd.path), "a season folder (dramagen generate --out)")
    breakdowns = [breakdown_for(sd, model_breakdown, generator, model) for sd in sds]
    units = [b.unit for b in breakdowns]
    if len(set(units)) != len(units):
        raise InputError("season", units, "season folders with different names (the name is the unit's id)")
    card = load_rates(rates, rate_overrides)
    av = resolve_availability(load_availability(availability), breakdowns, options.days)
    schedule = solve_schedule(breakdowns, options, card, av)
    broken = violations(schedule, breakdowns, options, card, av)
    if broken:  # the solver's model and the checker disagree: a bug, never a schedule to hand out
        raise RuntimeError("schedule check failed: " + "; ".join(broken[:3]))
    plan = ProductionPlan(schedule=schedule, breakdowns=breakdowns, rates=card, availability=av)
    plan.files = [f for sd in sds for f in write_outputs(sd, plan)]
    return plan


def load_plan(season: str | Path) -> ProductionPlan:
    """The schedule on disk with the breakdowns and inputs it was made from."""
    sd = SeasonDir(season)
    path = sd.production_path("schedule.json")
    if not path.exists():
        raise SeasonDataError(f"season: {path} is missing (run: dramagen production schedule {sd.path})")
    schedule = sd._load(path, Schedule)
    card = sd._load(sd.production_path("rates.json"), RateCard)
    av = sd._load(sd.production_path("availability.json"), Availability)
    breakdowns = []
    for unit in schedule.units:
        other = sd if unit == sd.path.resolve().name else SeasonDir(sd.path.resolve().parent / unit)
        bd = other.production_path("breakdown.json")
        breakdowns.append(other._load(bd, Breakdown) if bd.exists() else season_breakdown(other))
    return ProductionPlan(schedule=schedule, breakdowns=breakdowns, rates=card, availability=av)


def move_scene(season: str | Path, scene_id: str, day: int, unit: str | None = None) -> ProductionPlan:
    """Move ``scene_id`` to ``day`` by hand: re-lay the days out, re-check, rewrite the outputs.

    The schedule is written even when the move breaks a hard constraint (a first AD may
    accept an overtime day); its ``violations`` say which.
    """
    sd = SeasonDir(season)
    plan = load_plan(sd.path)
    s = plan.schedule
    unit = unit or sd.path.resolve().name
    if unit not in s.units:
        raise InputError("unit", unit, "one of " + ", ".join(s.units))
    if s.day_of(unit, scene_id) is None:
        raise InputError("scene", scene_id, "a scene id of the schedule, e.g. " + s.scenes[0].id)
    if not 1 <= int(day) <= s.options.days:
        raise InputError("day", day, f"a shooting day from 1 to {s.options.days}")
    assignment = {(x.unit, x.id): x.day for x in s.scenes}
    assignment[(unit, scene_id)] = int(day)
    moved = layout(plan.breakdowns, assignment, s.options, plan.rates, plan.availability)
    moved = moved.model_copy(update={"violations": violations(moved, plan.breakdowns, s.options, plan.rates,
                                                              plan.availability)})
    plan.schedule = moved
    plan.files = write_outputs(sd, plan)
    return plan


def write_outputs(sd: SeasonDir, plan: ProductionPlan) -> list[Path]:
    """Every production file of ``sd``'s unit, then the manifests."""
    b = next(x for x in plan.breakdowns if x.unit == sd.path.resolve().name)
    s = plan.schedule
    plan.budget = estimate(s, plan.breakdowns, plan.rates, plan.availability)
    title = b.season or b.unit
    files: dict[str, bytes] = {
        "breakdown.json": dump_model(b).encode(), "breakdown.csv": breakdown_csv(b).encode(),
        "breakdown.pdf": breakdown_pdf(b), "schedule.json": dump_model(s).encode(),
        "stripboard.html": stripboard_html(s, plan.breakdowns, title).encode(),
        "stripboard.pdf": stripboard_pdf(s, plan.breakdowns, title),
        "dood.json": json.dumps([r.model_dump() for r in s.dood], indent=2).encode() + b"\n",
        "dood.csv": dood_csv(s.dood, s.days_used).encode(),
        "dood.pdf": dood_pdf(s, title, plan.availability.start_date),
        "budget.json": dump_model(plan.budget).encode(), "budget.csv": budget_csv(plan.budget).encode(),
        "rates.json": dump_model(plan.rates).encode(), "availability.json": dump_model(plan.availability).encode(),
    }
    for d in s.days:
        if d.unit == b.unit:
            files[f"callsheets/day{d.day:02d}.pdf"] = callsheet_pdf(s, plan.breakdowns, b.unit, d.day, plan.rates,
                                                                    plan.availability)
    files["callsheets/callsheets.json"] = json.dumps(callsheets_data(s, plan.breakdowns, b.unit, plan.rates,
                                                                     plan.availability), indent=2).encode() + b"\n"
    old = sd.production_dir / "callsheets"
    if old.is_dir():
        for p in old.glob("day*.pdf"):
            if f"callsheets/{p.name}" not in files:
                p.unlink()
    for name, data in files.items():
        atomic_write_bytes(sd.production_path(name), data)
    _write_manifests(sd, s, files, b.model_pass)
    return [sd.production_path(n) for n in files] + [sd.production_path("manifest.json")]


def _write_manifests(sd: SeasonDir, s: Schedule, files: dict[str, bytes], model_pass: dict) -> None:
    from importlib.metadata import version

    from ... import __version__

    inputs = {str(p.relative_to(sd.path)): _sha(p.read_bytes())
              for n in sd.episodes_done("shooting") for p in (sd.shooting_path(n), sd.script_path(n)) if p.exists()}
    if sd.breakdown_edits_path.exists():
        inputs["production/breakdown_edits.yaml"] = _sha(sd.breakdown_edits_path.read_bytes())
    if model_pass:
        inputs[model_pass["file"]] = model_pass["sha256"]
    manifest = {"dramagen": __version__, "versions": {k: version(k) for k in ("ortools", "reportlab")},
                "options": s.options.model_dump(), "seed": s.options.seed, "status": s.status, "gap": s.gap,
                "breakdown_model": model_pass or None,
                "inputs": inputs, "outputs": {n: _sha(d) for n, d in sorted(files.items())}}
    text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    atomic_write_text(sd.production_path("manifest.json"), text)
    run = sd.load_manifest()
    if run is not None:
        params = {**run.params, "production": {"manifest": "production/manifest.json", "sha256": _sha(text.encode()),
                                               "status": s.status, "gap": s.gap, "days": s.days_used,
                                               "breakdown_model": model_pass or None}}
        versions = {**run.versions, **manifest["versions"]}
        atomic_write_text(sd.manifest_path, run.model_copy(update={"params": params, "versions": versions})
                          .model_dump_json(indent=2) + "\n")
