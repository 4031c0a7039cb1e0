"""Tab 1 · Trope: the catalogue trope or a free-text premise, the season's options, **Write the bible**."""

from __future__ import annotations

import html

import gradio as gr

from ...core.errors import DramagenError
from ...core.models import MAX_EPISODES, MAX_SECONDS, MIN_EPISODES, MIN_SECONDS, default_paywall
from ...story.rating import DEFAULT_RATING, RATINGS
from .. import edits, page, views, workspace
from ..page import Page
from ..session import handler, session_of
from . import bible

OPTION_FIELDS = ("mode", "trope", "custom_text", "episodes", "length", "paywall", "seed", "model", "candidates",
                 "pins.title", "rating")
FIRST_TROPE = "werewolf-rejected-mate"


def trope_choices() -> list[tuple[str, str]]:
    from ...story.tropes import list_tropes

    return [(f"{t.name} ({t.genre})", t.id) for t in list_tropes()]


def first_trope(choices: list[tuple[str, str]]) -> str:
    return FIRST_TROPE if any(v == FIRST_TROPE for _, v in choices) else choices[0][1]


def layout(p: Page) -> None:
    tropes = trope_choices()
    first = first_trope(tropes)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            p.mode = gr.Radio(["Catalogue", "Free text"], value="Catalogue", label="Trope from", elem_id="trope-mode")
            p.trope_dd = gr.Dropdown(tropes, value=first, label="Catalogue trope", elem_id="trope-dd",
                                     filterable=True, allow_custom_value=True)
            p.custom_text = gr.Textbox(label="Your trope (free text)", lines=3, max_lines=8, visible=False,
                                       placeholder="A nurse discovers the billionaire patient she saved is "
                                                   "the husband who faked his death.", elem_id="custom-text")
            p.card = gr.HTML(views.trope_card("Catalogue", first, ""), elem_id="trope-card")
        with gr.Column(scale=2, min_width=280):
            # no precision: Gradio would round 10.5 to 10 before the check refuses it (edits.season_numbers)
            p.episodes = gr.Number(60, step=1, label=f"Episodes ({MIN_EPISODES}–{MAX_EPISODES})", elem_id="episodes")
            p.length = gr.Number(75, step=1, label=f"Episode length ({MIN_SECONDS:g}–{MAX_SECONDS:g} s)",
                                 elem_id="length")
            p.paywall = gr.Number(default_paywall(60), step=1, label="Paywall: last free episode",
                                  info=views.paywall_summary(60, default_paywall(60)), elem_id="paywall")
            p.seed = gr.Number(0, step=1, label="Seed", elem_id="seed")
            p.model_dd = gr.Dropdown(p.model_choices, value=p.default_model, label="Model", allow_custom_value=True,
                                     elem_id="model")
            with gr.Accordion("More options", open=False):
                p.candidates = gr.Number(6, step=1, label="Candidates per line (best of n, 1–32)",
                                         elem_id="candidates")
                p.title_pin = gr.Textbox(label="Pin the series title (optional)", elem_id="title-pin")
                p.rating = gr.Dropdown(list(RATINGS), value=DEFAULT_RATING, label="Content rating",
                                       info="platform-safe: no self-harm, sexual content, slurs or gore "
                                            "(every line is filtered)", elem_id="rating")
            p.start_btn = gr.Button("Write the bible →", variant="primary", elem_id="start")
            gr.Markdown("Starts a new season in a project folder of its own (saved as you go; the current one "
                        "stays under **Projects**).",
                        elem_classes="studio-hint")
    p.opt_status = gr.Markdown(elem_classes="studio-status", elem_id="opt-status")


def _field_index(field: str) -> int:
    f = field.split(".")[0] if not field.startswith("pins.title") else "pins.title"
    if f == "trope":
        return -1  # decided by the mode below
    if f == "pins":
        return OPTION_FIELDS.index("pins.title")
    return OPTION_FIELDS.index(f) if f in OPTION_FIELDS else -2


def validate_options(mode, trope_id, custom_text, episodes, length, paywall, seed, model, candidates, title_pin,
                     *rest):
    """gr.validate for each option (the same rules as the CLI); messages appear next to the fields."""
    out = [gr.validate(True, "") for _ in range(10 + len(rest))]
    rating = rest[0] if rest else None
    try:
        edits.make_request(mode, trope_id, custom_text, episodes, length, paywall, seed, model, candidates, title_pin,
                           rating)
    except DramagenError as e:
        field = getattr(e, "field", None) or ("model" if "model" in str(e)[:8] else "trope")
        i = _field_index(field)
        if i == -1:
            i = 2 if mode == "Free text" else 1
        if i < 0:
            i = 1
        out[i] = gr.validate(False, str(e))
    return out


def validate_numbers(episodes, paywall, moved: str):
    """gr.validate for the paywall-follow event's two fields, by Start's rules. Gradio's page clears the
    message of every field an event reads when that event answers: were this event not to say the same
    as Start's validator, its answer landing just after Start's refusal (the writer types, then clicks)
    would wipe the refusal. A new season length resets the paywall, so only the episodes count then."""
    out = [gr.validate(True, ""), gr.validate(True, "")]
    try:
        edits.check_numbers(episodes, paywall if moved == "paywall" else None)
    except DramagenError as e:
        out[1 if getattr(e, "field", None) == "paywall" else 0] = gr.validate(False, str(e))
    return out


def on_numbers(episodes, paywall, moved: str):
    """A new season length moves the paywall to its default; the summary follows both (the values
    passed :func:`validate_numbers`). The paywall being typed keeps its value under the cursor."""
    n, pw = edits.check_numbers(episodes, paywall if moved == "paywall" else None)
    if moved == "paywall":
        return gr.update(info=views.paywall_summary(n, pw))
    return gr.update(value=pw, info=views.paywall_summary(n, pw))


def wire(p: Page) -> None:
    def on_mode(m, tid, text):
        return gr.update(visible=m == "Catalogue"), gr.update(visible=m == "Free text"), views.trope_card(m, tid, text)

    card_in = [p.mode, p.trope_dd, p.custom_text]
    p.mode.change(on_mode, card_in, [p.trope_dd, p.custom_text, p.card], api_visibility="private", queue=False)
    p.trope_dd.change(views.trope_card, card_in, p.card, api_name="trope_card", queue=False)
    p.custom_text.blur(views.trope_card, card_in, p.card, api_visibility="private", queue=False)

    for field, moved in ((p.episodes, "episodes"), (p.paywall, "paywall")):  # the writer's typing, not a load
        field.input(lambda e, w, m=moved: on_numbers(e, w, m), [p.episodes, p.paywall], p.paywall,
                    validator=lambda e, w, m=moved: validate_numbers(e, w, m), api_visibility="private",
                    concurrency_limit=None, show_progress="hidden", trigger_mode="always_last")

    @handler
    def write_bible_start(mode: str = "Catalogue", trope: str | None = None, custom_text: str | None = None,
                          episodes: int = 60, length: float = 75, paywall: int = 10, seed: int = 0,
                          model: str | None = None, candidates: int = 6, title_pin: str | None = None,
                          rating: str = DEFAULT_RATING, sess_=None, progress=gr.Progress()):
        """Start a new season from the options and write its series bible (streams)."""
        req = edits.make_request(mode, trope, custom_text, episodes, length, paywall, seed, model, candidates,
                                 title_pin, rating)
        sess = session_of(sess_)
        sd = workspace.new_season(sess, req.trope[:40])  # autosaved: a folder of its own in the workspace
        req = sd.write_request(req)  # dated today: the scripts' draft date
        yield {p.sess: sess, p.opt_status: f"New season: **{html.escape(req.trope[:60])}**, {req.episodes} episodes "
                                           f"of {req.length:g} s, seed {req.seed}. Writing the bible…",
               p.tabs: gr.Tabs(selected="bible"), **page.show_bible(p, sd), **page.show_plan(p, sd),
               **page.show_episode_tabs(p, sd, None), p.files: None}
        yield from bible.bible_job(p, sess, sd, req, req.pins, 0, progress)

    outputs = [p.sess, p.tabs, p.opt_status, p.bible_status, p.bible_stream,
               *[o for o in p.everything if id(o) not in (id(p.sess), id(p.tabs))]]
    p.gen_events.append(p.start_btn.click(write_bible_start, [*p.options, p.sess], outputs, api_name="bible",
                                          validator=validate_options, concurrency_id="generate",
                                          show_progress_on=[p.bible_status]))
