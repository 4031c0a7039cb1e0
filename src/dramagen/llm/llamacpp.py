"""The llama.cpp backend (optional extra ``server``): the GGUF file run in-process."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..core import config
from .base import Capabilities, Completion, GenerationParams, Generator, Prompt, Timer, as_messages


def _finish(reason: str | None, params: GenerationParams) -> str:
    """llama.cpp says "stop" for both a stop string and end-of-sequence; tell them apart."""
    if reason == "length":
        return "length"
    return "stop" if params.stop else "eos"


class LlamaCppGenerator(Generator):
    # every completion is seeded with seed + candidate; several rows are decoded together (llamacpp_batch)
    capabilities = Capabilities(streaming=True, seeds_per_row=True)

    def __init__(self, gguf_path: str | Path, name: str | None = None, n_ctx: int = 4096,
                 threads: int | None = None, info: dict[str, Any] | None = None):
        from ..extras import require

        Llama = require("llama_cpp", "server", "the llamacpp backend").Llama
        from .llamacpp_support import disable_repack

        disable_repack()
        self.path = Path(gguf_path)
        self.name = name or self.path.stem
        t = Timer()
        n_threads = threads or config.get_int("DRAMAGEN_THREADS") or os.cpu_count()
        self.llm = Llama(model_path=str(self.path), n_ctx=n_ctx, verbose=False, n_threads=n_threads,
                         n_threads_batch=n_threads)  # the prompt too: DRAMAGEN_THREADS is all it may use
        self._lock = threading.Lock()
        self.batched = config.get_flag("DRAMAGEN_LLAMACPP_BATCH")
        self._decoder: Any = None
        self.info = {"backend": "llamacpp", "name": self.name, "path": str(self.path),
                     "load_seconds": round(t.elapsed, 3), "device": "cpu", "threads": n_threads,
                     "decoding": "batched" if self.batched else "sequential", **(info or {})}

    def _kw(self, params: GenerationParams, seed: int) -> dict[str, Any]:
        return dict(max_tokens=params.max_new_tokens, temperature=params.temperature, top_p=params.top_p,
                    top_k=params.top_k or 0, repeat_penalty=params.repetition_penalty,
                    stop=list(params.stop) or None, seed=seed)

    def _run(self, prompt: Prompt, params: GenerationParams, seed: int, stream: bool):
        msgs = as_messages(prompt)
        if msgs is None:
            return self.llm.create_completion(prompt, stream=stream, **self._kw(params, seed))
        return self.llm.create_chat_completion([m.model_dump() for m in msgs], stream=stream,
                                               **self._kw(params, seed))

    def generate(self, prompts: Sequence[Prompt], params: GenerationParams | None = None) -> list[Completion]:
        params = params or GenerationParams()
        if self.batched and len(prompts) * params.n > 1 and all(as_messages(p) is None for p in prompts):
            return self._generate_batched([str(p) for p in prompts], params)
        out = []
        with self._lock:
            for i, p in enumerate(prompts):
                for c in range(params.n):
                    t = Timer()
                    r = self._run(p, params, params.seed + c, stream=False)
                    ch = r["choices"][0]
                    text = ch.get("text") if "text" in ch else ch["message"]["content"]
                    usage = r.get("usage", {})
                    out.append(Completion(text=text or "", prompt_index=i, candidate=c, seconds=t.elapsed,
                                          prompt_tokens=usage.get("prompt_tokens", 0),
                                          completion_tokens=usage.get("completion_tokens", 0),
                                          finish_reason=_finish(ch.get("finish_reason"), params)))
        return out

    def _generate_batched(self, prompts: list[str], params: GenerationParams) -> list[Completion]:
        """Every (prompt, candidate) row in one batched decode (dramagen.llm.llamacpp_batch)."""
        from .llamacpp_batch import BatchDecoder, prompt_tokens

        with self._lock:
            t = Timer()
            if self._decoder is None:
                self._decoder = BatchDecoder(self.llm, self.info["threads"])
            rows = self._decoder.generate([prompt_tokens(self.llm, p) for p in prompts], params.n, params)
            secs = t.elapsed
        return [Completion(text=r.text, prompt_index=r.prompt_index, candidate=r.candidate, seconds=secs,
                           prompt_tokens=r.prompt_tokens, completion_tokens=len(r.tokens),
                           finish_reason=_finish("length" if r.finish == "length" else "stop", params))
                for r in rows]

    def stream(self, prompt: Prompt, params: GenerationParams | None = None) -> Iterator[str]:
        params = params or GenerationParams()
        with self._lock:
            for r in self._run(prompt, params, params.seed, stream=True):
                ch = r["choices"][0]
                piece = ch.get("text") if "text" in ch else (ch.get("delta") or {}).get("content")
                if piece:
                    yield piece
