"""Understand a free-text premise: a typed :class:`Premise` made by rules over lexicons.

The parser reads what a writer typically puts in a one-paragraph pitch and fills a typed
record (docs/architecture.md, "Story"): the lead (name, gender, occupation, status), the
antagonists and how they are tied to the lead, the love interest, the central secret,
the world and period, 3–6 concrete locations, the stakes and the key objects. Whatever
the text does not say is *assumed* and written down in ``assumed`` (field and value), so
the CLI and the studio can show it for the writer to correct before anything is
generated. The lexicons are data: ``src/dramagen/data/premise.yaml``.

No model is called: the same text always gives the same premise. A writer's edits travel
as ``SeasonRequest.premise`` and replace the parse.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from ..core.errors import InputError
from ..core.models import Model
from .people import Person, gender_of_lead, lead_name, lead_occupation, people, workplace
from .premise_roles import cast, deed_objects, held_prop, implied_places, proof_objects
from .premise_secrets import PASSIVE, caught_deed, evidence_clue, impostor, learned_deed, passive_deed, stated_secret
from .wording import ENGLISH, FOREIGN, WORD, content, find, first_of, lexicon

__all__ = ["Premise", "PremiseAntagonist", "parse_premise", "MAX_PREMISE_CHARS", "lexicon", "evidence_for"]

MAX_PREMISE_CHARS = 2000

Gender = Literal["female", "male"]


class PremiseAntagonist(Model):
    """Someone the premise names beside the lead, and how they are tied to the lead."""

    role: Literal["antagonist", "rival", "family", "ally"] = "antagonist"
    label: str = Field(..., min_length=2, max_length=40, description="stepmother, business partner, duke…")
    relation: str = Field(..., min_length=2, max_length=60, description="from the lead's side: 'her stepmother'")
    gender: Gender = "male"
    name: str | None = Field(None, max_length=20)


class Premise(Model):
    """A premise as data: what the bible, the ledger and every slot are written from."""

    text: str = Field("", max_length=MAX_PREMISE_CHARS)
    lead_name: str | None = Field(None, max_length=20)
    lead_gender: Gender = "female"
    lead_occupation: str = Field(..., min_length=2, max_length=40)
    lead_status: str = Field(..., min_length=2, max_length=40)
    antagonists: list[PremiseAntagonist] = Field(..., min_length=1, max_length=3)
    allies: list[PremiseAntagonist] = Field(default_factory=list, max_length=2, description="people the lead protects")
    love_interest: str = Field("", max_length=60, description="'the duke', 'her bodyguard'; empty: none named")
    love_name: str | None = Field(None, max_length=20, description="the love interest's name, when the text gives it")
    lead_knows: bool = Field(False, description="the lead knows the secret from the start (she found the proof)")
    secret: str = Field(..., min_length=3, max_length=200, description="completes 'the secret is that …'")
    secret_about: Literal["lead", "antagonist", "love_interest"] = "lead"
    lead_secret: str = Field("", max_length=200, description="the lead's own secret, where the season's secret is "
                             "someone else's deed: 'she is the chairman's daughter from his first marriage'")
    world: str = Field(..., min_length=3, max_length=80)
    period: str = Field("present day", min_length=3, max_length=40)
    supernatural: bool = False
    locations: list[str] = Field(..., min_length=3, max_length=6, description="scene-heading names, in capitals")
    stakes: str = Field(..., min_length=3, max_length=120)
    objects: list[str] = Field(..., min_length=2, max_length=5, description="props that prove or threaten")
    tropes: list[str] = Field(default_factory=list, max_length=3, description="nearest catalogue tropes")
    assumed: list[str] = Field(default_factory=list, description="'field: value' for what the text did not say")

    @field_validator("locations")
    @classmethod
    def _locations(cls, v: list[str]) -> list[str]:
        out = [" ".join(x.split()).upper() for x in v]
        for x in out:
            if not re.match(r"^[A-Z0-9][A-Z0-9 '&\-]{1,39}$", x):
                raise ValueError(f"{x!r}: capital letters, digits, spaces, ' & - only (2–40 characters)")
        if len(set(out)) != len(out):
            raise ValueError("locations must be distinct")
        return out

    @property
    def pronoun(self) -> str:
        return "she" if self.lead_gender == "female" else "he"

    @property
    def possessive(self) -> str:
        return "her" if self.lead_gender == "female" else "his"

    def content_words(self) -> list[str]:
        """The premise's key nouns: occupation, status, antagonist labels, secret, world, stakes, objects.

        A field the parser assumed (listed in ``assumed``) is not the premise's and does not count."""
        guessed = {a.split(":")[0] for a in self.assumed}
        fields = {"lead_occupation": [self.lead_occupation], "lead_status": [self.lead_status], "secret": [self.secret],
                  "world": [self.world], "stakes": [self.stakes], "objects": list(self.objects),
                  "antagonists": [a.label for a in self.antagonists], "love_interest": [self.love_interest]}
        parts = [p for f, values in fields.items() if f not in guessed for p in values]
        return sorted({w for p in parts for w in content(p)})


# --------------------------------------------------------------------------- checks of the text


def _check_text(text: object) -> str:
    accepted = f"an English premise of 1–{MAX_PREMISE_CHARS} characters"
    if not isinstance(text, str):
        raise InputError("premise", text, accepted)
    t = " ".join(text.split())
    if not t:
        raise InputError("premise", text, accepted, hint="it is empty")
    if len(t) > MAX_PREMISE_CHARS:
        raise InputError("premise", text, accepted, hint=f"it has {len(t)} characters; cut it to the pitch")
    letters = [c for c in t if c.isalpha()]
    if not letters:
        raise InputError("premise", text, accepted, hint="it has no words")
    if sum(c.isascii() for c in letters) / len(letters) < 0.8:
        raise InputError("premise", text, accepted, hint="it does not look like English (write it in English)")
    words = [w.lower() for w in WORD.findall(t)]
    foreign = sum(w in FOREIGN for w in words)
    english = sum(w in ENGLISH for w in words)
    if len(words) >= 5 and foreign >= 2 and foreign > english:
        raise InputError("premise", text, accepted, hint="it does not look like English (write it in English)")
    return t


# --------------------------------------------------------------------------- the parts


def _period(text: str) -> tuple[str, bool] | None:
    m = re.search(r"\b(1[0-9]{3}|20[0-9]{2})s\b", text)
    if m:
        return f"{m.group(1)}s", int(m.group(1)) < 1990
    m = re.search(r"\b(?:in|of|during|since) (1[5-9][0-9]{2}|20[0-2][0-9])\b", text, re.I)  # "In 1923 London"
    if m:
        year = int(m.group(1))
        return f"{year // 10 * 10}s", year < 1990
    m = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)[- ]century\b", text, re.I)
    if m:
        return f"{m.group(1)}th century", int(m.group(1)) < 21
    hit = first_of(text, lexicon()["periods"])
    if hit:
        label, historical = lexicon()["periods"][hit[0]]
        return str(label), bool(historical)
    return None


_PLACE = re.compile(r"\b[Ii]n (?:the )?(?:\d{4}s? |\d{1,2}(?:st|nd|rd|th)[- ]century |[a-z\-]+ |[A-Z][a-z]+ (?=[A-Z]))?"
                    r"((?:[A-Z][a-zA-Z'’\-]+)(?: (?:of )?[A-Z][a-zA-Z'’\-]+){0,2})")
_PERIOD_PLACE = re.compile(r"\b(?:\d{4}s|Victorian|Regency|Edwardian|Georgian|Tudor|Medieval|Joseon|Edo|Ming|Qing|Tang)"
                           r" ((?:[A-Z][a-zA-Z'’\-]+)(?: [A-Z][a-zA-Z'’\-]+)?)")


_SETTING = re.compile(r"\b(?:[Oo]n|[Ii]n) an? ((?:[A-Z][a-z]+ )?(?:island|village|ranch|farm|estate|ship|mountain|"
                      r"coast|town|valley|moor|plantation|kingdom|colony|outpost|station|frontier))\b")


def _place(text: str, names: set[str]) -> str | None:
    m = _SETTING.search(text)
    if m:
        return m.group(1)
    for m in list(_PLACE.finditer(text)) + list(_PERIOD_PLACE.finditer(text)):
        place = m.group(1)
        if place.split()[0].lower() not in names and place.lower() not in lexicon()["periods"]:
            return place
    return None


def _locations(text: str, occupation: str | None, kind: str, city: str | None = None,
               said: bool = True) -> tuple[list[str], list[str]]:
    """(locations, assumed ones): the work place (of a job the text ``said``, or the lexicon's for an assumed one),
    places the text names or implies, then the world's defaults."""
    lex = lexicon()
    work = workplace(occupation) if said else lex["occupations"].get(occupation or "")
    out: list[str] = [work] if work else []
    hits = sorted((pos, p) for p in lex["places"] if (pos := find(text, p)) >= 0)
    hits = [(pos, p) for pos, p in hits if not any(q != p and b <= pos < b + len(q) for b, q in hits)]  # 'black market'
    for _, p in hits:
        name = lex["places"][p]
        if name in out or (work and " " not in p and name.split()[-1] == work.split()[-1]):
            continue  # a radio DJ's 'the station' is her radio station; a sous-chef's 'kitchen' is hers
        out.append(name)
    out += [name for name in implied_places(text) if name not in out]
    out = _in_city(out[:6], city)
    assumed = []
    for name in lex["default_places"][kind]:
        if len(out) >= 4:
            break
        if name not in out:
            out.append(name)
            assumed.append(name)
    return out[:6], assumed


def _in_city(places: list[str], city: str | None) -> list[str]:
    """The first outdoor place the text gives is in its named city ('1988 Lisbon' + HARBOUR → LISBON HARBOUR)."""
    if not city or not re.fullmatch(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", city):
        return places
    outside = set(lexicon()["exterior_places"])
    at = next((i for i, p in enumerate(places) if p in outside), None)
    if at is None or len(f"{city} {places[at]}") > 40 or f"{city} {places[at]}".upper() in places:
        return places
    return [*places[:at], f"{city} {places[at]}".upper(), *places[at + 1:]]


def _stakes(text: str, poss: str) -> str | None:
    pats = (r"\bor (?:she|he|they) (?:will )?los(?:e|es) ([^.;,!?]+)", r"\bbefore (?:she|he) loses ([^.;,!?]+)",
            r"\bto (?:save|protect|keep|win back|reclaim|clear) "
            r"((?:(?:her|his|their|the|a|an)\b|(?-i:[A-Z]))[^.;,!?]*)",
            r"\brisk(?:s|ing)? ([^.;,!?]+)",  # 'to keep quiet' is no stake: a thing or a person is
            r"\bhas (\w+ (?:days|hours|weeks|months) to [^.;,!?]+)")
    for pat in pats:
        m = re.search(pat, text, re.I)
        if m and len(m.group(1).split()) >= 1:
            return re.split(r"\s+(?:from|who|which|that|before|after)\s+", m.group(1))[0].strip()[:100]
    return None


_HELD = re.compile(r"\b(?:hides|hid|finds|found|keeps|burns|buries|forges|forged|carries|steals|stole)\s+"
                   r"(?:a|an|the|her|his|their)\s+([a-z][a-z'’\-]+(?: [a-z][a-z'’\-]+){0,3}?)"
                   r"(?=\s+(?:in|into|under|behind|from|to|that|which|and|before|after|with)\b|[,.;!?]|$)")


def _objects(text: str, secret: str, early: bool = False, evidence: str | None = None) -> tuple[list[str], bool]:
    lex = lexicon()
    hits = sorted((pos, o) for o in lex["objects"] if (pos := find(text, o)) >= 0)
    out: list[str] = [evidence] if evidence else []
    out += [o for o in proof_objects(text) if o not in out]  # 'the only proof is a cassette'
    for m in _HELD.finditer(text):
        obj = held_prop(m.group(1))  # 'her grandfather's signature' → the signed papers
        if m.group(1).split()[-1] in lex["objects"]:
            continue  # a lexicon object: found below under its own name ('her father's will' → 'the will')
        if any(w in lex["relations"] or w in lex["occupations"] for w in m.group(1).lower().split()):
            continue  # 'finds his stepmother slipping powder …': a person, caught in the act
        if obj not in out and not re.search(r"\b(?:fact|truth|secret|company|family|identity|past|pain)\b", obj):
            out.append(obj[:40])
    out += [o for o in deed_objects(secret) if o not in out]  # 'sank her father's trawler' → the trawler
    for _, o in hits:
        if not any(re.search(rf"\b{re.escape(o)}\b", x) or x.removeprefix("the ") in o for x in out) and len(out) < 4:
            out.append(f"the {o}")
    assumed = False
    if len(out) < 2:
        hit = evidence_for(secret, out) or evidence_for(text, out)
        if hit:
            out.append(hit)
            assumed = True
    for extra in ("the sealed letter", "the old photograph" if not early else "the old portrait"):
        if len(out) >= 2:
            break
        if extra not in out:
            out.append(extra)
            assumed = True
    return out[:5], assumed


def evidence_for(clause: str, taken: list[str] = ()) -> str | None:  # type: ignore[assignment]
    """The prop that would prove ``clause`` (data/premise.yaml ``evidence_by_cue``): 'she is the chairman's
    daughter' → the birth certificate; None where no cue word is in it."""
    words = set(content(clause))
    return next((obj for cues, obj in lexicon()["evidence_by_cue"] if words & set(cues) and obj not in taken), None)


_FAMILY = frozenset("son sons daughter daughters father mother brother brothers sister sisters husband wife "
                    "uncle aunt cousin nephew niece grandfather grandmother parents".split())


def nearest_tropes(text: str, n: int = 3, supernatural: bool = False) -> list[str]:
    """Catalogue trope ids whose keywords, pitch and archetypes share the most words with ``text``.

    A fantasy or sci-fi trope needs a supernatural premise or its own first keyword in the text ('vampire',
    'android', 'loop'): a nurse's 'blood bags' make no vampire story."""
    from .tropes import load_catalogue

    # family words name the cast in nearly every soap premise ("Carmine's son Paolo"), not its trope: a
    # premise about a son is no secret-baby story unless it says baby, pregnant, DNA…
    words = {w for w in content(text) if w not in _FAMILY}
    cues = _cue_scores(text)
    scored = []
    for t in load_catalogue().values():
        if t.genre in ("fantasy", "sci-fi") and not supernatural and t.keywords[0] not in words:
            continue
        vocab = set(t.keywords) | set(content(t.pitch)) | {w for r in t.roles for w in content(r.archetype)}
        s = 2 * len(words & set(t.keywords)) + len(words & vocab) + cues.get(t.id, 0)
        if s > 0:
            scored.append((-s, t.id))
    best = -min(scored)[0] if scored else 0
    # a trope the cue words chose is not crowded out by chance words ('night-shift' → doctor-romance)
    return [i for s, i in sorted(scored)[:n] if not cues or -s * 2 >= best]


def _cue_scores(text: str) -> dict[str, int]:
    """Three points per cue word of ``trope_cues`` (data/premise.yaml) found, for each trope the cue names."""
    out: dict[str, int] = {}
    for cue_words, ids in lexicon()["trope_cues"]:
        hits = sum(find(text, w) >= 0 for w in cue_words)
        for i in ids:
            out[i] = out.get(i, 0) + 3 * hits
    return {k: v for k, v in out.items() if v}


# --------------------------------------------------------------------------- the parser


def _normalise(text: str) -> str:
    """'Dr. Anil Mehta' → 'Dr Anil Mehta': a title's full stop does not end the sentence."""
    return re.sub(r"\b(Dr|Mr|Mrs|Ms|St|Prof|Capt|Sgt|Lt|Col|Gen|Rev)\.\s", r"\1 ", text)


def _lead_status(text: str, name: str | None) -> str | None:
    """A status word said of the lead: in the name's apposition, else the first not said of someone else."""
    lex = lexicon()
    if name and (at := text.find(name)) >= 0:
        near = re.split(r"[.;]|\s+(?:who|whose|for|with|to|and|but|by)\s+", text[at:at + 80])[0]
        hit = first_of(near, lex["statuses"])
        if hit:
            return hit[0]
    for m in sorted((pos, st) for st in lex["statuses"] if (pos := find(text, st)) >= 0):
        nxt = re.match(r"\s*([a-z\-]+)(['’]s)?", text[m[0] + len(m[1]):].lower())
        if not (nxt and (nxt.group(1) in lex["relations"] or nxt.group(1) in ("her", "his", "their", "him")
                         or nxt.group(1) in lex["people_nouns"] or nxt.group(2))):  # 'a dying patient's blood',
            # 'a wealthy patient': said of someone else
            return m[1]
    return None


def _cast(text: str, occupation: str | None, gender: Gender, secret: str | None
          ) -> tuple[list[PremiseAntagonist], list[PremiseAntagonist], Person | None]:
    """Antagonists, allies and the love interest (``story.premise_roles.cast``) as the premise's records."""
    foes, friends, love = cast(text, occupation, gender, secret)

    def record(p: Person) -> PremiseAntagonist:
        return PremiseAntagonist(role=p.role, label=p.label[:40], relation=p.relation[:60], gender=p.gender,
                                 name=p.name)
    return [record(p) for p in foes], [record(p) for p in friends], love


def _his_is_the_love(antagonists: list[PremiseAntagonist], secret: str | None, gender: Gender, love: str
                     ) -> tuple[list[PremiseAntagonist], str | None]:
    """'secretly married the casino heir; she finds his stepmother …': a heroine's 'his' is the man she loves,
    so the stepmother is 'the heir's stepmother' on every card and in the secret, not 'his' (whose?)."""
    other = "his" if gender == "female" else "her"
    owner = love if love.startswith(("the ", "a ")) else f"the {love.split()[-1]}"
    owner = "the " + owner.split(" ", 1)[1].split(",")[0]
    out = []
    for a in antagonists:
        if a.relation.startswith(other + " "):
            old = a.relation
            a = a.model_copy(update={"relation": f"{owner}'s {old[len(other) + 1:]}"[:60]})
            if secret and secret.startswith(old):
                secret = a.relation + secret[len(old):]
        out.append(a)
    return out, secret


def _who(t: str, assumed: list[str]) -> tuple[str | None, Gender, str | None]:
    """The lead's name, gender and occupation (the gender noted in ``assumed`` when guessed)."""
    fem = len(re.findall(r"\b(she|her)\b", t, re.I)) >= len(re.findall(r"\b(he|his|him)\b", t, re.I))
    first = people(t, None, "female" if fem else "male")
    lead = lead_name(t, {p.name.lower() for p in first if p.name}, [p.span for p in first])
    occupation = lead_occupation(t, lead)
    gender, g_assumed = gender_of_lead(t, lead, occupation)
    if g_assumed:
        assumed.append("lead_gender: female (no pronoun in the premise)")
    return lead, gender, occupation


def _kind(t: str, period: tuple[str, bool] | None) -> tuple[bool, str]:
    supernatural = bool(set(content(t)) & {"werewolf", "werewolves", "vampire", "vampires", "witch", "witches",
                                             "magic", "curse", "cursed", "dragon", "ghost", "demon", "fae", "alpha",
                                             "omega", "wolf", "pack", "luna"})
    kind = "supernatural" if supernatural else ("historical" if period and period[1] else
                                                "future" if period and period[0] == "near future" else "present")
    decade = re.match(r"(19[2-8])\ds$", period[0]) if period else None
    if kind == "historical" and decade:
        kind = "mid-century"  # 1920s–1980s: flats, cafés and stairwells, not servants' quarters
    return supernatural, kind


def parse_premise(text: str) -> Premise:
    """A :class:`Premise` from free text; what the text does not say is assumed and noted.

    Raises :class:`InputError` (field ``premise``) for text that is empty, over
    :data:`MAX_PREMISE_CHARS` characters, not English, or that contradicts itself.
    """
    t = _check_text(text)
    p = _normalise(t)
    assumed: list[str] = []
    lead, gender, occupation = _who(p, assumed)
    poss, pronoun = ("her", "she") if gender == "female" else ("his", "he")
    period = _period(p)
    supernatural, kind = _kind(p, period)
    if occupation is None:
        occupation = lexicon()["default_occupation"][kind]
        assumed.append(f"lead_occupation: {occupation}")
    status = _lead_status(p, lead)
    if status is None:
        status = "overlooked"
        assumed.append(f"lead_status: {status}")
    _contradictions(p)
    evidence = evidence_clue(p, pronoun)
    # a deed the lead catches someone at comes before her own secret (it is what she can prove and the villain
    # must bury: 'secretly married the heir' is then her status)
    deed = caught_deed(p) or learned_deed(p)
    own = stated_secret(p, pronoun)
    secret = evidence[1] if evidence else (deed or own or passive_deed(p, poss))
    # her own secret beside the deed she caught ('she is secretly the chairman's daughter'): a second thread
    lead_secret = own if own and own != secret and re.match(rf"{pronoun} (?:is|was|has|had)\b", own) else \
        impostor(p, pronoun, poss) or ""  # 'takes his place': who he passes for
    secret = secret if secret and len(content(secret)) >= 1 and len(secret) >= 3 else None  # 'learns the In'
    knows = bool(evidence) or bool(secret and re.search(
        r"\b(?:discovers|learns|finds out|uncovers|realises|realizes|sees|saw|witnesses|witnessed|hears|heard|"
        r"overhears|overheard|watches|watched|catches|caught)\b", p, re.I)) \
        or bool(PASSIVE.search(p)) or bool(deed and secret == deed)
    antagonists, allies, love = _cast(p, occupation, gender, secret)
    if love is not None:
        antagonists, secret = _his_is_the_love(antagonists, secret, gender, love.relation)
    if not antagonists:
        antagonists = [PremiseAntagonist(role="antagonist", label="rival heir", relation=f"{poss} ruthless rival",
                                         gender="male")]
        assumed.append(f"antagonists: {antagonists[0].relation}")
    secret_about = "lead"
    if secret is None:
        secret = f"{antagonists[0].relation} ruined {poss} family and hid the proof"
        secret_about = "antagonist"
        assumed.append(f"secret: {secret}")
    elif not re.match(rf"{pronoun}\b", secret, re.I):  # 'her boss shot …' is about the boss
        secret_about = "antagonist" if any(a.label in secret.lower() or (a.name and a.name.split()[0] in secret)
                                           for a in antagonists) else "lead"
    if secret_about == "lead":
        lead_secret = ""  # the season's secret is hers already
    world = _world(p, lead, period, supernatural, assumed)
    city = _place(p, {w.lower() for w in (lead or "").split()})
    locations, loc_assumed = _locations(p, occupation, kind, city, "lead_occupation" not in _assumed_fields(assumed))
    if loc_assumed:
        assumed.append("locations: " + ", ".join(loc_assumed))
    stakes = _stakes(p, poss)
    if stakes is None:
        stakes = f"{poss} home and {poss} good name"
        assumed.append(f"stakes: {stakes}")
    early = bool(period and period[1]) and not re.match(r"19[2-9]\d", period[0] if period else "")
    objects, obj_assumed = _objects(p, secret, early=early, evidence=evidence[0] if evidence else None)
    proof = evidence_for(lead_secret) if lead_secret else None
    if proof and proof not in objects:  # what proves who she is: 'the chairman's daughter' → the birth certificate
        objects = [*objects[:4], proof]
    if obj_assumed:
        assumed.append("objects: " + ", ".join(objects))
    return Premise(text=t, lead_name=lead, lead_gender=gender, lead_occupation=occupation, lead_status=status,
                   antagonists=antagonists, allies=allies, love_interest=love.relation[:60] if love else "",
                   love_name=love.name if love else None, secret=secret[:200], secret_about=secret_about,
                   lead_secret=lead_secret[:200],
                   lead_knows=knows and secret_about != "lead" and "secret" not in _assumed_fields(assumed),
                   world=world[:80], period=period[0] if period else "present day", supernatural=supernatural,
                   locations=locations, stakes=stakes[:120], objects=objects,
                   tropes=nearest_tropes(t, supernatural=supernatural),
                   assumed=assumed)


def _assumed_fields(assumed: list[str]) -> set[str]:
    return {a.split(":")[0] for a in assumed}


def _world(t: str, lead: str | None, period: tuple[str, bool] | None, supernatural: bool,
           assumed: list[str]) -> str:
    place = _place(t, {w.lower() for w in (lead or "").split()})
    if period is None:
        assumed.append("period: present day")
    label = period[0] if period and period[0] != "present day" else "present-day"
    world = " ".join(x for x in (label, place or "") if x)
    if not place:
        town = re.search(r"\bsmall[- ]town\b", t, re.I)
        world = f"{world} small town" if town else f"{world} city" if not supernatural else \
            f"{world} town on the edge of the woods"
        assumed.append(f"world: {world}")
    return world


_OPPOSITES = (("rich", ("poor", "penniless", "broke", "bankrupt")), ("wealthy", ("poor", "penniless", "broke")),
              ("blind", ("sees everything",)), ("orphaned", ("her parents", "his parents")))


def _contradictions(text: str) -> None:
    """Refuse a premise that says the lead is two opposite things in one breath."""
    low = text.lower()
    m = re.search(r"\b(?:she|he|who) (?:is|was) (\w+) and (\w+)\b", low)
    for word, opposites in _OPPOSITES:
        for opp in opposites:
            if m and {m.group(1), m.group(2)} == {word, opp}:
                raise InputError("premise", text, "a premise that does not contradict itself",
                                 hint=f"the lead is both {word!r} and {opp!r}; keep one")
    if re.search(r"\b(is|was) (dead|killed)\b.*\b(alive|lives)\b", low) and "thought" not in low \
            and "believed" not in low and "presumed" not in low:
        raise InputError("premise", text, "a premise that does not contradict itself",
                         hint="someone is both dead and alive; say 'believed dead' if that is the twist")
