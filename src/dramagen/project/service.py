"""User actions, one function each, that every front end performs the same way: the studio
(:mod:`dramagen.studio.steps`), the CLI, batch and the pipeline (:class:`dramagen.project.pipeline.Runner`).

An action either *writes* an artefact with the model (the bible, the plan, one episode's beats,
one beat again, a script) or *derives* one (the shooting script, an imported Fountain script).
Each has one definition of what it computes and of the files it leaves in the season folder,
so the same action gives the same bytes wherever it is started from (docs/architecture.md,
Determinism: every slot's seed comes from the run seed and its place; a season's draft date is
its creation date, never the clock).

Files are written in one order everywhere (docs/architecture.md, Flow): the stats first,
then ``record`` (the pipeline saves the manifest there, so a run killed in between still names
the prompts and parameters that wrote the part), then the file that marks the part done.
Exports are :func:`dramagen.screen.export.season_export.export_season`, one function for the CLI,
the studio and batch.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.errors import InputError
from ..core.models import (
    Beat,
    EpisodeBeats,
    EpisodePlan,
    EpisodeScript,
    PinnedBible,
    SeasonPlan,
    SeasonRequest,
    SeriesBible,
    ShootingScript,
)
from .season import SeasonDir, atomic_write_text

if TYPE_CHECKING:
    from ..core.timing import TimingSettings
    from ..story.slots import WriteContext
    from ..story.tropes import Trope

__all__ = ["check_episode_number", "discard_shooting", "import_fountain", "make_shooting", "plan_season",
           "rewrite_beat", "rewrite_plan_episode", "season_skeleton", "store_episode", "write_beats",
           "write_bible", "write_fountain", "write_premise", "write_script"]

#: called with the finished model after its stats are written and before the file that marks it done
Record = Callable[[Any], None]


# --------------------------------------------------------------------------- the season's parts


def write_premise(sd: SeasonDir, req: SeasonRequest) -> None:
    """``premise.json`` of a free-text season: the premise it is written from (the edited one when given)."""
    if not req.custom_trope:
        return
    from ..story.premise import Premise, parse_premise

    premise = Premise(**req.premise) if req.premise else parse_premise(req.trope)
    sd.write_model(sd.premise_path, premise)


def _store_part(sd: SeasonDir, part: str, stats: dict, path: Any, model: Any, record: Record | None) -> None:
    """A season-level part (bible, plan): ``<part>.stats.json``, ``record``, then its file."""
    sd.write_stats(f"{part}.stats.json", stats)
    if record is not None:
        record(model)
    sd.write_model(path, model)


def write_bible(ctx: WriteContext, trope: Trope, req: SeasonRequest, pins: PinnedBible | None,
                sd: SeasonDir | None = None, record: Record | None = None) -> SeriesBible:
    """Write the series bible (keeping ``pins``); with ``sd``: ``premise.json``, ``bible.stats.json``,
    ``bible.json``."""
    from ..story.stages.bible import write_bible as _write

    if sd is not None:
        write_premise(sd, req)
    bible = _write(ctx, trope, pins)
    if sd is not None:
        _store_part(sd, "bible", ctx.stats, sd.bible_path, bible, record)
    return bible


def season_skeleton(trope: Trope, bible: SeriesBible, req: SeasonRequest, sd: SeasonDir | None) -> SeasonPlan:
    """The season's structure with every episode's story event (docs/architecture.md, Story), before the
    model writes its text; the story ledger is written to ``ledger.json`` first (plan.json marks the plan done)."""
    from ..story.events import build_ledger
    from ..story.planner import plan_season as _structure

    skeleton = _structure(trope, bible, req.episodes, req.paywall, req.length, req.seed)
    ledger, skeleton = build_ledger(skeleton, bible, trope, req.seed)
    if sd is not None:
        sd.write_model(sd.ledger_path, ledger)
    return skeleton


def plan_season(ctx: WriteContext, trope: Trope, bible: SeriesBible, req: SeasonRequest,
                sd: SeasonDir | None = None, record: Record | None = None) -> SeasonPlan:
    """Plan the season: its structure and story ledger, then each episode's title, synopsis and
    cliffhanger; with ``sd``: ``ledger.json``, ``plan.stats.json``, ``plan.json``."""
    from ..story.stages.plan import write_plan_text

    skeleton = season_skeleton(trope, bible, req, sd)
    plan = write_plan_text(ctx, skeleton, bible, trope)
    if sd is not None:
        _store_part(sd, "plan", ctx.stats, sd.plan_path, plan, record)
    return plan


def rewrite_plan_episode(ctx: WriteContext, trope: Trope, sd: SeasonDir, n: int, variant: int) -> SeasonPlan:
    """Episode ``n``'s title, synopsis and cliffhanger again (take ``variant``); every other episode is
    kept exactly, edits too. Writes ``plan.json``."""
    from ..story.stages.plan import write_plan_text

    bible, old = sd.load_bible(), sd.load_plan()
    new = write_plan_text(ctx, old, bible, trope, episodes=[n], variant=variant)
    plan = SeasonPlan(episodes=[new.episode(e.number) if e.number == n else e for e in old.episodes],
                      paywall=old.paywall)
    sd.write_model(sd.plan_path, plan)
    return plan


# --------------------------------------------------------------------------- one episode


def write_beats(ctx: WriteContext, trope: Trope, bible: SeriesBible, ep: EpisodePlan, seed: int, *,
                settings: TimingSettings | None = None, variant: int = 0,
                on_beat: Callable[[Beat], None] | None = None) -> EpisodeBeats:
    """Episode ``ep``'s beat sheet: the planner's skeleton, filled by the model and fitted to its length
    (``on_beat``: each beat's first draft as soon as its slots are decided; the text does not depend on it)."""
    from ..story.planner import layout_beats
    from ..story.stages.beats import write_beats as _write

    return _write(ctx, layout_beats(ep, bible, seed), ep, bible, trope, settings=settings, variant=variant,
                  on_beat=on_beat)


def rewrite_beat(ctx: WriteContext, trope: Trope, sd: SeasonDir, n: int, index: int, variant: int) -> EpisodeBeats:
    """Beat ``index`` of episode ``n`` again (take ``variant``); the other beats are kept exactly, then the
    episode is re-timed. Writes the episode's ``beats.json``."""
    from ..story.planner import retime_episode
    from ..story.stages.beats import rewrite_beat as _rewrite

    old = sd.load_beats(n)
    bible, ep = sd.load_bible(), sd.load_plan().episode(n)
    res = _rewrite(ctx, old, index, ep, bible, trope, variant=variant)
    new_beat = res.beats[[b.index for b in res.beats].index(index)]
    merged = old.model_copy(update={"beats": [new_beat if b.index == index else b for b in old.beats]})
    beats = retime_episode(merged, bible)
    sd.write_model(sd.beats_path(n), beats)
    return beats


def write_script(ctx: WriteContext, trope: Trope, bible: SeriesBible, ep: EpisodePlan, beats: EpisodeBeats, *,
                 settings: TimingSettings | None = None) -> EpisodeScript:
    """Episode ``ep``'s screenplay from its beats, fitted to its target length."""
    from ..story.stages.script import write_script as _write

    return _write(ctx, beats, ep, bible, trope, settings=settings)


def make_shooting(script: EpisodeScript, bible: SeriesBible, seed: int,
                  settings: TimingSettings | None = None) -> ShootingScript:
    """An episode's shooting script (shots, cast, props, wardrobe) from its script; no model."""
    from ..screen.shooting import shooting_script

    return shooting_script(script, bible, seed=seed, settings=settings)


def store_episode(sd: SeasonDir, n: int, stats: dict | None, *, beats: EpisodeBeats | None = None,
                  script: EpisodeScript | None = None, shooting: ShootingScript | None = None,
                  bible: SeriesBible | None = None, ep: EpisodePlan | None = None,
                  draft_date: datetime.date | None = None, record: Callable[[], None] | None = None) -> None:
    """Episode ``n``'s files, in the one order: ``stats.json``, ``record``, ``beats.json``, the script
    (``script.fountain`` then ``script.json``, which marks it done; needs ``bible`` and ``ep``),
    ``shooting.json``."""
    if stats is not None:
        sd.write_stats(sd.episode_stats_name(n), stats)
    if record is not None:
        record()
    if beats is not None:
        sd.write_model(sd.beats_path(n), beats)
    if script is not None:
        assert bible is not None and ep is not None
        write_fountain(sd, n, script, bible, ep, draft_date)
        sd.write_model(sd.script_path(n), script)
    if shooting is not None:
        sd.write_model(sd.shooting_path(n), shooting)


def discard_shooting(sd: SeasonDir, n: int) -> bool:
    """Remove episode ``n``'s shooting script, stale after its script changed; whether there was one."""
    path = sd.shooting_path(n)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


# --------------------------------------------------------------------------- Fountain in and out


def check_episode_number(sd: SeasonDir, episode: object) -> int:
    """``episode`` as a number of the season's plan, or an InputError naming the accepted range."""
    count = len(sd.load_plan().episodes)
    try:
        n = int(episode)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise InputError("episode", episode, f"an episode number from 1 to {count}") from None
    if not 1 <= n <= count:
        raise InputError("episode", episode, f"an episode number from 1 to {count}")
    return n


def write_fountain(sd: SeasonDir, n: int, script: EpisodeScript, bible: SeriesBible, ep: EpisodePlan,
                   draft_date: datetime.date | None = None) -> None:
    """Episode ``n``'s ``script.fountain``, its title page dated with the season's draft date."""
    from ..screen.fountain import to_fountain

    date = (draft_date or sd.draft_date()).isoformat()
    atomic_write_text(sd.episode_dir(n) / "script.fountain", to_fountain(script, bible, ep, draft_date=date))


def fountain_text(sd: SeasonDir, n: int) -> str:
    """Episode ``n``'s script as Fountain (its script.fountain, or rendered from script.json)."""
    from ..screen.fountain import to_fountain

    p = sd.episode_dir(n) / "script.fountain"
    if p.exists():
        return p.read_text(encoding="utf-8")
    return to_fountain(sd.load_script(n), sd.load_bible(), sd.load_plan().episode(n),
                       draft_date=sd.draft_date().isoformat())


def import_fountain(sd: SeasonDir, episode: object, text: str) -> EpisodeScript:
    """Import an edited Fountain script as episode ``episode``'s script (errors name the line):
    writes ``script.json`` and ``script.fountain`` and removes the now stale shooting script."""
    from ..screen.fountain import from_fountain

    n = check_episode_number(sd, episode)
    bible, ep = sd.load_bible(), sd.load_plan().episode(n)
    script = from_fountain(text, bible, n, ep.target_seconds)
    sd.write_model(sd.script_path(n), script)
    write_fountain(sd, n, script, bible, ep)
    discard_shooting(sd, n)
    return script
