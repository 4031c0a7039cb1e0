"""Export a season folder: screenplays, shot lists, storyboards, publishing packs, a zip.

```
SEASON/exports/
  ep001/
    ep001-the-rejection.fountain        fountain   (dramagen.screen.fountain.to_fountain)
    ep001-the-rejection.pdf             pdf        industry screenplay format (screenplain)
    ep001-the-rejection.fdx             fdx        Final Draft
    ep001-the-rejection.html            html       screenplay.html.j2 around screenplain's HTML
    ep001-the-rejection.json            json       plan entry, beats, script, shooting script
    ep001-the-rejection-shotlist.csv    csv
    ep001-the-rejection-storyboard-p1.png, …-storyboard.pdf   storyboard
    ep001-the-rejection-publish.json, …-publish.md            publish
  ep002/ …
  shotlist.csv                          csv: the whole season's shots
  bible.md, bible.pdf                   bible: the series bible (dramagen.screen.export.season_docs)
  season-plan.md, season-plan.pdf       bible: the season plan
  <series-title>.zip                    zip: what this export wrote, one folder per episode
```

Exported episodes are those with at least one of beats.json, script.json or
shooting.json. Screenplay formats need script.json, csv and storyboard need
shooting.json; an episode without the file is skipped for that format (a format no
episode can give is an error). ``zip`` alone means every other format, zipped.

Every file is written atomically (temporary name, then rename) and every path is
confined to the output folder; ``..`` in ``out_dir`` is refused, as is a zip member
name that would leave its folder. Templates are rendered in the Jinja2 sandbox; a
user's template folder (``templates_dir``) is searched before the built-in one.
"""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ...core.errors import DramagenError, InputError, SeasonDataError
from ...core.models import EpisodePlan, EpisodeScript, SeasonPlan, SeriesBible, ShootingScript
from ...core.text import slug
from ...project.season import SeasonDir, atomic_write_bytes, atomic_write_text, parse_draft_date, safe_join
from ..storyboard import episode_stem, write_storyboard
from .publish import publish_pack, render_publish_md
from .screenplay import default_css, fountain_to_fdx, fountain_to_html, fountain_to_pdf
from .season_docs import season_docs
from .shotlist import shotlist_csv
from .templating import templates

FORMATS: tuple[str, ...] = ("fountain", "pdf", "fdx", "html", "json", "csv", "storyboard", "publish", "bible",
                             "zip")
#: made only when named (slow: dramagen.screen.animatic), never by "zip" alone
EXTRA_FORMATS: tuple[str, ...] = ("animatic",)
SCRIPT_FORMATS = frozenset({"fountain", "pdf", "fdx", "html"})
SHOOTING_FORMATS = frozenset({"csv", "storyboard"})
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed member dates: the same files give the same zip

#: progress(stage, done, total, message), as the pipeline's
ProgressFn = Callable[[str, int, int, str], None]


def parse_formats(formats: str | Iterable[str]) -> set[str]:
    """``"pdf,fdx"`` or ``{"pdf", "fdx"}`` → a set of format names; anything else → InputError."""
    raw = formats
    if isinstance(formats, str):
        items = [f.strip().lower() for f in formats.split(",")]
    else:
        try:
            items = [str(f).strip().lower() for f in formats]
        except TypeError:
            raise InputError("format", raw,
                             f"a comma-separated subset of {', '.join(FORMATS + EXTRA_FORMATS)}") from None
    items = [i for i in items if i]
    bad = [i for i in items if i not in FORMATS + EXTRA_FORMATS]
    if bad or not items:
        value = ",".join(bad) if bad else raw
        raise InputError("format", value, f"a comma-separated subset of {', '.join(FORMATS + EXTRA_FORMATS)}")
    return set(items)


def _out_root(season: Path, out_dir: str | Path | None) -> Path:
    if out_dir is None:
        return safe_join(season, "exports")
    p = Path(out_dir).expanduser()
    if ".." in p.parts:
        raise InputError("out_dir", str(out_dir), "a folder path without '..' (absolute, or relative to the "
                                                   "current folder)")
    return p.resolve()


def _arcname(path: Path, root: Path) -> str:
    """The zip member name of ``path`` (inside ``root``): relative, POSIX, no ``..``."""
    rel = Path(path).resolve().relative_to(root.resolve())  # ValueError if outside
    name = PurePosixPath(*rel.parts).as_posix()
    if not name or name.startswith("/") or ".." in PurePosixPath(name).parts or "\\" in name:
        raise InputError("zip member", name, "a relative path inside the export folder")
    return name


def _zip_bytes(files: list[Path], root: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(set(files), key=lambda x: _arcname(x, root)):
            info = zipfile.ZipInfo(_arcname(p, root), date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, p.read_bytes())
    return buf.getvalue()


def _to_fountain(script: EpisodeScript, bible: SeriesBible, plan_ep: EpisodePlan | None, draft_date: str) -> str:
    from ..fountain import to_fountain

    return to_fountain(script, bible, plan_ep, title_page=True, draft_date=draft_date)


def _trope(bible: SeriesBible) -> Any:
    try:
        from ...story.tropes import get_trope

        return get_trope(bible.trope_id)
    except (DramagenError, ValueError, OSError):
        return None


@dataclass
class _Episode:
    """One exported episode: its plan entry, the script and shooting script it has, its file stem and folder."""

    number: int
    plan: EpisodePlan
    script: EpisodeScript | None
    shooting: ShootingScript | None
    title: str
    stem: str
    folder: Path


@dataclass
class _Export:
    """What every writer needs: the season, the formats asked for, the templates and where files go."""

    sd: SeasonDir
    bible: SeriesBible
    fmts: set[str]
    lib: Any
    root: Path
    date_text: str
    trope: Any
    css: str
    written: list[Path] = field(default_factory=list)

    def put(self, path: Path, data: str | bytes) -> None:
        if isinstance(data, str):
            atomic_write_text(path, data)
        else:
            atomic_write_bytes(path, data)
        self.written.append(path)


def export_season(season_dir: str | Path, formats: str | Iterable[str], out_dir: str | Path | None = None,
                  templates_dir: str | Path | None = None, progress: ProgressFn | None = None, *,
                  episodes: Iterable[int] | None = None, draft_date: str | datetime.date | None = None) -> list[Path]:
    """Write the season's exports (see the module doc); returns the files written, in order.

    ``formats`` ⊆ :data:`FORMATS` (a set, or a comma-separated string); ``out_dir``
    defaults to ``SEASON/exports``; ``templates_dir`` is searched for templates before the
    built-in ones; ``episodes`` restricts the export to those episode numbers. The title
    pages (Fountain, PDF, FDX, HTML) carry ``draft_date`` (``YYYY-MM-DD``), by default the
    season's creation date (request.json's ``created``): the same season exports the same bytes.
    """
    fmts = parse_formats(formats)
    date = parse_draft_date(draft_date) if draft_date is not None else None
    if fmts == {"zip"}:
        fmts = set(FORMATS)
    sd = SeasonDir(season_dir)
    if not sd.path.is_dir():
        raise SeasonDataError(f"season: {sd.path} is not a folder")
    bible = sd.load_bible()
    plan = sd.load_plan()
    lib = templates(*_user_dirs(templates_dir))
    root = _out_root(sd.path, out_dir)
    numbers = _episode_numbers(sd, plan, episodes)
    with_script = [n for n in numbers if sd.script_path(n).exists()]
    with_shooting = [n for n in numbers if sd.shooting_path(n).exists()]
    _check_stages(fmts, with_script, with_shooting)

    ex = _Export(sd, bible, fmts, lib, root, (date or sd.draft_date()).isoformat(),
                 _trope(bible) if "publish" in fmts else None, default_css() if "html" in fmts else "")
    total = len(numbers) + (1 if "zip" in fmts else 0)

    def tick(done: int, msg: str) -> None:
        if progress:
            progress("export", done, total, msg)

    shootings: list[ShootingScript] = []
    for i, n in enumerate(numbers):
        ep = _load_episode(ex, plan, n, n in with_script, n in with_shooting)
        tick(i, f"episode {n}: {ep.title or ep.stem}")
        for writer in _EPISODE_WRITERS:
            writer(ex, ep)
        if ep.shooting is not None:
            shootings.append(ep.shooting)
    if "csv" in fmts and shootings:
        ex.put(safe_join(root, "shotlist.csv"), shotlist_csv(shootings))
    if "bible" in fmts:
        for name, data in season_docs(lib, bible, plan):
            ex.put(safe_join(root, name), data)
    if "animatic" in fmts:  # MP4 + SRT + VTT per episode (dramagen.screen.animatic), before the zip
        from ..animatic.make import export_animatics

        ex.written.extend(export_animatics(sd.path, with_shooting, root, progress))
    if "zip" in fmts:
        tick(len(numbers), "zip")
        _write_zip(ex)
    tick(total, f"{len(ex.written)} files in {root}")
    return ex.written


def _user_dirs(templates_dir: str | Path | None) -> tuple[Path, ...]:
    """The user's template folder (searched before the built-in templates), if one is given."""
    if templates_dir is None:
        return ()
    td = Path(templates_dir).expanduser()
    if not td.is_dir():
        raise InputError("templates_dir", str(templates_dir), "an existing folder of Jinja2 templates")
    return (td,)


def _episode_numbers(sd: SeasonDir, plan: SeasonPlan, episodes: Iterable[int] | None) -> list[int]:
    """The episodes to export: those with beats, a script or a shooting script (of ``episodes``, if given)."""
    numbers = sorted(set(sd.episodes_done("beats")) | set(sd.episodes_done("script"))
                     | set(sd.episodes_done("shooting")))
    numbers = [n for n in numbers if 1 <= n <= len(plan.episodes)]
    if episodes is not None:
        wanted = set(episodes)
        unknown = sorted(wanted - set(range(1, len(plan.episodes) + 1)))
        if unknown:
            raise InputError("episodes", unknown, f"episode numbers from 1 to {len(plan.episodes)}")
        numbers = [n for n in numbers if n in wanted]
    if not numbers:
        raise SeasonDataError(f"season: {sd.path} has no written episode to export (run the episodes stage first)")
    return numbers


def _check_stages(fmts: set[str], with_script: list[int], with_shooting: list[int]) -> None:
    """A format that no episode can give (all of them need a stage not run yet) is an error."""
    if fmts & SCRIPT_FORMATS and not with_script and fmts - {"zip"} <= SCRIPT_FORMATS:
        raise SeasonDataError(f"season: no episode has script.json yet; {', '.join(sorted(fmts & SCRIPT_FORMATS))} "
                              "need the script stage")
    if fmts & SHOOTING_FORMATS and not with_shooting and fmts - {"zip"} <= SHOOTING_FORMATS:
        raise SeasonDataError(f"season: no episode has shooting.json yet; {', '.join(sorted(fmts & SHOOTING_FORMATS))} "
                              "need the shooting stage")


def _load_episode(ex: _Export, plan: SeasonPlan, n: int, has_script: bool, has_shooting: bool) -> _Episode:
    plan_ep = plan.episode(n)
    script = ex.sd.load_script(n) if has_script else None
    shooting = ex.sd.load_shooting(n) if has_shooting else None
    title = plan_ep.title or (script.title if script else "") or (shooting.title if shooting else "")
    return _Episode(n, plan_ep, script, shooting, title, episode_stem(n, title), safe_join(ex.root, f"ep{n:03d}"))


def _write_screenplay(ex: _Export, ep: _Episode) -> None:
    """fountain, pdf, fdx, html: the screenplay, from one Fountain text."""
    if ep.script is None or not ex.fmts & SCRIPT_FORMATS:
        return
    text = _to_fountain(ep.script, ex.bible, ep.plan, ex.date_text)
    if "fountain" in ex.fmts:
        ex.put(safe_join(ep.folder, f"{ep.stem}.fountain"), text)
    if "pdf" in ex.fmts:
        ex.put(safe_join(ep.folder, f"{ep.stem}.pdf"), fountain_to_pdf(text))
    if "fdx" in ex.fmts:
        ex.put(safe_join(ep.folder, f"{ep.stem}.fdx"), fountain_to_fdx(text))
    if "html" in ex.fmts:
        html = ex.lib.render("screenplay.html.j2", bible=ex.bible, plan=ep.plan, script=ep.script, number=ep.number,
                             title=ep.title, css=ex.css, body=fountain_to_html(text, bare=True)).text
        ex.put(safe_join(ep.folder, f"{ep.stem}.html"), html)


def _write_json(ex: _Export, ep: _Episode) -> None:
    """json: the plan entry, beats, script and shooting script in one file."""
    if "json" not in ex.fmts:
        return
    n = ep.number
    beats = ex.sd.load_beats(n) if ex.sd.beats_path(n).exists() else None
    data = {"series": ex.bible.title, "episode": n, "plan": ep.plan.model_dump(mode="json"),
            "beats": beats.model_dump(mode="json") if beats else None,
            "script": ep.script.model_dump(mode="json") if ep.script else None,
            "shooting": ep.shooting.model_dump(mode="json") if ep.shooting else None}
    ex.put(safe_join(ep.folder, f"{ep.stem}.json"), json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _write_shots(ex: _Export, ep: _Episode) -> None:
    """csv (the episode's shot list) and storyboard (PNG pages and a PDF)."""
    if ep.shooting is None:
        return
    if "csv" in ex.fmts:
        ex.put(safe_join(ep.folder, f"{ep.stem}-shotlist.csv"), shotlist_csv(ep.shooting))
    if "storyboard" in ex.fmts:
        ex.written.extend(write_storyboard(ep.shooting, ex.bible, ep.plan, ep.folder, stem=ep.stem))


def _write_publish(ex: _Export, ep: _Episode) -> None:
    """publish: the episode's publishing pack, as JSON and Markdown."""
    if "publish" not in ex.fmts:
        return
    pack = publish_pack(ex.bible, ep.plan, ep.script, ex.trope)
    ex.put(safe_join(ep.folder, f"{ep.stem}-publish.json"), json.dumps(pack, indent=2, ensure_ascii=False) + "\n")
    ex.put(safe_join(ep.folder, f"{ep.stem}-publish.md"), render_publish_md(pack, ex.lib))


#: the writers of one episode's files, in the order they are written
_EPISODE_WRITERS: tuple[Callable[[_Export, _Episode], None], ...] = (_write_screenplay, _write_json, _write_shots,
                                                                     _write_publish)


def _write_zip(ex: _Export) -> None:
    """zip: what this export wrote (the zips aside), one folder per episode."""
    members = [p for p in ex.written if p.suffix != ".zip"]
    name = (slug(ex.bible.title) or "season") + ".zip"
    ex.put(safe_join(ex.root, name), _zip_bytes(members, ex.root))
