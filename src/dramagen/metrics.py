"""Metrics of generated seasons: the prompt lab's measurements, shared with ``dramagen check``.

Every metric is a pure function of the data model (:class:`SeriesBible`,
:class:`SeasonPlan`, :class:`EpisodeBeats`, :class:`EpisodeScript`, the slot statistics
of a :class:`RunManifest`) or of plain text, with its definition in its docstring;
``docs/metrics.md`` lists them all. The structural ones reuse the checker
(:func:`dramagen.story.check.check_episode`, :func:`~dramagen.story.check.find_loops`,
:func:`~dramagen.story.check.near_misses`, :func:`~dramagen.story.check.words`), so ``dramagen
check`` and the lab judge an episode by one definition.

Conventions: a *rate* is a fraction in [0, 1] over episodes (or slots, or mentions);
a metric with nothing to measure is ``None`` (an empty cell in the CSV), never 0. Words
are :func:`dramagen.story.check.words`: lower-case, punctuation dropped, inner apostrophes
kept ("Mara's" is one word). n-grams never span two texts (two lines, an action and a
line).

:func:`season_metrics` gathers everything for one season folder: one row of the lab's
``results.csv``. :data:`METRICS` names each column, its unit and which way is better.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core.models import EpisodeBeats, EpisodePlan, EpisodeScript, SeasonPlan, SeriesBible, SlotStats
from .story.check import HOOK_MAX_SECONDS, check_episode, find_loops, near_misses, words

__all__ = [
    "CLIFFHANGER_CUES",
    "METRICS",
    "Metric",
    "action_paragraphs",
    "action_words",
    "beat_texts",
    "bible_texts",
    "cliffhanger_cue",
    "cliffhanger_present",
    "cliffhanger_type_match",
    "dialogue_share",
    "dialogue_words",
    "distinct_n",
    "episode_metrics",
    "hook_present",
    "loop_count",
    "name_consistency",
    "name_mentions",
    "ngrams",
    "plan_texts",
    "repeated_ngram_rate",
    "runtime_error",
    "script_texts",
    "season_dir_metrics",
    "season_metrics",
    "slot_rates",
    "structurally_valid",
    "tokens_per_second",
    "word_count",
]


# --------------------------------------------------------------------------- text


def word_count(text: str) -> int:
    """Length: the number of words of ``text`` (:func:`dramagen.story.check.words`)."""
    return len(words(text))


def ngrams(text: str, n: int) -> list[tuple[str, ...]]:
    """The word ``n``-grams of one text, in order (overlapping): ``"a b a b"``, n=2 →
    (a b), (b a), (a b). A text of fewer than ``n`` words has none."""
    if n < 1:
        raise ValueError("n must be >= 1")
    ws = words(text)
    return [tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)]


def _pooled(texts: Iterable[str], n: int) -> list[tuple[str, ...]]:
    return [g for t in texts for g in ngrams(t, n)]


def distinct_n(texts: Iterable[str], n: int) -> float | None:
    """Distinct-n (diversity): distinct word n-grams / all word n-grams, pooled over
    ``texts`` (n-grams within each text). 1.0: nothing repeats; near 0: the same phrases
    again and again. ``distinct_n(["a b a b"], 2)`` = 2/3. None without any n-gram.

    Over the texts of every episode of a run it measures diversity *across* episodes."""
    grams = _pooled(texts, n)
    if not grams:
        return None
    return len(set(grams)) / len(grams)


def repeated_ngram_rate(texts: Iterable[str], n: int = 3) -> float | None:
    """Repetition: the share of word n-gram occurrences that repeat an earlier one,
    pooled over ``texts`` (one episode's lines and actions) = 1 − distinct-n. ``"a b c a
    b c"`` with n=3 has 4 trigrams, 3 distinct: 0.25. None without any n-gram."""
    d = distinct_n(texts, n)
    return None if d is None else 1.0 - d


def loop_count(texts: Iterable[str]) -> int:
    """Loops: how many (text, n-gram) pairs :func:`dramagen.story.check.find_loops` reports —
    a 3-word sequence said 3+ times inside one text (the checker's ``text.loop`` rule)."""
    return sum(len(find_loops(t)) for t in texts)


# --------------------------------------------------------------------------- episode texts


def beat_texts(beats: EpisodeBeats) -> list[str]:
    """The written texts of a beat sheet, in order: each beat's action, then its lines."""
    out: list[str] = []
    for b in beats.beats:
        if b.action.strip():
            out.append(b.action)
        out.extend(ln.text for ln in b.lines if ln.text.strip())
    return out


def script_texts(script: EpisodeScript) -> list[str]:
    """The written texts of a script: its action and dialogue paragraphs, in order."""
    return [el.text for sc in script.scenes for el in sc.elements if el.kind in ("action", "dialogue")]


def plan_texts(plan_ep: EpisodePlan) -> list[str]:
    """What the model wrote for one planned episode: title, synopsis, cliffhanger."""
    return [t for t in (plan_ep.title, plan_ep.synopsis, plan_ep.cliffhanger) if t.strip()]


def bible_texts(bible: SeriesBible) -> list[str]:
    """What the model wrote in a bible: title, logline, each character's want, secret and look."""
    out = [bible.title, bible.logline]
    for c in bible.characters:
        out.extend(t for t in (c.want, c.secret, c.look) if t.strip())
    return [t for t in out if t.strip()]


# --------------------------------------------------------------------------- picture and talk


def action_paragraphs(episode: EpisodeScript | EpisodeBeats) -> list[str]:
    """The action paragraphs of a script (elements of kind ``action``), or of a beat
    sheet (each beat's non-empty ``action``), in order."""
    if isinstance(episode, EpisodeBeats):
        return [b.action for b in episode.beats if b.action.strip()]
    return [el.text for sc in episode.scenes for el in sc.elements if el.kind == "action" and el.text.strip()]


def dialogue_words(episode: EpisodeScript | EpisodeBeats) -> int:
    """Words spoken: the words of a script's ``dialogue`` elements, or of a beat sheet's
    lines (``Line.text``). Parentheticals, cues, headings and transitions are not dialogue."""
    if isinstance(episode, EpisodeBeats):
        return sum(word_count(ln.text) for b in episode.beats for ln in b.lines)
    return sum(word_count(el.text) for sc in episode.scenes for el in sc.elements if el.kind == "dialogue")


def dialogue_share(episode: EpisodeScript | EpisodeBeats) -> float | None:
    """Dialogue share: dialogue words / (dialogue words + action words) — how much of what
    is written is talk rather than picture. Only dialogue and action paragraphs count;
    parentheticals ("(quietly)"), character cues, scene headings and transitions are
    left out. Words are :func:`dramagen.story.check.words`. A beat sheet counts its lines and
    actions the same way. None when the episode has no dialogue or action words.

    Real short-drama scripts put roughly 0.25–0.55 of their words in dialogue; an
    episode of one action "Mara slams the door." (4 words) and one line "Get out." (2
    words) has 2 / 6 = 0.33."""
    talk = dialogue_words(episode)
    picture = sum(word_count(t) for t in action_paragraphs(episode))
    return talk / (talk + picture) if talk + picture else None


def action_words(episode: EpisodeScript | EpisodeBeats) -> float | None:
    """Words per action paragraph: the mean number of words of the episode's action
    paragraphs (:func:`action_paragraphs`, words as in :func:`dramagen.story.check.words`).
    Real short-drama action paragraphs run about 14–30 words of what the camera sees.
    None when the episode has no action paragraph."""
    paras = action_paragraphs(episode)
    return statistics.fmean(word_count(t) for t in paras) if paras else None


# --------------------------------------------------------------------------- structure


def structurally_valid(bible: SeriesBible, plan_ep: EpisodePlan, beats: EpisodeBeats | None,
                       *, paywall: int | None = None) -> bool:
    """Structural validity of one episode: True when :func:`dramagen.story.check.check_episode`
    finds no issue (timing, tiling, hook, cliffhanger, names, text, paywall flag — the
    rules of ``dramagen check``). Averaged over episodes it is the *validity rate*."""
    return not check_episode(bible, plan_ep, beats, paywall=paywall)


def runtime_error(runtime: float, target: float) -> float:
    """Runtime error vs target: ``|runtime − target| / target`` (0.04 = 4 % off).
    ``runtime`` is the beat sheet's last ``end`` or a script's ``estimated_seconds``."""
    if target <= 0:
        raise ValueError("target must be > 0")
    return abs(runtime - target) / target


def hook_present(beats: EpisodeBeats) -> bool:
    """Hook presence: the first beat is a ``hook`` beat, it ends within
    :data:`~dramagen.story.check.HOOK_MAX_SECONDS` (5 s) and it has words on screen (an action
    or a line)."""
    if not beats.beats:
        return False
    first = beats.beats[0]
    has_text = bool(first.action.strip()) or any(ln.text.strip() for ln in first.lines)
    return first.kind == "hook" and first.end - first.start <= HOOK_MAX_SECONDS + 1e-9 and has_text


def _norm(text: str) -> str:
    return " ".join(words(text))


def cliffhanger_present(plan_ep: EpisodePlan, beats: EpisodeBeats) -> bool:
    """Cliffhanger presence: the last beat is the ``cliffhanger`` beat and its action or
    one of its lines contains the plan's (non-empty) cliffhanger text, compared word by
    word (case and punctuation ignored) — the checker's ``cliffhanger.*`` rules."""
    text = _norm(plan_ep.cliffhanger)
    if not beats.beats or not text:
        return False
    last = beats.beats[-1]
    if last.kind != "cliffhanger":
        return False
    return any(f" {text} " in f" {_norm(t)} " for t in [last.action, *(ln.text for ln in last.lines)])


#: Words (stems, matched at the start of a word) and phrases that make a cliffhanger line
#: read as its type. A heuristic, written for English micro-drama lines; see cliffhanger_cue.
CLIFFHANGER_CUES: dict[str, tuple[str, ...]] = {
    "reveal": ("reveal", "truth", "secret", "proof", "discover", "learn", "find", "found", "realiz", "realis",
               "show", "holds up", "photo", "letter", "file", "dna", "test", "record", "all along", "never who",
               "really", "was the", "is the"),
    "danger": ("blade", "knife", "gun", "fire", "flame", "attack", "blood", "poison", "trap", "drown", "shot",
               "shoot", "scream", "threat", "kill", "bomb", "chok", "falls", "fall", "edge", "wolves", "fang",
               "claw", "hunt", "danger", "dying", "die"),
    "betrayal": ("betray", "lie", "lied", "lying", "sold", "sell", "traitor", "cheat", "behind", "kiss",
                 "secretly", "framed", "set up", "enemy", "hands", "affair", "stole", "steal", "deceiv"),
    "arrival": ("arriv", "walks in", "walk in", "burst", "door", "return", "appear", "steps in", "step in",
                "enter", "shows up", "back", "comes in", "storms in", "lands"),
    "decision": ("decid", "choos", "chose", "sign", "tears up", "tear up", "refus", "accept", "walks away",
                 "walk away", "leav", "vow", "swear", "swore", "will", "agree", "quit", "marry"),
    "confession": ("confess", "admit", "love you", "i love", "tells", "told", "whisper", "truth", "was me",
                   "did it", "sorry", "apolog"),
    "identity": ("heir", "mark", "name", "daughter", "son", "birthmark", "identity", "true", "real", "born",
                 "blood", "queen", "king", "alpha", "princess", "prince", "twin", "mother", "father", "who she",
                 "who he", "lost"),
    "ultimatum": ("until", "or else", "choose", "either", "midnight", "deadline", "or lose", "unless", "hours",
                  "last chance", "or never", "give", "gives"),
    "accident": ("crash", "tire", "car", "collaps", "thrown", "accident", "hit", "slip", "brake", "fall",
                 "falls", "fell", "skid", "explod", "hospital", "faint", "bleed", "road"),
    "choice": ("choos", "chose", "choice", "between", "either", "must", "decid", "pick", "or"),
}


def cliffhanger_cue(text: str, kind: str) -> bool:
    """True when ``text`` carries a cue of cliffhanger type ``kind``
    (:data:`CLIFFHANGER_CUES`): one of its word stems begins a word of the text, or one of
    its phrases (several words) appears in it. A lexical heuristic: it says whether a
    "reveal" line reads like a reveal, not whether it is a good one."""
    cues = CLIFFHANGER_CUES.get(kind, ())
    ws = words(text)
    norm = f" {' '.join(ws)} "
    for cue in cues:
        if " " in cue:
            if f" {cue} " in norm:
                return True
        elif any(w.startswith(cue) for w in ws):
            return True
    return False


def cliffhanger_type_match(plan_ep: EpisodePlan, beats: EpisodeBeats | None = None) -> bool:
    """Cliffhanger-type match: the episode ends on the type the plan chose — the beat
    sheet's ``cliffhanger_type`` equals the plan's (when beats are given) — and the
    plan's cliffhanger line reads as that type (:func:`cliffhanger_cue`)."""
    if beats is not None and beats.cliffhanger_type != plan_ep.cliffhanger_type:
        return False
    return cliffhanger_cue(plan_ep.cliffhanger, plan_ep.cliffhanger_type)


# --------------------------------------------------------------------------- names

_CAP = re.compile(r"\b[A-Z][A-Za-z]+(?:['’][A-Za-z]+)?")


def name_mentions(texts: Iterable[str], bible: SeriesBible) -> tuple[int, int]:
    """``(exact, misspelt)``: capitalised words in ``texts`` that are a bible character's
    name (first name, surname or a hyphenated part; a possessive 's is dropped), and
    words that are near-misses of one (:func:`dramagen.story.check.near_misses`: one or two
    edits away, e.g. "Marra" for "Mara")."""
    parts = {q.lower() for c in bible.characters for p in c.name.split() for q in [p, *p.split("-")]}
    exact = bad = 0
    for t in texts:
        for m in _CAP.finditer(t):
            w = re.sub(r"['’]s$", "", m.group(0)).lower()
            if w in parts:
                exact += 1
        bad += len(near_misses(t, bible))
    return exact, bad


def name_consistency(texts: Iterable[str], bible: SeriesBible) -> float | None:
    """Name consistency against the bible: exact mentions / (exact mentions + misspelt
    ones) (:func:`name_mentions`). 1.0: every name is spelt as in the bible. None when
    the texts name nobody."""
    exact, bad = name_mentions(list(texts), bible)
    return None if exact + bad == 0 else exact / (exact + bad)


# --------------------------------------------------------------------------- slots and speed


def slot_rates(stats: Mapping[str, SlotStats], prefix: str = "") -> dict[str, Any]:
    """Repair / regeneration counts of the quality engine over the slot kinds starting
    with ``prefix`` (e.g. ``"beats."``): ``slots``, ``accepted``, ``repaired``,
    ``regenerated``, ``fallback`` (counts), each divided by ``slots`` (``*_rate``), and
    ``candidates_per_slot``. A slot ends as exactly one of accepted / repaired / fallback;
    ``regenerated`` counts slots that needed a second round whatever their end."""
    total = SlotStats()
    for kind, st in stats.items():
        if kind.startswith(prefix):
            total.add(st)
    out: dict[str, Any] = {k: getattr(total, k) for k in ("slots", "accepted", "repaired", "regenerated",
                                                            "fallback")}
    for k in ("accepted", "repaired", "regenerated", "fallback"):
        out[f"{k}_rate"] = getattr(total, k) / total.slots if total.slots else None
    out["candidates_per_slot"] = total.candidates / total.slots if total.slots else None
    return out


def tokens_per_second(tokens: int, seconds: float) -> float | None:
    """Throughput: generated tokens / wall seconds spent inside the model's ``generate``
    calls. None when nothing was timed."""
    return tokens / seconds if seconds > 0 else None


# --------------------------------------------------------------------------- a season


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str  # "rate", "s", "words", "count", "tok/s", …
    better: str  # "higher", "lower" or "" (neither: a description, e.g. length)
    definition: str


from .story.metrics import STORY_METRICS as _STORY_METRICS  # noqa: E402

METRICS: tuple[Metric, ...] = (
    Metric("valid_rate", "structural validity", "rate", "higher",
           "episodes passing every `dramagen check` rule / episodes"),
    Metric("runtime_error", "runtime error", "rate", "lower", "mean |runtime − target| / target over episodes"),
    Metric("runtime_abs_error_s", "runtime error (s)", "s", "lower", "mean |runtime − target| in seconds"),
    Metric("hook_rate", "hook present", "rate", "higher", "episodes opening on a hook beat of ≤ 5 s with text"),
    Metric("cliffhanger_rate", "cliffhanger present", "rate", "higher",
           "episodes whose last beat is the cliffhanger and holds the plan's line"),
    Metric("cliffhanger_type_match", "cliffhanger-type match", "rate", "higher",
           "episodes whose cliffhanger has the plan's type and reads as it (cue words)"),
    Metric("name_consistency", "name consistency", "rate", "higher",
           "exact bible-name mentions / (exact + misspelt) in the written text"),
    Metric("name_issues", "name issues / episode", "count", "lower", "`names.*` check issues per episode"),
    Metric("repetition", "repeated 3-grams", "rate", "lower",
           "mean over episodes of the share of 3-gram occurrences repeating an earlier one"),
    Metric("loops", "loops / episode", "count", "lower", "3-word sequences said 3+ times in one text, per episode"),
    Metric("distinct_1", "distinct-1", "rate", "higher", "distinct words / words, pooled over the run's episodes"),
    Metric("distinct_2", "distinct-2", "rate", "higher", "distinct bigrams / bigrams, pooled over the run's episodes"),
    Metric("words_per_episode", "words / episode", "words", "", "mean words written per episode"),
    Metric("words_per_text", "words / line", "words", "", "mean words per action or dialogue line"),
    Metric("texts_per_episode", "lines / episode", "count", "", "mean action + dialogue lines per episode"),
    Metric("dialogue_share", "dialogue share", "rate", "",
           "dialogue words / (dialogue + action words), pooled over episodes (real scripts: about 0.25–0.55)"),
    Metric("action_words", "words / action paragraph", "words", "",
           "mean words per action paragraph, over the run's episodes (real scripts: about 14–30)"),
    Metric("accepted_rate", "accepted", "rate", "higher", "stage slots whose best candidate passed as generated"),
    Metric("repaired_rate", "repaired", "rate", "", "stage slots kept after a repair (name fixed, trimmed)"),
    Metric("regenerated_rate", "regenerated", "rate", "lower", "stage slots that needed a second round"),
    Metric("fallback_rate", "fallback", "rate", "lower", "stage slots where no candidate passed (template line)"),
    Metric("stage_seconds", "stage time (s)", "s", "lower", "wall seconds of the measured stage"),
    Metric("seconds_per_episode", "s / episode", "s", "lower", "stage seconds per episode written"),
    Metric("tokens_per_s", "tokens/s", "tok/s", "higher", "generated tokens / seconds inside generate()"),
    *(Metric(k, *v) for k, v in _STORY_METRICS.items()),
)


def _mean(xs: Sequence[float | None]) -> float | None:
    vals = [x for x in xs if x is not None and not (isinstance(x, float) and math.isnan(x))]
    return statistics.fmean(vals) if vals else None


def episode_metrics(bible: SeriesBible, plan: SeasonPlan, n: int, beats: EpisodeBeats | None,
                    script: EpisodeScript | None = None) -> dict[str, Any]:
    """The per-episode values behind :func:`season_metrics` (one episode ``n``)."""
    ep = plan.episode(n)
    texts = script_texts(script) if script is not None else (beat_texts(beats) if beats is not None else
                                                              plan_texts(ep))
    issues = check_episode(bible, ep, beats, paywall=plan.paywall)
    written: EpisodeScript | EpisodeBeats | None = script if script is not None else beats
    if script is not None:
        from .story.stages.script import script_issues

        valid = not issues and not script_issues(script, bible, ep, beats=beats)
        runtime: float | None = script.estimated_seconds
    else:
        valid = not issues
        runtime = beats.runtime if beats is not None else None
    out: dict[str, Any] = {
        "episode": n,
        "valid": valid,
        "runtime": runtime,
        "runtime_error": runtime_error(runtime, ep.target_seconds) if runtime is not None else None,
        "runtime_abs_error_s": abs(runtime - ep.target_seconds) if runtime is not None else None,
        "hook": hook_present(beats) if beats is not None else None,
        "cliffhanger": cliffhanger_present(ep, beats) if beats is not None else bool(ep.cliffhanger.strip()),
        "cliffhanger_type_match": cliffhanger_type_match(ep, beats),
        "name_issues": sum(1 for i in issues if i.column == "names"),
        "repetition": repeated_ngram_rate(texts, 3),
        "loops": loop_count(texts),
        "words": sum(word_count(t) for t in texts),
        "texts": len(texts),
        "dialogue_words": dialogue_words(written) if written is not None else None,
        "action_paragraphs": [word_count(t) for t in action_paragraphs(written)] if written is not None else None,
        "dialogue_share": dialogue_share(written) if written is not None else None,
        "action_words": action_words(written) if written is not None else None,
        "text": texts,
    }
    return out


def _talk_and_picture(rows: Sequence[Mapping[str, Any]]) -> dict[str, float | None]:
    """Season ``dialogue_share`` (dialogue words / dialogue + action words, pooled over the
    episodes, so a long episode weighs more) and ``action_words`` (mean over every action
    paragraph of the episodes)."""
    measured = [r for r in rows if r.get("dialogue_words") is not None]
    talk = sum(r["dialogue_words"] for r in measured)
    paras = [n for r in measured for n in r["action_paragraphs"]]
    total = talk + sum(paras)
    return {"dialogue_share": talk / total if total else None,
            "action_words": statistics.fmean(paras) if paras else None}


def season_metrics(bible: SeriesBible, plan: SeasonPlan | None = None,
                   beats: Mapping[int, EpisodeBeats] | None = None,
                   scripts: Mapping[int, EpisodeScript] | None = None,
                   stats: Mapping[str, SlotStats] | None = None, *, stage: str = "beats",
                   seconds: Mapping[str, float] | None = None, tokens: int = 0,
                   gen_seconds: float = 0.0) -> dict[str, Any]:
    """Every metric of :data:`METRICS` for one season (one lab run), as a flat dict.

    The episodes measured are those with the ``stage``'s output (beats or scripts); for
    ``stage="plan"`` every planned episode (its title, synopsis, cliffhanger); for
    ``"bible"`` the bible's texts only. ``stats`` are the manifest's slot statistics (the
    ``stage``'s slot kinds are counted), ``seconds`` its wall times per stage, and
    ``tokens`` / ``gen_seconds`` what the lab metered inside ``generate``.
    """
    beats = dict(beats or {})
    scripts = dict(scripts or {})
    out: dict[str, Any] = {m.name: None for m in METRICS}
    seconds = dict(seconds or {})
    if stage == "bible" or plan is None:
        texts = bible_texts(bible)
        out.update(episodes=0, name_consistency=name_consistency(texts, bible),
                   repetition=repeated_ngram_rate(texts, 3), loops=loop_count(texts),
                   distinct_1=distinct_n(texts, 1), distinct_2=distinct_n(texts, 2),
                   words_per_text=_mean([word_count(t) for t in texts]))
        stage_s = seconds.get("bible")
        n_eps = 0
    else:
        if stage == "plan":
            numbers = [e.number for e in plan.episodes]
        elif stage == "script":
            numbers = sorted(scripts)
        else:
            numbers = sorted(beats)
        rows = [episode_metrics(bible, plan, n, beats.get(n) if stage != "plan" else None,
                                scripts.get(n) if stage == "script" else None) for n in numbers]
        all_texts = [t for r in rows for t in r["text"]]
        n_eps = len(rows)

        def rate(key: str) -> float | None:
            vals = [r[key] for r in rows if r[key] is not None]
            return sum(1 for v in vals if v) / len(vals) if vals else None

        out.update(
            episodes=n_eps,
            valid_rate=rate("valid"),
            runtime_error=_mean([r["runtime_error"] for r in rows]),
            runtime_abs_error_s=_mean([r["runtime_abs_error_s"] for r in rows]),
            hook_rate=rate("hook"),
            cliffhanger_rate=rate("cliffhanger"),
            cliffhanger_type_match=rate("cliffhanger_type_match"),
            name_consistency=name_consistency(all_texts, bible),
            name_issues=_mean([r["name_issues"] for r in rows]),
            repetition=_mean([r["repetition"] for r in rows]),
            loops=_mean([r["loops"] for r in rows]),
            distinct_1=distinct_n(all_texts, 1),
            distinct_2=distinct_n(all_texts, 2),
            words_per_episode=_mean([r["words"] for r in rows]),
            words_per_text=_mean([word_count(t) for t in all_texts]),
            texts_per_episode=_mean([r["texts"] for r in rows]),
            **_talk_and_picture(rows),
        )
        stage_s = seconds.get("plan") if stage == "plan" else seconds.get("episodes")
    prefix = {"bible": "bible.", "plan": "plan.", "beats": "beats.", "script": "script."}.get(stage, "")
    rates = slot_rates(stats or {}, prefix)
    out.update({k: rates[k] for k in ("accepted_rate", "repaired_rate", "regenerated_rate", "fallback_rate")})
    out.update(slots=rates["slots"], repaired=rates["repaired"], regenerated=rates["regenerated"],
               fallback=rates["fallback"], candidates_per_slot=rates["candidates_per_slot"])
    out["stage_seconds"] = stage_s
    out["seconds_per_episode"] = (stage_s / n_eps) if stage_s is not None and n_eps else None
    out["tokens"] = tokens
    out["tokens_per_s"] = tokens_per_second(tokens, gen_seconds)
    return out


def season_dir_metrics(season_dir: str | Path, stage: str | None = None, *, tokens: int = 0,
                       gen_seconds: float = 0.0) -> dict[str, Any]:
    """:func:`season_metrics` of a season folder (``stage`` default: the furthest stage
    with files: script, beats, plan or bible). Slot statistics are read from the
    episodes' ``stats.json`` for beats and scripts, from ``manifest.json`` otherwise."""
    from .project.season import SeasonDir

    sd = SeasonDir(season_dir)
    bible = sd.load_bible()
    plan = sd.load_plan() if sd.has_plan() else None
    beats = sd.load_all_beats() if plan is not None else {}
    scripts = {n: sd.load_script(n) for n in sd.episodes_done("script")} if plan is not None else {}
    if stage is None:
        stage = "script" if scripts else "beats" if beats else "plan" if plan is not None else "bible"
    manifest = sd.load_manifest()
    if stage in ("beats", "script"):
        stats: dict[str, SlotStats] = {}
        for n in sorted(scripts if stage == "script" else beats):
            for k, v in sd.load_stats(f"episodes/ep{n:03d}/stats.json").items():
                stats.setdefault(k, SlotStats()).add(v)
    else:
        stats = dict(manifest.stats) if manifest else {}
    out = season_metrics(bible, plan, beats, scripts, stats, stage=stage,
                         seconds=manifest.seconds if manifest else {}, tokens=tokens, gen_seconds=gen_seconds)
    from .story.metrics import story_metrics

    out.update(story_metrics(bible, plan, beats, sd.load_ledger(), _premise_of(sd)))
    return out


def _premise_of(sd: Any) -> Any:
    """The season's premise: premise.json (a free-text season), else its catalogue trope's story block."""
    from .story.premise import Premise
    from .story.tropes import get_trope

    if sd.premise_path.exists():
        return Premise.model_validate_json(sd.premise_path.read_text(encoding="utf-8"))
    req = sd.load_request() if sd.request_path.exists() else None
    if req is None or req.custom_trope:
        return None
    try:
        return get_trope(req.trope).story
    except Exception:  # noqa: BLE001 - a trope no longer in the catalogue: no premise to measure
        return None
