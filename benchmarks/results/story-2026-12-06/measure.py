"""Metrics of the story before/after experiment (issue 14), with the CURRENT code.

    .venv/bin/python benchmarks/results/story-2026-12-06/measure.py /tmp/story-exp > metrics.csv

For every season ROOT/{before,after}/NAME: dramagen.metrics.season_dir_metrics(path, "beats");
premise coverage by hand for a 'before' free-text season (it has no premise.json: the premise is
parsed with today's parser); raw_premise_coverage = content words of the premise as the user wrote
it (a catalogue trope: its pitch) found in the bible and plan, so that the parser's own assumptions
cannot raise it; `dramagen check --json` (current code) summarised; the run's wall time from its log.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import premises  # noqa: E402

from dramagen.metrics import season_dir_metrics  # noqa: E402
from dramagen.season import SeasonDir  # noqa: E402
from dramagen.story.grounding import stem  # noqa: E402
from dramagen.story.metrics import _texts, premise_coverage, premise_words  # noqa: E402
from dramagen.story.premise import parse_premise  # noqa: E402
from dramagen.tropes import get_trope  # noqa: E402

COLS = ["premise_coverage", "raw_premise_coverage", "event_grounding", "payoff_rate", "continuity_violations",
        "dialogue_share", "action_words", "valid_rate", "fallback_rate", "seconds_per_episode",
        "check_structural_pass", "check_ok", "check_findings", "wall_s"]
_WORD = re.compile(r"[A-Za-z]+")
_STOP = set("""the and her his their with from that this who whom what when where which into over under about for
has have had was were are is she he they them been being than then there here also only just very life must
after before while until takes learns discovers plans finds found years ago three ten new man woman""".split())


def premise_text(name: str) -> str:
    return premises.CUSTOM.get(name) or get_trope(name).pitch


def raw_coverage(text: str, sd: SeasonDir) -> float:
    need = {stem(w.lower()) for w in _WORD.findall(text) if len(w) > 3 and w.lower() not in _STOP}
    plan = sd.load_plan() if sd.has_plan() else None
    have = {stem(w.lower()) for t in _texts(sd.load_bible(), plan) for w in _WORD.findall(t or "")}
    return len(need & have) / len(need)


def check(path: Path) -> dict:
    """`dramagen check --json`: structural pass over the episodes WRITTEN (beats 1-4; 'tiling.missing' of
    the unwritten 5-10 is not counted), and the findings of every section by section and rule."""
    r = subprocess.run([sys.executable, "-m", "dramagen", "check", "--json", str(path)],
                       capture_output=True, text=True)
    d = json.loads(r.stdout)
    written = set(SeasonDir(path).episodes_done("beats"))
    found = [f for f in d["findings"] if f["rule"] != "tiling.missing"]
    bad = {f["episode"] for f in found if f["section"] == "beats" and f["episode"] in written}
    by: dict[str, int] = {}
    for f in found:
        by[f["rule"]] = by.get(f["rule"], 0) + 1
    return {"check_structural_pass": (len(written) - len(bad)) / len(written) if written else None,
            "check_ok": not found, "check_findings": ";".join(f"{k}={v}" for k, v in sorted(by.items())) or "0"}


def wall(log: Path) -> float | None:
    text = log.read_text(errors="replace") if log.exists() else ""
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", text)
    if not m:
        return None
    return int(m[1] or 0) * 3600 + int(m[2]) * 60 + float(m[3])


def row(root: Path, which: str, name: str) -> dict:
    path = root / which / name
    sd = SeasonDir(path)
    m = season_dir_metrics(path, "beats")
    if m.get("premise_coverage") is None and name in premises.CUSTOM:
        p = parse_premise(premises.CUSTOM[name])
        m["premise_coverage"] = premise_coverage(premise_words(p), sd.load_bible(), sd.load_plan())
    out = {"code": which, "season": name, **{k: m.get(k) for k in COLS}}
    out["raw_premise_coverage"] = raw_coverage(premise_text(name), sd)
    out.update(check(path))
    out["wall_s"] = wall(root / which / f"{name}.log")
    man = sd.load_manifest()  # beats seconds per episode written (a 10-episode before run trimmed to 1-4 included)
    out["seconds_per_episode"] = man.seconds.get("episodes", 0) / len(man.episodes_done) if man.episodes_done else None
    return out


def main() -> None:
    root = Path(sys.argv[1])
    codes = sys.argv[2:] or ["before", "after"]  # ROOT/CODE/NAME for each code (the second round: before after2)
    w = csv.DictWriter(sys.stdout, ["code", "season", *COLS])
    w.writeheader()
    for which in codes:
        for name in premises.SEASONS:
            if (root / which / name / "plan.json").exists():
                r = row(root, which, name)
                w.writerow({k: (round(v, 4) if isinstance(v, float) else v) for k, v in r.items()})


if __name__ == "__main__":
    main()
