"""The studio's edits, without Gradio: a form's values checked and saved into the season folder
(the bible tables, the plan table, one beat, a Fountain script), and the season read back as data.

Every function takes the raw values of the page's fields and raises a
:class:`~dramagen.core.errors.DramagenError` naming the field when one is not accepted.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..core.errors import InputError
from ..core.models import Beat, EpisodePlan, PinnedBible, SeasonPlan, SeasonRequest, SeriesBible
from ..project import service
from ..project.season import SeasonDir, atomic_write_text
from . import views


def make_request(mode, trope_id, custom_text, episodes, length, paywall, seed, model, candidates,
                 title_pin=None, rating=None) -> SeasonRequest:
    """The Trope tab's options as a season request (the same rules as the CLI)."""
    from ..project.pipeline import make_request as _make
    from ..project.pipeline import resolve_trope

    custom = mode == "Free text"
    text = (custom_text or "").strip() if custom else (trope_id or "")
    if not text:
        raise InputError("trope", text, "a catalogue id (dramagen tropes list) or 1–2000 characters of free text")
    pins = {"title": str(title_pin).strip()} if title_pin and str(title_pin).strip() else None
    n = season_numbers(episodes, length, paywall)
    req = _make(trope=text, custom_trope=custom, **n, seed=_number("seed", seed),
                model=(model or None), candidates=_number("candidates", candidates), pins=pins,
                **({"rating": rating} if rating else {}))
    resolve_trope(req)  # an unknown trope fails here, with suggestions
    if model:
        from ..llm import resolve

        resolve(model)  # an unknown model name fails here
    return req


def _number(field: str, v: Any, whole: bool = True) -> int | float:
    """A numeric field of the Trope tab; an empty, wordy or fractional value is refused (InputError)."""
    from ..project.pipeline import _RANGES

    return views.field_number(field, v, _RANGES[field], whole)


def season_numbers(episodes: Any, length: Any, paywall: Any) -> dict[str, Any]:
    """The Trope tab's episodes, length and paywall, each refused at its field when it is not a number."""
    return {"episodes": _number("episodes", episodes), "length": _number("length", length, whole=False),
            "paywall": _number("paywall", paywall)}


def check_numbers(episodes: Any, paywall: Any = None) -> tuple[int, int]:
    """The Trope tab's episodes and paywall (``None``: the default for the episodes) by the season
    request's own rules, as :func:`make_request` checks them: an :class:`InputError` naming the field."""
    from ..project.pipeline import make_request as _make

    n = _number("episodes", episodes)
    req = _make(trope="-", episodes=n, paywall=None if paywall is None else _number("paywall", paywall))
    return req.episodes, req.paywall


def update_request(sd: SeasonDir, episodes: Any, length: Any, paywall: Any) -> None:
    """The season's request with the Trope tab's episodes, length and paywall."""
    from ..project.pipeline import make_request as _make

    old = sd.load_request()
    data = old.model_dump()
    data.update(season_numbers(episodes, length, paywall))
    req = _make(**data)
    if req != old:
        atomic_write_text(sd.request_path, req.model_dump_json(indent=2) + "\n")


def save_pins(sd: SeasonDir, pins: PinnedBible) -> SeasonRequest:
    req = sd.load_request().model_copy(update={"pins": pins})
    atomic_write_text(sd.request_path, req.model_dump_json(indent=2) + "\n")
    return req


# --------------------------------------------------------------------------- bible


def bible_from_form(sd: SeasonDir, title, tpin, logline, lpin, chars, locs) -> tuple[SeriesBible, PinnedBible]:
    old = sd.load_bible()
    characters, pinned_c = views.parse_characters(chars)
    characters, pinned_c = views.keep_unshown(old, characters), views.keep_unshown(old, pinned_c)
    locations, pinned_l = views.parse_locations(locs)
    try:
        bible = SeriesBible(title=(title or "").strip(), logline=(logline or "").strip(), trope_id=old.trope_id,
                            trope_name=old.trope_name, tone=old.tone, characters=characters,
                            locations=locations, world=old.world, voices=old.voices)
    except ValidationError as e:
        raise views.model_error(e, "bible") from None
    try:
        pins = PinnedBible(title=bible.title if tpin else None, logline=bible.logline if lpin else None,
                           characters=pinned_c, locations=pinned_l)
    except ValidationError as e:
        raise views.model_error(e, "pins") from None
    return bible, pins


def save_bible(sd: SeasonDir, title, tpin, logline, lpin, chars, locs) -> bool:
    """Save the bible form; True when anything changed."""
    bible, pins = bible_from_form(sd, title, tpin, logline, lpin, chars, locs)
    changed = False
    if bible != sd.load_bible():
        sd.write_model(sd.bible_path, bible)
        changed = True
    if pins != sd.load_request().pins:
        save_pins(sd, pins)
        changed = True
    return changed


# --------------------------------------------------------------------------- plan


def save_plan(sd: SeasonDir, table: Any) -> list[int]:
    """Save the plan table's titles, synopses and cliffhangers; the episodes that changed."""
    plan_ = sd.load_plan()
    rows = views.rows(table)
    if len(rows) != len(plan_.episodes):
        raise InputError("plan", f"{len(rows)} rows", f"{len(plan_.episodes)} rows, one per episode "
                                                     "(rows cannot be added or removed)")
    changed, eps = [], []
    for e, row in zip(plan_.episodes, rows, strict=True):
        upd = {k: str(views.cell(row, views.PLAN_HEADERS.index(k))).strip() for k in views.PLAN_EDITABLE}
        if any(upd[k] != getattr(e, k) for k in views.PLAN_EDITABLE):
            for k in ("synopsis", "cliffhanger"):
                if not upd[k]:
                    raise InputError(f"plan episode {e.number} {k}", "", "some text (it cannot be empty)")
            try:
                e = EpisodePlan(**{**e.model_dump(), **upd})
            except ValidationError as err:
                raise views.model_error(err, f"plan episode {e.number}") from None
            changed.append(e.number)
        eps.append(e)
    if changed:
        sd.write_model(sd.plan_path, SeasonPlan(episodes=eps, paywall=plan_.paywall))
    return changed


# --------------------------------------------------------------------------- beats


def beat_from_form(sd: SeasonDir, n: int, index: int, action, lines, chars, loc, new_scene) -> Beat | None:
    """The edited beat (None when nothing changed)."""
    bible = sd.load_bible()
    beats = sd.load_beats(n)
    old = next((b for b in beats.beats if b.index == index), None)
    if old is None:
        raise InputError("beat", index, f"a beat of episode {n} (1 to {len(beats.beats)})")
    chars = [c for c in (chars or []) if c]
    for c in chars:
        if bible.character(c) is None:
            raise InputError("on screen", c, "characters of the bible (" + ", ".join(bible.names) + ")")
    place = bible.location(loc) if loc else None
    if loc and place is None:
        raise InputError("location", loc, "a location of the bible (" +
                         ", ".join(x.name for x in bible.locations) + ")")
    try:
        new = Beat(**{**old.model_dump(), "action": " ".join((action or "").split()),
                      "lines": views.parse_lines(lines, bible), "characters": chars,
                      "location": place.name if place else old.location,
                      "new_scene": bool(new_scene)})
    except ValidationError as e:
        raise views.model_error(e, f"beat {index}") from None
    return None if new == old else new


def store_beat(sd: SeasonDir, n: int, new: Beat) -> None:
    """Put ``new`` in place of its beat and re-time the episode."""
    from ..story.planner import retime_episode

    beats = sd.load_beats(n)
    eb = beats.model_copy(update={"beats": [new if b.index == new.index else b for b in beats.beats]})
    sd.write_model(sd.beats_path(n), retime_episode(eb, sd.load_bible()))


def save_beat_if_edited(sd: SeasonDir, episode, beat, action, lines, chars, loc, new_scene) -> None:
    n = clamp_episode(sd, episode)
    if beat and sd.beats_path(n).exists():
        new = beat_from_form(sd, n, int(beat), action, lines, chars, loc, new_scene)
        if new is not None:
            store_beat(sd, n, new)


# --------------------------------------------------------------------------- script


fountain_text = service.fountain_text  # the page's and the save check's Fountain of an episode


def save_script(sd: SeasonDir, n: int, text: str) -> bool:
    """Import the edited Fountain (:func:`dramagen.project.service.import_fountain`); False when unchanged."""
    if sd.script_path(n).exists() and text == fountain_text(sd, n):
        return False
    service.import_fountain(sd, n, text)
    return True


def save_pending(sd: SeasonDir, bible_form: list, plan_table: Any, beat_form: list, sc_episode: Any,
                 fountain: str | None) -> None:
    """Every edit still in the page (bible, plan, the beat being edited, the script), before an export or save."""
    if sd.has_bible() and views.rows(bible_form[4]):
        save_bible(sd, *bible_form)
    if sd.has_plan() and views.rows(plan_table):
        save_plan(sd, plan_table)
    if sd.has_plan():
        save_beat_if_edited(sd, *beat_form)
        if sc_episode and (fountain or "").strip():
            save_script(sd, clamp_episode(sd, sc_episode), fountain or "")


# --------------------------------------------------------------------------- reading


def clamp_episode(sd: SeasonDir, n: Any) -> int:
    return service.check_episode_number(sd, n)


def episode_issues(sd: SeasonDir, n: int) -> list[str]:
    from ..story.check import check_episode

    bible, plan = sd.load_bible(), sd.load_plan()
    beats = sd.load_beats(n) if sd.beats_path(n).exists() else None
    return [f"[{i.rule}] {i.message}" for i in check_episode(bible, plan.episode(n), beats, paywall=plan.paywall)]


def season_json(sd: SeasonDir) -> dict:
    """The season as data: request, bible, plan, and which episodes have beats, script, shots."""
    load = {"request": (sd.request_path, sd.load_request), "bible": (sd.bible_path, sd.load_bible),
            "plan": (sd.plan_path, sd.load_plan)}
    data: dict[str, Any] = {k: (f().model_dump(mode="json") if path.exists() else None)
                            for k, (path, f) in load.items()}
    data["episodes_done"] = {st: sd.episodes_done(st) for st in ("beats", "script", "shooting")}
    return data


def episode_json(sd: SeasonDir, n: int) -> dict:
    """One episode as data: its plan, beats, script (model and Fountain), shooting script and check issues."""
    data: dict[str, Any] = {"episode": n, "plan": sd.load_plan().episode(n).model_dump(mode="json")}
    data["beats"] = sd.load_beats(n).model_dump(mode="json") if sd.beats_path(n).exists() else None
    data["script"] = sd.load_script(n).model_dump(mode="json") if sd.script_path(n).exists() else None
    data["fountain"] = fountain_text(sd, n) if sd.script_path(n).exists() else None
    data["shooting"] = sd.load_shooting(n).model_dump(mode="json") if sd.shooting_path(n).exists() else None
    data["issues"] = episode_issues(sd, n)
    return data
