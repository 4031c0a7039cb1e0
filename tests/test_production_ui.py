"""The studio's Production tab: its API endpoints (gradio_client) and, in Debian's chromium
(Playwright), a first AD's flow: pick a workspace season, make the schedule, read the
board, move a scene onto a night day and see it flagged, move it back. Screenshots at
laptop and phone widths go to ``tests/.cache/ui-screenshots/production-*.png`` (or
``DRAMAGEN_UI_SHOTS``)."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

from dramagen.project.season import SeasonDir
from dramagen.screen.production.breakdown import season_breakdown

from .test_production import make_season

CHROMIUM = Path(os.environ.get("DRAMAGEN_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from .test_ui import App

    tmp = tmp_path_factory.mktemp("studio-production")
    a = App(tmp, delay=0.01)
    make_season(a.workspace / "ledger", episodes=10)
    yield a
    a.close()


def test_endpoints_schedule_and_move(app):
    c = app.client()
    edits = "E001-S01:\n  add_special: [drone]\n"
    status, board, dood, files, scene = c.predict("ledger", "", edits, 4, 12, 1, 15, 3, 3,
                                                  api_name="/production_schedule")
    assert "drone" in (app.workspace / "ledger" / "production" / "breakdown.csv").read_text()
    n = len(season_breakdown(SeasonDir(app.workspace / "ledger")).scenes)
    assert f"{n} scenes in" in status and "gap" in status
    assert board.count("class='pstrip'") == n
    assert any(str(f).endswith(".pdf") for f in files) and dood
    status, *_ = c.predict("ledger", "E001-S01", 1, api_name="/production_move")
    assert "Re-checked" in status or "Broken" in status
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="availability.actors.Nobody"):
        c.predict("ledger", "actors:\n  Nobody: [1]\n", "", 4, 12, 1, 15, 3, 3, api_name="/production_schedule")
    with pytest.raises(AppError, match="infeasible"):
        c.predict("ledger", "", "", 1, 12, 1, 15, 3, 3, api_name="/production_schedule")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no browser at {CHROMIUM} (apt-get install chromium)")
@pytest.mark.skipif(importlib.util.find_spec("playwright") is None, reason="playwright is not installed")
def test_production_tab_in_chromium(app):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("DRAMAGEN_UI_SHOTS") or ROOT / "tests" / ".cache" / "ui-screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport=LAPTOP)
        page.set_default_timeout(60_000)
        page.on("request", lambda r: None if re.match(r"^(https?://127\.0\.0\.1[:/]|data:|blob:|about:)", r.url)
                else outside.append(r.url))

        def snap(name: str) -> None:
            for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
                page.set_viewport_size(size)
                page.wait_for_timeout(300)
                width = page.evaluate("() => document.documentElement.scrollWidth")
                assert width <= size["width"] + 1, f"{name}: the page is {width}px wide on a {size['width']}px screen"
                page.screenshot(path=str(shots / f"production-{name}-{label}.png"), full_page=True)
            page.set_viewport_size(LAPTOP)

        page.goto(app.url)
        page.get_by_role("tab", name="Production").click()
        page.click("#prod-season input")
        page.locator("#prod-season li[role=option][aria-label^='ledger']").first.click()
        page.locator("#prod-days input").fill("4")
        page.click("#prod-go")
        page.locator("#prod-status").get_by_text("scenes in").first.wait_for()
        strips = page.locator("#prod-board .pstrip")
        n = len(season_breakdown(SeasonDir(app.workspace / "ledger")).scenes)
        assert strips.count() == n
        days = page.locator("#prod-board .pday")
        assert days.count() >= 2
        info = page.locator("#prod-board .pinfo").first
        assert " h · " in info.inner_text()
        assert info.evaluate("e => getComputedStyle(e).color") == "rgb(221, 221, 221)"  # readable on the black head
        snap("01-schedule")

        # move the first scene of a day shoot onto a night day: the re-check names the broken rule
        night = page.locator("#prod-board .pday", has_text="NIGHT").first
        night_day = int(re.search(r"Day (\d+)", night.inner_text()).group(1))
        day_col = page.locator("#prod-board .pday", has_text=re.compile(r"Day \d+ · DAY")).first
        scene = day_col.locator(".pstrip").first.get_attribute("data-scene")
        home = int(re.search(r"Day (\d+)", day_col.inner_text()).group(1))
        page.click("#prod-scene input")
        page.locator(f"#prod-scene li[role=option][aria-label='{scene}']").first.click()
        page.locator("#prod-to-day input").fill(str(night_day))
        page.click("#prod-move")
        page.locator("#prod-status").get_by_text("Broken by the hand edit").first.wait_for()
        assert "night blocks" in page.locator("#prod-status").inner_text()
        assert page.locator(f"#pday-{night_day} .pstrip[data-scene='{scene}']").count() == 1
        snap("02-moved")

        page.locator("#prod-to-day input").fill(str(home))
        page.click("#prod-move")
        page.locator("#prod-status").get_by_text("Re-checked").first.wait_for()
        assert page.locator(f"#pday-{home} .pstrip[data-scene='{scene}']").count() == 1
        assert page.locator("#prod-files a").count() >= 4
        browser.close()
    assert outside == [], f"requests beyond 127.0.0.1: {outside[:5]}"
