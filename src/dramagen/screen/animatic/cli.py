"""The animatic commands, registered on the main CLI by :func:`register`:

- ``dramagen animatic SEASON --episodes 1-3``: the animatics (MP4 + SRT + VTT + timing JSON), a line per
  episode as each one is written, with the spoken runtime next to the screenplay estimate;
- ``dramagen calibrate SEASON``: the spoken-runtime vs estimate table of the season's animatics, the
  estimator's ``dialogue_wps`` fitted to them, and the error before and after.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ...core.errors import InputError

console = Console()
err_console = Console(stderr=True)


def _options(**kw):
    from .episode import AnimaticOptions

    try:
        return AnimaticOptions(**kw)
    except ValidationError as e:
        err = e.errors()[0]
        field = str(err["loc"][0]) if err.get("loc") else "option"
        raise InputError(f"--{field.replace('_', '-')}", kw.get(field), err["msg"].removeprefix("Value error, ")) \
            from None


def animatic(
    season_dir: str = typer.Argument(..., help="a season folder"),
    episodes: str = typer.Option("all", "--episodes", "-e", help="e.g. 1-3,7 (default: every shot episode)"),
    width: int = typer.Option(1080, help="frame width in pixels, a multiple of 18 (height = width×16/9)"),
    fps: int = typer.Option(24, help="frames per second"),
    narrate: bool = typer.Option(False, "--narrate", help="a narrator voice reads the action lines"),
    update_script: bool = typer.Option(False, "--update-script",
                                       help="write the animatic's shot durations back to shooting.json"),
    assign_voices: bool = typer.Option(False, "--assign-voices", help="give characters without a voice one"),
    workers: int = typer.Option(1, "--workers", "-w", help="episodes rendered in parallel"),
    out: str | None = typer.Option(None, "--out", "-o", help="default: SEASON/exports"),
) -> None:
    """Animatics: a 9:16 MP4 per episode (storyboard panels, camera moves, voices, captions) + SRT + VTT."""
    from .make import make_animatics

    opts = _options(width=width, fps=fps, narrate=narrate, update_script=update_script)
    total = {"n": 0}

    def progress(stage: str, done: int, n: int, msg: str) -> None:
        if stage == "animatic":
            total["n"] = n
            if done == 0:
                err_console.print(f"animatic: {escape(msg)}", highlight=False)

    t = Table("ep", "shots stretched", "estimate s", "spoken s", "animatic s", "file")
    for r in make_animatics(Path(season_dir), episodes, opts, Path(out) if out else None, progress,
                            workers=workers, assign_missing_voices=assign_voices):
        est = "—" if r.estimate_seconds is None else f"{r.estimate_seconds:.1f}"
        err_console.print(f"[{len(t.rows) + 1}/{total['n']}] episode {r.episode}: {r.seconds:.2f} s, "
                          f"{r.frames} frames → {escape(str(r.mp4))}", highlight=False)
        t.add_row(str(r.episode), str(r.stretched), est, f"{r.spoken_seconds:.1f}", f"{r.seconds:.1f}",
                  escape(r.mp4.name))
    console.print(t)


def calibrate(
    season_dir: str = typer.Argument(..., help="a season folder with animatics (dramagen animatic)"),
    out: str | None = typer.Option(None, "--out", "-o", help="where the animatics are (default: SEASON/exports)"),
    as_json: bool = typer.Option(False, "--json", help="print the table and the calibration as JSON"),
) -> None:
    """Spoken runtime vs the screenplay estimate, and the estimator's dialogue pace fitted to the voices."""
    from .runtime import calibrate as fit
    from .runtime import load_runtimes, out_of_bounds

    rts = load_runtimes(Path(season_dir), Path(out) if out else None)
    if not rts:
        raise InputError("season", season_dir, "a season with animatics (run: dramagen animatic SEASON)")
    cal = fit(rts)
    if as_json:
        console.print_json(json.dumps({"episodes": [r.model_dump() for r in rts], "calibration": cal.model_dump()}))
        return
    after = 1.0 / cal.dialogue_wps_after
    t = Table("ep", "estimate s", "spoken s", "error s", "calibrated s", "error s", "animatic s", "lines", "words")
    for r in rts:
        est = r.estimate if r.estimate is not None else r.planned
        cal_est = r.other + r.dialogue_words * after
        t.add_row(str(r.episode), f"{est:.1f}", f"{r.spoken:.1f}", f"{est - r.spoken:+.1f}", f"{cal_est:.1f}",
                  f"{cal_est - r.spoken:+.1f}", f"{r.animatic:.1f}", str(r.lines), str(r.dialogue_words))
    console.print(t)
    console.print(f"dialogue_wps {cal.dialogue_wps_before:g} → {cal.dialogue_wps_after:g} (fitted on {cal.episodes} "
                  f"episodes); mean |error| {cal.mae_before:.2f} s ({cal.mape_before:.1f} %) → {cal.mae_after:.2f} s "
                  f"({cal.mape_after:.1f} %), max {cal.max_before:.2f} → {cal.max_after:.2f} s, "
                  f"leave-one-out {cal.mae_loo:.2f} s")
    console.print(f"to use it: export {cal.env}")
    for r in rts:
        msg = out_of_bounds(r)
        if msg:
            console.print(f"[yellow]warning:[/yellow] {escape(msg)}")


def register(app: typer.Typer) -> None:
    """Add ``animatic`` and ``calibrate`` to the dramagen CLI."""
    app.command("animatic")(animatic)
    app.command("calibrate")(calibrate)
