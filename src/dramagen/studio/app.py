"""The writers' studio (trope → bible → plan → beats → script → shots → exports), the Lab, the
Production board and the raw playground: the tabs laid out and wired, and the launcher.

Every level is editable and can be regenerated; text streams into the page as the model
writes it; long work shows progress and can be stopped (:mod:`.session`). One model is loaded
per process (:func:`dramagen.llm.load_generator` caches it) and its calls are serialised.

Named API endpoints (``gradio_client``): ``/bible`` ``/regenerate_bible`` ``/save_bible``
``/plan`` ``/regenerate_plan_episode`` ``/save_plan`` ``/beats`` ``/regenerate_beat``
``/save_beat`` ``/script`` ``/save_script`` ``/check_script`` ``/shooting`` ``/animatic``
``/export`` ``/save_project`` ``/open_project`` ``/list_projects`` ``/download_project``
``/rename_project`` ``/duplicate_project`` ``/delete_project``
``/season`` ``/episode`` ``/stop`` ``/complete`` (the playground) ``/lab_run`` ``/lab_compare``
``/production_schedule`` ``/production_move`` ``/trope_card``. The app binds 127.0.0.1 unless
told otherwise, never uses ``share``, turns analytics off and makes no outbound network calls.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import gradio as gr

from ..core import config
from ..llm import default_model, load_registry
from . import autosave, cards, page, session
from .page import Page
from .tabs import api, bible, episode, export, lab, plan, playground, production, projects, script, shots, trope
from .views import parse_auth

ASSETS = Path(__file__).resolve().parent / "assets"


def _tabs() -> tuple:
    """(tab id, label, module) in the order of the page."""
    return (("trope", "1 · Trope", trope), ("bible", "2 · Bible", bible), ("plan", "3 · Season plan", plan),
            ("episode", "4 · Episode", episode), ("script", "5 · Script", script), ("shots", "6 · Shots", shots),
            ("export", "7 · Export", export), ("projects", "Projects", projects),
            ("playground", "Playground", playground), ("lab", "Lab", lab), ("production", "Production", production))


def _stop_buttons(p: Page) -> None:
    for btn, status in ((p.stop_bible, p.bible_status), (p.stop_plan, p.plan_status), (p.stop_ep, p.ep_status),
                        (p.stop_sc, p.sc_status)):
        first = btn is p.stop_bible
        # no cancels=: Gradio would end the step's event before it can say what was kept ("Stopping…"
        # stayed on the page); the job itself stops at its next slot and says so (session.run_job)
        btn.click(session.stop, [p.sess], status, api_name="stop" if first else None,
                  api_visibility="public" if first else "private", queue=False)


def build(model: str | None = None) -> gr.Blocks:
    """The studio as a ``gr.Blocks`` (queued), every tab laid out, then every event wired."""
    _, models = load_registry()
    default = model or default_model()
    p = Page(default_model=default, model_choices=list(models) if default in models else [default, *models],
             gen_events=[])
    tabs = _tabs()
    with gr.Blocks(title="dramagen studio") as demo:
        p.demo = demo
        p.sess = gr.State(session.Session(), delete_callback=session.delete_session)
        gr.HTML("<div id='studio-head'><h1>dramagen · writers' studio</h1><p>Vertical micro dramas from a trope: "
                "bible → season plan → beats → script → shots → exports. Every step is editable and can be "
                "regenerated.</p></div>")
        projects.resume_layout(p)  # "continue where you left off" (after a reload, in a new tab)
        page.step_selector(p, tabs)
        with gr.Tabs(selected="trope") as p.tabs:
            for tab_id, label, module in tabs:
                with gr.Tab(label, id=tab_id, elem_id=f"tab-{tab_id}"):
                    module.layout(p)
        for _, _, module in tabs:
            module.wire(p)
        api.wire(p)
        _stop_buttons(p)
        autosave.wire(p)  # each edited field saved as the writer leaves it
        page.wire_phone(p)
        projects.wire_refresh_on_tab(p)
    demo.queue(default_concurrency_limit=config.get_int("DRAMAGEN_UI_CONCURRENCY"))
    return demo


def theme() -> gr.themes.Base:
    # local fonts only (no Google Fonts request): the app makes no outbound calls
    return gr.themes.Default(primary_hue="rose", secondary_hue="indigo", neutral_hue="slate",
                             font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial",
                                   "sans-serif"],
                             font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"])


def launch_kwargs() -> dict:
    """What ``Blocks.launch`` needs for the studio's look (Gradio 6: theme and CSS go to launch)."""
    css = ASSETS / "studio.css"
    return {"theme": theme(), "css_paths": [css] if css.exists() else None, "css": cards.phone_table_css(),
            "ssr_mode": False, "footer_links": ["api", "settings"]}


def launch(host: str = "127.0.0.1", port: int = 7860, model: str | None = None, auth: str | None = None,
           **kw: Any) -> None:
    """Serve the studio (``dramagen serve`` and ``app.py`` call this)."""
    auth_pair = parse_auth(auth)
    if model:
        session.load_generator(model)  # load once, before the first request
    opts = {**launch_kwargs(), **kw}
    if threading.current_thread() is threading.main_thread():
        import signal

        def _terminate(*_: Any) -> None:  # SIGTERM: close the server and remove the session folders (atexit)
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, _terminate)
    build(model).launch(server_name=host, server_port=port, share=False, auth=auth_pair, **opts)
