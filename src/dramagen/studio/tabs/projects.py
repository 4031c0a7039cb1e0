"""Projects: the season folders of the workspace, where every season is saved as it is written
(autosave). Open one, rename, duplicate, delete (with a confirmation), download as a zip, open an
uploaded zip, save a copy under a name; and "continue where you left off" after a reload or in a
new tab (the browser keeps the name of the last project, :func:`resume_layout`).

Named API: ``/list_projects``, ``/save_project``, ``/open_project``, ``/download_project``,
``/rename_project``, ``/duplicate_project``, ``/delete_project``."""

from __future__ import annotations

import html
import time
from pathlib import Path

import gradio as gr

from ...core.errors import InputError
from ...project.season import SeasonDir
from .. import page, workspace
from ..page import Page
from ..session import Session, handler, season, session_of
from .export import save_pending


def resume_layout(p: Page) -> None:
    """Above the tabs: the last project of this browser, offered after a reload or in a new tab."""
    p.last = gr.BrowserState("", storage_key="dramagen-studio-last-project", secret=workspace.browser_secret())
    with gr.Column(visible=False, elem_id="resume", variant="panel") as p.resume_row:  # text above, buttons below
        p.resume_md = gr.Markdown(elem_id="resume-text")
        with gr.Row(equal_height=True):
            p.resume_btn = gr.Button("Continue where you left off", variant="primary", scale=0, min_width=220,
                                     elem_id="resume-btn")
            p.resume_no = gr.Button("Not now", scale=0, min_width=100, elem_id="resume-no")


def layout(p: Page) -> None:
    gr.Markdown(f"Every season is saved as you work (each step and each edit), in its own folder of the workspace "
                f"`{html.escape(str(workspace.workspace()))}` (set `DRAMAGEN_WORKSPACE`; the same format as "
                f"`dramagen generate --out`).")
    p.proj_current = gr.Markdown("This page works on no project yet.", elem_id="proj-current")
    p.proj_table = gr.HTML(elem_id="proj-table")
    with gr.Row():
        p.proj_list = gr.Dropdown([], label="Project", scale=3, elem_id="proj-list", allow_custom_value=True)
        p.refresh_btn = gr.Button("↻", scale=0, min_width=50, elem_id="proj-refresh")
        p.open_btn = gr.Button("Open", variant="primary", scale=1, elem_id="open-proj")
    with gr.Row():
        p.proj_name = gr.Textbox(label="New name", placeholder="a name for the project", scale=3, elem_id="proj-name")
        p.rename_btn = gr.Button("Rename", scale=1, elem_id="rename-proj")
        p.dup_btn = gr.Button("Duplicate", scale=1, elem_id="dup-proj")
        p.save_proj_btn = gr.Button("Save a copy of this page's season", scale=1, elem_id="save-proj")
    with gr.Row():
        p.delete_btn = gr.Button("Delete…", variant="stop", scale=0, min_width=110, elem_id="delete-proj")
        p.zip_btn = gr.Button("Download as a zip", scale=1, elem_id="zip-proj")
    with gr.Column(visible=False, elem_id="delete-confirm", variant="panel") as p.delete_row:
        p.delete_md = gr.Markdown(elem_id="delete-question")
        with gr.Row():
            p.delete_yes = gr.Button("Yes, delete it for good", variant="stop", scale=0, min_width=200,
                                     elem_id="delete-yes")
            p.delete_no = gr.Button("Cancel", scale=0, min_width=100, elem_id="delete-no")
    p.proj_status = gr.Markdown(elem_classes="studio-status", elem_id="proj-status")
    p.proj_zip = gr.File(label="Season folder (zip)", interactive=False, height=90, elem_id="proj-zip")
    p.upload = gr.File(label="…or open a season zip (it becomes a new project)", file_types=[".zip"],
                       type="filepath", height=120, elem_id="proj-upload")


# --------------------------------------------------------------------------- the list


def _stage(r: dict) -> str:
    if r["scripts"]:
        return f"{r['scripts']} script(s), {r['beats']} episode(s) with beats"
    if r["beats"]:
        return f"{r['beats']} episode(s) with beats"
    return "planned" if r["planned"] else ("bible" if r["title"] else "no bible yet")


#: the projects table's columns (on a phone each cell's label)
PROJECT_HEADERS = ("folder", "title", "trope", "episodes", "written", "changed")


def projects_html(rows: list[dict], current: str = "") -> str:
    """The workspace's projects as a table (the one this page works on marked)."""
    if not rows:
        return "<p class='studio-hint'>No projects yet: a season is saved here as soon as you press " \
               "<b>Write the bible</b>.</p>"

    def row(r: dict) -> str:
        here = r["name"] == current
        changed = time.strftime("%Y-%m-%d %H:%M", time.localtime(r["modified"])) if r["modified"] else ""
        cells = (html.escape(r["name"]) + (" ◀ this page" if here else ""), html.escape(r["title"] or "—"),
                 html.escape(r["trope"][:40]), str(r["episodes"] or ""), html.escape(_stage(r)), changed)
        tds = "".join(f"<td data-label='{h}'>{c}</td>" for h, c in zip(PROJECT_HEADERS, cells, strict=True))
        return f"<tr class='{'current' if here else ''}'>{tds}</tr>"

    body = "".join(row(r) for r in rows)
    heads = "".join(f"<th>{h}</th>" for h in PROJECT_HEADERS)
    return (f"<div class='proj-wrap' style='overflow-x:auto;max-width:100%'><table class='proj-table'><thead><tr>"
            f"{heads}</tr></thead><tbody>{body}</tbody></table></div>")  # under 600 px: cards (studio.css)


def list_projects(sess_=None, selected: str | None = None) -> dict:
    """The season folders in the workspace (the dropdown's choices)."""
    rows = workspace.project_table()
    names = [r["name"] for r in rows]
    current = workspace.project_of(session_of(sess_))
    value = selected if selected in names else current if current in names else (names[0] if names else None)
    return gr.update(choices=[(f"{r['name']} · {r['title'] or r['trope'][:30]}", r["name"]) for r in rows],
                     value=value)


def refresh(p: Page, sess_=None, selected: str | None = None) -> dict:
    current = workspace.project_of(session_of(sess_))
    return {p.proj_list: list_projects(sess_, selected),
            p.proj_table: projects_html(workspace.project_table(), current)}


def current_md(sess_) -> str:
    name = workspace.project_of(session_of(sess_))
    return (f"This page works on **{html.escape(name)}** (saved as you go)." if name
            else "This page works on no project yet.")


# --------------------------------------------------------------------------- open, save a copy, download


def opened(p: Page, sess: Session, sd: SeasonDir, where: str) -> dict:
    """Every tab showing a season just opened, on the tab where its work stands."""
    req = sd.load_request() if sd.request_path.exists() else None
    title = sd.load_bible().title if sd.has_bible() else (req.trope if req else "")
    tab = "episode" if sd.episodes_done("beats") else "plan" if sd.has_plan() else "bible"
    gr.Info(f"Opened {title} from {where}.")
    return {**page.show_all(p, sd), p.sess: sess, p.tabs: gr.Tabs(selected=tab), p.opt_status: "",
            p.proj_status: f"✓ Opened **{html.escape(title)}** from `{html.escape(where)}`.",
            p.resume_row: gr.update(visible=False), **refresh(p, sess, workspace.project_of(sess))}


def open_outputs(p: Page) -> list:
    return [*p.everything, p.opt_status, p.proj_status, p.resume_row, p.proj_list, p.proj_table]


def _wire_save(p: Page) -> None:
    @handler
    def save_project(name: str, sess_):
        """Save a copy of this session's season as a workspace folder (replacing one of the same name)."""
        sd = season(sess_, "season")
        if workspace.project_of(session_of(sess_)) == (name or "").strip():
            return {p.proj_status: f"✓ Saved: `{html.escape(name)}` is this page's project (saved as you go).",
                    **refresh(p, sess_, name)}
        target = workspace.save_to_workspace(sd, name, session_of(sess_))
        return {p.proj_status: f"✓ Saved a copy as `{html.escape(str(target))}`.", **refresh(p, sess_, target.name)}

    p.save_proj_btn.click(save_pending, p.pending, None, api_visibility="private").success(
        save_project, [p.proj_name, p.sess], [p.proj_status, p.proj_list, p.proj_table], api_name="save_project")

    @handler
    def download_project(sess_):
        """This session's season folder as a zip (opens again with /open_project)."""
        sd = season(sess_, "season")
        return workspace.zip_season(sd, workspace.scratch(sd.path) / "downloads")

    @handler
    def download_selected(name: str | None, sess_):
        if not name:
            return download_project(sess_)
        sd = SeasonDir(workspace.project_dir(name))
        return workspace.zip_season(sd, workspace.scratch(sd.path) / "downloads")

    api_btn = gr.Button(visible=False)
    api_btn.click(download_project, [p.sess], p.proj_zip, api_name="download_project")
    p.zip_btn.click(save_pending, p.pending, None, api_visibility="private").success(
        download_selected, [p.proj_list, p.sess], p.proj_zip, api_visibility="private")


def _wire_open(p: Page) -> None:
    @handler
    def open_project(name: str | None = None, upload_: str | None = None, sess_=None):
        """Open a season: a workspace project by name (this session then works in that folder), or an
        uploaded zip (it becomes a new project)."""
        sess = session_of(sess_)
        if upload_:
            sd, where = workspace.open_zip(sess, Path(upload_)), Path(upload_).name
        elif name:
            sd, where = workspace.open_workspace(sess, name), name
        else:
            raise InputError("project", None, "a workspace project name or an uploaded season zip")
        return opened(p, sess, sd, where)

    outputs = open_outputs(p)
    # the API form takes both (either may be None); the page uses the button and the upload
    api_btn = gr.Button(visible=False)
    api_btn.click(open_project, [p.proj_list, p.upload, p.sess], outputs, api_name="open_project")
    p.open_btn.click(open_project, [p.proj_list, gr.State(None), p.sess], outputs, api_name="open_button",
                     api_visibility="private")
    p.upload.upload(open_project, [gr.State(None), p.upload, p.sess], outputs, api_name="open_upload",
                    api_visibility="private")
    p.resume_btn.click(open_project, [p.last, gr.State(None), p.sess], outputs, api_name="resume",
                       api_visibility="private")


# --------------------------------------------------------------------------- rename, duplicate, delete


def _wire_manage(p: Page) -> None:
    listing = [p.proj_status, p.proj_list, p.proj_table]

    @handler
    def rename_project(name: str, new_name: str, sess_=None):
        """Rename a workspace project (refused while another tab has it open)."""
        target = workspace.rename_project(name, new_name, session_of(sess_))
        return {p.proj_status: f"✓ Renamed **{html.escape(name)}** to **{html.escape(target.name)}**.",
                p.sess: session_of(sess_), **refresh(p, sess_, target.name)}

    p.rename_btn.click(rename_project, [p.proj_list, p.proj_name, p.sess], [*listing, p.sess],
                       api_name="rename_project")

    @handler
    def duplicate_project(name: str, new_name: str | None = None, sess_=None):
        """A copy of a workspace project (as new_name, or <name>-copy)."""
        target = workspace.duplicate_project(name, new_name)
        return {p.proj_status: f"✓ Duplicated **{html.escape(name)}** as **{html.escape(target.name)}**.",
                **refresh(p, sess_, target.name)}

    p.dup_btn.click(duplicate_project, [p.proj_list, p.proj_name, p.sess], listing, api_name="duplicate_project")

    def ask(name: str | None):
        if not name:
            return {p.delete_row: gr.update(visible=False), p.proj_status: "Choose a project to delete."}
        return {p.delete_row: gr.update(visible=True), p.proj_status: "",
                p.delete_md: f"Delete **{html.escape(name)}** and every file in it, for good?"}

    p.delete_btn.click(ask, p.proj_list, [p.delete_row, p.delete_md, p.proj_status], api_visibility="private",
                       queue=False)
    p.delete_no.click(lambda: gr.update(visible=False), None, p.delete_row, api_visibility="private", queue=False)

    @handler
    def delete_project(name: str, sess_=None):
        """Delete a workspace project for good (refused while another tab has it open)."""
        sess = session_of(sess_)
        was_current = workspace.project_of(sess) == name
        workspace.delete_project(name, sess)
        out = {p.proj_status: f"✓ Deleted **{html.escape(name)}**.", p.delete_row: gr.update(visible=False),
               p.sess: sess, **refresh(p, sess)}
        if was_current:  # the page shows no season any more
            out.update(page.show_all(p, SeasonDir(workspace.workspace() / f".{name}.deleted")))
        return out

    p.delete_yes.click(delete_project, [p.proj_list, p.sess],
                       [*open_outputs(p), p.delete_row], api_name="delete_project")


# --------------------------------------------------------------------------- continue where you left off


def _wire_resume(p: Page) -> None:
    def remember(sess_) -> dict:
        """The browser keeps the name of the project this page works on (for a reload or a new tab);
        the Projects tab shows it chosen."""
        name = workspace.project_of(session_of(sess_))
        return {p.last: name or gr.skip(), p.proj_current: current_md(sess_), **refresh(p, sess_, name or None)}

    p.sess.change(remember, p.sess, [p.last, p.proj_current, p.proj_list, p.proj_table], api_visibility="private",
                  queue=False)

    def offer(last: str | None, sess_=None) -> dict:
        """After a reload or in a new tab: offer the last project of this browser, if it is still there."""
        try:
            path = workspace.project_dir(last or "")
        except InputError:
            return {p.resume_row: gr.update(visible=False), **refresh(p, sess_)}
        info = workspace.describe(path)
        what = html.escape(info["title"] or info["trope"])
        return {p.resume_row: gr.update(visible=True),
                p.resume_md: f"Your last season: **{what}** (`{html.escape(info['name'])}`, {_stage(info)}).",
                **refresh(p, sess_, info["name"])}

    p.demo.load(offer, [p.last, p.sess], [p.resume_row, p.resume_md, p.proj_list, p.proj_table],
                api_visibility="private", queue=False)
    p.resume_no.click(lambda: gr.update(visible=False), None, p.resume_row, api_visibility="private", queue=False)


def wire(p: Page) -> None:
    api_btn = gr.Button(visible=False)
    api_btn.click(lambda: list_projects(), None, p.proj_list, api_name="list_projects", queue=False)
    p.refresh_btn.click(lambda s, n: refresh(p, s, n), [p.sess, p.proj_list], [p.proj_list, p.proj_table],
                        api_visibility="private", queue=False)
    _wire_save(p)
    _wire_open(p)
    _wire_manage(p)
    _wire_resume(p)


def wire_refresh_on_tab(p: Page) -> None:
    """The listing is read again as the page changes tab, so that a step written since shows (not "no bible
    yet"); the table only: the project chosen in the list is the writer's (or a handler's), and an answer
    landing late must not choose another. Wired after page.wire_phone: the page runs a trigger's listeners
    one after the other, and the step selector must follow the tab at once, not after the workspace was read."""
    def listing(sess_=None) -> str:
        return projects_html(workspace.project_table(), workspace.project_of(session_of(sess_)))

    p.tabs.change(listing, p.sess, p.proj_table, api_visibility="private", queue=False, show_progress="hidden")
