"""Grounding (dramagen.story.grounding): text that leaves the story's world is refused, soap lines pass,
and an event's check wants its people and a sign of the event."""

from __future__ import annotations

import pytest

from dramagen.core.models import StoryEvent
from dramagen.story.custom import custom_trope
from dramagen.story.grounding import World, event_check, event_words, grounded, head_noun, off_world, stem, world_of
from dramagen.story.premise import parse_premise
from dramagen.story.tropes import list_tropes

PRESENT = World()
TWENTIES = World(period="1920s")
VICTORIAN = World(period="Victorian")
WEREWOLVES = World(supernatural=True)


def test_world_years():
    assert TWENTIES.year == 1920 and VICTORIAN.year == 1860 and PRESENT.year == 2025
    assert World(period="18th century").year == 1750
    assert World(period="near future").year == 2025


# --------------------------------------------------------------------------- anachronisms


@pytest.mark.parametrize("text", [
    "She checks her smartphone under the table.",
    "He sends the photos by email before dawn.",
    "The DNA results are on the laptop.",
    "Someone texted her a single word: run.",
    "The video went viral overnight.",
    "The CCTV caught him at the door.",
])
def test_modern_things_are_anachronisms_in_the_1920s(text):
    assert off_world(text, TWENTIES) == "anachronism"
    assert off_world(text, VICTORIAN) == "anachronism"
    assert off_world(text, PRESENT) is None


@pytest.mark.parametrize("text", [
    "He picks up the telephone and listens.",
    "A taxi idles outside the club.",
    "The radio crackles with the news.",
    "She climbs out of the car in a silver dress.",
])
def test_twentieth_century_things_fit_the_1920s_but_not_victorian_london(text):
    assert off_world(text, TWENTIES) is None
    assert off_world(text, VICTORIAN) == "anachronism"


@pytest.mark.parametrize("text", [
    "She lights the gas lamp and reads the letter twice.",
    "The carriage stops at the gate; the duke steps down.",
    "He seals the envelope with red wax.",
    "The maid hides the locket in her apron.",
])
def test_period_lines_pass_in_victorian_london(text):
    assert off_world(text, VICTORIAN) is None


# --------------------------------------------------------------------------- the supernatural


@pytest.mark.parametrize("text", ["You're a vampire.", "The witch cursed his whole family.",
                                  "Werewolves hunt in these woods.", "Ghosts don't lie, Mara.",
                                  "It was magic, nothing else."])
def test_supernatural_words_leave_a_world_without_magic(text):
    assert off_world(text, PRESENT) == "supernatural"
    assert off_world(text, World(period="Victorian")) == "supernatural"
    assert off_world(text, WEREWOLVES) is None


# --------------------------------------------------------------------------- meta text


@pytest.mark.parametrize("text", ["I'm sorry. It's 2018.", "Back in 1999 I was nobody.",
                                  "This episode is about me.", "Previously on the show: the viewers know.",
                                  "Don't forget to subscribe.", "The narrator lied to you."])
def test_meta_text_is_refused_in_every_world(text):
    for world in (PRESENT, TWENTIES, WEREWOLVES):
        assert off_world(text, world) == "meta"


def test_leaving_the_screen_is_meta():
    assert off_world("I have no choice but to leave the screen.", PRESENT) == "meta"


def test_a_sum_of_money_is_not_a_year():
    assert off_world("I need 2000 dollars by Friday.", PRESENT) is None


# --------------------------------------------------------------------------- soap lines pass


SOAP = [
    "You signed the divorce papers without reading them.",
    "Get out of my house, and take your mother with you.",
    "I was never the maid. I was the heir all along.",
    "Kneel, and maybe I'll let you keep the company.",
    "Nobody leaves this room until I hear the truth.",
    "She slaps him so hard the whole ballroom goes quiet.",
    "Mara slides the sealed letter across the table.",
    "You lied to me for three years, Kai.",
    "The ring is in the river now. Go and find it.",
    "He owes the bank 300 thousand and a wedding.",
]


@pytest.mark.parametrize("text", SOAP)
def test_ordinary_soap_lines_pass(text):
    assert off_world(text, PRESENT) is None
    assert off_world(text, WEREWOLVES) is None


# --------------------------------------------------------------------------- the trope's own world


def _story_texts(trope) -> list[str]:
    s = trope.story
    return [*s.objects, s.stakes, *(x.text for x in s.secrets), *(x.evidence for x in s.secrets),
            *(b.beat for b in trope.signature_beats)]


_OWN_WORLD_BUGS: dict[str, str] = {}  # trope id → known bug (none left)


@pytest.mark.parametrize("trope", [
    pytest.param(t, id=t.id, marks=[pytest.mark.xfail(strict=True, reason=_OWN_WORLD_BUGS[t.id])]
                 if t.id in _OWN_WORLD_BUGS else [])
    for t in list_tropes()])
def test_a_catalogue_tropes_own_story_stays_in_its_world(trope):
    world = world_of(trope)
    assert [(x, off_world(x, world)) for x in _story_texts(trope) if off_world(x, world)] == []


def test_a_premises_assumed_objects_fit_its_own_world():
    p = parse_premise("In Regency England, a governess falls for the duke, but his mother the duchess wants her gone.")
    world = World(period=p.period, supernatural=p.supernatural)
    assert [o for o in p.objects if off_world(o, world)] == []


def test_world_of_a_trope():
    by_id = {t.id: t for t in list_tropes()}
    assert world_of(by_id["werewolf-rejected-mate"]).supernatural
    assert not world_of(by_id["divorce-regret"]).supernatural
    assert world_of(custom_trope("A witch and a werewolf fall in love at the edge of the forest")).supernatural
    assert world_of({"story": {"period": "1920s"}}) == TWENTIES
    assert world_of({"genre": "drama"}) == PRESENT


# --------------------------------------------------------------------------- event checks


EXPOSURE = StoryEvent(id="ep009", episode=9, type="exposure", actor="Mara Stone", target="Rowan",
                      object="the sealed letter", secret="rowan-crime", detail="he burned the mill for the insurance")


def test_event_words_hold_the_object_the_type_and_the_secret():
    words = event_words(EXPOSURE, EXPOSURE.detail)
    assert {"letter", stem("exposes"), stem("burned"), "mill", stem("insurance")} <= words
    assert "the" not in words and "he" not in words


def test_helpers():
    assert head_noun("the sealed letter") == "letter"
    assert head_noun("the driver's text messages") == "messages"
    assert stem("letters") == "letter" and stem("Rowan's") == "rowan" and stem("kneel") == "kneel"
    assert grounded("The Letters burn.", {"letter"}) and not grounded("Nothing here.", {"letter"})


def test_event_check_wants_the_people_the_event_and_its_world():
    words = event_words(EXPOSURE, EXPOSURE.detail)
    check = event_check(EXPOSURE.participants, words, TWENTIES)
    assert check("Mara holds up the sealed letter; Rowan goes white.") is None
    assert check("Mara holds up the sealed letter and waits.") == "missing_participant"
    assert check("Mara and Rowan share a quiet breakfast.") == "ungrounded"
    assert check("Mara shows Rowan the letter on her smartphone.") == "anachronism"
    assert check("Mara tells Rowan it is 1925 and the letter is proof.") == "meta"
    one = event_check(EXPOSURE.participants, words, TWENTIES, all_names=False)
    assert one("Mara holds up the sealed letter and waits.") is None
    loose = event_check(EXPOSURE.participants, words, TWENTIES, need_words=False)
    assert loose("Mara and Rowan share a quiet breakfast.") is None
    assert loose("Mara and Rowan share a vampire breakfast.") == "supernatural"


def test_a_possessive_does_not_hide_an_off_world_word():
    assert off_world("She reads the vampire's letter.", PRESENT) == "supernatural"
    assert off_world("The smartphone's light wakes her.", TWENTIES) == "anachronism"


def test_a_pack_in_the_woods_has_no_city_scenes_but_a_modern_time_loop_does():
    from types import SimpleNamespace

    pack = World(period="present day", supernatural=True, bible=SimpleNamespace(world="a werewolf pack in the woods"))
    loop = World(period="present day", supernatural=True, bible=SimpleNamespace(world="a city that repeats one day"))
    text = "Chloe meets a stranger in a parking lot and takes a thick envelope."
    assert off_world(text, pack) == "anachronism" and off_world(text, loop) is None
    assert off_world("Chloe meets a stranger under the pines and takes a thick envelope.", pack) is None


def test_a_phrase_says_the_seasons_stakes_not_the_events_secret():
    """'With {stakes} on the line' in a beat said the secret ("With the shipping magnate courting her mother sank her
    father's trawler on the line"): the beat writer filled phrases without the season's stakes (stop 25)."""
    from dramagen.story.scenes import phrase_options

    decision = EXPOSURE.model_copy(update={"id": "ep010", "episode": 10, "type": "decision"})
    world = world_of({"story": {"period": "present day", "stakes": "her family's fishing fleet"}})
    assert world.stakes == "her family's fishing fleet"
    said = " ".join(phrase_options(decision, "lines", world) + phrase_options(decision, "synopsis", world))
    assert "her family's fishing fleet on the line" in said and "insurance on the line" not in said


def test_a_phone_switched_off_is_modern():
    """An accepted model action in a 1962 Havana season: 'Elena turns off her phone onto the couch for the night'."""
    sixties = World(period="1960s")
    assert off_world("Elena turns off her phone onto the couch for the night.", sixties) == "anachronism"
    assert off_world("He switched off his phone and waited.", sixties) == "anachronism"
    assert off_world("The phone rings twice in the hall; Elena does not answer.", sixties) is None
    assert off_world("Elena turns off her phone.", World(period="present day")) is None


def test_a_heading_in_prose_keeps_the_capital_of_a_name_no_place_list_knows():
    from dramagen.story.places import place_phrase

    assert place_phrase("MARSEILLE DOCKS") == "the Marseille docks"  # 'the marseille docks' before stop 28
    assert place_phrase("FISH MARKET") == "the fish market"
    assert place_phrase("CEO'S OFFICE") == "the ceo's office"  # a catalogue setting's words stay low
    assert place_phrase("") == "the room"


def test_only_a_digital_thing_is_deleted_and_only_a_secret_of_rank_is_bowed_to():
    from dramagen.story.phrases import fits_event

    betrayal = StoryEvent(id="ep008", episode=8, type="betrayal", actor="Lily", target="Marcus",
                          object="the sealed letter")
    assert not fits_event("{b} deletes {object} from {a}'s laptop and walks out.", betrayal)
    assert fits_event("{b} deletes {object} from {a}'s laptop and walks out.",
                      betrayal.model_copy(update={"object": "the voicemail"}))
    reveal = StoryEvent(id="ep006", episode=6, type="identity", actor="Elena", target="Regina",
                        object="the birth certificate", secret="lead-secret",
                        detail="Elena is the daughter of the customs inspector")
    bow = "The manager bows low to {a} as {b} drops {object} in disbelief."
    assert not fits_event(bow, reveal)
    assert fits_event(bow, reveal.model_copy(update={"detail": "Elena is the heiress of the Laurent fortune"}))


def test_a_secret_of_knowing_is_confessed_as_knowing():
    from dramagen.story.phrases import fits_event

    ev = StoryEvent(id="ep002", episode=2, type="confession", actor="Kai", target="Elena", object="the unsent letter",
                    secret="love-secret", detail="Kai has known all along what the mate did")
    assert not fits_event("{a} slides {object} across the table to {b}: I did it. For you.", ev)
    assert fits_event("{a} takes {b}'s hand and tells the truth at last: {secret}.", ev)


def test_a_pack_in_the_woods_has_no_manager_even_where_its_world_names_no_woods():
    """Stop 28: 'The manager bows to Elena' in a pack whose world read 'present-day Oregon' (its places: PACK HOUSE,
    FOREST CLEARING)."""
    from types import SimpleNamespace

    places = [SimpleNamespace(name="PACK HOUSE"), SimpleNamespace(name="FOREST CLEARING")]
    world = World(period="present day", supernatural=True,
                  bible=SimpleNamespace(world="present-day Oregon", locations=places))
    assert world.wild
    assert off_world("The manager bows to Elena as the wolfsbane changes hands.", world) == "anachronism"
    assert off_world("Elena hands the wolfsbane to the magistrate.", world) == "anachronism"
    assert off_world("Elena holds the wolfsbane high for the whole pack.", world) is None
