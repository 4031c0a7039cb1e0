"""Every metric of dramagen.metrics on hand-made texts and objects whose right values are worked out by hand."""

from __future__ import annotations

import pytest

from dramagen.core.models import (
    CLIFFHANGER_TYPES,
    Beat,
    Character,
    EpisodeBeats,
    EpisodePlan,
    EpisodeScript,
    Line,
    Location,
    Scene,
    ScriptElement,
    SeasonPlan,
    SeriesBible,
    SlotStats,
)
from dramagen.metrics import (
    CLIFFHANGER_CUES,
    METRICS,
    action_paragraphs,
    action_words,
    beat_texts,
    cliffhanger_cue,
    cliffhanger_present,
    cliffhanger_type_match,
    dialogue_share,
    dialogue_words,
    distinct_n,
    hook_present,
    loop_count,
    name_consistency,
    name_mentions,
    ngrams,
    repeated_ngram_rate,
    runtime_error,
    season_dir_metrics,
    season_metrics,
    slot_rates,
    structurally_valid,
    tokens_per_second,
    word_count,
)
from dramagen.story.check import check_episode
from dramagen.story.planner import plan_season, retime

CLIFF = "Kai is the alpha who exiled her mother."


@pytest.fixture()
def bible() -> SeriesBible:
    return SeriesBible(
        title="Moonlit Debt", logline="A hidden heiress returns to the pack that exiled her.", trope_id="test",
        characters=[Character(name="Mara", age=24, role="lead"), Character(name="Kai Blackwood", age=29,
                                                                           role="love_interest"),
                    Character(name="Selene", age=27, role="rival"), Character(name="Rowan", age=52,
                                                                               role="antagonist")],
        locations=[Location(name="PACK HALL"), Location(name="FOREST", interior=False),
                   Location(name="MARA'S CABIN", time="DAWN")])


def plan_ep(**kw) -> EpisodePlan:
    data = dict(number=1, function="hook", free=True, target_seconds=75, cliffhanger_type="reveal", strength=6,
                characters=["Mara", "Kai Blackwood"], location="PACK HALL", title="The Silver Ring",
                synopsis="Mara crashes the pack gathering with a stolen ring.", cliffhanger=CLIFF)
    data.update(kw)
    return EpisodePlan(**data)


def L(c: str, t: str, p: str = "") -> Line:
    return Line(character=c, text=t, parenthetical=p)


def written(bible: SeriesBible, number: int = 1) -> EpisodeBeats:
    """A hand-written episode of 8 beats in 2 scenes (about 72 s once retimed) that passes every check."""
    def beat(i, kind, loc, new, chars, action="", lines=()):
        return Beat(index=i, kind=kind, start=0, end=0, location=loc, new_scene=new, characters=chars,
                    action=action, lines=list(lines))

    beats = [
        beat(1, "hook", "PACK HALL", True, ["Mara", "Kai Blackwood"], "Mara slams a silver ring onto the table."),
        beat(2, "development", "PACK HALL", False, ["Mara", "Rowan"], "The hall falls silent. Rowan rises.",
             [L("Rowan", "You were told never to come back here, girl."),
              L("Mara", "I came back for what is mine. All of it.", "cold")]),
        beat(3, "development", "PACK HALL", False, ["Mara", "Selene"], "",
             [L("Selene", "She is a thief. That ring belongs to the alpha's family and everyone knows it."),
              L("Mara", "Then ask the alpha where his family found it."),
              L("Selene", "You have one minute to leave before the guards drag you out by your hair.")]),
        beat(4, "turn", "PACK HALL", False, ["Mara", "Kai Blackwood"], "Kai steps out of the shadows.",
             [L("Kai Blackwood", "This was buried with my mother. How do you have it?")]),
        beat(5, "development", "FOREST", True, ["Mara", "Kai Blackwood"],
             "Moonlight through the pines. Kai drags Mara away from the hall.",
             [L("Kai Blackwood", "Tell me the truth before the council tears you apart."),
              L("Mara", "The truth got my mother killed. I will not hand it to you for free."),
              L("Kai Blackwood", "Then what do you want from me? Money? A seat on the council? Name it.")]),
        beat(6, "turn", "FOREST", False, ["Mara", "Kai Blackwood", "Rowan"],
             "Rowan watches them from the tree line, a phone to his ear.",
             [L("Rowan", "She found the ring. Burn the cabin tonight.", "low")]),
        beat(7, "development", "FOREST", False, ["Mara", "Kai Blackwood"], "",
             [L("Mara", "Your father signed the order. I have the letter, with his seal on it."),
              L("Kai Blackwood", "My father is dead. Whatever you think you know, you are wrong."),
              L("Mara", "Your father never gave the order alone. Someone in this pack still carries his seal.")]),
        beat(8, "cliffhanger", "FOREST", False, ["Mara", "Kai Blackwood"],
             "Mara unfolds the letter. The seal on it is Kai's own.", [L("Mara", CLIFF)]),
    ]
    return EpisodeBeats(episode=number, target_seconds=75, cliffhanger_type="reveal", beats=retime(beats, bible))


# --------------------------------------------------------------------------- text


def test_ngrams_and_word_count():
    assert ngrams("a b a b", 2) == [("a", "b"), ("b", "a"), ("a", "b")]
    assert ngrams("a b", 3) == []
    assert ngrams("The CAT, the cat!", 1) == [("the",), ("cat",), ("the",), ("cat",)]
    assert word_count("Mara's ring—gone.") == 3  # mara's · ring · gone
    assert word_count("") == 0
    with pytest.raises(ValueError):
        ngrams("a", 0)


def test_distinct_n_worked_examples():
    assert distinct_n(["a b a b"], 2) == pytest.approx(2 / 3)  # (a b) (b a) (a b): 2 distinct of 3
    assert distinct_n(["a b a b"], 1) == pytest.approx(2 / 4)
    assert distinct_n(["a b", "b a"], 2) == 1.0  # n-grams never span two texts
    assert distinct_n(["a b", "a b"], 2) == 0.5  # the same line twice across episodes
    assert distinct_n(["The cat. the CAT!"], 2) == pytest.approx(2 / 3)  # case and punctuation ignored
    assert distinct_n(["one"], 2) is None and distinct_n([], 1) is None and distinct_n([""], 1) is None


def test_repetition_and_loops():
    assert repeated_ngram_rate(["a b c a b c"], 3) == pytest.approx(1 / 4)  # abc bca cab abc
    assert repeated_ngram_rate(["a b c", "a b c"], 3) == pytest.approx(1 / 2)
    assert repeated_ngram_rate(["all different words here"], 3) == 0.0
    assert repeated_ngram_rate(["too short"], 3) is None
    assert loop_count(["no no no no no"]) == 1  # (no no no) three times
    assert loop_count(["we fight we fight we fight"]) == 0  # each trigram only twice
    assert loop_count(["we fight we fight we fight we fight", "a calm line"]) == 2  # (we fight we), (fight we fight)
    assert loop_count([]) == 0


# --------------------------------------------------------------------------- structure


def test_structural_validity_is_the_checker(bible):
    eb, ep = written(bible), plan_ep()
    assert check_episode(bible, ep, eb) == []
    assert structurally_valid(bible, ep, eb)
    broken = eb.model_copy(update={"beats": [eb.beats[0].model_copy(update={"kind": "development"}), *eb.beats[1:]]})
    assert not structurally_valid(bible, ep, broken)
    assert not structurally_valid(bible, ep.model_copy(update={"free": False}), eb, paywall=5)


def test_runtime_error():
    assert runtime_error(78, 75) == pytest.approx(0.04)
    assert runtime_error(60, 75) == pytest.approx(0.2)
    assert runtime_error(75, 75) == 0.0
    with pytest.raises(ValueError):
        runtime_error(70, 0)


def test_hook_present(bible):
    eb = written(bible)
    assert eb.beats[0].duration <= 5 and hook_present(eb)
    first = eb.beats[0]
    assert not hook_present(eb.model_copy(update={"beats": [first.model_copy(update={"kind": "development"}),
                                                             *eb.beats[1:]]}))
    long_hook = first.model_copy(update={"end": 6.0})
    assert not hook_present(eb.model_copy(update={"beats": [long_hook, *eb.beats[1:]]}))
    silent = first.model_copy(update={"action": "", "lines": []})
    assert not hook_present(eb.model_copy(update={"beats": [silent, *eb.beats[1:]]}))


def test_cliffhanger_present(bible):
    eb, ep = written(bible), plan_ep()
    assert cliffhanger_present(ep, eb)  # in a line of the last beat
    # compared word by word: case and punctuation do not matter
    assert cliffhanger_present(ep.model_copy(update={"cliffhanger": "KAI is the alpha, who exiled her mother"}), eb)
    assert not cliffhanger_present(ep.model_copy(update={"cliffhanger": "Selene poisons the well."}), eb)
    assert not cliffhanger_present(ep.model_copy(update={"cliffhanger": ""}), eb)
    last = eb.beats[-1].model_copy(update={"kind": "development"})
    assert not cliffhanger_present(ep, eb.model_copy(update={"beats": [*eb.beats[:-1], last]}))


def test_cliffhanger_cues_and_type_match(bible):
    assert cliffhanger_cue("Kai reveals the truth about the ring.", "reveal")
    assert not cliffhanger_cue("Kai smiles.", "reveal")
    assert cliffhanger_cue("The doors open and Bella walks in.", "arrival")  # "door" stem, "walks in" phrase
    assert not cliffhanger_cue("Bella walked away.", "arrival")
    assert cliffhanger_cue("A knife flashes behind Mara.", "danger")
    assert cliffhanger_cue("Choose him or lose everything by midnight.", "ultimatum")
    assert not cliffhanger_cue("anything", "no-such-type")
    assert set(CLIFFHANGER_CUES) == set(CLIFFHANGER_TYPES)  # every planned type has cues
    eb, ep = written(bible), plan_ep()  # reveal: "… is the alpha …" carries the phrase "is the"
    assert cliffhanger_type_match(ep, eb)
    assert cliffhanger_type_match(ep)  # plan only
    assert not cliffhanger_type_match(ep, eb.model_copy(update={"cliffhanger_type": "danger"}))
    assert not cliffhanger_type_match(ep.model_copy(update={"cliffhanger": "Mara smiles at Kai."}), eb)


def test_name_consistency(bible):
    texts = ["Mara glares at Kai.", "Marra runs to Blackwood's car."]
    assert name_mentions(texts, bible) == (3, 1)  # Mara, Kai, Blackwood('s) · Marra
    assert name_consistency(texts, bible) == pytest.approx(3 / 4)
    assert name_consistency(["Mara and Selene."], bible) == 1.0
    assert name_consistency(["Nobody is named here."], bible) is None


# --------------------------------------------------------------------------- slots and speed


def test_slot_rates():
    stats = {"beats.action": SlotStats(slots=4, accepted=2, repaired=1, fallback=1, regenerated=1, candidates=12),
             "beats.line": SlotStats(slots=6, accepted=6, candidates=18),
             "plan.title": SlotStats(slots=10, fallback=10, candidates=60)}
    r = slot_rates(stats, "beats.")
    assert (r["slots"], r["accepted"], r["repaired"], r["fallback"], r["regenerated"]) == (10, 8, 1, 1, 1)
    assert r["accepted_rate"] == pytest.approx(0.8) and r["repaired_rate"] == pytest.approx(0.1)
    assert r["fallback_rate"] == pytest.approx(0.1) and r["regenerated_rate"] == pytest.approx(0.1)
    assert r["candidates_per_slot"] == pytest.approx(3.0)
    assert slot_rates(stats)["fallback_rate"] == pytest.approx(11 / 20)
    empty = slot_rates({}, "beats.")
    assert empty["slots"] == 0 and empty["fallback_rate"] is None


def test_tokens_per_second():
    assert tokens_per_second(300, 2.0) == 150.0
    assert tokens_per_second(0, 0.0) is None


# --------------------------------------------------------------------------- a season


def season(bible: SeriesBible) -> SeasonPlan:
    plan = plan_season(None, bible, 10, 5, 75, 0)
    eps = [e.model_copy(update={"title": f"Chapter {e.number}", "synopsis": f"Mara faces the pack, part {e.number}.",
                                "cliffhanger": CLIFF, "cliffhanger_type": "reveal", "target_seconds": 75.0})
           for e in plan.episodes]
    return SeasonPlan(episodes=eps, paywall=plan.paywall)


def test_season_metrics_by_hand(bible):
    plan = season(bible)
    good = written(bible, 1)
    # episode 2: the same beats, but the hook is a development beat (one check issue) and one line misspells Mara
    bad_beats = [b.model_copy() for b in written(bible, 2).beats]
    bad_beats[0] = bad_beats[0].model_copy(update={"kind": "development"})
    bad_beats[2] = bad_beats[2].model_copy(update={"lines": [L("Selene", "Marra is a thief and everyone knows it."),
                                                              *bad_beats[2].lines[1:]]})
    bad = EpisodeBeats(episode=2, target_seconds=75, cliffhanger_type="reveal", beats=retime(bad_beats, bible))
    stats = {"beats.line": SlotStats(slots=8, accepted=6, fallback=2, candidates=24)}
    m = season_metrics(bible, plan, {1: good, 2: bad}, stats=stats, stage="beats",
                       seconds={"episodes": 30.0}, tokens=500, gen_seconds=20.0)
    assert m["episodes"] == 2
    assert m["valid_rate"] == 0.5 and m["hook_rate"] == 0.5 and m["cliffhanger_rate"] == 1.0
    assert m["cliffhanger_type_match"] == 1.0
    assert m["runtime_error"] == pytest.approx((abs(good.runtime - 75) + abs(bad.runtime - 75)) / 2 / 75)
    texts = beat_texts(good) + beat_texts(bad)
    assert m["distinct_2"] == pytest.approx(distinct_n(texts, 2))
    exact, miss = name_mentions(texts, bible)
    assert miss == 1 and m["name_consistency"] == pytest.approx(exact / (exact + 1))
    assert m["name_issues"] == pytest.approx(0.5)  # one names.near_miss issue, in episode 2
    assert m["words_per_episode"] == pytest.approx(sum(word_count(t) for t in texts) / 2)
    assert m["fallback_rate"] == pytest.approx(0.25) and m["accepted_rate"] == pytest.approx(0.75)
    assert m["stage_seconds"] == 30.0 and m["seconds_per_episode"] == 15.0
    assert m["tokens_per_s"] == 25.0
    assert set(m) >= {d.name for d in METRICS}


def test_season_metrics_plan_and_bible_stages(bible):
    plan = season(bible)
    m = season_metrics(bible, plan, stage="plan")
    assert m["episodes"] == 10 and m["valid_rate"] == 1.0 and m["hook_rate"] is None
    assert m["cliffhanger_rate"] == 1.0
    b = season_metrics(bible, None, stage="bible")
    assert b["episodes"] == 0 and b["valid_rate"] is None and b["distinct_1"] is not None


def test_season_dir_metrics(bible, tmp_path):
    from dramagen.project.season import SeasonDir

    sd = SeasonDir(tmp_path)
    sd.write_model(sd.bible_path, bible)
    sd.write_model(sd.plan_path, season(bible))
    sd.write_model(sd.beats_path(1), written(bible, 1))
    sd.write_stats("episodes/ep001/stats.json", {"beats.line": SlotStats(slots=4, accepted=3, fallback=1),
                                                 "script.detail": SlotStats(slots=2, fallback=2)})
    m = season_dir_metrics(tmp_path)
    assert m["episodes"] == 1 and m["valid_rate"] == 1.0 and m["fallback_rate"] == pytest.approx(0.25)


def test_every_metric_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "metrics.md").read_text()
    for m in METRICS:
        assert f"`{m.name}`" in doc, m.name
        assert m.better in ("higher", "lower", "")


def E(kind: str, text: str) -> ScriptElement:
    return ScriptElement(kind=kind, text=text)


def talk_script(number: int = 1) -> EpisodeScript:
    """Two scenes: actions of 8 and 7 words, dialogue of 7 and 3 words, plus a cue, a parenthetical and a
    transition that count for neither."""
    return EpisodeScript(episode=number, target_seconds=75, scenes=[
        Scene(number=1, location="PACK HALL", elements=[
            E("action", "Mara slams a silver ring onto the table."),  # 8
            E("character", "ROWAN"),
            E("parenthetical", "(coldly, without looking up)"),
            E("dialogue", "You were told never to come back."),  # 7
            E("transition", "CUT TO:"),
        ]),
        Scene(number=2, location="FOREST", interior=False, elements=[
            E("action", "Kai runs into the dark forest alone."),  # 7
            E("character", "MARA (V.O.)"),
            E("dialogue", "Mara's back, Kai."),  # 3: mara's, back, kai
        ]),
    ])


def test_dialogue_share_and_action_words_of_a_script():
    sc = talk_script()
    assert action_paragraphs(sc) == ["Mara slams a silver ring onto the table.", "Kai runs into the dark forest alone."]
    assert dialogue_words(sc) == 10
    assert dialogue_share(sc) == pytest.approx(10 / 25)
    assert action_words(sc) == pytest.approx(7.5)


def test_dialogue_share_edge_cases():
    only_cue = EpisodeScript(episode=1, target_seconds=75, scenes=[
        Scene(number=1, location="FOREST", elements=[E("character", "MARA"), E("parenthetical", "(sighs)"),
                                                     E("transition", "FADE OUT.")])])
    assert dialogue_share(only_cue) is None and action_words(only_cue) is None
    all_talk = EpisodeScript(episode=1, target_seconds=75, scenes=[
        Scene(number=1, location="FOREST", elements=[E("character", "MARA"), E("dialogue", "Get out of my house.")])])
    assert dialogue_share(all_talk) == 1.0 and action_words(all_talk) is None
    all_picture = EpisodeScript(episode=1, target_seconds=75, scenes=[
        Scene(number=1, location="FOREST", elements=[E("action", "Rain."), E("action", "Mara waits by the gate.")])])
    assert dialogue_share(all_picture) == 0.0 and action_words(all_picture) == pytest.approx(3.0)


def test_dialogue_share_of_a_beat_sheet(bible):
    beats = EpisodeBeats(episode=1, target_seconds=75, cliffhanger_type="reveal", beats=retime([
        Beat(index=1, kind="hook", start=0, end=0, location="PACK HALL", new_scene=True, characters=["Mara"],
             action="Mara slams a silver ring onto the table.",  # 8
             lines=[L("Mara", "Mine.", "cold")]),  # 1; the parenthetical does not count
        Beat(index=2, kind="development", start=0, end=0, location="PACK HALL", new_scene=False,
             characters=["Mara", "Rowan"], action="Rowan rises."),  # 2
        Beat(index=3, kind="cliffhanger", start=0, end=0, location="PACK HALL", new_scene=False,
             characters=["Mara", "Rowan"], action="",
             lines=[L("Rowan", "You were told never to come back."), L("Mara", "I came back.")]),  # 7 + 3
    ], bible))
    assert action_paragraphs(beats) == ["Mara slams a silver ring onto the table.", "Rowan rises."]
    assert dialogue_words(beats) == 11
    assert dialogue_share(beats) == pytest.approx(11 / 21)
    assert action_words(beats) == pytest.approx(5.0)


def test_season_dialogue_share_is_pooled_over_episodes(bible):
    plan = season(bible)
    one = talk_script(1)  # 10 dialogue words, actions of 8 and 7
    two = EpisodeScript(episode=2, target_seconds=75, scenes=[
        Scene(number=1, location="FOREST", elements=[E("action", "Rain."),  # 1
                                                     E("character", "MARA"), E("dialogue", "Go.")])])  # 1
    m = season_metrics(bible, plan, scripts={1: one, 2: two}, stage="script")
    assert m["episodes"] == 2
    assert m["dialogue_share"] == pytest.approx(11 / (11 + 16))  # pooled, not the mean of 0.4 and 0.5
    assert m["action_words"] == pytest.approx((8 + 7 + 1) / 3)  # over every action paragraph
    p = season_metrics(bible, plan, stage="plan")
    assert p["dialogue_share"] is None and p["action_words"] is None
