"""The data model: the spine every stage reads and writes.

Every model round-trips through JSON. A season on disk is a folder of these as JSON
files (``bible.json``, ``plan.json``, ``episodes/ep001/beats.json``…) plus exports.
Validation messages name the field and the accepted range.
"""

from __future__ import annotations

import datetime
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CliffhangerType = Literal["reveal", "danger", "betrayal", "arrival", "decision", "confession", "identity",
                          "ultimatum", "accident", "choice"]
CLIFFHANGER_TYPES: tuple[str, ...] = ("reveal", "danger", "betrayal", "arrival", "decision", "confession",
                                      "identity", "ultimatum", "accident", "choice")

EpisodeFunction = Literal["hook", "setup", "escalation", "reversal", "twist", "midpoint", "dark_moment", "climax",
                          "resolution"]
BeatKind = Literal["hook", "development", "turn", "cliffhanger"]

MIN_EPISODES, MAX_EPISODES = 10, 100
MIN_SECONDS, MAX_SECONDS = 60.0, 90.0


def default_paywall(episodes: int) -> int:
    """The last free episode when none is asked for: about a sixth of the season, rounded half up
    (10 of 60, 2 of 10, 17 of 100). The CLI, batch and the studio all default to it."""
    return max(1, min(episodes, (episodes + 3) // 6))


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


_NAME = re.compile(r"^[A-Z][A-Za-z'\-]*( [A-Z][A-Za-z'\-]*){0,2}$")


class Character(Model):
    name: str = Field(..., min_length=2, max_length=40, description="as used everywhere; never drifts")
    age: int = Field(..., ge=5, le=110)
    role: str = Field(..., min_length=1, max_length=40, description="lead, love_interest, rival, antagonist…")
    want: str = Field("", max_length=300)
    secret: str = Field("", max_length=300)
    look: str = Field("", max_length=300)
    tie: str = Field("", max_length=80, description="how they are tied to the lead: 'her stepmother'")
    speech: str = Field("", max_length=160, description="how they talk: register; a verbal tic; how they address "
                                                        "the lead")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = " ".join(v.split())
        if not _NAME.match(v):
            raise ValueError("a capitalised name of 1–3 words (letters, ' and - only), e.g. 'Mara' or 'Kai Blackwood'")
        return v

    @property
    def cue(self) -> str:
        """The dialogue cue: the first name in capitals (MARA)."""
        return self.name.split()[0].upper()


class Location(Model):
    name: str = Field(..., min_length=2, max_length=40, description="in capitals, as in a scene heading")
    interior: bool = True
    time: str = Field("NIGHT", pattern=r"^(DAY|NIGHT|DAWN|DUSK|MORNING|EVENING|CONTINUOUS)$")
    description: str = Field("", max_length=300)

    @field_validator("name")
    @classmethod
    def _caps(cls, v: str) -> str:
        v = " ".join(v.split()).upper()
        if not re.match(r"^[A-Z0-9][A-Z0-9 '&\-]*$", v):
            raise ValueError("capital letters, digits, spaces, ' & - only, e.g. 'PACK HALL'")
        return v

    @property
    def heading(self) -> str:
        return f"{'INT' if self.interior else 'EXT'}. {self.name} - {self.time}"


class Voice(Model):
    """A character's offline voice for the animatic (espeak-ng): voice[+variant], pitch 0–99, rate in words a minute."""

    voice: str = Field("en-us", pattern=r"^[a-z]{2,3}(-[a-z0-9]{2,8})*(\+[A-Za-z0-9_]{1,20})?$")
    pitch: int = Field(50, ge=0, le=99)
    rate: int = Field(175, ge=80, le=450)


class SeriesBible(Model):
    title: str = Field(..., min_length=1, max_length=80)
    logline: str = Field(..., min_length=1, max_length=400)
    trope_id: str
    trope_name: str = ""
    tone: str = ""
    world: str = Field("", max_length=80, description="the world and period: '1920s Shanghai'")
    characters: list[Character] = Field(..., min_length=3, max_length=6)
    locations: list[Location] = Field(..., min_length=3, max_length=6)
    voices: dict[str, Voice] = Field(default_factory=dict, description="character name → animatic voice")

    @model_validator(mode="after")
    def _unique(self) -> SeriesBible:
        names = [c.name.lower() for c in self.characters]
        if len(set(names)) != len(names):
            raise ValueError("characters: names must be unique")
        cues = [c.cue for c in self.characters]
        if len(set(cues)) != len(cues):
            raise ValueError("characters: first names must be unique (they are the dialogue cues)")
        locs = [loc.name for loc in self.locations]
        if len(set(locs)) != len(locs):
            raise ValueError("locations: names must be unique")
        return self

    def character(self, name: str) -> Character | None:
        n = name.strip().lower()
        for c in self.characters:
            if c.name.lower() == n or c.cue.lower() == n:
                return c
        return None

    def location(self, name: str) -> Location | None:
        n = name.strip().upper()
        return next((loc for loc in self.locations if loc.name == n), None)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.characters]


class PinnedBible(Model):
    """Fields of the bible the user fixes; everything else is generated."""

    title: str | None = Field(None, min_length=1, max_length=80)
    logline: str | None = Field(None, min_length=1, max_length=400)
    characters: list[Character] = Field(default_factory=list, max_length=6)
    locations: list[Location] = Field(default_factory=list, max_length=6)

    @model_validator(mode="after")
    def _unique(self) -> PinnedBible:
        names = [c.name.lower() for c in self.characters]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"characters: duplicate name(s) {', '.join(dup)}; "
                             "each pinned character needs its own name")
        locs = [loc.name for loc in self.locations]
        dupl = sorted({n for n in locs if locs.count(n) > 1})
        if dupl:
            raise ValueError(f"locations: duplicate location(s) {', '.join(dupl)}")
        return self


# -- the story ledger (docs/architecture.md, "Story"; rules in dramagen.story.ledger) -------------------
EventType = Literal["humiliation", "discovery", "exposure", "identity", "betrayal", "arrival", "face_slap", "threat",
                    "kidnapping", "rescue", "accident", "confession", "proposal", "ultimatum", "decision", "downfall"]
EVENT_TYPES: tuple[str, ...] = ("humiliation", "discovery", "exposure", "identity", "betrayal", "arrival",
                                "face_slap", "threat", "kidnapping", "rescue", "accident", "confession", "proposal",
                                "ultimatum", "decision", "downfall")
Status = Literal["present", "away", "captive", "dead"]


class Secret(Model):
    """A secret of the season: whose it is, who knows it at the start, what proves it."""

    id: str = Field(..., min_length=1, max_length=40)
    about: str = Field(..., description="whose secret it is (a bible name)")
    holder: str = Field(..., description="who knows it at the start (a bible name)")
    text: str = Field(..., min_length=3, max_length=200, description="completes 'the secret is that …'")
    evidence: str = Field(..., min_length=3, max_length=80, description="the object that proves it")


class Thread(Model):
    """An open thread: a threat, a debt or a promise between two characters."""

    kind: Literal["threat", "debt", "promise"]
    source: str
    target: str
    text: str = Field("", max_length=200)


class LedgerState(Model):
    status: dict[str, Status] = Field(default_factory=dict, description="character → present/away/captive/dead")
    knows: dict[str, list[str]] = Field(default_factory=dict, description="secret id → who knows it")
    public: list[str] = Field(default_factory=list, description="secret ids everyone knows")
    objects: dict[str, str] = Field(default_factory=dict, description="object → who holds it ('' = hidden)")
    relations: dict[str, str] = Field(default_factory=dict, description="'A > B' → how A stands to B")
    threads: list[Thread] = Field(default_factory=list)


class StoryEvent(Model):
    """One typed story event: who does what to whom, with which object, and which secret."""

    id: str = Field(..., min_length=1, max_length=40)
    episode: int = Field(..., ge=1)
    type: EventType
    actor: str = Field(..., description="who acts (a bible name)")
    target: str = Field(..., description="who it is done to or with (a bible name)")
    object: str = Field("", max_length=80)
    secret: str = Field("", max_length=40, description="the secret id it turns on, if any")
    location: str = Field("", max_length=40)
    detail: str = Field("", max_length=200, description="the secret's text, else the season's stakes")
    summary: str = Field("", max_length=300, description="one sentence (phrase library)")
    nth: int = Field(0, ge=0, description="how many earlier events of the season have this type (phrase rotation)")

    @property
    def participants(self) -> list[str]:
        return [self.actor] + ([self.target] if self.target != self.actor else [])


class StoryLedger(Model):
    characters: list[str] = Field(..., min_length=2)
    secrets: list[Secret] = Field(default_factory=list)
    objects: list[str] = Field(default_factory=list)
    initial: LedgerState
    events: list[StoryEvent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known(self) -> StoryLedger:
        names = set(self.characters)
        for s in self.secrets:
            for fld in ("about", "holder"):
                if getattr(s, fld) not in names:
                    raise ValueError(f"secrets.{s.id}.{fld}: unknown character {getattr(s, fld)!r}")
        for name in self.initial.status:
            if name not in names:
                raise ValueError(f"initial.status: unknown character {name!r}")
        return self

    def secret(self, sid: str) -> Secret | None:
        return next((s for s in self.secrets if s.id == sid), None)


class EpisodePlan(Model):
    number: int = Field(..., ge=1, le=MAX_EPISODES)
    function: EpisodeFunction
    free: bool
    target_seconds: float = Field(75.0, ge=MIN_SECONDS, le=MAX_SECONDS)
    cliffhanger_type: CliffhangerType
    strength: int = Field(..., ge=1, le=10, description="planned intensity of the cliffhanger")
    signature_beat: str | None = Field(None, description="the trope's signature beat placed here, if any")
    characters: list[str] = Field(default_factory=list, description="focus characters (bible names)")
    location: str = Field("", description="main location (bible name)")
    #: the story event this episode builds to (its cliffhanger), the event it opens on (the previous
    #: cliffhanger, or the season's opening blow) and who cannot appear (away, captive, dead)
    event: StoryEvent | None = None
    opening: StoryEvent | None = None
    absent: list[str] = Field(default_factory=list)
    # written by the model (validated, repaired, or a template fallback)
    title: str = ""
    synopsis: str = ""
    cliffhanger: str = ""


class SeasonPlan(Model):
    episodes: list[EpisodePlan] = Field(..., min_length=MIN_EPISODES, max_length=MAX_EPISODES)
    paywall: int = Field(..., ge=1, description="the last free episode")

    @model_validator(mode="after")
    def _consistent(self) -> SeasonPlan:
        if [e.number for e in self.episodes] != list(range(1, len(self.episodes) + 1)):
            raise ValueError("episodes: numbers must run 1..N")
        if self.paywall > len(self.episodes):
            raise ValueError(f"paywall: {self.paywall} is beyond the season's {len(self.episodes)} episodes")
        return self

    def episode(self, number: int) -> EpisodePlan:
        return self.episodes[number - 1]


class Line(Model):
    """One line of dialogue."""

    character: str = Field(..., description="a bible character's name")
    text: str = Field(..., min_length=1, max_length=300)
    parenthetical: str = Field("", max_length=40)


class Beat(Model):
    index: int = Field(..., ge=1)
    kind: BeatKind
    start: float = Field(..., ge=0)
    end: float = Field(..., ge=0)
    location: str = Field(..., description="a bible location name")
    new_scene: bool = Field(True, description="a scene heading precedes this beat (location or time changes)")
    characters: list[str] = Field(default_factory=list, description="bible names on screen")
    action: str = Field("", max_length=400, description="one line of action")
    lines: list[Line] = Field(default_factory=list, max_length=6)

    @property
    def duration(self) -> float:
        return round(self.end - self.start, 3)

    def elements(self, bible: SeriesBible | None = None) -> list[tuple[str, str]]:
        """The beat as screenplay elements (kind, text) for the timing estimator."""
        out: list[tuple[str, str]] = []
        if self.new_scene:
            loc = bible.location(self.location) if bible else None
            out.append(("heading", loc.heading if loc else f"INT. {self.location} - NIGHT"))
        if self.action:
            out.append(("action", self.action))
        for ln in self.lines:
            ch = bible.character(ln.character) if bible else None
            out.append(("character", ch.cue if ch else ln.character.upper()))
            if ln.parenthetical:
                out.append(("parenthetical", f"({ln.parenthetical})"))
            out.append(("dialogue", ln.text))
        return out


class EpisodeBeats(Model):
    episode: int = Field(..., ge=1)
    target_seconds: float = Field(..., ge=MIN_SECONDS, le=MAX_SECONDS)
    cliffhanger_type: CliffhangerType
    beats: list[Beat] = Field(..., min_length=3)

    @property
    def runtime(self) -> float:
        return round(self.beats[-1].end, 3) if self.beats else 0.0


class SlotStats(Model):
    """What the quality controls did: counted per slot kind and in total."""

    slots: int = 0
    accepted: int = 0  # best candidate passed validation as generated
    repaired: int = 0  # a candidate passed after repair (trimmed, name fixed…)
    regenerated: int = 0  # a further round of candidates was needed
    fallback: int = 0  # no candidate passed: a template line was used
    candidates: int = 0
    rejected: dict[str, int] = Field(default_factory=dict, description="rejection reasons → count")
    tokens: int = Field(0, description="tokens the model generated for every candidate")
    tokens_kept: int = Field(0, description="tokens of the candidates chosen (the rest was wasted compute)")

    def add(self, other: SlotStats) -> None:
        for f in ("slots", "accepted", "repaired", "regenerated", "fallback", "candidates", "tokens", "tokens_kept"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        merged = dict(self.rejected)
        for k, v in other.rejected.items():
            merged[k] = merged.get(k, 0) + v
        self.rejected = merged


class SeasonRequest(Model):
    """What the user asks for (CLI flags, a UI form, a batch row). Ranges are checked here."""

    trope: str = Field(..., min_length=1, description="a catalogue id, or free text with custom_trope=True")
    custom_trope: bool = False
    episodes: int = Field(60, ge=MIN_EPISODES, le=MAX_EPISODES)
    length: float = Field(75.0, ge=MIN_SECONDS, le=MAX_SECONDS, description="target seconds per episode")
    paywall: int = Field(10, ge=1)
    seed: int = Field(0, ge=0, lt=2**32)
    model: str | None = None
    pins: PinnedBible = Field(default_factory=PinnedBible)
    candidates: int = Field(6, ge=1, le=32, description="best-of-n candidates per slot")
    rating: str = Field("platform-safe", description="content rating: platform-safe (default) or mature")
    premise: dict | None = Field(None, description="a free-text season's premise as edited by the writer "
                                                   "(dramagen.story.premise.Premise); None: parsed from `trope`")
    created: datetime.date | None = Field(None, description="the day the season was made: every export's draft "
                                                            "date (set when its folder is made, kept on resume)")

    @field_validator("rating")
    @classmethod
    def _rating(cls, v: str) -> str:
        from ..story.rating import RATINGS

        v = str(v).strip().lower()
        if v not in RATINGS:
            raise ValueError(f"one of: {', '.join(RATINGS)}")
        return v

    @model_validator(mode="after")
    def _paywall(self) -> SeasonRequest:
        if self.paywall > self.episodes:
            raise ValueError(f"paywall: episode {self.paywall} is beyond the season's {self.episodes} episodes "
                             f"(accepted: 1 to {self.episodes})")
        return self


class RunManifest(Model):
    """Everything needed to reproduce a run: model, prompt hashes, parameters, seed, versions."""

    dramagen_version: str
    request: SeasonRequest
    model: dict = Field(default_factory=dict, description="backend, name, sha256, device, dtype…")
    prompts: dict[str, str] = Field(default_factory=dict, description="prompt file → sha256")
    params: dict = Field(default_factory=dict, description="generation parameters per slot kind")
    versions: dict[str, str] = Field(default_factory=dict)
    stats: dict[str, SlotStats] = Field(default_factory=dict, description="quality controls per slot kind")
    stages_done: list[str] = Field(default_factory=list)
    episodes_done: list[int] = Field(default_factory=list)
    seconds: dict[str, float] = Field(default_factory=dict, description="wall time per stage (not reproducible)")


# -- scripts (issue: episode scripts, shooting scripts, storyboards, exports) ------------------------
ElementKind = Literal["action", "character", "parenthetical", "dialogue", "transition"]
ShotSize = Literal["ECU", "CU", "MCU", "MS", "WS", "EWS"]
ShotAngle = Literal["eye level", "high", "low", "overhead", "dutch", "over the shoulder", "pov"]
ShotMove = Literal["static", "push in", "pull out", "pan", "tilt", "tracking", "handheld", "whip pan", "crane"]


class ScriptElement(Model):
    """One screenplay paragraph inside a scene (the heading is the scene's)."""

    kind: ElementKind
    text: str = Field(..., min_length=1, max_length=600)
    beat: int | None = Field(None, description="index of the beat it was written from")


class Scene(Model):
    number: int = Field(..., ge=1)
    location: str = Field(..., description="a bible location name")
    interior: bool = True
    time: str = "NIGHT"
    elements: list[ScriptElement] = Field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{'INT' if self.interior else 'EXT'}. {self.location} - {self.time}"

    @property
    def characters(self) -> list[str]:
        """Cues (in order of first line) of the characters who speak in the scene."""
        seen: list[str] = []
        for el in self.elements:
            if el.kind == "character":
                cue = el.text.split("(")[0].strip()
                if cue not in seen:
                    seen.append(cue)
        return seen


class EpisodeScript(Model):
    episode: int = Field(..., ge=1)
    title: str = ""
    target_seconds: float = Field(..., ge=MIN_SECONDS, le=MAX_SECONDS)
    estimated_seconds: float = 0.0
    scenes: list[Scene] = Field(..., min_length=1)

    def elements(self) -> list[tuple[str, str]]:
        """The whole script as (kind, text) pairs for the timing estimator (headings included)."""
        out: list[tuple[str, str]] = []
        for sc in self.scenes:
            out.append(("heading", sc.heading))
            out.extend((el.kind, el.text) for el in sc.elements)
        return out


class Shot(Model):
    number: int = Field(..., ge=1, description="shot number within the episode")
    scene: int = Field(..., ge=1)
    size: ShotSize
    angle: ShotAngle = "eye level"
    movement: ShotMove = "static"
    subject: str = Field(..., description="who or what the frame holds")
    characters: list[str] = Field(default_factory=list, description="bible names in frame")
    action: str = ""
    line: str = Field("", description="the line spoken over the shot, if any")
    speaker: str = ""
    duration: float = Field(..., gt=0)
    notes: str = Field("", description="9:16 framing: stacked two-shot, caption safe area…")


class ShootingScene(Model):
    number: int = Field(..., ge=1)
    heading: str
    location: str
    interior: bool = True
    time: str = "NIGHT"
    cast: list[str] = Field(default_factory=list)
    props: list[str] = Field(default_factory=list)
    wardrobe: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    shots: list[Shot] = Field(default_factory=list)


class ShootingScript(Model):
    episode: int = Field(..., ge=1)
    title: str = ""
    scenes: list[ShootingScene] = Field(..., min_length=1)

    @property
    def shots(self) -> list[Shot]:
        return [s for sc in self.scenes for s in sc.shots]


class StripItem(Model):
    episode: int
    scene: int
    heading: str
    cast: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    shots: int = 0


class ShootDay(Model):
    day: int = Field(..., ge=1)
    location: str
    interior: bool = True
    time: str = "NIGHT"
    items: list[StripItem] = Field(default_factory=list)

    @property
    def seconds(self) -> float:
        return round(sum(i.seconds for i in self.items), 2)


class Stripboard(Model):
    """A season breakdown: scenes grouped by location and cast into a suggested shooting order."""

    days: list[ShootDay] = Field(default_factory=list)


class Finding(Model):
    """One failed rule of any section of ``dramagen check`` (dramagen.project.findings)."""

    section: str = Field(..., description="beats, scripts, … (the check that found it)")
    rule: str = Field(..., description="stable code, e.g. 'tiling.gap'")
    episode: int | None = Field(None, description="None for a season-level finding")
    beat: int | None = None
    message: str

    @property
    def where(self) -> str:
        out = "season" if self.episode is None else f"ep {self.episode}"
        return out + (f" beat {self.beat}" if self.beat is not None else "")
