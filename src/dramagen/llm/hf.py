"""The transformers backend (default): CPU or GPU, batched, streaming, seeded."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..core import config
from ..core.errors import InputError
from .base import (
    Capabilities,
    Completion,
    GenerationParams,
    Generator,
    Prompt,
    Timer,
    as_messages,
    cut_at_stop,
    stop_prefix_len,
)

_LOAD_LOCK = threading.Lock()


#: who computes the model: ``auto`` (llm/llama.py where it can), ``transformers``, or ``dramagen-llama``
LLAMA_ENGINE = "dramagen-llama"
_ENGINES = ("auto", "transformers", LLAMA_ENGINE)
_DTYPES = ("auto", "float32", "fp32", "bfloat16", "bf16", "float16", "fp16", "int8")


def pick_device(device: str = "auto") -> str:
    import torch

    if device != "auto":
        return device
    if torch.cuda.is_available():
        return "cuda"
    return "cpu"


def cpu_has_fast_bf16() -> bool:
    """True on x86 CPUs with AMX or AVX-512 BF16 (oneDNN runs bf16 matmuls 3–4× faster than fp32 there)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"amx_bf16", "avx512_bf16"})
    except OSError:
        pass
    return False


def auto_cpu_int8(device: str) -> str | None:
    """``"int8"`` where ``auto`` means int8: an x86 CPU without fast bf16 (AVX2 machines: decoding a few dozen rows
    is bound by reading the weights, and int8 halved a season's time there: docs/architecture.md §6)."""
    import platform

    import torch

    if device != "cpu" or not config.get_flag("DRAMAGEN_CPU_INT8"):
        return None
    if config.get_flag("DRAMAGEN_CPU_BF16") and cpu_has_fast_bf16():
        return None
    x86 = platform.machine().lower() in ("x86_64", "amd64")
    return "int8" if x86 and "x86" in torch.backends.quantized.supported_engines else None


def pick_dtype(dtype: str, device: str):
    """The torch dtype the weights load in (``int8`` loads float32, then :func:`quantize_int8`)."""
    import torch

    if dtype == "auto":
        # bf16 on GPUs that have it and on CPUs with AMX / AVX-512 BF16 (benchmarks/README.md:
        # 3–4× the fp32 matmul rate on such a Xeon); fp32 elsewhere (bf16 is emulated and slow)
        if device.startswith("cuda") and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        if device == "cpu" and config.get_flag("DRAMAGEN_CPU_BF16") and cpu_has_fast_bf16():
            return torch.bfloat16
        return torch.float32
    return {"float32": torch.float32, "fp32": torch.float32, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
            "float16": torch.float16, "fp16": torch.float16, "int8": torch.float32}[dtype]


class _IdStreamer:
    """A transformers streamer that hands generated token ids to a queue."""

    def __init__(self) -> None:
        self.q: queue.Queue = queue.Queue()
        self._prompt_seen = False

    def put(self, value) -> None:
        if not self._prompt_seen:  # the first call carries the prompt
            self._prompt_seen = True
            return
        self.q.put(value.reshape(-1).tolist())

    def end(self) -> None:
        self.q.put(None)


class TransformersGenerator(Generator):
    """Generates with a local Hugging Face model folder (safetensors)."""

    def __init__(self, path: str | Path, name: str | None = None, device: str = "auto", dtype: str = "auto",
                 threads: int | None = None, batch_size: int = 16, info: dict[str, Any] | None = None,
                 fast: bool | None = None, max_rows: int | None = None, engine: str = "auto"):
        import torch

        self.path = Path(path)
        self.name = name or self.path.name
        threads = threads or config.get_int("DRAMAGEN_THREADS") or (os.cpu_count() or 1)
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        self.device = pick_device(device)
        if dtype == "auto":
            dtype = config.get_str("DRAMAGEN_DTYPE") or auto_cpu_int8(self.device) or "auto"
        if dtype not in _DTYPES:
            raise InputError("dtype", dtype, "auto, float32, bfloat16, float16 or int8")
        self.dtype = pick_dtype(dtype, self.device)
        self.int8 = dtype == "int8"
        if self.int8 and self.device != "cpu":
            raise InputError("dtype", dtype, "int8 on the CPU only (device cpu); bfloat16 or float32 on a GPU")
        #: the shared-prefix sampler (llm/fastgen.py); DRAMAGEN_FASTGEN=0 uses transformers' generate
        self.fast = fast if fast is not None else config.get_flag("DRAMAGEN_FASTGEN")
        t0 = time.perf_counter()
        if engine not in _ENGINES:
            raise InputError("engine", engine, ", ".join(_ENGINES))
        with _LOAD_LOCK:
            self.engine = self._load(engine)
        self.load_seconds = time.perf_counter() - t0
        tok = self.tokenizer
        tok.padding_side = "left"
        if tok.pad_token_id is None:
            tok.pad_token = tok.eos_token
        self.batch_size = batch_size
        self.max_rows = max_rows or config.get_int("DRAMAGEN_MAX_ROWS") or 96
        self._fast_sampler = None
        self._lock = threading.Lock()
        # fastgen seeds every row itself; transformers' generate seeds the whole call once
        self.capabilities = Capabilities(logprobs=True, row_batching=True, streaming=True, seeds_per_row=self.fast,
                                         row_events=True)
        self.info = {
            "backend": "transformers",
            "name": self.name,
            "path": str(self.path),
            "device": self.device,
            "dtype": "int8" if self.int8 else str(self.dtype).replace("torch.", ""),
            "threads": torch.get_num_threads(),
            "load_seconds": round(self.load_seconds, 3),
            "sampler": "fastgen" if self.fast else "generate",
            "engine": self.engine,
            "attention": self.attention,
            **(info or {}),
        }

    def _load(self, engine: str) -> str:
        """Load the tokenizer and the model (int8: quantized after); returns the engine that computes it: our own
        Llama (``llm/llama.py``) where ``auto`` can have it (the fast sampler on the CPU, a plain Llama with a
        tokenizer.json, DRAMAGEN_LLAMA not 0) or where asked, else transformers' model code."""
        model = None
        auto = engine == "auto" and self.fast and self.device == "cpu" and config.get_flag("DRAMAGEN_LLAMA")
        if engine == LLAMA_ENGINE and not self.fast:
            raise InputError("engine", engine, "transformers or auto with DRAMAGEN_FASTGEN=0 (llm/llama.py runs the "
                             "shared-prefix sampler only)")
        if (auto or engine == LLAMA_ENGINE) and (self.path / "tokenizer.json").is_file():
            from . import llama

            model = llama.load(self.path, self.dtype)
        if model is None and engine == LLAMA_ENGINE:
            raise InputError("engine", engine, "transformers or auto for this model (llm/llama.py computes a plain "
                             "Llama with a tokenizer.json)")
        if model is not None:
            from transformers import PreTrainedTokenizerFast

            self.tokenizer = PreTrainedTokenizerFast.from_pretrained(str(self.path))
            self.model, self.attention = model.to(self.device), "sdpa"
        else:
            self._load_transformers()
        if self.int8:
            from .int8 import quantize_int8

            self.model = quantize_int8(self.model)
        return "transformers" if model is None else LLAMA_ENGINE

    def _load_transformers(self) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.tokenizer = AutoTokenizer.from_pretrained(str(self.path))
        self.model = AutoModelForCausalLM.from_pretrained(str(self.path), dtype=self.dtype).to(self.device)
        self.model.eval()
        self.attention = str(getattr(self.model.config, "_attn_implementation", "") or "default")
        if self.device == "cpu" and self.dtype == torch.float32:  # float32 and int8 (llm/attention.py)
            from .attention import use_gqa_sdpa

            if use_gqa_sdpa(self.model):
                self.attention = "gqa_sdpa"

    # -- prompts ---------------------------------------------------------------------------
    def render(self, prompt: Prompt) -> str:
        msgs = as_messages(prompt)
        if msgs is None:
            return prompt  # type: ignore[return-value]
        return self.tokenizer.apply_chat_template([m.model_dump() for m in msgs], tokenize=False,
                                                  add_generation_prompt=True)

    def _gen_kwargs(self, params: GenerationParams) -> dict[str, Any]:
        kw: dict[str, Any] = {
            "max_new_tokens": params.max_new_tokens,
            "repetition_penalty": params.repetition_penalty,
            "pad_token_id": self.tokenizer.pad_token_id,
        }
        if params.greedy:
            kw.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        else:
            kw.update(do_sample=True, temperature=params.temperature, top_p=params.top_p, top_k=params.top_k or None)
        if params.stop:
            kw.update(stop_strings=list(params.stop), tokenizer=self.tokenizer)
        return kw

    def _seed(self, seed: int) -> None:
        import torch

        torch.manual_seed(seed)
        if self.device.startswith("cuda"):
            torch.cuda.manual_seed_all(seed)

    # -- batched -----------------------------------------------------------------------------
    def generate(self, prompts: Sequence[Prompt], params: GenerationParams | None = None,
                 logprobs: bool = False, on_row: Callable[[int, Completion], None] | None = None) -> list[Completion]:
        """``on_row`` (``capabilities.row_events``): each completion as its row finishes (the fast sampler),
        or all of them in order at the end (transformers' generate)."""
        params = params or GenerationParams()
        texts = [self.render(p) for p in prompts]
        if self.fast:
            return self._generate_fast(texts, params, logprobs, on_row)
        out: list[Completion] = []
        with self._lock:
            self._seed(params.seed)
            per_batch = max(1, self.batch_size // params.n)
            for start in range(0, len(texts), per_batch):
                out.extend(self._generate_batch(texts[start:start + per_batch], start, params, logprobs))
        for i, c in enumerate(out if on_row is not None else ()):
            on_row(i, c)
        return out

    def _generate_fast(self, texts: list[str], params: GenerationParams, logprobs: bool,
                       on_row: Callable[[int, Completion], None] | None = None) -> list[Completion]:
        """Every row through :class:`FastSampler` (shared prefix cache, per-row seeds), ``max_rows`` at a time.

        A row is (prompt, candidate number); identical prompts count as further candidates of
        one prompt, so ``generate([p, p], n=1)`` equals ``generate([p], n=2)``."""
        seen: dict[str, int] = {}
        rows: list[tuple[int, str, int]] = []  # (prompt index, text, candidate number for the seed)
        for i, t in enumerate(texts):
            occ = seen.get(t, 0)
            seen[t] = occ + 1
            rows.extend((i, t, occ * params.n + j) for j in range(params.n))
        sampler = self._sampler()
        out: list[Completion] = []
        with self._lock:
            for start in range(0, len(rows), self.max_rows):
                chunk = rows[start:start + self.max_rows]
                uniq = list(dict.fromkeys(t for _, t, _ in chunk))
                index = {t: u for u, t in enumerate(uniq)}
                timer = Timer()

                def done(j: int, r: Any, start: int = start, chunk: list = chunk, timer: Timer = timer) -> None:
                    on_row(start + j, _completion(r, chunk[j], params, timer.elapsed))  # type: ignore[misc]

                res = sampler.run(uniq, [(index[t], k) for _, t, k in chunk], params, logprobs,
                                  on_done=done if on_row is not None else None)
                elapsed = timer.elapsed
                out.extend(_completion(r, row, params, elapsed) for row, r in zip(chunk, res))
        return out

    def _sampler(self):
        """The generator's one :class:`FastSampler` (it keeps a cache of decoded token pieces)."""
        if self._fast_sampler is None:
            from .fastgen import FastSampler

            self._fast_sampler = FastSampler(self.model, self.tokenizer, self.device, self._eos_ids())
        return self._fast_sampler

    def _generate_batch(self, texts: list[str], offset: int, params: GenerationParams,
                        logprobs: bool) -> list[Completion]:
        import torch

        tok = self.tokenizer
        enc = tok(texts, return_tensors="pt", padding=True).to(self.device)
        timer = Timer()
        with torch.inference_mode():
            res = self.model.generate(**enc, **self._gen_kwargs(params), num_return_sequences=params.n,
                                      return_dict_in_generate=True, output_logits=logprobs)
        elapsed = timer.elapsed
        prompt_len = enc["input_ids"].shape[1]
        new = res.sequences[:, prompt_len:]
        lp = None
        if logprobs and res.logits:
            logits = torch.stack(res.logits, dim=1).float()  # (rows, steps, vocab)
            lp = torch.log_softmax(logits, dim=-1).gather(-1, new[:, : logits.shape[1]].unsqueeze(-1)).squeeze(-1)
        eos = set(self._eos_ids())
        comps = []
        for row in range(new.shape[0]):
            ids = new[row].tolist()
            n_tok = 0
            hit_eos = False
            for t in ids:
                if t in eos:
                    hit_eos = True
                    break
                n_tok += 1
            gen_ids = ids[:n_tok]
            text = tok.decode(gen_ids, skip_special_tokens=True)
            text, stopped = cut_at_stop(text, params.stop)
            if stopped:
                finish = "stop"
            elif hit_eos:
                finish = "eos"
            else:
                finish = "length"
            mean_lp = None
            if lp is not None and n_tok:
                mean_lp = float(lp[row, :n_tok].mean())
            prompt_index = offset + row // params.n
            comps.append(Completion(
                text=text, prompt_index=prompt_index, candidate=row % params.n,
                prompt_tokens=int(enc["attention_mask"][row // params.n].sum()),
                completion_tokens=n_tok,
                finish_reason=finish, logprob=mean_lp, seconds=elapsed,
            ))
        return comps

    def _eos_ids(self) -> list[int]:
        ids = self.model.generation_config.eos_token_id
        if ids is None:
            ids = self.tokenizer.eos_token_id
        if isinstance(ids, int):
            ids = [ids]
        ids = list(ids or [])
        if self.tokenizer.pad_token_id is not None:
            ids.append(self.tokenizer.pad_token_id)
        return ids

    # -- streaming -----------------------------------------------------------------------------
    def stream(self, prompt: Prompt, params: GenerationParams | None = None) -> Iterator[str]:
        params = params or GenerationParams()
        if params.n != 1:
            params = params.model_copy(update={"n": 1})
        text_in = self.render(prompt)
        streamer = _IdStreamer()
        errors: list[BaseException] = []
        cancel = threading.Event()
        if self.fast:  # the same sampler as generate(): the joined stream equals generate()'s text
            run = self._fast_stream_run(text_in, params, streamer, errors, cancel)
        else:
            run = self._generate_stream_run(text_in, params, streamer, errors, cancel)
        text = _StopText(self.tokenizer, set(self._eos_ids()), params.stop)
        th = threading.Thread(target=run, daemon=True)
        self._lock.acquire()
        try:
            self._seed(params.seed)
            th.start()
            while True:
                item = streamer.q.get()
                if item is None:
                    break
                piece = text.feed(item)
                if piece:
                    yield piece
            th.join()
            if errors:
                raise errors[0]
            rest = text.rest()
            if rest:
                yield rest
        finally:
            # a consumer that stops early (closes the generator) cancels the generation
            cancel.set()
            if th.is_alive():
                th.join()
            self._lock.release()

    def _fast_stream_run(self, text_in: str, params: GenerationParams, streamer: _IdStreamer,
                         errors: list[BaseException], cancel: threading.Event) -> Callable[[], None]:
        """The thread body that streams one row through the fast sampler into ``streamer``."""
        sampler = self._sampler()
        last = [0]

        def on_token(_row: int, ids: list[int]) -> None:
            streamer.q.put(ids[last[0]:])
            last[0] = len(ids)

        def run() -> None:
            try:
                sampler.run([text_in], [(0, 0)], params, False, on_token=on_token, cancelled=cancel.is_set)
            except BaseException as e:  # handed to the consumer
                errors.append(e)
            streamer.end()

        return run

    def _generate_stream_run(self, text_in: str, params: GenerationParams, streamer: _IdStreamer,
                             errors: list[BaseException], cancel: threading.Event) -> Callable[[], None]:
        """The thread body that streams transformers' ``generate`` into ``streamer`` (stopped by ``cancel``)."""
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList

        enc = self.tokenizer([text_in], return_tensors="pt", padding=True).to(self.device)

        class _Cancelled(StoppingCriteria):
            def __call__(self, input_ids, scores, **kwargs):
                return torch.full((input_ids.shape[0],), cancel.is_set(), dtype=torch.bool,
                                  device=input_ids.device)

        def run() -> None:
            try:
                with torch.inference_mode():
                    self.model.generate(**enc, **self._gen_kwargs(params), streamer=streamer,
                                        stopping_criteria=StoppingCriteriaList([_Cancelled()]))
            except BaseException as e:  # handed to the consumer
                errors.append(e)
                streamer.end()

        return run


def _completion(r: Any, row: tuple[int, str, int], params: GenerationParams, seconds: float) -> Completion:
    """The completion of one fast-sampler row (``row``: prompt index, text, candidate number)."""
    text, stopped = cut_at_stop(r.text, params.stop)
    finish = "stop" if stopped else ("eos" if r.finish == "eos" else "length")
    return Completion(text=text, prompt_index=row[0], candidate=row[2] % params.n, prompt_tokens=r.prompt_tokens,
                      completion_tokens=len(r.ids), finish_reason=finish, logprob=r.logprob, seconds=seconds)


class _StopText:
    """A streamed completion's text, handed out as it grows: up to EOS or a stop string, holding back
    what may yet become a stop string or is an incomplete UTF-8 sequence."""

    def __init__(self, tok, eos: set[int], stop: Sequence[str]) -> None:
        self.tok, self.eos, self.stop = tok, eos, stop
        self.ids: list[int] = []
        self.sent = 0
        self.done = False

    def feed(self, item: list[int]) -> str:
        """The new safe text after the token ids ``item`` ("" when there is none)."""
        if self.done:
            return ""
        for t in item:
            if t in self.eos:
                self.done = True
                break
            self.ids.append(t)
        text = self.tok.decode(self.ids, skip_special_tokens=True)
        text, stopped = cut_at_stop(text, self.stop)
        if stopped:
            self.done = True
            safe = len(text)
        else:
            safe = len(text) - stop_prefix_len(text, self.stop)
            while safe > self.sent and text[safe - 1] == "\ufffd":  # an incomplete UTF-8 sequence
                safe -= 1
        if safe > self.sent:
            piece = text[self.sent:safe]
            self.sent = safe
            return piece
        return ""

    def rest(self) -> str:
        """What was held back, once the generation has ended."""
        text = self.tok.decode(self.ids, skip_special_tokens=True)
        text, _ = cut_at_stop(text, self.stop)
        return text[self.sent:] if len(text) > self.sent else ""
