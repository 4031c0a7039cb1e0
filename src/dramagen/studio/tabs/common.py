"""Small layout pieces several tabs share."""

from __future__ import annotations

from typing import Any

import gradio as gr


def picker(elem_id: str, label: str = "Episode", **kw: Any) -> gr.Dropdown:
    """An episode (or beat) chooser whose choices change per session: any value is accepted by the
    component and checked by the handlers."""
    return gr.Dropdown([], label=label, elem_id=elem_id, allow_custom_value=True, **kw)


def stop_button(elem_id: str) -> gr.Button:
    return gr.Button("■ Stop", variant="stop", size="sm", scale=0, min_width=90, elem_id=elem_id)


def stream_box(elem_id: str, lines: int = 5, max_lines: int = 12) -> gr.Textbox:
    """The live text of what the model writes."""
    return gr.Textbox(label="Live: what the model writes", lines=lines, max_lines=max_lines, autoscroll=True,
                      interactive=False, elem_classes="studio-stream", elem_id=elem_id)
