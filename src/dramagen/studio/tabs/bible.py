"""Tab 2 · Bible: title, logline, characters and locations, pinned or not; save, regenerate, plan."""

from __future__ import annotations

import html

import gradio as gr

from ...core.models import PinnedBible, SeasonRequest
from ...project.season import SeasonDir
from .. import edits, page, steps
from ..live import BibleLive
from ..page import Page
from ..session import Session, handler, run_job, season, session_of
from ..views import CHAR_HEADERS, LOC_HEADERS
from . import stale
from .common import stop_button, stream_box


def layout(p: Page) -> None:
    with gr.Row():
        p.bible_title = gr.Textbox(label="Title", scale=5, elem_id="bible-title")
        p.title_pinned = gr.Checkbox(label="pin", scale=1, min_width=80, elem_id="title-pinned")
    with gr.Row():
        p.bible_logline = gr.Textbox(label="Logline", lines=2, max_lines=5, scale=5, elem_id="bible-logline")
        p.logline_pinned = gr.Checkbox(label="pin", scale=1, min_width=80, elem_id="logline-pinned")
    p.chars_cards = page.cards_box("chars-cards", "characters")
    p.chars_df = gr.Dataframe(headers=CHAR_HEADERS, datatype=["bool", "str", "number", "str", "str", "str", "str"],
                              type="array", interactive=True, wrap=True,
                              label="Characters (tick pin to keep a row when regenerating; edit any cell)",
                              column_widths=["76px", "110px", "60px", "136px", "260px", "260px", "220px"],
                              elem_id="chars", elem_classes="studio-table")
    p.locs_cards = page.cards_box("locs-cards", "locations")
    p.locs_df = gr.Dataframe(headers=LOC_HEADERS, datatype=["bool", "str", "bool", "str", "str"],
                             type="array", interactive=True, wrap=True, label="Locations",
                             column_widths=["76px", "200px", "96px", "110px", "420px"],
                             elem_id="locs", elem_classes="studio-table")
    with gr.Row():
        p.save_bible_btn = gr.Button("Save edits", elem_id="save-bible")
        p.regen_bible_btn = gr.Button("Regenerate unpinned", elem_id="regen-bible")
        p.plan_btn = gr.Button("Plan the season →", variant="primary", elem_id="plan")
        p.stop_bible = stop_button("stop-bible")
    p.bible_status = gr.Markdown(elem_classes="studio-status", elem_id="bible-status")
    stale.layout(p)  # fields that still name a character who is gone; Replace old name
    p.bible_stream = stream_box("bible-stream")


def bible_job(p: Page, sess: Session, sd: SeasonDir, req: SeasonRequest, pins: PinnedBible, variant: int, progress):
    """Write the bible (variant 0: the season's seed) in a job that streams into the Bible tab."""

    def work(job) -> dict:
        bible = steps.write_bible(sd, req, pins, variant, job.on_text)
        note = ""
        if sd.has_plan():
            note = " The season plan and episodes already written were kept; regenerate them to follow the new bible."
        return {**page.show_bible(p, sd), p.bible_status: f"✓ Bible written: **{html.escape(bible.title)}**.{note}",
                p.opt_status: f"✓ Bible written: **{html.escape(bible.title)}**."}

    live = BibleLive("bible line", 2, ("bible.title", "bible.logline"), title=p.bible_title, logline=p.bible_logline)
    yield from run_job(sess, work, p.bible_stream, progress, "writing the series bible", status=p.bible_status,
                       kept=lambda: page.show_bible(p, sd), live=live)


def wire(p: Page) -> None:
    stale.wire(p)

    @handler
    def save_bible(title, title_pinned, logline, logline_pinned, characters, locations, sess_):
        """Validate and save the edited bible (title, logline, characters, locations, pins)."""
        sd = season(sess_)
        if edits.save_bible(sd, title, title_pinned, logline, logline_pinned, characters, locations):
            steps.finish(sd)
            msg = "✓ Bible saved."
            if sd.has_plan():
                msg += " (The plan and episodes were kept; regenerate them to follow the new bible.)"
        else:
            msg = "No changes to save."
        return {**page.show_bible(p, sd), p.bible_status: msg}

    outputs = [*p.bible_form, p.bible_status]
    p.save_bible_btn.click(save_bible, [*p.bible_form, p.sess], outputs, api_name="save_bible")

    @handler
    def regenerate_bible(title, title_pinned, logline, logline_pinned, characters, locations, sess_,
                         progress=gr.Progress()):
        """Regenerate every unpinned field of the bible (pinned rows, title and logline are kept)."""
        sd = season(sess_)
        _, pins = edits.bible_from_form(sd, title, title_pinned, logline, logline_pinned, characters, locations)
        req = edits.save_pins(sd, pins)
        variant = steps.next_variant(sd, "bible")
        yield from bible_job(p, session_of(sess_), sd, req, pins, variant, progress)

    p.gen_events.append(p.regen_bible_btn.click(
        regenerate_bible, [*p.bible_form, p.sess], [*outputs, p.bible_stream, p.opt_status],
        api_name="regenerate_bible", concurrency_id="generate", show_progress_on=[p.bible_status]))
