"""The Animatic controls on the Shots tab: a button, a size choice, progress, a ``gr.Video`` player.

The button calls :func:`dramagen.screen.animatic.make_animatic`, the same function the CLI and export call.
"""

from __future__ import annotations

import gradio as gr

from ..page import Page
from ..session import fail, handler, season

__all__ = ["SIZES", "layout", "wire"]

SIZES = {"1080×1920 (final)": 1080, "540×960 (quick)": 540}


def layout(p: Page) -> None:
    """The Animatic row under the storyboard."""
    with gr.Row():
        p.animatic_size = gr.Radio(list(SIZES), value=next(iter(SIZES)), label="Animatic size", scale=2,
                                   elem_id="animatic-size")
        p.animatic_narrate = gr.Checkbox(False, label="Narrate action lines", scale=1, elem_id="animatic-narrate")
        p.animatic_btn = gr.Button("Animatic", variant="secondary", scale=1, elem_id="animatic-btn")
    p.animatic_status = gr.Markdown(elem_classes="studio-status", elem_id="animatic-status")
    p.animatic_video = gr.Video(label="Animatic (9:16, voices and captions)", interactive=False, height=640,
                                elem_id="animatic-video")


def wire(p: Page) -> None:
    @handler
    def animatic(episode: int, size_label: str, narrated: bool, sess_, progress=gr.Progress()):
        """Make one episode's animatic (MP4, SRT, VTT) in the season's exports; returns the video and a summary."""
        from ...screen.animatic import AnimaticOptions, make_animatic

        sd = season(sess_, "plan")
        if not episode:
            raise fail("Pick an episode first.")
        opts = AnimaticOptions(width=SIZES.get(size_label, 1080), narrate=bool(narrated))
        progress(0, desc="voices")

        def step(stage: str, done: int, total: int, msg: str) -> None:
            progress((done, max(total, 1)), desc=msg)

        r = make_animatic(sd.path, int(episode), opts, progress=step)
        est = "" if r.estimate_seconds is None else f" · screenplay estimate {r.estimate_seconds:.1f} s"
        note = f" · {r.stretched} shot(s) stretched to fit the voice" if r.stretched else ""
        return {p.animatic_video: str(r.mp4),
                p.animatic_status: f"Episode {r.episode}: animatic {r.seconds:.1f} s · spoken runtime "
                                   f"{r.spoken_seconds:.1f} s{est}{note} · `{r.mp4.name}` (+ .srt, .vtt)"}

    p.animatic_btn.click(animatic, [p.sh_pick, p.animatic_size, p.animatic_narrate, p.sess],
                         [p.animatic_video, p.animatic_status], api_name="animatic",
                         show_progress_on=[p.animatic_status])
