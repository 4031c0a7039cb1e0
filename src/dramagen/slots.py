"""The quality engine for one-line slots (docs/architecture.md, Slots).

The planner builds the structure; the model only writes small one-line slots: a title, a
logline, a synopsis, a cliffhanger, a beat's action, one line of dialogue. A
:class:`Slot` says which few-shot prompt to render and how to judge what comes back;
:func:`fill` writes many slots at once:

1. every slot's prompt is rendered (``prompts/…/*.j2``, plain completion, no chat
   template) and ``candidates`` completions of every slot are sampled in ONE batched
   :meth:`Generator.generate` call, seeded with ``derive_seed(ctx.seed, *purpose)`` and
   cut at the first newline;
2. each candidate is **cleaned** (first line, quotes, a leading ``Label:`` or cue),
   **validated** (empty, too short or long, loops and repeated n-grams, junk characters,
   a copy of a prompt example, misspelled or unknown capitalised names, off-topic) and
   **repaired** where it can be (a near-miss of a bible name becomes the exact name, a
   run-on is cut at its last full sentence, a missing full stop is added);
3. the passing candidates are **scored** (required names present, length near the
   sweet spot, overlap with the topic words, no repetition, the model's mean log-prob)
   and the best is kept;
4. slots with no passing candidate get ONE more round (only those slots, another
   derived seed), then their **fallback** text.

Everything is counted in ``ctx.stats[slot.kind]`` (:class:`SlotStats`): each slot
ends as exactly one of ``accepted`` / ``repaired`` / ``fallback``; ``regenerated``
counts the slots that needed the second round (whatever their end).

Determinism: the output of :func:`fill` depends only on ``ctx.seed``, ``purpose`` and
the slots (their order included) — never on earlier calls — so a resumed season equals
an uninterrupted one. Callers must therefore batch the same slots together whatever
the user asked for (see ``stages.plan``: fixed groups of episodes).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .llm.base import Completion, GenerationParams, Generator, capabilities_of, generate_scored
from .models import SlotStats
from .prompting import PromptLibrary, default_library
from .seeding import derive_seed

__all__ = [
    "DEFAULT_SAMPLING",
    "Candidate",
    "Slot",
    "SlotResult",
    "WriteContext",
    "clean",
    "fill",
    "fill_ranked",
    "fix_names",
    "score",
    "validate",
    "word_count",
]

#: Sampling for every slot call (max_new_tokens comes from the slots, the seed from the purpose).
DEFAULT_SAMPLING: dict[str, Any] = {"temperature": 0.8, "top_p": 0.95, "top_k": 50, "repetition_penalty": 1.15}


# --------------------------------------------------------------------------- context


@dataclass
class WriteContext:
    """What every stage needs to write slots: the model, the run seed and the bookkeeping."""

    generator: Generator
    seed: int
    candidates: int = 6
    prompts: PromptLibrary = field(default_factory=default_library)
    stats: dict[str, SlotStats] = field(default_factory=dict)
    #: slot kind → the GenerationParams actually used (for the run manifest)
    params: dict[str, dict] = field(default_factory=dict)
    #: called with (slot kind, accepted text) for every slot, in order, as it is decided
    on_text: Callable[[str, str], None] | None = None
    #: optional per-kind cap on candidates (e.g. {"beats.line": 4}) — a speed knob
    candidates_by_kind: dict[str, int] = field(default_factory=dict)
    #: the content rating every candidate must pass (dramagen.rating); refusals count as ``rating_<reason>``
    rating: str = "platform-safe"

    def stat(self, kind: str) -> SlotStats:
        if kind not in self.stats:
            self.stats[kind] = SlotStats()
        return self.stats[kind]

    def total_stats(self) -> SlotStats:
        total = SlotStats()
        for s in self.stats.values():
            total.add(s)
        return total


@dataclass
class Slot:
    """One line for the model to write, and how to judge it."""

    kind: str  # "bible.title", "plan.synopsis", "beats.line"… (the stats key)
    template: str  # prompt file, e.g. "plan/synopsis.j2"
    context: dict[str, Any]  # the template's variables
    fallback: str  # used when no candidate passes; should itself be a good line
    #: bible names (full, "Kai Blackwood") a candidate may use; misspellings are repaired to them
    names: Sequence[str] = ()
    #: names that should appear (score); with ``require_name`` at least one must
    required: Sequence[str] = ()
    require_name: bool = False
    #: when True, a capitalised name that is not a bible name (nor an allowed word) rejects
    strict_names: bool = True
    #: capitalised words that are fine although not names (titles, places, trope words)
    allowed_words: Sequence[str] = ()
    #: topic words (synopsis, trope keywords); overlap scores, and with ``require_topic``
    #: a candidate needs one of them or a bible name
    keywords: Sequence[str] = ()
    require_topic: bool = False
    #: names whose presence is penalised (a speaker naming themself)
    avoid: Sequence[str] = ()
    min_words: int = 3
    max_words: int = 25
    sweet_words: int | None = None
    #: extra leading labels to strip ("Title", "Logline"…); cues of ``names`` are always stripped
    labels: Sequence[str] = ()
    #: reject first-person text (an action line is not dialogue)
    no_first_person: bool = False
    max_tokens: int = 32
    #: words the answer must begin with (e.g. a bible name): appended to the prompt, and
    #: prepended to every candidate — a cheap form of constrained decoding
    prefix: str = ""
    candidates: int | None = None  # None: ctx.candidates (capped by ctx.candidates_by_kind)
    #: an optional extra check: text -> reason or None
    check: Callable[[str], str | None] | None = None
    #: False: no second round when every candidate fails (the fallback is a good line, e.g. the phrase library's)
    retry: bool = True
    #: True: an answer may repeat the prompt's words (a list of things the prompt's text names)
    copy_ok: bool = False


@dataclass
class Candidate:
    raw: str
    text: str
    ok: bool
    reason: str = ""  # rejection reason when not ok
    repaired: bool = False
    score: float = -math.inf
    logprob: float | None = None
    round: int = 1


@dataclass
class SlotResult:
    """What :func:`fill_ranked` decided for one slot."""

    slot: Slot
    text: str
    status: str  # "accepted" | "repaired" | "fallback"
    regenerated: bool = False
    score: float = -math.inf
    #: every distinct passing candidate, best first: (text, score)
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)


# --------------------------------------------------------------------------- words

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")
_CAP_TOKEN = re.compile(r"[A-Z][A-Za-z]*(?:['’\-][A-Za-z]+)*")

# Words that may open a sentence without being a name (mid-sentence they are lowercase anyway).
_COMMON = set("""
a about above across after again against all almost alone along already also although always am an and another any
anyone anything anyway are aren't around as ask at away back be because been before behind being below beneath
beside besides best better between beyond both but by can can't cannot come could couldn't dear did didn't do does
doesn't don't down during each either else enough even ever every everyone everything except far few finally first
for forget forgive from get give go goodbye good great had hadn't has hasn't have haven't he he'd he'll he's her here
here's hers herself hey hi him himself his how however i i'd i'll i'm i've if in inside instead into is isn't it
it's its itself just keep kill leave less let let's like listen look many may maybe me mine more most much must my
myself never new next no nobody none nor not nothing now of off oh ok okay old on once one only or other our ours
out outside over please quiet right run same say see she she'd she'll she's should shouldn't show since so some
someone something soon sorry still stop such take tell than thank thanks that that's the their theirs them then there
there's these they they'd they'll they're this those though through tonight too tomorrow today under unless until up
upon us very wait was wasn't we we'd we'll we're we've well were weren't what what's whatever when where where's
whether which while who who's whoever whole whom whose why will with within without won't would wouldn't yes yet you
you'd you'll you're you've your yours yourself yourselves help hold bring open close call find meet stay trust
believe remember answer kneel move go get put turn walk sit stand breathe drop shut lie fight watch hear try
three two four five ten hundred thousand last tears blood silence later then meanwhile inside outside
everyone nobody somebody anybody all both half someday sometimes always behind across
mom dad mother father sister brother son daughter wife husband baby darling honey love sweetheart grandma grandpa
""".split())

# Capitalised words that are titles, honorifics or common proper words, never a stray name.
_TITLES = set("""
alpha luna beta omega gamma king queen prince princess duke duchess lord lady sir madam miss mr mrs ms dr doctor
ceo boss chairman president director captain officer detective judge father mother god goddess moon sun heaven hell
grandma grandpa mom dad mommy daddy uncle aunt don madame master young lady tv ok okay ii iii
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december christmas valentine's new york paris london
""".split())


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


_STOP = set("""a an the and or but of to in on at by for with from as is are was were be been being it its this that
these those he she they them his her their him i you we me my your our us not no so if then than there here into out
up down over what who whom which when where why how all any some just now can will would could should do does did
has have had one two very too only also more most""".split())


def _content(text: str) -> set[str]:
    out = set()
    for w in _words(text):
        w = w.replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        if len(w) > 2 and w not in _STOP:
            out.add(w)
    return out


def _stem(w: str) -> str:
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


# --------------------------------------------------------------------------- cleaning

_QUOTES = "\"'“”‘’«»`"
_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z .'\-]{0,30}?)(\s*\([^)]{0,30}\))?\s*:\s+")
_JUNK = re.compile(r"[*#<>\[\]{}|_=@/\\~^$%]|https?:|www\.|\.com\b")


def clean(raw: str, labels: Iterable[str] = (), cues: Iterable[str] = ()) -> str:
    """First line, without surrounding quotes, a leading ``Label:`` / ``CUE (x):`` or a dangling parenthetical."""
    text = raw.replace("\r", "\n").split("\n", 1)[0]
    text = " ".join(text.split())
    known = {x.lower() for x in labels} | {x.lower() for x in cues}
    for _ in range(2):
        m = _LABEL.match(text)
        if not m:
            break
        head = m.group(1).strip()
        if head.lower() in known or head.isupper() or m.group(2) or head.lower() in {
                "story", "cliffhanger", "title", "logline", "line", "beat", "action", "synopsis", "episode",
                "scene", "want", "secret", "look", "answer", "note"}:
            text = text[m.end():]
        else:
            break
    # a stray parenthetical left at the start, e.g. "(cold) I reject you." or "cold): I reject you."
    if re.match(r"^\(?[a-z][a-z ,'\-]{0,24}\)", text):
        text = re.sub(r"^\(?[a-z][a-z ,'\-]{0,24}\)\s*:?\s*", "", text)
    text = text.strip()
    # surrounding quotes (also a lone leading/trailing one)
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    if text and text[0] in "\"“”«" and text.count(text[0]) == 1:
        text = text[1:].strip()
    if text and text[-1] in "\"“”»" and sum(text.count(q) for q in "\"“”") == 1:
        text = text[:-1].strip()
    text = text.strip(" -–—")
    return text


def _sentences_end(text: str) -> list[int]:
    return [m.end() for m in re.finditer(r"[.!?…]+[\"'”’)]?(?=\s|$)", text)]


def _trim_to_sentence(text: str, max_words: int, min_words: int) -> str | None:
    """The longest prefix ending a sentence with min..max words, or None."""
    best = None
    for end in _sentences_end(text):
        part = text[:end].strip()
        n = word_count(part)
        if n > max_words:
            break
        if n >= min_words:
            best = part
    return best


# --------------------------------------------------------------------------- names


def _levenshtein(a: str, b: str) -> int:
    if a == b:
        return 0
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _near(token: str, part: str) -> bool:
    t, p = token.lower(), part.lower()
    if t == p:
        return True
    if len(p) < 3 or len(t) < 3:
        return False
    d = _levenshtein(t, p)
    if len(p) >= 7:
        return d <= 2
    if len(p) >= 4:
        return d <= 1
    # 3-letter names (Kai, Ava): only a doubled letter or one changed vowel-free slip ("Kaai")
    return d <= 1 and len(t) == 4 and t[0] == p[0]


def _sentence_starts(text: str) -> set[int]:
    starts = {0}
    for m in re.finditer(r"([.!?…:;]+[\"'”’)]?\s+|[—–-]\s+|[\"“(]\s*)", text):
        starts.add(m.end())
    # skip leading quotes/spaces
    first = re.match(r"[\s\"“'‘(]*", text)
    if first:
        starts.add(first.end())
    return starts


def fix_names(text: str, names: Sequence[str],
              allowed_words: Iterable[str] = ()) -> tuple[str, bool, list[str], set[str]]:
    """Repair near-misses of bible names; find unknown capitalised names.

    Returns ``(text, repaired, unknown, present)`` where ``present`` are the bible names
    (full, as given) that the text mentions by first name, surname or full name.
    """
    parts: dict[str, str] = {}  # lowercase part -> exact part
    owner: dict[str, str] = {}  # lowercase part -> full name
    for full in names:
        for p in full.split():
            parts.setdefault(p.lower(), p)
            owner.setdefault(p.lower(), full)
    allowed = {w.lower() for w in allowed_words} | _TITLES
    starts = _sentence_starts(text)
    out: list[str] = []
    pos = 0
    repaired = False
    unknown: list[str] = []
    present: set[str] = set()
    for m in _CAP_TOKEN.finditer(text):
        tok = m.group(0)
        base = re.sub(r"['’]s$", "", tok)
        suffix = tok[len(base):]
        low = base.lower()
        at_start = m.start() in starts
        repl = None
        if low in parts:
            if base != parts[low]:
                if base.isupper() and len(base) > 1:
                    repl = parts[low]  # MARA -> Mara
                elif not at_start or low not in _COMMON:
                    repl = parts[low]
            present.add(owner[low])
        elif (base == "I" or low in allowed or (base.isupper() and len(base) <= 3 and low in _COMMON)
              or (at_start and (low in _COMMON or low.endswith(("ly", "ing", "ed")) or low in _STOP))):
            pass
        else:
            near = [p for p in parts if _near(low, p)]
            if near and not (at_start and low in _COMMON):
                best = min(near, key=lambda p: (_levenshtein(low, p), p))
                repl = parts[best]
                present.add(owner[best])
            elif not at_start or low not in _COMMON:
                if base.isupper() and len(base) > 1:
                    unknown.append(base)  # shouted word or a stray cue: treat as unknown
                else:
                    unknown.append(base)
        if repl is not None and repl != base:
            out.append(text[pos:m.start()])
            out.append(repl + suffix)
            pos = m.end()
            repaired = True
    out.append(text[pos:])
    return "".join(out), repaired, unknown, present


# --------------------------------------------------------------------------- validation & scoring


def _has_loop(text: str) -> bool:
    ws = _words(text)
    if len(ws) < 3:
        return False
    for i in range(len(ws) - 2):
        if ws[i] == ws[i + 1] == ws[i + 2]:
            return True
    grams = [tuple(ws[i:i + 3]) for i in range(len(ws) - 2)]
    if len(grams) != len(set(grams)):
        return True
    counts: dict[str, int] = {}
    for w in ws:
        if len(w) > 3 and w not in _STOP:
            counts[w] = counts.get(w, 0) + 1
            if counts[w] >= 3:
                return True
    return False


_DANGLING = {"the", "a", "an", "to", "of", "and", "or", "but", "with", "in", "on", "at", "for", "from", "his", "her",
             "their", "my", "your", "its", "is", "was", "are", "were", "as", "that", "than", "into", "by"}
_FIRST_PERSON = re.compile(r"\b(I|I'm|I've|I'll|I'd|me|my|mine|we|our|us|you|your|you're|yours)\b", re.I)


def _copied(text: str, prompt: str) -> bool:
    norm = " ".join(_words(text))
    if len(norm) < 12:
        return False
    if norm in " ".join(_words(prompt)):
        return True
    for line in prompt.splitlines():
        body = line.split(":", 1)[-1]
        if body.strip() and difflib.SequenceMatcher(None, norm, " ".join(_words(body))).ratio() > 0.85:
            return True
    return False


def validate(raw: str, slot: Slot, finish_reason: str = "stop", prompt: str = "") -> Candidate:
    """Clean, validate and repair one candidate (no scoring)."""
    cues = [n.split()[0].upper() for n in slot.names] + [n.split()[0] for n in slot.names]
    text = clean(raw, slot.labels, cues)
    repaired = False

    def bad(reason: str) -> Candidate:
        return Candidate(raw=raw, text=text, ok=False, reason=reason)

    if finish_reason == "error":  # the backend failed this candidate (see llm.resilient)
        return bad("error")
    if not text or not _WORD.search(text):
        return bad("empty")
    if _JUNK.search(text) or sum(ch.isdigit() for ch in text) > 4:
        return bad("junk")
    name_words = {n.lower() for s in slot.names for n in s.split()}
    caps = [w for w in re.findall(r"\b[A-Z]{3,}\b", text) if w.lower() not in name_words]
    if len(caps) >= 2:
        return bad("junk")
    if finish_reason == "length":  # ran on without ending the line: keep whole sentences only
        cut = _trim_to_sentence(text, slot.max_words, slot.min_words)
        if cut is None:
            return bad("runon")
        repaired = repaired or cut != text
        text = cut
    n = word_count(text)
    if n > slot.max_words:
        cut = _trim_to_sentence(text, slot.max_words, slot.min_words)
        if cut is None:
            return bad("long")
        text, repaired = cut, True
        n = word_count(text)
    if n < slot.min_words:
        return bad("short")
    if text.endswith((":", ",", ";", "-", "(")) or _words(text)[-1] in _DANGLING:
        return bad("unfinished")
    if _has_loop(text):
        return bad("repetition")
    if prompt and not slot.copy_ok and _copied(text, prompt):
        return bad("copy")
    if slot.no_first_person and _FIRST_PERSON.search(text):
        return bad("first_person")
    fixed, name_fixed, unknown, present = fix_names(text, slot.names, slot.allowed_words)
    if unknown and slot.strict_names:
        return bad("unknown_name")
    if name_fixed:
        text, repaired = fixed, True
    if slot.require_name and slot.required and not (present & set(slot.required)):
        return bad("missing_name")
    if slot.require_name and not slot.required and not present:
        return bad("missing_name")
    if slot.require_topic and not present:
        topic = {_stem(w) for w in _content(" ".join(slot.keywords))}
        if not ({_stem(w) for w in _content(text)} & topic):
            return bad("offtopic")
    if slot.check is not None:
        why = slot.check(text)
        if why:
            return bad(why)
    if text[-1] not in ".!?…\"”'’)":
        text += "."
    return Candidate(raw=raw, text=text, ok=True, repaired=repaired)


def score(text: str, slot: Slot, logprob: float | None = None, repaired: bool = False) -> float:
    """Higher is better: names, length, topic, variety, the model's confidence."""
    s = 0.0
    _, _, _, present = fix_names(text, slot.names, slot.allowed_words)
    if slot.required:
        s += 1.5 * len(present & set(slot.required)) / len(slot.required)
    if slot.avoid and present & set(slot.avoid):
        s -= 0.7
    n = word_count(text)
    sweet = slot.sweet_words or max(slot.min_words, (slot.min_words + slot.max_words) // 2)
    s -= 1.0 * abs(n - sweet) / max(1, sweet)
    topic = {_stem(w) for w in _content(" ".join(slot.keywords))}
    if topic:
        hits = len({_stem(w) for w in _content(text)} & topic)
        s += 0.4 * min(hits, 3)
    ws = _words(text)
    if ws:
        s -= 1.0 * (1 - len(set(ws)) / len(ws))
    if logprob is not None and math.isfinite(logprob):
        s += 0.8 * max(-2.0, min(1.5, logprob + 2.2))
    if repaired:
        s -= 0.3
    return round(s, 6)


# --------------------------------------------------------------------------- generation


def _n_for(ctx: WriteContext, slot: Slot) -> int:
    n = slot.candidates or ctx.candidates
    cap = ctx.candidates_by_kind.get(slot.kind)
    if cap:
        n = min(n, cap)
    return max(1, n)


def _generate(ctx: WriteContext, prompts: list[str], counts: list[int],
              params: GenerationParams) -> list[list[Completion]]:
    """Candidates per prompt (``counts[i]`` of prompt i) from one batched call."""
    gen = ctx.generator
    if capabilities_of(gen).row_batching:
        # one row per candidate with n=1: the backend then packs full batches (batch_size rows)
        # whatever the candidate count; sampling is the same as num_return_sequences.
        rows = [p for p, k in zip(prompts, counts) for _ in range(k)]
        comps = generate_scored(gen, rows, params.model_copy(update={"n": 1}))
        out: list[list[Completion]] = []
        i = 0
        for k in counts:
            out.append(list(comps[i:i + k]))
            i += k
        return out
    n = max(counts)
    p = params.model_copy(update={"n": n})
    comps = generate_scored(gen, prompts, p)
    grouped: list[list[Completion]] = [[] for _ in prompts]
    for c in comps:
        if 0 <= c.prompt_index < len(prompts):
            grouped[c.prompt_index].append(c)
    return [sorted(g, key=lambda c: c.candidate)[:k] for g, k in zip(grouped, counts)]


def _params(slots: Sequence[Slot], seed: int) -> GenerationParams:
    return GenerationParams(max_new_tokens=max(s.max_tokens for s in slots), stop=("\n",), seed=seed, n=1,
                            **DEFAULT_SAMPLING)


def _round(ctx: WriteContext, slots: list[Slot], prompts: list[str], seed: int, rnd: int) -> list[list[Candidate]]:
    counts = [_n_for(ctx, s) for s in slots]
    params = _params(slots, seed)
    for s in slots:
        ctx.params.setdefault(s.kind, {**params.model_dump(mode="json", exclude={"seed", "n"}),
                                       "max_new_tokens": s.max_tokens, "n": _n_for(ctx, s),
                                       "seed": "derive_seed(run seed, *purpose)"})
    sent = [p + " " + s.prefix if s.prefix else p for p, s in zip(prompts, slots)]
    try:
        groups = _generate(ctx, sent, counts, params)
    except Exception as e:  # noqa: BLE001 - a failed call is a failed round (then regeneration, then fallback)
        from .llm.resilient import is_generation_failure

        if not is_generation_failure(e):
            raise
        return [[Candidate(raw="", text="", ok=False, reason="error", round=rnd)] for _ in slots]
    out: list[list[Candidate]] = []
    for slot, prompt, comps in zip(slots, prompts, groups):
        cands = []
        for c in comps:
            cand = validate(slot.prefix + c.text if slot.prefix else c.text, slot, c.finish_reason, prompt)
            cand.logprob = c.logprob
            cand.round = rnd
            if cand.ok:
                _rate(cand, ctx.rating)
            if cand.ok:
                cand.score = score(cand.text, slot, c.logprob, cand.repaired)
            cands.append(cand)
        out.append(cands)
    return out


def _rate(cand: Candidate, rating: str) -> None:
    """Refuse a candidate the content rating does not allow (reason ``rating_<category>``)."""
    from .rating import check_text

    why = check_text(cand.text, rating)
    if why:
        cand.ok, cand.reason = False, f"rating_{why}"


def _render(ctx: WriteContext, slot: Slot) -> str:
    return ctx.prompts.render(slot.template, **slot.context).text.rstrip()


def fill_ranked(ctx: WriteContext, slots: Sequence[Slot], purpose: tuple) -> list[SlotResult]:
    """Write every slot; return the decisions with every passing alternative, best first."""
    slots = list(slots)
    if not slots:
        return []
    prompts = [_render(ctx, s) for s in slots]
    first = _round(ctx, slots, prompts, derive_seed(ctx.seed, *purpose), 1)
    cands: list[list[Candidate]] = [list(c) for c in first]
    failed = [i for i, cs in enumerate(cands) if not any(c.ok for c in cs) and slots[i].retry]
    if failed:
        again = _round(ctx, [slots[i] for i in failed], [prompts[i] for i in failed],
                       derive_seed(ctx.seed, *purpose, "regen"), 2)
        for i, cs in zip(failed, again):
            cands[i].extend(cs)
    results: list[SlotResult] = []
    for i, (slot, cs) in enumerate(zip(slots, cands)):
        st = ctx.stat(slot.kind)
        st.slots += 1
        st.candidates += len(cs)
        rejected = dict(st.rejected)
        for c in cs:
            if not c.ok:
                rejected[c.reason] = rejected.get(c.reason, 0) + 1
        st.rejected = rejected
        regenerated = i in failed
        if regenerated:
            st.regenerated += 1
        good = sorted((c for c in cs if c.ok), key=lambda c: (-c.score, c.round, cs.index(c)))
        alts: list[tuple[str, float]] = []
        seen: set[str] = set()
        for c in good:
            if c.text.lower() not in seen:
                seen.add(c.text.lower())
                alts.append((c.text, c.score))
        if good:
            best = good[0]
            status = "repaired" if best.repaired else "accepted"
            text, sc = best.text, best.score
        else:
            status, text, sc = "fallback", slot.fallback, -math.inf
        if status == "accepted":
            st.accepted += 1
        elif status == "repaired":
            st.repaired += 1
        else:
            st.fallback += 1
        results.append(SlotResult(slot=slot, text=text, status=status, regenerated=regenerated, score=sc,
                                  alternatives=alts, candidates=cs))
        if ctx.on_text is not None:
            ctx.on_text(slot.kind, text)
    return results


def fill(ctx: WriteContext, slots: Sequence[Slot], purpose: tuple) -> list[str]:
    """Write every slot (one batched call, one regeneration round for failures, then fallbacks)."""
    return [r.text for r in fill_ranked(ctx, slots, purpose)]
