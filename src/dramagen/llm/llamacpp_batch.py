"""llama.cpp batched decoding: every (prompt, candidate) row of a ``generate`` call in one ``llama_decode`` per step.

``Llama.create_completion`` decodes one sequence at a time, so n candidates of k prompts cost k·n
sequential decodes. Here the rows share one llama.cpp context (a second context on the already
loaded model, one KV stream per row):

* prefill: each distinct prompt is decoded once, on its own (so a row's text does not depend on the
  other prompts of the call), and its KV cache copied to its other candidates' sequences;
* decode: one ``llama_decode`` per step with the last token of every unfinished row;
* sampling: each row has its own llama.cpp sampler chain, built exactly as ``create_completion``
  builds it (penalties over the last 64 generated tokens, top-k, typical 1.0, top-p, min-p 0.05,
  temperature, dist seeded with ``seed + candidate``), reading the row's logits by batch index.

Stop strings, end-of-generation tokens and ``max_new_tokens`` end a row as in ``create_completion``
(the text is cut before the first stop string). The same prompts, parameters and seed give the same
bytes, and a row's text does not depend on the other rows of the call. It is mostly, not always, the
sequential path's text: ``create_completion`` re-decodes the last token of a prompt already in its
cache (the 2nd, 3rd… candidate), whose logits then differ in the last bits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: what ``Llama.create_completion`` uses and the backend does not set (llama-cpp-python's defaults)
MIN_P = 0.05
TYPICAL_P = 1.0
PENALTY_LAST_N = 64
#: rows decoded at once (more go in further rounds); the KV cache is rows × (prompt + new tokens) cells of
#: 23 KB each for SmolLM2-135M, so 64 rows of 300 + 48 tokens hold about 0.5 GB
MAX_ROWS = 64


@dataclass
class Row:
    """One (prompt, candidate) sequence being decoded."""

    prompt_index: int
    candidate: int
    prompt_tokens: int
    sampler: Any
    tokens: list[int] = field(default_factory=list)
    text: str = ""
    finish: str = ""  # "", "stop", "eos" or "length"
    last_index: int = -1  # the row's logits in the last decoded batch


def prompt_tokens(llm: Any, prompt: str) -> list[int]:
    """The prompt's tokens as ``create_completion`` makes them (BOS where the model adds one, special tokens parsed)."""
    m = llm._model
    bos = m.token_cls() if m.token_cls() != -1 else llm.token_bos()
    head = [bos] if m.add_bos_token() and bos != -1 else []
    return head + llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)


class BatchDecoder:
    """Batched sampling on a llama-cpp-python ``Llama``'s model (its own context, grown as needed)."""

    def __init__(self, llm: Any, threads: int):
        import llama_cpp

        self.lib = llama_cpp
        self.llm = llm
        self.threads = threads
        self.vocab = llama_cpp.llama_model_get_vocab(llm._model.model)
        self.max_rows = min(MAX_ROWS, int(llama_cpp.llama_max_parallel_sequences()))
        self._ctx: Any = None
        self._cap = (0, 0, 0)  # (cells per sequence, sequences, batch tokens) of the current context

    # ------------------------------------------------------------------ context and batches

    def _context(self, per_seq: int, seqs: int, batch: int) -> Any:
        """A context with ``seqs`` sequences of ``per_seq`` cells each, taking ``batch`` tokens per decode."""
        from llama_cpp import _internals

        cap = self._cap
        if self._ctx is not None and cap[0] >= per_seq and cap[1] >= seqs and cap[2] >= batch:
            self.lib.llama_memory_clear(self.lib.llama_get_memory(self._ctx.ctx), True)
            return self._ctx
        self.close()
        per_seq = -(-max(per_seq, cap[0], 64) // 64) * 64
        seqs, batch = max(seqs, cap[1]), max(batch, cap[2], 512)
        p = self.lib.llama_context_default_params()
        main = self.llm.context_params  # the same kernels as the sequential path (flash attention, KV cache types)
        p.flash_attn_type, p.type_k, p.type_v = main.flash_attn_type, main.type_k, main.type_v
        # one KV stream per row (not unified): a row's cells start at 0 as when it is decoded alone, so its
        # attention sums in the same order and its text does not depend on the other rows
        p.kv_unified = False
        p.n_seq_max = seqs
        p.n_ctx = per_seq * seqs
        p.n_batch = batch
        p.n_ubatch = min(512, batch)
        p.n_threads = p.n_threads_batch = self.threads
        p.no_perf = True
        self._ctx = _internals.LlamaContext(model=self.llm._model, params=p, verbose=False)
        self._cap = (per_seq, seqs, batch)
        return self._ctx

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.close()
            self._ctx = None

    def _sampler(self, params: Any, seed: int) -> Any:
        """The chain ``Llama._init_sampler`` builds for these settings."""
        from llama_cpp import _internals

        s = _internals.LlamaSampler()
        s.add_penalties(n_vocab=self.llm.n_vocab(), penalty_last_n=PENALTY_LAST_N,
                        penalty_repeat=params.repetition_penalty, penalty_freq=0.0, penalty_present=0.0)
        if params.temperature == 0.0:
            s.add_greedy()
        else:
            s.add_top_k(params.top_k or 0)
            s.add_typical(TYPICAL_P, 1)
            s.add_top_p(params.top_p, 1)
            s.add_min_p(MIN_P, 1)
            s.add_temp(params.temperature)
            s.add_dist(seed & 0xFFFFFFFF)
        return s

    def _decode(self, ctx: Any, entries: list[tuple[int, int, list[int], bool]]) -> None:
        """One ``llama_decode`` of ``(token, position, sequence ids, logits?)`` entries."""
        lib = self.lib
        width = max(len(e[2]) for e in entries)
        batch = lib.llama_batch_init(len(entries), 0, width)
        try:
            batch.n_tokens = len(entries)
            for i, (tok, pos, seq_ids, out) in enumerate(entries):
                batch.token[i] = tok
                batch.pos[i] = pos
                batch.n_seq_id[i] = len(seq_ids)
                for j, s in enumerate(seq_ids):
                    batch.seq_id[i][j] = s
                batch.logits[i] = out
            rc = lib.llama_decode(ctx.ctx, batch)
        finally:
            lib.llama_batch_free(batch)
        if rc != 0:
            raise RuntimeError(f"llama_decode failed ({rc}) on a batch of {len(entries)} tokens")

    # ------------------------------------------------------------------ generation

    def generate(self, token_lists: Sequence[list[int]], n: int, params: Any) -> list[Row]:
        """``n`` candidates for each tokenized prompt, all rows decoded together; rows in (prompt, candidate) order."""
        rows: list[Row] = []
        step = max(1, self.max_rows // max(1, n))  # prompts per round: at most max_rows rows at once
        for start in range(0, len(token_lists), step):
            chunk = token_lists[start:start + step]
            for r in self._generate_chunk(chunk, n, params):
                r.prompt_index += start
                rows.append(r)
        return rows

    def _generate_chunk(self, token_lists: Sequence[list[int]], n: int, params: Any) -> list[Row]:
        per_seq = max(len(t) for t in token_lists) + params.max_new_tokens + 1
        ctx = self._context(per_seq, len(token_lists) * n, max(max(len(t) for t in token_lists), len(token_lists) * n))
        rows = [Row(i, c, len(t), self._sampler(params, params.seed + c))
                for i, t in enumerate(token_lists) for c in range(n)]
        try:
            for i, toks in enumerate(token_lists):
                self._prefill(ctx, toks, rows[i * n:(i + 1) * n])
            self._run(ctx, rows, params)
        finally:
            for r in rows:
                r.sampler.close()
        return rows

    def _prefill(self, ctx: Any, toks: list[int], rows: list[Row]) -> None:
        """One prompt decoded once, on its own (as the sequential path does, so a row's text does not depend
        on the other prompts of the call), in its first row's sequence and copied to its other candidates;
        each candidate samples its first token from the prompt's logits."""
        first = rows[0].prompt_index * len(rows)
        self._decode(ctx, [(tok, pos, [first], pos == len(toks) - 1) for pos, tok in enumerate(toks)])
        mem = self.lib.llama_get_memory(ctx.ctx)
        for c, r in enumerate(rows):
            r.last_index = len(toks) - 1
            if c:
                self.lib.llama_memory_seq_cp(mem, first, first + c, -1, -1)
        self._sample(ctx, rows)

    def _sample(self, ctx: Any, rows: list[Row]) -> None:
        for r in rows:
            if not r.finish:
                r.tokens.append(int(self.lib.llama_sampler_sample(r.sampler.sampler, ctx.ctx, r.last_index)))

    def _run(self, ctx: Any, rows: list[Row], params: Any) -> None:
        stops = [s for s in params.stop if s]
        while True:
            for r in rows:
                if not r.finish:
                    self._check(r, stops, params.max_new_tokens)
            live = [(k, r) for k, r in enumerate(rows) if not r.finish]
            if not live:
                return
            entries = []
            for j, (k, r) in enumerate(live):
                entries.append((r.tokens[-1], r.prompt_tokens + len(r.tokens) - 1, [k], True))
                r.last_index = j
            self._decode(ctx, entries)
            self._sample(ctx, [r for _, r in live])

    def _check(self, r: Row, stops: list[str], limit: int) -> None:
        """End the row at end-of-generation, a stop string or the token limit (as ``create_completion``)."""
        if self.lib.llama_vocab_is_eog(self.vocab, r.tokens[-1]):
            r.tokens.pop()
            r.finish = "eos"
        r.text = self.llm.detokenize(r.tokens).decode("utf-8", errors="ignore")
        if r.finish:
            return
        hits = [i for i in (r.text.find(s) for s in stops) if i >= 0]
        if hits:
            r.text = r.text[:min(hits)]
            r.finish = "stop"
        elif len(r.tokens) >= limit:
            r.finish = "length"
