"""A trope's pool names (the catalogue's "Vivian", "Kai") as the bible's own characters.

A trope's signature beats and worked examples are written with its roles' pool names; a season's bible
picks its own. Everything a writer sees says the bible's names: the plan's signature beats
(:func:`dramagen.story.planner.plan_season`) and the prompts' examples."""

from __future__ import annotations

import re
from typing import Any

from ..core.models import SeriesBible

__all__ = ["adapt", "name_map"]


def _get(obj: Any, key: str, default: Any = None) -> Any:
    return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)


def first(name: str) -> str:
    return name.split()[0]


def name_map(trope: Any, bible: SeriesBible) -> dict[str, str]:
    """Trope pool name → bible first name: same role first, then the bible's other characters."""
    out: dict[str, str] = {}
    used_roles: dict[str, str] = {}
    for c in bible.characters:
        used_roles.setdefault(c.role, first(c.name))
    spare = [first(c.name) for c in bible.characters]
    i = 0
    for role in _get(trope, "roles", None) or []:
        r = _get(role, "role", "")
        target = used_roles.get(r)
        if target is None:
            # a role the bible does not have: lend it a supporting character (never the lead)
            pool = spare[2:] or spare[1:] or spare
            target = pool[i % len(pool)]
            i += 1
        for n in _get(role, "names", None) or []:
            out[n] = target
    for c in bible.characters:  # bible names stay themselves
        out[first(c.name)] = first(c.name)
    return out


def adapt(text: str, mapping: dict[str, str]) -> str:
    """Replace trope pool names with the bible's (one pass, whole words)."""
    if not mapping:
        return text
    pat = re.compile(r"\b(" + "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)) + r")\b")
    return pat.sub(lambda m: mapping[m.group(1)], text)
