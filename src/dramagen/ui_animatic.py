"""The studio's Animatic controls on the Shots tab: a button, a size choice, progress, a ``gr.Video`` player.

:func:`build_animatic` lays them out (call it inside the Shots tab) and wires the button to
:func:`dramagen.animatic.make_animatic`, the same function the CLI and export call. ``season`` is the
studio's ``_season(sess, need)`` and ``error`` its ``_error(exception)`` (a message, no traceback).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

__all__ = ["SIZES", "build_animatic"]

SIZES = {"1080×1920 (final)": 1080, "540×960 (quick)": 540}


def build_animatic(pick: gr.components.Component, sess: gr.State, season: Callable[..., Any],
                   error: Callable[[BaseException], gr.Error]) -> dict[str, gr.components.Component]:
    """The Animatic row under the storyboard; returns its components by name."""
    with gr.Row():
        size = gr.Radio(list(SIZES), value=next(iter(SIZES)), label="Animatic size", scale=2, elem_id="animatic-size")
        narrate = gr.Checkbox(False, label="Narrate action lines", scale=1, elem_id="animatic-narrate")
        btn = gr.Button("Animatic", variant="secondary", scale=1, elem_id="animatic-btn")
    status = gr.Markdown(elem_classes="studio-status", elem_id="animatic-status")
    video = gr.Video(label="Animatic (9:16, voices and captions)", interactive=False, height=640,
                     elem_id="animatic-video")

    def animatic(episode: int, size_label: str, narrated: bool, sess_: dict, progress=gr.Progress()):
        """Make one episode's animatic (MP4, SRT, VTT) in the season's exports; returns the video and a summary."""
        try:
            from .animatic import AnimaticOptions, make_animatic

            sd = season(sess_, "plan")
            if not episode:
                raise gr.Error("Pick an episode first.", title="Not yet", print_exception=False)
            opts = AnimaticOptions(width=SIZES.get(size_label, 1080), narrate=bool(narrated))
            progress(0, desc="voices")

            def step(stage: str, done: int, total: int, msg: str) -> None:
                progress((done, max(total, 1)), desc=msg)

            r = make_animatic(sd.path, int(episode), opts, progress=step)
        except gr.Error:
            raise
        except Exception as e:  # noqa: BLE001 - shown as a message
            raise error(e) from None
        est = "" if r.estimate_seconds is None else f" · screenplay estimate {r.estimate_seconds:.1f} s"
        note = f" · {r.stretched} shot(s) stretched to fit the voice" if r.stretched else ""
        return {video: str(r.mp4),
                status: f"Episode {r.episode}: animatic {r.seconds:.1f} s · spoken runtime {r.spoken_seconds:.1f} s"
                        f"{est}{note} · `{r.mp4.name}` (+ .srt, .vtt)"}

    btn.click(animatic, [pick, size, narrate, sess], [video, status], api_name="animatic",
              show_progress_on=[status])
    return {"button": btn, "size": size, "narrate": narrate, "status": status, "video": video}
