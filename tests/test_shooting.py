"""Shooting scripts (shot lists) and the season stripboard."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import get_args

import pytest

from dramagen.core.models import EpisodeScript, Scene, ScriptElement, ShotAngle, ShotMove, ShotSize
from dramagen.core.timing import TimingSettings, estimate_elements
from dramagen.screen.shooting import load_props, props_in, shooting_script, stripboard
from dramagen.story.stages.script import write_script

from .script_helpers import CLIFF, make_beats, make_bible, make_plan

BIBLE = make_bible()


def _script(target: float = 75.0, number: int = 1) -> EpisodeScript:
    return write_script(None, make_beats(target=target, number=number), make_plan(target=target, number=number), BIBLE)


def _scene(*elements: tuple[str, str], location="PACK HALL", interior=True, number=1) -> Scene:
    return Scene(number=number, location=location, interior=interior, time="NIGHT",
                 elements=[ScriptElement(kind=k, text=t, beat=1) for k, t in elements])


def _one_scene_script(*elements: tuple[str, str], **kw) -> EpisodeScript:
    return EpisodeScript(episode=1, title="t", target_seconds=75, scenes=[_scene(*elements, **kw)])


def test_shot_durations_sum_to_each_scene_estimate():
    s = TimingSettings()
    script = _script()
    shooting = shooting_script(script, BIBLE, settings=s)
    assert [sc.number for sc in shooting.scenes] == [sc.number for sc in script.scenes]
    for sc, ssc in zip(script.scenes, shooting.scenes):
        est = s.heading_seconds + estimate_elements([(e.kind, e.text) for e in sc.elements], s)
        assert ssc.seconds == pytest.approx(round(est, 2), abs=1e-9)
        assert math.fsum(x.duration for x in ssc.shots) == pytest.approx(ssc.seconds, abs=0.005)
        assert all(x.duration > 0 for x in ssc.shots)
    total = math.fsum(x.duration for x in shooting.shots)
    assert total == pytest.approx(script.estimated_seconds, abs=0.02)


def test_shots_are_numbered_through_the_episode_with_valid_vocabulary():
    shooting = shooting_script(_script(), BIBLE)
    shots = shooting.shots
    assert [x.number for x in shots] == list(range(1, len(shots) + 1))
    assert 8 <= len(shots) <= 40
    for x in shots:
        assert x.size in get_args(ShotSize)
        assert x.angle in get_args(ShotAngle)
        assert x.movement in get_args(ShotMove)
        assert all(BIBLE.character(c) is not None for c in x.characters)
        if x.line:
            assert x.speaker and BIBLE.character(x.speaker) is not None
            assert "keep captions in the lower safe area" in x.notes
    # close-ups and medium shots dominate a vertical drama
    sizes = Counter(x.size for x in shots)
    assert sizes["CU"] + sizes["MCU"] + sizes["MS"] + sizes["ECU"] > len(shots) / 2


def test_scene_openers_are_wide_and_the_cliffhanger_is_an_ecu():
    shooting = shooting_script(_script(), BIBLE)
    for sc in shooting.scenes:
        assert sc.shots[0].size in ("WS", "EWS")
        assert "establishing" in sc.shots[0].notes
    forest = shooting.scenes[1]
    assert not forest.interior and forest.shots[0].size == "EWS"
    last = shooting.shots[-1]
    assert last.size == "ECU" and last.action == CLIFF
    assert last.movement in ("push in", "handheld")
    assert "headroom for on-screen text" in last.notes


def test_stacked_two_shot_note_when_two_share_the_frame():
    script = _one_scene_script(("action", "Kai corners Bella against the wall."), ("character", "KAI"),
                               ("dialogue", "Where is she?"), ("character", "BELLA"), ("dialogue", "Gone."),
                               ("action", "Aria and Kai circle each other."))
    shots = shooting_script(script, BIBLE).shots
    two = [x for x in shots if len(x.characters) == 2]
    assert two, [x.characters for x in shots]
    for x in two:
        a, b = (BIBLE.character(c).name.split()[0] for c in x.characters)
        wide = x.size in ("WS", "EWS")  # full figures: in depth; else stacked, the first in front and lower
        assert (f"two-shot in depth ({a} in front, {b} behind)" if wide else
                f"stacked two-shot ({b} top, {a} bottom, in front)") in x.notes
    # the first line of the exchange is the two-shot, the reply a single
    lines = [x for x in shots if x.line]
    assert lines[0].size == "MS" and lines[0].characters == ["Kai Blackwood", "Bella"]
    assert lines[1].size in ("CU", "MCU") and lines[1].characters == ["Bella"]
    assert shots[-1].size == "ECU"  # the last action of the episode is the cliffhanger shot


def _head_y(f) -> float:
    return f.top + 0.5 * f.u


@pytest.mark.parametrize("interior", [True, False])
def test_two_shot_notes_say_what_the_storyboard_draws(interior):
    """Issue 20: a note said "Blair top, Valerie bottom" over a drawing of the opposite. For every
    shot of two, the figure the note puts on top has its head higher in the storyboard panel, the
    one "in front" is drawn larger."""
    from dramagen.screen.storyboard import _figures

    script = _one_scene_script(("action", "Kai corners Bella against the wall."), ("character", "KAI"),
                               ("dialogue", "Where is she?"), ("character", "BELLA"), ("dialogue", "Gone."),
                               ("action", "Aria and Kai circle each other."), interior=interior,
                               location="PACK HALL" if interior else "MOONLIT FOREST")
    two = [x for x in shooting_script(script, BIBLE).shots if len(x.characters) == 2]
    assert {x.size for x in two} >= {"MS", "WS" if interior else "EWS"}, [(x.size, x.notes) for x in two]
    for x in two:
        figs = {f.name: f for f in _figures(x, BIBLE, 270, 480)[0]}
        fig = {BIBLE.character(c).name.split()[0]: figs[BIBLE.character(c).cue] for c in x.characters}
        m = re.search(r"stacked two-shot \((\w+) top, (\w+) bottom, in front\)", x.notes)
        if m:
            top, bottom = fig[m.group(1)], fig[m.group(2)]
            assert _head_y(top) < _head_y(bottom), (x.size, x.notes)
            assert bottom.u > top.u
            continue
        m = re.search(r"two-shot in depth \((\w+) in front, (\w+) behind\)", x.notes)
        assert m and x.size in ("WS", "EWS"), (x.size, x.notes)
        assert fig[m.group(1)].u > fig[m.group(2)].u, (x.size, x.notes)


def test_insert_on_a_prop_and_movement_rules():
    script = _one_scene_script(
        ("action", "Aria walks into the hall."),
        ("action", "The divorce papers lie on the table."),
        ("action", "Malakai draws a knife and lunges at Aria."),
        ("character", "KAI"), ("parenthetical", "(cold)"), ("dialogue", "Kneel."),
        ("character", "ARIA"), ("dialogue", "The truth is I am your sister."),
        ("action", "Bella laughs."))
    shots = shooting_script(script, BIBLE).shots
    insert = shots[1]
    assert insert.size == "CU" and insert.subject == "divorce papers" and "insert" in insert.notes
    assert shots[2].movement == "handheld"  # danger
    kai = next(x for x in shots if x.speaker == "Kai Blackwood")
    assert kai.angle == "low" and kai.action == "(cold)"
    aria = next(x for x in shots if x.speaker == "Aria")
    assert aria.movement == "push in"  # a revelation


def test_cast_props_wardrobe_and_time():
    script = _one_scene_script(("action", "Kai slides the marriage contract and a ring across the desk."),
                               ("character", "BELLA"), ("dialogue", "You can't be serious."), location="MOONLIT FOREST",
                               interior=False)
    sc = shooting_script(script, BIBLE).scenes[0]
    assert sc.cast == ["Kai Blackwood", "Bella"]
    assert sc.props == ["contract", "ring"]
    assert sc.wardrobe == ["Kai Blackwood: black suit, alpha's crest ring", "Bella: red gown, diamond choker"]
    assert (sc.interior, sc.time, sc.heading) == (False, "NIGHT", "EXT. MOONLIT FOREST - NIGHT")


def test_props_vocabulary_prefers_the_longest_name():
    props, tropes = load_props()
    assert "wedding ring" in props and "werewolf-rejected-mate" in tropes
    assert props_in("She throws her wedding ring at him and grabs two phones.", props) == ["wedding ring", "phone"]
    assert props_in("Everyone watches her.", props) == []


def test_shooting_script_is_deterministic_and_seeded():
    script = _script()
    assert shooting_script(script, BIBLE, seed=1) == shooting_script(script, BIBLE, seed=1)
    for seed in range(5):
        s = shooting_script(script, BIBLE, seed=seed)
        assert [x.duration for x in s.shots] == [x.duration for x in shooting_script(script, BIBLE).shots]


def test_a_scene_opening_on_dialogue_gets_an_establishing_shot():
    script = _one_scene_script(("character", "ARIA"), ("parenthetical", "(whispering)"), ("dialogue", "Run."))
    sc = shooting_script(script, BIBLE).scenes[0]
    assert [x.size for x in sc.shots] == ["WS", "ECU"]
    assert sc.shots[0].duration == 1.0
    assert sum(x.duration for x in sc.shots) == pytest.approx(sc.seconds)


# --------------------------------------------------------------------------- stripboard


def _season():
    return {n: shooting_script(_script(number=n), BIBLE) for n in (1, 2, 3)}


def test_stripboard_lists_every_scene_once_grouped_by_set():
    eps = _season()
    board = stripboard(eps, BIBLE, max_seconds_per_day=60)
    items = [(i.episode, i.scene) for d in board.days for i in d.items]
    expected = [(e, sc.number) for e, s in eps.items() for sc in s.scenes]
    assert sorted(items) == sorted(expected) and len(items) == len(set(items))
    assert [d.day for d in board.days] == list(range(1, len(board.days) + 1))
    heading = {(e, sc.number): sc.heading for e, s in eps.items() for sc in s.scenes}
    for d in board.days:
        assert all(heading[(i.episode, i.scene)] == f"{'INT' if d.interior else 'EXT'}. {d.location} - {d.time}"
                   for i in d.items)
        assert d.seconds <= 60 or len(d.items) == 1
    # all days at one location are consecutive; the biggest location first
    locs = [d.location for d in board.days]
    assert locs == sorted(locs, key=lambda x: locs.index(x))
    assert locs[0] == "PACK HALL"


def test_stripboard_puts_biggest_cast_first_within_a_set():
    board = stripboard(_season(), BIBLE, max_seconds_per_day=10_000)
    for d in board.days:
        sizes = [len(i.cast) for i in d.items]
        assert sizes == sorted(sizes, reverse=True)
    assert len(board.days) == 2  # one day per set when the days are long enough


def test_stripboard_rejects_a_nonpositive_day():
    from dramagen.core.errors import InputError

    with pytest.raises(InputError):
        stripboard(_season(), BIBLE, max_seconds_per_day=0)
