"""Tab 6 · Shots: one episode's shooting script (shot list, scenes), storyboard panels, the animatic."""

from __future__ import annotations

import gradio as gr

from .. import edits, page, steps
from ..page import Page
from ..session import fail, handler, season
from ..views import SHOT_HEADERS
from . import animatic
from .common import picker
from .script import save_script_first


def layout(p: Page) -> None:
    with gr.Row():
        p.sh_pick = picker("sh-pick", scale=2, min_width=180)
        p.shooting_btn = gr.Button("Make shooting script", variant="primary", scale=1, elem_id="shooting")
    p.sh_status = gr.Markdown(elem_classes="studio-status", elem_id="sh-status")
    p.shots_cards = page.cards_box("shots-cards", "shots")
    p.shots_df = gr.Dataframe(headers=SHOT_HEADERS, type="array", interactive=False, wrap=True,
                              label="Shot list", max_height=480,
                              column_widths=["48px", "76px", "64px", "96px", "96px", "140px", "320px", "92px",
                                             "260px"], elem_id="shots", elem_classes="studio-table")
    p.breakdown = gr.HTML(elem_id="breakdown")
    # a tap on a panel opens it at readable size (the gallery's preview, with fullscreen as a lightbox)
    p.gallery = gr.Gallery(label="Storyboard: one 9:16 panel per shot (tap one to open it)", columns=6,
                           height="auto", object_fit="contain", preview=False, allow_preview=True,
                           buttons=["fullscreen", "download"], elem_id="storyboard")
    animatic.layout(p)


def wire(p: Page) -> None:
    @handler
    def shooting(episode: int, sess_, fountain_text: str | None = None):
        """Make one episode's shooting script (shot list, breakdown) and storyboard panels."""
        sd = season(sess_, "plan")
        n = edits.clamp_episode(sd, episode)
        if fountain_text and fountain_text.strip():
            edits.save_script(sd, n, fountain_text)  # edits of the script are kept
        if not sd.script_path(n).exists():
            raise fail(f"Episode {n} has no script yet: write it on the Script tab first.")
        steps.make_shooting(sd, n)
        return {**page.show_shots(p, sd, n), p.tabs: gr.Tabs(selected="shots"), **page.pick(p, n)}

    outputs = [p.tabs, *p.shots_view, *p.pickers]
    p.shooting_btn.click(save_script_first, [p.sc_pick, p.fountain, p.sess], None, api_visibility="private").success(
        shooting, [p.sh_pick, p.sess], outputs, api_name="shooting", show_progress_on=[p.sh_status])
    p.shots_next_btn.click(shooting, [p.sc_pick, p.sess, p.fountain], outputs, api_visibility="private",
                           show_progress_on=[p.sh_status])
    animatic.wire(p)
