"""Surviving a model call that fails: which failures are recoverable, and a retrying wrapper.

A generation call can fail for reasons that have nothing to do with the user's input: a
server that drops the connection or times out, an out-of-memory error, a broken response.
A season must still complete, so such a failure is treated like a round of candidates
that all failed: the slot is tried again with another derived seed, then given its
fallback line, and the failure is counted.

:func:`is_generation_failure` says which exceptions are such failures: every
:class:`~dramagen.core.errors.BackendError` (timeouts and fault injection included), and the
usual run-time failures of a backend (``RuntimeError``, ``OSError``/``ConnectionError``,
``TimeoutError``, ``MemoryError``, ``ValueError`` from a bad response). Never recoverable:
the user's own errors (any other :class:`~dramagen.core.errors.DramagenError`, e.g. an
``InputError``), and control flow such as the studio's Stop (a plain ``Exception``
subclass), ``KeyboardInterrupt`` or ``SystemExit``.

:class:`ResilientGenerator` applies that at the Generator level: a failed call is retried
``retries`` times with another seed derived from the call's (``derive_seed(seed,
"retry", k)``), and if it still fails it returns, for every prompt and candidate, an empty
completion with ``finish_reason="error"``, which the slot engine rejects (the slot then
regenerates, then falls back). ``stats`` counts the calls, failures, retries and calls
given up; ``info`` (the run manifest's model entry) carries them.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from ..core.errors import BackendError, DramagenError
from ..core.seeding import derive_seed
from .base import Capabilities, Completion, GenerationParams, Generator, Prompt, capabilities_of, generate_scored

__all__ = ["ResilientGenerator", "is_generation_failure"]

_RECOVERABLE = (BackendError, RuntimeError, OSError, TimeoutError, MemoryError, ValueError)


def is_generation_failure(e: BaseException) -> bool:
    """True when ``e`` raised by a generation call should count as a failed round, not abort the run."""
    if isinstance(e, BackendError):
        return True
    if isinstance(e, DramagenError):  # the user's own error (bad params, unknown model…): report it
        return False
    return isinstance(e, _RECOVERABLE)


class ResilientGenerator(Generator):
    """``inner`` with failed calls retried, then turned into empty ``finish_reason="error"`` completions."""

    def __init__(self, inner: Generator, retries: int = 1):
        self.inner = inner
        self.retries = max(0, int(retries))
        self.name = getattr(inner, "name", "generator")
        self.stats: Counter = Counter()
        self.last_error: str | None = None
        self._lock = threading.Lock()
        inner_caps = capabilities_of(inner)
        # the inner generator's, except row batching: callers send this wrapper n candidates a prompt
        self.capabilities = Capabilities(logprobs=inner_caps.logprobs, streaming=inner_caps.streaming,
                                         seeds_per_row=inner_caps.seeds_per_row)

    @property
    def info(self) -> dict[str, Any]:  # type: ignore[override]
        with self._lock:
            counts = dict(sorted(self.stats.items()))
        return {**dict(getattr(self.inner, "info", {})), "resilience": {"retries": self.retries, **counts}}

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    def generate(self, prompts: Sequence[Prompt], params: GenerationParams | None = None,
                 logprobs: bool = False) -> list[Completion]:
        p = params or GenerationParams()
        self._count("calls")
        for attempt in range(self.retries + 1):
            q = p if attempt == 0 else p.model_copy(update={"seed": derive_seed(p.seed, "retry", attempt)})
            try:
                return generate_scored(self.inner, prompts, q, logprobs)
            except Exception as e:  # noqa: BLE001 - sorted by is_generation_failure
                if not is_generation_failure(e):
                    raise
                self._count("failures")
                self.last_error = f"{type(e).__name__}: {e}"[:300]
                if attempt < self.retries:
                    self._count("retried")
        self._count("gave_up")
        return [Completion(text="", prompt_index=i, candidate=k, finish_reason="error")
                for i in range(len(prompts)) for k in range(p.n)]

    def stream(self, prompt: Prompt, params: GenerationParams | None = None) -> Iterator[str]:
        # a stream is shown as it comes: a failure is reported (the CLI prints it), not hidden
        yield from self.inner.stream(prompt, params)

    def close(self) -> None:
        self.inner.close()
