"""``dramagen premise``: show how a free-text premise is read, before anything is generated.

The writer checks the typed premise (lead, antagonists, secret, world, locations, stakes,
objects, and what was assumed), saves it with ``--out``, edits the file, and generates
from it with ``dramagen generate --custom TEXT --premise-file FILE``.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

__all__ = ["premise_command", "load_premise_file"]


def _show(console: Console, p) -> None:
    rows = [("lead", f"{p.lead_name or '(unnamed)'}, {p.lead_status} {p.lead_occupation} ({p.lead_gender})"),
            ("antagonists", "; ".join(f"{a.relation} [{a.role}]" + (f" {a.name}" if a.name else "")
                                      for a in p.antagonists)),
            ("allies", "; ".join(a.relation for a in p.allies) or "—"),
            ("love interest", p.love_interest or "—"), ("secret", f"{p.secret} (about the {p.secret_about})"),
            ("lead's secret", p.lead_secret or "—"),
            ("world", f"{p.world} ({p.period}{', supernatural' if p.supernatural else ''})"),
            ("locations", ", ".join(p.locations)), ("stakes", p.stakes), ("objects", ", ".join(p.objects)),
            ("nearest tropes", ", ".join(p.tropes) or "—")]
    for k, v in rows:
        console.print(f"[bold]{k:>14}[/bold]  {escape(v)}", highlight=False)
    if p.assumed:
        console.print("[bold]assumed[/bold] (the premise did not say; edit with --out and --premise-file):")
        for a in p.assumed:
            console.print(f"  - {escape(a)}", highlight=False)


def premise_command(
    text: str = typer.Argument(..., help="the premise, in English (1–2000 characters)"),
    as_json: bool = typer.Option(False, "--json", help="print the premise as JSON"),
    out: str | None = typer.Option(None, "--out", "-o", help="write the premise as JSON, to edit"),
) -> None:
    """Read a free-text premise into a typed premise and show it (what was assumed included)."""
    from ..project.season import atomic_write_text
    from ..story.premise import parse_premise

    p = parse_premise(text)
    if out:
        atomic_write_text(Path(out), p.model_dump_json(indent=2) + "\n")
    if as_json:
        typer.echo(p.model_dump_json(indent=2))
    else:
        _show(Console(), p)


def load_premise_file(path: str) -> dict:
    """An edited premise file (JSON or YAML) as a dict, checked against the Premise schema."""
    import yaml

    from ..core.errors import InputError
    from ..story.premise import Premise

    try:
        text = Path(path).read_text(encoding="utf-8")
        data = json.loads(text) if path.endswith(".json") else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as e:
        raise InputError("premise-file", path, "a readable JSON or YAML premise (dramagen premise --out)",
                         hint=str(e).splitlines()[0][:120]) from None
    if not isinstance(data, dict):
        raise InputError("premise-file", path, "a JSON or YAML mapping of premise fields")
    try:
        return Premise(**data).model_dump()
    except Exception as e:  # pydantic names the field
        errs = e.errors() if hasattr(e, "errors") else [{"loc": (), "msg": str(e)}]
        loc = ".".join(str(x) for x in errs[0]["loc"])
        raise InputError(f"premise.{loc}", errs[0].get("input"), errs[0]["msg"]) from None
