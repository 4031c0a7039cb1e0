"""The prompt lab (dramagen.lab, `dramagen lab …`, the studio's Lab tab).

Grids run on a fast stand-in model whose every call depends only on its seed and prompts
(as with a real seeded model), so that re-running a recorded run must give the same files.
``test_real_model_rerun_is_identical`` does it once with the default model.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dramagen.core.errors import InputError, UnknownTropeError
from dramagen.core.prompting import prompts_dir
from dramagen.lab import (
    MAX_CELLS,
    compare_runs,
    load_experiment,
    parse_experiment,
    plan_cells,
    render_compare_html,
    rerun,
    run_experiment,
)

from .stand_in import SeededStub

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "prompts" / "experiments" / "beats-variants.yaml"


def make_seeded(**kw) -> SeededStub:
    """Registry factory (``tests.test_lab:make_seeded``) for CLI subprocesses."""
    return SeededStub()


def small(**over) -> dict:
    data = {
        "name": "t", "stage": "beats", "episodes": 2,
        "season": {"episodes": 10, "length": 75, "paywall": 5, "candidates": 3},
        "variants": [{"name": "baseline"}, {"name": "screen", "overlay": "variants/beats-screen"}],
        "models": ["stub"], "tropes": ["werewolf-rejected-mate"], "seeds": [1, 2],
    }
    data.update(over)
    return data


def _stub_registry_file(folder: Path) -> Path:
    from dramagen.llm.registry import registry_path

    real = yaml.safe_load(Path(registry_path()).read_text())
    real.setdefault("models", {})["stub"] = {
        "description": "lab test stand-in", "backend": "python",
        "source": {"kind": "python", "factory": "tests.test_lab:make_seeded"}, "license": "Apache-2.0"}
    path = folder / "registry.yaml"
    path.write_text(yaml.safe_dump(real, sort_keys=False))
    return path


@pytest.fixture
def stub_registry(tmp_path, monkeypatch):
    """A registry with ``stub`` (SeededStub) next to the real models; set for this process too."""
    path = _stub_registry_file(tmp_path)
    monkeypatch.setenv("DRAMAGEN_REGISTRY", str(path))
    return path


@pytest.fixture
def gen_for():
    stub = SeededStub()
    return stub, (lambda model: stub)


# --------------------------------------------------------------------------- bad input, before any generation


def never(model):  # a generator_for that fails the test if anything is generated
    raise AssertionError("generation started")


@pytest.mark.parametrize("data, field, words", [
    (small(colour="red"), "experiment.colour", "unknown key"),
    (small(variants=[{"name": "x", "overlays": "variants/beats-screen"}]), "experiment.variants.0.overlays",
     "unknown key"),
    (small(season={"episodes": 10, "lenght": 75}), "experiment.season.lenght", "unknown key"),
    (small(sampling=[{"temp": 0.5}]), "experiment.sampling.0.temp", "unknown key"),
    (small(tropes=[]), "experiment.tropes", "grid is empty"),
    (small(seeds=[], variants=[]), "experiment.variants", "variants, seeds have no entries"),
    (small(variants=[{"name": "gone", "overlay": "variants/no-such-folder"}]), "experiment.variants.0.overlay",
     "not found"),
    (small(variants=[{"name": "out", "overlay": "../src"}]), "experiment.variants.0.overlay", "inside prompts/"),
    (small(variants=[{"name": "abs", "overlay": "/etc"}]), "experiment.variants.0.overlay", "relative to prompts/"),
    (small(variants=[{"name": "f", "files": {"beats/action.j2": "variants/missing.j2"}}]),
     "experiment.variants.0.files.beats/action.j2", "not found"),
    (small(variants=[{"name": "f", "files": {"beats/nope.j2": "beats/line.j2"}}]), "experiment.variants.0.files",
     "template name"),
    (small(variants=[{"name": "empty", "overlay": "tropes"}]), "experiment.variants.0.overlay", ".j2 templates"),
    (small(variants=[{"name": "a"}, {"name": "a"}]), "experiment.variants", "appears twice"),
    (small(stage="shooting"), "experiment.stage", "'bible', 'plan', 'beats' or 'script'"),
    (small(seeds=[-1]), "experiment.seeds", "outside"),
    (small(sampling=[{"temperature": 9}]), "experiment.sampling.0.temperature", "less than or equal to 5"),
    (small(episodes=11), "experiment.episodes", "season.episodes"),
    (small(name=None), "experiment.name", "string"),
])
def test_bad_experiments_fail_before_generation(tmp_path, data, field, words):
    out = tmp_path / "lab"
    with pytest.raises(InputError) as e:
        run_experiment(parse_experiment(data), out, generator_for=never)
    assert e.value.field == field, str(e.value)
    assert words in str(e.value)
    assert "\n" not in str(e.value)
    assert not out.exists()  # nothing written, nothing generated


def test_unknown_trope_and_model_fail_before_generation(tmp_path, stub_registry):
    with pytest.raises(UnknownTropeError, match="werewolf-rejected-mate"):
        run_experiment(parse_experiment(small(tropes=["werewolf-rejected-mat"])), tmp_path / "a", generator_for=never)
    from dramagen.core.errors import UnknownModelError

    with pytest.raises(UnknownModelError):
        run_experiment(parse_experiment(small(models=["no-such-model"])), tmp_path / "b", generator_for=never)
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_experiment_file_errors(tmp_path):
    p = tmp_path / "e.yaml"
    p.write_text("name: x\nvariants: [\n")
    with pytest.raises(InputError, match="valid YAML"):
        load_experiment(p)
    p.write_text("- just a list\n")
    with pytest.raises(InputError, match="a mapping"):
        load_experiment(p)
    with pytest.raises(InputError, match="readable"):
        load_experiment(tmp_path / "missing.yaml")


def test_grid_over_the_limit_needs_yes(tmp_path, stub_registry, gen_for):
    exp = parse_experiment(small(seeds=list(range(26))))  # 2 variants × 26 seeds = 52 cells
    assert len(plan_cells(exp)) == 52 > MAX_CELLS
    with pytest.raises(InputError, match="--yes") as e:
        run_experiment(exp, tmp_path / "big", generator_for=never)
    assert e.value.field == "grid" and not (tmp_path / "big").exists()
    small_exp = parse_experiment(small(seeds=[1, 2], episodes=1))
    with pytest.raises(InputError, match="at most 3 cells"):
        run_experiment(small_exp, tmp_path / "s", max_cells=3, generator_for=never)
    res = run_experiment(small_exp, tmp_path / "s", max_cells=3, yes=True, generator_for=gen_for[1], report=False)
    assert res.ran == 4


def test_sample_experiment_is_valid(stub_registry):
    exp = load_experiment(SAMPLE)
    cells = plan_cells(exp)
    assert len(cells) == 18  # 2 beat-sheet variants × 3 tropes × 3 seeds
    assert {c.variant.name for c in cells} == {"baseline", "beats-screen"}
    assert len({c.trope for c in cells}) == 3 and {c.seed for c in cells} == {1, 2, 3}
    assert exp.stage == "beats" and exp.episodes <= 5
    lib = next(c for c in cells if c.variant.name == "beats-screen").variant.library()
    assert lib.origin("beats/action.j2") == prompts_dir() / "variants" / "beats-screen" / "beats" / "action.j2"


# --------------------------------------------------------------------------- a grid on the stand-in


@pytest.fixture(scope="module")
def lab_once(tmp_path_factory):
    """The small experiment, run once for the module (3.6 s a run: seven tests read it)."""
    base = tmp_path_factory.mktemp("lab-once")
    events: list = []
    stub = SeededStub()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRAMAGEN_REGISTRY", str(_stub_registry_file(base)))
        res = run_experiment(parse_experiment(small()), base / "lab", generator_for=lambda m: stub,
                             progress=lambda d, t, i, m: events.append((d, t, i, m)))
    return res, base / "lab", events


@pytest.fixture
def lab(lab_once, tmp_path, stub_registry):
    """A copy of the module's run, the test's own to change (a run's files name no folder above it)."""
    res, src, events = lab_once
    out = tmp_path / "lab"
    shutil.copytree(src, out)
    return res, out, list(events)


def test_run_writes_runs_results_and_report(lab):
    res, out, events = lab
    assert (res.cells, res.ran, res.failed) == (4, 4, 0)
    ids = sorted(p.name for p in (out / "runs").iterdir())
    assert ids == ["baseline-werewolf-rejected-mate-s1", "baseline-werewolf-rejected-mate-s2",
                   "screen-werewolf-rejected-mate-s1", "screen-werewolf-rejected-mate-s2"]
    assert events[-1][:2] == (4, 4)
    # results: CSV and JSON Lines, one row per run, every metric
    import csv

    rows = list(csv.DictReader((out / "results.csv").open()))
    assert len(rows) == 4 and {r["variant"] for r in rows} == {"baseline", "screen"}
    jl = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert len(jl) == 4
    from dramagen.metrics import METRICS

    for m in METRICS:
        assert m.name in rows[0]
    assert all(r["episodes"] == 2 and r["valid_rate"] is not None for r in jl)
    # report: tables, embedded plots (also as PNG files), side by side
    html = (out / "report.html").read_text()
    assert html.count('src="data:image/png;base64,') == 2
    for png in ("metrics.png", "by_trope.png"):
        assert (out / "plots" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Metric by variant" in html and "Side by side" in html and "structural validity" in html
    assert "baseline-werewolf-rejected-mate-s1" in html


def test_run_json_is_a_manifest(lab):
    _, out, _ = lab
    base = json.loads((out / "runs" / "baseline-werewolf-rejected-mate-s1" / "run.json").read_text())
    var = json.loads((out / "runs" / "screen-werewolf-rejected-mate-s1" / "run.json").read_text())
    for rec in (base, var):
        assert rec["status"] == "done" and rec["stage"] == "beats" and rec["episodes"] == [1, 2]
        assert rec["cell"]["seed"] == 1 and rec["request"]["seed"] == 1 and rec["request"]["model"] == "stub"
        assert rec["versions"]["dramagen"] and rec["versions"]["python"]
        assert rec["model"]["backend"] == "stub"
        assert {"beats/event_action.j2", "beats/event_line.j2", "bible/title.j2",
                "plan/event_synopsis.j2"} <= set(rec["prompts"])
    # the variant's beat prompts differ (by hash and origin); the rest is shared
    assert var["prompts"]["beats/event_action.j2"] != base["prompts"]["beats/event_action.j2"]
    assert var["prompt_origins"]["beats/event_action.j2"] == "variants/beats-screen/beats/event_action.j2"
    assert base["prompt_origins"]["beats/event_action.j2"] == "beats/event_action.j2"
    assert var["prompts"]["plan/event_synopsis.j2"] == base["prompts"]["plan/event_synopsis.j2"]
    manifest = json.loads((out / "runs" / "screen-werewolf-rejected-mate-s1" / "manifest.json").read_text())
    assert manifest["prompts"] == var["prompts"]
    # the variant's bible and plan were copied from the baseline's (same prompts, model, seed)
    assert var["reused"] == {"from": "baseline-werewolf-rejected-mate-s1", "parts": ["bible", "plan"]}
    assert base["reused"] is None
    for f in ("bible.json", "plan.json"):
        assert (out / "runs" / "screen-werewolf-rejected-mate-s1" / f).read_bytes() == \
            (out / "runs" / "baseline-werewolf-rejected-mate-s1" / f).read_bytes()
    # the variants wrote their beats from different prompts (recorded in each run's manifest). The stand-in's
    # lines rarely pass a story event's checks, so both runs may keep the same authored phrases: the beats'
    # bytes can be equal here, unlike with a real model
    base_manifest = json.loads((out / "runs" / "baseline-werewolf-rejected-mate-s1" / "manifest.json").read_text())
    for name in ("beats/event_action.j2", "beats/event_line.j2"):
        assert manifest["prompts"][name] != base_manifest["prompts"][name]


@pytest.mark.parametrize("run_id", ["baseline-werewolf-rejected-mate-s2", "screen-werewolf-rejected-mate-s2"])
def test_rerun_gives_identical_files(lab, run_id):
    """A fresh run of the recorded cell (the variant's bible and plan written again, not copied) equals it."""
    _, out, _ = lab
    res = rerun(out / "runs" / run_id, generator_for=lambda m: SeededStub())
    assert res.identical, res.differences
    assert res.notes == []  # the same model, as recorded
    assert res.out == out / "reruns" / run_id and res.compared >= 10
    assert json.loads((res.out / "run.json").read_text())["reused"] is None
    again = rerun(out / "runs" / run_id, generator_for=lambda m: SeededStub())
    assert again.out == out / "reruns" / f"{run_id}-2" and again.identical


@pytest.mark.parametrize("stage", ["bible", "plan", "script"])
def test_other_stages_run_and_rerun(tmp_path, stub_registry, gen_for, stage):
    res = run_experiment(parse_experiment(small(stage=stage, episodes=1, seeds=[1])), tmp_path / "lab",
                         generator_for=gen_for[1])
    assert (res.ran, res.failed) == (2, 0)
    row = res.rows[1]
    assert row["stage"] == stage and row["episodes"] == {"bible": 0, "plan": 10, "script": 1}[stage]
    if stage == "script":
        assert row["runtime_error"] is not None and row["hook_rate"] == 1.0
        assert (tmp_path / "lab" / "runs" / row["id"] / "episodes" / "ep001" / "script.fountain").exists()
    assert rerun(tmp_path / "lab" / "runs" / row["id"], generator_for=lambda m: SeededStub()).identical


def test_rerun_reports_differences_and_changed_prompts(lab, tmp_path):
    _, out, _ = lab
    run = out / "runs" / "baseline-werewolf-rejected-mate-s1"
    beats = run / "episodes" / "ep001" / "beats.json"
    beats.write_text(beats.read_text().replace('"index": 2', '"index": 2 ', 1))
    res = rerun(run, tmp_path / "again", generator_for=lambda m: SeededStub())
    assert not res.identical and res.differences == ["differs: episodes/ep001/beats.json"]
    # a prompt edited since the run: refused before generating
    base = tmp_path / "prompts"
    shutil.copytree(prompts_dir(), base, ignore=shutil.ignore_patterns("tropes"))
    (base / "beats" / "line.j2").write_text((base / "beats" / "line.j2").read_text() + "\n")
    with pytest.raises(InputError, match="changed since the run: beats/line.j2"):
        rerun(run, tmp_path / "x", generator_for=never, base=base)
    with pytest.raises(InputError, match="holds files"):
        rerun(run, res.out, generator_for=never)


def test_second_run_resumes_and_other_experiment_is_refused(lab, gen_for):
    _, out, _ = lab
    again = run_experiment(parse_experiment(small()), out, generator_for=never)
    assert (again.ran, again.skipped) == (0, 4) and len(again.rows) == 4
    # an interrupted cell (no run.json) is written again from scratch
    run = out / "runs" / "screen-werewolf-rejected-mate-s2"
    (run / "run.json").unlink()
    (run / "junk.txt").write_text("half")
    third = run_experiment(parse_experiment(small()), out, generator_for=gen_for[1])
    assert (third.ran, third.skipped) == (1, 3) and not (run / "junk.txt").exists()
    with pytest.raises(InputError, match="another experiment"):
        run_experiment(parse_experiment(small(seeds=[7])), out, generator_for=never)


def test_compare_side_by_side(lab):
    _, out, _ = lab
    a, b = out / "runs" / "baseline-werewolf-rejected-mate-s1", out / "runs" / "screen-werewolf-rejected-mate-s1"
    c = compare_runs(a, b, force=False)
    assert c["labels"] == ["baseline", "screen"] and c["same"] and c["trope"] == "werewolf-rejected-mate"
    assert [e["number"] for e in c["episodes"]] == [1, 2]
    pa, pb = c["episodes"][0]["beats"][0]
    assert pa["kind"] == pb["kind"] == "hook"
    # the variant overrides beats/action.j2 too, which event seasons no longer use; beats/line.j2 writes the hook line
    assert {p["name"] for p in c["prompts"]} == {"beats/event_action.j2", "beats/event_line.j2", "beats/line.j2"}
    html = render_compare_html(c)
    assert "baseline" in html and "screen" in html and pa["action"].split()[0] in html
    with pytest.raises(InputError, match="same trope and seed"):
        compare_runs(a, out / "runs" / "screen-werewolf-rejected-mate-s2", force=False)
    assert not compare_runs(a, out / "runs" / "screen-werewolf-rejected-mate-s2")["same"]


def test_sampling_overrides_reach_the_model_and_the_manifest(tmp_path, stub_registry, gen_for):
    stub, gfor = gen_for
    exp = parse_experiment(small(variants=[{"name": "baseline"}], seeds=[1], episodes=1, stage="plan",
                                 sampling=[{"temperature": 0.5, "top_p": 0.9, "candidates": 2}]))
    res = run_experiment(exp, tmp_path / "lab", generator_for=gfor)
    assert res.ran == 1 and res.rows[0]["sampling"] == "t0.5-p0.9-n2"
    assert stub.seen and all(p.temperature == 0.5 and p.top_p == 0.9 for p in stub.seen)
    run = tmp_path / "lab" / "runs" / res.rows[0]["id"]
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["request"]["candidates"] == 2
    assert manifest["params"]["lab.sampling"] == {"temperature": 0.5, "top_p": 0.9, "candidates": 2}
    assert all(v["temperature"] == 0.5 for k, v in manifest["params"].items() if k.startswith("plan."))
    # outside the lab the same generator is untouched
    from dramagen.llm import GenerationParams

    stub.seen.clear()
    stub.generate(["Story: x\nCliffhanger (reveal):"], GenerationParams(temperature=0.9))
    assert stub.seen[0].temperature == 0.9
    assert rerun(run, generator_for=lambda m: SeededStub()).identical


# --------------------------------------------------------------------------- the command line


def cli(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    e = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "dramagen", *args], capture_output=True, text=True, env=e,
                          timeout=timeout, cwd=ROOT)


def test_cli_bad_experiment_is_one_line_exit_2(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(small(shots=3)))
    r = cli("lab", "run", str(p), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    err = r.stderr.strip()
    assert err.startswith("error: experiment.shots:") and "unknown key" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.slow  # 15 s of subprocesses: the default suite runs, reruns and compares in process (tests above)
def test_cli_run_rerun_compare_report(tmp_path, stub_registry):
    env = {"DRAMAGEN_REGISTRY": str(stub_registry)}
    p = tmp_path / "e.yaml"
    p.write_text(yaml.safe_dump(small(seeds=[3], episodes=1)))
    out = tmp_path / "lab"
    dry = cli("lab", "run", str(p), "--out", str(out), "--dry-run", env=env)
    assert dry.returncode == 0 and "2 cells" in dry.stdout and not out.exists()
    big = cli("lab", "run", str(p), "--out", str(out), "--max-cells", "1", env=env)
    assert big.returncode == 2 and "--yes" in big.stderr and not out.exists()
    r = cli("lab", "run", str(p), "--out", str(out), env=env)
    assert r.returncode == 0, r.stderr
    assert "metric by variant" in r.stdout and (out / "report.html").exists()
    run = out / "runs" / "baseline-werewolf-rejected-mate-s3"
    rr = cli("lab", "rerun", str(run), env=env)
    assert rr.returncode == 0 and "identical" in rr.stdout, rr.stdout + rr.stderr
    c = cli("lab", "compare", str(run), str(out / "runs" / "screen-werewolf-rejected-mate-s3"), env=env)
    assert c.returncode == 0, c.stderr
    assert "Episode 1" in c.stdout and "hook" in c.stdout
    page = out / "compare" / "baseline-werewolf-rejected-mate-s3__screen-werewolf-rejected-mate-s3.html"
    assert page.exists() and "<table" in page.read_text()
    (out / "report.html").unlink()
    rep = cli("lab", "report", str(out), env=env)
    assert rep.returncode == 0 and (out / "report.html").exists()
    m = cli("lab", "metrics", str(run), "--json", env=env)
    assert m.returncode == 0 and json.loads(m.stdout)["episodes"] == 1


# --------------------------------------------------------------------------- the studio's Lab tab


def test_ui_lab_tab(tmp_path):
    from dramagen.llm import default_model

    from .test_ui import App

    app = App(tmp_path, delay=0.0)
    try:
        c = app.client()
        status, table, plot, plot_trope, a, b, side, files = c.predict(
            ["baseline", "beats-screen"], ["werewolf-rejected-mate"], "4", "beats", 1, default_model(), 0.8, 3,
            api_name="/lab_run")
        assert "2/2 runs done" in status
        assert [row[0] for row in table["data"]] == ["baseline", "beats-screen"]
        assert Path(plot).read_bytes()[:4] == Path(plot_trope).read_bytes()[:4] == b"\x89PNG"
        assert len(a["choices"]) == 2  # the dropdowns' updates: every run of the grid
        a, b = a["value"], b["value"]
        assert a.endswith("baseline-werewolf-rejected-mate-s4") and b.endswith("beats-screen-werewolf-rejected-mate-s4")
        assert "lab-side" in side and "Episode 1" in side
        assert {Path(f).name for f in files} == {"report.html", "results.csv", "results.jsonl"}
        lab_dirs = list((app.workspace / "lab").iterdir())
        assert len(lab_dirs) == 1 and (lab_dirs[0] / "runs").is_dir()
        assert "Episode 1" in c.predict(a, b, api_name="/lab_compare")
        from gradio_client.exceptions import AppError

        with pytest.raises(AppError, match="not in the list of choices"):  # Gradio refuses other folders
            c.predict("/etc", b, api_name="/lab_compare")
        with pytest.raises(AppError, match="at most 12"):
            c.predict(["baseline", "beats-screen"], ["werewolf-rejected-mate"], "1,2,3,4,5,6,7", "beats", 1,
                      default_model(), 0.8, 3, api_name="/lab_run")
        with pytest.raises(AppError, match="seeds"):
            c.predict(["baseline"], ["werewolf-rejected-mate"], "one", "beats", 1, default_model(), 0.8, 3,
                      api_name="/lab_run")
    finally:
        app.close()


def test_ui_lab_reads_only_lab_runs(tmp_path, monkeypatch):
    from dramagen.studio.tabs.lab import inside_lab as _inside_lab
    from dramagen.studio.tabs.lab import make_experiment, variant_choices

    monkeypatch.setenv("DRAMAGEN_WORKSPACE", str(tmp_path / "ws"))
    run = tmp_path / "ws" / "lab" / "x" / "runs" / "r1"
    run.mkdir(parents=True)
    (run / "run.json").write_text("{}")
    assert _inside_lab(str(run), "run_a") == run.resolve()
    for bad in ("/etc", str(tmp_path), str(run / ".." / ".." / ".." / ".."), ""):
        with pytest.raises(InputError, match="run_a"):
            _inside_lab(bad, "run_a")
    assert ("baseline (prompts/ as shipped)", "baseline") in variant_choices()
    assert "beats-screen" in [v for _, v in variant_choices()]
    exp = make_experiment(["baseline", "beats-screen"], "hidden-heir", "1, 2 2", "beats", 2, None, 0.8, 4)
    assert exp.seeds == [1, 2] and exp.sampling[0].overrides() == {} and exp.variants[1].overlay == [
        "variants/beats-screen"]
    assert make_experiment(["baseline"], ["hidden-heir"], "1", "plan", 1, None, 0.6, 4).sampling[0].temperature == 0.6


# --------------------------------------------------------------------------- the real model


@pytest.mark.model
@pytest.mark.slow
def test_real_model_rerun_is_identical(tmp_path, generator):
    """One short cell (bible, plan, beats of episode 1) on the default model, then its re-run: the same files."""
    exp = parse_experiment({"name": "real", "stage": "beats", "episodes": 1,
                            "season": {"episodes": 10, "candidates": 2},
                            "variants": [{"name": "beats-screen", "overlay": "variants/beats-screen"}],
                            "tropes": ["hidden-heir"], "seeds": [5]})
    res = run_experiment(exp, tmp_path / "lab", generator_for=lambda m: generator, report=False)
    assert res.ran == 1
    again = rerun(tmp_path / "lab" / "runs" / res.rows[0]["id"], generator_for=lambda m: generator)
    assert again.identical, again.differences
