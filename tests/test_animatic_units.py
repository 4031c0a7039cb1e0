"""Animatic parts without ffmpeg: voices, captions in the safe area, camera moves, runtime and calibration."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dramagen.core.models import SeriesBible, Voice
from dramagen.core.timing import TimingSettings, estimate_elements
from dramagen.screen.animatic.render import MAX_ROWS, camera_box, caption_box, caption_layer
from dramagen.screen.animatic.runtime import EpisodeRuntime, calibrate, episode_runtime, out_of_bounds
from dramagen.screen.animatic.timeline import plan_timeline
from dramagen.screen.animatic.voices import assign_voices, guess_gender, synthesize
from dramagen.screen.storyboard import SAFE_AREA

from .animatic_helpers import make_script, make_shooting
from .handmade import rejected_mate_bible


def test_old_bibles_load_and_voices_round_trip():
    data = json.loads(rejected_mate_bible().model_dump_json())
    data.pop("voices")
    old = SeriesBible.model_validate(data)  # a bible written before voices existed
    assert old.voices == {}
    voiced = assign_voices(old)
    assert SeriesBible.model_validate_json(voiced.model_dump_json()) == voiced
    with pytest.raises(ValueError, match="pitch"):
        Voice(voice="en-us+f1", pitch=120)


def test_assigned_voices_are_distinct_stable_and_keep_what_is_set():
    bible = rejected_mate_bible()
    a, b = assign_voices(bible), assign_voices(bible)
    assert a.voices == b.voices and len({(v.voice, v.pitch) for v in a.voices.values()}) == 3
    mine = Voice(voice="en-gb+m4", pitch=20, rate=150)
    kept = assign_voices(bible.model_copy(update={"voices": {"Selene": mine}}))
    assert kept.voices["Selene"] == mine and len({(v.voice, v.pitch) for v in kept.voices.values()}) == 3


def test_gender_guess_pronouns_first_then_name():
    assert guess_gender("Alex", "she hides her scar") == "f"
    assert guess_gender("Maria", "his crown, his secret") == "m"
    assert guess_gender("Luna", "") == "f" and guess_gender("Kai", "") == "m"


def test_synthesis_is_deterministic_and_trimmed():
    v = Voice(voice="en-us+f1", pitch=60, rate=175)
    a, b = synthesize("Then you will watch me rise without you.", v), synthesize(
        "Then you will watch me rise without you.", v)
    assert (a.samples == b.samples).all() and 1.2 < a.seconds < 4.0
    loud = np.flatnonzero(np.abs(a.samples) > 0.01)  # espeak-ng's silence around the line is cut
    assert loud[0] <= 0.03 * a.rate and len(a.samples) - loud[-1] <= 0.03 * a.rate
    slow = synthesize("Then you will watch me rise without you.", v.model_copy(update={"rate": 120}))
    assert slow.seconds > a.seconds * 1.2
    assert synthesize("  *  ", v).seconds == 0


@pytest.mark.parametrize("width", [180, 540, 1080])
def test_captions_stay_inside_the_caption_safe_area(width):
    H = width * 16 // 9
    long = "I have waited twenty years to tell you this, and tonight the whole pack will hear it from me, " * 3
    for text in ("Stay.", long):
        img, (x, y) = caption_layer(text, width, H, "MALAKAI")
        x0, y0, x1, y1 = SAFE_AREA[0] * width, SAFE_AREA[1] * H, SAFE_AREA[2] * width, SAFE_AREA[3] * H
        assert x0 - 1 <= x and x + img.width <= x1 + 1 and y0 <= y and y + img.height <= y1 + 1
    box = caption_box(MAX_ROWS + 1, width, H)
    assert box[1] > 0.5 * H  # in the lower part of the frame, under the faces


@pytest.mark.parametrize("move", ["static", "push in", "pull out", "pan", "whip pan", "tilt", "tracking", "handheld",
                                  "crane"])
def test_camera_moves_stay_on_the_panel(move):
    W, H = 360, 640
    boxes = [camera_box(move, u / 10, W, H, seed=3) for u in range(11)]
    for x0, y0, x1, y1 in boxes:
        assert -1e-6 <= x0 < x1 <= W + 1e-6 and -1e-6 <= y0 < y1 <= H + 1e-6
        assert abs((x1 - x0) / (y1 - y0) - W / H) < 1e-6  # 9:16 kept
    assert (len(set(boxes)) == 1) == (move == "static")


def test_spoken_runtime_replaces_estimated_dialogue_by_the_voice():
    shooting, script = make_shooting(), make_script()
    s = TimingSettings()
    tl = plan_timeline(1, shooting.shots, [0, 2.0, 1.5, 0, 3.0, 0], lead=0.1, tail=0.2)
    rt = episode_runtime(1, shooting, tl, script, s, lead=0.1, tail=0.2)
    assert rt.estimate == round(estimate_elements(script.elements(), s), 2)
    assert rt.lines == 3 and rt.dialogue_measured == pytest.approx(2.0 + 1.5 + 3.0 + 3 * 0.3)
    assert rt.spoken == pytest.approx(rt.estimate - rt.dialogue_estimated + rt.dialogue_measured, abs=0.01)


def test_calibration_recovers_the_voice_pace_and_reports_errors():
    rts = [EpisodeRuntime(episode=i, estimate=0, planned=0, animatic=0, other=40.0 + i, dialogue_words=60 + 7 * i,
                          spoken=round(40.0 + i + (60 + 7 * i) / 2.2, 2)) for i in range(1, 11)]
    rts = [r.model_copy(update={"estimate": round(r.other + r.dialogue_words / 2.75, 2)}) for r in rts]
    cal = calibrate(rts, TimingSettings())
    assert cal.dialogue_wps_after == pytest.approx(2.2, abs=0.01)
    assert cal.mae_before > 5 and cal.mae_after < 0.05 and cal.mae_loo < 0.05
    assert cal.env.startswith("DRAMAGEN_TIMING_DIALOGUE_WPS=2.2")
    with pytest.raises(ValueError, match="at least 2"):
        calibrate(rts[:1])


def test_out_of_bounds_spoken_runtime_is_flagged():
    base = dict(estimate=75, planned=75, animatic=75)
    assert out_of_bounds(EpisodeRuntime(episode=3, spoken=75.0, **base)) is None
    msg = out_of_bounds(EpisodeRuntime(episode=3, spoken=94.2, **base))
    assert "episode 3" in msg and "94.2 s" in msg and "60–90 s" in msg


def test_a_long_line_gets_a_smaller_font_before_it_is_ever_cut():
    from dramagen.screen.animatic.render import _caption_rows

    line = "Your kind should have just solved a problem in 15 minutes. How about your daughter?"
    rows, px = _caption_rows(line, 1080)
    assert " ".join(rows) == line and len(rows) <= MAX_ROWS and px < round(0.046 * 1080)
    rows, _ = _caption_rows("word " * 200, 1080)
    assert len(rows) == MAX_ROWS + 2 and rows[-1].endswith("…")
