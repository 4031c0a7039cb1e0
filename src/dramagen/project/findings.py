"""What ``dramagen check`` finds in a season folder, every section as one flat list.

A :class:`Finding` is one failed rule: its section (``beats``: the structural rules of
:mod:`dramagen.story.check`; ``scripts``: :func:`dramagen.story.stages.script.script_issues`; more
sections plug in through :data:`SECTIONS`), its stable rule code, the episode (and beat)
and the message. Front ends render them generically, whatever the section: the CLI lists
them under its tables (:mod:`dramagen.terminal`), ``--json`` prints :class:`SeasonCheck`.

A further section is a function ``(SeasonDir) -> list[Finding]`` added to
:data:`SECTIONS` under its name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from ..core.errors import SeasonDataError
from ..core.models import Finding
from ..story.check import CheckReport, check_dir
from .season import SeasonDir

__all__ = ["Finding", "SECTIONS", "ScriptRow", "SeasonCheck", "check_folder", "script_findings"]


class ScriptRow(BaseModel):
    """One written script's verdict."""

    episode: int
    title: str = ""
    runtime: float
    target: float
    issues: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues


class SeasonCheck(BaseModel):
    """Every section's verdict on one season folder."""

    season: str
    ok: bool
    beats: CheckReport
    scripts: list[ScriptRow] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    filtered: dict[str, int] = Field(default_factory=dict, description="candidates the rating filter refused, "
                                                                       "by reason (not failures: never written)")

    def sections(self) -> dict[str, list[Finding]]:
        """Section name → its findings, in the order found."""
        out: dict[str, list[Finding]] = {}
        for f in self.findings:
            out.setdefault(f.section, []).append(f)
        return out


_RULE = re.compile(r"^\[(?P<rule>[^\]\s]+)\]\s*(?P<message>.*)$", re.S)


def _parse(section: str, episode: int | None, text: str) -> Finding:
    """A ``[rule] message`` string (the scripts' rules) as a Finding."""
    m = _RULE.match(text)
    rule, message = (m["rule"], m["message"]) if m else (f"{section}.other", text)
    return Finding(section=section, rule=rule, episode=episode, message=message)


def script_findings(season: SeasonDir) -> tuple[list[ScriptRow], list[Finding]]:
    """The rules of every written script (``episodes/epNNN/script.json``)."""
    from ..story.stages.script import script_issues

    done = season.episodes_done("script")
    if not done:
        return [], []
    bible, plan = season.load_bible(), season.load_plan()
    rows, found = [], []
    for n in done:
        script, ep = season.load_script(n), plan.episode(n)
        beats = season.load_beats(n) if season.beats_path(n).exists() else None
        issues = [_parse("scripts", n, i) for i in script_issues(script, bible, ep, beats=beats)]
        rows.append(ScriptRow(episode=n, title=ep.title, runtime=round(script.estimated_seconds, 2),
                              target=ep.target_seconds, issues=len(issues)))
        found += issues
    return rows, found


def _continuity(season: SeasonDir) -> list[Finding]:
    from ..story.checks import continuity_findings

    return continuity_findings(season)


def _rating(season: SeasonDir) -> list[Finding]:
    from ..story.checks import rating_findings

    return rating_findings(season)


def _spoken(season: SeasonDir) -> list[Finding]:
    """Episodes whose animatic's spoken runtime leaves 60–90 s (only where an animatic was made)."""
    from ..screen.animatic.runtime import load_runtimes, out_of_bounds

    out = []
    for rt in load_runtimes(season.path):
        msg = out_of_bounds(rt)
        if msg:
            out.append(Finding(section="animatic", rule="animatic.spoken_runtime", episode=rt.episode,
                               message=msg.split(": ", 1)[-1]))
    return out


#: further sections: name → ``(SeasonDir) -> list[Finding]`` (run after beats and scripts, in this order)
SECTIONS: dict[str, Callable[[SeasonDir], list[Finding]]] = {"continuity": _continuity, "rating": _rating,
                                                             "animatic": _spoken}


def check_folder(season_dir: str | Path) -> SeasonCheck:
    """``dramagen check``: the structural rules, the scripts' rules and every section of :data:`SECTIONS`."""
    p = Path(season_dir)
    if not (p / "bible.json").exists():
        raise SeasonDataError(f"season: {p} is not a season folder (no bible.json)")
    report = check_dir(p)
    findings = [Finding(section="beats", rule=i.rule, episode=i.episode, beat=i.beat, message=i.message)
                for i in report.all_issues()]
    season = SeasonDir(p)
    scripts, found = script_findings(season)
    findings += found
    for name, fn in SECTIONS.items():
        findings += [f if f.section == name else f.model_copy(update={"section": name}) for f in fn(season)]
    from ..story.checks import filtered_counts

    return SeasonCheck(season=str(p), ok=report.ok and not findings, beats=report, scripts=scripts,
                       findings=findings, filtered=filtered_counts(season))
