"""The content-rating filter (dramagen.story.rating) on hand-written unsafe and safe lines, for both ratings."""

from __future__ import annotations

import pytest

from dramagen.core.errors import InputError
from dramagen.story.rating import RATINGS, check_text, load_rules, rating_issues, validate_rating

# Lines no rating lets through: urging or instructing self-harm, sexual content with a minor, slurs.
ALWAYS_UNSAFE: list[tuple[str, str]] = [
    ("Derek tells Kai to kill himself.", "self_harm"),
    ("Kill yourself, Naomi.", "self_harm"),
    ("You should just kill yourself.", "self_harm"),
    ("Why don't you go hang yourself?", "self_harm"),
    ("Logan urges her to end her own life.", "self_harm"),
    ("Here's how to slit your wrists.", "self_harm"),
    ("Take all the pills and end it.", "self_harm"),
    ("Go jump off a bridge and die.", "self_harm"),
    ("He seduces the fourteen-year-old babysitter.", "minors_sexual"),
    ("She has sex with a 15-year-old boy.", "minors_sexual"),
    ("The teacher sleeps with his underage student.", "minors_sexual"),
    ("Logan molests the little girl next door.", "minors_sexual"),
    ("He keeps child porn on his laptop.", "minors_sexual"),
    ("Naked photos of the schoolgirl leak online.", "minors_sexual"),
    ("The teenager is forced into sexual acts.", "minors_sexual"),
    ("You dirty n1gger.", "slur"),
    ("Get out of my house, you faggot.", "slur"),
    ("Nobody hires a spic like you.", "slur"),
    ("Shut up, retard.", "slur"),
    ("That kike owns the bank.", "slur"),
    ("The wetbacks took our jobs.", "slur"),
    ("Some tranny is at the door.", "slur"),
]

# Lines the default rating (platform-safe) refuses and mature lets through: depicted suicide and
# self-harm, graphic gore, explicit sexual content between adults.
PLATFORM_UNSAFE: list[tuple[str, str]] = [
    ("He hangs himself in the garage.", "self_harm"),
    ("She slit her wrists in the bathtub.", "self_harm"),
    ("Mara overdoses on pills.", "self_harm"),
    ("I'll overdose on sleeping pills tonight.", "self_harm"),
    ("She tried to commit suicide last spring.", "self_harm"),
    ("Kai cuts himself with a razor.", "self_harm"),
    ("He shoots himself in the head.", "self_harm"),
    ("She took her own life after the divorce.", "self_harm"),
    ("Naomi swallows the whole bottle of pills.", "self_harm"),
    ("His guts spill onto the marble floor.", "gore"),
    ("The body was dismembered and left in the river.", "gore"),
    ("Blood gushes from the stump of his arm.", "gore"),
    ("She gouges out his eyes with her thumbs.", "gore"),
    ("The killer decapitates the butler.", "gore"),
    ("A severed head rolls across the ballroom.", "gore"),
    ("He chops off her fingers one by one.", "gore"),
    ("His skull cracks open on the pavement.", "gore"),
    ("Entrails hang from the chandelier.", "gore"),
    ("They have sex on the CEO's desk.", "sexual"),
    ("She strips naked in front of him.", "sexual"),
    ("He gropes her breasts in the elevator.", "sexual"),
    ("She gives him a blowjob in the car.", "sexual"),
    ("The porn video of the bride plays on the big screen.", "sexual"),
    ("Fucked Out In The Shadows", "profanity"),  # an episode title the default model wrote (stop 25)
    ("What the fuck are you doing here, Kai?", "profanity"),
    ("Get your shit and get out.", "profanity"),
    ("You motherfucker.", "profanity"),
]

# Normal soap lines: both ratings let them through.
SAFE: list[str] = [
    "Damn you, Dick. You lying bastard.",  # the soap's own register; Dick is a name
    "You bitch! Get out of my house.",
    "The cock crows at dawn over the farm.",
    "I could kill you for this!",
    "We need to kill the deal before Friday.",
    "She was killed in an accident ten years ago.",
    "Hang up the phone, Mara.",
    "Don't hang up on me!",
    "He hangs his coat by the door.",
    "She hangs the portrait of her late father.",
    "Let's cut the cake.",
    "He cuts himself a slice of cake.",
    "She cut herself off from the family for years.",
    "You're killing me, Kai.",
    "This job is killing me.",
    "Don't kill yourself over one bad review.",
    "He nearly killed himself laughing.",
    "You just shot yourself in the foot.",
    "My mother died when I was a child.",
    "She slept with my husband!",
    "He's drowning in debt.",
    "I'd rather die than marry him.",
    "He's dying to know the truth.",
    "She slits the envelope open.",
    "The pills are on the nightstand.",
    "She takes her pills with a glass of water.",
    "A gunshot. Derek falls, clutching his shoulder.",
    "The DNA test proves Lily is his daughter.",
    "Go to hell, you bastard!",
    "Damn it, Naomi.",
    "You're dead to me.",
    "She signs the divorce papers and walks out.",
    "Her teenage son slams the door.",
    "The child runs into her arms.",
    "The child sleeps with a night light on.",
    "The baby kicks inside her.",
    "She's pregnant with his child.",
    "The minor details don't matter; sign it.",
    "Kill the lights.",
    "He killed the engine and waited.",
    "She spills her guts to the detective.",
    "He analyses the cocktail menu at the Dickens Hotel.",
    "The sex of the baby is still a secret.",
    "His heart breaks when she leaves the room.",
    "I'm going to hang you out to dry.",
    "The twins are only five years old.",
    "She cuts her hair short to hide from him.",
    "Kai kisses her goodnight and tucks the kids into bed.",
    "A knife glints in his hand.",
    "She drowns herself in work.",
    "He's killing himself with work.",
    "He burned himself on the stove.",
    "I'll kill him myself.",
    "She hung the dress in the closet.",
    "He hung up on her.",
    "He slept with the child's photo under his pillow.",
    "We made love last night.",
    "She cuts her wrist on the broken glass.",
    "The detective calls it suicide.",
    "She stabs him in the shoulder.",
    "The body lies in a pool of blood.",
    "Annalise signs the contract.",
]


@pytest.mark.parametrize(("text", "reason"), ALWAYS_UNSAFE)
@pytest.mark.parametrize("rating", RATINGS)
def test_always_unsafe_lines_are_refused_in_every_rating(text: str, reason: str, rating: str) -> None:
    assert check_text(text, rating) == reason


@pytest.mark.parametrize(("text", "reason"), PLATFORM_UNSAFE)
def test_platform_unsafe_lines_are_refused_by_default_and_pass_mature(text: str, reason: str) -> None:
    assert check_text(text) == reason
    assert check_text(text, "platform-safe") == reason
    assert check_text(text, "mature") is None


@pytest.mark.parametrize("text", SAFE)
@pytest.mark.parametrize("rating", RATINGS)
def test_safe_soap_lines_pass(text: str, rating: str) -> None:
    assert check_text(text, rating) is None


def test_the_lists_are_long_enough() -> None:
    assert len(ALWAYS_UNSAFE) + len(PLATFORM_UNSAFE) >= 30
    assert len(SAFE) >= 30
    reasons = {r for _, r in ALWAYS_UNSAFE + PLATFORM_UNSAFE}
    assert reasons == {"self_harm", "minors_sexual", "slur", "gore", "sexual", "profanity"}


def test_case_and_inflection() -> None:
    assert check_text("HE HANGED HIMSELF.") == "self_harm"
    assert check_text("he is hanging himself") == "self_harm"
    assert check_text("She was DISMEMBERING the corpse.") == "gore"
    assert check_text("She kills herself.") == "self_harm"


def test_minor_and_sexual_words_must_share_a_sentence() -> None:
    # The minor and the sexual act are in different sentences: adult sex (platform-safe refuses it as
    # sexual, mature allows it), not sex with a minor.
    text = "Her son is twelve years old. She and Logan have sex in the car."
    assert check_text(text, "platform-safe") == "sexual"
    assert check_text(text, "mature") is None
    assert check_text("The 12-year-old is seduced by her coach.", "mature") == "minors_sexual"
    assert check_text("The 25-year-old seduces her boss.", "mature") is None


def test_most_serious_reason_wins() -> None:
    assert check_text("He hangs himself after the teenager's naked photos leak.") == "minors_sexual"


def test_empty_text_passes() -> None:
    assert check_text("") is None
    assert check_text("   ") is None


def test_validate_rating() -> None:
    assert RATINGS == ("platform-safe", "mature")
    assert validate_rating("mature") == "mature"
    assert validate_rating(" Platform-Safe ") == "platform-safe"
    with pytest.raises(InputError) as e:
        validate_rating("adult")
    assert e.value.field == "rating"
    assert str(e.value) == "rating: 'adult' is not accepted; expected one of: platform-safe, mature"
    with pytest.raises(InputError):
        validate_rating(None)
    with pytest.raises(InputError):
        check_text("hello", "pg-13")


def test_rating_issues_lists_each_flagged_text_once_in_order() -> None:
    texts = ["Hang up the phone.", "He hangs himself.", "Guts spill.", "Shut up, retard.", "He hangs himself."]
    assert rating_issues(texts) == [("He hangs himself.", "self_harm"), ("Guts spill.", "gore"),
                                    ("Shut up, retard.", "slur"), ("He hangs himself.", "self_harm")]
    assert rating_issues(texts, "mature") == [("Shut up, retard.", "slur")]
    assert rating_issues([]) == []


def test_rules_are_data() -> None:
    rules = load_rules()
    reasons = {r.reason for r in rules.rules}
    assert {"self_harm", "minors_sexual", "slur", "gore", "sexual"} <= reasons
    assert all(set(r.blocked_in) <= set(RATINGS) for r in rules.rules)
    # the library's words that are refused are named in the data, by category
    assert "nigger" in rules.library["slur"]
