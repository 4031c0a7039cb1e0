"""Offline voices: one espeak-ng voice per character, stored in the bible, stable across the season.

:func:`assign_voices` gives every character without a voice a distinct one (espeak-ng voice and
variant, pitch, rate), chosen by rules so that the same bible always gets the same voices:

- a female or male variant from the pronouns of the character's ``look``, ``want`` and ``secret``
  (she/her against he/him/his), else from the name's ending (a guess: edit ``bible.json`` to change it);
- pitch and rate from age and role: older voices lower and slower, an antagonist slower and lower;
- no two characters share a (voice, pitch) pair.

:func:`synthesize` speaks one line with espeak-ng (its ``--stdout`` WAV, read with :mod:`wave`) and trims
the silence espeak-ng puts around it, so that the duration is the spoken time.
"""

from __future__ import annotations

import io
import re
import subprocess
import wave
from dataclasses import dataclass

import numpy as np

from ...core.errors import DramagenError
from ...core.models import SeriesBible, Voice
from .tools import espeak

__all__ = ["NARRATOR", "Speech", "assign_voices", "guess_gender", "speakable", "synthesize"]

#: the narrator of action lines (``narrate=True``)
NARRATOR = Voice(voice="en-gb+m1", pitch=42, rate=180)

_FEMALE = (("en-us+f1", 62), ("en-gb+f3", 56), ("en-us+f4", 70), ("en-gb+f2", 52), ("en-us+f5", 66),
           ("en-us+Annie", 60))
_MALE = (("en-us+m3", 40), ("en-gb+m4", 34), ("en-us+m7", 46), ("en-gb+m2", 38), ("en-us+m6", 30),
         ("en-us+m1", 44))
_SHE = re.compile(r"\b(she|her|hers|herself|woman|girl|mother|daughter|queen|wife|bride|sister|heiress|lady)\b",
                  re.IGNORECASE)
_HE = re.compile(r"\b(he|him|his|himself|man|boy|father|son|king|husband|groom|brother|heir|lord|alpha)\b",
                 re.IGNORECASE)
_FEMALE_END = re.compile(r"(a|ah|ie|y|ine|elle|ette|lyn|een|ice|ora|ara|ina|is)$", re.IGNORECASE)


class SynthesisError(DramagenError):
    """espeak-ng failed on a line."""


def guess_gender(name: str, text: str) -> str:
    """'f' or 'm' for a character: pronouns in ``text`` first, then the first name's ending."""
    she, he = len(_SHE.findall(text)), len(_HE.findall(text))
    if she != he:
        return "f" if she > he else "m"
    return "f" if _FEMALE_END.search(name.split()[0]) else "m"


def assign_voices(bible: SeriesBible) -> SeriesBible:
    """The bible with a voice for every character (existing voices are kept); see the module doc."""
    voices = {k: v for k, v in bible.voices.items()}
    used = {(v.voice, v.pitch) for v in voices.values()}
    for c in bible.characters:
        if c.name in voices:
            continue
        pool = _FEMALE if guess_gender(c.name, " ".join((c.look, c.want, c.secret))) == "f" else _MALE
        villain = c.role.lower() in ("antagonist", "villain", "rival")
        rate = 175 - (15 if c.age >= 55 else 0) - (10 if villain else 0) + (10 if c.age <= 20 else 0)
        shift = (-6 if c.age >= 55 else 0) - (4 if villain else 0) + (6 if c.age <= 20 else 0)
        names_used = {v.voice for v in voices.values()}
        fresh = [(n, p) for n, p in pool if n not in names_used]  # a variant nobody has yet, else a new pitch
        candidates = fresh + [(n, p + 7 * k) for k in range(1, 8) for n, p in pool]
        name, pitch = next((n, max(0, min(99, p + shift))) for n, p in candidates
                           if (n, max(0, min(99, p + shift))) not in used)
        voices[c.name] = Voice(voice=name, pitch=pitch, rate=rate)
        used.add((voices[c.name].voice, voices[c.name].pitch))
    return bible.model_copy(update={"voices": voices})


def speakable(text: str) -> str:
    """The line as espeak-ng should read it: Fountain emphasis and stage marks removed, one line."""
    t = re.sub(r"[*_]+", "", text or "")
    t = re.sub(r"\[\[.*?\]\]", "", t)
    return " ".join(t.split())


@dataclass(frozen=True)
class Speech:
    """One spoken line: mono float32 samples in [-1, 1] at ``rate`` Hz, silence trimmed."""

    samples: np.ndarray
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def _trim(x: np.ndarray, rate: int, threshold: float = 0.01, keep: float = 0.02) -> np.ndarray:
    loud = np.flatnonzero(np.abs(x) > threshold)
    if loud.size == 0:
        return x[:0]
    pad = int(keep * rate)
    return x[max(0, loud[0] - pad): min(len(x), loud[-1] + pad + 1)]


def synthesize(text: str, voice: Voice, *, timeout: float = 60.0) -> Speech:
    """Speak ``text`` with ``voice`` (espeak-ng, offline); the same text and voice give the same samples."""
    words = speakable(text)
    if not words:
        return Speech(np.zeros(0, dtype=np.float32), 22050)
    cmd = [espeak(), "-v", voice.voice, "-p", str(voice.pitch), "-s", str(voice.rate), "--stdout"]
    try:
        proc = subprocess.run(cmd, input=words.encode("utf-8"), capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError) as e:
        raise SynthesisError(f"animatic: espeak-ng failed to run ({e})") from None
    if proc.returncode != 0 or not proc.stdout:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise SynthesisError(f"animatic: espeak-ng failed on voice {voice.voice!r}: {msg[0] if msg else 'no audio'}")
    data = proc.stdout
    # espeak-ng writes a streaming WAV header (sizes 0xFFFFFFFF) to stdout: read the PCM after the header
    with wave.open(io.BytesIO(_fix_sizes(data)), "rb") as w:
        rate, width = w.getframerate(), w.getsampwidth()
        pcm = w.readframes(w.getnframes())
    if width != 2:
        raise SynthesisError(f"animatic: espeak-ng gave {8 * width}-bit audio; expected 16-bit")
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    return Speech(_trim(x, rate), rate)


def _fix_sizes(data: bytes) -> bytes:
    """A WAV whose RIFF and data sizes are those of the bytes we have (espeak-ng streams with unknown sizes)."""
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SynthesisError("animatic: espeak-ng did not write a WAV file")
    i = 12
    out = bytearray(data)
    while i + 8 <= len(data):
        cid, size = data[i:i + 4], int.from_bytes(data[i + 4:i + 8], "little")
        if cid == b"data":
            n = len(data) - (i + 8)
            n -= n % 2
            out[i + 4:i + 8] = n.to_bytes(4, "little")
            out[4:8] = (i + n).to_bytes(4, "little")
            return bytes(out[:i + 8 + n])
        i += 8 + size + (size % 2)
    raise SynthesisError("animatic: espeak-ng's WAV has no data chunk")
