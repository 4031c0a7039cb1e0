"""The trope catalogue: what drives today's micro-drama market, as data.

Each trope is one YAML file in ``prompts/tropes/<id>.yaml`` (see any of them for the
shape). A trope gives the pipeline everything it needs before the model writes a word:
archetypal roles with name pools (a cast without the model), typical locations, the
signature beats of a season with their place in it, the cliffhanger types the genre
favours, keywords to score the model's output for on-topic-ness, and worked examples
for few-shot prompts.

Public API: :data:`CLIFFHANGER_TYPES`, :func:`catalogue_dir`, :func:`load_catalogue`,
:func:`list_tropes`, :func:`trope_ids`, :func:`get_trope`. A free-text trope is built in
``dramagen.story.custom`` (``custom_base``, then ``custom_trope``), which imports this module, never the reverse.
"""

from __future__ import annotations

import difflib
import os
import random
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..core import config
from ..core.errors import InputError, PromptError, UnknownTropeError
from ..core.text import one_line as _one_line

__all__ = [
    "BEAT_FUNCTIONS",
    "CLIFFHANGER_TYPES",
    "GENRES",
    "NON_ROMANCE_GENRES",
    "SETTING_TIMES",
    "SignatureBeat",
    "Trope",
    "TropeExample",
    "TropeRole",
    "TropeSecret",
    "TropeSetting",
    "TropeStory",
    "catalogue_dir",
    "get_trope",
    "list_tropes",
    "load_catalogue",
    "trope_ids",
]

#: The ten cliffhanger types of docs/architecture.md, Format (same order as ``dramagen.core.models``).
CLIFFHANGER_TYPES: tuple[str, ...] = ("reveal", "danger", "betrayal", "arrival", "decision", "confession",
                                      "identity", "ultimatum", "accident", "choice")
CliffhangerType = Literal["reveal", "danger", "betrayal", "arrival", "decision", "confession", "identity",
                          "ultimatum", "accident", "choice"]

#: What a signature beat does in the season's arc.
BEAT_FUNCTIONS: tuple[str, ...] = ("hook", "setup", "escalation", "reversal", "twist", "midpoint", "dark_moment",
                                   "climax", "resolution")
BeatFunction = Literal["hook", "setup", "escalation", "reversal", "twist", "midpoint", "dark_moment", "climax",
                       "resolution"]

#: Times of day a setting may carry (the same as ``dramagen.core.models.Location``).
SETTING_TIMES: tuple[str, ...] = ("DAY", "NIGHT", "DAWN", "DUSK", "MORNING", "EVENING", "CONTINUOUS")

#: Primary genre of a trope (for grouping in the UI and the catalogue tests).
GENRES: tuple[str, ...] = ("romance", "revenge", "fantasy", "family", "mystery", "sci-fi", "thriller", "drama")
NON_ROMANCE_GENRES: frozenset[str] = frozenset({"mystery", "sci-fi", "thriller"})

ENV_PROMPTS_DIR = "DRAMAGEN_PROMPTS_DIR"

_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ROLE_RE = re.compile(r"^[a-z][a-z_]*$")
_PERSON_RE = re.compile(r"^[A-Z][A-Za-z'\-]*$")
_SETTING_RE = re.compile(r"^[A-Z0-9][A-Z0-9 '&\-]*$")
_KEYWORD_RE = re.compile(r"^[a-z][a-z'\-]*$")
_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")


#: a text field kept on one line (whitespace runs collapsed); the length limits apply to the text as given
OneLine = Annotated[str, AfterValidator(_one_line)]


def _one_of(v: str, choices: tuple[str, ...]) -> str:
    """``v`` when it is one of ``choices``, else the validation error that lists them."""
    if v not in choices:
        raise ValueError("one of " + ", ".join(choices))
    return v


def _distinct(items: list[str], ok: Callable[[str], bool], bad: str, what: str) -> list[str]:
    """The items stripped; each must pass ``ok`` (else "'item' ``bad``") and no two may be equal."""
    out = [str(x).strip() for x in items]
    for x in out:
        if not ok(x):
            raise ValueError(f"{x!r} {bad}")
    if len(set(out)) != len(out):
        raise ValueError(f"{what} must be distinct")
    return out


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TropeRole(_Frozen):
    """An archetypal role with a pool of fitting first names."""

    role: str = Field(..., min_length=2, max_length=30,
                      description="lead, love_interest, rival, antagonist, ally, mentor, family…")
    archetype: OneLine = Field(..., min_length=3, max_length=160, description="who this person is, in a phrase")
    names: list[str] = Field(..., min_length=4, max_length=6, description="4–6 fitting first names")

    @field_validator("role")
    @classmethod
    def _role(cls, v: str) -> str:
        v = v.strip().lower().replace("-", "_").replace(" ", "_")
        if not _ROLE_RE.match(v):
            raise ValueError("a lowercase role word such as lead, love_interest, rival")
        return v

    @field_validator("names")
    @classmethod
    def _names(cls, v: list[str]) -> list[str]:
        return _distinct(v, lambda n: bool(_PERSON_RE.match(n)) and len(n) <= 20,
                         "is not a capitalised first name (letters, ' and - only)", "names")


class TropeSetting(_Frozen):
    """A typical location, as it appears in a scene heading."""

    name: str = Field(..., min_length=2, max_length=40, description="in capitals, e.g. PACK HALL")
    interior: bool = True
    time: str = Field("NIGHT", description="one of " + ", ".join(SETTING_TIMES))

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = _one_line(v)
        if v != v.upper() or not _SETTING_RE.match(v):
            raise ValueError("capital letters, digits, spaces, ' & - only, e.g. 'PACK HALL'")
        return v

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        return _one_of(str(v).strip().upper(), SETTING_TIMES)

    @property
    def heading(self) -> str:
        """The scene heading: ``INT. PACK HALL - NIGHT``."""
        return f"{'INT' if self.interior else 'EXT'}. {self.name} - {self.time}"


class SignatureBeat(_Frozen):
    """A beat the genre's audience expects, placed in the season (0.0 = first episode)."""

    at: float = Field(..., ge=0.0, le=1.0, description="fraction of the season, 0.0–1.0")
    beat: OneLine = Field(..., min_length=3, max_length=240)
    function: BeatFunction


class TropeExample(_Frozen):
    """A worked example for few-shot prompts: a synopsis and the cliffhanger that ends it."""

    story: OneLine = Field(..., min_length=10, max_length=300, description="a one-line synopsis")
    cliffhanger_type: CliffhangerType
    cliffhanger: OneLine = Field(..., min_length=10, max_length=160, description="one punchy line, 6–16 words")

    @field_validator("cliffhanger")
    @classmethod
    def _words(cls, v: str) -> str:
        n = len(_WORD_RE.findall(v))
        if not 6 <= n <= 16:
            raise ValueError(f"6–16 words, not {n}")
        return v


class TropeSecret(_Frozen):
    """A secret the season's story turns on: who keeps it, whose it is, and what proves it."""

    id: str = Field(..., min_length=2, max_length=40, description="kebab-case, unique in the trope")
    holder: str = Field(..., description="the role who knows it at the start")
    about: str = Field(..., description="the role whose secret it is")
    text: str = Field(..., min_length=5, max_length=200, description="completes 'the secret is that …'")
    evidence: str = Field(..., min_length=3, max_length=80, description="a physical object that proves it")

    @field_validator("id")
    @classmethod
    def _sid(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError("kebab-case, e.g. 'lead-identity'")
        return v

    @field_validator("text", "evidence")
    @classmethod
    def _line(cls, v: str) -> str:
        return _one_line(v).rstrip(".")


class TropeStory(_Frozen):
    """The story facts of a trope (docs/architecture.md, "Story"): world, stakes, secrets, props, relations."""

    world: OneLine = Field(..., min_length=3, max_length=80)
    period: OneLine = Field("present day", min_length=3, max_length=40)
    supernatural: bool = False
    stakes: OneLine = Field(..., min_length=3, max_length=120)
    secrets: list[TropeSecret] = Field(..., min_length=1, max_length=4)
    objects: list[str] = Field(..., min_length=2, max_length=6)
    relations: dict[str, str] = Field(default_factory=dict, description="role → how they are tied to the lead")
    names: dict[str, str] = Field(default_factory=dict, description="role → a name the premise gave (kept)")
    genders: dict[str, Literal["female", "male"]] = Field(
        default_factory=dict, description="role → the gender the premise gave it (the look follows it)")
    wants: dict[str, str] = Field(default_factory=dict, description="role → what the premise says they are after")
    hides: dict[str, str] = Field(default_factory=dict, description="role → the secret on their card the premise "
                                  "implies, no thread of the ledger ({foe} {lead}: first names)")

    @field_validator("objects")
    @classmethod
    def _objects(cls, v: list[str]) -> list[str]:
        return [_one_line(o) for o in v]

    @model_validator(mode="after")
    def _unique(self) -> TropeStory:
        ids = [s.id for s in self.secrets]
        if len(set(ids)) != len(ids):
            raise ValueError("story.secrets: ids must be unique")
        return self


class Trope(_Frozen):
    """A genre trope: the seed of a series bible."""

    id: str = Field(..., min_length=2, max_length=60, description="kebab-case, the file's stem")
    name: OneLine = Field(..., min_length=2, max_length=80)
    genre: str = Field("drama", description="one of " + ", ".join(GENRES))
    pitch: OneLine = Field(..., min_length=10, max_length=300, description="one line")
    tone: OneLine = Field(..., min_length=3, max_length=100, description="a few words")
    content_notes: list[str] = Field(default_factory=list, max_length=12)
    roles: list[TropeRole] = Field(..., min_length=3, max_length=6)
    settings: list[TropeSetting] = Field(..., min_length=4, max_length=6)
    signature_beats: list[SignatureBeat] = Field(..., min_length=6, max_length=10)
    cliffhangers: list[CliffhangerType] = Field(..., min_length=3, max_length=10,
                                                description="preferred cliffhanger types (3–6 in the catalogue)")
    keywords: list[str] = Field(..., min_length=8, max_length=15)
    examples: list[TropeExample] = Field(..., min_length=3, max_length=3)
    custom: bool = Field(False, description="built from free text by story.custom.custom_trope()")
    story: TropeStory | None = Field(None, description="world, stakes, secrets, props (the story ledger's seed)")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError("kebab-case: lowercase letters and digits joined by '-', e.g. 'hidden-heir'")
        return v

    @field_validator("genre")
    @classmethod
    def _genre(cls, v: str) -> str:
        return _one_of(str(v).strip().lower(), GENRES)

    @field_validator("content_notes")
    @classmethod
    def _notes(cls, v: list[str]) -> list[str]:
        out = [_one_line(n).lower() for n in v]
        if any(not n for n in out):
            raise ValueError("content notes must not be empty")
        return out

    @field_validator("cliffhangers")
    @classmethod
    def _cliffhangers(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("cliffhanger types must be distinct")
        return v

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, v: list[str]) -> list[str]:
        return _distinct(v, lambda k: bool(_KEYWORD_RE.match(k)), "is not one lowercase word", "keywords")

    @model_validator(mode="after")
    def _coherent(self) -> Trope:
        ats = [b.at for b in self.signature_beats]
        if ats != sorted(ats):
            raise ValueError("signature_beats: 'at' must be in increasing order, got " + ", ".join(map(str, ats)))
        seen: dict[str, str] = {}
        for r in self.roles:
            for n in r.names:
                if n in seen:
                    raise ValueError(f"roles: name {n!r} is in both {seen[n]!r} and {r.role!r}")
                seen[n] = r.role
        if len({s.name for s in self.settings}) != len(self.settings):
            raise ValueError("settings: names must be distinct")
        if self.story is not None:
            roles = {r.role for r in self.roles}
            for sec in self.story.secrets:
                for fld in ("holder", "about"):
                    if getattr(sec, fld) not in roles:
                        raise ValueError(f"story.secrets.{sec.id}.{fld}: {getattr(sec, fld)!r} is not one of the "
                                         f"roles ({', '.join(sorted(roles))})")
            bad = sorted(set(self.story.relations) - roles)
            if bad:
                raise ValueError(f"story.relations: {', '.join(bad)} not among the roles ({', '.join(sorted(roles))})")
        names = self.all_names
        for i, ex in enumerate(self.examples):
            if not any(re.search(rf"\b{re.escape(n)}\b", ex.cliffhanger) for n in names):
                raise ValueError(f"examples.{i}.cliffhanger: must name a character from the roles' names "
                                 f"({', '.join(names[:6])}…)")
        return self

    # -- helpers -------------------------------------------------------------------------------------------

    @property
    def all_names(self) -> list[str]:
        """Every name of every role's pool, in file order."""
        return [n for r in self.roles for n in r.names]

    @property
    def is_romance(self) -> bool:
        return self.genre not in NON_ROMANCE_GENRES

    def role(self, role: str) -> TropeRole | None:
        """The first role of that kind (``lead``, ``love_interest``…), or None."""
        for r in self.roles:
            if r.role == role:
                return r
        return None

    def default_cast(self, seed: int = 0) -> list[tuple[TropeRole, str]]:
        """One name per role, drawn from the pools with ``seed`` (deterministic)."""
        rng = random.Random(f"{self.id}:{seed}")
        return [(r, rng.choice(r.names)) for r in self.roles]

    def examples_for(self, cliffhanger_type: str) -> list[TropeExample]:
        """The examples, those of the given cliffhanger type first (for few-shot prompts)."""
        return sorted(self.examples, key=lambda e: e.cliffhanger_type != cliffhanger_type)


# -- the catalogue ---------------------------------------------------------------------------------------------


def catalogue_dir() -> Path:
    """Where the trope files are: ``$DRAMAGEN_PROMPTS_DIR/tropes`` if that variable is set,
    else the repository's ``prompts/tropes``."""
    env = config.get_path(ENV_PROMPTS_DIR)
    if env:
        return env / "tropes"
    from ..core.prompting import prompts_dir

    return prompts_dir() / "tropes"


def _format_validation(err: ValidationError) -> str:
    parts = []
    for e in err.errors()[:5]:
        loc = ".".join(str(p) for p in e.get("loc", ())) or "(file)"
        msg = e.get("msg", "invalid")
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        parts.append(f"{loc}: {msg}")
    more = len(err.errors()) - 5
    if more > 0:
        parts.append(f"(and {more} more)")
    return "; ".join(parts)


def load_trope_file(path: str | os.PathLike[str]) -> Trope:
    """Read and validate one trope file. Errors name the file and the field."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PromptError(f"trope file {p}: cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise PromptError(f"trope file {p}: not valid YAML{at} ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict):
        raise PromptError(f"trope file {p}: expected a mapping of fields (id, name, pitch, …), "
                          f"got {type(data).__name__}")
    try:
        trope = Trope.model_validate(data)
    except ValidationError as exc:
        raise PromptError(f"trope file {p}: {_format_validation(exc)}") from None
    if trope.id != p.stem:
        raise PromptError(f"trope file {p}: id: {trope.id!r} must equal the file name {p.stem!r}")
    if trope.custom:
        raise PromptError(f"trope file {p}: custom: must be false in the catalogue")
    return trope


@lru_cache(maxsize=8)
def _load_cached(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> dict[str, Trope]:
    out: dict[str, Trope] = {}
    for name, _, _ in stamp:
        trope = load_trope_file(Path(directory) / name)
        out[trope.id] = trope
    return dict(sorted(out.items()))


def load_catalogue(path: str | os.PathLike[str] | None = None) -> dict[str, Trope]:
    """All tropes of a folder of ``*.yaml`` files (default :func:`catalogue_dir`), by id.

    Cached; a file added, removed or edited is picked up on the next call. A missing
    or empty folder, or any invalid file, raises :class:`PromptError` naming it.
    """
    directory = Path(path) if path is not None else catalogue_dir()
    if not directory.is_dir():
        raise PromptError(f"trope catalogue: folder {directory} not found "
                          f"(set {ENV_PROMPTS_DIR} to a prompts folder that has tropes/)")
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        raise PromptError(f"trope catalogue: no *.yaml files in {directory}")
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return dict(_load_cached(str(directory.resolve()), stamp))


def list_tropes(path: str | os.PathLike[str] | None = None) -> list[Trope]:
    """Every catalogue trope, sorted by id."""
    return list(load_catalogue(path).values())


def trope_ids(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Every catalogue id, sorted."""
    return list(load_catalogue(path))


def _normalise_id(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower()).strip("-")


def _suggest(query: str, catalogue: dict[str, Trope], n: int = 3) -> list[str]:
    """The ``n`` ids closest to ``query``: spelling (difflib) and shared words of id, name, keywords."""
    q = _normalise_id(query)
    qwords = [w for w in q.split("-") if len(w) >= 3]
    scored: list[tuple[float, str]] = []
    for tid, t in catalogue.items():
        score = difflib.SequenceMatcher(None, q, tid).ratio()
        score = max(score, difflib.SequenceMatcher(None, q, _normalise_id(t.name)).ratio())
        title_words = set(tid.split("-")) | set(_normalise_id(t.name).split("-"))
        keywords = set(t.keywords)
        for w in qwords:
            if w in title_words:
                score += 1.0
            elif len(w) >= 4 and any(t.startswith(w) or (len(t) >= 4 and w.startswith(t)) for t in title_words):
                score += 0.9
            elif difflib.get_close_matches(w, title_words, n=1, cutoff=0.8):
                score += 0.7
            elif w in keywords or difflib.get_close_matches(w, keywords, n=1, cutoff=0.85):
                score += 0.4
        scored.append((score, tid))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [tid for score, tid in scored[:n] if score >= 0.35]


def get_trope(trope_id: str, path: str | os.PathLike[str] | None = None) -> Trope:
    """The catalogue trope with that id (case, spaces and underscores forgiven:
    ``"Hidden Heir"`` finds ``hidden-heir``), else :class:`UnknownTropeError` with the
    three closest ids."""
    if not isinstance(trope_id, str) or not trope_id.strip():
        raise InputError("trope", trope_id, "a trope id from the catalogue (see: dramagen tropes list)")
    catalogue = load_catalogue(path)
    if trope_id in catalogue:
        return catalogue[trope_id]
    key = _normalise_id(trope_id)
    if key in catalogue:
        return catalogue[key]
    for t in catalogue.values():
        if _normalise_id(t.name) == key:
            return t
    raise UnknownTropeError(trope_id, _suggest(trope_id, catalogue))
