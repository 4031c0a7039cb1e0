"""The planner: season cadence, cliffhanger types and strengths, beat layout, retime."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramagen.core.errors import InputError
from dramagen.core.models import CLIFFHANGER_TYPES, Character, EpisodePlan, Line, Location, SeriesBible
from dramagen.core.timing import TimingSettings, estimate_elements
from dramagen.story.planner import (
    HOOK_BUDGET_MAX,
    MAX_TURN_GAP,
    STRONG_TYPES,
    TURN_FUNCTIONS,
    layout_beats,
    lead_character,
    plan_season,
    retime,
    retime_episode,
    signature_episodes,
)

from .handmade import pack_bible

FUNCS = ("hook", "setup", "escalation", "reversal", "twist", "midpoint", "dark_moment", "climax", "resolution")


BIBLE = pack_bible()  # the `bible` fixture's (tests/conftest.py), for the hypothesis strategies
BIBLE3 = SeriesBible(
    title="Three", logline="Three people, three rooms.", trope_id="test",
    characters=[Character(name="Ava Stone", age=30, role="ally"), Character(name="Lucas", age=31, role="lead"),
                Character(name="Nina", age=26, role="rival")],
    locations=[Location(name="OFFICE"), Location(name="ROOFTOP", interior=False), Location(name="BAR")],
)

TROPE = SimpleNamespace(
    signature_beats=[
        {"at": 0.0, "beat": "Mara is humiliated at the engagement party.", "function": "hook"},
        {"at": 0.1, "beat": "Mara's secret and want are set.", "function": "setup"},
        {"at": 0.3, "beat": "Rowan raises the stakes.", "function": "escalation"},
        {"at": 0.5, "beat": "Kai learns who Mara really is.", "function": "midpoint"},
        {"at": 0.6, "beat": "Selene was never her friend.", "function": "twist"},
        {"at": 0.75, "beat": "Mara loses everything.", "function": "dark_moment"},
        {"at": 0.9, "beat": "Mara turns the trap on Rowan.", "function": "climax"},
        {"at": 1.0, "beat": "The new order.", "function": "resolution"},
    ],
    cliffhangers=["reveal", "betrayal", "identity", "danger"],
)

sig_beat = st.fixed_dictionaries({
    "at": st.floats(0.0, 1.0, allow_nan=False),
    "function": st.sampled_from(FUNCS),
})
tropes = st.one_of(
    st.just(TROPE),
    st.just(None),
    st.builds(
        lambda beats, prefs: SimpleNamespace(
            signature_beats=[dict(b, beat=f"signature beat {i}") for i, b in enumerate(beats)],
            cliffhangers=prefs),
        st.lists(sig_beat, min_size=0, max_size=10),
        st.lists(st.sampled_from(CLIFFHANGER_TYPES), max_size=6, unique=True),
    ),
)


@st.composite
def season_args(draw):
    n = draw(st.integers(10, 100))
    paywall = draw(st.integers(1, n))
    target = draw(st.one_of(st.sampled_from([60, 75, 90]), st.floats(60, 90, allow_nan=False)))
    seed = draw(st.integers(0, 2**32 - 1))
    trope = draw(tropes)
    bible = draw(st.sampled_from([BIBLE, BIBLE3]))
    return trope, bible, n, paywall, target, seed


PROP = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _turn_positions(plan) -> list[int]:
    return [e.number for e in plan.episodes if e.function in TURN_FUNCTIONS | {"hook", "resolution"}]


# --------------------------------------------------------------------------- season properties


@PROP
@given(season_args())
def test_season_cadence(args):
    trope, bible, n, paywall, target, seed = args
    plan = plan_season(trope, bible, n, paywall, target, seed)
    eps = plan.episodes
    funcs = [e.function for e in eps]
    assert len(eps) == n and [e.number for e in eps] == list(range(1, n + 1))
    assert funcs[0] == "hook" and funcs[-1] == "resolution"
    assert funcs.count("hook") == 1 and funcs.count("resolution") == 1

    # midpoint near 50 %, dark moment near 75 %, in that order
    assert funcs.count("midpoint") == 1 and funcs.count("dark_moment") == 1
    mid, dark = funcs.index("midpoint") + 1, funcs.index("dark_moment") + 1
    tol = max(1, round(0.1 * n)) + 1
    assert abs(mid - (1 + 0.5 * (n - 1))) <= tol
    assert abs(dark - (1 + 0.75 * (n - 1))) <= tol
    assert mid < dark

    # climax: a contiguous run in the last ~10-15 %, ending just before the finale
    climax = [e.number for e in eps if e.function == "climax"]
    assert climax and climax[-1] == n - 1
    assert climax == list(range(climax[0], n))
    assert climax[0] > dark and climax[0] >= 0.85 * n - 1

    # a turn (reversal / twist / anchor) at least every MAX_TURN_GAP episodes
    pos = _turn_positions(plan)
    assert all(b - a <= MAX_TURN_GAP for a, b in zip(pos, pos[1:])), (pos, funcs)
    # ... and so a reversal/escalation/twist (or an anchor) in every window of 5
    for start in range(1, n - MAX_TURN_GAP + 2):
        window = funcs[start - 1:start - 1 + MAX_TURN_GAP]
        assert set(window) - {"setup"}, (start, funcs)
    # the setup stays early
    assert all(e.number < mid for e in eps if e.function == "setup")


@PROP
@given(season_args())
def test_season_cliffhangers_strength_paywall(args):
    trope, bible, n, paywall, target, seed = args
    plan = plan_season(trope, bible, n, paywall, target, seed)
    eps = plan.episodes
    types = [e.cliffhanger_type for e in eps]
    assert all(t in CLIFFHANGER_TYPES for t in types)
    assert not any(types[i] == types[i + 1] == types[i + 2] for i in range(n - 2)), types
    assert len(set(types)) >= 3

    assert plan.paywall == paywall
    assert [e.free for e in eps] == [e.number <= paywall for e in eps]
    strengths = [e.strength for e in eps]
    assert all(1 <= s <= 10 for s in strengths)
    pw = eps[paywall - 1]
    assert all(pw.strength > s for s in strengths[:paywall - 1]), (paywall, strengths)
    assert pw.cliffhanger_type in STRONG_TYPES
    # the arc rises: the second half is stronger on average than the first
    half = n // 2
    if paywall > half:  # a late paywall flattens the episodes before it
        return
    assert sum(strengths[half:]) / (n - half) > sum(strengths[:half]) / half
    # climax episodes are the peak of their neighbourhood
    for e in eps:
        if e.function == "climax" and e.number != paywall:
            assert e.strength >= max(s for s in strengths[max(0, e.number - 4):e.number + 1]) - 1


@PROP
@given(season_args())
def test_season_signatures_cast_locations(args):
    trope, bible, n, paywall, target, seed = args
    plan = plan_season(trope, bible, n, paywall, target, seed)
    eps = plan.episodes
    sigs = [] if trope is None else trope.signature_beats
    placed = [e.signature_beat for e in eps if e.signature_beat]
    assert sorted(placed) == sorted(s["beat"] for s in sigs)  # each exactly once
    where = signature_episodes(trope, n)
    for e, sb in where.items():
        assert eps[e - 1].signature_beat == sb["beat"]
        want = 1 + round(sb["at"] * (n - 1))
        assert abs(e - want) <= len(sigs)
        fn = sb["function"]
        # the episode follows the signature beat's function unless an anchor holds it
        anchored = eps[e - 1].function in ("hook", "midpoint", "dark_moment", "climax", "resolution")
        if not anchored and fn in ("reversal", "twist"):
            assert eps[e - 1].function == fn

    lead = lead_character(bible)
    assert sum(lead in e.characters for e in eps) >= 0.8 * n
    names = set(bible.names)
    locs = {loc.name for loc in bible.locations}
    for e in eps:
        assert 2 <= len(e.characters) <= 3 and len(set(e.characters)) == len(e.characters)
        assert set(e.characters) <= names
        assert e.location in locs
        assert e.target_seconds == pytest.approx(float(target))
        assert e.title == e.synopsis == e.cliffhanger == ""
    assert {e.location for e in eps} == locs  # every location gets used
    assert all(a.location != b.location for a, b in zip(eps, eps[1:]))


@settings(max_examples=40, deadline=None)
@given(season_args())
def test_season_deterministic(args):
    trope, bible, n, paywall, target, seed = args
    a = plan_season(trope, bible, n, paywall, target, seed)
    b = plan_season(trope, bible, n, paywall, target, seed)
    assert a == b
    assert a.model_dump_json() == b.model_dump_json()


def test_seed_changes_plan(bible):
    plans = {plan_season(TROPE, bible, 60, 10, 75, s).model_dump_json() for s in range(5)}
    assert len(plans) == 5


def test_real_trope_models(bible):
    from dramagen.story.custom import custom_trope

    trope = custom_trope("A werewolf heiress hides her bloodline from the alpha who exiled her mother.")
    plan = plan_season(trope, bible, 60, 10, 75, 3)
    assert sum(e.signature_beat is not None for e in plan.episodes) == len(trope.signature_beats)
    from dramagen.story.trope_names import adapt, name_map

    names = name_map(trope, bible)  # the trope's pool names are the bible's characters in the plan
    assert plan.episodes[0].signature_beat == adapt(trope.signature_beats[0].beat, names)
    assert plan.episodes[-1].signature_beat == adapt(trope.signature_beats[-1].beat, names)
    pool = {n for r in trope.roles for n in r.names} - {c.name.split()[0] for c in bible.characters}
    assert not any(n in (e.signature_beat or "") for e in plan.episodes for n in pool)
    # the trope's midpoint beat lands on the midpoint
    assert plan.episode(31).function == "midpoint"


def test_small_season_shape(bible):
    plan = plan_season(TROPE, bible, 10, 3, 75, 0)
    funcs = [e.function for e in plan.episodes]
    assert funcs[0] == "hook" and funcs[8] == "climax" and funcs[9] == "resolution"
    assert funcs[5] == "midpoint" and funcs[7] == "dark_moment"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"episodes": 9}, "episodes"),
        ({"episodes": 101}, "episodes"),
        ({"episodes": 20.5}, "episodes"),
        ({"episodes": "60"}, "episodes"),
        ({"paywall": 0}, "paywall"),
        ({"paywall": 61}, "paywall"),
        ({"episodes": 12, "paywall": 13}, "paywall"),
        ({"target_seconds": 59}, "length"),
        ({"target_seconds": 91}, "length"),
        ({"target_seconds": float("nan")}, "length"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_inputs(bible, kwargs, field):
    args = {"trope": TROPE, "bible": bible, "episodes": 60, "paywall": 10, "target_seconds": 75, "seed": 0}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        plan_season(**args)
    assert err.value.field == field
    assert field in str(err.value)


def test_edge_inputs_accepted(bible):
    for n, pw, t in [(10, 1, 60), (10, 10, 90), (100, 100, 60.0), (100, 1, 90)]:
        plan = plan_season(TROPE, bible, n, pw, t, 0)
        assert len(plan.episodes) == n and plan.paywall == pw


# --------------------------------------------------------------------------- layout


plan_eps = st.builds(
    lambda num, fn, t, ct, chars, loc: EpisodePlan(number=num, function=fn, free=True, target_seconds=t,
                                                   cliffhanger_type=ct, strength=5, characters=chars, location=loc),
    st.integers(1, 100), st.sampled_from(FUNCS), st.floats(60, 90, allow_nan=False),
    st.sampled_from(CLIFFHANGER_TYPES),
    st.lists(st.sampled_from(["Mara", "Kai", "Selene", "Rowan"]), min_size=0, max_size=3, unique=True),
    st.sampled_from(["", "PACK HALL", "FOREST", "MARA'S CABIN"]),
)


@settings(max_examples=200, deadline=None)
@given(plan_eps, st.integers(0, 2**32 - 1))
def test_layout_properties(plan_ep, seed):
    eb = layout_beats(plan_ep, BIBLE, seed)
    beats = eb.beats
    kinds = [b.kind for b in beats]
    assert 6 <= len(beats) <= 12
    assert kinds[0] == "hook" and kinds[-1] == "cliffhanger"
    assert kinds.count("hook") == 1 and kinds.count("cliffhanger") == 1
    assert 1 <= kinds.count("turn") <= 2
    assert set(kinds[1:-1]) <= {"development", "turn"}
    assert [b.index for b in beats] == list(range(1, len(beats) + 1))
    # time budget
    assert 0 < beats[0].duration <= HOOK_BUDGET_MAX
    assert beats[0].start == 0
    assert all(b.start == a.end for a, b in zip(beats, beats[1:]))
    assert all(b.duration > 0 for b in beats)
    assert beats[-1].end == pytest.approx(round(plan_ep.target_seconds, 2), abs=1e-9)
    assert all(b.duration > beats[0].duration for b in beats[1:])
    # scenes
    assert beats[0].new_scene
    scenes = sum(b.new_scene for b in beats)
    assert 1 <= scenes <= 3
    for a, b in zip(beats, beats[1:]):
        if not b.new_scene:
            assert b.location == a.location
        else:
            assert b.location != a.location
    if plan_ep.location:
        assert beats[0].location == plan_ep.location
    locs = {loc.name for loc in BIBLE.locations}
    assert all(b.location in locs for b in beats)
    # characters
    focus = plan_ep.characters or [lead_character(BIBLE), "Kai"]
    assert set(focus) <= set(beats[0].characters) and set(focus) <= set(beats[-1].characters)
    assert all(b.characters and set(b.characters) <= set(BIBLE.names) for b in beats)
    assert all(not b.action and not b.lines for b in beats)
    # the episode's identity
    assert eb.episode == plan_ep.number and eb.cliffhanger_type == plan_ep.cliffhanger_type
    assert eb.target_seconds == plan_ep.target_seconds
    # deterministic
    assert layout_beats(plan_ep, BIBLE, seed) == eb


def test_layout_beat_count_follows_length(bible):
    def mean_len(t):
        ep = EpisodePlan(number=1, function="hook", free=True, target_seconds=t, cliffhanger_type="reveal",
                         strength=5)
        return sum(len(layout_beats(ep, bible, s).beats) for s in range(30)) / 30

    assert mean_len(60) < mean_len(75) < mean_len(90)


def test_layout_rejects_unknown_names(bible):
    ep = EpisodePlan(number=1, function="hook", free=True, cliffhanger_type="reveal", strength=5,
                     characters=["Marra"])
    with pytest.raises(InputError) as err:
        layout_beats(ep, bible, 0)
    assert err.value.field == "characters"
    ep = EpisodePlan(number=1, function="hook", free=True, cliffhanger_type="reveal", strength=5,
                     location="GARAGE")
    with pytest.raises(InputError) as err:
        layout_beats(ep, bible, 0)
    assert err.value.field == "location"


def test_layout_of_a_whole_plan(bible):
    plan = plan_season(TROPE, bible, 30, 8, 80, 5)
    for ep in plan.episodes:
        eb = layout_beats(ep, bible, 5)
        assert eb.beats[0].location == ep.location
        assert set(ep.characters) <= set(eb.beats[-1].characters)


# --------------------------------------------------------------------------- retime

words = st.lists(st.sampled_from("the ring is hers and nobody knew until tonight she stays".split()),
                 min_size=0, max_size=40).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(plan_eps, st.integers(0, 1000), st.data())
def test_retime_tiles_estimates(plan_ep, seed, data):
    eb = layout_beats(plan_ep, BIBLE, seed)
    written = []
    for b in eb.beats:
        action = data.draw(words)
        line = data.draw(words)
        lines = [Line(character=b.characters[0], text=line)] if line else []
        written.append(b.model_copy(update={"action": action, "lines": lines}))
    timing = TimingSettings()
    out = retime(written, BIBLE, timing)
    assert [b.index for b in out] == [b.index for b in written]
    assert out[0].start == 0
    assert all(b.start == a.end for a, b in zip(out, out[1:]))
    for b in out:
        assert b.duration == pytest.approx(estimate_elements(b.elements(BIBLE), timing), abs=0.011)
        assert round(b.start, 2) == b.start and round(b.end, 2) == b.end
    total = sum(estimate_elements(b.elements(BIBLE), timing) for b in out)
    assert out[-1].end == pytest.approx(total, abs=0.006)
    # the input is untouched
    assert [b.start for b in written] == [b.start for b in eb.beats]


def test_retime_episode_and_settings(bible):
    ep = EpisodePlan(number=3, function="setup", free=True, cliffhanger_type="danger", strength=5)
    eb = layout_beats(ep, bible, 1)
    eb.beats[0].action = "Mara slams the ring on the table."
    slow = TimingSettings(dialogue_wps=1.0, min_action_seconds=3.0)
    a = retime_episode(eb, bible, TimingSettings())
    b = retime_episode(eb, bible, slow)
    assert a.episode == 3 and a.beats[0].duration == pytest.approx(1.0 + 1.5)
    assert b.beats[0].duration == pytest.approx(1.0 + 3.0)
    assert eb.beats[0].end != a.beats[0].end  # original kept


@settings(max_examples=100, deadline=None)
@given(plan_eps, st.integers(0, 1000))
def test_word_budget_fills_the_beat(plan_ep, seed):
    """Text written to word_budget's counts retimes to within ~0.5 s per beat of the layout."""
    from dramagen.story.planner import word_budget

    eb = layout_beats(plan_ep, BIBLE, seed)
    written = []
    for b in eb.beats:
        wb = word_budget(b)
        assert wb.action_words >= 1 and wb.dialogue_words >= 0
        if b.kind == "hook":
            assert wb.dialogue_words == 0
            written.append(b.model_copy(update={"action": " ".join(["word"] * min(wb.action_words, 12))}))
            continue
        lines = [Line(character=b.characters[0], text=" ".join(["word"] * wb.dialogue_words))] if wb.dialogue_words \
            else []
        written.append(b.model_copy(update={"action": " ".join(["word"] * wb.action_words), "lines": lines}))
    out = retime(written, BIBLE)
    for a, b in zip(eb.beats, out, strict=True):
        if a.kind != "hook":
            assert abs(a.duration - b.duration) <= 0.5
    assert abs(out[-1].end - eb.beats[-1].end) <= 0.1 * plan_ep.target_seconds


def test_catalogue_signature_beats_keep_their_function(bible):
    """With the real catalogue, every signature beat lands on an episode of its own function
    (a setup beat after the midpoint may become an escalation)."""
    from dramagen.story.tropes import list_tropes

    for trope in list_tropes():
        for n in (10, 17, 30, 60, 80, 100):
            plan = plan_season(trope, bible, n, min(10, n), 75, n)
            where = signature_episodes(trope, n)
            assert len(where) == len(trope.signature_beats)
            for e, sb in where.items():
                got = plan.episode(e).function
                assert got == sb["function"] or (sb["function"], got) == ("setup", "escalation"), (trope.id, n, e)
