"""`dramagen batch --ray local --workers 2`: a local Ray instance, two actors, a two-season batch.

The command runs as a subprocess (Ray's processes are its children and go with it). The
stand-in model version is in the default suite; the real default model version is slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.stand_in import write_registry

pytest.importorskip("ray")

ROOT = Path(__file__).resolve().parents[1]


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"DRAMAGEN_REGISTRY": str(write_registry(tmp / "registry.yaml")),
                "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
                "DRAMAGEN_STUB_PER_CALL": "1", "HF_HUB_OFFLINE": "1", "COLUMNS": "120",
                "RAY_USAGE_STATS_ENABLED": "0"})
    env.pop("RAY_ADDRESS", None)  # `local` must start its own instance
    return env


def _ray_batch(tmp: Path, requests: str, timeout: float) -> tuple[Path, list[dict], float]:
    req = tmp / "requests.yaml"
    req.write_text(requests)
    out = tmp / "out"
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "dramagen", "batch", str(req), "--out", str(out), "--workers", "2",
                        "--ray", "local"], env=_env(tmp), cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - t
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    events = [json.loads(line) for line in (out / "events.jsonl").read_text().splitlines()]
    return out, events, seconds


def _assert_two_workers_did_it(out: Path, events: list[dict], stage: str) -> None:
    from dramagen.project.batch import status
    from dramagen.story.check import check_dir

    rows = status(out)
    assert [(r["season"], r["state"], r["episodes_done"]) for r in rows] == [("s1", "done", 10), ("s2", "done", 10)]
    for r in rows:
        season = out / r["season"]
        assert not (season / "error.json").exists()
        assert len(list(season.glob(f"episodes/ep*/{stage}.json"))) == 10
        report = check_dir(season)
        assert report.ok, f"{r['season']}: check failed"
    starts = {e["season"]: e["pid"] for e in events if e["event"] == "start"}
    assert set(starts) == {"s1", "s2"}
    assert len(set(starts.values())) == 2, f"one process did both seasons: {starts}"
    for e in events:  # every event of a season comes from the actor that started it
        assert e["pid"] == starts[e["season"]]
    assert {e["season"] for e in events if e["event"] == "done"} == {"s1", "s2"}


def test_ray_local_two_workers_two_seasons(tmp_path, monkeypatch):
    out, events, seconds = _ray_batch(tmp_path, """
- {name: s1, trope: hidden-heir, episodes: 10, seed: 1, model: stub, candidates: 2, formats: [fountain, csv]}
- {name: s2, trope: werewolf-rejected-mate, episodes: 10, seed: 2, model: stub, candidates: 2}
""", timeout=300)
    _assert_two_workers_did_it(out, events, "shooting")
    assert len(list((out / "s1" / "exports").glob("ep*/*.fountain"))) == 10
    # the same seasons as one process writes them, byte for byte (manifest wall times aside)
    from dramagen.project.batch import load_requests, run_batch

    monkeypatch.setenv("DRAMAGEN_REGISTRY", str(tmp_path / "registry.yaml"))
    monkeypatch.setenv("DRAMAGEN_STUB_PER_CALL", "1")
    rows, errors = load_requests(tmp_path / "requests.yaml")
    assert not errors
    run_batch(rows, tmp_path / "local", workers=1)
    for p in sorted((tmp_path / "local").rglob("*")):
        if p.is_file() and p.name != "events.jsonl":
            q = out / p.relative_to(tmp_path / "local")
            a, b = p.read_bytes(), q.read_bytes()
            if p.name == "manifest.json":
                a, b = ({k: v for k, v in json.loads(x).items() if k != "seconds"} for x in (a, b))
            assert a == b, f"{q} differs from the one-process run"
    print(f"\n[ray] stand-in, 2 workers, 2 seasons of 10 episodes: {seconds:.1f} s (Ray start included)")


@pytest.mark.timeout(3600)
@pytest.mark.slow
@pytest.mark.model
def test_ray_local_two_workers_real_model(tmp_path):
    """The default model in two Ray actors (one thread each on 2 cores): two seasons to beats."""
    from dramagen.llm import resolve

    if not resolve(None).is_fetched():
        pytest.fail("default model not fetched: run `dramagen models pull smollm2-135m-instruct`")
    out, events, seconds = _ray_batch(tmp_path, """
- {name: s1, trope: hidden-heir, episodes: 10, seed: 1, candidates: 2, stop_after: beats}
- {name: s2, trope: billionaire-revenge, episodes: 10, seed: 2, candidates: 2, stop_after: beats}
""", timeout=3600)
    _assert_two_workers_did_it(out, events, "beats")
    print(f"\n[ray] default model, 2 workers, 2 seasons of 10 episodes to beats: {seconds:.1f} s")
