"""A season's closed vocabulary (dramagen.story.vocabulary): invented props and places are refused."""

from __future__ import annotations

from dramagen.story.vocabulary import MAX_UNKNOWN, season_vocabulary, unknown_words, vocabulary_check

SEASON = ["Mairi Campbell, a lighthouse keeper's daughter, finds a drowned sailor's logbook that proves Laird "
          "Duncan Ross wrecked his own ship for the insurance money.", "ISLAND", "LIGHTHOUSE", "the logbook"]


def test_the_seasons_own_words_and_the_librarys_pass():
    v = season_vocabulary(SEASON)
    assert unknown_words("Mairi hides the logbook under the lighthouse stairs and waits.", v) == []
    assert unknown_words("Duncan tells Mairi the insurance money was never his.", v) == []


def test_invented_props_and_places_are_counted_and_names_are_not():
    v = season_vocabulary(SEASON)
    assert unknown_words("Mairi chooses the sword of the castle.", v) == ["sword", "castle"]
    assert unknown_words("Mairi tunes a violin beside the volcano.", v) == ["tunes", "violin", "volcano"]
    assert unknown_words("Zebulon Quark answers.", v) == []  # names are the name checks' business


def test_the_check_allows_one_unknown_word_and_runs_the_inner_check_first():
    v = season_vocabulary(SEASON)
    check = vocabulary_check(v, lambda t: "missing_participant" if "Mairi" not in t else None)
    assert MAX_UNKNOWN == 1
    assert check("Mairi grips the logbook beside the volcano.") is None  # one word may be new
    assert check("Mairi chooses the sword of the castle.") == "off_story"
    assert check("Duncan chooses the sword of the castle.") == "missing_participant"
