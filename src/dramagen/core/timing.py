"""Screen-time estimator (docs/architecture.md, Format).

A micro-drama episode must run 60–90 s and land within ±10 % of its target, so every
written episode is timed before it is accepted. The estimate is a sum over screenplay
elements:

- dialogue: spoken words at :attr:`TimingSettings.dialogue_wps` words per second;
- action: words at :attr:`TimingSettings.action_wps` words per second, but never less
  than :attr:`TimingSettings.min_action_seconds` per action paragraph (one paragraph is
  roughly one shot, and a shot on screen lasts a moment however short its description);
- a scene heading, a transition and a parenthetical each add a fixed time;
- a character cue, a section, a synopsis, a note and a page break add nothing.

The constants are settings (defaults in code, overridable by environment variables
``DRAMAGEN_TIMING_<FIELD>``, e.g. ``DRAMAGEN_TIMING_DIALOGUE_WPS=2.5``). The defaults
are the micro-drama pace of docs/architecture.md, Format; :meth:`TimingSettings.feature_film` is the
slower pace of a feature film. The method is checked against real screenplays in
``tests/test_timing.py``: at feature pace it times *Big Fish* (125 min film) at 124 min
and the three short scripts shipped by the npm package ``afterwriting`` within 7 % of
their page-a-minute length; at micro pace a standard page plays about 30–50 s.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from . import config
from .errors import InputError

__all__ = [
    "ELEMENT_KINDS",
    "ENV_PREFIX",
    "Estimate",
    "TimingSettings",
    "check_target",
    "count_words",
    "estimate_action",
    "estimate_dialogue",
    "estimate_elements",
    "estimate_fountain",
    "fits",
    "fountain_elements",
    "get_settings",
    "grid_durations",
    "grid_edges",
]

ENV_PREFIX = "DRAMAGEN_TIMING_"

ElementKind = Literal["heading", "action", "character", "dialogue", "parenthetical", "transition"]
ELEMENT_KINDS: tuple[str, ...] = ("heading", "action", "character", "dialogue", "parenthetical", "transition")

#: Episode length bounds of the format (docs/architecture.md, Format), in seconds.
MIN_EPISODE_SECONDS = 60.0
MAX_EPISODE_SECONDS = 90.0

_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")


class TimingSettings(BaseModel):
    """The constants of the screen-time estimate. All are positive numbers."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    dialogue_wps: float = Field(2.75, gt=0, le=10)
    """Spoken dialogue, words per second. 2.75 w/s = 165 words a minute, the middle of the
    150–180 wpm of conversational English on screen (docs/architecture.md, Format; audiobook and subtitle
    guidelines cite 150–160 wpm for clear speech, fast TV dialogue runs to ~180 wpm).
    Micro dramas are played fast; feature films sit at the lower end."""

    action_wps: float = Field(12.0, gt=0, le=100)
    """Action (scene description) words per second of screen time: 12 words ≈ 1 s, the
    middle of docs/architecture.md, Format's "1 s per 10–15 words", for the terse, fast-cut action lines of
    micro dramas. Feature films play their action slower: see :meth:`feature_film`."""

    min_action_seconds: float = Field(1.5, ge=0, le=30)
    """Minimum screen time of one action paragraph, which is roughly one shot: even a
    three-word line ("She turns.") is a cut that lasts 1–2 s. Vertical micro dramas
    cut every 1.5–4 s, hence 1.5 s."""

    heading_seconds: float = Field(1.0, ge=0, le=30)
    """Time added by a scene heading (a new scene is a cut and a beat of orientation):
    docs/architecture.md, Format "a scene heading or cut adds ~1 s"."""

    transition_seconds: float = Field(1.0, ge=0, le=30)
    """Time added by a transition (CUT TO:, SMASH CUT TO:, FADE OUT.): ~1 s, as a heading."""

    parenthetical_seconds: float = Field(0.5, ge=0, le=30)
    """Time added by a parenthetical ((beat), (re: the ring)): a pause or a bit of
    business inside a speech, ~0.5 s."""

    page_seconds: float = Field(60.0, gt=0, le=600)
    """Screen time of one screenplay page in standard format (Courier 12, ~55 lines): the
    industry's page-a-minute rule, used to report ``pages_equivalent``."""

    @classmethod
    def micro_drama(cls) -> TimingSettings:
        """The defaults: the pace of a vertical micro drama (docs/architecture.md, Format)."""
        return cls()

    @classmethod
    def feature_film(cls) -> TimingSettings:
        """The pace of a feature film, for timing ordinary screenplays.

        - dialogue 2.5 w/s = 150 wpm, the figure usually quoted for film dialogue and
          the slow end of docs/architecture.md, Format's 150–180 wpm;
        - action 10 words/s, the slow end of docs/architecture.md, Format's "1 s per 10–15 words";
        - at least 3.5 s per action paragraph: the average shot length of Hollywood
          features of the 2000s is about 3–5 s (Bordwell, *The Way Hollywood Tells It*,
          2006; Cutting, DeLong & Nothelfer, *Psychological Science* 2010);
        - 2 s per scene heading: a new scene usually opens on an establishing or
          orienting shot.

        Checked in ``tests/test_timing.py`` against the page counts of the real
        scripts shipped by the npm package ``afterwriting`` and, when the file is
        available, against *Big Fish* (2003, 125 min).
        """
        return cls(dialogue_wps=2.5, action_wps=10.0, min_action_seconds=3.5, heading_seconds=2.0)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: float) -> TimingSettings:
        """Defaults, then ``DRAMAGEN_TIMING_<FIELD>`` variables, then ``overrides``.

        A variable that is not a positive number raises :class:`InputError` naming it.
        """
        env = config.prefixed(ENV_PREFIX, environ)
        values: dict[str, float] = {}
        for name in cls.model_fields:
            key = ENV_PREFIX + name.upper()
            raw = env.get(key)
            if raw is None or raw.strip() == "":
                continue
            try:
                value = float(raw)
            except ValueError:
                raise InputError(key, raw, "a number") from None
            if not math.isfinite(value):
                raise InputError(key, raw, "a finite number")
            values[name] = value
        values.update(overrides)
        try:
            return cls(**values)
        except ValueError as exc:  # pydantic.ValidationError
            errors: list[Any] = getattr(exc, "errors", lambda: [])()
            if errors:
                field = str(errors[0]["loc"][0]) if errors[0].get("loc") else "timing"
                raise InputError(ENV_PREFIX + field.upper(), values.get(field),
                                 _describe_bounds(cls, field)) from None
            raise


def _describe_bounds(cls: type[TimingSettings], field: str) -> str:
    info = cls.model_fields.get(field)
    if info is None:
        return "a known timing setting: " + ", ".join(cls.model_fields)
    lo = hi = None
    lo_strict = False
    for meta in info.metadata:
        if getattr(meta, "gt", None) is not None:
            lo, lo_strict = meta.gt, True
        if getattr(meta, "ge", None) is not None:
            lo = meta.ge
        if getattr(meta, "le", None) is not None:
            hi = meta.le
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_strict else '>='} {lo}")
    if hi is not None:
        parts.append(f"<= {hi}")
    return "a number " + " and ".join(parts) if parts else "a number"


@lru_cache(maxsize=1)
def _env_settings_cached(snapshot: tuple[tuple[str, str], ...]) -> TimingSettings:
    return TimingSettings.from_env(dict(snapshot))


def get_settings() -> TimingSettings:
    """The settings in force: defaults overridden by ``DRAMAGEN_TIMING_*`` variables.

    Re-read whenever those variables change (cached on their values).
    """
    snapshot = tuple(sorted(config.prefixed(ENV_PREFIX).items()))
    return _env_settings_cached(snapshot)


def _settings(settings: TimingSettings | None) -> TimingSettings:
    return get_settings() if settings is None else settings


def count_words(text: str) -> int:
    """Number of words in ``text``: runs of letters/digits, with inner ' ’ - kept
    ("don't", "forty-two" count once). Punctuation and Fountain emphasis marks are not
    words."""
    if not text:
        return 0
    return len(_WORD_RE.findall(text))


def estimate_dialogue(text: str, settings: TimingSettings | None = None) -> float:
    """Seconds to speak ``text`` (one speech or a whole scene's lines)."""
    s = _settings(settings)
    return count_words(text) / s.dialogue_wps


def estimate_action(text: str, settings: TimingSettings | None = None) -> float:
    """Seconds of screen time of one action paragraph (≈ one shot).

    Empty or wordless text plays for 0 s; any other paragraph for at least
    ``min_action_seconds``.
    """
    s = _settings(settings)
    words = count_words(text)
    if words == 0:
        return 0.0
    return max(s.min_action_seconds, words / s.action_wps)


def estimate_elements(elements: Iterable[tuple[str, str]], settings: TimingSettings | None = None) -> float:
    """Seconds of screen time of a sequence of ``(kind, text)`` screenplay elements.

    ``kind`` is one of ``heading``, ``action``, ``character``, ``dialogue``,
    ``parenthetical``, ``transition``; each ``action`` element is one paragraph (shot).
    An unknown kind raises :class:`InputError`.
    """
    s = _settings(settings)
    total = 0.0
    for item in elements:
        try:
            kind, text = item
        except (TypeError, ValueError):
            raise InputError("elements", item, "(kind, text) pairs") from None
        kind = str(kind).lower()
        text = "" if text is None else str(text)
        if kind == "heading":
            total += s.heading_seconds
        elif kind == "action":
            total += estimate_action(text, s)
        elif kind == "dialogue":
            total += estimate_dialogue(text, s)
        elif kind == "parenthetical":
            total += s.parenthetical_seconds
        elif kind == "transition":
            total += s.transition_seconds
        elif kind == "character":
            pass
        else:
            raise InputError("element kind", kind, "one of " + ", ".join(ELEMENT_KINDS))
    return total


class Estimate(BaseModel):
    """The timing of a whole screenplay (or one episode's Fountain)."""

    model_config = ConfigDict(frozen=True)

    seconds: float
    """Estimated screen time, in seconds."""
    scenes: int
    """Number of scene headings."""
    dialogue_words: int
    """Words spoken (dialogue, parentheticals excluded)."""
    action_words: int
    """Words of action (scene description)."""
    pages_equivalent: float
    """``seconds`` in screenplay pages at the page-a-minute rule (``page_seconds``)."""

    @property
    def minutes(self) -> float:
        return self.seconds / 60.0


def _dialog_elements(dialog) -> list[tuple[str, str]]:
    """Elements of one screenplain ``Dialog``: cue, then speech and parentheticals.

    A parenthetical may span several lines; consecutive parenthetical lines are one.
    Consecutive speech lines are one dialogue element.
    """
    out: list[tuple[str, str]] = [("character", str(dialog.character))]
    for is_paren, line in dialog.blocks:
        kind = "parenthetical" if is_paren else "dialogue"
        text = str(line)
        if out and out[-1][0] == kind and len(out) > 1:
            out[-1] = (kind, out[-1][1] + "\n" + text)
        else:
            out.append((kind, text))
    return out


def fountain_elements(text: str) -> list[tuple[str, str]]:
    """Parse Fountain with screenplain into ``(kind, text)`` elements.

    The title page, sections, synopses, notes, boneyard and page breaks are dropped.
    Dual dialogue counts both speeches (they overlap on screen, but the estimate errs
    long: a dual exchange is usually played as quick alternation).
    """
    from screenplain.parsers.fountain import parse
    from screenplain.types import Action, Dialog, DualDialog, Slug, Transition

    if not isinstance(text, str):
        raise InputError("fountain", type(text).__name__, "Fountain text (a str)")
    # screenplain takes the first block as a title page only if every line is "Key: value";
    # a leading BOM would hide the first key.
    text = text.lstrip("\ufeff")
    screenplay = parse(io.StringIO(text))
    elements: list[tuple[str, str]] = []
    for para in screenplay.paragraphs:
        if isinstance(para, Slug):
            elements.append(("heading", str(para.line)))
        elif isinstance(para, Action):
            elements.append(("action", "\n".join(str(line) for line in para.lines)))
        elif isinstance(para, DualDialog):
            elements.extend(_dialog_elements(para.left))
            elements.extend(_dialog_elements(para.right))
        elif isinstance(para, Dialog):
            elements.extend(_dialog_elements(para))
        elif isinstance(para, Transition):
            elements.append(("transition", str(para.line)))
        # Section, PageBreak and anything else: no screen time
    return elements


def estimate_fountain(text: str, settings: TimingSettings | None = None) -> Estimate:
    """Estimate the screen time of a Fountain screenplay (title page allowed)."""
    s = _settings(settings)
    elements = fountain_elements(text)
    seconds = estimate_elements(elements, s)
    scenes = sum(1 for kind, _ in elements if kind == "heading")
    dialogue_words = sum(count_words(t) for kind, t in elements if kind == "dialogue")
    action_words = sum(count_words(t) for kind, t in elements if kind == "action")
    return Estimate(
        seconds=round(seconds, 3),
        scenes=scenes,
        dialogue_words=dialogue_words,
        action_words=action_words,
        pages_equivalent=round(seconds / s.page_seconds, 3),
    )


def check_target(target: float) -> float:
    """Validate an episode length target: a number of seconds from 60 to 90.

    Returns it as a float; anything else raises ``InputError("length", …)``.
    """
    accepted = "a number of seconds from 60 to 90"
    if isinstance(target, bool):
        raise InputError("length", target, accepted)
    try:
        value = float(target)
    except (TypeError, ValueError):
        raise InputError("length", target, accepted) from None
    if not math.isfinite(value) or not MIN_EPISODE_SECONDS <= value <= MAX_EPISODE_SECONDS:
        raise InputError("length", target, accepted)
    return value


def fits(seconds: float, target: float, tolerance: float = 0.10,
         lo: float = MIN_EPISODE_SECONDS, hi: float = MAX_EPISODE_SECONDS) -> bool:
    """True when ``seconds`` is within ``±tolerance`` (a fraction) of ``target`` and
    inside ``[lo, hi]`` (docs/architecture.md, Format: ±10 % of the target and inside 60–90 s)."""
    try:
        seconds = float(seconds)
        target = float(target)
    except (TypeError, ValueError):
        return False
    if not (math.isfinite(seconds) and math.isfinite(target)) or target <= 0:
        return False
    eps = 1e-9
    return (abs(seconds - target) <= tolerance * target + eps) and (lo - eps <= seconds <= hi + eps)


def grid_edges(seconds: Iterable[float]) -> list[float]:
    """The running totals of ``seconds``, each rounded to 0.01 s: cut points on a grid that never drifts
    (cumulative rounding, so the last edge is the rounded sum)."""
    edges: list[float] = []
    acc = 0.0
    for x in seconds:
        acc += x
        edges.append(round(acc, 2))
    return edges


def grid_durations(seconds: Iterable[float]) -> list[float]:
    """Durations on a 0.01 s grid whose sum is the rounded total: the gaps between :func:`grid_edges`."""
    edges = grid_edges(seconds)
    return [round(edge - prev, 2) for prev, edge in zip([0.0] + edges, edges)]
