"""Animatics for a season: voices first (stored in the bible), then episode by episode, in parallel if asked.

Memory stays bounded however many episodes are asked for: each worker renders one episode at a time and
streams its frames to ffmpeg; only each episode's small result comes back. Progress is reported per
episode as each one finishes (and per frame when one worker renders in this process).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ...core import config
from ...core.errors import InputError, SeasonDataError
from ...core.models import SeriesBible
from ...project.season import SeasonDir
from .episode import AnimaticOptions, AnimaticResult, render_episode
from .tools import espeak, ffmpeg
from .voices import assign_voices

__all__ = ["ensure_voices", "make_animatic", "make_animatics", "parse_episodes"]

ProgressFn = Callable[[str, int, int, str], None]


def parse_episodes(spec: str | Iterable[int] | None, available: list[int]) -> list[int]:
    """``"1-3,7"`` (or numbers, or None = every episode with a shooting script) → sorted episode numbers."""
    if spec is None or (isinstance(spec, str) and spec.strip().lower() in ("", "all")):
        return list(available)
    if isinstance(spec, str):
        out: set[int] = set()
        for part in spec.split(","):
            part = part.strip()
            try:
                if "-" in part:
                    a, b = (int(x) for x in part.split("-", 1))
                    if b < a or b - a > 1000:
                        raise ValueError
                    out.update(range(a, b + 1))
                elif part:
                    out.add(int(part))
            except ValueError:
                raise InputError("episodes", spec, "episode numbers and ranges such as '1-3,7', or 'all'") from None
        nums = sorted(out)
    else:
        nums = sorted(set(int(x) for x in spec))
    missing = [x for x in nums if x not in available]
    if missing:
        raise InputError("episodes", missing, f"episodes with a shooting script ({_ranges(available) or 'none yet'})")
    return nums


def _ranges(nums: list[int]) -> str:
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ",".join(out)


def ensure_voices(season_dir: str | Path, assign_missing: bool = False) -> SeriesBible:
    """The bible with its voices: a bible without any gets one per character (saved to bible.json); with
    ``assign_missing`` characters added later get one too. Existing voices never change."""
    sd = SeasonDir(season_dir)
    bible = sd.load_bible()
    missing = [c.name for c in bible.characters if c.name not in bible.voices]
    if missing and (assign_missing or not bible.voices):
        bible = assign_voices(bible)
        sd.write_model(sd.bible_path, bible)
    return bible


def _record(sd: SeasonDir, results: list[AnimaticResult], options: AnimaticOptions) -> None:
    """The season manifest notes the shooting scripts the animatic retimed (``params.animatic``)."""
    updated = sorted(r.episode for r in results if r.shooting_updated)
    manifest = sd.load_manifest()
    if manifest is None or not updated:
        return
    params = dict(manifest.params)
    prev = dict(params.get("animatic") or {})
    eps = sorted(set(prev.get("shooting_updated_episodes", [])) | set(updated))
    params["animatic"] = {"shooting_updated_episodes": eps,
                          "timing": {"lead": options.lead, "tail": options.tail, "card_seconds": options.card_seconds,
                                     "narrate": options.narrate}}
    sd.write_model(sd.manifest_path, manifest.model_copy(update={"params": params}))


def make_animatic(season_dir: str | Path, episode: int, options: AnimaticOptions | None = None,
                  out_dir: str | Path | None = None, progress: ProgressFn | None = None, *,
                  assign_missing_voices: bool = False) -> AnimaticResult:
    """One episode's animatic (the studio's Animatic button, ``dramagen animatic SEASON --episodes N``)."""
    options = options or AnimaticOptions()
    ffmpeg(), espeak()
    ensure_voices(season_dir, assign_missing_voices)
    result = render_episode(season_dir, episode, options, out_dir, progress)
    _record(SeasonDir(season_dir), [result], options)
    return result


def make_animatics(season_dir: str | Path, episodes: str | Iterable[int] | None = None,
                   options: AnimaticOptions | None = None, out_dir: str | Path | None = None,
                   progress: ProgressFn | None = None, *, workers: int = 1,
                   assign_missing_voices: bool = False) -> Iterator[AnimaticResult]:
    """Animatics of ``episodes`` (default: all with a shooting script), yielded as each one is written.

    ``workers`` > 1 renders episodes in that many processes. Progress: ("animatic", done, total, message).
    """
    options = options or AnimaticOptions()
    ffmpeg(), espeak()
    sd = SeasonDir(season_dir)
    if not sd.path.is_dir():
        raise SeasonDataError(f"season: {sd.path} is not a folder")
    nums = parse_episodes(episodes, sd.episodes_done("shooting"))
    if not nums:
        raise SeasonDataError(f"season: {sd.path} has no shooting script yet (run the shooting stage first)")
    if not 1 <= workers <= 64:
        raise InputError("workers", workers, "an integer from 1 to 64")
    ensure_voices(season_dir, assign_missing_voices)
    total = len(nums)
    results: list[AnimaticResult] = []

    def tick(r: AnimaticResult) -> None:
        results.append(r)
        if progress:
            progress("animatic", len(results), total, f"episode {r.episode}: {r.seconds:.1f} s → {r.mp4.name}")

    if progress:
        progress("animatic", 0, total, f"{total} episode(s)")
    try:
        if workers == 1 or total == 1:
            for n in nums:
                inner = (lambda st, d, t, m: progress(st, d, t, m)) if progress else None
                r = render_episode(season_dir, n, options, out_dir, inner)
                tick(r)
                yield r
        else:
            ctx = multiprocessing.get_context("spawn")
            with cf.ProcessPoolExecutor(max_workers=min(workers, total), mp_context=ctx) as pool:
                futures = [pool.submit(render_episode, str(season_dir), n, options,
                                       str(out_dir) if out_dir else None) for n in nums]
                try:
                    for fut in cf.as_completed(futures):
                        r = fut.result()
                        tick(r)
                        yield r
                except BaseException:
                    for f in futures:
                        f.cancel()
                    raise
    finally:
        _record(sd, results, options)


def export_animatics(season_dir: str | Path, episodes: list[int], out_dir: str | Path,
                     progress: ProgressFn | None = None) -> list[Path]:
    """``dramagen export --format animatic``: every shot episode's MP4, SRT, VTT and timing JSON.

    Options come from ``DRAMAGEN_ANIMATIC_WIDTH``, ``_FPS``, ``_NARRATE`` and ``_WORKERS`` (processes)."""
    if not episodes:
        raise SeasonDataError("season: no episode has shooting.json yet; animatic needs the shooting stage")
    options = AnimaticOptions.from_env()
    workers = config.get_int("DRAMAGEN_ANIMATIC_WORKERS", default=1)
    out: list[Path] = []
    for r in make_animatics(season_dir, episodes, options, out_dir, progress and (
            lambda st, d, t, m: progress("animatic", d, t, m) if st == "animatic" else None), workers=workers):
        out += [r.mp4, r.srt, r.vtt, r.record]
    return out
