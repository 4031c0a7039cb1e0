"""Muxing with ffmpeg: raw frames piped in, H.264 + AAC MP4 out, written to a temporary file then renamed.

The picture is H.264 (High profile, yuv420p) and the sound AAC, with the index at the front of the file
(``+faststart``) so that browsers and phones start playing at once. ffmpeg's bit-exact flags and a fixed
thread count make the same frames and sound give the same bytes. If anything fails (ffmpeg exits, the
frame source raises, the process is interrupted) the temporary file is removed: there is never a
half-written MP4 under the final name.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ...core.errors import DramagenError
from ...project.season import TMP_SUFFIX
from .tools import ffmpeg

__all__ = ["EncodeError", "encode_mp4"]


class EncodeError(DramagenError):
    """ffmpeg failed to write the animatic."""


def _command(tmp: str, audio: Path, W: int, H: int, fps: int, crf: int, preset: str, threads: int) -> list[str]:
    return [ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{W}x{H}", "-r", str(fps), "-i", "pipe:0",
            "-i", str(audio), "-map", "0:v:0", "-map", "1:a:0",
            "-c:v", "libx264", "-preset", preset, "-tune", "stillimage", "-crf", str(crf), "-pix_fmt", "yuv420p",
            "-profile:v", "high", "-threads", str(threads), "-x264-params", f"threads={threads}",
            "-c:a", "aac", "-b:a", "96k", "-ar", "48000", "-ac", "1",
            "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact",
            "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-f", "mp4", tmp]


def encode_mp4(out: Path, frames: Iterable[bytes], audio_wav: Path, W: int, H: int, fps: int, *, crf: int = 23,
               preset: str = "veryfast", threads: int = 2, on_frame: Callable[[int], None] | None = None) -> int:
    """Write ``out`` (MP4) from raw RGB24 ``frames`` and a WAV sound track; returns the number of frames."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.{os.getpid()}.", suffix=TMP_SUFFIX, dir=out.parent)
    os.close(fd)
    err = tempfile.TemporaryFile()  # noqa: SIM115 - ffmpeg's stderr; closed in the finally below
    n = 0
    try:
        proc = subprocess.Popen(_command(tmp, audio_wav, W, H, fps, crf, preset, threads), stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=err)
        try:
            for frame in frames:
                proc.stdin.write(frame)
                n += 1
                if on_frame is not None:
                    on_frame(n)
            proc.stdin.close()
            rc = proc.wait()
        except BrokenPipeError:
            rc = proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        if rc != 0 or n == 0:
            err.seek(0)
            msg = err.read().decode("utf-8", "replace").strip().splitlines()
            raise EncodeError(f"animatic: ffmpeg failed writing {out.name} (exit {rc}): "
                              f"{msg[-1] if msg else 'no frames' if n == 0 else 'no message'}")
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
        return n
    finally:
        err.close()
        if os.path.exists(tmp):
            os.unlink(tmp)
