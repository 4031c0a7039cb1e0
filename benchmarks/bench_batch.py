"""Batch benchmark: seasons per hour of `dramagen batch` at 1 and 2 workers on this machine's cores.

Usage: .venv/bin/python benchmarks/bench_batch.py [--workers 1 2] [--seasons 2] [--episodes 10]
       [--stop-after beats] [--candidates 6] [--cores N] [--model NAME] [--out DIR]

Each setting runs the same request file (``--seasons`` seasons of ``--episodes`` episodes, different
tropes and seeds, the default request otherwise: 75 s, candidates 6) as a fresh
``dramagen batch REQUESTS --out TMP --workers N`` subprocess, timed from start to exit (process
start and model loading included, as a user sees it). Threads per worker = cores / workers
(`dramagen batch` shares them out; with one worker ``DRAMAGEN_THREADS`` = cores). ``--cores N``
pins the runs to the first N cores (CPU affinity, as taskset).

Writes benchmarks/results/batch-<date>-<cpu|gpu>.json (``-<model>`` added for a non-default
model) and prints a table. ``--model stub`` runs the tests' stand-in model (seconds, to try the
script; needs the repository's tests/ package).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_generator import machine  # noqa: E402

TROPES = ["werewolf-rejected-mate", "hidden-heir", "billionaire-revenge", "twin-swap", "amnesia", "second-chance"]


def requests_yaml(seasons: int, episodes: int, stop_after: str, candidates: int | None, model: str | None) -> str:
    from dramagen.story.tropes import list_tropes

    known = {t.id for t in list_tropes()}
    tropes = [t for t in TROPES if t in known] + sorted(known - set(TROPES))
    rows = []
    for i in range(seasons):
        row = {"name": f"s{i + 1}", "trope": tropes[i % len(tropes)], "episodes": episodes, "seed": 100 + i,
               "stop_after": stop_after}
        if candidates is not None:
            row["candidates"] = candidates
        if model:
            row["model"] = model
        rows.append(row)
    return "".join(json.dumps(r) + "\n" for r in rows)


def run_setting(req: Path, workers: int, cores: list[int], env: dict, keep: Path | None) -> dict:
    out = (keep / f"workers{workers}") if keep else Path(tempfile.mkdtemp(prefix=f"bench-batch-w{workers}-"))
    threads = max(1, len(cores) // workers)
    env = {**env, "DRAMAGEN_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    cmd = [sys.executable, "-m", "dramagen", "batch", str(req), "--out", str(out), "--workers", str(workers),
           "--no-resume"]
    print(f"workers {workers} ({threads} thread(s) each on cores {cores}): {' '.join(cmd[1:])}", flush=True)
    t = time.perf_counter()
    r = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True,
                       preexec_fn=lambda: os.sched_setaffinity(0, cores))
    wall = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"batch failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    done = [e for e in events if e["event"] == "done"]
    episodes = sum(e["episodes"] for e in done)
    res = {"workers": workers, "threads_per_worker": threads, "seasons": len(done), "episodes": episodes,
           "wall_s": round(wall, 1), "season_s": {e["season"]: e["seconds"] for e in done},
           "worker_pids": len({e["pid"] for e in done}),
           "seasons_per_hour": round(len(done) / wall * 3600, 2),
           "episodes_per_hour": round(episodes / wall * 3600, 1)}
    if not keep:
        subprocess.run(["rm", "-rf", str(out)], check=False)
    print(f"  {res['seasons']} seasons in {res['wall_s']} s: {res['seasons_per_hour']} seasons/h", flush=True)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seasons", type=int, default=2, help="seasons in the request file (default 2)")
    ap.add_argument("--episodes", type=int, default=10, help="episodes per season, 10–100 (default 10)")
    ap.add_argument("--stop-after", default="beats", help="bible | plan | beats | script | shooting (default beats)")
    ap.add_argument("--candidates", type=int, default=None, help="best-of-n per slot (default: the request's, 6)")
    ap.add_argument("--cores", type=int, default=None, help="pin to the first N usable cores (default: all)")
    ap.add_argument("--model", default=None, help="registry name (default: the default model); `stub` to try")
    ap.add_argument("--keep", default=None, help="keep the batch folders here (default: temporary, removed)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args()

    usable = sorted(os.sched_getaffinity(0))
    cores = usable[: args.cores] if args.cores else usable
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "COLUMNS": "120"}
    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    if args.model == "stub":
        sys.path.insert(0, str(ROOT))
        from tests.stand_in import write_registry

        env.update({"DRAMAGEN_REGISTRY": str(write_registry(tmp / "registry.yaml")), "DRAMAGEN_STUB_PER_CALL": "1",
                    "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])})
    else:
        from dramagen.llm import resolve

        spec = resolve(args.model)
        if spec.source.kind != "openai" and not spec.is_fetched():
            raise SystemExit(f"model {spec.name} is not fetched: dramagen models pull {spec.name}")
    req = tmp / "requests.jsonl"
    req.write_text(requests_yaml(args.seasons, args.episodes, args.stop_after, args.candidates, args.model))

    result: dict = {"benchmark": "batch", "date": dt.datetime.now().isoformat(timespec="seconds"),
                    "command": " ".join([Path(sys.executable).name, *sys.argv]), "machine": machine(),
                    "cores_used": cores, "model": args.model or "default",
                    "requests": [json.loads(line) for line in req.read_text().splitlines()], "runs": []}
    keep = Path(args.keep) if args.keep else None
    for w in args.workers:
        result["runs"].append(run_setting(req, w, cores, env, keep))
    base = result["runs"][0]["seasons_per_hour"]
    for r in result["runs"]:
        r["speedup"] = round(r["seasons_per_hour"] / base, 2) if base else None
    subprocess.run(["rm", "-rf", str(tmp)], check=False)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    device = "gpu" if result["machine"].get("cuda") else "cpu"
    suffix = f"-{args.model.replace('/', '_')}" if args.model else ""
    path = out / f"batch-{dt.date.today().isoformat()}-{device}{suffix}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")

    m = result["machine"]
    print(f"\n{args.seasons} seasons × {args.episodes} episodes to {args.stop_after}, model {result['model']}, "
          f"{len(cores)} of {m['cores']} cores ({m['cpu']})")
    print(f"{'workers':>7} {'threads':>7} {'wall s':>8} {'s/season':>9} {'seasons/h':>10} {'episodes/h':>11} "
          f"{'speedup':>8}")
    for r in result["runs"]:
        print(f"{r['workers']:>7} {r['threads_per_worker']:>7} {r['wall_s']:>8} "
              f"{r['wall_s'] / max(r['seasons'], 1):>9.1f} {r['seasons_per_hour']:>10} {r['episodes_per_hour']:>11} "
              f"{r['speedup']:>8}")
    try:
        shown = path.relative_to(ROOT)
    except ValueError:
        shown = path
    print(f"written: {shown}")


if __name__ == "__main__":
    main()
