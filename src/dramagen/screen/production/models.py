"""The production data model: breakdown, constraints, schedule, day-out-of-days, budget.

Like :mod:`dramagen.core.models` every model round-trips through JSON; the files live in the
season folder's ``production/`` (see :meth:`dramagen.project.season.SeasonDir.production_dir`).
"""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import Field, NonNegativeFloat

from ...core.models import Model

DayNight = Literal["DAY", "NIGHT"]
#: scene times shot as night (the rest, DAWN/MORNING/DAY/DUSK/CONTINUOUS, are day work)
NIGHT_TIMES = frozenset({"NIGHT", "EVENING"})


class CastMember(Model):
    number: int = Field(..., ge=1, description="the cast id on strips and call sheets (1 = the lead)")
    name: str
    role: str = ""
    age: int = 30


class SceneBreakdown(Model):
    id: str = Field(..., description="E001-S02: episode and scene")
    episode: int = Field(..., ge=1)
    scene: int = Field(..., ge=1)
    heading: str
    location: str
    interior: bool = True
    time: str = "NIGHT"
    day_night: DayNight = "NIGHT"
    seconds: float = Field(0.0, ge=0)
    eighths: int = Field(1, ge=1, description="length in eighths of a page (one page ≈ 60 s of screen)")
    setups: int = Field(0, ge=0, description="camera setups: distinct framings of the shooting script")
    cast: list[str] = Field(default_factory=list)
    props: list[str] = Field(default_factory=list)
    wardrobe: list[str] = Field(default_factory=list)
    special: list[str] = Field(default_factory=list, description="stunts, crowd, vehicle, rain, child on set…")
    synopsis: str = Field("", description="the scene's first action line")
    notes: str = ""
    edited: list[str] = Field(default_factory=list, description="fields changed by the edit file")
    sources: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="props/wardrobe/special → item → rule | model | edited")


class Breakdown(Model):
    season: str = Field("", description="the series title")
    unit: str = Field("", description="the season folder's name (a unit in a multi-season schedule)")
    cast: list[CastMember] = Field(default_factory=list)
    locations: list[str] = Field(default_factory=list)
    scenes: list[SceneBreakdown] = Field(default_factory=list)
    model_pass: dict = Field(default_factory=dict, description="the model pass laid over the rules (file, sha256, "
                                                               "model, prompts, seed); empty: rules only")

    def scene(self, scene_id: str) -> SceneBreakdown | None:
        return next((s for s in self.scenes if s.id == scene_id), None)


class ModelItems(Model):
    """The items the model pass proposed for one scene that passed validation."""

    props: list[str] = Field(default_factory=list)
    wardrobe: list[str] = Field(default_factory=list)


class RefusedItem(Model):
    scene: str
    field: Literal["props", "wardrobe"]
    item: str
    reason: str = Field(..., description="ungrounded, duplicate, name, not_an_item, shape")


class ModelBreakdown(Model):
    """``production/breakdown_model.json``: the model pass over a season's breakdown (its proposals,
    what validation refused, and how to reproduce it)."""

    model: dict = Field(default_factory=dict, description="the generator's backend and name")
    seed: int = Field(0, description="the season's seed (the slots derive theirs from it)")
    prompts: dict[str, str] = Field(default_factory=dict, description="prompt file → sha256")
    params: dict = Field(default_factory=dict, description="generation parameters per slot kind")
    scenes: dict[str, ModelItems] = Field(default_factory=dict, description="scene id → kept items")
    refused: list[RefusedItem] = Field(default_factory=list)
    stats: dict[str, dict] = Field(default_factory=dict, description="the slot engine's counts per slot kind")


class BreakdownEdit(Model):
    """Hand edits of one scene (``production/breakdown_edits.yaml``): items to add and to remove."""

    add_props: list[str] = Field(default_factory=list)
    remove_props: list[str] = Field(default_factory=list)
    add_wardrobe: list[str] = Field(default_factory=list)
    remove_wardrobe: list[str] = Field(default_factory=list)
    add_special: list[str] = Field(default_factory=list)
    remove_special: list[str] = Field(default_factory=list)
    notes: str | None = None


class ProductionRates(Model):
    minutes_per_page: float = Field(15.0, ge=0)
    minutes_per_setup: float = Field(3.0, ge=0)
    company_move_minutes: float = Field(45.0, ge=0)
    meal_minutes: float = Field(30.0, ge=0)
    crew_call_minutes: float = Field(60.0, ge=0)
    makeup_minutes: float = Field(60.0, ge=0)
    day_call: str = Field("07:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="crew call of a day shoot")
    night_call: str = Field("16:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="crew call of a night shoot")


class MoneyRates(Model):
    currency: str = "USD"
    cast_day_default: float = Field(400.0, ge=0)
    cast_day: dict[str, NonNegativeFloat] = Field(default_factory=dict)
    location_day_default: float = Field(800.0, ge=0)
    location_day: dict[str, NonNegativeFloat] = Field(default_factory=dict)
    crew_day: float = Field(9000.0, ge=0)
    equipment_day: float = Field(2500.0, ge=0)
    night_premium_pct: float = Field(15.0, ge=0)
    company_move: float = Field(600.0, ge=0)
    special_default: float = Field(300.0, ge=0)
    special: dict[str, NonNegativeFloat] = Field(default_factory=dict)
    contingency_pct: float = Field(10.0, ge=0)


class RateCard(Model):
    production: ProductionRates = Field(default_factory=ProductionRates)
    money: MoneyRates = Field(default_factory=MoneyRates)


class Availability(Model):
    """Who and what is free when (a YAML file): days are shooting days, 1-based."""

    actors: dict[str, list[int]] = Field(default_factory=dict, description="cast name → days off")
    locations: dict[str, list[int]] = Field(default_factory=dict, description="location → days unavailable")
    casting: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="unit (season folder name) → {character → actor id}: actors shared "
                                          "between seasons")
    start_date: datetime.date | None = Field(None, description="the date of shooting day 1 (YYYY-MM-DD)")


class ScheduleOptions(Model):
    days: int = Field(8, ge=1, le=60, description="shooting days available")
    hours: float = Field(12.0, gt=0, le=24, description="hours of a shooting day (the meal inside)")
    night_blocks: int = Field(1, ge=0, le=60, description="most runs of consecutive night days")
    max_setups_per_day: int | None = Field(None, ge=1)
    time_limit: float = Field(30.0, gt=0, le=3600, description="solver seconds")
    workers: int = Field(2, ge=1, le=64)
    seed: int = Field(0, ge=0, lt=2**31)


class ScheduledScene(Model):
    unit: str
    id: str
    day: int = Field(..., ge=1)
    order: int = Field(..., ge=1, description="shooting order within the day")
    start_minute: int = Field(0, ge=0, description="planned start, minutes after crew call")
    minutes: int = Field(0, ge=0, description="unit minutes it takes")
    location: str = ""


class ScheduleDay(Model):
    unit: str
    day: int
    night: bool = False
    locations: list[str] = Field(default_factory=list, description="in shooting order")
    scenes: list[str] = Field(default_factory=list, description="scene ids in shooting order")
    minutes: int = 0
    capacity: int = 0
    eighths: int = 0
    setups: int = 0
    company_moves: int = 0


class ActorDays(Model):
    actor: str
    units: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list, description="per day: SW, W, WF, SWF, H or ''")
    work: int = 0
    hold: int = 0
    start: int | None = None
    finish: int | None = None


class Schedule(Model):
    status: Literal["OPTIMAL", "FEASIBLE", "HAND-EDITED"]
    objective: float = 0.0
    bound: float = 0.0
    gap: float = Field(0.0, ge=0, description="(objective - bound) / objective")
    deterministic_seconds: float = 0.0
    options: ScheduleOptions
    units: list[str]
    days_used: int = 0
    company_moves: int = 0
    hold_days: int = 0
    scenes: list[ScheduledScene] = Field(default_factory=list)
    days: list[ScheduleDay] = Field(default_factory=list)
    dood: list[ActorDays] = Field(default_factory=list)
    violations: list[str] = Field(default_factory=list, description="hard constraints a hand edit broke")

    def day_of(self, unit: str, scene_id: str) -> int | None:
        return next((s.day for s in self.scenes if s.unit == unit and s.id == scene_id), None)


class BudgetLine(Model):
    category: str
    item: str
    quantity: float
    unit: str
    rate: float
    amount: float


class Budget(Model):
    currency: str
    lines: list[BudgetLine] = Field(default_factory=list)
    subtotal: float = 0.0
    contingency: float = 0.0
    total: float = 0.0
    note: str = "Illustrative rate card: replace the rates with your own before planning money on it."
