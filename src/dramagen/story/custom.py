"""A trope built from a premise: the bible's roles, places and secrets come from what the writer wrote.

:func:`trope_from_premise` keeps the premise's lead (name, occupation, status), its
antagonists and allies with their ties to the lead, its world, locations, secret, stakes
and objects (as the trope's :class:`~dramagen.story.tropes.TropeStory`), and borrows the *shape*
of the nearest catalogue trope: where its signature beats fall in the season and what
they do. The beats' words are the premise's own (docs/architecture.md, "Story").

:func:`custom_base` is the free-text trope before its premise: genre, tone and content notes from cue
words, keywords, a name and id from the text, generic roles, places and beats (the premise remakes them).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from pydantic import ValidationError

from ..core.errors import InputError
from ..core.text import one_line as _one_line
from .places import place_phrase
from .premise import Premise, PremiseAntagonist, evidence_for, lexicon, parse_premise
from .tropes import (
    _KEYWORD_RE,
    CLIFFHANGER_TYPES,
    SignatureBeat,
    Trope,
    TropeExample,
    TropeRole,
    TropeSecret,
    TropeSetting,
    TropeStory,
    _normalise_id,
    get_trope,
)

__all__ = ["custom_base", "custom_trope", "trope_from_premise"]

_POOLS = {
    "lead": ["Mara", "Elena", "Sofia", "Nina", "Ava"],
    "lead_m": ["Ethan", "Leo", "Noah", "Lucas", "Ryan"],
    "love_interest": ["Kai", "Damien", "Lucas", "Adrian", "Julian"],
    "love_interest_f": ["Lily", "Grace", "Hannah", "Zoe", "Clara"],
    "antagonist": ["Victor", "Grant", "Marcus", "Silas", "Derek"],
    "antagonist_f": ["Vivian", "Margot", "Helena", "Regina", "Celeste"],
    "rival": ["Vanessa", "Chloe", "Bianca", "Serena", "Tiffany"],
    "rival_m": ["Preston", "Trent", "Blake", "Conrad", "Felix"],
    "family": ["Judith", "Miriam", "Beatrice", "Agnes", "Edith"],
    "family_m": ["Harold", "Walter", "Edmund", "Gerald", "Arthur"],
    "ally": ["Jess", "Priya", "Rosa", "Tessa", "Mei"],
    "ally_m": ["Sam", "Owen", "Theo", "Milo", "Jonah"],
    "mentor": ["Ruth", "Ines", "Marta", "Greta", "Lorna"],
    "mentor_m": ["Ernest", "Tomas", "Bernard", "Silvio", "Amos"],
}

#: what each function of a season does, in the premise's terms (the beats' words)
_BEATS = {
    "hook": "{ant} humiliates {lead} in front of everyone at the {loc0}.",
    "setup": "{lead} hides the truth: {secret}.",
    "escalation": "{ant} tightens the trap, and {lead} risks {stakes}.",
    "reversal": "Face-slap: {lead} turns the tables on {ant} in public.",
    "twist": "{lead} finds {object}, and it changes everything about {ant}.",
    "midpoint": "The truth comes out: {secret}.",
    "dark_moment": "{ant} takes {stakes} from {lead}.",
    "climax": "{lead} exposes {ant} with {object} in front of everyone.",
    "resolution": "{ant} falls; {lead} keeps {stakes} and chooses a new life.",
}


#: relatives of an older generation: an ally among them takes the mentor's place (age, look), not a friend's
_ELDERS = frozenset("mother father grandmother grandfather aunt uncle stepmother stepfather chairman president "
                    "judge mayor senator governor king emperor professor headmaster principal".split())


def _elder(person: PremiseAntagonist) -> bool:
    """An ally of the older generation, by title or by tie ('her father, the inspector')."""
    return person.label in _ELDERS or bool(_ELDERS & set(re.findall(r"[a-z]+", person.relation.split(",")[0])))


def _pool(role: str, gender: str) -> list[str]:
    key = f"{role}_m" if gender == "male" and f"{role}_m" in _POOLS else \
        f"{role}_f" if gender == "female" and f"{role}_f" in _POOLS else role
    return list(_POOLS.get(key, _POOLS["ally"]))


def _names(fixed: str | None, role: str, gender: str, taken: set[str]) -> list[str]:
    pool = [n for n in _pool(role, gender) if n not in taken]
    if fixed:
        first = fixed.split()[0]
        pool = [first] + [n for n in pool if n != first]
    out = pool[:5]
    taken.update(out)
    return out


def _roles(p: Premise) -> tuple[list[TropeRole], dict[str, str], dict[str, str], dict[str, str]]:
    """Roles (lead first), the fixed names (role → name), the relations (role → tie to the lead) and the genders
    (role → female or male: the names and the looks follow them)."""
    taken: set[str] = set()
    hidden = p.secret if p.secret_about == "lead" else p.lead_secret
    lead_arch = f"{p.lead_status} {p.lead_occupation}" + (f" who hides that {hidden}" if hidden else "")
    roles = [TropeRole(role="lead", archetype=lead_arch[:160], names=_names(p.lead_name, "lead", p.lead_gender, taken))]
    names = {"lead": p.lead_name} if p.lead_name else {}
    relations: dict[str, str] = {"lead": f"{p.lead_status} {p.lead_occupation}"[:80]}  # who the lead is
    other = "male" if p.lead_gender == "female" else "female"
    genders = {"lead": p.lead_gender, "love_interest": other}
    roles.append(TropeRole(role="love_interest", archetype=(p.love_interest or f"the one person who sees "
                                                            f"{p.possessive} worth")[:160],
                           names=_names(p.love_name, "love_interest", other, taken)))
    if p.love_name:
        names["love_interest"] = p.love_name
    relations["love_interest"] = p.love_interest or f"the one who sees {p.possessive} worth"
    for person, order in [*((a, (a.role, "rival", "family", "antagonist", "ally", "mentor")) for a in p.antagonists),
                          *((a, ("mentor", "ally") if _elder(a) else ("ally", "mentor")) for a in p.allies)]:
        # someone the lead protects is never made a foe for want of a free role ('her father' no rival); a parent
        # she protects is the older friend (mentor's age and look), not a friend of her own age
        role = next((r for r in order if r not in {x.role for x in roles}), None)
        if role is None or len(roles) >= 6:
            break
        roles.append(TropeRole(role=role, archetype=person.relation[:160],
                               names=_names(person.name, role, person.gender, taken)))
        relations[role] = person.relation
        genders[role] = person.gender
        if person.name:
            names[role] = person.name
    if len(roles) < 3:
        roles.append(TropeRole(role="ally", archetype="loyal friend who knows too much",
                               names=_names(None, "ally", "female", taken)))
        relations["ally"] = f"{p.possessive} loyal friend"
        genders["ally"] = "female"
    return roles, names, relations, genders


def _settings(p: Premise) -> list[TropeSetting]:
    outside = set(lexicon()["exterior_places"])
    times = ("NIGHT", "DAY", "NIGHT", "EVENING", "DAY", "NIGHT")
    out = [TropeSetting(name=loc, interior=not any(loc == o or loc.endswith(f" {o}") for o in outside),
                        time=times[i]) for i, loc in enumerate(p.locations)]  # LISBON DOCKS is outdoors
    for spare in ("HALLWAY", "STREET", "ROOFTOP"):
        if len(out) >= 4:
            break
        if spare not in p.locations:
            out.append(TropeSetting(name=spare, interior=spare == "HALLWAY", time="NIGHT"))
    return out[:6]


def _secrets(p: Premise, roles: list[TropeRole]) -> list[TropeSecret]:
    have = {r.role for r in roles}
    ant = next((r for r in ("antagonist", "rival", "family") if r in have), "love_interest")
    objs = list(p.objects) + ["the pocket watch", "the torn photograph"]
    poss = p.possessive
    first = TropeSecret(id="premise-secret", holder="lead" if p.secret_about == "lead" or p.lead_knows else ant,
                        about="lead" if p.secret_about == "lead" else ant, text=p.secret, evidence=objs[0])
    crime = TropeSecret(id="foe-crime", holder=ant, about=ant, evidence=objs[1],
                        text=f"the {_label(p, ant)} planned every humiliation {p.pronoun} suffered")
    who_loves = p.love_name.split()[0] if p.love_name else f"the one who loves {'her' if poss == 'her' else 'him'}"
    known = f"all along what {_whose(p, ant)} did" if first.about != "lead" else "the truth all along"
    mine = None
    if first.about != "lead" and p.lead_secret:  # the deed she caught, and who she is: 'she is the chairman's daughter'
        proof = evidence_for(p.lead_secret)
        mine = TropeSecret(id="lead-secret", holder="lead", about="lead", text=p.lead_secret,
                           evidence=proof if proof in p.objects and proof != first.evidence else objs[1])
    taken = {first.evidence, mine.evidence if mine else ""}
    unsent = "the unsent letter"  # what shows he knew: his own words, not a world prop ('the pocket watch')
    love = TropeSecret(id="love-secret", holder="love_interest", about="love_interest",
                       evidence=unsent if unsent not in taken else next(o for o in objs[2:] if o not in taken),
                       text=f"{who_loves} has known {known}")  # said: 'You have known all along what the captain did'
    if first.about == "lead":
        return [first, crime, love]
    return [first, mine, love] if mine else [first, love]


def _whose(p: Premise, role: str) -> str:
    """The foe as the love interest knows them: 'his mother' where she is 'her fiancé's mother', else 'the mother'."""
    person = next((a for a in p.antagonists if a.role == role), p.antagonists[0])
    love = p.love_interest.split(",")[0]
    poss = "his" if p.lead_gender == "female" else "her"  # the love interest's
    if love and person.relation.startswith(f"{love}'s "):
        return f"{poss} {person.relation[len(love) + 3:]}"
    kin = re.match(r"the ([a-z\-]+)['’]s (step|grand)?(daughter|son|niece|nephew)$", love)
    if kin and kin.group(1) in person.label.split():  # 'the chief's daughter' knows what her father did
        older = "uncle" if kin.group(3) in ("niece", "nephew") else "father"
        older = {"father": "mother", "uncle": "aunt"}[older] if person.gender == "female" else older
        return f"{poss} {kin.group(2) or ''}{older}"
    return f"the {person.label}"


def _wants(p: Premise, relations: dict[str, str]) -> dict[str, str]:
    """What the premise says someone on her side is after: her secret parent 'who is hunting the smugglers' wants
    'to keep hunting the smugglers' (a mentor's template wanted 'to see Elena claim what was stolen', stop 28)."""
    m = re.search(r"\bwho (?:is|was) ([a-z]+ing\b[^,;.]*)", p.lead_secret or "")
    parent = next((role for role, rel in relations.items() if role in ("ally", "mentor")
                   and re.match(r"(?:her|his) (?:father|mother), the ", rel)), None)
    return {parent: f"to keep {m.group(1).strip()}"[:120]} if m and parent else {}


def _hides(p: Premise, relations: dict[str, str]) -> dict[str, str]:
    """The one the deed is done to does not know it: 'trusts Silas more than anyone' (the Alpha, poisoned by his mate,
    had 'owes Silas a debt that could be called in any day', stop 28)."""
    if p.secret_about == "lead":
        return {}
    hurt = {a.label for a in p.allies if re.search(rf"\b{re.escape(a.label)}\b", p.secret, re.I)}
    return {role: "trusts {foe} more than anyone" for role, rel in relations.items()
            if role in ("ally", "mentor") and any(rel.lower().endswith(h) for h in hurt)}


def _props(p: Premise) -> list[str]:
    """The premise's objects, and props of its kind of world up to five (events that turn on no secret need one)."""
    from .grounding import World
    from .profiles import prop_pool

    out = list(p.objects)
    for prop in prop_pool(World(period=p.period, supernatural=p.supernatural)):
        if len(out) >= 5:
            break
        if prop not in out:
            out.append(prop)
    return out


def _label(p: Premise, role: str) -> str:
    person = next((a for a in p.antagonists if a.role == role), p.antagonists[0])
    return person.label


def _beats(p: Premise, shape: Trope, roles: list[TropeRole]) -> list[SignatureBeat]:
    pool = {r.role: r.names[0] for r in roles}
    fill = {"lead": pool["lead"], "ant": pool.get("antagonist", pool.get("rival", pool.get("family", "Victor"))),
            "loc0": place_phrase(p.locations[0])[4:], "secret": p.secret, "stakes": p.stakes, "object": p.objects[0]}
    return [SignatureBeat(at=b.at, function=b.function, beat=_BEATS[b.function].format(**fill)[:240])
            for b in shape.signature_beats]


def _examples(p: Premise, roles: list[TropeRole]) -> list[TropeExample]:
    pool = {r.role: r.names[0] for r in roles}
    lead = pool["lead"]
    ant = pool.get("antagonist", pool.get("rival", pool.get("family")))
    love = pool["love_interest"]
    loc = place_phrase(p.locations[0])[4:]
    obj = p.objects[0]
    return [
        TropeExample(story=f"At the {loc}, {ant} humiliates {lead} in front of everyone.", cliffhanger_type="reveal",
                     cliffhanger=f"{lead} finds {obj} hidden in {ant}'s coat."),
        TropeExample(story=f"{lead} risks {p.stakes} to keep the secret from {love}."[:300],
                     cliffhanger_type="arrival", cliffhanger=f"The door opens, and {ant} walks in holding {obj}."),
        TropeExample(story=f"{love} learns what {lead} has been hiding.", cliffhanger_type="ultimatum",
                     cliffhanger=f"{ant} gives {lead} until dawn to hand over {obj}."),
    ]


def _name(p: Premise) -> str:
    occ = " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in p.lead_occupation.split())
    who = p.lead_name.split()[0] if p.lead_name else f"The {occ}"
    return f"{who}'s Secret" if p.secret_about == "lead" else f"{who} and the {p.antagonists[0].label.title()}"


def trope_from_premise(p: Premise, base: Trope) -> Trope:
    """The trope of a free-text season: ``base`` (genre, tone, notes, keywords from the words) remade from ``p``."""
    shape = get_trope(p.tropes[0]) if p.tropes else base
    roles, names, relations, genders = _roles(p)
    story = TropeStory(world=p.world, period=p.period, supernatural=p.supernatural, stakes=p.stakes,
                       secrets=_secrets(p, roles), objects=_props(p), relations=relations, names=names,
                       genders=genders, wants=_wants(p, relations), hides=_hides(p, relations))
    sentence = re.split(r"(?<=[.!?])\s", p.text, maxsplit=1)[0] if p.text else base.pitch
    digest = hashlib.sha1(p.model_dump_json().encode()).hexdigest()[:6]
    data = base.model_dump()
    data.update(id=f"{base.id.rsplit('-', 1)[0]}-{digest}"[:60], name=_name(p)[:80],
                pitch=(sentence if len(sentence) >= 10 else base.pitch)[:300],
                roles=[r.model_dump() for r in roles], settings=[s.model_dump() for s in _settings(p)],
                signature_beats=[b.model_dump() for b in _beats(p, shape, roles)],
                examples=[e.model_dump() for e in _examples(p, roles)], story=story.model_dump())
    return Trope(**data)


# -- the free-text base trope (before its premise) ---------------------------------------------------------

_STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each even ever every few for from further get gets got had
has have having he her here hers herself him himself his how i if in into is it its itself just let like made
make makes many me more most much must my myself never no nor not now of off on once one only or other our ours
out over own same she should since so some such than that the their theirs them themselves then there these
they this those through to too under until up upon us very was we were what when where which while who whom
whose why will with within without would you your yours yourself yourselves story drama series season episode
episodes about who whose gets find finds found becomes become tries try trying must after before new old
""".split())

MAX_CUSTOM_CHARS = 2000
_UWORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")

_GENERIC_KEYWORDS = ("secret", "love", "betrayal", "truth", "revenge", "family", "power", "danger", "lies",
                     "heart", "past", "choice")

# genre cue words → (genre, tone, content notes); the first set that matches wins
_CUES: tuple[tuple[frozenset[str], str, str, tuple[str, ...]], ...] = (
    (frozenset({"murder", "murdered", "killer", "detective", "corpse", "homicide", "investigation",
                "suspect", "clue", "clues"}), "mystery", "tense, brooding, suspicious", ("violence", "death")),
    (frozenset({"kidnap", "kidnapped", "kidnapping", "stalker", "stalked", "hostage", "abducted", "ransom",
                "obsessed", "hunted"}), "thriller", "relentless, paranoid, pulse-pounding", ("abduction", "stalking")),
    (frozenset({"android", "robot", "ai", "loop", "clone", "alien", "simulation", "timeline",
                "cyborg", "virus", "spaceship"}), "sci-fi", "eerie, propulsive, high-concept", ()),
    (frozenset({"werewolf", "vampire", "witch", "dragon", "curse", "cursed", "magic", "demon", "ghost",
                "mate", "alpha", "fae"}), "fantasy", "dark, sensual, mythic", ("violence",)),
    (frozenset({"revenge", "betrayed", "betrayal", "cheated", "cheating", "humiliated", "divorce", "ex",
                "framed"}), "revenge", "cold, vengeful, triumphant", ("emotional abuse",)),
    (frozenset({"billionaire", "ceo", "heir", "heiress", "contract", "marriage", "wedding", "prince",
                "tycoon", "fiance", "husband", "wife"}), "romance", "glossy, swoony, dramatic", ()),
)
_EXTRA_NOTES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"cheat", "cheated", "cheating", "affair", "mistress", "unfaithful"}), "infidelity"),
    (frozenset({"kill", "killed", "murder", "murdered", "blood", "gun", "shot", "stabbed", "fight"}), "violence"),
    (frozenset({"drug", "drugs", "drugged", "overdose"}), "drugs"),
    (frozenset({"pregnant", "pregnancy", "miscarriage", "baby"}), "pregnancy"),
    (frozenset({"suicide"}), "suicide"),
    (frozenset({"abuse", "abused", "abusive"}), "abuse"),
)

_CUSTOM_ROLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("lead", "underestimated heroine with a secret worth a fortune", ("Mara", "Elena", "Sofia", "Nina", "Ava")),
    ("love_interest", "guarded, powerful man who notices her first", ("Kai", "Damien", "Lucas", "Adrian", "Ethan")),
    ("rival", "polished rival who wants what the lead has", ("Vanessa", "Chloe", "Bianca", "Tiffany", "Serena")),
    ("antagonist", "charming manipulator who set everything in motion", ("Victor", "Grant", "Marcus", "Julian",
                                                                          "Derek")),
    ("ally", "loyal best friend who knows too much", ("Jess", "Priya", "Rosa", "Tessa", "Mei")),
)
_CUSTOM_SETTINGS: tuple[tuple[str, bool, str], ...] = (
    ("APARTMENT", True, "NIGHT"),
    ("OFFICE", True, "DAY"),
    ("RESTAURANT", True, "EVENING"),
    ("CITY STREET", False, "NIGHT"),
    ("ROOFTOP", False, "DUSK"),
)
_CUSTOM_BEATS: tuple[tuple[float, str, str], ...] = (
    (0.0, "The inciting blow lands in the first seconds: {lead} is humiliated, exposed or endangered.", "hook"),
    (0.1, "{lead}'s world, what she wants and the secret she hides are set in play.", "setup"),
    (0.3, "{antagonist} raises the stakes; every win for {lead} costs her something.", "escalation"),
    (0.5, "Midpoint reversal: the truth about {love_interest} turns the story inside out.", "midpoint"),
    (0.6, "A twist: the ally was never what {lead} believed.", "twist"),
    (0.75, "Dark moment: {lead} loses everything she fought for.", "dark_moment"),
    (0.9, "Climax: {lead} turns the trap on {antagonist} in public.", "climax"),
    (1.0, "Resolution: the new order, and one last hook for season two.", "resolution"),
)


def _custom_keywords(words: list[str]) -> list[str]:
    counts = Counter(w for w in words if len(w) >= 3 and w not in _STOPWORDS and _KEYWORD_RE.match(w))
    first = {w: i for i, w in reversed(list(enumerate(words)))}
    ranked = sorted(counts, key=lambda w: (-counts[w], first[w]))
    out = ranked[:15]
    for g in _GENERIC_KEYWORDS:
        if len(out) >= 8:
            break
        if g not in out:
            out.append(g)
    return out


def _custom_name(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s|\n", text, maxsplit=1)[0]
    words = _UWORD_RE.findall(first)[:6]
    while words and words[-1].lower() in _STOPWORDS and len(words) > 1:
        words.pop()
    name = " ".join(w if w.isupper() and len(w) > 1 else w.capitalize() for w in words)
    name = name[:80].strip()
    return name if len(name) >= 3 else f"Custom Trope {name}".strip()


def custom_base(text: str) -> Trope:
    """The generic custom trope of the text (genre, tone, notes, keywords); the premise remakes the rest."""
    accepted = f"1–{MAX_CUSTOM_CHARS} characters of free text"
    if not isinstance(text, str):
        raise InputError("trope", text, accepted)
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_CUSTOM_CHARS:
        hint = "it is empty" if not stripped else f"it has {len(stripped)} characters"
        raise InputError("trope", text, accepted, hint=hint)
    if not _UWORD_RE.search(stripped):
        raise InputError("trope", text, accepted, hint="it has no words")

    one_line = _one_line(stripped)
    words = [w.lower().replace("’", "'") for w in _UWORD_RE.findall(one_line)]
    wordset = set(words)
    name = _custom_name(stripped)
    slug = _normalise_id(name)[:40].strip("-")
    digest = hashlib.sha1(one_line.encode("utf-8")).hexdigest()[:6]
    trope_id = f"custom-{slug}-{digest}" if slug else f"custom-{digest}"

    tone = "heightened, emotional, cliffhanger-driven"
    notes: list[str] = []
    genre = "drama"
    for cues, cue_genre, cue_tone, cue_notes in _CUES:
        if wordset & cues:
            tone, genre = cue_tone, cue_genre
            notes.extend(cue_notes)
            break
    for cues, note in _EXTRA_NOTES:
        if wordset & cues and note not in notes:
            notes.append(note)

    sentence = re.split(r"(?<=[.!?])\s", one_line, maxsplit=1)[0]
    pitch = sentence if len(sentence) >= 10 else f"A micro drama: {one_line}"
    if len(pitch) > 300:
        pitch = pitch[:297].rstrip() + "…"

    roles = [TropeRole(role=r, archetype=a, names=list(n)) for r, a, n in _CUSTOM_ROLES]
    lead, love, rival, antagonist = roles[0].names[0], roles[1].names[0], roles[2].names[0], roles[3].names[0]
    fill = {"lead": lead, "love_interest": love, "antagonist": antagonist}
    beats = [SignatureBeat(at=at, beat=b.format(**fill), function=f) for at, b, f in _CUSTOM_BEATS]
    story = pitch if len(pitch) <= 200 else pitch[:197].rstrip() + "…"
    examples = [
        TropeExample(story=f"{story} {lead} finally corners the person who ruined her.",
                     cliffhanger_type="reveal",
                     cliffhanger=f"{lead} pulls off the mask: the stranger is her own missing brother."),
        TropeExample(story=f"{story} {rival} crashes the night {lead} was meant to win.",
                     cliffhanger_type="betrayal",
                     cliffhanger=f"{rival} hands {antagonist} the key to {lead}'s apartment."),
        TropeExample(story=f"{story} {love} learns what {lead} has been hiding.",
                     cliffhanger_type="ultimatum",
                     cliffhanger=f"{love} slides the ring back: tell the truth by midnight, or we're done."),
    ]
    return Trope(
        id=trope_id[:60].strip("-"),
        name=name,
        genre=genre,
        pitch=pitch,
        tone=tone,
        content_notes=notes,
        roles=roles,
        settings=[TropeSetting(name=n, interior=i, time=t) for n, i, t in _CUSTOM_SETTINGS],
        signature_beats=beats,
        cliffhangers=list(CLIFFHANGER_TYPES),
        keywords=_custom_keywords(words),
        examples=examples,
        custom=True,
    )


def custom_trope(text: str, premise: dict | None = None) -> Trope:
    """A usable trope built from free text (1–2000 characters after strip).

    The text is parsed into a typed premise (``dramagen.story.premise``; ``premise``, when
    given, is the writer's edited one and wins); the trope's roles, places, secrets, stakes
    and objects come from it, the arc's shape from the nearest catalogue trope
    (``dramagen.story.custom``). Genre, tone and keywords come from the words; all ten
    cliffhanger types are allowed. Empty, whitespace-only or longer text raises
    ``InputError("trope", …)``; a premise that cannot be read raises ``InputError("premise", …)``.
    """
    base = custom_base(text)

    if premise is not None:
        try:
            parsed = Premise(**premise)
        except ValidationError as e:
            err = e.errors()[0]
            loc = ".".join(str(x) for x in err["loc"])
            raise InputError(f"premise.{loc}", err.get("input"), err["msg"].removeprefix("Value error, ")) from None
    else:
        parsed = parse_premise(text)
    return trope_from_premise(parsed, base)
