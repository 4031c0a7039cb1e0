"""What the studio shows while a step is written (dramagen.studio.live): the plan table row by row,
beats card by card, progress in real units with an ETA; pinned on the stand-in model's real slot
order (a stage that changed the order of its slots would put texts in the wrong rows)."""

from __future__ import annotations

import threading

import pytest

gr = pytest.importorskip("gradio")

from dramagen.core.models import SeasonRequest  # noqa: E402
from dramagen.project.season import SeasonDir  # noqa: E402
from dramagen.studio import live, session  # noqa: E402
from dramagen.studio.views import PLAN_HEADERS  # noqa: E402

from .stand_in import SeededStub, StubGenerator  # noqa: E402


@pytest.fixture
def stub(monkeypatch):
    gen = StubGenerator()
    monkeypatch.setattr(session, "load_generator", lambda model=None, **kw: gen)
    return gen


def test_eta_and_progress_text():
    assert live.eta_text(10.0, 0, 10) == "" and live.eta_text(10.0, 10, 10) == ""
    assert live.eta_text(10.0, 2, 10) == "about 40 s left"
    assert live.eta_text(60.0, 1, 3) == "about 2 min 00 s left"
    assert live.progress_text("episode plan", 7, 10, 70.0) == "episode plan 7/10 · about 30 s left"


def test_plan_rows_fill_row_by_row():
    texts = [("plan.synopsis", "S1."), ("plan.synopsis", "S2."), ("plan.title", "T1."), ("plan.cliffhanger", "C1.")]
    rows = live.plan_rows(texts, episodes=10, paywall=1, width=len(PLAN_HEADERS))
    assert rows == [[1, "T1", "S1.", "C1.", "free"] + [""] * 7, [2, "…", "S2.", "…", "paid"] + [""] * 7]
    plan = live.PlanLive("episode plan", 10)
    assert plan.count(texts) == 1 and plan.part(texts) == 4 / 3
    # the bar and the ETA count the written part: 5 synopses of 10 episodes in 10 s is a sixth, 50 s left
    assert live.progress_text("episode plan", 0, 10, 10.0, 5 / 3) == "episode plan 0/10 · about 50 s left"
    assert live.plan_rows([], 10, 1, 12) == []


def _card(index: int, kind: str, action: str, lines: list[tuple[str, str]]) -> tuple[str, str]:
    from dramagen.core.models import Beat, Line

    b = Beat(index=index, kind=kind, start=0, end=5, location="GALA", characters=[c for c, _ in lines] or ["Mara"],
             action=action, lines=[Line(character=c, text=t) for c, t in lines])
    return live.BEAT_CARD, b.model_dump_json()


def test_beat_cards():
    """Cards in beat order whatever order the beats were finished in; a beat heard again replaces its card."""
    texts = [_card(3, "turn", "He follows.", []), _card(1, "hook", "She runs.", [("Mara", "Get out.")]),
             _card(2, "development", "Old.", []), _card(2, "development", "She <turns>.", [("Kai", "Stop!")])]
    cards = live.beat_cards(texts)
    assert [c.index for c in cards] == [1, 2, 3] and cards[1].action == "She <turns>."
    page = live.beat_cards_html(cards, 9)
    assert page.count("live-card") == 3 and "6 beat(s) to come" in page and "“Stop!”" in page
    assert "She &lt;turns&gt;." in page and "<span class='cue'>KAI</span>" in page and "Old." not in page
    assert "beat 3/9 · about 6 s left" in live.beat_cards_html(cards, 9, "beat 3/9 · about 6 s left")
    assert live.BeatsLive("beat", 9).count(texts) == 3
    assert live.beat_line(texts[1][1]) == "beat 1 (hook): She runs. · MARA: Get out."


def test_streamed_rows_are_the_plan_and_beats_written(stub, tmp_path, monkeypatch):
    """The live views built from the slots as they were accepted match the plan and beats on disk; the
    beats are heard one by one during the episode's one batched call, and hearing them changes nothing."""
    from dramagen.story.planner import layout_beats
    from dramagen.studio import steps

    sd = SeasonDir(tmp_path / "s")
    req = sd.write_request(SeasonRequest(trope="hidden-heir", episodes=12, paywall=2, seed=4))
    steps.write_bible(sd, req, req.pins, 0, lambda k, t: None)
    texts: list = []
    plan = steps.plan(sd, req, lambda k, t: texts.append((k, t)))
    rows = live.plan_rows(texts, 12, 2, len(PLAN_HEADERS))
    assert [r[1:4] for r in rows] == [[e.title, e.synopsis, e.cliffhanger] for e in plan.episodes]
    assert live.PlanLive("episode plan", 12).count(texts) == 12
    ep = plan.episode(1)
    total = len(layout_beats(ep, sd.load_bible(), req.seed).beats)
    seeded = SeededStub()  # each call's lines depend on its seed and prompts only: a rerun writes the same
    monkeypatch.setattr(session, "load_generator", lambda model=None, **kw: seeded)
    quiet = steps.write_beats(sd, req, 1, 0, lambda k, t: None).model_dump_json()
    texts.clear()
    events: list = []
    orig = seeded.generate

    def generate(prompts, params=None, **kw):
        out = orig(prompts, params, **kw)
        events.append(("call returned", len(prompts)))
        return out

    seeded.generate = generate

    def on_beat(b):
        events.append(("beat", b.index))
        texts.append((live.BEAT_CARD, b.model_dump_json()))

    beats = steps.write_beats(sd, req, 1, 0, lambda k, t: None, on_beat)
    assert beats.model_dump_json() == quiet  # the same beats with or without hearing them
    cards = live.beat_cards(texts)
    assert len(beats.beats) == total and [c.index for c in cards] == [b.index for b in beats.beats]
    assert live.BeatsLive("beat", total).count(texts) == total
    # the episode's slots are one batched call, and most beats are heard while it runs, before it returns
    first_return = next(i for i, e in enumerate(events) if e[0] == "call returned")
    assert events[first_return][1] > total and first_return >= total // 2, events
    assert [c.kind for c in cards] == [b.kind for b in beats.beats]
    assert cards[-1].action == beats.beats[-1].action == ep.cliffhanger  # the cliffhanger line, as written
    drafted = [c.action for c in cards[1:-1]]
    assert sum(a == b.action for a, b in zip(drafted, beats.beats[1:-1])) >= len(drafted) // 2  # the fit may swap


def test_run_job_shows_rows_before_the_step_ends():
    """The live view is yielded while the work still runs, with progress in its units."""
    s = session.Session()
    release, seen = threading.Event(), []

    def work(job):
        job.on_text("plan.synopsis", "S1.")
        job.on_text("plan.title", "T1.")
        job.on_text("plan.cliffhanger", "C1.")
        assert release.wait(10)
        return {"done": True}

    def progress(frac, desc="", **kw):
        seen.append(desc)

    plan = live.PlanLive("episode plan", 3, table="table", paywall=1, headers=PLAN_HEADERS)
    it = session.run_job(s, work, "stream", progress, "planning", live=plan)
    first = next(u for u in it if "table" in u)
    assert first["table"]["value"][0][:4] == [1, "T1", "S1.", "C1."] and not release.is_set()
    release.set()
    assert list(it)[-1]["done"] is True
    assert any(d.startswith("episode plan 1/3") for d in seen), seen
