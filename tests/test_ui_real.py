"""The studio end to end on the REAL default model (SmolLM2-135M), as `python app.py` starts it.

gradio_client drives the launched app the way a writer would: a season from a trope (bible,
plan), three episodes through beats, script and shooting script, one beat regenerated, then
every export downloaded and checked, and the project saved and checked with `dramagen check`.
Slow (a few minutes on 2 cores): `make test-slow`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import free_port, wait_for_http

pytestmark = [pytest.mark.model, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]


def test_real_model_season_through_the_studio(tmp_path):
    from gradio_client import Client

    from dramagen.story.check import check_dir

    port = free_port()
    ws = tmp_path / "ws"
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "DRAMAGEN_WORKSPACE": str(ws),
           "TMPDIR": str(tmp_path), "GRADIO_TEMP_DIR": str(tmp_path / "gradio")}
    log_path = tmp_path / "app.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for_http(url, 180), log_path.read_text()[-3000:]
        c = Client(url, verbose=False)
        c.predict(trope="billionaire-revenge", episodes=10, paywall=5, seed=5, candidates=3, api_name="/bible")
        c.predict(api_name="/plan")
        season = c.predict(api_name="/season")
        bible, plan = season["bible"], season["plan"]
        names = {ch["name"] for ch in bible["characters"]}
        assert bible["title"] and 3 <= len(names) <= 6
        assert len(plan["episodes"]) == 10 and all(e["title"] and e["cliffhanger"] for e in plan["episodes"])

        for n in (1, 2, 3):
            c.predict(n, api_name="/beats")
        before = c.predict(2, api_name="/episode")["beats"]["beats"]
        assert before[0]["kind"] == "hook" and before[-1]["kind"] == "cliffhanger"
        assert all(set(b["characters"]) <= names for b in before)

        # regenerate one beat: it changes, the others keep their words
        c.predict(2, 3, api_name="/regenerate_beat")
        after = c.predict(2, api_name="/episode")["beats"]["beats"]
        key = lambda b: (b["action"], b["lines"])  # noqa: E731
        assert key(after[2]) != key(before[2])
        assert [key(b) for i, b in enumerate(after) if i != 2] == [key(b) for i, b in enumerate(before) if i != 2]

        for n in (1, 2, 3):
            c.predict(n, api_name="/script")
            c.predict(n, api_name="/shooting")
            ep = c.predict(n, api_name="/episode")
            assert "INT." in ep["fountain"] or "EXT." in ep["fountain"]
            assert ep["shooting"]["scenes"] and all(sc["shots"] for sc in ep["shooting"]["scenes"])

        result = c.predict(api_name="/export")
        paths = [Path(f if isinstance(f, str) else f["path"]) for f in result[0]]
        exts = {p.suffix for p in paths}
        assert {".pdf", ".fdx", ".fountain", ".html", ".json", ".csv", ".zip"} <= exts, exts
        pdf = next(p for p in paths if p.suffix == ".pdf")
        assert pdf.read_bytes().startswith(b"%PDF")
        fdx = next(p for p in paths if p.suffix == ".fdx")
        import xml.etree.ElementTree as ET

        types = {p.get("Type") for p in ET.parse(fdx).getroot().iter("Paragraph")}
        assert {"Scene Heading", "Action", "Character", "Dialogue"} <= types
        with zipfile.ZipFile(next(p for p in paths if p.suffix == ".zip")) as z:
            listed = z.namelist()
        for n in (1, 2, 3):
            assert any(x.startswith(f"ep00{n}/") and x.endswith(".pdf") for x in listed), listed[:30]

        c.predict("real-season", api_name="/save_project")
        report = check_dir(ws / "real-season")
        for n in (1, 2, 3):
            assert report.row(n).ok, report.row(n).messages
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
