"""Hand-made bible, plan and beats, and scripted model answers, for the script,
shooting and Fountain tests (no model; the fake Generator is tests/stand_in.py's ScriptedGenerator)."""

from __future__ import annotations

from dramagen.core.models import Beat, Character, EpisodeBeats, EpisodePlan, Line, Location, SeriesBible

CLIFF = "Kai lifts Bella's hand and names her his Luna instead of Aria."


def make_bible() -> SeriesBible:
    return SeriesBible(
        title="Silver Moon", logline="A rejected omega returns as the Luna every pack fears.",
        trope_id="werewolf-rejected-mate", trope_name="The Alpha's Rejected Mate",
        characters=[
            Character(name="Aria", age=22, role="lead", look="torn silver dress, bare feet"),
            Character(name="Kai Blackwood", age=26, role="love_interest", look="black suit, alpha's crest ring"),
            Character(name="Bella", age=23, role="rival", look="red gown, diamond choker"),
            Character(name="Malakai", age=40, role="antagonist", look=""),
        ],
        locations=[
            Location(name="PACK HALL", interior=True, time="NIGHT"),
            Location(name="MOONLIT FOREST", interior=False, time="NIGHT"),
            Location(name="ALPHA'S CHAMBERS", interior=True, time="NIGHT"),
        ])


def make_plan(target: float = 75.0, cliffhanger: str = CLIFF, number: int = 1) -> EpisodePlan:
    return EpisodePlan(number=number, function="hook", free=True, target_seconds=target, cliffhanger_type="betrayal",
                       strength=6, characters=["Aria", "Kai Blackwood"], location="PACK HALL", title="The Rejection",
                       synopsis="At the mating ceremony Kai rejects Aria in front of the whole pack.",
                       cliffhanger=cliffhanger)


def _l(c: str, t: str, p: str = "") -> Line:
    return Line(character=c, text=t, parenthetical=p)


def make_beats(target: float = 75.0, extra_lines: int = 0, number: int = 1) -> EpisodeBeats:
    """Seven beats in three scenes, about 40 s of text (short for 75 s: the writer must
    expand). ``extra_lines`` adds that many long speeches to every non-hook beat."""
    long = _l("Bella", "And another thing you should know. I never loved this pack. I only wanted the title. "
                       "Now I have it.", "smug")
    bs = [
        Beat(index=1, kind="hook", start=0, end=4, location="PACK HALL", new_scene=True,
             characters=["Aria", "Kai Blackwood"],
             action="The whole pack watches as Kai tears the mate bond and Aria drops to her knees."),
        Beat(index=2, kind="development", start=4, end=12, location="PACK HALL", new_scene=False,
             characters=["Aria", "Kai Blackwood"], action="Aria grips the ceremony ring.",
             lines=[_l("Aria", "You promised me under the full moon.", "broken"),
                    _l("Kai", "A promise to an omega means nothing.")]),
        Beat(index=3, kind="development", start=12, end=20, location="PACK HALL", new_scene=False,
             characters=["Bella", "Aria"],
             lines=[_l("Bella", "Did you really think he would choose you? Look at yourself.", "smirking")]),
        Beat(index=4, kind="turn", start=20, end=30, location="MOONLIT FOREST", new_scene=True,
             characters=["Aria", "Malakai"],
             action="Aria runs barefoot through the trees until a shadow blocks her path.",
             lines=[_l("Malakai", "Silver eyes. I have waited twenty years for you.")]),
        Beat(index=5, kind="development", start=30, end=40, location="MOONLIT FOREST", new_scene=False,
             characters=["Aria", "Malakai"],
             lines=[_l("Aria", "Stay away from me.", "backing away"),
                    _l("Malakai", "Your mother said the same thing.")]),
        Beat(index=6, kind="turn", start=40, end=50, location="PACK HALL", new_scene=True,
             characters=["Kai Blackwood", "Bella"], action="Kai stares at the empty doorway.",
             lines=[_l("Kai", "Find her. Now.", "cold"), _l("Bella", "Why do you care? You rejected her.")]),
        Beat(index=7, kind="cliffhanger", start=50, end=60, location="PACK HALL", new_scene=False,
             characters=["Aria", "Kai Blackwood", "Bella"],
             action="Aria walks back in, eyes burning silver. " + CLIFF),
    ]
    if extra_lines:
        bs = [b if b.kind == "hook" else b.model_copy(update={"lines": b.lines + [long] * extra_lines}) for b in bs]
    return EpisodeBeats(episode=number, target_seconds=target, cliffhanger_type="betrayal", beats=bs)


def drama_answer(prompt: str, seed: int) -> list[str]:
    """Three candidates for a ScriptedGenerator: good-looking slot answers (a reaction line, or an action
    detail naming the first on-screen character), the third one bad."""
    if prompt.rstrip().endswith("Detail:"):
        on_screen = [ln for ln in prompt.splitlines() if ln.startswith("On screen:")][-1]
        name = on_screen.split(":", 1)[1].split(",")[0].strip().split()[0]
        return [f" {name} clenches the silver pendant until her knuckles whiten.",
                f" {name} backs into the cold stone wall of the pack hall.",
                " worship the fish worship the fish worship the fish"]
    return [" You chose her in front of the whole pack.",
            " Then the moon goddess made a mistake.",
            " Marra Marra Marra!"]
