"""The story data the event engine reads: the phrase library (prompts/phrases/) and each trope's story block.

Pins the formats of /tmp/team/STORY_SCHEMA.md (issue 14): the 16 event types, minimum variant counts, only the
allowed placeholders, word ranges once rendered, and story blocks whose secrets point at roles the trope has.
"""
from __future__ import annotations

import functools
import re
import string
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PHRASES = ROOT / "prompts" / "phrases"
TROPES = ROOT / "prompts" / "tropes"

EVENT_TYPES = {"humiliation", "discovery", "exposure", "identity", "betrayal", "arrival", "face_slap", "threat",
               "kidnapping", "rescue", "accident", "confession", "proposal", "ultimatum", "decision", "downfall"}
ALLOWED = {"a", "b", "object", "secret", "loc", "stakes"}
SAMPLE = {"a": "Mara", "b": "Kai", "object": "the forged will", "secret": "she is the true heir",
          "loc": "the ballroom", "stakes": "her freedom"}
MIN_COUNT = {"synopsis": 8, "cliffhanger": 8, "payoff": 8, "action": 10}
WORDS = {"synopsis": (14, 26), "cliffhanger": (8, 16), "payoff": (14, 28), "action": (14, 30), "lines": (4, 16),
         "exchanges": (2, 14)}
MIN_LINES = 8
STORY_KEYS = {"world", "period", "supernatural", "stakes", "secrets", "objects", "relations"}
SECRET_KEYS = {"id", "holder", "about", "text", "evidence"}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Words that give a or b a gender; the library must use names or "their".
GENDERED = re.compile(r"\b(he|him|his|himself|she|her|hers|herself)\b", re.IGNORECASE)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _words(text: str) -> int:
    return len(text.split())


@functools.cache
def _phrase_files() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(PHRASES.glob("*.yaml"))}


def _trope_files() -> list[Path]:
    return sorted(TROPES.glob("*.yaml"))


def _variants(doc: dict):
    """Every (section, text) pair of one phrase file; dialogue lines as section 'lines', exchanges as 'exchanges'."""
    for section in MIN_COUNT:
        for text in doc[section]:
            yield section, text
    for who in ("a", "b"):
        for text in doc["lines"][who]:
            yield "lines", text
    for pair in doc.get("exchanges") or []:
        for text in pair:
            yield "exchanges", text


def test_all_sixteen_event_types_have_a_file():
    docs = _phrase_files()
    assert set(docs) == EVENT_TYPES, f"missing {EVENT_TYPES - set(docs)}, unexpected {set(docs) - EVENT_TYPES}"
    for stem, doc in docs.items():
        assert doc["type"] == stem, f"{stem}.yaml: type is {doc['type']!r}"


@pytest.mark.parametrize("event", sorted(EVENT_TYPES))
def test_minimum_counts_and_no_duplicates(event):
    doc = _phrase_files()[event]
    assert isinstance(doc["summary"], str) and "a" in _fields(doc["summary"])
    for section, least in MIN_COUNT.items():
        assert len(doc[section]) >= least, f"{event}.{section}: {len(doc[section])} < {least}"
    for who in ("a", "b"):
        assert len(doc["lines"][who]) >= MIN_LINES, f"{event}.lines.{who}: fewer than {MIN_LINES}"
    texts = [t for _, t in _variants(doc)]
    dupes = {t for t in texts if texts.count(t) > 1}
    assert not dupes, f"{event}: repeated variants {dupes}"


@pytest.mark.parametrize("event", sorted(EVENT_TYPES))
def test_only_allowed_placeholders_and_word_ranges(event):
    doc = _phrase_files()[event]
    problems = []
    for section, text in [("summary", doc["summary"]), *_variants(doc)]:
        bad = _fields(text) - ALLOWED
        if bad:
            problems.append(f"{section}: {sorted(bad)} in {text!r}")
            continue
        rendered = text.format(**SAMPLE)
        if section in WORDS:
            lo, hi = WORDS[section]
            if not lo <= _words(rendered) <= hi:
                problems.append(f"{section}: {_words(rendered)} words, not {lo}–{hi}: {rendered!r}")
        if GENDERED.search(text):
            problems.append(f"{section}: gendered pronoun in {text!r}")
        if '"' in text or "“" in text:
            problems.append(f"{section}: quotation marks in {text!r}")
    assert not problems, f"{event}:\n" + "\n".join(problems)


@pytest.mark.parametrize("event", sorted(EVENT_TYPES))
def test_synopses_cliffhangers_and_payoffs_name_both_sides(event):
    doc = _phrase_files()[event]
    problems = []
    for section in ("synopsis", "cliffhanger", "payoff"):
        for text in doc[section]:
            names = _fields(text)
            if not {"a", "b"} <= names:
                problems.append(f"{section} does not name both {{a}} and {{b}}: {text!r}")
            if section != "payoff" and not names & {"object", "secret"}:
                problems.append(f"{section} mentions neither {{object}} nor {{secret}}: {text!r}")
    for text in doc["action"]:
        if not _fields(text) & {"a", "b"}:
            problems.append(f"action names neither {{a}} nor {{b}}: {text!r}")
    assert not problems, f"{event}:\n" + "\n".join(problems)


def test_every_trope_has_a_story_block():
    missing = [p.stem for p in _trope_files() if "story" not in yaml.safe_load(p.read_text(encoding="utf-8"))]
    assert len(_trope_files()) == 28
    assert not missing, f"no story block in {missing}"


@pytest.mark.parametrize("path", _trope_files(), ids=lambda p: p.stem)
def test_trope_story_block(path):
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    story = doc["story"]
    roles = {r["role"] for r in doc["roles"]}
    assert set(story) == STORY_KEYS, f"keys {sorted(set(story) ^ STORY_KEYS)}"
    assert isinstance(story["supernatural"], bool)
    for key in ("world", "period", "stakes"):
        assert isinstance(story[key], str) and story[key].strip()
    secrets = story["secrets"]
    assert 2 <= len(secrets) <= 3
    ids = [s["id"] for s in secrets]
    assert len(set(ids)) == len(ids), f"duplicate secret ids {ids}"
    for s in secrets:
        assert set(s) == SECRET_KEYS, f"secret {s.get('id')}: keys {sorted(set(s) ^ SECRET_KEYS)}"
        assert KEBAB.match(s["id"]), s["id"]
        assert s["holder"] in roles and s["about"] in roles, f"{s['id']}: {s['holder']}/{s['about']} not in {roles}"
        assert s["evidence"].startswith(("the ", "a ", "an ")), f"{s['id']}: evidence without article"
        assert not s["text"].endswith(".")
    objects = story["objects"]
    assert 3 <= len(objects) <= 5 and len(set(objects)) == len(objects)
    assert all(o.startswith(("the ", "a ", "an ")) for o in objects), objects
    assert set(story["relations"]) <= roles - {"lead"}, f"relations for unknown roles {set(story['relations']) - roles}"
    assert set(story["relations"]) == roles - {"lead"}, f"no relation for {roles - {'lead'} - set(story['relations'])}"


def test_catalogue_still_loads_with_story_blocks():
    from dramagen.story.tropes import load_catalogue

    catalogue = load_catalogue()
    assert len(catalogue) == 28
    assert all(t.story is not None for t in catalogue.values())


# --------------------------------------------------------------------------- every world, and conversations
# The same library writes an 1890 island lighthouse, a 1920s music hall, a werewolf pack house and a modern office.

MIN_EXCHANGES = 10
MIN_NEUTRAL = {"action": 10, "payoff": 6, "cliffhanger": 6, "synopsis": 6}
MAX_MODERN = 4  # modern-only action variants a file may keep (each refused before 1990)
# things a scene in an island lighthouse or a palace does not have, though no single era word gives them away
PLACE_BOUND = re.compile(r"\b(kitchens?|rooftops?|roof|bathrooms?|couch|sofa|elevators?|parking|garage|lobby|"
                         r"street|sidewalk|office|cars?|taxi|phones?|laptop|texts?|takeout|airport|terminal|"
                         r"suitcases?|coffee|cigar|cigarette|guns?|police|handcuffs)\b", re.I)
# "the rooftop of {loc}" read "the rooftop of the ship's deck": at/across/in {loc}, never a part of it
SUB_PLACE = re.compile(r"\b(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?of \{loc\}|\{loc\}'s")
# a named single person is not "their" (it read "clutched to their chest")
THEIR = re.compile(r"\b(their|theirs|themselves|themself)\b", re.I)


def _worlds():
    from dramagen.story.grounding import World

    return World(period="1890s"), World(period="present day", supernatural=True), World(period="1980s")


def _neutral(text: str) -> bool:
    """Works in any period and any place: kept in the 1890s and in a supernatural present, no place-bound word."""
    from dramagen.story.grounding import keeps

    old, magic, _ = _worlds()
    filled = text.format(**SAMPLE)
    return keeps(filled, old) and keeps(filled, magic) and not PLACE_BOUND.search(filled)


@pytest.mark.parametrize("event", sorted(EVENT_TYPES))
def test_every_file_has_ten_two_line_exchanges(event):
    exchanges = _phrase_files()[event].get("exchanges") or []
    assert len(exchanges) >= MIN_EXCHANGES, f"{event}: {len(exchanges)} exchanges < {MIN_EXCHANGES}"
    for pair in exchanges:
        assert isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair), pair
        # no names, no place; no {secret} either: a clause ("she is the heir") that no file's lines speak
        assert not _fields(" ".join(pair)) & {"a", "b", "loc", "secret"}, f"{event}: {pair} uses a name or clause"


@pytest.mark.parametrize("event", sorted(EVENT_TYPES))
def test_actions_payoffs_cliffhangers_and_synopses_work_in_every_world(event):
    doc = _phrase_files()[event]
    for section, least in MIN_NEUTRAL.items():
        neutral = [t for t in doc[section] if _neutral(t)]
        assert len(neutral) >= least, f"{event}.{section}: {len(neutral)} world-neutral variants < {least}"
    exchanges = [t for pair in doc["exchanges"] for t in pair]
    assert [t for t in exchanges if not _neutral(t)] == [], f"{event}: an exchange that not every world can say"


@pytest.mark.parametrize("event", sorted(EVENT_TYPES))
def test_modern_only_actions_and_payoffs_are_refused_before_1990(event):
    from dramagen.story.grounding import keeps

    eighties = _worlds()[2]
    doc = _phrase_files()[event]
    for section in ("action", "payoff"):
        other = [t for t in doc[section] if not _neutral(t)]
        kept = [t for t in other if keeps(t.format(**SAMPLE), eighties)]
        assert kept == [], f"{event}.{section}: neither world-neutral nor refused before 1990: {kept}"
    modern = [t for t in doc["action"] if not _neutral(t)]
    assert len(modern) <= MAX_MODERN, f"{event}: {len(modern)} modern-only actions > {MAX_MODERN}"


@pytest.mark.parametrize("event", sorted(EVENT_TYPES))
def test_no_part_of_loc_and_no_their_for_one_person(event):
    doc = _phrase_files()[event]
    problems = [f"{section}: {text!r}" for section in ("synopsis", "cliffhanger", "payoff", "action")
                for text in doc[section] if SUB_PLACE.search(text) or THEIR.search(text)]
    assert not problems, f"{event}:\n" + "\n".join(problems)


def test_the_library_loads_with_exchanges():
    from dramagen.story.phrases import load_phrases

    lib = load_phrases(str(PHRASES))
    assert all(len(p.exchanges) >= MIN_EXCHANGES and all(len(x) == 2 for x in p.exchanges) for p in lib.values())


MODERN_ACTIONS = [
    "Mairi runs through the terminal toward Callum's gate, weaving around suitcases.",
    "Ines glances at a buzzing phone and turns it face down.",
    "Kai sits in the parking lot, rehearsing a sentence, then deletes a text unsent.",
    "They laugh over takeout on the floor, the way they did years ago.",
    "Mara's phone lights up with a photo taken an hour ago.",
    "Kai reads the text message twice and pales.",
    "Mara scrolls the group chat, then the missed calls, then puts the phone on speaker.",
    "The security camera catches Kai at the door at midnight.",
    "Mara swipes a key card and slips through the side door.",
    "Kai taps a credit card on the counter and does not wait for the receipt.",
    "Mara checks the boarding pass one more time at the airport.",
    "Kai waits at baggage claim, scanning every face that comes through.",
    "Kai slips a burner phone into the glove box and walks away.",
    "Mara reads what social media says about the wedding and goes pale.",
    "The surveillance footage shows Kai at the gate at two in the morning.",
    "Kai swipes a card, a keycard nobody should have, and the door clicks.",
    "Mara pulls cash from an ATM, then checks the dash cam one more time.",
    "Kai ignores the ringtone, the caller ID, the notifications stacking up.",
    "Mara answers the video call with earbuds in, then sends a voice note.",
    "Kai climbs out of a rideshare in headphones and looks up at the house.",
    "A black SUV idles outside, engine running.",
    "They split a take-out box on the stairs.",
]
NEUTRAL_ACTIONS = [
    "Mara climbs the stairs with a lamp, stops outside Kai's door, and listens.",
    "Kai takes out the letter, reads the text of it twice, and folds it small.",
    "A terminal illness is written in the doctor's hand at the foot of the page.",
    "Mara sets the ring on the table between them and waits for Kai to speak.",
    "Kai blows out the candle, and the window behind Mara goes dark.",
    "Mara reads the text of the treaty aloud, line by line, to the whole court.",
    "Kai sets down the lamp, takes out the ring, and kneels on the cold stone.",
]


@pytest.mark.parametrize("text", MODERN_ACTIONS)
def test_modern_scenes_are_refused_before_1990(text):
    from dramagen.story.grounding import World, off_world

    assert off_world(text, World(period="1890s")) == "anachronism"
    assert off_world(text, World(period="1920s")) == "anachronism"
    assert off_world(text, World(period="1980s")) == "anachronism"
    assert off_world(text, World()) is None
    assert off_world(text, World(supernatural=True)) is None


@pytest.mark.parametrize("text", NEUTRAL_ACTIONS)
def test_neutral_scenes_pass_in_every_period(text):
    from dramagen.story.grounding import World, off_world

    for world in (World(period="1890s"), World(period="18th century"), World(), World(supernatural=True)):
        assert off_world(text, world) is None, (text, world)


@pytest.mark.parametrize("event", sorted(EVENT_TYPES))
def test_every_type_has_eight_titles_of_two_to_six_words(event):
    from dramagen.story.phrases import Filler, title_case

    titles = _phrase_files()[event].get("titles") or []
    assert len(titles) >= 8 and len(set(titles)) == len(titles), event
    fill = Filler(a="Mara", b="Kai", object="the melted lighter", loc="the pack hall")
    for t in titles:
        assert _fields(t) <= {"a", "b", "object", "loc"}, t
        filled = title_case(fill.fill(t))
        assert 1 <= len(filled.split()) <= 6 and not re.search(r"[.?:]", filled), filled
        assert all(w[:1].isupper() or w in ("a", "an", "the", "of", "at", "in", "on", "to", "for", "and", "by",
                                             "from", "with", "or") for w in filled.split()), filled


def test_a_season_of_sixty_episodes_repeats_no_authored_title():
    """The plan's fallback titles (the default model writes none: models/registry.yaml) walk each type's titles
    in the season's order and skip one an earlier episode has, while the type has others."""
    import dataclasses

    from dramagen.story.events import build_ledger
    from dramagen.story.grounding import world_of
    from dramagen.story.planner import plan_season
    from dramagen.story.stages.plan_events import _title_fallbacks
    from dramagen.story.tropes import get_trope
    from tests.test_ledger import bible_for

    trope = get_trope("werewolf-rejected-mate")
    bible = bible_for(trope)
    _, plan = build_ledger(plan_season(trope, bible, 60, 10, 75, seed=11), bible, trope, 11)
    titles = _title_fallbacks(plan, 60, dataclasses.replace(world_of(trope), bible=bible), 11, 0)
    types = {e.number: e.event.type for e in plan.episodes}
    count = {t: list(types.values()).count(t) for t in set(types.values())}
    for n, title in titles.items():  # a title repeats only once its type has had every one of its own
        if list(titles.values()).count(title) > 1:
            assert count[types[n]] > len(_phrase_files()[types[n]]["titles"]), (n, title)
    assert len(set(titles.values())) >= 57
    assert _title_fallbacks(plan, 10, dataclasses.replace(world_of(trope), bible=bible), 11, 0) == \
        {n: titles[n] for n in range(1, 11)}  # a resumed group gets the whole season's titles


def test_a_prop_takes_only_the_phrases_its_kind_allows():
    """A phrase that reads, signs, tears, plays, wears or opens its {object} needs a prop of that kind
    (data/story.yaml object_kinds); a spoken line's 'it' is the prop too."""
    from dramagen.story.phrases import fits_object, object_kinds

    assert object_kinds("the trawler's logbook") == {"paper"} and object_kinds("the cracked teacup") == set()
    leafs = "{a} leafs through {object} with one finger, unbothered."
    assert fits_object(leafs, "the sealed letter") and not fits_object(leafs, "the cracked teacup")
    assert fits_object("{b} looks up to see {a} wearing {object}.", "the silver locket")
    assert not fits_object("{b} looks up to see {a} wearing {object}.", "the shorthand notebook")
    assert fits_object("{b}'s own voice plays from {object}.", "the cassette")
    assert fits_object("{a} sets {object} on the table.", "the cracked teacup")  # a thing of no kind: neutral
    assert not fits_object("Read the last line again. Slowly.", "the old photograph", spoken=True)
    assert fits_object("Read the last line again. Slowly.", "the old photograph")  # an action: another paper


def test_a_plural_prop_takes_a_plural_verb():
    """'the car keys appears on the pillow' (stop 27): the verb after {object} agrees with it."""
    from dramagen.story.phrases import Filler, plural

    keys = Filler(a="Elena", b="Grant", object="the car keys")
    assert keys.fill("{a} thinks {loc} is safe, until {object} appears on the pillow.") == \
        "Elena thinks the room is safe, until the car keys appear on the pillow."
    assert keys.fill("{object} is already in a stranger's hands; {object} slides across.") == \
        "The car keys are already in a stranger's hands; the car keys slide across."
    assert keys.fill("{object} touches the glass and {object} carries on.").startswith("The car keys touch")
    pills = Filler(a="A", b="B", object="the bottle of pills")
    assert pills.fill("{object} is gone.") == "The bottle of pills is gone."
    assert not plural("the glass") and not plural("the chairman's will") and plural("the sugar tablets")
