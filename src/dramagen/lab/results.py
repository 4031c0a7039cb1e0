"""The results: one row per run (the cell and every metric, recomputed from the files),
results.csv/jsonl, and the mean ± sd of each metric per group.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..core.errors import SeasonDataError
from ..metrics import METRICS, season_dir_metrics
from ..project.season import atomic_write_text


@dataclasses.dataclass
class LabResult:
    """What `lab run` or `lab report` did: the results rows, how many cells ran, were done before or
    failed, and where report.html is."""

    out: Path
    rows: list[dict]
    cells: int
    ran: int
    skipped: int
    failed: int
    report: Path | None = None


CELL_COLUMNS = ("id", "config", "variant", "model", "sampling", "trope", "seed", "stage", "status", "reused")
COUNT_COLUMNS = ("episodes", "slots", "repaired", "regenerated", "fallback", "candidates_per_slot", "tokens",
                 "seconds")


def load_run(run_dir: str | Path) -> dict:
    p = Path(run_dir) / "run.json"
    if not p.exists():
        raise SeasonDataError(f"lab: {run_dir} is not a lab run (no run.json)")
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except ValueError as e:
        raise SeasonDataError(f"lab: {p} is not valid JSON: {e}") from None


def run_row(run_dir: Path) -> dict:
    """One results row: the cell, then every metric (recomputed from the files)."""
    rec = load_run(run_dir)
    cell = rec.get("cell", {})
    row: dict[str, Any] = {"id": rec.get("id", run_dir.name), "config": rec.get("config", cell.get("variant")),
                           **{k: cell.get(k) for k in ("variant", "model", "sampling", "trope", "seed")},
                           "stage": rec.get("stage"), "status": rec.get("status"),
                           "reused": bool(rec.get("reused"))}
    if rec.get("status") != "done":
        row["error"] = rec.get("error", "")
        return row
    t = rec.get("timing", {})
    m = season_dir_metrics(run_dir, rec.get("stage"), tokens=int(t.get("tokens", 0)),
                           gen_seconds=float(t.get("gen_seconds", 0.0)))
    row.update(m)
    row["seconds"] = t.get("seconds")
    return row


def collect(out: Path, ids: Sequence[str] | None = None) -> list[dict]:
    runs = out / "runs"
    names = list(ids) if ids is not None else sorted(p.name for p in runs.iterdir() if (p / "run.json").exists())
    return [run_row(runs / n) for n in names if (runs / n / "run.json").exists()]


def _columns(rows: Sequence[dict]) -> list[str]:
    cols = [*CELL_COLUMNS, *(m.name for m in METRICS), *COUNT_COLUMNS]
    extra = sorted({k for r in rows for k in r} - set(cols))
    return cols + extra


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return v


def write_results(out: Path, rows: Sequence[dict]) -> tuple[Path, Path]:
    cols = _columns(rows)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _csv_value(r.get(k)) for k in cols})
    atomic_write_text(out / "results.csv", buf.getvalue())
    atomic_write_text(out / "results.jsonl", "".join(json.dumps({k: r.get(k) for k in cols if k in r},
                                                                ensure_ascii=False) + "\n" for r in rows))
    return out / "results.csv", out / "results.jsonl"


def summarize(rows: Sequence[dict], metrics: Iterable[str], by: Sequence[str] = ("config",)) -> list[dict]:
    """Mean, sample standard deviation and n of each metric per group (done runs only)."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r.get("status") == "done":
            groups.setdefault(tuple(r.get(k) for k in by), []).append(r)
    out = []
    for key, rs in groups.items():
        entry: dict[str, Any] = dict(zip(by, key))
        entry["n"] = len(rs)
        for m in metrics:
            vals = [float(r[m]) for r in rs if r.get(m) is not None]
            entry[m] = {"mean": statistics.fmean(vals) if vals else None,
                        "sd": statistics.stdev(vals) if len(vals) > 1 else (0.0 if vals else None), "n": len(vals)}
        out.append(entry)
    return out


def fmt(v: Any, unit: str = "") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if unit == "rate":
            return f"{v:.3f}"
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)
