"""Batched sampling for many short completions: shared-prefix KV cache, per-row seeds, early exit.

The pipeline asks for dozens of one-line completions at once: every candidate of every slot
of an episode. Their prompts share most of their text (the few-shot examples), and the
candidates of one slot share all of it. ``transformers``' ``generate`` prefills every row
in full and keeps decoding rows that have already stopped. This loop instead

1. tokenizes each distinct prompt once and splits them into a trie of shared token runs
   (``llm/prefill.py``): the world and cast every prompt opens with, the worked examples a
   group shares, each prompt's own last lines;
2. prefills each run ONCE, a trie level in one or more forward passes, each node on its
   ancestors' keys and values; every prompt's cache is then its own tokens, left-padded;
3. copies each prompt's cache to its candidate rows (no prefill per candidate);
4. decodes all rows together, sampling each row with its own ``torch.Generator`` seeded
   from (seed, prompt, candidate number): a row's text does not depend on which other rows
   share its batch (up to floating-point differences of batched matrix products);
5. stops a row at EOS or a stop string and drops finished rows from the batch (the cache is
   compacted when a quarter of the rows have finished).

Sampling follows ``generate``: repetition penalty over prompt and generated tokens, then
temperature, top-k, top-p; the reported log-prob is that of the raw logits.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .base import GenerationParams


@dataclass
class RowResult:
    ids: list[int]
    text: str
    finish: str  # "stop" | "eos" | "length"
    logprob: float | None
    prompt_tokens: int


def row_seed(seed: int, text: str, k: int) -> int:
    h = hashlib.sha256(f"{seed}:{k}:".encode() + text.encode()).digest()
    return int.from_bytes(h[:8], "big") & ((1 << 63) - 1)


def _cache_kw(model) -> str:
    params = inspect.signature(model.forward).parameters
    return "cache" if "cache" in params else "past_key_values"


class FastSampler:
    """Runs one batch of rows (prompt text, candidate number) through the model."""

    def __init__(self, model, tokenizer, device: str, eos_ids: Sequence[int]):
        self.model, self.tok, self.device = model, tokenizer, device
        self.eos = set(eos_ids)
        self._piece: dict[int, str] = {}
        self._kw = _cache_kw(model)

    def piece(self, t: int) -> str:
        p = self._piece.get(t)
        if p is None:
            p = self._piece[t] = self.tok.decode([t], skip_special_tokens=False)
        return p

    def _forward(self, **kw):
        cache = kw.pop("cache")
        kw[self._kw] = cache
        return self.model(use_cache=True, logits_to_keep=1, **kw)

    def run(self, texts: list[str], rows: list[tuple[int, int]], params: GenerationParams,
            logprobs: bool, on_token=None, cancelled=None, on_done=None) -> list[RowResult]:
        """``rows``: (index into ``texts``, candidate number) per output row.

        ``on_token(row, ids)`` is called after each token a row keeps (streaming);
        ``on_done(row, result)`` once a row is finished, with the RowResult the call returns for it;
        ``cancelled()`` returning True ends the generation early."""
        import torch

        ids = [self.tok(t, add_special_tokens=True)["input_ids"] for t in texts]
        with torch.inference_mode():
            cache, logits, mask, pos = self._prefill(ids)
            state = self._rows(ids, texts, rows, params, cache, logits, mask, pos)
            done = None if on_done is None else (lambda r: on_done(r, self._result(state, ids, rows, logprobs, r)))
            self._decode(state, params, logprobs, on_token, cancelled, done)
        return self._finish(state, ids, rows, logprobs)

    def _prefill(self, ids: list[list[int]]):
        """Steps 1–2 (``llm/prefill.py``): the prompts' shared prefixes once each, by trie level.
        Returns (cache, logits, mask, positions)."""
        from .prefill import prefill

        def forward(**kw):
            return self._forward(**kw).logits[:, -1, :].float()

        new_cache = getattr(self.model, "new_cache", None)  # llm/llama.py's model has its own cache
        if new_cache is None:
            from transformers import DynamicCache

            def new_cache(data=None):
                return DynamicCache(ddp_cache_data=data) if data else DynamicCache()

        return prefill(forward, ids, self._pad(), self.device, new_cache)

    def _pad(self) -> int:
        return self.tok.pad_token_id if self.tok.pad_token_id is not None else 0

    def _rows(self, ids: list[list[int]], texts: list[str], rows: list[tuple[int, int]], params: GenerationParams,
              cache, logits, mask, pos) -> _Decoding:
        """Step 3: each prompt's cache copied to its candidate rows, a seeded generator and a token history per row."""
        import torch

        dev = self.device
        src = torch.tensor([u for u, _ in rows], dtype=torch.long, device=dev)
        cache.batch_select_indices(src)
        R = len(rows)
        gens = []
        for u, k in rows:
            g = torch.Generator(device="cpu")
            g.manual_seed(row_seed(params.seed, texts[u], k))
            gens.append(g)
        # token history per row for the repetition penalty (prompt ids, padded with its first id)
        Lp = max(len(x) for x in ids)
        hist = torch.empty((R, Lp + params.max_new_tokens), dtype=torch.long)
        for r, (u, _) in enumerate(rows):
            x = ids[u]
            hist[r, : Lp - len(x)] = x[0]
            hist[r, Lp - len(x): Lp] = torch.tensor(x)
        return _Decoding(cache=cache, logits=logits[src], mask=mask.to(dev)[src],
                         next_pos=(pos[:, -1].to(dev) + 1)[src], gens=gens, hist=hist, hist_len=Lp,
                         gen_ids=[[] for _ in range(R)], texts=[""] * R, lp_sum=[0.0] * R, finish=["length"] * R)

    def _decode(self, st: _Decoding, params: GenerationParams, logprobs: bool, on_token, cancelled,
                on_done=None) -> None:
        """Step 4–5: sample every live row, drop finished rows, one forward step per token; ``on_done(row)``
        as each row finishes (the rows still going at the end: after the last step, in row order)."""
        import torch

        dev = self.device
        pad = self._pad()
        cache, logits, mask, next_pos, gens, hist = st.cache, st.logits, st.mask, st.next_pos, st.gens, st.hist
        hist_len, gen_ids, texts_out, lp_sum, finish = st.hist_len, st.gen_ids, st.texts, st.lp_sum, st.finish
        R = len(gen_ids)
        alive = [True] * R
        batch = list(range(R))  # the original row at each batch position
        stops = tuple(params.stop or ())
        pen = params.repetition_penalty
        for step in range(params.max_new_tokens):
            raw = logits
            x = raw.clone()
            if pen and pen != 1.0:
                h = hist[batch, :hist_len].to(dev)
                sc = torch.gather(x, 1, h)
                x.scatter_(1, h, torch.where(sc < 0, sc * pen, sc / pen))
            nxt = _sample(x, batch, alive, gens, params, pad)
            if logprobs:
                chosen = torch.log_softmax(raw, dim=-1).gather(
                    1, torch.tensor(nxt, device=dev)[:, None]).squeeze(1).tolist()
            for b, r in enumerate(batch):
                if not alive[r]:
                    continue
                t = nxt[b]
                if t in self.eos:
                    finish[r], alive[r] = "eos", False
                    if on_done is not None:
                        on_done(r)
                    continue
                gen_ids[r].append(t)
                if on_token is not None:
                    on_token(r, gen_ids[r])
                if logprobs:
                    lp_sum[r] += chosen[b]
                texts_out[r] += self.piece(t)
                if stops and any(s in texts_out[r] for s in stops):
                    finish[r], alive[r] = "stop", False
                    if on_done is not None:
                        on_done(r)
            hist[batch, hist_len] = torch.tensor(nxt)
            hist_len += 1
            n_alive = sum(alive[r] for r in batch)
            if not n_alive or step == params.max_new_tokens - 1 or (cancelled is not None and cancelled()):
                if on_done is not None:  # the rows that ran to their length
                    for r in batch:
                        if alive[r]:
                            on_done(r)
                break
            tok_in = torch.tensor(nxt, dtype=torch.long, device=dev)
            mask = torch.cat([mask, torch.ones((mask.shape[0], 1), dtype=mask.dtype, device=dev)], dim=1)
            if (len(batch) - n_alive) * 4 >= len(batch):  # compact: drop the finished rows
                keep = [b for b, r in enumerate(batch) if alive[r]]
                sel = torch.tensor(keep, dtype=torch.long, device=dev)
                cache.batch_select_indices(sel)
                mask, next_pos, tok_in = mask[sel], next_pos[sel], tok_in[sel]
                batch = [batch[b] for b in keep]
            out = self._forward(input_ids=tok_in[:, None], attention_mask=mask, position_ids=next_pos[:, None],
                                cache=cache)
            next_pos = next_pos + 1
            logits = out.logits[:, -1, :].float()

    def _result(self, st: _Decoding, ids: list[list[int]], rows: list[tuple[int, int]], logprobs: bool,
                r: int) -> RowResult:
        n = len(st.gen_ids[r])
        return RowResult(ids=list(st.gen_ids[r]), text=self.tok.decode(st.gen_ids[r], skip_special_tokens=True),
                         finish=st.finish[r], logprob=(st.lp_sum[r] / n) if (logprobs and n) else None,
                         prompt_tokens=len(ids[rows[r][0]]))

    def _finish(self, st: _Decoding, ids: list[list[int]], rows: list[tuple[int, int]],
                logprobs: bool) -> list[RowResult]:
        return [self._result(st, ids, rows, logprobs, r) for r in range(len(rows))]


@dataclass
class _Decoding:
    """The state of one batch of rows between the prefill and the finish (tensors are torch's)."""

    cache: Any
    logits: Any
    mask: Any
    next_pos: Any
    gens: list
    hist: Any
    hist_len: int
    gen_ids: list[list[int]]
    texts: list[str]
    lp_sum: list[float]
    finish: list[str]


def _sample(x, batch: list[int], alive: list[bool], gens: list, params: GenerationParams, pad: int) -> list[int]:
    """The next token of each batch position (``pad`` for a finished row): greedy, or temperature, top-k, top-p."""
    import torch

    nxt = [pad] * len(batch)
    if params.greedy:
        best = x.argmax(-1).tolist()
        for b, r in enumerate(batch):
            if alive[r]:
                nxt[b] = best[b]
        return nxt
    x = x / max(params.temperature, 1e-5)
    vals, idx = torch.topk(x, min(params.top_k or x.shape[-1], x.shape[-1]), dim=-1)
    probs = torch.softmax(vals, dim=-1)
    if params.top_p < 1.0:
        cum = probs.cumsum(-1)
        probs = probs.masked_fill((cum - probs) > params.top_p, 0.0)  # smallest set reaching top_p
        probs = probs / probs.sum(-1, keepdim=True)
    probs, idx = probs.cpu(), idx.cpu()
    for b, r in enumerate(batch):
        if alive[r]:  # a row draws from its own generator only while it is alive
            nxt[b] = int(idx[b, int(torch.multinomial(probs[b], 1, generator=gens[r]))])
    return nxt
