"""Schedule a batch's seasons together: one studio, several series sharing actors over the same days.

The scheduling itself is :func:`dramagen.screen.production.plan_production` (the same call as
``dramagen schedule S1 S2``); this module only says which seasons of a batch folder and with which
options. A request file may ask for it as a last step, after every season is done (YAML mapping
form only)::

    seasons:
      - {name: series-a, trope: hidden-heir, episodes: 10}
      - {name: series-b, trope: amnesia, episodes: 10}
    schedule:
      days: 8
      availability: casting.yaml    # relative to the request file: casting, days off, start date
      seasons: [series-a, series-b] # default: every season of the batch that finished

and ``dramagen schedule DIR`` schedules the finished seasons of a batch folder ``DIR`` at any
time, with every option of ``dramagen schedule``.
"""

from __future__ import annotations

import time
from pathlib import Path

import yaml
from pydantic import Field, ValidationError

from ..core.errors import DramagenError, InputError
from ..screen.production.models import ScheduleOptions
from .batch_status import status
from .season import SeasonDir


class BatchSchedule(ScheduleOptions):
    """A request file's ``schedule:`` step: :class:`ScheduleOptions` plus which seasons and inputs."""

    seasons: list[str] | None = Field(None, description="season folder names; default: every finished one")
    availability: str | None = Field(None, description="availability/casting YAML (relative to the request file)")
    rates: str | None = Field(None, description="rate card YAML (relative to the request file)")
    model_breakdown: bool | None = Field(None, description="as `--model-breakdown` (True) / `--rules-only` (False)")

    def options(self) -> ScheduleOptions:
        return ScheduleOptions(**self.model_dump(include=set(ScheduleOptions.model_fields)))


def read_schedule(path: Path) -> BatchSchedule | None:
    """The ``schedule:`` mapping of a YAML request file (None when there is none, or not YAML)."""
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None  # load_requests says what is wrong with the file
    if not isinstance(data, dict) or data.get("schedule") is None:
        return None
    raw = data["schedule"]
    if not isinstance(raw, dict):
        raise InputError("schedule", raw, "a mapping: days, hours, availability, rates, seasons…")
    try:
        step = BatchSchedule(**{str(k): v for k, v in raw.items()})
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise InputError(f"schedule.{loc}", err.get("input"), err["msg"]) from None
    base = path.resolve().parent
    return step.model_copy(update={k: str(base / v) for k in ("availability", "rates")
                                   if (v := getattr(step, k)) and not Path(v).is_absolute()})


def finished_seasons(out: Path, names: list[str] | None = None) -> list[Path]:
    """The seasons of batch folder ``out`` to schedule: ``names`` (each must have shooting scripts), or
    every season whose batch row finished (``dramagen batch status``: done)."""
    out = Path(out)
    if names:
        folders = [out / n for n in names]
        for f in folders:
            if not SeasonDir(f).exists() or not SeasonDir(f).episodes_done("shooting"):
                raise InputError("schedule.seasons", f.name, f"a season of {out} with shooting scripts")
        return folders
    folders = [out / r["season"] for r in status(out) if r["state"] == "done"]
    folders = [f for f in folders if SeasonDir(f).episodes_done("shooting")]
    if not folders:
        raise InputError("dir", str(out), "a batch folder with at least one finished season (shooting scripts)")
    return folders


def is_batch_dir(path: Path) -> bool:
    """A batch folder (season folders inside, not itself a season)."""
    path = Path(path)
    return path.is_dir() and not SeasonDir(path).exists() and any(
        SeasonDir(p).exists() for p in path.iterdir() if p.is_dir())


def schedule_batch(out: Path, step: BatchSchedule | None = None, generator=None):
    """Schedule the batch's seasons together (:func:`~dramagen.screen.production.plan_production`); every
    season's ``production/`` gets the joint schedule and its own call sheets."""
    from ..screen.production import plan_production

    step = step or BatchSchedule()
    folders = finished_seasons(out, step.seasons)
    return plan_production(folders, step.options(), rates=step.rates, availability=step.availability,
                           model_breakdown=step.model_breakdown, generator=generator)


def schedule_step(out: Path, step: BatchSchedule, generator=None) -> dict:
    """The batch's last step: a result row (``season: (schedule)``, ``event: scheduled`` or ``failed``)."""
    t0 = time.perf_counter()
    row: dict = {"season": "(schedule)"}
    if step.seasons is not None and not step.seasons:
        return {**row, "event": "failed", "error": "schedule: no season of the batch finished", "seconds": 0.0}
    try:
        plan = schedule_batch(out, step, generator)
    except DramagenError as e:  # infeasible, a bad availability file…: the seasons stay done
        return {**row, "event": "failed", "error": str(e), "seconds": round(time.perf_counter() - t0, 1)}
    s = plan.schedule
    return {**row, "event": "scheduled", "seasons": s.units, "days": s.days_used, "status": s.status,
            "gap": round(s.gap, 4), "company_moves": s.company_moves, "hold_days": s.hold_days,
            "scenes": len(s.scenes), "seconds": round(time.perf_counter() - t0, 1)}
