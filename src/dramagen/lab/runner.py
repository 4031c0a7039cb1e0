"""Running an experiment: one cell's season and its run.json (:func:`run_cell`), and the whole grid
(:func:`run_experiment`), resuming finished cells and sharing bible and plan between cells whose
bible and plan prompts are equal.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.errors import DramagenError, InputError
from ..project.season import SeasonDir, atomic_write_text
from .experiment import LAB_VERSION, MAX_CELLS, Experiment, SamplingSpec
from .grid import Cell, plan_cells
from .metering import metered, metering
from .reporting import write_report
from .results import LabResult, collect, write_results

#: progress(done cells, total cells, run id, message)
LabProgress = Callable[[int, int, str, str], None]

_REUSE_FILES = ("request.json", "premise.json", "bible.json", "ledger.json", "plan.json", "bible.stats.json",
                "plan.stats.json")


def _rel(p: Path, base: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(base))
    except ValueError:
        return str(p)


def stable_model_info(info: dict) -> dict:
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
    from ..project.pipeline import Runner, SeasonState, open_season, resolve_trope

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
        "model": stable_model_info(getattr(gen, "info", {}) or {}),
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


def _default_generator_for(model: str) -> Any:
    from ..llm import load_generator

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
