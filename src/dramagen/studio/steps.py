"""The studio's generation steps: the writer's actions of :mod:`dramagen.project.actions` (the ones the CLI's
``dramagen rewrite`` runs too) on the session's season folder, with the studio's model.

The model is the process's cached, instrumented generator (:func:`dramagen.studio.session.generator`),
so a studio job streams what it writes and can stop between slots. A regeneration is a numbered
take (``variant``), counted per part in the season folder.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.models import Beat, EpisodeBeats, EpisodeScript, PinnedBible, SeasonPlan, SeasonRequest, SeriesBible
from ..project import actions
from ..project.actions import OnText, finish, load_state, next_variant, variant_seed
from ..project.season import SeasonDir
from . import session

__all__ = ["finish", "load_state", "make_shooting", "next_variant", "plan", "rewrite_beat", "rewrite_plan_episode",
           "variant_seed", "write_beats", "write_bible", "write_script"]


def write_bible(sd: SeasonDir, req: SeasonRequest, pins: PinnedBible, variant: int, on_text: OnText) -> SeriesBible:
    return actions.write_bible(sd, session.generator(req.model), pins, variant, on_text)


def plan(sd: SeasonDir, req: SeasonRequest, on_text: OnText) -> SeasonPlan:
    return actions.plan(sd, session.generator(req.model), on_text)


def rewrite_plan_episode(sd: SeasonDir, req: SeasonRequest, n: int, variant: int, on_text: OnText) -> None:
    """Episode ``n``'s title, synopsis and cliffhanger again; every other episode is kept exactly (edits too)."""
    actions.rewrite_plan_episode(sd, session.generator(req.model), n, variant, on_text)


def write_beats(sd: SeasonDir, req: SeasonRequest, n: int, variant: int, on_text: OnText,
                on_beat: Callable[[Beat], None] | None = None) -> EpisodeBeats:
    return actions.write_beats(sd, session.generator(req.model), n, variant, on_text, on_beat)


def rewrite_beat(sd: SeasonDir, req: SeasonRequest, n: int, index: int, variant: int, on_text: OnText) -> None:
    """One beat's words again; the other beats are kept exactly (then the episode is re-timed)."""
    actions.rewrite_beat(sd, session.generator(req.model), n, index, variant, on_text)


def write_script(sd: SeasonDir, req: SeasonRequest, n: int, variant: int,
                 on_text: OnText) -> tuple[EpisodeScript, bool]:
    """Episode ``n``'s script from its beats; returns it and whether an old shooting script was removed."""
    return actions.write_script(sd, session.generator(req.model), n, variant, on_text)


def make_shooting(sd: SeasonDir, n: int) -> None:
    """Episode ``n``'s shooting script (shots, breakdown) from its script."""
    actions.make_shooting(sd, n)
