"""Tab 4 · Episode: one episode's timed beats (timeline, cards), edit or regenerate one beat."""

from __future__ import annotations

import gradio as gr

from ...core.errors import InputError
from ...story.planner import layout_beats
from .. import edits, page, steps, views
from ..live import BeatsLive
from ..page import Page
from ..session import fail, handler, run_job, season, session_of
from . import plan as plan_tab
from .common import picker, stop_button, stream_box


def layout(p: Page) -> None:
    with gr.Row():
        p.ep_pick = picker("ep-pick", scale=2, min_width=180)
        p.beats_btn = gr.Button("Write beats", variant="primary", scale=1, elem_id="write-beats")
        p.stop_ep = stop_button("stop-ep")
    p.timeline = gr.HTML(views.timeline_html(None), elem_id="timeline-box")
    p.ep_status = gr.Markdown(elem_classes="studio-status", elem_id="ep-status")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            p.beats_view = gr.HTML(elem_id="beats-view")
        with gr.Column(scale=2, min_width=280):
            p.beat_pick = picker("beat-pick", label="Beat to edit")
            p.beat_action = gr.Textbox(label="Action", lines=2, elem_id="beat-action")
            p.beat_lines = gr.Textbox(label="Dialogue (NAME (parenthetical): text, one a line)", lines=4,
                                      elem_id="beat-lines")
            with gr.Row():
                p.beat_chars = gr.Dropdown([], multiselect=True, label="On screen", elem_id="beat-chars",
                                           allow_custom_value=True)
                p.beat_loc = gr.Dropdown([], label="Location", elem_id="beat-loc", allow_custom_value=True)
            p.beat_new_scene = gr.Checkbox(label="starts a new scene", elem_id="beat-new-scene")
            with gr.Row():
                p.save_beat_btn = gr.Button("Save beat", elem_id="save-beat")
                p.regen_beat_btn = gr.Button("Regenerate beat", elem_id="regen-beat")
            p.script_next_btn = gr.Button("Write the script →", variant="primary", elem_id="to-script")
    p.ep_stream = stream_box("ep-stream")


def _wire_views(p: Page) -> None:
    @handler
    def show_episode(episode, sess_):
        """Load one episode into the Episode, Script and Shots tabs."""
        sd = season(sess_, "plan")
        n = edits.clamp_episode(sd, episode)
        return {**page.show_episode_tabs(p, sd, n), **page.pick(p, n)}

    outputs = [*p.episode_view, *p.script_view, *p.shots_view, *p.pickers]
    for x in p.pickers:
        x.input(show_episode, [x, p.sess], outputs, api_visibility="private")

    @handler
    def show_beat(episode, beat, sess_):
        sd = season(sess_, "plan")
        return page.show_episode(p, sd, edits.clamp_episode(sd, episode), int(beat) if beat else None)

    p.beat_pick.input(show_beat, [p.ep_pick, p.beat_pick, p.sess], p.episode_view, api_visibility="private")


def _wire_write_beats(p: Page) -> None:
    @handler
    def write_beats(episode: int, sess_, progress=gr.Progress()):
        """Write (or rewrite) one episode's timed beat sheet (streams)."""
        sd = season(sess_, "plan")
        n = edits.clamp_episode(sd, episode)
        req = sd.load_request()
        existed = sd.beats_path(n).exists()
        variant = steps.next_variant(sd, f"beats:{n}") if existed else 0

        def work(job) -> dict:
            steps.write_beats(sd, req, n, variant, job.on_text, job.on_beat)
            return {**page.beats_done(p, sd, n, f"{'Rewrote' if existed else 'Wrote'} episode {n}'s beats"),
                    p.tabs: gr.Tabs(selected="episode")}

        ep = sd.load_plan().episode(n)
        yield {p.tabs: gr.Tabs(selected="episode"), **page.pick(p, n), p.beats_view: "", p.timeline: "",
               p.ep_status: views.episode_status(ep, None, writing_now=True)}
        live = BeatsLive("beat", len(layout_beats(ep, sd.load_bible(), req.seed).beats), cards=p.beats_view)
        yield from run_job(session_of(sess_), work, p.ep_stream, progress, f"writing episode {n}'s beats",
                           status=p.ep_status, kept=lambda: page.show_episode(p, sd, n), live=live)

    @handler
    def save_plan_first(table, sess_):
        sd = season(sess_, "plan")
        if views.rows(table):
            edits.save_plan(sd, table)
        return gr.skip()

    outputs = [p.tabs, *p.episode_view, *p.pickers, p.plan_summary, p.ep_stream]
    p.gen_events.append(p.beats_btn.click(save_plan_first, [p.plan_df, p.sess], None, api_visibility="private")
                        .success(write_beats, [p.ep_pick, p.sess], outputs, api_name="beats",
                                 concurrency_id="generate", show_progress_on=[p.ep_status]))
    p.gen_events.append(p.beats_next_btn.click(
        plan_tab.make_keep_edits(p), [p.plan_df, p.sess, p.plan_ep], plan_tab.save_plan_outputs(p),
        api_visibility="private").success(write_beats, [p.plan_ep, p.sess], outputs, api_visibility="private",
                                          concurrency_id="generate", show_progress_on=[p.ep_status]))


def _beats_of(sd, n: int):
    if not sd.beats_path(n).exists():
        raise fail(f"Episode {n} has no beats yet: press **Write beats** first.")
    return sd.load_beats(n)


def _wire_beat(p: Page) -> None:
    @handler
    def save_beat(episode: int, beat: int, action: str, lines: str, characters: list[str], location: str,
                  new_scene: bool, sess_):
        """Save an edited beat (action, dialogue, cast, location); the episode is re-timed."""
        sd = season(sess_, "plan")
        n = edits.clamp_episode(sd, episode)
        _beats_of(sd, n)
        new = edits.beat_from_form(sd, n, int(beat or 0), action, lines, characters, location, new_scene)
        if new is None:
            view = page.show_episode(p, sd, n, int(beat))
            return {**view, p.ep_status: view[p.ep_status] + "\n\nNo changes to save."}
        edits.store_beat(sd, n, new)
        return page.beats_done(p, sd, n, f"Saved beat {new.index}", new.index)

    p.save_beat_btn.click(save_beat, [p.ep_pick, p.beat_pick, *p.beat_form, p.sess],
                          [*p.episode_view, *p.pickers, p.plan_summary], api_name="save_beat")

    @handler
    def regenerate_beat(episode: int, beat: int, sess_, progress=gr.Progress()):
        """Regenerate one beat's words; every other beat stays as it is (edits included)."""
        sd = season(sess_, "plan")
        n = edits.clamp_episode(sd, episode)
        old = _beats_of(sd, n)
        index = int(beat or 0)
        if not any(b.index == index for b in old.beats):
            raise InputError("beat", beat, f"a beat of episode {n} (1 to {len(old.beats)})")
        req = sd.load_request()
        variant = steps.next_variant(sd, f"beat:{n}:{index}")

        def work(job) -> dict:
            steps.rewrite_beat(sd, req, n, index, variant, job.on_text)
            return page.beats_done(p, sd, n, f"Regenerated beat {index}", index)

        yield from run_job(session_of(sess_), work, p.ep_stream, progress, f"rewriting beat {index}", expected=4,
                           status=p.ep_status, kept=lambda: page.show_episode(p, sd, n, index))

    p.gen_events.append(p.regen_beat_btn.click(
        regenerate_beat, [p.ep_pick, p.beat_pick, p.sess], [*p.episode_view, *p.pickers, p.plan_summary, p.ep_stream],
        api_name="regenerate_beat", concurrency_id="generate", show_progress_on=[p.ep_status]))


def wire(p: Page) -> None:
    _wire_views(p)
    _wire_write_beats(p)
    _wire_beat(p)
