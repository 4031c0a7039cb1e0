"""Projects: save the session's season to the workspace, open one (by name or an uploaded zip),
download it as a zip. Named API: ``/list_projects``, ``/save_project``, ``/open_project``,
``/download_project``."""

from __future__ import annotations

import html
import re
from pathlib import Path

import gradio as gr

from ...errors import InputError
from .. import page, workspace
from ..page import Page
from ..session import handler, season, session_of
from .export import save_pending


def layout(p: Page) -> None:
    gr.Markdown(f"Projects are season folders (the same format as `dramagen generate --out`) in the "
                f"workspace `{html.escape(str(workspace.workspace()))}` (set `DRAMAGEN_WORKSPACE`), or a zip of one.")
    with gr.Row():
        p.proj_name = gr.Textbox(label="Save as", placeholder="my-werewolf-season", scale=3, elem_id="proj-name")
        p.save_proj_btn = gr.Button("Save to workspace", scale=1, elem_id="save-proj")
    with gr.Row():
        p.proj_list = gr.Dropdown([], label="Open from workspace", scale=3, elem_id="proj-list",
                                  allow_custom_value=True)
        p.refresh_btn = gr.Button("↻", scale=0, min_width=50, elem_id="proj-refresh")
        p.open_btn = gr.Button("Open", scale=1, elem_id="open-proj")
    p.upload = gr.File(label="…or open a season zip", file_types=[".zip"], type="filepath", height=120,
                       elem_id="proj-upload")
    p.proj_status = gr.Markdown(elem_classes="studio-status", elem_id="proj-status")
    with gr.Row():
        p.zip_btn = gr.Button("Download this season as a zip", elem_id="zip-proj")
        p.proj_zip = gr.File(label="Season folder (zip)", interactive=False, height=90, elem_id="proj-zip")


def list_projects() -> dict:
    """The season folders in the workspace."""
    names = workspace.projects()
    return gr.update(choices=names, value=names[0] if names else None)


def _wire_save(p: Page) -> None:
    @handler
    def save_project(name: str, sess_):
        """Save this session's season as a folder in the workspace (replacing one of the same name)."""
        target = workspace.save_to_workspace(season(sess_, "season"), name)
        return {p.proj_status: f"✓ Saved to `{html.escape(str(target))}`.",
                p.proj_list: gr.update(choices=workspace.projects(), value=target.name)}

    p.save_proj_btn.click(save_pending, p.pending, None, api_visibility="private").success(
        save_project, [p.proj_name, p.sess], [p.proj_status, p.proj_list], api_name="save_project")

    @handler
    def download_project(sess_):
        """This session's season folder as a zip (opens again with /open_project)."""
        sd = season(sess_, "season")
        return workspace.zip_season(sd, sd.path.parent / "downloads")

    p.zip_btn.click(download_project, [p.sess], p.proj_zip, api_name="download_project")


def _wire_open(p: Page) -> None:
    @handler
    def open_project(name: str | None = None, upload_: str | None = None, sess_=None):
        """Open a season: a workspace folder by name, or an uploaded zip (copied into this session)."""
        sess = session_of(sess_)
        if upload_:
            sd, where = workspace.open_zip(sess, Path(upload_)), Path(upload_).name
        elif name:
            sd, where = workspace.open_workspace(sess, name), name
        else:
            raise InputError("project", None, "a workspace project name or an uploaded season zip")
        req = sd.load_request() if sd.request_path.exists() else None
        title = sd.load_bible().title if sd.has_bible() else (req.trope if req else "")
        tab = "episode" if sd.episodes_done("beats") else "plan" if sd.has_plan() else "bible"
        gr.Info(f"Opened {title} from {where}.")
        return {**page.show_all(p, sd), p.sess: sess, p.tabs: gr.Tabs(selected=tab), p.opt_status: "",
                p.proj_status: f"✓ Opened **{html.escape(title)}** from `{html.escape(where)}`.",
                p.proj_name: re.sub(r"[^A-Za-z0-9 _.\-]", "", Path(where).stem)[:64] if where else ""}

    outputs = [*p.everything, p.opt_status, p.proj_status, p.proj_name]
    # the API form takes both (either may be None); the page uses the button and the upload
    api_btn = gr.Button(visible=False)
    api_btn.click(open_project, [p.proj_list, p.upload, p.sess], outputs, api_name="open_project")
    p.open_btn.click(open_project, [p.proj_list, gr.State(None), p.sess], outputs, api_name="open_button",
                     api_visibility="private")
    p.upload.upload(open_project, [gr.State(None), p.upload, p.sess], outputs, api_name="open_upload",
                    api_visibility="private")


def wire(p: Page) -> None:
    p.refresh_btn.click(list_projects, None, p.proj_list, api_name="list_projects", queue=False)
    p.demo.load(list_projects, None, p.proj_list, api_visibility="private", queue=False)
    _wire_save(p)
    _wire_open(p)
