"""Generator benchmark: tokens/s per backend and setting, time to first token, model load, peak memory.

Usage:  .venv/bin/python benchmarks/bench_generator.py [options]          (or: make bench)

One run measures, side by side and each configuration in a fresh process (imports, model load
and memory start from zero):

* transformers × dtype (float32, bfloat16) × sampler (``fastgen``: the shared-prefix sampler,
  ``generate``: transformers' ``model.generate``) × batch (rows generated together);
* llama.cpp (``smollm2-135m-instruct-gguf``: the same GGUF file through llama-cpp-python):
  ``sequential`` (``DRAMAGEN_LLAMACPP_BATCH=0``, one completion after another) at batch 1 and 4, and
  ``batched`` (the backend's default: every row in one ``llama_decode`` per step, llm/llamacpp_batch.py)
  at fastgen's batches from 2 rows on (one row takes the sequential path).

Each configuration records the ISA class of the run and the kernels that ran (machine_info.py);
``--isa avx2`` runs this machine as an AVX2-only one (see benchmarks/README.md).

For each configuration: cached model load (a fresh process, imports included), time to the
first streamed chunk (the first stream right after load, and the median of three after warm-up),
tokens/s at each batch (generated tokens / wall seconds of one ``generate`` call, prefill
included), peak RSS (and peak GPU memory on CUDA). Before each timed batch the same rows are run
once with a few tokens (warm-up: oneDNN/cuBLAS pick their kernels per shape).

The workload is the pipeline's (beats stage): every row is a few-shot completion prompt that
shares the episode header (trope, cast, synopsis), one action prompt for three dialogue-line
prompts, each with its own tail (location, moment, cue); every prompt gets ``--candidates``
rows (best-of-n; fewer at small batches so that a batch has at least two distinct prompts), and
the rows are sent as the pipeline sends them (transformers: one row per candidate, n=1; other
backends: n candidates per prompt). Sampling is the pipeline's (temperature 0.8, top-p 0.95,
top-k 50, repetition penalty 1.15) with NO stop strings and a fixed ``--tokens``, so every row
runs to the limit (a row that emits end-of-sequence early is counted with the tokens it made;
the table's ``min`` column shows the shortest row).

Options (defaults in brackets):
  --device auto|cpu|cuda      [auto: cuda when available]
  --backends transformers llamacpp              [both]
  --dtypes float32 bfloat16   [cpu: both; cuda: bfloat16]
  --samplers fastgen generate                   [both]
  --batches 1 4 8 16 32 64    [cpu: 1 4 8 16 32 64; cuda: 1 4 8 16 32 64 128 256]  (fastgen)
  --generate-batches ...      [cpu: those of --batches up to 16; cuda: as --batches]  (generate is slow on CPU)
  --llamacpp-batches ...      [those of --batches up to 4]  (llama.cpp sequential: more rows show nothing new)
  --full                      every sampler at every batch of --batches (the whole grid)
  --tokens 32                 new tokens per row
  --candidates 4              rows per prompt (best-of-n)
  --repeats 1                 timed runs per batch (the median is reported)
  --threads N                 torch / llama.cpp threads [DRAMAGEN_THREADS or all cores]
  --isa native|avx2           [native]; avx2: ATen/oneDNN/MKL/fbgemm capped at AVX2, no CPU bf16, llama.cpp's AVX2 build
  --convert                   also time a first GGUF -> safetensors conversion (temporary folder)
  --model NAME / --gguf-model NAME   [the registry's default / smollm2-135m-instruct-gguf]
  --tag TEXT                  appended to the result file name (e.g. before, after)
  --out DIR                   [benchmarks/results]

Writes benchmarks/results/generator-<date>-<cpu|cuda>[-tag].json (machine, settings, every
measurement; -2, -3… rather than overwrite an earlier file) and a .md beside it with the table, and
prints the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine_info import isa_class, kernels_line, llama_kernels, machine, run_isa, torch_kernels  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
GGUF_MODEL = "smollm2-135m-instruct-gguf"

# --------------------------------------------------------------------------- the workload

TROPE = "Rejected Mate"
CAST = "MARA (rejected omega), KAEL (alpha heir), SELENE (his chosen luna)"
SYNOPSIS = "Mara returns to the pack on the night of the moon trial, and Kael learns she is the heir."
LINES = {  # four worked lines (prompts/beats/line.j2)
    False: ("MARA (trembling): You promised me forever, Kael. Was any of it real?\n"
            "KAEL (cold): Sign the papers and get out of my house before midnight.\n"
            "SELENE (smug): Everyone saw you crawl, Mara. Nobody will believe a word you say.\n"
            "MARA (quiet): Laugh while you can. Tomorrow you will beg me for mercy.\n"),
    True: ("MARA (gasping): Kael? You're alive?\nKAEL (cold): Get on your knees.\n"
           "SELENE (smug): Look who crawled back.\nMARA (quiet): Don't touch me.\n"),
}
EXAMPLES = (  # the trope's example moments (prompts/beats/action.j2)
    "Beat (hook; moon clearing): Kael rejects Mara in front of the whole pack and she falls to her knees.\n"
    "Beat (development; pack house kitchen): Selene spills wine on Mara's only dress and laughs.\n"
    "Beat (turn; elder's library): Mara finds the old bloodline scroll with her mother's seal.\n"
)
LOCATIONS = ["moon clearing", "pack house kitchen", "old library", "training ring", "river border",
             "council hall", "ballroom", "infirmary"]
KINDS = [("hook", "the shocking start"), ("development", "the pressure builds"), ("turn", "everything turns"),
         ("cliffhanger", "the final blow")]
SPEAKERS = [("MARA", "Mara"), ("KAEL", "Kael"), ("SELENE", "Selene")]
PARENS = ["quiet", "cold", "bitter", "smirking", "pleading", "low", "sharp", "steady"]
HEADER = f"{TROPE}. Cast: {CAST}.\nEpisode: {SYNOPSIS}\n\n"


def prompts(count: int) -> list[str]:
    """``count`` distinct pipeline-like prompts: one beat action for three dialogue lines, one episode."""
    out: list[str] = []
    i = 0
    while len(out) < count:
        loc = LOCATIONS[i % len(LOCATIONS)]
        kind, moment = KINDS[(i + i // 4) % len(KINDS)]
        cue, first = SPEAKERS[(i + i // 3) % len(SPEAKERS)]
        paren = PARENS[(i * 3 + i // 24) % len(PARENS)]
        if i % 4 == 0:
            p = f"{HEADER}{EXAMPLES}Beat ({kind}; {loc}): {first}"
        else:
            p = f"{HEADER}{LINES[kind == 'hook']}\n{loc.title()}, {moment}:\n{cue} ({paren}):"
        if p not in out:
            out.append(p)
        i += 1
    return out


def split(batch: int, candidates: int) -> tuple[int, int]:
    """(distinct prompts, candidates each) for ``batch`` rows: at least two prompts from batch 4 on."""
    cap = max(1, min(candidates, batch // 2))
    n = max(d for d in range(1, cap + 1) if batch % d == 0)
    return batch // n, n


#: the prompts streamed for the time to the first chunk: a different one each time (llama.cpp reuses the KV
#: cache of a repeated prompt, which the UI's first request does not have), all sharing the episode header
STREAM_PROMPTS = [p for p in prompts(12) if not p.rstrip().endswith(("Mara", "Kael", "Selene"))][4:8]
STREAM_PROMPT = STREAM_PROMPTS[0]


# --------------------------------------------------------------------------- one configuration (child)


def _rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a
    child started from a big parent (after --convert) would report the parent's peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(cfg: dict) -> dict:
    """One fresh process: load one configuration, then stream and generate; returns the measurements."""
    t0 = time.perf_counter()
    from dramagen.llm import GenerationParams, load_generator

    import_s = time.perf_counter() - t0
    backend = cfg["backend"]
    kw: dict = {}
    if backend == "transformers":
        top = max(cfg["batches"])
        kw = {"device": cfg["device"], "dtype": cfg["dtype"], "fast": cfg["sampler"] == "fastgen",
              # one generate() call = one batch of exactly `batch` rows
              "batch_size": max(16, top), "max_rows": max(96, top)}
    t1 = time.perf_counter()
    gen = load_generator(cfg["model"], threads=cfg.get("threads"), **kw)
    load_s = time.perf_counter() - t1
    res: dict = {"import_s": round(import_s, 3), "load_s": round(load_s, 3), "info": dict(gen.info),
                 "rss_after_load_mb": _rss_mb()}
    cuda = backend == "transformers" and str(getattr(gen, "device", "")).startswith("cuda")
    if backend == "transformers":
        import torch

        res["info"]["threads"] = torch.get_num_threads()
    try:
        from dramagen.story.slots import DEFAULT_SAMPLING
    except Exception:  # noqa: BLE001 - the benchmark must not depend on the pipeline's module
        DEFAULT_SAMPLING = {"temperature": 0.8, "top_p": 0.95, "top_k": 50, "repetition_penalty": 1.15}
    sampling = {k: DEFAULT_SAMPLING[k] for k in ("temperature", "top_p", "top_k", "repetition_penalty")}
    res["sampling"] = sampling
    problems: list[str] = []

    # time to the first streamed chunk: right after load (what the UI's first request sees), then warm
    def first_chunk(prompt: str, seed: int) -> tuple[float, str]:
        p = GenerationParams(max_new_tokens=16, seed=seed, **sampling)
        t = time.perf_counter()
        it = gen.stream(prompt, p)
        first = None
        chunks = []
        for c in it:
            if first is None:
                first = time.perf_counter() - t
            chunks.append(c)
        return (first if first is not None else float("nan")), "".join(chunks)

    res["ttft_cold_s"] = round(first_chunk(STREAM_PROMPTS[0], 11)[0], 3)
    warm = [first_chunk(STREAM_PROMPTS[1 + i], 14) for i in range(3)]
    res["ttft_s"] = round(statistics.median(w[0] for w in warm), 3)
    streamed = warm[-1][1]
    # correctness: the joined stream equals generate()'s text for the same seed and prompt
    gp = GenerationParams(max_new_tokens=16, seed=14, **sampling)
    generated = gen.generate([STREAM_PROMPTS[3]], gp)[0].text
    res["stream_equals_generate"] = streamed == generated
    if not streamed.strip():
        problems.append("stream produced empty text")
    if not generated.strip():
        problems.append("generate produced empty text")

    batches = []
    for batch in sorted(cfg["batches"]):
        n_prompts, n = split(batch, cfg["candidates"])
        ps = prompts(n_prompts)
        params = GenerationParams(max_new_tokens=cfg["tokens"], seed=1, **sampling)
        if backend == "transformers":  # as the pipeline sends them (slots._generate): a row per candidate
            def call(p: GenerationParams, ps=ps, n=n):
                return gen.generate([x for x in ps for _ in range(n)], p)
            warm_up = call  # the same rows: kernels are picked per shape; nothing is cached between calls
        else:
            def call(p: GenerationParams, ps=ps, n=n):
                return gen.generate(ps, p.model_copy(update={"n": n}))

            # other prompts: llama.cpp keeps the KV cache of the last prompt, and the timed call must
            # prefill its prompts as the pipeline's next call would (only the shared header is cached)
            warm_ps = prompts(2 * n_prompts)[n_prompts:]

            def warm_up(p: GenerationParams, ps=warm_ps, n=n):
                return gen.generate(ps, p.model_copy(update={"n": n}))
        warm_up(params.model_copy(update={"max_new_tokens": min(4, cfg["tokens"])}))
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        runs = []
        for r in range(cfg["repeats"]):
            if r and backend != "transformers":
                warm_up(params.model_copy(update={"max_new_tokens": 1}))  # the other prompts again (see above)
            t = time.perf_counter()
            out = call(params.model_copy(update={"seed": 1 + r}))
            if cuda:
                torch.cuda.synchronize()
            runs.append((time.perf_counter() - t, out))
        runs.sort(key=lambda x: x[0])
        secs, out = runs[len(runs) // 2]
        toks = [c.completion_tokens for c in out]
        empty = sum(1 for c in out if not c.text.strip())
        if empty:
            problems.append(f"batch {batch}: {empty} of {len(out)} rows empty")
        if len(out) != batch:
            problems.append(f"batch {batch}: {len(out)} completions for {batch} rows")
        row = {"batch": batch, "prompts": n_prompts, "candidates": n, "rows": len(out), "tokens": sum(toks),
               "min_row_tokens": min(toks) if toks else 0, "seconds": round(secs, 3),
               "tokens_per_s": round(sum(toks) / secs, 1) if secs else 0.0,
               "row_tokens_per_s": round(sum(toks) / secs / max(1, len(out)), 1) if secs else 0.0,
               "all_seconds": [round(s, 3) for s, _ in runs], "peak_rss_mb": _rss_mb(),
               "sample": out[0].text[:120] if out else ""}
        if cuda:
            row["gpu_peak_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
        batches.append(row)
        print(f"  {batch:>4} rows: {row['tokens']} tokens in {secs:.2f} s = {row['tokens_per_s']} tokens/s",
              file=sys.stderr, flush=True)
    res["batches"] = batches
    res["peak_rss_mb"] = _rss_mb()
    res["kernels"] = llama_kernels() if backend == "llamacpp" else torch_kernels(res["info"].get("dtype", ""))
    res["problems"] = problems
    return res


def run_child(cfg: dict, timeout: float) -> dict:
    cmd = [sys.executable, __file__, "--child", json.dumps(cfg)]
    env = {**os.environ, **cfg.get("env", {})}
    if cfg.get("pythonpath"):  # llama-cpp-python's AVX2-only build first
        env["PYTHONPATH"] = os.pathsep.join([cfg["pythonpath"], *filter(None, [env.get("PYTHONPATH")])])
    t = time.perf_counter()
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None, text=True, cwd=ROOT, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    wall = round(time.perf_counter() - t, 1)
    lines = (r.stdout or "").strip().splitlines()
    if r.returncode != 0 or not lines:
        return {"error": f"exit status {r.returncode}", "process_s": wall}
    try:
        res = json.loads(lines[-1])
    except json.JSONDecodeError:
        return {"error": "no result line", "process_s": wall}
    res["process_s"] = wall
    return res


# --------------------------------------------------------------------------- the run (parent)


def configs(args, device: str) -> list[dict]:
    common = {"tokens": args.tokens, "candidates": args.candidates, "repeats": args.repeats,
              "threads": args.threads}
    out = []
    if "transformers" in args.backends:
        for dtype in args.dtypes:
            for sampler in args.samplers:
                batches = args.batches if (sampler == "fastgen" or args.full) else args.generate_batches
                out.append({"backend": "transformers", "model": args.model, "device": device, "dtype": dtype,
                            "sampler": sampler, "batches": batches, **common})
    llama = {"backend": "llamacpp", "model": args.gguf_model, "device": "cpu", "dtype": "q4_1", **common,
             "pythonpath": args.run_isa.get("llama_cpp_build")}
    if "llamacpp" in args.backends:  # one completion after another (the old path), then batched decoding
        out.append({**llama, "sampler": "sequential", "env": {"DRAMAGEN_LLAMACPP_BATCH": "0"},
                    "batches": args.batches if args.full else args.llamacpp_batches})
        out.append({**llama, "sampler": "batched", "env": {"DRAMAGEN_LLAMACPP_BATCH": "1"},  # one row: sequential
                    "batches": [b for b in args.batches if b > 1] or args.batches})
    return out


def label(cfg: dict) -> str:
    if cfg["backend"] == "llamacpp":
        return f"llama.cpp {cfg['sampler']} (llama-cpp-python, Q4_1 GGUF)"
    return f"transformers {cfg['dtype']} {cfg['sampler']} on {cfg['device']}"


def table(runs: list[dict], default: str = "") -> list[str]:
    """A markdown table: one line per (configuration, batch); the default configuration's sampler in bold."""
    head = ["backend", "dtype", "sampler", "batch (prompts×n)", "tokens (min/row)", "seconds", "tokens/s",
            "tokens/s/row", "load s", "1st chunk s (cold/warm)", "peak RSS MB", "kernels"]
    gpu = any("gpu_peak_mb" in b for r in runs for b in r.get("result", {}).get("batches", []))
    if gpu:
        head.append("GPU peak MB")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for run in runs:
        cfg, res = run["config"], run.get("result", {})
        backend = "llama.cpp" if cfg["backend"] == "llamacpp" else "transformers"
        dtype = cfg["dtype"] if cfg["backend"] == "llamacpp" else res.get("info", {}).get("dtype", cfg["dtype"])
        if "error" in res:
            lines.append(f"| {backend} | {dtype} | {cfg['sampler']} | — | failed: {res['error']} |"
                         + " |" * (len(head) - 5))
            continue
        for i, b in enumerate(res.get("batches", [])):
            sampler = f"**{cfg['sampler']}**" if is_default(cfg, default) else cfg["sampler"]
            cells = [backend, dtype, sampler, f"{b['batch']} ({b['prompts']}×{b['candidates']})",
                     f"{b['tokens']} ({b['min_row_tokens']})", f"{b['seconds']:.2f}", f"{b['tokens_per_s']:.1f}",
                     f"{b['row_tokens_per_s']:.1f}",
                     f"{res['load_s']:.2f}" if i == 0 else "",
                     f"{res['ttft_cold_s']:.3f} / {res['ttft_s']:.3f}" if i == 0 else "",
                     f"{b['peak_rss_mb']:.0f}", kernels_line(res.get("kernels", {})) if i == 0 else ""]
            if gpu:
                cells.append(f"{b['gpu_peak_mb']:.0f}" if "gpu_peak_mb" in b else "")
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def default_dtype(device: str) -> str:
    """What ``dtype="auto"`` picks on this machine (bf16 on CUDA and on CPUs with AMX / AVX-512 BF16, int8 on other
    x86 CPUs)."""
    try:
        from dramagen.llm.hf import auto_cpu_int8, pick_dtype

        return auto_cpu_int8(device) or str(pick_dtype("auto", device)).replace("torch.", "")
    except Exception:  # noqa: BLE001
        return "float32"


def is_default(cfg: dict, dtype: str) -> bool:
    """The configuration the app and the pipeline run with (dtype auto, the fastgen sampler)."""
    fast = os.environ.get("DRAMAGEN_FASTGEN", "1") != "0"
    return (cfg["backend"] == "transformers" and cfg["dtype"] in (dtype, "auto")
            and cfg["sampler"] == ("fastgen" if fast else "generate"))


def _best(runs: list[dict], keep) -> dict | None:
    """The highest aggregate tokens/s among the configurations ``keep(cfg)`` selects."""
    best = None
    for run in runs:
        cfg, res = run["config"], run.get("result", {})
        if not keep(cfg) or "error" in res:
            continue
        for b in res.get("batches", []):
            if best is None or b["tokens_per_s"] > best["tokens_per_s"]:
                best = {"tokens_per_s": b["tokens_per_s"], "batch": b["batch"], "dtype": res["info"].get("dtype"),
                        "sampler": cfg["sampler"], "seconds": b["seconds"]}
    return best


def goals(runs: list[dict], dtype: str) -> dict:
    """The issue's goals, from this run's numbers (load and first chunk: the default configuration)."""
    best = _best(runs, lambda c: c["backend"] == "transformers")
    out: dict = {"transformers_best": best, "transformers_default_best": _best(runs, lambda c: is_default(c, dtype)),
                 "llamacpp_batched_best": _best(runs, lambda c: c["sampler"] == "batched")}
    single = None
    seq = next((r for r in runs if r["config"]["backend"] == "llamacpp" and r["config"]["sampler"] == "sequential"
                and "error" not in r.get("result", {})), None)
    if seq:
        single = next((b["tokens_per_s"] for b in seq["result"]["batches"] if b["batch"] == 1), None)
    out["llamacpp_single_stream_tokens_per_s"] = single
    if best and single:
        out["throughput_goal_met"] = best["tokens_per_s"] >= single
    if out["transformers_default_best"] and out["llamacpp_batched_best"]:
        out["batched_goal_met"] = (out["transformers_default_best"]["tokens_per_s"]
                                   >= out["llamacpp_batched_best"]["tokens_per_s"])
    default = next((r for r in runs if is_default(r["config"], dtype) and "error" not in r.get("result", {})), None)
    if default:
        out["default"] = label(default["config"])
        out["cached_load_s"] = default["result"]["load_s"]
        out["load_goal_met"] = default["result"]["load_s"] <= 3.0
        out["first_chunk_s"] = {"cold": default["result"]["ttft_cold_s"], "warm": default["result"]["ttft_s"],
                                "config": label(default["config"])}
        out["first_chunk_goal_met"] = default["result"]["ttft_cold_s"] <= 1.0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--backends", nargs="+", default=["transformers", "llamacpp"], choices=["transformers", "llamacpp"])
    ap.add_argument("--dtypes", nargs="+", default=None, choices=["float32", "bfloat16", "float16", "int8", "auto"])
    ap.add_argument("--samplers", nargs="+", default=["fastgen", "generate"], choices=["fastgen", "generate"])
    ap.add_argument("--batches", type=int, nargs="+", default=None)
    ap.add_argument("--generate-batches", type=int, nargs="+", default=None)
    ap.add_argument("--llamacpp-batches", type=int, nargs="+", default=None)
    ap.add_argument("--full", action="store_true", help="every sampler at every batch of --batches")
    ap.add_argument("--tokens", type=int, default=32)
    ap.add_argument("--candidates", type=int, default=4)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--isa", default="native", choices=["native", "avx2"],
                    help="avx2: run as an AVX2-only machine (machine_info.AVX2_ENV; llama.cpp's AVX2 build if any)")
    ap.add_argument("--model", default=None, help="transformers model [registry default]")
    ap.add_argument("--gguf-model", default=GGUF_MODEL, help="llama.cpp model [%(default)s]")
    ap.add_argument("--convert", action="store_true", help="also time a fresh GGUF→safetensors conversion")
    ap.add_argument("--timeout", type=float, default=1200, help="seconds per configuration [%(default)s]")
    ap.add_argument("--tag", default="")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))), flush=True)
        return

    from machine_info import _cpuinfo

    args.run_isa = run_isa(args.isa, _cpuinfo()[1])
    os.environ.update(args.run_isa["env"])  # before torch is imported: this process and every child
    import torch

    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    gpu = device == "cuda"
    args.dtypes = args.dtypes or (["bfloat16"] if gpu else ["float32", "bfloat16", "int8"])
    args.batches = args.batches or ([1, 4, 8, 16, 32, 64, 128, 256] if gpu else [1, 4, 8, 16, 32, 64])
    args.generate_batches = args.generate_batches or ([b for b in args.batches if gpu or b <= 16] or args.batches)
    args.llamacpp_batches = args.llamacpp_batches or ([b for b in args.batches if b <= 4] or args.batches[:1])
    if args.threads:
        os.environ["DRAMAGEN_THREADS"] = str(args.threads)

    started = time.perf_counter()
    result: dict = {"benchmark": "generator", "date": dt.datetime.now().isoformat(timespec="seconds"),
                    "command": " ".join([Path(sys.executable).name, *sys.argv]), "machine": machine(),
                    "isa": args.run_isa,
                    "settings": {"device": device, "tokens": args.tokens, "candidates": args.candidates,
                                 "repeats": args.repeats, "stop_strings": None,
                                 "workload": "beats-stage prompts: shared episode header, 1 action : 3 dialogue "
                                             "lines, distinct tails; n candidates per prompt",
                                 "prompt_example": STREAM_PROMPT}}
    if args.convert:
        from transformers.utils import logging as hf_logging

        from dramagen.llm import resolve
        from dramagen.llm.convert import convert_gguf

        hf_logging.disable_progress_bar()
        spec = resolve(args.model)
        print("first load: converting the GGUF file (temporary folder)…", flush=True)
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            info = convert_gguf(spec.gguf_path(), Path(d) / "m")
            result["first_conversion_s"] = round(time.perf_counter() - t, 2)
            result["gguf_load_s"] = info["gguf_load_seconds"]
        print(f"first load (GGUF de-quantize + convert + check): {result['first_conversion_s']} s", flush=True)

    runs = []
    for cfg in configs(args, device):
        print(f"{label(cfg)}: batches {' '.join(map(str, cfg['batches']))}", flush=True)
        res = run_child(cfg, args.timeout)
        if "error" in res:
            print(f"  failed: {res['error']}", flush=True)
        else:
            print(f"  load {res['load_s']} s, first chunk {res['ttft_cold_s']} s cold / {res['ttft_s']} s warm, "
                  f"peak RSS {res['peak_rss_mb']} MB" + (f"; PROBLEMS: {res['problems']}" if res["problems"] else ""),
                  flush=True)
        runs.append({"config": cfg, "label": label(cfg), "result": res})
    result["runs"] = runs
    result["settings"]["default_dtype"] = ddtype = default_dtype(device)
    result["goals"] = goals(runs, ddtype)
    result["total_s"] = round(time.perf_counter() - started, 1)
    lines = table(runs, ddtype)
    result["table"] = lines

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = (f"generator-{dt.date.today().isoformat()}-{device}" + ("-avx2" if args.isa == "avx2" else "")
            + (f"-{args.tag}" if args.tag else ""))
    path = out / f"{stem}.json"
    k = 1
    while path.exists():  # never overwrite an earlier result (the same day's 'before', say)
        k += 1
        path = out / f"{stem}-{k}.json"
    stem = path.stem
    path.write_text(json.dumps(result, indent=2) + "\n")
    m = result["machine"]
    isa = args.run_isa
    desc = (f"{m['cpu']}, {m['usable_cores']} cores ({', '.join(m['cpu_flags']) or 'no AVX-512/AMX'}); ISA class "
            f"**{isa['isa']}**" + (f" (emulated on {isa['native']}: "
                                   f"{' '.join(f'{k}={v}' for k, v in isa['env'].items())}; "
                                   f"llama.cpp: {isa['llama_cpp_note']})" if isa["emulated"] else "")
            + (f", {m['gpu']}" if m["gpu"] else "") + f"; torch {m['torch']}, transformers {m['transformers']}, "
            f"llama-cpp-python {m['llama_cpp_python']}; load average at start {m['load_average']}")
    g = result["goals"]
    summary = []
    if g.get("transformers_best"):
        b = g["transformers_best"]
        summary.append(f"transformers best: {b['tokens_per_s']} tokens/s ({b['dtype']} {b['sampler']}, "
                       f"batch {b['batch']})"
                       + (f" vs llama.cpp single stream {g['llamacpp_single_stream_tokens_per_s']} tokens/s: "
                          f"goal {'met' if g.get('throughput_goal_met') else 'NOT met'}"
                          if g.get("llamacpp_single_stream_tokens_per_s") else ""))
    if g.get("transformers_default_best") and g.get("llamacpp_batched_best"):
        d, lb = g["transformers_default_best"], g["llamacpp_batched_best"]
        summary.append(f"default (transformers {d['dtype']} {d['sampler']}) best {d['tokens_per_s']} tokens/s at batch "
                       f"{d['batch']} vs llama.cpp batched best {lb['tokens_per_s']} tokens/s at batch {lb['batch']}: "
                       f"{d['tokens_per_s'] / lb['tokens_per_s']:.2f}×, goal (≥) "
                       f"{'met' if g['batched_goal_met'] else 'NOT met'}")
    if "cached_load_s" in g:
        summary.append(f"cached load ≤ 3 s: {'met' if g['load_goal_met'] else 'NOT met'} "
                       f"({g['cached_load_s']} s in a fresh process, imports included; {g['default']})")
    if "first_chunk_s" in g:
        summary.append(f"first streamed chunk ≤ 1 s: {'met' if g['first_chunk_goal_met'] else 'NOT met'} "
                       f"({g['first_chunk_s']['cold']} s cold, {g['first_chunk_s']['warm']} s warm; "
                       f"{g['first_chunk_s']['config']})")
    if "first_conversion_s" in result:
        summary.append(f"first load (GGUF conversion): {result['first_conversion_s']} s")
    md = [f"Machine: {desc}", "", f"Command: `{result['command']}` ({result['total_s']} s; "
          f"{args.tokens} new tokens per row, no stop strings, {args.candidates} candidates per prompt)", "",
          *lines, "", *(f"- {s}" for s in summary)]
    (out / f"{stem}.md").write_text("\n".join(md) + "\n")
    print()
    print("\n".join(md))
    problems = [f"{r['label']}: {p}" for r in runs for p in r["result"].get("problems", [])]
    problems += [f"{r['label']}: stream != generate for the same seed" for r in runs
                 if r["result"].get("stream_equals_generate") is False]
    problems += [f"{r['label']}: {r['result']['error']}" for r in runs if "error" in r["result"]]
    for p in problems:
        print(f"PROBLEM: {p}")
    print(f"written: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} (and .md)")


if __name__ == "__main__":
    main()
