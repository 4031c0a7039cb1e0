"""The season's documents (export format ``bible``): the series bible and the season plan, each as
Markdown (``bible.md.j2``, ``plan.md.j2``, sandboxed like every export template) and as an A4 PDF
(reportlab, ``invariant``: the same season gives the same bytes).

A writer's zip then holds what the season is about, not only its episodes (issue 20).
"""

from __future__ import annotations

from typing import Any

from ...core.models import SeasonPlan, SeriesBible

#: (file name, what it is)
DOCS = (("bible.md", "the series bible, Markdown"), ("bible.pdf", "the series bible, PDF"),
        ("season-plan.md", "the season plan, Markdown"), ("season-plan.pdf", "the season plan, PDF"))


def _paywall(plan: SeasonPlan) -> str:
    n, wall = len(plan.episodes), plan.paywall
    if wall >= n:
        return "all free (no paywall)"
    return f"free 1–{wall}, paid {n}" if wall + 1 == n else f"free 1–{wall}, paid {wall + 1}–{n}"


def bible_pdf(bible: SeriesBible) -> bytes:
    from reportlab.platypus import Spacer

    from ..production.pdf import build, para

    story: list[Any] = [para(f"{bible.title}: series bible", 16, bold=True), Spacer(1, 6),
                        para(bible.logline, 10), Spacer(1, 4)]
    meta = " · ".join(x for x in (f"Trope: {bible.trope_name or bible.trope_id}",
                                  f"Tone: {bible.tone}" if bible.tone else "",
                                  f"World: {bible.world}" if bible.world else "") if x)
    story += [para(meta, 8.5), Spacer(1, 8), para("Characters", 13, bold=True), Spacer(1, 4)]
    for c in bible.characters:
        story.append(para(f"{c.name}, {c.age} · {c.role.replace('_', ' ')}", 10.5, bold=True))
        for label, text in (("Tie to the lead", c.tie), ("Wants", c.want), ("Secret", c.secret), ("Look", c.look),
                            ("Speech", c.speech)):
            if text:
                story.append(para(f"{label}: {text}", 9))
        story.append(Spacer(1, 6))
    story += [para("Locations", 13, bold=True), Spacer(1, 4)]
    for loc in bible.locations:
        story.append(para(f"{loc.heading}" + (f": {loc.description}" if loc.description else ""), 9))
    return build(story, f"{bible.title}: series bible")


def plan_pdf(bible: SeriesBible, plan: SeasonPlan) -> bytes:
    from reportlab.platypus import Spacer

    from ..production.pdf import build, para

    story: list[Any] = [para(f"{bible.title}: season plan", 16, bold=True), Spacer(1, 6),
                        para(f"{len(plan.episodes)} episodes · {_paywall(plan)}", 10), Spacer(1, 8)]
    for e in plan.episodes:
        title = e.title or e.function.replace("_", " ")
        story.append(para(f"Episode {e.number}: {title} ({'free' if e.free else 'paid'})", 11, bold=True))
        meta = [e.function.replace("_", " "), f"{e.cliffhanger_type} cliffhanger, strength {e.strength}",
                f"target {e.target_seconds:.0f} s", e.location, ", ".join(e.characters)]
        story.append(para(" · ".join(m for m in meta if m), 8))
        for label, text in (("", e.synopsis), ("Cliffhanger: ", e.cliffhanger),
                            ("Signature beat: ", e.signature_beat or "")):
            if text:
                story.append(para(label + text, 9))
        story.append(Spacer(1, 6))
    return build(story, f"{bible.title}: season plan")


def season_docs(lib: Any, bible: SeriesBible, plan: SeasonPlan) -> list[tuple[str, str | bytes]]:
    """(file name, content) of :data:`DOCS`, with ``lib`` the export templates (the user's first)."""
    return [("bible.md", lib.render("bible.md.j2", bible=bible).text), ("bible.pdf", bible_pdf(bible)),
            ("season-plan.md", lib.render("plan.md.j2", bible=bible, plan=plan).text),
            ("season-plan.pdf", plan_pdf(bible, plan))]
