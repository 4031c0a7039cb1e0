"""A season on disk: a folder of JSON files (plus exports), written atomically.

```
SEASON/
  request.json            what was asked (SeasonRequest)
  bible.json              SeriesBible
  plan.json               SeasonPlan (each episode with its story event)
  premise.json            Premise (a free-text season: the parsed, possibly edited premise)
  ledger.json             StoryLedger: secrets, objects, initial state, the season's events
  episodes/ep001/beats.json   EpisodeBeats (its presence marks the episode done)
  episodes/ep001/script.json  EpisodeScript (+ script.fountain)
  episodes/ep001/shooting.json ShootingScript (shot list)
  episodes/ep001/stats.json   what the quality controls did for this episode
  stripboard.json         the season's scenes grouped into shoot days
  production/             breakdown, schedule, DOOD, call sheets, budget (dramagen production)
  season.md               a readable summary
  manifest.json           RunManifest: model, prompt hashes, parameters, seed, stats
```
Every file is written to a temporary name in the same folder, flushed and renamed, so a
crash leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import tempfile
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..core.errors import InputError, SeasonDataError
from ..core.models import (
    EpisodeBeats,
    EpisodeScript,
    RunManifest,
    SeasonPlan,
    SeasonRequest,
    SeriesBible,
    ShootingScript,
    SlotStats,
    StoryLedger,
)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


TMP_SUFFIX = ".tmp"
#: ``.NAME.PID.RANDOM.tmp``: what :func:`atomic_write_bytes` leaves behind when killed between its
#: ``mkstemp`` and its ``os.replace`` (``.NAME.RANDOM.tmp`` before the pid was in the name)
_TMP_RE = re.compile(r"^\.(?P<name>.+?)(?:\.(?P<pid>\d+))?\.[A-Za-z0-9_]{6,}\.tmp$")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child nobody has reaped yet is a zombie: dead for our purpose
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def remove_stale_temp(root: Path) -> list[Path]:
    """Delete the temporary files that killed writers left under ``root``; returns what was removed.

    A file whose writer (the pid in its name) still runs is kept: it is about to be renamed.
    """
    removed: list[Path] = []
    root = Path(root)
    if not root.is_dir():
        return removed
    for p in root.rglob(f".*{TMP_SUFFIX}"):
        m = _TMP_RE.match(p.name)
        if not m or not p.is_file() or p.is_symlink():
            continue
        pid = m.group("pid")
        if pid is not None and _pid_alive(int(pid)):
            continue
        try:
            p.unlink()
            removed.append(p)
        except FileNotFoundError:
            pass
    return removed


def atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # the writer's pid in the name lets a resumed run tell a killed writer's leftover from a live one's
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; give them the usual mode
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def dump_model(model: BaseModel) -> str:
    """Canonical JSON of a model: the same data gives the same bytes."""
    return model.model_dump_json(indent=2) + "\n"


def today() -> datetime.date:
    """Today's date (UTC): a new season's ``created`` date. ``SOURCE_DATE_EPOCH`` (seconds since 1970, the
    reproducible-builds convention) pins it, so a season made again gives the same bytes on any day."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            raise InputError("SOURCE_DATE_EPOCH", epoch, "whole seconds since 1970-01-01 (UTC)") from None
    return datetime.datetime.now(datetime.timezone.utc).date()


def parse_draft_date(value: str | datetime.date) -> datetime.date:
    """A draft date given by the user (``--draft-date``): a ``datetime.date`` or ``YYYY-MM-DD``."""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError("draft_date", value, "a date as YYYY-MM-DD (e.g. 2025-03-14)") from None


def safe_join(root: Path, *parts: str) -> Path:
    """``root/parts…`` refusing anything that would escape ``root`` (``..``, absolute paths, links out)."""
    root = Path(root).resolve()
    p = root.joinpath(*parts).resolve()
    if p != root and root not in p.parents:
        raise InputError("path", "/".join(parts), f"a path inside {root}")
    return p


class SeasonDir:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    # paths
    @property
    def request_path(self) -> Path:
        return self.path / "request.json"

    @property
    def bible_path(self) -> Path:
        return self.path / "bible.json"

    @property
    def plan_path(self) -> Path:
        return self.path / "plan.json"

    @property
    def ledger_path(self) -> Path:
        return self.path / "ledger.json"

    @property
    def premise_path(self) -> Path:
        return self.path / "premise.json"

    def load_ledger(self) -> StoryLedger | None:
        """The story ledger, or None for a season made before ledgers (or without one)."""
        return self._load(self.ledger_path, StoryLedger) if self.ledger_path.exists() else None

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    def episode_dir(self, number: int) -> Path:
        return self.path / "episodes" / f"ep{number:03d}"

    def beats_path(self, number: int) -> Path:
        return self.episode_dir(number) / "beats.json"

    def script_path(self, number: int) -> Path:
        return self.episode_dir(number) / "script.json"

    def shooting_path(self, number: int) -> Path:
        return self.episode_dir(number) / "shooting.json"

    def stage_path(self, stage: str, number: int) -> Path:
        return self.episode_dir(number) / f"{stage}.json"

    @staticmethod
    def episode_stats_name(number: int) -> str:
        """The episode's slot statistics, relative to the season folder (for load_stats / write_stats)."""
        return f"episodes/ep{number:03d}/stats.json"

    # production (dramagen.screen.production): breakdown, schedule, day-out-of-days, call sheets, budget
    @property
    def production_dir(self) -> Path:
        return self.path / "production"

    def production_path(self, name: str) -> Path:
        """``production/NAME`` (breakdown.json, schedule.json, dood.csv, callsheets/day01.pdf…)."""
        return self.production_dir / name

    @property
    def breakdown_edits_path(self) -> Path:
        """Hand edits of the breakdown: scene id → props/wardrobe/special to add or remove, notes."""
        return self.production_dir / "breakdown_edits.yaml"

    # state
    def exists(self) -> bool:
        return self.request_path.exists() or self.bible_path.exists()

    def remove_stale_temp(self) -> list[Path]:
        """Delete what writers killed mid-write left in the season folder (see :func:`remove_stale_temp`)."""
        return remove_stale_temp(self.path)

    def has_bible(self) -> bool:
        return self.bible_path.exists()

    def has_plan(self) -> bool:
        return self.plan_path.exists()

    def episodes_done(self, stage: str = "beats") -> list[int]:
        """Episodes whose ``stage`` file (beats, script, shooting) is written."""
        root = self.path / "episodes"
        if not root.exists():
            return []
        out = []
        for d in sorted(root.glob("ep[0-9][0-9][0-9]")):
            if (d / f"{stage}.json").exists():
                out.append(int(d.name[2:]))
        return out

    # reading
    def _load(self, path: Path, model: type[BaseModel]):
        if not path.exists():
            raise SeasonDataError(f"season: {path} is missing")
        try:
            return model.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as e:
            err = e.errors()[0]
            loc = ".".join(str(x) for x in err["loc"])
            raise SeasonDataError(f"season: {path.name} is invalid at {loc or '(top)'}: {err['msg']}") from None
        except ValueError as e:
            raise SeasonDataError(f"season: {path.name} is not valid JSON: {e}") from None
        except OSError as e:
            raise SeasonDataError(f"season: {path.name} cannot be read ({e.strerror or e})") from None

    def load_request(self) -> SeasonRequest:
        return self._load(self.request_path, SeasonRequest)

    # the draft date (every export's title page)
    def write_request(self, request: SeasonRequest) -> SeasonRequest:
        """Write request.json; a request without a ``created`` date gets today's (:func:`today`). Returns what
        was written."""
        if request.created is None:
            request = request.model_copy(update={"created": today()})
        atomic_write_text(self.request_path, request.model_dump_json(indent=2) + "\n")
        return request

    def draft_date(self) -> datetime.date:
        """The season's draft date: request.json's ``created``; for a season made before the date was recorded,
        the day request.json was last written (today when there is none)."""
        if self.request_path.is_file():
            created = self.load_request().created
            if created is not None:
                return created
            mtime = self.request_path.stat().st_mtime
            return datetime.datetime.fromtimestamp(mtime, tz=datetime.timezone.utc).date()
        return today()

    def load_bible(self) -> SeriesBible:
        return self._load(self.bible_path, SeriesBible)

    def load_plan(self) -> SeasonPlan:
        return self._load(self.plan_path, SeasonPlan)

    def load_beats(self, number: int) -> EpisodeBeats:
        return self._load(self.beats_path(number), EpisodeBeats)

    def load_script(self, number: int) -> EpisodeScript:
        return self._load(self.script_path(number), EpisodeScript)

    def load_shooting(self, number: int) -> ShootingScript:
        return self._load(self.shooting_path(number), ShootingScript)

    def load_all_beats(self) -> dict[int, EpisodeBeats]:
        return {n: self.load_beats(n) for n in self.episodes_done()}

    def load_manifest(self) -> RunManifest | None:
        return self._load(self.manifest_path, RunManifest) if self.manifest_path.exists() else None

    def load_stats(self, name: str) -> dict[str, SlotStats]:
        p = self.path / name
        if not p.exists():
            return {}
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
            return {str(k): SlotStats(**v) for k, v in data.items()}
        # JSON, UTF-8 and pydantic errors are ValueErrors
        except (OSError, ValueError, TypeError, AttributeError, RecursionError) as e:
            raise SeasonDataError(f"season: {name} is not a valid stats file ({type(e).__name__}: "
                                  f"{str(e).splitlines()[0][:120] if str(e) else ''})") from None

    # writing
    def write_model(self, path: Path, model: BaseModel) -> None:
        atomic_write_text(path, dump_model(model))

    def write_stats(self, rel: str, stats: dict[str, SlotStats]) -> None:
        data = {k: v.model_dump() for k, v in sorted(stats.items())}
        atomic_write_text(self.path / rel, json.dumps(data, indent=2, sort_keys=True) + "\n")
