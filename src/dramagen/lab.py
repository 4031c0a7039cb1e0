"""The prompt lab: compare prompt variants, models, sampling settings and seeds on the same tropes.

An **experiment** is a YAML file (``prompts/experiments/*.yaml``, schema :class:`Experiment`):
a grid over prompt *variants* × *models* × *sampling* settings × *tropes* × *seeds*, run up
to one *stage* (bible, plan, beats or script). Each cell of the grid is one short season
written by the normal pipeline (:class:`dramagen.pipeline.Runner`) into its own folder::

    OUT/
      lab.json                  the experiment as run (and its hash): a second `lab run` resumes
      runs/<id>/                a season folder (request, bible, plan, episodes/…, manifest.json)
      runs/<id>/run.json        the cell: variant, model, sampling, trope, seed, prompt hashes and
                                origins, model hash, versions, timing — all `lab rerun` needs
      results.csv, results.jsonl  one row per run: the cell and every metric (dramagen.metrics)
      report.html, plots/*.png  tables (metric by variant, mean ± sd over seeds), plots, and
                                side-by-side outputs of two variants for the same trope and seed

A **variant** is an overlay of ``prompts/``: a folder (``variants/beats-screen`` holding
``beats/action.j2`` overrides ``prompts/beats/action.j2``; every other template falls back
to ``prompts/``) and/or single files mapped onto template names. Every path stays inside
``prompts/``. Everything in an experiment file is checked (unknown keys, missing prompt
files, unknown tropes or models, an empty grid, a grid over the cell limit without
``--yes``) before anything is generated.

Cells that differ only in the prompts of a later stage share their bible and plan: when a
finished run of the same model, sampling, trope, seed and season request used bible and
plan templates whose hashes equal this variant's, its ``bible.json``/``plan.json`` (and
their stats) are copied instead of written again — the very bytes a fresh run writes, since
every slot is seeded from the run seed and its place. ``lab rerun`` never reuses: it writes
the whole season again and compares it file by file with the recorded one.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import math
import shutil
import statistics
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import __version__
from .errors import DramagenError, InputError, SeasonDataError
from .metrics import METRICS, season_dir_metrics
from .prompting import PromptLibrary, prompts_dir
from .season import SeasonDir, atomic_write_text
from .text import slug

__all__ = [
    "MAX_CELLS",
    "Cell",
    "Experiment",
    "LabResult",
    "SamplingSpec",
    "VariantSpec",
    "compare_runs",
    "load_experiment",
    "plan_cells",
    "rerun",
    "run_experiment",
    "write_report",
]

#: A grid with more cells than this needs ``--yes`` (``max_cells`` in the API).
MAX_CELLS = 50
LAB_VERSION = 1
LabStage = Literal["bible", "plan", "beats", "script"]
_SLUG = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$"

#: progress(done cells, total cells, run id, message)
LabProgress = Callable[[int, int, str, str], None]


# --------------------------------------------------------------------------- the experiment file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VariantSpec(_Strict):
    """One prompt variant: ``prompts/`` with some templates replaced."""

    name: str = Field(..., pattern=_SLUG, description="a short id: letters, digits, _ . -")
    description: str = ""
    overlay: list[str] = Field(default_factory=list,
                               description="folders under prompts/ searched before prompts/ (first wins)")
    files: dict[str, str] = Field(default_factory=dict,
                                  description="template name (beats/action.j2) → a file under prompts/")

    @field_validator("overlay", mode="before")
    @classmethod
    def _one(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else ([] if v is None else v)


class SamplingSpec(_Strict):
    """Sampling settings that replace the slot engine's defaults (unset: the default)."""

    name: str | None = Field(None, pattern=_SLUG)
    temperature: float | None = Field(None, ge=0.0, le=5.0)
    top_p: float | None = Field(None, gt=0.0, le=1.0)
    top_k: int | None = Field(None, ge=0)
    repetition_penalty: float | None = Field(None, gt=0.0, le=3.0)
    candidates: int | None = Field(None, ge=1, le=32, description="best-of-n candidates per slot")

    def overrides(self) -> dict[str, Any]:
        """The GenerationParams fields to replace in every model call."""
        return {k: getattr(self, k) for k in ("temperature", "top_p", "top_k", "repetition_penalty")
                if getattr(self, k) is not None}

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        short = {"temperature": "t", "top_p": "p", "top_k": "k", "repetition_penalty": "r", "candidates": "n"}
        parts = [f"{short[k]}{getattr(self, k):g}" for k in short if getattr(self, k) is not None]
        return "-".join(parts) or "default"


class SeasonSpec(_Strict):
    """The season each cell writes (short: the lab measures, it does not publish)."""

    episodes: int = Field(10, ge=10, le=100, description="planned episodes (the plan covers them all)")
    length: float = Field(75.0, ge=60.0, le=90.0)
    paywall: int = Field(5, ge=1)
    candidates: int = Field(6, ge=1, le=32)


class Experiment(_Strict):
    """A lab experiment (a YAML file): the grid and what to run."""

    name: str = Field(..., pattern=_SLUG)
    description: str = ""
    stage: LabStage = Field("beats", description="run up to this stage: bible, plan, beats or script")
    episodes: int = Field(3, ge=1, le=100, description="beats/script for the first N planned episodes")
    season: SeasonSpec = Field(default_factory=SeasonSpec)
    variants: list[VariantSpec] = Field(default_factory=list)
    models: list[str | None] = Field(default_factory=lambda: [None], description="registry names; null: the default")
    sampling: list[SamplingSpec] = Field(default_factory=lambda: [SamplingSpec()])
    tropes: list[str] = Field(default_factory=list, description="catalogue ids (dramagen tropes list)")
    seeds: list[int] = Field(default_factory=list)
    reuse: bool = Field(True, description="share bible and plan between cells whose bible/plan prompts are equal")

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, v: list[int]) -> list[int]:
        for s in v:
            if not 0 <= s < 2**32:
                raise ValueError(f"seed {s} is outside 0 to 2**32-1")
        return v

    def digest(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


_FIELDS_HELP = {
    "": "name, description, stage, episodes, season, variants, models, sampling, tropes, seeds, reuse",
    "season": "episodes, length, paywall, candidates",
    "variants": "name, description, overlay, files",
    "sampling": "name, temperature, top_p, top_k, repetition_penalty, candidates",
}


def _validation_error(e: ValidationError, where: str) -> InputError:
    err = e.errors()[0]
    loc = [str(x) for x in err["loc"]]
    field = ".".join(["experiment", *loc])
    if err["type"] == "extra_forbidden":
        parent = next((p for p in reversed(loc[:-1]) if not p.isdigit()), "")
        return InputError(field, loc[-1], f"one of the keys: {_FIELDS_HELP.get(parent, '')}",
                          f"unknown key in {where}")
    if err["type"] == "missing":
        return InputError(field, None, "a value (it is required)", where)
    msg = err["msg"].removeprefix("Value error, ")
    return InputError(field, err.get("input"), msg, where)


def parse_experiment(data: Any, where: str = "the experiment") -> Experiment:
    if not isinstance(data, dict):
        raise InputError("experiment", type(data).__name__, "a mapping of name, stage, variants, tropes, seeds…",
                         where)
    try:
        return Experiment(**data)
    except ValidationError as e:
        raise _validation_error(e, where) from None
    except TypeError as e:
        raise InputError("experiment", str(e), "a mapping of name, stage, variants, tropes, seeds…", where) from None


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file (YAML or JSON); every error is an InputError."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError("experiment", str(p), "a readable YAML file", e.strerror or str(e)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise InputError("experiment", str(p), "valid YAML", str(e).splitlines()[0]) from None
    return parse_experiment(data, str(p))


# --------------------------------------------------------------------------- variants and cells


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
        from .pipeline import make_request

        s = exp.season
        return make_request(trope=self.trope, episodes=s.episodes, length=s.length, paywall=s.paywall,
                            seed=self.seed, model=self.model, candidates=self.sampling.candidates or s.candidates)

    def episodes(self, exp: Experiment) -> list[int] | None:
        if exp.stage in ("bible", "plan"):
            return None
        return list(range(1, min(exp.episodes, exp.season.episodes) + 1))


def _slug(text: str) -> str:
    """A run id or experiment name: case and ``_.-`` kept (names of folders already on disk)."""
    return slug(text, 60, fold=False, lower=False, keep=r"A-Za-z0-9_.\-", trim_cut=False, fallback="x")


def _model_name(model: str | None) -> str:
    from .llm import resolve

    return resolve(model).name


def plan_cells(exp: Experiment, base: Path | None = None, *, check_models: bool = True) -> list[Cell]:
    """Every cell of the grid, after checking everything that can be checked without a model."""
    from .tropes import get_trope

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
    from .llm import GenerationParams

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
                        rid = _slug(f"{v.name}-{t}-s{seed}" + (f"-{m}" if len(models) > 1 else "")
                                    + (f"-{s.label}" if len(exp.sampling) > 1 else ""))
                        cells.append(Cell(id=rid, variant=v, model=m, sampling=s, trope=t, seed=seed, config=config))
    ids = [c.id for c in cells]
    if len(set(ids)) != len(ids):
        raise InputError("experiment", next(i for i in ids if ids.count(i) > 1), "cells with distinct names",
                         "two cells map to the same run folder name")
    for c in cells:
        c.request(exp)  # ranges of the season request (paywall, candidates…)
    return cells


# --------------------------------------------------------------------------- metering the model

_TLS = threading.local()


@dataclasses.dataclass
class Meter:
    """What a run asked of the model: sampling overrides in, tokens and seconds out."""

    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)
    tokens: int = 0
    seconds: float = 0.0
    calls: int = 0


def metered(gen: Any) -> Any:
    """Wrap ``gen.generate`` (once, in place) so that, inside :func:`metering`, every call
    uses the lab's sampling overrides and is timed. Outside it, calls pass unchanged;
    the generator keeps its class and ``capabilities`` (the slot engine batches by them)."""
    if getattr(gen, "_lab_metered", False):
        return gen
    orig = gen.generate

    def generate(prompts, params=None, **kw):
        meter: Meter | None = getattr(_TLS, "meter", None)
        if meter is None:
            return orig(prompts, params, **kw)
        if meter.overrides and params is not None:
            params = params.model_copy(update=meter.overrides)
        t0 = time.perf_counter()
        out = orig(prompts, params, **kw)
        meter.seconds += time.perf_counter() - t0
        meter.tokens += sum(getattr(c, "completion_tokens", 0) or 0 for c in out)
        meter.calls += 1
        return out

    try:  # the generator keeps its class and its declared capabilities (llm.base.Capabilities)
        gen.generate = generate
        gen._lab_metered = True
    except AttributeError:  # pragma: no cover - a generator refusing attributes: no overrides possible
        raise DramagenError(f"lab: cannot meter generator {type(gen).__name__}") from None
    return gen


class metering:  # a context manager used like a function
    def __init__(self, overrides: dict[str, Any]):
        self.meter = Meter(overrides=dict(overrides))

    def __enter__(self) -> Meter:
        self._prev = getattr(_TLS, "meter", None)
        _TLS.meter = self.meter
        return self.meter

    def __exit__(self, *exc: Any) -> None:
        _TLS.meter = self._prev


# --------------------------------------------------------------------------- one run

_REUSE_FILES = ("request.json", "premise.json", "bible.json", "ledger.json", "plan.json", "bible.stats.json",
                "plan.stats.json")


def _rel(p: Path, base: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(base))
    except ValueError:
        return str(p)


def _stable_model_info(info: dict) -> dict:
    return {k: v for k, v in dict(info).items() if k not in ("load_seconds",)}


def _apply_overrides_to_manifest(run_dir: Path, sampling: SamplingSpec) -> None:
    """Make manifest.json's ``params`` say what was used (the lab's sampling overrides)."""
    over = sampling.overrides()
    path = run_dir / "manifest.json"
    if not path.exists() or not (over or sampling.candidates):
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    params = data.get("params", {})
    for v in params.values():
        if isinstance(v, dict):
            for k, val in over.items():
                if k in v:
                    v[k] = val
    if over or sampling.candidates:
        params["lab.sampling"] = {**over, **({"candidates": sampling.candidates} if sampling.candidates else {})}
    data["params"] = params
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _donor_manifest(donor: Path, dest: Path) -> None:
    """The donor's manifest cut back to what a fresh run has written after its plan step."""
    src = donor / "manifest.json"
    if not src.exists():
        return
    data = json.loads(src.read_text(encoding="utf-8"))
    data["prompts"] = {k: v for k, v in data.get("prompts", {}).items() if k.startswith(("bible/", "plan/"))}
    data["params"] = {k: v for k, v in data.get("params", {}).items() if k.startswith(("bible.", "plan."))}
    data["seconds"] = {k: v for k, v in data.get("seconds", {}).items() if k in ("bible", "plan")}
    atomic_write_text(dest / "manifest.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def run_cell(cell: Cell, exp: Experiment, run_dir: Path, generator: Any, *, donor: Path | None = None,
             progress: Callable[[str, int, int, str], None] | None = None, experiment_sha: str = "",
             created: dt.date | None = None) -> dict:
    """Write one cell's season into ``run_dir`` (which must not hold a season) and its run.json
    (``created``: the season's date, a rerun's the recorded run's; default today)."""
    from .pipeline import Runner, SeasonState, open_season, resolve_trope

    request = cell.request(exp)
    if created is not None:
        request = request.model_copy(update={"created": created})
    lib = cell.variant.library()
    run_dir.mkdir(parents=True, exist_ok=True)
    reused = None
    if donor is not None:
        for name in _REUSE_FILES:
            if (donor / name).exists():
                shutil.copyfile(donor / name, run_dir / name)
        _donor_manifest(donor, run_dir)
        reused = {"from": donor.name, "parts": ["bible", "plan"]}
    request = open_season(run_dir, request, resume=donor is not None)
    gen = metered(generator)
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    with metering(cell.sampling.overrides()) as meter:
        runner = Runner(generator=gen, out=run_dir, progress=progress, prompts=lib, episodes=cell.episodes(exp))
        runner.chain(exp.stage).invoke(SeasonState(request=request, trope=resolve_trope(request)))
    wall = time.perf_counter() - t0
    _apply_overrides_to_manifest(run_dir, cell.sampling)
    manifest = SeasonDir(run_dir).load_manifest()
    prompts = dict(manifest.prompts) if manifest else {}
    record = {
        "lab_version": LAB_VERSION,
        "id": cell.id,
        "experiment": exp.name,
        "experiment_sha256": experiment_sha,
        "status": "done",
        "stage": exp.stage,
        "episodes": cell.episodes(exp),
        "config": cell.config,
        "cell": {"variant": cell.variant.name, "model": cell.model, "sampling": cell.sampling.label,
                 "trope": cell.trope, "seed": cell.seed},
        "variant": cell.variant.spec.model_dump(),
        "sampling": cell.sampling.model_dump(exclude_none=True),
        "season": exp.season.model_dump(),
        "request": request.model_dump(mode="json"),
        "prompts": prompts,
        "prompt_origins": {n: _rel(lib.origin(n), cell.variant.base) for n in sorted(prompts)},
        "model": _stable_model_info(getattr(gen, "info", {}) or {}),
        "versions": {"dramagen": __version__, **(manifest.versions if manifest else {})},
        "reused": reused,
        "timing": {"started": started, "seconds": round(wall, 3), "gen_seconds": round(meter.seconds, 3),
                   "tokens": meter.tokens, "calls": meter.calls},
    }
    atomic_write_text(run_dir / "run.json", json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return record


def _donor_key(cell: Cell, exp: Experiment) -> tuple:
    return (cell.model, cell.sampling.model_dump_json(), cell.trope, cell.seed, exp.season.model_dump_json())


def _find_donor(cell: Cell, exp: Experiment, donors: dict[tuple, list[Path]]) -> Path | None:
    """A finished run whose bible and plan this cell would write byte for byte."""
    if not exp.reuse or exp.stage in ("bible", "plan"):
        return None
    lib = cell.variant.library()
    for d in donors.get(_donor_key(cell, exp), []):
        try:
            rec = json.loads((d / "run.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        early = {k: v for k, v in rec.get("prompts", {}).items() if k.startswith(("bible/", "plan/"))}
        if not early:
            continue
        try:
            if all(lib.source_hash(k) == v for k, v in early.items()):
                return d
        except DramagenError:
            continue
    return None


# --------------------------------------------------------------------------- the lab


@dataclasses.dataclass
class LabResult:
    out: Path
    rows: list[dict]
    cells: int
    ran: int
    skipped: int
    failed: int
    report: Path | None = None


def _default_generator_for(model: str) -> Any:
    from .llm import load_generator

    return load_generator(model)


def _prepare_out(out: Path, exp: Experiment) -> None:
    lab_json = out / "lab.json"
    if out.exists() and not out.is_dir():
        raise InputError("out", str(out), "a folder (this is a file)")
    if lab_json.exists():
        try:
            old = json.loads(lab_json.read_text(encoding="utf-8"))
        except ValueError:
            old = {}
        if old.get("experiment_sha256") != exp.digest():
            raise InputError("out", str(out), "a new folder, or the folder of this same experiment (to resume it)",
                             f"it holds the results of another experiment ({old.get('experiment', {}).get('name')!r} "
                             "or an edited version)")
    elif out.exists() and any(out.iterdir()):
        raise InputError("out", str(out), "a new or empty folder", "it holds other files")
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(lab_json, json.dumps({"lab_version": LAB_VERSION, "dramagen": __version__,
                                            "experiment_sha256": exp.digest(),
                                            "experiment": exp.model_dump(mode="json")}, indent=2) + "\n")


def run_experiment(exp: Experiment, out: str | Path, *, yes: bool = False, max_cells: int = MAX_CELLS,
                   generator_for: Callable[[str], Any] | None = None, progress: LabProgress | None = None,
                   base: Path | None = None, report: bool = True) -> LabResult:
    """Run every cell of ``exp`` into ``out`` (resuming: finished cells are kept), then
    write results.csv, results.jsonl and report.html. Every check happens before the first
    generation."""
    out = Path(out)
    cells = plan_cells(exp, base)
    if len(cells) > max_cells and not yes:
        raise InputError("grid", len(cells), f"at most {max_cells} cells without --yes",
                         f"{len(exp.variants)} variants × {len(exp.models)} models × {len(exp.sampling)} sampling × "
                         f"{len(exp.tropes)} tropes × {len(exp.seeds)} seeds; add --yes to run them all")
    _prepare_out(out, exp)
    generator_for = generator_for or _default_generator_for
    sha = exp.digest()
    donors: dict[tuple, list[Path]] = {}
    ran = skipped = failed = 0
    for i, cell in enumerate(cells):
        run_dir = out / "runs" / cell.id
        rec_path = run_dir / "run.json"
        if rec_path.exists():
            try:
                status = json.loads(rec_path.read_text(encoding="utf-8")).get("status")
            except ValueError:
                status = None
            if status == "done":
                skipped += 1
                donors.setdefault(_donor_key(cell, exp), []).append(run_dir)
                if progress:
                    progress(i + 1, len(cells), cell.id, "done before")
                continue
        if run_dir.exists():
            shutil.rmtree(run_dir)  # an interrupted cell: write it again from scratch
        if progress:
            progress(i, len(cells), cell.id, "starting")
        donor = _find_donor(cell, exp, donors)

        def tick(stage: str, done: int, total: int, msg: str, _i=i, _id=cell.id) -> None:
            if progress:
                progress(_i, len(cells), _id, f"{stage} {done}/{total} {msg}".strip())

        try:
            gen = generator_for(cell.model)
            run_cell(cell, exp, run_dir, gen, donor=donor, progress=tick, experiment_sha=sha)
        except DramagenError as e:
            failed += 1
            run_dir.mkdir(parents=True, exist_ok=True)
            atomic_write_text(rec_path, json.dumps({"lab_version": LAB_VERSION, "id": cell.id, "status": "failed",
                                                    "error": str(e), "config": cell.config,
                                                    "cell": {"variant": cell.variant.name, "model": cell.model,
                                                             "sampling": cell.sampling.label, "trope": cell.trope,
                                                             "seed": cell.seed}}, indent=2) + "\n")
            if progress:
                progress(i + 1, len(cells), cell.id, f"failed: {e}")
            continue
        ran += 1
        donors.setdefault(_donor_key(cell, exp), []).append(run_dir)
        if progress:
            progress(i + 1, len(cells), cell.id, "done" + (" (bible and plan shared)" if donor else ""))
    rows = collect(out, [c.id for c in cells])
    write_results(out, rows)
    rep = write_report(out, rows, exp) if report else None
    return LabResult(out=out, rows=rows, cells=len(cells), ran=ran, skipped=skipped, failed=failed, report=rep)


# --------------------------------------------------------------------------- results

CELL_COLUMNS = ("id", "config", "variant", "model", "sampling", "trope", "seed", "stage", "status", "reused")
COUNT_COLUMNS = ("episodes", "slots", "repaired", "regenerated", "fallback", "candidates_per_slot", "tokens",
                 "seconds")


def load_run(run_dir: str | Path) -> dict:
    p = Path(run_dir) / "run.json"
    if not p.exists():
        raise SeasonDataError(f"lab: {run_dir} is not a lab run (no run.json)")
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except ValueError as e:
        raise SeasonDataError(f"lab: {p} is not valid JSON: {e}") from None


def run_row(run_dir: Path) -> dict:
    """One results row: the cell, then every metric (recomputed from the files)."""
    rec = load_run(run_dir)
    cell = rec.get("cell", {})
    row: dict[str, Any] = {"id": rec.get("id", run_dir.name), "config": rec.get("config", cell.get("variant")),
                           **{k: cell.get(k) for k in ("variant", "model", "sampling", "trope", "seed")},
                           "stage": rec.get("stage"), "status": rec.get("status"),
                           "reused": bool(rec.get("reused"))}
    if rec.get("status") != "done":
        row["error"] = rec.get("error", "")
        return row
    t = rec.get("timing", {})
    m = season_dir_metrics(run_dir, rec.get("stage"), tokens=int(t.get("tokens", 0)),
                           gen_seconds=float(t.get("gen_seconds", 0.0)))
    row.update(m)
    row["seconds"] = t.get("seconds")
    return row


def collect(out: Path, ids: Sequence[str] | None = None) -> list[dict]:
    runs = out / "runs"
    names = list(ids) if ids is not None else sorted(p.name for p in runs.iterdir() if (p / "run.json").exists())
    return [run_row(runs / n) for n in names if (runs / n / "run.json").exists()]


def _columns(rows: Sequence[dict]) -> list[str]:
    cols = [*CELL_COLUMNS, *(m.name for m in METRICS), *COUNT_COLUMNS]
    extra = sorted({k for r in rows for k in r} - set(cols))
    return cols + extra


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return v


def write_results(out: Path, rows: Sequence[dict]) -> tuple[Path, Path]:
    cols = _columns(rows)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _csv_value(r.get(k)) for k in cols})
    atomic_write_text(out / "results.csv", buf.getvalue())
    atomic_write_text(out / "results.jsonl", "".join(json.dumps({k: r.get(k) for k in cols if k in r},
                                                                ensure_ascii=False) + "\n" for r in rows))
    return out / "results.csv", out / "results.jsonl"


def summarize(rows: Sequence[dict], metrics: Iterable[str], by: Sequence[str] = ("config",)) -> list[dict]:
    """Mean, sample standard deviation and n of each metric per group (done runs only)."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r.get("status") == "done":
            groups.setdefault(tuple(r.get(k) for k in by), []).append(r)
    out = []
    for key, rs in groups.items():
        entry: dict[str, Any] = dict(zip(by, key))
        entry["n"] = len(rs)
        for m in metrics:
            vals = [float(r[m]) for r in rs if r.get(m) is not None]
            entry[m] = {"mean": statistics.fmean(vals) if vals else None,
                        "sd": statistics.stdev(vals) if len(vals) > 1 else (0.0 if vals else None), "n": len(vals)}
        out.append(entry)
    return out


# --------------------------------------------------------------------------- report

#: The metrics drawn in the report's main figure (one panel each).
PLOT_METRICS = ("valid_rate", "runtime_error", "hook_rate", "cliffhanger_rate", "cliffhanger_type_match",
                "name_consistency", "repetition", "distinct_2", "fallback_rate", "regenerated_rate",
                "seconds_per_episode", "tokens_per_s")


def _fmt(v: Any, unit: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if unit == "rate":
            return f"{v:.3f}"
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)


def _plots(out: Path, rows: Sequence[dict], configs: list[str], tropes: list[str]) -> list[dict]:
    from .extras import require

    matplotlib = require("matplotlib", "lab")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plots_dir = out / "plots"
    plots_dir.mkdir(parents=True, exist_ok=True)
    done = [r for r in rows if r.get("status") == "done"]
    meta = {m.name: m for m in METRICS}
    colors = plt.get_cmap("tab10")
    trope_color = {t: colors(i % 10) for i, t in enumerate(tropes)}
    seeds = sorted({r["seed"] for r in done})
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    seed_marker = {s: markers[i % len(markers)] for i, s in enumerate(seeds)}
    figs = []

    # 1. every metric by config: each run a point (colour = trope, marker = seed), mean ± sd in black
    names = [m for m in PLOT_METRICS if any(r.get(m) is not None for r in done)]
    ncols = 4
    nrows = max(1, math.ceil(len(names) / ncols))
    width = max(12.0, 1.6 * len(configs) * ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, 3.1 * nrows + 1.2), squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    nt = max(1, len(tropes))
    for ax, name in zip(axes.flat, names):
        m = meta[name]
        for xi, cfg in enumerate(configs):
            rs = [r for r in done if r["config"] == cfg and r.get(name) is not None]
            vals = [float(r[name]) for r in rs]
            for r in rs:
                ti = tropes.index(r["trope"]) if r["trope"] in tropes else 0
                dx = -0.25 + 0.5 * (ti + 0.5) / nt + 0.03 * (seeds.index(r["seed"]) - (len(seeds) - 1) / 2)
                ax.scatter(xi + dx, float(r[name]), color=trope_color.get(r["trope"], "grey"),
                           marker=seed_marker.get(r["seed"], "o"), s=26, alpha=0.8, zorder=3, linewidths=0)
            if vals:
                mean = statistics.fmean(vals)
                sd = statistics.stdev(vals) if len(vals) > 1 else 0.0
                ax.errorbar(xi + 0.34, mean, yerr=sd, fmt="_", color="black", markersize=16, capsize=4,
                            elinewidth=1.4, zorder=4)
        ax.set_title(m.label + ("  ↑" if m.better == "higher" else "  ↓" if m.better == "lower" else ""),
                     fontsize=10)
        ax.set_xticks(range(len(configs)))
        ax.set_xticklabels(configs, fontsize=8, rotation=15 if len(configs) > 2 else 0)
        ax.set_xlim(-0.6, len(configs) - 0.4)
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="y", alpha=0.3)
        if m.unit == "rate":
            lo = min([0.0] + [float(r[name]) for r in done if r.get(name) is not None])
            hi = max([1.0] + [float(r[name]) for r in done if r.get(name) is not None])
            if name in ("runtime_error", "repetition", "fallback_rate", "regenerated_rate", "repaired_rate"):
                hi = max(0.05, 1.15 * max([float(r[name]) for r in done if r.get(name) is not None] or [0.05]))
            ax.set_ylim(lo - 0.03 * (hi - lo), hi + 0.05 * (hi - lo))
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=trope_color[t], marker="o", linestyle="", label=t) for t in tropes]
    handles += [Line2D([], [], color="grey", marker=seed_marker[s], linestyle="", label=f"seed {s}") for s in seeds]
    handles.append(Line2D([], [], color="black", marker="_", markersize=14, linestyle="", label="mean ± sd"))
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 8), fontsize=9, frameon=False)
    fig.suptitle("Metrics by variant (each point one run; ↑ higher is better, ↓ lower is better)", fontsize=12)
    fig.tight_layout(rect=(0, 0.06 if nrows > 1 else 0.1, 1, 0.97))
    p = plots_dir / "metrics.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    figs.append({"title": "Every metric by variant", "path": p,
                 "caption": "Each point is one run (colour: trope, marker: seed); the black bar is the mean ± "
                            "sample standard deviation over all runs of the variant. Latency (s / episode) and "
                            "tokens/s depend on the machine and its load while each run ran."})

    # 2. key metrics by trope and config: grouped bars, error bars over seeds
    key = [m for m in ("valid_rate", "runtime_error", "distinct_2", "repetition", "fallback_rate",
                       "name_consistency") if any(r.get(m) is not None for r in done)]
    if key and tropes:
        kc = min(3, len(key))
        kr = math.ceil(len(key) / kc)
        width = min(18.0, max(11.0, 0.75 * len(tropes) * len(configs) * kc))
        fig, axes = plt.subplots(kr, kc, figsize=(width, 3.2 * kr + 0.9), squeeze=False)
        for ax in axes.flat[len(key):]:
            ax.set_visible(False)
        width = 0.8 / max(1, len(configs))
        ccol = plt.get_cmap("Set2")
        for ax, name in zip(axes.flat, key):
            m = meta[name]
            for ci, cfg in enumerate(configs):
                means, sds = [], []
                for t in tropes:
                    vals = [float(r[name]) for r in done if r["config"] == cfg and r["trope"] == t
                            and r.get(name) is not None]
                    means.append(statistics.fmean(vals) if vals else float("nan"))
                    sds.append(statistics.stdev(vals) if len(vals) > 1 else 0.0)
                xs = [ti - 0.4 + width * (ci + 0.5) for ti in range(len(tropes))]
                ax.bar(xs, means, width=width * 0.92, yerr=sds, capsize=3, color=ccol(ci % 8), label=cfg,
                       error_kw={"elinewidth": 1})
            ax.set_title(m.label + ("  ↑" if m.better == "higher" else "  ↓" if m.better == "lower" else ""),
                         fontsize=10)
            ax.set_xticks(range(len(tropes)))
            ax.set_xticklabels(tropes, fontsize=8)
            ax.tick_params(axis="y", labelsize=8)
            ax.grid(axis="y", alpha=0.3)
            if m.unit == "rate":
                ax.set_ylim(bottom=0)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), fontsize=9, frameon=False)
        fig.suptitle("Key metrics by trope (bars: mean over seeds, whiskers: sd)", fontsize=12)
        fig.tight_layout(rect=(0, 0.07 if kr > 1 else 0.12, 1, 0.95))
        p = plots_dir / "by_trope.png"
        fig.savefig(p, dpi=110)
        plt.close(fig)
        figs.append({"title": "Key metrics by trope", "path": p,
                     "caption": "Bars: mean over seeds of each variant on each trope; whiskers: sample standard "
                                "deviation over seeds."})
    return figs


def _data_uri(path: Path) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def write_report(out: Path, rows: Sequence[dict], exp: Experiment | None = None, *, pairs: int = 1) -> Path:
    """report.html (and plots/*.png): summary table by variant, per-trope table, every run,
    metric definitions, and side-by-side outputs of the first two variants (trope by trope,
    first seed)."""
    from .export import templates

    if exp is None:
        exp = parse_experiment(json.loads((out / "lab.json").read_text(encoding="utf-8"))["experiment"])
    done = [r for r in rows if r.get("status") == "done"]
    configs = list(dict.fromkeys(r["config"] for r in rows))
    tropes = list(dict.fromkeys(r["trope"] for r in rows))
    figs = _plots(out, rows, configs, tropes) if done else []
    metric_names = [m.name for m in METRICS]
    summary = summarize(rows, metric_names)
    by_trope = summarize(rows, [m for m in PLOT_METRICS], by=("trope", "config"))
    meta = {m.name: m for m in METRICS}
    best: dict[str, str] = {}
    for m in METRICS:
        vals = [(s[m.name]["mean"], s["config"]) for s in summary if s[m.name]["mean"] is not None]
        if len(vals) > 1 and m.better:
            top = (max if m.better == "higher" else min)(v for v, _ in vals)
            winners = [c for v, c in vals if abs(v - top) <= 1e-9 * max(1.0, abs(top))]
            if len(winners) == 1:  # a tie highlights nothing
                best[m.name] = winners[0]
    sides = []
    if len(configs) >= 2:
        a_cfg, b_cfg = configs[0], configs[1]
        for t in tropes:
            ra = next((r for r in done if r["config"] == a_cfg and r["trope"] == t), None)
            rb = next((r for r in done if r["config"] == b_cfg and r["trope"] == t and ra is not None
                       and r["seed"] == ra["seed"]), None)
            if ra and rb:
                sides.append(compare_runs(out / "runs" / ra["id"], out / "runs" / rb["id"]))
    html = templates().render(
        "lab_report.html.j2", exp=exp, rows=rows, done=len(done), failed=len(rows) - len(done),
        configs=configs, tropes=tropes, summary=summary, by_trope=by_trope, metrics=METRICS, meta=meta,
        plot_metrics=PLOT_METRICS, best=best, figs=[{**f, "src": _data_uri(f["path"]),
                                                    "file": f["path"].relative_to(out).as_posix()} for f in figs],
        sides=sides, fmt=_fmt, version=__version__,
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")).text
    atomic_write_text(out / "report.html", html)
    return out / "report.html"


def report(out: str | Path) -> LabResult:
    """Recompute results.csv/jsonl and report.html from the run folders on disk."""
    out = Path(out)
    if not (out / "lab.json").exists():
        raise InputError("lab", str(out), "a lab folder (with lab.json), as written by `dramagen lab run`")
    exp = parse_experiment(json.loads((out / "lab.json").read_text(encoding="utf-8"))["experiment"])
    try:
        ids = [c.id for c in plan_cells(exp, check_models=False)]
    except DramagenError:
        ids = None
    rows = collect(out, ids)
    write_results(out, rows)
    rep = write_report(out, rows, exp)
    return LabResult(out=out, rows=rows, cells=len(rows), ran=0, skipped=len(rows),
                     failed=sum(1 for r in rows if r.get("status") != "done"), report=rep)


# --------------------------------------------------------------------------- compare


def _beat_rows(sd: SeasonDir, n: int, bible) -> list[dict]:
    if not sd.beats_path(n).exists():
        return []
    rows = []
    for b in sd.load_beats(n).beats:
        lines = []
        for ln in b.lines:
            ch = bible.character(ln.character)
            cue = ch.cue if ch else ln.character.upper()
            lines.append(f"{cue}{f' ({ln.parenthetical})' if ln.parenthetical else ''}: {ln.text}")
        rows.append({"index": b.index, "kind": b.kind, "start": b.start, "end": b.end, "location": b.location,
                     "action": b.action, "lines": lines})
    return rows


def compare_runs(run_a: str | Path, run_b: str | Path, *, force: bool = True) -> dict:
    """Side by side: two runs' bibles, plans and beat sheets (episode by episode).

    ``force=False`` refuses runs of different tropes or seeds (the CLI's default)."""
    a, b = Path(run_a), Path(run_b)
    recs = []
    for p in (a, b):
        if not (p / "bible.json").exists():
            raise InputError("run", str(p), "a lab run or season folder (with bible.json)")
        recs.append(load_run(p) if (p / "run.json").exists() else {"id": p.name, "cell": {}})
    sa, sb = SeasonDir(a), SeasonDir(b)
    ra, rb = sa.load_request(), sb.load_request()
    if not force and (ra.trope, ra.seed) != (rb.trope, rb.seed):
        raise InputError("run_b", str(b), f"a run of the same trope and seed as {a.name} ({ra.trope}, seed {ra.seed})",
                         f"it is {rb.trope}, seed {rb.seed}; add --force to compare anyway")
    ba, bb = sa.load_bible(), sb.load_bible()
    pa = sa.load_plan() if sa.has_plan() else None
    pb = sb.load_plan() if sb.has_plan() else None
    eps = sorted(set(sa.episodes_done()) | set(sb.episodes_done()))
    if not eps and pa is not None and pb is not None:
        eps = [e.number for e in pa.episodes][: min(len(pa.episodes), len(pb.episodes))]
    episodes = []
    for n in eps:
        ea = pa.episode(n) if pa and n <= len(pa.episodes) else None
        eb = pb.episode(n) if pb and n <= len(pb.episodes) else None
        xa, xb = _beat_rows(sa, n, ba), _beat_rows(sb, n, bb)
        pairs_ = [(xa[i] if i < len(xa) else None, xb[i] if i < len(xb) else None)
                  for i in range(max(len(xa), len(xb)))]
        episodes.append({
            "number": n,
            "plan": [(ea.model_dump() if ea else None), (eb.model_dump() if eb else None)],
            "runtime": [sa.load_beats(n).runtime if sa.beats_path(n).exists() else None,
                        sb.load_beats(n).runtime if sb.beats_path(n).exists() else None],
            "beats": pairs_,
        })
    metrics = []
    for p in (a, b):
        try:
            metrics.append(season_dir_metrics(p, load_run(p).get("stage") if (p / "run.json").exists() else None))
        except DramagenError:
            metrics.append({})
    labels = []
    for p, rec in zip((a, b), recs):
        c = rec.get("cell", {})
        labels.append(rec.get("config") or c.get("variant") or p.name)
    if labels[0] == labels[1]:
        labels = [a.name, b.name]
    return {
        "runs": [str(a), str(b)], "ids": [recs[0].get("id", a.name), recs[1].get("id", b.name)], "labels": labels,
        "records": recs, "trope": ra.trope, "seeds": [ra.seed, rb.seed],
        "same": (ra.trope, ra.seed) == (rb.trope, rb.seed),
        "bible": [ba.model_dump(), bb.model_dump()], "episodes": episodes, "metrics": metrics,
        "prompts": _prompt_diff(recs),
    }


def _prompt_diff(recs: Sequence[dict]) -> list[dict]:
    pa, pb = recs[0].get("prompts", {}), recs[1].get("prompts", {})
    oa, ob = recs[0].get("prompt_origins", {}), recs[1].get("prompt_origins", {})
    out = []
    for name in sorted(set(pa) | set(pb)):
        if pa.get(name) != pb.get(name):
            out.append({"name": name, "a": oa.get(name, "—"), "b": ob.get(name, "—"),
                        "sha_a": (pa.get(name) or "")[:12], "sha_b": (pb.get(name) or "")[:12]})
    return out


def render_compare_html(cmp: dict) -> str:
    """A whole HTML page: two runs side by side (``lab_compare.html.j2``)."""
    from .export import templates

    return templates().render("lab_compare.html.j2", c=cmp, metrics=METRICS, fmt=_fmt, version=__version__).text


def render_compare_fragment(cmp: dict) -> tuple[str, str]:
    """``(html, css)``: the side-by-side fragment (``lab_side.html.j2``) and the lab's styles, to embed."""
    from .export import templates

    lib = templates()
    return (lib.render("lab_side.html.j2", c=cmp, metrics=METRICS, fmt=_fmt).text,
            lib.render("lab_style.css.j2").text)


# --------------------------------------------------------------------------- rerun


@dataclasses.dataclass
class RerunResult:
    original: Path
    out: Path
    identical: bool
    differences: list[str]
    compared: int
    #: how the model here differs from the recorded one (threads, dtype, sampler…), if at all
    notes: list[str] = dataclasses.field(default_factory=list)


def _generator_like(model: str, info: dict) -> tuple[Any, list[str]]:
    """The model as recorded: for the transformers backend, the recorded thread count, dtype,
    device and sampler (they change the arithmetic, hence the sampled text)."""
    from .llm import load_generator

    kw: dict[str, Any] = {}
    if info.get("backend") == "transformers":
        for k in ("threads", "dtype", "device"):
            if info.get(k):
                kw[k] = info[k]
        kw["fast"] = info.get("sampler", "generate") == "fastgen"
    try:
        return load_generator(model, **kw), []
    except DramagenError:
        raise
    except Exception as e:  # e.g. a recorded CUDA device that this machine lacks
        return load_generator(model), [f"model: could not load as recorded ({kw}): {e}; loaded with the defaults"]


def _normalized(path: Path) -> bytes:
    """A file's bytes for comparison; manifest.json without wall times (never reproducible)."""
    data = path.read_bytes()
    if path.name == "manifest.json":
        try:
            m = json.loads(data)
        except ValueError:
            return data
        m.pop("seconds", None)
        if isinstance(m.get("model"), dict):
            m["model"].pop("load_seconds", None)
        return json.dumps(m, sort_keys=True).encode()
    return data


def compare_trees(a: Path, b: Path, ignore: Iterable[str] = ("run.json",)) -> tuple[list[str], int]:
    """Files that differ between two season folders (manifest wall times ignored)."""
    skip = set(ignore)

    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*")
                if p.is_file() and p.name not in skip and not p.name.startswith(".")}

    fa, fb = files(a), files(b)
    diffs = [f"only in {a.name}: {f}" for f in sorted(fa - fb)] + [f"only in {b.name}: {f}" for f in sorted(fb - fa)]
    for f in sorted(fa & fb):
        if _normalized(a / f) != _normalized(b / f):
            diffs.append(f"differs: {f}")
    return diffs, len(fa | fb)


def _rerun_dest(src: Path) -> Path:
    """LAB/reruns/ID (then ID-2, ID-3…) for a lab run; RUN.rerun next to any other folder."""
    root = src.parent.parent / "reruns" if src.parent.name == "runs" else src.parent
    stem = src.name if src.parent.name == "runs" else src.name + ".rerun"
    dest, k = root / stem, 1
    while dest.exists() and any(dest.iterdir()):
        k += 1
        dest = root / f"{stem}-{k}"
    return dest


def rerun(run_dir: str | Path, out: str | Path | None = None, *, generator_for: Callable[[str], Any] | None = None,
          progress: Callable[[str, int, int, str], None] | None = None, base: Path | None = None) -> RerunResult:
    """Run a recorded cell again from its run.json (never reusing anything) and compare the files."""
    src = Path(run_dir)
    rec = load_run(src)
    if rec.get("status") != "done":
        raise InputError("run", str(src), "a finished run (run.json status done)", f"status {rec.get('status')!r}")
    try:
        variant = VariantSpec(**rec["variant"])
        sampling = SamplingSpec(**rec.get("sampling", {}))
        season = SeasonSpec(**rec["season"])
        cellinfo = rec["cell"]
    except (KeyError, ValidationError, TypeError) as e:
        raise SeasonDataError(f"lab: {src / 'run.json'} is incomplete ({e})") from None
    rv = resolve_variant(variant, base)
    lib = rv.library()
    changed = []
    for name, sha in sorted(rec.get("prompts", {}).items()):
        try:
            now = lib.source_hash(name)
        except DramagenError:
            now = "(missing)"
        if now != sha:
            changed.append(name)
    if changed:
        raise InputError("prompts", changed[0], "the prompt text recorded in run.json",
                         f"{len(changed)} template(s) changed since the run: {', '.join(changed)}")
    episodes = rec.get("episodes") or []
    exp = Experiment(name=_slug(rec.get("experiment", "rerun")), stage=rec["stage"],
                     episodes=max(episodes) if episodes else 1, season=season, variants=[variant],
                     sampling=[sampling], tropes=[cellinfo["trope"]], seeds=[cellinfo["seed"]],
                     models=[cellinfo["model"]], reuse=False)
    cell = Cell(id=rec["id"], variant=rv, model=cellinfo["model"], sampling=sampling, trope=cellinfo["trope"],
                seed=int(cellinfo["seed"]), config=rec.get("config", variant.name))
    dest = Path(out) if out else _rerun_dest(src)
    if dest.exists() and any(dest.iterdir()):
        raise InputError("out", str(dest), "a new or empty folder", "it holds files already")
    recorded = dict(rec.get("model") or {})
    notes: list[str] = []
    if generator_for is not None:
        gen = generator_for(cell.model)
    else:
        gen, notes = _generator_like(cell.model, recorded)
    info = _stable_model_info(getattr(gen, "info", {}) or {})
    want, have = recorded.get("sha256"), info.get("sha256")
    if want and have and want != have:
        raise InputError("model", cell.model, f"the model recorded in run.json (sha256 {want[:12]}…)",
                         f"the weights here hash to {have[:12]}…")
    for k in sorted(set(recorded) | set(info)):
        if recorded.get(k) != info.get(k):
            notes.append(f"model.{k}: recorded {recorded.get(k)!r}, here {info.get(k)!r}")
    try:  # the recorded season's date: its scripts' draft date
        created = dt.date.fromisoformat((rec.get("request") or {}).get("created") or "")
    except (TypeError, ValueError):
        created = None
    run_cell(cell, exp, dest, gen, progress=progress, experiment_sha=rec.get("experiment_sha256", ""),
             created=created)
    diffs, n = compare_trees(src, dest)
    return RerunResult(original=src, out=dest, identical=not diffs, differences=diffs, compared=n, notes=notes)
