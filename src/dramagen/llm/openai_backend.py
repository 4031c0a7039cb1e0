"""Any OpenAI-compatible server (vLLM, Ollama, llama.cpp server) through langchain-openai.

Plain prompts go to the completions endpoint (few-shot completion is what small models
do best); chat messages go to chat completions. An unreachable server fails within
``timeout`` seconds with a :class:`BackendError`, no retries, no hang.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..core import config
from ..core.errors import BackendError
from .base import Capabilities, Completion, GenerationParams, Generator, Prompt, Timer, as_messages


def _explain(e: Exception, url: str, timeout: float) -> BackendError:
    name = type(e).__name__
    if "Timeout" in name:
        return BackendError(f"model: OpenAI-compatible server at {url} did not answer within {timeout:g} s")
    if "Connect" in name:
        return BackendError(f"model: cannot reach the OpenAI-compatible server at {url} ({name}); is it running?")
    return BackendError(f"model: server at {url} failed: {name}: {str(e)[:200]}")


class OpenAIGenerator(Generator):
    # every completion is its own request seeded with seed + candidate
    capabilities = Capabilities(streaming=True, seeds_per_row=True)

    def __init__(self, base_url: str, model: str | None = None, api_key: str | None = None,
                 timeout: float = 30.0, concurrency: int = 8, name: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.api_key = (api_key or config.get_str("DRAMAGEN_OPENAI_API_KEY") or os.environ.get("OPENAI_API_KEY")
                        or "none")
        self.model = model or self._first_model()
        self.name = name or f"{self.base_url}#{self.model}"
        self.concurrency = concurrency
        self.info = {"backend": "openai", "name": self.name, "base_url": self.base_url, "model": self.model}

    def _first_model(self) -> str:
        import httpx

        try:
            r = httpx.get(f"{self.base_url}/models", timeout=self.timeout,
                          headers={"Authorization": f"Bearer {self.api_key}"})
            r.raise_for_status()
            data = r.json().get("data") or []
            return data[0]["id"] if data else "default"
        except httpx.HTTPError as e:
            raise _explain(e, self.base_url, self.timeout) from None

    def _llm(self, params: GenerationParams, seed: int, chat: bool):
        from langchain_openai import ChatOpenAI, OpenAI

        common: dict[str, Any] = dict(
            base_url=self.base_url, api_key=self.api_key, model=self.model, timeout=self.timeout, max_retries=0,
            temperature=params.temperature, top_p=params.top_p, max_tokens=params.max_new_tokens,
        )
        common["seed"] = seed
        if params.repetition_penalty != 1.0:  # llama.cpp calls it repeat_penalty, vLLM repetition_penalty
            common["extra_body"] = {"repeat_penalty": params.repetition_penalty,
                                    "repetition_penalty": params.repetition_penalty}
        return ChatOpenAI(**common) if chat else OpenAI(**common)

    def _one(self, prompt: Prompt, params: GenerationParams, index: int, cand: int) -> Completion:
        msgs = as_messages(prompt)
        seed = params.seed + cand
        stop = list(params.stop) or None
        t = Timer()
        try:
            if msgs is None:
                res = self._llm(params, seed, chat=False).generate([prompt], stop=stop)
                gen = res.generations[0][0]
                text = gen.text
                finish = (gen.generation_info or {}).get("finish_reason") or "stop"
                usage = (res.llm_output or {}).get("token_usage", {})
                ptok, ctok = usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)
            else:
                msg = self._llm(params, seed, chat=True).invoke([m.model_dump() for m in msgs], stop=stop)
                text = msg.content if isinstance(msg.content, str) else str(msg.content)
                finish = (msg.response_metadata or {}).get("finish_reason") or "stop"
                um = msg.usage_metadata or {}
                ptok, ctok = um.get("input_tokens", 0), um.get("output_tokens", 0)
        except BackendError:
            raise
        except Exception as e:
            raise _explain(e, self.base_url, self.timeout) from None
        return Completion(text=text, prompt_index=index, candidate=cand, prompt_tokens=ptok or 0,
                          completion_tokens=ctok or 0, finish_reason=finish if finish in ("stop", "length") else "stop",
                          seconds=t.elapsed)

    def generate(self, prompts: Sequence[Prompt], params: GenerationParams | None = None) -> list[Completion]:
        params = params or GenerationParams()
        jobs = [(p, i, c) for i, p in enumerate(prompts) for c in range(params.n)]
        with ThreadPoolExecutor(max_workers=max(1, min(self.concurrency, len(jobs)))) as ex:
            return list(ex.map(lambda j: self._one(j[0], params, j[1], j[2]), jobs))

    def stream(self, prompt: Prompt, params: GenerationParams | None = None) -> Iterator[str]:
        params = params or GenerationParams()
        msgs = as_messages(prompt)
        stop = list(params.stop) or None
        try:
            if msgs is None:
                for chunk in self._llm(params, params.seed, chat=False).stream(prompt, stop=stop):
                    if chunk:
                        yield chunk
            else:
                llm = self._llm(params, params.seed, chat=True)
                for chunk in llm.stream([m.model_dump() for m in msgs], stop=stop):
                    if chunk.content:
                        yield chunk.content if isinstance(chunk.content, str) else str(chunk.content)
        except BackendError:
            raise
        except Exception as e:
            raise _explain(e, self.base_url, self.timeout) from None


def wait_for_server(base_url: str, timeout: float = 60.0) -> None:
    """Wait until ``base_url/models`` answers (used by tests and scripts that start a server)."""
    import httpx

    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url.rstrip('/')}/models", timeout=2).status_code == 200:
                return
        except httpx.HTTPError as e:
            last = e
        time.sleep(0.3)
    raise BackendError(f"server at {base_url} did not come up within {timeout:g} s ({last})")
