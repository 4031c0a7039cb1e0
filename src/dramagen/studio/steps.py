"""The studio's generation steps on a season folder, without Gradio: write the bible, plan the
season, write or rewrite one episode's text, beats, one beat, the script, the shooting script.
What the pipeline does too is the same call (:mod:`dramagen.service`, the stages): a season
written step by step in the studio has the CLI's premise and bible; its plan does not carry
the story ledger's events yet (see :func:`plan`).

Each step opens a :class:`Stage` (the studio's generator, a :class:`~dramagen.pipeline.Runner`
on the folder, a write context with the step's seed and the job's ``on_text``), writes its
files and refreshes the manifest and ``season.md`` as the pipeline does. A regeneration is a
numbered *variant* (recorded in ``studio.json``, so a reopened project goes on counting).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import service
from ..models import EpisodeBeats, EpisodeScript, PinnedBible, SeasonPlan, SeasonRequest, SeriesBible
from ..season import SeasonDir, atomic_write_text
from . import session

STUDIO_FILE = "studio.json"  # the studio's own bookkeeping in a season folder (regeneration counters)

OnText = Callable[[str, str], None]


def _studio_meta(sd: SeasonDir) -> dict:
    p = sd.path / STUDIO_FILE
    try:
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
    except (OSError, ValueError):
        return {}


def next_variant(sd: SeasonDir, key: str) -> int:
    """1, 2, 3… for each regeneration of ``key`` (recorded, so a reopened project goes on)."""
    meta = _studio_meta(sd)
    variants = meta.setdefault("variants", {})
    variants[key] = int(variants.get(key, 0)) + 1
    atomic_write_text(sd.path / STUDIO_FILE, json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return variants[key]


def variant_seed(seed: int, key: str, variant: int) -> int:
    from ..seeding import derive_seed

    return seed if variant == 0 else derive_seed(seed, "studio", key, variant)


def trope_of(req: SeasonRequest):
    from ..pipeline import resolve_trope

    return resolve_trope(req)


def load_state(sd: SeasonDir):
    """The season on disk as a pipeline SeasonState (for the manifest and season.md)."""
    from ..pipeline import SeasonState

    req = sd.load_request()
    st = SeasonState(request=req, trope=trope_of(req))
    if sd.has_bible():
        st.bible = sd.load_bible()
        st.stats["bible"] = sd.load_stats("bible.stats.json")
    if sd.has_plan():
        st.plan = sd.load_plan()
        st.stats["plan"] = sd.load_stats("plan.stats.json")
    for n in sd.episodes_done("beats"):
        st.beats[n] = sd.load_beats(n)
        st.stats[f"ep{n:03d}"] = sd.load_stats(f"episodes/ep{n:03d}/stats.json")
    for n in sd.episodes_done("script"):
        st.scripts[n] = sd.load_script(n)
    for n in sd.episodes_done("shooting"):
        st.shootings[n] = sd.load_shooting(n)
    return st


def finish(sd: SeasonDir, generator: Any = None, runner: Any = None, params: dict | None = None) -> None:
    """Refresh manifest.json and season.md (as the CLI's pipeline does)."""
    from types import SimpleNamespace

    from ..pipeline import Runner

    if runner is None:
        if generator is None:  # an edit: keep the model the manifest already names
            old = sd.load_manifest() if sd.manifest_path.exists() else None
            generator = SimpleNamespace(info=dict(old.model) if old else {})
        runner = Runner(generator=generator, out=sd.path)
    state = load_state(sd)
    atomic_write_text(sd.manifest_path, runner.manifest(state, params or {}).model_dump_json(indent=2) + "\n")
    runner.finish(state)


@dataclass
class Stage:
    """One generation step's prelude and epilogue: the model, the runner on the folder, the context."""

    sd: SeasonDir
    req: SeasonRequest
    generator: Any
    runner: Any
    ctx: Any

    @classmethod
    def open(cls, sd: SeasonDir, req: SeasonRequest, seed: int, on_text: OnText | None) -> Stage:
        from ..pipeline import Runner
        from ..slots import WriteContext

        gen = session.generator(req.model)
        runner = Runner(generator=gen, out=sd.path)
        ctx = WriteContext(generator=gen, seed=seed, candidates=req.candidates, prompts=runner.prompts, stats={},
                           params={}, on_text=on_text, rating=req.rating)
        return cls(sd, req, gen, runner, ctx)

    @property
    def trope(self):
        return trope_of(self.req)

    def finish(self, part: str | None = None) -> None:
        """The manifest (with this step's parameters under ``part``) and season.md."""
        params = {f"{part}.{k}": v for k, v in self.ctx.params.items()} if part else None
        finish(self.sd, self.generator, self.runner, params)


# --------------------------------------------------------------------------- steps


def write_bible(sd: SeasonDir, req: SeasonRequest, pins: PinnedBible, variant: int, on_text: OnText) -> SeriesBible:
    from ..stages.bible import write_bible as _write

    st = Stage.open(sd, req, variant_seed(req.seed, "bible", variant), on_text)
    service.write_premise(sd, req)
    bible = _write(st.ctx, st.trope, pins)
    sd.write_stats("bible.stats.json", st.ctx.stats)
    sd.write_model(sd.bible_path, bible)
    st.finish("bible")
    return bible


def plan(sd: SeasonDir, req: SeasonRequest, on_text: OnText) -> SeasonPlan:
    from ..service import season_skeleton
    from ..stages.plan import write_plan_text

    st = Stage.open(sd, req, req.seed, on_text)
    bible = sd.load_bible()
    skeleton = season_skeleton(st.trope, bible, req, sd)  # the pipeline's: story ledger, an event per episode
    new = write_plan_text(st.ctx, skeleton, bible, st.trope)
    sd.write_stats("plan.stats.json", st.ctx.stats)
    sd.write_model(sd.plan_path, new)
    st.finish("plan")
    return new


def rewrite_plan_episode(sd: SeasonDir, req: SeasonRequest, n: int, variant: int, on_text: OnText) -> None:
    """Episode ``n``'s title, synopsis and cliffhanger again; every other episode is kept exactly (edits too)."""
    from ..stages.plan import write_plan_text

    st = Stage.open(sd, req, req.seed, on_text)
    bible, old = sd.load_bible(), sd.load_plan()
    new = write_plan_text(st.ctx, old, bible, st.trope, episodes=[n], variant=variant)
    eps = [new.episode(e.number) if e.number == n else e for e in old.episodes]
    sd.write_model(sd.plan_path, SeasonPlan(episodes=eps, paywall=old.paywall))
    st.finish()


def write_beats(sd: SeasonDir, req: SeasonRequest, n: int, variant: int, on_text: OnText) -> EpisodeBeats:
    from ..planner import layout_beats
    from ..stages.beats import write_beats as _write

    st = Stage.open(sd, req, req.seed, on_text)
    bible, ep = sd.load_bible(), sd.load_plan().episode(n)
    beats = _write(st.ctx, layout_beats(ep, bible, req.seed), ep, bible, st.trope, variant=variant)
    sd.write_stats(f"episodes/ep{n:03d}/stats.json", st.ctx.stats)
    sd.write_model(sd.beats_path(n), beats)
    st.finish("episode")
    return beats


def rewrite_beat(sd: SeasonDir, req: SeasonRequest, n: int, index: int, variant: int, on_text: OnText) -> None:
    """One beat's words again; the other beats are kept exactly (then the episode is re-timed)."""
    from ..planner import retime_episode
    from ..stages.beats import rewrite_beat as _rewrite

    st = Stage.open(sd, req, req.seed, on_text)
    old = sd.load_beats(n)
    bible, ep = sd.load_bible(), sd.load_plan().episode(n)
    res = _rewrite(st.ctx, old, index, ep, bible, st.trope, variant=variant)
    new_beat = res.beats[[b.index for b in res.beats].index(index)] if isinstance(res, EpisodeBeats) else res
    merged = old.model_copy(update={"beats": [new_beat if b.index == index else b for b in old.beats]})
    sd.write_model(sd.beats_path(n), retime_episode(merged, bible))
    st.finish()


def write_script(sd: SeasonDir, req: SeasonRequest, n: int, variant: int,
                 on_text: OnText) -> tuple[EpisodeScript, bool]:
    """Episode ``n``'s script from its beats; returns it and whether an old shooting script was removed."""
    from ..stages.script import write_script as _write

    st = Stage.open(sd, req, variant_seed(req.seed, f"script:{n}", variant), on_text)
    bible, ep = sd.load_bible(), sd.load_plan().episode(n)
    sc = _write(st.ctx, sd.load_beats(n), ep, bible, st.trope)
    stats = sd.load_stats(f"episodes/ep{n:03d}/stats.json")
    stats.update(st.ctx.stats)
    sd.write_stats(f"episodes/ep{n:03d}/stats.json", stats)
    service.write_fountain(sd, n, sc, bible, ep)
    sd.write_model(sd.script_path(n), sc)
    removed = sd.shooting_path(n).exists()
    sd.shooting_path(n).unlink(missing_ok=True)
    st.finish()
    return sc, removed


def make_shooting(sd: SeasonDir, n: int) -> None:
    """Episode ``n``'s shooting script (shots, breakdown) from its script."""
    from ..shooting import shooting_script

    shot = shooting_script(sd.load_script(n), sd.load_bible(), seed=sd.load_request().seed)
    sd.write_model(sd.shooting_path(n), shot)
    finish(sd, None)
