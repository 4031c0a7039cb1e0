"""The studio's Production tab: the shooting schedule as a day-by-day board.

:func:`build_production_tab` lays the tab out inside the studio's ``gr.Blocks`` (``ui.build``
calls it within a ``gr.Tab``). It works on the session's season or on a workspace project,
and calls the same functions as ``dramagen production``; the breakdown can be edited there
(``production/breakdown_edits.yaml``) (:func:`dramagen.production.plan_production`,
:func:`~dramagen.production.move_scene`): make the schedule with other constraints (days,
hours, unit rates, night blocks, an availability YAML), move a scene to another day by hand
and see it re-checked, download the stripboard, DOOD, call sheets and budget.

Named API endpoints: ``/production_schedule`` and ``/production_move``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import gradio as gr

SESSION = "(this session's season)"
DOOD_HEADERS = ["actor", "work", "hold", "start", "finish", "days"]


def _season_path(choice: str | None, sess: dict) -> Path:
    from .ui import _season, safe_join, workspace

    if not choice or choice == SESSION:
        return _season(sess).path
    return safe_join(workspace(), choice)


def board_html(plan) -> str:
    """The schedule as columns of strip cards, one column a day (colours as on a stripboard)."""
    from .production.breakdown import pages_text
    from .production.pdf import STRIP_COLOURS

    s = plan.schedule
    scenes = {(b.unit, x.id): (b, x) for b in plan.breakdowns for x in b.scenes}
    e = html.escape
    cols = []
    for d in sorted(s.days, key=lambda d: (d.unit, d.day)):
        cards = []
        for sid in d.scenes:
            b, x = scenes[(d.unit, sid)]
            nums = ",".join(str(c.number) for c in b.cast if c.name in x.cast)
            cards.append(f"<div class='pstrip' data-scene='{e(sid)}' style='background:"
                         f"{STRIP_COLOURS[(x.interior, x.day_night == 'NIGHT')]}'><b>{e(sid)}</b> "
                         f"{'INT' if x.interior else 'EXT'} {e(x.location)} · {pages_text(x.eighths)} pg · "
                         f"cast {e(nums)}</div>")
        unit = f" · {e(d.unit)}" if len(s.units) > 1 else ""
        cols.append(f"<div class='pday' id='pday-{d.day}'><div class='phead'>Day {d.day}{unit} · "
                    f"{'NIGHT' if d.night else 'DAY'}<br><small class='pinfo'>{d.minutes / 60:.1f}/{d.capacity / 60:.1f} h · "
                    f"{pages_text(d.eighths)} pg · {d.company_moves} move(s)</small></div>{''.join(cards)}</div>")
    style = ("<style>#prod-board .pboard{display:flex;gap:6px;overflow-x:auto;max-width:100%}"
             "#prod-board .pday{min-width:170px;flex:1;border:1px solid #999;border-radius:4px;color:#111}"
             "#prod-board .phead{background:#222;color:#fff;padding:3px 5px;font-size:12px}"
             "#prod-board .phead small{color:#ddd !important;font-size:11px}"
             "#prod-board .pstrip{border-top:1px solid #aaa;padding:2px 5px;font-size:11px}</style>")
    return style + "<div class='pboard'>" + "".join(cols) + "</div>"


def _summary(plan) -> str:
    s = plan.schedule
    how = "moved by hand" if s.status == "HAND-EDITED" else f"solver {s.status}, gap {s.gap:.1%}"
    lines = [f"**{len(s.scenes)} scenes in {s.days_used} days** · {how} · "
             f"{s.company_moves} company moves · {s.hold_days} actor hold days"]
    if plan.budget is not None:
        lines.append(f"Budget estimate: {plan.budget.total:,.0f} {plan.budget.currency} (illustrative rate card)")
    if s.violations:
        lines.append("**Broken by the hand edit:** " + "; ".join(html.escape(v) for v in s.violations))
    elif s.status == "HAND-EDITED":
        lines.append("✓ Re-checked: the moved schedule meets every hard constraint.")
    return "\n\n".join(lines)


def _view(plan, selected: str | None = None) -> tuple:
    s = plan.schedule
    dood = [[r.actor, r.work, r.hold, r.start or "", r.finish or "", " ".join(c or "·" for c in r.codes)]
            for r in s.dood]
    files = [str(f) for f in (plan.files or []) if f.suffix in (".pdf", ".csv", ".html")]
    ids = [x.id for x in s.scenes]
    return (_summary(plan), board_html(plan), dood, files,
            gr.update(choices=sorted(ids), value=selected if selected in ids else (sorted(ids)[0] if ids else None)))


def build_production_tab(sess: gr.State) -> dict[str, Any]:
    """The Production tab's components and events (call inside ``with gr.Tab(...)`` of a Blocks)."""
    from .ui import _guard, _workspace_projects

    gr.Markdown("Schedule the season's scenes into shooting days (OR-Tools CP-SAT): work per day, cast and "
                "location days off, night scenes in night blocks; fewest days, company moves and hold days. "
                "Then move a scene by hand and see the day re-checked.")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=260):
            season = gr.Dropdown([SESSION, *_workspace_projects()], value=SESSION, label="Season",
                                 allow_custom_value=True, elem_id="prod-season")
            availability = gr.Textbox(label="Availability (YAML: actors / locations → days off, start_date)",
                                      lines=4, placeholder="actors:\n  Mara: [2]\nstart_date: 2026-03-02",
                                      elem_id="prod-availability")
            edits = gr.Textbox(label="Breakdown edits (YAML: scene id → add_props, remove_special, notes…)",
                               lines=3, placeholder="E003-S01:\n  add_props: [ledger]\n  notes: rubber gun",
                               elem_id="prod-edits")
        with gr.Column(scale=3, min_width=300):
            with gr.Row():
                days = gr.Number(8, precision=0, label="Days", minimum=1, elem_id="prod-days")
                hours = gr.Number(12, label="Hours a day", elem_id="prod-hours")
                blocks = gr.Number(1, precision=0, label="Night blocks", minimum=0, elem_id="prod-blocks")
            with gr.Row():
                per_page = gr.Number(15, label="Unit minutes per page", elem_id="prod-per-page")
                per_setup = gr.Number(3, label="Minutes per setup", elem_id="prod-per-setup")
                limit = gr.Number(10, label="Solver time (s)", elem_id="prod-limit")
            go = gr.Button("Make the schedule", variant="primary", elem_id="prod-go")
    status = gr.Markdown(elem_id="prod-status")
    board = gr.HTML(elem_id="prod-board")
    with gr.Row():
        scene = gr.Dropdown([], label="Scene", allow_custom_value=True, elem_id="prod-scene", scale=2)
        to_day = gr.Number(1, precision=0, label="Move to day", minimum=1, elem_id="prod-to-day", scale=1)
        move = gr.Button("Move and re-check", elem_id="prod-move", scale=1)
    dood = gr.Dataframe(headers=DOOD_HEADERS, type="array", interactive=False, label="Day out of days",
                        elem_id="prod-dood")
    files = gr.File(label="Stripboard, DOOD, call sheets, budget", file_count="multiple", interactive=False,
                    elem_id="prod-files")

    def schedule(choice, av_text, edits_text, days_, hours_, blocks_, per_page_, per_setup_, limit_, sess_):
        from .production import ScheduleOptions, plan_production
        from .season import SeasonDir, atomic_write_text

        path = _season_path(choice, sess_)
        if (edits_text or "").strip():
            atomic_write_text(SeasonDir(path).breakdown_edits_path, edits_text)
        av_path = None
        if (av_text or "").strip():
            av_path = SeasonDir(path).production_path("availability.yaml")
            atomic_write_text(av_path, av_text)
        opts = ScheduleOptions(days=int(days_), hours=float(hours_), night_blocks=int(blocks_),
                               time_limit=float(limit_), workers=1)
        plan = plan_production([path], opts, availability=av_path, rate_overrides={"production": {
            "minutes_per_page": float(per_page_), "minutes_per_setup": float(per_setup_)}})
        return _view(plan)

    def move_it(choice, scene_id, day_, sess_):
        from .production import move_scene

        return _view(move_scene(_season_path(choice, sess_), scene_id, int(day_)), scene_id)

    outs = [status, board, dood, files, scene]
    go.click(_guard(schedule), [season, availability, edits, days, hours, blocks, per_page, per_setup, limit, sess], outs,
             api_name="production_schedule", show_progress_on=[status])
    move.click(_guard(move_it), [season, scene, to_day, sess], outs, api_name="production_move")
    season.focus(lambda: gr.update(choices=[SESSION, *_workspace_projects()]), None, season, queue=False)
    return {"status": status, "board": board, "scene": scene}
