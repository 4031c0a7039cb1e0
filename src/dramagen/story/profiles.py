"""Who each character is, from the season's story facts: want, secret and look, authored and filled.

Measured: the default model writes a character's want or look as nonsense when given only an
archetype ("to be the most beautiful man in the world", "silver earring on top of forehead").
A season with story facts (a catalogue trope's ``story:`` block or a writer's premise) knows
what each person wants from what they hide and what proves it, so those fields are filled
from ``data/characters.yaml`` instead: the lead wants to prove the foe's secret, the foe wants
its evidence back, a holder of someone else's secret *knows* it. The look is drawn for the
kind of world (historical, present, supernatural) with the season's seed. Pinned fields are
never touched (docs/architecture.md, "Story").
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..core.seeding import rng
from .grounding import World

__all__ = ["fill_profiles", "prop_pool", "world_kind"]


@lru_cache(maxsize=1)
def _data() -> dict:
    with resources.files("dramagen").joinpath("data/characters.yaml").open("r", encoding="utf-8") as f:
        return yaml.safe_load(f)


def _get(obj: Any, key: str, default: Any = None) -> Any:
    return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)


def world_kind(world: World) -> str:
    if world.supernatural:
        return "supernatural"
    if 1920 <= world.year < 1990:
        return "mid-century"
    return "historical" if world.year < 1920 else "present"


def prop_pool(world: World) -> list[str]:
    """Props that belong to this kind of world (``data/characters.yaml``, ``props``)."""
    return list(_data()["props"][world_kind(world)])


def _first(name: str) -> str:
    return name.split()[0] if name else name


def _named(text: str, name: str) -> str:
    """'he is the grandson …' said of Ethan → 'Ethan is the grandson …'."""
    return re.sub(r"^(she|he|they)\b", name, text.strip(), flags=re.I)


def _values(cast: list[dict], secrets: list[Any], stakes: str) -> dict[str, str]:
    by_role = {c["role"]: _first(c["name"]) for c in reversed(cast)}
    lead = by_role.get("lead", _first(cast[0]["name"]))
    foe_role = next((r for r in ("antagonist", "rival", "family") if r in by_role), "")
    out = {"lead": lead, "foe": by_role.get(foe_role, ""), "love": by_role.get("love_interest", ""),
           "stakes": stakes}
    order = ("antagonist", "rival", "family")
    foes = sorted((s for s in secrets if _get(s, "about") not in ("lead", "love_interest")),
                  key=lambda s: order.index(_get(s, "about")) if _get(s, "about") in order else len(order))
    foe_sec = foes[0] if foes else None
    if foe_sec is not None:
        out["foe_secret"] = str(_get(foe_sec, "text", "")).rstrip(".")
        out["evidence"] = str(_get(foe_sec, "evidence", ""))
    return {k: v for k, v in out.items() if v}


def _fits(template: str, values: dict[str, str]) -> bool:
    return all(name is None or name in values for _, name, _, _ in string.Formatter().parse(template))


def _own(role: str, secrets: list[Any], values: dict[str, str]) -> dict[str, str]:
    """``values`` plus {own_evidence}: the object that proves this role's own secret, when there is one."""
    own = next((s for s in secrets if _get(s, "about") == role and role != "lead"), None)
    return {**values, "own_evidence": str(_get(own, "evidence", ""))} if own is not None else values


def _want(role: str, values: dict[str, str], seed: int, i: int) -> str:
    options = [t for t in _data()["wants"].get(role, _data()["wants"]["ally"]) if _fits(t, values)]
    if not options:
        return ""
    # the lead's first fitting want is the story's spine; the others vary with the seed
    pick = options[0] if role == "lead" else rng(seed, "bible", "want", i, role).choice(options)
    return pick.format(**values)


def _secret(c: dict, cast: list[dict], secrets: list[Any], values: dict[str, str]) -> str:
    """What this person hides: their own secret, else a secret they hold about someone else."""
    names = {x["role"]: _first(x["name"]) for x in reversed(cast)}
    for s in secrets:
        if _get(s, "holder") == c["role"] and _get(s, "about") != c["role"]:
            about = names.get(str(_get(s, "about")), "")
            text = _named(str(_get(s, "text", "")), about) if about else str(_get(s, "text", ""))
            ev = str(_get(s, "evidence", ""))
            return f"has {ev}, which proves that {text}" if c["role"] == "lead" and ev else f"knows that {text}"
    options = [t for t in _data()["secrets"].get(c["role"], []) if _fits(t, values)]
    return options[0].format(**values) if options else ""


def _looks(looks: dict, role: str, gender: str | None) -> list[str]:
    """The looks of ``role`` for a ``gender`` the premise gave: ``<role>_m`` / ``<role>_f`` where the role's own
    are the other's (a male rival in "a fitted dress, red lipstick", stop 27), else the role's."""
    key = f"{role}_m" if gender == "male" else f"{role}_f" if gender == "female" else role
    return list(looks.get(key) or looks.get(role) or looks["ally"])


def fill_profiles(cast: list[dict], story: Any, world: World, seed: int) -> None:
    """Fill each empty want / secret / look of ``cast`` (dicts with name, role, want, secret, look) in place."""
    secrets = list(_get(story, "secrets", []) or [])
    values = _values(cast, secrets, str(_get(story, "stakes", "") or ""))
    looks = _data()["looks"][world_kind(world)]
    genders = dict(_get(story, "genders", {}) or {})
    said = dict(_get(story, "wants", {}) or {})  # the premise's own words win over a template
    hides = {k: v for k, v in (_get(story, "hides", {}) or {}).items() if _fits(v, values)}
    for i, c in enumerate(cast):
        if not c.get("secret"):
            c["secret"] = hides[c["role"]].format(**values) if c["role"] in hides else \
                _secret(c, cast, secrets, values)
        if not c.get("want"):
            c["want"] = said.get(c["role"]) or _want(c["role"], _own(c["role"], secrets, values), seed, i)
        if not c.get("look"):
            pool = _looks(looks, c["role"], genders.get(c["role"]))
            c["look"] = rng(seed, "bible", "look", i, c["role"]).choice(pool)
