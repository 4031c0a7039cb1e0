"""``dramagen serve``: the studio (the web app)."""

from __future__ import annotations

import typer


def serve(host: str = typer.Option("127.0.0.1", help="bind address (127.0.0.1 unless told otherwise)"),
          port: int = typer.Option(7860), model: str | None = typer.Option(None, "--model", "-m"),
          auth: str | None = typer.Option(None, help="user:pass")) -> None:
    """Launch the web app."""
    from ..studio import launch

    launch(host=host, port=port, model=model, auth=auth)
