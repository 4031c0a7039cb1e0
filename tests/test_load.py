"""Load (issue 9.4): N concurrent sessions on the studio, bounded in count and time.

One studio (``tests.test_ui.App``: a subprocess on 127.0.0.1 with the stand-in model, each
``generate`` call taking ``DELAY`` s, serialised as a real model's are) serves N
``gradio_client`` sessions at once, each writing its own season: a bible with its own pinned
title and seed, a plan, the beats and script of one episode (and its shooting script under soak), then reading it
all back. Checked: every session completes within the time bound; each sees its own season and
nobody else's (title, seed, trope, the episode's words); the app's memory (VmRSS) is sampled
throughout and stays bounded, and a second wave of N sessions does not grow it further (no leak
per session). The latency percentiles (whole flow and per call) and the memory figures are
printed at the end.

N = 8 in the default suite; ``DRAMAGEN_SOAK=1`` (``make soak``) runs N = 32 (four times the
studio's default queue concurrency of 8, so the queue is exercised) and two waves.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
import uuid
from pathlib import Path

import pytest

from .test_ui import App

SOAK = os.environ.get("DRAMAGEN_SOAK") == "1"
N = int(os.environ.get("DRAMAGEN_LOAD_N", "32" if SOAK else "8"))
DELAY = 0.01  # seconds per generate call of the stand-in
SESSION_LIMIT = 600 if SOAK else 240  # seconds a session may take, queueing included
RSS_GROWTH_MB = 400  # the most the app may grow over its idle size while N sessions run
RSS_LEAK_MB = 120  # the most a second wave of N sessions may add to the first's peak
TROPES = ["werewolf-rejected-mate", "billionaire-revenge", "hidden-heir", "time-loop", "secret-baby",
          "second-chance", "vampire-bride"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples = pid, every, []
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.samples.append(rss_mb(self.pid))
            except OSError:
                return
            self.stop.wait(self.every)


def pct(values: list[float], q: float) -> float:
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def session(app: App, i: int, wave: int, results: dict, calls: list, errors: list) -> None:
    """One writer: bible (own title and seed) → plan → episode 1 (beats, script, shots) → read back."""
    title = f"Load Test {wave}-{i} {uuid.uuid4().hex[:8]}"
    trope, seed = TROPES[i % len(TROPES)], 1000 * wave + i
    t0 = time.monotonic()
    try:
        c = app.client()

        def call(api: str, *a, **kw):
            t = time.monotonic()
            out = c.predict(*a, **kw, api_name=api)
            calls.append((api, time.monotonic() - t))
            return out

        call("/bible", trope=trope, episodes=10, paywall=5, seed=seed, candidates=2, title_pin=title)
        call("/plan")
        call("/beats", 1)
        call("/script", 1)
        if SOAK:  # the shooting script draws storyboard panels (Pillow): the heavy run only
            call("/shooting", 1)
        season = call("/season")
        episode = call("/episode", 1)
        results[(wave, i)] = {"title": title, "trope": trope, "seed": seed, "season": season, "episode": episode,
                              "seconds": time.monotonic() - t0}
    except BaseException as e:  # noqa: BLE001 - reported by the test
        errors.append((wave, i, repr(e)[:500]))


def run_wave(app: App, wave: int, n: int) -> tuple[dict, list, list, float]:
    results: dict = {}
    calls: list = []
    errors: list = []
    threads = [threading.Thread(target=session, args=(app, i, wave, results, calls, errors), daemon=True)
               for i in range(n)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(SESSION_LIMIT)
    wall = time.monotonic() - t0
    assert not any(t.is_alive() for t in threads), f"sessions still running after {SESSION_LIMIT} s"
    return results, calls, errors, wall


def check_isolation(results: dict) -> None:
    """Each session sees its own season: its title, seed and trope; its episode's words are its own."""
    seen_titles = set()
    for (wave, i), r in results.items():
        s = r["season"]
        assert s["request"]["seed"] == r["seed"] and s["request"]["trope"] == r["trope"], (wave, i, s["request"])
        assert s["request"]["pins"]["title"] == r["title"] and s["bible"]["title"] == r["title"], (wave, i)
        assert s["bible"]["trope_id"] == r["trope"]
        assert len(s["plan"]["episodes"]) == 10 and s["episodes_done"]["script"] == [1]
        assert r["episode"]["episode"] == 1 and r["episode"]["script"] is not None
        assert (r["episode"]["shooting"] is not None) == SOAK
        names = {ch["name"].split()[0] for ch in s["bible"]["characters"]}
        cues = {el["text"].split(" (")[0] for sc in r["episode"]["script"]["scenes"] for el in sc["elements"]
                if el["kind"] == "character"}
        assert {c.title() for c in cues} <= {n.title() for n in names} | {n.upper().title() for n in names}, \
            (wave, i, cues, names)  # no other session's characters in this script
        seen_titles.add(s["bible"]["title"])
    assert len(seen_titles) == len(results)


@pytest.mark.slow  # 30 s; the default suite keeps workspace isolation (test_studio_workspace: 8 sessions at once)
def test_concurrent_sessions(tmp_path, request):
    app = App(tmp_path, delay=DELAY)
    try:
        time.sleep(1.0)
        idle = rss_mb(app.proc.pid)
        sampler = Sampler(app.proc.pid)
        sampler.start()
        waves = 2 if SOAK else 1
        all_results: dict = {}
        all_calls: list = []
        peaks, walls = [], []
        for wave in range(waves):
            start = len(sampler.samples)
            results, calls, errors, wall = run_wave(app, wave, N)
            assert not errors, errors[:3]
            assert len(results) == N
            check_isolation(results)
            all_results.update(results)
            all_calls += calls
            walls.append(wall)
            peaks.append(max(sampler.samples[start:] or [rss_mb(app.proc.pid)]))
        # a last wave, after the others, must not grow the app (sessions leave nothing behind)
        extra = (N // 2) or 1
        start = len(sampler.samples)
        results, calls, errors, wall = run_wave(app, waves, extra)
        assert not errors, errors[:3]
        check_isolation(results)
        sampler.stop.set()
        sampler.join(5)
        after = max(sampler.samples[start:] or [rss_mb(app.proc.pid)])
        assert app.proc.poll() is None, app.log()
        assert "Traceback" not in app.log(), app.log()
    finally:
        app.close()
    flows = [r["seconds"] for r in all_results.values()]
    per_call: dict[str, list[float]] = {}
    for api, sec in all_calls:
        per_call.setdefault(api, []).append(sec)
    peak = max(peaks)
    report = {
        "sessions": N, "waves": waves, "stub_delay_s": DELAY,
        "flow_s": {"p50": round(pct(flows, .5), 2), "p90": round(pct(flows, .9), 2), "p99": round(pct(flows, .99), 2),
                   "max": round(max(flows), 2), "mean": round(statistics.fmean(flows), 2)},
        "wave_wall_s": [round(w, 1) for w in walls],
        "calls_s": {api: {"p50": round(pct(v, .5), 2), "p90": round(pct(v, .9), 2), "p99": round(pct(v, .99), 2)}
                    for api, v in sorted(per_call.items())},
        "rss_mb": {"idle": round(idle), "peak": round(peak), "growth": round(peak - idle),
                   "after_extra_wave": round(after), "extra_wave_growth": round(after - peak)},
    }
    tr = request.config.pluginmanager.get_plugin("terminalreporter")
    capman = request.config.pluginmanager.get_plugin("capturemanager")
    if tr is not None and capman is not None:
        with capman.global_and_fixture_disabled():
            tr.write_line("")
            tr.write_line("load: " + json.dumps(report))
    try:
        out = Path(__file__).resolve().parents[1] / ".hypothesis" / "dramagen-load.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(report, indent=2) + "\n")
    except OSError:
        pass
    assert max(flows) < SESSION_LIMIT
    assert peak - idle < RSS_GROWTH_MB, report["rss_mb"]
    assert after - peak < RSS_LEAK_MB, report["rss_mb"]
