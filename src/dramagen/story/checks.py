"""``dramagen check`` sections for the story: continuity against the ledger, and the content rating.

Both plug into :data:`dramagen.project.findings.SECTIONS`. ``continuity`` lists every
:class:`~dramagen.story.continuity.ContinuityIssue` of the written episodes; ``rating``
lists every text of the plan, beats and scripts that the season's rating refuses (the
model's candidates are filtered as they are written; this finds what a hand edit let in).
"""

from __future__ import annotations

from ..core.models import Finding
from ..project.season import SeasonDir
from .continuity import check_continuity

__all__ = ["continuity_findings", "rating_findings", "filtered_counts"]


def continuity_findings(season: SeasonDir) -> list[Finding]:
    from ..core.errors import SeasonDataError

    try:
        ledger = season.load_ledger()
    except SeasonDataError as e:  # a hand edit the schema refuses (an unknown character, a bad status…)
        return [Finding(section="continuity", rule="continuity.ledger", message=str(e).removeprefix("season: "))]
    if ledger is None:
        return []
    plan, bible = season.load_plan(), season.load_bible()
    beats = {n: season.load_beats(n) for n in season.episodes_done("beats")}
    return [Finding(section="continuity", rule=f"continuity.{i.rule}", episode=i.episode, message=i.message)
            for i in check_continuity(ledger, plan, beats, bible.names)]


def _texts(season: SeasonDir) -> list[tuple[int | None, str]]:
    out: list[tuple[int | None, str]] = []
    if season.has_plan():
        for ep in season.load_plan().episodes:
            out += [(ep.number, t) for t in (ep.title, ep.synopsis, ep.cliffhanger) if t]
    for n in season.episodes_done("beats"):
        for b in season.load_beats(n).beats:
            out += [(n, b.action)] if b.action else []
            out += [(n, ln.text) for ln in b.lines]
    for n in season.episodes_done("script"):
        for sc in season.load_script(n).scenes:
            out += [(n, el.text) for el in sc.elements if el.kind in ("action", "dialogue")]
    return out


def _rating(season: SeasonDir) -> str:
    from .rating import DEFAULT_RATING

    req = season.load_request() if season.request_path.exists() else None
    return getattr(req, "rating", DEFAULT_RATING) if req is not None else DEFAULT_RATING


def rating_findings(season: SeasonDir) -> list[Finding]:
    from .rating import check_text

    rating = _rating(season)
    found, seen = [], set()
    for episode, text in _texts(season):
        reason = check_text(text, rating)
        if reason and (episode, text) not in seen:
            seen.add((episode, text))
            found.append(Finding(section="rating", rule=f"rating.{reason}", episode=episode,
                                 message=f"refused by the {rating} rating: {text[:120]}"))
    return found


def filtered_counts(season: SeasonDir) -> dict[str, int]:
    """Candidates the rating filter refused while the season was written (from the manifest): reason → count."""
    if not season.manifest_path.exists():
        return {}
    out: dict[str, int] = {}
    for st in season.load_manifest().stats.values():
        for reason, n in st.rejected.items():
            if reason.startswith("rating_"):
                out[reason] = out.get(reason, 0) + n
    return dict(sorted(out.items()))
