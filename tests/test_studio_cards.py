"""The studio's tables as phone cards (dramagen.studio.cards): every row a card, every text whole."""

from __future__ import annotations

from dramagen.studio.cards import cards_html
from dramagen.studio.views import PLAN_HEADERS, SHOT_HEADERS, no_rows


def test_a_card_for_every_character_with_its_whole_text():
    rows = [[True, "Luna", 27, "lead", "to prove the rogue king hunts silver wolves", "she is the last silver wolf",
             "a frayed flannel shirt"], [False, "Axel <b>", 31, "love_interest", "to protect Luna", "", ""]]
    out = cards_html("characters", rows)
    assert out.count("class='card'") == 2
    assert "📌 <b>Luna</b>, 27 · lead" in out and "to prove the rogue king hunts silver wolves" in out
    assert "Axel &lt;b&gt;" in out and "<b>Axel <b>" not in out  # escaped
    assert out.count("card-label'>secret") == 1  # an empty field is left out


def test_plan_cards_keep_the_synopsis_whole_and_say_free_or_paid():
    synopsis = "Luna cleans out the moonlit forest after a quarrel with Tiffany and finds the bribed guard's note."
    row = [1, "A Tiffany Too Far", synopsis, "Luna sees the note.", "free", "hook", "betrayal", 5, 75, "Luna, Tiffany",
           "MOONLIT FOREST", ""]
    assert len(row) == len(PLAN_HEADERS)
    out = cards_html("plan", {"headers": PLAN_HEADERS, "data": [row, [2, "B", "s", "c", "paid", *row[5:]]]})
    assert synopsis.replace("'", "&#x27;") in out
    assert "Ep 1 · A Tiffany Too Far" in out and "card-free'>free" in out and "card-paid'>paid" in out
    assert "hook · betrayal · strength 5 · target s 75" in out and "signature beat" not in out


def test_shot_cards_and_empty_tables():
    row = [2, 1, "MS", "eye level", "static", "Dorian and Luna", "Dorian: Don't touch me.", 1.09,
           "stacked two-shot (Luna top, Dorian bottom, in front)"]
    assert len(row) == len(SHOT_HEADERS)
    out = cards_html("shots", [row])
    assert "<b>Shot 2</b> · MS · eye level · static · 1.09&nbsp;s" in out and "Luna top, Dorian bottom" in out
    for kind in ("characters", "plan", "shots"):
        empty = cards_html(kind, no_rows(["x"]))
        assert "class='card'" not in empty and "No " in empty


def test_location_cards_read_as_scene_headings():
    out = cards_html("locations", [[False, "PACK HALL", True, "NIGHT", "a long hall of torches and old oak"],
                                   [True, "MOONLIT FOREST", False, "NIGHT", ""]])
    assert "<b>INT. PACK HALL - NIGHT</b>" in out and "a long hall of torches and old oak" in out
    assert "📌 <b>EXT. MOONLIT FOREST - NIGHT</b>" in out and out.count("class='card'") == 2
    assert "<p class='cards-title'>Locations</p>" in out


def test_phone_table_css_labels_every_column_of_the_editable_tables():
    from dramagen.studio.cards import EDITABLE_TABLES, WIDE, _css_string, phone_table_css

    css = phone_table_css()
    assert css.startswith("@media (max-width: 600px)")
    for elem_id, headers in EDITABLE_TABLES.items():
        for i, h in enumerate(headers):
            assert f"#{elem_id} .virtual-row > .body-cell[data-col='{i}']::before {{ content: \"{h}\"; }}" in css
            assert (f"#{elem_id} .virtual-row > .body-cell[data-col='{i}'] {{ flex-basis: 100%" in css) == (h in WIDE)
    assert _css_string('a "quoted" label;}') == '"a \\22 quoted\\22  label\\3b \\7d "'  # no way out of the string
