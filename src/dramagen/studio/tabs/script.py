"""Tab 5 · Script: one episode's Fountain script, edited freely with a live runtime estimate."""

from __future__ import annotations

import html

import gradio as gr

from ...core.errors import InputError
from .. import edits, page, steps, views
from ..page import Page
from ..session import error, fail, handler, run_job, season, session_of
from .common import picker, stop_button, stream_box


def layout(p: Page) -> None:
    with gr.Row():
        p.sc_pick = picker("sc-pick", scale=2, min_width=180)
        p.script_btn = gr.Button("Write script", variant="primary", scale=1, elem_id="write-script")
        p.stop_sc = stop_button("stop-sc")
    p.runtime_md = gr.HTML(elem_id="runtime")
    p.fountain = gr.Textbox(label="Script (Fountain) — edit freely; the estimate updates as you type",
                            lines=22, max_lines=60, elem_classes="studio-fountain", elem_id="fountain")
    with gr.Row():
        p.save_script_btn = gr.Button("Save script", elem_id="save-script")
        p.shots_next_btn = gr.Button("Shooting script →", variant="primary", elem_id="to-shots")
    p.sc_status = gr.Markdown(elem_classes="studio-status", elem_id="sc-status")
    p.sc_stream = stream_box("sc-stream", lines=4, max_lines=10)


@handler
def save_beat_first(episode, beat, action, lines, characters, location, new_scene, sess_):
    """The beat being edited on the Episode tab is saved before its script is written."""
    edits.save_beat_if_edited(season(sess_, "plan"), episode, beat, action, lines, characters, location, new_scene)
    return gr.skip()


@handler
def save_script_first(episode, fountain_text, sess_):
    """The script being edited is saved before its shooting script is made."""
    sd = season(sess_, "plan")
    if episode and (fountain_text or "").strip():
        edits.save_script(sd, edits.clamp_episode(sd, episode), fountain_text)
    return gr.skip()


def _wire_write(p: Page) -> None:
    @handler
    def script(episode: int, sess_, progress=gr.Progress()):
        """Write (or rewrite) one episode's script from its beats, fitted to the target length (streams)."""
        sd = season(sess_, "plan")
        n = edits.clamp_episode(sd, episode)
        if not sd.beats_path(n).exists():
            raise fail(f"Episode {n} has no beats yet: write them on the Episode tab first.")
        req = sd.load_request()
        variant = steps.next_variant(sd, f"script:{n}") if sd.script_path(n).exists() else 0

        def work(job) -> dict:
            sc, removed = steps.write_script(sd, req, n, variant, job.on_text)
            note = " The old shooting script was removed (it followed the earlier script)." if removed else ""
            return {**page.show_script(p, sd, n), **page.show_shots(p, sd, n), p.tabs: gr.Tabs(selected="script"),
                    p.sc_status: f"✓ Episode {n}: {len(sc.scenes)} scenes, {sc.estimated_seconds:.1f} s.{note}",
                    **page.pick(p, n)}

        yield {p.tabs: gr.Tabs(selected="script"), **page.pick(p, n),
               p.runtime_md: views.writing(f"episode {n}'s script")}
        yield from run_job(session_of(sess_), work, p.sc_stream, progress, f"writing episode {n}'s script",
                           expected=8, status=p.sc_status, kept=lambda: page.show_script(p, sd, n))

    outputs = [p.tabs, *p.script_view, p.sc_stream, *p.shots_view, *p.pickers]
    beat_in = [p.ep_pick, p.beat_pick, *p.beat_form, p.sess]
    p.gen_events.append(p.script_btn.click(save_beat_first, beat_in, None, api_visibility="private").success(
        script, [p.sc_pick, p.sess], outputs, api_name="script", concurrency_id="generate",
        show_progress_on=[p.sc_status]))
    p.gen_events.append(p.script_next_btn.click(save_beat_first, beat_in, None, api_visibility="private").success(
        script, [p.ep_pick, p.sess], outputs, api_visibility="private", concurrency_id="generate",
        show_progress_on=[p.sc_status]))


def wire(p: Page) -> None:
    _wire_write(p)

    def check_script(episode: int, fountain_text: str, sess_):
        """The live runtime estimate and check of an edited Fountain script (nothing is saved)."""
        try:
            sd = season(sess_, "plan")
            return page.script_report(sd, edits.clamp_episode(sd, episode), fountain_text or "")
        except gr.Error as e:
            return f"<p class='check-bad'>{html.escape(str(e))}</p>"
        except Exception as e:  # noqa: BLE001
            return f"<p class='check-bad'>{html.escape(str(error(e)))}</p>"

    p.fountain.input(check_script, [p.sc_pick, p.fountain, p.sess], p.runtime_md, api_name="check_script",
                     trigger_mode="always_last", show_progress="hidden", concurrency_limit=None)

    @handler
    def save_script(episode: int, fountain_text: str, sess_):
        """Import the edited Fountain into the season (errors name the line)."""
        sd = season(sess_, "plan")
        n = edits.clamp_episode(sd, episode)
        if not (fountain_text or "").strip():
            raise InputError("script", "", "Fountain text with at least one scene heading")
        changed = edits.save_script(sd, n, fountain_text)
        msg = "✓ Script saved (the shooting script will be rebuilt from it)." if changed else "No changes to save."
        return {**page.show_script(p, sd, n), **page.show_shots(p, sd, n), p.sc_status: msg}

    p.save_script_btn.click(save_script, [p.sc_pick, p.fountain, p.sess], [*p.script_view, *p.shots_view],
                            api_name="save_script")
