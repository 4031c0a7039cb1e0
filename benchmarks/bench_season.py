"""Season benchmark: wall time of a whole season (bible, plan, beats) with the default model, and its check.

Usage: .venv/bin/python benchmarks/bench_season.py [--trope werewolf-rejected-mate] [--episodes 60]
       [--length 75] [--seed 7] [--candidates 6] [--out DIR]
Writes benchmarks/results/season-<episodes>ep-<date>.json and prints a summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_generator import machine  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trope", default="werewolf-rejected-mate")
    ap.add_argument("--episodes", type=int, default=60)
    ap.add_argument("--paywall", type=int, default=10)
    ap.add_argument("--length", type=float, default=75)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--candidates", type=int, default=6)
    ap.add_argument("--model", default=None)
    ap.add_argument("--stop-after", default="shooting", help="bible | plan | beats | script | shooting")
    ap.add_argument("--season", default=None, help="keep the season here (default: a temporary folder)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args()

    from dramagen.llm import load_generator
    from dramagen.project.pipeline import generate_season, make_request
    from dramagen.story.check import check_dir

    t0 = time.perf_counter()
    gen = load_generator(args.model)
    load_s = time.perf_counter() - t0
    req = make_request(trope=args.trope, episodes=args.episodes, paywall=args.paywall, length=args.length,
                       seed=args.seed, candidates=args.candidates, model=args.model)
    tmp = None
    if args.season:
        season = Path(args.season)
    else:
        tmp = tempfile.TemporaryDirectory()
        season = Path(tmp.name) / "season"
    last = [time.perf_counter()]

    def progress(stage, done, total, msg):
        now = time.perf_counter()
        if stage in ("beats", "script", "shooting") and done:
            print(f"  {stage} {done}/{total} (+{now - last[0]:.1f} s) {msg}", flush=True)
        last[0] = now

    t = time.perf_counter()
    state = generate_season(req, season, generator=gen, progress=progress, stop_after=args.stop_after)
    wall = time.perf_counter() - t
    report = check_dir(season)
    manifest = json.loads((season / "manifest.json").read_text())
    result = {
        "benchmark": "season", "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]), "machine": machine(),
        "request": req.model_dump(mode="json"), "stop_after": args.stop_after, "model": gen.info,
        "model_load_s": round(load_s, 2), "wall_s": round(wall, 1), "stage_s": state.seconds,
        "per_episode_s": round(state.seconds.get("episodes", 0) / args.episodes, 2),
        "check": {"ok": report.ok, "episodes": report.episodes, "passed": report.passed, "failed": report.failed,
                  "rules_failed": dict(report.rules())},
        "stats": manifest.get("stats", {}),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    day, device = dt.date.today().isoformat(), gen.info.get("device", "x")
    path = out / f"season-{args.episodes}ep-{args.stop_after}-{day}-{device}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{args.episodes} episodes of {args.trope} in {wall:.1f} s wall "
          f"({result['per_episode_s']} s/episode up to {args.stop_after}); "
          f"check: {report.passed}/{report.episodes} episodes pass")
    print(f"written: {path}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
