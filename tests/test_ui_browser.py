"""The writers' studio in a real browser (Debian's chromium driven by Playwright), as a new user.

Trope → bible → plan → beats (one beat regenerated) → script (edited, live estimate) →
shots → export (the PDF downloaded) → project saved, with a screenshot of every step at
laptop (1366×800) and phone (390×844) widths in ``tests/.cache/ui-screenshots/`` (or
``DRAMAGEN_UI_SHOTS``). The page must never be wider than the screen, and the browser
must make no request beyond 127.0.0.1. The app runs with the stand-in model of
``test_ui.py`` (the studio is under test here, not the model).

Needs ``/usr/bin/chromium`` (``apt-get install chromium``) and ``pip install playwright``
(the wheel carries its driver; ``playwright install`` is never needed).
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest

from dramagen.core.models import default_paywall
from dramagen.studio import views

CHROMIUM = Path(os.environ.get("DRAMAGEN_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no browser at {CHROMIUM} (apt-get install chromium)"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="playwright is not installed: pip install -e '.[dev]' (make test does)"),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from .test_ui import App

    a = App(tmp_path_factory.mktemp("studio-browser"), delay=0.01)
    yield a
    a.close()


@pytest.fixture(scope="module")
def shots_dir() -> Path:
    d = Path(os.environ.get("DRAMAGEN_UI_SHOTS") or ROOT / "tests" / ".cache" / "ui-screenshots")
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob("*.png"):
        old.unlink()
    return d


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Studio:
    """A page of the studio, with the steps a user takes."""

    def __init__(self, page, shots: Path):
        self.page = page
        self.shots = shots
        self.outside: list[str] = []
        page.on("request", self._request)
        page.set_default_timeout(60_000)

    def _request(self, req) -> None:
        if not re.match(r"^(https?://127\.0\.0\.1[:/]|data:|blob:|about:)", req.url):
            self.outside.append(req.url)

    def snap(self, name: str) -> None:
        """Screenshots at laptop and phone widths; the page must fit the screen at both."""
        page = self.page
        for label, size in (("laptop", LAPTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.wait_for_timeout(350)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= size["width"] + 1, f"{name}: the page is {width}px wide on a {size['width']}px screen"
            page.screenshot(path=str(self.shots / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size(LAPTOP)
        page.wait_for_timeout(150)

    def tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name).click()

    def pick(self, elem_id: str, option: str) -> None:
        """Choose an option of a Gradio dropdown (by the start of its label)."""
        self.page.click(f"#{elem_id} input")
        self.page.locator(f"#{elem_id} li[role=option][aria-label^='{option}']").first.click()

    def field(self, elem_id: str):
        return self.page.locator(f"#{elem_id} input, #{elem_id} textarea").first

    def wait_text(self, elem_id: str, text: str) -> None:
        self.page.locator(f"#{elem_id}").get_by_text(text).first.wait_for()

    def season_length(self, episodes: int, paywall: int) -> None:
        """Type a season length, then a paywall once the server has moved the paywall to that length's
        default. Typed earlier, the server's answer lands on the typing: CI saw "22" (the default 2 and
        a typed 2) after a wait that read the page's first summary ("free 1–10, …") as the answer."""
        def settled(n: int, pw: int) -> None:
            self.page.wait_for_function(
                "([v, t]) => document.querySelector('#paywall input')?.value === v"
                " && (document.querySelector('#paywall')?.innerText || '').includes(t)",
                arg=[str(pw), views.paywall_summary(n, pw)])
        self.field("episodes").fill(str(episodes))
        settled(episodes, default_paywall(episodes))
        self.field("paywall").fill(str(paywall))
        settled(episodes, paywall)


def test_new_user_flow(app, browser, shots_dir, tmp_path):
    ctx = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    page = ctx.new_page()
    s = Studio(page, shots_dir)
    page.goto(app.url)
    page.wait_for_selector("#start")

    # 1. trope & options; a wrong value is explained next to its field
    s.pick("trope-dd", "The Hidden Heir")
    s.wait_text("trope-card", "Signature beats")
    s.field("episodes").fill("5")
    page.click("#start")  # one click: the refusal stays, whenever the paywall's answer to the typing lands
    page.locator("#episodes div.validation-error").get_by_text(
        "episodes: 5 is not accepted; expected an integer from 10 to 100").wait_for()
    s.snap("01-trope-invalid")
    s.season_length(10, 5)
    page.locator("#episodes div.validation-error").wait_for(state="hidden")
    s.field("seed").fill("7")
    s.snap("01-trope")

    # 2. bible (the text streams into the live box)
    page.click("#start")
    try:
        s.wait_text("bible-status", "Bible written")
    except Exception:  # playwright's timeout: say what the page and the app said
        errors = page.locator("div.validation-error").all_inner_texts()
        pytest.fail(f"no bible after Start; status: {page.locator('#bible-status').inner_text()!r}; "
                    f"field errors: {errors}\napp log:\n{app.log()}")
    assert "bible.title:" in s.field("bible-stream").input_value()
    assert s.field("bible-title").input_value()
    assert page.locator("#chars tbody tr, #chars .virtual-row").count() >= 3
    s.snap("02-bible")

    # 3. season plan
    page.click("#plan")
    s.wait_text("plan-status", "Planned 10 episodes")
    s.snap("03-plan")

    # 4. episode 1: beats with their timeline; beat 3 regenerated
    page.click("#to-beats")
    page.wait_for_selector("#timeline .tl-beat")
    n_beats = page.locator("#timeline .tl-beat").count()
    assert n_beats == page.locator("#beats-view .beat-card").count() >= 3
    s.snap("04-episode")
    others_before = [page.locator(f"#beat-{i}").inner_text() for i in range(1, n_beats + 1) if i != 3]
    s.pick("beat-pick", "Beat 3")
    page.wait_for_selector("#beat-3.sel")
    page.click("#regen-beat")
    s.wait_text("ep-status", "Regenerated beat 3")
    strip = lambda t: re.sub(r"[\d.]+–[\d.]+ s \([\d.]+ s\)", "", t)  # noqa: E731 - timings move, words do not
    others_after = [page.locator(f"#beat-{i}").inner_text() for i in range(1, n_beats + 1) if i != 3]
    assert [strip(t) for t in others_after] == [strip(t) for t in others_before]
    s.snap("05-beat-regenerated")

    # 5. script: written, then edited by hand; the estimate follows the typing
    page.click("#to-script")
    page.wait_for_selector("#runtime-estimate")
    first = page.locator("#runtime-estimate").inner_text()
    box = s.field("fountain")
    box.click()
    box.press("Control+End")
    box.type("\n\nA long silent pan across the empty ballroom, the candles guttering out one by one.\n")
    page.wait_for_function("(t) => { const e = document.querySelector('#runtime-estimate'); "
                           "return e && e.innerText !== t; }", arg=first)
    s.snap("06-script")

    # 6. shooting script (from the edited script) and storyboard
    page.click("#to-shots")
    s.wait_text("sh-status", "shots in")
    assert page.get_by_text("candles guttering").count() >= 1
    s.snap("07-shots")

    # 7. export: download the PDF
    s.tab("7 · Export")
    page.click("#export-btn")
    s.wait_text("export-status", "files")
    link = page.locator("#downloads a[download$='.pdf']").first
    with page.expect_download() as dl:
        link.click()
    pdf = tmp_path / "season.pdf"
    dl.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    s.snap("08-export")

    # projects: save to the workspace
    s.tab("Projects")
    s.field("proj-name").fill("browser-season")
    page.click("#save-proj")
    s.wait_text("proj-status", "Saved")
    assert (app.workspace / "browser-season" / "plan.json").exists()
    s.snap("09-projects")

    assert s.outside == [], f"requests beyond 127.0.0.1: {s.outside[:5]}"
    ctx.close()


def _error_pills(page) -> list[str]:
    """The ids of the components showing a red "Error" pill (Gradio's status tracker)."""
    pills = page.locator("[data-testid=status-tracker] .error").filter(has_text="Error")
    return [pills.nth(i).evaluate("e => { let x = e; while (x && !x.id) x = x.parentElement; return x ? x.id : '?'; }")
            for i in range(pills.count()) if pills.nth(i).is_visible()]


def test_numbers_are_refused_at_their_field_and_no_stray_error_pills(app, browser, shots_dir):
    """'abc' and 10.5 episodes are refused under the Episodes field (not a 60-episode season, not 10);
    the paywall follows the episodes; a failed step shows a plain toast and no "Error" pill on
    fields that were not at fault. Phone screenshots of the Trope and Bible tabs (first screen)."""
    ctx = browser.new_context(viewport=LAPTOP)
    page = ctx.new_page()
    s = Studio(page, shots_dir)
    page.goto(app.url)
    page.wait_for_selector("#start")
    episodes = s.field("episodes")
    episodes.click()
    episodes.press("Control+a")
    page.keyboard.type("abc")  # a number field takes no letters: the browser sends a blank
    page.click("#start")
    at_field = page.locator("#episodes div.validation-error")
    at_field.get_by_text("episodes: '' is not accepted; expected an integer from 10 to 100").wait_for()
    assert page.locator("div.validation-error").filter(has_text="is not accepted").count() == 1
    assert "New season" not in page.locator("#opt-status").inner_text() and _error_pills(page) == []  # none started
    episodes.fill("10.5")
    page.click("#start")
    at_field.get_by_text("episodes: 10.5 is not accepted").wait_for()
    assert "without a fraction" in at_field.inner_text()

    # the paywall follows the season's length, and says which episodes are free
    episodes.click()
    episodes.press("Control+a")
    page.keyboard.type("20")
    page.wait_for_function("() => document.querySelector('#paywall input').value === '3'")
    s.wait_text("paywall", "free 1–3, paid 4–20")
    paywall = s.field("paywall")
    paywall.click()
    paywall.press("Control+a")
    page.keyboard.type("19")
    s.wait_text("paywall", "free 1–19, paid 20")
    assert paywall.input_value() == "19"
    s.snap("10-trope-fields")

    # a step out of order: a plain toast, and no pill on the plan's table, picker or summary
    s.tab("3 · Season plan")
    page.click("#save-plan")
    toast = page.locator(".toast-body").filter(has_text="No season yet").first
    toast.wait_for()
    assert "“Write the bible”" in toast.inner_text() and "**" not in toast.inner_text()
    page.wait_for_timeout(500)
    assert _error_pills(page) == [], "Error pills on fields that were not at fault"

    # phone width, first screen only: is the primary button above the fold?
    page.set_viewport_size(PHONE)
    for tab, name in (("1 Trope", "trope"), ("2 Bible", "bible")):
        page.locator("#step-select label").filter(has_text=tab).first.click()  # a phone's step selector
        page.wait_for_timeout(400)
        page.screenshot(path=str(shots_dir / f"phone-first-screen-{name}.png"))
    ctx.close()


def test_a_step_being_written_says_so_and_stop_returns_to_idle(app, browser, shots_dir):
    """While the plan is written the tab says so (not "No plan yet: press …"), an empty table keeps
    its column names (not 0 1 2 …), and Stop brings the page back to idle within 10 s, saying what
    was kept, with no "Error" pill."""
    ctx = browser.new_context(viewport=LAPTOP)
    page = ctx.new_page()
    s = Studio(page, shots_dir)
    page.goto(app.url)
    page.wait_for_selector("#start")
    s.season_length(10, 2)
    page.click("#start")
    s.wait_text("bible-status", "Bible written")
    s.tab("3 · Season plan")
    heads = [t.strip(" ⋮\n") for t in page.locator("#plan-table th").all_inner_texts()]
    assert heads[:3] == ["ep", "title", "synopsis"], heads
    app.delay_file.write_text("1.5")  # a slow model: the plan takes a while (longer than the screenshots before Stop)
    try:
        s.tab("2 · Bible")
        page.click("#plan")
        s.wait_text("plan-summary", "Writing the season plan…")
        assert "No plan yet" not in page.locator("#plan-summary").inner_text()
        page.locator("#plan-stream textarea").first.wait_for()
        page.wait_for_function("() => document.querySelector('#plan-stream textarea').value.length > 0")
        s.snap("11-plan-writing")
        page.click("#stop-plan")
        page.locator("#plan-status").get_by_text("Stopped planning the season").first.wait_for(timeout=10_000)
    finally:
        app.delay_file.unlink(missing_ok=True)
    assert "Stopping…" not in page.locator("#plan-status").inner_text()
    s.wait_text("plan-summary", "No plan yet")  # the season as it is: bible, no plan
    page.wait_for_timeout(500)
    assert _error_pills(page) == []
    s.snap("12-plan-stopped")
    ctx.close()
