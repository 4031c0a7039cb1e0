"""The grid: prompt variants resolved inside ``prompts/`` and the cells of an experiment
(variant × model × sampling × trope × seed), all checked before anything is generated.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..core.errors import InputError
from ..core.prompting import PromptLibrary, prompts_dir
from ..core.text import slug
from .experiment import Experiment, SamplingSpec, VariantSpec


def _inside(base: Path, rel: str, field: str) -> Path:
    if not rel or Path(rel).is_absolute():
        raise InputError(field, rel, "a path relative to prompts/ (e.g. variants/beats-screen)")
    p = (base / rel).resolve()
    if p != base and base not in p.parents:
        raise InputError(field, rel, "a path inside prompts/", f"it resolves to {p}")
    return p


@dataclasses.dataclass(frozen=True)
class ResolvedVariant:
    spec: VariantSpec
    base: Path
    overlays: tuple[Path, ...]
    files: tuple[tuple[str, Path], ...]

    @property
    def name(self) -> str:
        return self.spec.name

    def library(self) -> PromptLibrary:
        return PromptLibrary.overlay(*self.overlays, files=dict(self.files), base=self.base)


def resolve_variant(spec: VariantSpec, base: Path | None = None, index: int = 0) -> ResolvedVariant:
    """Check a variant's paths (inside ``prompts/``, present, overriding real templates)."""
    base = (base or prompts_dir()).resolve()
    known = set(PromptLibrary(base).templates())
    where = f"experiment.variants.{index}"
    overlays = []
    for rel in spec.overlay:
        d = _inside(base, rel, f"{where}.overlay")
        if not d.is_dir():
            raise InputError(f"{where}.overlay", rel, "a folder under prompts/", f"variant {spec.name!r}: not found")
        mine = sorted(str(f.relative_to(d)) for f in d.rglob("*.j2"))
        if not mine:
            raise InputError(f"{where}.overlay", rel, "a folder holding .j2 templates (e.g. beats/action.j2)",
                             f"variant {spec.name!r}: no templates in {d}")
        for f in d.rglob("*"):
            r = f.resolve()
            if r != base and base not in r.parents:
                raise InputError(f"{where}.overlay", str(f.relative_to(d)), "files inside prompts/",
                                 f"variant {spec.name!r}: it links to {r}")
        if not set(mine) & known:
            raise InputError(f"{where}.overlay", rel, "templates that replace ones in prompts/ ("
                             + ", ".join(sorted(known)[:6]) + ", …)", f"variant {spec.name!r} overrides nothing")
        overlays.append(d)
    files = []
    for name, rel in sorted(spec.files.items()):
        if name not in known:
            raise InputError(f"{where}.files", name, "a template name in prompts/: " + ", ".join(sorted(known)),
                             f"variant {spec.name!r}")
        f = _inside(base, rel, f"{where}.files.{name}")
        if not f.is_file():
            raise InputError(f"{where}.files.{name}", rel, "a prompt file under prompts/",
                             f"variant {spec.name!r}: not found")
        files.append((name, f))
    return ResolvedVariant(spec=spec, base=base, overlays=tuple(overlays), files=tuple(files))


@dataclasses.dataclass(frozen=True)
class Cell:
    """One run of the grid."""

    id: str
    variant: ResolvedVariant
    model: str  # resolved registry name (or path/URL as given)
    sampling: SamplingSpec
    trope: str
    seed: int
    config: str  # the variant (+ model, + sampling where the grid varies them): the report's x axis

    def request(self, exp: Experiment):
        from ..project.pipeline import make_request

        s = exp.season
        return make_request(trope=self.trope, episodes=s.episodes, length=s.length, paywall=s.paywall,
                            seed=self.seed, model=self.model, candidates=self.sampling.candidates or s.candidates)

    def episodes(self, exp: Experiment) -> list[int] | None:
        if exp.stage in ("bible", "plan"):
            return None
        return list(range(1, min(exp.episodes, exp.season.episodes) + 1))


def run_slug(text: str) -> str:
    """A run id or experiment name: case and ``_.-`` kept (names of folders already on disk)."""
    return slug(text, 60, fold=False, lower=False, keep=r"A-Za-z0-9_.\-", trim_cut=False, fallback="x")


def _model_name(model: str | None) -> str:
    from ..llm import resolve

    return resolve(model).name


def plan_cells(exp: Experiment, base: Path | None = None, *, check_models: bool = True) -> list[Cell]:
    """Every cell of the grid, after checking everything that can be checked without a model."""
    from ..story.tropes import get_trope

    empty = [k for k in ("variants", "models", "sampling", "tropes", "seeds") if not getattr(exp, k)]
    if empty:
        raise InputError(f"experiment.{empty[0]}", [], f"at least one entry in {empty[0]}",
                         "the grid is empty: " + ", ".join(empty) + (" has" if len(empty) == 1 else " have")
                         + " no entries")
    for key, values in (("variants", [v.name for v in exp.variants]), ("tropes", exp.tropes),
                        ("seeds", exp.seeds), ("sampling", [s.label for s in exp.sampling]),
                        ("models", [m or "default" for m in exp.models])):
        dup = sorted({str(v) for v in values if values.count(v) > 1})
        if dup:
            raise InputError(f"experiment.{key}", dup[0], f"distinct {key}", f"{dup[0]!r} appears twice")
    if exp.season.paywall > exp.season.episodes:
        raise InputError("experiment.season.paywall", exp.season.paywall,
                         f"an episode number from 1 to {exp.season.episodes}")
    if exp.stage in ("beats", "script") and exp.episodes > exp.season.episodes:
        raise InputError("experiment.episodes", exp.episodes, f"1 to season.episodes ({exp.season.episodes})")
    for t in exp.tropes:
        get_trope(t)  # UnknownTropeError with suggestions
    variants = [resolve_variant(v, base, i) for i, v in enumerate(exp.variants)]
    models = [(_model_name(m) if check_models else (m or "default")) for m in exp.models]
    from ..llm import GenerationParams

    for s in exp.sampling:
        GenerationParams.make(**s.overrides())
    cells: list[Cell] = []
    for v in variants:
        for m in models:
            for s in exp.sampling:
                config = v.name + (f" · {m}" if len(models) > 1 else "") + (f" · {s.label}" if len(exp.sampling) > 1
                                                                             else "")
                for t in exp.tropes:
                    for seed in exp.seeds:
                        rid = run_slug(f"{v.name}-{t}-s{seed}" + (f"-{m}" if len(models) > 1 else "")
                                    + (f"-{s.label}" if len(exp.sampling) > 1 else ""))
                        cells.append(Cell(id=rid, variant=v, model=m, sampling=s, trope=t, seed=seed, config=config))
    ids = [c.id for c in cells]
    if len(set(ids)) != len(ids):
        raise InputError("experiment", next(i for i in ids if ids.count(i) > 1), "cells with distinct names",
                         "two cells map to the same run folder name")
    for c in cells:
        c.request(exp)  # ranges of the season request (paywall, candidates…)
    return cells
