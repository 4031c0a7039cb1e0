"""A renamed character in the season on disk (dramagen.project.rename, issue 20): every written beat sheet and
script that still names the old name is listed, and replaced on request: cues in capitals (KAI → DORIAN) and
possessives too, never inside another word (Kai in Kaia or Kai-Lee)."""

from __future__ import annotations

import re

import pytest

from dramagen.core.models import ScriptElement
from dramagen.project import actions, service
from dramagen.project.rename import name_uses, names_in, rename_in_season, replace_in_text

from .stand_in import StubGenerator

ACTION = "Kai's ring falls while Kaia and Kai-Lee watch Kai Blackwood."


def test_replace_in_text_is_whole_words_cues_and_possessives():
    assert replace_in_text(ACTION, "Kai Blackwood", "Dorian Vale") == \
        "Dorian's ring falls while Kaia and Kai-Lee watch Dorian Vale."
    assert replace_in_text("KAI\nKAI (V.O.)\nKAIA", "Kai Blackwood", "Dorian Vale") == "DORIAN\nDORIAN (V.O.)\nKAIA"
    assert replace_in_text("Ann hands Anna the key.", "Ann", "June") == "June hands Anna the key."
    assert names_in("KAI", "Kai Blackwood", cues=True) and not names_in("KAI", "Kai Blackwood")
    assert not names_in("Kaia and Kai-Lee", "Kai Blackwood", cues=True)


@pytest.fixture
def written(season_dir):
    return write_and_rename(season_dir)


def write_and_rename(sd):
    """Episodes 1 and 2 with beats, script and shooting script (stand-in model); episode 1's script has an
    action naming Kai with a possessive and two words that only start like him; then Kai Blackwood is
    renamed Dorian Vale in the bible."""
    gen = StubGenerator()
    for n in (1, 2):
        actions.write_beats(sd, gen, n)
        actions.write_script(sd, gen, n)
    sc = sd.load_script(1)
    first = sc.scenes[0]
    els = [*first.elements, ScriptElement(kind="action", text=ACTION)]
    sc = sc.model_copy(update={"scenes": [first.model_copy(update={"elements": els}), *sc.scenes[1:]]})
    service.store_episode(sd, 1, None, script=sc, bible=sd.load_bible(), ep=sd.load_plan().episode(1))
    actions.make_shooting(sd, 1)
    bible = sd.load_bible()
    chars = [c.model_copy(update={"name": "Dorian Vale"}) if c.name == "Kai Blackwood" else c for c in bible.characters]
    sd.write_model(sd.bible_path, bible.model_copy(update={"characters": chars}))
    return sd


def _fountain(sd, n: int) -> str:
    return (sd.episode_dir(n) / "script.fountain").read_text(encoding="utf-8")


def test_every_beat_and_script_line_naming_the_old_name_is_listed(written):
    sd = written
    uses = name_uses(sd, "Kai Blackwood")
    scripts = [u for u in uses if u.part == "script"]
    assert {u.episode for u in uses if u.part == "beats"} == {1, 2}
    assert any(u.text == ACTION and u.episode == 1 for u in scripts)
    assert any(u.text == "KAI" for u in scripts)  # a cue
    assert all(names_in(u.text, "Kai Blackwood", cues=True) for u in scripts)
    assert not [u for u in scripts if re.match(r"(INT|EXT)\.", u.text)]  # scene headings name places


def test_rename_replaces_the_old_name_in_every_written_part_on_disk(written):
    sd = written
    had_shooting = sd.shooting_path(1).read_text()
    done = rename_in_season(sd, "Kai Blackwood", "Dorian Vale")
    assert done.plan and done.beats == [1, 2] and done.scripts == [1, 2] and done.shooting == [1]
    assert name_uses(sd, "Kai Blackwood") == []
    text = _fountain(sd, 1)
    assert "Dorian's ring falls while Kaia and Kai-Lee watch Dorian Vale." in text
    assert re.search(r"^DORIAN$", text, re.M) and not re.search(r"(?<![\w-])KAI(?![\w-])", text)
    assert not re.search(r"(?<![\w-])Kai(?![\w-])", _fountain(sd, 2) + sd.beats_path(1).read_text())
    plan = sd.load_plan()
    assert "Dorian Vale" in plan.episodes[0].characters and "Kai Blackwood" not in plan.episodes[0].characters
    assert all("Kai Blackwood" not in b.characters for b in sd.load_beats(1).beats)
    shooting = sd.shooting_path(1).read_text()
    assert shooting != had_shooting and "Kai Blackwood" not in shooting and "Dorian" in shooting
    # the script on disk is the one the studio reads back and imports
    assert service.import_fountain(sd, 1, text) == sd.load_script(1)
    again = rename_in_season(sd, "Kai Blackwood", "Dorian Vale")
    assert not (again.bible or again.plan or again.beats or again.scripts)


def test_rename_needs_a_bible_character(written):
    with pytest.raises(ValueError, match="not a character"):
        rename_in_season(written, "Kai Blackwood", "Nobody")
