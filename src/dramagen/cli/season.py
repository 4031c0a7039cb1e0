"""One season's commands: ``dramagen generate``, ``check``, ``export`` and ``import``."""

from __future__ import annotations

import typer
from rich.markup import escape

from .common import console, err_console
from .premise import load_premise_file


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

    from ..core.errors import InputError
    from ..project.pipeline import STAGES, SeasonDir, generate_season, make_request, pins_from_file

    if stop_after not in STAGES:
        raise InputError("stop-after", stop_after, "one of " + ", ".join(STAGES))
    outp = Path(out)
    request = None
    if trope or custom:
        if trope and custom:
            raise InputError("trope", trope, "either --trope or --custom, not both")
        pinned = pins_from_file(Path(pins)) if pins else None
        if title:
            from ..core.models import PinnedBible

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
        from ..llm import load_generator
        from ..project.pipeline import resolve_trope

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
    from ..project.findings import check_folder
    from ..terminal import print_check, print_json

    result = check_folder(season_dir)
    if as_json:
        print_json(result.model_dump(mode="json"))
    else:
        print_check(console, result)
    return result.ok


def check(season_dir: str = typer.Argument(..., help="a season folder"),
          as_json: bool = typer.Option(False, "--json", help="print the results as JSON")) -> None:
    """Verify every structural rule (timing, tiling, hook, cliffhanger, paywall, names) and every script's;
    the failing rules are listed in full under the tables; exit 1 if any fails."""
    if not _print_check(season_dir, as_json):
        raise typer.Exit(1)


def export_(
    season_dir: str = typer.Argument(..., help="a season folder"),
    formats: str = typer.Option("fountain,pdf,fdx,html,json,csv,storyboard,publish,bible,zip", "--format", "-f",
                                help="comma-separated: fountain,pdf,fdx,html,json,csv,storyboard,publish,bible,zip"),
    out: str | None = typer.Option(None, "--out", "-o", help="default: SEASON/exports"),
    templates: str | None = typer.Option(None, "--templates", help="a folder of your own export templates"),
    draft_date: str | None = typer.Option(None, "--draft-date", metavar="YYYY-MM-DD",
                                             help="the title pages' draft date (default: the day the season was made)"),
) -> None:
    """Export a season: screenplays, shot lists, storyboards, publishing packs, a season zip."""
    from pathlib import Path

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from ..project.season import parse_draft_date
    from ..screen.export.season_export import export_season, parse_formats

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


def import_(
    fountain_file: str = typer.Argument(..., help="a (hand-edited) Fountain file"),
    season_dir: str = typer.Option(..., "--season", "-s", help="the season folder"),
    episode: int = typer.Option(..., "--episode", "-e", help="episode number"),
) -> None:
    """Re-import an edited Fountain script into a season (the rest of the season is untouched)."""
    from pathlib import Path

    from ..core.errors import InputError
    from ..project.season import SeasonDir
    from ..project.service import check_episode_number, import_fountain
    from ..story.stages.script import script_issues

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
