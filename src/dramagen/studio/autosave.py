"""Autosave of the page's edits: a field the writer changed is saved into the season folder (the
workspace project the page works on) when the writer leaves it (a text field's blur, a table
cell or a checkbox as it changes), without pressing **Save edits**. The steps themselves are
saved as they end (the session works in the workspace folder, :mod:`.workspace`). The script's
Fountain text is saved by its own tab (**Save script**, and before every step that reads it): an
autosave on leaving the editor raced the next step (**Make shooting script** after an edit).

Nothing is saved while a step of this page is being written (the fields then show the step's
live view, not the writer's edits), nor a table that still shows a cell being written
(:data:`.live.PENDING`). A field that does not pass its checks is not saved, and the toast
says why, as **Save edits** does. Only the tab's status line changes: what the writer is typing
is never replaced under the cursor.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ..project.season import SeasonDir
from . import edits, steps, views
from .live import PENDING
from .page import Page
from .session import Session, busy, handler

NOTE = "✓ Saved (autosave)."


def _season(sess: Any, need: str) -> SeasonDir | None:
    """The season to save into, or None when there is nothing to save now (no season, a step running)."""
    if not isinstance(sess, Session) or not sess.dir or busy(sess):
        return None
    sd = SeasonDir(sess.dir)
    if not sd.path.is_dir() or not sd.exists():
        return None
    if need == "bible" and not sd.has_bible():
        return None
    if need == "plan" and not sd.has_plan():
        return None
    return sd


def save_bible(title, title_pinned, logline, logline_pinned, characters, locations, sess_) -> Any:
    sd = _season(sess_, "bible")
    if sd is None or not views.rows(characters):
        return gr.skip()
    if not edits.save_bible(sd, title, title_pinned, logline, logline_pinned, characters, locations):
        return gr.skip()
    steps.finish(sd)
    return NOTE


def writing(table: Any) -> bool:
    """Whether the plan table still shows a cell being written (a live view, not the writer's edit)."""
    return any(str(views.cell(row, views.PLAN_HEADERS.index(k))).strip() == PENDING
               for row in views.rows(table) for k in views.PLAN_EDITABLE)


def save_plan(table, sess_) -> Any:
    sd = _season(sess_, "plan")
    if sd is None or not views.rows(table) or writing(table):
        return gr.skip()
    changed = edits.save_plan(sd, table)
    if not changed:
        return gr.skip()
    steps.finish(sd)
    return f"✓ Saved episode(s) {', '.join(map(str, changed))} (autosave)."


def save_beat(episode, beat, action, lines, characters, location, new_scene, sess_) -> Any:
    sd = _season(sess_, "plan")
    if sd is None or not episode or not beat:
        return gr.skip()
    n = edits.clamp_episode(sd, episode)
    if not sd.beats_path(n).exists():
        return gr.skip()
    new = edits.beat_from_form(sd, n, int(beat), action, lines, characters, location, new_scene)
    if new is None:
        return gr.skip()
    edits.store_beat(sd, n, new)
    steps.finish(sd)
    return gr.skip()


def wire(p: Page) -> None:
    """Save each edited field as the writer leaves it (private events, never in the named API)."""
    quiet = {"api_visibility": "private", "show_progress": "hidden", "trigger_mode": "always_last"}
    bible_in = [*p.bible_form, p.sess]
    for box in (p.bible_title, p.bible_logline):
        box.blur(handler(save_bible), bible_in, p.bible_status, **quiet)
    for x in (p.title_pinned, p.logline_pinned, p.chars_df, p.locs_df):
        x.input(handler(save_bible), bible_in, p.bible_status, **quiet)
    p.plan_df.input(handler(save_plan), [p.plan_df, p.sess], p.plan_status, **quiet)
    beat_in = [p.ep_pick, p.beat_pick, *p.beat_form, p.sess]
    for box in (p.beat_action, p.beat_lines):
        box.blur(handler(save_beat), beat_in, None, **quiet)
    for x in (p.beat_chars, p.beat_loc, p.beat_new_scene):
        x.input(handler(save_beat), beat_in, None, **quiet)
