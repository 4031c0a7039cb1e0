"""Exports rendered through Jinja2 templates (``export/templates/``), in the sandbox.

Users may put their own templates in a folder and pass it first; they are rendered by
the same sandboxed environment as prompts.
"""

from __future__ import annotations

from pathlib import Path

from ..prompting import PromptLibrary

TEMPLATES = Path(__file__).resolve().parent / "templates"


def templates(*user_dirs: str | Path) -> PromptLibrary:
    return PromptLibrary(*user_dirs, TEMPLATES)


def render_season_md(bible, plan, beats_by_episode, user_dirs: tuple = ()) -> str:
    return templates(*user_dirs).render("season.md.j2", bible=bible, plan=plan, beats=beats_by_episode).text
