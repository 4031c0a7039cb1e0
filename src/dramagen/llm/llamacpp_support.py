"""llama-cpp-python helpers: a safe default for this kind of CPU, and a server launcher.

llama.cpp repacks Q4 weights into "extra buffer types" (AMX / AVX-512 kernels) at load.
On the Sapphire-Rapids-class CPUs of our machines that path segfaults as soon as a
prompt of more than one token is evaluated (seen with llama-cpp-python 0.3.36 on
SmolLM2-135M Q4_1: the server dies with SIGSEGV on the first multi-token prompt).
Turning repacking off (``use_extra_bufts = False``) avoids it at a small speed cost.
Set ``DRAMAGEN_LLAMACPP_REPACK=1`` to keep llama.cpp's default.

``python -m dramagen.llm.llamacpp_support --model FILE.gguf --port 8080`` runs
llama-cpp-python's OpenAI-compatible server (same arguments) with that fix applied.
"""

from __future__ import annotations

from ..core import config

_patched = False


def disable_repack() -> None:
    """Make every llama.cpp model load without weight repacking (idempotent)."""
    global _patched
    if _patched or config.get_str("DRAMAGEN_LLAMACPP_REPACK") == "1":
        return
    from ..extras import require

    llama_cpp = require("llama_cpp", "server", "the llama.cpp backend and server")
    import llama_cpp.llama as llama_mod

    original = llama_cpp.llama_model_default_params

    def params_without_repack():
        p = original()
        p.use_extra_bufts = False
        return p

    llama_mod.llama_cpp.llama_model_default_params = params_without_repack  # type: ignore[attr-defined]
    _patched = True


def main() -> None:
    from ..core.errors import DramagenError

    try:
        disable_repack()
    except DramagenError as e:  # llama-cpp-python missing: one line naming the extra
        raise SystemExit(f"error: {e}") from None
    from llama_cpp.server.__main__ import main as server_main

    server_main()


if __name__ == "__main__":
    main()
