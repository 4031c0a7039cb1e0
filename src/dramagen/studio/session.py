"""A studio session: its season folder, its running jobs (and Stop), and the one handler wrapper.

Each browser tab (or ``gradio_client.Client``) holds a :class:`Session` in a ``gr.State``; it
works on one season folder (:class:`dramagen.project.season.SeasonDir`) in the workspace (autosave:
every step and edit is written there at once; :mod:`.workspace` makes and opens the folders).
A new season gets a folder of its own, so two tabs never write the same folder unless the
writer opens the same project in both; :func:`holders` says which sessions have a folder open
(a project open elsewhere is not renamed or deleted under them). Every event handler goes through :func:`handler`:
known errors become a plain message for the page (never a traceback), and a handler that
yields streams. Long work runs as a :class:`Job` in a thread (:func:`run_job`), streaming what
the model writes into a textbox; :func:`stop` cancels a session's jobs at their next slot.

This module is where streaming, stop and autosave grow (the job queue, the session's state);
the tabs only lay out components and translate.
"""

from __future__ import annotations

import atexit
import functools
import inspect
import logging
import queue
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ..core.errors import DramagenError, InputError
from ..llm import load_generator  # tests replace it with a stand-in: see tests/test_ui.py
from ..project.season import SeasonDir
from .live import BEAT_CARD, Live, beat_line, progress_text

log = logging.getLogger("dramagen.studio")

_SESSIONS_ROOT: Path | None = None
_SESSIONS_LOCK = threading.Lock()
_OPEN: dict[str, str] = {}  # session id → the resolved season folder it works on


def scratch_root() -> Path:
    """The process's private temporary folder (scratch files, drawings, exports), removed at exit."""
    global _SESSIONS_ROOT
    with _SESSIONS_LOCK:
        if _SESSIONS_ROOT is None or not _SESSIONS_ROOT.exists():
            _SESSIONS_ROOT = Path(tempfile.mkdtemp(prefix="dramagen-studio-"))
            atexit.register(shutil.rmtree, _SESSIONS_ROOT, True)
        return _SESSIONS_ROOT


# --------------------------------------------------------------------------- the session


@dataclass(unsafe_hash=True)  # hashed by value: Gradio sees a new folder as a change of the state
class Session:
    """One page's state: an id (for its jobs) and its season folder (None before the first season)."""

    id: str = ""
    dir: str | None = None

    def sid(self) -> str:
        if not self.id:
            self.id = uuid.uuid4().hex[:12]
        return self.id

    def use(self, path: str | Path) -> Path:
        """Work on the season folder ``path`` from now on."""
        self.dir = str(path)
        with _SESSIONS_LOCK:
            _OPEN[self.sid()] = str(Path(path).resolve())
        return Path(path)

    def forget(self) -> None:
        """Work on no folder (the folder itself is kept)."""
        self.dir = None
        with _SESSIONS_LOCK:
            _OPEN.pop(self.id, None)

    def fresh_dir(self) -> Path:
        """A new, empty season folder in the scratch folder (not the workspace: a throwaway season)."""
        self.drop_dir()
        d = scratch_root() / f"{self.sid()}-{uuid.uuid4().hex[:6]}" / "season"
        d.mkdir(parents=True)
        return self.use(d)

    def drop_dir(self) -> None:
        """Leave the season folder; a throwaway one (:meth:`fresh_dir`) is removed, a workspace one kept."""
        if self.dir and scratch_root().resolve() in Path(self.dir).resolve().parents:
            shutil.rmtree(Path(self.dir).parent, ignore_errors=True)
        self.forget()

    def season(self, need: str = "bible") -> SeasonDir:
        """The session's season; a clear error when the step it needs has not been done yet."""
        sd = SeasonDir(self.dir) if self.dir else None
        if sd is None or not sd.path.exists() or not sd.exists():
            raise fail("No season yet: pick a trope and press **Write the bible** (or open a project).",
                       "Nothing to work on")
        if need in ("bible", "plan") and not sd.has_bible():
            raise fail("This season has no bible yet: press **Write the bible** first.", "No bible")
        if need == "plan" and not sd.has_plan():
            raise fail("This season has no plan yet: press **Plan the season** first.", "No plan")
        return sd


def session_of(value: Any) -> Session:
    """The Session in a gr.State value (a fresh one for anything else)."""
    return value if isinstance(value, Session) else Session()


def delete_session(value: Any) -> None:  # gr.State delete_callback: the page went away
    if isinstance(value, Session):
        value.drop_dir()


def holders(path: str | Path, but: str | None = None) -> list[str]:
    """The ids of the sessions (other than ``but``) working on the season folder ``path``."""
    want = str(Path(path).resolve())
    with _SESSIONS_LOCK:
        return [sid for sid, d in _OPEN.items() if d == want and sid != but]


def busy(sess: Any) -> bool:
    """Whether a generation job of this session is running."""
    sid = sess.id if isinstance(sess, Session) else None
    with _JOBS_LOCK:
        return bool(sid and _JOBS.get(sid))


def season(sess: Any, need: str = "bible") -> SeasonDir:
    """:meth:`Session.season` of a gr.State value."""
    return session_of(sess).season(need)


# --------------------------------------------------------------------------- errors


def plain(message: str) -> str:
    """A message as the toast shows it: plain text (a toast does not render Markdown, so **Plan the
    season** becomes “Plan the season” and `code` loses its backticks)."""
    return re.sub(r"`([^`]+)`", r"\1", re.sub(r"\*\*(.+?)\*\*", r"“\1”", message))


def fail(message: str, title: str = "Not yet") -> gr.Error:
    """A message for the page (and the API client); no traceback anywhere.

    Gradio puts an "Error" pill over every component an event shows progress on when it fails;
    studio.css hides those pills (they cover fields that were not at fault): the message is the
    toast, and a field at fault says so under itself through the event's validator."""
    return gr.Error(plain(message), title=title, print_exception=False)


def error(e: BaseException) -> gr.Error:
    """A user-readable error (never a stack trace)."""
    if isinstance(e, gr.Error):
        e.message = plain(str(e.message))
        return e
    if isinstance(e, DramagenError):
        return fail(str(e), "Not accepted" if isinstance(e, InputError) else "Problem")
    log.exception("studio: unexpected error")
    return fail(f"Something went wrong ({type(e).__name__}: {str(e)[:200]}); the season on disk is unchanged.",
                "Internal error")


def handler(fn: Callable) -> Callable:
    """The one wrapper of every event handler: errors become a message (:func:`error`); a generator
    function stays one (Gradio streams what it yields). The signature is kept for the named API."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def streaming(*a: Any, **kw: Any) -> Iterator[Any]:
            try:
                yield from fn(*a, **kw)
            except Exception as e:  # noqa: BLE001 - gr.Error included: its text is made plain
                raise error(e) from None

        return streaming

    @functools.wraps(fn)
    def plain(*a: Any, **kw: Any) -> Any:
        try:
            return fn(*a, **kw)
        except Exception as e:  # noqa: BLE001 - gr.Error included: its text is made plain
            raise error(e) from None

    return plain


# --------------------------------------------------------------------------- the model


_TLS = threading.local()  # the studio job running in this thread, if any


def generator(model: str | None):
    """The process's generator for ``model`` (loaded once), instrumented so that a studio job
    hears when the model starts a batch, and can stop before the next one."""
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
        out = orig(prompts, params, **kw)
        if job is not None and job.cancel.is_set():
            raise Stopped()  # Stop pressed during the batch: its lines are not used
        return out

    try:
        generate.__signature__ = inspect.signature(orig)  # type: ignore[attr-defined]  # (logprobs sniffing)
    except (TypeError, ValueError):
        pass
    generate.__doc__ = orig.__doc__
    try:
        gen.generate = generate
        gen._studio_instrumented = True
    except AttributeError:  # a generator that refuses attributes: used as it is
        pass
    return gen


# --------------------------------------------------------------------------- jobs and Stop


class Stopped(Exception):
    """Raised inside a job when the user pressed Stop."""


class Job:
    """One long piece of work in a thread; its text arrives through a queue."""

    def __init__(self, sid: str):
        self.sid = sid
        self.q: queue.Queue = queue.Queue()
        self.cancel = threading.Event()

    def on_text(self, kind: str, text: str) -> None:
        if self.cancel.is_set():
            raise Stopped()
        self.q.put(("text", kind, text))

    def tick(self, message: str) -> None:
        if self.cancel.is_set():
            raise Stopped()
        self.q.put(("tick", "", message))

    def on_beat(self, beat: Any) -> None:
        """A beat's first draft, as soon as its slots are written (the beats' cards)."""
        if self.cancel.is_set():
            raise Stopped()
        self.q.put(("beat", BEAT_CARD, beat.model_dump_json()))


_JOBS: dict[str, set[Job]] = {}  # session id → the jobs running for it (for Stop)
_JOBS_LOCK = threading.Lock()


def _start(sid: str, work: Callable[[Job], dict]) -> tuple[Job, threading.Thread, dict]:
    job = Job(sid)
    with _JOBS_LOCK:
        _JOBS.setdefault(sid, set()).add(job)
    out: dict = {}

    def target() -> None:
        _TLS.job = job
        try:
            out["value"] = work(job)
        except BaseException as e:  # noqa: BLE001 - reported to the page by run_job
            out["error"] = e
        finally:
            _TLS.job = None

    t = threading.Thread(target=target, name=f"studio-{sid}", daemon=True)
    t.start()
    return job, t, out


def _end(job: Job) -> None:
    job.cancel.set()  # the page went away or Stop was pressed: the thread stops at its next slot
    with _JOBS_LOCK:
        jobs = _JOBS.get(job.sid, set())
        jobs.discard(job)
        if not jobs:
            _JOBS.pop(job.sid, None)


def run_job(sess: Session, work: Callable[[Job], dict], stream: Any, progress: Any, what: str,
            expected: int = 0, status: Any = None, kept: Callable[[], dict] | None = None,
            live: Live | None = None) -> Iterator[dict]:
    """Run ``work(job)`` in a thread, streaming its text into ``stream``; yields component updates,
    the last one being ``work``'s result. With ``live`` the step's own view fills as its slots are
    accepted (the plan table row by row, beats card by card) and progress counts its units with an
    ETA ("episode plan 7/10 · about 40 s left"). Stop (or closing the page) cancels it at the next
    slot; then ``status`` says what was kept and ``kept()`` (the tab's views as the season is on
    disk) replaces whatever said the step was being written."""
    job, t, out = _start(sess.sid(), work)
    lines: list[str] = []
    texts: list[tuple[str, str]] = []
    progress(0, desc=f"{what}…")
    t0 = last = time.monotonic()
    dirty = False  # something arrived that the page has not been sent yet
    try:
        while t.is_alive() or not job.q.empty():
            try:
                kind, slot, text = job.q.get(timeout=0.2)
            except queue.Empty:
                if dirty:  # the model is busy with the next batch: show what came so far
                    dirty, last = False, time.monotonic()
                    yield _live_update(stream, lines, texts, what, live, status, time.monotonic() - t0)
                continue
            dirty = True
            if kind == "text":
                texts.append((slot, text))
                lines.append(f"{slot}: {text}")
            elif kind == "beat":
                texts.append((slot, text))
                lines.append(beat_line(text))
            else:
                lines.append(f"— {text}")
            _progress(progress, what, texts, expected, live, text if kind == "tick" else "", time.monotonic() - t0)
            if job.q.empty() or time.monotonic() - last > 0.15:  # a batch's slots arrive together: all of them
                dirty, last = False, time.monotonic()
                yield _live_update(stream, lines, texts, what, live, status, time.monotonic() - t0)
        t.join()
        yield from _outcome(out, stream, lines, what, status, kept)
    finally:
        _end(job)


def _live_update(stream: Any, lines: list[str], texts: list, what: str, live: Live | None, status: Any,
                 elapsed: float) -> dict:
    """The live box, the step's live view, and (with a live view) its count in the tab's status line."""
    update = {stream: "\n".join(lines[-400:])}
    if live is not None:
        count = progress_text(live.label, live.count(texts), live.total, elapsed, live.part(texts)) \
            if live.total else ""
        update.update(live.view(texts, count))
        if status is not None and count and live.status_line:
            update[status] = f"{what[:1].upper()}{what[1:]}: {count}"
    return update


def _progress(progress: Any, what: str, texts: list, expected: int, live: Live | None, tick: str,
              elapsed: float) -> None:
    if live is not None and live.total:
        done, part = live.count(texts), live.part(texts)
        progress(min(part, live.total) / live.total,
                 desc=progress_text(live.label, done, live.total, elapsed, part))
    elif tick and not texts:
        progress(0, desc=f"{what}: {tick}")
    elif expected:
        progress(min(len(texts), expected) / expected, desc=f"{what}: {len(texts)} lines written")
    else:
        progress((len(texts), None), desc=f"{what}: {len(texts)} lines written", unit="lines")


def stopped_message(what: str) -> str:
    """What the page says after Stop: the step's work is dropped whole, the season on disk is as it was."""
    return f"■ Stopped {what}. Nothing of it was saved: the season keeps what it had before, safe to go on."


def _outcome(out: dict, stream: Any, lines: list[str], what: str, status: Any = None,
             kept: Callable[[], dict] | None = None) -> Iterator[dict]:
    if "error" in out:
        e = out["error"]
        if isinstance(e, Stopped):
            update = {**(kept() if kept else {}), stream: "\n".join(lines[-400:] + ["— stopped"])}
            if status is not None:
                update[status] = stopped_message(what)
            else:
                gr.Info(stopped_message(what))
            yield update
            return
        raise error(e) from None
    result = dict(out.get("value") or {})
    result[stream] = "\n".join(lines[-400:] + [f"— done: {what}"])
    yield result


def stop(sess: Any) -> str:
    """Stop this session's running generation (it ends at the next slot)."""
    sid = sess.id if isinstance(sess, Session) else None
    with _JOBS_LOCK:
        jobs = list(_JOBS.get(sid, ())) if sid else []
    if not jobs:
        return "Nothing is running."
    for job in jobs:
        job.cancel.set()
    return "Stopping… (the model finishes the line it is writing)"
