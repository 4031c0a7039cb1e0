"""A budget estimate from a schedule and the rate card (``data/production_rates.yaml``).

Lines: each actor's days on the payroll (work + hold, from the day-out-of-days) × their
role's day rate; each location-day × the location's rate; shooting days × crew and
equipment; night days × the night premium; company moves; special needs per day they
are on set (an extras call, a stunt coordinator…); then a contingency. The rates are
illustrative defaults (the YAML says so); the arithmetic is what a line producer does.
"""

from __future__ import annotations

import csv
import io

from .models import Availability, Breakdown, Budget, BudgetLine, RateCard, Schedule
from .schedule import actor_id


def _line(category: str, item: str, quantity: float, unit: str, rate: float) -> BudgetLine:
    return BudgetLine(category=category, item=item, quantity=quantity, unit=unit, rate=round(rate, 2),
                      amount=round(quantity * rate, 2))


def estimate(schedule: Schedule, breakdowns: list[Breakdown], rates: RateCard,
             availability: Availability | None = None) -> Budget:
    av = availability or Availability()
    money = rates.money
    multi = len(breakdowns) > 1
    lines: list[BudgetLine] = []
    role: dict[str, str] = {}
    for b in breakdowns:
        for c in b.cast:
            role.setdefault(actor_id(b.unit, c.name, av, multi), c.role)
    for a in schedule.dood:
        if a.work:
            rate = money.cast_day.get(role.get(a.actor, ""), money.cast_day_default)
            lines.append(_line("cast", f"{a.actor} ({role.get(a.actor, 'cast')}): {a.work} work + {a.hold} hold",
                               a.work + a.hold, "day", rate))
    by_scene = {(b.unit, s.id): s for b in breakdowns for s in b.scenes}
    loc_days: dict[str, int] = {}
    specials: dict[str, set[tuple[str, int]]] = {}
    for d in schedule.days:
        for loc in d.locations:
            loc_days[loc] = loc_days.get(loc, 0) + 1
        for sid in d.scenes:
            for need in by_scene[(d.unit, sid)].special:
                tag = need.split(" (")[0] if need.startswith("child on set") else need
                specials.setdefault(tag, set()).add((d.unit, d.day))
    for loc, n in sorted(loc_days.items()):
        lines.append(_line("locations", loc, n, "day", money.location_day.get(loc, money.location_day_default)))
    unit_days = len({(d.unit, d.day) for d in schedule.days})
    night_days = len({(d.unit, d.day) for d in schedule.days if d.night})
    lines.append(_line("crew", "shooting crew", unit_days, "day", money.crew_day))
    lines.append(_line("crew", "camera, lighting and grip package", unit_days, "day", money.equipment_day))
    if night_days:
        lines.append(_line("crew", f"night premium ({money.night_premium_pct:g} % of crew)", night_days, "night",
                           money.crew_day * money.night_premium_pct / 100))
    if schedule.company_moves:
        lines.append(_line("crew", "company moves", schedule.company_moves, "move", money.company_move))
    for tag, days in sorted(specials.items()):
        lines.append(_line("special", tag, len(days), "day", money.special.get(tag, money.special_default)))
    subtotal = round(sum(x.amount for x in lines), 2)
    contingency = round(subtotal * money.contingency_pct / 100, 2)
    return Budget(currency=money.currency, lines=lines, subtotal=subtotal, contingency=contingency,
                  total=round(subtotal + contingency, 2))


def budget_csv(budget: Budget) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["category", "item", "quantity", "unit", f"rate ({budget.currency})", f"amount ({budget.currency})"])
    for x in budget.lines:
        w.writerow([x.category, x.item, f"{x.quantity:g}", x.unit, f"{x.rate:.2f}", f"{x.amount:.2f}"])
    w.writerow(["", "subtotal", "", "", "", f"{budget.subtotal:.2f}"])
    w.writerow(["", "contingency", "", "", "", f"{budget.contingency:.2f}"])
    w.writerow(["", "total", "", "", "", f"{budget.total:.2f}"])
    return out.getvalue()
