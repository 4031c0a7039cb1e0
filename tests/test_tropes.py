"""The trope catalogue (prompts/tropes/*.yaml) and the trope API."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dramagen.core.errors import InputError, PromptError, UnknownTropeError
from dramagen.story.custom import custom_trope
from dramagen.story.tropes import (
    CLIFFHANGER_TYPES,
    NON_ROMANCE_GENRES,
    Trope,
    catalogue_dir,
    get_trope,
    list_tropes,
    load_catalogue,
    load_trope_file,
    trope_ids,
)

ROOT = Path(__file__).resolve().parents[1]
TROPES_DIR = ROOT / "prompts" / "tropes"
FILES = sorted(TROPES_DIR.glob("*.yaml"))

REQUIRED_IDS = {
    "werewolf-rejected-mate", "billionaire-revenge", "hidden-heir", "ceo-contract-marriage", "rebirth-revenge",
    "mafia-romance", "secret-baby", "divorce-regret", "fake-relationship", "enemies-to-lovers", "second-chance",
    "bodyguard-romance", "vampire-bride", "dragon-king", "poor-girl-prince", "amnesia", "twin-swap",
    "son-in-law-comeback", "face-slapping-heiress", "transmigration", "cheating-ex-revenge", "sports-star",
    "doctor-romance",
}
TEN = ("reveal", "danger", "betrayal", "arrival", "decision", "confession", "identity", "ultimatum", "accident",
       "choice")


@pytest.fixture(autouse=True)
def _default_prompts_dir(monkeypatch):
    monkeypatch.delenv("DRAMAGEN_PROMPTS_DIR", raising=False)


# -- the catalogue ----------------------------------------------------------------------------------------------


def test_catalogue_dir_is_the_repo_prompts_folder():
    assert catalogue_dir() == TROPES_DIR


def test_catalogue_size_and_required_ids():
    cat = load_catalogue()
    assert len(cat) >= 26
    assert set(cat) >= REQUIRED_IDS
    assert trope_ids() == sorted(cat)
    assert [t.id for t in list_tropes()] == sorted(cat)


def test_at_least_three_tropes_beyond_romance_and_revenge():
    cat = load_catalogue()
    beyond = {t.id for t in cat.values() if t.genre in NON_ROMANCE_GENRES}
    assert len(beyond) >= 3, beyond
    assert {"mystery", "sci-fi", "thriller"} <= {cat[i].genre for i in beyond}


def test_cliffhanger_types_are_the_ten():
    assert CLIFFHANGER_TYPES == TEN
    models = pytest.importorskip("dramagen.core.models")
    if hasattr(models, "CLIFFHANGER_TYPES"):
        assert tuple(models.CLIFFHANGER_TYPES) == TEN


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_file_loads_and_meets_the_catalogue_rules(path):
    t = load_trope_file(path)
    assert t.id == path.stem and not t.custom
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", t.id)
    assert t.name and t.tone and len(t.pitch) >= 40 and "\n" not in t.pitch
    assert t.content_notes, "list at least one content note"
    assert 3 <= len(t.roles) <= 6
    assert {"lead"} <= {r.role for r in t.roles}
    assert all(4 <= len(r.names) <= 6 for r in t.roles)
    assert 4 <= len(t.settings) <= 6
    assert all(s.name == s.name.upper() for s in t.settings)
    beats = t.signature_beats
    assert 6 <= len(beats) <= 10
    assert [b.at for b in beats] == sorted(b.at for b in beats)
    assert beats[0].at == 0.0 and beats[0].function == "hook"
    assert beats[-1].at == 1.0 and beats[-1].function == "resolution"
    assert {"dark_moment", "climax"} <= {b.function for b in beats}
    assert 3 <= len(t.cliffhangers) <= 6 and set(t.cliffhangers) <= set(TEN)
    assert 8 <= len(t.keywords) <= 15
    assert all(k == k.lower() and " " not in k for k in t.keywords)
    assert len(t.examples) == 3
    for ex in t.examples:
        assert ex.cliffhanger_type in TEN
        n = len(re.findall(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*", ex.cliffhanger))
        assert 6 <= n <= 16, ex.cliffhanger
        assert any(re.search(rf"\b{name}\b", ex.cliffhanger) for name in t.all_names), ex.cliffhanger


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_file_fits_the_pipeline_models(path):
    """Names and settings can be copied into the bible as they are."""
    models = pytest.importorskip("dramagen.core.models")
    if not (hasattr(models, "Character") and hasattr(models, "Location")):
        pytest.skip("dramagen.core.models has no Character/Location")
    t = load_trope_file(path)
    for r in t.roles:
        for n in r.names:
            models.Character(name=n, age=30, role=r.role)
    for s in t.settings:
        loc = models.Location(name=s.name, interior=s.interior, time=s.time)
        assert loc.heading == s.heading


def test_keywords_are_on_topic():
    """The examples and beats use the trope's own vocabulary (what the scorer looks for)."""
    for t in list_tropes():
        text = " ".join([t.pitch, *(b.beat for b in t.signature_beats),
                         *(e.story + " " + e.cliffhanger for e in t.examples)]).lower()
        words = set(re.findall(r"[a-z][a-z'\-]*", text))
        hits = [k for k in t.keywords if k in words]
        assert len(hits) >= 5, (t.id, hits)


def test_catalogue_is_not_repetitive():
    cat = load_catalogue()
    pitches = [t.pitch for t in cat.values()]
    assert len(set(pitches)) == len(pitches)
    names = [t.name for t in cat.values()]
    assert len(set(names)) == len(names)


def test_load_catalogue_is_cached_and_returns_copies():
    a = load_catalogue()
    b = load_catalogue()
    assert a == b and a is not b
    a.pop("amnesia")
    assert "amnesia" in load_catalogue()


def test_default_cast_is_deterministic_and_from_the_pools():
    t = get_trope("werewolf-rejected-mate")
    cast = t.default_cast(seed=7)
    assert cast == t.default_cast(seed=7)
    assert [r.role for r, _ in cast] == [r.role for r in t.roles]
    assert all(name in role.names for role, name in cast)
    assert len({name for _, name in cast}) == len(cast)


def test_examples_for_puts_the_type_first():
    t = get_trope("hidden-heir")
    kind = t.examples[-1].cliffhanger_type
    assert t.examples_for(kind)[0].cliffhanger_type == kind


def test_setting_heading():
    t = get_trope("werewolf-rejected-mate")
    assert t.settings[0].heading == "INT. PACK HALL - NIGHT"


# -- get_trope --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["hidden-heir", "Hidden Heir", "hidden_heir", "  HIDDEN-HEIR  ", "The Hidden Heir"])
def test_get_trope_forgives_case_and_separators(query):
    assert get_trope(query).id == "hidden-heir"


@pytest.mark.parametrize("query,expected", [
    ("werewolf", "werewolf-rejected-mate"),
    ("warewolf", "werewolf-rejected-mate"),
    ("billionare-revenge", "billionaire-revenge"),
    ("vampire", "vampire-bride"),
    ("mafia", "mafia-romance"),
    ("ceo marriage", "ceo-contract-marriage"),
    ("time travel", "transmigration"),
    ("kidnap", "stalker-kidnapping"),
    ("murder", "small-town-murder"),
    ("secret-babies", "secret-baby"),
])
def test_unknown_trope_suggests_the_closest_ids(query, expected):
    with pytest.raises(UnknownTropeError) as exc:
        get_trope(query)
    assert exc.value.suggestions[0] == expected
    assert 1 <= len(exc.value.suggestions) <= 3
    assert set(exc.value.suggestions) <= set(trope_ids())
    assert "did you mean" in str(exc.value) and expected in str(exc.value)


def test_gibberish_gets_no_suggestions():
    with pytest.raises(UnknownTropeError) as exc:
        get_trope("qqqqzzzz")
    assert exc.value.suggestions == []


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_get_trope_rejects_empty(bad):
    with pytest.raises(InputError) as exc:
        get_trope(bad)
    assert exc.value.field == "trope"


# -- custom tropes ----------------------------------------------------------------------------------------------

ACCEPTED = "1–2000 characters of free text"


@pytest.mark.parametrize("bad", ["", " ", "\n\t  \n", "x" * 2001, "  " + "y" * 2001 + "  ", "!!! ???", None, 42,
                                 ["a list"]])
def test_custom_trope_rejects_bad_input(bad):
    with pytest.raises(InputError) as exc:
        custom_trope(bad)
    assert exc.value.field == "trope"
    assert exc.value.accepted == ACCEPTED
    assert ACCEPTED in str(exc.value)


def test_custom_trope_length_limits_apply_after_strip():
    assert custom_trope("  " + "word " * 399 + "word" + "   \n").custom  # 1999 chars + whitespace
    assert custom_trope("a" * 2000).custom
    assert custom_trope("X").custom  # 1 character is enough


def test_custom_trope_is_usable():
    text = ("A night-shift nurse discovers that her comatose patient is the billionaire who jilted her "
            "at the altar. When he wakes, he remembers nothing, and his family thinks she is his fiancee.")
    t = custom_trope(text)
    assert isinstance(t, Trope) and t.custom
    assert t.id.startswith("custom-") and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", t.id)
    assert "Nurse" in t.name  # named from the premise: the lead's occupation (dramagen.story.custom)
    assert t.pitch.startswith("A night-shift nurse discovers")
    assert t.story is not None and t.story.secrets[0].text  # the premise's secret, stakes, objects
    assert any(r.role == "lead" and "nurse" in r.archetype for r in t.roles)
    assert {"nurse", "patient", "billionaire"} <= set(t.keywords)
    assert 8 <= len(t.keywords) <= 15
    assert tuple(t.cliffhangers) == TEN
    assert 3 <= len(t.roles) <= 6 and all(4 <= len(r.names) <= 6 for r in t.roles)
    assert 4 <= len(t.settings) <= 6
    # the arc's shape is the nearest catalogue trope's; its words are the premise's
    arc = [(b.at, b.function) for b in t.signature_beats]
    from dramagen.story.premise import parse_premise
    from dramagen.story.tropes import get_trope

    nearest = get_trope(parse_premise(text).tropes[0])
    assert arc == [(b.at, b.function) for b in nearest.signature_beats]
    assert arc[0][1] == "hook" and arc[-1][1] == "resolution"
    assert not any(b.beat in {x.beat for x in nearest.signature_beats} for b in t.signature_beats)
    assert len(t.examples) == 3
    # deterministic, and it round-trips through JSON like every model
    assert custom_trope(text) == t
    assert Trope.model_validate_json(t.model_dump_json()) == t


def test_custom_trope_keeps_the_premises_job_villain_victims_places_and_props():
    t = custom_trope("In 1988 Lisbon, a night-shift radio DJ learns that the shipping magnate courting her mother "
                     "sank her father's trawler for the insurance money, and the only proof is a cassette her father "
                     "left at the station.")
    roles = {r.role: r.archetype for r in t.roles}
    assert "night-shift radio DJ" in roles["lead"] and "Radio DJ" in t.name
    assert roles["antagonist"] == "the shipping magnate courting her mother"
    # the people the magnate harms are on the lead's side, never a rival for want of a free role
    assert roles["mentor"] == "her mother" and roles["ally"] == "her father" and "rival" not in roles
    assert {(s.name, s.interior) for s in t.settings} >= {("RADIO STATION", True), ("LISBON DOCKS", False)}
    assert t.story is not None and t.story.objects[:2] == ["the cassette", "the trawler's logbook"]
    assert t.story.secrets[0].evidence == "the cassette" and "trawler" in t.story.secrets[0].text
    assert any("the cassette" in b.beat for b in t.signature_beats)


def test_custom_trope_picks_up_genre_cues():
    murder = custom_trope("A detective finds a body in the lake of her hometown and every suspect is family.")
    assert murder.genre == "mystery" and "violence" in murder.content_notes
    cheat = custom_trope("She catches her husband cheating with her sister and plans her revenge.")
    assert "infidelity" in cheat.content_notes
    plain = custom_trope("Two bakers share a shop.")
    assert plain.genre == "drama" and len(plain.keywords) >= 8


def test_custom_trope_refuses_non_english_text_naming_the_premise():
    with pytest.raises(InputError) as e:
        custom_trope("被退婚的千金重生归来，复仇前夫")
    assert e.value.field == "premise" and "English" in str(e.value)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=2100))
def test_custom_trope_never_crashes(text):
    try:
        t = custom_trope(text)
    except InputError as exc:
        assert exc.field in ("trope", "premise")
        return
    assert 1 <= len(text.strip()) <= 2000
    assert Trope.model_validate(t.model_dump()) == t


# -- invalid files --------------------------------------------------------------------------------------------


def _copy_catalogue(tmp_path: Path) -> Path:
    d = tmp_path / "prompts" / "tropes"
    d.mkdir(parents=True)
    for name in ("hidden-heir.yaml", "amnesia.yaml"):
        shutil.copy(TROPES_DIR / name, d / name)
    return d


def _mutate(path: Path, fn) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fn(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("mutation,field", [
    (lambda d: d["signature_beats"].reverse(), "signature_beats"),
    (lambda d: d["signature_beats"][2].update(at=1.5), "signature_beats.2.at"),
    (lambda d: d.update(cliffhangers=["reveal", "twist", "danger"]), "cliffhangers.1"),
    (lambda d: d.update(roles=d["roles"][:2]), "roles"),
    (lambda d: d["roles"][0].update(names=["Ethan", "Leo"]), "roles.0.names"),
    (lambda d: d.update(signature_beats=d["signature_beats"][:5]), "signature_beats"),
    (lambda d: d["settings"][0].update(name="Pack hall"), "settings.0.name"),
    (lambda d: d["settings"][0].update(time="TEATIME"), "settings.0.time"),
    (lambda d: d["examples"][0].update(cliffhanger="Too short to count."), "examples.0.cliffhanger"),
    (lambda d: d["examples"][1].update(cliffhanger="Somebody nobody knows walks in through the door at last."),
     "examples.1.cliffhanger"),
    (lambda d: d["examples"][0].update(cliffhanger_type="twist"), "examples.0.cliffhanger_type"),
    (lambda d: d.update(keywords=["Heir", "fortune"]), "keywords"),
    (lambda d: d.pop("pitch"), "pitch"),
    (lambda d: d.update(surprise="field"), "surprise"),
    (lambda d: d.update(id="another-id"), "id"),
])
def test_invalid_file_names_the_file_and_the_field(tmp_path, mutation, field):
    d = _copy_catalogue(tmp_path)
    target = d / "hidden-heir.yaml"
    _mutate(target, mutation)
    with pytest.raises(PromptError) as exc:
        load_catalogue(d)
    msg = str(exc.value)
    assert "hidden-heir.yaml" in msg
    assert field in msg


def test_bad_yaml_and_non_mapping(tmp_path):
    d = _copy_catalogue(tmp_path)
    (d / "hidden-heir.yaml").write_text("id: hidden-heir\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(PromptError, match=r"hidden-heir\.yaml.*YAML"):
        load_catalogue(d)
    (d / "hidden-heir.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(PromptError, match=r"hidden-heir\.yaml.*mapping"):
        load_catalogue(d)


def test_missing_or_empty_catalogue(tmp_path):
    with pytest.raises(PromptError, match="not found"):
        load_catalogue(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(PromptError, match="no \\*.yaml"):
        load_catalogue(tmp_path / "empty")


def test_prompts_dir_env_and_cache_invalidation(tmp_path, monkeypatch):
    d = _copy_catalogue(tmp_path)
    monkeypatch.setenv("DRAMAGEN_PROMPTS_DIR", str(tmp_path / "prompts"))
    assert catalogue_dir() == d
    assert trope_ids() == ["amnesia", "hidden-heir"]
    with pytest.raises(UnknownTropeError):
        get_trope("werewolf-rejected-mate")
    # an edit is picked up without restarting
    _mutate(d / "amnesia.yaml", lambda data: data.update(name="Forget Me Never"))
    assert get_trope("amnesia").name == "Forget Me Never"
    shutil.copy(TROPES_DIR / "vampire-bride.yaml", d / "vampire-bride.yaml")
    assert "vampire-bride" in trope_ids()
