"""The animatic's sound track: every spoken line placed at its voice start, silence elsewhere.

The track is mono 16-bit PCM at the voices' rate, exactly as long as the picture (``frames / fps``), and
is written as a WAV file for ffmpeg to encode as AAC. :func:`rms` measures loudness (tests, checks).
"""

from __future__ import annotations

import wave
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .timeline import Timeline
from .voices import Speech

__all__ = ["mix", "rms", "write_wav"]


def mix(timeline: Timeline, speech: Mapping[int, Speech], n_samples: int, rate: int) -> np.ndarray:
    """The track (int16) of ``n_samples`` at ``rate`` Hz: each shot's speech from its voice start."""
    track = np.zeros(n_samples, dtype=np.float32)
    for t in timeline.shots:
        sp = speech.get(t.number)
        if sp is None or t.voice_start is None or len(sp.samples) == 0:
            continue
        x = sp.samples if sp.rate == rate else _resample(sp.samples, sp.rate, rate)
        i = int(round(t.voice_start * rate))
        j = min(n_samples, i + len(x))
        if j > i:
            track[i:j] += x[: j - i]
    return (np.clip(track, -1.0, 1.0) * 32767).astype("<i2")


def _resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    n = int(round(len(x) * dst / src))
    return np.interp(np.arange(n) * (src / dst), np.arange(len(x)), x).astype(np.float32)


def write_wav(path: str | Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def rms(samples: np.ndarray) -> float:
    """Root mean square of samples (int16 scaled to [-1, 1], or floats); 0 for none."""
    x = np.asarray(samples)
    if x.size == 0:
        return 0.0
    x = x.astype(np.float64) / (32768.0 if x.dtype.kind == "i" else 1.0)
    return float(np.sqrt(np.mean(x * x)))
