"""On the Bible tab: what still names a character who is gone, and pronouns that disagree with the bible
(:mod:`dramagen.studio.staleness`; the script lines too), with **Replace old name** to update every field of
the season on disk on request (:func:`dramagen.project.rename.rename_in_season`). The
Season plan and Episode tabs show their own findings (``page.show_plan``, ``page.show_episode``)."""

from __future__ import annotations

import html

import gradio as gr

from ...project import rename
from .. import edits, page, staleness, steps
from ..page import Page
from ..session import Session, fail, handler, season, session_of


def layout(p: Page) -> None:
    p.bible_stale = gr.HTML(elem_id="bible-stale")
    with gr.Row(visible=False, elem_id="replace-row") as p.replace_row:
        p.old_name = gr.Dropdown([], label="Old name (no longer in the bible)", elem_id="old-name",
                                 allow_custom_value=True, scale=2, min_width=160)
        p.new_name = gr.Dropdown([], label="Replace it with", elem_id="new-name", allow_custom_value=True, scale=2,
                                 min_width=160)
        p.replace_btn = gr.Button("Replace old name everywhere", elem_id="replace-name", scale=1, min_width=160)


def _view(p: Page, sess: Session, episode) -> dict:
    """The Bible tab's findings and replace row, and the plan summary and episode status (which carry theirs)."""
    try:
        sd = sess.season("bible")
    except gr.Error:
        return {p.bible_stale: "", p.replace_row: gr.update(visible=False)}
    found = page.stale_of(sd)
    bible = sd.load_bible()
    plan = sd.load_plan() if sd.has_plan() else None
    gone = staleness.gone_names(bible, plan, {n: sd.load_beats(n) for n in sd.episodes_done("beats")} if plan else {})
    head = ""
    if gone:
        head = (f"<p class='stale-head'>⚠ {html.escape(', '.join(gone))} no longer in the bible but still named in "
                f"the plan, the beats or the scripts: replace the old name below, or edit those fields.</p>")
    scripts = [staleness.Stale(u.where, f"names {name}: “{u.text[:80]}”", "script", u.episode)
               for name in gone for u in rename.name_uses(sd, name) if u.part == "script"]
    out = {p.bible_stale: head + staleness.warning_html(found) + staleness.warning_html(scripts),  # scripts: own box
           p.replace_row: gr.update(visible=bool(gone)),
           p.old_name: gr.update(choices=gone, value=gone[0] if gone else None),
           p.new_name: gr.update(choices=bible.names, value=_guess(bible, plan, gone))}
    if plan is not None:
        out[p.plan_summary] = page.show_plan(p, sd, episode)[p.plan_summary]
        n = edits.clamp_episode(sd, episode) if episode else None
        out[p.ep_status] = page.show_episode(p, sd, n)[p.ep_status] if n else ""
    return out


def _guess(bible, plan, gone: list[str]) -> str | None:
    """The bible character nobody in the plan names yet, when exactly one is (the renamed one)."""
    if not gone:
        return None
    used = set(staleness.cast_names(plan, {}))
    fresh = [n for n in bible.names if n not in used]
    return fresh[0] if len(fresh) == 1 else None


def wire(p: Page) -> None:
    outputs = [p.bible_stale, p.replace_row, p.old_name, p.new_name, p.plan_summary, p.ep_status]

    @handler
    def stale_view(sess_, episode):
        return _view(p, session_of(sess_), episode)

    # the bible table changes after every save, regeneration or opened project: look again
    p.chars_df.change(stale_view, [p.sess, p.ep_pick], outputs, show_progress="hidden", api_visibility="private")

    @handler
    def replace_old_name(old: str, new: str, sess_, episode=None):
        """Replace a name no longer in the bible by a bible character in every field of the plan, the beats,
        the scripts and the bible (casts, speakers, story events, cues, and the text: the whole name and the
        first name), on disk (:func:`dramagen.project.rename.rename_in_season`)."""
        sd = season(sess_)
        bible = sd.load_bible()
        if not old or bible.character(new or "") is None:
            raise fail("Pick the old name and the bible character to put in its place.")
        done = rename.rename_in_season(sd, old, new)
        steps.finish(sd)
        view = _view(p, session_of(sess_), episode)
        msg = (f"✓ Replaced {old} by {bible.character(new).name} in the plan, "  # type: ignore[union-attr]
               f"{len(done.beats)} episode(s)' beats and {len(done.scripts)} script(s)"
               + (f" (their shooting scripts made again: {len(done.shooting)})" if done.shooting else "") + ".")
        plan = sd.load_plan() if sd.has_plan() else None
        n = edits.clamp_episode(sd, episode) if plan is not None and episode else None
        tabs = {**page.show_plan(p, sd, n), **page.show_episode(p, sd, n)} if plan is not None else {}
        return {**view, **page.show_bible(p, sd), **tabs, p.bible_status: msg}

    p.replace_btn.click(replace_old_name, [p.old_name, p.new_name, p.sess, p.ep_pick],
                        list(dict.fromkeys([*outputs, *p.bible_form, p.bible_status, p.plan_df, *p.pickers,
                                            *p.episode_view])), api_name="replace_name")
