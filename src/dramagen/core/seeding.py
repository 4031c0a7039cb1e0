"""Deterministic seeds: every random choice takes the run's seed and a stable purpose."""

from __future__ import annotations

import hashlib
import random


def derive_seed(seed: int, *parts: object) -> int:
    """A 32-bit seed from the run seed and a purpose (e.g. ``derive_seed(7, "beats", 12, 3)``).

    Stable across processes and machines (no use of Python's salted ``hash``).
    """
    key = ":".join([str(seed), *map(str, parts)]).encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:4], "big")


def rng(seed: int, *parts: object) -> random.Random:
    return random.Random(derive_seed(seed, *parts))
