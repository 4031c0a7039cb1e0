"""User actions that every front end performs the same way (the studio, the CLI, the pipeline).

One function per action, with one definition of the files it writes, so that the same
action gives the same bytes wherever it is started from (docs/architecture.md, Determinism:
a season's draft date is its creation date, never the clock).
"""

from __future__ import annotations

import datetime
from typing import Any

from .errors import InputError
from .models import EpisodePlan, EpisodeScript, SeasonPlan, SeasonRequest, SeriesBible
from .season import SeasonDir, atomic_write_text

__all__ = ["check_episode_number", "import_fountain", "season_skeleton", "write_fountain", "write_premise"]


def write_premise(sd: SeasonDir, req: SeasonRequest) -> None:
    """``premise.json`` of a free-text season: the premise it is written from (the edited one when given)."""
    if not req.custom_trope:
        return
    from .story.premise import Premise, parse_premise

    premise = Premise(**req.premise) if req.premise else parse_premise(req.trope)
    sd.write_model(sd.premise_path, premise)


def season_skeleton(trope: Any, bible: SeriesBible, req: SeasonRequest, sd: SeasonDir | None) -> SeasonPlan:
    """The season's structure with every episode's story event (docs/architecture.md, Story), before the
    model writes its text; the story ledger is written to ``ledger.json`` first (plan.json marks the plan done)."""
    from .planner import plan_season
    from .story.events import build_ledger

    skeleton = plan_season(trope, bible, req.episodes, req.paywall, req.length, req.seed)
    ledger, skeleton = build_ledger(skeleton, bible, trope, req.seed)
    if sd is not None:
        sd.write_model(sd.ledger_path, ledger)
    return skeleton


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
    from .fountain import to_fountain

    date = (draft_date or sd.draft_date()).isoformat()
    atomic_write_text(sd.episode_dir(n) / "script.fountain", to_fountain(script, bible, ep, draft_date=date))


def import_fountain(sd: SeasonDir, episode: object, text: str) -> EpisodeScript:
    """Import an edited Fountain script as episode ``episode``'s script (errors name the line):
    writes ``script.json`` and ``script.fountain`` and removes the now stale shooting script."""
    from .fountain import from_fountain

    n = check_episode_number(sd, episode)
    bible, ep = sd.load_bible(), sd.load_plan().episode(n)
    script = from_fountain(text, bible, n, ep.target_seconds)
    sd.write_model(sd.script_path(n), script)
    write_fountain(sd, n, script, bible, ep)
    sd.shooting_path(n).unlink(missing_ok=True)  # stale: rebuilt from the imported script
    return script
