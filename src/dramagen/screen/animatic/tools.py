"""The external programs the animatic needs, found once, with a one-line error naming the package.

- ``ffmpeg`` / ``ffprobe``: Debian's ``ffmpeg`` (``apt-get install ffmpeg``); when it is absent, the
  ffmpeg binary of the PyPI package ``imageio-ffmpeg`` is used if that is installed (it has no ffprobe:
  ffprobe is only needed by tests and checks);
- ``espeak-ng``: Debian's ``espeak-ng`` (``apt-get install espeak-ng``).

``DRAMAGEN_FFMPEG`` / ``DRAMAGEN_ESPEAK`` name other binaries.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache

from ...core import config
from ...core.errors import DramagenError

__all__ = ["MissingToolError", "espeak", "ffmpeg", "ffprobe", "tool_versions"]


class MissingToolError(DramagenError):
    """A program the animatic needs is not installed."""


def _which(env: str, name: str) -> str | None:
    given = config.get_str(env)
    if given:
        return given if os.path.isfile(given) and os.access(given, os.X_OK) else None
    return shutil.which(name)


def ffmpeg() -> str:
    """The ffmpeg binary, or :class:`MissingToolError`."""
    found = _which("DRAMAGEN_FFMPEG", "ffmpeg")
    if found:
        return found
    if not config.get_str("DRAMAGEN_FFMPEG"):
        try:
            import imageio_ffmpeg  # type: ignore[import-not-found]

            return imageio_ffmpeg.get_ffmpeg_exe()
        except (ImportError, RuntimeError):
            pass
    raise MissingToolError("animatic: ffmpeg is not installed; install the Debian package 'ffmpeg' "
                           "(apt-get install ffmpeg) or the PyPI package 'imageio-ffmpeg'")


def ffprobe() -> str:
    found = _which("DRAMAGEN_FFPROBE", "ffprobe")
    if found:
        return found
    raise MissingToolError("animatic: ffprobe is not installed; install the Debian package 'ffmpeg' "
                           "(apt-get install ffmpeg)")


def espeak() -> str:
    """The espeak-ng binary, or :class:`MissingToolError`."""
    found = _which("DRAMAGEN_ESPEAK", "espeak-ng")
    if found:
        return found
    raise MissingToolError("animatic: espeak-ng is not installed; install the Debian package 'espeak-ng' "
                           "(apt-get install espeak-ng)")


@lru_cache(maxsize=8)
def _version(binary: str, flag: str) -> str:
    try:
        out = subprocess.run([binary, flag], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (out.strip().splitlines() or ["unknown"])[0][:120]


def tool_versions() -> dict[str, str]:
    """The versions of ffmpeg and espeak-ng (for the manifest)."""
    return {"ffmpeg": _version(ffmpeg(), "-version"), "espeak-ng": _version(espeak(), "--version")}
