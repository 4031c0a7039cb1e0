"""The phrase library: authored phrasings per story event type (``prompts/phrases/<type>.yaml``).

Each file gives, for one event type, a one-clause ``summary`` and many variants of a
synopsis, a cliffhanger, the next episode's opening payoff, camera-visible action
paragraphs, lines each participant says, and two-line exchanges ({a} speaks, {b} answers) that
read as one conversation about the event. Filled with a season's names, objects and
secret, they serve as few-shot examples for the model and as fallbacks that stay on the
story when no candidate passes. Variants are chosen with the run's seed.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import Field

from ..core.errors import PromptError
from ..core.models import Model
from ..core.seeding import rng
from .ledger import EVENT_TYPES

__all__ = ["EventPhrases", "Filler", "PLACEHOLDERS", "fits_object", "load_phrases", "phrases_for"]

PLACEHOLDERS = frozenset({"a", "b", "object", "secret", "loc", "stakes"})


class _Lines(Model):
    a: list[str] = Field(..., min_length=1)
    b: list[str] = Field(..., min_length=1)


class EventPhrases(Model):
    type: str
    summary: str
    synopsis: list[str] = Field(..., min_length=1)
    cliffhanger: list[str] = Field(..., min_length=1)
    payoff: list[str] = Field(..., min_length=1)
    action: list[str] = Field(..., min_length=1)
    lines: _Lines
    #: two-line exchanges on this event: [what {a} says, what {b} answers]
    exchanges: list[tuple[str, str]] = Field(..., min_length=6)


@dataclass(frozen=True)
class Filler:
    """The values a phrase is filled with."""

    a: str
    b: str
    object: str = "the letter"
    secret: str = "the truth"
    loc: str = "the room"
    stakes: str = "everything"

    def fill(self, template: str) -> str:
        text = template.format(**self.__dict__)
        # every sentence starts with a capital, a filled-in object too ('… the box. The pawn ticket rolls …')
        text = re.sub(r"([.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
        return text[0].upper() + text[1:] if text else text


def _dir() -> Path:
    from ..core.prompting import prompts_dir

    return Path(prompts_dir()) / "phrases"


def _check_placeholders(path: Path, data: dict) -> None:
    texts = [data.get("summary", "")] + [t for k in ("synopsis", "cliffhanger", "payoff", "action")
                                         for t in data.get(k) or []]
    texts += [t for side in (data.get("lines") or {}).values() for t in side or []]
    texts += [t for pair in data.get("exchanges") or [] for t in (pair if isinstance(pair, list) else [pair])]
    for t in texts:
        for _, name, _, _ in string.Formatter().parse(str(t)):
            if name is not None and name not in PLACEHOLDERS:
                raise PromptError(f"{path}: unknown placeholder {{{name}}} in {t!r}; "
                                  f"allowed: {', '.join(sorted(PLACEHOLDERS))}")


@lru_cache(maxsize=4)
def load_phrases(directory: str | None = None) -> dict[str, EventPhrases]:
    """Every event type's phrases (a missing or malformed file is a :class:`PromptError`)."""
    root = Path(directory) if directory else _dir()
    out = {}
    for t in EVENT_TYPES:
        path = root / f"{t}.yaml"
        if not path.is_file():
            raise PromptError(f"phrase library: {path} is missing (one file per event type)")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        _check_placeholders(path, data)
        try:
            out[t] = EventPhrases(**data)
        except Exception as e:  # pydantic's message names the field
            raise PromptError(f"{path}: {e}") from None
    return out


_PAPER_VERB = re.compile(r"\b(sign|signs|signed|signing|read|reads|reading|tear|tears|tore|torn|rip|rips|ripped|write|"
                         r"writes|wrote|stamp|stamps|stamped|fold|folds|folded|shred|shreds|shredded)\b(?:\s+\w+)?\s+"
                         r"\{object\}")
_PAPERS = frozenset("""letter letters papers paper contract will certificate deed note notes report records record diary
journal ledger file files document documents memo receipt statement invitation envelope page pages sketchbook manuscript
card cards check cheque agreement license licence list message messages confession score bill""".split())


def fits_object(template: str, obj: str) -> bool:
    """False for a phrase that signs, reads or tears ``{object}`` when the object is no paper (a watch, a ring)."""
    head = (re.findall(r"[A-Za-z]+", obj) or [""])[-1].lower()
    return head in _PAPERS or not _PAPER_VERB.search(template)


def phrases_for(event_type: str) -> EventPhrases:
    return load_phrases()[event_type]


def pick(options: list[str], seed: int, *purpose: object, avoid: set[str] | None = None) -> str:
    """One variant, chosen with the seed and a purpose (an unused one where possible)."""
    pool = [o for o in options if not avoid or o not in avoid] or options
    return rng(seed, "phrase", *purpose).choice(pool)
