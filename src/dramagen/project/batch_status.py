"""A batch folder's progress: done / failed / remaining per season (``dramagen batch status DIR``).

Read from the season folders and the batch's ``events.jsonl`` (:mod:`dramagen.project.batch` writes both); both
:mod:`dramagen.project.batch` and :mod:`dramagen.project.batch_schedule` (which seasons finished) read it here.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.errors import DramagenError, InputError
from .season import SeasonDir

__all__ = ["status"]


def _last_events(out: Path) -> dict[str, str]:
    """Each season's last start / done / failed event in ``out/events.jsonl``."""
    last: dict[str, str] = {}
    try:
        lines = (out / "events.jsonl").read_text(encoding="utf-8").splitlines()
    except OSError:
        return last
    for line in lines:
        try:
            e = json.loads(line)
        except ValueError:  # a line cut by a crash
            continue
        if isinstance(e, dict) and e.get("event") in ("start", "done", "failed"):
            last[str(e.get("season"))] = e["event"]
    return last


def status(out: Path) -> list[dict]:
    """done / failed / remaining per season folder under ``out``."""
    out = Path(out)
    if not out.is_dir():
        raise InputError("dir", str(out), "a batch output folder")
    last = _last_events(out)
    rows = []
    for d in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        s = SeasonDir(d)
        if not s.exists():
            continue
        try:
            req = s.load_request()
            total = req.episodes
        except DramagenError:
            total = 0
        done = len(s.episodes_done())
        err = None
        if (d / "error.json").exists():
            err = json.loads((d / "error.json").read_text()).get("error")
        state = "failed" if err else ("done" if total and done >= total else "remaining")
        if state == "done" and last.get(d.name, "done") != "done":
            state = "remaining"  # every episode has beats, but the run was stopped before its end
        rows.append({"season": d.name, "state": state, "episodes_done": done, "episodes": total, "error": err})
    return rows
