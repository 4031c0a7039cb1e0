"""The writer's actions on a season folder, for any front end: write the bible, plan the season,
write or rewrite one episode's text, its beats, one beat, its script, its shooting script.

The studio (:mod:`dramagen.studio.steps`, with its cached model) and the CLI (``dramagen rewrite``)
call these; each runs the pipeline's own action (:mod:`dramagen.project.service`), so a season written
step by step has the same files as one written by ``dramagen generate``, then refreshes
``manifest.json`` and ``season.md`` as the pipeline does.

Another take of the same part is a numbered *take* (a variant: counted per part in the season's
``studio.json``, so a reopened season goes on counting); take 0 is what the pipeline writes, and
take ``k`` of a part always gives the same text for the same season (docs/architecture.md,
Determinism).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from ..core.models import Beat, EpisodeBeats, EpisodeScript, PinnedBible, SeasonPlan, SeasonRequest, SeriesBible
from ..core.seeding import derive_seed
from . import service
from .pipeline import Runner, SeasonState, resolve_trope
from .season import SeasonDir, atomic_write_text

TAKES_FILE = "studio.json"  # the season's take counters (the name predates the CLI's rewrite commands)

OnText = Callable[[str, str], None]


def _takes_meta(sd: SeasonDir) -> dict:
    p = sd.path / TAKES_FILE
    try:
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
    except (OSError, ValueError):
        return {}


def next_variant(sd: SeasonDir, key: str) -> int:
    """1, 2, 3… for each regeneration of ``key`` (recorded, so a reopened project goes on)."""
    meta = _takes_meta(sd)
    variants = meta.setdefault("variants", {})
    variants[key] = int(variants.get(key, 0)) + 1
    atomic_write_text(sd.path / TAKES_FILE, json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return variants[key]


def variant_seed(seed: int, key: str, variant: int) -> int:
    """The seed of take ``variant`` of ``key`` (take 0: the season's seed, as the pipeline writes it)."""
    return seed if variant == 0 else derive_seed(seed, "studio", key, variant)


def load_state(sd: SeasonDir) -> SeasonState:
    """The season on disk as a pipeline SeasonState (for the manifest and season.md)."""
    req = sd.load_request()
    st = SeasonState(request=req, trope=resolve_trope(req))
    if sd.has_bible():
        st.bible = sd.load_bible()
        st.stats["bible"] = sd.load_stats("bible.stats.json")
    if sd.has_plan():
        st.plan = sd.load_plan()
        st.stats["plan"] = sd.load_stats("plan.stats.json")
    for n in sd.episodes_done("beats"):
        st.beats[n] = sd.load_beats(n)
        st.stats[f"ep{n:03d}"] = sd.load_stats(sd.episode_stats_name(n))
    for n in sd.episodes_done("script"):
        st.scripts[n] = sd.load_script(n)
    for n in sd.episodes_done("shooting"):
        st.shootings[n] = sd.load_shooting(n)
    return st


def finish(sd: SeasonDir, generator: Any = None, runner: Runner | None = None, params: dict | None = None) -> None:
    """Refresh manifest.json and season.md (as the pipeline does); an edit keeps the manifest's model."""
    if runner is None:
        if generator is None:
            old = sd.load_manifest() if sd.manifest_path.exists() else None
            generator = SimpleNamespace(info=dict(old.model) if old else {})
        runner = Runner(generator=generator, out=sd.path)
    state = load_state(sd)
    atomic_write_text(sd.manifest_path, runner.manifest(state, params or {}).model_dump_json(indent=2) + "\n")
    runner.finish(state)


@dataclass
class Step:
    """One action's prelude and epilogue: the model, the runner on the folder, the write context."""

    sd: SeasonDir
    req: SeasonRequest
    generator: Any
    runner: Runner
    ctx: Any

    @classmethod
    def open(cls, sd: SeasonDir, generator: Any, on_text: OnText | None = None, take: str = "",
             variant: int = 0) -> Step:
        """The step with the season's seed, or take ``variant`` of part ``take`` (:func:`variant_seed`)."""
        from ..story.slots import WriteContext

        req = sd.load_request()
        seed = variant_seed(req.seed, take, variant) if take else req.seed
        runner = Runner(generator=generator, out=sd.path)
        ctx = WriteContext(generator=generator, seed=seed, candidates=req.candidates, prompts=runner.prompts,
                           stats={}, params={}, on_text=on_text, rating=req.rating)
        return cls(sd, req, generator, runner, ctx)

    @property
    def trope(self) -> Any:
        return resolve_trope(self.req)

    def finish(self, part: str | None = None) -> None:
        """The manifest (with this step's parameters under ``part``) and season.md."""
        params = {f"{part}.{k}": v for k, v in self.ctx.params.items()} if part else None
        finish(self.sd, self.generator, self.runner, params)


# --------------------------------------------------------------------------- the actions


def write_bible(sd: SeasonDir, generator: Any, pins: PinnedBible | None, variant: int = 0,
                on_text: OnText | None = None) -> SeriesBible:
    """The series bible (take ``variant``), keeping ``pins``."""
    st = Step.open(sd, generator, on_text, "bible", variant)
    bible = service.write_bible(st.ctx, st.trope, st.req, pins, sd)
    st.finish("bible")
    return bible


def plan(sd: SeasonDir, generator: Any, on_text: OnText | None = None) -> SeasonPlan:
    """The season plan with its story ledger (the pipeline's)."""
    st = Step.open(sd, generator, on_text)
    new = service.plan_season(st.ctx, st.trope, sd.load_bible(), st.req, sd)
    st.finish("plan")
    return new


def rewrite_plan_episode(sd: SeasonDir, generator: Any, n: int, variant: int,
                         on_text: OnText | None = None) -> SeasonPlan:
    """Episode ``n``'s title, synopsis and cliffhanger again; every other episode is kept exactly (edits too)."""
    st = Step.open(sd, generator, on_text)
    new = service.rewrite_plan_episode(st.ctx, st.trope, sd, n, variant)
    st.finish()
    return new


def write_beats(sd: SeasonDir, generator: Any, n: int, variant: int = 0, on_text: OnText | None = None,
                on_beat: Callable[[Beat], None] | None = None) -> EpisodeBeats:
    """Episode ``n``'s beat sheet (take ``variant``); ``on_beat`` hears each beat's first draft as it is written."""
    st = Step.open(sd, generator, on_text)
    bible = sd.load_bible()
    beats = service.write_beats(st.ctx, st.trope, bible, sd.load_plan().episode(n), st.req.seed, variant=variant,
                                on_beat=on_beat)
    service.store_episode(sd, n, st.ctx.stats, beats=beats)
    st.finish("episode")
    return beats


def rewrite_beat(sd: SeasonDir, generator: Any, n: int, index: int, variant: int,
                 on_text: OnText | None = None) -> EpisodeBeats:
    """One beat's words again; the other beats are kept exactly (then the episode is re-timed)."""
    st = Step.open(sd, generator, on_text)
    beats = service.rewrite_beat(st.ctx, st.trope, sd, n, index, variant)
    st.finish()
    return beats


def write_script(sd: SeasonDir, generator: Any, n: int, variant: int = 0,
                 on_text: OnText | None = None) -> tuple[EpisodeScript, bool]:
    """Episode ``n``'s script from its beats; returns it and whether an old shooting script was removed."""
    st = Step.open(sd, generator, on_text, f"script:{n}", variant)
    bible, ep = sd.load_bible(), sd.load_plan().episode(n)
    sc = service.write_script(st.ctx, st.trope, bible, ep, sd.load_beats(n))
    stats = sd.load_stats(sd.episode_stats_name(n))
    stats.update(st.ctx.stats)
    service.store_episode(sd, n, stats, script=sc, bible=bible, ep=ep)
    removed = service.discard_shooting(sd, n)
    st.finish()
    return sc, removed


def make_shooting(sd: SeasonDir, n: int) -> None:
    """Episode ``n``'s shooting script (shots, breakdown) from its script; no model."""
    shot = service.make_shooting(sd.load_script(n), sd.load_bible(), sd.load_request().seed)
    service.store_episode(sd, n, None, shooting=shot)
    finish(sd, None)
