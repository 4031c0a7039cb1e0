"""Every ``DRAMAGEN_*`` environment variable, in one place: its type, its default and what it does.

Modules read settings through the functions here, never ``os.environ`` directly. Values are read when asked
for (not cached at import), so a test or a front end may change a variable between calls. A value of the
wrong type raises :class:`~dramagen.core.errors.InputError` naming the variable. Families of variables that mirror
a settings model (``DRAMAGEN_TIMING_<FIELD>``, ``DRAMAGEN_ANIMATIC_<FIELD>``) are read by that model from
:func:`prefixed`; the table below names them too, so ``dramagen`` has one list of what it reads.

The test suite's own knobs are read by the tests and documented where they are read (tests/):
``DRAMAGEN_REQUIRE_SCREENPLAY``, ``DRAMAGEN_BIG_FISH`` (test_timing), ``DRAMAGEN_SOAK``, ``DRAMAGEN_SOAK_KILLS``,
``DRAMAGEN_CRASH_SEED`` (test_crash_resume), ``DRAMAGEN_FUZZ_EXPLORE`` (test_fuzz), ``DRAMAGEN_LOAD_N``
(test_load), ``DRAMAGEN_STUB_DELAY``, ``DRAMAGEN_STUB_DELAY_FILE``, ``DRAMAGEN_STUB_PER_CALL`` (stand_in),
``DRAMAGEN_TEST_SEASON`` (test_animatic_real), ``DRAMAGEN_CHROMIUM``, ``DRAMAGEN_UI_SHOTS`` (browser tests).

``PROCESS_DEFAULTS`` are the third-party variables every entry point (CLI, studio, app.py) sets unless the
user did: :func:`apply_process_defaults`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

__all__ = ["SETTINGS", "PROCESS_DEFAULTS", "Setting", "apply_process_defaults", "get_str", "get_int", "get_flag",
           "get_path", "prefixed"]


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # "str", "int", "flag" (0 or 1), "path", or "family" (a prefix of several)
    default: str | int | bool | None
    doc: str


SETTINGS: dict[str, Setting] = {s.name: s for s in [
    # the model
    Setting("DRAMAGEN_MODEL", "str", None, "the default model (registry name, folder, .gguf or URL); "
            "else the registry's first"),
    Setting("DRAMAGEN_MODELS_DIR", "path", None, "where weights live; else the repo's models/, else "
            "~/.cache/dramagen/models"),
    Setting("DRAMAGEN_REGISTRY", "path", None, "the model registry file; else models/registry.yaml"),
    Setting("DRAMAGEN_THREADS", "int", 0, "CPU threads for the local backends; 0: one per core"),
    Setting("DRAMAGEN_FASTGEN", "flag", True, "0: transformers' generate instead of the shared-prefix sampler"),
    Setting("DRAMAGEN_LLAMA", "flag", True, "0: transformers' model code computes a Llama in the shared-prefix "
            "sampler on the CPU, not llm/llama.py (the same logits; 2 s more to load)"),
    Setting("DRAMAGEN_MAX_ROWS", "int", 0, "rows the shared-prefix sampler decodes at once; 0: 96"),
    Setting("DRAMAGEN_CPU_BF16", "flag", True, "0: never bf16 on CPU, even where it is fast"),
    Setting("DRAMAGEN_CPU_INT8", "flag", True, "0: float32 rather than int8 on x86 CPUs without fast bf16 "
            "(AVX2)"),
    Setting("DRAMAGEN_DTYPE", "str", None, "the transformers weights: float32, bfloat16 or int8 (CPU: Linear "
            "layers in int8); else auto"),
    Setting("DRAMAGEN_INT8_ENGINE", "str", "x86", "torch's quantized engine for int8: x86 (fbgemm's kernels, "
            "capped by FBGEMM_ENABLE_INSTRUCTIONS), or onednn (follows ONEDNN_MAX_CPU_ISA)"),
    Setting("DRAMAGEN_LLAMACPP_REPACK", "flag", False, "1: keep llama.cpp's weight repacking on"),
    Setting("DRAMAGEN_LLAMACPP_BATCH", "flag", True, "0: llama.cpp makes a call's completions one after "
            "another instead of decoding them together"),
    Setting("DRAMAGEN_OPENAI_API_KEY", "str", None, "the key for an OpenAI-compatible server; else "
            "OPENAI_API_KEY"),
    Setting("DRAMAGEN_FAULTS", "str", None, "fault injection: 'rate=0.3,seed=0,kinds=empty+timeout,inner=NAME' "
            "(tests and make soak)"),
    # prompts and story data
    Setting("DRAMAGEN_PROMPTS_DIR", "path", None, "the prompts folder (and its tropes/); else the repo's "
            "prompts/"),
    # screen time and the animatic
    Setting("DRAMAGEN_TIMING_", "family", None, "DRAMAGEN_TIMING_<FIELD>: a timing.TimingSettings field, "
            "e.g. DRAMAGEN_TIMING_DIALOGUE_WPS=2.6"),
    Setting("DRAMAGEN_ANIMATIC_", "family", None, "DRAMAGEN_ANIMATIC_<FIELD>: an animatic option, e.g. "
            "DRAMAGEN_ANIMATIC_WIDTH=540; DRAMAGEN_ANIMATIC_WORKERS: episodes rendered at once"),
    Setting("DRAMAGEN_FFMPEG", "path", None, "the ffmpeg binary; else the one on PATH"),
    Setting("DRAMAGEN_FFPROBE", "path", None, "the ffprobe binary; else the one on PATH"),
    Setting("DRAMAGEN_ESPEAK", "path", None, "the espeak-ng binary; else the one on PATH"),
    Setting("DRAMAGEN_CPSAT_INTERLEAVE", "flag", True, "CP-SAT's interleaved search for the schedule "
            "(deterministic); 0: off"),
    # front ends
    Setting("DRAMAGEN_DEBUG", "flag", False, "1: the CLI shows an internal error's traceback"),
    Setting("DRAMAGEN_HOST", "str", "127.0.0.1", "the studio's bind address (app.py)"),
    Setting("DRAMAGEN_PORT", "int", 7860, "the studio's port (app.py)"),
    Setting("DRAMAGEN_AUTH", "str", None, "user:pass for the studio's login page (app.py)"),
    Setting("DRAMAGEN_WORKSPACE", "path", None, "the studio's folder of projects"),
    Setting("DRAMAGEN_UI_CONCURRENCY", "int", 8, "studio jobs run at once"),
]}

#: third-party variables every entry point sets unless the user did
PROCESS_DEFAULTS: dict[str, str] = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_VERBOSITY": "error",
}


def apply_process_defaults() -> None:
    for key, value in PROCESS_DEFAULTS.items():
        os.environ.setdefault(key, value)


def _known(name: str) -> bool:
    return name in SETTINGS or any(s.kind == "family" and name.startswith(s.name) for s in SETTINGS.values())


def _raw(name: str, environ: Mapping[str, str] | None = None) -> str:
    if not _known(name):
        raise KeyError(f"{name} is not a dramagen setting (add it to config.SETTINGS)")
    return (os.environ if environ is None else environ).get(name, "").strip()


def get_str(name: str) -> str | None:
    """The variable's text, or its default when unset or blank."""
    raw = _raw(name)
    default = SETTINGS[name].default
    return raw or (str(default) if default is not None else None)


def get_int(name: str, default: int | None = None) -> int:
    """The variable as an integer; unset or blank: ``default``, else the table's default, else 0."""
    raw = _raw(name)
    if not raw:
        if default is not None:
            return default
        known = SETTINGS[name].default if name in SETTINGS else None
        return int(known) if known is not None else 0
    try:
        return int(raw)
    except ValueError:
        raise InputError(name, raw, "an integer") from None


def get_flag(name: str) -> bool:
    """A 0/1 switch: unset means the default; "0" is off; anything else is on."""
    raw = _raw(name)
    if not raw:
        return bool(SETTINGS[name].default)
    return raw != "0"


def get_path(name: str) -> Path | None:
    """The variable as a path (``~`` expanded), or None when unset or blank."""
    raw = _raw(name)
    return Path(raw).expanduser() if raw else None


def prefixed(prefix: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables of a family (``DRAMAGEN_TIMING_``…) that are set, by name."""
    if SETTINGS.get(prefix) is None or SETTINGS[prefix].kind != "family":
        raise KeyError(f"{prefix} is not a dramagen setting family (add it to config.SETTINGS)")
    env = os.environ if environ is None else environ
    return {k: v for k, v in env.items() if k.startswith(prefix)}
