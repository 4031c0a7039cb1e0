"""Time to make one episode's animatic (1080×1920, 24 fps), and memory over many episodes.

    python benchmarks/bench_animatic.py SEASON [--episode 1] [--width 1080] [--fps 24]
    python benchmarks/bench_animatic.py SEASON --many 30 --width 180 --fps 4   # bounded memory

One episode: wall time, CPU seconds of this process and of its children (ffmpeg, espeak-ng), peak memory
of each, frames and seconds of video. ``--many N``: a copy of the season's shot episodes repeated to N
episodes, rendered one after another; this process's resident memory after each episode shows whether it
grows. Results go to benchmarks/results/animatic-DATE-*.json (and are printed).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def one(season: Path, episode: int, width: int, fps: int) -> dict:
    from dramagen.screen.animatic import AnimaticOptions, make_animatic

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "season"
        shutil.copytree(season, work, ignore=shutil.ignore_patterns("exports"))
        t0, c0, k0 = time.perf_counter(), time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
        r = make_animatic(work, episode, AnimaticOptions(width=width, fps=fps))
        wall = time.perf_counter() - t0
        k1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"episode": episode, "width": width, "height": width * 16 // 9, "fps": fps, "frames": r.frames,
                "video_seconds": r.seconds, "wall_seconds": round(wall, 2),
                "realtime_factor": round(wall / r.seconds, 3),
                "cpu_seconds_python": round(time.process_time() - c0, 2),
                "cpu_seconds_children": round((k1.ru_utime + k1.ru_stime) - (k0.ru_utime + k0.ru_stime), 2),
                "peak_rss_mb_python": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "peak_rss_mb_children": round(k1.ru_maxrss / 1024, 1), "mp4_bytes": r.mp4.stat().st_size}


def many(season: Path, n: int, width: int, fps: int) -> dict:
    from dramagen.core.models import SeasonPlan
    from dramagen.project.season import SeasonDir
    from dramagen.screen.animatic import AnimaticOptions, make_animatics

    src = SeasonDir(season)
    shot = src.episodes_done("shooting")
    with tempfile.TemporaryDirectory() as tmp:
        sd = SeasonDir(Path(tmp) / "season")
        shutil.copytree(season, sd.path, ignore=shutil.ignore_patterns("exports", "episodes"))
        plan = src.load_plan()
        eps = [plan.episodes[(k - 1) % len(plan.episodes)].model_copy(update={"number": k}) for k in range(1, n + 1)]
        sd.write_model(sd.plan_path, SeasonPlan(episodes=eps, paywall=min(plan.paywall, n)))
        for k in range(1, n + 1):
            s = src.load_shooting(shot[(k - 1) % len(shot)]).model_copy(update={"episode": k})
            sd.write_model(sd.shooting_path(k), s)
        rss, t0 = [], time.perf_counter()
        for r in make_animatics(sd.path, None, AnimaticOptions(width=width, fps=fps)):
            rss.append(round(_rss_mb(), 1))
            print(f"episode {r.episode}/{n}: {r.seconds:.1f} s video, rss {rss[-1]} MB", flush=True)
        return {"episodes": n, "width": width, "fps": fps, "wall_seconds": round(time.perf_counter() - t0, 1),
                "rss_mb_after_each": rss, "rss_mb_first": rss[0], "rss_mb_last": rss[-1], "rss_mb_max": max(rss)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("season", type=Path)
    ap.add_argument("--episode", type=int, default=1)
    ap.add_argument("--width", type=int, default=1080)
    ap.add_argument("--fps", type=int, default=24)
    ap.add_argument("--many", type=int, default=0, help="render this many episodes and watch memory")
    ap.add_argument("--tag", default="")
    a = ap.parse_args(argv)
    result = many(a.season, a.many, a.width, a.fps) if a.many else one(a.season, a.episode, a.width, a.fps)
    result["machine"] = {"cpus": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)),
                         "processor": platform.processor() or platform.machine(), "python": sys.version.split()[0],
                         "load_avg_at_end": os.getloadavg()}
    out = Path(__file__).parent / "results" / (f"animatic-{datetime.date.today().isoformat()}-"
                                               f"{'many' if a.many else 'one'}{('-' + a.tag) if a.tag else ''}.json")
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"→ {out}")


if __name__ == "__main__":
    main()
