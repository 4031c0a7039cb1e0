"""Exports rendered through Jinja2 templates (``export/templates/``), in the sandbox.

Users may put their own templates in a folder and pass it first; they are rendered by
the same sandboxed environment as prompts.

Modules: ``screenplay`` (Fountain → screenplay PDF / FDX / HTML through screenplain),
``shotlist`` (CSV), ``publish`` (publishing packs), ``season_export`` (everything for a
season folder, and the zip); the storyboards are drawn by :mod:`dramagen.storyboard`.
Templates here: ``season.md.j2``, ``screenplay.html.j2``, ``publish.md.j2``.
"""

from __future__ import annotations

from pathlib import Path

from ..prompting import PromptLibrary

TEMPLATES = Path(__file__).resolve().parent / "templates"


def templates(*user_dirs: str | Path) -> PromptLibrary:
    return PromptLibrary(*user_dirs, TEMPLATES)


def render_season_md(bible, plan, beats_by_episode, user_dirs: tuple = ()) -> str:
    return templates(*user_dirs).render("season.md.j2", bible=bible, plan=plan, beats=beats_by_episode).text


def __getattr__(name: str):
    # the season exporter pulls in Pillow and ReportLab: import it only when asked for
    if name in ("export_season", "parse_formats", "FORMATS"):
        from . import season_export

        return getattr(season_export, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
