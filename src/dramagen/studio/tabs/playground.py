"""Playground: stream a plain completion from the chosen model (``/complete``)."""

from __future__ import annotations

import gradio as gr

from ...core.errors import DramagenError
from ...core.prompting import render
from ...llm import GenerationParams
from .. import session
from ..page import Page

EXAMPLE = "Story: Mara, a rejected omega, returns to the pack as its secret queen.\nCliffhanger (reveal):"


def complete(prompt: str, model: str, max_new_tokens: float, temperature: float, seed: float):
    """Stream a completion into the output box (yields the text so far)."""
    if not prompt or not prompt.strip():
        raise gr.Error("prompt: empty; type some text to complete")
    try:
        # the raw values: pydantic converts 64.0 and names the field of a bad one (int(None) was a TypeError)
        params = GenerationParams.make(max_new_tokens=max_new_tokens, temperature=temperature, seed=seed)
        gen = session.load_generator(model or None)
        text = render("playground/complete.j2", prompt=prompt).text
        out = ""
        for chunk in gen.stream(text, params):
            out += chunk
            yield out
    except DramagenError as e:
        raise gr.Error(str(e)) from None


def layout(p: Page) -> None:
    gr.Markdown("Stream a plain completion from the chosen model.")
    with gr.Row():
        with gr.Column(scale=3):
            p.prompt = gr.Textbox(label="Prompt", lines=6, elem_id="prompt", value=EXAMPLE)
            p.output = gr.Textbox(label="Completion", lines=8, elem_id="output", interactive=False)
        with gr.Column(scale=1):
            p.pg_model = gr.Dropdown(p.model_choices, value=p.default_model, label="Model", allow_custom_value=True)
            p.max_new = gr.Slider(1, 512, value=64, step=1, label="Max new tokens")
            p.temp = gr.Slider(0, 2, value=0.8, step=0.05, label="Temperature (0 = greedy)")
            p.pg_seed = gr.Number(value=0, precision=0, label="Seed", minimum=0)
            p.go = gr.Button("Generate", variant="primary", elem_id="generate")
            p.pg_stop = gr.Button("Stop")


def wire(p: Page) -> None:
    ev = p.go.click(complete, [p.prompt, p.pg_model, p.max_new, p.temp, p.pg_seed], p.output, api_name="complete",
                    concurrency_id="generate")
    p.pg_stop.click(None, None, None, cancels=[ev])
