"""The chain that runs the stages for a season or one episode.

Each stage is a langchain-core Runnable over a :class:`SeasonState`, so the CLI, the UI,
the batch runner and the lab call the same chain:

    bible_step | plan_step | episodes_step (beats → script → shooting, episode by episode)

Every finished artefact is written to the season folder at once (atomically), so a crash
loses at most the episode being written, and running again with ``resume`` continues
where it stopped and reproduces an uninterrupted run byte for byte (every slot's seed is
derived from the run seed and the slot's place, never from what ran before it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.metadata
import platform
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, ConfigDict, ValidationError

from .. import __version__
from ..core.errors import DramagenError, InputError
from ..core.models import (
    MAX_EPISODES,
    MIN_EPISODES,
    EpisodeBeats,
    EpisodeScript,
    PinnedBible,
    RunManifest,
    SeasonPlan,
    SeasonRequest,
    SeriesBible,
    ShootingScript,
    SlotStats,
    default_paywall,
)
from ..story.custom import custom_trope
from ..story.tropes import Trope, get_trope
from .season import SeasonDir, atomic_write_text, today

Stage = Literal["bible", "plan", "beats", "script", "shooting"]
STAGES: tuple[str, ...] = ("bible", "plan", "beats", "script", "shooting")
EPISODE_STAGES: tuple[str, ...] = ("beats", "script", "shooting")

#: progress(stage, done, total, message)
ProgressFn = Callable[[str, int, int, str], None]

_RANGES = {
    "episodes": "an integer from 10 to 100",
    "length": "a number of seconds from 60 to 90",
    "paywall": "an episode number from 1 to the number of episodes",
    "seed": "an integer from 0 to 2**32-1",
    "candidates": "an integer from 1 to 32",
    "rating": "one of: platform-safe, mature",
    "trope": "a catalogue id (dramagen tropes list) or 1–2000 characters of free text",
}


def make_request(**kw: Any) -> SeasonRequest:
    """A SeasonRequest, with pydantic errors turned into an InputError naming the field and range.
    Without a paywall, the last free episode is :func:`~dramagen.core.models.default_paywall` of the episodes."""
    episodes: Any = kw.get("episodes")
    if episodes is None:
        episodes = SeasonRequest.model_fields["episodes"].default
    try:  # 12, 12.0 and a CSV cell's "12" alike; anything else is refused below, by the request's own rules
        whole = float(episodes)
    except (TypeError, ValueError):
        whole = 0.5
    if kw.get("paywall") is None and whole.is_integer() and MIN_EPISODES <= whole <= MAX_EPISODES:
        kw = {**kw, "paywall": default_paywall(int(whole))}
    try:
        return SeasonRequest(**{k: v for k, v in kw.items() if v is not None})
    except ValidationError as e:
        err = e.errors()[0]
        loc = [str(x) for x in err["loc"]]
        field = ".".join(loc) or "request"
        msg = err["msg"].removeprefix("Value error, ")
        if not loc and msg.startswith("paywall"):
            raise InputError("paywall", kw.get("paywall"), _RANGES["paywall"], msg.split("(")[0].strip()) from None
        accepted = _RANGES.get(loc[0] if loc else "", msg)
        if loc and loc[0] == "pins":
            accepted = msg
        raise InputError(field, err.get("input"), accepted) from None


def resolve_trope(request: SeasonRequest) -> Trope:
    return custom_trope(request.trope, request.premise) if request.custom_trope else get_trope(request.trope)


class SeasonState(BaseModel):
    """What flows through the chain."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    request: SeasonRequest
    trope: Any  # Trope
    bible: SeriesBible | None = None
    plan: SeasonPlan | None = None
    beats: dict[int, EpisodeBeats] = {}
    scripts: dict[int, EpisodeScript] = {}
    shootings: dict[int, ShootingScript] = {}
    stats: dict[str, dict[str, SlotStats]] = {}  # part (bible, plan, ep001…) → slot kind → stats
    seconds: dict[str, float] = {}


@dataclasses.dataclass
class Runner:
    """Runs the stages with one generator, writing to ``out`` (or only in memory when None)."""

    generator: Any
    out: Path | None = None
    progress: ProgressFn | None = None
    on_text: Callable[[str, str], None] | None = None
    timing: Any = None  # TimingSettings
    episodes: Iterable[int] | None = None  # restrict the beats stage to these episodes
    force: bool = False  # rewrite episodes that are already done
    prompts: Any = None  # PromptLibrary (e.g. a lab variant's overlay); default: prompts/

    def __post_init__(self) -> None:
        from ..core.prompting import PromptLibrary, prompts_dir

        if self.prompts is None:
            self.prompts = PromptLibrary(prompts_dir())
        self.season = SeasonDir(self.out) if self.out else None

    # -- helpers ----------------------------------------------------------------------------
    def _ctx(self, request: SeasonRequest):
        from ..story.slots import WriteContext

        return WriteContext(generator=self.generator, seed=request.seed, candidates=request.candidates,
                            prompts=self.prompts, stats={}, params={}, on_text=self.on_text, rating=request.rating)

    def _tick(self, stage: str, done: int, total: int, msg: str = "") -> None:
        if self.progress:
            self.progress(stage, done, total, msg)

    def _save_manifest(self, state: SeasonState, ctx_params: dict | None = None) -> None:
        if not self.season:
            return
        atomic_write_text(self.season.manifest_path, self.manifest(state, ctx_params).model_dump_json(indent=2) + "\n")

    def manifest(self, state: SeasonState, ctx_params: dict | None = None) -> RunManifest:
        totals: dict[str, SlotStats] = {}
        for part in state.stats.values():
            for kind, st in part.items():
                totals.setdefault(kind, SlotStats()).add(st)
        old = self.season.load_manifest() if self.season and self.season.manifest_path.exists() else None
        params = dict(old.params) if old else {}
        params.update(ctx_params or {})
        prompts = dict(old.prompts) if old else {}
        prompts.update(self.prompts.used)
        n_eps = len(state.plan.episodes) if state.plan else -1
        stages = [s for s in STAGES if (s == "bible" and state.bible) or (s == "plan" and state.plan)
                  or (s == "beats" and len(state.beats) == n_eps) or (s == "script" and len(state.scripts) == n_eps)
                  or (s == "shooting" and len(state.shootings) == n_eps)]
        return RunManifest(
            dramagen_version=__version__, request=state.request, model=dict(getattr(self.generator, "info", {})),
            prompts=dict(sorted(prompts.items())), params=params, versions=_versions(),
            stats=dict(sorted(totals.items())), stages_done=stages, episodes_done=sorted(state.beats),
            seconds={**(old.seconds if old else {}), **state.seconds},
        )

    def _episode_stats(self, n: int) -> dict[str, SlotStats]:
        """An episode's stats on disk, for the stages whose file is there.

        stats.json is written before the stage files, so a run killed in between leaves
        stats of a stage that will run again (``script.*`` with no script.json): dropped here,
        they are not counted twice.
        """
        assert self.season is not None
        stats = self.season.load_stats(self.season.episode_stats_name(n))
        return {k: v for k, v in stats.items()
                if k.split(".", 1)[0] not in EPISODE_STAGES or self.season.stage_path(k.split(".", 1)[0], n).exists()}

    def _part_params(self, state: SeasonState, part: str, ctx, t0: float) -> dict:
        """Record a season-level part's stats and wall time; its parameters for the manifest."""
        state.stats[part] = ctx.stats
        state.seconds[part] = round(time.perf_counter() - t0, 2)
        return {f"{part}.{k}": v for k, v in ctx.params.items()}

    def _write_part(self, state: SeasonState, part: str, write: Callable) -> Any:
        """Run a season-level action (:mod:`dramagen.project.service`) and record it: the manifest is saved
        before the file that marks the part done (a run killed in between still names what wrote
        it), and again after."""
        ctx, t0 = self._ctx(state.request), time.perf_counter()

        def record(model: BaseModel) -> None:
            setattr(state, part, model)
            self._save_manifest(state, self._part_params(state, part, ctx, t0))

        model = write(ctx, record)
        setattr(state, part, model)
        self._save_manifest(state, self._part_params(state, part, ctx, t0))
        return model

    def _load_part(self, state: SeasonState, part: str) -> bool:
        """A season-level part (bible, plan) already on disk, into ``state``; whether it is there now."""
        sd = self.season
        if getattr(state, part) is None and sd and (sd.bible_path if part == "bible" else sd.plan_path).exists():
            setattr(state, part, sd.load_bible() if part == "bible" else sd.load_plan())
            state.stats[part] = sd.load_stats(f"{part}.stats.json")
        return getattr(state, part) is not None

    # -- stages -------------------------------------------------------------------------------
    def bible_step(self, state: SeasonState) -> SeasonState:
        from . import service

        if not self._load_part(state, "bible"):
            self._tick("bible", 0, 1, "writing the series bible")
            req = state.request
            self._write_part(state, "bible",
                             lambda ctx, rec: service.write_bible(ctx, state.trope, req, req.pins, self.season, rec))
        assert state.bible is not None
        self._tick("bible", 1, 1, state.bible.title)
        return state

    def plan_step(self, state: SeasonState) -> SeasonState:
        from . import service

        if not self._load_part(state, "plan"):
            req, bible = state.request, state.bible
            assert bible is not None
            self._tick("plan", 0, req.episodes, "planning the season")
            self._write_part(state, "plan",
                             lambda ctx, rec: service.plan_season(ctx, state.trope, bible, req, self.season, rec))
        assert state.plan is not None
        self._tick("plan", len(state.plan.episodes), len(state.plan.episodes), "season plan ready")
        return state

    def _load_done(self, state: SeasonState, levels: tuple[str, ...], wanted: list[int]) -> None:
        """What is on disk already, for the levels asked (kept unless ``force`` rewrites it)."""
        if not self.season:
            return
        store: dict[str, dict[int, Any]] = {"beats": state.beats, "script": state.scripts,
                                            "shooting": state.shootings}
        loaders: dict[str, Callable[[int], Any]] = {"beats": self.season.load_beats, "script": self.season.load_script,
                   "shooting": self.season.load_shooting}
        for level in levels:
            for n in self.season.episodes_done(level):
                if n not in store[level] and (n not in wanted or not self.force):
                    store[level][n] = loaders[level](n)
                    if level == "beats":
                        state.stats[f"ep{n:03d}"] = self._episode_stats(n)

    def _write_episode(self, state: SeasonState, n: int, levels: tuple[str, ...], params: dict,
                       draft_date) -> None:
        """Episode ``n``'s missing levels (:mod:`dramagen.project.service` actions), then its files at once."""
        from . import service

        plan, bible, req = state.plan, state.bible, state.request
        assert plan is not None and bible is not None
        ep = plan.episode(n)
        ctx = self._ctx(req)
        prev_stats = state.stats.get(f"ep{n:03d}", {}) if not self.force else {}
        ctx.stats.update({k: v.model_copy() for k, v in prev_stats.items()})
        if self.force or n not in state.beats:
            with _timed(state, "beats"):
                state.beats[n] = service.write_beats(ctx, state.trope, bible, ep, req.seed, settings=self.timing)
            state.scripts.pop(n, None)
            state.shootings.pop(n, None)
        if "script" in levels and n not in state.scripts:
            with _timed(state, "script"):
                state.scripts[n] = service.write_script(ctx, state.trope, bible, ep, state.beats[n],
                                                        settings=self.timing)
            state.shootings.pop(n, None)
        if "shooting" in levels and n not in state.shootings:
            with _timed(state, "shooting"):
                state.shootings[n] = service.make_shooting(state.scripts[n], bible, req.seed, self.timing)
        state.stats[f"ep{n:03d}"] = ctx.stats
        params.update({f"episode.{k}": v for k, v in ctx.params.items()})
        if self.season:  # stats and manifest first; the last stage's file marks the episode done
            service.store_episode(self.season, n, ctx.stats, beats=state.beats[n], script=state.scripts.get(n),
                                  shooting=state.shootings.get(n), bible=bible, ep=ep, draft_date=draft_date,
                                  record=lambda: self._save_manifest(state, params))
            self._save_manifest(state, params)

    def episodes_step(self, state: SeasonState, upto: str = "beats") -> SeasonState:
        """Beats, then script, then shooting script, episode by episode (each written at once)."""
        plan = state.plan
        assert plan is not None and state.bible is not None
        levels = EPISODE_STAGES[: EPISODE_STAGES.index(upto) + 1]
        wanted = sorted(set(self.episodes)) if self.episodes is not None else [e.number for e in plan.episodes]
        for n in wanted:
            if not 1 <= n <= len(plan.episodes):
                raise InputError("episode", n, f"an episode number from 1 to {len(plan.episodes)}")
        self._load_done(state, levels, wanted)
        levels_done: dict[str, dict[int, Any]] = {"beats": state.beats, "script": state.scripts,
                                                  "shooting": state.shootings}
        last = levels_done[levels[-1]]
        todo = [n for n in wanted if self.force or n not in last]
        total = len(wanted)
        done = total - len(todo)
        self._tick(upto, done, total, f"{done} episodes already written" if done else f"writing episodes ({upto})")
        t0 = time.perf_counter()
        params: dict = {}
        # the season's creation date (request.json): the same season gives the same bytes on any day
        draft_date = state.request.created or (self.season.draft_date() if self.season else today())
        for n in todo:
            self._write_episode(state, n, levels, params, draft_date)
            done += 1
            rt = state.scripts[n].estimated_seconds if n in state.scripts else state.beats[n].runtime
            self._tick(upto, done, total, f"episode {n}: {plan.episode(n).title} ({rt:.1f} s)")
        if todo:
            state.seconds["episodes"] = round(state.seconds.get("episodes", 0) + time.perf_counter() - t0, 2)
        if self.season:
            self._save_manifest(state, params)
        return state

    def finish(self, state: SeasonState) -> SeasonState:
        if self.season and state.bible and state.plan:
            from ..screen.export import render_season_md

            atomic_write_text(self.season.path / "season.md", render_season_md(state.bible, state.plan, state.beats))
            if state.shootings and len(state.shootings) == len(state.plan.episodes):
                from ..screen.shooting import stripboard

                self.season.write_model(self.season.path / "stripboard.json", stripboard(state.shootings, state.bible))
            self._save_manifest(state)
        return state

    def chain(self, stop_after: Stage = "shooting") -> Runnable:
        steps = [RunnableLambda(self.bible_step, name="bible")]
        if stop_after != "bible":
            steps.append(RunnableLambda(self.plan_step, name="plan"))
        if stop_after in EPISODE_STAGES:
            steps.append(RunnableLambda(lambda st: self.episodes_step(st, stop_after), name=f"episodes:{stop_after}"))
        steps.append(RunnableLambda(self.finish, name="finish"))
        chain: Runnable = steps[0]
        for s in steps[1:]:
            chain = chain | s
        return chain


@contextlib.contextmanager
def _timed(state: SeasonState, level: str) -> Iterator[None]:
    """Adds the block's wall seconds to ``state.seconds[level]`` (beats, script, shooting: the benchmark)."""
    t0 = time.perf_counter()
    try:
        yield
    finally:
        state.seconds[level] = round(state.seconds.get(level, 0) + time.perf_counter() - t0, 2)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in ("torch", "transformers", "langchain-core", "pydantic", "jinja2"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def open_season(out: Path, request: SeasonRequest | None, resume: bool) -> SeasonRequest:
    """Check the output folder against the request; return the request to run."""
    season = SeasonDir(out)
    if out.exists() and not out.is_dir():
        raise InputError("out", str(out), "a folder (this is a file)")
    if season.exists():
        old = season.load_request() if season.request_path.exists() else None
        if not resume:
            raise InputError("out", str(out), "a new or empty folder", "it holds a season already: add --resume "
                             "to continue it, or choose another folder")
        season.load_manifest()  # a damaged manifest is refused before anything is written
        diff = [k for k in SeasonRequest.model_fields if k != "created" and old and request
                and getattr(old, k) != getattr(request, k)]
        if diff:
            raise InputError(diff[0], getattr(request, diff[0]), f"{getattr(old, diff[0])!r} as in "
                             f"{season.request_path} (a resumed season keeps its request)")
        if old is not None and old.created is None:  # made before dates were recorded: the day it was written
            old = old.model_copy(update={"created": season.draft_date()})
        request = old or request
        season.remove_stale_temp()  # what a killed run was writing
    if request is None:
        raise InputError("trope", None, _RANGES["trope"])
    try:
        out.mkdir(parents=True, exist_ok=True)
        request = season.write_request(request)  # a new season is dated today; a resumed one keeps its date
    except OSError as e:
        raise InputError("out", str(out), "a writable folder", str(e)) from None
    return request


def generate_season(request: SeasonRequest | None, out: Path | None, *, generator=None, stop_after: Stage = "shooting",
                    resume: bool = False, progress: ProgressFn | None = None,
                    on_text: Callable[[str, str], None] | None = None, prompts: Any = None) -> SeasonState:
    """Generate (or resume) a season; each finished part is on disk at once when ``out`` is given."""
    if stop_after not in STAGES:
        raise InputError("stop_after", stop_after, "one of " + ", ".join(STAGES))
    if request is not None:
        resolve_trope(request)  # an unknown trope fails before anything is written
    if out is not None:
        request = open_season(Path(out), request, resume)
    assert request is not None
    trope = resolve_trope(request)
    if generator is None:
        from ..llm import load_generator

        generator = load_generator(request.model)
    runner = Runner(generator=generator, out=Path(out) if out else None, progress=progress, on_text=on_text,
                    prompts=prompts)
    state = SeasonState(request=request, trope=trope)
    try:
        return runner.chain(stop_after).invoke(state)
    except DramagenError:
        raise


def pins_from_file(path: Path) -> PinnedBible:
    import json

    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
        data = yaml.safe_load(text) if Path(path).suffix in (".yaml", ".yml") else json.loads(text)
    except (OSError, ValueError, yaml.YAMLError, RecursionError) as e:
        raise InputError("pins", str(path), "a readable YAML or JSON file", str(e).splitlines()[0]) from None
    try:
        return PinnedBible(**(data or {}))
    except (ValidationError, TypeError) as e:
        if isinstance(e, ValidationError):
            err = e.errors()[0]
            loc = ".".join(str(x) for x in err["loc"])
            raise InputError(f"pins.{loc}" if loc else "pins", err.get("input"),
                             err["msg"].removeprefix("Value error, ")) from None
        raise InputError("pins", str(path), "a mapping of title, logline, characters, locations") from None
