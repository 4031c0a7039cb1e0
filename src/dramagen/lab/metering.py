"""Metering the model: inside :func:`metering`, every call of a :func:`metered` generator uses the
lab's sampling overrides and is counted (tokens, seconds, calls).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

from ..core.errors import DramagenError

_TLS = threading.local()


@dataclasses.dataclass
class Meter:
    """What a run asked of the model: sampling overrides in, tokens and seconds out."""

    overrides: dict[str, Any] = dataclasses.field(default_factory=dict)
    tokens: int = 0
    seconds: float = 0.0
    calls: int = 0


def metered(gen: Any) -> Any:
    """Wrap ``gen.generate`` (once, in place) so that, inside :func:`metering`, every call
    uses the lab's sampling overrides and is timed. Outside it, calls pass unchanged;
    the generator keeps its class and ``capabilities`` (the slot engine batches by them)."""
    if getattr(gen, "_lab_metered", False):
        return gen
    orig = gen.generate

    def generate(prompts, params=None, **kw):
        meter: Meter | None = getattr(_TLS, "meter", None)
        if meter is None:
            return orig(prompts, params, **kw)
        if meter.overrides and params is not None:
            params = params.model_copy(update=meter.overrides)
        t0 = time.perf_counter()
        out = orig(prompts, params, **kw)
        meter.seconds += time.perf_counter() - t0
        meter.tokens += sum(getattr(c, "completion_tokens", 0) or 0 for c in out)
        meter.calls += 1
        return out

    try:  # the generator keeps its class and its declared capabilities (llm.base.Capabilities)
        gen.generate = generate
        gen._lab_metered = True
    except AttributeError:  # pragma: no cover - a generator refusing attributes: no overrides possible
        raise DramagenError(f"lab: cannot meter generator {type(gen).__name__}") from None
    return gen


class metering:  # a context manager used like a function
    def __init__(self, overrides: dict[str, Any]):
        self.meter = Meter(overrides=dict(overrides))

    def __enter__(self) -> Meter:
        self._prev = getattr(_TLS, "meter", None)
        _TLS.meter = self.meter
        return self.meter

    def __exit__(self, *exc: Any) -> None:
        _TLS.meter = self._prev
