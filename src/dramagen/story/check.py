"""The checker: every structural rule of an episode and a season, in one place.

The same functions serve the tests, the CLI (``dramagen check SEASON_DIR``) and the lab.
Each failed rule is an :class:`Issue` with a stable ``rule`` code (``tiling.gap``,
``hook.long``…) in one of the report's columns:

=============  ==============================================================================
column         rules
=============  ==============================================================================
timing         ``timing.estimate`` a beat's duration differs from the estimate of its text
               by more than 0.05 s; ``timing.target`` the runtime is off the target by more
               than ±10 %; ``timing.bounds`` the runtime is outside 60–90 s;
               ``timing.plan_target`` the beats' target differs from the plan's
tiling         ``tiling.first_start`` the first beat does not start at 0; ``tiling.gap`` a
               beat does not start where the previous one ends (±0.02 s);
               ``tiling.nonpositive`` a beat lasts 0 s or less; ``tiling.index`` beat indices
               are not 1..n; ``tiling.episode`` the beats belong to another episode;
               ``tiling.missing`` no beats for a planned episode (season check)
hook           ``hook.kind`` the first beat is not a hook; ``hook.long`` it lasts over 5 s
cliffhanger    ``cliffhanger.kind`` the last beat is not the cliffhanger; ``cliffhanger.type``
               its type differs from the plan's; ``cliffhanger.empty`` the plan has no
               cliffhanger text; ``cliffhanger.missing`` that text is not in the last beat
names          ``names.character`` / ``names.speaker`` / ``names.location`` a name that is
               not in the bible (beats and plan); ``names.near_miss`` a capitalised word one
               or two edits from a bible name ("Marra" for "Mara")
text           ``text.empty`` the plan's title or synopsis is empty; ``text.loop`` a text
               repeats the same 3-word sequence 3 or more times
paywall        ``paywall.free`` an episode's ``free`` flag disagrees with the paywall;
               ``paywall.strength`` the paywall episode is not strictly the strongest so far
=============  ==============================================================================
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core.errors import SeasonDataError
from ..core.models import MAX_SECONDS, MIN_SECONDS, Beat, EpisodeBeats, EpisodePlan, SeasonPlan, SeriesBible
from ..core.timing import TimingSettings, estimate_elements, get_settings

__all__ = [
    "COLUMNS",
    "CheckReport",
    "EpisodeRow",
    "Issue",
    "check_dir",
    "check_episode",
    "check_season",
    "edit_distance",
    "find_loops",
    "load_season",
    "near_misses",
    "words",
]

Column = Literal["timing", "tiling", "hook", "cliffhanger", "names", "text", "paywall"]
COLUMNS: tuple[str, ...] = ("timing", "tiling", "hook", "cliffhanger", "names", "text", "paywall")

#: Tolerances and limits of the rules (seconds unless said otherwise).
TILING_TOLERANCE = 0.02
ESTIMATE_TOLERANCE = 0.05
RUNTIME_TOLERANCE = 0.10  # fraction of the target
HOOK_MAX_SECONDS = 5.0
LOOP_NGRAM, LOOP_REPEATS = 3, 3
NEAR_MISS_MIN_LEN = 4


class Issue(BaseModel):
    """One failed rule."""

    model_config = ConfigDict(extra="forbid")

    episode: int | None = Field(None, description="episode number; None for a season-level issue")
    column: Column
    rule: str = Field(..., description="stable code, e.g. 'tiling.gap'")
    message: str
    beat: int | None = Field(None, description="beat index, where the issue is one beat's")

    def __str__(self) -> str:
        where = f"ep {self.episode}" if self.episode is not None else "season"
        if self.beat is not None:
            where += f" beat {self.beat}"
        return f"{where}: [{self.rule}] {self.message}"


class EpisodeRow(BaseModel):
    """One episode's verdict: a pass/fail per column, and the issues behind it."""

    model_config = ConfigDict(extra="forbid")

    episode: int
    title: str = ""
    target: float
    runtime: float | None = None
    timing: bool = True
    tiling: bool = True
    hook: bool = True
    cliffhanger: bool = True
    names: bool = True
    text: bool = True
    paywall: bool = True
    issues: list[Issue] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def messages(self) -> list[str]:
        return [f"[{i.rule}] {i.message}" for i in self.issues]

    def rules(self) -> set[str]:
        return {i.rule for i in self.issues}


class CheckReport(BaseModel):
    """The verdict on a season: per-episode rows, season-level issues, totals."""

    model_config = ConfigDict(extra="forbid")

    rows: list[EpisodeRow] = Field(default_factory=list)
    season_issues: list[Issue] = Field(default_factory=list)
    totals: dict[str, int] = Field(default_factory=dict, description="column → episodes failing it")
    episodes: int = 0
    passed: int = 0
    failed: int = 0
    issues: int = 0
    ok: bool = True

    def all_issues(self) -> list[Issue]:
        return [i for r in self.rows for i in r.issues] + list(self.season_issues)

    def rules(self) -> Counter[str]:
        return Counter(i.rule for i in self.all_issues())

    def row(self, episode: int) -> EpisodeRow:
        for r in self.rows:
            if r.episode == episode:
                return r
        raise KeyError(episode)


# --------------------------------------------------------------------------- text helpers

_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_CAPWORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` (letters and digits; inner apostrophes kept, other
    punctuation dropped): the tokens of the text rules here and of :mod:`dramagen.metrics`."""
    return [w.lower() for w in _WORDS.findall(text or "")]


def find_loops(text: str, n: int = LOOP_NGRAM, repeats: int = LOOP_REPEATS) -> list[str]:
    """The ``n``-word sequences that occur ``repeats`` or more times in ``text`` (case-
    insensitive, punctuation ignored; overlapping occurrences count)."""
    ws = words(text)
    grams = Counter(tuple(ws[i:i + n]) for i in range(len(ws) - n + 1))
    return [" ".join(g) for g, c in grams.items() if c >= repeats]


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and
    transpositions of adjacent letters each cost 1."""
    if a == b:
        return 0
    la, lb = len(a), len(b)
    prev2: list[int] = []
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[lb]


# Common English words (and forms of address) that may be capitalised at the start of
# a sentence and happen to lie near a name ("Many" is two edits from "Mara"). Only words
# of 4+ letters matter. Not a dictionary: a guard against the commonest false alarms.
_COMMON_WORDS = frozenset("""
able about above across actually after again against ahead alive almost alone along already also although
always among angry another answer anymore anyone anything anyway anywhere apart around arrive asked asking
aside away baby back bags bait bake ball band bank bare bark barn base bath bear beat became because become
been beer before began begin behind being believe below bell belly belt bend beside best better between beyond
bill bind bird birth bite black blade blame blank blind blood blow blue board boat body bold bolt bomb bond bone
book boot born boss both bowl brain brave bread break breath bride bright bring broke brother brought build
burn burst busy call calm came camp cane card care carry case cash cast catch caught cause chain chair chance
change charm chase cheap check chest child choice chose chosen city claim class clean clear climb clock close
cloth cloud coat code cold come coming cook cool copy core corner cost could count couple course cover crash
crazy cream crime cross crowd crown cruel crush cry cure curse cut dame dance dare dark darling data date
daughter dawn dead deal dear death debt deep deny desk didn didnt died dirt dish does doesn done door down
drag draw dream dress drink drive drop drove drug drum dull dumb dust duty each early earn earth ease east easy
edge else empty ending enemy enjoy enough enter entire even ever every everyone everything evil exactly except
exit eyes face fact fail fair faith fake fall false fame family famous fare farm fast fate father fear feed
feel feet fell felt fight file fill film final find fine fire firm first fish five flag flat flee flesh flew
floor flow folk food fool foot force forever forget forgive form fort forward found four free fresh friend
from front full funny gain game gang gate gave gaze gift girl give given glad glass glow goes gold gone good
gown grab grace grand grant grasp grave gray great green grew grin grip ground group grow guard guess guest
guilt guilty hair half hall hand hang happy hard harm hate have head hear heard heart heat heavy held hell
hello help here hero hide high hill hint hire hold hole holy home honey hope horse host hotel hour house
however huge human hung hunt hurry hurt husband idea inside into iron island itself jail joke join judge
jump just keep kept kill kind king kiss knee knew knife knock know known lady laid land lane large last late
later laugh lawn lead leaf lean learn least leave left less lest letter liar lies life lift light like line
link lion lips list listen little live load lock long look lord lose loss lost loud love lover luck lucky
made maid mail main make man many mark market marry mask mass master match mate matter maybe meal mean meant
meet member memory mere mess met metal might mild mile milk mind mine miss mister moment money month mood
moon more morning most mother move much must myself nail name near neck need never news next nice night nine
noble none noon north nose note nothing notice now number obey okay once only open order other ours outside
over pace pack page paid pain pair pale palm paper parent part party pass past path pause peace people
perfect phone pick piece pile pill pink place plan plate play please plot poison pool poor port pose pour
power pray press pretty price pride print prison prize proof proud prove pull pure push quick quiet quite
race rage rain raise rang rank rare rate rather read ready real really reason rent rest rich ride right ring
rise risk road rock role roll roof room rope rose round rule rush safe said sake sale salt same sand save
scar scare scene school scream seal seat second secret seem seen sell send sense sent serve seven shadow shake
shall shame shape share sharp sheet shift shine ship shirt shock shoe shoot shop short shot should shout
show shut sick side sigh sign silence silent silk silly silver since sing single sink sister size skin sleep
slide slip slow small smart smell smile smoke snap snow soft sold some someone something sometimes somewhere
song soon sorry sort soul sound south space spare speak speech spend spent spin spirit spite split spoke
spot spread spring stab staff stage stair stand star stare start state stay steal step stick still stole
stone stood stop store storm story strange street strike strong stuck study stupid such sudden suit summer
sure swear sweet swing sword table tail take taken tale talk tall tape taste taught tear tell tend term test
than thank that their them then there these they thick thin thing think this those though thought three
threw through throw tide tied till time tiny tired title today together told tomorrow tone tonight took
tool torn touch tour toward town track trade trail train trap trash tree trial trick tried trip true trust
truth turn twice under until upon upset used useful usual vain very view voice vote wait wake walk wall want
ward warm warn wash waste watch water wave weak wear wedding week weird well went were west what whatever
wheel when where which while white whole whose wide wife wild will wind window wine wing wipe wise wish with
within without woke woman women wonder wood word wore work world worry worse worst worth would wound wrap
wrist write wrong wrote yard yeah year yell yellow young your yours yourself youth zero
monday tuesday wednesday thursday friday saturday sunday january february march april june july august
september october november december christmas easter god mom mommy dad daddy mama papa mum sir madam miss
mrs mister lady lord king queen prince princess duke duchess count countess baron alpha luna beta omega
boss chief captain doctor nurse officer detective agent uncle aunt auntie grandma grandpa granny sister
brother cousin bride groom ceo mister sergeant judge father mother priest
""".split())


def _name_parts(bible: SeriesBible) -> tuple[set[str], list[str]]:
    """Lower-case words that are names (characters' and locations'), and the character
    name parts to compare against (3+ letters)."""
    exact: set[str] = set()
    parts: list[str] = []
    for c in bible.characters:
        for p in c.name.split():
            exact.add(p.lower())
            for q in p.split("-"):
                exact.add(q.lower())
                if len(q) >= 3 and q.lower() not in parts:
                    parts.append(q.lower())
    for loc in bible.locations:
        for w in _CAPWORD.findall(loc.name):
            exact.add(w.lower().removesuffix("'s").removesuffix("’s"))
    return exact, parts


@lru_cache(maxsize=64)
def _near_cached(text: str, names_key: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[tuple[str, str], ...]:
    exact, parts = set(names_key[0]), names_key[1]
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for raw in _CAPWORD.findall(text):
        word = re.sub(r"['’]s$", "", raw)
        word = word.strip("'’")
        if len(word) < NEAR_MISS_MIN_LEN or not word[0].isupper():
            continue
        low = word.lower()
        if low in exact or low in _COMMON_WORDS or low in seen:
            continue
        for part in parts:
            limit = 1 if len(part) <= 4 else 2
            if abs(len(low) - len(part)) > limit:
                continue
            d = edit_distance(low, part)
            if 1 <= d <= limit:
                out.append((word, part))
                seen.add(low)
                break
    return tuple(out)


def near_misses(text: str, bible: SeriesBible) -> list[tuple[str, str]]:
    """``(word, name)`` for each capitalised word of 4+ letters in ``text`` that is not a
    bible name nor a common word but lies within edit distance 1 (names of up to 4
    letters) or 2 (longer names) of a character's name part. ``name`` is lower-case."""
    exact, parts = _name_parts(bible)
    hits = _near_cached(text or "", (tuple(sorted(exact)), tuple(parts)))
    names = {p.lower(): c.name for c in bible.characters for p in re.split(r"[ \-]", c.name)}
    return [(w, names.get(p, p)) for w, p in hits]


def _norm(text: str) -> str:
    return " ".join(w.lower() for w in _WORDS.findall(text or ""))


def _contains(haystack: str, needle: str) -> bool:
    n = _norm(needle)
    return bool(n) and f" {n} " in f" {_norm(haystack)} "


# --------------------------------------------------------------------------- episode


def _beat_texts(beat: Beat) -> list[tuple[str, str]]:
    out = []
    if beat.action:
        out.append(("action", beat.action))
    for k, ln in enumerate(beat.lines, 1):
        out.append((f"line {k} ({ln.character})", ln.text))
    return out


def check_episode(bible: SeriesBible, plan_ep: EpisodePlan, beats: EpisodeBeats | None,
                  settings: TimingSettings | None = None, *, paywall: int | None = None) -> list[Issue]:
    """Every rule of one episode; an empty list when it passes.

    ``beats`` may be None (a plan without beats yet): then only the plan's own rules
    (text, names, free flag) are checked. ``paywall`` (the last free episode), when
    given, checks the episode's ``free`` flag; the strength rule needs the whole season
    (:func:`check_season`).
    """
    s = get_settings() if settings is None else settings
    ep = plan_ep.number
    issues: list[Issue] = []

    def add(column: str, rule: str, message: str, beat: int | None = None) -> None:
        issues.append(Issue(episode=ep, column=column, rule=rule, message=message, beat=beat))

    _plan_rules(add, bible, plan_ep, paywall)
    if beats is None:
        return issues
    _tiling_rules(add, beats, ep)
    _timing_rules(add, bible, plan_ep, beats, s)
    _hook_rules(add, beats)
    _cliffhanger_rules(add, plan_ep, beats)
    _beat_name_rules(add, bible, beats)
    return issues


#: ``add(column, rule, message, beat=None)``: how each rule below reports an issue of the episode.
_Add = Callable[..., None]


def _plan_rules(add: _Add, bible: SeriesBible, plan_ep: EpisodePlan, paywall: int | None) -> None:
    """The plan's own rules: text, names, the paywall flag, a cliffhanger line."""
    ep = plan_ep.number
    for field in ("title", "synopsis"):
        if not getattr(plan_ep, field).strip():
            add("text", "text.empty", f"the plan's {field} is empty")
    plan_texts = [("title", plan_ep.title), ("synopsis", plan_ep.synopsis), ("cliffhanger", plan_ep.cliffhanger)]
    for field, text in plan_texts:
        for loop in find_loops(text):
            add("text", "text.loop", f"the plan's {field} repeats {loop!r} {LOOP_REPEATS}+ times")
    for field, text in plan_texts:
        for word, name in near_misses(text, bible):
            add("names", "names.near_miss", f"the plan's {field}: {word!r} looks like a misspelling of {name!r}")
    for name in plan_ep.characters:
        if bible.character(name) is None:
            add("names", "names.character", f"plan character {name!r} is not in the bible ({', '.join(bible.names)})")
    if plan_ep.location and bible.location(plan_ep.location) is None:
        add("names", "names.location", f"plan location {plan_ep.location!r} is not in the bible "
                                       f"({', '.join(loc.name for loc in bible.locations)})")
    if paywall is not None and plan_ep.free != (ep <= paywall):
        add("paywall", "paywall.free", f"free={plan_ep.free} but the paywall is after episode {paywall} "
                                       f"(episode {ep} must be {'free' if ep <= paywall else 'paid'})")
    if not plan_ep.cliffhanger.strip():
        add("cliffhanger", "cliffhanger.empty", "the plan's cliffhanger text is empty")


def _tiling_rules(add: _Add, beats: EpisodeBeats, ep: int) -> None:
    """The beats tile the episode: its number, indices 1..n, starting at 0, no gaps, positive lengths."""
    items = beats.beats
    if beats.episode != ep:
        add("tiling", "tiling.episode", f"the beats are episode {beats.episode}'s, not episode {ep}'s")
    if [b.index for b in items] != list(range(1, len(items) + 1)):
        add("tiling", "tiling.index", f"beat indices are {[b.index for b in items]}, expected 1..{len(items)}")
    if items and abs(items[0].start) > 1e-6:
        add("tiling", "tiling.first_start", f"the first beat starts at {items[0].start:.2f} s, not 0", items[0].index)
    for prev, b in zip(items, items[1:]):
        if abs(b.start - prev.end) > TILING_TOLERANCE + 1e-9:
            add("tiling", "tiling.gap", f"starts at {b.start:.2f} s but beat {prev.index} ends at {prev.end:.2f} s "
                                        f"(±{TILING_TOLERANCE} s)", b.index)
    for b in items:
        if b.end - b.start <= 0:
            add("tiling", "tiling.nonpositive", f"lasts {b.end - b.start:.2f} s (must be > 0)", b.index)


def _timing_rules(add: _Add, bible: SeriesBible, plan_ep: EpisodePlan, beats: EpisodeBeats,
                  s: TimingSettings) -> None:
    """Each beat lasts what its text is estimated at; the runtime is near the plan's target, inside 60–90 s."""
    items = beats.beats
    for b in items:
        est = estimate_elements(b.elements(bible), s)
        if abs((b.end - b.start) - est) > ESTIMATE_TOLERANCE + 1e-9:
            add("timing", "timing.estimate", f"lasts {b.end - b.start:.2f} s but its text is estimated at "
                                             f"{est:.2f} s (±{ESTIMATE_TOLERANCE} s)", b.index)
    target = plan_ep.target_seconds
    if abs(beats.target_seconds - target) > 1e-6:
        add("timing", "timing.plan_target", f"the beats' target is {beats.target_seconds:g} s, the plan's {target:g} s")
    runtime = items[-1].end if items else 0.0
    if abs(runtime - target) > RUNTIME_TOLERANCE * target + 1e-9:
        add("timing", "timing.target", f"runtime {runtime:.2f} s is outside ±{RUNTIME_TOLERANCE:.0%} of the "
                                       f"{target:g} s target ({target * (1 - RUNTIME_TOLERANCE):.1f}–"
                                       f"{target * (1 + RUNTIME_TOLERANCE):.1f} s)")
    if not MIN_SECONDS - 1e-9 <= runtime <= MAX_SECONDS + 1e-9:
        add("timing", "timing.bounds", f"runtime {runtime:.2f} s is outside {MIN_SECONDS:g}–{MAX_SECONDS:g} s")


def _hook_rules(add: _Add, beats: EpisodeBeats) -> None:
    """The first beat is a short hook."""
    items = beats.beats
    if items:
        first = items[0]
        if first.kind != "hook":
            add("hook", "hook.kind", f"the first beat is a {first.kind}, not the hook", first.index)
        if first.end - first.start > HOOK_MAX_SECONDS + 1e-9:
            add("hook", "hook.long", f"the hook lasts {first.end - first.start:.2f} s (at most {HOOK_MAX_SECONDS:g} s)",
                first.index)


def _cliffhanger_rules(add: _Add, plan_ep: EpisodePlan, beats: EpisodeBeats) -> None:
    """The last beat is the cliffhanger, holds the plan's line and ends on the plan's cliffhanger type."""
    items = beats.beats
    if items:
        last = items[-1]
        if last.kind != "cliffhanger":
            add("cliffhanger", "cliffhanger.kind", f"the last beat is a {last.kind}, not the cliffhanger", last.index)
        text = plan_ep.cliffhanger.strip()
        if text and not any(_contains(t, text) for _, t in _beat_texts(last)):
            add("cliffhanger", "cliffhanger.missing",
                f"the plan's cliffhanger {text!r} is not in the last beat (action or a line)", last.index)
    if beats.cliffhanger_type != plan_ep.cliffhanger_type:
        add("cliffhanger", "cliffhanger.type", f"the beats end on a {beats.cliffhanger_type} cliffhanger, "
                                               f"the plan on a {plan_ep.cliffhanger_type}")


def _beat_name_rules(add: _Add, bible: SeriesBible, beats: EpisodeBeats) -> None:
    """Names and text of the beats: characters, speakers and locations of the bible; no near misses nor loops."""
    locs = ", ".join(loc.name for loc in bible.locations)
    for b in beats.beats:
        for name in b.characters:
            if bible.character(name) is None:
                add("names", "names.character", f"character {name!r} is not in the bible ({', '.join(bible.names)})",
                    b.index)
        for ln in b.lines:
            if bible.character(ln.character) is None:
                add("names", "names.speaker", f"speaker {ln.character!r} is not in the bible "
                                              f"({', '.join(bible.names)})", b.index)
        if bible.location(b.location) is None:
            add("names", "names.location", f"location {b.location!r} is not in the bible ({locs})", b.index)
        for where, text in _beat_texts(b):
            for word, name in near_misses(text, bible):
                add("names", "names.near_miss", f"{where}: {word!r} looks like a misspelling of {name!r}", b.index)
            for loop in find_loops(text):
                add("text", "text.loop", f"{where} repeats {loop!r} {LOOP_REPEATS}+ times", b.index)


# --------------------------------------------------------------------------- season


def _row(plan_ep: EpisodePlan, beats: EpisodeBeats | None, issues: list[Issue]) -> EpisodeRow:
    failed = {i.column for i in issues}
    return EpisodeRow(episode=plan_ep.number, title=plan_ep.title, target=plan_ep.target_seconds,
                      runtime=round(beats.beats[-1].end, 2) if beats is not None and beats.beats else None,
                      issues=issues, **{c: c not in failed for c in COLUMNS})


def check_season(bible: SeriesBible, plan: SeasonPlan, beats_by_episode: Mapping[int, EpisodeBeats],
                 settings: TimingSettings | None = None, *, require_beats: bool = True) -> CheckReport:
    """Every rule of every episode, plus the season's paywall rules.

    ``beats_by_episode`` maps episode numbers to their beats; a planned episode without
    beats fails ``tiling.missing`` unless ``require_beats`` is False (a season being
    written). Beats of an episode the plan does not have are a season-level issue.
    """
    s = get_settings() if settings is None else settings
    rows: list[EpisodeRow] = []
    strongest = 0
    for ep in plan.episodes:
        beats = beats_by_episode.get(ep.number)
        issues = check_episode(bible, ep, beats, s, paywall=plan.paywall)
        if beats is None and require_beats:
            issues.append(Issue(episode=ep.number, column="tiling", rule="tiling.missing",
                                message="no beats for this episode"))
        if ep.number == plan.paywall and ep.number > 1 and ep.strength <= strongest:
            issues.append(Issue(episode=ep.number, column="paywall", rule="paywall.strength",
                                message=f"the paywall episode's strength {ep.strength} is not above every earlier "
                                        f"episode's (max {strongest})"))
        strongest = max(strongest, ep.strength)
        rows.append(_row(ep, beats, issues))
    season: list[Issue] = []
    extra = sorted(set(beats_by_episode) - {e.number for e in plan.episodes})
    for n in extra:
        season.append(Issue(episode=None, column="tiling", rule="tiling.episode",
                            message=f"beats for episode {n}, which the plan does not have"))
    totals = {c: sum(1 for r in rows if not getattr(r, c)) for c in COLUMNS}
    failed = sum(1 for r in rows if not r.ok)
    n_issues = sum(len(r.issues) for r in rows) + len(season)
    return CheckReport(rows=rows, season_issues=season, totals=totals, episodes=len(rows),
                       passed=len(rows) - failed, failed=failed, issues=n_issues, ok=n_issues == 0)


# --------------------------------------------------------------------------- season folders


def _read_model(path: Path, model: type[BaseModel]) -> BaseModel:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeasonDataError(f"{path}: file not found") from None
    except (OSError, ValueError, RecursionError) as exc:  # JSON/UTF-8 errors are ValueErrors; [[[… nests too deep
        raise SeasonDataError(f"{path}: cannot be read as JSON ({exc})") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ())) or "(file)"
        raise SeasonDataError(f"{path}: {loc}: {first.get('msg', 'invalid')}") from None


def load_season(season_dir: str | Path) -> tuple[SeriesBible, SeasonPlan, dict[int, EpisodeBeats]]:
    """Read ``bible.json``, ``plan.json`` and every ``episodes/ep*/beats.json`` of a season
    folder (the layout of :mod:`dramagen.core.models`). Missing or malformed files raise
    :class:`SeasonDataError` naming the file."""
    root = Path(season_dir)
    if not root.is_dir():
        raise SeasonDataError(f"{root}: not a season folder (expected bible.json, plan.json, episodes/)")
    bible = _read_model(root / "bible.json", SeriesBible)
    plan = _read_model(root / "plan.json", SeasonPlan)
    beats: dict[int, EpisodeBeats] = {}
    for path in sorted((root / "episodes").glob("ep*/beats.json")):
        eb = _read_model(path, EpisodeBeats)
        beats[eb.episode] = eb  # type: ignore[attr-defined]
    return bible, plan, beats  # type: ignore[return-value]


def check_dir(season_dir: str | Path, settings: TimingSettings | None = None, *,
              require_beats: bool = True) -> CheckReport:
    """:func:`check_season` on a season folder (see :func:`load_season`)."""
    bible, plan, beats = load_season(season_dir)
    return check_season(bible, plan, beats, settings, require_beats=require_beats)
