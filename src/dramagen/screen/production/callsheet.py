"""One call sheet per shooting day (PDF), as a first AD hands it out the evening before.

Top: series, day N of M, date, crew call, shooting call, estimated wrap, day or night
shoot, the locations in order with company moves. Then the scenes in shooting order with
their planned start, set, D/N, pages, cast numbers and synopsis; the cast called (status
from the day-out-of-days, makeup call = :attr:`makeup_minutes` before their first scene,
on set at its start); who is on hold; props, wardrobe and special needs of the day's
scenes; and an advance schedule (the next day's scenes).
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib import colors
from reportlab.platypus import Spacer, Table

from .breakdown import pages_text
from .models import Availability, Breakdown, RateCard, Schedule, ScheduleDay
from .pdf import STRIP_COLOURS, build, page_width, para, table_style
from .schedule import actor_id


def clock(call: str, minutes: float) -> str:
    h, m = (int(x) for x in call.split(":"))
    t = h * 60 + m + int(round(minutes))
    return f"{(t // 60) % 24:02d}:{t % 60:02d}" + ("+1" if t >= 24 * 60 else "")


def _date(availability: Availability, day: int) -> str:
    if not availability.start_date:
        return "date: not set (start_date in the availability file)"
    return (availability.start_date + dt.timedelta(days=day - 1)).strftime("%A %d %B %Y")


def _header(title: str, day: ScheduleDay, total: int, call: str, wrap: float, av: Availability, rates: RateCard):
    p = rates.production
    w = page_width()
    rows = [[para(title, 13, True), para(f"CALL SHEET — DAY {day.day} OF {total}", 13, True, align=2)],
            [para(_date(av, day.day), 9), para(("NIGHT" if day.night else "DAY") + f" SHOOT · unit {day.unit}", 9,
                                               True, align=2)],
            [para(f"Crew call {call} · Shooting call {clock(call, p.crew_call_minutes)} · Est. wrap "
                  f"{clock(call, wrap)}", 10, True),
             para(f"{pages_text(day.eighths)} pages · {day.setups} setups · {len(day.scenes)} scenes", 9, align=2)],
            [para("Locations: " + " → ".join(day.locations) + (f"  ({day.company_moves} company move"
                                                               f"{'s' if day.company_moves != 1 else ''})"
                                                               if day.company_moves else ""), 9),
             para("Address / parking / nearest hospital: not in the bible — fill in", 7, align=2)]]
    return Table(rows, colWidths=[w * 0.6, w * 0.4], style=table_style(
        [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")), ("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))


def _scene_table(day: ScheduleDay, b: Breakdown, timed: dict, call: str, rates: RateCard) -> Table:
    numbers = {c.name: c.number for c in b.cast}
    rows = [["Time", "Scene", "Set", "D/N", "Pgs", "Cast", "Synopsis"]]
    extra = []
    end, where = None, None
    for sid in day.scenes:
        s = b.scene(sid)
        if end is not None:  # what happens between two scenes: a company move, the meal
            if s.location != where:
                rows.append([clock(call, end), "", para(f"COMPANY MOVE to {s.location}", 7, True), "", "", "", ""])
                extra += [("SPAN", (2, len(rows) - 1), (-1, len(rows) - 1)),
                          ("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), colors.HexColor("#dddddd"))]
                end += rates.production.company_move_minutes
            if timed[sid].start_minute - end >= rates.production.meal_minutes - 0.5:
                rows.append([clock(call, end), "", para(f"MEAL ({rates.production.meal_minutes:g} min)", 7, True),
                             "", "", "", ""])
                extra += [("SPAN", (2, len(rows) - 1), (-1, len(rows) - 1)),
                          ("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), colors.HexColor("#dddddd"))]
        end, where = timed[sid].start_minute + timed[sid].minutes, s.location
        starts = {k: v.start_minute for k, v in timed.items()}
        heading = f"{'INT' if s.interior else 'EXT'}. {s.location} - {s.time}"
        rows.append([clock(call, starts[sid]), sid, para(heading, 7),
                     "N" if s.day_night == "NIGHT" else "D", pages_text(s.eighths),
                     ",".join(str(n) for n in sorted(numbers.get(c, 99) for c in s.cast)), para(s.synopsis[:160], 7)])
        extra.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1),
                      colors.HexColor(STRIP_COLOURS[(s.interior, s.day_night == "NIGHT")])))
    w = page_width()
    widths = [44, 50, 112, 22, 26, 40]
    return Table(rows, colWidths=widths + [w - sum(widths)], repeatRows=1, style=table_style(extra, 7))


def _cast_table(day: ScheduleDay, b: Breakdown, schedule: Schedule, starts: dict, call: str, av: Availability,
                rates: RateCard, multi: bool) -> tuple[Table, list[str]]:
    dood = {r.actor: r for r in schedule.dood}
    rows = [["#", "Character", "Actor", "Status", "Makeup", "On set", "Scenes", "Look (wardrobe, makeup)"]]
    looks = {w.split(": ", 1)[0]: w.split(": ", 1)[1] for sid in day.scenes for w in b.scene(sid).wardrobe
             if ": " in w}
    holds = []
    for c in b.cast:
        a = actor_id(b.unit, c.name, av, multi)
        r = dood.get(a)
        code = r.codes[day.day - 1] if r and day.day - 1 < len(r.codes) else ""
        scenes = [sid for sid in day.scenes if c.name in b.scene(sid).cast]
        if code == "H":
            holds.append(f"{c.number}. {c.name}")
        if not scenes:
            continue
        first = min(starts[sid] for sid in scenes)
        makeup = max(0.0, first - rates.production.makeup_minutes)
        rows.append([c.number, c.name, a if a != c.name else "(to cast)", code, clock(call, makeup),
                     clock(call, first), f"{len(scenes)} of {len(day.scenes)}",
                     para(looks.get(c.name, "—")[:120], 6.5)])
    w = page_width()
    widths = [14, 70, 60, 32, 36, 36, 44]
    return Table(rows, colWidths=widths + [w - sum(widths)], repeatRows=1, style=table_style(size=7)), holds


def _needs(day: ScheduleDay, b: Breakdown) -> list:
    lines = []
    for sid in day.scenes:
        s = b.scene(sid)
        bits = []
        if s.props:
            bits.append("props: " + ", ".join(s.props))
        if s.special:
            bits.append("special: " + ", ".join(s.special))
        wardrobe = [x for x in s.wardrobe if ": " not in x]  # a character's look is in the cast table
        if wardrobe:
            bits.append("wardrobe: " + "; ".join(x[:70] for x in wardrobe))
        if s.notes:
            bits.append("note: " + s.notes)
        if bits:
            lines.append(para(f"{sid}: " + " · ".join(bits), 6.8))
    return lines or [para("No props, wardrobe or special needs found in the action lines.", 7)]


def callsheet_pdf(schedule: Schedule, breakdowns: list[Breakdown], unit: str, day_number: int, rates: RateCard,
                  availability: Availability | None = None) -> bytes:
    av = availability or Availability()
    b = next(b for b in breakdowns if b.unit == unit)
    day = next(d for d in schedule.days if d.unit == unit and d.day == day_number)
    call = rates.production.night_call if day.night else rates.production.day_call
    timed = {s.id: s for s in schedule.scenes if s.unit == unit and s.day == day_number}
    starts = {sid: timed[sid].start_minute for sid in day.scenes}
    wrap = max(timed[sid].start_minute + timed[sid].minutes for sid in day.scenes)  # camera wrap
    total = max(d.day for d in schedule.days if d.unit == unit)
    cast, holds = _cast_table(day, b, schedule, starts, call, av, rates, len(breakdowns) > 1)
    story = [_header(b.season, day, total, call, wrap, av, rates), Spacer(1, 5),
             para("Scenes in shooting order", 9, True),
             _scene_table(day, b, timed, call, rates), Spacer(1, 5), para("Cast", 9, True), cast]
    if holds:
        story.append(para("On hold today (paid, not called): " + ", ".join(holds), 7.5))
    story += [Spacer(1, 5), para("Props, wardrobe and special needs", 9, True), *_needs(day, b)]
    nxt = next((d for d in schedule.days if d.unit == unit and d.day == day_number + 1), None)
    story += [Spacer(1, 5), para("Advance schedule", 9, True),
              para(f"Day {nxt.day} ({'night' if nxt.night else 'day'}): " + " → ".join(nxt.locations) + "; scenes "
                   + ", ".join(nxt.scenes), 7) if nxt else para("Last shooting day: wrap.", 7)]
    return build(story, f"{b.season} call sheet day {day_number}")


def callsheets_data(schedule: Schedule, breakdowns: list[Breakdown], unit: str, rates: RateCard,
                    availability: Availability | None = None) -> list[dict]:
    """The call sheets of ``unit`` as data (``callsheets/callsheets.json``): what the PDFs print."""
    av = availability or Availability()
    b = next(b for b in breakdowns if b.unit == unit)
    multi = len(breakdowns) > 1
    dood = {r.actor: r for r in schedule.dood}
    out = []
    for day in sorted((d for d in schedule.days if d.unit == unit), key=lambda d: d.day):
        call = rates.production.night_call if day.night else rates.production.day_call
        timed = {s.id: s for s in schedule.scenes if s.unit == unit and s.day == day.day}
        cast = []
        for c in b.cast:
            a = actor_id(unit, c.name, av, multi)
            scenes = [sid for sid in day.scenes if c.name in b.scene(sid).cast]
            code = dood[a].codes[day.day - 1] if a in dood and day.day - 1 < len(dood[a].codes) else ""
            if scenes:
                first = min(timed[sid].start_minute for sid in scenes)
                cast.append({"number": c.number, "character": c.name, "actor": a, "status": code,
                             "makeup": clock(call, max(0.0, first - rates.production.makeup_minutes)),
                             "on_set": clock(call, first), "scenes": scenes})
            elif code == "H":
                cast.append({"number": c.number, "character": c.name, "actor": a, "status": "H"})
        out.append({"day": day.day, "date": _date(av, day.day) if av.start_date else None, "night": day.night,
                    "crew_call": call, "shooting_call": clock(call, rates.production.crew_call_minutes),
                    "wrap": clock(call, max(t.start_minute + t.minutes for t in timed.values())),
                    "locations": day.locations, "company_moves": day.company_moves,
                    "scenes": [{"id": sid, "start": clock(call, timed[sid].start_minute),
                                "minutes": timed[sid].minutes} for sid in day.scenes], "cast": cast})
    return out
