"""Tab 7 · Export: every written episode in the chosen formats, and the season zip."""

from __future__ import annotations

import gradio as gr

from .. import edits, outputs
from ..page import Page
from ..session import handler, season


def layout(p: Page) -> None:
    p.formats = gr.CheckboxGroup(outputs.export_formats(), value=outputs.export_formats(), elem_id="formats",
                                 label="Formats (zip: everything, in one file)")
    p.export_btn = gr.Button("Export the season", variant="primary", elem_id="export-btn")
    p.export_status = gr.Markdown(elem_classes="studio-status", elem_id="export-status")
    p.files = gr.File(label="Downloads", file_count="multiple", interactive=False, elem_id="downloads")


@handler
def save_pending(title, title_pin_, logline, logline_pin_, characters, locations, plan_table, episode, beat,
                 action, lines, chars_on_screen, location, new_scene, sc_episode, fountain_text, sess_):
    """Every edit still in the page is saved first (bible, plan, the beat being edited, the script)."""
    edits.save_pending(season(sess_, "season"), [title, title_pin_, logline, logline_pin_, characters, locations],
                       plan_table, [episode, beat, action, lines, chars_on_screen, location, new_scene],
                       sc_episode, fountain_text)
    return gr.skip()


def wire(p: Page) -> None:
    @handler
    def export(formats: list[str] | None, sess_, episode: int | None = None, progress=gr.Progress()):
        """Export every written episode in the chosen formats (screenplay PDF/FDX/HTML/Fountain, JSON,
        CSV shot list, storyboard, publishing pack) and the season zip. Returns the zip, the season-wide
        files and the chosen episode's files (all files when there are few)."""
        sd = season(sess_, "plan")
        paths, total = outputs.export(sd, list(formats or []), progress, episode)
        more = f"; {len(paths)} listed below, the zip holds them all" if total > len(paths) else ""
        return {p.files: [str(x) for x in paths], p.export_status: f"✓ Exported: {total} files{more}."}

    p.export_btn.click(save_pending, p.pending, None, api_visibility="private").success(
        export, [p.formats, p.sess, p.sh_pick], [p.files, p.export_status], api_name="export",
        concurrency_id="generate", show_progress_on=[p.export_status])
