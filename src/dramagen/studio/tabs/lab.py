"""Lab: pick prompt variants, run a small grid, read the table, the plots and two runs side by side.

The grid runs in the app's process with the studio's generator, through the same code as
``dramagen lab run`` (:func:`dramagen.lab.run_experiment`); results are kept under
``$DRAMAGEN_WORKSPACE/lab/<name>/`` (a lab folder the CLI can read: ``dramagen lab report``,
``lab rerun``, ``lab compare``).

Named API endpoints: ``/lab_run`` (variants, tropes, seeds, stage, episodes, model,
temperature, candidates → status, summary table, the two plots, runs A and B, side by side,
report files) and ``/lab_compare`` (two run folders of the last grid → side-by-side HTML).
A grid is at most :data:`UI_MAX_CELLS` cells: larger ones belong to the command line.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import gradio as gr

from ...core.errors import DramagenError, InputError
from .. import session
from ..page import Page
from ..workspace import workspace
from .trope import first_trope, trope_choices

UI_MAX_CELLS = 12
BASELINE = "baseline"
SUMMARY_METRICS = ("valid_rate", "runtime_error", "hook_rate", "cliffhanger_rate", "name_consistency", "repetition",
                   "distinct_2", "fallback_rate", "seconds_per_episode")


def variant_choices() -> list[tuple[str, str]]:
    """``baseline`` (prompts/ as shipped) and every folder of templates under ``prompts/variants/``."""
    from ...core.prompting import prompts_dir

    out = [("baseline (prompts/ as shipped)", BASELINE)]
    root = prompts_dir() / "variants"
    if root.is_dir():
        for d in sorted(p for p in root.iterdir() if p.is_dir()):
            if any(d.rglob("*.j2")):
                out.append((f"{d.name} (prompts/variants/{d.name})", d.name))
    return out


def lab_root() -> Path:
    return workspace() / "lab"


def parse_seeds(text: Any) -> list[int]:
    parts = [p for p in re.split(r"[,\s]+", str(text or "").strip()) if p]
    try:
        seeds = [int(p) for p in parts]
    except ValueError:
        raise InputError("seeds", text, "integers separated by commas, e.g. 1, 2, 3") from None
    if not seeds:
        raise InputError("seeds", text, "at least one seed, e.g. 1")
    return list(dict.fromkeys(seeds))


def make_experiment(variants: list[str] | None, tropes: list[str] | str | None, seeds: Any, stage: str,
                    episodes: Any, model: str | None, temperature: Any, candidates: Any):
    """The tab's fields as a lab :class:`~dramagen.lab.Experiment` (validated like a file)."""
    from ...lab import parse_experiment
    from ...story.slots import DEFAULT_SAMPLING

    if isinstance(tropes, str):
        tropes = [tropes]
    sampling: dict[str, Any] = {}
    if temperature is not None and abs(float(temperature) - DEFAULT_SAMPLING["temperature"]) > 1e-9:
        sampling["temperature"] = float(temperature)
    data = {
        "name": "studio",
        "description": "a grid run from the studio's Lab tab",
        "stage": stage or "beats",
        "episodes": int(episodes or 1),
        "season": {"episodes": 10, "length": 75, "paywall": 5, "candidates": int(candidates or 4)},
        "variants": [{"name": v} if v == BASELINE else {"name": v, "overlay": f"variants/{v}"}
                     for v in (variants or [])],
        "models": [model or None],
        "sampling": [sampling],
        "tropes": list(tropes or []),
        "seeds": parse_seeds(seeds),
    }
    return parse_experiment(data, "the Lab tab")


def summary_rows(rows: list[dict]) -> tuple[list[str], list[list]]:
    from ...lab import summarize
    from ...metrics import METRICS

    meta = {m.name: m for m in METRICS}
    headers = ["variant", "runs"] + [meta[m].label for m in SUMMARY_METRICS]
    out = []
    for s in summarize(rows, SUMMARY_METRICS):
        cells = ["—" if s[m]["mean"] is None else f"{s[m]['mean']:.3g} ± {s[m]['sd']:.2g}" for m in SUMMARY_METRICS]
        out.append([s["config"], s["n"], *cells])
    return headers, out


def _public_copy(paths: list[Path]) -> list[str]:
    """Copies in a temporary folder (always servable by Gradio, wherever the workspace is)."""
    d = Path(tempfile.mkdtemp(prefix="dramagen-lab-"))
    out = []
    for p in paths:
        if p.exists():
            dest = d / p.name
            shutil.copyfile(p, dest)
            out.append(str(dest))
    return out


def inside_lab(path: str | None, what: str) -> Path:
    """A run folder of a lab grid under the workspace (nothing else may be read)."""
    if not path:
        raise InputError(what, path, "a run of the last grid (run one first)")
    root = lab_root().resolve()
    p = Path(path).resolve()
    if root not in p.parents or not (p / "run.json").exists():
        raise InputError(what, path, f"a run folder under {root}")
    return p


def side_html(a: Path, b: Path) -> str:
    from ...lab import compare_runs, render_compare_fragment

    html, css = render_compare_fragment(compare_runs(a, b, force=True))
    # the lab's CSS scoped to the panel, so that it does not restyle the studio
    rules = []
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        sels = [x.strip() for x in sel.split(",") if x.strip()]
        if not sels or any(x in ("body",) for x in sels):
            continue
        rules.append(", ".join(f"#lab-side {x}" for x in sels) + " {" + body + "}")
    return f"<style>{chr(10).join(rules)}</style><div id='lab-side'>{html}</div>"


def layout(p: Page) -> None:
    from ...metrics import METRICS

    tropes = trope_choices()
    vchoices = variant_choices()
    gr.Markdown("Compare prompt variants on the same tropes and seeds: each cell writes a short season "
                "(a 10-episode plan, beat sheets for the first episodes) and is measured "
                "(see `docs/metrics.md`). Larger grids: `dramagen lab run EXPERIMENT.yaml`.")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=300):
            p.lab_variants = gr.CheckboxGroup(vchoices, value=[v for _, v in vchoices[:2]], label="Prompt variants",
                                              elem_id="lab-variants")
            p.lab_tropes = gr.Dropdown(tropes, value=[first_trope(tropes)], multiselect=True, label="Tropes",
                                       elem_id="lab-tropes")
            p.lab_seeds = gr.Textbox("1", label="Seeds (comma-separated)", elem_id="lab-seeds")
        with gr.Column(scale=2, min_width=260):
            p.lab_stage = gr.Radio(["bible", "plan", "beats"], value="beats", label="Up to stage", elem_id="lab-stage")
            p.lab_episodes = gr.Slider(1, 5, value=1, step=1, label="Episodes with beat sheets", elem_id="lab-episodes")
            p.lab_model = gr.Dropdown(p.model_choices, value=p.default_model, label="Model", allow_custom_value=True,
                                      elem_id="lab-model")
            with gr.Row():
                p.lab_temp = gr.Slider(0, 2, value=0.8, step=0.05, label="Temperature", elem_id="lab-temp")
                p.lab_cands = gr.Slider(1, 8, value=4, step=1, label="Candidates per slot", elem_id="lab-cands")
            p.lab_go = gr.Button("Run the grid", variant="primary", elem_id="lab-run")
    p.lab_status = gr.Markdown(elem_id="lab-status")
    labels = {m.name: m.label for m in METRICS}
    p.lab_table = gr.Dataframe(headers=["variant", "runs"] + [labels[m] for m in SUMMARY_METRICS], type="array",
                               interactive=False, wrap=True, elem_id="lab-table",
                               label="Metric by variant (mean ± sd over tropes × seeds)")
    p.lab_plot = gr.Image(label="Every metric by variant (each point one run)", type="filepath", interactive=False,
                          elem_id="lab-plot")
    p.lab_plot_trope = gr.Image(label="Key metrics by trope (mean over seeds ± sd)", type="filepath",
                                interactive=False, elem_id="lab-plot-trope")
    with gr.Row():
        p.lab_a = gr.Dropdown([], label="Run A", elem_id="lab-a")
        p.lab_b = gr.Dropdown([], label="Run B", elem_id="lab-b")
        p.lab_cmp = gr.Button("Side by side", scale=0, min_width=140, elem_id="lab-compare")
    p.lab_side = gr.HTML(elem_id="lab-side-panel")
    p.lab_files = gr.File(label="Report and results", file_count="multiple", interactive=False, elem_id="lab-files")


def _results(res: Any, out: Path) -> tuple:
    """The tab's outputs for a finished grid: status, table, plots, runs A and B, side by side, files."""
    _, rows = summary_rows(res.rows)
    done = [r for r in res.rows if r.get("status") == "done"]
    choices = [(f"{r['id']}", str(out / "runs" / r["id"])) for r in done]
    a = b = None
    configs = list(dict.fromkeys(r["config"] for r in done))
    if done:
        ra = done[0]
        rb = next((r for r in done if r["config"] != ra["config"] and r["trope"] == ra["trope"]
                   and r["seed"] == ra["seed"]), done[1] if len(done) > 1 else done[0])
        a, b = str(out / "runs" / ra["id"]), str(out / "runs" / rb["id"])
    side = side_html(Path(a), Path(b)) if a and b else ""
    pngs = (out / "plots" / "metrics.png", out / "plots" / "by_trope.png")
    plot, plot_trope = (next(iter(_public_copy([x])), None) for x in pngs)
    files = _public_copy([out / "report.html", out / "results.csv", out / "results.jsonl"])
    failed = f", {res.failed} failed" if res.failed else ""
    status = f"✓ {len(done)}/{res.cells} runs done ({len(configs)} variant(s)){failed} · saved in `{out}`"
    return (status, rows, plot, plot_trope, gr.update(choices=choices, value=a),
            gr.update(choices=choices, value=b), side, files)


def lab_run(variants: list[str] | None = None, tropes_: list[str] | None = None, seeds: str = "1",
            stage: str = "beats", episodes: float = 1, model: str | None = None, temperature: float = 0.8,
            candidates: float = 4, progress=gr.Progress()):
    from ...lab import plan_cells, run_experiment

    try:
        exp = make_experiment(variants, tropes_, seeds, stage, episodes, model, temperature, candidates)
        cells = plan_cells(exp)
        if len(cells) > UI_MAX_CELLS:
            raise gr.Error(f"grid: {len(cells)} cells; the Lab tab runs at most {UI_MAX_CELLS} "
                           "(fewer variants, tropes or seeds, or use `dramagen lab run --yes`)", title="Too large")
        out = lab_root() / f"{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"

        def tick(done: int, total: int, run_id: str, msg: str) -> None:
            progress((done, total), desc=f"{run_id}: {msg}"[:120])

        res = run_experiment(exp, out, generator_for=session.generator, progress=tick)
    except DramagenError as e:
        raise gr.Error(str(e), title="Lab") from None
    return _results(res, out)


def lab_compare(run_a: str | None, run_b: str | None) -> str:
    try:
        return side_html(inside_lab(run_a, "run_a"), inside_lab(run_b, "run_b"))
    except DramagenError as e:
        raise gr.Error(str(e), title="Compare") from None


def wire(p: Page) -> None:
    p.lab_go.click(lab_run, [p.lab_variants, p.lab_tropes, p.lab_seeds, p.lab_stage, p.lab_episodes, p.lab_model,
                             p.lab_temp, p.lab_cands],
                   [p.lab_status, p.lab_table, p.lab_plot, p.lab_plot_trope, p.lab_a, p.lab_b, p.lab_side,
                    p.lab_files], api_name="lab_run", concurrency_id="generate", show_progress_on=[p.lab_status])
    p.lab_cmp.click(lab_compare, [p.lab_a, p.lab_b], p.lab_side, api_name="lab_compare")
