"""Writing from story events (issue 14): the rating filter in the slot engine, event slots that must name
their people and show their event, the hook that pays off the last cliffhanger, and a stand-in season whose
story holds (continuity clean, dialogue share and action paragraphs in range, same seed same bytes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dramagen.metrics import season_dir_metrics
from dramagen.project.pipeline import Runner, SeasonState, make_request, resolve_trope
from dramagen.project.season import SeasonDir
from dramagen.story.continuity import check_continuity, payoff_ok
from dramagen.story.grounding import World, event_check
from dramagen.story.slots import WriteContext, fill, fill_ranked

from .stand_in import StubGenerator
from .test_slots import NAMES, lib, slot  # noqa: F401

# -- the rating filter in the slot engine ------------------------------------------------------------------


@pytest.mark.parametrize("rating,expect_fallback", [("platform-safe", True), ("mature", False)])
def test_every_candidate_passes_the_rating_and_refusals_are_counted(lib, rating, expect_fallback,  # noqa: F811
                                                                   scripted_generator):
    gen = scripted_generator(lambda p, seed: ["Aria hangs herself in the barn."] * 3)
    ctx = WriteContext(generator=gen, seed=1, candidates=3, prompts=lib, rating=rating)
    [text] = fill(ctx, [slot()], ("rating",))
    st = ctx.stats["test.line"]
    if expect_fallback:
        assert text == "Aria waits." and st.fallback == 1
        assert st.rejected.get("rating_self_harm", 0) == 6  # 3 candidates, 2 rounds
    else:
        assert text.startswith("Aria hangs") and not any(k.startswith("rating_") for k in st.rejected)


def test_slurs_and_minors_are_refused_even_in_mature(lib, scripted_generator):  # noqa: F811
    gen = scripted_generator(lambda p, seed: ["Aria tells Kai to kill himself tonight."] * 2)
    ctx = WriteContext(generator=gen, seed=1, candidates=2, prompts=lib, rating="mature")
    [res] = fill_ranked(ctx, [slot()], ("rating",))
    assert res.status == "fallback" and "rating_self_harm" in ctx.stats["test.line"].rejected


# -- event slots -----------------------------------------------------------------------------------------------


def test_an_event_slot_needs_its_people_its_event_and_its_world():
    check = event_check(["Mei Lin", "Margot"], {"letter", "expos"}, World(period="1920s"))
    assert check("Mei slaps the letter on the table and Margot freezes.") is None
    assert check("Mei slaps the letter on the table.") == "missing_participant"
    assert check("Mei and Margot drink tea in silence.") == "ungrounded"
    assert check("Mei emails the letter to Margot.") == "anachronism"
    assert check("Mei shows Margot the letter: you're a vampire.") == "supernatural"


# -- a stand-in season -------------------------------------------------------------------------------------


def _season(out: Path, trope: str, custom: bool = False, seed: int = 5, episodes=(1, 2, 3, 4)) -> SeasonDir:
    req = make_request(trope=trope, custom_trope=custom, episodes=10, paywall=3, seed=seed)
    Runner(StubGenerator(), out, episodes=list(episodes)).chain("script").invoke(
        SeasonState(request=req, trope=resolve_trope(req)))
    return SeasonDir(out)


PREMISE = ("In 1920s Shanghai, Mei Lin, a widowed midwife, secretly delivers the babies of the city's gangsters. "
           "Her cruel stepmother wants to sell the family teahouse.")


@pytest.mark.parametrize("trope,custom", [("divorce-regret", False), ("hidden-heir", False), (PREMISE, True)])
def test_a_stand_in_season_keeps_its_story(tmp_path, trope, custom):
    sd = _season(tmp_path / "s", trope, custom)
    plan, bible, ledger = sd.load_plan(), sd.load_bible(), sd.load_ledger()
    assert ledger is not None and all(ep.event is not None for ep in plan.episodes)
    beats = {n: sd.load_beats(n) for n in sd.episodes_done("beats")}
    assert check_continuity(ledger, plan, beats, bible.names) == []
    for n in (2, 3, 4):  # every hook pays off the last cliffhanger, naming its people
        assert payoff_ok(plan.episode(n).opening, beats[n])
        assert beats[n].beats[0].action and beats[n].beats[0].start == 0
    m = season_dir_metrics(sd.path, "script")
    assert 0.3 <= m["dialogue_share"] <= 0.55, m["dialogue_share"]
    assert 12 <= m["action_words"] <= 30, m["action_words"]
    assert m["payoff_rate"] == 1.0 and m["continuity_violations"] == 0
    if custom:
        assert m["premise_coverage"] >= 0.9
        assert bible.characters[0].name == "Mei Lin" and "TEAHOUSE" in [loc.name for loc in bible.locations]
        assert (sd.path / "premise.json").exists()


def test_the_same_seed_writes_the_same_story(tmp_path):
    a = _season(tmp_path / "a", PREMISE, True, episodes=(1, 2))
    b = _season(tmp_path / "b", PREMISE, True, episodes=(1, 2))
    for rel in ("premise.json", "bible.json", "ledger.json", "plan.json", "episodes/ep002/beats.json",
                "episodes/ep002/script.json"):
        assert (a.path / rel).read_bytes() == (b.path / rel).read_bytes(), rel


def test_check_says_when_an_animatics_spoken_runtime_leaves_60_to_90_s(tmp_path):
    import json

    from dramagen.project.findings import check_folder

    sd = _season(tmp_path / "s", "hidden-heir", episodes=(1, 2))
    for n, spoken in ((1, 72.0), (2, 55.5)):
        d = sd.path / "exports" / f"ep{n:03d}"
        d.mkdir(parents=True)
        rt = {"episode": n, "estimate": 75.0, "planned": 75.0, "spoken": spoken, "animatic": 75.0}
        (d / f"ep{n:03d}-x-animatic.json").write_text(json.dumps({"runtime": rt}))
    found = [f for f in check_folder(sd.path).findings if f.section == "animatic"]
    assert [(f.rule, f.episode) for f in found] == [("animatic.spoken_runtime", 2)]
    assert "55.5 s" in found[0].message and "60–90" in found[0].message


SHANGHAI = ("In 1920s Shanghai, a nightclub singer catches the police chief taking bribes from the opium boss; she is "
            "really the daughter of the man the chief killed, and the boss's son is the pianist she loves.")


def test_a_beat_between_hook_and_cliffhanger_is_the_events_two_sides(tmp_path):
    """In the love interest's confession the villain was handed the lover's shot and line ('Derek raises a hand to
    knock … Is this the end of us?', stop 27): a middle beat has the event's actor and target, only they speak, and
    an onlooker is there only where the episode first shows them."""
    sd = _season(tmp_path / "s", SHANGHAI, True, episodes=(1, 2, 3, 4))
    plan = sd.load_plan()
    for n in (1, 2, 3, 4):
        ep = plan.episode(n)
        ev = ep.event
        if ev.actor == ev.target or {ev.actor, ev.target} & set(ep.absent):
            continue
        seen = {ev.actor, ev.target}
        for b in sd.load_beats(n).beats:
            if b.kind not in ("hook", "cliffhanger"):
                assert b.characters[:2] == [ev.actor, ev.target], (n, b.characters)
                assert {ln.character for ln in b.lines} <= {ev.actor, ev.target}, (n, b.lines)
                assert not set(b.characters[2:]) & seen, (n, b.characters)
            seen.update(b.characters)


def test_her_identity_is_revealed_to_the_foe_who_looked_down_on_her(tmp_path):
    """The identity phrases make {b} the one who dismissed her; with the love interest there, he read as the snob."""
    reveals = []
    for seed in (3, 6):  # seasons whose plan has an identity episode
        sd = _season(tmp_path / f"s{seed}", SHANGHAI, True, seed=seed, episodes=(1,))
        plan, bible = sd.load_plan(), sd.load_bible()
        reveals += [(bible, ep.event) for ep in plan.episodes if ep.event is not None and ep.event.type == "identity"]
    assert len(reveals) == 2
    for bible, ev in reveals:
        assert bible.character(ev.target).role in ("antagonist", "rival", "family"), ev
