"""The checker: a valid episode passes; each broken rule is caught, and only that one."""

from __future__ import annotations

import io
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramagen.core.errors import SeasonDataError
from dramagen.core.models import Beat, Character, EpisodeBeats, EpisodePlan, Line, Location, SeasonPlan, SeriesBible
from dramagen.core.timing import TimingSettings
from dramagen.story.check import (
    COLUMNS,
    CheckReport,
    check_dir,
    check_episode,
    check_season,
    edit_distance,
    find_loops,
    near_misses,
)
from dramagen.story.planner import layout_beats, plan_season, retime, word_budget
from dramagen.terminal import render_table

L = Line
CLIFF = "Kai is the alpha who exiled her mother."


def make_plan_ep(**kw) -> EpisodePlan:
    data = dict(number=1, function="hook", free=True, target_seconds=75, cliffhanger_type="reveal", strength=6,
                characters=["Mara", "Kai"], location="PACK HALL", title="The Silver Ring",
                synopsis="Mara crashes the pack gathering, and Kai recognises the ring she stole from his "
                         "family vault.",
                cliffhanger=CLIFF)
    data.update(kw)
    return EpisodePlan(**data)


def written_beats() -> list[Beat]:
    """A hand-written episode: 8 beats, 2 scenes, about 72 s once retimed."""
    def beat(i, kind, loc, new, chars, action="", lines=()):
        return Beat(index=i, kind=kind, start=0, end=0, location=loc, new_scene=new, characters=chars,
                    action=action, lines=list(lines))

    return [
        beat(1, "hook", "PACK HALL", True, ["Mara", "Kai"], "Mara slams a silver ring onto the council table."),
        beat(2, "development", "PACK HALL", False, ["Mara", "Rowan"],
             "The hall falls silent. Rowan rises from his chair.",
             [L(character="Rowan", text="You were told never to come back here, girl."),
              L(character="Mara", text="I came back for what is mine. All of it.", parenthetical="cold")]),
        beat(3, "development", "PACK HALL", False, ["Mara", "Selene"], "",
             [L(character="Selene", text="She is a thief. That ring belongs to the alpha's family and everyone "
                                         "knows it."),
              L(character="Mara", text="Then ask the alpha where his family found it."),
              L(character="Selene", text="You have one minute to leave before the guards drag you out by your "
                                         "hair.")]),
        beat(4, "turn", "PACK HALL", False, ["Mara", "Kai"], "Kai steps out of the shadows and picks up the ring.",
             [L(character="Kai", text="This was buried with my mother. How do you have it?")]),
        beat(5, "development", "FOREST", True, ["Mara", "Kai"],
             "Moonlight through the pines. Kai drags Mara away from the hall.",
             [L(character="Kai", text="Tell me the truth before the council tears you apart."),
              L(character="Mara", text="The truth got my mother killed. I will not hand it to you for free."),
              L(character="Kai", text="Then what do you want from me? Money? A seat on the council? Name it.")]),
        beat(6, "turn", "FOREST", False, ["Mara", "Kai", "Rowan"],
             "Rowan watches them from the tree line, a phone to his ear.",
             [L(character="Rowan", text="She found the ring. Burn the cabin tonight.", parenthetical="low")]),
        beat(7, "development", "FOREST", False, ["Mara", "Kai"], "",
             [L(character="Mara", text="Your father signed the order. I have the letter, with his seal on it."),
              L(character="Kai", text="My father is dead. Whatever you think you know, you are wrong."),
              L(character="Mara", text="Your father never gave the order alone. Someone in this pack still carries "
                                       "his seal.")]),
        beat(8, "cliffhanger", "FOREST", False, ["Mara", "Kai"],
             "Mara unfolds the letter. The seal on it is Kai's own.",
             [L(character="Mara", text=CLIFF)]),
    ]


@pytest.fixture()
def episode(bible):
    """(plan_ep, beats) of a valid episode."""
    eb = EpisodeBeats(episode=1, target_seconds=75, cliffhanger_type="reveal", beats=retime(written_beats(), bible))
    return make_plan_ep(), eb


def rules(issues) -> set[str]:
    return {i.rule for i in issues}


def with_beats(eb: EpisodeBeats, beats: list[Beat], bible=None, **kw) -> EpisodeBeats:
    """A copy of ``eb`` with new beats (renumbered, retimed when a bible is given)."""
    beats = [b.model_copy(update={"index": i}) for i, b in enumerate(beats, 1)]
    if bible is not None:
        beats = retime(beats, bible)
    return EpisodeBeats(**{**eb.model_dump(exclude={"beats"}), **kw}, beats=beats)


def edit(eb: EpisodeBeats, which: int, **update) -> list[Beat]:
    """The beats of ``eb`` with beat number ``which`` updated."""
    return [b.model_copy(update=update) if b.index == which else b.model_copy() for b in eb.beats]


# --------------------------------------------------------------------------- a valid episode


def test_valid_episode_passes(bible, episode):
    plan_ep, eb = episode
    assert 67.5 <= eb.runtime <= 82.5
    assert eb.beats[0].duration <= 5
    assert check_episode(bible, plan_ep, eb) == []
    assert check_episode(bible, plan_ep, eb, TimingSettings(), paywall=10) == []


def test_hand_timed_episode_passes(bible, episode):
    """Timings typed by hand (to 0.01 s, as a writer would save them) pass too."""
    plan_ep, eb = episode
    beats = [b.model_copy(update={"start": round(b.start + 0.01 * (i % 2), 2), "end": round(b.end + 0.01 * (i % 2), 2)})
             for i, b in enumerate(eb.beats)]
    beats[0] = beats[0].model_copy(update={"start": 0.0})
    issues = check_episode(bible, plan_ep, with_beats(eb, beats))
    assert issues == []


def test_layout_plus_writing_passes(bible):
    """layout_beats → written text → retime gives an episode the checker accepts."""
    plan = season_plan(bible, 10, 3)
    for ep in plan.episodes:
        assert check_episode(bible, ep, write_episode(ep, bible, seed=4), paywall=3) == []


# --------------------------------------------------------------------------- one rule at a time


def test_tiling_first_start(bible, episode):
    plan_ep, eb = episode
    beats = [b.model_copy(update={"start": b.start + 0.5, "end": b.end + 0.5}) for b in eb.beats]
    assert rules(check_episode(bible, plan_ep, with_beats(eb, beats))) == {"tiling.first_start"}


def test_tiling_gap(bible, episode):
    plan_ep, eb = episode
    beats = [b.model_copy(update={"start": b.start + 0.3, "end": b.end + 0.3}) if b.index >= 4 else b
             for b in eb.beats]
    issues = check_episode(bible, plan_ep, with_beats(eb, beats))
    assert rules(issues) == {"tiling.gap"} and [i.beat for i in issues] == [4]
    # within 0.02 s is tolerated
    beats = [b.model_copy(update={"start": b.start + 0.02, "end": b.end + 0.02}) if b.index >= 4 else b
             for b in eb.beats]
    assert check_episode(bible, plan_ep, with_beats(eb, beats)) == []


def test_tiling_nonpositive(bible, episode):
    plan_ep, eb = episode
    empty = Beat(index=99, kind="development", start=0, end=0, location="FOREST", new_scene=False,
                 characters=["Kai"])
    beats = eb.beats[:5] + [empty] + eb.beats[5:]
    issues = check_episode(bible, plan_ep, with_beats(eb, beats, bible))
    assert rules(issues) == {"tiling.nonpositive"} and [i.beat for i in issues] == [6]


def test_tiling_index(bible, episode):
    plan_ep, eb = episode
    broken = EpisodeBeats(**eb.model_dump(exclude={"beats"}), beats=edit(eb, 3, index=7))
    assert rules(check_episode(bible, plan_ep, broken)) == {"tiling.index"}


def test_tiling_episode(bible, episode):
    plan_ep, eb = episode
    assert rules(check_episode(bible, plan_ep, eb.model_copy(update={"episode": 2}))) == {"tiling.episode"}


def test_timing_estimate(bible, episode):
    plan_ep, eb = episode
    beats = edit(eb, 4, action="Kai steps out of the shadows, slowly, silently, and picks up the ring with two "
                               "trembling fingers while the whole pack holds its breath and watches him.")
    issues = check_episode(bible, plan_ep, with_beats(eb, beats))
    assert rules(issues) == {"timing.estimate"} and [i.beat for i in issues] == [4]
    # within 0.05 s is tolerated
    beats = [b.model_copy(update={"start": b.start + 0.04 * (b.index > 1), "end": b.end + 0.04}) for b in eb.beats]
    beats = [b.model_copy(update={"start": 0.0}) if b.index == 1 else b for b in beats]
    issues = check_episode(bible, plan_ep, with_beats(eb, beats))
    assert issues == []


def test_timing_target(bible, episode):
    plan_ep, eb = episode
    extra = L(character="Kai", text="I buried her with my own hands in the snow, and I swore on her grave that "
                                    "nobody would ever touch that ring again, not even me, not even for you.")
    beats = edit(eb, 7, lines=[*eb.beats[6].lines, extra])
    eb2 = with_beats(eb, beats, bible)
    assert 82.5 < eb2.runtime < 90
    assert rules(check_episode(bible, plan_ep, eb2)) == {"timing.target"}


def test_timing_bounds(bible, episode):
    plan_ep, eb = episode
    extra = [L(character="Kai", text="I buried her with my own hands in the snow, and I swore on her grave that "
                                     "nobody would ever touch that ring again, not even me."),
             L(character="Mara", text="Then you swore a lie, because your father dug it up the same night and "
                                      "paid the men who buried my mother without a name.")]
    beats = edit(eb, 7, lines=[*eb.beats[6].lines, *extra])
    eb2 = with_beats(eb, beats, bible, target_seconds=90)
    assert 90 < eb2.runtime < 99
    assert rules(check_episode(bible, make_plan_ep(target_seconds=90), eb2)) == {"timing.bounds"}


def test_timing_plan_target(bible, episode):
    plan_ep, eb = episode
    assert rules(check_episode(bible, plan_ep, eb.model_copy(update={"target_seconds": 78.0}))) == {
        "timing.plan_target"}


def test_hook_kind(bible, episode):
    plan_ep, eb = episode
    assert rules(check_episode(bible, plan_ep, with_beats(eb, edit(eb, 1, kind="development")))) == {"hook.kind"}


def test_hook_long(bible, episode):
    plan_ep, eb = episode
    beats = edit(eb, 1, action="Mara slams a silver ring onto the council table, and every wolf in the hall turns "
                               "to stare at the stranger in the torn red coat who just walked out of the storm, "
                               "snow still melting in her hair, blood on her knuckles, her eyes fixed on the empty "
                               "chair where the alpha should be sitting tonight.")
    eb2 = with_beats(eb, beats, bible)
    assert eb2.beats[0].duration > 5
    assert rules(check_episode(bible, plan_ep, eb2)) == {"hook.long"}


def test_cliffhanger_kind(bible, episode):
    plan_ep, eb = episode
    assert rules(check_episode(bible, plan_ep, with_beats(eb, edit(eb, 8, kind="turn")))) == {"cliffhanger.kind"}


def test_cliffhanger_type(bible, episode):
    plan_ep, eb = episode
    assert rules(check_episode(bible, plan_ep, eb.model_copy(update={"cliffhanger_type": "danger"}))) == {
        "cliffhanger.type"}
    assert rules(check_episode(bible, make_plan_ep(cliffhanger_type="identity"), eb)) == {"cliffhanger.type"}


def test_cliffhanger_empty(bible, episode):
    _, eb = episode
    assert rules(check_episode(bible, make_plan_ep(cliffhanger=""), eb)) == {"cliffhanger.empty"}
    assert rules(check_episode(bible, make_plan_ep(cliffhanger="   "), eb)) == {"cliffhanger.empty"}


def test_cliffhanger_missing(bible, episode):
    _, eb = episode
    plan_ep = make_plan_ep(cliffhanger="Rowan burns the cabin with Mara inside.")
    issues = check_episode(bible, plan_ep, eb)
    assert rules(issues) == {"cliffhanger.missing"} and issues[0].beat == 8
    # text only in an earlier beat does not count
    plan_ep = make_plan_ep(cliffhanger="She found the ring.")
    assert rules(check_episode(bible, plan_ep, eb)) == {"cliffhanger.missing"}


def test_cliffhanger_found_in_action_or_line(bible, episode):
    _, eb = episode
    # in a line (the fixture), in the action, with different case and punctuation
    assert check_episode(bible, make_plan_ep(cliffhanger="kai is the ALPHA who exiled her mother"), eb) == []
    plan_ep = make_plan_ep(cliffhanger="The seal on it is Kai's own!")
    assert check_episode(bible, plan_ep, eb) == []


def test_names_character(bible, episode):
    plan_ep, eb = episode
    beats = edit(eb, 2, characters=["Mara", "Rowan", "Marcus"])
    issues = check_episode(bible, plan_ep, with_beats(eb, beats))
    assert rules(issues) == {"names.character"} and "Marcus" in issues[0].message
    assert rules(check_episode(bible, make_plan_ep(characters=["Mara", "Kal"]), eb)) == {"names.character"}


def test_names_speaker(bible, episode):
    plan_ep, eb = episode
    lines = [L(character="Bob", text=ln.text) if ln.character == "Selene" else ln for ln in eb.beats[2].lines]
    issues = check_episode(bible, plan_ep, with_beats(eb, edit(eb, 3, lines=lines)))
    assert rules(issues) == {"names.speaker"} and {i.beat for i in issues} == {3}


def test_names_location(bible, episode):
    plan_ep, eb = episode
    assert rules(check_episode(bible, plan_ep, with_beats(eb, edit(eb, 2, location="GARAGE")))) == {
        "names.location"}
    assert rules(check_episode(bible, make_plan_ep(location="GARAGE"), eb)) == {"names.location"}


@pytest.mark.parametrize("typo", ["Marra", "Maraa", "Mera", "Selena", "Sellene", "Rowen", "Rowaan", "Kaii", "Kaai's"])
def test_names_near_miss_in_line(bible, episode, typo):
    plan_ep, eb = episode
    lines = [L(character=ln.character, text=f"{typo}, {ln.text}") if k == 0 else ln
             for k, ln in enumerate(eb.beats[1].lines)]
    issues = check_episode(bible, plan_ep, with_beats(eb, edit(eb, 2, lines=lines), bible))
    assert rules(issues) == {"names.near_miss"}, issues
    assert typo.removesuffix("'s") in issues[0].message


def test_names_near_miss_in_action_and_plan(bible, episode):
    plan_ep, eb = episode
    beats = edit(eb, 2, action="The hall falls silent. Rowen rises from his chair.")
    assert rules(check_episode(bible, plan_ep, with_beats(eb, beats))) == {"names.near_miss"}
    plan_ep = make_plan_ep(synopsis="Marra crashes the pack gathering.")
    assert rules(check_episode(bible, plan_ep, eb)) == {"names.near_miss"}


def test_near_miss_spares_names_and_common_words(bible):
    text = ("Mara, Kai, Selene and Rowan. Mara's ring. Many people came. Maybe Kate knows. Make sure. "
            "Mark my words. Rose petals. Someone, Sorry, Alpha Kai, Luna, MARA, Hall, Forest.")
    assert near_misses(text, bible) == []  # "Kate" is 2 edits from the 3-letter "Kai": short names allow 1
    assert near_misses("MARRA screams.", bible) == [("MARRA", "Mara")]
    assert near_misses("marra is lower case", bible) == []
    assert near_misses("Mar is short", bible) == []
    # a real word that is not common and lies next to a name is flagged: drift beats a rare false alarm
    assert near_misses("Roman candles.", bible) == [("Roman", "Rowan")]


def test_edit_distance():
    assert edit_distance("mara", "marra") == 1
    assert edit_distance("mara", "mraa") == 1  # a transposition
    assert edit_distance("selene", "selena") == 1
    assert edit_distance("kai", "kai") == 0
    assert edit_distance("rowan", "") == 5
    assert edit_distance("kitten", "sitting") == 3


def test_text_empty(bible, episode):
    _, eb = episode
    assert rules(check_episode(bible, make_plan_ep(title=""), eb)) == {"text.empty"}
    issues = check_episode(bible, make_plan_ep(title=" ", synopsis=""), eb)
    assert rules(issues) == {"text.empty"} and len(issues) == 2


def test_text_loop(bible, episode):
    _, eb = episode
    looped = "Mara runs and she runs and she runs and she runs into the forest."
    assert rules(check_episode(bible, make_plan_ep(synopsis=looped), eb)) == {"text.loop"}
    assert rules(check_episode(bible, make_plan_ep(title="the ring the ring the ring the ring"), eb)) == {"text.loop"}
    # in a beat's line
    plan_ep = make_plan_ep()
    lines = [L(character="Kai", text="I know you I know you I know you I know you.")]
    issues = check_episode(bible, plan_ep, with_beats(eb, edit(eb, 4, lines=lines), bible))
    assert rules(issues) == {"text.loop"} and issues[0].beat == 4


def test_find_loops():
    assert find_loops("She runs, and she runs; and SHE runs and.") == ["she runs and"]
    assert find_loops("she runs and she runs") == []
    assert find_loops("no no no no no") == ["no no no"]
    assert find_loops("") == []


def test_paywall_free_flag(bible, episode):
    _, eb = episode
    assert rules(check_episode(bible, make_plan_ep(free=False), eb, paywall=5)) == {"paywall.free"}
    assert check_episode(bible, make_plan_ep(free=False), eb) == []  # no paywall given, no check
    plan_ep = make_plan_ep(number=6, free=True)
    assert rules(check_episode(bible, plan_ep, eb.model_copy(update={"episode": 6}), paywall=5)) == {"paywall.free"}


def test_plan_only_episode(bible):
    assert check_episode(bible, make_plan_ep(), None) == []
    assert rules(check_episode(bible, make_plan_ep(title=""), None)) == {"text.empty"}


def test_each_issue_has_column_and_message(bible, episode):
    plan_ep, eb = episode
    broken = with_beats(eb, edit(eb, 1, kind="turn", location="GARAGE"))
    for issue in check_episode(bible, make_plan_ep(title="", cliffhanger=""), broken):
        assert issue.column in COLUMNS and issue.rule.startswith(issue.column + ".")
        assert issue.message and str(issue).startswith("ep 1")


# --------------------------------------------------------------------------- seasons

_VOCAB = ("we never talk about what happened that night in the cold rain by the old gate when you left me "
          "there alone with nothing but a promise and your coat so tell me now why should I trust you again "
          "after everything you did to my family and to me").split()


def season_plan(bible, n: int, paywall: int, seed: int = 0) -> SeasonPlan:
    plan = plan_season(None, bible, n, paywall, 75, seed)
    eps = [e.model_copy(update={"title": f"Chapter {e.number}", "synopsis": f"Mara faces the pack, part {e.number}.",
                                "cliffhanger": f"Kai opens the door number {e.number}."}) for e in plan.episodes]
    return SeasonPlan(episodes=eps, paywall=plan.paywall)


def write_episode(plan_ep: EpisodePlan, bible, seed: int = 0) -> EpisodeBeats:
    """A stand-in for the writer: fills each slot with text sized to its budget, then retimes."""
    eb = layout_beats(plan_ep, bible, seed)
    r = random.Random(plan_ep.number * 1000 + seed)
    out = []
    for b in eb.beats:
        if b.kind == "hook":
            out.append(b.model_copy(update={"action": f"{b.characters[0]} bursts in."}))
            continue
        action = plan_ep.cliffhanger if b.kind == "cliffhanger" else "The wind rattles the windows."
        budget = word_budget(b)
        assert len(action.split()) <= budget.action_words
        words = budget.dialogue_words
        lines, k = [], 0
        while words > 0 and len(lines) < 6:
            take = min(words, 22)
            at = r.randrange(len(_VOCAB))  # a slice of the (cyclic) passage: no loops
            text = " ".join(_VOCAB[(at + i) % len(_VOCAB)] for i in range(take)).capitalize() + "."
            lines.append(L(character=b.characters[k % len(b.characters)], text=text))
            words -= take
            k += 1
        out.append(b.model_copy(update={"action": action, "lines": lines}))
    return eb.model_copy(update={"beats": retime(out, bible)})


@pytest.fixture()
def season(bible):
    plan = season_plan(bible, 12, 4)
    return plan, {e.number: write_episode(e, bible) for e in plan.episodes}


def test_valid_season(bible, season):
    plan, beats = season
    report = check_season(bible, plan, beats)
    assert isinstance(report, CheckReport)
    assert report.ok, [str(i) for i in report.all_issues()]
    assert report.episodes == 12 and report.passed == 12 and report.failed == 0 and report.issues == 0
    assert report.totals == {c: 0 for c in COLUMNS}
    assert all(r.runtime is not None and abs(r.runtime - 75) <= 7.5 for r in report.rows)
    # round-trips through JSON (the lab stores reports)
    assert CheckReport.model_validate_json(report.model_dump_json()) == report


def test_season_paywall_strength(bible, season):
    plan, beats = season
    eps = [e.model_copy(update={"strength": 10 if e.number == 2 else e.strength}) for e in plan.episodes]
    eps[3] = eps[3].model_copy(update={"strength": 9})
    report = check_season(bible, SeasonPlan(episodes=eps, paywall=4), beats)
    assert report.rules() == {"paywall.strength": 1}
    row = report.row(4)
    assert not row.paywall and row.timing and row.tiling and not row.ok
    assert report.totals["paywall"] == 1 and report.failed == 1 and not report.ok


def test_season_paywall_free_flags(bible, season):
    plan, beats = season
    eps = [e.model_copy(update={"free": True}) for e in plan.episodes]  # everything free
    report = check_season(bible, SeasonPlan(episodes=eps, paywall=4), beats)
    assert report.rules() == {"paywall.free": 8}
    assert [r.episode for r in report.rows if not r.paywall] == list(range(5, 13))


def test_season_missing_and_extra_beats(bible, season):
    plan, beats = season
    partial = {k: v for k, v in beats.items() if k != 7}
    report = check_season(bible, plan, partial)
    assert report.rules() == {"tiling.missing": 1} and report.row(7).runtime is None
    assert check_season(bible, plan, partial, require_beats=False).ok
    extra = dict(beats)
    extra[13] = beats[12].model_copy(update={"episode": 13})
    report = check_season(bible, plan, extra)
    assert report.rules() == {"tiling.episode": 1} and report.season_issues and not report.ok


def test_season_one_broken_episode(bible, season):
    plan, beats = season
    broken = dict(beats)
    b5 = beats[5]
    broken[5] = b5.model_copy(update={"beats": [b5.beats[0].model_copy(update={"kind": "development"}),
                                                *b5.beats[1:]]})
    report = check_season(bible, plan, broken)
    assert report.rules() == {"hook.kind": 1}
    assert [r.episode for r in report.rows if not r.ok] == [5]
    assert report.totals["hook"] == 1 and sum(report.totals.values()) == 1


def test_render_table(bible, season):
    from rich.console import Console

    plan, beats = season
    broken = dict(beats)
    broken.pop(3)
    report = check_season(bible, plan, broken)
    table = render_table(report, width=80)
    console = Console(file=io.StringIO(), width=80, record=True)
    console.print(table)
    text = console.export_text()
    assert "FAIL" in text and "11/12 episodes pass, 1 issue; failing: tiling 1" in " ".join(text.split())
    row = next(line for line in text.splitlines() if line.lstrip().startswith("3 "))
    assert row.rstrip().endswith("FAIL  tiling") and max(len(line) for line in text.splitlines()) <= 80


def test_check_dir(bible, season, tmp_path):
    plan, beats = season
    (tmp_path / "bible.json").write_text(bible.model_dump_json())
    (tmp_path / "plan.json").write_text(plan.model_dump_json())
    for n, eb in beats.items():
        d = tmp_path / "episodes" / f"ep{n:03d}"
        d.mkdir(parents=True)
        (d / "beats.json").write_text(eb.model_dump_json())
    assert check_dir(tmp_path).ok
    (tmp_path / "episodes" / "ep002" / "beats.json").write_text(json.dumps({"episode": 2}))
    with pytest.raises(SeasonDataError, match="ep002"):
        check_dir(tmp_path)
    with pytest.raises(SeasonDataError, match="not a season folder"):
        check_dir(tmp_path / "nope")
    (tmp_path / "plan.json").unlink()
    with pytest.raises(SeasonDataError, match="plan.json"):
        check_dir(tmp_path)


@settings(max_examples=25, deadline=None)
@given(st.integers(10, 40), st.data(), st.integers(0, 2**16))
def test_planned_and_written_seasons_pass(n, data, seed):
    """Property: any plan, laid out and written to its budgets, passes every rule."""
    bible = SeriesBible(
        title="T", logline="L", trope_id="t",
        characters=[Character(name="Mara", age=24, role="lead"), Character(name="Kai", age=29, role="love_interest"),
                    Character(name="Selene", age=27, role="rival")],
        locations=[Location(name="PACK HALL"), Location(name="FOREST", interior=False), Location(name="CABIN")])
    paywall = data.draw(st.integers(1, n))
    plan = season_plan(bible, n, paywall, seed)
    beats = {e.number: write_episode(e, bible, seed) for e in plan.episodes}
    report = check_season(bible, plan, beats)
    assert report.ok, [str(i) for i in report.all_issues()][:5]
