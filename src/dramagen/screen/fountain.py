"""Fountain in and out for episode scripts.

:func:`to_fountain` writes valid Fountain (https://fountain.io/syntax) that screenplain,
Highland, Slugline, Afterwriting… read as the same screenplay:

- a title page (``Title`` the series, ``Episode`` "N: episode title", ``Credit``,
  ``Author``, ``Draft date``);
- scene headings ``INT. PACK HALL - NIGHT`` (forced with a leading ``.`` if a heading
  would not be recognised), ``CHARACTER`` cues, ``(parentheticals)``, dialogue;
- transitions: ``CUT TO:`` as is, anything not ending in ``TO:`` forced with ``>``
  (``>SMASH CUT TO BLACK.``); an action paragraph that Fountain would read as something
  else (all capitals, ``INT.``…) is forced with ``!``;
- each beat's elements follow a note ``[[beat N]]`` on a line of its own: notes are
  not printed by Fountain tools, and they keep the beat tags through an edit.

:func:`from_fountain` reads such a file back (``dramagen import``): screenplain's own
paragraph rules decide what each paragraph is (so both read a file the same way), but
the text is taken from the source lines, line numbers are kept, and everything is
checked against the bible. A file with an error raises :class:`FountainImportError`
whose message starts ``line N:`` and says what is wrong and what is accepted.

Round trip: ``from_fountain(to_fountain(s, bible, plan), bible, s.episode,
s.target_seconds) == s`` for every script the pipeline writes (``estimated_seconds`` is
recomputed by the estimator). Not representable, so not round-tripped: two dialogue
elements in a row within one speech (Fountain joins them), texts holding a blank line,
``[[`` ``]]`` or ``/*`` ``*/``, a dialogue text starting with ``(``. A transition or a
``FADE IN:``-like line (capitals ending in a colon) before the first scene heading is
dropped; sections, synopses and page breaks are
ignored.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass

from ..core.errors import DramagenError, InputError
from ..core.models import EpisodePlan, EpisodeScript, Scene, ScriptElement, SeriesBible
from ..core.timing import TimingSettings, estimate_elements, get_settings

__all__ = ["FountainImportError", "from_fountain", "to_fountain"]

_BEAT_NOTE = re.compile(r"^\s*\[\[\s*beat\s+([^\]\s]*)\s*\]\]\s*$", re.IGNORECASE)
_NOTE = re.compile(r"\[\[.*?\]\]", re.DOTALL)
_BONEYARD = re.compile(r"/\*.*?\*/", re.DOTALL)
_HEADING = re.compile(r"^(INT\.?/EXT|INT/EXT|I/E|INT|EXT|EST)[. ]\s*(.*)$")
_SCENE_NUMBER = re.compile(r"^(.*?)\s*#[\w\-.]+#\s*$")
_TIME_SEP = re.compile(r"^\s*[-–—]\s*(.*)$")


class FountainImportError(DramagenError, ValueError):
    """A Fountain file that cannot become an episode script; the message starts ``line N:``."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.detail = message
        super().__init__(f"line {line}: {message}")


# --------------------------------------------------------------------------- writing


def _classify(lines: list[str]):
    """The screenplain paragraph type of ``lines`` read on their own."""
    from screenplain.parsers.fountain import InputParagraph

    out: list = []
    InputParagraph(list(lines)).update_list(out)
    return out[-1] if out else None


def _action_lines(text: str) -> list[str]:
    from screenplain.types import Action

    lines = [ln.rstrip() for ln in text.split("\n")]
    # a line starting with "!" loses it when read: double it
    lines = ["!" + ln if ln.startswith("!") else ln for ln in lines]
    para = _classify(lines)
    forced = not isinstance(para, Action) or para.centered or lines[0].startswith("!") or lines[0].isupper()
    if forced and not lines[0].startswith("!!"):
        lines[0] = "!" + lines[0]
    return lines


def _heading_line(scene: Scene) -> str:
    from screenplain.types import Slug

    heading = scene.heading
    return heading if isinstance(_classify([heading]), Slug) else "." + heading


def _transition_line(text: str) -> str:
    from screenplain.types import Transition

    text = " ".join(text.split())
    if text.endswith("TO:") and text.isupper() and isinstance(_classify([text]), Transition):
        return text
    return ">" + text


def to_fountain(script: EpisodeScript, bible: SeriesBible, plan_ep: EpisodePlan | None = None,
                title_page: bool = True, *, draft_date: str | None = None, beat_notes: bool = True) -> str:
    """The script as Fountain text (ends with a newline).

    ``draft_date`` (title page) defaults to today's date (ISO); pass a fixed one for
    byte-identical exports. ``beat_notes=False`` leaves out the ``[[beat N]]`` notes (the
    beat tags are then lost on import).
    """
    out: list[str] = []
    if title_page:
        ep_title = script.title or (plan_ep.title if plan_ep else "")
        out.append(f"Title: {bible.title}")
        out.append(f"Episode: {script.episode}" + (f": {ep_title}" if ep_title else ""))
        out.append("Credit: Written by")
        out.append("Author: dramagen")
        if plan_ep is not None:
            out.append(f"Notes: {plan_ep.function.replace('_', ' ')} episode, {plan_ep.cliffhanger_type} cliffhanger, "
                       f"target {plan_ep.target_seconds:g} s")
        out.append(f"Draft date: {draft_date or datetime.date.today().isoformat()}")
        out.append("")
    for scene in script.scenes:
        out.append(_heading_line(scene))
        out.append("")
        beat: int | None = None  # as on import: a heading resets the beat
        block: list[str] = []  # the dialogue block being written

        def flush() -> None:  # called within this scene's loop, so `block` is this scene's
            if block:  # noqa: B023
                out.extend(block)  # noqa: B023
                out.append("")
                block.clear()  # noqa: B023

        for el in scene.elements:
            in_speech = bool(block) and el.kind in ("parenthetical", "dialogue")
            if beat_notes and el.beat != beat and not in_speech:
                flush()
                out.append(f"[[beat {el.beat if el.beat is not None else 'none'}]]")
                out.append("")
            if not in_speech:
                beat = el.beat
            if el.kind == "character":
                flush()
                block.append(" ".join(el.text.split()).upper())
            elif el.kind in ("parenthetical", "dialogue"):
                if not block:  # a stray line with no cue: give it none (it reads back as action)
                    out.extend(_action_lines(el.text))
                    out.append("")
                    continue
                block.extend(ln.strip() for ln in el.text.split("\n") if ln.strip())
            elif el.kind == "action":
                flush()
                out.extend(_action_lines(el.text))
                out.append("")
            else:  # transition
                flush()
                out.append(_transition_line(el.text))
                out.append("")
        flush()
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- reading


@dataclass
class _Para:
    line: int  # 1-based line number of the paragraph's first line
    lines: list[str]


def _paragraphs(lines: list[str], start: int) -> list[_Para]:
    out: list[_Para] = []
    cur: list[str] = []
    first = 0
    for i in range(start, len(lines)):
        ln = lines[i]
        if ln in ("", " ") or (not ln.strip() and len(ln) < 2):
            if cur:
                out.append(_Para(first + 1, cur))
                cur = []
            continue
        if not cur:
            first = i
        cur.append(ln)
    if cur:
        out.append(_Para(first + 1, cur))
    return out


def _title_page(lines: list[str]) -> tuple[dict[str, list[str]], int]:
    """The title page (screenplain's rule: the first block, every line ``Key: value`` or an
    indented continuation) and the index of the first body line."""
    from screenplain.parsers.fountain import parse_title_page

    end = 0
    while end < len(lines) and lines[end] != "":
        end += 1
    block = lines[:end]
    if not block:
        return {}, 0
    page = parse_title_page(block)
    if page is None:
        return {}, 0
    return page, end


def _cue_name(cue: str) -> tuple[str, str]:
    """(name part, extension) of a cue line: ``MARA (V.O.) ^`` → ("MARA", "(V.O.)")."""
    cue = cue.strip()
    if cue.startswith("@"):
        cue = cue[1:]
    cue = re.sub(r"\s*\^$", "", cue)
    name, _, ext = cue.partition("(")
    return name.strip(), ("(" + ext).strip() if ext else ""


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word.upper(), [o.upper() for o in options], n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _parse_heading(text: str, line: int, bible: SeriesBible) -> tuple[str, bool, str]:
    """(location, interior, time) of a heading, checked against the bible."""
    raw = text.strip()
    forced = raw.startswith(".") and not raw.startswith("..")
    body = raw[1:].strip() if forced else raw
    m = _SCENE_NUMBER.match(body)
    if m:
        body = m.group(1)
    body = " ".join(body.split()).upper()
    locs = sorted(bible.locations, key=lambda x: -len(x.name))
    names = ", ".join(loc.name for loc in bible.locations)
    hm = _HEADING.match(body)
    if hm:
        prefix, rest = hm.group(1), hm.group(2).strip()
        interior = None if prefix.startswith(("INT/", "INT./", "I/E")) else prefix in ("INT",)
        if prefix == "EST":
            interior = False
    elif forced:
        prefix, rest, interior = "", body, None
    else:
        raise FountainImportError(line, f"{raw!r} is not a scene heading; expected e.g. "
                                        f"'INT. {bible.locations[0].name} - {bible.locations[0].time}'")
    for loc in locs:
        if rest == loc.name:
            raise FountainImportError(line, f"scene heading {raw!r} has no time of day; expected e.g. "
                                            f"'{loc.heading}'")
        if rest.startswith(loc.name + " ") or rest.startswith(loc.name + "-"):
            tm = _TIME_SEP.match(rest[len(loc.name):])
            if tm and tm.group(1).strip():
                time = tm.group(1).strip()
                if not re.fullmatch(r"[A-Z][A-Z0-9 '\-]*", time):
                    raise FountainImportError(line, f"scene heading {raw!r}: time {time!r} is not a time of day "
                                                    "such as DAY, NIGHT, DAWN, DUSK, MORNING, EVENING")
                return loc.name, loc.interior if interior is None else interior, time
    guess = re.split(r"\s+[-–—]\s+", rest)[0].strip() or rest
    raise FountainImportError(line, f"unknown location {guess!r} in scene heading {raw!r}; the bible's locations "
                                    f"are {names}{_suggest(guess, [x.name for x in bible.locations])}")


def _beat_note(text: str, line: int) -> int | None:
    """The beat of a ``[[beat N]]`` note (``[[beat none]]``: no beat)."""
    val = _BEAT_NOTE.match(text).group(1).lower()  # type: ignore[union-attr]
    if val == "none":
        return None
    if val.isdigit() and int(val) >= 1:
        return int(val)
    raise FountainImportError(line, f"beat note {text.strip()!r}: expected [[beat N]] with N a beat "
                                    "number >= 1 (or [[beat none]])")


def _dialogue_blocks(speech: list[str]) -> list[tuple[str, list[str]]]:
    """The lines after a cue as ("parenthetical" | "dialogue", lines) blocks, in order."""
    blocks: list[tuple[str, list[str]]] = []
    inside = False
    for raw in speech:
        ln = raw.strip()
        if not ln:
            continue
        if ln.startswith("("):
            inside = True
        kind = "parenthetical" if inside else "dialogue"
        if blocks and blocks[-1][0] == kind and not (kind == "parenthetical" and ln.startswith("(")):
            blocks[-1][1].append(ln)
        else:
            blocks.append((kind, [ln]))
        if ln.endswith(")"):
            inside = False
    return blocks


class _Reader:
    """Reads the body's paragraphs into scenes: screenplain's rules say what a paragraph is, one method per
    kind of element (heading, dialogue, transition, action) turns it into the script's elements."""

    def __init__(self, bible: SeriesBible):
        from screenplain.parsers.fountain import InputParagraph

        self._paragraph = InputParagraph
        self.bible = bible
        self.cues = {c.cue: c for c in bible.characters}
        self.cue_list = ", ".join(sorted(self.cues))
        self.scenes: list[Scene] = []
        self.seen: list = []  # screenplain's paragraph list (for dual dialogue and synopses)
        self.beat: int | None = None
        self.pending: list[tuple[str, int]] = []  # beat notes met inside or after a paragraph: they apply after it

    def read(self, p: _Para) -> None:
        from screenplain.types import Action, Dialog, DualDialog, Slug, Transition

        for text, line in self.pending:
            self.beat = _beat_note(text, line)
        self.pending = []
        para = self._without_beat_notes(p)
        if para is None:
            return
        stripped = _NOTE.sub("", "\n".join(para.lines))
        if not stripped.strip():
            return
        plines = [ln for ln in stripped.split("\n") if ln != ""]  # a line that held only a note is no line
        before = list(self.seen)
        self._paragraph(plines).update_list(self.seen)
        new = self.seen[-1] if self.seen and (len(self.seen) != len(before) or self.seen[-1] is not before[-1]) \
            else None
        if new is None:
            return  # a synopsis attached to an earlier paragraph
        if isinstance(new, Slug):
            self._heading(para, plines)
        elif isinstance(new, (Dialog, DualDialog)):
            self._dialogue(para, plines)
        elif isinstance(new, Transition):
            self._transition(plines)
        elif isinstance(new, Action):
            self._action(para, plines, bool(new.centered))
        # sections, page breaks: nothing on screen

    def finish(self, lines: list[str]) -> list[Scene]:
        for text, line in self.pending:  # trailing beat notes: nothing follows them, but a malformed one is an error
            _beat_note(text, line)
        if not self.scenes:
            last = max((i + 1 for i, ln in enumerate(lines) if ln.strip()), default=1)
            raise FountainImportError(last,
                                      "the file has no scene heading; expected one such as "
                                      f"'{self.bible.locations[0].heading}'")
        return self.scenes

    def _without_beat_notes(self, p: _Para) -> _Para | None:
        """The paragraph without its beat notes. A beat note on a line of its own counts even without a blank
        line around it (an edit may drop one): leading ones apply to this paragraph, later ones to what follows."""
        rest: list[str] = []
        start = p.line
        for k, ln in enumerate(p.lines):
            if _BEAT_NOTE.match(ln):
                if rest:
                    self.pending.append((ln, p.line + k))
                else:
                    self.beat = _beat_note(ln, p.line + k)
                    start = p.line + k + 1
                continue
            rest.append(ln)
        return _Para(start, rest) if rest else None

    def _need_scene(self, p: _Para, what: str) -> Scene:
        if not self.scenes:
            raise FountainImportError(p.line, f"{what} before the first scene heading; a scene must start with a "
                                              f"heading such as '{self.bible.locations[0].heading}'")
        return self.scenes[-1]

    def _heading(self, p: _Para, plines: list[str]) -> None:
        loc, interior, time = _parse_heading(plines[0], p.line, self.bible)
        self.scenes.append(Scene(number=len(self.scenes) + 1, location=loc, interior=interior, time=time))
        self.beat = None

    def _dialogue(self, p: _Para, plines: list[str]) -> None:
        scene = self._need_scene(p, "dialogue")
        name, ext = _cue_name(plines[0])
        ch = self.cues.get(name) or self.bible.character(name)
        if ch is None:
            raise FountainImportError(p.line, f"unknown character cue {name!r}; the bible's cues are "
                                              f"{self.cue_list}{_suggest(name, list(self.cues))} (a line of action "
                                              "in capitals can be forced with a leading '!')")
        scene.elements.append(ScriptElement(kind="character", text=(ch.cue + (" " + ext if ext else "")),
                                            beat=self.beat))
        blocks = _dialogue_blocks(plines[1:])
        if not any(k == "dialogue" for k, _ in blocks):
            raise FountainImportError(p.line, f"{ch.cue}'s dialogue block has no dialogue (a cue needs at least "
                                              "one line of speech after it)")
        for kind, texts in blocks:
            scene.elements.append(ScriptElement(kind=kind, text="\n".join(texts), beat=self.beat))

    def _transition(self, plines: list[str]) -> None:
        if not self.scenes:
            return  # FADE IN: and the like before the first scene
        t = plines[0].strip()
        t = t[1:].strip().upper() if t.startswith(">") else t
        self.scenes[-1].elements.append(ScriptElement(kind="transition", text=t, beat=self.beat))

    def _action(self, p: _Para, plines: list[str], centered: bool) -> None:
        first = plines[0].strip()
        if not self.scenes and len(plines) == 1 and re.fullmatch(r"[A-Z][A-Z .']*:", first):
            return  # FADE IN:, COLD OPEN: and the like before the first scene
        name, ext = _cue_name(first)
        if (len(plines) == 1 and not first.startswith("!") and (name in self.cues or self.bible.character(name))
                and name.isupper()):
            raise FountainImportError(p.line, f"character cue {name} has no dialogue after it (put the speech "
                                              "on the next line, with no blank line between)")
        scene = self._need_scene(p, "action")
        if centered:
            body = [re.sub(r"^\s*>\s*(.*?)\s*<\s*$", r"\1", ln) for ln in plines]
        else:
            body = [ln[1:].rstrip() if ln.startswith("!") else ln.rstrip() for ln in plines]
        body = [ln for ln in body if ln.strip()]  # a blank-looking line ("  ") would split it on export
        if body:
            scene.elements.append(ScriptElement(kind="action", text="\n".join(body), beat=self.beat))


def from_fountain(text: str, bible: SeriesBible, episode: int, target_seconds: float,
                  settings: TimingSettings | None = None) -> EpisodeScript:
    """An :class:`EpisodeScript` from Fountain text (see the module doc).

    Raises :class:`FountainImportError` (``line N: …``) for: an empty file or one with
    no scene, action or dialogue before the first scene heading, an unknown location or
    a heading without a time, an unknown character cue, a cue with no dialogue, a
    malformed ``[[beat N]]`` note. ``episode``/``target_seconds`` out of range raise
    :class:`InputError`.
    """
    if not isinstance(text, str):
        raise InputError("fountain", type(text).__name__, "Fountain text (a str)")
    if isinstance(episode, bool) or not isinstance(episode, int) or episode < 1:
        raise InputError("episode", episode, "an episode number >= 1")
    s = get_settings() if settings is None else settings
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # boneyard: blank it out but keep the line count
    text = _BONEYARD.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    lines = [ln.expandtabs(4) for ln in text.split("\n")]
    if not any(ln.strip() for ln in lines):
        raise FountainImportError(1, "the file is empty; expected a scene heading such as "
                                     f"'{bible.locations[0].heading}' and the scene's action and dialogue")
    page, body_start = _title_page(lines)
    title = ""
    if page.get("Episode"):
        m = re.match(r"^\s*\d+\s*(?::\s*(.*))?$", page["Episode"][0])
        title = (m.group(1) or "").strip() if m else page["Episode"][0].strip()
    reader = _Reader(bible)
    for p in _paragraphs(lines, body_start):
        reader.read(p)
    scenes = reader.finish(lines)
    try:
        script = EpisodeScript(episode=episode, title=title, target_seconds=target_seconds, scenes=scenes)
    except ValueError as e:  # pydantic: target out of range
        raise InputError("target_seconds", target_seconds, "a number of seconds from 60 to 90") from e
    return script.model_copy(update={"estimated_seconds": round(estimate_elements(script.elements(), s), 2)})
