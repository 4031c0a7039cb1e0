"""``dramagen production …`` (and ``dramagen schedule``): breakdown, schedule, move a scene, check.

Front end only: every command calls one function of :mod:`dramagen.screen.production` and prints
what it returns; errors are :class:`~dramagen.core.errors.DramagenError` (one line, exit 2).
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

production_app = typer.Typer(no_args_is_help=True, help="From season to shoot: breakdown, shooting schedule "
                                                        "(OR-Tools CP-SAT), day-out-of-days, call sheets, budget.")
console = Console()
MODEL_HELP = ("--model-breakdown: the model proposes more props and wardrobe per scene, each kept only if the "
              "scene's text names it (production/breakdown_model.json); --rules-only: rules and edits only. "
              "Default: a stored model pass is used, no model is loaded.")


def _options(days: int, hours: float, night_blocks: int, max_setups: int | None, time_limit: float, workers: int,
             seed: int):
    from pydantic import ValidationError

    from ..core.errors import InputError
    from ..screen.production.models import ScheduleOptions

    try:
        return ScheduleOptions(days=days, hours=hours, night_blocks=night_blocks, max_setups_per_day=max_setups,
                               time_limit=time_limit, workers=workers, seed=seed)
    except ValidationError as e:
        err = e.errors()[0]
        raise InputError(str(err["loc"][0]).replace("_", "-"), err.get("input"), err["msg"]) from None


def schedule_command(
    seasons: list[str] = typer.Argument(..., metavar="SEASON...", help="season folder(s); several share actors; "
                                                                       "a batch folder: its finished seasons"),
    days: int = typer.Option(8, "--days", help="shooting days available"),
    hours: float = typer.Option(12.0, "--hours", help="hours of a shooting day (meal and crew call inside)"),
    unit_minutes_per_page: float | None = typer.Option(None, "--unit-minutes-per-page",
                                                          help="unit minutes per script page (rate card default 15)"),
    minutes_per_setup: float | None = typer.Option(None, "--minutes-per-setup", help="rate card default 3"),
    move_minutes: float | None = typer.Option(None, "--move-minutes", help="a company move (default 45)"),
    night_blocks: int = typer.Option(1, "--night-blocks", help="most runs of consecutive night days"),
    max_setups: int | None = typer.Option(None, "--max-setups", help="most camera setups a day"),
    availability: str | None = typer.Option(None, "--availability", "-a", help="YAML: actors/locations days "
                                                                                  "off, casting, start_date"),
    rates: str | None = typer.Option(None, "--rates", help="YAML rate card (over data/production_rates.yaml)"),
    time_limit: float = typer.Option(30.0, "--time-limit", help="solver time (deterministic seconds)"),
    workers: int = typer.Option(2, "--workers", help="solver threads"),
    seed: int = typer.Option(0, "--seed"),
    model_breakdown: bool | None = typer.Option(None, "--model-breakdown/--rules-only", help=MODEL_HELP),
    model: str | None = typer.Option(None, "--model", help="model of --model-breakdown (default: the season's)"),
) -> None:
    """Schedule SEASON's scenes into shooting days and write breakdown, stripboard, DOOD, call sheets, budget."""
    from ..screen.production import plan_production

    over: dict = {"production": {}}
    for key, value in (("minutes_per_page", unit_minutes_per_page), ("minutes_per_setup", minutes_per_setup),
                       ("company_move_minutes", move_minutes)):
        if value is not None:
            over["production"][key] = value
    from ..project.batch_schedule import finished_seasons, is_batch_dir

    seasons = [str(f) for p in seasons for f in (finished_seasons(p) if is_batch_dir(p) else [p])]
    opts = _options(days, hours, night_blocks, max_setups, time_limit, workers, seed)
    plan = plan_production(seasons, opts, rates=rates, availability=availability, rate_overrides=over,
                           model_breakdown=model_breakdown, model=model)
    _print_plan(plan)


def _print_plan(plan) -> None:
    s = plan.schedule
    t = Table(title=f"{len(s.scenes)} scenes in {s.days_used} days", title_justify="left")
    for h in ("unit", "day", "D/N", "locations", "scenes", "pages", "setups", "hours", "moves"):
        t.add_column(h)
    for d in sorted(s.days, key=lambda d: (d.unit, d.day)):
        t.add_row(escape(d.unit), str(d.day), "N" if d.night else "D", escape(" → ".join(d.locations)),
                  str(len(d.scenes)), f"{d.eighths / 8:.1f}", str(d.setups),
                  f"{d.minutes / 60:.1f}/{d.capacity / 60:.1f}",
                  str(d.company_moves))
    console.print(t)
    console.print(f"solver {s.status}, objective {s.objective:,.0f}, bound {s.bound:,.0f}, gap {s.gap:.2%} "
                  f"({s.deterministic_seconds:g} deterministic s); company moves {s.company_moves}, actor hold days "
                  f"{s.hold_days}")
    if plan.budget is not None:
        console.print(f"budget estimate {plan.budget.total:,.0f} {plan.budget.currency} (illustrative rates)")
    for v in s.violations:
        console.print(f"[bold red]broken:[/bold red] {escape(v)}")
    if plan.files:
        folders = sorted({str(f.parent if f.parent.name != 'callsheets' else f.parent.parent) for f in plan.files})
        console.print("written: " + escape(", ".join(folders)))


production_app.command("schedule")(schedule_command)


@production_app.command("breakdown")
def breakdown_command(
    season: str = typer.Argument(..., help="a season folder"),
    model_breakdown: bool | None = typer.Option(None, "--model-breakdown/--rules-only", help=MODEL_HELP),
    model: str | None = typer.Option(None, "--model", help="model of --model-breakdown (default: the season's)"),
) -> None:
    """Write production/breakdown.{json,csv,pdf} (edits: production/breakdown_edits.yaml)."""
    from ..project.season import SeasonDir, atomic_write_bytes, atomic_write_text, dump_model
    from ..screen.production.reports import breakdown_csv, breakdown_pdf
    from ..screen.production.run import breakdown_for

    sd = SeasonDir(season)
    if not sd.path.is_dir() or not sd.exists():
        from ..core.errors import InputError

        raise InputError("season", season, "a season folder (dramagen generate --out)")
    b = breakdown_for(sd, model_breakdown, model=model)
    atomic_write_text(sd.production_path("breakdown.json"), dump_model(b))
    atomic_write_text(sd.production_path("breakdown.csv"), breakdown_csv(b))
    atomic_write_bytes(sd.production_path("breakdown.pdf"), breakdown_pdf(b))
    special = sum(1 for s in b.scenes if s.special)
    by_source: dict[str, int] = {}
    for s in b.scenes:
        for items in s.sources.values():
            for src in items.values():
                by_source[src] = by_source.get(src, 0) + 1
    console.print(f"{len(b.scenes)} scenes, {sum(s.eighths for s in b.scenes) / 8:.1f} pages, "
                  f"{sum(s.setups for s in b.scenes)} setups, {special} with special needs; items by source: "
                  + (", ".join(f"{k} {v}" for k, v in sorted(by_source.items())) or "none")
                  + (f" (model pass: {b.model_pass['kept']} kept, {b.model_pass['refused']} refused)"
                     if b.model_pass else "")
                  + f"; written {escape(str(sd.production_dir))}/breakdown.{{json,csv,pdf}}")


@production_app.command("move")
def move_command(season: str = typer.Argument(...), scene: str = typer.Argument(..., help="scene id, e.g. E001-S02"),
                 day: int = typer.Argument(..., help="the shooting day to move it to"),
                 unit: str | None = typer.Option(None, "--unit", help="the season of the scene (several units)")
                 ) -> None:
    """Move a scene to another day by hand; the schedule is re-checked and every output rewritten."""
    from ..screen.production import move_scene

    plan = move_scene(season, scene, day, unit)
    _print_plan(plan)
    if plan.schedule.violations:
        raise typer.Exit(1)


@production_app.command("check")
def check_command(season: str = typer.Argument(...)) -> None:
    """Re-check the schedule on disk against every hard constraint (exit 1 if one is broken)."""
    from ..screen.production import load_plan
    from ..screen.production.verify import violations

    plan = load_plan(season)
    broken = violations(plan.schedule, plan.breakdowns, plan.schedule.options, plan.rates, plan.availability)
    for v in broken:
        console.print(f"[bold red]broken:[/bold red] {escape(v)}")
    if broken:
        raise typer.Exit(1)
    console.print(f"ok: {len(plan.schedule.scenes)} scenes in {plan.schedule.days_used} days meet every hard "
                  "constraint")
