"""Production: the shooting schedule as a day-by-day board.

It works on the session's season or on a workspace project, and calls the same functions as
``dramagen production`` (:func:`dramagen.screen.production.plan_production`,
:func:`~dramagen.screen.production.move_scene`): make the schedule with other constraints (days,
hours, unit rates, night blocks, an availability YAML, breakdown edits), move a scene to
another day by hand and see it re-checked, download the stripboard, DOOD, call sheets and budget.

Named API endpoints: ``/production_schedule`` and ``/production_move``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ...project.season import SeasonDir, atomic_write_text, safe_join
from .. import views, workspace
from ..page import Page
from ..session import handler, season

SESSION = "(this session's season)"
DOOD_HEADERS = ["actor", "work", "hold", "start", "finish", "days"]


def _season_path(choice: str | None, sess: Any) -> Path:
    if not choice or choice == SESSION:
        return season(sess).path
    return safe_join(workspace.workspace(), choice)


def _view(plan: Any, selected: str | None = None) -> tuple:
    files = [str(f) for f in (plan.files or []) if f.suffix in (".pdf", ".csv", ".html")]
    ids = sorted(x.id for x in plan.schedule.scenes)
    return (views.schedule_summary(plan), views.board_html(plan), views.dood_rows(plan), files,
            gr.update(choices=ids, value=selected if selected in ids else (ids[0] if ids else None)))


def layout(p: Page) -> None:
    gr.Markdown("Schedule the season's scenes into shooting days (OR-Tools CP-SAT): work per day, cast and "
                "location days off, night scenes in night blocks; fewest days, company moves and hold days. "
                "Then move a scene by hand and see the day re-checked.")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=260):
            p.prod_season = gr.Dropdown([SESSION, *workspace.projects()], value=SESSION, label="Season",
                                        allow_custom_value=True, elem_id="prod-season")
            p.prod_availability = gr.Textbox(label="Availability (YAML: actors / locations → days off, start_date)",
                                             lines=4, placeholder="actors:\n  Mara: [2]\nstart_date: 2026-03-02",
                                             elem_id="prod-availability")
            p.prod_edits = gr.Textbox(label="Breakdown edits (YAML: scene id → add_props, remove_special, notes…)",
                                      lines=3, placeholder="E003-S01:\n  add_props: [ledger]\n  notes: rubber gun",
                                      elem_id="prod-edits")
        with gr.Column(scale=3, min_width=300):
            with gr.Row():
                p.prod_days = gr.Number(8, precision=0, label="Days", minimum=1, elem_id="prod-days")
                p.prod_hours = gr.Number(12, label="Hours a day", elem_id="prod-hours")
                p.prod_blocks = gr.Number(1, precision=0, label="Night blocks", minimum=0, elem_id="prod-blocks")
            with gr.Row():
                p.prod_per_page = gr.Number(15, label="Unit minutes per page", elem_id="prod-per-page")
                p.prod_per_setup = gr.Number(3, label="Minutes per setup", elem_id="prod-per-setup")
                p.prod_limit = gr.Number(10, label="Solver time (s)", elem_id="prod-limit")
            p.prod_go = gr.Button("Make the schedule", variant="primary", elem_id="prod-go")
    p.prod_status = gr.Markdown(elem_id="prod-status")
    p.prod_board = gr.HTML(elem_id="prod-board")
    with gr.Row():
        p.prod_scene = gr.Dropdown([], label="Scene", allow_custom_value=True, elem_id="prod-scene", scale=2)
        p.prod_to_day = gr.Number(1, precision=0, label="Move to day", minimum=1, elem_id="prod-to-day", scale=1)
        p.prod_move = gr.Button("Move and re-check", elem_id="prod-move", scale=1)
    p.prod_dood = gr.Dataframe(headers=DOOD_HEADERS, type="array", interactive=False, label="Day out of days",
                               elem_id="prod-dood")
    p.prod_files = gr.File(label="Stripboard, DOOD, call sheets, budget", file_count="multiple", interactive=False,
                           elem_id="prod-files")


@handler
def schedule(choice, av_text, edits_text, days_, hours_, blocks_, per_page_, per_setup_, limit_, sess_):
    from ...screen.production import ScheduleOptions, plan_production

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


@handler
def move_it(choice, scene_id, day_, sess_):
    from ...screen.production import move_scene

    return _view(move_scene(_season_path(choice, sess_), scene_id, int(day_)), scene_id)


def wire(p: Page) -> None:
    outs = [p.prod_status, p.prod_board, p.prod_dood, p.prod_files, p.prod_scene]
    p.prod_go.click(schedule, [p.prod_season, p.prod_availability, p.prod_edits, p.prod_days, p.prod_hours,
                               p.prod_blocks, p.prod_per_page, p.prod_per_setup, p.prod_limit, p.sess], outs,
                    api_name="production_schedule", show_progress_on=[p.prod_status])
    p.prod_move.click(move_it, [p.prod_season, p.prod_scene, p.prod_to_day, p.sess], outs, api_name="production_move")
    p.prod_season.focus(lambda: gr.update(choices=[SESSION, *workspace.projects()]), None, p.prod_season,
                        queue=False)
