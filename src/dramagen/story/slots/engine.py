"""Writing slots: every candidate of every slot in one batched call, validated, rated, scored, ranked;
one more round for the slots with no passing candidate, then their fallback (``dramagen.story.slots``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ...core.seeding import derive_seed
from ...llm.base import Completion, GenerationParams, capabilities_of, generate_scored
from .scoring import score
from .spec import DEFAULT_SAMPLING, Candidate, Slot, SlotResult, WriteContext
from .validation import validate


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
        from ...llm.resilient import is_generation_failure

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
    from ..rating import check_text

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
