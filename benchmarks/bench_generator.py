"""Generator benchmark: model load (GGUF conversion and cached), tokens/s single and batched, peak memory.

Usage:  .venv/bin/python benchmarks/bench_generator.py [--model NAME] [--convert] [--tokens 64] [--out DIR]
Writes benchmarks/results/generator-<host>-<date>.json and prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROMPT = "Story: Mara, a rejected omega, returns to the pack as its secret queen.\nCliffhanger (reveal):"


def machine() -> dict:
    import torch

    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"host": platform.node(), "cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, "cuda": torch.cuda.is_available(),
            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}


def child(args) -> None:
    """One fresh process: load, then generate; prints a JSON line."""
    t0 = time.perf_counter()
    from dramagen.llm import GenerationParams, load_generator

    t_import = time.perf_counter() - t0
    t1 = time.perf_counter()
    gen = load_generator(args.model, dtype=args.dtype)
    load = time.perf_counter() - t1
    res = {"import_s": round(t_import, 3), "load_s": round(load, 3), "info": gen.info}
    for batch in args.batches:
        p = GenerationParams(max_new_tokens=args.tokens, temperature=0.8, seed=1)
        gen.generate([PROMPT], GenerationParams(max_new_tokens=4))  # warm-up
        t = time.perf_counter()
        out = gen.generate([PROMPT] * batch, p)
        s = time.perf_counter() - t
        toks = sum(c.completion_tokens for c in out)
        res[f"batch{batch}"] = {"seconds": round(s, 3), "tokens": toks, "tokens_per_s": round(toks / s, 1)}
    # time to first streamed chunk
    t = time.perf_counter()
    it = gen.stream(PROMPT, GenerationParams(max_new_tokens=16, temperature=0.8, seed=2))
    next(it)
    res["first_token_s"] = round(time.perf_counter() - t, 3)
    for _ in it:
        pass
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(res))


def run_child(argv: list[str]) -> dict:
    r = subprocess.run([sys.executable, __file__, "--child", *argv], capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise SystemExit(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--dtype", default="auto")
    ap.add_argument("--tokens", type=int, default=64)
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--convert", action="store_true", help="also time a fresh GGUF→safetensors conversion")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    ap.add_argument("--child", action="store_true")
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    result: dict = {"benchmark": "generator", "date": dt.datetime.now().isoformat(timespec="seconds"),
                    "command": " ".join([Path(sys.executable).name, *sys.argv]), "machine": machine()}
    if args.convert:
        from dramagen.llm import resolve
        from dramagen.llm.convert import convert_gguf

        spec = resolve(args.model)
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            info = convert_gguf(spec.gguf_path(), Path(d) / "m")
            result["first_conversion_s"] = round(time.perf_counter() - t, 2)
            result["gguf_load_s"] = info["gguf_load_seconds"]
    argv = ["--tokens", str(args.tokens), "--dtype", args.dtype, "--batches", *map(str, args.batches)]
    if args.model:
        argv += ["--model", args.model]
    result["run"] = run_child(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"generator-{dt.date.today().isoformat()}-{result['run']['info'].get('device', 'x')}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    r = result["run"]
    print(f"model {r['info'].get('name')} on {r['info'].get('device')} ({r['info'].get('dtype')}), "
          f"{result['machine']['cores']} cores")
    if "first_conversion_s" in result:
        print(f"first load (GGUF de-quantize + convert + check): {result['first_conversion_s']} s")
    print(f"cached load: {r['load_s']} s (model files {r['info'].get('load_seconds')} s; imports {r['import_s']} s)")
    for b in args.batches:
        x = r[f"batch{b}"]
        print(f"batch {b}: {x['tokens']} tokens in {x['seconds']} s = {x['tokens_per_s']} tokens/s")
    print(f"first streamed chunk: {r['first_token_s']} s; peak RSS {r['peak_rss_mb']} MB")
    print(f"written: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
