"""``dramagen batch REQUESTS --out DIR`` and ``dramagen batch status DIR``: many seasons from a request file."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from .common import console, err_console


def batch(
    requests: str = typer.Argument(..., help="REQUESTS file (.yaml, .jsonl, .csv), or `status`"),
    status_dir: str | None = typer.Argument(None, metavar="[DIR]", help="with `status`: the batch folder"),
    out: str | None = typer.Option(None, "--out", "-o", help="batch folder: one season folder per row"),
    workers: int = typer.Option(1, "--workers", "-w", help="processes on this machine (cores are shared out)"),
    ray: str | None = typer.Option(None, "--ray", help="run on a Ray cluster: ADDRESS, `auto`, or `local`"),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="skip what is done (the default)"),
    as_json: bool = typer.Option(False, "--json", help="with `status`: print JSON"),
) -> None:
    """Generate many seasons from a request file; `dramagen batch status DIR [--json]` reports progress."""
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..core.errors import InputError
    from ..project.batch import load_requests, run_batch, status

    if requests == "status":
        if not status_dir:
            raise InputError("dir", None, "dramagen batch status DIR")
        _print_batch_status(status(Path(status_dir)), as_json)
        return
    if not out:
        raise InputError("out", None, "--out DIR, the batch folder")
    if workers < 1 or workers > 64:
        raise InputError("workers", workers, "an integer from 1 to 64")
    if ray:
        from ..extras import require

        require("ray", "ray", "batch --ray")  # missing: one line naming the extra, before anything runs
    rows, errors = load_requests(Path(requests))
    for e in errors:
        err_console.print(f"[yellow]row {e.row}:[/yellow] {escape(e.message)} (skipped)", highlight=False)
    if not rows:
        raise InputError("requests", requests, "at least one valid season request")
    if not resume:
        from ..project.season import SeasonDir

        busy = [r.name for r in rows if SeasonDir(Path(out) / r.name).exists()]
        if busy:
            raise InputError("out", out, "folders without seasons (or --resume)", f"already there: {', '.join(busy)}")
    with Progress(TextColumn("[bold]{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[msg]}"), TimeElapsedColumn(), console=err_console) as bar:
        overall = bar.add_task("all seasons", total=len(rows), msg="")
        per: dict[str, int] = {}
        totals = {r.name: r.request.episodes for r in rows}

        def on_event(e: dict) -> None:
            name = e.get("season", "")
            if e["event"] in ("start", "episode") and name not in per:
                per[name] = bar.add_task(name[:28], total=totals.get(name, 1), msg="")
            if e["event"] == "episode":
                bar.update(per[name], completed=e["done"], total=e["total"])
            if e["event"] in ("done", "failed"):
                bar.advance(overall)
                if name in per:
                    bar.update(per[name], msg=e["event"], completed=e.get("episodes", 0))

        from ..project.batch_schedule import read_schedule  # the request file's `schedule:` step (YAML)

        results = run_batch(rows, Path(out), workers=workers, ray_address=ray, on_event=on_event,
                            schedule=read_schedule(Path(requests)))
    failed = _print_batch_results(results, len(errors), Path(out))
    if failed or errors:
        raise typer.Exit(1)


def _print_batch_status(rows: list[dict], as_json: bool) -> None:
    """`dramagen batch status DIR`: a table (or JSON) of the batch folder's seasons."""
    counts = {k: sum(1 for r in rows if r["state"] == k) for k in ("done", "failed", "remaining")}
    if as_json:
        from ..terminal import print_json

        print_json({"seasons": rows, **counts})
        return
    from ..terminal import batch_status_table, print_batch_errors, show

    show(console, batch_status_table(rows, console))
    console.print(f"done {counts['done']} · failed {counts['failed']} · remaining {counts['remaining']}")
    print_batch_errors(console, rows)


def _print_batch_results(results: list[dict], invalid: int, out) -> int:
    """The batch's results table and summary line; returns how many seasons failed."""
    t = Table("season", "result", "episodes", "seconds", "error")
    for r in results:
        t.add_row(r["season"], r["event"], str(r.get("episodes", "")), str(r.get("seconds", "")),
                  escape((r.get("error") or "")[:80]))
    console.print(t)
    failed = sum(1 for r in results if r["event"] == "failed")
    console.print(f"{len(results) - failed} done, {failed} failed, {invalid} invalid rows; "
                  f"log: {escape(str(out / 'events.jsonl'))}")
    return failed
