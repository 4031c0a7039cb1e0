"""Exports rendered through Jinja2 templates (``export/templates/``), in the sandbox.

Users may put their own templates in a folder and pass it first; they are rendered by
the same sandboxed environment as prompts (:class:`ExportTemplates`), hardened for text
that may come from anyone:

- Jinja2's immutable sandbox refuses Python internals (``__class__``, ``__globals__``,
  ``mro``, ``str.format`` on attributes, methods that change data…);
- sizes are bounded: ``range`` to 100 000 items (Jinja2's ``MAX_RANGE``), ``*``, ``**``,
  ``%``, ``+``, ``~`` and ``str.format`` results and the filters that pad (``center``, ``indent``,
  ``wordwrap``…) to :data:`MAX_OUTPUT` characters, the whole output too, and rendering
  stops after :data:`MAX_SECONDS` (checked as output is produced: nested loops that print
  nothing are bounded only by ``range``'s limit);
- whatever goes wrong in a template (syntax, a missing variable, a division by zero,
  endless recursion, a refused operation) is one :class:`~dramagen.core.errors.PromptError`
  naming the template, never a traceback.

Modules: ``templating`` (the sandbox above), ``screenplay`` (Fountain → screenplay PDF / FDX / HTML
through screenplain),
``shotlist`` (CSV), ``publish`` (publishing packs), ``season_export`` (everything for a
season folder, and the zip); the storyboards are drawn by :mod:`dramagen.screen.storyboard`.
Templates here: ``season.md.j2``, ``screenplay.html.j2``, ``publish.md.j2``.
"""

from __future__ import annotations

from .templating import MAX_OUTPUT, MAX_SECONDS, TEMPLATES, ExportTemplates, render_season_md, templates

__all__ = ["MAX_OUTPUT", "MAX_SECONDS", "TEMPLATES", "ExportTemplates", "render_season_md", "templates",
           "export_season", "parse_formats", "FORMATS"]


def __getattr__(name: str):
    # the season exporter pulls in Pillow and ReportLab: import it only when asked for
    if name in ("export_season", "parse_formats", "FORMATS"):
        from . import season_export

        return getattr(season_export, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
