"""The machine a benchmark ran on, and its ISA: which instruction set class, which kernels ran.

``machine()`` describes the CPU (model, usable cores, the flags that matter, the ISA class), the load
average, the library versions and the GPU; every benchmark writes it into its result.
``isa_class(flags)`` names the CPU's class (AMX, AVX-512 BF16, AVX-512, AVX2); ``--isa avx2`` in
bench_generator.py runs a machine with more as an AVX2-only one (``AVX2_ENV``: torch's ATen
kernels, oneDNN and MKL capped at AVX2, no bf16 on the CPU; llama.cpp from an AVX2-only build where
one is installed, ``LLAMA_AVX2_DIR``). ``torch_kernels`` / ``llama_kernels`` run inside a measured
process, after the timed part, and record what ran.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from pathlib import Path

CPU_FLAGS = ("amx_bf16", "amx_int8", "amx_tile", "avx512f", "avx512_bf16", "avx512_vnni", "avx_vnni", "avx2", "fma")

#: an AVX2-only machine, emulated: ATen's dispatch, oneDNN, MKL and fbgemm capped at AVX2; bf16 off on the CPU
#: (dramagen.core.config's DRAMAGEN_CPU_BF16; dtype auto then picks int8, as on an AVX2 laptop). int8 runs on
#: torch's default x86 engine as on such a laptop: its dynamic linear layers are fbgemm's, capped by
#: FBGEMM_ENABLE_INSTRUCTIONS (stop 24 ran int8 on oneDNN instead, 1.8x slower per decoding step than fbgemm's
#: AVX2 kernels: benchmarks/README.md, "Stop 25")
AVX2_ENV = {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2", "MKL_ENABLE_INSTRUCTIONS": "AVX2",
            "FBGEMM_ENABLE_INSTRUCTIONS": "AVX2", "DRAMAGEN_CPU_BF16": "0"}

#: llama-cpp-python 0.3.36 built without AVX-512 (see benchmarks/README.md); its wheels compile llama.cpp
#: for the build machine's ISA, with no switch at run time, so an AVX2 run needs this second build
LLAMA_AVX2_DIR = Path(os.environ.get("DRAMAGEN_LLAMA_AVX2_DIR", Path.home() / ".cache/dramagen/llama-cpp-avx2"))


# --------------------------------------------------------------------------- machine


def _cpuinfo() -> tuple[str, list[str]]:
    name, flags = "", []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not name and line.startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                elif not flags and line.startswith("flags"):
                    flags = line.split(":", 1)[1].split()
                if name and flags:
                    break
    except OSError:
        pass
    if not name:
        name = platform.processor()
    return name, flags


def _mem_total_gb() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(mod: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(mod)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine() -> dict:
    """The machine a result was measured on (also used by bench_season.py and bench_batch.py)."""
    import torch

    cpu, flags = _cpuinfo()
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count()
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = None
    cuda = torch.cuda.is_available()
    return {
        "host": platform.node(), "cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable,
        "cpu_flags": [f for f in CPU_FLAGS if f in flags], "isa_class": isa_class(flags),
        "memory_gb": _mem_total_gb(),
        "load_average": load, "os": platform.platform(), "python": platform.python_version(),
        "torch": torch.__version__, "transformers": _version("transformers"),
        "llama_cpp_python": _version("llama_cpp_python"),
        "torch_threads": int(os.environ.get("DRAMAGEN_THREADS", "0")) or os.cpu_count(),
        "env": {k: os.environ[k] for k in ("DRAMAGEN_THREADS", "DRAMAGEN_FASTGEN", "DRAMAGEN_CPU_BF16",
                                            "DRAMAGEN_LLAMACPP_REPACK", "DRAMAGEN_LLAMACPP_BATCH", "OMP_NUM_THREADS",
                                            *AVX2_ENV) if k in os.environ},
        "cuda": cuda, "gpu": torch.cuda.get_device_name(0) if cuda else None,
        "gpu_memory_gb": round(torch.cuda.get_device_properties(0).total_memory / 2**30, 1) if cuda else None,
        "cuda_version": torch.version.cuda if cuda else None,
    }


# --------------------------------------------------------------------------- ISA


def isa_class(flags: list[str] | tuple[str, ...]) -> str:
    """The CPU's class for the speed figures: AMX, AVX-512 BF16, AVX-512, AVX2 or older."""
    if "amx_bf16" in flags:
        return "AMX"
    if "avx512_bf16" in flags:
        return "AVX-512 BF16"
    if "avx512f" in flags:
        return "AVX-512"
    return "AVX2" if "avx2" in flags else "pre-AVX2"


def run_isa(isa: str, flags: list[str]) -> dict:
    """What a run with ``--isa`` used: the class, emulated or native, and how."""
    native = isa_class(flags)
    if isa == "native":
        return {"isa": native, "native": native, "emulated": False, "env": {}}
    llama = LLAMA_AVX2_DIR / "llama_cpp"
    return {"isa": "AVX2", "native": native, "emulated": native != "AVX2", "env": dict(AVX2_ENV),
            "llama_cpp_build": str(LLAMA_AVX2_DIR) if llama.is_dir() else None,
            "llama_cpp_note": "AVX2-only build" if llama.is_dir() else
            f"no AVX2-only build at {LLAMA_AVX2_DIR}: llama.cpp ran with its full ISA ({native})"}


def _fd1(fn) -> str:
    """What ``fn`` writes to file descriptor 1 (MKL's and oneDNN's verbose lines are printed from C)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile() as f:
        os.dup2(f.fileno(), 1)
        try:
            fn()
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
        f.seek(0)
        return f.read().decode(errors="replace")


def torch_kernels(dtype: str) -> dict:
    """ATen's dispatch level, MKL's build line (fp32 Linear), oneDNN's ISA and its bf16 matmul kernel."""
    import torch

    x, lin = torch.randn(4, 64), torch.nn.Linear(64, 64)

    def mkl():
        with torch.backends.mkl.verbose(torch.backends.mkl.VERBOSE_ON):
            lin(x)

    def onednn():
        with torch.no_grad(), torch.backends.mkldnn.verbose(torch.backends.mkldnn.VERBOSE_ON):
            torch.nn.functional.conv2d(torch.randn(1, 4, 8, 8), torch.randn(4, 4, 3, 3))  # always oneDNN
            lin.to(torch.bfloat16)(x.to(torch.bfloat16))  # oneDNN only where bf16 is supported

    out: dict = {"aten_capability": torch.backends.cpu.get_cpu_capability(), "dtype": dtype,
                 "int8_engine": torch.backends.quantized.engine,
                 "fbgemm_isa": os.environ.get("FBGEMM_ENABLE_INSTRUCTIONS") or "the CPU's best (not capped)",
                 "mkldnn_bf16_supported": bool(getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported",
                                                       lambda: None)())}
    try:
        m = [line for line in _fd1(mkl).splitlines() if line.startswith("MKL_VERBOSE")]
        out["mkl"] = m[0].replace("MKL_VERBOSE ", "") if m else "not used (fp32 Linear did not call MKL)"
        d = _fd1(onednn).splitlines()
        isa = [line.split("isa:", 1)[1] for line in d if ",isa:" in line]
        out["onednn_isa"] = isa[0] if isa else None
        impl = [line.split(",")[6] for line in d if ",exec,cpu,matmul," in line and line.count(",") > 6]
        out["onednn_bf16_matmul"] = impl[0] if impl else "not used (bf16 Linear runs in ATen's own kernels)"
    except Exception as e:  # noqa: BLE001 - a benchmark must not fail on its description
        out["probe_error"] = repr(e)
    return out


def llama_kernels() -> dict:
    """llama.cpp's system info (the ISA its ggml CPU backend was compiled for) and which build was loaded."""
    import llama_cpp

    return {"system_info": llama_cpp.llama_print_system_info().decode(errors="replace").strip(),
            "module": str(Path(llama_cpp.__file__).parent)}


def kernels_line(k: dict) -> str:
    """One cell for the table: what ran."""
    if "system_info" in k:
        feats = [f.split("=")[0].strip() for f in k["system_info"].split("|") if f.strip().endswith("= 1")]
        simd = [f for f in feats if f.startswith(("AVX", "AMX"))]
        return "ggml " + "+".join(simd[-3:] if simd else feats)
    if k.get("dtype") == "int8":
        lin = f"int8 {k.get('int8_engine')} (fbgemm {k.get('fbgemm_isa')})"
    elif str(k.get("dtype", "")).endswith("bfloat16"):
        impl = k.get("onednn_bf16_matmul", "")
        lin = f"oneDNN {impl}" if impl and not impl.startswith("not used") else "bf16 Linear in ATen (no oneDNN bf16)"
    else:
        lin = "MKL sgemm" + (f" ({os.environ['MKL_ENABLE_INSTRUCTIONS']})" if "MKL_ENABLE_INSTRUCTIONS" in os.environ
                             else "")
    return f"ATen {k.get('aten_capability')}, {lin}"
