"""Season benchmark: wall time of a whole season with the default model, per stage, and its check.

Usage: .venv/bin/python benchmarks/bench_season.py [--trope werewolf-rejected-mate] [--episodes 60]
       [--length 75] [--seed 7] [--candidates 6] [--stop-after script] [--dtype auto|float32|bfloat16|int8]
       [--isa native|avx2] [--out DIR]
Writes benchmarks/results/season-<episodes>ep-<stop>-<date>-<device>-<isa>-<dtype>.json and prints the breakdown:
bible, plan, beats, script and shooting seconds, seconds per episode, tokens generated and kept, the share of
candidates rejected (wasted compute) beside the tokens/s, and the CPU flags the figures hold for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_generator import machine  # noqa: E402
from machine_info import AVX2_ENV  # noqa: E402


def _isa_env(isa: str) -> None:
    """Re-run this script with the ISA limits set (they must be in the environment before torch loads)."""
    if isa == "avx2" and any(os.environ.get(k) != v for k, v in AVX2_ENV.items()):
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **AVX2_ENV})


def breakdown(stats: dict, seconds: dict, episodes: int) -> dict:
    """The season's cost: stage seconds, seconds per episode, tokens generated and kept, candidates rejected.
    ``stats``: the manifest's, slot kind → totals over the season."""
    kinds: dict[str, dict] = {}
    for kind, s in stats.items():
        kinds[kind] = {f: s.get(f, 0) for f in ("slots", "candidates", "fallback", "tokens", "tokens_kept")}
        kinds[kind]["rejected"] = sum(s.get("rejected", {}).values())
    total = {f: sum(k[f] for k in kinds.values()) for f in ("slots", "candidates", "rejected", "fallback", "tokens",
                                                             "tokens_kept")}
    model_s = sum(seconds.get(s, 0) for s in ("bible", "plan", "beats", "script"))
    return {
        "stage_s": {s: seconds.get(s, 0.0) for s in ("bible", "plan", "beats", "script", "shooting")},
        "per_episode_s": round(sum(seconds.get(s, 0) for s in ("beats", "script", "shooting")) / episodes, 2),
        **total,
        "rejected_share": round(total["rejected"] / max(total["candidates"], 1), 3),
        "fallback_share": round(total["fallback"] / max(total["slots"], 1), 3),
        "tokens_wasted_share": round(1 - total["tokens_kept"] / max(total["tokens"], 1), 3),
        "tokens_per_s": round(total["tokens"] / max(model_s, 1e-9), 1),
        "by_kind": kinds,
    }


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
    ap.add_argument("--dtype", default="auto", help="auto | float32 | bfloat16 | int8 (transformers)")
    ap.add_argument("--isa", default="native", choices=["native", "avx2"],
                    help="avx2: limit torch/oneDNN/MKL/fbgemm to AVX2 and bf16 off (an AVX2-only CPU)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = ap.parse_args()
    _isa_env(args.isa)

    import torch

    from dramagen.llm import load_generator
    from dramagen.project.pipeline import generate_season, make_request
    from dramagen.story.check import check_dir

    t0 = time.perf_counter()
    gen = load_generator(args.model, dtype=args.dtype)
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
        "isa": args.isa, "torch_cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "engine": {k: gen.info.get(k) for k in ("backend", "name", "dtype", "sampler", "threads")},
        "model_load_s": round(load_s, 2), "wall_s": round(wall, 1),
        **breakdown(manifest.get("stats", {}), state.seconds, args.episodes),
        "check": {"ok": report.ok, "episodes": report.episodes, "passed": report.passed, "failed": report.failed,
                  "rules_failed": dict(report.rules())},
        "stats": manifest.get("stats", {}),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    day, device = dt.date.today().isoformat(), gen.info.get("device", "x")
    dtype = gen.info.get("dtype", "x")
    path = out / f"season-{args.episodes}ep-{args.stop_after}-{day}-{device}-{args.isa}-{dtype}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    st = result["stage_s"]
    print(f"{args.episodes} episodes of {args.trope} in {wall:.1f} s wall ({args.isa}: "
          f"{torch.backends.cpu.get_cpu_capability()} kernels, {dtype}, {gen.info.get('threads')} threads; "
          f"CPU flags {' '.join(result['machine']['cpu_flags'])})")
    print("  " + ", ".join(f"{k} {v:.1f} s" for k, v in st.items()) + f"; {result['per_episode_s']} s/episode")
    print(f"  tokens {result['tokens']} generated, {result['tokens_kept']} kept "
          f"({result['tokens_wasted_share']:.0%} wasted), {result['tokens_per_s']} tokens/s; "
          f"candidates rejected {result['rejected_share']:.0%}, slots on fallback {result['fallback_share']:.0%}")
    print(f"  check: {report.passed}/{report.episodes} episodes pass")
    print(f"written: {path}")
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
