"""Batch seasons from a request file: resumable, parallel on one machine, or on a Ray cluster.

``REQUESTS`` is YAML (a list of mappings, or ``{seasons: [...]}``), JSON Lines or CSV, one
season request per row: trope (or custom), episodes, length, paywall, seed, model,
candidates, title / logline / characters / locations (pinned bible fields), formats,
and an optional ``name`` (the season's folder under DIR).

Each season is generated with :func:`dramagen.project.pipeline.generate_season` into its own
folder; every finished episode is on disk at once, so running the same command again
(or with ``--resume``) skips what is done. A season that fails keeps its error in
``DIR/NAME/error.json`` and the others go on. ``DIR/events.jsonl`` logs every event (start,
episode, done, failed), each with the pid and host of the process that did the work. A YAML
request file's ``schedule:`` step schedules the finished seasons together afterwards
(:mod:`dramagen.project.batch_schedule`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..core.errors import DramagenError, InputError
from ..core.models import SeasonRequest
from ..core.text import slug
from .batch_status import status  # noqa: F401 - dramagen.project.batch.status, as before
from .season import SeasonDir, atomic_write_text

REQUEST_KEYS = {"name", "trope", "custom", "custom_trope", "episodes", "length", "paywall", "seed", "model",
                "candidates", "title", "logline", "characters", "locations", "pins", "formats", "stop_after"}


@dataclass
class BatchRow:
    row: int  # 1-based row number in the file (data rows)
    name: str
    request: SeasonRequest
    formats: list[str] = field(default_factory=list)
    stop_after: str = "shooting"


@dataclass
class RowError:
    row: int
    message: str


def _slug(text: str) -> str:
    """A batch row's folder name (the same options as ever: it names folders on disk)."""
    return slug(text, 40, fold=False, trim_cut=False, fallback="season")


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The raw rows of a request file (YAML, JSON Lines or CSV)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError("requests", str(path), "a readable YAML, JSON Lines or CSV file", str(e)) from None
    except UnicodeDecodeError as e:
        raise InputError("requests", str(path), "a UTF-8 text file", f"byte {e.start} is not UTF-8") from None
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except (yaml.YAMLError, RecursionError) as e:
            raise InputError("requests", str(path), "valid YAML", str(e).splitlines()[0]) from None
        if isinstance(data, dict):
            data = data.get("seasons")
        if not isinstance(data, list):
            raise InputError("requests", str(path), "a YAML list of season requests (or a mapping with `seasons:`)")
        return [r if isinstance(r, dict) else {"__invalid__": r} for r in data]
    if suffix in (".jsonl", ".ndjson", ".json"):
        rows = []
        for i, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as e:
                obj = {"__invalid__": f"line {i}: not JSON ({getattr(e, 'msg', 'nested too deep')})"}
            rows.append(obj if isinstance(obj, dict) else {"__invalid__": f"line {i}: not a JSON object"})
        return rows
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        return [{k.strip(): (v.strip() if isinstance(v, str) else v) for k, v in r.items() if k and v not in ("", None)}
                for r in reader]
    raise InputError("requests", str(path), "a .yaml, .yml, .jsonl or .csv file")


def _listish(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [x.strip() for x in re.split(r"[;,]", v) if x.strip()]
    return [str(x) for x in v]


def parse_row(i: int, raw: dict[str, Any]) -> BatchRow:
    if "__invalid__" in raw:
        raise ValueError(str(raw["__invalid__"]))
    unknown = sorted(set(raw) - REQUEST_KEYS)
    if unknown:
        raise ValueError(f"unknown column(s) {', '.join(unknown)}; accepted: {', '.join(sorted(REQUEST_KEYS))}")
    r = dict(raw)
    custom = r.pop("custom", None)
    pins_raw = r.pop("pins", None) or {}
    if not isinstance(pins_raw, dict):
        raise ValueError(f"pins: {pins_raw!r:.60} is not a mapping; expected title, logline, characters, locations")
    pins: dict[str, Any] = dict(pins_raw)
    for k in ("title", "logline", "characters", "locations"):
        if k in r:
            v = r.pop(k)
            if isinstance(v, str) and k in ("characters", "locations"):
                try:
                    v = json.loads(v)
                except json.JSONDecodeError:
                    raise ValueError(f"{k}: expected a JSON list in the CSV cell") from None
            pins[k] = v
    formats = _listish(r.pop("formats", None))
    stop_after = str(r.pop("stop_after", "shooting"))
    name = r.pop("name", None)
    if custom:
        r["trope"], r["custom_trope"] = custom, True
    if "trope" not in r:
        raise ValueError("trope: missing (a catalogue id, or `custom` free text)")
    from .pipeline import STAGES, make_request, resolve_trope

    if stop_after not in STAGES:
        raise ValueError(f"stop_after: {stop_after!r}; accepted: {', '.join(STAGES)}")
    try:
        req = make_request(**r, pins=pins or None)
    except (TypeError, ValidationError) as e:
        raise ValueError(str(e)) from None
    resolve_trope(req)
    name = _slug(str(name)) if name else f"{i:03d}-{_slug(req.trope if not req.custom_trope else 'custom')}-s{req.seed}"
    return BatchRow(row=i, name=name, request=req, formats=formats, stop_after=stop_after)


def load_requests(path: Path) -> tuple[list[BatchRow], list[RowError]]:
    rows, errors = [], []
    for i, raw in enumerate(read_rows(path), 1):
        try:
            rows.append(parse_row(i, raw))
        except (ValueError, DramagenError) as e:
            errors.append(RowError(i, str(e)))
    return rows, errors


def preflight(rows: list[BatchRow], out: Path) -> None:
    """Refuse before any work: duplicate folders, an unwritable DIR, unknown models."""
    seen: dict[str, int] = {}
    for r in rows:
        if r.name in seen:
            raise InputError("name", r.name, "a distinct output folder per season",
                             f"rows {seen[r.name]} and {r.row} would both write {out / r.name}")
        seen[r.name] = r.row
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out) as probe:  # unlinked at once: a kill leaves nothing behind
            probe.write(b"ok")
    except OSError as e:
        raise InputError("out", str(out), "a writable folder", e.strerror or str(e)) from None
    from ..llm import resolve

    for m in sorted({r.request.model for r in rows if r.request.model}):
        resolve(m)
    if any(not r.request.model for r in rows):
        resolve(None)


# -- running one season ---------------------------------------------------------------------------
_GEN = None


def _cores() -> int:
    """The cores this process may use (its CPU affinity, e.g. under taskset), shared out among workers."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _init_worker(threads: int, model: str | None, preload: bool = True) -> None:
    """A worker process: its share of the cores, and the model loaded once (``preload``: when every
    row asks for the same model; otherwise each season loads its own)."""
    global _GEN
    import torch

    os.environ["DRAMAGEN_THREADS"] = str(threads)
    os.environ["OMP_NUM_THREADS"] = str(threads)
    torch.set_num_threads(threads)
    if preload:
        from ..llm import load_generator

        _GEN = load_generator(model, threads=threads)


def _log(out: Path, event: dict) -> None:
    line = json.dumps({"time": round(time.time(), 3), **event}, sort_keys=True) + "\n"
    with open(out / "events.jsonl", "a", encoding="utf-8") as f:
        f.write(line)
        f.flush()


def run_one(row: BatchRow, out: Path, generator=None, events: Callable[[dict], None] | None = None) -> dict:
    """Generate (or finish) one season; never raises for the season's own failures."""
    from .pipeline import generate_season
    from .season import SeasonDir

    gen = generator or _GEN
    folder = out / row.name
    season = SeasonDir(folder)
    t0 = time.perf_counter()
    sink = events or (lambda e: _log(out, e))
    worker = {"pid": os.getpid(), "host": socket.gethostname()}  # which process did the work

    def emit(e: dict) -> None:
        sink({**e, **worker})

    emit({"season": row.name, "event": "start", "row": row.row})
    try:
        if gen is None or (row.request.model and getattr(gen, "name", None) != row.request.model):
            from ..llm import load_generator

            gen = load_generator(row.request.model)

        from .pipeline import EPISODE_STAGES

        def progress(stage: str, done: int, total: int, msg: str) -> None:
            # the episodes step ticks under its last stage (beats, script or shooting)
            if stage in EPISODE_STAGES and done and msg.startswith("episode"):
                emit({"season": row.name, "event": "episode", "done": done, "total": total})

        generate_season(row.request, folder, generator=gen, resume=True, stop_after=row.stop_after,  # type: ignore[arg-type]
                        progress=progress)
        if row.formats:
            from ..screen.export.season_export import export_season

            export_season(folder, set(row.formats))
        (folder / "error.json").unlink(missing_ok=True)
        res = {"season": row.name, "event": "done", "episodes": len(season.episodes_done()),
               "seconds": round(time.perf_counter() - t0, 1)}
    except Exception as e:  # a failed season keeps its error and the batch goes on
        err = {"season": row.name, "row": row.row, "error": f"{type(e).__name__}: {e}",
               "traceback": traceback.format_exc(limit=8)}
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_text(folder / "error.json", json.dumps(err, indent=2) + "\n")
        res = {"season": row.name, "event": "failed", "error": err["error"],
               "episodes": len(season.episodes_done()), "seconds": round(time.perf_counter() - t0, 1)}
    res.update(worker)
    emit(res)
    return res


def _worker_run(row: BatchRow, out: str, queue=None) -> dict:
    emit = (lambda e: (queue.put(e), _log(Path(out), e))) if queue is not None else None
    return run_one(row, Path(out), events=emit)


# -- the batch ---------------------------------------------------------------------------------------
def run_batch(rows: list[BatchRow], out: Path, workers: int = 1, ray_address: str | None = None,
              on_event: Callable[[dict], None] | None = None, generator=None, schedule=None) -> list[dict]:
    """Every season of ``rows`` (a result row each, in row order); then, with ``schedule`` (a
    :class:`~dramagen.project.batch_schedule.BatchSchedule`, e.g. the request file's ``schedule:``), the
    finished seasons scheduled together: one more row, ``season: (schedule)``."""
    results = _run_seasons(rows, Path(out), workers, ray_address, on_event, generator)
    if schedule is not None:
        from .batch_schedule import schedule_step

        done = [r["season"] for r in results if r["event"] == "done"]
        res = schedule_step(Path(out), schedule if schedule.seasons else schedule.model_copy(
            update={"seasons": done}), generator)
        _log(Path(out), res)
        if on_event:
            on_event(res)
        results.append(res)
    return results


def _run_seasons(rows: list[BatchRow], out: Path, workers: int, ray_address: str | None,
                 on_event: Callable[[dict], None] | None, generator) -> list[dict]:
    preflight(rows, out)
    if ray_address:
        return _run_ray(rows, out, workers, ray_address, on_event)
    if workers <= 1:
        res = []
        for r in rows:
            def emit(e, _out=out):
                _log(_out, e)
                if on_event:
                    on_event(e)
            res.append(run_one(r, out, generator=generator, events=emit))
        return res
    import multiprocessing as mp

    cores = _cores()
    threads = max(1, cores // workers)
    ctx = mp.get_context("spawn")
    models = {r.request.model for r in rows}
    model = next(iter(models)) if len(models) == 1 else None
    with ctx.Manager() as manager:
        q = manager.Queue()
        results = []
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                 initargs=(threads, model, len(models) == 1)) as ex:
            futs = [ex.submit(_worker_run, r, str(out), q) for r in rows]
            pending = set(futs)
            while pending:
                while not q.empty():
                    e = q.get()
                    if on_event:
                        on_event(e)
                done = {f for f in pending if f.done()}
                pending -= done
                time.sleep(0.2)
            while not q.empty():
                if on_event:
                    on_event(q.get())
            for f in as_completed(futs):
                results.append(f.result())
    order = {r.name: i for i, r in enumerate(rows)}
    return sorted(results, key=lambda x: order[x["season"]])


class _SeasonWorker:
    """A Ray actor (``ray.remote(_SeasonWorker)``): its share of the cores, the model loaded once."""

    def __init__(self, threads: int, model: str | None, preload: bool = True):
        _init_worker(threads, model, preload)

    def run(self, row: BatchRow, out: str, queue=None) -> dict:
        def emit(e: dict) -> None:
            _log(Path(out), e)
            if queue is not None:
                queue.put(e)

        return run_one(row, Path(out), events=emit)


def _run_ray(rows: list[BatchRow], out: Path, workers: int, address: str,
             on_event: Callable[[dict], None] | None) -> list[dict]:
    from ..extras import require

    ray = require("ray", "ray", "batch --ray")
    from ray.util.queue import Queue
    started = not ray.is_initialized()
    if started:
        try:
            if address == "local":
                ray.init(num_cpus=max(workers, 1), include_dashboard=False, log_to_driver=False)
            else:
                ray.init(address=address, log_to_driver=False)
        except (ConnectionError, RuntimeError, ValueError) as e:  # no cluster there: one line, not a traceback
            raise InputError("ray", address, "a running Ray cluster's address, `auto` (one started with "
                             "`ray start --head`), or `local`", (str(e).splitlines() or [""])[0]) from None
    try:
        cores = _cores()
        threads = max(1, cores // max(workers, 1))
        models = {r.request.model for r in rows}
        model = next(iter(models)) if len(models) == 1 else None
        actor = ray.remote(num_cpus=1)(_SeasonWorker)
        queue = Queue(actor_options={"num_cpus": 0})  # the actors' events, back to the driver

        def drain() -> None:
            while not queue.empty():
                e = queue.get_nowait()
                if on_event:
                    on_event(e)

        idle = [actor.remote(threads, model, len(models) == 1) for _ in range(max(workers, 1))]
        todo, running, results = list(rows), {}, []
        while todo or running:
            while todo and idle:
                a, r = idle.pop(), todo.pop(0)
                running[a.run.remote(r, str(out), queue)] = (a, r)
            ready, _ = ray.wait(list(running), num_returns=1, timeout=0.2)
            drain()
            for ref in ready:
                a, r = running.pop(ref)
                try:
                    results.append(ray.get(ref))
                    idle.append(a)
                except ray.exceptions.RayError as e:  # the actor died (killed, out of memory): a new one
                    res = {"season": r.name, "event": "failed", "error": f"{type(e).__name__}: {e}"[:2000],
                           "episodes": len(SeasonDir(out / r.name).episodes_done())}
                    _log(out, res)
                    if on_event:
                        on_event(res)
                    results.append(res)
                    try:
                        ray.kill(a)
                    except Exception:  # already gone
                        pass
                    idle.append(actor.remote(threads, model, len(models) == 1))
        drain()
        for a in idle:
            ray.kill(a)
        ray.kill(queue.actor)
    finally:
        if started:
            ray.shutdown()
    order = {r.name: i for i, r in enumerate(rows)}
    return sorted(results, key=lambda x: order[x["season"]])
