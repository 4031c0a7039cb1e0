"""Stage 1: the series bible — title, logline, 3–6 characters, 3–5 locations.

The structure is drawn, not asked for: roles come from the trope (in its order), names
are drawn with the seed from each role's name pool (first names unique), ages from a
range per role, locations from the trope's settings. The model writes the words of
the title, the logline and each character's want / secret / look (slots with
fallbacks). Pinned fields (:class:`PinnedBible`) are kept verbatim; a pinned
character's empty want / secret / look are still written.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.errors import InputError
from ...core.models import Character, Location, PinnedBible, SeriesBible
from ...core.seeding import rng
from ..slots import Slot, WriteContext, fill
from .shared import ROLE_LABEL, _get, allowed_words, cast_line, first, keywords

__all__ = ["write_bible", "AGE_RANGES", "DEFAULT_CHARACTERS", "DEFAULT_LOCATIONS"]

DEFAULT_CHARACTERS = 4
DEFAULT_LOCATIONS = 4

#: (min, max) age per role
AGE_RANGES: dict[str, tuple[int, int]] = {
    "lead": (21, 27), "love_interest": (26, 33), "rival": (22, 29), "antagonist": (35, 58),
    "ally": (24, 34), "mentor": (50, 72), "family": (45, 68),
}

#: ties of an older generation: their age whatever the role ('her fiancé's mother' is no 35-year-old)
_ELDER_TIES: dict[str, tuple[int, int]] = {
    "mother": (48, 66), "father": (48, 66), "stepmother": (42, 60), "stepfather": (44, 62), "aunt": (42, 62),
    "uncle": (42, 62), "godmother": (50, 70), "godfather": (50, 70), "grandmother": (68, 84),
    "grandfather": (68, 84), "mother-in-law": (48, 66), "father-in-law": (48, 66)}


_PEER_OWNERS = frozenset("brother sister twin cousin friend".split())
_SPOUSES = frozenset("wife husband fiancé fiance fiancée fiancee girlfriend boyfriend widow widower".split())


def _age_range(role: str, tie: str) -> tuple[int, int]:
    """The ages a character is drawn from: by the kin word their tie is ('her father, the inspector'), the partner of
    someone of the lead's generation is of it ('his brother's wife' was 49 beside a 24-year-old), else by role."""
    head = re.match(r"(?:her|his|their|the)\s+((?:[\w\-]+['’]s\s+)*)([a-z\-]+)", tie or "")
    if head and head.group(2) in _SPOUSES and _PEER_OWNERS & set(re.findall(r"[a-z]+(?=['’]s)", head.group(1))):
        return (24, 34)
    return (head and _ELDER_TIES.get(head.group(2))) or AGE_RANGES.get(role, (24, 45))


def _own_card(secret: str, tie: str, name: str) -> str:
    """A secret on its holder's own card names them where it spoke of them by their tie: "her fiancé's mother
    smuggled …" on Regina's card is "Regina smuggled …" ('her' would be Regina's own fiancé), "the Alpha's mate
    plotted …" is "Silas plotted …"."""
    who = first(name)
    for lead_side in (tie, "the one who loves her", "the one who loves him"):
        if lead_side and lead_side.startswith(("her ", "his ", "the ")) and secret.lower().startswith(
                lead_side.lower() + " "):
            return f"{who} {secret[len(lead_side) + 1:]}"
    return secret


_SPARE_NAMES = ["Nora", "Eli", "Maya", "Owen", "Iris", "Leo", "Zara", "Miles", "Ruby", "Felix", "Jade", "Hugo"]

_FIELD_FALLBACK = {
    "want": {
        "lead": "to take back the life that was stolen from her",
        "love_interest": "to keep his power without showing weakness",
        "rival": "to take the place that should belong to {lead}",
        "antagonist": "to crush {lead} before the truth comes out",
        "ally": "to protect {lead} at any cost",
        "mentor": "to see {lead} claim her birthright",
        "family": "to keep the family name spotless",
    },
    "secret": {
        "lead": "she is the true heir everyone overlooked",
        "love_interest": "he knew the truth about {lead} all along",
        "rival": "she staged every humiliation {lead} suffered",
        "antagonist": "he caused the tragedy that ruined {lead}'s family",
        "ally": "he has loved {lead} since they were young",
        "mentor": "she hid the proof of {lead}'s birth",
        "family": "they sold {lead}'s future for money",
    },
    "look": {
        "lead": "plain clothes, steady eyes, a faded scar on one wrist",
        "love_interest": "tall, dark suit, cold grey eyes",
        "rival": "perfect makeup, designer dress, a sweet smile",
        "antagonist": "silver hair, black coat, a heavy signet ring",
        "ally": "warm smile, rolled-up sleeves, watchful eyes",
        "mentor": "grey braid, worn cloak, a voice that stills a room",
        "family": "pressed clothes, pearls, a disappointed frown",
    },
}


def _check_count(field: str, value: int, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InputError(field, value, f"a whole number from {lo} to {hi}")
    return value


def _roles(trope: Any, count: int, pinned: list[Character]) -> list[tuple[str, str]]:
    """(role, archetype) for each character slot: pinned ones first keep theirs."""
    troles = [(str(_get(r, "role", "")), str(_get(r, "archetype", ""))) for r in (_get(trope, "roles", None) or [])]
    if not troles:
        troles = [("lead", "the underdog"), ("love_interest", "the cold heir"), ("rival", "the schemer"),
                  ("antagonist", "the villain")]
    out: list[tuple[str, str]] = []
    left = list(troles)
    for c in pinned:
        match = next((r for r in left if r[0] == c.role), None)
        if match:
            left.remove(match)
            out.append((c.role, match[1]))
        else:
            out.append((c.role, ROLE_LABEL.get(c.role, c.role)))
    while len(out) < count and left:
        out.append(left.pop(0))
    while len(out) < count:  # more characters than the trope has roles
        out.append(("ally", "a loyal friend"))
    return out


def write_bible(ctx: WriteContext, trope: Any, pins: PinnedBible | None = None, *,
                characters: int = DEFAULT_CHARACTERS, locations: int = DEFAULT_LOCATIONS) -> SeriesBible:
    """The series bible for ``trope`` (a :class:`dramagen.story.tropes.Trope`), keeping ``pins``.

    ``characters`` (3–6) and ``locations`` (3–5) are raised to the number of pinned ones.
    One batched model call writes the title, the logline and every empty want / secret / look.
    """
    pins = pins or PinnedBible()
    n_chars = max(_check_count("characters", characters, 3, 6), len(pins.characters))
    n_locs = max(_check_count("locations", locations, 3, 5), len(pins.locations))
    seed = ctx.seed
    story = _get(trope, "story", None)
    cast = _cast(trope, pins, n_chars, story, seed)
    locs = _locations(trope, pins, n_locs, seed)
    title_fallback = str(_get(trope, "name", "") or "Untitled")[:80]
    pitch = str(_get(trope, "pitch", "") or title_fallback)
    draft = SeriesBible(title=pins.title or title_fallback, logline=pins.logline or pitch,
                        trope_id=str(_get(trope, "id", "custom")), trope_name=str(_get(trope, "name", "")),
                        tone=str(_get(trope, "tone", "")),
                        characters=[Character(**{k: v for k, v in c.items() if k != "archetype"}) for c in cast],
                        locations=locs)
    slots, targets, pins = _slots(trope, pins, cast, draft, story, seed, title_fallback, pitch)
    texts = fill(ctx, slots, ("bible",)) if slots else []
    title, logline = pins.title or title_fallback, pins.logline or pitch
    for (fld, i), text in zip(targets, texts):
        if fld == "title":
            title = text.rstrip(".")
        elif fld == "logline":
            logline = text
        else:
            cast[i][fld] = text.rstrip(".")
    return SeriesBible(title=title[:80], logline=logline[:400], trope_id=draft.trope_id, trope_name=draft.trope_name,
                       tone=draft.tone, world=str(_get(story, "world", "") or "")[:80] if story is not None else "",
                       characters=[Character(**{k: (v[:300] if isinstance(v, str) else v) for k, v in c.items()
                                                if k != "archetype"}) for c in cast],
                       locations=locs)


def _cast(trope: Any, pins: PinnedBible, n_chars: int, story: Any, seed: int) -> list[dict[str, Any]]:
    """Each character's fields: the pinned ones kept, the others drawn (role, name, age; the story's secret and tie)."""
    roles = _roles(trope, n_chars, list(pins.characters))
    pools = {str(_get(r, "role", "")): list(_get(r, "names", None) or []) for r in (_get(trope, "roles", None) or [])}
    taken = {first(c.name).lower() for c in pins.characters}
    secrets: dict[str, str] = {}  # every secret of a role, in the story's order ("she is …; she is pregnant")
    for x in (_get(story, "secrets", []) or []) if story is not None else []:
        about, text = str(_get(x, "about", "")), str(_get(x, "text", ""))
        secrets[about] = f"{secrets[about]}; {text}" if about in secrets else text
    ties = dict(_get(story, "relations", {}) or {}) if story is not None else {}
    cast: list[dict[str, Any]] = []
    for i, (role, archetype) in enumerate(roles):
        if i < len(pins.characters):
            c = pins.characters[i]
            cast.append({"name": c.name, "age": c.age, "role": c.role, "archetype": archetype,
                         "want": c.want, "secret": c.secret, "look": c.look, "tie": c.tie or ties.get(c.role, "")[:80],
                         "speech": c.speech or speech_of(c.role, seed, i)})
            continue
        r = rng(seed, "bible", "cast", i, role)
        pool = [n for n in pools.get(role, []) if first(n).lower() not in taken]  # first names are the cues
        kept = str(_get(story, "names", {}).get(role, "")) if story is not None else ""
        if kept and first(kept).lower() not in taken:
            pool = [kept]  # the premise named this person
        if not pool:
            pool = [n for p in pools.values() for n in p if first(n).lower() not in taken]
        if not pool:
            pool = [n for n in _SPARE_NAMES if first(n).lower() not in taken]
        name = r.choice(pool)
        taken.add(first(name).lower())
        tie = ties.get(role, "")
        lo, hi = _age_range(role, tie)
        secret = secrets.get(role, "") if role == "lead" else _own_card(secrets.get(role, ""), tie, name)
        cast.append({"name": name, "age": r.randint(lo, hi), "role": role, "archetype": archetype, "want": "",
                     "secret": secret[:300], "look": "", "tie": tie[:80], "speech": speech_of(role, seed, i)})
    return cast


def _locations(trope: Any, pins: PinnedBible, n_locs: int, seed: int) -> list[Location]:
    """The pinned locations, then the trope's settings (its home base first, the others drawn), then spares."""
    locs: list[Location] = list(pins.locations)
    settings = list(_get(trope, "settings", None) or [])
    order = list(range(len(settings)))
    # the first setting is the trope's home base; the others are drawn with the seed
    rest = order[1:]
    rng(seed, "bible", "locations").shuffle(rest)
    for j in order[:1] + rest:
        if len(locs) >= n_locs:
            break
        s = settings[j]
        name = str(_get(s, "name", "")).upper()
        if any(loc.name == name for loc in locs):
            continue
        locs.append(Location(name=name, interior=bool(_get(s, "interior", True)), time=str(_get(s, "time", "NIGHT"))))
    for spare in ("HALLWAY", "ROOFTOP", "STREET", "CAR"):
        if len(locs) >= 3:
            break
        if not any(loc.name == spare for loc in locs):
            locs.append(Location(name=spare, interior=spare != "STREET" and spare != "ROOFTOP", time="NIGHT"))
    return locs


def _slots(trope: Any, pins: PinnedBible, cast: list[dict[str, Any]], draft: SeriesBible, story: Any, seed: int,
           title_fallback: str, pitch: str) -> tuple[list[Slot], list[tuple[str, int | None]], PinnedBible]:
    """The slots to write (title, logline, each empty want / secret / look), what each fills, and the pins
    (a free-text season's logline is pinned to the writer's own). Fills the story's profiles into ``cast``."""
    lead = first(next((c for c in cast if c["role"] == "lead"), cast[0])["name"])
    names = [c["name"] for c in cast]
    kws = keywords(trope)
    words = allowed_words(draft, trope)
    opponent = next((c for c in cast[1:] if c["role"] in ("antagonist", "rival")), cast[1])
    slots: list[Slot] = []
    targets: list[tuple[str, int | None]] = []
    if pins.title is None:
        slots.append(Slot(kind="bible.title", template="bible/title.j2", context={"pitch": pitch},
                          fallback=title_fallback, names=names, strict_names=False, allowed_words=words,
                          keywords=kws, min_words=2, max_words=7, sweet_words=4, labels=("Title",),
                          max_tokens=14, check=_title_check_for(pitch, kws, names)))
        targets.append(("title", None))
    if pins.logline is None and _get(trope, "custom", False) and story is not None:
        pins = pins.model_copy(update={"logline": pitch[:400]})  # a free-text season's logline is the writer's own
    if pins.logline is None:
        slots.append(Slot(kind="bible.logline", template="bible/logline.j2",
                          context={"pitch": pitch, "cast": cast_line(draft, names[:3])},
                          fallback=_logline_fallback(pitch, lead, first(opponent["name"])),
                          names=names, required=[names[0]], require_name=True, allowed_words=words,
                          keywords=kws + pitch.split(), min_words=12, max_words=40, sweet_words=24,
                          labels=("Logline",), max_tokens=56))
        targets.append(("logline", None))
    if story is not None:  # a season with story facts says who each person is (story/profiles.py)
        from ..grounding import world_of
        from ..profiles import fill_profiles

        fill_profiles(cast, story, world_of(trope), seed)
    for i, c in enumerate(cast):
        for fld, label in (("want", "Want"), ("secret", "Secret"), ("look", "Look")):
            if c[fld]:
                continue
            fb = _FIELD_FALLBACK[fld].get(c["role"], _FIELD_FALLBACK[fld]["ally"]).format(lead=lead)
            slots.append(Slot(kind=f"bible.{fld}", template="bible/character.j2",
                              context={"field": label, "name": first(c["name"]), "age": c["age"],
                                       "role": ROLE_LABEL.get(c["role"], c["role"]), "archetype": c["archetype"]},
                              fallback=fb, names=names, allowed_words=words,
                              keywords=kws + c["archetype"].split(), min_words=3,
                              max_words=20, sweet_words=10, labels=(label,), max_tokens=28))
            targets.append((fld, i))
    return slots, targets, pins


def speech_of(role: str, seed: int, i: int) -> str:
    """A character's voice, drawn with the seed from the role's registers and tics (data/story.yaml)."""
    from ..grounding import speech_table

    table = speech_table()
    t = table.get(role) or table["ally"]
    r = rng(seed, "bible", "speech", i, role)
    calls = r.choice(t["calls_lead"])
    return (f"{r.choice(t['register'])}; says \"{r.choice(t['tic'])}\""
            + (f"; calls the lead {calls}" if calls else ""))[:160]


def _title_check(text: str) -> str | None:
    if "(" in text or any(ch.isdigit() for ch in text) or text.rstrip(".!?").count(".") or text.endswith("?"):
        return "not_a_title"
    return None


def _title_check_for(pitch: str, kws: list[str], names: list[str]):
    """:func:`_title_check`, and a title names nobody the story lacks: a kin or title word ('Brother', 'Alpha',
    'Billionaire') or a crime noun ('Killer') that neither the pitch, the trope's keywords nor the cast says
    belongs to another story (stop 27: 'You're Not My Brother's Killer' for a pharmacist who catches a hospital
    director switching pills; the few-shot examples lend the model their words)."""
    import re

    from ..wording import lexicon

    lex = lexicon()
    charged = {w for phrase in lex["relations"] for w in phrase.split()} | set(lex["deed_nouns"])
    told = {w.lower() for w in re.findall(r"[A-Za-z\-]+", " ".join([pitch, *kws, *names]))}
    told |= {w.rstrip("s") for w in told}

    def check(text: str) -> str | None:
        why = _title_check(text)
        if why:
            return why
        words = {re.sub(r"(?:['’]s|s)$", "", w.lower()) for w in re.findall(r"[A-Za-z'’\-]+", text)}
        return "off_story" if any(w in charged and w not in told for w in words) else None

    return check


def _logline_fallback(pitch: str, lead: str, opponent: str) -> str:
    p = pitch.rstrip(".")
    return f"{lead} faces {opponent}: {p[0].lower() + p[1:]}."
