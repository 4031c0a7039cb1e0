"""A character renamed (or regenerated under a new name) in the bible: where the season on disk still names
the old name, and the old name replaced by the new one everywhere on request (issue 20).

One action for every front end: the studio's **Replace old name** (:mod:`dramagen.studio.tabs.stale`) and
any CLI call :func:`name_uses` to list and :func:`rename_in_season` to replace, on the season folder.

- A text *names* a character by the whole name or its first word, as a whole word: "Mara's" and the
  cue "MARA" too (a screenplay's character cues are the name in capitals), never inside another
  word ("Ann" is not in "Anna", nor in "Ann-Marie").
- The places are the plan (titles, synopses, cliffhangers, casts, story events), every written beat sheet
  (actions, dialogue, casts, speakers) and every written script (its Fountain: action, cues, dialogue,
  parentheticals, title), and the bible's own free text (logline, wants, secrets, looks, ties). Locations
  are the bible's own names: a scene heading ("INT. MARA'S CABIN") is neither listed nor changed.
- Replacing rewrites each changed part with the season's own writers: ``bible.json``, ``plan.json``, each
  changed episode's ``beats.json`` (re-timed), ``script.json`` and ``script.fountain``; a changed episode's
  shooting script is made again from its new script (no model), so its cast and shot notes follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.models import EpisodeBeats, EpisodeScript, SeasonPlan, SeriesBible
from . import service
from .season import SeasonDir

#: a Fountain scene heading: it names a bible location ("INT. MARA'S CABIN"), which a rename leaves as it is
_HEADING = re.compile(r"^\s*(?:INT|EXT|EST|INT\./EXT|I/E)[. ]|^\s*\.[A-Z]")

__all__ = ["NameUse", "Renamed", "forms", "name_uses", "names_in", "rename_in_season", "replace_in_text",
           "replace_name", "word"]


def word(name: str) -> re.Pattern:
    """``name`` as a whole word (not inside another word, nor a hyphenated one)."""
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")


def forms(name: str) -> list[str]:
    """The ways a text names a character: the whole name, then its first word (when it is a name)."""
    first = name.split()[0] if name.split() else name
    return [name] + ([first] if first != name and len(first) >= 3 else [])


def names_in(text: str, name: str, cues: bool = False) -> bool:
    """Whether ``text`` names ``name`` (``cues``: its capitalised forms count too, as in a script)."""
    pats = forms(name) + ([f.upper() for f in forms(name)] if cues else [])
    return any(word(f).search(text or "") for f in pats)


def replace_in_text(text: str, old: str, new: str) -> str:
    """``old`` replaced by ``new`` as whole words: the whole name, then the first name alone, each as written
    and in capitals (a cue: MARA → JUNE); a possessive follows ("Mara's" → "June's")."""
    olds, news = forms(old), forms(new)
    for i, o in enumerate(olds):  # the whole name first, then the first name alone
        w = news[min(i, len(news) - 1)]
        text = word(o).sub(w, text)
        text = word(o.upper()).sub(w.upper(), text) if o.upper() != o else text
    return text


# --------------------------------------------------------------------------- the models


def _bible_plan(bible: SeriesBible, plan: SeasonPlan | None, old: str, new: str
                ) -> tuple[SeriesBible, SeasonPlan | None]:
    sub = lambda t: replace_in_text(t, old, new)  # noqa: E731
    chars = [c if c.name == new else c.model_copy(update={k: sub(getattr(c, k)) for k in ("want", "secret", "look",
                                                                                              "tie")})
             for c in bible.characters]
    bible2 = bible.model_copy(update={"logline": sub(bible.logline), "characters": chars})
    if plan is None:
        return bible2, None
    eps = []
    for e in plan.episodes:
        upd = {k: sub(getattr(e, k)) for k in ("title", "synopsis", "cliffhanger")}
        upd["signature_beat"] = sub(e.signature_beat) if e.signature_beat else e.signature_beat
        upd["characters"] = list(dict.fromkeys(new if x == old else x for x in e.characters))
        for k in ("event", "opening"):
            ev = getattr(e, k)
            if ev is not None:
                upd[k] = ev.model_copy(update={"actor": new if ev.actor == old else ev.actor,
                                               "target": new if ev.target == old else ev.target,
                                               "summary": sub(ev.summary)})
        eps.append(e.model_copy(update=upd))
    return bible2, plan.model_copy(update={"episodes": eps})


def _beats(eb: EpisodeBeats, old: str, new: str) -> EpisodeBeats:
    sub = lambda t: replace_in_text(t, old, new)  # noqa: E731
    bs = [b.model_copy(update={"action": sub(b.action),
                               "characters": list(dict.fromkeys(new if x == old else x for x in b.characters)),
                               "lines": [ln.model_copy(update={"text": sub(ln.text),
                                                               "character": new if ln.character == old
                                                               else ln.character}) for ln in b.lines]})
          for b in eb.beats]
    return eb.model_copy(update={"beats": bs})


def _script(sc: EpisodeScript, old: str, new: str) -> EpisodeScript:
    scenes = [s.model_copy(update={"elements": [el.model_copy(update={"text": replace_in_text(el.text, old, new)})
                                                for el in s.elements]})
              for s in sc.scenes]
    return sc.model_copy(update={"title": replace_in_text(sc.title, old, new), "scenes": scenes})


def replace_name(bible: SeriesBible, plan: SeasonPlan | None, beats: dict[int, EpisodeBeats], old: str, new: str
                 ) -> tuple[SeriesBible, SeasonPlan | None, dict[int, EpisodeBeats]]:
    """The season with ``old`` (a gone name) replaced by ``new`` (a bible character) in every field: free
    text (whole name and first name, as whole words), casts, speakers and story events. Returns the bible,
    the plan and the beats of the episodes that changed."""
    c = bible.character(new)
    if c is None:
        raise ValueError(f"{new!r} is not a character of the bible")
    bible2, plan2 = _bible_plan(bible, plan, old, c.name)
    beats2 = {}
    for n, eb in beats.items():
        new_eb = _beats(eb, old, c.name)
        if new_eb.beats != eb.beats:
            beats2[n] = new_eb
    return bible2, plan2, beats2


# --------------------------------------------------------------------------- the season on disk


@dataclass(frozen=True)
class NameUse:
    """One place of a season folder that names a character: as a writer reads it, and the text there."""

    where: str
    text: str
    part: str  # beats | script
    episode: int


def name_uses(sd: SeasonDir, old: str) -> list[NameUse]:
    """Every written beat and script line of the season that names ``old`` (whole words; cues in capitals)."""
    out: list[NameUse] = []
    for n in sd.episodes_done("beats"):
        for b in sd.load_beats(n).beats:
            if names_in(b.action, old) or old in b.characters:
                out.append(NameUse(f"episode {n} beat {b.index} action", b.action, "beats", n))
            for k, ln in enumerate(b.lines, 1):
                if names_in(ln.text, old) or ln.character == old:
                    out.append(NameUse(f"episode {n} beat {b.index} line {k} ({ln.character})", ln.text, "beats", n))
    for n in sd.episodes_done("script"):
        for k, line in enumerate(service.fountain_text(sd, n).splitlines(), 1):
            if names_in(line, old, cues=True) and not _HEADING.match(line):
                out.append(NameUse(f"episode {n} script line {k}", line.strip(), "script", n))
    return out


@dataclass
class Renamed:
    """What :func:`rename_in_season` rewrote."""

    bible: bool = False
    plan: bool = False
    beats: list[int] = field(default_factory=list)
    scripts: list[int] = field(default_factory=list)
    shooting: list[int] = field(default_factory=list)


def rename_in_season(sd: SeasonDir, old: str, new: str) -> Renamed:
    """Replace ``old`` by the bible character ``new`` everywhere in the season folder (see the module doc);
    returns what changed. Raises ValueError when ``new`` is not in the bible."""
    from ..story.planner import retime_episode

    bible = sd.load_bible()
    plan = sd.load_plan() if sd.has_plan() else None
    beats = {n: sd.load_beats(n) for n in sd.episodes_done("beats")} if plan else {}
    bible2, plan2, changed = replace_name(bible, plan, beats, old, new)
    new = bible2.character(new).name  # type: ignore[union-attr]
    done = Renamed(bible=bible2 != bible, plan=plan2 != plan, beats=sorted(changed))
    if done.bible:
        sd.write_model(sd.bible_path, bible2)
    if done.plan:
        sd.write_model(sd.plan_path, plan2)
    for n, eb in sorted(changed.items()):
        sd.write_model(sd.beats_path(n), retime_episode(eb, bible2))
    for n in sd.episodes_done("script") if plan2 is not None else []:
        sc = sd.load_script(n)
        sc2 = _script(sc, old, new)
        text = service.fountain_text(sd, n)
        if sc2 == sc and not names_in(text, old, cues=True):
            continue
        service.store_episode(sd, n, None, script=sc2, bible=bible2, ep=plan2.episode(n))
        done.scripts.append(n)
        if sd.shooting_path(n).exists():
            shot = service.make_shooting(sc2, bible2, sd.load_request().seed)
            service.store_episode(sd, n, None, shooting=shot)
            done.shooting.append(n)
    return done
