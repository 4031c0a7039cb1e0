"""``lab rerun``: write a recorded run again from its run.json (never reusing anything) and
compare the two folders file by file (manifest wall times aside).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.errors import DramagenError, InputError, SeasonDataError
from .experiment import Experiment, SamplingSpec, SeasonSpec, VariantSpec
from .grid import Cell, resolve_variant, run_slug
from .results import load_run
from .runner import run_cell, stable_model_info


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
    from ..llm import load_generator

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
    exp = Experiment(name=run_slug(rec.get("experiment", "rerun")), stage=rec["stage"],
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
    info = stable_model_info(getattr(gen, "info", {}) or {})
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
