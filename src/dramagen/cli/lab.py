"""``dramagen lab run|rerun|compare|report|metrics``: the prompt lab (:mod:`dramagen.lab`)."""

from __future__ import annotations

import typer
from rich.table import Table

from .common import console, err_console

lab_app = typer.Typer(no_args_is_help=True, help="The prompt lab: compare prompt variants, models, sampling and seeds.")


def _lab_summary(rows: list[dict]) -> None:
    from ..lab import summarize
    from ..metrics import METRICS

    shown = [m for m in METRICS if m.name in ("valid_rate", "runtime_error", "hook_rate", "cliffhanger_rate",
                                               "name_consistency", "repetition", "distinct_2", "fallback_rate",
                                               "seconds_per_episode")]
    summary = summarize(rows, [m.name for m in shown])
    t = Table("metric", "better", *[f"{s['config']} (n={s['n']})" for s in summary],
              title="metric by variant (mean ± sd over runs)")
    for m in shown:
        cells = []
        for s in summary:
            v = s[m.name]
            cells.append("—" if v["mean"] is None else f"{v['mean']:.3g} ± {v['sd']:.2g}")
        t.add_row(m.label, m.better or "—", *cells)
    console.print(t)


@lab_app.command("run")
def lab_run(
    experiment: str = typer.Argument(..., help="an experiment file (prompts/experiments/*.yaml)"),
    out: str = typer.Option(..., "--out", "-o", help="lab folder (a second run of the same experiment resumes)"),
    yes: bool = typer.Option(False, "--yes", "-y", help="run a grid larger than --max-cells"),
    max_cells: int = typer.Option(50, "--max-cells", help="cells allowed without --yes"),
    dry_run: bool = typer.Option(False, "--dry-run", help="check the experiment and list the cells; generate nothing"),
) -> None:
    """Run an experiment: one short season per cell, then results.csv/jsonl and report.html."""
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..extras import require
    from ..lab import load_experiment, plan_cells, run_experiment

    exp = load_experiment(experiment)
    if not dry_run:
        require("matplotlib", "lab")  # the report's plots: refused before any cell runs
    if dry_run:
        cells = plan_cells(exp)
        t = Table("run", "variant", "model", "sampling", "trope", "seed", title=f"{exp.name}: {len(cells)} cells")
        for c in cells:
            t.add_row(c.id, c.variant.name, c.model, c.sampling.label, c.trope, str(c.seed))
        console.print(t)
        return
    with Progress(TextColumn("[bold]lab"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[msg]}"),
                  TimeElapsedColumn(), console=err_console) as bar:
        task = bar.add_task("lab", total=None, msg="")

        def progress(done: int, total: int, run_id: str, msg: str) -> None:
            bar.update(task, completed=done, total=total, msg=f"{run_id}: {msg}"[:90])

        res = run_experiment(exp, Path(out), yes=yes, max_cells=max_cells, progress=progress)
    _lab_summary(res.rows)
    console.print(f"{res.ran} run, {res.skipped} done before, {res.failed} failed · "
                  f"{Path(out) / 'results.csv'} · report: {res.report}")
    if res.failed:
        raise typer.Exit(1)


@lab_app.command("rerun")
def lab_rerun(
    run_dir: str = typer.Argument(..., help="a run folder (OUT/runs/ID, with run.json)"),
    out: str | None = typer.Option(None, "--out", "-o", help="where to write it again (default: RUN_DIR.rerun)"),
) -> None:
    """Re-run one recorded run exactly (same prompts, model, parameters, seed) and compare every file."""
    from ..lab import rerun

    res = rerun(run_dir, out)
    for note in res.notes:
        err_console.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    if res.identical:
        console.print(f"[green]identical[/green]: {res.compared} files of {res.out} equal {res.original} "
                      "(manifest wall times aside)")
        return
    console.print(f"[red]differs[/red]: {len(res.differences)} of {res.compared} files")
    for d in res.differences[:40]:
        console.print(f"  {d}", highlight=False)
    raise typer.Exit(1)


@lab_app.command("compare")
def lab_compare(
    run_a: str = typer.Argument(..., help="a run folder"),
    run_b: str = typer.Argument(..., help="another run folder, same trope and seed"),
    html: str | None = typer.Option(None, "--html", help="write the side-by-side HTML here "
                                       "(default: LAB/compare/A__B.html next to the runs)"),
    episode: int | None = typer.Option(None, "--episode", "-e", help="only this episode"),
    force: bool = typer.Option(False, "--force", help="compare runs of different tropes or seeds"),
    as_json: bool = typer.Option(False, "--json", help="print the comparison as JSON (no HTML page unless --html)"),
) -> None:
    """Two runs' outputs side by side: a table here and an HTML page."""
    from pathlib import Path

    from ..lab import compare_runs, render_compare_html
    from ..project.season import atomic_write_text
    from ..terminal import print_compare, print_json

    c = compare_runs(run_a, run_b, force=force)
    if episode is not None:
        c["episodes"] = [e for e in c["episodes"] if e["number"] == episode]
    if as_json:
        print_json(c)
        if not html:
            return
    else:
        print_compare(console, c)
    if html:
        dest = Path(html)
    else:
        pa, pb = Path(run_a).resolve(), Path(run_b).resolve()
        root = pa.parent.parent if pa.parent == pb.parent and pa.parent.name == "runs" else pa.parent
        dest = root / "compare" / f"{pa.name}__{pb.name}.html"
    atomic_write_text(dest, render_compare_html(c))
    console.print(f"HTML: {dest}")


@lab_app.command("report")
def lab_report(out: str = typer.Argument(..., help="a lab folder")) -> None:
    """Rebuild results.csv/jsonl, the plots and report.html from the run folders."""
    from ..lab import report

    res = report(out)
    _lab_summary(res.rows)
    console.print(f"report: {res.report}")


@lab_app.command("metrics")
def lab_metrics(
    season_dir: str = typer.Argument(..., help="any season folder"),
    stage: str | None = typer.Option(None, "--stage", help="bible | plan | beats | script (default: furthest)"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """The lab's metrics of one season folder (see docs/metrics.md)."""
    import json

    from ..core.errors import InputError
    from ..metrics import METRICS, season_dir_metrics

    if stage is not None and stage not in ("bible", "plan", "beats", "script"):
        raise InputError("stage", stage, "one of bible, plan, beats, script")
    m = season_dir_metrics(season_dir, stage)
    if as_json:
        console.print_json(json.dumps(m))
        return
    t = Table("metric", "value", "better", "definition")
    for d in METRICS:
        v = m.get(d.name)
        t.add_row(d.label, "—" if v is None else f"{v:.4g}" if isinstance(v, float) else str(v), d.better or "—",
                  d.definition)
    console.print(t)
