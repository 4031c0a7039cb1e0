"""Terminal output that fits: narrow tables, ellipses, findings in full, JSON for machines.

What the CLI prints for ``check``, ``tropes list``, ``batch status`` and ``lab compare``.
Every table fits the console's width (the terminal's, ``COLUMNS``, or 80 columns in a pipe,
rich's rule): short columns, one line a row, long text (titles, pitches, errors) cut with
an ellipsis in the table; what matters in full (each failing rule, each error) is listed
under the table, wrapped, never cut. Outside a terminal rich prints no colour. ``--json``
prints the same results as JSON (:func:`print_json`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .story.check import COLUMNS, CheckReport

if TYPE_CHECKING:
    from .project.findings import Finding, SeasonCheck

ELLIPSIS = "…"


def ellipsize(text: object, width: int) -> str:
    """``text`` on one line, at most ``width`` terminal cells: cut with ``…`` when longer."""
    s = " ".join(str(text if text is not None else "").split())
    if cell_len(s) <= width:
        return s
    return set_cell_size(s, max(0, width - 1)) + ELLIPSIS if width > 0 else ""


def table(*columns: str, title: str | None = None) -> Table:
    """A compact table: a rule under the header, no side borders, one space between columns."""
    return Table(*columns, title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1),
                 title_justify="left", collapse_padding=True)


def show(console: Console, *renderables: Any) -> None:
    """Print like ``console.print``, without the spaces rich pads each line with (clean in a pipe or a log)."""
    with console.capture() as cap:
        console.print(*renderables)
    console.file.write("\n".join(line.rstrip() for line in cap.get().split("\n")))
    console.file.flush()


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout (no colour, no wrapping: for machines)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


GAP = 2  # cells between two columns of :func:`table`


def sized_table(console: Console, columns: Sequence[tuple[str, int | None]], title: str | None = None) -> Table:
    """:func:`table` with one line a row: each ``(header, width)`` column is that wide (``None``: the one flexible
    column, which takes what is left of the console's width, at least 8); text is cut with ``…``."""
    fixed = sum(w for _, w in columns if w is not None) + GAP * (len(columns) - 1)
    t = table(*(h for h, _ in columns), title=title)
    for col, (_, w) in zip(t.columns, columns):
        col.width = w if w is not None else max(8, console.width - 1 - fixed)
        col.no_wrap, col.overflow = True, "ellipsis"
    return t


def _widest(values: Iterable[str], header: str, cap: int) -> int:
    return min(cap, max([cell_len(header)] + [cell_len(v) for v in values]))


# --------------------------------------------------------------------------- findings (any section)


def print_findings(console: Console, findings: Sequence[Finding], heading: str = "Failing rules") -> None:
    """Every finding in full under the tables, grouped by section: ``ep 3 beat 2  rule  message``
    (the message wraps under itself; the rule is never cut)."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.section, []).append(f)
    for section, items in groups.items():
        console.print(f"{heading}, {section} ({len(items)}):", markup=False, highlight=False)
        grid = Table.grid(padding=(0, 1), pad_edge=False)
        grid.add_column(no_wrap=True, min_width=1)  # indent
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold", ratio=1)
        for f in items:
            msg = Text(f.rule, style="bold")
            msg.append(": " + " ".join(f.message.split()))
            grid.add_row("", f.where, msg)
        show(console, grid)


# --------------------------------------------------------------------------- dramagen check


def _runtime(runtime: float | None, target: float) -> str:
    return "—" if runtime is None else f"{runtime:.1f}/{target:g}"


def _verdict(ok: bool) -> str:
    return "[green]ok[/green]" if ok else "[red]FAIL[/red]"


def check_table(report, console: Console, title: str = "Beats (structural rules)") -> Table:
    """One row per episode: number, title (cut to fit), runtime/target, verdict, the failing columns."""
    failing = {r.episode: ", ".join(c for c in COLUMNS if not getattr(r, c)) for r in report.rows}
    runtimes = {r.episode: _runtime(r.runtime, r.target) for r in report.rows}
    t = sized_table(console, [("Ep", _widest(map(str, failing), "Ep", 4)), ("Title", None),
                              ("Runtime", _widest(runtimes.values(), "Runtime", 12)), ("", 4),
                              ("Failing", _widest(failing.values(), "Failing", 26))], title=title)
    t.columns[0].justify = t.columns[2].justify = "right"
    for r in report.rows:
        t.add_row(str(r.episode), escape(r.title or "—"), runtimes[r.episode], _verdict(r.ok), failing[r.episode])
    return t


def check_summary(report) -> str:
    """``FAIL: 11/12 episodes pass, 1 issue; failing: tiling 1`` (episodes failing each column)."""
    per = ", ".join(f"{c} {report.totals[c]}" for c in COLUMNS if report.totals.get(c))
    n = report.issues
    return (f"{'OK' if report.ok else 'FAIL'}: {report.passed}/{report.episodes} episodes pass, "
            f"{n} issue{'' if n == 1 else 's'}" + (f"; failing: {per}" if per else ""))


def print_check(console: Console, result: SeasonCheck) -> None:
    """``dramagen check``: the episodes table, the scripts table, then every failing rule in full."""
    show(console, check_table(result.beats, console))
    console.print(check_summary(result.beats), markup=False, highlight=False)
    if result.scripts:
        runtimes = [_runtime(s.runtime, s.target) for s in result.scripts]
        t = sized_table(console, [("Ep", _widest((str(s.episode) for s in result.scripts), "Ep", 4)),
                                  ("Title", None), ("Runtime", _widest(runtimes, "Runtime", 12)), ("", 4),
                                  ("Issues", 6)], title="Scripts")
        t.columns[0].justify = t.columns[2].justify = t.columns[4].justify = "right"
        for s, rt in zip(result.scripts, runtimes):
            t.add_row(str(s.episode), escape(s.title or "—"), rt, _verdict(s.ok), str(s.issues))
        show(console, t)
        bad = sum(not s.ok for s in result.scripts)
        console.print(f"scripts: {len(result.scripts) - bad}/{len(result.scripts)} pass", highlight=False)
    if result.filtered:
        console.print("rating filter refused " + ", ".join(f"{n} {k.removeprefix('rating_')}"
                                                           for k, n in result.filtered.items())
                      + " candidate(s) while writing", highlight=False, markup=False)
    if result.findings:
        console.print()
        print_findings(console, result.findings)


# --------------------------------------------------------------------------- tropes, batch, lab


def tropes_table(tropes: Iterable[Any], console: Console) -> Table:
    """id (in full: it is what ``--trope`` takes), name and pitch cut to one line each."""
    tropes = list(tropes)
    t = sized_table(console, [("id", _widest((tr.id for tr in tropes), "id", 40)),
                              ("name", _widest((tr.name for tr in tropes), "name", 26)), ("pitch", None)])
    for tr in tropes:
        t.add_row(escape(tr.id), escape(" ".join(tr.name.split())), escape(" ".join(tr.pitch.split())))
    return t


def batch_status_table(rows: Sequence[dict], console: Console) -> Table:
    """season (cut to fit), state, episodes done/total, the error's first words (in full under the table)."""
    t = sized_table(console, [("season", _widest((r["season"] for r in rows), "season", 32)), ("state", 9),
                              ("episodes", 8), ("error", None)])
    t.columns[2].justify = "right"
    for r in rows:
        t.add_row(escape(r["season"]), r["state"], f"{r['episodes_done']}/{r['episodes']}",
                  escape(" ".join(str(r["error"] or "").split())))
    return t


def print_batch_errors(console: Console, rows: Sequence[dict]) -> None:
    """Each failed season's error in full (wrapped)."""
    failed = [r for r in rows if r.get("error")]
    if not failed:
        return
    console.print(f"errors ({len(failed)}):", highlight=False)
    grid = Table.grid(padding=(0, 1), pad_edge=False)
    grid.add_column(no_wrap=True, min_width=1)
    grid.add_column(overflow="fold", ratio=1)
    for r in failed:
        grid.add_row("", Text(f"{r['season']}: {' '.join(str(r['error']).split())}"))
    show(console, grid)


def compare_table(ep: dict, labels: Sequence[str], console: Console) -> Table:
    """One episode of ``lab compare``: beat, kind, and the two runs' text side by side (wrapped)."""
    side = max(12, (console.width - 2 - 12 - 4) // 2)
    plan = ep["plan"][0] or ep["plan"][1] or {}
    title = ellipsize(f"Episode {ep['number']}: {plan.get('title', '')}", console.width)
    t = Table("#", "kind", f"A · {ellipsize(labels[0], side - 4)}", f"B · {ellipsize(labels[1], side - 4)}",
              title=escape(title), box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), show_lines=True,
              title_justify="left")
    t.columns[0].justify = "right"
    t.columns[1].no_wrap = True
    for c in t.columns[2:]:
        c.overflow, c.ratio = "fold", 1

    def cell(x: dict | None) -> Text:
        if not x:
            return Text("")
        out = Text(f"{x['start']:.1f}–{x['end']:.1f} s · {x['location']}", style="dim")
        for line in ([x["action"]] if x["action"] else []) + list(x["lines"]):
            out.append("\n" + " ".join(str(line).split()))
        return out

    for i, (xa, xb) in enumerate(ep["beats"], 1):
        t.add_row(str(i), (xa or xb)["kind"], cell(xa), cell(xb))
    rt = ["—" if r is None else f"{r:.1f} s" for r in ep["runtime"]]
    t.caption = f"runtime A {rt[0]} · B {rt[1]}"
    return t


def print_compare(console: Console, c: dict) -> None:
    """``lab compare``: the runs and prompts (each on a line that fits), then one table an episode."""
    la, lb = c["labels"]
    console.print(Text(ellipsize(f"{la} vs {lb} · {c['trope']} · seed {c['seeds'][0]}", console.width),
                       style="bold"))
    for p in c["prompts"]:
        console.print(Text(ellipsize(f"  {p['name']}: A {p['a']} · B {p['b']}", console.width), style="dim"))
    for ep in c["episodes"]:
        show(console, compare_table(ep, (la, lb), console))


def render_table(report: CheckReport, *, width: int | None = None) -> Table:
    """The report as a compact rich table that fits ``width`` (default: the terminal's; 80 in a pipe): one row
    an episode (title cut with an ellipsis, runtime/target, verdict, failing columns) and the totals in the
    caption. The failing rules in full: :func:`print_findings`."""
    table = check_table(report, Console(width=width) if width else Console())
    table.caption = check_summary(report)
    return table
