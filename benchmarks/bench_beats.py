"""Beats-stage benchmark: wall and CPU time of one episode's beats (the studio's "Write the beats" action).

Usage: DRAMAGEN_THREADS=2 .venv/bin/python benchmarks/bench_beats.py SEASON_DIR [--episode 1] [--reps 3]
       [--model NAME] [--trope hidden-heir] [--episodes 10] [--seed 7] [--stream]
SEASON_DIR gets the bible and the plan first when it has none (not timed). Each rep writes the episode's
beats again as take 0 (the season's own text) and prints its seconds and the sha256 of beats.json, so a
run before and after a change shows both the time and whether the bytes are the same. ``--stream``
passes an on-beat callback (as the studio does) and prints when each beat arrived.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("season")
    ap.add_argument("--episode", type=int, default=1)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--model", default=None)
    ap.add_argument("--trope", default="hidden-heir")
    ap.add_argument("--episodes", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--stream", action="store_true")
    args = ap.parse_args()

    from dramagen.core.models import SeasonRequest
    from dramagen.llm import load_generator
    from dramagen.project import actions
    from dramagen.project.season import SeasonDir

    gen = load_generator(args.model)
    sd = SeasonDir(Path(args.season))
    if not sd.path.exists() or not sd.has_plan():
        req = sd.write_request(SeasonRequest(trope=args.trope, episodes=args.episodes, paywall=1, seed=args.seed))
        actions.write_bible(sd, gen, req.pins)
        actions.plan(sd, gen)
    for rep in range(args.reps):
        t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF).ru_utime
        arrived: list[str] = []
        kw = {}
        if args.stream:
            def on_beat(b, arrived: list = arrived, t0: float = t0) -> None:
                arrived.append(f"{b.index}@{time.perf_counter() - t0:.1f}s")

            kw["on_beat"] = on_beat
        actions.write_beats(sd, gen, args.episode, **kw)
        wall = time.perf_counter() - t0
        cpu = resource.getrusage(resource.RUSAGE_SELF).ru_utime - c0
        sha = hashlib.sha256(sd.beats_path(args.episode).read_bytes()).hexdigest()[:16]
        print(f"rep {rep}: beats of episode {args.episode}: {wall:.2f} s wall, {cpu:.2f} s user CPU, "
              f"beats.json sha256 {sha}" + (f", beats arrived {' '.join(arrived)}" if arrived else ""), flush=True)


if __name__ == "__main__":
    main()
