"""Tab 3 · Season plan: the episodes' table (title, synopsis, cliffhanger editable), regenerate one
episode's text, plan the season (wired from the Bible tab's **Plan the season**)."""

from __future__ import annotations

import html

import gradio as gr

from .. import edits, page, steps, views
from ..live import PlanLive
from ..page import Page
from ..session import handler, run_job, season, session_of
from ..views import PLAN_EDITABLE, PLAN_HEADERS, writing
from .common import picker, stop_button, stream_box


def layout(p: Page) -> None:
    p.plan_summary = gr.HTML(elem_id="plan-summary")
    p.plan_cards = page.cards_box("plan-cards", "plan")
    p.plan_df = gr.Dataframe(headers=PLAN_HEADERS, type="array", interactive=True, wrap=True,
                             label="Season plan (edit title, synopsis and cliffhanger)",
                             static_columns=[0, *range(1 + len(PLAN_EDITABLE), len(PLAN_HEADERS))],
                             column_widths=["60px", "150px", "280px", "240px", "72px", "116px", "128px", "100px",
                                            "96px", "130px", "130px", "240px"],
                             max_height=520, elem_id="plan-table", elem_classes="studio-table")
    with gr.Row():
        p.save_plan_btn = gr.Button("Save edits", elem_id="save-plan")
        p.plan_ep = picker("plan-ep", scale=1, min_width=160)
        p.regen_plan_ep_btn = gr.Button("Regenerate this episode's text", elem_id="regen-plan-ep")
        p.beats_next_btn = gr.Button("Write its beats →", variant="primary", elem_id="to-beats")
        p.stop_plan = stop_button("stop-plan")
    p.plan_status = gr.Markdown(elem_classes="studio-status", elem_id="plan-status")
    p.plan_stream = stream_box("plan-stream")


def make_save_plan(p: Page):
    @handler
    def save_plan(plan_table, sess_, episode: int | None = None):
        """Validate and save the edited plan table (titles, synopses, cliffhangers)."""
        sd = season(sess_, "plan")
        changed = edits.save_plan(sd, plan_table)
        msg = f"✓ Saved episode(s) {', '.join(map(str, changed))}." if changed else "No changes to save."
        return {**page.show_plan(p, sd, episode), p.plan_status: msg}

    return save_plan


def save_plan_outputs(p: Page) -> list:
    return [p.plan_df, p.plan_summary, *p.pickers, p.plan_status]


def make_keep_edits(p: Page):
    """The table's edits kept before a step reads the plan (Write its beats →, Regenerate this episode's
    text): the status says so only when an edit was saved. The writer pressed no Save, so "No changes to
    save." would answer a question nobody asked (Save edits still says it)."""

    @handler
    def keep_plan_edits(plan_table, sess_, episode: int | None = None):
        sd = season(sess_, "plan")
        changed = edits.save_plan(sd, plan_table) if views.rows(plan_table) else []
        if not changed:
            return gr.skip()  # every output as it is
        return {**page.show_plan(p, sd, episode), p.plan_status: f"✓ Saved episode(s) {', '.join(map(str, changed))}."}

    return keep_plan_edits


def _wire_plan(p: Page) -> None:
    @handler
    def prepare_plan(title, title_pin_, logline, logline_pin_, characters, locations, episodes_, length_,
                     paywall_, sess_):
        """Keep the bible's edits, and the Trope tab's episodes / length / paywall, before planning."""
        sd = season(sess_)
        edits.save_bible(sd, title, title_pin_, logline, logline_pin_, characters, locations)
        edits.update_request(sd, episodes_, length_, paywall_)
        return gr.skip()

    @handler
    def plan(sess_, progress=gr.Progress()):
        """Plan the season from the (edited) bible and the season's request: structure, then every
        episode's title, synopsis and cliffhanger (streams)."""
        sd = season(sess_)
        req = sd.load_request()

        def work(job) -> dict:
            new = steps.plan(sd, req, job.on_text)
            kept = sd.episodes_done("beats")
            note = f" Beats already written for episode(s) {', '.join(map(str, kept))} were kept." if kept else ""
            return {**page.show_plan(p, sd), **page.show_episode_tabs(p, sd, 1),
                    p.plan_status: f"✓ Planned {len(new.episodes)} episodes.{note}", p.tabs: gr.Tabs(selected="plan")}

        yield {p.tabs: gr.Tabs(selected="plan"), p.plan_status: "Planning…", p.plan_summary: writing("the season plan"),
               p.plan_df: page.empty_table(PLAN_HEADERS)}
        live = PlanLive("episode plan", req.episodes, table=p.plan_df, paywall=req.paywall, headers=PLAN_HEADERS)
        yield from run_job(session_of(sess_), work, p.plan_stream, progress, "planning the season",
                           status=p.plan_status, kept=lambda: page.show_plan(p, sd), live=live)

    outputs = [p.tabs, p.plan_df, p.plan_summary, *p.pickers, p.plan_status, p.plan_stream, *p.episode_view,
               *p.script_view, *p.shots_view]
    p.gen_events.append(p.plan_btn.click(
        prepare_plan, [*p.bible_form, p.episodes, p.length, p.paywall, p.sess], p.bible_status,
        api_visibility="private").success(plan, [p.sess], outputs, api_name="plan", concurrency_id="generate",
                                          show_progress_on=[p.plan_status]))


def wire(p: Page) -> None:
    _wire_plan(p)
    save_plan = make_save_plan(p)
    p.save_plan_btn.click(save_plan, [p.plan_df, p.sess, p.plan_ep], save_plan_outputs(p), api_name="save_plan")

    @handler
    def regenerate_plan_episode(episode: int, sess_, progress=gr.Progress()):
        """Regenerate one episode's title, synopsis and cliffhanger (the other episodes are kept)."""
        sd = season(sess_, "plan")
        n = edits.clamp_episode(sd, episode)
        req = sd.load_request()
        variant = steps.next_variant(sd, f"plan:{n}")

        def work(job) -> dict:
            steps.rewrite_plan_episode(sd, req, n, variant, job.on_text)
            ep = sd.load_plan().episode(n)
            note = (" Its beats were written from the old text: rewrite them on the Episode tab."
                    if sd.beats_path(n).exists() else "")
            return {**page.show_plan(p, sd, n), p.plan_status: f"✓ Episode {n}: **{html.escape(ep.title)}**.{note}"}

        yield from run_job(session_of(sess_), work, p.plan_stream, progress, f"rewriting episode {n}'s plan",
                           expected=3, status=p.plan_status)

    p.gen_events.append(p.regen_plan_ep_btn.click(
        make_keep_edits(p), [p.plan_df, p.sess, p.plan_ep], save_plan_outputs(p), api_visibility="private").success(
        regenerate_plan_episode, [p.plan_ep, p.sess], [*save_plan_outputs(p), p.plan_stream],
        api_name="regenerate_plan_episode", concurrency_id="generate", show_progress_on=[p.plan_status]))
