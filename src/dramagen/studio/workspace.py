"""Projects: season folders in the workspace (``DRAMAGEN_WORKSPACE``, default ``./seasons``) and
season zips. A studio session works *in* a workspace folder (autosave: every step and edit is on
disk at once): a new season gets a new folder of its own (:func:`new_season`), opening a project
works on that folder (:func:`open_workspace`), an uploaded zip becomes a new folder
(:func:`open_zip`). Projects can be renamed, duplicated and deleted. Nothing outside the
workspace is read or written: names are checked, zip members that would land outside (``..``,
absolute paths, drive letters, links) and zip bombs are refused. What the studio draws and
exports for a season lives outside it, in a scratch folder (:func:`scratch`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
import zipfile
import zlib
from pathlib import Path

from pydantic import ValidationError

from ..core import config
from ..core.errors import InputError, SeasonDataError
from ..core.models import SeasonRequest
from ..project.season import SeasonDir, atomic_write_text, safe_join
from .session import Session, holders, scratch_root

MAX_ZIP_BYTES = 512 * 1024 * 1024
MAX_ZIP_MEMBERS = 20000
_PROJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.\-]{0,63}$")


def workspace() -> Path:
    """Where projects are saved: ``DRAMAGEN_WORKSPACE`` or ``./seasons``."""
    return config.get_path("DRAMAGEN_WORKSPACE") or Path("seasons")


def projects() -> list[str]:
    """The season folders in the workspace."""
    ws = workspace()
    if not ws.is_dir():
        return []
    return sorted(p.name for p in ws.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and SeasonDir(p).exists())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-")[:48] or "season"


def scratch(season_path: Path) -> Path:
    """A private scratch folder for what the studio draws and exports for ``season_path`` (outside
    the workspace, removed when the server stops)."""
    key = hashlib.sha256(str(Path(season_path).resolve()).encode()).hexdigest()[:16]
    d = scratch_root() / "seasons" / key
    d.mkdir(parents=True, exist_ok=True)
    return d


def browser_secret() -> str:
    """The key the browser's "last project" is kept under: one per workspace (and stable across
    restarts, so that "continue where you left off" survives them). It only hides a project name."""
    return hashlib.sha256(f"dramagen-studio:{workspace().resolve()}".encode()).hexdigest()[:32]


def new_project(hint: str) -> Path:
    """A new, empty folder in the workspace named after ``hint`` (``hidden-heir``, ``hidden-heir-2``, …).
    Creating it is atomic, so two sessions never get the same folder."""
    ws = workspace()
    ws.mkdir(parents=True, exist_ok=True)
    base = _slug(hint)[:40].strip("-") or "season"
    for i in range(1, 10_000):
        name = base if i == 1 else f"{base}-{i}"
        try:
            (ws / name).mkdir()
        except FileExistsError:
            continue
        return safe_join(ws, name)
    raise InputError("project name", base, "a name not used 10,000 times in the workspace")


def new_season(sess: Session, hint: str) -> SeasonDir:
    """A new season folder in the workspace as the session's season (the previous one stays saved)."""
    return SeasonDir(sess.use(new_project(hint)))


def project_of(sess: Session) -> str:
    """The workspace project the session works on ('' for none)."""
    if not sess.dir:
        return ""
    path = Path(sess.dir)
    try:
        return path.name if path.parent.resolve() == workspace().resolve() and path.is_dir() else ""
    except OSError:
        return ""


def zip_season(sd: SeasonDir, out_dir: Path) -> str:
    """The season folder as ``<title>.zip`` (one top folder, as ``/open_project`` expects)."""
    title = sd.load_bible().title if sd.has_bible() else (sd.load_request().trope if sd.request_path.exists() else "")
    name = _slug(title)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}.zip"
    tmp = out_dir / f".{name}.zip.tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(sd.path.rglob("*")):
            if f.is_file() and not f.name.endswith(".tmp"):
                z.write(f, f"{name}/{f.relative_to(sd.path).as_posix()}")
    os.replace(tmp, target)
    return str(target)


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _PROJECT_NAME.match(name) or name in (".", ".."):
        raise InputError("project name", name, "1–64 letters, digits, spaces, '.', '_' or '-', starting with a letter "
                                               "or digit")
    return name


def save_to_workspace(sd: SeasonDir, name: str, sess: Session | None = None) -> Path:
    """Copy the season into the workspace as ``name`` (replacing a season folder of that name that no
    other session works on)."""
    name = check_name(name)
    ws = workspace()
    ws.mkdir(parents=True, exist_ok=True)
    target = safe_join(ws, name)
    if target.exists():
        _not_open_elsewhere(target, sess, name)
    if target.exists() and not (target.is_dir() and (SeasonDir(target).exists() or not any(target.iterdir()))):
        raise InputError("project name", name, "a new name or an existing season folder",
                         f"{target} exists and is not a season folder")
    tmp = ws / f".{name}.saving-{uuid.uuid4().hex[:6]}"
    shutil.copytree(sd.path, tmp, ignore=shutil.ignore_patterns(".*.tmp"))
    old = None
    if target.exists():
        old = ws / f".{name}.old-{uuid.uuid4().hex[:6]}"
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def validate_season(root: Path, where: str) -> SeasonDir:
    """A season folder read through once: a broken file is reported now, not halfway through the work."""
    sd = SeasonDir(root)
    if not sd.exists():
        raise SeasonDataError(f"project: {where} is not a dramagen season (no request.json or bible.json; expected a "
                              f"folder written by `dramagen generate` or saved by the studio)")
    try:
        if sd.request_path.exists():
            sd.load_request()
        else:
            bible = sd.load_bible()
            plan = sd.load_plan() if sd.has_plan() else None
            req = SeasonRequest(trope=bible.trope_id, episodes=len(plan.episodes) if plan else 60,
                                paywall=plan.paywall if plan else 10)
            atomic_write_text(sd.request_path, req.model_dump_json(indent=2) + "\n")
        if sd.has_bible():
            sd.load_bible()
        if sd.has_plan():
            sd.load_plan()
        loaders = {"beats": sd.load_beats, "script": sd.load_script, "shooting": sd.load_shooting}
        for stage, load in loaders.items():
            for n in sd.episodes_done(stage):
                load(n)
    except (ValidationError, ValueError) as e:
        raise SeasonDataError(f"project: {where}: {e}") from None
    return sd


def project_dir(name: str, what: str = "project") -> Path:
    """Workspace project ``name`` (checked: a safe name, a season folder inside the workspace)."""
    name = check_name(name)
    src = safe_join(workspace(), name)
    if not src.is_dir():
        raise InputError(what, name, "a project in the workspace (" + (", ".join(projects()) or "none yet") + ")")
    if not SeasonDir(src).exists():
        validate_season(src, name)  # says it is not a season
    return src


def open_workspace(sess: Session, name: str) -> SeasonDir:
    """Workspace project ``name`` as the session's season: the session works in that folder (every
    step and edit is saved there at once)."""
    src = project_dir(name)
    validate_season(src, name)
    return SeasonDir(sess.use(src))


def _not_open_elsewhere(path: Path, sess: Session | None, name: str) -> None:
    others = holders(path, but=sess.id if sess else None)
    if others:
        raise InputError("project", name, "a project no other tab has open",
                         f"{name} is open in another tab or client; open another project there first")


def rename_project(name: str, new_name: str, sess: Session | None = None) -> Path:
    """Rename workspace project ``name``; the session that works on it goes on in the new folder."""
    src = project_dir(name)
    new_name = check_name(new_name)
    target = safe_join(workspace(), new_name)
    if target.exists():
        raise InputError("new name", new_name, "a name no project or folder in the workspace has yet")
    _not_open_elsewhere(src, sess, name)
    os.rename(src, target)
    if sess is not None and sess.dir and Path(sess.dir).resolve() == src.resolve():
        sess.use(target)
    return target


def duplicate_project(name: str, new_name: str | None = None) -> Path:
    """A copy of workspace project ``name`` (as ``new_name``, or ``<name>-copy``, ``<name>-copy-2`` …)."""
    src = project_dir(name)
    if new_name and new_name.strip():
        target = safe_join(workspace(), check_name(new_name))
        if target.exists():
            raise InputError("new name", new_name, "a name no project or folder in the workspace has yet")
        target.mkdir()
    else:
        target = new_project(f"{name}-copy")
    shutil.copytree(src, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".*.tmp"))
    return target


def delete_project(name: str, sess: Session | None = None) -> None:
    """Delete workspace project ``name`` for good (the session that had it open has no season after)."""
    src = project_dir(name)
    _not_open_elsewhere(src, sess, name)
    if sess is not None and sess.dir and Path(sess.dir).resolve() == src.resolve():
        sess.forget()
    trash = workspace() / f".{src.name}.deleting-{uuid.uuid4().hex[:6]}"
    os.rename(src, trash)  # gone from the list at once, even if removing the files takes a while
    shutil.rmtree(trash, ignore_errors=True)


def describe(path: Path) -> dict:
    """What the Projects list shows of a season folder: title, trope, how far it is, last change."""
    sd = SeasonDir(path)
    out = {"name": path.name, "title": "", "trope": "", "episodes": 0, "planned": False, "beats": 0, "scripts": 0,
           "modified": 0.0}
    try:
        if sd.request_path.exists():
            req = sd.load_request()
            out.update(trope=req.trope, episodes=req.episodes)
        if sd.has_bible():
            out["title"] = sd.load_bible().title
        out.update(planned=sd.has_plan(), beats=len(sd.episodes_done("beats")),
                   scripts=len(sd.episodes_done("script")))
        out["modified"] = max((f.stat().st_mtime for f in path.rglob("*") if f.is_file()), default=0.0)
    except (ValidationError, ValueError, OSError):
        out["title"] = out["title"] or "(unreadable)"
    return out


def project_table() -> list[dict]:
    """Every project of the workspace, last changed first."""
    rows = [describe(safe_join(workspace(), n)) for n in projects()]
    return sorted(rows, key=lambda r: -r["modified"])


def safe_extract(zip_path: Path, dest: Path) -> None:
    """Extract a zip into ``dest``, refusing any member that would land outside it (``..``,
    absolute paths, drive letters, links) and zip bombs (size and count limits)."""
    if not zipfile.is_zipfile(zip_path):
        raise InputError("project", zip_path.name, "a .zip of a season folder")
    dest = Path(dest).resolve()
    try:
        _extract_checked(zip_path, dest)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as e:
        raise InputError("project", zip_path.name, "a readable .zip of a season folder",
                         f"the zip is damaged: {e}") from None


def _check_members(zip_path: Path, infos: list[zipfile.ZipInfo], dest: Path) -> None:
    if len(infos) > MAX_ZIP_MEMBERS:
        raise InputError("project", f"{len(infos)} files", f"a zip of at most {MAX_ZIP_MEMBERS} files")
    total = 0
    for info in infos:
        name = info.filename.replace("\\", "/")
        parts = [p for p in name.split("/") if p not in ("", ".")]
        mode = (info.external_attr >> 16) & 0o170000
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts or mode == 0o120000:
            raise InputError("project", info.filename, "a zip whose paths stay inside its folder",
                             "this zip is refused: a path escapes the project folder")
        if parts:
            safe_join(dest, *parts)
        total += info.file_size
        if total > MAX_ZIP_BYTES:
            raise InputError("project", zip_path.name, f"a zip of at most {MAX_ZIP_BYTES // 2**20} MiB unpacked")


def _extract_checked(zip_path: Path, dest: Path) -> None:
    with zipfile.ZipFile(zip_path) as z:
        infos = z.infolist()
        _check_members(zip_path, infos, dest)
        for info in infos:
            parts = [p for p in info.filename.replace("\\", "/").split("/") if p not in ("", ".")]
            if not parts:
                continue
            target = safe_join(dest, *parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)


def _find_season_root(d: Path) -> Path | None:
    if SeasonDir(d).exists():
        return d
    for sub in sorted(p for p in d.iterdir() if p.is_dir()):
        if SeasonDir(sub).exists():
            return sub
    return None


def open_zip(sess: Session, zip_path: Path) -> SeasonDir:
    """An uploaded season zip, unpacked safely (in a scratch folder first), as a new workspace
    project that the session works on."""
    unpack = scratch_root() / f"unpack-{uuid.uuid4().hex[:8]}"
    try:
        safe_extract(zip_path, unpack)
        root = _find_season_root(unpack)
        if root is None:
            raise SeasonDataError(f"project: {zip_path.name} is not a dramagen season zip (no request.json or "
                                  f"bible.json at its top or in its folder)")
        validate_season(root, zip_path.name)
        target = new_project(Path(zip_path.name).stem)
        shutil.copytree(root, target, dirs_exist_ok=True)
    finally:
        shutil.rmtree(unpack, ignore_errors=True)
    return SeasonDir(sess.use(target))
