"""The experiment file: its schema (:class:`Experiment`, variants, sampling, the season each cell writes)
and its validation, every error an :class:`~dramagen.core.errors.InputError` naming the field.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..core.errors import InputError

#: A grid with more cells than this needs ``--yes`` (``max_cells`` in the API).
MAX_CELLS = 50
LAB_VERSION = 1
LabStage = Literal["bible", "plan", "beats", "script"]
_SLUG = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VariantSpec(_Strict):
    """One prompt variant: ``prompts/`` with some templates replaced."""

    name: str = Field(..., pattern=_SLUG, description="a short id: letters, digits, _ . -")
    description: str = ""
    overlay: list[str] = Field(default_factory=list,
                               description="folders under prompts/ searched before prompts/ (first wins)")
    files: dict[str, str] = Field(default_factory=dict,
                                  description="template name (beats/action.j2) → a file under prompts/")

    @field_validator("overlay", mode="before")
    @classmethod
    def _one(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else ([] if v is None else v)


class SamplingSpec(_Strict):
    """Sampling settings that replace the slot engine's defaults (unset: the default)."""

    name: str | None = Field(None, pattern=_SLUG)
    temperature: float | None = Field(None, ge=0.0, le=5.0)
    top_p: float | None = Field(None, gt=0.0, le=1.0)
    top_k: int | None = Field(None, ge=0)
    repetition_penalty: float | None = Field(None, gt=0.0, le=3.0)
    candidates: int | None = Field(None, ge=1, le=32, description="best-of-n candidates per slot")

    def overrides(self) -> dict[str, Any]:
        """The GenerationParams fields to replace in every model call."""
        return {k: getattr(self, k) for k in ("temperature", "top_p", "top_k", "repetition_penalty")
                if getattr(self, k) is not None}

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        short = {"temperature": "t", "top_p": "p", "top_k": "k", "repetition_penalty": "r", "candidates": "n"}
        parts = [f"{short[k]}{getattr(self, k):g}" for k in short if getattr(self, k) is not None]
        return "-".join(parts) or "default"


class SeasonSpec(_Strict):
    """The season each cell writes (short: the lab measures, it does not publish)."""

    episodes: int = Field(10, ge=10, le=100, description="planned episodes (the plan covers them all)")
    length: float = Field(75.0, ge=60.0, le=90.0)
    paywall: int = Field(5, ge=1)
    candidates: int = Field(6, ge=1, le=32)


class Experiment(_Strict):
    """A lab experiment (a YAML file): the grid and what to run."""

    name: str = Field(..., pattern=_SLUG)
    description: str = ""
    stage: LabStage = Field("beats", description="run up to this stage: bible, plan, beats or script")
    episodes: int = Field(3, ge=1, le=100, description="beats/script for the first N planned episodes")
    season: SeasonSpec = Field(default_factory=SeasonSpec)
    variants: list[VariantSpec] = Field(default_factory=list)
    models: list[str | None] = Field(default_factory=lambda: [None], description="registry names; null: the default")
    sampling: list[SamplingSpec] = Field(default_factory=lambda: [SamplingSpec()])
    tropes: list[str] = Field(default_factory=list, description="catalogue ids (dramagen tropes list)")
    seeds: list[int] = Field(default_factory=list)
    reuse: bool = Field(True, description="share bible and plan between cells whose bible/plan prompts are equal")

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, v: list[int]) -> list[int]:
        for s in v:
            if not 0 <= s < 2**32:
                raise ValueError(f"seed {s} is outside 0 to 2**32-1")
        return v

    def digest(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


_FIELDS_HELP = {
    "": "name, description, stage, episodes, season, variants, models, sampling, tropes, seeds, reuse",
    "season": "episodes, length, paywall, candidates",
    "variants": "name, description, overlay, files",
    "sampling": "name, temperature, top_p, top_k, repetition_penalty, candidates",
}


def _validation_error(e: ValidationError, where: str) -> InputError:
    err = e.errors()[0]
    loc = [str(x) for x in err["loc"]]
    field = ".".join(["experiment", *loc])
    if err["type"] == "extra_forbidden":
        parent = next((p for p in reversed(loc[:-1]) if not p.isdigit()), "")
        return InputError(field, loc[-1], f"one of the keys: {_FIELDS_HELP.get(parent, '')}",
                          f"unknown key in {where}")
    if err["type"] == "missing":
        return InputError(field, None, "a value (it is required)", where)
    msg = err["msg"].removeprefix("Value error, ")
    return InputError(field, err.get("input"), msg, where)


def parse_experiment(data: Any, where: str = "the experiment") -> Experiment:
    if not isinstance(data, dict):
        raise InputError("experiment", type(data).__name__, "a mapping of name, stage, variants, tropes, seeds…",
                         where)
    try:
        return Experiment(**data)
    except ValidationError as e:
        raise _validation_error(e, where) from None
    except TypeError as e:
        raise InputError("experiment", str(e), "a mapping of name, stage, variants, tropes, seeds…", where) from None


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file (YAML or JSON); every error is an InputError."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError("experiment", str(p), "a readable YAML file", e.strerror or str(e)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise InputError("experiment", str(p), "valid YAML", str(e).splitlines()[0]) from None
    return parse_experiment(data, str(p))
