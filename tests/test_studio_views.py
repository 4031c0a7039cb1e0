"""The studio's pure renderers and parsers (dramagen.studio.views), without a server."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from dramagen.core.errors import InputError
from dramagen.core.models import PinnedBible, SeasonPlan
from dramagen.studio import views

from .script_helpers import make_beats, make_bible, make_plan


def test_bible_tables_round_trip_with_pins():
    bible = make_bible()
    pins = PinnedBible(characters=[bible.characters[1]], locations=[bible.locations[2]])
    chars, locs = views.bible_rows(bible, pins)
    assert [r[0] for r in chars] == [False, True, False, False] and [r[0] for r in locs] == [False, False, True]
    characters, pinned = views.parse_characters(chars)
    assert [c.name for c in characters] == bible.names and [c.name for c in pinned] == ["Kai Blackwood"]
    assert [(c.age, c.role, c.look) for c in characters] == [(c.age, c.role, c.look) for c in bible.characters]
    locations, pinned_l = views.parse_locations(locs)
    assert locations == bible.locations and [x.name for x in pinned_l] == ["ALPHA'S CHAMBERS"]


def test_table_values_in_every_shape_gradio_sends():
    rows = [["true", "Aria", "22.0", "lead", "", "", ""], ["", "", "", "", "", "", ""], [False, None, None]]
    assert views.rows({"data": rows}) == views.rows(rows) == [rows[0]]  # blank rows dropped
    assert views.rows(None) == []
    chars, pinned = views.parse_characters({"data": rows})
    assert chars[0].age == 22 and pinned == chars
    assert views.as_bool("✓") and views.as_bool("INT") and not views.as_bool("no") and views.as_bool(1)


def test_table_errors_name_the_row_and_field():
    with pytest.raises(InputError, match="characters row 1 age"):
        views.parse_characters([[False, "Aria", "old", "lead"]])
    with pytest.raises(InputError, match=r"characters row 2\.name"):
        views.parse_characters([[False, "Aria", 22, "lead"], [False, "", 30, "rival"]])
    with pytest.raises(InputError, match="locations row 1"):
        views.parse_locations([[False, "", True, "NIGHT", ""]])


def test_dialogue_text_round_trip_and_errors():
    bible = make_bible()
    lines = make_beats().beats[1].lines
    text = views.lines_text(lines)
    assert text.splitlines()[0] == "Aria (broken): You promised me under the full moon."
    back = views.parse_lines(text, bible)
    assert [(x.character, x.text, x.parenthetical) for x in back] == [
        ("Aria", "You promised me under the full moon.", "broken"),
        ("Kai Blackwood", "A promise to an omega means nothing.", "")]  # "Kai" is read as the bible's name
    with pytest.raises(InputError, match="lines line 2.*a character of the bible"):
        views.parse_lines("Aria: hi\nZed: who am I", bible)
    with pytest.raises(InputError, match="lines line 1.*NAME: text"):
        views.parse_lines("no colon here", bible)
    with pytest.raises(InputError, match="at most 6 lines"):
        views.parse_lines("\n".join(["Aria: again"] * 7), bible)
    assert views.parse_lines("\n  \n", bible) == []


def test_timeline_marks_the_target_and_the_hook():
    beats = make_beats()
    assert "No beats yet" in views.timeline_html(None)
    html = views.timeline_html(beats, 75, selected=2)
    assert html.count("class='tl-beat") == len(beats.beats) and "tl-beat tl-development sel" in html
    assert "hook must land by 5 s" in html and "target 75 s" in html
    runtime = beats.runtime
    verdict = "✓ within ±10 %" if 67.5 <= runtime <= 82.5 else "✗ outside 67.5–82.5 s"
    assert verdict in html and f"runtime <b>{runtime:.1f} s</b>" in html
    fitting = views.timeline_html(beats, runtime)
    assert "✓ within ±10 %" in fitting or not 60 <= runtime <= 90
    widths = [float(w) for w in re.findall(r"tl-beat[^']*' style='width:([\d.]+)%", html)]
    assert abs(sum(widths) - runtime / max(runtime, 75 * 1.1) * 100) < 0.01


def test_beat_cards_escape_the_text():
    beats = make_beats()
    b = beats.beats[0].model_copy(update={"action": "Aria <script>alert(1)</script> & runs."})
    html = views.beats_html(beats.model_copy(update={"beats": [b, *beats.beats[1:]]}), selected=1)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; runs" in html
    assert html.count("class='beat-card") == len(beats.beats) and "beat-card k-hook sel" in html
    assert "<span class='cue'>KAI</span>" in html
    assert views.beats_html(None) == ""


def test_check_list_is_capped():
    assert views.check_html([], "fine") == "<p class='check-ok'>✓ fine</p>"
    html = views.check_html([f"issue <{i}>" for i in range(15)], "fine")
    assert "✗ 15 issue(s)" in html and html.count("<li>") == 13 and "… and 3 more" in html
    assert "issue &lt;0&gt;" in html


def test_plan_rows_choices_and_summary():
    eps = [make_plan(number=n).model_copy(update={"free": n <= 5, "title": "" if n == 2 else f"Title {n}"})
           for n in range(1, 11)]
    plan = SeasonPlan(episodes=eps, paywall=5)
    rows = views.plan_rows(plan)
    assert len(rows) == 10 and len(rows[0]) == len(views.PLAN_HEADERS)
    assert rows[0][:5] == [1, "Title 1", eps[0].synopsis, eps[0].cliffhanger, "free"] and rows[5][4] == "paid"
    for k in views.PLAN_EDITABLE:
        assert rows[0][views.PLAN_HEADERS.index(k)] == getattr(eps[0], k)
    assert views.episode_choices(plan, {1})[:3] == [("1 ✓ · Title 1", 1), ("2 · hook", 2), ("3 · Title 3", 3)]
    assert views.episode_choices(None, []) == []
    summary = views.plan_summary(make_bible(), plan, 1, [])
    assert "10 episodes · free 1–5, paid 6–10 · 1 with beats" in summary and "check-ok" in summary


def _episodes_named(text: str) -> list[int]:
    """The episodes a phrase names ('1–5' is 1 to 5, '7' is 7); a backwards range names none."""
    out: list[int] = []
    for a, b in re.findall(r"(\d+)(?:–(\d+))?", text):
        lo, hi = int(a), int(b or a)
        assert lo < hi or not b, f"range {a}–{b} in {text!r}"
        out += range(lo, hi + 1)
    return out


def test_paywall_summary_is_right_for_every_season_and_paywall():
    for n in range(10, 101):
        for p in range(1, n + 1):
            s = views.paywall_summary(n, p)
            if p == n:
                assert s == f"all {n} episodes free (no paywall)"
                continue
            free_part, paid_part = s.split(", ")
            assert free_part.startswith("free ") and paid_part.startswith("paid "), s
            assert _episodes_named(free_part[5:]) == list(range(1, p + 1)), s
            assert _episodes_named(paid_part[5:]) == list(range(p + 1, n + 1)), s
    assert views.paywall_summary(10, 10) == "all 10 episodes free (no paywall)"
    assert views.paywall_summary(10, 1) == "free 1, paid 2–10" and views.paywall_summary(10, 9) == "free 1–9, paid 10"


@pytest.mark.parametrize(("value", "hint"), [(None, "empty, or not a number"), ("", "empty, or not a number"),
                                             ("abc", "not a number"), (10.5, "without a fraction"),
                                             (float("nan"), "not a number")])
def test_field_number_refuses_blanks_words_and_fractions(value, hint):
    with pytest.raises(InputError, match=hint) as e:
        views.field_number("episodes", value, "an integer from 10 to 100")
    assert e.value.field == "episodes" and str(e.value).startswith("episodes: ")


def test_field_number_takes_whole_numbers_and_lengths():
    assert views.field_number("episodes", 12.0, "x") == 12 and isinstance(views.field_number("seed", "7", "x"), int)
    assert views.field_number("length", 72.5, "x", whole=False) == 72.5


def test_default_paywall_is_about_a_sixth_and_inside_the_season():
    from dramagen.core.models import default_paywall
    from dramagen.project.pipeline import make_request

    assert [default_paywall(n) for n in (10, 60, 100)] == [2, 10, 17]
    assert all(1 <= default_paywall(n) <= n and abs(default_paywall(n) / n - 1 / 6) < 0.05 for n in range(10, 101))
    assert make_request(trope="hidden-heir", episodes=20).paywall == default_paywall(20) == 3
    assert make_request(trope="hidden-heir", episodes=20, paywall=7).paywall == 7
    assert make_request(trope="hidden-heir", episodes="20").paywall == 3  # a CSV cell (dramagen batch)


def test_episode_status_and_runtime_report():
    ep = make_plan()
    assert views.episode_status(ep, None).endswith("No beats yet: press **Write beats**.")
    assert "Cliffhanger (betrayal)" in views.episode_status(ep, ["[rule] bad"]) and "✗ 1 issue(s)" in \
        views.episode_status(ep, ["[rule] bad"])
    est = SimpleNamespace(seconds=74.0, scenes=3, dialogue_words=120, action_words=80)
    assert "✓ fits" in views.runtime_html(est, 75, []) and "target 75 s (67.5–82.5)" in views.runtime_html(est, 75, [])
    assert "✗ does not fit" in views.runtime_html(SimpleNamespace(**{**vars(est), "seconds": 95.0}), 75, [])


def test_trope_card():
    card = views.trope_card("Catalogue", "werewolf-rejected-mate", "")
    assert "<h3>" in card and "Signature beats" in card and "How your premise is read" not in card
    assert "Pick a trope" in views.trope_card("Catalogue", None, None)
    assert "Describe your trope" in views.trope_card("Free text", None, "  ")
    assert "check-bad" in views.trope_card("Catalogue", "no-such-trope", "")
    free = views.trope_card("Free text", None, "A nurse discovers the billionaire patient she saved is the husband "
                                               "who faked his death.")
    assert "How your premise is read" in free and "<b>Lead:</b>" in free


def test_auth_and_keep_unshown():
    assert views.parse_auth("me:pw") == ("me", "pw") and views.parse_auth(None) is None
    for bad in ("me", ":pw", "me:"):
        with pytest.raises(InputError, match="auth"):
            views.parse_auth(bad)
    old = make_bible()
    tied = old.model_copy(update={"characters": [old.characters[0].model_copy(update={"tie": "sister"}),
                                                 *old.characters[1:]]})
    edited = [tied.characters[0].model_copy(update={"tie": "", "look": "new look"})]
    kept = views.keep_unshown(tied, edited)
    assert kept[0].tie == "sister" and kept[0].look == "new look"


def test_scenes_are_numbered_once():
    scene = SimpleNamespace(number=2, heading="INT. BALLROOM - NIGHT", seconds=12.5, shots=[1, 2], cast=["Aria"],
                            props=[])
    out = views.scenes_html(SimpleNamespace(scenes=[scene]))
    assert "<li value='2'><b>INT. BALLROOM - NIGHT</b> · 12.5 s · 2 shots" in out and "2. INT" not in out


def test_empty_tables_keep_their_names_and_steps_in_progress_say_so():
    assert views.no_rows(views.PLAN_HEADERS) == {"headers": views.PLAN_HEADERS, "data": []}
    assert "Writing the season plan…" in views.writing("the season plan") and "No " not in views.writing("x")
    ep = make_plan()
    assert "No beats yet" in views.episode_status(ep, None)
    now = views.episode_status(ep, None, writing_now=True)
    assert "Writing the beats…" in now and "No beats yet" not in now and ep.title in now
