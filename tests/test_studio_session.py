"""The studio's session, handler wrapper and jobs (dramagen.studio.session), without a server."""

from __future__ import annotations

import inspect
import threading
import time

import pytest

gr = pytest.importorskip("gradio")

from dramagen.core.errors import InputError  # noqa: E402
from dramagen.studio import session  # noqa: E402


def _progress(*a, **kw) -> None:
    pass


def test_handler_maps_errors_to_messages_and_keeps_the_signature():
    @session.handler
    def save(title: str, sess_=None):
        """Doc."""
        if title == "bad":
            raise InputError("title", title, "a good title")
        if title == "bug":
            raise KeyError("oops")
        return title.upper()

    assert save("ok") == "OK" and list(inspect.signature(save).parameters) == ["title", "sess_"]
    with pytest.raises(gr.Error, match="title.*a good title") as e:
        save("bad")
    assert e.value.title == "Not accepted"
    with pytest.raises(gr.Error, match="Something went wrong \\(KeyError") as e:
        save("bug")
    assert e.value.title == "Internal error"


def test_streaming_handler_stays_a_generator():
    @session.handler
    def stream(n: int):
        yield from range(n)
        raise InputError("n", n, "fewer")

    assert inspect.isgeneratorfunction(stream)
    it = stream(2)
    assert [next(it), next(it)] == [0, 1]
    with pytest.raises(gr.Error, match="fewer"):
        next(it)


def test_error_messages_are_plain_text_for_the_toast():
    """A toast shows its text as it is: no Markdown asterisks or backticks, from any raise."""
    assert session.plain("press **Plan the season** or run `dramagen plan`") == \
        "press “Plan the season” or run dramagen plan"

    @session.handler
    def step(kind: str):
        if kind == "fail":
            raise session.fail("This season has no plan yet: press **Plan the season** first.")
        raise gr.Error("press **Write beats** first")

    for kind, text in (("fail", "press “Plan the season” first."), ("raw", "press “Write beats” first")):
        with pytest.raises(gr.Error) as e:
            step(kind)
        assert text in str(e.value.message) and "*" not in str(e.value.message)


def test_season_is_refused_until_there_is_one(tmp_path):
    s = session.Session()
    with pytest.raises(gr.Error, match="No season yet") as e:
        s.season()
    assert "**" not in str(e.value.message) and "“Write the bible”" in str(e.value.message)
    d = s.fresh_dir()
    assert d.is_dir() and s.dir == str(d) and s.id
    s.drop_dir()
    assert s.dir is None and not d.exists()
    assert isinstance(session.session_of(None), session.Session)


def test_job_streams_text_and_returns_its_result():
    s = session.Session()

    def work(job):
        job.on_text("beats.line", "Hello.")
        job.tick("the model is writing")
        return {"out": 1}

    updates = list(session.run_job(s, work, "stream", _progress, "writing", expected=2))
    assert updates[-1]["out"] == 1
    assert updates[-1]["stream"].splitlines() == ["beats.line: Hello.", "— the model is writing", "— done: writing"]
    assert session.stop(s) == "Nothing is running."


def test_stop_cancels_a_running_job():
    s = session.Session()
    started, result = threading.Event(), {}

    def work(job):
        started.set()
        while True:
            job.tick("waiting")
            time.sleep(0.01)

    def run():
        result["updates"] = list(session.run_job(s, work, "stream", _progress, "writing", status="status",
                                                 kept=lambda: {"view": "as on disk"}))

    t = threading.Thread(target=run)
    t.start()
    assert started.wait(10)
    assert session.stop(s).startswith("Stopping")
    t.join(10)
    last = result["updates"][-1]
    assert not t.is_alive() and last["stream"].endswith("— stopped")
    # the page says what was kept (no "Stopping…" left behind) and shows the season as it is on disk
    assert last["status"] == session.stopped_message("writing") and "Nothing of it was saved" in last["status"]
    assert last["view"] == "as on disk"
    assert session.stop(s) == "Nothing is running."
