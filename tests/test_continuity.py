"""Continuity (dramagen.story.continuity): a season written with the stand-in model keeps its story, and a
season edited to break each rule is caught by exactly that rule, in the right episode."""

from __future__ import annotations

import re

import pytest

from dramagen.core.models import Beat, EpisodeBeats, Line, StoryEvent, StoryLedger
from dramagen.project.pipeline import generate_season, make_request
from dramagen.project.season import SeasonDir
from dramagen.story.continuity import PAYOFF_SECONDS, RULES, _last_scene, check_continuity, payoff_ok

from .stand_in import StubGenerator

EPISODES = 10


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A 10-episode season (beats only) written by the stand-in model, with its ledger.json."""
    out = tmp_path_factory.mktemp("continuity") / "season"
    req = make_request(trope="divorce-regret", episodes=EPISODES, paywall=5, seed=11, candidates=1)
    state = generate_season(req, out, generator=StubGenerator(), stop_after="beats")
    ledger = SeasonDir(out).load_ledger()
    assert ledger is not None
    return state.bible, state.plan, dict(state.beats), ledger


@pytest.fixture()
def season(written):
    """A fresh deep copy per test (each test edits its own)."""
    bible, plan, beats, ledger = written
    return (bible, plan.model_copy(deep=True), {n: b.model_copy(deep=True) for n, b in beats.items()},
            ledger.model_copy(deep=True))


def issues_of(season_) -> list[tuple[str, int | None]]:
    bible, plan, beats, ledger = season_
    return sorted({(i.rule, i.episode) for i in check_continuity(ledger, plan, beats, bible.names)})


def with_ledger(season_, ledger: StoryLedger):
    return (*season_[:3], ledger)


def edit_beat(beats: dict[int, EpisodeBeats], n: int, i: int, **update) -> None:
    eb = beats[n]
    new = list(eb.beats)
    new[i] = new[i].model_copy(update=update)
    beats[n] = eb.model_copy(update={"beats": new})


def first(name: str) -> str:
    return name.split()[0]


# --------------------------------------------------------------------------- the season as written


def test_the_written_season_keeps_its_story(season):
    bible, plan, beats, ledger = season
    assert sorted(beats) == list(range(1, EPISODES + 1))
    assert all(ep.event is not None and ep.opening is not None for ep in plan.episodes)
    assert [e.id for e in ledger.events[1:]] == [ep.event.id for ep in plan.episodes]
    assert check_continuity(ledger, plan, beats, bible.names) == []


def test_no_ledger_no_continuity_check(season):
    bible, plan, beats, _ = season
    assert check_continuity(None, plan, beats, bible.names) == []


def test_rules_are_the_five_of_the_issue():
    assert RULES == ("ledger", "absent_acts", "payoff", "introduced", "cliffhanger_cast")


# --------------------------------------------------------------------------- rule: ledger


def test_a_secret_exposed_twice_breaks_the_ledger_rule(season):
    ledger = season[3]
    i = next(k for k, e in enumerate(ledger.events) if e.type == "exposure")
    victim = ledger.events[i + 1]  # the next event becomes the same exposure again
    events = list(ledger.events)
    events[i + 1] = ledger.events[i].model_copy(update={"id": victim.id, "episode": victim.episode})
    bad = ledger.model_copy(update={"events": events})
    assert issues_of(with_ledger(season, bad)) == [("ledger", victim.episode)]
    msg = check_continuity(bad, *season[1:3], season[0].names)[0].message
    assert f"events[{i + 1}] ({victim.id}).secret" in msg and "revealed twice" in msg


def test_a_dead_character_acting_breaks_the_ledger_rule(season):
    ledger = season[3]
    lead = ledger.events[0].actor
    other = next(e for e in ledger.events[1:] if e.actor != lead or e.target != lead)
    dead = other.target if other.target != lead else other.actor
    k = next(k for k, e in enumerate(ledger.events) if dead in e.participants)
    status = {**ledger.initial.status, dead: "dead"}
    bad = ledger.model_copy(update={"initial": ledger.initial.model_copy(update={"status": status})})
    assert issues_of(with_ledger(season, bad)) == [("ledger", ledger.events[k].episode)]
    msg = check_continuity(bad, *season[1:3], season[0].names)[0].message
    assert f"({ledger.events[k].id})." in msg and "dead" in msg


# --------------------------------------------------------------------------- rule: absent_acts


def _brought_down_in_episode_1(season_):
    """The ledger edited so that episode 2's arriving character is brought down at the end of episode 1:
    away when episode 2 starts, until their arrival (the ledger replays)."""
    ledger = season_[3]
    arrival = ledger.events[2]
    assert arrival.type == "arrival" and arrival.episode == 2, [(e.episode, e.type) for e in ledger.events]
    gone = arrival.target
    ep1 = ledger.events[1]
    events = list(ledger.events)  # episode 1 keeps its own event (later events may need it) and gains a downfall
    events.insert(2, ep1.model_copy(update={"id": "ep001-down", "type": "downfall", "secret": "",
                                            "actor": ep1.actor if ep1.actor != gone else ep1.target, "target": gone}))
    return ledger.model_copy(update={"events": events}), gone


def test_an_away_character_on_screen_breaks_absent_acts(season):
    bible, plan, beats, _ = season
    ledger, gone = _brought_down_in_episode_1(season)
    last = _last_scene(beats[2])
    early = [i for i, b in enumerate(beats[2].beats) if i not in last and i > 0
             and (gone in b.characters or any(ln.character == gone for ln in b.lines))]
    assert early, "the stand-in season shows the arriving character before the last scene"
    issues = check_continuity(ledger, plan, beats, bible.names)
    assert sorted({(i.rule, i.episode) for i in issues}) == [("absent_acts", 2)]
    assert {re.search(r"beat (\d+)", i.message).group(1) for i in issues} == {str(beats[2].beats[i].index)
                                                                              for i in early}
    assert all(f"{gone} is away" in i.message for i in issues)


def test_an_arriving_character_may_appear_in_the_last_scene_only(season):
    bible, plan, beats, _ = season
    ledger, gone = _brought_down_in_episode_1(season)
    last = _last_scene(beats[2])
    for i, b in enumerate(beats[2].beats):
        if i not in last and i > 0:
            edit_beat(beats, 2, i, characters=[c for c in b.characters if c != gone],
                      lines=[ln for ln in b.lines if ln.character != gone])
    assert any(gone in beats[2].beats[i].characters for i in last)
    assert check_continuity(ledger, plan, beats, bible.names) == []
    # one appearance in the middle of the episode is one issue
    mid = min(i for i in range(1, len(beats[2].beats)) if i not in last)
    b = beats[2].beats[mid]
    edit_beat(beats, 2, mid, characters=[*b.characters, gone])
    issues = check_continuity(ledger, plan, beats, bible.names)
    assert [(i.rule, i.episode) for i in issues] == [("absent_acts", 2)]
    assert f"beat {b.index}" in issues[0].message


def test_the_captive_of_a_rescue_may_be_shown_held_throughout_its_episode(season):
    """Stop 28: a 60-episode season's rescue episode showed the kidnapped lead in her cell before the last scene,
    and the rule refused it; the camera cuts between her and her rescuer. Anyone else captive is still refused."""
    bible, plan, beats, ledger = season
    arrival = ledger.events[2]
    assert arrival.type == "arrival" and arrival.episode == 2
    held = arrival.target
    captor = next(n for n in bible.names if n not in (held, arrival.actor))
    events = list(ledger.events)
    events.insert(2, events[1].model_copy(update={"id": "ep001-taken", "type": "kidnapping", "secret": "",
                                                  "actor": held, "target": captor}))
    rescue = arrival.model_copy(update={"type": "rescue"})
    events[3] = rescue
    ledger = ledger.model_copy(update={"events": events})
    eps = [ep.model_copy(update={"event": rescue}) if ep.number == 2 else ep for ep in plan.episodes]
    plan = plan.model_copy(update={"episodes": eps})
    early = [i for i, b in enumerate(beats[2].beats) if i not in _last_scene(beats[2]) and i > 0]
    b = beats[2].beats[early[0]]
    edit_beat(beats, 2, early[0], characters=[*b.characters, held] if held not in b.characters else b.characters)
    assert [i for i in check_continuity(ledger, plan, beats, bible.names) if i.rule == "absent_acts"] == []


# --------------------------------------------------------------------------- rule: payoff


def test_episode_2_without_the_payoff_in_its_first_15_seconds_breaks_payoff(season):
    bible, plan, beats, ledger = season
    opening = plan.episode(2).opening
    assert payoff_ok(opening, beats[2])
    for i, b in enumerate(beats[2].beats):
        if b.start < PAYOFF_SECONDS:
            edit_beat(beats, 2, i, action="Rain streaks the tall windows. A clock ticks on the mantel.", lines=[])
    assert not payoff_ok(opening, beats[2])
    issues = check_continuity(ledger, plan, beats, bible.names)
    assert [(i.rule, i.episode) for i in issues] == [("payoff", 2)]
    assert "episode 1's cliffhanger" in issues[0].message


def test_a_payoff_needs_both_people_and_the_event_within_15_seconds():
    ev = StoryEvent(id="ep001", episode=1, type="exposure", actor="Mara", target="Rowan", object="the sealed letter",
                    secret="s", detail="he burned the mill")

    def eb(action: str, start2: float = 5.0) -> EpisodeBeats:
        beats = [Beat(index=1, kind="hook", start=0, end=start2, location="HALL", action="The hall is silent."),
                 Beat(index=2, kind="development", start=start2, end=40, location="HALL", action=action),
                 Beat(index=3, kind="cliffhanger", start=40, end=60, location="HALL", action="Night falls.")]
        return EpisodeBeats(episode=2, target_seconds=60, cliffhanger_type="reveal", beats=beats)

    assert payoff_ok(ev, eb("Mara holds up the sealed letter; Rowan goes white."))
    assert not payoff_ok(ev, eb("Mara holds up the sealed letter in the empty hall."))  # Rowan is missing
    assert not payoff_ok(ev, eb("Mara and Rowan sit in silence over breakfast."))  # nothing of the event
    assert not payoff_ok(ev, eb("Mara holds up the sealed letter; Rowan goes white.", start2=PAYOFF_SECONDS))


# --------------------------------------------------------------------------- rule: introduced


def test_speaking_before_being_shown_breaks_introduced(season):
    bible, plan, beats, ledger = season
    k = next(i for i, b in enumerate(beats[1].beats) if b.lines)
    speaker = beats[1].beats[k].lines[0].character
    for i in range(k + 1):  # nobody names the first speaker before their first line
        b = beats[1].beats[i]
        edit_beat(beats, 1, i, action=re.sub(rf"\b{re.escape(first(speaker))}\b", "Someone", b.action))
    issues = check_continuity(ledger, plan, beats, bible.names)
    assert [(i.rule, i.episode) for i in issues] == [("introduced", 1)]
    assert issues[0].message.startswith(f"{speaker} speaks in beat {beats[1].beats[k].index}")


def test_a_stranger_speaking_later_in_the_season_breaks_introduced(season):
    bible, plan, beats, ledger = season
    spoke = {ln.character for eb in beats.values() for b in eb.beats for ln in b.lines}
    named = {c.name for c in bible.characters
             if any(re.search(rf"\b{first(c.name)}\b", b.action) for eb in beats.values() for b in eb.beats)}
    assert spoke <= named
    # episode 5's first speaker, never named by an action of episodes 1-5 and silent before episode 5
    who = next(ln.character for b in beats[5].beats for ln in b.lines)
    for n in range(1, 6):
        for i, b in enumerate(beats[n].beats):
            edit_beat(beats, n, i, action=re.sub(rf"\b{re.escape(first(who))}\b", "Someone", b.action),
                      lines=[ln for ln in b.lines if ln.character != who] if n < 5 else b.lines)
    issues = [(i.rule, i.episode) for i in check_continuity(ledger, plan, beats, bible.names)
              if i.rule == "introduced"]
    assert issues == [("introduced", 5)]


# --------------------------------------------------------------------------- rule: cliffhanger_cast


def test_a_cliffhanger_participant_missing_from_the_last_scene_breaks_cliffhanger_cast(season):
    bible, plan, beats, ledger = season
    n = 4
    ev = plan.episode(n).event
    gone = ev.target
    for i in _last_scene(beats[n]):
        b = beats[n].beats[i]
        edit_beat(beats, n, i, characters=[c for c in b.characters if c != gone],
                  lines=[ln for ln in b.lines if ln.character != gone])
    issues = check_continuity(ledger, plan, beats, bible.names)
    assert [(i.rule, i.episode) for i in issues] == [("cliffhanger_cast", n)]
    assert issues[0].message.startswith(f"{gone} of the cliffhanger ({ev.type})")


def test_the_last_scene_starts_at_the_last_scene_heading():
    beats = [Beat(index=i + 1, kind=k, start=10 * i, end=10 * i + 10, location="HALL", new_scene=ns,
                  lines=[Line(character="Mara", text="Go.")] if i == 0 else [])
             for i, (k, ns) in enumerate([("hook", True), ("development", False), ("turn", True),
                                          ("development", False), ("cliffhanger", False)])]
    eb = EpisodeBeats(episode=1, target_seconds=60, cliffhanger_type="reveal", beats=beats)
    assert _last_scene(eb) == {2, 3, 4}
