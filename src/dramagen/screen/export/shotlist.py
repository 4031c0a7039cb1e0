"""The shot list as CSV: one row a shot, for the assistant director's spreadsheet.

Columns: episode, scene, shot, size, angle, movement, subject, action, line, speaker,
duration, notes. A text cell that a spreadsheet would read as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe, the
usual guard against formula injection from generated text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from ...core.models import ShootingScript

SHOTLIST_COLUMNS: tuple[str, ...] = ("episode", "scene", "shot", "size", "angle", "movement", "subject", "action",
                                     "line", "speaker", "duration", "notes")
_TEXT = ("subject", "action", "line", "speaker", "notes")


def _cell(value: str) -> str:
    value = " ".join(str(value).split())  # one line a cell
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def shotlist_rows(shooting: ShootingScript) -> list[dict[str, str]]:
    rows = []
    for sh in shooting.shots:
        row = {
            "episode": str(shooting.episode),
            "scene": str(sh.scene),
            "shot": str(sh.number),
            "size": sh.size,
            "angle": sh.angle,
            "movement": sh.movement,
            "subject": sh.subject,
            "action": sh.action,
            "line": sh.line,
            "speaker": sh.speaker,
            "duration": f"{sh.duration:g}",
            "notes": sh.notes,
        }
        for k in _TEXT:
            row[k] = _cell(row[k])
        rows.append(row)
    return rows


def shotlist_csv(shootings: ShootingScript | Iterable[ShootingScript]) -> str:
    """CSV text (header + one row a shot) of one or more episodes' shooting scripts."""
    if isinstance(shootings, ShootingScript):
        shootings = [shootings]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(SHOTLIST_COLUMNS), lineterminator="\r\n")
    w.writeheader()
    for s in shootings:
        w.writerows(shotlist_rows(s))
    return buf.getvalue()
