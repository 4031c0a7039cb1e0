"""User actions that every front end performs the same way (the studio, the CLI, the pipeline).

One function per action, with one definition of the files it writes, so that the same
action gives the same bytes wherever it is started from (docs/architecture.md, Determinism:
a season's draft date is its creation date, never the clock).
"""

from __future__ import annotations

import datetime

from .errors import InputError
from .models import EpisodePlan, EpisodeScript, SeriesBible
from .season import SeasonDir, atomic_write_text

__all__ = ["check_episode_number", "import_fountain", "write_fountain"]


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
