"""JSON views of the session's season for API clients (``/season``, ``/episode``); no tab of their own."""

from __future__ import annotations

from typing import Any

import gradio as gr

from .. import edits
from ..page import Page
from ..session import handler, season


@handler
def season_json(sess: Any) -> dict:
    """The session's season as data: request, bible, plan, and which episodes have beats, script, shots."""
    return edits.season_json(season(sess, "season"))


@handler
def episode_json(episode: int, sess: Any) -> dict:
    """One episode as data: its plan, beats, script (model and Fountain), shooting script and check issues."""
    sd = season(sess, "plan")
    return edits.episode_json(sd, edits.clamp_episode(sd, episode))


def wire(p: Page) -> None:
    api_json = gr.JSON(visible=False)
    api_episode = gr.Number(visible=False, precision=0)
    season_btn, episode_btn = gr.Button(visible=False), gr.Button(visible=False)
    season_btn.click(season_json, [p.sess], api_json, api_name="season")
    episode_btn.click(episode_json, [api_episode, p.sess], api_json, api_name="episode")
