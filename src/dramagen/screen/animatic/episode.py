"""One episode's animatic, from the season folder to ``exports/epNNN/STEM-animatic.mp4`` (+ .srt, .vtt, .json).

Steps: load and check the shooting script (a clear error naming the episode and the shot), the voices
from the bible, speak every line (espeak-ng), time the shots to the voice (:mod:`.timeline`), mix the
sound (:mod:`.audio`), stream the frames (:mod:`.render`) into ffmpeg (:mod:`.encode`), write the
subtitles (:mod:`.subtitles`) and a JSON record of the timing. With ``update_script`` the shooting
script's durations become the animatic's (the season manifest records it).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ... import __version__
from ...core import config
from ...core.errors import InputError, SeasonDataError
from ...core.models import SeriesBible, ShootingScript, Voice
from ...project.season import SeasonDir, atomic_write_text, safe_join
from ..storyboard import episode_stem
from . import audio, render, subtitles
from .encode import encode_mp4
from .runtime import episode_runtime
from .timeline import Timeline, plan_timeline
from .tools import espeak, ffmpeg, tool_versions
from .voices import NARRATOR, Speech, speakable, synthesize

__all__ = ["AnimaticOptions", "AnimaticResult", "check_speakers", "load_shooting", "render_episode"]

ProgressFn = Callable[[str, int, int, str], None]


class AnimaticOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(1080, ge=180, le=2160, description="pixels; the height is width×16/9")
    fps: int = Field(24, ge=1, le=60)
    narrate: bool = Field(False, description="action lines are read by a narrator voice")
    update_script: bool = Field(False, description="write the animatic's durations back to shooting.json")
    lead: float = Field(0.15, ge=0, le=2, description="seconds of picture before a line starts")
    tail: float = Field(0.25, ge=0, le=3, description="seconds of picture after a line ends")
    card_seconds: float = Field(1.0, ge=0, le=5, description="the 'to be continued' card at the end")
    crf: int = Field(23, ge=0, le=51)
    preset: str = Field("veryfast", pattern=r"^(ultrafast|superfast|veryfast|faster|fast|medium|slow)$")
    threads: int = Field(2, ge=1, le=64)

    @field_validator("width")
    @classmethod
    def _w(cls, v: int) -> int:
        if v % 18:
            raise ValueError("a multiple of 18 (so that the 9:16 height is a whole, even number), e.g. 1080 or 360")
        return v

    @property
    def height(self) -> int:
        return self.width * 16 // 9

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> AnimaticOptions:
        """Defaults, overridden by ``DRAMAGEN_ANIMATIC_<FIELD>`` variables (e.g. ``DRAMAGEN_ANIMATIC_WIDTH=540``)."""
        env = config.prefixed("DRAMAGEN_ANIMATIC_", environ)
        values = {f: env[k].strip() for f in cls.model_fields
                  for k in [f"DRAMAGEN_ANIMATIC_{f.upper()}"] if env.get(k, "").strip()}
        try:
            return cls(**values)
        except ValidationError as e:
            err = e.errors()[0]
            f = str(err["loc"][0]) if err.get("loc") else "width"
            raise InputError(f"DRAMAGEN_ANIMATIC_{f.upper()}", values.get(f), err["msg"].removeprefix("Value error, "))\
                from None


class AnimaticResult(BaseModel):
    episode: int
    mp4: Path
    srt: Path
    vtt: Path
    record: Path
    seconds: float
    planned_seconds: float
    frames: int
    stretched: int = Field(0, description="shots lengthened to fit their voice")
    spoken_seconds: float
    estimate_seconds: float | None = None
    shooting_updated: bool = False


def load_shooting(sd: SeasonDir, n: int) -> ShootingScript:
    """Episode ``n``'s shooting script; no shots, a duration that is not > 0 → an error naming episode and shot."""
    path = sd.shooting_path(n)
    if not path.exists():
        raise SeasonDataError(f"animatic: episode {n} has no shooting script yet ({path}); run the shooting stage")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SeasonDataError(f"animatic: episode {n}: shooting.json cannot be read ({e})") from None
    scenes = raw.get("scenes") if isinstance(raw, dict) else None
    shots = [s for sc in scenes or [] if isinstance(sc, dict) for s in (sc.get("shots") or [])]
    if not shots:
        raise InputError(f"episode {n}: shots", 0,
                         "at least one shot in shooting.json (make the shooting script again)")
    for i, s in enumerate(shots, 1):
        num = s.get("number", i) if isinstance(s, dict) else i
        d = s.get("duration") if isinstance(s, dict) else None
        if not isinstance(d, (int, float)) or isinstance(d, bool) or not d > 0 or d != d:
            raise InputError(f"episode {n}, shot {num}: duration", d, "a number of seconds greater than 0")
    try:
        return ShootingScript.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        raise SeasonDataError(f"animatic: episode {n}: shooting.json is invalid at {loc}: {err['msg']}") from None


def check_speakers(n: int, shooting: ShootingScript, bible: SeriesBible) -> dict[int, Voice]:
    """The voice of each spoken shot; a line whose speaker has no voice → an error naming episode and shot."""
    out = {}
    for s in shooting.shots:
        if not speakable(s.line):
            continue
        c = bible.character(s.speaker) if s.speaker else None
        if c is None or c.name not in bible.voices:
            voiced = ", ".join(sorted(bible.voices)) or "none"
            raise InputError(f"episode {n}, shot {s.number}: speaker", s.speaker,
                             f"a character with a voice in bible.json (voices: {voiced})",
                             "dramagen animatic --assign-voices gives every character a voice")
        out[s.number] = bible.voices[c.name]
    return out


def _speak(shooting: ShootingScript, voices: dict[int, Voice], narrate: bool) -> tuple[dict[int, Speech], set[int]]:
    cache: dict[tuple, Speech] = {}
    speech, narrated = {}, set()
    for s in shooting.shots:
        if s.number in voices:
            text, voice = s.line, voices[s.number]
        elif narrate and speakable(s.action) and not s.line.strip():
            text, voice = s.action, NARRATOR
            narrated.add(s.number)
        else:
            continue
        key = (text, voice.voice, voice.pitch, voice.rate)
        if key not in cache:
            cache[key] = synthesize(text, voice)
        speech[s.number] = cache[key]
    return speech, narrated


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render_episode(season_dir: str | Path, n: int, options: AnimaticOptions, out_dir: str | Path | None = None,
                   progress: ProgressFn | None = None) -> AnimaticResult:
    """Make episode ``n``'s animatic (voices must already be in the bible: see :func:`.make.ensure_voices`)."""
    ffmpeg(), espeak()  # one-line errors naming the package before any work
    sd = SeasonDir(season_dir)
    bible, plan = sd.load_bible(), sd.load_plan()
    if not 1 <= n <= len(plan.episodes):
        raise InputError("episode", n, f"an episode number from 1 to {len(plan.episodes)}")
    shooting = load_shooting(sd, n)
    voices = check_speakers(n, shooting, bible)
    speech, narrated = _speak(shooting, voices, options.narrate)
    secs = [speech[s.number].seconds if s.number in speech else 0.0 for s in shooting.shots]
    tl = plan_timeline(n, shooting.shots, secs, lead=options.lead, tail=options.tail,
                       card_seconds=options.card_seconds, narrated=[s.number in narrated for s in shooting.shots])
    title = plan.episode(n).title or shooting.title
    stem = episode_stem(n, title)
    root = Path(out_dir).resolve() if out_dir else safe_join(sd.path, "exports")
    ep_dir = safe_join(root, f"ep{n:03d}")
    mp4 = safe_join(ep_dir, f"{stem}-animatic.mp4")
    W, H, fps = options.width, options.height, options.fps
    n_frames = render.frame_count(tl.total, fps)
    rate = 22050
    lines = {s.number: s.line for s in shooting.shots if s.number in voices}
    cues = {k: ((bible.character(s.speaker).cue if bible.character(s.speaker) else s.speaker), s.line)
            for s in shooting.shots for k in [s.number] if k in voices}
    pictures = render.frames(shooting, bible, tl, W, fps, captions=cues, title=title)

    def on_frame(k: int) -> None:
        if progress and (k % max(1, fps) == 0 or k == n_frames):
            progress("frames", k, n_frames, f"episode {n}: {k}/{n_frames} frames")

    with tempfile.TemporaryDirectory(prefix="dramagen-animatic-") as tmp:
        wav = Path(tmp) / "track.wav"
        audio.write_wav(wav, audio.mix(tl, speech, round(n_frames / fps * rate), rate), rate)
        frames = encode_mp4(mp4, pictures, wav, W, H, fps, crf=options.crf, preset=options.preset,
                            threads=options.threads, on_frame=on_frame)
    srt, vtt = mp4.with_suffix(".srt"), mp4.with_suffix(".vtt")
    atomic_write_text(srt, subtitles.subtitle_text(tl, lines, "srt"))
    atomic_write_text(vtt, subtitles.subtitle_text(tl, lines, "vtt"))
    script = sd.load_script(n) if sd.script_path(n).exists() else None
    rt = episode_runtime(n, shooting, tl, script, lead=options.lead, tail=options.tail)
    source_sha = _sha(sd.shooting_path(n))
    updated = False
    if options.update_script and any(abs(t.duration - t.planned) > 1e-9 for t in tl.shots):
        sd.write_model(sd.shooting_path(n), retimed(shooting, tl))
        updated = True
    record = mp4.with_name(f"{stem}-animatic.json")
    _write_record(record, n, options, bible, voices, narrated, tl, rt, source_sha, updated)
    return AnimaticResult(episode=n, mp4=mp4, srt=srt, vtt=vtt, record=record, seconds=tl.total,
                          planned_seconds=tl.planned_total, frames=frames,
                          stretched=sum(1 for t in tl.shots if t.stretched > 0), spoken_seconds=rt.spoken,
                          estimate_seconds=rt.estimate, shooting_updated=updated)


def retimed(shooting: ShootingScript, tl: Timeline) -> ShootingScript:
    """The shooting script with the animatic's shot durations (scene seconds summed again)."""
    dur = {t.number: t.duration for t in tl.shots}
    scenes = []
    for sc in shooting.scenes:
        shots = [s.model_copy(update={"duration": dur.get(s.number, s.duration)}) for s in sc.shots]
        scenes.append(sc.model_copy(update={"shots": shots, "seconds": round(sum(s.duration for s in shots), 2)}))
    return ShootingScript.model_validate(shooting.model_copy(update={"scenes": scenes}).model_dump())


def _write_record(path: Path, n: int, options: AnimaticOptions, bible: SeriesBible, voices: dict[int, Voice],
                  narrated: set[int], tl: Timeline, rt, source_sha: str, updated: bool) -> None:
    speakers = sorted({c.name for s in voices for c in bible.characters if bible.voices.get(c.name) == voices[s]})
    data = {"dramagen_version": __version__, "episode": n, "options": options.model_dump(),
            "tools": tool_versions(), "shooting_sha256": source_sha, "shooting_updated": updated,
            "voices": {k: bible.voices[k].model_dump() for k in speakers},
            "narrator": NARRATOR.model_dump() if narrated else None,
            "runtime": rt.model_dump(), "timeline": tl.model_dump()}
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
