"""story/spoken.py: a secret as someone in the scene says it, and the episode that exposes it says it once."""

from dramagen.core.models import Character, Location, SeriesBible
from dramagen.story.spoken import about, spoken


def _bible(*cast: Character) -> SeriesBible:
    """A bible of ``cast`` (spoken() reads only the characters), by default the casino heir's."""
    return SeriesBible(
        title="A Test Season", logline="A lead's proof.", trope_id="test",
        characters=list(cast) or [Character(name="Mara", age=27, role="lead", tie="married housekeeper"),
                                  Character(name="Lucas Ho", age=31, role="love_interest", tie="the heir"),
                                  Character(name="Helena", age=45, role="antagonist", tie="the heir's stepmother"),
                                  Character(name="Regina", age=34, role="ally")],
        locations=[Location(name="CASINO", interior=True, time="NIGHT"),
                   Location(name="HOTEL LOBBY", interior=True, time="DAY"),
                   Location(name="APARTMENT", interior=True, time="NIGHT")])


def test_said_to_the_face_of_the_one_it_is_about():
    b = _bible()
    secret = "the heir's stepmother slipped powder into his tea to take the casino"
    assert about(secret, b)[0].name == "Helena"
    assert spoken(secret, b, "Mara", "Helena") == "You slipped powder into his tea to take the casino"
    assert spoken(secret, b, "Mara", "Regina") is None  # a report to a third person is no exposure line


def test_the_verb_agrees_with_you_and_i():
    b = _bible()
    secret = "the one who loves her has known the truth all along"
    assert spoken(secret, b, "Mara", "Lucas") == "You have known the truth all along"
    assert spoken(secret, b, "Lucas Ho", "Mara") == "I have known the truth all along"
    assert spoken("Helena is the poisoner", b, "Mara", "Helena") == "You are the poisoner"
    assert spoken("the stepmother planned every humiliation she suffered", b, "Mara", "Helena") == \
        "You planned every humiliation she suffered"


def test_a_secret_about_nobody_in_the_cast_is_not_said():
    assert spoken("a stranger sank the trawler", _bible(), "Mara", "Helena") is None


def test_the_golden_season_says_its_secret_once_in_the_discovery_episode():
    """The golden season (tests/test_golden.py): its first episode finds the rival's secret and says it to her
    face once, as a fixed line (the fitter never drops it)."""
    from pathlib import Path

    golden = (Path(__file__).parent / "golden" / "ep001").glob("*.fountain")
    text = next(golden).read_text()
    assert text.count("You staged every humiliation.") == 1


def test_the_leads_own_people_are_mine_when_the_lead_says_it():
    b = _bible(Character(name="Leo", age=30, role="lead", tie="disgraced firefighter"),
               Character(name="Silas", age=50, role="antagonist", tie="his captain"),
               Character(name="Zoe", age=28, role="love_interest"))
    secret = "his captain set the warehouse fire that killed his brother"
    assert spoken(secret, b, "Leo", "Silas") == "You set the warehouse fire that killed my brother"
    assert spoken("the captain set the fire", b, "Leo", "Silas") == "You set the fire"
    assert spoken(secret, b, "Silas", "Leo") == "I set the warehouse fire that killed your brother"  # to him


def test_the_foe_who_threatens_says_their_own_deed():
    """threat.yaml's said lines are the foe's ('said_by: b'), of their own deed: 'I …'."""
    from dramagen.story.phrases import phrases_for

    b = _bible()
    ph = phrases_for("threat")
    assert ph.said_by == "b" and ph.said
    secret = "the heir's stepmother slipped powder into his tea to take the casino"
    said = spoken(secret, b, "Helena", "Mara")
    assert said == "I slipped powder into his tea to take the casino"
    assert ph.said[0].format(said=said).startswith("You think I slipped powder into his tea")


def test_a_secret_names_its_person_instead_of_a_pronoun():
    """Narrated ('… tells the truth at last: {secret}'), 'the one who loves her' was the confessor himself."""
    from dramagen.story.spoken import named

    assert named("the one who loves her has known all along what the judge did", "Lucas Ho") == \
        "Lucas has known all along what the judge did"
    assert named("she is the daughter of the man the chief killed", "Ava") == \
        "Ava is the daughter of the man the chief killed"
    assert named("the heir's stepmother slipped powder into his tea", "Helena") == \
        "the heir's stepmother slipped powder into his tea"
    b = _bible()
    assert spoken(named("she is the heir's wife", "Mara"), b, "Mara", "Lucas Ho") == "I am your wife"
    assert spoken(named("she is the heir's wife", "Mara"), b, "Mara", "Helena") == "I am the heir's wife"


def test_said_to_the_one_the_secret_names_it_is_yours():
    """An identity said to the man it ties her to: 'I am your illegitimate daughter', not 'the harbour master's'."""
    b = _bible(Character(name="Ava", age=21, role="lead", tie="fado singer"),
               Character(name="Victor", age=55, role="antagonist", tie="the harbour master"),
               Character(name="Lucas", age=26, role="love_interest", tie="the harbour master's first mate"))
    secret = "Ava is the harbour master's illegitimate daughter"
    assert spoken(secret, b, "Ava", "Victor") == "I am your illegitimate daughter"
    assert spoken(secret, b, "Ava", "Lucas") == "I am the harbour master's illegitimate daughter"


def test_what_the_love_interests_own_kin_did_is_yours_to_him():
    """Stop 28: 'You have known all along what his mother did. Admit it.' (Elena to Adrian, Regina's son)."""
    b = _bible()
    secret = "Lucas has known all along what his mother did"
    assert spoken(secret, b, "Mara", "Lucas Ho") == "You have known all along what your mother did"
    assert spoken(secret, b, "Lucas Ho", "Mara") == "I have known all along what my mother did"
