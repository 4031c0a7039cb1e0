"""``dramagen tropes list|show``: the trope catalogue."""

from __future__ import annotations

import typer
from rich.table import Table

from .common import console

tropes_app = typer.Typer(no_args_is_help=True, help="The trope catalogue (prompts/tropes/*.yaml).")


@tropes_app.command("list")
def tropes_list(as_json: bool = typer.Option(False, "--json", help="print JSON (every field, in full)")) -> None:
    """List the catalogue's tropes (one line each; `tropes show ID` for the whole trope)."""
    from ..story.tropes import list_tropes
    from ..terminal import print_json, show, tropes_table

    tropes = list_tropes()
    if as_json:
        print_json([tr.model_dump(mode="json") for tr in tropes])
        return
    show(console, tropes_table(tropes, console))


@tropes_app.command("show")
def tropes_show(trope_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Show one trope: pitch, roles, settings, signature beats, cliffhangers."""
    from ..story.tropes import get_trope

    tr = get_trope(trope_id)
    console.print(f"[bold]{tr.name}[/bold] ({tr.id})\n{tr.pitch}\n[dim]tone:[/dim] {tr.tone}")
    roles = Table("role", "archetype", "names", title="Roles")
    for r in tr.roles:
        roles.add_row(r.role, r.archetype, ", ".join(r.names))
    console.print(roles)
    console.print("[bold]Settings:[/bold] " + "; ".join(s.heading for s in tr.settings))
    beats = Table("at", "function", "beat", title="Signature beats")
    for b in tr.signature_beats:
        beats.add_row(f"{b.at:.2f}", b.function, b.beat)
    console.print(beats)
    console.print("[bold]Cliffhangers:[/bold] " + ", ".join(tr.cliffhangers))
    if tr.content_notes:
        console.print("[bold]Content notes:[/bold] " + ", ".join(tr.content_notes))
