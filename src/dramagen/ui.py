"""The web app: the writers' studio (trope → bible → plan → beats → script → shots → exports),
plus the raw playground.

Every level is editable and can be regenerated; text streams into the page as the model
writes it; long work shows progress and can be stopped. Each browser tab (or
``gradio_client.Client``) is its own session, working on its own season folder (the
CLI's format, :class:`dramagen.season.SeasonDir`) in a private temporary directory;
**Projects** saves it to / opens it from the workspace (``DRAMAGEN_WORKSPACE``, default
``./seasons``) or an uploaded zip. One model is loaded per process
(:func:`dramagen.llm.load_generator` caches it) and its calls are serialised by the backend.

Named API endpoints (``gradio_client``): ``/bible`` ``/regenerate_bible`` ``/save_bible``
``/plan`` ``/regenerate_plan_episode`` ``/save_plan`` ``/beats`` ``/regenerate_beat``
``/save_beat`` ``/script`` ``/save_script`` ``/check_script`` ``/shooting`` ``/export``
``/save_project`` ``/open_project`` ``/list_projects`` ``/stop`` ``/complete`` (the
playground) and a few view helpers. The app binds 127.0.0.1 unless told otherwise, never
uses ``share``, turns analytics off and makes no outbound network calls.
"""

from __future__ import annotations

import atexit
import html
import inspect
import json
import logging
import os
import queue
import re
import shutil
import tempfile
import threading
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr  # noqa: E402
from pydantic import ValidationError  # noqa: E402

from .errors import DramagenError, InputError, SeasonDataError  # noqa: E402
from .llm import GenerationParams, default_model, load_generator, load_registry  # noqa: E402
from .models import (  # noqa: E402
    MAX_EPISODES,
    MAX_SECONDS,
    MIN_EPISODES,
    MIN_SECONDS,
    Beat,
    Character,
    EpisodeBeats,
    EpisodePlan,
    Line,
    Location,
    PinnedBible,
    SeasonPlan,
    SeasonRequest,
    SeriesBible,
)
from .prompting import render  # noqa: E402
from .season import SeasonDir, atomic_write_text, safe_join  # noqa: E402

log = logging.getLogger("dramagen.ui")

ASSETS = Path(__file__).resolve().parent / "ui_assets"
STUDIO_FILE = "studio.json"  # the studio's own bookkeeping in a season folder (regeneration counters)
MAX_ZIP_BYTES = 512 * 1024 * 1024
MAX_ZIP_MEMBERS = 20000
_PROJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,63}$")

# --------------------------------------------------------------------------- sessions

_SESSIONS_ROOT: Path | None = None
_SESSIONS_LOCK = threading.Lock()
_JOBS: dict[str, set["_Job"]] = {}  # session id → the jobs running for it (for Stop)
_JOBS_LOCK = threading.Lock()


def workspace() -> Path:
    """Where projects are saved: ``DRAMAGEN_WORKSPACE`` or ``./seasons``."""
    return Path(os.environ.get("DRAMAGEN_WORKSPACE") or "seasons").expanduser()


def _sessions_root() -> Path:
    global _SESSIONS_ROOT
    with _SESSIONS_LOCK:
        if _SESSIONS_ROOT is None or not _SESSIONS_ROOT.exists():
            _SESSIONS_ROOT = Path(tempfile.mkdtemp(prefix="dramagen-studio-"))
            atexit.register(shutil.rmtree, _SESSIONS_ROOT, True)
        return _SESSIONS_ROOT


def _sid(sess: dict) -> str:
    if not sess.get("id"):
        sess["id"] = uuid.uuid4().hex[:12]
    return sess["id"]


def _fresh_dir(sess: dict) -> Path:
    """A new, empty season folder for this session (the previous one is removed)."""
    _drop_dir(sess)
    d = _sessions_root() / f"{_sid(sess)}-{uuid.uuid4().hex[:6]}" / "season"
    d.mkdir(parents=True)
    sess["dir"] = str(d)
    return d


def _drop_dir(sess: dict) -> None:
    old = sess.get("dir")
    if old:
        shutil.rmtree(Path(old).parent, ignore_errors=True)
    sess["dir"] = None


def _delete_session(sess: Any) -> None:  # gr.State delete_callback
    if isinstance(sess, dict):
        _drop_dir(sess)


def _season(sess: dict, need: str = "bible") -> SeasonDir:
    """The session's season; a clear error when the step it needs has not been done yet."""
    d = sess.get("dir") if isinstance(sess, dict) else None
    sd = SeasonDir(d) if d else None
    if sd is None or not sd.path.exists() or not sd.exists():
        raise gr.Error("No season yet: pick a trope and press **Write the bible** (or open a project).",
                       title="Nothing to work on", print_exception=False)
    if need in ("bible", "plan") and not sd.has_bible():
        raise gr.Error("This season has no bible yet: press **Write the bible** first.", title="No bible",
                       print_exception=False)
    if need == "plan" and not sd.has_plan():
        raise gr.Error("This season has no plan yet: press **Plan the season** first.", title="No plan",
                       print_exception=False)
    return sd


def _quiet(save: Callable[[SeasonDir], Any], sess: dict, need: str = "plan"):
    """Run a save of pending edits before a later stage (errors shown, nothing else returned)."""
    try:
        save(_season(sess, need))
    except gr.Error:
        raise
    except Exception as e:  # noqa: BLE001
        raise _error(e) from None
    return gr.skip()


def _fail(message: str, title: str = "Not yet") -> gr.Error:
    """A message for the page (and the API client); no traceback anywhere."""
    return gr.Error(message, title=title, print_exception=False)


def _error(e: BaseException) -> gr.Error:
    """A user-readable error (never a stack trace)."""
    if isinstance(e, gr.Error):
        return e
    if isinstance(e, DramagenError):
        return gr.Error(str(e), title="Not accepted" if isinstance(e, InputError) else "Problem",
                        print_exception=False)
    log.exception("studio: unexpected error")
    return gr.Error(f"Something went wrong ({type(e).__name__}: {str(e)[:200]}); the season on disk is unchanged.",
                    title="Internal error", print_exception=False)


def _guard(fn: Callable) -> Callable:
    """Wrap a plain handler so that known errors become gr.Error (message only)."""
    import functools

    @functools.wraps(fn)
    def wrapper(*a, **kw):
        try:
            return fn(*a, **kw)
        except gr.Error:
            raise
        except Exception as e:  # noqa: BLE001
            raise _error(e) from None

    return wrapper


# --------------------------------------------------------------------------- season helpers


def _studio_meta(sd: SeasonDir) -> dict:
    p = sd.path / STUDIO_FILE
    try:
        return json.loads(p.read_text(encoding="utf-8")) if p.exists() else {}
    except (OSError, ValueError):
        return {}


def _next_variant(sd: SeasonDir, key: str) -> int:
    """1, 2, 3… for each regeneration of ``key`` (recorded, so a reopened project goes on)."""
    meta = _studio_meta(sd)
    variants = meta.setdefault("variants", {})
    variants[key] = int(variants.get(key, 0)) + 1
    atomic_write_text(sd.path / STUDIO_FILE, json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return variants[key]


def _variant_seed(seed: int, key: str, variant: int) -> int:
    from .seeding import derive_seed

    return seed if variant == 0 else derive_seed(seed, "studio", key, variant)


def _request(sd: SeasonDir) -> SeasonRequest:
    return sd.load_request()


def _trope(req: SeasonRequest):
    from .pipeline import resolve_trope

    return resolve_trope(req)


_TLS = threading.local()  # the studio job running in this thread, if any


def _generator(model: str | None):
    """The process's generator for ``model`` (loaded once), instrumented so that a studio job
    hears when the model starts and ends a batch, and can stop before the next one."""
    return _instrument(load_generator(model or None))


def _instrument(gen):
    if getattr(gen, "_studio_instrumented", False):
        return gen
    orig = gen.generate

    def generate(prompts, params=None, **kw):
        job = getattr(_TLS, "job", None)
        if job is not None:
            n = getattr(params, "n", 1) or 1
            job.tick(f"the model is writing {len(prompts)} line(s)" + (f" × {n} candidates" if n > 1 else "") + "…")
        return orig(prompts, params, **kw)

    try:
        generate.__signature__ = inspect.signature(orig)  # the slot engine looks for `logprobs`
    except (TypeError, ValueError):
        pass
    generate.__doc__ = orig.__doc__
    try:
        gen.generate = generate
        gen._studio_instrumented = True
    except AttributeError:  # a generator that refuses attributes: used as it is
        pass
    return gen


def _load_state(sd: SeasonDir):
    """The season on disk as a pipeline SeasonState (for the manifest and season.md)."""
    from .pipeline import SeasonState

    req = _request(sd)
    st = SeasonState(request=req, trope=_trope(req))
    if sd.has_bible():
        st.bible = sd.load_bible()
        st.stats["bible"] = sd.load_stats("bible.stats.json")
    if sd.has_plan():
        st.plan = sd.load_plan()
        st.stats["plan"] = sd.load_stats("plan.stats.json")
    for n in sd.episodes_done("beats"):
        st.beats[n] = sd.load_beats(n)
        st.stats[f"ep{n:03d}"] = sd.load_stats(f"episodes/ep{n:03d}/stats.json")
    for n in sd.episodes_done("script"):
        st.scripts[n] = sd.load_script(n)
    for n in sd.episodes_done("shooting"):
        st.shootings[n] = sd.load_shooting(n)
    return st


def _finish(sd: SeasonDir, generator=None, runner=None, params: dict | None = None) -> None:
    """Refresh manifest.json and season.md (as the CLI's pipeline does)."""
    from types import SimpleNamespace

    from .pipeline import Runner

    if runner is None:
        if generator is None:  # an edit: keep the model the manifest already names
            old = sd.load_manifest() if sd.manifest_path.exists() else None
            generator = SimpleNamespace(info=dict(old.model) if old else {})
        runner = Runner(generator=generator, out=sd.path)
    state = _load_state(sd)
    atomic_write_text(sd.manifest_path, runner.manifest(state, params or {}).model_dump_json(indent=2) + "\n")
    runner.finish(state)


def _write_ctx(runner, req: SeasonRequest, seed: int, on_text, candidates: int | None = None):
    from .slots import WriteContext

    return WriteContext(generator=runner.generator, seed=seed, candidates=candidates or req.candidates,
                        prompts=runner.prompts, stats={}, params={}, on_text=on_text)


def _accepts(fn: Callable, name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------- streaming jobs


class _Stopped(Exception):
    """Raised inside a job when the user pressed Stop."""


class _Job:
    """One long piece of work in a thread; its text arrives through a queue."""

    def __init__(self, sid: str):
        self.sid = sid
        self.q: queue.Queue = queue.Queue()
        self.cancel = threading.Event()

    def on_text(self, kind: str, text: str) -> None:
        if self.cancel.is_set():
            raise _Stopped()
        self.q.put(("text", kind, text))

    def tick(self, message: str) -> None:
        if self.cancel.is_set():
            raise _Stopped()
        self.q.put(("tick", "", message))


def _run_job(sess: dict, work: Callable[["_Job"], dict], stream: gr.components.Component, progress: gr.Progress,
             what: str, expected: int = 0) -> Iterator[dict]:
    """Run ``work(job)`` in a thread, streaming its text into ``stream``; yields component updates,
    the last one being ``work``'s result. Stop (or closing the page) cancels it at the next slot."""
    sid = _sid(sess)
    job = _Job(sid)
    with _JOBS_LOCK:
        _JOBS.setdefault(sid, set()).add(job)
    out: dict = {}

    def target() -> None:
        _TLS.job = job
        try:
            out["value"] = work(job)
        except BaseException as e:  # noqa: BLE001 - reported to the page below
            out["error"] = e
        finally:
            _TLS.job = None

    lines: list[str] = []
    count = 0
    progress(0, desc=f"{what}…")
    t = threading.Thread(target=target, name=f"studio-{sid}", daemon=True)
    t.start()
    last = 0.0
    try:
        while t.is_alive() or not job.q.empty():
            try:
                kind, slot, text = job.q.get(timeout=0.2)
            except queue.Empty:
                continue
            if kind == "text":
                count += 1
                lines.append(f"{slot}: {text}")
                desc = f"{what}: {count} lines written"
            else:
                lines.append(f"— {text}")
                desc = f"{what}: {text}"
            if expected:
                progress(min(count, expected) / expected, desc=desc)
            else:
                progress((count, None), desc=desc, unit="lines")
            now = time.monotonic()
            if now - last > 0.15:
                last = now
                yield {stream: "\n".join(lines[-400:])}
        t.join()
        if "error" in out:
            e = out["error"]
            if isinstance(e, _Stopped):
                gr.Warning(f"Stopped: {what} was cancelled; the season keeps what was there before.")
                yield {stream: "\n".join(lines[-400:] + ["— stopped"])}
                return
            raise _error(e) from None
        result = dict(out.get("value") or {})
        result[stream] = "\n".join(lines[-400:] + [f"— done: {what}"])
        yield result
    finally:
        job.cancel.set()  # the page went away or Stop was pressed: the thread stops at its next slot
        with _JOBS_LOCK:
            jobs = _JOBS.get(sid, set())
            jobs.discard(job)
            if not jobs:
                _JOBS.pop(sid, None)


def stop(sess: dict) -> str:
    """Stop this session's running generation (it ends at the next slot)."""
    sid = sess.get("id") if isinstance(sess, dict) else None
    with _JOBS_LOCK:
        jobs = list(_JOBS.get(sid, ())) if sid else []
    if not jobs:
        return "Nothing is running."
    for job in jobs:
        job.cancel.set()
    return "Stopping… (the model finishes the line it is writing)"


# --------------------------------------------------------------------------- tropes & options


def _trope_choices() -> list[tuple[str, str]]:
    from .tropes import list_tropes

    return [(f"{t.name} ({t.genre})", t.id) for t in list_tropes()]


def trope_card(mode: str, trope_id: str | None, custom_text: str | None) -> str:
    """The chosen trope's pitch, tone and signature beats (Markdown/HTML)."""
    from .tropes import custom_trope, get_trope

    try:
        if mode == "Free text":
            if not (custom_text or "").strip():
                return ("<div class='trope-card'><p class='studio-hint'>Describe your trope in a sentence or two, e.g. "
                        "<i>A nurse discovers the billionaire patient she saved is the husband who faked his death.</i>"
                        "</p></div>")
            t = custom_trope(custom_text)
            premise = premise_html(custom_text)
        else:
            if not trope_id:
                return "<div class='trope-card'><p class='studio-hint'>Pick a trope.</p></div>"
            t = get_trope(trope_id)
    except DramagenError as e:
        return f"<div class='trope-card'><p class='check-bad'>{html.escape(str(e))}</p></div>"
    premise = premise if mode == "Free text" else ""
    beats = "".join(f"<li><b>{int(b.at * 100)} %</b> · {html.escape(b.beat)} "
                    f"<i>({b.function.replace('_', ' ')})</i></li>" for b in t.signature_beats)
    notes = f"<p><b>Content notes:</b> {html.escape(', '.join(t.content_notes))}</p>" if t.content_notes else ""
    return (f"<div class='trope-card'><h3>{html.escape(t.name)}</h3>"
            f"<p><b>Pitch:</b> {html.escape(t.pitch)}</p>"
            f"<p><b>Genre:</b> {html.escape(t.genre)} · <b>Tone:</b> {html.escape(t.tone)} · "
            f"<b>Cliffhangers:</b> {html.escape(', '.join(t.cliffhangers))}</p>"
            f"{premise}<p><b>Signature beats</b> (where in the season):</p><ol>{beats}</ol>{notes}</div>")


def _keep_unshown(old: SeriesBible, characters: list) -> list:
    """Characters from the bible table keep what the table does not show (tie to the lead, way of speaking)."""
    out = []
    for c in characters:
        prev = old.character(c.name)
        out.append(c.model_copy(update={"tie": prev.tie, "speech": prev.speech}) if prev is not None else c)
    return out


def premise_html(text: str) -> str:
    """How dramagen reads a free-text premise (dramagen.story.premise), what it assumed included."""
    from .story.premise import parse_premise

    p = parse_premise(text)
    rows = [("Lead", f"{p.lead_name or '(unnamed)'}, {p.lead_status} {p.lead_occupation}"),
            ("Against", "; ".join(a.relation for a in p.antagonists)), ("Love interest", p.love_interest or "—"),
            ("Secret", p.secret), ("World", p.world), ("Locations", ", ".join(p.locations)),
            ("Stakes", p.stakes), ("Objects", ", ".join(p.objects))]
    items = "".join(f"<li><b>{k}:</b> {html.escape(v)}</li>" for k, v in rows)
    assumed = (f"<p class='studio-hint'><b>Assumed</b> (say it in the premise to change it): "
               f"{html.escape('; '.join(p.assumed))}</p>") if p.assumed else ""
    return f"<p><b>How your premise is read:</b></p><ul class='premise'>{items}</ul>{assumed}"


def _num(v: Any) -> Any:
    """A number from a form field (None stays None; floats that are whole become ints)."""
    if v is None or v == "":
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _make_request(mode, trope_id, custom_text, episodes, length, paywall, seed, model, candidates, title_pin=None):
    from .pipeline import make_request, resolve_trope

    custom = mode == "Free text"
    text = (custom_text or "").strip() if custom else (trope_id or "")
    if not text:
        raise InputError("trope", text, "a catalogue id (dramagen tropes list) or 1–2000 characters of free text")
    pins = {"title": str(title_pin).strip()} if title_pin and str(title_pin).strip() else None
    req = make_request(trope=text, custom_trope=custom, episodes=_num(episodes), length=_num(length),
                       paywall=_num(paywall), seed=_num(seed), model=(model or None), candidates=_num(candidates),
                       pins=pins)
    resolve_trope(req)  # an unknown trope fails here, with suggestions
    if model:
        from .llm import resolve

        resolve(model)  # an unknown model name fails here
    return req


_OPTION_FIELDS = ("mode", "trope", "custom_text", "episodes", "length", "paywall", "seed", "model", "candidates",
                  "pins.title")


def _field_index(field: str) -> int:
    f = field.split(".")[0] if not field.startswith("pins.title") else "pins.title"
    if f == "trope":
        return -1  # decided by the mode below
    if f == "pins":
        return _OPTION_FIELDS.index("pins.title")
    return _OPTION_FIELDS.index(f) if f in _OPTION_FIELDS else -2


def validate_options(mode, trope_id, custom_text, episodes, length, paywall, seed, model, candidates, title_pin,
                     *rest):
    """gr.validate for each option (the same rules as the CLI); messages appear next to the fields."""
    out = [gr.validate(True, "") for _ in range(10 + len(rest))]
    try:
        _make_request(mode, trope_id, custom_text, episodes, length, paywall, seed, model, candidates, title_pin)
    except DramagenError as e:
        field = getattr(e, "field", None) or ("model" if "model" in str(e)[:8] else "trope")
        i = _field_index(field)
        if i == -1:
            i = 2 if mode == "Free text" else 1
        if i < 0:
            i = 1
        out[i] = gr.validate(False, str(e))
    return out


# --------------------------------------------------------------------------- tables ↔ models

CHAR_HEADERS = ["pin", "name", "age", "role", "want", "secret", "look"]
LOC_HEADERS = ["pin", "name", "interior", "time", "description"]
PLAN_HEADERS = ["ep", "title", "synopsis", "cliffhanger", "free", "function", "cliffhanger type", "strength",
                "target s", "characters", "location", "signature beat"]
PLAN_EDITABLE = ("title", "synopsis", "cliffhanger")
SHOT_HEADERS = ["#", "scene", "size", "angle", "move", "subject", "line / action", "seconds", "9:16 notes"]


def _rows(value: Any) -> list[list]:
    """Rows of a Dataframe value (list of lists, a dict with data, or a pandas frame)."""
    if value is None:
        return []
    if isinstance(value, dict):
        value = value.get("data", [])
    if hasattr(value, "values") and hasattr(value, "columns"):
        value = value.values.tolist()
    rows = [list(r) for r in value]
    return [r for r in rows if any(str(c).strip() for c in r if c is not None and not isinstance(c, bool))]


def _cell(row: list, i: int, default: Any = "") -> Any:
    v = row[i] if i < len(row) else default
    return default if v is None else v


def _bool(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes", "y", "x", "✓", "int", "interior")
    return bool(v)


def _model_error(e: ValidationError, where: str) -> InputError:
    err = e.errors()[0]
    loc = ".".join(str(x) for x in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    return InputError(f"{where}.{loc}" if loc else where, err.get("input"), msg)


def bible_rows(bible: SeriesBible, pins: PinnedBible) -> tuple[list[list], list[list]]:
    pinned_c = {c.name for c in pins.characters}
    pinned_l = {loc.name for loc in pins.locations}
    chars = [[c.name in pinned_c, c.name, c.age, c.role, c.want, c.secret, c.look] for c in bible.characters]
    locs = [[loc.name in pinned_l, loc.name, loc.interior, loc.time, loc.description] for loc in bible.locations]
    return chars, locs


def parse_characters(value: Any) -> tuple[list[Character], list[Character]]:
    """(all characters, pinned ones) from the characters table."""
    out, pinned = [], []
    for i, row in enumerate(_rows(value), 1):
        try:
            age = _cell(row, 2, 0)
            age = int(float(age)) if str(age).strip() else 0
        except ValueError:
            raise InputError(f"characters row {i} age", _cell(row, 2), "a whole number from 5 to 110") from None
        try:
            c = Character(name=str(_cell(row, 1)).strip(), age=age, role=str(_cell(row, 3)).strip(),
                          want=str(_cell(row, 4)).strip(), secret=str(_cell(row, 5)).strip(),
                          look=str(_cell(row, 6)).strip())
        except ValidationError as e:
            raise _model_error(e, f"characters row {i}") from None
        out.append(c)
        if _bool(_cell(row, 0, False)):
            pinned.append(c)
    return out, pinned


def parse_locations(value: Any) -> tuple[list[Location], list[Location]]:
    out, pinned = [], []
    for i, row in enumerate(_rows(value), 1):
        try:
            loc = Location(name=str(_cell(row, 1)).strip(), interior=_bool(_cell(row, 2, True)),
                           time=str(_cell(row, 3, "NIGHT")).strip().upper() or "NIGHT",
                           description=str(_cell(row, 4)).strip())
        except ValidationError as e:
            raise _model_error(e, f"locations row {i}") from None
        out.append(loc)
        if _bool(_cell(row, 0, False)):
            pinned.append(loc)
    return out, pinned


def plan_rows(plan: SeasonPlan) -> list[list]:
    return [[e.number, e.title, e.synopsis, e.cliffhanger, "free" if e.free else "paid", e.function.replace("_", " "),
             e.cliffhanger_type, e.strength, e.target_seconds, ", ".join(e.characters), e.location,
             e.signature_beat or ""] for e in plan.episodes]


# --------------------------------------------------------------------------- views (disk → components)


def _episode_choices(sd: SeasonDir) -> list[tuple[str, int]]:
    if not sd.has_plan():
        return []
    plan = sd.load_plan()
    done = set(sd.episodes_done("beats"))
    return [(f"{e.number}{' ✓' if e.number in done else ''} · {e.title or e.function.replace('_', ' ')}", e.number)
            for e in plan.episodes]


def _check_html(issues: list[str], ok_text: str) -> str:
    if not issues:
        return f"<p class='check-ok'>✓ {html.escape(ok_text)}</p>"
    items = "".join(f"<li>{html.escape(str(i))}</li>" for i in issues[:12])
    more = f"<li>… and {len(issues) - 12} more</li>" if len(issues) > 12 else ""
    return f"<p class='check-bad'>✗ {len(issues)} issue(s)</p><ul class='check-list'>{items}{more}</ul>"


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
    parts = []
    for b in beats.beats:
        w = max(b.duration, 0.0) / span * 100
        sel = " sel" if selected == b.index else ""
        who = ", ".join(n.split()[0] for n in b.characters)
        tip = html.escape(f"Beat {b.index} · {b.kind} · {b.start:.1f}–{b.end:.1f} s · {b.location} · {who}")
        parts.append(f"<div class='tl-beat tl-{b.kind}{sel}' style='width:{w:.3f}%' title='{tip}'>"
                     f"<span class='tl-n'>{b.index}</span><span class='tl-s'>{b.duration:.1f}s</span></div>")
    if runtime < span:
        parts.append(f"<div style='width:{(span - runtime) / span * 100:.3f}%'></div>")
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
            f"<div class='tl-bar'>{''.join(parts)}{marks}</div><div class='tl-scale'>{scale}</div>"
            f"<div class='tl-legend'>{legend}<span>┊ yellow: 5 s hook limit · black: target</span></div></div>")


def beats_html(beats: EpisodeBeats | None, selected: int | None = None) -> str:
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
            raise _model_error(e, f"lines line {k}") from None
    if len(out) > 6:
        raise InputError("lines", len(out), "at most 6 lines of dialogue in a beat")
    return out


def _ep_issues(sd: SeasonDir, n: int) -> list[str]:
    from .check import check_episode

    bible, plan = sd.load_bible(), sd.load_plan()
    beats = sd.load_beats(n) if sd.beats_path(n).exists() else None
    return [f"[{i.rule}] {i.message}" for i in check_episode(bible, plan.episode(n), beats, paywall=plan.paywall)]


def _clamp_episode(sd: SeasonDir, n: Any) -> int:
    plan = sd.load_plan()
    try:
        n = int(n)
    except (TypeError, ValueError):
        raise InputError("episode", n, f"an episode number from 1 to {len(plan.episodes)}") from None
    if not 1 <= n <= len(plan.episodes):
        raise InputError("episode", n, f"an episode number from 1 to {len(plan.episodes)}")
    return n


# --------------------------------------------------------------------------- the app


def _picker(elem_id: str, label: str = "Episode", **kw: Any) -> gr.Dropdown:
    """An episode (or beat) chooser whose choices change per session: any value is accepted by the
    component and checked by the handlers."""
    return gr.Dropdown([], label=label, elem_id=elem_id, allow_custom_value=True, **kw)


def _stop_button(elem_id: str) -> gr.Button:
    return gr.Button("■ Stop", variant="stop", size="sm", scale=0, min_width=90, elem_id=elem_id)


def build(model: str | None = None) -> gr.Blocks:  # noqa: C901 - one layout, read top to bottom
    _, models = load_registry()
    default = model or default_model()
    model_choices = list(models) if default in models else [default, *models]
    tropes = _trope_choices()
    first_trope = "werewolf-rejected-mate" if any(v == "werewolf-rejected-mate" for _, v in tropes) else tropes[0][1]

    with gr.Blocks(title="dramagen studio") as demo:
        sess = gr.State({}, delete_callback=_delete_session)
        gr.HTML("<div id='studio-head'><h1>dramagen · writers' studio</h1><p>Vertical micro dramas from a trope: "
                "bible → season plan → beats → script → shots → exports. Every step is editable and can be "
                "regenerated.</p></div>")

        with gr.Tabs(selected="trope") as tabs:
            # ---------------------------------------------------------------- 1 trope & options
            with gr.Tab("1 · Trope", id="trope"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=300):
                        mode = gr.Radio(["Catalogue", "Free text"], value="Catalogue", label="Trope from",
                                        elem_id="trope-mode")
                        trope_dd = gr.Dropdown(tropes, value=first_trope, label="Catalogue trope", elem_id="trope-dd",
                                               filterable=True, allow_custom_value=True)
                        custom_text = gr.Textbox(label="Your trope (free text)", lines=3, max_lines=8, visible=False,
                                                 placeholder="A nurse discovers the billionaire patient she saved is "
                                                             "the husband who faked his death.", elem_id="custom-text")
                        card = gr.HTML(trope_card("Catalogue", first_trope, ""), elem_id="trope-card")
                    with gr.Column(scale=2, min_width=280):
                        episodes = gr.Number(60, precision=0, step=1,
                                             label=f"Episodes ({MIN_EPISODES}–{MAX_EPISODES})", elem_id="episodes")
                        length = gr.Number(75, step=1, label=f"Episode length ({MIN_SECONDS:g}–{MAX_SECONDS:g} s)",
                                           elem_id="length")
                        paywall = gr.Number(10, precision=0, step=1,
                                            label="Paywall: last free episode", elem_id="paywall")
                        seed = gr.Number(0, precision=0, step=1, label="Seed", elem_id="seed")
                        model_dd = gr.Dropdown(model_choices, value=default, label="Model", allow_custom_value=True,
                                               elem_id="model")
                        with gr.Accordion("More options", open=False):
                            candidates = gr.Number(6, precision=0, step=1, label="Candidates per line (best of n,"
                                                   " 1–32)", elem_id="candidates")
                            title_pin = gr.Textbox(label="Pin the series title (optional)", elem_id="title-pin")
                        start_btn = gr.Button("Write the bible →", variant="primary", elem_id="start")
                        gr.Markdown("Starts a new season in this tab (save the current one first under "
                                    "**Projects**).", elem_classes="studio-hint")
                opt_status = gr.Markdown(elem_classes="studio-status", elem_id="opt-status")

            # ---------------------------------------------------------------- 2 bible
            with gr.Tab("2 · Bible", id="bible"):
                with gr.Row():
                    bible_title = gr.Textbox(label="Title", scale=5, elem_id="bible-title")
                    title_pinned = gr.Checkbox(label="pin", scale=1, min_width=80, elem_id="title-pinned")
                with gr.Row():
                    bible_logline = gr.Textbox(label="Logline", lines=2, max_lines=5, scale=5, elem_id="bible-logline")
                    logline_pinned = gr.Checkbox(label="pin", scale=1, min_width=80, elem_id="logline-pinned")
                chars_df = gr.Dataframe(headers=CHAR_HEADERS, datatype=["bool", "str", "number", "str", "str", "str",
                                                                        "str"],
                                        type="array", interactive=True, wrap=True, label="Characters (tick pin to keep "
                                        "a row when regenerating; edit any cell)",
                                        column_widths=["76px", "110px", "60px", "120px", "260px", "260px", "220px"],
                                        elem_id="chars", elem_classes="studio-table")
                locs_df = gr.Dataframe(headers=LOC_HEADERS, datatype=["bool", "str", "bool", "str", "str"],
                                       type="array", interactive=True, wrap=True, label="Locations",
                                       column_widths=["76px", "200px", "96px", "110px", "420px"],
                                       elem_id="locs", elem_classes="studio-table")
                with gr.Row():
                    save_bible_btn = gr.Button("Save edits", elem_id="save-bible")
                    regen_bible_btn = gr.Button("Regenerate unpinned", elem_id="regen-bible")
                    plan_btn = gr.Button("Plan the season →", variant="primary", elem_id="plan")
                    stop_bible = _stop_button("stop-bible")
                bible_status = gr.Markdown(elem_classes="studio-status", elem_id="bible-status")
                bible_stream = gr.Textbox(label="Live: what the model writes", lines=5, max_lines=12, autoscroll=True,
                                          interactive=False, elem_classes="studio-stream", elem_id="bible-stream")

            # ---------------------------------------------------------------- 3 plan
            with gr.Tab("3 · Season plan", id="plan"):
                plan_summary = gr.HTML(elem_id="plan-summary")
                plan_df = gr.Dataframe(headers=PLAN_HEADERS, type="array", interactive=True, wrap=True,
                                       label="Season plan (edit title, synopsis and cliffhanger)",
                                       static_columns=[0, *range(1 + len(PLAN_EDITABLE), len(PLAN_HEADERS))],
                                       column_widths=["44px", "150px", "280px", "240px", "56px", "96px", "96px",
                                                      "70px", "64px", "130px", "130px", "240px"],
                                       max_height=520, elem_id="plan-table", elem_classes="studio-table")
                with gr.Row():
                    save_plan_btn = gr.Button("Save edits", elem_id="save-plan")
                    plan_ep = _picker("plan-ep", scale=1, min_width=160)
                    regen_plan_ep_btn = gr.Button("Regenerate this episode's text", elem_id="regen-plan-ep")
                    beats_next_btn = gr.Button("Write its beats →", variant="primary", elem_id="to-beats")
                    stop_plan = _stop_button("stop-plan")
                plan_status = gr.Markdown(elem_classes="studio-status", elem_id="plan-status")
                plan_stream = gr.Textbox(label="Live: what the model writes", lines=5, max_lines=12, autoscroll=True,
                                         interactive=False, elem_classes="studio-stream", elem_id="plan-stream")

            # ---------------------------------------------------------------- 4 episode (beats)
            with gr.Tab("4 · Episode", id="episode"):
                with gr.Row():
                    ep_pick = _picker("ep-pick", scale=2, min_width=180)
                    beats_btn = gr.Button("Write beats", variant="primary", scale=1, elem_id="write-beats")
                    stop_ep = _stop_button("stop-ep")
                timeline = gr.HTML(timeline_html(None), elem_id="timeline-box")
                ep_status = gr.Markdown(elem_classes="studio-status", elem_id="ep-status")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=300):
                        beats_view = gr.HTML(elem_id="beats-view")
                    with gr.Column(scale=2, min_width=280):
                        beat_pick = _picker("beat-pick", label="Beat to edit")
                        beat_action = gr.Textbox(label="Action", lines=2, elem_id="beat-action")
                        beat_lines = gr.Textbox(label="Dialogue (NAME (parenthetical): text, one a line)", lines=4,
                                                elem_id="beat-lines")
                        with gr.Row():
                            beat_chars = gr.Dropdown([], multiselect=True, label="On screen", elem_id="beat-chars",
                                                     allow_custom_value=True)
                            beat_loc = gr.Dropdown([], label="Location", elem_id="beat-loc", allow_custom_value=True)
                        beat_new_scene = gr.Checkbox(label="starts a new scene", elem_id="beat-new-scene")
                        with gr.Row():
                            save_beat_btn = gr.Button("Save beat", elem_id="save-beat")
                            regen_beat_btn = gr.Button("Regenerate beat", elem_id="regen-beat")
                        script_next_btn = gr.Button("Write the script →", variant="primary", elem_id="to-script")
                ep_stream = gr.Textbox(label="Live: what the model writes", lines=5, max_lines=12, autoscroll=True,
                                       interactive=False, elem_classes="studio-stream", elem_id="ep-stream")

            # ---------------------------------------------------------------- 5 script
            with gr.Tab("5 · Script", id="script"):
                with gr.Row():
                    sc_pick = _picker("sc-pick", scale=2, min_width=180)
                    script_btn = gr.Button("Write script", variant="primary", scale=1, elem_id="write-script")
                    stop_sc = _stop_button("stop-sc")
                runtime_md = gr.HTML(elem_id="runtime")
                fountain = gr.Textbox(label="Script (Fountain) — edit freely; the estimate updates as you type",
                                      lines=22, max_lines=60, elem_classes="studio-fountain", elem_id="fountain")
                with gr.Row():
                    save_script_btn = gr.Button("Save script", elem_id="save-script")
                    shots_next_btn = gr.Button("Shooting script →", variant="primary", elem_id="to-shots")
                sc_status = gr.Markdown(elem_classes="studio-status", elem_id="sc-status")
                sc_stream = gr.Textbox(label="Live: what the model writes", lines=4, max_lines=10, autoscroll=True,
                                       interactive=False, elem_classes="studio-stream", elem_id="sc-stream")

            # ---------------------------------------------------------------- 6 shots & storyboard
            with gr.Tab("6 · Shots", id="shots"):
                with gr.Row():
                    sh_pick = _picker("sh-pick", scale=2, min_width=180)
                    shooting_btn = gr.Button("Make shooting script", variant="primary", scale=1, elem_id="shooting")
                sh_status = gr.Markdown(elem_classes="studio-status", elem_id="sh-status")
                shots_df = gr.Dataframe(headers=SHOT_HEADERS, type="array", interactive=False, wrap=True,
                                        label="Shot list", max_height=480,
                                        column_widths=["44px", "60px", "60px", "96px", "96px", "140px", "320px",
                                                       "76px", "260px"], elem_id="shots", elem_classes="studio-table")
                breakdown = gr.HTML(elem_id="breakdown")
                gallery = gr.Gallery(label="Storyboard: one 9:16 panel per shot", columns=6, height="auto",
                                     object_fit="contain", preview=False, elem_id="storyboard")
                from .ui_animatic import build_animatic  # the Animatic button and player (issue 17)

                build_animatic(sh_pick, sess, _season, _error)

            # ---------------------------------------------------------------- 7 export
            with gr.Tab("7 · Export", id="export"):
                formats = gr.CheckboxGroup(_export_formats(), value=_export_formats(), elem_id="formats",
                                           label="Formats (zip: everything, in one file)")
                export_btn = gr.Button("Export the season", variant="primary", elem_id="export-btn")
                export_status = gr.Markdown(elem_classes="studio-status", elem_id="export-status")
                files = gr.File(label="Downloads", file_count="multiple", interactive=False, elem_id="downloads")

            # ---------------------------------------------------------------- projects
            with gr.Tab("Projects", id="projects"):
                gr.Markdown(f"Projects are season folders (the same format as `dramagen generate --out`) in the "
                            f"workspace `{html.escape(str(workspace()))}` (set `DRAMAGEN_WORKSPACE`), or a zip of one.")
                with gr.Row():
                    proj_name = gr.Textbox(label="Save as", placeholder="my-werewolf-season", scale=3,
                                           elem_id="proj-name")
                    save_proj_btn = gr.Button("Save to workspace", scale=1, elem_id="save-proj")
                with gr.Row():
                    proj_list = gr.Dropdown([], label="Open from workspace", scale=3, elem_id="proj-list",
                                            allow_custom_value=True)
                    refresh_btn = gr.Button("↻", scale=0, min_width=50, elem_id="proj-refresh")
                    open_btn = gr.Button("Open", scale=1, elem_id="open-proj")
                upload = gr.File(label="…or open a season zip", file_types=[".zip"], type="filepath", height=120,
                                 elem_id="proj-upload")
                proj_status = gr.Markdown(elem_classes="studio-status", elem_id="proj-status")
                with gr.Row():
                    zip_btn = gr.Button("Download this season as a zip", elem_id="zip-proj")
                    proj_zip = gr.File(label="Season folder (zip)", interactive=False, height=90,
                                       elem_id="proj-zip")

            # ---------------------------------------------------------------- playground
            with gr.Tab("Playground", id="playground"):
                gr.Markdown("Stream a plain completion from the chosen model.")
                with gr.Row():
                    with gr.Column(scale=3):
                        prompt = gr.Textbox(label="Prompt", lines=6, elem_id="prompt",
                                            value="Story: Mara, a rejected omega, returns to the pack as its secret "
                                                  "queen.\nCliffhanger (reveal):")
                        output = gr.Textbox(label="Completion", lines=8, elem_id="output", interactive=False)
                    with gr.Column(scale=1):
                        pg_model = gr.Dropdown(model_choices, value=default, label="Model", allow_custom_value=True)
                        max_new = gr.Slider(1, 512, value=64, step=1, label="Max new tokens")
                        temp = gr.Slider(0, 2, value=0.8, step=0.05, label="Temperature (0 = greedy)")
                        pg_seed = gr.Number(value=0, precision=0, label="Seed", minimum=0)
                        go = gr.Button("Generate", variant="primary", elem_id="generate")
                        pg_stop = gr.Button("Stop")

            # ---------------------------------------------------------------- prompt lab (dramagen.ui_lab)
            with gr.Tab("Lab", id="lab"):
                from .ui_lab import build_lab_tab

                build_lab_tab(model_choices, default, _generator)

            # ---------------------------------------------------------------- production (dramagen.ui_production)
            with gr.Tab("Production", id="production"):
                from .ui_production import build_production_tab

                build_production_tab(sess)

        # ======================================================================== handlers
        option_inputs = [mode, trope_dd, custom_text, episodes, length, paywall, seed, model_dd, candidates,
                         title_pin]
        bible_edit_inputs = [bible_title, title_pinned, bible_logline, logline_pinned, chars_df, locs_df]
        beat_form = [beat_action, beat_lines, beat_chars, beat_loc, beat_new_scene]
        pickers = [plan_ep, ep_pick, sc_pick, sh_pick]

        # -- view builders (disk → component values) -----------------------------------------
        def v_options(sd: SeasonDir) -> dict:
            if not sd.request_path.exists():
                return {}
            r = sd.load_request()
            return {mode: "Free text" if r.custom_trope else "Catalogue",
                    trope_dd: gr.update() if r.custom_trope else r.trope,
                    custom_text: gr.update(value=r.trope if r.custom_trope else "", visible=r.custom_trope),
                    card: trope_card("Free text" if r.custom_trope else "Catalogue", r.trope, r.trope),
                    episodes: r.episodes, length: r.length, paywall: r.paywall, seed: r.seed,
                    model_dd: r.model or default, candidates: r.candidates, title_pin: r.pins.title or ""}

        def v_bible(sd: SeasonDir) -> dict:
            if not sd.has_bible():
                return {bible_title: "", bible_logline: "", title_pinned: False, logline_pinned: False,
                        chars_df: [], locs_df: []}
            b = sd.load_bible()
            pins = sd.load_request().pins if sd.request_path.exists() else PinnedBible()
            chars, locs = bible_rows(b, pins)
            return {bible_title: b.title, bible_logline: b.logline, title_pinned: pins.title is not None,
                    logline_pinned: pins.logline is not None, chars_df: chars, locs_df: locs}

        def v_plan(sd: SeasonDir, episode: int | None = None) -> dict:
            if not sd.has_plan():
                return {plan_df: [], plan_summary: "<p class='studio-hint'>No plan yet: press <b>Plan the season</b>"
                                                   " on the Bible tab.</p>",
                        **{p: gr.update(choices=[], value=None) for p in pickers}}
            from .check import check_season

            plan, bible = sd.load_plan(), sd.load_bible()
            report = check_season(bible, plan, {n: sd.load_beats(n) for n in sd.episodes_done("beats")},
                                  require_beats=False)
            issues = [str(i) for i in report.all_issues()]
            free = sum(e.free for e in plan.episodes)
            head = (f"<p><b>{html.escape(bible.title)}</b> · {len(plan.episodes)} episodes · free 1–{plan.paywall}, "
                    f"paid {plan.paywall + 1}–{len(plan.episodes)} ({free} free) · "
                    f"{len(sd.episodes_done('beats'))} with beats</p>")
            choices = _episode_choices(sd)
            ep = episode if episode and any(v == episode for _, v in choices) else (choices[0][1] if choices else None)
            return {plan_df: plan_rows(plan), plan_summary: head + _check_html(issues, "the plan passes every check"),
                    **{p: gr.update(choices=choices, value=ep) for p in pickers}}

        def v_episode(sd: SeasonDir, n: int | None, beat: int | None = None) -> dict:
            empty = {timeline: timeline_html(None), beats_view: "", ep_status: "",
                     beat_pick: gr.update(choices=[], value=None), beat_action: "", beat_lines: "",
                     beat_chars: gr.update(choices=[], value=[]), beat_loc: gr.update(choices=[], value=None),
                     beat_new_scene: False}
            if not n or not sd.has_plan():
                return empty
            bible = sd.load_bible()
            ep = sd.load_plan().episode(int(n))
            if not sd.beats_path(int(n)).exists():
                empty[ep_status] = (f"**Episode {n}: {html.escape(ep.title)}** — {html.escape(ep.synopsis)}  \n"
                                    f"No beats yet: press **Write beats**.")
                return empty
            beats = sd.load_beats(int(n))
            idx = beat if beat and any(b.index == beat for b in beats.beats) else beats.beats[0].index
            b = next(x for x in beats.beats if x.index == idx)
            issues = _ep_issues(sd, int(n))
            status = (f"**Episode {n}: {html.escape(ep.title)}** — {html.escape(ep.synopsis)}  \n"
                      f"Cliffhanger ({ep.cliffhanger_type}): *{html.escape(ep.cliffhanger)}*"
                      + _check_html(issues, "beats pass every check"))
            return {timeline: timeline_html(beats, ep.target_seconds, idx), beats_view: beats_html(beats, idx),
                    ep_status: status,
                    beat_pick: gr.update(choices=[(f"Beat {x.index} · {x.kind}", x.index) for x in beats.beats],
                                         value=idx),
                    **v_beat_form(bible, b)}

        def v_beat_form(bible: SeriesBible, b: Beat) -> dict:
            return {beat_action: b.action, beat_lines: lines_text(b.lines),
                    beat_chars: gr.update(choices=bible.names, value=[c for c in b.characters if c in bible.names]),
                    beat_loc: gr.update(choices=[loc.name for loc in bible.locations], value=b.location),
                    beat_new_scene: b.new_scene}

        def v_script(sd: SeasonDir, n: int | None) -> dict:
            if not n or not sd.has_plan():
                return {fountain: "", runtime_md: "", sc_status: ""}
            n = int(n)
            if not sd.script_path(n).exists():
                none_yet = "<p class='studio-hint'>No script yet: press <b>Write script</b>.</p>"
                return {fountain: "", runtime_md: none_yet,
                        sc_status: ""}
            text = _fountain_text(sd, n)
            return {fountain: text, runtime_md: script_report(sd, n, text), sc_status: ""}

        def v_shots(sd: SeasonDir, n: int | None) -> dict:
            if not n or not sd.has_plan() or not sd.shooting_path(int(n)).exists():
                return {shots_df: [], breakdown: "", gallery: [],
                        sh_status: "No shooting script yet: press **Make shooting script**." if n else ""}
            n = int(n)
            shooting = sd.load_shooting(n)
            rows = [[s.number, s.scene, s.size, s.angle, s.movement, s.subject,
                     (f"{s.speaker}: {s.line}" if s.line else s.action), round(s.duration, 2), s.notes]
                    for s in shooting.shots]
            scenes = "".join(
                f"<li><b>{sc.number}. {html.escape(sc.heading)}</b> · {sc.seconds:.1f} s · {len(sc.shots)} shots"
                f"<br>cast: {html.escape(', '.join(sc.cast) or '—')} · props: {html.escape(', '.join(sc.props) or '—')}"
                f"</li>" for sc in shooting.scenes)
            total = sum(s.duration for s in shooting.shots)
            return {shots_df: rows, breakdown: f"<p><b>Scenes</b></p><ol class='check-list'>{scenes}</ol>",
                    gallery: _storyboard_panels(sd, n),
                    sh_status: f"Episode {n}: {len(shooting.shots)} shots in {len(shooting.scenes)} scenes, "
                               f"{total:.1f} s."}

        def v_all(sd: SeasonDir, episode: int | None = None) -> dict:
            out = {**v_options(sd), **v_bible(sd), **v_plan(sd, episode)}
            ep = episode
            if ep is None and sd.has_plan():
                done = sd.episodes_done("beats")
                ep = done[0] if done else 1
            out.update(v_episode(sd, ep))
            out.update(v_script(sd, ep))
            out.update(v_shots(sd, ep))
            out[files] = None
            return out

        all_outputs = [sess, tabs, *option_inputs, card, bible_title, title_pinned, bible_logline, logline_pinned,
                       chars_df, locs_df, plan_df, plan_summary, *pickers, timeline, beats_view, ep_status, beat_pick,
                       *beat_form, fountain, runtime_md, sc_status, shots_df, breakdown, gallery, sh_status, files]

        # -- 1: options ------------------------------------------------------------------------
        def on_mode(m, tid, text):
            return gr.update(visible=m == "Catalogue"), gr.update(visible=m == "Free text"), trope_card(m, tid, text)

        mode.change(on_mode, [mode, trope_dd, custom_text], [trope_dd, custom_text, card], api_visibility="private",
                    queue=False)
        trope_dd.change(trope_card, [mode, trope_dd, custom_text], card, api_name="trope_card", queue=False)
        custom_text.blur(trope_card, [mode, trope_dd, custom_text], card, api_visibility="private", queue=False)

        def write_bible_start(mode: str = "Catalogue", trope: str | None = None, custom_text: str | None = None,
                              episodes: int = 60, length: float = 75, paywall: int = 10, seed: int = 0,
                              model: str | None = None, candidates: int = 6, title_pin: str | None = None,
                              sess_: dict | None = None, progress=gr.Progress()):
            """Start a new season from the options and write its series bible (streams)."""
            try:
                req = _make_request(mode, trope, custom_text, episodes, length, paywall, seed, model, candidates,
                                    title_pin)
            except DramagenError as e:
                raise _error(e) from None
            sd = SeasonDir(_fresh_dir(sess_))
            req = sd.write_request(req)  # dated today: the scripts' draft date
            yield {sess: sess_, opt_status: f"New season: **{html.escape(req.trope[:60])}**, {req.episodes} episodes "
                                            f"of {req.length:g} s, seed {req.seed}. Writing the bible…",
                   tabs: gr.Tabs(selected="bible"), **v_bible(sd), **v_plan(sd), **v_episode(sd, None),
                   **v_script(sd, None), **v_shots(sd, None), files: None}
            yield from _bible_job(sess_, sd, req, req.pins, 0, progress)

        def _bible_job(sess_, sd, req, pins, variant, progress):
            def work(job: _Job) -> dict:
                from .pipeline import Runner
                from .stages.bible import write_bible

                gen = _generator(req.model)
                runner = Runner(generator=gen, out=sd.path)
                ctx = _write_ctx(runner, req, _variant_seed(req.seed, "bible", variant), job.on_text)
                bible = write_bible(ctx, _trope(req), pins)
                sd.write_stats("bible.stats.json", ctx.stats)
                sd.write_model(sd.bible_path, bible)
                _finish(sd, gen, runner, {f"bible.{k}": v for k, v in ctx.params.items()})
                note = ""
                if sd.has_plan():
                    note = (" The season plan and episodes already written were kept; regenerate them to follow "
                            "the new bible.")
                return {**v_bible(sd), bible_status: f"✓ Bible written: **{html.escape(bible.title)}**.{note}",
                        opt_status: f"✓ Bible written: **{html.escape(bible.title)}**."}

            yield from _run_job(sess_, work, bible_stream, progress, "writing the series bible",
                                expected=2 + 3 * 4)

        start_ev = start_btn.click(write_bible_start, [*option_inputs, sess],
                                   [sess, tabs, opt_status, bible_status, bible_stream,
                                    *[o for o in all_outputs if id(o) not in (id(sess), id(tabs))]],
                                   api_name="bible", validator=validate_options, concurrency_id="generate",
                                   show_progress_on=[bible_status])

        # -- 2: bible ----------------------------------------------------------------------------
        def _bible_from_form(sd: SeasonDir, title, tpin, logline, lpin, chars, locs) -> tuple[SeriesBible, PinnedBible]:
            old = sd.load_bible()
            characters, pinned_c = parse_characters(chars)
            characters, pinned_c = _keep_unshown(old, characters), _keep_unshown(old, pinned_c)
            locations, pinned_l = parse_locations(locs)
            try:
                bible = SeriesBible(title=(title or "").strip(), logline=(logline or "").strip(), trope_id=old.trope_id,
                                    trope_name=old.trope_name, tone=old.tone, characters=characters,
                                    locations=locations, world=old.world, voices=old.voices)
            except ValidationError as e:
                raise _model_error(e, "bible") from None
            try:
                pins = PinnedBible(title=bible.title if tpin else None, logline=bible.logline if lpin else None,
                                   characters=pinned_c, locations=pinned_l)
            except ValidationError as e:
                raise _model_error(e, "pins") from None
            return bible, pins

        def _save_bible_edits(sd: SeasonDir, title, tpin, logline, lpin, chars, locs) -> bool:
            bible, pins = _bible_from_form(sd, title, tpin, logline, lpin, chars, locs)
            changed = False
            if bible != sd.load_bible():
                sd.write_model(sd.bible_path, bible)
                changed = True
            req = sd.load_request()
            if pins != req.pins:
                atomic_write_text(sd.request_path, req.model_copy(update={"pins": pins}).model_dump_json(indent=2)
                                  + "\n")
                changed = True
            return changed

        @_guard
        def save_bible(title, title_pinned, logline, logline_pinned, characters, locations, sess_):
            """Validate and save the edited bible (title, logline, characters, locations, pins)."""
            sd = _season(sess_)
            changed = _save_bible_edits(sd, title, title_pinned, logline, logline_pinned, characters, locations)
            if changed:
                _finish(sd)
                msg = "✓ Bible saved."
                if sd.has_plan():
                    msg += " (The plan and episodes were kept; regenerate them to follow the new bible.)"
            else:
                msg = "No changes to save."
            return {**v_bible(sd), bible_status: msg}

        bible_outputs = [bible_title, title_pinned, bible_logline, logline_pinned, chars_df, locs_df, bible_status]
        save_bible_btn.click(save_bible, [*bible_edit_inputs, sess], bible_outputs, api_name="save_bible")

        def regenerate_bible(title, title_pinned, logline, logline_pinned, characters, locations, sess_,
                             progress=gr.Progress()):
            """Regenerate every unpinned field of the bible (pinned rows, title and logline are kept)."""
            try:
                sd = _season(sess_)
                _, pins = _bible_from_form(sd, title, title_pinned, logline, logline_pinned, characters, locations)
                req = sd.load_request().model_copy(update={"pins": pins})
                atomic_write_text(sd.request_path, req.model_dump_json(indent=2) + "\n")
                variant = _next_variant(sd, "bible")
            except Exception as e:  # noqa: BLE001
                raise _error(e) from None
            yield from _bible_job(sess_, sd, req, pins, variant, progress)

        regen_bible_ev = regen_bible_btn.click(regenerate_bible, [*bible_edit_inputs, sess],
                                               [*bible_outputs, bible_stream, opt_status], api_name="regenerate_bible",
                                               concurrency_id="generate", show_progress_on=[bible_status])

        # -- 3: plan ------------------------------------------------------------------------------
        @_guard
        def prepare_plan(title, title_pin_, logline, logline_pin_, characters, locations, episodes_, length_,
                         paywall_, sess_):
            """Keep the bible's edits, and the Trope tab's episodes / length / paywall, before planning."""
            from .pipeline import make_request

            sd = _season(sess_)
            _save_bible_edits(sd, title, title_pin_, logline, logline_pin_, characters, locations)
            old = sd.load_request()
            data = old.model_dump()
            data.update({k: v for k, v in {"episodes": _num(episodes_), "length": _num(length_),
                                            "paywall": _num(paywall_)}.items() if v is not None})
            req = make_request(**data)
            if req != old:
                atomic_write_text(sd.request_path, req.model_dump_json(indent=2) + "\n")
            return gr.skip()

        def plan(sess_: dict, progress=gr.Progress()):
            """Plan the season from the (edited) bible and the season's request: structure, then every
            episode's title, synopsis and cliffhanger (streams)."""
            try:
                sd = _season(sess_)
                req = sd.load_request()
            except Exception as e:  # noqa: BLE001
                raise _error(e) from None

            def work(job: _Job) -> dict:
                from .pipeline import Runner
                from .planner import plan_season
                from .stages.plan import write_plan_text

                gen = _generator(req.model)
                runner = Runner(generator=gen, out=sd.path)
                bible = sd.load_bible()
                skeleton = plan_season(_trope(req), bible, req.episodes, req.paywall, req.length, req.seed)
                ctx = _write_ctx(runner, req, req.seed, job.on_text)
                new = write_plan_text(ctx, skeleton, bible, _trope(req))
                sd.write_stats("plan.stats.json", ctx.stats)
                sd.write_model(sd.plan_path, new)
                _finish(sd, gen, runner, {f"plan.{k}": v for k, v in ctx.params.items()})
                kept = sd.episodes_done("beats")
                note = (f" Beats already written for episode(s) {', '.join(map(str, kept))} were kept."
                        if kept else "")
                return {**v_plan(sd), **v_episode(sd, 1), **v_script(sd, 1), **v_shots(sd, 1),
                        plan_status: f"✓ Planned {len(new.episodes)} episodes.{note}", tabs: gr.Tabs(selected="plan")}

            yield {tabs: gr.Tabs(selected="plan"), plan_status: "Planning…"}
            yield from _run_job(sess_, work, plan_stream, progress, "planning the season",
                                expected=3 * req.episodes)

        plan_outputs = [tabs, plan_df, plan_summary, *pickers, plan_status, plan_stream, timeline, beats_view,
                        ep_status, beat_pick, *beat_form, fountain, runtime_md, sc_status, shots_df, breakdown, gallery,
                        sh_status]
        plan_ev = plan_btn.click(prepare_plan, [*bible_edit_inputs, episodes, length, paywall, sess], bible_status,
                                 api_visibility="private").success(
            plan, [sess], plan_outputs, api_name="plan", concurrency_id="generate", show_progress_on=[plan_status])

        def _save_plan_edits(sd: SeasonDir, table) -> list[int]:
            plan_ = sd.load_plan()
            rows = _rows(table)
            if len(rows) != len(plan_.episodes):
                raise InputError("plan", f"{len(rows)} rows", f"{len(plan_.episodes)} rows, one per episode "
                                                             "(rows cannot be added or removed)")
            changed, eps = [], []
            for e, row in zip(plan_.episodes, rows, strict=True):
                upd = {k: str(_cell(row, PLAN_HEADERS.index(k))).strip() for k in PLAN_EDITABLE}
                if any(upd[k] != getattr(e, k) for k in PLAN_EDITABLE):
                    for k in ("synopsis", "cliffhanger"):
                        if not upd[k]:
                            raise InputError(f"plan episode {e.number} {k}", "", "some text (it cannot be empty)")
                    try:
                        e = EpisodePlan(**{**e.model_dump(), **upd})
                    except ValidationError as err:
                        raise _model_error(err, f"plan episode {e.number}") from None
                    changed.append(e.number)
                eps.append(e)
            if changed:
                sd.write_model(sd.plan_path, SeasonPlan(episodes=eps, paywall=plan_.paywall))
            return changed

        @_guard
        def save_plan(plan_table, sess_, episode: int | None = None):
            """Validate and save the edited plan table (titles, synopses, cliffhangers)."""
            sd = _season(sess_, "plan")
            changed = _save_plan_edits(sd, plan_table)
            msg = f"✓ Saved episode(s) {', '.join(map(str, changed))}." if changed else "No changes to save."
            return {**v_plan(sd, episode), plan_status: msg}

        save_plan_btn.click(save_plan, [plan_df, sess, plan_ep], [plan_df, plan_summary, *pickers, plan_status],
                            api_name="save_plan")

        def regenerate_plan_episode(episode: int, sess_: dict, progress=gr.Progress()):
            """Regenerate one episode's title, synopsis and cliffhanger (the other episodes are kept)."""
            try:
                sd = _season(sess_, "plan")
                n = _clamp_episode(sd, episode)
                req = sd.load_request()
                variant = _next_variant(sd, f"plan:{n}")
            except Exception as e:  # noqa: BLE001
                raise _error(e) from None

            def work(job: _Job) -> dict:
                from .pipeline import Runner
                from .stages.plan import write_plan_text

                gen = _generator(req.model)
                runner = Runner(generator=gen, out=sd.path)
                bible, old = sd.load_bible(), sd.load_plan()
                if _accepts(write_plan_text, "variant"):
                    ctx = _write_ctx(runner, req, req.seed, job.on_text)
                    new = write_plan_text(ctx, old, bible, _trope(req), episodes=[n], variant=variant)
                else:
                    ctx = _write_ctx(runner, req, _variant_seed(req.seed, f"plan:{n}", variant), job.on_text)
                    new = write_plan_text(ctx, old, bible, _trope(req), episodes=[n])
                # keep every other episode exactly as it was (edits included)
                eps = [new.episode(e.number) if e.number == n else e for e in old.episodes]
                sd.write_model(sd.plan_path, SeasonPlan(episodes=eps, paywall=old.paywall))
                _finish(sd, gen, runner)
                ep = sd.load_plan().episode(n)
                note = " Its beats were written from the old text: rewrite them on the Episode tab." \
                    if sd.beats_path(n).exists() else ""
                return {**v_plan(sd, n), plan_status: f"✓ Episode {n}: **{html.escape(ep.title)}**.{note}"}

            yield from _run_job(sess_, work, plan_stream, progress, f"rewriting episode {n}'s plan", expected=3)

        regen_plan_ev = regen_plan_ep_btn.click(
            save_plan, [plan_df, sess, plan_ep], [plan_df, plan_summary, *pickers, plan_status],
            api_visibility="private").success(
            regenerate_plan_episode, [plan_ep, sess], [plan_df, plan_summary, *pickers, plan_status, plan_stream],
            api_name="regenerate_plan_episode", concurrency_id="generate", show_progress_on=[plan_status])

        # -- 4: episode beats -------------------------------------------------------------------
        ep_outputs = [timeline, beats_view, ep_status, beat_pick, *beat_form]

        @_guard
        def show_episode(episode, sess_):
            """Load one episode into the Episode, Script and Shots tabs."""
            sd = _season(sess_, "plan")
            n = _clamp_episode(sd, episode)
            return {**v_episode(sd, n), **v_script(sd, n), **v_shots(sd, n),
                    **{p: gr.update(value=n) for p in pickers}}

        episode_view_outputs = [*ep_outputs, fountain, runtime_md, sc_status, shots_df, breakdown, gallery, sh_status,
                                *pickers]
        for p in pickers:
            p.input(show_episode, [p, sess], episode_view_outputs, api_visibility="private")

        @_guard
        def show_beat(episode, beat, sess_):
            sd = _season(sess_, "plan")
            return v_episode(sd, _clamp_episode(sd, episode), int(beat) if beat else None)

        beat_pick.input(show_beat, [ep_pick, beat_pick, sess], ep_outputs, api_visibility="private")

        def _beats_done(sd: SeasonDir, n: int, what: str, beat: int | None = None) -> dict:
            note = ""
            if sd.script_path(n).exists():
                note = " The script was written from the earlier beats: press **Write script** to follow them."
            return {**v_episode(sd, n, beat), **{p: gr.update(choices=_episode_choices(sd), value=n) for p in pickers},
                    ep_status: v_episode(sd, n, beat)[ep_status] + f"\n\n✓ {what}.{note}"}

        def write_beats(episode: int, sess_: dict, progress=gr.Progress()):
            """Write (or rewrite) one episode's timed beat sheet (streams)."""
            try:
                sd = _season(sess_, "plan")
                n = _clamp_episode(sd, episode)
                req = sd.load_request()
                existed = sd.beats_path(n).exists()
                variant = _next_variant(sd, f"beats:{n}") if existed else 0
            except Exception as e:  # noqa: BLE001
                raise _error(e) from None

            def work(job: _Job) -> dict:
                from .pipeline import Runner
                from .planner import layout_beats
                from .stages.beats import write_beats as _write_beats

                gen = _generator(req.model)
                runner = Runner(generator=gen, out=sd.path)
                bible, ep = sd.load_bible(), sd.load_plan().episode(n)
                skeleton = layout_beats(ep, bible, req.seed)
                if variant and _accepts(_write_beats, "variant"):
                    ctx = _write_ctx(runner, req, req.seed, job.on_text)
                    beats = _write_beats(ctx, skeleton, ep, bible, _trope(req), variant=variant)
                else:
                    ctx = _write_ctx(runner, req, _variant_seed(req.seed, f"beats:{n}", variant), job.on_text)
                    beats = _write_beats(ctx, skeleton, ep, bible, _trope(req))
                sd.write_stats(f"episodes/ep{n:03d}/stats.json", ctx.stats)
                sd.write_model(sd.beats_path(n), beats)
                _finish(sd, gen, runner, {f"episode.{k}": v for k, v in ctx.params.items()})
                return {**_beats_done(sd, n, f"{'Rewrote' if existed else 'Wrote'} episode {n}'s beats"),
                        tabs: gr.Tabs(selected="episode")}

            yield {tabs: gr.Tabs(selected="episode"), **{p: gr.update(value=n) for p in pickers}}
            yield from _run_job(sess_, work, ep_stream, progress, f"writing episode {n}'s beats", expected=20)

        beats_outputs = [tabs, *ep_outputs, *pickers, ep_stream]
        beats_ev = beats_btn.click(
            lambda table, sess_: _quiet(lambda sd: _save_plan_edits(sd, table) if _rows(table) else None, sess_),
            [plan_df, sess], None, api_visibility="private").success(
            write_beats, [ep_pick, sess], beats_outputs, api_name="beats", concurrency_id="generate",
            show_progress_on=[ep_status])
        beats_next_ev = beats_next_btn.click(
            save_plan, [plan_df, sess, plan_ep], [plan_df, plan_summary, *pickers, plan_status],
            api_visibility="private").success(
            write_beats, [plan_ep, sess], beats_outputs, api_visibility="private", concurrency_id="generate",
            show_progress_on=[ep_status])

        def _beat_from_form(sd: SeasonDir, n: int, index: int, action, lines, chars, loc, new_scene) -> Beat | None:
            bible = sd.load_bible()
            beats = sd.load_beats(n)
            old = next((b for b in beats.beats if b.index == index), None)
            if old is None:
                raise InputError("beat", index, f"a beat of episode {n} (1 to {len(beats.beats)})")
            chars = [c for c in (chars or []) if c]
            for c in chars:
                if bible.character(c) is None:
                    raise InputError("on screen", c, "characters of the bible (" + ", ".join(bible.names) + ")")
            if loc and bible.location(loc) is None:
                raise InputError("location", loc, "a location of the bible (" +
                                 ", ".join(x.name for x in bible.locations) + ")")
            try:
                new = old.model_copy(update={})
                new = Beat(**{**old.model_dump(), "action": " ".join((action or "").split()),
                              "lines": parse_lines(lines, bible), "characters": chars,
                              "location": bible.location(loc).name if loc else old.location,
                              "new_scene": bool(new_scene)})
            except ValidationError as e:
                raise _model_error(e, f"beat {index}") from None
            return None if new == old else new

        def _store_beat(sd: SeasonDir, n: int, new: Beat) -> None:
            from .planner import retime_episode

            bible = sd.load_bible()
            beats = sd.load_beats(n)
            eb = beats.model_copy(update={"beats": [new if b.index == new.index else b for b in beats.beats]})
            sd.write_model(sd.beats_path(n), retime_episode(eb, bible))

        @_guard
        def save_beat(episode: int, beat: int, action: str, lines: str, characters: list[str], location: str,
                      new_scene: bool, sess_: dict):
            """Save an edited beat (action, dialogue, cast, location); the episode is re-timed."""
            sd = _season(sess_, "plan")
            n = _clamp_episode(sd, episode)
            if not sd.beats_path(n).exists():
                raise _fail(f"Episode {n} has no beats yet: press **Write beats** first.")
            new = _beat_from_form(sd, n, int(beat or 0), action, lines, characters, location, new_scene)
            if new is None:
                return {**v_episode(sd, n, int(beat)), ep_status: v_episode(sd, n, int(beat))[ep_status]
                        + "\n\nNo changes to save."}
            _store_beat(sd, n, new)
            return _beats_done(sd, n, f"Saved beat {new.index}", new.index)

        save_beat_btn.click(save_beat, [ep_pick, beat_pick, *beat_form, sess], [*ep_outputs, *pickers],
                            api_name="save_beat")

        def regenerate_beat(episode: int, beat: int, sess_: dict, progress=gr.Progress()):
            """Regenerate one beat's words; every other beat stays as it is (edits included)."""
            try:
                sd = _season(sess_, "plan")
                n = _clamp_episode(sd, episode)
                if not sd.beats_path(n).exists():
                    raise _fail(f"Episode {n} has no beats yet: press **Write beats** first.")
                old = sd.load_beats(n)
                index = int(beat or 0)
                if not any(b.index == index for b in old.beats):
                    raise InputError("beat", beat, f"a beat of episode {n} (1 to {len(old.beats)})")
                req = sd.load_request()
                variant = _next_variant(sd, f"beat:{n}:{index}")
            except Exception as e:  # noqa: BLE001
                raise _error(e) from None

            def work(job: _Job) -> dict:
                from .pipeline import Runner
                from .planner import retime_episode
                from .stages.beats import rewrite_beat

                gen = _generator(req.model)
                runner = Runner(generator=gen, out=sd.path)
                bible, ep = sd.load_bible(), sd.load_plan().episode(n)
                if _accepts(rewrite_beat, "variant"):
                    ctx = _write_ctx(runner, req, req.seed, job.on_text)
                    res = rewrite_beat(ctx, old, index, ep, bible, _trope(req), variant=variant)
                else:
                    ctx = _write_ctx(runner, req, _variant_seed(req.seed, f"beat:{n}:{index}", variant), job.on_text)
                    res = rewrite_beat(ctx, old, index, ep, bible, _trope(req))
                new_beat = res.beats[[b.index for b in res.beats].index(index)] if isinstance(res, EpisodeBeats) \
                    else res
                # only this beat's words change; the others are kept exactly (then the episode is re-timed)
                merged = old.model_copy(update={"beats": [new_beat if b.index == index else b for b in old.beats]})
                sd.write_model(sd.beats_path(n), retime_episode(merged, bible))
                _finish(sd, gen, runner)
                return _beats_done(sd, n, f"Regenerated beat {index}", index)

            yield from _run_job(sess_, work, ep_stream, progress, f"rewriting beat {index}", expected=4)

        regen_beat_ev = regen_beat_btn.click(regenerate_beat, [ep_pick, beat_pick, sess], [*ep_outputs, *pickers,
                                                                                           ep_stream],
                                             api_name="regenerate_beat", concurrency_id="generate",
                                             show_progress_on=[ep_status])

        # -- 5: script -------------------------------------------------------------------------
        @_guard
        def save_beat_quiet(episode, beat, action, lines, characters, location, new_scene, sess_):
            sd = _season(sess_, "plan")
            n = _clamp_episode(sd, episode)
            if beat and sd.beats_path(n).exists():
                new = _beat_from_form(sd, n, int(beat), action, lines, characters, location, new_scene)
                if new is not None:
                    _store_beat(sd, n, new)
            return gr.skip()

        def script(episode: int, sess_: dict, progress=gr.Progress()):
            """Write (or rewrite) one episode's script from its beats, fitted to the target length (streams)."""
            try:
                sd = _season(sess_, "plan")
                n = _clamp_episode(sd, episode)
                if not sd.beats_path(n).exists():
                    raise _fail(f"Episode {n} has no beats yet: write them on the Episode tab first.")
                req = sd.load_request()
                existed = sd.script_path(n).exists()
                variant = _next_variant(sd, f"script:{n}") if existed else 0
            except Exception as e:  # noqa: BLE001
                raise _error(e) from None

            def work(job: _Job) -> dict:
                from .fountain import to_fountain
                from .pipeline import Runner
                from .stages.script import write_script

                gen = _generator(req.model)
                runner = Runner(generator=gen, out=sd.path)
                bible, ep = sd.load_bible(), sd.load_plan().episode(n)
                ctx = _write_ctx(runner, req, _variant_seed(req.seed, f"script:{n}", variant), job.on_text)
                sc = write_script(ctx, sd.load_beats(n), ep, bible, _trope(req))
                stats = sd.load_stats(f"episodes/ep{n:03d}/stats.json")
                stats.update(ctx.stats)
                sd.write_stats(f"episodes/ep{n:03d}/stats.json", stats)
                atomic_write_text(sd.episode_dir(n) / "script.fountain", to_fountain(sc, bible, ep,
                                                                                     draft_date=sd.draft_date().isoformat()))
                sd.write_model(sd.script_path(n), sc)
                note = ""
                if sd.shooting_path(n).exists():
                    sd.shooting_path(n).unlink()
                    note = " The old shooting script was removed (it followed the earlier script)."
                _finish(sd, gen, runner)
                return {**v_script(sd, n), **v_shots(sd, n), tabs: gr.Tabs(selected="script"),
                        sc_status: f"✓ Episode {n}: {len(sc.scenes)} scenes, {sc.estimated_seconds:.1f} s.{note}",
                        **{p: gr.update(value=n) for p in pickers}}

            yield {tabs: gr.Tabs(selected="script"), **{p: gr.update(value=n) for p in pickers}}
            yield from _run_job(sess_, work, sc_stream, progress, f"writing episode {n}'s script", expected=8)

        script_outputs = [tabs, fountain, runtime_md, sc_status, sc_stream, shots_df, breakdown, gallery, sh_status,
                          *pickers]
        script_ev = script_btn.click(save_beat_quiet, [ep_pick, beat_pick, *beat_form, sess], None,
                                     api_visibility="private").success(
            script, [sc_pick, sess], script_outputs, api_name="script", concurrency_id="generate",
            show_progress_on=[sc_status])
        script_next_ev = script_next_btn.click(
            save_beat_quiet, [ep_pick, beat_pick, *beat_form, sess], None, api_visibility="private").success(
            script, [ep_pick, sess], script_outputs, api_visibility="private", concurrency_id="generate",
            show_progress_on=[sc_status])

        def check_script(episode: int, fountain_text: str, sess_: dict):
            """The live runtime estimate and check of an edited Fountain script (nothing is saved)."""
            try:
                sd = _season(sess_, "plan")
                n = _clamp_episode(sd, episode)
                return script_report(sd, n, fountain_text or "")
            except gr.Error as e:
                return f"<p class='check-bad'>{html.escape(str(e))}</p>"
            except Exception as e:  # noqa: BLE001
                return f"<p class='check-bad'>{html.escape(str(_error(e)))}</p>"

        fountain.input(check_script, [sc_pick, fountain, sess], runtime_md, api_name="check_script",
                       trigger_mode="always_last", show_progress="hidden", concurrency_limit=None)

        def _save_script_text(sd: SeasonDir, n: int, text: str) -> bool:
            from .fountain import from_fountain, to_fountain

            bible, ep = sd.load_bible(), sd.load_plan().episode(n)
            if sd.script_path(n).exists() and text == _fountain_text(sd, n):
                return False
            sc = from_fountain(text, bible, n, ep.target_seconds)
            sd.write_model(sd.script_path(n), sc)
            atomic_write_text(sd.episode_dir(n) / "script.fountain", to_fountain(sc, bible, ep, draft_date=sd.draft_date().isoformat()))
            sd.shooting_path(n).unlink(missing_ok=True)  # stale: rebuilt from the edited script
            return True

        @_guard
        def save_script(episode: int, fountain_text: str, sess_: dict):
            """Import the edited Fountain into the season (errors name the line)."""
            sd = _season(sess_, "plan")
            n = _clamp_episode(sd, episode)
            if not (fountain_text or "").strip():
                raise InputError("script", "", "Fountain text with at least one scene heading")
            changed = _save_script_text(sd, n, fountain_text)
            msg = "✓ Script saved (the shooting script will be rebuilt from it)." if changed else "No changes to save."
            return {**v_script(sd, n), **v_shots(sd, n), sc_status: msg}

        save_script_btn.click(save_script, [sc_pick, fountain, sess],
                              [fountain, runtime_md, sc_status, shots_df, breakdown, gallery, sh_status],
                              api_name="save_script")

        @_guard
        def save_script_quiet(episode, fountain_text, sess_):
            sd = _season(sess_, "plan")
            if episode and (fountain_text or "").strip():
                _save_script_text(sd, _clamp_episode(sd, episode), fountain_text)
            return gr.skip()

        @_guard
        def save_pending(title, title_pin_, logline, logline_pin_, characters, locations, plan_table, episode, beat,
                         action, lines, chars_on_screen, location, new_scene, sc_episode, fountain_text, sess_):
            """Every edit still in the page is saved first (bible, plan, the beat being edited, the script)."""
            sd = _season(sess_, "season")
            if sd.has_bible() and _rows(characters):
                _save_bible_edits(sd, title, title_pin_, logline, logline_pin_, characters, locations)
            if sd.has_plan() and _rows(plan_table):
                _save_plan_edits(sd, plan_table)
            if sd.has_plan():
                save_beat_quiet(episode, beat, action, lines, chars_on_screen, location, new_scene, sess_)
                save_script_quiet(sc_episode, fountain_text, sess_)
            return gr.skip()

        pending_inputs = [*bible_edit_inputs, plan_df, ep_pick, beat_pick, *beat_form, sc_pick, fountain, sess]

        # -- 6: shooting script -----------------------------------------------------------------
        @_guard
        def shooting(episode: int, sess_: dict, fountain_text: str | None = None):
            """Make one episode's shooting script (shot list, breakdown) and storyboard panels."""
            sd = _season(sess_, "plan")
            n = _clamp_episode(sd, episode)
            if fountain_text and fountain_text.strip():
                _save_script_text(sd, n, fountain_text)  # edits of the script are kept
            if not sd.script_path(n).exists():
                raise _fail(f"Episode {n} has no script yet: write it on the Script tab first.")
            from .shooting import shooting_script

            req = sd.load_request()
            shot = shooting_script(sd.load_script(n), sd.load_bible(), seed=req.seed)
            sd.write_model(sd.shooting_path(n), shot)
            _finish(sd, None)
            return {**v_shots(sd, n), tabs: gr.Tabs(selected="shots"), **{p: gr.update(value=n) for p in pickers}}

        shots_outputs = [tabs, shots_df, breakdown, gallery, sh_status, *pickers]
        shooting_btn.click(save_script_quiet, [sc_pick, fountain, sess], None, api_visibility="private").success(
            shooting, [sh_pick, sess], shots_outputs, api_name="shooting", show_progress_on=[sh_status])
        shots_next_btn.click(shooting, [sc_pick, sess, fountain], shots_outputs, api_visibility="private",
                             show_progress_on=[sh_status])

        # -- 7: export ----------------------------------------------------------------------------
        @_guard
        def export(formats: list[str] | None, sess_: dict, episode: int | None = None, progress=gr.Progress()):
            """Export every written episode in the chosen formats (screenplay PDF/FDX/HTML/Fountain, JSON,
            CSV shot list, storyboard, publishing pack) and the season zip. Returns the zip, the season-wide
            files and the chosen episode's files (all files when there are few)."""
            sd = _season(sess_, "plan")
            paths, total = _export(sd, list(formats or []), progress, episode)
            more = f"; {len(paths)} listed below, the zip holds them all" if total > len(paths) else ""
            return {files: [str(p) for p in paths],
                    export_status: f"✓ Exported: {total} files{more}."}

        export_btn.click(save_pending, pending_inputs, None, api_visibility="private").success(
            export, [formats, sess, sh_pick], [files, export_status], api_name="export", concurrency_id="generate",
            show_progress_on=[export_status])

        # -- projects -------------------------------------------------------------------------------
        def list_projects() -> dict:
            """The season folders in the workspace."""
            names = _workspace_projects()
            return gr.update(choices=names, value=names[0] if names else None)

        refresh_btn.click(list_projects, None, proj_list, api_name="list_projects", queue=False)
        demo.load(list_projects, None, proj_list, api_visibility="private", queue=False)

        @_guard
        def save_project(name: str, sess_: dict):
            """Save this session's season as a folder in the workspace (replacing one of the same name)."""
            sd = _season(sess_, "season")
            target = _save_to_workspace(sd, name)
            names = _workspace_projects()
            return {proj_status: f"✓ Saved to `{html.escape(str(target))}`.",
                    proj_list: gr.update(choices=names, value=target.name)}

        save_proj_btn.click(save_pending, pending_inputs, None, api_visibility="private").success(
            save_project, [proj_name, sess], [proj_status, proj_list], api_name="save_project")

        @_guard
        def download_project(sess_: dict):
            """This session's season folder as a zip (opens again with /open_project)."""
            sd = _season(sess_, "season")
            return zip_season(sd, sd.path.parent / "downloads")

        zip_btn.click(download_project, [sess], proj_zip, api_name="download_project")

        @_guard
        def open_project(name: str | None = None, upload_: str | None = None, sess_: dict | None = None):
            """Open a season: a workspace folder by name, or an uploaded zip (copied into this session)."""
            sess_ = sess_ if isinstance(sess_, dict) else {}
            if upload_:
                sd = _open_zip(sess_, Path(upload_))
                where = Path(upload_).name
            elif name:
                sd = _open_workspace(sess_, name)
                where = name
            else:
                raise InputError("project", None, "a workspace project name or an uploaded season zip")
            req = sd.load_request() if sd.request_path.exists() else None
            title = sd.load_bible().title if sd.has_bible() else (req.trope if req else "")
            tab = "episode" if sd.episodes_done("beats") else "plan" if sd.has_plan() else "bible"
            gr.Info(f"Opened {title} from {where}.")
            return {**v_all(sd), sess: sess_, tabs: gr.Tabs(selected=tab), opt_status: "",
                    proj_status: f"✓ Opened **{html.escape(title)}** from `{html.escape(where)}`.",
                    proj_name: re.sub(r"[^A-Za-z0-9 _.\-]", "", Path(where).stem)[:64] if where else ""}

        open_outputs = [*all_outputs, opt_status, proj_status, proj_name]
        # the API form takes both (either may be None); the page uses the button and the upload
        _api_btn = gr.Button(visible=False)
        _api_btn.click(open_project, [proj_list, upload, sess], open_outputs, api_name="open_project")
        open_btn.click(open_project, [proj_list, gr.State(None), sess], open_outputs, api_name="open_button",
                       api_visibility="private")
        upload.upload(open_project, [gr.State(None), upload, sess], open_outputs, api_name="open_upload",
                      api_visibility="private")

        # -- JSON views for API clients ----------------------------------------------------------------
        api_json = gr.JSON(visible=False)
        api_episode = gr.Number(visible=False, precision=0)
        _season_btn, _episode_btn = gr.Button(visible=False), gr.Button(visible=False)
        _season_btn.click(season_json, [sess], api_json, api_name="season")
        _episode_btn.click(episode_json, [api_episode, sess], api_json, api_name="episode")

        # -- stop buttons ------------------------------------------------------------------------------
        gen_events = [start_ev, regen_bible_ev, plan_ev, regen_plan_ev, beats_ev, beats_next_ev, regen_beat_ev,
                      script_ev, script_next_ev]
        for btn, status in ((stop_bible, bible_status), (stop_plan, plan_status), (stop_ep, ep_status),
                            (stop_sc, sc_status)):
            btn.click(stop, [sess], status, api_name="stop" if btn is stop_bible else None,
                      api_visibility="public" if btn is stop_bible else "private", queue=False, cancels=gen_events)

        # -- playground (kept as it was: /complete) ---------------------------------------------------
        ev = go.click(_stream, [prompt, pg_model, max_new, temp, pg_seed], output, api_name="complete",
                      concurrency_id="generate")
        pg_stop.click(None, None, None, cancels=[ev])

    demo.queue(default_concurrency_limit=int(os.environ.get("DRAMAGEN_UI_CONCURRENCY", "8")))
    return demo


# --------------------------------------------------------------------------- JSON views


@_guard
def season_json(sess: dict) -> dict:
    """The session's season as data: request, bible, plan, and which episodes have beats, script, shots."""
    sd = _season(sess, "season")
    load = {"request": (sd.request_path, sd.load_request), "bible": (sd.bible_path, sd.load_bible),
            "plan": (sd.plan_path, sd.load_plan)}
    data: dict[str, Any] = {k: (f().model_dump(mode="json") if path.exists() else None)
                            for k, (path, f) in load.items()}
    data["episodes_done"] = {st: sd.episodes_done(st) for st in ("beats", "script", "shooting")}
    return data


@_guard
def episode_json(episode: int, sess: dict) -> dict:
    """One episode as data: its plan, beats, script (model and Fountain), shooting script and check issues."""
    sd = _season(sess, "plan")
    n = _clamp_episode(sd, episode)
    data: dict[str, Any] = {"episode": n, "plan": sd.load_plan().episode(n).model_dump(mode="json")}
    data["beats"] = sd.load_beats(n).model_dump(mode="json") if sd.beats_path(n).exists() else None
    data["script"] = sd.load_script(n).model_dump(mode="json") if sd.script_path(n).exists() else None
    data["fountain"] = _fountain_text(sd, n) if sd.script_path(n).exists() else None
    data["shooting"] = sd.load_shooting(n).model_dump(mode="json") if sd.shooting_path(n).exists() else None
    data["issues"] = _ep_issues(sd, n)
    return data


# --------------------------------------------------------------------------- script helpers


def _fountain_text(sd: SeasonDir, n: int) -> str:
    from .fountain import to_fountain

    p = sd.episode_dir(n) / "script.fountain"
    if p.exists():
        return p.read_text(encoding="utf-8")
    return to_fountain(sd.load_script(n), sd.load_bible(), sd.load_plan().episode(n), draft_date=sd.draft_date().isoformat())


def script_report(sd: SeasonDir, n: int, text: str) -> str:
    """Runtime estimate (±10 % of the target) and the script checks, as HTML."""
    from .fountain import from_fountain
    from .stages.script import script_issues
    from .timing import estimate_fountain

    ep = sd.load_plan().episode(n)
    target = ep.target_seconds
    lo, hi = target * 0.9, target * 1.1
    try:
        est = estimate_fountain(text)
    except Exception as e:  # noqa: BLE001 - screenplain on half-typed text
        return f"<p class='check-bad'>Cannot read the Fountain yet: {html.escape(str(e)[:200])}</p>"
    ok = lo <= est.seconds <= hi and MIN_SECONDS <= est.seconds <= MAX_SECONDS
    head = (f"<div class='tl-meta' id='runtime-estimate'><span>Estimated runtime <b>{est.seconds:.1f} s</b></span>"
            f"<span>target {target:g} s ({lo:.1f}–{hi:.1f})</span>"
            + ("<span class='tl-ok'>✓ fits</span>" if ok else "<span class='tl-bad'>✗ does not fit</span>")
            + f"<span>{est.scenes} scenes · {est.dialogue_words} words of dialogue · {est.action_words} of action"
              f"</span></div>")
    try:
        sc = from_fountain(text, sd.load_bible(), n, target)
        beats = sd.load_beats(n) if sd.beats_path(n).exists() else None
        issues = script_issues(sc, sd.load_bible(), ep, beats=beats)
        # the stored estimate is recomputed on import, so a stale-estimate note is noise here
        issues = [i for i in issues if not i.startswith("[timing.estimate]")]
    except DramagenError as e:
        issues = [str(e)]
    return head + _check_html(issues, "the script passes every check")


# --------------------------------------------------------------------------- storyboard & export adapters


def _storyboard_panels(sd: SeasonDir, n: int) -> list[tuple[str, str]]:
    """One 9:16 storyboard panel per shot (PNG, drawn by :mod:`dramagen.storyboard`) with its caption.

    Panels live next to the session's season folder (not in it), one folder per version of
    the shooting script, so the page never shows a stale picture."""
    import hashlib

    try:
        from .storyboard import draw_panel
    except ImportError:  # pragma: no cover - an older dramagen without storyboards
        return []
    if not sd.shooting_path(n).exists():
        return []
    key = hashlib.sha256(sd.shooting_path(n).read_bytes() + sd.bible_path.read_bytes()).hexdigest()[:12]
    root = sd.path.parent / "panels"
    d = root / f"ep{n:03d}-{key}"
    shooting, bible = sd.load_shooting(n), sd.load_bible()
    captions = []
    for sc in shooting.scenes:
        for shot in sc.shots:
            line = f"{shot.speaker}: {shot.line}" if shot.line else shot.action
            captions.append((sc, shot, f"{shot.number} · {shot.size} · {shot.angle} · {shot.movement} · "
                                       f"{shot.duration:.1f} s — {line}"[:160]))
    if not d.exists():
        tmp = root / f".ep{n:03d}-{key}-{uuid.uuid4().hex[:6]}"
        tmp.mkdir(parents=True)
        for sc, shot, _ in captions:
            draw_panel(shot, bible, width=270, scene=sc).save(tmp / f"shot-{shot.number:03d}.png", optimize=True)
        for old in root.glob(f"ep{n:03d}-*"):
            shutil.rmtree(old, ignore_errors=True)
        try:
            os.replace(tmp, d)
        except OSError:  # another request drew them first
            shutil.rmtree(tmp, ignore_errors=True)
    return [(str(d / f"shot-{shot.number:03d}.png"), cap) for _, shot, cap in captions]


def _export_formats() -> list[str]:
    from .export.season_export import FORMATS

    return list(FORMATS)


MAX_LISTED_FILES = 40


def _export(sd: SeasonDir, formats: list[str], progress, episode: Any = None) -> tuple[list[Path], int]:
    """Run :func:`dramagen.export.season_export.export_season` into the session's exports folder.

    Returns (files to offer, number written): the zip first, then the season-wide files, then
    the files of ``episode`` (the first exported one when not given); everything when few."""
    from .export.season_export import FORMATS, export_season

    wanted = [f for f in formats if f] or list(FORMATS)
    out = sd.path.parent / "exports"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)

    def tick(stage: str, done: int, total: int, msg: str) -> None:
        if total:
            progress(min(done, total) / total, desc=f"export {stage}: {msg}"[:120])

    written = [Path(p) for p in export_season(sd.path, wanted, out_dir=out, progress=tick)]
    written = [p for p in written if p.is_file()]

    def order(p: Path) -> tuple:
        kind = ("-storyboard" in p.name, "-publish" in p.name, "-shotlist" in p.name)
        pref = [".zip", ".pdf", ".fdx", ".fountain", ".html", ".json", ".csv", ".md", ".png"]
        return (p.suffix != ".zip", p.parent != out, p.parent.name, kind,
                pref.index(p.suffix) if p.suffix in pref else 99, p.name)

    written.sort(key=order)
    if len(written) <= MAX_LISTED_FILES:
        return written, len(written)
    eps = sorted({p.parent.name for p in written if p.parent != out and re.match(r"^ep\d{3}$", p.parent.name)})
    try:
        pick = f"ep{int(episode):03d}" if episode else (eps[0] if eps else "")
    except (TypeError, ValueError):
        pick = eps[0] if eps else ""
    chosen = [p for p in written if p.suffix == ".zip"] + [p for p in written if p.parent == out and
                                                            p.suffix != ".zip"]
    chosen += [p for p in written if p.parent.name == pick]
    return chosen, len(written)


# --------------------------------------------------------------------------- projects


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")[:48] or "season"


def zip_season(sd: SeasonDir, out_dir: Path) -> str:
    """The season folder as ``<title>.zip`` (one top folder, as ``/open_project`` expects)."""
    title = sd.load_bible().title if sd.has_bible() else (sd.load_request().trope if sd.request_path.exists() else "")
    name = _slug(title)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.zip"
    tmp = out_dir / f".{name}.zip.tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(sd.path.rglob("*")):
            if f.is_file() and not f.name.endswith(".tmp"):
                z.write(f, f"{name}/{f.relative_to(sd.path).as_posix()}")
    os.replace(tmp, target)
    return str(target)


def _workspace_projects() -> list[str]:
    ws = workspace()
    if not ws.is_dir():
        return []
    return sorted(p.name for p in ws.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and SeasonDir(p).exists())


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not _PROJECT_NAME.match(name) or name in (".", ".."):
        raise InputError("project name", name, "1–64 letters, digits, spaces, '.', '_' or '-', starting with a letter "
                                               "or digit")
    return name


def _save_to_workspace(sd: SeasonDir, name: str) -> Path:
    name = _check_name(name)
    ws = workspace()
    ws.mkdir(parents=True, exist_ok=True)
    target = safe_join(ws, name)
    if target.exists() and not (target.is_dir() and (SeasonDir(target).exists() or not any(target.iterdir()))):
        raise InputError("project name", name, "a new name or an existing season folder",
                         f"{target} exists and is not a season folder")
    tmp = ws / f".{name}.saving-{uuid.uuid4().hex[:6]}"
    shutil.copytree(sd.path, tmp, ignore=shutil.ignore_patterns(".*.tmp"))
    old = None
    if target.exists():
        old = ws / f".{name}.old-{uuid.uuid4().hex[:6]}"
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def _validate_season(root: Path, where: str) -> SeasonDir:
    sd = SeasonDir(root)
    if not sd.exists():
        raise SeasonDataError(f"project: {where} is not a dramagen season (no request.json or bible.json; expected a "
                              f"folder written by `dramagen generate` or saved by the studio)")
    try:  # read everything once: a broken file is reported now, not halfway through the work
        if sd.request_path.exists():
            sd.load_request()
        else:
            bible = sd.load_bible()
            plan = sd.load_plan() if sd.has_plan() else None
            req = SeasonRequest(trope=bible.trope_id, episodes=len(plan.episodes) if plan else 60,
                                paywall=plan.paywall if plan else 10)
            atomic_write_text(sd.request_path, req.model_dump_json(indent=2) + "\n")
        if sd.has_bible():
            sd.load_bible()
        if sd.has_plan():
            sd.load_plan()
        loaders = {"beats": sd.load_beats, "script": sd.load_script, "shooting": sd.load_shooting}
        for stage, load in loaders.items():
            for n in sd.episodes_done(stage):
                load(n)
    except (ValidationError, ValueError) as e:
        raise SeasonDataError(f"project: {where}: {e}") from None
    return sd


def _open_workspace(sess: dict, name: str) -> SeasonDir:
    name = _check_name(name)
    src = safe_join(workspace(), name)
    if not src.is_dir():
        raise InputError("project", name, "a project in the workspace (" + (", ".join(_workspace_projects())
                                                                             or "none yet") + ")")
    _validate_season(src, name)
    dest = _fresh_dir(sess)
    shutil.rmtree(dest)
    shutil.copytree(src, dest)
    return SeasonDir(dest)


def safe_extract(zip_path: Path, dest: Path) -> None:
    """Extract a zip into ``dest``, refusing any member that would land outside it (``..``,
    absolute paths, drive letters, links) and zip bombs (size and count limits)."""
    if not zipfile.is_zipfile(zip_path):
        raise InputError("project", zip_path.name, "a .zip of a season folder")
    dest = Path(dest).resolve()
    try:
        _extract_checked(zip_path, dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as e:
        raise InputError("project", zip_path.name, "a readable .zip of a season folder",
                         f"the zip is damaged: {e}") from None


def _extract_checked(zip_path: Path, dest: Path) -> None:
    with zipfile.ZipFile(zip_path) as z:
        infos = z.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise InputError("project", f"{len(infos)} files", f"a zip of at most {MAX_ZIP_MEMBERS} files")
        total = 0
        for info in infos:
            name = info.filename.replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            mode = (info.external_attr >> 16) & 0o170000
            if (name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts or mode == 0o120000):
                raise InputError("project", info.filename, "a zip whose paths stay inside its folder",
                                 "this zip is refused: a path escapes the project folder")
            safe_join(dest, *parts) if parts else None
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise InputError("project", zip_path.name, f"a zip of at most {MAX_ZIP_BYTES // 2**20} MiB unpacked")
        for info in infos:
            parts = [p for p in info.filename.replace("\\", "/").split("/") if p not in ("", ".")]
            if not parts:
                continue
            target = safe_join(dest, *parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)


def _find_season_root(d: Path) -> Path | None:
    if SeasonDir(d).exists():
        return d
    for sub in sorted(p for p in d.iterdir() if p.is_dir()):
        if SeasonDir(sub).exists():
            return sub
    return None


def _open_zip(sess: dict, zip_path: Path) -> SeasonDir:
    dest = _fresh_dir(sess)
    unpack = dest.parent / "unpacked"
    try:
        safe_extract(zip_path, unpack)
        root = _find_season_root(unpack)
        if root is None:
            raise SeasonDataError(f"project: {zip_path.name} is not a dramagen season zip (no request.json or "
                                  f"bible.json at its top or in its folder)")
        _validate_season(root, zip_path.name)
        shutil.rmtree(dest)
        shutil.move(str(root), str(dest))
    except BaseException:
        _drop_dir(sess)
        raise
    finally:
        shutil.rmtree(unpack, ignore_errors=True)
    return SeasonDir(dest)


# --------------------------------------------------------------------------- playground


def _stream(prompt: str, model: str, max_new_tokens: float, temperature: float, seed: float):
    """Stream a completion into the output box (yields the text so far)."""
    if not prompt or not prompt.strip():
        raise gr.Error("prompt: empty; type some text to complete")
    try:
        # the raw values: pydantic converts 64.0 and names the field of a bad one (int(None) was a TypeError)
        params = GenerationParams.make(max_new_tokens=max_new_tokens, temperature=temperature, seed=seed)
        gen = load_generator(model or None)
        text = render("playground/complete.j2", prompt=prompt).text
        out = ""
        for chunk in gen.stream(text, params):
            out += chunk
            yield out
    except DramagenError as e:
        raise gr.Error(str(e)) from None


# --------------------------------------------------------------------------- launch


def theme() -> gr.themes.Base:
    # local fonts only (no Google Fonts request): the app makes no outbound calls
    return gr.themes.Default(primary_hue="rose", secondary_hue="indigo", neutral_hue="slate",
                             font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial",
                                   "sans-serif"],
                             font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"])


def launch_kwargs() -> dict:
    """What ``Blocks.launch`` needs for the studio's look (Gradio 6: theme and CSS go to launch)."""
    css = ASSETS / "studio.css"
    return {"theme": theme(), "css_paths": [css] if css.exists() else None, "ssr_mode": False,
            "footer_links": ["api", "settings"]}


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise InputError("auth", "***", "user:pass (both non-empty)")
    return user, password


def launch(host: str = "127.0.0.1", port: int = 7860, model: str | None = None, auth: str | None = None,
           **kw) -> None:
    auth_pair = parse_auth(auth)
    if model:
        load_generator(model)  # load once, before the first request
    opts = {**launch_kwargs(), **kw}
    if threading.current_thread() is threading.main_thread():
        import signal

        def _terminate(*_: Any) -> None:  # SIGTERM: close the server and remove the session folders (atexit)
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, _terminate)
    build(model).launch(server_name=host, server_port=port, share=False, auth=auth_pair, **opts)
