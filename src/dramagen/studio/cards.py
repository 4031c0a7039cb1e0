"""The studio's tables as cards for a phone (under 600 px the page shows these instead of wide
tables, by CSS): the bible's characters and locations, the season plan, the shot list. Pure: table rows (as the
Dataframes hold them) → HTML; no Gradio. Tested without a server (tests/test_studio_cards.py).
When the writer asks for a table there ("Edit as a table"), :func:`phone_table_css` stacks each row's cells
as a card, each labelled by its column.
"""

from __future__ import annotations

import html
from typing import Any

from .views import CHAR_HEADERS, LOC_HEADERS, PLAN_HEADERS, SHOT_HEADERS, as_bool, rows

#: per table: (the card's heading columns, its small meta line, its labelled fields)
LAYOUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "characters": (("name", "age", "role"), (), ("want", "secret", "look")),
    "locations": (("interior", "name", "time"), (), ("description",)),
    "plan": (("ep", "title", "free"), ("function", "cliffhanger type", "strength", "target s"),
             ("synopsis", "cliffhanger", "characters", "location", "signature beat")),
    "shots": (("#", "size", "angle", "move", "seconds"), ("scene", "subject"), ("line / action", "9:16 notes")),
}
HEADERS = {"characters": CHAR_HEADERS, "locations": LOC_HEADERS, "plan": PLAN_HEADERS, "shots": SHOT_HEADERS}
TITLES = {"characters": "Characters", "locations": "Locations"}
EMPTY = {"characters": "No characters yet.", "locations": "No locations yet.", "plan": "No episodes yet.",
         "shots": "No shots yet."}


def _text(v: Any) -> str:
    if v is None or isinstance(v, bool):
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    return str(v).strip()


def _head(kind: str, get) -> str:
    pin = "📌 " if kind in ("characters", "locations") and as_bool(get("pin")) else ""
    if kind == "locations":
        where = "INT." if as_bool(get("interior")) else "EXT."
        return f"{pin}<b>{where} {html.escape(_text(get('name')))} - {html.escape(_text(get('time')))}</b>"
    if kind == "characters":
        age = f", {_text(get('age'))}" if _text(get("age")) else ""
        return f"{pin}<b>{html.escape(_text(get('name')))}</b>{age} · {html.escape(_text(get('role')))}"
    if kind == "plan":
        free = _text(get("free"))
        badge = f" <span class='card-badge card-{html.escape(free)}'>{html.escape(free)}</span>" if free else ""
        return f"<b>Ep {html.escape(_text(get('ep')))} · {html.escape(_text(get('title')))}</b>{badge}"
    secs = _text(get("seconds"))
    parts = [_text(get(c)) for c in ("size", "angle", "move")]
    return (f"<b>Shot {html.escape(_text(get('#')))}</b> · {html.escape(' · '.join(p for p in parts if p))}"
            + (f" · {html.escape(secs)}&nbsp;s" if secs else ""))  # "3.27 s" never split at the line's end


def cards_html(kind: str, value: Any) -> str:
    """``kind`` (characters, locations, plan, shots): every row of the table as a card whose text wraps at words."""
    headers = HEADERS[kind]
    table = rows(value)
    if not table:
        return f"<div class='phone-cards' data-kind='{kind}'><p class='studio-hint'>{EMPTY[kind]}</p></div>"
    _, meta, fields = LAYOUTS[kind]
    cards = []
    for row in table:
        def get(col: str, row: list = row) -> Any:
            i = headers.index(col)
            return row[i] if i < len(row) else None

        line = " · ".join(f"{c} {html.escape(_text(get(c)))}" if kind == "plan" and c in ("strength", "target s")
                          else html.escape(_text(get(c))) for c in meta if _text(get(c)))
        body = "".join(f"<p><span class='card-label'>{html.escape(c)}</span> {html.escape(_text(get(c)))}</p>"
                       for c in fields if _text(get(c)))
        cards.append(f"<div class='card'><div class='card-head'>{_head(kind, get)}</div>"
                     + (f"<div class='card-meta'>{line}</div>" if line else "") + body + "</div>")
    title = f"<p class='cards-title'>{TITLES[kind]}</p>" if kind in TITLES else ""
    return f"<div class='phone-cards' data-kind='{kind}'>{title}{''.join(cards)}</div>"


#: the editable tables by element id, and the columns that take a whole line of a phone's stacked row
EDITABLE_TABLES = {"chars": CHAR_HEADERS, "locs": LOC_HEADERS, "plan-table": PLAN_HEADERS}
WIDE = frozenset({"want", "secret", "look", "description", "title", "synopsis", "cliffhanger", "function",
                  "characters", "location", "signature beat"})


def phone_table_css(width: int = 600) -> str:
    """CSS for the editable tables under ``width`` px: a row's cells stack (short ones share a line), each
    labelled by its column, so that the table fits the screen (no sideways scroll) and text wraps at words."""
    rules = []
    for elem_id, headers in EDITABLE_TABLES.items():
        for i, h in enumerate(headers):
            cell = f"#{elem_id} .virtual-row > .body-cell[data-col='{i}']"
            rules.append(f"{cell}::before {{ content: {_css_string(h)}; }}")
            if h in WIDE:
                rules.append(f"{cell} {{ flex-basis: 100% !important; }}")
    return f"@media (max-width: {width}px) {{\n  " + "\n  ".join(rules) + "\n}\n"


def _css_string(text: str) -> str:
    return '"' + "".join(c if c.isalnum() or c in " /-" else f"\\{ord(c):x} " for c in text) + '"'
