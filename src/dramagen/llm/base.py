"""The Generator interface that every stage uses, whatever the backend.

A Generator takes plain prompts (few-shot completions, what the tiny default model
does best) or chat messages, and returns :class:`Completion` objects with token
counts and timings. ``generate`` is the batched form (many prompts, and ``n``
candidates each, generated together); ``stream`` yields text chunks of one
completion as they are produced. ``"".join(stream(p, params))`` equals
``generate([p], params)[0].text`` for the same seed.

What a backend can do beyond that interface it declares in :class:`Capabilities` (``gen.capabilities``);
callers read it instead of guessing from the class or the signature.
"""

from __future__ import annotations

import abc
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..core.errors import InputError


class Message(BaseModel):
    model_config = ConfigDict(frozen=True)
    role: Literal["system", "user", "assistant"]
    content: str


Prompt = str | Sequence[Message] | Sequence[dict]


class GenerationParams(BaseModel):
    """Sampling parameters. Out-of-range values fail with an error naming the field."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_new_tokens: int = Field(64, gt=0, le=8192, description="tokens to generate at most")
    temperature: float = Field(0.8, ge=0.0, le=5.0, description="0 means greedy decoding")
    top_p: float = Field(0.95, gt=0.0, le=1.0)
    top_k: int = Field(0, ge=0, description="0 disables top-k")
    repetition_penalty: float = Field(1.1, gt=0.0, le=3.0)
    stop: tuple[str, ...] = Field((), description="stop strings; the text is cut before the first one")
    seed: int = Field(0, ge=0, lt=2**32)
    n: int = Field(1, ge=1, le=64, description="candidates per prompt")

    @field_validator("stop", mode="before")
    @classmethod
    def _stop(cls, v: Any) -> Any:
        if v is None:
            return ()
        if isinstance(v, str):
            return (v,)
        return tuple(v)

    @field_validator("stop")
    @classmethod
    def _stop_nonempty(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(s == "" for s in v):
            raise ValueError("stop strings must not be empty")
        return v

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0

    @classmethod
    def make(cls, **kw: Any) -> GenerationParams:
        """Build params, turning a pydantic error into an :class:`InputError` naming the field."""
        try:
            return cls(**{k: v for k, v in kw.items() if v is not None})
        except ValidationError as e:
            err = e.errors()[0]
            field = ".".join(str(x) for x in err["loc"]) or "params"
            ranges = {
                "max_new_tokens": "an integer from 1 to 8192",
                "temperature": "a number from 0 (greedy) to 5",
                "top_p": "a number in (0, 1]",
                "top_k": "an integer >= 0",
                "repetition_penalty": "a number in (0, 3]",
                "seed": "an integer from 0 to 2**32-1",
                "n": "an integer from 1 to 64",
                "stop": "a list of non-empty strings",
            }
            raise InputError(field, err.get("input"), ranges.get(field, err["msg"])) from None


class Completion(BaseModel):
    """One generated text with its accounting."""

    text: str
    prompt_index: int = 0
    candidate: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: Literal["stop", "length", "eos", "error"] = "eos"
    logprob: float | None = Field(None, description="mean log-probability of the generated tokens, when known")
    seconds: float = 0.0
    first_token_seconds: float | None = None

    @property
    def tokens_per_second(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds > 0 else 0.0


def as_messages(prompt: Prompt) -> list[Message] | None:
    """Chat messages if the prompt is a conversation, None if it is plain text."""
    if isinstance(prompt, str):
        return None
    return [m if isinstance(m, Message) else Message(**m) for m in prompt]


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """Cut ``text`` before the earliest stop string; say whether one was found."""
    best = -1
    for s in stop:
        i = text.find(s)
        if i != -1 and (best == -1 or i < best):
            best = i
    if best == -1:
        return text, False
    return text[:best], True


def stop_prefix_len(text: str, stop: Sequence[str]) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of a stop string.

    A streamer holds that many characters back, since they may yet become a stop string.
    """
    keep = 0
    for s in stop:
        for k in range(min(len(s) - 1, len(text)), 0, -1):
            if text.endswith(s[:k]):
                keep = max(keep, k)
                break
    return keep


class Capabilities(BaseModel):
    """What a generator can do beyond the base interface; the slot engine and the front ends read this.

    - ``logprobs``: ``generate(prompts, params, logprobs=True)`` is accepted and fills each completion's
      ``logprob`` (the slot engine scores candidates with it).
    - ``row_batching``: ``generate`` packs one row per (prompt, candidate) into full batches, so the caller
      may send each candidate as its own prompt with ``n=1`` (sampling is the same as ``n`` candidates).
    - ``streaming``: ``stream`` yields text as it is generated (not the whole completion at the end).
    - ``seeds_per_row``: each (prompt, candidate) row is sampled from its own seed, so a row's text does not
      depend on the other rows in the call (docs/architecture.md, Determinism).
    - ``row_events``: ``generate(prompts, params, on_row=f)`` calls ``f(i, completion)`` for each completion
      ``i`` of the list it returns as soon as that row is finished (the same completion it returns, but for
      ``seconds``), in the calling thread, before it returns; what ``f`` raises ends the call.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    logprobs: bool = False
    row_batching: bool = False
    streaming: bool = False
    seeds_per_row: bool = False
    row_events: bool = False


class Generator(abc.ABC):
    """Backend-independent text generation."""

    #: registry name or path/URL the generator was made from
    name: str = "generator"
    #: what this generator can do beyond the interface (a backend sets its own, per class or per instance)
    capabilities: Capabilities = Capabilities()
    #: what the run manifest records about the model (id, hash, backend, dtype, device…)
    info: dict[str, Any]

    @abc.abstractmethod
    def generate(self, prompts: Sequence[Prompt], params: GenerationParams | None = None) -> list[Completion]:
        """Generate ``params.n`` completions for each prompt; ordered by prompt then candidate."""

    @abc.abstractmethod
    def stream(self, prompt: Prompt, params: GenerationParams | None = None) -> Iterator[str]:
        """Yield the text of one completion in chunks as it is generated."""

    def complete(self, prompt: Prompt, params: GenerationParams | None = None, **kw: Any) -> Completion:
        """One completion of one prompt (``kw`` override ``params``)."""
        p = params or GenerationParams()
        if kw:
            p = GenerationParams.make(**{**p.model_dump(), **kw, "n": 1})
        return self.generate([prompt], p)[0]

    def close(self) -> None:  # noqa: B027 - optional hook: backends holding resources override it
        pass


def capabilities_of(gen: Any) -> Capabilities:
    """``gen.capabilities``; none beyond the interface for an object that declares nothing."""
    caps = getattr(gen, "capabilities", None)
    return caps if isinstance(caps, Capabilities) else Capabilities()


def generate_scored(gen: Any, prompts: Sequence[Prompt], params: GenerationParams | None = None,
                    logprobs: bool = True, on_row: Callable[[int, Completion], None] | None = None) -> list[Completion]:
    """``gen.generate`` passing ``logprobs`` where the generator declares it (``capabilities.logprobs``);
    otherwise plain ``generate`` (completions without a ``logprob``). ``on_row`` is passed where the
    generator declares ``row_events``; otherwise it is not called."""
    caps = capabilities_of(gen)
    kw: dict[str, Any] = {"on_row": on_row} if on_row is not None and caps.row_events else {}
    if caps.logprobs:
        return gen.generate(prompts, params, logprobs=logprobs, **kw)
    return gen.generate(prompts, params, **kw)


class Timer:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.first: float | None = None

    def mark_first(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.t0

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.t0
