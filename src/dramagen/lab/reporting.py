"""report.html: the summary by variant, the per-trope table, every run, the plots, and two
variants side by side; :func:`report` rebuilds it from the run folders on disk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..core.errors import DramagenError, InputError
from ..metrics import METRICS
from ..project.season import atomic_write_text
from .compare import compare_runs
from .experiment import Experiment, parse_experiment
from .grid import plan_cells
from .plots import PLOT_METRICS, write_plots
from .results import LabResult, collect, fmt, summarize, write_results


def _data_uri(path: Path) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


def write_report(out: Path, rows: Sequence[dict], exp: Experiment | None = None, *, pairs: int = 1) -> Path:
    """report.html (and plots/*.png): summary table by variant, per-trope table, every run,
    metric definitions, and side-by-side outputs of the first two variants (trope by trope,
    first seed)."""
    from ..screen.export import templates

    if exp is None:
        exp = parse_experiment(json.loads((out / "lab.json").read_text(encoding="utf-8"))["experiment"])
    done = [r for r in rows if r.get("status") == "done"]
    configs = list(dict.fromkeys(r["config"] for r in rows))
    tropes = list(dict.fromkeys(r["trope"] for r in rows))
    figs = write_plots(out, rows, configs, tropes) if done else []
    metric_names = [m.name for m in METRICS]
    summary = summarize(rows, metric_names)
    by_trope = summarize(rows, [m for m in PLOT_METRICS], by=("trope", "config"))
    meta = {m.name: m for m in METRICS}
    best: dict[str, str] = {}
    for m in METRICS:
        vals = [(s[m.name]["mean"], s["config"]) for s in summary if s[m.name]["mean"] is not None]
        if len(vals) > 1 and m.better:
            top = (max if m.better == "higher" else min)(v for v, _ in vals)
            winners = [c for v, c in vals if abs(v - top) <= 1e-9 * max(1.0, abs(top))]
            if len(winners) == 1:  # a tie highlights nothing
                best[m.name] = winners[0]
    sides = []
    if len(configs) >= 2:
        a_cfg, b_cfg = configs[0], configs[1]
        for t in tropes:
            ra = next((r for r in done if r["config"] == a_cfg and r["trope"] == t), None)
            rb = next((r for r in done if r["config"] == b_cfg and r["trope"] == t and ra is not None
                       and r["seed"] == ra["seed"]), None)
            if ra and rb:
                sides.append(compare_runs(out / "runs" / ra["id"], out / "runs" / rb["id"]))
    html = templates().render(
        "lab_report.html.j2", exp=exp, rows=rows, done=len(done), failed=len(rows) - len(done),
        configs=configs, tropes=tropes, summary=summary, by_trope=by_trope, metrics=METRICS, meta=meta,
        plot_metrics=PLOT_METRICS, best=best, figs=[{**f, "src": _data_uri(f["path"]),
                                                    "file": f["path"].relative_to(out).as_posix()} for f in figs],
        sides=sides, fmt=fmt, version=__version__,
        generated=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")).text
    atomic_write_text(out / "report.html", html)
    return out / "report.html"


def report(out: str | Path) -> LabResult:
    """Recompute results.csv/jsonl and report.html from the run folders on disk."""
    out = Path(out)
    if not (out / "lab.json").exists():
        raise InputError("lab", str(out), "a lab folder (with lab.json), as written by `dramagen lab run`")
    exp = parse_experiment(json.loads((out / "lab.json").read_text(encoding="utf-8"))["experiment"])
    try:
        ids = [c.id for c in plan_cells(exp, check_models=False)]
    except DramagenError:
        ids = None
    rows = collect(out, ids)
    write_results(out, rows)
    rep = write_report(out, rows, exp)
    return LabResult(out=out, rows=rows, cells=len(rows), ran=0, skipped=len(rows),
                     failed=sum(1 for r in rows if r.get("status") != "done"), report=rep)
