"""Two runs side by side: bibles, plans, beat sheets, metrics and the prompts that differ
(a dict for the terminal, an HTML page, or a fragment for the studio).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..core.errors import DramagenError, InputError
from ..metrics import METRICS, season_dir_metrics
from ..project.season import SeasonDir
from .results import fmt, load_run


def _beat_rows(sd: SeasonDir, n: int, bible) -> list[dict]:
    if not sd.beats_path(n).exists():
        return []
    rows = []
    for b in sd.load_beats(n).beats:
        lines = []
        for ln in b.lines:
            ch = bible.character(ln.character)
            cue = ch.cue if ch else ln.character.upper()
            lines.append(f"{cue}{f' ({ln.parenthetical})' if ln.parenthetical else ''}: {ln.text}")
        rows.append({"index": b.index, "kind": b.kind, "start": b.start, "end": b.end, "location": b.location,
                     "action": b.action, "lines": lines})
    return rows


def compare_runs(run_a: str | Path, run_b: str | Path, *, force: bool = True) -> dict:
    """Side by side: two runs' bibles, plans and beat sheets (episode by episode).

    ``force=False`` refuses runs of different tropes or seeds (the CLI's default)."""
    a, b = Path(run_a), Path(run_b)
    recs = []
    for p in (a, b):
        if not (p / "bible.json").exists():
            raise InputError("run", str(p), "a lab run or season folder (with bible.json)")
        recs.append(load_run(p) if (p / "run.json").exists() else {"id": p.name, "cell": {}})
    sa, sb = SeasonDir(a), SeasonDir(b)
    ra, rb = sa.load_request(), sb.load_request()
    if not force and (ra.trope, ra.seed) != (rb.trope, rb.seed):
        raise InputError("run_b", str(b), f"a run of the same trope and seed as {a.name} ({ra.trope}, seed {ra.seed})",
                         f"it is {rb.trope}, seed {rb.seed}; add --force to compare anyway")
    ba, bb = sa.load_bible(), sb.load_bible()
    pa = sa.load_plan() if sa.has_plan() else None
    pb = sb.load_plan() if sb.has_plan() else None
    eps = sorted(set(sa.episodes_done()) | set(sb.episodes_done()))
    if not eps and pa is not None and pb is not None:
        eps = [e.number for e in pa.episodes][: min(len(pa.episodes), len(pb.episodes))]
    episodes = []
    for n in eps:
        ea = pa.episode(n) if pa and n <= len(pa.episodes) else None
        eb = pb.episode(n) if pb and n <= len(pb.episodes) else None
        xa, xb = _beat_rows(sa, n, ba), _beat_rows(sb, n, bb)
        pairs_ = [(xa[i] if i < len(xa) else None, xb[i] if i < len(xb) else None)
                  for i in range(max(len(xa), len(xb)))]
        episodes.append({
            "number": n,
            "plan": [(ea.model_dump() if ea else None), (eb.model_dump() if eb else None)],
            "runtime": [sa.load_beats(n).runtime if sa.beats_path(n).exists() else None,
                        sb.load_beats(n).runtime if sb.beats_path(n).exists() else None],
            "beats": pairs_,
        })
    metrics = []
    for p in (a, b):
        try:
            metrics.append(season_dir_metrics(p, load_run(p).get("stage") if (p / "run.json").exists() else None))
        except DramagenError:
            metrics.append({})
    labels = []
    for p, rec in zip((a, b), recs):
        c = rec.get("cell", {})
        labels.append(rec.get("config") or c.get("variant") or p.name)
    if labels[0] == labels[1]:
        labels = [a.name, b.name]
    return {
        "runs": [str(a), str(b)], "ids": [recs[0].get("id", a.name), recs[1].get("id", b.name)], "labels": labels,
        "records": recs, "trope": ra.trope, "seeds": [ra.seed, rb.seed],
        "same": (ra.trope, ra.seed) == (rb.trope, rb.seed),
        "bible": [ba.model_dump(), bb.model_dump()], "episodes": episodes, "metrics": metrics,
        "prompts": _prompt_diff(recs),
    }


def _prompt_diff(recs: Sequence[dict]) -> list[dict]:
    pa, pb = recs[0].get("prompts", {}), recs[1].get("prompts", {})
    oa, ob = recs[0].get("prompt_origins", {}), recs[1].get("prompt_origins", {})
    out = []
    for name in sorted(set(pa) | set(pb)):
        if pa.get(name) != pb.get(name):
            out.append({"name": name, "a": oa.get(name, "—"), "b": ob.get(name, "—"),
                        "sha_a": (pa.get(name) or "")[:12], "sha_b": (pb.get(name) or "")[:12]})
    return out


def render_compare_html(cmp: dict) -> str:
    """A whole HTML page: two runs side by side (``lab_compare.html.j2``)."""
    from ..screen.export import templates

    return templates().render("lab_compare.html.j2", c=cmp, metrics=METRICS, fmt=fmt, version=__version__).text


def render_compare_fragment(cmp: dict) -> tuple[str, str]:
    """``(html, css)``: the side-by-side fragment (``lab_side.html.j2``) and the lab's styles, to embed."""
    from ..screen.export import templates

    lib = templates()
    return (lib.render("lab_side.html.j2", c=cmp, metrics=METRICS, fmt=fmt).text,
            lib.render("lab_style.css.j2").text)
