"""Breakdown sheets (CSV, PDF), the stripboard schedule (PDF, HTML) and the DOOD (PDF).

Strips are coloured as on a paper board (:data:`~dramagen.screen.production.pdf.STRIP_COLOURS`:
INT DAY white, EXT DAY yellow, INT NIGHT blue, EXT NIGHT green); each day ends on a black
"end of day" strip with its pages, setups, unit minutes and company moves.
"""

from __future__ import annotations

import csv
import html
import io

from reportlab.lib import colors
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table

from .breakdown import pages_text
from .models import Breakdown, SceneBreakdown, Schedule
from .pdf import STRIP_COLOURS, STRIP_LEGEND, build, page_width, para, style, table_style

BREAKDOWN_FIELDS = ["id", "episode", "scene", "heading", "location", "interior", "time", "day_night", "seconds",
                    "pages", "setups", "cast", "props", "wardrobe", "special", "synopsis", "notes", "edited", "sources"]


def sources_text(s: SceneBreakdown) -> str:
    """``props:table=model; wardrobe:veil=edited; …``: every item's source (rule, model or edited)."""
    return "; ".join(f"{field}:{item}={src}" for field, items in s.sources.items() for item, src in items.items())


def _marked(s: SceneBreakdown, field: str) -> list[str]:
    """The field's items as a sheet shows them: a model's or an edit's item says so."""
    src = s.sources.get(field, {})
    return [x if src.get(x, "rule") == "rule" else f"{x} ({src[x]})" for x in getattr(s, field)]


def breakdown_csv(b: Breakdown) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(BREAKDOWN_FIELDS)
    for s in b.scenes:
        w.writerow([s.id, s.episode, s.scene, s.heading, s.location, "INT" if s.interior else "EXT", s.time,
                    s.day_night, f"{s.seconds:.2f}", pages_text(s.eighths), s.setups, "; ".join(s.cast),
                    "; ".join(s.props), "; ".join(s.wardrobe), "; ".join(s.special), s.synopsis, s.notes,
                    "; ".join(s.edited), sources_text(s)])
    return out.getvalue()


def _sheet(b: Breakdown, s: SceneBreakdown) -> Table:
    numbers = {c.name: c.number for c in b.cast}
    rows = [[para(f"{s.id}   {s.heading}   ·   {pages_text(s.eighths)} pg · {s.seconds:.0f} s · {s.setups} setups · "
                  f"{s.day_night} work", 9, True), ""],
            [para("Synopsis", bold=True), para(s.synopsis or "—")],
            [para("Cast", bold=True), para(", ".join(f"{numbers.get(c, '?')}. {c}" for c in s.cast) or "—")],
            [para("Props", bold=True), para(", ".join(_marked(s, "props")) or "—")],
            [para("Wardrobe", bold=True), para("\n".join(_marked(s, "wardrobe")) or "—")],
            [para("Special needs", bold=True), para(", ".join(_marked(s, "special")) or "—")]]
    if s.notes or s.edited:
        rows.append([para("Notes", bold=True), para((s.notes + (" (edited: " + ", ".join(s.edited) + ")"
                                                                if s.edited else "")).strip())])
    w = page_width()
    colour = colors.HexColor(STRIP_COLOURS[(s.interior, s.day_night == "NIGHT")])
    return Table(rows, colWidths=[28 * 2.83, w - 28 * 2.83], style=table_style(
        [("BACKGROUND", (0, 0), (-1, 0), colour), ("SPAN", (0, 0), (1, 0))]))


def breakdown_pdf(b: Breakdown) -> bytes:
    story: list = [Paragraph(html.escape(f"{b.season} — breakdown sheets ({len(b.scenes)} scenes)"), style(12, True)),
                   Spacer(1, 6)]
    for s in b.scenes:
        story += [_sheet(b, s), Spacer(1, 5)]
    return build(story, f"{b.season} breakdown")


def _strip_rows(schedule: Schedule, breakdowns: list[Breakdown]):
    """(cells, colour) per strip, and a black end-of-day strip after each day."""
    scenes = {(b.unit, s.id): (b, s) for b in breakdowns for s in b.scenes}
    multi = len(breakdowns) > 1
    for day in sorted(schedule.days, key=lambda d: (d.unit, d.day)):
        for sid in day.scenes:
            b, s = scenes[(day.unit, sid)]
            numbers = {c.name: c.number for c in b.cast}
            cells = [f"{day.day}", (f"{day.unit} " if multi else "") + s.id, "INT" if s.interior else "EXT",
                     f"{s.location} – {s.time}", "N" if s.day_night == "NIGHT" else "D", pages_text(s.eighths),
                     str(s.setups), ",".join(str(n) for n in sorted(numbers.get(c, 99) for c in s.cast)),
                     s.synopsis if len(s.synopsis) <= 80 else s.synopsis[:79].rstrip() + "…"]
            yield cells, STRIP_COLOURS[(s.interior, s.day_night == "NIGHT")]
        hours = day.minutes / 60
        yield ([f"END OF DAY {day.day}" + (f" ({day.unit})" if multi else "") + f" — {pages_text(day.eighths)} pages, "
                f"{day.setups} setups, {hours:.1f} h of {day.capacity / 60:.1f} h, {day.company_moves} company "
                f"move(s)"], None)


STRIP_HEADERS = ["Day", "Scene", "I/E", "Set", "D/N", "Pages", "Setups", "Cast", "Synopsis"]


def stripboard_pdf(schedule: Schedule, breakdowns: list[Breakdown], title: str) -> bytes:
    w = page_width(wide=True)
    scene_w = 62 + (5.2 * max(len(b.unit) + 1 for b in breakdowns) if len(breakdowns) > 1 else 0)  # "unit E001-S02"
    widths = [22, scene_w, 24, 150, 22, 32, 32, 44]
    widths.append(w - sum(widths))
    rows, extra = [STRIP_HEADERS], []
    for cells, colour in _strip_rows(schedule, breakdowns):
        r = len(rows)
        if colour is None:
            rows.append([cells[0]] + [""] * 8)
            extra += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), colors.black),
                      ("TEXTCOLOR", (0, r), (-1, r), colors.white)]
        else:
            rows.append(cells)
            extra.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor(colour)))
    legend = Table([[name for name, _ in STRIP_LEGEND]], colWidths=[60] * 4, hAlign="LEFT", style=table_style(
        [("BACKGROUND", (k, 0), (k, 0), colors.HexColor(c)) for k, (_, c) in enumerate(STRIP_LEGEND)], size=7))
    head = (f"{title} — stripboard: {schedule.days_used} days, {schedule.company_moves} company moves, "
            f"{schedule.hold_days} actor hold days; solver {schedule.status}, gap {schedule.gap:.1%}")
    story = [para(head, 11, True), Spacer(1, 2), legend, Spacer(1, 4),
             Table(rows, colWidths=widths, repeatRows=1, style=table_style(extra, size=7))]
    return build(story, f"{title} stripboard", wide=True)


def stripboard_html(schedule: Schedule, breakdowns: list[Breakdown], title: str) -> str:
    e = html.escape
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{e(title)} stripboard</title><style>"
           "body{font:13px sans-serif;margin:16px}table{border-collapse:collapse;width:100%}"
           "td,th{border:1px solid #888;padding:2px 5px;text-align:left}th{background:#ddd}"
           "tr.eod td{background:#000;color:#fff;font-weight:bold}</style></head><body>",
           f"<h1>{e(title)}: stripboard</h1><p>{schedule.days_used} days, {schedule.company_moves} company moves, "
           f"{schedule.hold_days} actor hold days; solver {e(schedule.status)}, gap {schedule.gap:.1%}</p>",
           "<p>" + " ".join(f"<span style='background:{c};border:1px solid #888;padding:1px 6px'>{e(n)}</span>"
                            for n, c in STRIP_LEGEND) + "</p>",
           "<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in STRIP_HEADERS) + "</tr>"]
    for cells, colour in _strip_rows(schedule, breakdowns):
        if colour is None:
            out.append(f"<tr class='eod'><td colspan='{len(STRIP_HEADERS)}'>{e(cells[0])}</td></tr>")
        else:
            out.append(f"<tr style='background:{colour}'>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    out.append("</table></body></html>\n")
    return "\n".join(out)


def dood_pdf(schedule: Schedule, title: str, start_date=None) -> bytes:
    import datetime as dt

    n = schedule.days_used
    dates = [""] * n
    if start_date:
        d0 = start_date
        dates = [(d0 + dt.timedelta(days=i)).strftime("%a\n%d %b") for i in range(n)]
    nights = {d.day for d in schedule.days if d.night}
    head = ["Actor"] + [f"Day {d}\n{'night' if d in nights else 'day'}" + (f"\n{dates[d - 1]}" if dates[0] else "")
                        for d in range(1, n + 1)] + ["Work", "Hold", "Start", "Finish", "Total"]
    rows = [head]
    extra = []
    for r in schedule.dood:
        rows.append([r.actor, *r.codes[:n], r.work, r.hold, r.start or "", r.finish or "", r.work + r.hold])
        for k, code in enumerate(r.codes[:n], 1):
            if code:
                shade = "#ffe08a" if code == "H" else "#9fd39a"
                extra.append(("BACKGROUND", (k, len(rows) - 1), (k, len(rows) - 1), colors.HexColor(shade)))
    w = page_width(wide=True)
    day_w = min(42, (w - 120 - 5 * 34) / max(n, 1))
    widths = [120] + [day_w] * n + [34] * 5
    story = [para(f"{title} — day out of days", 12, True),
             para("SW start work · W work · WF work finish · SWF start-work-finish (one day) · H hold (paid, not "
                  "working). Total = days on the payroll.", 7.5), Spacer(1, 5),
             Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT",
                   style=table_style(extra + [("ALIGN", (1, 0), (-1, -1), "CENTER")], size=8)),
             Spacer(1, 5), para(f"Hold days in all: {schedule.hold_days}. Shooting days: {n}. Company moves: "
                                f"{schedule.company_moves}.", 8)]
    return build(story, f"{title} day out of days", wide=True)


__all__ = ["breakdown_csv", "breakdown_pdf", "stripboard_pdf", "stripboard_html", "dood_pdf", "PageBreak"]
