"""The ``dramagen`` command line (typer + rich): the root app, its command groups, and :func:`main`.

One module per command group, each only laying out and translating (the work is in
:mod:`dramagen.project.service`, :mod:`dramagen.project.pipeline`, :mod:`dramagen.lab`…):

- :mod:`.models`: ``models list|pull|info`` and the ``complete`` playground;
- :mod:`.tropes`: ``tropes list|show``;
- :mod:`.season`: ``generate``, ``check``, ``export``, ``import``;
- :mod:`.rewrite`: ``rewrite bible|plan|beats|beat|script|shooting`` (another take of one part);
- :mod:`.batch`: ``batch`` (and ``batch status``);
- :mod:`.lab`: ``lab run|rerun|compare|report|metrics``;
- :mod:`.serve`: ``serve`` (the studio);
- registered from elsewhere: ``production``/``schedule`` (:mod:`dramagen.cli.production`), ``premise``
  (:mod:`dramagen.cli.premise`), ``animatic``/``calibrate`` (:mod:`dramagen.screen.animatic.cli`).

Errors a user can fix print one line (``error: …``) without a traceback and exit 2 (:mod:`.common`).
"""

from __future__ import annotations

import typer

from .. import __version__
from ..core import config
from ..screen.animatic.cli import register as register_animatic
from . import batch as batch_cmd
from . import lab as lab_cmd
from . import models as models_cmd
from . import rewrite as rewrite_cmd
from . import season as season_cmd
from . import serve as serve_cmd
from . import tropes as tropes_cmd
from .common import console, err_console, run_app
from .premise import premise_command
from .production import production_app, schedule_command

__all__ = ["app", "main", "console", "err_console"]

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Write vertical micro dramas from a genre trope.")


def _version(value: bool) -> None:
    if value:
        console.print(f"dramagen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """dramagen: series bible → season plan → beat sheets → scripts → shooting scripts."""


# The order below is the order of `dramagen --help` (commands first, then groups, each as registered).
app.add_typer(models_cmd.models_app, name="models")
app.add_typer(production_app, name="production")
app.command("schedule")(schedule_command)
app.command("premise")(premise_command)
app.command("complete")(models_cmd.complete)
app.add_typer(tropes_cmd.tropes_app, name="tropes")
app.command("generate")(season_cmd.generate)
app.command("check")(season_cmd.check)
app.command("export")(season_cmd.export_)
app.command("import")(season_cmd.import_)
app.add_typer(rewrite_cmd.rewrite_app, name="rewrite")
app.command("batch")(batch_cmd.batch)
app.add_typer(lab_cmd.lab_app, name="lab")
register_animatic(app)  # dramagen animatic, dramagen calibrate (issue 17)
app.command("serve")(serve_cmd.serve)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the typer app, turning known errors into one line and exit code 2
    (:func:`dramagen.cli.common.run_app`)."""
    config.apply_process_defaults()
    run_app(app, argv)
