"""The schedule's input files: the rate card and the availability file, validated.

Every refusal is an :class:`~dramagen.core.errors.InputError` naming the field
(``rates.money.crew_day``, ``availability.actors.MARA``…) and what is accepted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ...core.errors import InputError
from .models import Availability, Breakdown, RateCard

RATES_FILE = Path(__file__).resolve().parents[2] / "data" / "production_rates.yaml"


def _read_yaml(path: Path, field: str) -> Any:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError(field, str(path), "an existing YAML file") from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InputError(field, str(path), "a valid YAML file", hint=str(e).splitlines()[0][:120]) from None


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _validate(model: type[BaseModel], data: Any, prefix: str) -> Any:
    if not isinstance(data, dict):
        raise InputError(prefix, data, "a mapping of fields")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        field = f"{prefix}.{loc}" if loc else prefix
        accepted = err["msg"]
        if err["type"] in ("greater_than_equal", "greater_than"):
            accepted = "a number ≥ 0 (rates and minutes cannot be negative)" if "ge" in err.get("ctx", {}) \
                else f"a number > {err['ctx'].get('gt')}"
        raise InputError(field, err.get("input"), accepted) from None


def load_rates(path: str | Path | None = None, overrides: dict | None = None) -> RateCard:
    """The default rate card, with a user's file (any subset of fields) and ``overrides`` laid over it."""
    data = _read_yaml(RATES_FILE, "rates")
    if path:
        user = _read_yaml(Path(path), "rates")
        if not isinstance(user, dict):
            raise InputError("rates", str(path), "a YAML mapping with production: and money:")
        data = _merge(data, user)
    if overrides:
        data = _merge(data, overrides)
    return _validate(RateCard, data, "rates")


def load_availability(path: str | Path | None) -> Availability:
    if not path:
        return Availability()
    return _validate(Availability, _read_yaml(Path(path), "availability"), "availability")


def _match(name: str, known: list[str]) -> str | None:
    key = " ".join(name.split()).casefold()
    for k in known:
        if k.casefold() == key or k.split()[0].casefold() == key:
            return k
    return None


def resolve_availability(av: Availability, breakdowns: list[Breakdown], days: int) -> Availability:
    """``av`` with names spelled as in the bibles; refuses unknown actors, locations, units and days.

    A cast member may be named by full name or first name, any case; a shared actor by its
    casting id.
    """
    cast = sorted({c.name for b in breakdowns for c in b.cast})
    actor_ids = sorted({a for m in av.casting.values() for a in m.values()})
    locations = sorted({loc for b in breakdowns for loc in b.locations})
    units = [b.unit for b in breakdowns]
    for unit, mapping in av.casting.items():
        if unit not in units:
            raise InputError(f"availability.casting.{unit}", unit, "a season folder name: " + ", ".join(units))
        b = next(b for b in breakdowns if b.unit == unit)
        for character in mapping:
            if _match(character, [c.name for c in b.cast]) is None:
                raise InputError(f"availability.casting.{unit}.{character}", character,
                                 "a cast member of that season: " + ", ".join(c.name for c in b.cast))
    actors: dict[str, list[int]] = {}
    for name, off in av.actors.items():
        hit = _match(name, actor_ids) or _match(name, cast)
        if hit is None:
            raise InputError(f"availability.actors.{name}", name, "a cast member: " + ", ".join(actor_ids + cast))
        actors[hit] = _days(off, f"availability.actors.{name}", days)
    locs: dict[str, list[int]] = {}
    for name, off in av.locations.items():
        hit = next((loc for loc in locations if loc.casefold() == name.strip().casefold()), None)
        if hit is None:
            raise InputError(f"availability.locations.{name}", name, "a location: " + ", ".join(locations))
        locs[hit] = _days(off, f"availability.locations.{name}", days)
    casting = {u: {_match(c, [m.name for b in breakdowns if b.unit == u for m in b.cast]) or c: a
                   for c, a in m.items()} for u, m in av.casting.items()}
    return av.model_copy(update={"actors": actors, "locations": locs, "casting": casting})


def _days(off: Any, field: str, days: int) -> list[int]:
    if not isinstance(off, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in off):
        raise InputError(field, off, f"a list of shooting days from 1 to {days}")
    bad = [d for d in off if not 1 <= d <= days]
    if bad:
        raise InputError(field, bad[0], f"a shooting day from 1 to {days}")
    return sorted(set(off))
