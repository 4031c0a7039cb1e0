"""An animatic of a REAL-model episode (SmolLM2-135M), checked with ffprobe, numpy RMS and the SRT (issue 17).

Slow: it writes a 10-episode season with the real model first (about 8 minutes on 2 cores), unless
``DRAMAGEN_TEST_SEASON`` names a real-model season folder to copy. `make test-slow`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pysubs2
import pytest
from PIL import Image

from dramagen.project.season import SeasonDir
from dramagen.screen.animatic import AnimaticOptions, make_animatic
from dramagen.screen.storyboard import SAFE_AREA

from .animatic_helpers import decode_audio, ffprobe, frame_png

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture(scope="module")
def real_season(tmp_path_factory):
    dest = tmp_path_factory.mktemp("real") / "season"
    given = os.environ.get("DRAMAGEN_TEST_SEASON")
    if given:
        shutil.copytree(given, dest, ignore=shutil.ignore_patterns("exports"))
    else:
        env = {**os.environ, "DRAMAGEN_THREADS": os.environ.get("DRAMAGEN_THREADS", "1")}
        subprocess.run([sys.executable, "-m", "dramagen", "generate", "--trope", "werewolf-rejected-mate",
                        "--episodes", "10", "--paywall", "5", "--seed", "7", "--out", str(dest)], env=env, check=True,
                       capture_output=True, timeout=3600)
    assert SeasonDir(dest).load_manifest().model["backend"]  # written by a real model
    return dest


def test_real_episode_animatic_full_hd_duration_voices_subtitles_frames(real_season, tmp_path):
    sd = SeasonDir(real_season)
    spoken = [s for s in sd.load_shooting(1).shots if s.line.strip()]
    r = make_animatic(real_season, 1, AnimaticOptions(update_script=True))  # 1080×1920, 24 fps
    info = ffprobe(r.mp4)
    v = next(s for s in info["streams"] if s["codec_type"] == "video")
    a = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert (v["codec_name"], v["width"], v["height"], a["codec_name"]) == ("h264", 1080, 1920, "aac")
    duration = float(info["format"]["duration"])
    total = sum(s.duration for s in sd.load_shooting(1).shots)  # the shooting script, retimed to the voice
    assert abs(duration - total) <= 0.1 and abs(r.seconds - total) < 0.011
    subs = pysubs2.load(str(r.srt))
    assert [" ".join(e.plaintext.split()) for e in subs] == [" ".join(s.line.split()) for s in spoken]
    assert [e.start for e in subs] == sorted(e.start for e in subs) and subs[-1].end <= duration * 1000
    sound = decode_audio(r.mp4)
    for e in subs:  # the voice is heard while each line's caption is up
        x = sound[int(e.start * 16): int(e.end * 16)]
        assert float(np.sqrt(np.mean(x * x))) > 0.02, e.plaintext
    # three frames: the hook, a captioned line, the end card
    W, H = 1080, 1920
    hook = np.asarray(Image.open(frame_png(r.mp4, 0.5, tmp_path / "hook.png")).convert("L"), dtype=float)
    line = np.asarray(Image.open(frame_png(r.mp4, (subs[0].start + subs[0].end) / 2000,
                                           tmp_path / "line.png")).convert("L"), dtype=float)
    card = np.asarray(Image.open(frame_png(r.mp4, duration - 0.3, tmp_path / "card.png")).convert("L"), dtype=float)
    assert hook.std() > 10  # a drawn panel, not a blank frame
    below = line[int(SAFE_AREA[3] * H) + 4:, :]  # nothing of the caption below the safe area
    box = line[int(0.6 * H): int(SAFE_AREA[3] * H), int(SAFE_AREA[0] * W) + 8: int(SAFE_AREA[2] * W) - 8]
    assert (box < 40).mean() > 0.15 and (box > 230).mean() > 0.01  # the dark caption box with white text
    assert below.mean() > 60
    assert card.mean() < 20 and (card > 200).sum() > 1000  # black with "TO BE CONTINUED"
