"""Hand-made story data the tests share (no model): two series bibles and a season folder.

- :func:`pack_bible`: "Moonlit Debt", four people and three places; the checker and planner tests
  (the ``bible`` fixture of tests/conftest.py).
- :func:`rejected_mate_bible` and its 10-episode :func:`rejected_mate_plan`: the export, storyboard and
  animatic tests; :func:`write_season` writes them with a request into a season folder (the
  ``season_dir`` fixture).

The script, shooting and Fountain tests have their own ("Silver Moon", tests/script_helpers.py): its
beats and plan are written for it.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from dramagen.core.models import Character, EpisodePlan, Location, SeasonPlan, SeasonRequest, SeriesBible
from dramagen.project.season import SeasonDir

#: the plan's episode functions, 1 to 10
FUNCS = ["hook", "setup", "escalation", "reversal", "escalation", "twist", "midpoint", "dark_moment", "climax",
         "resolution"]
#: the plan's titles other than "Chapter N"
TITLES = {1: "The Rejection", 2: "Silver Moon Oath"}
#: request.json's ``created``: every export's draft date
CREATED = datetime.date(2025, 1, 1)


def pack_bible() -> SeriesBible:
    return SeriesBible(
        title="Moonlit Debt", logline="A hidden heiress returns to the pack that exiled her.", trope_id="test",
        characters=[
            Character(name="Mara", age=24, role="lead"),
            Character(name="Kai", age=29, role="love_interest"),
            Character(name="Selene", age=27, role="rival"),
            Character(name="Rowan", age=52, role="antagonist"),
        ],
        locations=[
            Location(name="PACK HALL", interior=True, time="NIGHT"),
            Location(name="FOREST", interior=False, time="NIGHT"),
            Location(name="MARA'S CABIN", interior=True, time="DAWN"),
        ],
    )


def rejected_mate_bible() -> SeriesBible:
    return SeriesBible(
        title="The Alpha's Rejected Mate",
        logline="Rejected by her alpha in front of the pack, Mara discovers she is the heir they feared.",
        trope_id="werewolf-rejected-mate", trope_name="The Alpha's Rejected Mate", tone="angry, yearning",
        characters=[Character(name="Mara", age=22, role="lead", look="torn silver dress; she walks barefoot"),
                    Character(name="Kai Blackwood", age=25, role="love_interest", look="black suit, his crest ring"),
                    Character(name="Selene", age=24, role="rival", look="red gown")],
        locations=[Location(name="PACK HALL", interior=True, time="NIGHT"),
                   Location(name="FOREST", interior=False, time="NIGHT"),
                   Location(name="MARA'S ROOM", interior=True, time="DAY")])


def rejected_mate_plan() -> SeasonPlan:
    return SeasonPlan(paywall=3, episodes=[
        EpisodePlan(number=n, function=FUNCS[n - 1], free=n <= 3, cliffhanger_type="reveal", strength=5,
                    characters=["Mara", "Kai Blackwood"], location="PACK HALL", title=TITLES.get(n, f"Chapter {n}"),
                    synopsis=f"Mara faces the pack in chapter {n} and learns what Kai hid from her.",
                    cliffhanger="Selene holds up the silver ring.")
        for n in range(1, 11)])


def write_season(root: Path) -> SeasonDir:
    """A season folder holding request.json (made on :data:`CREATED`), bible.json and plan.json."""
    sd = SeasonDir(root)
    sd.write_model(sd.request_path, SeasonRequest(trope="werewolf-rejected-mate", episodes=10, paywall=3,
                                                  created=CREATED))
    sd.write_model(sd.bible_path, rejected_mate_bible())
    sd.write_model(sd.plan_path, rejected_mate_plan())
    return sd
