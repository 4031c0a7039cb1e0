"""The prompt lab: compare prompt variants, models, sampling settings and seeds on the same tropes.

An **experiment** is a YAML file (``prompts/experiments/*.yaml``, schema :class:`Experiment`):
a grid over prompt *variants* × *models* × *sampling* settings × *tropes* × *seeds*, run up
to one *stage* (bible, plan, beats or script). Each cell of the grid is one short season
written by the normal pipeline (:class:`dramagen.project.pipeline.Runner`) into its own folder::

    OUT/
      lab.json                  the experiment as run (and its hash): a second `lab run` resumes
      runs/<id>/                a season folder (request, bible, plan, episodes/…, manifest.json)
      runs/<id>/run.json        the cell: variant, model, sampling, trope, seed, prompt hashes and
                                origins, model hash, versions, timing — all `lab rerun` needs
      results.csv, results.jsonl  one row per run: the cell and every metric (dramagen.metrics)
      report.html, plots/*.png  tables (metric by variant, mean ± sd over seeds), plots, and
                                side-by-side outputs of two variants for the same trope and seed

A **variant** is an overlay of ``prompts/``: a folder (``variants/beats-screen`` holding
``beats/action.j2`` overrides ``prompts/beats/action.j2``; every other template falls back
to ``prompts/``) and/or single files mapped onto template names. Every path stays inside
``prompts/``. Everything in an experiment file is checked (unknown keys, missing prompt
files, unknown tropes or models, an empty grid, a grid over the cell limit without
``--yes``) before anything is generated.

Cells that differ only in the prompts of a later stage share their bible and plan: when a
finished run of the same model, sampling, trope, seed and season request used bible and
plan templates whose hashes equal this variant's, its ``bible.json``/``plan.json`` (and
their stats) are copied instead of written again — the very bytes a fresh run writes, since
every slot is seeded from the run seed and its place. ``lab rerun`` never reuses: it writes
the whole season again and compares it file by file with the recorded one.

The package, one module per concept: :mod:`.experiment` (the file's schema and validation),
:mod:`.grid` (variants and cells), :mod:`.metering` (sampling overrides, tokens and seconds),
:mod:`.runner` (one cell, the whole grid), :mod:`.results` (rows, results.csv/jsonl, summaries),
:mod:`.plots` and :mod:`.reporting` (plots/*.png, report.html), :mod:`.compare` (two runs side
by side) and :mod:`.reproduce` (``lab rerun``).
"""

from __future__ import annotations

from .compare import compare_runs, render_compare_fragment, render_compare_html
from .experiment import (
    LAB_VERSION,
    MAX_CELLS,
    Experiment,
    LabStage,
    SamplingSpec,
    SeasonSpec,
    VariantSpec,
    load_experiment,
    parse_experiment,
)
from .grid import Cell, ResolvedVariant, plan_cells, resolve_variant
from .metering import Meter, metered, metering
from .plots import PLOT_METRICS
from .reporting import report, write_report
from .reproduce import RerunResult, compare_trees, rerun
from .results import (
    CELL_COLUMNS,
    COUNT_COLUMNS,
    LabResult,
    collect,
    load_run,
    run_row,
    summarize,
    write_results,
)
from .runner import LabProgress, run_cell, run_experiment

__all__ = [
    "CELL_COLUMNS",
    "COUNT_COLUMNS",
    "LAB_VERSION",
    "MAX_CELLS",
    "PLOT_METRICS",
    "Cell",
    "Experiment",
    "LabProgress",
    "LabResult",
    "LabStage",
    "Meter",
    "RerunResult",
    "ResolvedVariant",
    "SamplingSpec",
    "SeasonSpec",
    "VariantSpec",
    "collect",
    "compare_runs",
    "compare_trees",
    "load_experiment",
    "load_run",
    "metered",
    "metering",
    "parse_experiment",
    "plan_cells",
    "render_compare_fragment",
    "render_compare_html",
    "report",
    "rerun",
    "resolve_variant",
    "run_cell",
    "run_experiment",
    "run_row",
    "summarize",
    "write_report",
    "write_results",
]
