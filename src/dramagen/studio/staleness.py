"""Stale text after the bible changed (issue 20): fields that still name a character who is no longer
in the bible (renamed, or regenerated under a new name), and pronouns that disagree with a character's
gender. Pure: data-model objects in, findings and corrected objects out; no Gradio, no disk (tests:
tests/test_studio_staleness.py). The studio shows the findings as warnings on the Bible, Season plan and
Episode tabs, and the Bible tab's **Replace old name** applies
:func:`dramagen.project.rename.rename_in_season` (the bible, the plan, the beats and the scripts on disk;
the Bible tab also lists the script lines that name the old name, :func:`dramagen.project.rename.name_uses`).

- *Gone names* are the names the plan and the beats use as characters (an episode's cast, its story
  event's actor and target, a beat's cast and speakers) that the bible no longer has.
- A field *names* a character by the whole name or its first word, as a whole word ("Sloane's" too).
- A character's *gender* comes from the bible: the animatic voice given to them (``+f…`` / ``+m…``), else
  the pronouns of their own want, secret and look ("she is the last silver wolf"); unknown when neither
  says (the name's spelling is not evidence enough to flag anything).
- A *pronoun mismatch* is a clause of narration (logline, plan, beat action; not dialogue, which talks
  to people as much as about them; a colon, a comma, 'that', 'who' or 'which' ends a clause) that
  names one character only and whose subject or reflexive pronouns are all of the other gender ("Luna
  hides the ring because he is afraid", "Luna hurts himself": Luna is a she). Possessive and object
  pronouns ("his ring", "lies to her") may well be someone else's, so they are not taken as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..core.models import EpisodeBeats, SeasonPlan, SeriesBible
from ..project.rename import names_in, replace_name

__all__ = ["Stale", "cast_names", "gender", "gone_names", "names_in", "pronoun_issues", "replace_name",
           "stale_names", "text_fields", "warning_html"]

_SHE = re.compile(r"\b(she|her|hers|herself)\b", re.IGNORECASE)
_HE = re.compile(r"\b(he|him|his|himself)\b", re.IGNORECASE)
#: a clause ends at a colon or a comma, and before "that", "who", "which" (whose subject may be anyone)
_CLAUSE = re.compile(r"(?:(?!\b(?:that|who|whom|which)\b)[^.!?;:,—–\n])+", re.IGNORECASE)
#: subject and reflexive pronouns: who the sentence is about (gender → its pronouns)
_SUBJECT = {"f": re.compile(r"\b(she|herself)\b", re.IGNORECASE), "m": re.compile(r"\b(he|himself)\b", re.IGNORECASE)}
FEMALE_VOICES = ("Annie",)


@dataclass(frozen=True)
class Stale:
    """One field to look at again: where it is (as a writer reads it), and why."""

    where: str
    why: str
    tab: str  # bible | plan | episode
    episode: int | None = None


# --------------------------------------------------------------------------- the season's text fields


def text_fields(bible: SeriesBible, plan: SeasonPlan | None,
                beats: dict[int, EpisodeBeats]) -> Iterator[tuple[str, str, str, int | None]]:
    """(tab, where, text, episode) of every free-text field the writer sees."""
    yield "bible", "the logline", bible.logline, None
    for c in bible.characters:
        for field in ("want", "secret", "look", "tie"):
            yield "bible", f"{c.name}'s {field}", getattr(c, field), None
    for e in plan.episodes if plan else []:
        for field in ("title", "synopsis", "cliffhanger", "signature_beat"):
            yield "plan", f"episode {e.number} {field.replace('_', ' ')}", getattr(e, field) or "", e.number
    for n, eb in sorted(beats.items()):
        for b in eb.beats:
            yield "episode", f"episode {n} beat {b.index} action", b.action, n
            for k, ln in enumerate(b.lines, 1):
                yield "episode", f"episode {n} beat {b.index} line {k} ({ln.character})", ln.text, n


def cast_names(plan: SeasonPlan | None, beats: dict[int, EpisodeBeats]) -> list[str]:
    """The names the plan and the beats use as characters, in order of first use."""
    seen: dict[str, None] = {}
    for e in plan.episodes if plan else []:
        for ev in (e.event, e.opening):
            if ev is not None:
                seen.update(dict.fromkeys(ev.participants))
        seen.update(dict.fromkeys(e.characters))
    for _, eb in sorted(beats.items()):
        for b in eb.beats:
            seen.update(dict.fromkeys(b.characters))
            seen.update(dict.fromkeys(ln.character for ln in b.lines))
    return [n for n in seen if n.strip()]


def gone_names(bible: SeriesBible, plan: SeasonPlan | None, beats: dict[int, EpisodeBeats]) -> list[str]:
    """Names the plan or the beats use as characters that the bible no longer has."""
    return [n for n in cast_names(plan, beats) if bible.character(n) is None]


def stale_names(bible: SeriesBible, plan: SeasonPlan | None, beats: dict[int, EpisodeBeats],
                gone: Iterable[str] | None = None) -> list[Stale]:
    """Every field that names a character who is gone (``gone``: by default :func:`gone_names`)."""
    gone = list(gone_names(bible, plan, beats) if gone is None else gone)
    out = []
    for tab, where, text, n in text_fields(bible, plan, beats):
        for name in gone:
            if names_in(text, name):
                out.append(Stale(where, f"names {name}, who is not in the bible", tab, n))
    for e in plan.episodes if plan else []:
        for name in (x for x in e.characters if x in gone):
            out.append(Stale(f"episode {e.number} cast", f"lists {name}, who is not in the bible", "plan", e.number))
    for n, eb in sorted(beats.items()):
        for b in eb.beats:
            for name in dict.fromkeys([*b.characters, *(ln.character for ln in b.lines)]):
                if name in gone:
                    out.append(Stale(f"episode {n} beat {b.index} cast", f"has {name}, who is not in the bible",
                                     "episode", n))
    return out


# --------------------------------------------------------------------------- pronouns


def gender(bible: SeriesBible, name: str) -> str | None:
    """'f', 'm' or None (unknown) for a character of the bible (see the module doc)."""
    c = bible.character(name)
    if c is None:
        return None
    voice = bible.voices.get(c.name)
    if voice is not None and "+" in voice.voice:
        variant = voice.voice.split("+", 1)[1]
        if variant.startswith("f") or variant in FEMALE_VOICES:
            return "f"
        if variant.startswith("m"):
            return "m"
    own = " ".join((c.want, c.secret, c.look))
    she, he = len(_SHE.findall(own)), len(_HE.findall(own))
    return None if she == he else ("f" if she > he else "m")


def pronoun_issues(bible: SeriesBible, plan: SeasonPlan | None, beats: dict[int, EpisodeBeats]) -> list[Stale]:
    """Sentences that name one character of known gender and use only the other gender's pronouns."""
    genders = {c.name: gender(bible, c.name) for c in bible.characters}
    out = []
    for tab, where, text, n in text_fields(bible, plan, beats):
        if where.endswith(("'s want", "'s secret", "'s look", "'s tie")) or " line " in where:
            continue  # a character's own fields are where their gender is read from; dialogue is not narration
        for m in _CLAUSE.finditer(text or ""):
            s = m.group(0)  # one clause
            named = [c for c in genders if names_in(s, c)]
            if len(named) != 1 or genders[named[0]] is None:
                continue
            g = genders[named[0]]
            other = "m" if g == "f" else "f"
            wrong = _SUBJECT[other].findall(s)
            if wrong and not (_SHE if g == "f" else _HE).search(s):
                right = "she" if g == "f" else "he"
                quote = s.strip() if len(s.strip()) <= 80 else s.strip()[:79] + "…"
                out.append(Stale(where, f"says '{wrong[0]}' of {named[0]}, who is a {right} in the bible: “{quote}”",
                                 tab, n))
    return out


# --------------------------------------------------------------------------- as the page shows it


def warning_html(found: list[Stale], tab: str | None = None, limit: int = 8) -> str:
    """The findings (of ``tab`` only, if given) as a warning box; empty when there are none."""
    import html

    items = [f for f in found if tab is None or f.tab == tab]
    if not items:
        return ""
    lis = "".join(f"<li><b>{html.escape(f.where)}</b> {html.escape(f.why)}</li>" for f in items[:limit])
    more = f"<li>… and {len(items) - limit} more</li>" if len(items) > limit else ""
    return (f"<div class='stale-warning'><p>⚠ {len(items)} field(s) to look at again after a bible change:</p>"
            f"<ul class='check-list'>{lis}{more}</ul></div>")
