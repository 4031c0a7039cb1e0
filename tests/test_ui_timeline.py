"""The Episode tab's beat timeline in a real browser (Debian chromium, Playwright; no model, no app: the
timeline's HTML with the studio's CSS): two short beats at the start (2.0 s and 2.2 s, before the 5 s hook
mark) kept their labels overlapping each other and the mark. At laptop and phone widths a label shown lies
wholly inside its beat (so never on a neighbour's), covers the marks instead of being crossed by them, and a
beat too short for its number is named by its tooltip. See test_ui_browser.py for the browser setup."""

from __future__ import annotations

import io

from dramagen.core.models import Beat, EpisodeBeats
from dramagen.studio.views import timeline_html

from . import test_ui_browser
from .test_ui_browser import LAPTOP, PHONE, ROOT, browser  # noqa: F401 - fixture

pytestmark = test_ui_browser.pytestmark

ENDS = [2.0, 4.2, 16, 28, 37, 45, 56, 62, 72.5, 75.0]
KINDS = ["hook", "development", "development", "turn", "development", "turn", "development", "development",
         "development", "cliffhanger"]
HOOK_MARK = (0xFA, 0xCC, 0x15)


def _beats() -> EpisodeBeats:
    starts = [0.0, *ENDS[:-1]]
    return EpisodeBeats(episode=1, target_seconds=75, cliffhanger_type="betrayal", beats=[
        Beat(index=k + 1, kind=KINDS[k], start=starts[k], end=ENDS[k], location="Loft", characters=["Ava Stone"])
        for k in range(len(ENDS))])


LABELS_JS = """() => [...document.querySelectorAll('#timeline .tl-beat')].map(b => {
  const r = b.getBoundingClientRect();
  return {title: b.title, left: r.left, right: r.right - parseFloat(getComputedStyle(b).borderRightWidth),
          labels: [...b.querySelectorAll('span')].filter(s => getComputedStyle(s).display !== 'none').map(s => {
            const q = s.getBoundingClientRect();
            return {cls: s.className, text: s.textContent, left: q.left, right: q.right, top: q.top,
                    bottom: q.bottom};
          })};
})"""


def _yellow(png: bytes) -> int:
    from PIL import Image

    im = Image.open(io.BytesIO(png)).convert("RGB")
    raw = im.tobytes()
    return sum(1 for i in range(0, len(raw), 3)
               if all(abs(raw[i + c] - HOOK_MARK[c]) < 40 for c in range(3)))


def test_short_beats_labels_never_collide(browser):  # noqa: F811
    css = (ROOT / "src" / "dramagen" / "studio" / "assets" / "studio.css").read_text()
    for size, bar in ((LAPTOP, 1190), (PHONE, 300)):  # the bar's width in the studio at that screen width
        pad = (size["width"] - bar) // 2
        page = browser.new_page(viewport=size)
        page.set_content(f"<html><head><style>{css}</style></head><body style='margin:0;padding:8px {pad}px;"
                         f"font-family:sans-serif'>{timeline_html(_beats(), 75, selected=2)}</body></html>")
        beats = page.evaluate(LABELS_JS)
        assert len(beats) == len(ENDS)
        shown = []
        for k, b in enumerate(beats, 1):
            assert b["title"].startswith(f"Beat {k} · "), b["title"]  # every beat named, shown or not
            for lab in b["labels"]:
                assert b["left"] - 0.5 <= lab["left"] and lab["right"] <= b["right"] + 0.5, (size, k, lab, b)
                shown.append(lab)
        for i, a in enumerate(shown):  # (inside their beats, so this holds; said for the reader)
            for c in shown[i + 1:]:
                assert a["right"] <= c["left"] + 0.5 or c["right"] <= a["left"] + 0.5 \
                    or a["bottom"] <= c["top"] + 0.5 or c["bottom"] <= a["top"] + 0.5, (size, a, c)
        numbers = {int(lab["text"]) for lab in shown if "tl-n" in lab["cls"]}
        if size == LAPTOP:
            assert numbers == set(range(1, len(ENDS) + 1)), numbers  # 2 s is wide enough for its number there
        else:
            assert {3, 4, 5, 6, 7} <= numbers, numbers
        # the hook mark (5 s) is drawn behind the labels (beat 2, a short one, chosen): no yellow inside a label
        for lab in shown:
            clip = {"x": lab["left"], "y": lab["top"], "width": lab["right"] - lab["left"],
                    "height": lab["bottom"] - lab["top"]}
            assert _yellow(page.screenshot(clip=clip)) == 0, (size, lab)
        assert _yellow(page.locator("#timeline .tl-bar").screenshot()) > 0  # the mark is there
        page.close()
