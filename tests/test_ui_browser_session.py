"""The studio's session in a real browser (Debian chromium, Playwright; stand-in model): every step
is saved in the workspace at once, a reload or a new tab offers "continue where you left off"
and restores the season, text streams into the page before a step finishes, and the Projects
tab renames, duplicates and deletes (after a confirmation). See test_ui_browser.py for the setup."""

from __future__ import annotations

import json
import re

from . import test_ui_browser
from .test_ui_browser import LAPTOP, Studio, _error_pills, app, browser, shots_dir  # noqa: F401 - fixtures

pytestmark = test_ui_browser.pytestmark  # the browser mark; skipped without chromium or playwright


def _new_season(page, s: Studio, episodes: str = "10", studio=None) -> None:
    page.goto(s.url)
    page.wait_for_selector("#start")
    s.season_length(int(episodes), 2)
    page.click("#start")
    try:
        s.wait_text("bible-status", "Bible written")
    except Exception as e:  # say what the page and the app were doing (once seen in CI, never reproduced alone)
        seen = {k: page.evaluate(f"() => document.querySelector('#{k}')?.innerText || ''")
                for k in ("opt-status", "bible-status", "episodes", "paywall")}
        raise AssertionError(f"the bible step did not end: {seen}\napp log:\n{studio.log() if studio else ''}") from e


def test_a_reload_restores_the_season(app, browser, shots_dir):  # noqa: F811
    ctx = browser.new_context(viewport=LAPTOP)
    page = ctx.new_page()
    s = Studio(page, shots_dir)
    s.url = app.url
    _new_season(page, s, studio=app)
    title = s.field("bible-title").input_value()
    page.click("#plan")
    s.wait_text("plan-status", "Planned 10 episodes")
    # saved in the workspace at once, with no Save pressed
    folders = [d for d in app.workspace.iterdir() if (d / "plan.json").exists()
               and json.loads((d / "bible.json").read_text())["title"] == title]
    assert len(folders) == 1, folders
    name = folders[0].name

    page.reload()
    page.wait_for_selector("#start")
    offer = page.locator("#resume")
    offer.get_by_text(title).first.wait_for(timeout=15_000)
    assert name in offer.inner_text() and "planned" in offer.inner_text()
    assert page.locator("#tab-plan-button, button[role=tab][aria-selected=true]").first.inner_text() != \
        "3 · Season plan"  # nothing opened until the writer says so
    s.snap("13-resume-offer")
    page.click("#resume-btn")
    page.locator(".toast-body").get_by_text("Opened").first.wait_for()
    s.wait_text("plan-summary", "10 episodes")
    assert not offer.is_visible()
    s.tab("2 · Bible")
    page.wait_for_function("(t) => document.querySelector('#bible-title textarea, #bible-title input').value === t",
                           arg=title)
    assert _error_pills(page) == []

    # an edit is saved when the writer leaves the field (no Save pressed), and a reload shows it
    box = s.field("bible-title")
    box.fill("The Autosaved Title")
    box.press("Tab")
    s.wait_text("bible-status", "Saved (autosave)")
    assert json.loads((folders[0] / "bible.json").read_text())["title"] == "The Autosaved Title"
    page.reload()
    page.locator("#resume").get_by_text("The Autosaved Title").first.wait_for(timeout=15_000)
    page.click("#resume-btn")
    s.wait_text("plan-summary", "10 episodes")
    title = "The Autosaved Title"

    # a new tab of the same browser is offered the same season, and an edit there is saved at once
    other = ctx.new_page()
    o = Studio(other, shots_dir)
    other.goto(app.url)
    other.locator("#resume").get_by_text(title).first.wait_for(timeout=15_000)
    other.click("#resume-no")
    other.locator("#resume").wait_for(state="hidden")
    s.tab("Projects")
    s.wait_text("proj-current", name)
    assert name in page.locator("#proj-table").inner_text()
    o.snap("14-new-tab")
    ctx.close()


def test_projects_rename_duplicate_delete(app, browser, shots_dir):  # noqa: F811
    ctx = browser.new_context(viewport=LAPTOP)
    page = ctx.new_page()
    s = Studio(page, shots_dir)
    s.url = app.url
    _new_season(page, s, studio=app)
    s.tab("Projects")  # the project this page works on is the one chosen (not the last one of another tab)
    current = page.locator("#proj-current strong").inner_text()
    page.wait_for_function("(n) => document.querySelector('#proj-list input').value.startsWith(n)", arg=current)
    s.field("proj-name").fill("renamed-by-browser")
    page.click("#rename-proj")
    s.wait_text("proj-status", "Renamed")
    assert (app.workspace / "renamed-by-browser" / "bible.json").exists()
    assert not (app.workspace / current).exists()
    s.wait_text("proj-current", "renamed-by-browser")
    s.field("proj-name").fill("")
    page.click("#dup-proj")
    s.wait_text("proj-status", "Duplicated")
    assert (app.workspace / "renamed-by-browser-copy" / "bible.json").exists()
    # delete asks first; Cancel keeps it, Yes deletes it
    page.click("#delete-proj")
    page.locator("#delete-question").get_by_text("renamed-by-browser-copy").wait_for()
    s.snap("15-delete-confirm")
    page.click("#delete-no")
    page.locator("#delete-confirm").wait_for(state="hidden")
    assert (app.workspace / "renamed-by-browser-copy").exists()
    page.click("#delete-proj")
    page.click("#delete-yes")
    s.wait_text("proj-status", "Deleted")
    assert not (app.workspace / "renamed-by-browser-copy").exists()
    assert (app.workspace / "renamed-by-browser" / "bible.json").exists()
    assert "renamed-by-browser-copy" not in page.locator("#proj-table").inner_text()
    assert _error_pills(page) == []
    ctx.close()


def test_rows_stream_into_the_page_before_the_step_ends(app, browser, shots_dir):  # noqa: F811
    """With a slow model, the plan table fills row by row while the step runs (a group of episodes
    per batch of slots) and its status counts episodes ("episode plan 5/10 · about 3 s left");
    the beats arrive card by card while their one batched call runs ("beat 4/9"), the tab says they
    are being written, and the written beats replace the live cards."""
    ctx = browser.new_context(viewport=LAPTOP)
    page = ctx.new_page()
    s = Studio(page, shots_dir)
    s.url = app.url
    _new_season(page, s, studio=app)
    app.delay_file.write_text("0.6")  # a slow model: each batch of slots takes a while
    try:
        page.click("#plan")
        page.wait_for_function("() => { const b = document.querySelector('#plan-table tbody');"
                               " return b && b.textContent.trim().length > 20; }")
        assert "Planned" not in page.locator("#plan-status").inner_text()  # still being written
        page.locator("#plan-status").get_by_text(re.compile(r"episode plan \d+/10")).first.wait_for()
        s.snap("16-plan-streaming")
        s.wait_text("plan-status", "Planned 10 episodes")
        # an episode's beats are one batched call of slots; the stand-in finishes its rows one by one over
        # 4 s (as the real model's rows stop), and each beat's card appears as soon as its slots are written
        app.delay_file.write_text("4")
        page.click("#to-beats")
        s.wait_text("ep-status", "Writing the beats")
        page.locator("#beats-view .live-card").first.wait_for()
        count = page.locator("#beats-view .live-count").inner_text()
        assert "Writing the beats" in page.locator("#ep-status").inner_text()  # the step is still running
        total = int(re.search(r"beat (\d+)/(\d+)", count).group(2))
        assert page.locator("#beats-view .live-card").count() < total, count
        # (the timeline is empty, so not shown, while the beats are written: read it without waiting for it)
        assert "No beats yet" not in page.evaluate("() => document.querySelector('#timeline')?.textContent || ''")
        s.snap("17-beats-streaming")
    finally:
        app.delay_file.unlink(missing_ok=True)
    s.wait_text("ep-status", "Wrote episode 1's beats")
    page.wait_for_selector("#timeline .tl-beat")
    assert page.locator("#beats-view .live-card").count() == 0  # the written beats replace the live cards
    assert _error_pills(page) == []
    ctx.close()


def test_the_plan_tab_counts_the_beats_written_and_says_nothing_unasked(app, browser, shots_dir):  # noqa: F811
    """'Write its beats →' keeps the table's edits without a word when there are none (it said "No changes
    to save." though the writer pressed no Save), and the plan's summary counts every episode whose beats
    were written, the last one included (it kept the count made before the step: "9 with beats" of 10)."""
    ctx = browser.new_context(viewport=LAPTOP)
    page = ctx.new_page()
    s = Studio(page, shots_dir)
    s.url = app.url
    _new_season(page, s, studio=app)
    page.click("#plan")
    s.wait_text("plan-status", "Planned 10 episodes")
    assert "0 with beats" in page.locator("#plan-summary").inner_text()
    for n in (1, 2):
        s.tab("3 · Season plan")
        s.pick("plan-ep", str(n))
        page.click("#to-beats")
        s.wait_text("ep-status", f"Wrote episode {n}'s beats")
        page.wait_for_function("(t) => (document.querySelector('#plan-summary')?.textContent || '').includes(t)",
                               arg=f"{n} with beats", timeout=10_000)
        assert "No changes to save" not in (page.locator("#plan-status").text_content() or "")
    assert _error_pills(page) == []
    ctx.close()
