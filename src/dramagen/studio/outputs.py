"""What the studio draws and exports next to a session's season folder: storyboard panels for
the Shots tab and the season's exports for the Export tab (the same functions as the CLI)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

from ..project.season import SeasonDir
from .views import panel_caption
from .workspace import scratch

MAX_LISTED_FILES = 40
PANEL_WIDTH = 405  # sharp when a panel is opened (the thumbnails are scaled down); 270 was blurred


def storyboard_panels(sd: SeasonDir, n: int) -> list[tuple[str, str]]:
    """One 9:16 storyboard panel per shot (PNG, drawn by :mod:`dramagen.screen.storyboard`) with its caption.

    Panels live in the season's scratch folder (not in the season), one folder per version of
    the shooting script, so the page never shows a stale picture."""
    from ..screen.storyboard import draw_panel

    if not sd.shooting_path(n).exists():
        return []
    key = hashlib.sha256(sd.shooting_path(n).read_bytes() + sd.bible_path.read_bytes()
                         + str(PANEL_WIDTH).encode()).hexdigest()[:12]
    root = scratch(sd.path) / "panels"
    d = root / f"ep{n:03d}-{key}"
    shooting, bible = sd.load_shooting(n), sd.load_bible()
    shots = [(sc, shot) for sc in shooting.scenes for shot in sc.shots]
    if not d.exists():
        tmp = root / f".ep{n:03d}-{key}-{uuid.uuid4().hex[:6]}"
        tmp.mkdir(parents=True)
        for sc, shot in shots:
            panel = draw_panel(shot, bible, width=PANEL_WIDTH, scene=sc)
            panel.save(tmp / f"shot-{shot.number:03d}.png", optimize=True)
        for old in root.glob(f"ep{n:03d}-*"):
            shutil.rmtree(old, ignore_errors=True)
        try:
            os.replace(tmp, d)
        except OSError:  # another request drew them first
            shutil.rmtree(tmp, ignore_errors=True)
    return [(str(d / f"shot-{shot.number:03d}.png"), panel_caption(shot)) for _, shot in shots]


def export_formats() -> list[str]:
    from ..screen.export.season_export import FORMATS

    return list(FORMATS)


def _order(out: Path):
    pref = [".zip", ".pdf", ".fdx", ".fountain", ".html", ".json", ".csv", ".md", ".png"]

    def key(p: Path) -> tuple:
        kind = ("-storyboard" in p.name, "-publish" in p.name, "-shotlist" in p.name)
        return (p.suffix != ".zip", p.parent != out, p.parent.name, kind,
                pref.index(p.suffix) if p.suffix in pref else 99, p.name)

    return key


def export(sd: SeasonDir, formats: list[str], progress: Any, episode: Any = None) -> tuple[list[Path], int]:
    """Run :func:`dramagen.screen.export.season_export.export_season` into the session's exports folder.

    Returns (files to offer, number written): the zip first, then the season-wide files, then
    the files of ``episode`` (the first exported one when not given); everything when few."""
    from ..screen.export.season_export import FORMATS, export_season

    wanted = [f for f in formats if f] or list(FORMATS)
    out = scratch(sd.path) / "exports"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)

    def tick(stage: str, done: int, total: int, msg: str) -> None:
        if total:
            progress(min(done, total) / total, desc=f"export {stage}: {msg}"[:120])

    written = [Path(p) for p in export_season(sd.path, wanted, out_dir=out, progress=tick)]
    written = sorted((p for p in written if p.is_file()), key=_order(out))
    if len(written) <= MAX_LISTED_FILES:
        return written, len(written)
    eps = sorted({p.parent.name for p in written if p.parent != out and re.match(r"^ep\d{3}$", p.parent.name)})
    try:
        pick = f"ep{int(episode):03d}" if episode else (eps[0] if eps else "")
    except (TypeError, ValueError):
        pick = eps[0] if eps else ""
    chosen = [p for p in written if p.suffix == ".zip"] + [p for p in written if p.parent == out and
                                                            p.suffix != ".zip"]
    chosen += [p for p in written if p.parent.name == pick]
    return chosen, len(written)
