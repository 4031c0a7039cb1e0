"""``dramagen rewrite``: another take of one part of a season, the studio's regenerate buttons on the
command line (:mod:`dramagen.project.actions`; the same function for both, so the same take gives the same
text). Everything else in the season is kept exactly; the manifest and season.md are refreshed.

A take is numbered: without ``--take`` the season's next one (counted in the season folder, as the
studio counts), with ``--take K`` that take again (the same text for the same season). The bible's
and scripts' take 0 is what ``dramagen generate`` writes.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from .common import console, err_console

rewrite_app = typer.Typer(no_args_is_help=True, help="Another take of one part of a season: the bible, one "
                                                       "episode's plan, beats, one beat, script or shooting script; "
                                                       "a renamed character's old name replaced everywhere.")

_SEASON = typer.Argument(..., help="a season folder")
_EPISODE = typer.Option(..., "--episode", "-e", help="the episode number")
_TAKE = typer.Option(None, "--take", help="the take to write (default: the next one; 0: the first)")


def _open(season_dir: str, model: bool = True):
    from ..core.errors import InputError
    from ..project.season import SeasonDir

    sd = SeasonDir(Path(season_dir))
    if not sd.request_path.exists():
        raise InputError("season", season_dir, "a season folder (with request.json; dramagen generate writes one)")
    if not model:
        return sd, None
    from ..llm import load_generator

    return sd, load_generator(sd.load_request().model)


def _take(sd, key: str, take: int | None) -> int:
    from ..core.errors import InputError
    from ..project.actions import next_variant

    if take is None:
        return next_variant(sd, key)
    if take < 0:
        raise InputError("take", take, "a take number from 0 up")
    return take


def _needs(sd, part: str, n: int | None = None) -> None:
    from ..core.errors import InputError

    have = {"bible": sd.has_bible, "plan": sd.has_plan}
    if part in have and not have[part]():
        raise InputError("season", str(sd.path), f"a season with its {part} written (dramagen generate --stop-after "
                                                 f"{part} --resume)")
    if part in ("beats", "script") and n is not None and not sd.stage_path(part, n).exists():
        raise InputError("episode", n, f"an episode whose {part} are written")


def _stream(kind: str, text: str) -> None:
    err_console.print(f"[dim]{escape(kind)}:[/dim] {escape(text)}")


@rewrite_app.command("bible")
def bible(season_dir: str = _SEASON, take: int | None = _TAKE) -> None:
    """The bible again; pinned fields (request.json's pins) are kept."""
    from ..project import actions

    sd, gen = _open(season_dir)
    k = _take(sd, "bible", take)
    b = actions.write_bible(sd, gen, sd.load_request().pins, k, _stream)
    console.print(f"[green]bible, take {k}:[/green] {escape(b.title)}")


def _episode(season_dir: str, episode: int, part: str, take: int | None, needs: str = "plan"):
    """The season, its model, the episode number and the take of ``part`` asked for (checked)."""
    from ..project import service

    sd, gen = _open(season_dir)
    if needs == "plan":
        _needs(sd, "plan")
    n = service.check_episode_number(sd, episode)
    if needs != "plan":
        _needs(sd, needs, n)
    return sd, gen, n, _take(sd, f"{part}:{n}", take)


@rewrite_app.command("plan")
def plan(season_dir: str = _SEASON, episode: int = _EPISODE, take: int | None = _TAKE) -> None:
    """One episode's title, synopsis and cliffhanger again; the other episodes are kept."""
    from ..project import actions

    sd, gen, n, k = _episode(season_dir, episode, "plan", take)
    new = actions.rewrite_plan_episode(sd, gen, n, k, _stream).episode(n)
    console.print(f"[green]episode {n} plan, take {k}:[/green] {escape(new.title)}")


@rewrite_app.command("beats")
def beats(season_dir: str = _SEASON, episode: int = _EPISODE, take: int | None = _TAKE) -> None:
    """One episode's beat sheet again (its script and shooting script are then stale: rewrite them)."""
    from ..project import actions

    sd, gen, n, k = _episode(season_dir, episode, "beats", take)
    b = actions.write_beats(sd, gen, n, k, _stream)
    console.print(f"[green]episode {n} beats, take {k}:[/green] {len(b.beats)} beats, {b.runtime:.1f} s")


@rewrite_app.command("beat")
def beat(season_dir: str = _SEASON, episode: int = _EPISODE,
         index: int = typer.Option(..., "--beat", "-b", help="the beat number (1 = the hook)"),
         take: int | None = _TAKE) -> None:
    """One beat's words again; the other beats are kept exactly, then the episode is re-timed."""
    from ..core.errors import InputError
    from ..project import actions, service

    sd, gen = _open(season_dir)
    n = service.check_episode_number(sd, episode)
    _needs(sd, "beats", n)
    count = len(sd.load_beats(n).beats)
    if not 1 <= index <= count:
        raise InputError("beat", index, f"a beat number from 1 to {count}")
    k = _take(sd, f"beat:{n}:{index}", take)
    new = actions.rewrite_beat(sd, gen, n, index, k, _stream)
    console.print(f"[green]episode {n} beat {index}, take {k}:[/green] "
                  f"{escape(new.beats[index - 1].action)} ({new.runtime:.1f} s)")


@rewrite_app.command("script")
def script(season_dir: str = _SEASON, episode: int = _EPISODE, take: int | None = _TAKE) -> None:
    """One episode's script again from its beats (its shooting script is removed: stale)."""
    from ..project import actions

    sd, gen, n, k = _episode(season_dir, episode, "script", take, needs="beats")
    sc, removed = actions.write_script(sd, gen, n, k, _stream)
    gone = " (the old shooting script was removed: dramagen rewrite shooting)" if removed else ""
    console.print(f"[green]episode {n} script, take {k}:[/green] {sc.estimated_seconds:.1f} s{gone}")


@rewrite_app.command("shooting")
def shooting(season_dir: str = _SEASON, episode: int = _EPISODE) -> None:
    """One episode's shooting script from its script (no model)."""
    from ..project import actions, service

    sd, _ = _open(season_dir)
    n = service.check_episode_number(sd, episode)
    _needs(sd, "script", n)
    actions.make_shooting(sd, n)
    console.print(f"[green]episode {n} shooting script written[/green]")


@rewrite_app.command("name")
def name(season_dir: str = _SEASON, old: str = typer.Argument(..., help="the old name, no longer in the bible"),
         new: str = typer.Argument(..., help="the bible character to put in its place"),
         list_only: bool = typer.Option(False, "--list", help="only list the written lines that name it")) -> None:
    """A character renamed in the bible: the old name replaced everywhere (plan, beats, scripts; no model)."""
    from ..core.errors import InputError
    from ..project import actions, rename

    sd, _ = _open(season_dir, model=False)
    _needs(sd, "bible")
    if list_only:
        for u in rename.name_uses(sd, old):
            console.print(f"{escape(u.where)}: {escape(u.text)}")
        return
    bible = sd.load_bible()
    if bible.character(new) is None:
        raise InputError("new", new, "a character of the bible: " + ", ".join(bible.names))
    done = rename.rename_in_season(sd, old, new)
    actions.finish(sd)
    console.print(f"[green]{escape(old)} replaced by {escape(bible.character(new).name)}:[/green] "  # type: ignore
                  f"plan {'changed' if done.plan else 'unchanged'}, beats of {len(done.beats)} episode(s), "
                  f"{len(done.scripts)} script(s), {len(done.shooting)} shooting script(s) made again")
