"""The report's plots (plots/*.png, matplotlib): one function per figure, one per panel.

- ``metrics.png`` (:func:`_metrics_figure`): every metric by variant, each run a point
  (colour: trope, marker: seed), the mean ± sd of the variant beside them;
- ``by_trope.png`` (:func:`_by_trope_figure`): the key metrics by trope and variant as grouped
  bars, whiskers the sd over seeds.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..metrics import METRICS

#: The metrics drawn in the report's main figure (one panel each).
PLOT_METRICS = ("valid_rate", "runtime_error", "hook_rate", "cliffhanger_rate", "cliffhanger_type_match",
                "name_consistency", "repetition", "distinct_2", "fallback_rate", "regenerated_rate",
                "seconds_per_episode", "tokens_per_s")
#: The metrics of the by-trope figure.
KEY_METRICS = ("valid_rate", "runtime_error", "distinct_2", "repetition", "fallback_rate", "name_consistency")
#: Rates that are near 0 when all is well: their panels zoom in on the values instead of 0–1.
_LOW_RATES = ("runtime_error", "repetition", "fallback_rate", "regenerated_rate", "repaired_rate")
_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
_META = {m.name: m for m in METRICS}


def write_plots(out: Path, rows: Sequence[dict], configs: list[str], tropes: list[str]) -> list[dict]:
    """Draw the report's figures into ``out/plots/``; returns ``[{title, path, caption}]``."""
    from ..extras import require

    matplotlib = require("matplotlib", "lab")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plots_dir = out / "plots"
    plots_dir.mkdir(parents=True, exist_ok=True)
    done = [r for r in rows if r.get("status") == "done"]
    figs = [_metrics_figure(plt, plots_dir, done, configs, tropes)]
    by_trope = _by_trope_figure(plt, plots_dir, done, configs, tropes)
    if by_trope is not None:
        figs.append(by_trope)
    return figs


def _style_panel(ax: Any, name: str, labels: list[str], **label_kw: Any) -> None:
    """A panel's title (the metric; ↑ higher / ↓ lower is better), its x labels and its grid."""
    m = _META[name]
    ax.set_title(m.label + ("  ↑" if m.better == "higher" else "  ↓" if m.better == "lower" else ""), fontsize=10)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, fontsize=8, **label_kw)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", alpha=0.3)


def _save(plt: Any, fig: Any, path: Path, title: str, caption: str) -> dict:
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return {"title": title, "path": path, "caption": caption}


# --------------------------------------------------------------------------- 1. every metric by variant


def _metrics_figure(plt: Any, plots_dir: Path, done: list[dict], configs: list[str], tropes: list[str]) -> dict:
    """Every metric by config: each run a point (colour = trope, marker = seed), mean ± sd in black."""
    from matplotlib.lines import Line2D

    colors = plt.get_cmap("tab10")
    trope_color = {t: colors(i % 10) for i, t in enumerate(tropes)}
    seeds = sorted({r["seed"] for r in done})
    seed_marker = {s: _MARKERS[i % len(_MARKERS)] for i, s in enumerate(seeds)}
    names = [m for m in PLOT_METRICS if any(r.get(m) is not None for r in done)]
    ncols = 4
    nrows = max(1, math.ceil(len(names) / ncols))
    width = max(12.0, 1.6 * len(configs) * ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, 3.1 * nrows + 1.2), squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    for ax, name in zip(axes.flat, names):
        _metric_panel(ax, name, done, configs, tropes, seeds, trope_color, seed_marker)
    handles = [Line2D([], [], color=trope_color[t], marker="o", linestyle="", label=t) for t in tropes]
    handles += [Line2D([], [], color="grey", marker=seed_marker[s], linestyle="", label=f"seed {s}") for s in seeds]
    handles.append(Line2D([], [], color="black", marker="_", markersize=14, linestyle="", label="mean ± sd"))
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 8), fontsize=9, frameon=False)
    fig.suptitle("Metrics by variant (each point one run; ↑ higher is better, ↓ lower is better)", fontsize=12)
    fig.tight_layout(rect=(0, 0.06 if nrows > 1 else 0.1, 1, 0.97))
    return _save(plt, fig, plots_dir / "metrics.png", "Every metric by variant",
                 "Each point is one run (colour: trope, marker: seed); the black bar is the mean ± "
                 "sample standard deviation over all runs of the variant. Latency (s / episode) and "
                 "tokens/s depend on the machine and its load while each run ran.")


def _metric_panel(ax: Any, name: str, done: list[dict], configs: list[str], tropes: list[str], seeds: list,
                  trope_color: dict, seed_marker: dict) -> None:
    """One metric's panel: the runs of each config side by side (tropes spread out), then the mean ± sd."""
    nt = max(1, len(tropes))
    for xi, cfg in enumerate(configs):
        rs = [r for r in done if r["config"] == cfg and r.get(name) is not None]
        vals = [float(r[name]) for r in rs]
        for r in rs:
            ti = tropes.index(r["trope"]) if r["trope"] in tropes else 0
            dx = -0.25 + 0.5 * (ti + 0.5) / nt + 0.03 * (seeds.index(r["seed"]) - (len(seeds) - 1) / 2)
            ax.scatter(xi + dx, float(r[name]), color=trope_color.get(r["trope"], "grey"),
                       marker=seed_marker.get(r["seed"], "o"), s=26, alpha=0.8, zorder=3, linewidths=0)
        if vals:
            mean = statistics.fmean(vals)
            sd = statistics.stdev(vals) if len(vals) > 1 else 0.0
            ax.errorbar(xi + 0.34, mean, yerr=sd, fmt="_", color="black", markersize=16, capsize=4,
                        elinewidth=1.4, zorder=4)
    _style_panel(ax, name, configs, rotation=15 if len(configs) > 2 else 0)
    ax.set_xlim(-0.6, len(configs) - 0.4)
    if _META[name].unit == "rate":
        values = [float(r[name]) for r in done if r.get(name) is not None]
        lo = min([0.0] + values)
        hi = max([1.0] + values)
        if name in _LOW_RATES:
            hi = max(0.05, 1.15 * max(values or [0.05]))
        ax.set_ylim(lo - 0.03 * (hi - lo), hi + 0.05 * (hi - lo))


# --------------------------------------------------------------------------- 2. key metrics by trope


def _by_trope_figure(plt: Any, plots_dir: Path, done: list[dict], configs: list[str],
                     tropes: list[str]) -> dict | None:
    """Key metrics by trope and config: grouped bars, error bars over seeds (None: nothing to draw)."""
    key = [m for m in KEY_METRICS if any(r.get(m) is not None for r in done)]
    if not (key and tropes):
        return None
    kc = min(3, len(key))
    kr = math.ceil(len(key) / kc)
    width = min(18.0, max(11.0, 0.75 * len(tropes) * len(configs) * kc))
    fig, axes = plt.subplots(kr, kc, figsize=(width, 3.2 * kr + 0.9), squeeze=False)
    for ax in axes.flat[len(key):]:
        ax.set_visible(False)
    for ax, name in zip(axes.flat, key):
        _trope_bars(ax, name, done, configs, tropes, plt.get_cmap("Set2"))
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), fontsize=9, frameon=False)
    fig.suptitle("Key metrics by trope (bars: mean over seeds, whiskers: sd)", fontsize=12)
    fig.tight_layout(rect=(0, 0.07 if kr > 1 else 0.12, 1, 0.95))
    return _save(plt, fig, plots_dir / "by_trope.png", "Key metrics by trope",
                 "Bars: mean over seeds of each variant on each trope; whiskers: sample standard "
                 "deviation over seeds.")


def _trope_bars(ax: Any, name: str, done: list[dict], configs: list[str], tropes: list[str], ccol: Any) -> None:
    """One metric's panel: a group of bars per trope, one bar per config (mean over seeds ± sd)."""
    width = 0.8 / max(1, len(configs))
    for ci, cfg in enumerate(configs):
        means, sds = [], []
        for t in tropes:
            vals = [float(r[name]) for r in done if r["config"] == cfg and r["trope"] == t
                    and r.get(name) is not None]
            means.append(statistics.fmean(vals) if vals else float("nan"))
            sds.append(statistics.stdev(vals) if len(vals) > 1 else 0.0)
        xs = [ti - 0.4 + width * (ci + 0.5) for ti in range(len(tropes))]
        ax.bar(xs, means, width=width * 0.92, yerr=sds, capsize=3, color=ccol(ci % 8), label=cfg,
               error_kw={"elinewidth": 1})
    _style_panel(ax, name, tropes)
    if _META[name].unit == "rate":
        ax.set_ylim(bottom=0)
