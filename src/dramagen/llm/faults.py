"""Fault injection: a Generator wrapper that breaks a set share of what a model returns.

:class:`FaultyGenerator` wraps any :class:`~dramagen.llm.base.Generator` and, at a set
``rate``, replaces completions with the ways real models and servers fail:

=============  ================================================================  ===========
kind           what comes back                                                   level
=============  ================================================================  ===========
``empty``      no text, or only blanks / newlines                                completion
``repeat``     endless repetition (a word or a phrase looping to the token cap)  completion
``names``      wrong names: bible names misspelt, unknown names invented         completion
``huge``       a huge answer (tens of kilobytes, with or without newlines)       completion
``garbage``    invalid JSON, markup, control characters, mojibake, emoji         completion
``drop``       the backend returns fewer completions than asked (none at all)    completion
``error``      the call raises :class:`InjectedFault` (a :class:`BackendError`)  call
``timeout``    the call waits ``timeout_delay`` s, then raises                   call
               :class:`GenerationTimeout` (a ``BackendError`` and a
               ``TimeoutError``)
=============  ================================================================  ===========

How ``rate`` is applied: a call fails as a whole with probability ``rate × (share of
call-level kinds among kinds)``; otherwise each completion is broken with probability
``rate``, its kind drawn among the completion-level kinds. So with every kind at rate 0.3,
7.5 % of calls raise and 30 % of the completions of the others are broken.

Determinism: every decision is drawn from ``seed``, the call's ``params.seed`` and the
prompts' text (never from a call counter or the clock), so a season generated twice with
the same faults gets the same faults — resumed runs included — and the slot engine's
second round (another derived seed) gets other draws.

``injected`` counts what was injected by kind (``calls`` and ``completions`` too), and
``info`` (what the run manifest records about the model) names the wrapper, its settings
and those counts.

The registry can build one (for subprocesses: the CLI, the studio, batch workers) through
the ``python`` source kind with ``factory: dramagen.llm.faults:from_env``, configured by
``DRAMAGEN_FAULTS`` = ``inner=stub,rate=0.3,seed=1,kinds=empty+error+timeout``.
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from ..core import config
from ..core.errors import BackendError, InputError
from .base import Capabilities, Completion, GenerationParams, Generator, Prompt, capabilities_of, generate_scored

__all__ = ["ALL_KINDS", "CALL_KINDS", "COMPLETION_KINDS", "FaultyGenerator", "GenerationTimeout", "InjectedFault",
           "from_env"]

COMPLETION_KINDS: tuple[str, ...] = ("empty", "repeat", "names", "huge", "garbage", "drop")
CALL_KINDS: tuple[str, ...] = ("error", "timeout")
ALL_KINDS: tuple[str, ...] = COMPLETION_KINDS + CALL_KINDS


class InjectedFault(BackendError):
    """A generation call that failed on purpose (fault injection)."""


class GenerationTimeout(InjectedFault, TimeoutError):
    """A generation call that timed out (fault injection)."""


_INVENTED = ["Zorblax", "Quentin", "Esmeralda", "Thaddeus", "Vexia", "Brünhilde", "Xi", "O'Malley-Smythe",
             "Gertrude", "Lord Fenwick", "Dr. Krang", "MARCUS", "Ëlla", "Bob"]
_GARBAGE = [
    '{"title": "The Return", "beats": [1, 2,',
    '{"error": {"message": "model overloaded", "type": "server_error"}}',
    "<|im_start|>assistant\n<|im_end|>",
    "<script>alert(1)</script>",
    "\x00\x01\x02\x1b[31mRED\x1b[0m\x7f",
    "Ã©Ã¨Ã Ã¢ mojibake Ã¼",
    "\u202eevil text\u202c reversed",
    "🐺🌕💔🔥🐺🌕💔🔥🐺🌕",
    "null",
    "[[[[]]]]",
    "```json\n{}\n```",
    "\ufeff\ufffd\ufffd\ufffd",
    "%s%s%s %n {0} {{ x }} ${HOME} $(id)",
    "https://example.com/click-here www.spam.com",
    "SELECT * FROM users; DROP TABLE seasons;--",
    "\t\t\t    \r\r\r",
]


def _fingerprint(seed: int, params: GenerationParams, prompts: Sequence[Prompt]) -> int:
    h = hashlib.sha256(f"{seed}:{params.seed}:{params.n}:".encode())
    for p in prompts:
        h.update((p if isinstance(p, str) else repr(p)).encode("utf-8", "replace"))
        h.update(b"\0")
    return int.from_bytes(h.digest()[:8], "big")


def _names_in(text: str) -> list[str]:
    return re.findall(r"\b[A-Z][a-z]{2,}\b", text)


def _misspell(name: str, r: random.Random) -> str:
    i = r.randrange(1, len(name))
    return name[:i] + name[i - 1] + name[i:]  # a doubled letter: "Mara" -> "Marra"


class FaultyGenerator(Generator):
    """Wraps ``inner``; breaks completions and calls at ``rate`` (see the module doc)."""

    def __init__(self, inner: Generator, rate: float = 0.3, seed: int = 0, kinds: Sequence[str] = ALL_KINDS,
                 timeout_delay: float = 0.0, huge_chars: int = 40_000):
        if not 0.0 <= float(rate) <= 1.0:
            raise InputError("rate", rate, "a fault rate from 0 to 1")
        kinds = tuple(kinds)
        bad = [k for k in kinds if k not in ALL_KINDS]
        if bad or not kinds:
            raise InputError("kinds", bad or kinds, "a non-empty subset of " + ", ".join(ALL_KINDS))
        self.inner = inner
        self.rate = float(rate)
        self.seed = int(seed)
        self.kinds = kinds
        self.timeout_delay = float(timeout_delay)
        self.huge_chars = int(huge_chars)
        self.name = f"faulty({getattr(inner, 'name', 'generator')})"
        self.injected: Counter = Counter()
        self._lock = threading.Lock()
        self._call_kinds = tuple(k for k in kinds if k in CALL_KINDS)
        self._completion_kinds = tuple(k for k in kinds if k in COMPLETION_KINDS)
        # log-probabilities when the inner generator has them; no row batching (faults are drawn per call, so
        # repacking rows would change which completions fail), no streaming (stream() replays generate)
        self.capabilities = Capabilities(logprobs=capabilities_of(inner).logprobs)

    # -- what the manifest records ----------------------------------------------------------------
    @property
    def info(self) -> dict[str, Any]:  # type: ignore[override]
        with self._lock:
            counts = dict(sorted(self.injected.items()))
        return {**dict(getattr(self.inner, "info", {})),
                "faults": {"rate": self.rate, "seed": self.seed, "kinds": list(self.kinds), "injected": counts}}

    def _count(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self.injected[k] += 1

    # -- decisions ------------------------------------------------------------------------------------
    def _call_fault(self, r: random.Random) -> str | None:
        if not self._call_kinds:
            return None
        p = self.rate * len(self._call_kinds) / len(self.kinds)
        return r.choice(self._call_kinds) if r.random() < p else None

    def _break(self, c: Completion, kind: str, r: random.Random, params: GenerationParams) -> Completion | None:
        text = c.text
        if kind == "empty":
            new = r.choice(["", " ", "\n", "\n\n\n", "   \t  "])
            finish = r.choice(["stop", "eos"])
            return c.model_copy(update={"text": new, "completion_tokens": 0, "finish_reason": finish})
        if kind == "repeat":
            unit = r.choice(["the the ", "Mara Mara ", "and then she and then she ", "I love you. ", "no no no ",
                             (text.strip().split() or ["again"])[0] + " ",
                             text.strip()[:40] + " " if text.strip() else "x "])
            n = max(2, params.max_new_tokens // max(1, len(unit.split())) + 1)  # to the token cap, and on
            return c.model_copy(update={"text": " " + unit * n, "finish_reason": "length",
                                        "completion_tokens": params.max_new_tokens})
        if kind == "names":
            names = _names_in(text)
            out = text
            for nm in names:
                roll = r.random()
                if roll < 0.4:
                    out = out.replace(nm, _misspell(nm, r), 1)
                elif roll < 0.8:
                    out = out.replace(nm, r.choice(_INVENTED), 1)
            if out == text:
                out = f" {r.choice(_INVENTED)} tells {r.choice(_INVENTED)} that{text}"
            return c.model_copy(update={"text": out})
        if kind == "huge":
            filler = text.strip() or "She runs."
            sep = r.choice([" ", " ", "\n"])
            reps = max(1, self.huge_chars // (len(filler) + 1))
            return c.model_copy(update={"text": " " + sep.join([filler] * reps), "finish_reason": "length",
                                        "completion_tokens": 10 * params.max_new_tokens})
        if kind == "garbage":
            g = r.choice(_GARBAGE)
            new = r.choice([g, " " + g, text + g, g + text])
            return c.model_copy(update={"text": new, "logprob": r.choice([c.logprob, float("nan"), float("-inf"),
                                                                          -1e9, None])})
        if kind == "drop":
            return None
        raise AssertionError(kind)  # pragma: no cover

    # -- the Generator interface ----------------------------------------------------------------------
    def generate(self, prompts: Sequence[Prompt], params: GenerationParams | None = None,
                 logprobs: bool = False) -> list[Completion]:
        p = params or GenerationParams()
        r = random.Random(_fingerprint(self.seed, p, prompts))
        self._count("calls")
        fault = self._call_fault(r)
        if fault == "error":
            self._count("error")
            raise InjectedFault(f"model: injected failure (fault injection, seed {self.seed})")
        if fault == "timeout":
            self._count("timeout")
            if self.timeout_delay > 0:
                time.sleep(self.timeout_delay)
            raise GenerationTimeout(f"model: no answer within the time limit (injected timeout, seed {self.seed})")
        comps = generate_scored(self.inner, prompts, p, logprobs)
        out: list[Completion] = []
        for c in comps:
            self._count("completions")
            if self._completion_kinds and r.random() < self.rate:
                kind = r.choice(self._completion_kinds)
                self._count(kind)
                broken = self._break(c, kind, r, p)
                if broken is not None:
                    out.append(broken)
            else:
                out.append(c)
        return out

    def stream(self, prompt: Prompt, params: GenerationParams | None = None) -> Iterator[str]:
        comps = self.generate([prompt], (params or GenerationParams()).model_copy(update={"n": 1}))
        text = comps[0].text if comps else ""
        for i, w in enumerate(text.split(" ")):
            yield (" " if i else "") + w

    def close(self) -> None:
        self.inner.close()


def _parse_env(spec: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in filter(None, (x.strip() for x in spec.split(","))):
        k, sep, v = part.partition("=")
        if not sep:
            raise InputError("DRAMAGEN_FAULTS", spec, "key=value pairs: inner=MODEL,rate=0.3,seed=1,kinds=a+b")
        out[k.strip()] = v.strip()
    return out


def from_env(**kw: Any) -> FaultyGenerator:
    """A registry factory: ``DRAMAGEN_FAULTS=inner=stub,rate=0.3,seed=1,kinds=empty+error,delay=0``."""
    from . import load_generator

    cfg = _parse_env(config.get_str("DRAMAGEN_FAULTS") or "")
    unknown = set(cfg) - {"inner", "rate", "seed", "kinds", "delay"}
    if unknown:
        raise InputError("DRAMAGEN_FAULTS", ",".join(sorted(unknown)), "keys inner, rate, seed, kinds, delay")
    try:
        rate, seed, delay = float(cfg.get("rate", 0.3)), int(cfg.get("seed", 0)), float(cfg.get("delay", 0))
    except ValueError:
        raise InputError("DRAMAGEN_FAULTS", config.get_str("DRAMAGEN_FAULTS"),
                         "numbers for rate, seed, delay") from None
    kinds = tuple(k for k in cfg.get("kinds", "+".join(ALL_KINDS)).split("+") if k)
    inner = load_generator(cfg.get("inner") or None, **kw)
    return FaultyGenerator(inner, rate=rate, seed=seed, kinds=kinds, timeout_delay=delay)
