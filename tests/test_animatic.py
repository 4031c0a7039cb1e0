"""The animatic (issue 17) on a tiny hand-made season: real espeak-ng voices, real ffmpeg, checked with ffprobe."""

from __future__ import annotations

import json

import numpy as np
import pysubs2
import pytest

from dramagen.core.errors import DramagenError, InputError
from dramagen.project.season import SeasonDir
from dramagen.screen.animatic import AnimaticOptions, make_animatic, make_animatics
from dramagen.screen.animatic.render import frames
from dramagen.screen.animatic.timeline import plan_timeline

from .animatic_helpers import LINES, decode_audio, ffprobe, make_season, make_shooting

SMALL = AnimaticOptions(width=180, fps=8)


@pytest.fixture
def season(tmp_path):
    return make_season(tmp_path / "season")


def test_full_hd_is_h264_aac_1080x1920_for_the_script_duration(tmp_path):
    season = make_season(tmp_path / "s", shots=(2, 6))  # one line and the cliffhanger: quick at full size
    r = make_animatic(season, 1, AnimaticOptions(width=1080, fps=4))
    info = ffprobe(r.mp4)
    v = next(s for s in info["streams"] if s["codec_type"] == "video")
    a = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert (v["codec_name"], v["width"], v["height"], v["pix_fmt"]) == ("h264", 1080, 1920, "yuv420p")
    assert a["codec_name"] == "aac"
    total = sum(s.duration for s in SeasonDir(season).load_shooting(1).shots)
    assert abs(float(info["format"]["duration"]) - total) <= 0.1
    assert r.mp4.name == "ep001-the-rejection-animatic.mp4" and r.mp4.parent.name == "ep001"


def test_voices_heard_in_dialogue_shots_and_one_subtitle_per_line(season):
    r = make_animatic(season, 1, SMALL)
    duration = float(ffprobe(r.mp4)["format"]["duration"])
    total = sum(s.duration for s in SeasonDir(season).load_shooting(1).shots)
    assert abs(duration - total) <= 0.1
    subs = pysubs2.load(str(r.srt))
    assert [ev.plaintext for ev in subs] == [t for _, t in LINES]
    starts = [ev.start for ev in subs]
    assert starts == sorted(starts) and all(ev.end <= duration * 1000 for ev in subs)
    assert r.vtt.read_text().startswith("WEBVTT") and len(pysubs2.load(str(r.vtt))) == 3
    # the voice is heard during every dialogue shot, and the shots without a line are silent
    sound, rate = decode_audio(r.mp4), 16000
    timing = json.loads(r.record.read_text())["timeline"]["shots"]
    for t in timing:
        x = sound[int(t["start"] * rate): int((t["start"] + t["duration"]) * rate)]
        rms = float(np.sqrt(np.mean(x * x)))
        assert (rms > 0.02) if t["speech"] > 0 else (rms < 0.002), (t["number"], rms)


def test_same_input_same_bytes(tmp_path):
    a = make_animatic(make_season(tmp_path / "a"), 1, SMALL)
    b = make_animatic(make_season(tmp_path / "b"), 1, SMALL)
    for x, y in ((a.mp4, b.mp4), (a.srt, b.srt), (a.vtt, b.vtt), (a.record, b.record)):
        assert x.read_bytes() == y.read_bytes(), x.name


def test_voices_are_assigned_once_stored_in_the_bible_and_distinct(season):
    make_animatic(season, 1, SMALL)
    bible = SeasonDir(season).load_bible()
    assert set(bible.voices) == {c.name for c in bible.characters}
    pairs = {(v.voice, v.pitch) for v in bible.voices.values()}
    assert len(pairs) == len(bible.voices)
    assert "+f" in bible.voices["Mara"].voice and "+m" in bible.voices["Kai Blackwood"].voice
    before = SeasonDir(season).bible_path.read_bytes()
    make_animatic(season, 1, SMALL)
    assert SeasonDir(season).bible_path.read_bytes() == before  # stable: never reassigned


def test_a_long_line_stretches_its_shot_and_can_update_the_shooting_script(tmp_path):
    season = make_season(tmp_path / "s", dur=0.8)  # each line needs ~2.5 s
    sd = SeasonDir(season)
    planned = sum(s.duration for s in sd.load_shooting(1).shots)
    r = make_animatic(season, 1, AnimaticOptions(width=180, fps=8, update_script=True))
    assert r.stretched == 3 and r.seconds > planned and r.shooting_updated
    shooting = sd.load_shooting(1)
    assert abs(sum(s.duration for s in shooting.shots) - r.seconds) < 0.011
    assert abs(float(ffprobe(r.mp4)["format"]["duration"]) - r.seconds) <= 0.1
    assert sd.load_manifest().params["animatic"]["shooting_updated_episodes"] == [1]
    assert json.loads(r.record.read_text())["shooting_updated"] is True
    again = make_animatic(season, 1, AnimaticOptions(width=180, fps=8, update_script=True))
    assert again.stretched == 0 and not again.shooting_updated and again.seconds == r.seconds


def test_timeline_stretches_then_the_next_shots_shrink():
    shots = make_shooting(dur=1.0).shots  # 2.0, 1.0, 1.0 | 1.5, 1.0, 2.0
    speech = [0, 2.0, 0, 0, 0, 0]
    tl = plan_timeline(1, shots, speech, lead=0.1, tail=0.1, card_seconds=1.0, min_shot=0.4)
    d = [t.duration for t in tl.shots]
    assert d[1] == 2.2  # stretched to lead + speech + tail
    assert d[2] == 0.4  # the next shot gives back what it can (down to min_shot)
    assert d[3] == 1.5 - 0.6  # and the one after gives the rest
    assert tl.total == tl.planned_total
    assert tl.shots[1].voice_start == round(tl.shots[1].start + 0.1, 3)
    # the last shot holds the card: it needs at least card_seconds
    tl2 = plan_timeline(1, shots, [0, 0, 0, 0, 0, 3.0], lead=0.1, tail=0.1, card_seconds=1.0)
    assert tl2.shots[-1].duration == 4.2 and tl2.total == round(tl2.planned_total + 2.2, 2)


def _edit_shooting(season, fn):
    p = SeasonDir(season).shooting_path(1)
    data = json.loads(p.read_text())
    fn(data)
    p.write_text(json.dumps(data))


@pytest.mark.parametrize("edit, match", [
    (lambda d: [sc.update(shots=[]) for sc in d["scenes"]], r"episode 1: shots: 0 .*at least one shot"),
    (lambda d: d["scenes"][0]["shots"][1].update(duration=0), r"episode 1, shot 2: duration: 0 .*greater than 0"),
    (lambda d: d["scenes"][1]["shots"][0].update(duration=-2.5), r"episode 1, shot 4: duration: -2.5"),
    (lambda d: d["scenes"][1]["shots"][1].update(speaker="Stranger"), r"episode 1, shot 5: speaker: 'Stranger'"),
])
def test_bad_shooting_script_names_episode_and_shot_and_writes_no_mp4(season, edit, match):
    _edit_shooting(season, edit)
    with pytest.raises(InputError, match=match):
        make_animatic(season, 1, SMALL)
    out = SeasonDir(season).path / "exports"
    assert not list(out.rglob("*.mp4")) and not list(out.rglob("*.tmp"))


def test_a_speaker_whose_voice_was_removed_is_an_error_until_assigned(season):
    make_animatic(season, 1, SMALL)
    sd = SeasonDir(season)
    bible = sd.load_bible()
    sd.write_model(sd.bible_path, bible.model_copy(update={"voices": {k: v for k, v in bible.voices.items()
                                                                      if k != "Selene"}}))
    with pytest.raises(InputError, match=r"episode 1, shot 5: speaker: 'Selene'.*assign-voices"):
        make_animatic(season, 1, SMALL)
    make_animatic(season, 1, SMALL, assign_missing_voices=True)
    assert "Selene" in sd.load_bible().voices


def test_a_failure_while_encoding_leaves_no_half_written_mp4(season, monkeypatch):
    from dramagen.screen.animatic import episode

    def broken(*a, **kw):
        it = frames(*a, **kw)
        for _ in range(5):
            yield next(it)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(episode.render, "frames", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        make_animatic(season, 1, SMALL)
    ep = SeasonDir(season).path / "exports" / "ep001"
    assert not list(ep.glob("*.mp4")) and not list(ep.glob(".*"))


@pytest.mark.parametrize("env, package", [("DRAMAGEN_FFMPEG", "'ffmpeg'"), ("DRAMAGEN_ESPEAK", "'espeak-ng'")])
def test_missing_tool_is_one_line_naming_the_package(season, monkeypatch, capsys, env, package):
    from dramagen.cli import main

    monkeypatch.setenv(env, "/nonexistent/tool")
    with pytest.raises(SystemExit) as e:
        main(["animatic", str(season), "--width", "180", "--fps", "4"])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and package in err and "apt-get install" in err


def test_options_are_checked():
    with pytest.raises(ValueError, match="multiple of 18"):
        AnimaticOptions(width=1000)
    with pytest.raises(ValueError):
        AnimaticOptions(fps=0)


def test_season_streams_progress_episode_by_episode_in_parallel(tmp_path):
    season = make_season(tmp_path / "s", episodes=(1, 2, 3))
    seen = []
    gen = make_animatics(season, "1-3", AnimaticOptions(width=180, fps=4), workers=2,
                         progress=lambda st, d, t, m: seen.append((st, d, t)))
    first = next(gen)  # results come as each episode is written, not at the end
    assert first.mp4.exists() and [s for s in seen if s[0] == "animatic"] == [("animatic", 0, 3), ("animatic", 1, 3)]
    rest = list(gen)
    assert sorted(r.episode for r in [first, *rest]) == [1, 2, 3]
    assert [s for s in seen if s[0] == "animatic"][-1] == ("animatic", 3, 3)


def test_episode_selection_errors(season):
    with pytest.raises(InputError, match=r"episodes: \[4\].*episodes with a shooting script \(1\)"):
        list(make_animatics(season, "4", SMALL))
    with pytest.raises(InputError, match="'1-x'"):
        list(make_animatics(season, "1-x", SMALL))
    with pytest.raises(DramagenError):
        make_animatic(season, 2, SMALL)  # no shooting script


def test_export_format_animatic_writes_mp4_srt_vtt_and_zip_alone_does_not(season, monkeypatch, tmp_path):
    from dramagen.screen.export.season_export import export_season

    monkeypatch.setenv("DRAMAGEN_ANIMATIC_WIDTH", "180")
    monkeypatch.setenv("DRAMAGEN_ANIMATIC_FPS", "4")
    paths = export_season(season, "animatic,csv", out_dir=tmp_path / "x")
    names = sorted(p.name for p in paths)
    assert [n for n in names if "animatic" in n] == ["ep001-the-rejection-animatic.json",
                                                    "ep001-the-rejection-animatic.mp4",
                                                    "ep001-the-rejection-animatic.srt",
                                                    "ep001-the-rejection-animatic.vtt"]
    assert ffprobe(tmp_path / "x" / "ep001" / "ep001-the-rejection-animatic.mp4")["streams"][0]["width"] == 180
    zipped = export_season(season, "zip", out_dir=tmp_path / "z")
    assert not [p for p in zipped if p.suffix == ".mp4"]
    monkeypatch.setenv("DRAMAGEN_ANIMATIC_WIDTH", "1000")
    with pytest.raises(InputError, match="DRAMAGEN_ANIMATIC_WIDTH.*multiple of 18"):
        export_season(season, "animatic", out_dir=tmp_path / "y")
