"""A tiny hand-made season for the animatic tests (no model): the shared bible and 10-episode plan
(tests/handmade.py), and short shooting scripts (a hook, dialogue shots, an action beat, a cliffhanger)
with their scripts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from dramagen.core.models import EpisodeScript, RunManifest, Scene, ScriptElement, ShootingScene, ShootingScript, Shot

from .handmade import write_season

LINES = [("Kai Blackwood", "I, Kai Blackwood, reject you as my mate."),
         ("Mara", "Then you will watch me rise without you."),
         ("Selene", "Did you really think he would choose you?")]


def make_shooting(n: int = 1, dur: float = 3.0, shots: tuple[int, ...] | None = None) -> ShootingScript:
    """Six shots: hook (WS), three spoken lines (push in, static, handheld), an action beat, a cliffhanger."""
    sc1 = [Shot(number=1, scene=1, size="WS", subject="The pack hall", characters=["Mara"], duration=2.0,
                action="The whole pack watches Mara."),
           Shot(number=2, scene=1, size="MS", movement="push in", subject="Kai and Mara",
                characters=["Kai Blackwood", "Mara"], line=LINES[0][1], speaker=LINES[0][0], duration=dur),
           Shot(number=3, scene=1, size="CU", subject="Mara", characters=["Mara"], line=LINES[1][1],
                speaker=LINES[1][0], duration=dur)]
    sc2 = [Shot(number=4, scene=2, size="EWS", angle="high", movement="pan", subject="The forest",
                characters=["Mara"], duration=1.5, action="Mara runs between the pines."),
           Shot(number=5, scene=2, size="MCU", angle="low", movement="handheld", subject="Selene",
                characters=["Selene"], line=LINES[2][1], speaker=LINES[2][0], duration=dur),
           Shot(number=6, scene=2, size="ECU", movement="push in", subject="the silver ring", duration=2.0,
                action="Selene holds up the silver ring.")]
    if shots is not None:  # keep only these (renumbered 1..n)
        keep = [s for s in sc1 + sc2 if s.number in shots]
        sc1 = [s.model_copy(update={"number": i}) for i, s in enumerate(keep, 1) if s.scene == 1]
        sc2 = [s.model_copy(update={"number": i}) for i, s in enumerate(keep, 1) if s.scene == 2]
    scenes = [ShootingScene(number=1, heading="INT. PACK HALL - NIGHT", location="PACK HALL",
                            seconds=sum(s.duration for s in sc1), shots=sc1),
              ShootingScene(number=2, heading="EXT. FOREST - NIGHT", location="FOREST", interior=False,
                            seconds=sum(s.duration for s in sc2), shots=sc2)]
    return ShootingScript(episode=n, title="The Rejection", scenes=[sc for sc in scenes if sc.shots])


def make_script(n: int = 1) -> EpisodeScript:
    e = ScriptElement
    return EpisodeScript(episode=n, title="The Rejection", target_seconds=75, scenes=[
        Scene(number=1, location="PACK HALL", elements=[
            e(kind="action", text="The whole pack watches Mara."),
            e(kind="character", text="KAI"), e(kind="dialogue", text=LINES[0][1]),
            e(kind="character", text="MARA"), e(kind="dialogue", text=LINES[1][1])]),
        Scene(number=2, location="FOREST", interior=False, elements=[
            e(kind="action", text="Mara runs between the pines."),
            e(kind="character", text="SELENE"), e(kind="dialogue", text=LINES[2][1]),
            e(kind="action", text="Selene holds up the silver ring.")])])


def make_season(root: Path, episodes=(1,), dur: float = 3.0, shots: tuple[int, ...] | None = None) -> Path:
    sd = write_season(root)
    sd.write_model(sd.manifest_path, RunManifest(dramagen_version="test", request=sd.load_request()))
    for n in episodes:
        sd.write_model(sd.shooting_path(n), make_shooting(n, dur, shots))
        sd.write_model(sd.script_path(n), make_script(n))
    return sd.path


def ffprobe(path: Path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def decode_audio(path: Path, rate: int = 16000) -> np.ndarray:
    """The MP4's sound as mono float32 samples at ``rate`` Hz (decoded by ffmpeg)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(rate), "-f", "s16le",
                          "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def frame_png(path: Path, t: float, out: Path) -> Path:
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-ss", f"{t:.3f}", "-i", str(path), "-frames:v", "1", str(out)],
                   check=True)
    return out
