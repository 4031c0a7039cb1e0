"""The studio in a real browser on the REAL default model (SmolLM2-135M), as `python app.py` starts it:
"abc" in Episodes refused at the field, the plan's rows in the page before the plan is done
(streaming), a reload restores the season, Stop returns the page to idle within 10 s, and no
"Error" pill on a field that was not at fault. The same flow runs on the stand-in in the default
suite (test_ui_browser.py, test_ui_browser_session.py). Slow (minutes on 2 cores): `make test-slow`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from . import test_ui_browser
from .conftest import free_port, wait_for_http
from .test_ui_browser import LAPTOP, Studio, _error_pills, browser, shots_dir  # noqa: F401 - fixtures

pytestmark = [*test_ui_browser.pytestmark, pytest.mark.model, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]
MINUTES = 60_000


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("studio-real-browser")
    port = free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "DRAMAGEN_WORKSPACE": str(tmp / "ws"),
           "TMPDIR": str(tmp), "GRADIO_TEMP_DIR": str(tmp / "gradio")}
    log_path = tmp / "app.log"
    log = open(log_path, "wb")  # noqa: SIM115 - the app's log while it runs
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for_http(url, 180), log_path.read_text()[-3000:]
        yield url
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def test_real_model_flow_in_the_browser(real_app, browser, shots_dir):  # noqa: F811
    ctx = browser.new_context(viewport=LAPTOP)
    page = ctx.new_page()
    s = Studio(page, shots_dir)
    page.goto(real_app)
    page.wait_for_selector("#start")

    # "abc" in Episodes: refused under the field, no season started, no pill
    episodes = s.field("episodes")
    episodes.click()
    episodes.press("Control+a")
    page.keyboard.type("abc")
    refused = page.locator("#episodes div.validation-error").get_by_text("is not accepted").first
    page.click("#start")
    refused.wait_for()
    assert "New season" not in page.locator("#opt-status").inner_text() and _error_pills(page) == []

    # a 10-episode season, two candidates a line (faster on a CPU)
    s.season_length(10, 2)
    page.get_by_text("More options").click()
    s.field("candidates").fill("2")
    page.click("#start")
    s.page.locator("#bible-status").get_by_text("Bible written").first.wait_for(timeout=10 * MINUTES)
    title = s.field("bible-title").input_value()
    assert title

    # the plan's rows are in the page while the plan is still being written
    page.click("#plan")
    page.wait_for_function("() => { const b = document.querySelector('#plan-table tbody');"
                           " return b && b.textContent.trim().length > 20; }", timeout=10 * MINUTES)
    assert "Planned" not in page.locator("#plan-status").inner_text()
    page.locator("#plan-status").get_by_text(re.compile(r"episode plan \d+/10")).first.wait_for()
    s.snap("21-real-plan-streaming")
    page.locator("#plan-status").get_by_text("Planned 10 episodes").first.wait_for(timeout=15 * MINUTES)
    assert _error_pills(page) == []

    # a reload offers the season and restores it
    page.reload()
    page.locator("#resume").get_by_text(title).first.wait_for(timeout=30_000)
    page.click("#resume-btn")
    s.wait_text("plan-summary", "10 episodes")

    # Stop while an episode's text is rewritten: the page is idle again within 10 s
    s.pick("plan-ep", "2")
    page.click("#regen-plan-ep")
    # the default model writes no plan text (models/registry.yaml caps): the take is authored and may end at once
    page.wait_for_function("() => document.querySelector('#plan-stream textarea').value.includes('the model is')"
                           " || document.querySelector('#plan-status').innerText.includes('✓ Episode 2')",
                           timeout=5 * MINUTES)
    if "✓ Episode 2" not in page.locator("#plan-status").inner_text():  # still writing: stop it
        page.click("#stop-plan")
    page.wait_for_function("() => { const t = document.querySelector('#plan-status').innerText;"
                           " return (t.includes('Stopped') || t.includes('✓ Episode 2')) && !t.includes('Stopping'); }",
                           timeout=10_000)
    page.wait_for_timeout(500)
    assert _error_pills(page) == []
    s.snap("22-real-stopped")
    ctx.close()
