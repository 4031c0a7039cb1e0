"""Writing slots: every candidate of every slot in one batched call, validated, rated, scored, ranked;
one more round for the slots with no passing candidate, then their fallback (``dramagen.story.slots``)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from ...core.seeding import derive_seed
from ...llm.base import Completion, GenerationParams, capabilities_of, generate_scored
from .scoring import score
from .spec import DEFAULT_SAMPLING, Candidate, Slot, SlotResult, WriteContext
from .validation import validate


def _n_for(ctx: WriteContext, slot: Slot) -> int:
    """Candidates for ``slot``: its own or the context's, under the kind's cap; a cap of 0 means no model call
    (the slot takes its fallback: the default model's measured pass rate for it is nil, models/registry.yaml)."""
    n = slot.candidates or ctx.candidates
    cap = ctx.candidates_by_kind.get(slot.kind)
    if cap is not None:
        n = min(n, cap)
    return 0 if cap == 0 else max(1, n)


def _generate(ctx: WriteContext, prompts: list[str], counts: list[int], params: GenerationParams,
              on_row: Callable[[int, int, Completion], None] | None = None) -> list[list[Completion]]:
    """Candidates per prompt (``counts[i]`` of prompt i) from one batched call; ``on_row(i, k, completion)``
    as candidate ``k`` of prompt ``i`` is finished, where the generator tells (``capabilities.row_events``)."""
    gen = ctx.generator
    if capabilities_of(gen).row_batching:
        # one row per candidate with n=1: the backend then packs full batches (batch_size rows)
        # whatever the candidate count; sampling is the same as num_return_sequences.
        rows = [p for p, k in zip(prompts, counts) for _ in range(k)]
        owner = [(i, j) for i, k in enumerate(counts) for j in range(k)]

        def row_cb(r: int, c: Completion) -> None:
            if on_row is not None:
                on_row(owner[r][0], owner[r][1], c)

        comps = generate_scored(gen, rows, params.model_copy(update={"n": 1}),
                                on_row=None if on_row is None else row_cb)
        out: list[list[Completion]] = []
        i = 0
        for k in counts:
            out.append(list(comps[i:i + k]))
            i += k
        return out
    n = max(counts)
    p = params.model_copy(update={"n": n})

    def cand_cb(_r: int, c: Completion) -> None:
        if on_row is not None and 0 <= c.prompt_index < len(prompts) and c.candidate < counts[c.prompt_index]:
            on_row(c.prompt_index, c.candidate, c)

    comps = generate_scored(gen, prompts, p, on_row=None if on_row is None else cand_cb)
    grouped: list[list[Completion]] = [[] for _ in prompts]
    for c in comps:
        if 0 <= c.prompt_index < len(prompts):
            grouped[c.prompt_index].append(c)
    return [sorted(g, key=lambda c: c.candidate)[:k] for g, k in zip(grouped, counts)]


def _params(slots: Sequence[Slot], seed: int) -> GenerationParams:
    return GenerationParams(max_new_tokens=max(s.max_tokens for s in slots), stop=("\n",), seed=seed, n=1,
                            **DEFAULT_SAMPLING)


def _candidate(ctx: WriteContext, slot: Slot, prompt: str, c: Completion, rnd: int) -> Candidate:
    """One completion validated, rated and scored."""
    cand = validate(slot.prefix + c.text if slot.prefix else c.text, slot, c.finish_reason, prompt)
    cand.logprob = c.logprob
    cand.round = rnd
    cand.tokens = c.completion_tokens
    if cand.ok:
        _rate(cand, ctx.rating)
    if cand.ok:
        cand.score = score(cand.text, slot, c.logprob, cand.repaired)
    return cand


def _round(ctx: WriteContext, slots: list[Slot], prompts: list[str], seed: int, rnd: int,
           on_slot: Callable[[int, list[Candidate]], None] | None = None) -> list[list[Candidate]]:
    """Every candidate of every slot in one call; ``on_slot(i, candidates)`` as soon as all of slot i's are
    finished (where the generator tells; the round's result is the same either way)."""
    counts = [_n_for(ctx, s) for s in slots]
    if 0 in counts:  # the slots with no candidates take no row (their fallback is decided later)
        live = [i for i, k in enumerate(counts) if k]
        part = _round(ctx, [slots[i] for i in live], [prompts[i] for i in live], seed, rnd,
                      None if on_slot is None else (lambda j, cs: on_slot(live[j], cs))) if live else []
        out: list[list[Candidate]] = [[] for _ in slots]
        for i, cs in zip(live, part):
            out[i] = cs
        for s in slots:
            ctx.params.setdefault(s.kind, {"n": 0, "fallback": "the slot's authored phrase, no model call"})
        return out
    params = _params(slots, seed)
    for s in slots:
        ctx.params.setdefault(s.kind, {**params.model_dump(mode="json", exclude={"seed", "n"}),
                                       "max_new_tokens": s.max_tokens, "n": _n_for(ctx, s),
                                       "seed": "derive_seed(run seed, *purpose)"})
    sent = [p + " " + s.prefix if s.prefix else p for p, s in zip(prompts, slots)]
    on_row = None
    arrived: list[dict[int, Completion]] = [{} for _ in slots]
    judged: dict[int, list[Candidate]] = {}  # the candidates of the slots heard during the call
    if on_slot is not None:

        def on_row(i: int, k: int, c: Completion) -> None:
            arrived[i][k] = c
            if len(arrived[i]) == counts[i]:
                judged[i] = [_candidate(ctx, slots[i], prompts[i], arrived[i][j], rnd) for j in range(counts[i])]
                on_slot(i, judged[i])
    try:
        groups = _generate(ctx, sent, counts, params, on_row)
    except Exception as e:  # noqa: BLE001 - a failed call is a failed round (then regeneration, then fallback)
        from ...llm.resilient import is_generation_failure

        if not is_generation_failure(e):
            raise
        return [[Candidate(raw="", text="", ok=False, reason="error", round=rnd)] for _ in slots]
    return [judged[i] if i in judged and _same(arrived[i], comps) else
            [_candidate(ctx, slot, prompt, c, rnd) for c in comps]
            for i, (slot, prompt, comps) in enumerate(zip(slots, prompts, groups))]


def _same(heard: dict[int, Completion], comps: list[Completion]) -> bool:
    """Whether the completions heard during the call are the ones it returned (their time aside)."""
    return len(heard) == len(comps) and all(
        (h.text, h.finish_reason, h.logprob) == (c.text, c.finish_reason, c.logprob)
        for h, c in zip((heard[j] for j in range(len(comps))), comps))


def _rate(cand: Candidate, rating: str) -> None:
    """Refuse a candidate the content rating does not allow (reason ``rating_<category>``)."""
    from ..rating import check_text

    why = check_text(cand.text, rating)
    if why:
        cand.ok, cand.reason = False, f"rating_{why}"


def _render(ctx: WriteContext, slot: Slot) -> str:
    return ctx.prompts.render(slot.template, **slot.context).text.rstrip()


def _best(slot: Slot, cs: list[Candidate]) -> tuple[str, str, float, list[tuple[str, float]]]:
    """The decision over a slot's candidates: (status, text, score, every distinct passing text, best first)."""
    good = sorted((c for c in cs if c.ok), key=lambda c: (-c.score, c.round, cs.index(c)))
    alts: list[tuple[str, float]] = []
    seen: set[str] = set()
    for c in good:
        if c.text.lower() not in seen:
            seen.add(c.text.lower())
            alts.append((c.text, c.score))
    if good:
        best = good[0]
        return ("repaired" if best.repaired else "accepted"), best.text, best.score, alts
    return "fallback", slot.fallback, -math.inf, alts


class _Early:
    """``on_slot(i, text)`` for each slot as soon as its decision is known: when its first round's candidates
    are finished and one passes (or it has no second round), or when its second round's are; each slot's
    text is the one :func:`fill_ranked` decides (called again at the end only if a failed call changed it)."""

    def __init__(self, slots: list[Slot], on_slot: Callable[[int, str], None]):
        self.slots, self.on_slot = slots, on_slot
        self.first: dict[int, list[Candidate]] = {}
        self.sent: dict[int, str] = {}

    def round1(self, i: int, cs: list[Candidate]) -> None:
        if any(c.ok for c in cs) or not self.slots[i].retry:
            self._send(i, cs)
        else:
            self.first[i] = cs

    def round2(self, failed: list[int]) -> Callable[[int, list[Candidate]], None]:
        return lambda j, cs: self._send(failed[j], self.first.get(failed[j], []) + cs)

    def _send(self, i: int, cs: list[Candidate]) -> None:
        text = _best(self.slots[i], cs)[1]
        self.sent[i] = text
        self.on_slot(i, text)

    def settle(self, results: list[SlotResult]) -> None:
        for i, r in enumerate(results):
            if self.sent.get(i) != r.text:
                self.sent[i] = r.text
                self.on_slot(i, r.text)


def fill_ranked(ctx: WriteContext, slots: Sequence[Slot], purpose: tuple,
                on_slot: Callable[[int, str], None] | None = None) -> list[SlotResult]:
    """Write every slot; return the decisions with every passing alternative, best first.

    ``on_slot(i, text)`` hears slot i's decision as soon as it is known: during the batched call where
    the generator reports finished rows (``capabilities.row_events``), else after it, in slot order. The
    decisions are the same with or without it."""
    slots = list(slots)
    if not slots:
        return []
    early = _Early(slots, on_slot) if on_slot is not None else None
    prompts = [_render(ctx, s) for s in slots]
    first = _round(ctx, slots, prompts, derive_seed(ctx.seed, *purpose), 1, early.round1 if early else None)
    cands: list[list[Candidate]] = [list(c) for c in first]
    failed = [i for i, cs in enumerate(cands) if not any(c.ok for c in cs) and slots[i].retry and _n_for(ctx, slots[i])]
    if failed:
        again = _round(ctx, [slots[i] for i in failed], [prompts[i] for i in failed],
                       derive_seed(ctx.seed, *purpose, "regen"), 2, early.round2(failed) if early else None)
        for i, cs in zip(failed, again):
            cands[i].extend(cs)
    results = [_decide(ctx, slot, cs, i in failed) for i, (slot, cs) in enumerate(zip(slots, cands))]
    if early is not None:
        early.settle(results)
    return results


def _decide(ctx: WriteContext, slot: Slot, cs: list[Candidate], regenerated: bool) -> SlotResult:
    """Slot's decision over its candidates, counted in its kind's stats; ``ctx.on_text`` hears it."""
    st = ctx.stat(slot.kind)
    st.slots += 1
    st.candidates += len(cs)
    st.tokens += sum(c.tokens for c in cs)
    rejected = dict(st.rejected)
    for c in cs:
        if not c.ok:
            rejected[c.reason] = rejected.get(c.reason, 0) + 1
    st.rejected = rejected
    if regenerated:
        st.regenerated += 1
    status, text, sc, alts = _best(slot, cs)
    if status != "fallback":
        st.tokens_kept += next(c.tokens for c in cs if c.ok and c.text == text)
    if status == "accepted":
        st.accepted += 1
    elif status == "repaired":
        st.repaired += 1
    else:
        st.fallback += 1
    if ctx.on_text is not None:
        ctx.on_text(slot.kind, text)
    return SlotResult(slot=slot, text=text, status=status, regenerated=regenerated, score=sc,
                      alternatives=alts, candidates=cs)


def fill(ctx: WriteContext, slots: Sequence[Slot], purpose: tuple) -> list[str]:
    """Write every slot (one batched call, one regeneration round for failures, then fallbacks)."""
    return [r.text for r in fill_ranked(ctx, slots, purpose)]
