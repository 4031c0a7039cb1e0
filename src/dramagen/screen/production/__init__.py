"""From season to shoot: breakdown, CP-SAT shooting schedule, day-out-of-days, call sheets, budget.

One action, one function (the CLI, the studio's Production tab and batch all call these):
:func:`~dramagen.screen.production.run.plan_production`, :func:`~dramagen.screen.production.run.move_scene`,
:func:`~dramagen.screen.production.run.load_plan`.
"""

from .models import Availability, RateCard, Schedule, ScheduleOptions
from .run import ProductionPlan, load_plan, move_scene, plan_production
from .schedule import InfeasibleScheduleError

__all__ = ["Availability", "InfeasibleScheduleError", "ProductionPlan", "RateCard", "Schedule", "ScheduleOptions",
           "load_plan", "move_scene", "plan_production"]
