"""Pure renderers and parsers of the studio: data-model objects → HTML and table rows, and the
page's fields (tables, dialogue text, numbers) → data-model objects. No Gradio, no disk:
unit-tested without a server (tests/test_studio_views.py).
"""

from __future__ import annotations

import html
import re
from typing import Any

from pydantic import ValidationError

from ..core.errors import DramagenError, InputError
from ..core.models import (
    MAX_SECONDS,
    MIN_SECONDS,
    Character,
    EpisodeBeats,
    Line,
    Location,
    PinnedBible,
    SeasonPlan,
    SeriesBible,
)

CHAR_HEADERS = ["pin", "name", "age", "role", "want", "secret", "look"]
LOC_HEADERS = ["pin", "name", "interior", "time", "description"]
PLAN_HEADERS = ["ep", "title", "synopsis", "cliffhanger", "free", "function", "cliffhanger type", "strength",
                "target s", "characters", "location", "signature beat"]
PLAN_EDITABLE = ("title", "synopsis", "cliffhanger")
SHOT_HEADERS = ["#", "scene", "size", "angle", "move", "subject", "line / action", "seconds", "9:16 notes"]


# --------------------------------------------------------------------------- field values


def field_number(field: str, v: Any, accepted: str, whole: bool = True) -> int | float:
    """A form field's number, refused (:class:`InputError` naming the field) when it is empty, not a
    number, or (``whole``) has a fraction: 10.5 episodes is not rounded to 10, a blank is not the default."""
    if v is None or (isinstance(v, str) and not v.strip()):
        raise InputError(field, "", accepted, "empty, or not a number")
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise InputError(field, v, accepted, "not a number") from None
    if x != x or x in (float("inf"), float("-inf")):
        raise InputError(field, v, accepted, "not a number")
    if not whole:
        return x
    if not x.is_integer():
        raise InputError(field, v, accepted, "a whole number, without a fraction")
    return int(x)


def paywall_summary(episodes: int, paywall: int) -> str:
    """Which episodes are free and which paid, in words right for every season and paywall."""
    if paywall >= episodes:
        return f"all {episodes} episodes free (no paywall)"
    free = "free 1" if paywall == 1 else f"free 1–{paywall}"
    paid = f"paid {episodes}" if paywall + 1 == episodes else f"paid {paywall + 1}–{episodes}"
    return f"{free}, {paid}"


def no_rows(headers: list[str]) -> dict:
    """An empty table's value that keeps its column names (a bare [] shows columns 0 1 2 … in the page)."""
    return {"headers": list(headers), "data": []}


def rows(value: Any) -> list[list]:
    """Rows of a Dataframe value (list of lists, a dict with data, or a pandas frame); empty rows dropped."""
    if value is None:
        return []
    if isinstance(value, dict):
        value = value.get("data", [])
    if hasattr(value, "values") and hasattr(value, "columns"):
        value = value.values.tolist()
    out = [list(r) for r in value]
    return [r for r in out if any(str(c).strip() for c in r if c is not None and not isinstance(c, bool))]


def cell(row: list, i: int, default: Any = "") -> Any:
    v = row[i] if i < len(row) else default
    return default if v is None else v


def as_bool(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes", "y", "x", "✓", "int", "interior")
    return bool(v)


def model_error(e: ValidationError, where: str) -> InputError:
    """A pydantic error as an InputError naming the field of the form."""
    err = e.errors()[0]
    loc = ".".join(str(x) for x in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    return InputError(f"{where}.{loc}" if loc else where, err.get("input"), msg)


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise InputError("auth", "***", "user:pass (both non-empty)")
    return user, password


# --------------------------------------------------------------------------- bible and plan tables


def bible_rows(bible: SeriesBible, pins: PinnedBible) -> tuple[list[list], list[list]]:
    pinned_c = {c.name for c in pins.characters}
    pinned_l = {loc.name for loc in pins.locations}
    chars = [[c.name in pinned_c, c.name, c.age, c.role, c.want, c.secret, c.look] for c in bible.characters]
    locs = [[loc.name in pinned_l, loc.name, loc.interior, loc.time, loc.description] for loc in bible.locations]
    return chars, locs


def parse_characters(value: Any) -> tuple[list[Character], list[Character]]:
    """(all characters, pinned ones) from the characters table."""
    out, pinned = [], []
    for i, row in enumerate(rows(value), 1):
        try:
            age = cell(row, 2, 0)
            age = int(float(age)) if str(age).strip() else 0
        except ValueError:
            raise InputError(f"characters row {i} age", cell(row, 2), "a whole number from 5 to 110") from None
        try:
            c = Character(name=str(cell(row, 1)).strip(), age=age, role=str(cell(row, 3)).strip(),
                          want=str(cell(row, 4)).strip(), secret=str(cell(row, 5)).strip(),
                          look=str(cell(row, 6)).strip())
        except ValidationError as e:
            raise model_error(e, f"characters row {i}") from None
        out.append(c)
        if as_bool(cell(row, 0, False)):
            pinned.append(c)
    return out, pinned


def parse_locations(value: Any) -> tuple[list[Location], list[Location]]:
    """(all locations, pinned ones) from the locations table."""
    out, pinned = [], []
    for i, row in enumerate(rows(value), 1):
        try:
            loc = Location(name=str(cell(row, 1)).strip(), interior=as_bool(cell(row, 2, True)),
                           time=str(cell(row, 3, "NIGHT")).strip().upper() or "NIGHT",
                           description=str(cell(row, 4)).strip())
        except ValidationError as e:
            raise model_error(e, f"locations row {i}") from None
        out.append(loc)
        if as_bool(cell(row, 0, False)):
            pinned.append(loc)
    return out, pinned


def keep_unshown(old: SeriesBible, characters: list) -> list:
    """Characters from the bible table keep what the table does not show (tie to the lead, way of speaking)."""
    out = []
    for c in characters:
        prev = old.character(c.name)
        out.append(c.model_copy(update={"tie": prev.tie, "speech": prev.speech}) if prev is not None else c)
    return out


def plan_rows(plan: SeasonPlan) -> list[list]:
    return [[e.number, e.title, e.synopsis, e.cliffhanger, "free" if e.free else "paid", e.function.replace("_", " "),
             e.cliffhanger_type, e.strength, e.target_seconds, ", ".join(e.characters), e.location,
             e.signature_beat or ""] for e in plan.episodes]


def episode_choices(plan: SeasonPlan | None, done: set[int] | list[int]) -> list[tuple[str, int]]:
    """The episode pickers' choices: ``3 ✓ · Title`` (✓: beats written)."""
    if plan is None:
        return []
    done = set(done)
    return [(f"{e.number}{' ✓' if e.number in done else ''} · {e.title or e.function.replace('_', ' ')}", e.number)
            for e in plan.episodes]


def plan_summary(bible: SeriesBible, plan: SeasonPlan, with_beats: int, issues: list[str]) -> str:
    head = (f"<p><b>{html.escape(bible.title)}</b> · {len(plan.episodes)} episodes · "
            f"{paywall_summary(len(plan.episodes), plan.paywall)} · {with_beats} with beats</p>")
    return head + check_html(issues, "the plan passes every check")


# --------------------------------------------------------------------------- trope card


def trope_card(mode: str, trope_id: str | None, custom_text: str | None) -> str:
    """The chosen trope's pitch, tone and signature beats (HTML); a free-text premise as it is read."""
    from ..story.custom import custom_trope
    from ..story.tropes import get_trope

    premise = ""
    try:
        if mode == "Free text":
            if not (custom_text or "").strip():
                return ("<div class='trope-card'><p class='studio-hint'>Describe your trope in a sentence or two, e.g. "
                        "<i>A nurse discovers the billionaire patient she saved is the husband who faked his death.</i>"
                        "</p></div>")
            t = custom_trope(custom_text or "")
            premise = premise_html(custom_text or "")
        else:
            if not trope_id:
                return "<div class='trope-card'><p class='studio-hint'>Pick a trope.</p></div>"
            t = get_trope(trope_id)
    except DramagenError as e:
        return f"<div class='trope-card'><p class='check-bad'>{html.escape(str(e))}</p></div>"
    beats = "".join(f"<li><b>{int(b.at * 100)} %</b> · {html.escape(b.beat)} "
                    f"<i>({b.function.replace('_', ' ')})</i></li>" for b in t.signature_beats)
    notes = f"<p><b>Content notes:</b> {html.escape(', '.join(t.content_notes))}</p>" if t.content_notes else ""
    return (f"<div class='trope-card'><h3>{html.escape(t.name)}</h3>"
            f"<p><b>Pitch:</b> {html.escape(t.pitch)}</p>"
            f"<p><b>Genre:</b> {html.escape(t.genre)} · <b>Tone:</b> {html.escape(t.tone)} · "
            f"<b>Cliffhangers:</b> {html.escape(', '.join(t.cliffhangers))}</p>"
            f"{premise}<p><b>Signature beats</b> (where in the season):</p><ol>{beats}</ol>{notes}</div>")


def premise_html(text: str) -> str:
    """How dramagen reads a free-text premise (dramagen.story.premise), what it assumed included."""
    from ..story.premise import parse_premise

    p = parse_premise(text)
    items = [("Lead", f"{p.lead_name or '(unnamed)'}, {p.lead_status} {p.lead_occupation}"),
             ("Against", "; ".join(a.relation for a in p.antagonists)), ("Love interest", p.love_interest or "—"),
             ("Secret", p.secret), ("Her own secret" if p.lead_gender == "female" else "His own secret",
                                     p.lead_secret or "—"),
             ("World", p.world), ("Locations", ", ".join(p.locations)),
             ("Stakes", p.stakes), ("Objects", ", ".join(p.objects))]
    lis = "".join(f"<li><b>{k}:</b> {html.escape(v)}</li>" for k, v in items)
    assumed = (f"<p class='studio-hint'><b>Assumed</b> (say it in the premise to change it): "
               f"{html.escape('; '.join(p.assumed))}</p>") if p.assumed else ""
    return f"<p><b>How your premise is read:</b></p><ul class='premise'>{lis}</ul>{assumed}"


# --------------------------------------------------------------------------- checks, timeline, beats


def check_html(issues: list[str], ok_text: str) -> str:
    if not issues:
        return f"<p class='check-ok'>✓ {html.escape(ok_text)}</p>"
    items = "".join(f"<li>{html.escape(str(i))}</li>" for i in issues[:12])
    more = f"<li>… and {len(issues) - 12} more</li>" if len(issues) > 12 else ""
    return f"<p class='check-bad'>✗ {len(issues)} issue(s)</p><ul class='check-list'>{items}{more}</ul>"


def _timeline_bar(beats: EpisodeBeats, span: float, selected: int | None) -> str:
    parts = []
    for b in beats.beats:
        w = max(b.duration, 0.0) / span * 100
        sel = " sel" if selected == b.index else ""
        who = ", ".join(n.split()[0] for n in b.characters)
        tip = html.escape(f"Beat {b.index} · {b.kind} · {b.start:.1f}–{b.end:.1f} s · {b.location} · {who}")
        # a label shows only where it fits its beat (studio.css hides it by the beat's share of the bar, a
        # tl-wN class, at each screen width), over the marks; the tooltip names every beat (two short beats'
        # labels ran into each other and the 5 s mark)
        two = " tl-n2" if b.index > 9 else ""
        narrow = next((f" tl-w{k}" for k in (1, 3, 5, 7, 9) if w < (1.5 if k == 1 else k)), "")
        parts.append(f"<div class='tl-beat tl-{b.kind}{sel}{narrow}' style='width:{w:.3f}%' title='{tip}'>"
                     f"<span class='tl-n{two}'>{b.index}</span><span class='tl-s'>{b.duration:.1f}s</span></div>")
    if beats.runtime < span:
        parts.append(f"<div style='width:{(span - beats.runtime) / span * 100:.3f}%'></div>")
    return "".join(parts)


def timeline_html(beats: EpisodeBeats | None, target: float | None = None, selected: int | None = None) -> str:
    """The beats as a bar of their seconds (HTML/CSS), with the 5 s hook limit and the target marked."""
    if beats is None or not beats.beats:
        return ("<div class='tl-wrap'><div class='tl-bar'></div>"
                "<p class='studio-hint'>No beats yet: press <b>Write beats</b>.</p></div>")
    runtime = beats.runtime
    target = float(target or beats.target_seconds)
    span = max(runtime, target * 1.1, 1.0)
    lo, hi = target * 0.9, target * 1.1
    ok = lo <= runtime <= hi and MIN_SECONDS <= runtime <= MAX_SECONDS
    marks = (f"<div class='tl-mark hook' style='left:{5 / span * 100:.3f}%' title='hook must land by 5 s'></div>"
             f"<div class='tl-mark target' style='left:{target / span * 100:.3f}%' title='target {target:g} s'></div>")
    step = 15 if span > 45 else 5
    scale = "".join(f"<span style='left:{s / span * 100:.3f}%'>{s}s</span>" for s in range(0, int(span) + 1, step))
    legend = "".join(f"<span><i class='tl-{k}'></i>{k}</span>" for k in ("hook", "development", "turn", "cliffhanger"))
    verdict = (f"<span class='tl-ok'>✓ within ±10 % of {target:g} s</span>" if ok
               else f"<span class='tl-bad'>✗ outside {lo:.1f}–{hi:.1f} s</span>")
    return (f"<div class='tl-wrap' id='timeline'><div class='tl-meta'><span><b>Episode {beats.episode}</b></span>"
            f"<span>runtime <b>{runtime:.1f} s</b></span><span>target {target:g} s</span>{verdict}"
            f"<span>{len(beats.beats)} beats · {beats.cliffhanger_type} cliffhanger</span></div>"
            f"<div class='tl-bar'>{_timeline_bar(beats, span, selected)}{marks}</div>"
            f"<div class='tl-scale'>{scale}</div>"
            f"<div class='tl-legend'>{legend}<span>┊ yellow: 5 s hook limit · black: target</span></div></div>")


def beats_html(beats: EpisodeBeats | None, selected: int | None = None) -> str:
    """The beats as cards (kind, time, place, cast, action, dialogue)."""
    if beats is None:
        return ""
    cards = []
    for b in beats.beats:
        sel = " sel" if selected == b.index else ""
        head = (f"<b>Beat {b.index} · {b.kind.upper()}</b><span>{b.start:.1f}–{b.end:.1f} s ({b.duration:.1f} s)</span>"
                f"<span>{html.escape(b.location)}{' · new scene' if b.new_scene else ''}</span>"
                f"<span>{html.escape(', '.join(b.characters))}</span>")
        lines = "".join(
            f"<div class='beat-line'><span class='cue'>{html.escape(ln.character.split()[0].upper())}</span>"
            + (f" <span class='par'>({html.escape(ln.parenthetical)})</span>" if ln.parenthetical else "")
            + f": {html.escape(ln.text)}</div>" for ln in b.lines)
        action = f"<div class='beat-action'>{html.escape(b.action)}</div>" if b.action else ""
        cards.append(f"<div class='beat-card k-{b.kind}{sel}' id='beat-{b.index}'><div class='beat-head'>{head}</div>"
                     f"{action}{lines}</div>")
    return f"<div class='beats'>{''.join(cards)}</div>"


def lines_text(lines: list[Line]) -> str:
    """Dialogue lines as editable text: ``NAME (parenthetical): text``, one a line."""
    return "\n".join(f"{ln.character}{f' ({ln.parenthetical})' if ln.parenthetical else ''}: {ln.text}" for ln in lines)


_LINE = re.compile(r"^\s*([^:(]+?)\s*(?:\(([^)]*)\))?\s*:\s*(.+?)\s*$")


def parse_lines(text: str, bible: SeriesBible) -> list[Line]:
    """Dialogue text (``NAME (parenthetical): text`` a line) as lines of the bible's characters."""
    out = []
    for k, raw in enumerate((text or "").splitlines(), 1):
        if not raw.strip():
            continue
        m = _LINE.match(raw)
        if not m:
            raise InputError(f"lines line {k}", raw, "NAME: text or NAME (parenthetical): text")
        who = bible.character(m.group(1))
        if who is None:
            raise InputError(f"lines line {k}", m.group(1), "a character of the bible (" + ", ".join(bible.names) + ")")
        try:
            out.append(Line(character=who.name, text=m.group(3), parenthetical=(m.group(2) or "").strip()))
        except ValidationError as e:
            raise model_error(e, f"lines line {k}") from None
    if len(out) > 6:
        raise InputError("lines", len(out), "at most 6 lines of dialogue in a beat")
    return out


def writing(what: str) -> str:
    """What a view says while its step runs (never "No … yet: press …" while it is being written)."""
    return f"<p class='studio-hint'>Writing {html.escape(what)}… the live box below shows what the model writes.</p>"


def episode_status(ep: Any, issues: list[str] | None, writing_now: bool = False) -> str:
    """The Episode tab's heading: title, synopsis, then the cliffhanger and checks (or 'no beats yet',
    or that they are being written)."""
    head = f"**Episode {ep.number}: {html.escape(ep.title)}** — {html.escape(ep.synopsis)}  \n"
    if writing_now:
        return head + "Writing the beats… the live box below shows what the model writes."
    if issues is None:
        return head + "No beats yet: press **Write beats**."
    return (head + f"Cliffhanger ({ep.cliffhanger_type}): *{html.escape(ep.cliffhanger)}*"
            + check_html(issues, "beats pass every check"))


# --------------------------------------------------------------------------- script and shots


def runtime_html(est: Any, target: float, issues: list[str]) -> str:
    """The live estimate of a script (±10 % of the target) and its checks."""
    lo, hi = target * 0.9, target * 1.1
    ok = lo <= est.seconds <= hi and MIN_SECONDS <= est.seconds <= MAX_SECONDS
    head = (f"<div class='tl-meta' id='runtime-estimate'><span>Estimated runtime <b>{est.seconds:.1f} s</b></span>"
            f"<span>target {target:g} s ({lo:.1f}–{hi:.1f})</span>"
            + ("<span class='tl-ok'>✓ fits</span>" if ok else "<span class='tl-bad'>✗ does not fit</span>")
            + f"<span>{est.scenes} scenes · {est.dialogue_words} words of dialogue · {est.action_words} of action"
              f"</span></div>")
    return head + check_html(issues, "the script passes every check")


def shot_rows(shooting: Any) -> list[list]:
    return [[s.number, s.scene, s.size, s.angle, s.movement, s.subject,
             (f"{s.speaker}: {s.line}" if s.line else s.action), round(s.duration, 2), s.notes]
            for s in shooting.shots]


def scenes_html(shooting: Any) -> str:
    """The episode's scenes, numbered once (by the list, with each scene's own number)."""
    scenes = "".join(
        f"<li value='{sc.number}'><b>{html.escape(sc.heading)}</b> · {sc.seconds:.1f} s · {len(sc.shots)} shots"
        f"<br>cast: {html.escape(', '.join(sc.cast) or '—')} · props: {html.escape(', '.join(sc.props) or '—')}"
        f"</li>" for sc in shooting.scenes)
    return f"<p><b>Scenes</b></p><ol class='check-list'>{scenes}</ol>"


def panel_caption(shot: Any) -> str:
    line = f"{shot.speaker}: {shot.line}" if shot.line else shot.action
    return f"{shot.number} · {shot.size} · {shot.angle} · {shot.movement} · {shot.duration:.1f} s — {line}"[:160]


# --------------------------------------------------------------------------- production


def board_html(plan: Any) -> str:
    """The schedule as columns of strip cards, one column a day (colours as on a stripboard)."""
    from ..screen.production.breakdown import pages_text
    from ..screen.production.pdf import STRIP_COLOURS

    s = plan.schedule
    scenes = {(b.unit, x.id): (b, x) for b in plan.breakdowns for x in b.scenes}
    e = html.escape
    cols = []
    for d in sorted(s.days, key=lambda d: (d.unit, d.day)):
        cards = []
        for sid in d.scenes:
            b, x = scenes[(d.unit, sid)]
            nums = ",".join(str(c.number) for c in b.cast if c.name in x.cast)
            cards.append(f"<div class='pstrip' data-scene='{e(sid)}' style='background:"
                         f"{STRIP_COLOURS[(x.interior, x.day_night == 'NIGHT')]}'><b>{e(sid)}</b> "
                         f"{'INT' if x.interior else 'EXT'} {e(x.location)} · {pages_text(x.eighths)} pg · "
                         f"cast {e(nums)}</div>")
        unit = f" · {e(d.unit)}" if len(s.units) > 1 else ""
        cols.append(f"<div class='pday' id='pday-{d.day}'><div class='phead'>Day {d.day}{unit} · "
                    f"{'NIGHT' if d.night else 'DAY'}<br><small class='pinfo'>{d.minutes / 60:.1f}/"
                    f"{d.capacity / 60:.1f} h · {pages_text(d.eighths)} pg · {d.company_moves} move(s)</small></div>"
                    f"{''.join(cards)}</div>")
    style = ("<style>#prod-board .pboard{display:flex;gap:6px;overflow-x:auto;max-width:100%}"
             "#prod-board .pday{min-width:170px;flex:1;border:1px solid #999;border-radius:4px;color:#111}"
             "#prod-board .phead{background:#222;color:#fff;padding:3px 5px;font-size:12px}"
             "#prod-board .phead small{color:#ddd !important;font-size:11px}"
             "#prod-board .pstrip{border-top:1px solid #aaa;padding:2px 5px;font-size:11px}</style>")
    return style + "<div class='pboard'>" + "".join(cols) + "</div>"


def schedule_summary(plan: Any) -> str:
    """The schedule in a few lines of Markdown: days, moves, holds, budget, what a hand edit broke."""
    s = plan.schedule
    how = "moved by hand" if s.status == "HAND-EDITED" else f"solver {s.status}, gap {s.gap:.1%}"
    lines = [f"**{len(s.scenes)} scenes in {s.days_used} days** · {how} · "
             f"{s.company_moves} company moves · {s.hold_days} actor hold days"]
    if plan.budget is not None:
        lines.append(f"Budget estimate: {plan.budget.total:,.0f} {plan.budget.currency} (illustrative rate card)")
    if s.violations:
        lines.append("**Broken by the hand edit:** " + "; ".join(html.escape(v) for v in s.violations))
    elif s.status == "HAND-EDITED":
        lines.append("✓ Re-checked: the moved schedule meets every hard constraint.")
    return "\n\n".join(lines)


def dood_rows(plan: Any) -> list[list]:
    return [[r.actor, r.work, r.hold, r.start or "", r.finish or "", " ".join(c or "·" for c in r.codes)]
            for r in plan.schedule.dood]
