"""The Gradio web app. For now: the playground (a prompt box that streams a completion).

The writers' studio grows here. The app binds 127.0.0.1 unless told otherwise, never
uses ``share``, and turns analytics off.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402

from .errors import DramagenError  # noqa: E402
from .llm import GenerationParams, default_model, load_generator, load_registry  # noqa: E402
from .prompting import render  # noqa: E402


def _stream(prompt: str, model: str, max_new_tokens: float, temperature: float, seed: float):
    """Stream a completion into the output box (yields the text so far)."""
    if not prompt or not prompt.strip():
        raise gr.Error("prompt: empty; type some text to complete")
    try:
        params = GenerationParams.make(max_new_tokens=int(max_new_tokens), temperature=float(temperature),
                                       seed=int(seed))
        gen = load_generator(model or None)
        text = render("playground/complete.j2", prompt=prompt).text
        out = ""
        for chunk in gen.stream(text, params):
            out += chunk
            yield out
    except DramagenError as e:
        raise gr.Error(str(e)) from None


def build(model: str | None = None) -> gr.Blocks:
    _, models = load_registry()
    default = model or default_model()
    with gr.Blocks(title="dramagen") as demo:
        gr.Markdown("# dramagen\nMicro dramas from a genre trope. **Playground**: stream a plain completion "
                    "from the chosen model.")
        with gr.Row():
            with gr.Column(scale=3):
                prompt = gr.Textbox(label="Prompt", lines=6, elem_id="prompt",
                                    value="Story: Mara, a rejected omega, returns to the pack as its secret queen.\n"
                                          "Cliffhanger (reveal):")
                output = gr.Textbox(label="Completion", lines=8, elem_id="output", interactive=False)
            with gr.Column(scale=1):
                choices = list(models) if default in models else [default, *models]
                model_dd = gr.Dropdown(choices, value=default, label="Model", allow_custom_value=True)
                max_new = gr.Slider(1, 512, value=64, step=1, label="Max new tokens")
                temp = gr.Slider(0, 2, value=0.8, step=0.05, label="Temperature (0 = greedy)")
                seed = gr.Number(value=0, precision=0, label="Seed", minimum=0)
                go = gr.Button("Generate", variant="primary", elem_id="generate")
                stop = gr.Button("Stop")
        ev = go.click(_stream, [prompt, model_dd, max_new, temp, seed], output, api_name="complete")
        stop.click(None, None, None, cancels=[ev])
    demo.queue(default_concurrency_limit=4)
    return demo


def launch(host: str = "127.0.0.1", port: int = 7860, model: str | None = None, auth: str | None = None,
           **kw) -> None:
    auth_pair = tuple(auth.split(":", 1)) if auth else None
    if model:
        load_generator(model)  # load once, before the first request
    build(model).launch(server_name=host, server_port=port, share=False, auth=auth_pair, **kw)
