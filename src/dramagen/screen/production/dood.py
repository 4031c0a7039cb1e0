"""Day-out-of-days: for each actor, the code of each shooting day and the totals.

Codes as on a DOOD report: ``SW`` start work (first day), ``W`` work, ``WF`` work finish
(last day), ``SWF`` a single day, ``H`` hold (paid, not working, between start and
finish), blank before the start and after the finish. Days on the payroll = work + hold.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from .models import ActorDays


def actor_days(actor: str, work_days: Iterable[int], days: int, units: list[str] | None = None) -> ActorDays:
    work = sorted(set(work_days))
    if not work:
        return ActorDays(actor=actor, units=units or [], codes=[""] * days)
    start, finish = work[0], work[-1]
    codes = []
    for d in range(1, days + 1):
        if d in work:
            codes.append("SWF" if start == finish else "SW" if d == start else "WF" if d == finish else "W")
        else:
            codes.append("H" if start < d < finish else "")
    return ActorDays(actor=actor, units=units or [], codes=codes, work=len(work),
                     hold=finish - start + 1 - len(work), start=start, finish=finish)


def day_out_of_days(work: Mapping[str, Iterable[int]], days: int,
                    units: Mapping[str, list[str]] | None = None) -> list[ActorDays]:
    """``work``: actor → the days they work. In the order given (cast order)."""
    return [actor_days(a, d, days, (units or {}).get(a)) for a, d in work.items()]


def dood_csv(rows: list[ActorDays], days: int) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["actor", *[f"day {d}" for d in range(1, days + 1)], "work", "hold", "start", "finish", "total"])
    for r in rows:
        w.writerow([r.actor, *r.codes[:days], r.work, r.hold, r.start or "", r.finish or "", r.work + r.hold])
    return out.getvalue()
