"""The studio on a phone (390×844) in a real browser (Debian chromium via Playwright), with the
stand-in model (issue 20): one tap on the step selector reaches every step, the step's primary
action is on the first screen, the bible, plan and shot tables read as cards (the projects too), an
editable table ("Edit as a table") fits the screen with no sideways scroll, and a storyboard panel
opens over the whole screen. Also (laptop width) a renamed character is flagged and replaced on request."""

from __future__ import annotations

import pytest

from .test_ui_browser import ARGS, CHROMIUM, PHONE, pytestmark  # noqa: F401 - the browser marks and skips

#: (step id, the selector's label, the step's primary action or None)
STEPS = [("trope", "1 Trope", "start"), ("bible", "2 Bible", "plan"), ("plan", "3 Plan", "to-beats"),
         ("episode", "4 Episode", "write-beats"), ("script", "5 Script", None), ("shots", "6 Shots", "shooting"),
         ("export", "7 Export", "export-btn"), ("projects", "Projects", None), ("playground", "Playground", None),
         ("lab", "Lab", None), ("production", "Production", None)]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from .test_ui import App

    a = App(tmp_path_factory.mktemp("studio-phone"), delay=0.0)
    yield a
    a.close()


def _on_first_screen(page, elem_id: str) -> bool:
    box = page.locator(f"#{elem_id}").first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] and box["width"] > 0


def _fits(page, elem_id: str) -> None:
    """Neither the page nor the table (its box, and the box its rows scroll in) scrolls sideways."""
    page.locator(f"#{elem_id}").first.scroll_into_view_if_needed()
    doc = page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")
    assert doc[0] <= doc[1], f"#{elem_id}: the page is {doc[0]}px wide on a {doc[1]}px screen"
    boxes = page.evaluate("(id) => [document.getElementById(id), ...document.querySelectorAll("
                          "`#${id} .virtual-table-viewport, #${id} .proj-wrap`)]"
                          ".map(e => [e.className, e.scrollWidth, e.clientWidth])", elem_id)
    assert len(boxes) >= 2 and all(sw <= cw for _, sw, cw in boxes), f"#{elem_id} scrolls sideways: {boxes}"


def test_phone_step_selector_reaches_every_step_and_tables_are_cards(app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport=PHONE)
        page.set_default_timeout(60_000)
        page.goto(app.url)
        page.wait_for_selector("#start")
        selector = page.locator("#step-select")
        assert selector.is_visible()
        assert not page.locator("[role=tablist]").first.is_visible()  # Gradio's bar ("…") gives way to it
        page.locator("#episodes input").fill("10")
        page.click("#start")
        page.locator("#bible-status").get_by_text("Bible written").first.wait_for()
        assert page.locator("#step-select input[value=bible]").is_checked()  # it follows a handler's switch
        cards = page.locator("#chars-cards .card")
        cards.first.wait_for()
        assert cards.count() >= 3
        first = cards.first.locator(".card-head b").inner_text()
        assert not page.locator("#chars").is_visible()  # the table gives way to its cards ...
        page.locator("#edit-characters input").check()  # ... until the writer wants to edit it
        page.locator("#chars").wait_for(state="visible")
        assert first and first in page.locator("#chars").inner_text()  # the table's rows, as cards
        _fits(page, "chars")  # the table itself: each row's cells stacked, labelled by column
        assert page.locator("#chars [role=gridcell][data-col='4']").first.evaluate(
            "e => getComputedStyle(e, '::before').content") == '"want"'
        page.locator("#edit-characters input").uncheck()
        page.locator("#edit-locations input").check()
        _fits(page, "locs")
        page.locator("#edit-locations input").uncheck()
        assert page.locator("#locs-cards .card").count() >= 3 and not page.locator("#locs").is_visible()
        page.click("#plan")
        page.locator("#plan-status").get_by_text("Planned 10 episodes").first.wait_for()
        assert page.locator("#step-select input[value=plan]").is_checked()
        page.wait_for_function("() => document.querySelectorAll('#plan-cards .card').length === 10")
        assert not page.locator("#plan-table").is_visible() and page.locator("#edit-plan").is_visible()
        page.locator("#edit-plan input").check()
        _fits(page, "plan-table")
        page.locator("#edit-plan input").uncheck()
        # episode 1 to its shots: the shot list is cards, and a tapped storyboard panel opens over the screen
        page.click("#to-beats")
        page.wait_for_selector("#timeline .tl-beat")
        page.click("#to-script")
        page.wait_for_selector("#runtime-estimate")
        page.click("#to-shots")
        page.locator("#sh-status").get_by_text("shots in").first.wait_for()
        assert page.locator("#step-select input[value=shots]").is_checked()
        n_shots = page.locator("#storyboard .thumbnail-item").count()
        assert n_shots >= 3 and page.locator("#shots-cards .card").count() == n_shots
        assert not page.locator("#shots").is_visible()  # the table gives way to its cards
        thumb = page.locator("#storyboard .thumbnail-item").nth(1)
        thumb.scroll_into_view_if_needed()
        box = thumb.bounding_box()
        assert box and 1.6 < box["height"] / box["width"] < 1.9  # a whole 9:16 panel, not a cropped square
        thumb.click()
        preview = page.locator("#storyboard .preview")
        preview.wait_for()
        shown = preview.bounding_box()
        assert shown and shown["width"] >= PHONE["width"] - 1 and shown["height"] >= PHONE["height"] - 1
        preview.get_by_role("button", name="Close").click()
        preview.wait_for(state="detached")
        for tab_id, label, primary in STEPS:
            selector.locator("label").filter(has_text=label).first.click()
            page.locator(f"#tab-{tab_id}").wait_for(state="visible")
            page.evaluate("() => window.scrollTo(0, 0)")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"] + 1, tab_id
            if primary:
                assert _on_first_screen(page, primary), f"{tab_id}: #{primary} is not on the first screen"
            if tab_id == "projects":
                page.locator("#proj-table .proj-table").wait_for()
                _fits(page, "proj-table")  # the projects read as cards
        browser.close()


def test_a_renamed_character_is_flagged_and_replaced_on_request(app):
    """Rename a character in the bible table: the Bible, plan and Episode tabs flag every field that still
    names the old one; Replace old name puts the new name everywhere and the warnings go."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 800})
        page.set_default_timeout(60_000)
        page.goto(app.url)
        page.wait_for_selector("#start")
        page.locator("#episodes input").fill("10")
        page.click("#start")
        page.locator("#bible-status").get_by_text("Bible written").first.wait_for()
        page.click("#plan")
        page.locator("#plan-status").get_by_text("Planned 10 episodes").first.wait_for()
        page.click("#to-beats")
        page.wait_for_selector("#timeline .tl-beat")
        page.get_by_role("tab", name="2 · Bible").click()
        old = page.locator("#chars-cards .card-head b").nth(2).inner_text().strip()  # the rival
        page.locator("#chars [role=gridcell]", has=page.get_by_text(old, exact=True)).first.dblclick()
        page.locator("#chars [role=gridcell] textarea, #chars [role=gridcell] input[type=text]").first.wait_for()
        page.keyboard.press("Control+a")
        page.keyboard.type("Zelda Quinn")
        page.keyboard.press("Enter")
        page.click("#save-bible")  # (an edit may already be saved by itself: "No changes to save" then)
        page.locator("#bible-stale").get_by_text(f"{old} no longer in the bible").wait_for()
        assert f"names {old}, who is not in the bible" in page.locator("#bible-stale").inner_text()
        page.wait_for_function("() => document.querySelector('#new-name input').value === 'Zelda Quinn'")
        page.locator("#plan-summary").get_by_text(f"names {old}").first.wait_for(state="attached")  # a tab not shown
        page.click("#replace-name")
        page.locator("#bible-status").get_by_text(f"Replaced {old} by Zelda Quinn").first.wait_for()
        page.wait_for_function("() => !document.querySelector('#replace-row') || "
                               "!document.querySelector('#replace-row').offsetParent")
        assert old not in page.locator("#bible-stale").inner_text()
        assert f"names {old}" not in page.locator("#plan-summary").inner_text()
        assert "Zelda" in page.locator("#plan-cards").inner_text()
        browser.close()
