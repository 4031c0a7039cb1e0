"""Stale text after a bible change (dramagen.studio.staleness, issue 20): fields naming a character who
is gone are flagged and can be updated on request; pronouns are checked against the bible's genders."""

from __future__ import annotations

from dramagen.core.models import Beat, EpisodeBeats, Line, Voice
from dramagen.studio.staleness import (
    gender,
    gone_names,
    pronoun_issues,
    replace_name,
    stale_names,
    warning_html,
)

from .handmade import rejected_mate_bible, rejected_mate_plan


def _beats(n: int = 1) -> EpisodeBeats:
    return EpisodeBeats(episode=n, target_seconds=75, cliffhanger_type="reveal", beats=[
        Beat(index=1, kind="hook", start=0, end=4, location="PACK HALL", characters=["Mara", "Kai Blackwood"],
             action="Kai Blackwood rejects Mara before the pack.", lines=[Line(character="Kai Blackwood",
                                                                                text="I reject you, Mara.")]),
        Beat(index=2, kind="development", start=4, end=40, location="FOREST", characters=["Mara"],
             action="Mara runs into the forest.", lines=[Line(character="Mara", text="Kai's crest meant nothing.")]),
        Beat(index=3, kind="cliffhanger", start=40, end=75, location="FOREST", characters=["Selene"],
             action="Selene holds up the silver ring.")])


def _renamed():
    """The bible after Kai Blackwood was renamed Dorian Vale; the plan and beats written before."""
    bible = rejected_mate_bible()
    chars = [c.model_copy(update={"name": "Dorian Vale"}) if c.name == "Kai Blackwood" else c for c in bible.characters]
    return bible.model_copy(update={"characters": chars}), rejected_mate_plan(), {1: _beats()}


def test_every_field_naming_a_renamed_character_is_flagged():
    bible, plan, beats = _renamed()
    assert gone_names(bible, plan, beats) == ["Kai Blackwood"]
    found = stale_names(bible, plan, beats)
    where = {f.where for f in found}
    assert {f"episode {n} synopsis" for n in range(1, 11)} <= where  # "…what Kai hid from her" (first name)
    assert {f"episode {n} cast" for n in range(1, 11)} <= where
    assert {"episode 1 beat 1 action", "episode 1 beat 2 line 1 (Mara)",
            "episode 1 beat 1 cast"} <= where
    assert not [f for f in found if "cliffhanger" in f.where or "beat 3" in f.where]  # Selene's are fine
    assert all("Kai" in f.why for f in found)
    html = warning_html(found, "plan")
    assert "⚠ 20 field(s)" in html and "episode 1 synopsis" in html and "beat" not in html
    assert warning_html(found, "bible") == "" and stale_names(rejected_mate_bible(), plan, beats) == []


def test_replace_old_name_updates_every_field_on_request():
    bible, plan, beats = _renamed()
    bible2, plan2, beats2 = replace_name(bible, plan, beats, "Kai Blackwood", "Dorian Vale")
    assert stale_names(bible2, plan2, beats2 or beats) == []
    assert plan2.episodes[0].synopsis == "Mara faces the pack in chapter 1 and learns what Dorian hid from her."
    assert plan2.episodes[0].characters == ["Mara", "Dorian Vale"]
    b = beats2[1].beats
    assert b[0].action == "Dorian Vale rejects Mara before the pack." and b[0].characters == ["Mara", "Dorian Vale"]
    assert b[0].lines[0].character == "Dorian Vale" and b[1].lines[0].text == "Dorian's crest meant nothing."
    assert b[2] == beats[1].beats[2]  # untouched
    assert bible2 == bible  # the bible did not name him


def test_pronouns_are_checked_against_the_bibles_gender():
    bible, plan = rejected_mate_bible(), rejected_mate_plan()
    assert gender(bible, "Mara") == "f" and gender(bible, "Kai Blackwood") == "m"  # "she walks", "his crest ring"
    assert gender(bible, "Selene") is None  # nothing in the bible says: never flagged
    ep = plan.episodes[1].model_copy(update={
        "synopsis": "Mara hides the ring because he is afraid. Kai lies to her. Mara hides his ring.",
        "cliffhanger": "Selene keeps the secret herself.", "title": "Kai hurts herself"})
    plan = plan.model_copy(update={"episodes": [plan.episodes[0], ep, *plan.episodes[2:]]})
    beats = _beats()
    beat = beats.beats[1].model_copy(update={"action": "Mara runs until he falls. Mara runs until she falls.",
                                             "lines": [Line(character="Kai Blackwood", text="Mara, he lied.")]})
    beats = beats.model_copy(update={"beats": [beats.beats[0], beat, beats.beats[2]]})
    found = pronoun_issues(bible, plan, {1: beats})
    # "lies to her", "his ring": someone else's, maybe; dialogue ("Mara, he lied.") talks to her
    assert [(f.where, f.tab) for f in found] == [("episode 2 title", "plan"), ("episode 2 synopsis", "plan"),
                                                 ("episode 1 beat 2 action", "episode")]
    assert "'herself' of Kai Blackwood, who is a he" in found[0].why and "'he' of Mara, who is a she" in found[1].why
    assert "Mara runs until he falls" in found[2].why
    # a voice from the bible decides: Selene given a female voice makes "herself" fine, a male one not
    male = bible.model_copy(update={"voices": {"Selene": Voice(voice="en-us+m3")}})
    assert gender(male, "Selene") == "m"
    assert [f.where for f in pronoun_issues(male, plan, {}) if "cliffhanger" in f.where] == ["episode 2 cliffhanger"]
    female = bible.model_copy(update={"voices": {"Selene": Voice(voice="en-us+f2")}})
    assert not [f for f in pronoun_issues(female, plan, {}) if "cliffhanger" in f.where]


def test_a_pronoun_after_a_colon_a_comma_or_that_is_not_taken_for_the_named_one():
    bible, plan = rejected_mate_bible(), rejected_mate_plan()
    ep = plan.episodes[0].model_copy(update={"synopsis": "Kai hears the news: she is the heir. Kai runs, she hides. "
                                                         "Kai finally learns that she is the last silver wolf.",
                                             "cliffhanger": "Kai swears he will return."})
    plan = plan.model_copy(update={"episodes": [ep, *plan.episodes[1:]]})
    assert pronoun_issues(bible, plan, {}) == []


def test_the_bible_tab_lists_script_lines_and_replaces_the_old_name_on_disk(tmp_path):
    """The studio's path (the Bible tab's findings and Replace old name) runs the project's rename: the script
    lines naming the old name are listed, then every written part is rewritten on disk."""
    from dramagen.project.rename import name_uses
    from dramagen.studio import app as studio_app
    from dramagen.studio import session

    from .handmade import write_season
    from .test_rename import write_and_rename

    sd = write_and_rename(write_season(tmp_path / "season"))
    demo = studio_app.build()
    fns = {f.fn.__name__: f.fn for f in demo.fns.values() if f.fn is not None}
    s = session.Session()
    s.use(sd.path)
    view = fns["stale_view"](s, 1)
    box = next(v for v in view.values() if isinstance(v, str) and "stale-warning" in v)
    assert "script line" in box and "no longer in the bible" in box
    out = fns["replace_old_name"]("Kai Blackwood", "Dorian Vale", s, 1)
    msg = next(v for v in out.values() if isinstance(v, str) and v.startswith("✓ Replaced"))
    assert "2 episode(s)' beats and 2 script(s)" in msg
    assert name_uses(sd, "Kai Blackwood") == []
