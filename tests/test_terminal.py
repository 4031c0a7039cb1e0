"""Terminal output (issue 15): `check`, `tropes list`, `batch status`, `lab compare` at 80 columns in a pipe.

No line wider than the terminal, long titles cut with an ellipsis, every failing rule (and every batch
error) named in full under the table, ``--json`` for machines.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from dramagen.project.findings import SECTIONS, Finding, check_folder
from dramagen.project.pipeline import generate_season, make_request
from dramagen.terminal import ellipsize, print_compare, print_findings

from .stand_in import StubGenerator

LONG_TITLE = "The Night the Alpha's Long-Lost Brother Came Home to the Pack Hall and Told Everyone"


def cli(*args: str, columns: int = 80) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("FORCE_COLOR", None)
    return subprocess.run([sys.executable, "-m", "dramagen", *args], capture_output=True, text=True, env=env,
                          timeout=120)  # stdout is a pipe: no tty


def fits(text: str, width: int = 80) -> None:
    wide = [line for line in text.splitlines() if cell_len(line) > width]
    assert not wide, wide
    assert "\x1b[" not in text  # no colour codes in a pipe


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def broken_season(tmp_path_factory) -> Path:
    """A 10-episode season (stand-in, through the scripts) with failures in both sections and a long title."""
    out = tmp_path_factory.mktemp("term") / "season"
    generate_season(make_request(trope="werewolf-rejected-mate", episodes=10, paywall=5, seed=3, candidates=1), out,
                    generator=StubGenerator(), stop_after="script")
    plan = json.loads((out / "plan.json").read_text())
    plan["episodes"][2]["title"] = LONG_TITLE
    plan["episodes"][3]["characters"].append("Marra Blackwoodington")  # names.character
    (out / "plan.json").write_text(json.dumps(plan))
    beats = json.loads((out / "episodes" / "ep002" / "beats.json").read_text())
    beats["beats"][2]["start"] += 1.5  # tiling.gap and timing.estimate
    (out / "episodes" / "ep002" / "beats.json").write_text(json.dumps(beats))
    script = json.loads((out / "episodes" / "ep006" / "script.json").read_text())
    script["estimated_seconds"] += 3  # scripts: timing.estimate
    (out / "episodes" / "ep006" / "script.json").write_text(json.dumps(script))
    shutil.rmtree(out / "episodes" / "ep005")  # tiling.missing
    return out


def test_check_at_80_columns_in_a_pipe(broken_season):
    r = cli("check", str(broken_season))
    assert r.returncode == 1, r.stderr
    fits(r.stdout)
    result = check_folder(broken_season)
    rules = {(f.section, f.rule) for f in result.findings}
    assert {("beats", "tiling.gap"), ("beats", "tiling.missing"), ("beats", "names.character"),
            ("scripts", "timing.estimate")} <= rules
    text = flat(r.stdout)
    for f in result.findings:  # every failing rule, named and explained in full under the tables
        assert f"{f.where} {f.rule}: {flat(f.message)}" in text, f
    assert "Failing rules, beats (" in r.stdout and "Failing rules, scripts (1):" in r.stdout
    row = next(line for line in r.stdout.splitlines() if line.lstrip().startswith("3 "))
    assert "The Night the Alpha" in row and "…" in row and LONG_TITLE not in r.stdout  # cut, on one line
    assert "FAIL: 7/10 episodes pass" in r.stdout


def test_check_json(broken_season, tmp_path):
    r = cli("check", str(broken_season), "--json")
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    assert data["ok"] is False and data["beats"]["episodes"] == 10 and len(data["scripts"]) == 9
    assert {(f["section"], f["rule"]) for f in data["findings"]} >= {("beats", "tiling.missing"),
                                                                      ("scripts", "timing.estimate")}
    assert any(row["title"] == LONG_TITLE for row in data["beats"]["rows"])  # JSON keeps everything in full
    ok = tmp_path / "ok"
    generate_season(make_request(trope="hidden-heir", episodes=10, paywall=5, seed=1, candidates=1), ok,
                    generator=StubGenerator(), stop_after="beats")
    good = cli("check", str(ok), "--json")
    assert good.returncode == 0 and json.loads(good.stdout)["findings"] == []


def test_further_sections_render_generically(broken_season, monkeypatch):
    """A section added to findings.SECTIONS (the continuity checks, later) is listed like the others."""
    def continuity(season):
        return [Finding(section="continuity", rule="continuity.secret", episode=4,
                        message="Luna learns the secret in episode 4 but already knew it in episode 2 " * 2)]

    monkeypatch.setitem(SECTIONS, "continuity", continuity)
    result = check_folder(broken_season)
    assert list(result.sections())[-1] == "continuity" and not result.ok
    out = io.StringIO()
    print_findings(Console(file=out, width=80), result.findings)
    fits(out.getvalue())
    assert "Failing rules, continuity (1):" in out.getvalue()
    assert flat("ep 4 continuity.secret: " + continuity(None)[0].message) in flat(out.getvalue())


def test_tropes_list_fits_and_json_is_whole():
    r = cli("tropes", "list")
    assert r.returncode == 0, r.stderr
    fits(r.stdout)
    data = json.loads(cli("tropes", "list", "--json").stdout)
    assert len(data) >= 20 and all({"id", "name", "pitch"} <= set(t) for t in data)
    lines = r.stdout.splitlines()
    for t in data:  # one line a trope; the id (what --trope takes) is never cut
        assert sum(1 for line in lines if line.startswith(t["id"] + " ")) == 1, t["id"]
    assert any(line.endswith("…") for line in lines)  # the pitches are cut


def test_batch_status_fits_and_lists_errors_in_full(tmp_path):
    out = tmp_path / "batch"
    long_name = "a-season-with-a-very-long-name-that-does-not-fit-in-its-column"
    for name, error in (("wolf", None), (long_name, "model: the server at http://127.0.0.1:9/v1 did not answer "
                                                    "within 30 s (connection refused); is it running? " * 2)):
        d = out / name
        d.mkdir(parents=True)
        (d / "request.json").write_text(make_request(trope="hidden-heir", episodes=10, paywall=5).model_dump_json())
        if error:
            (d / "error.json").write_text(json.dumps({"error": error}))
    r = cli("batch", "status", str(out))
    assert r.returncode == 0, r.stderr
    fits(r.stdout)
    assert "errors (1):" in r.stdout and flat(f"{long_name}: {error}") in flat(r.stdout)
    data = json.loads(cli("batch", "status", str(out), "--json").stdout)
    assert data["failed"] == 1 and data["remaining"] == 1 and data["seasons"][0]["error"] == error


def test_lab_compare_fits():
    beat = {"kind": "hook", "start": 0.0, "end": 4.5, "location": "PACK HALL",
            "action": "Mara slams the proof onto the table and stares the whole pack down, " * 3,
            "lines": ["MARA: You never wanted me, you wanted the title that came with me."]}
    c = {"labels": ["baseline-werewolf-rejected-mate-s3-with-a-long-variant-name", "beats-screen-variant"],
         "trope": "werewolf-rejected-mate", "seeds": [3, 3],
         "prompts": [{"name": "beats/line.j2", "a": "a" * 64, "b": "b" * 64}],
         "episodes": [{"number": 1, "plan": [{"title": LONG_TITLE}, None], "beats": [(beat, beat), (beat, None)],
                       "runtime": [74.5, None]}]}
    out = io.StringIO()
    print_compare(Console(file=out, width=80), c)
    fits(out.getvalue())
    assert "runtime A 74.5 s · B —" in out.getvalue() and "Episode 1: The Night" in out.getvalue()


def test_ellipsize():
    assert ellipsize("short", 10) == "short"
    assert ellipsize("a  b\nc", 10) == "a b c"
    assert ellipsize("abcdefghij", 5) == "abcd…" and cell_len(ellipsize("漢字漢字漢字", 5)) <= 5
