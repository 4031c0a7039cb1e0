"""A Llama decoder in plain torch, for the fast sampler on the CPU: the default model without transformers' model code.

Why it exists (docs/architecture.md §6, "Load"): a fresh process spent 3.7 s loading the cached default
model, of which importing ``transformers.models.llama.modeling_llama`` was 2.2 s (it imports
``torch.distributed.tensor`` and ``torch._dynamo`` whatever the model) and the load itself 0.4 s
(stop 26). The fast sampler (``llm/fastgen.py``) needs one forward call and a key/value cache with
three operations; for a Llama that is the hundred lines below, on the same safetensors file and the
same tokenizer. transformers still converts the GGUF file, loads every other model and runs the
``generate`` sampler.

It computes ``LlamaForCausalLM`` as transformers 5 does (RMSNorm in float32, rotary embeddings from
float32 frequencies cast to the model's dtype, torch's SDPA, SiLU MLP), for the configurations
:func:`supports` accepts; ``tests/test_llama.py`` holds its logits and its greedy text against
transformers' model. Attention: grouped-query attention straight in SDPA (``enable_gqa``) where it
computes in float32 (float32 and int8 weights: 27 % faster decoding than repeating the keys, stop
24), the keys repeated for a prefill in bfloat16 (SDPA's flash kernel), and one query token packed
onto its key/value heads (``(batch, kv heads, group, dim)``: no copy at all) when decoding.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import torch
from torch import nn


def supports(config: dict) -> bool:
    """True for a config this module computes exactly as transformers does: a plain Llama (no biases, SiLU, default
    rotary embeddings, no tensor-parallel split)."""
    rope = config.get("rope_parameters") or config.get("rope_scaling") or {}
    rope_type = rope.get("rope_type", rope.get("type", "default"))
    return (config.get("architectures") == ["LlamaForCausalLM"] and config.get("hidden_act", "silu") == "silu"
            and not config.get("attention_bias") and not config.get("mlp_bias")
            and rope_type == "default" and config.get("pretraining_tp", 1) == 1)


class _Layer:
    """One layer's keys and values in a buffer with room to grow: a decoding step writes its token in place.
    Concatenating instead copied the whole cache every step, 83 % of a step at 64 rows of 300 tokens (stop 27)."""

    def __init__(self, k: torch.Tensor, v: torch.Tensor, spare: int = 64):
        self.n = k.shape[2]
        self.k = k.new_empty(*k.shape[:2], self.n + spare, k.shape[3])
        self.v = v.new_empty(*v.shape[:2], self.n + spare, v.shape[3])
        self.k[:, :, :self.n], self.v[:, :, :self.n] = k, v

    @property
    def keys(self) -> torch.Tensor:
        return self.k[:, :, :self.n]

    @property
    def values(self) -> torch.Tensor:
        return self.v[:, :, :self.n]

    def append(self, k: torch.Tensor, v: torch.Tensor) -> None:
        n = self.n + k.shape[2]
        if n > self.k.shape[2]:  # full: twice the room
            grown = _Layer(self.keys, self.values, spare=max(self.n, k.shape[2]))
            self.k, self.v = grown.k, grown.v
        self.k[:, :, self.n:n], self.v[:, :, self.n:n] = k, v
        self.n = n

    def select(self, idx: torch.Tensor) -> None:
        self.k, self.v = self.k[idx, ...], self.v[idx, ...]


class KVCache:
    """Per layer the keys and values seen so far, (batch, kv heads, tokens, head dim): what the fast sampler and
    the prefill use of transformers' ``DynamicCache`` (``layers[i].keys``, ``batch_select_indices``)."""

    def __init__(self, kv: list | None = None):
        self.layers = [_Layer(k, v) for k, v in (kv or [])]

    def length(self) -> int:
        return self.layers[0].n if self.layers else 0

    def update(self, i: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if i == len(self.layers):
            self.layers.append(_Layer(k, v))
        else:
            self.layers[i].append(k, v)
        return self.layers[i].keys, self.layers[i].values

    def batch_select_indices(self, idx: torch.Tensor) -> None:
        for layer in self.layers:
            layer.select(idx)


class RMSNorm(nn.Module):
    def __init__(self, size: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        x = x.to(torch.float32)
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


def _linear(n_in: int, n_out: int) -> nn.Linear:
    """An ``nn.Linear`` without bias, its weight left uninitialised for the checkpoint to replace. Its own init
    (random numbers for 135 M weights) took 0.8 s; building on the meta device imports torch's meta
    registrations and dynamo (1.1 s). An ``nn.Linear`` it must be: int8 quantizes exactly that type."""
    layer = nn.Linear.__new__(nn.Linear)
    nn.Module.__init__(layer)
    layer.in_features, layer.out_features = n_in, n_out
    layer.weight = nn.Parameter(torch.empty(n_out, n_in))
    layer.register_parameter("bias", None)
    return layer


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c: SimpleNamespace, index: int):
        super().__init__()
        self.index, self.dim = index, c.head_dim
        self.heads, self.kv_heads = c.num_attention_heads, c.num_key_value_heads
        self.q_proj = _linear(c.hidden_size, self.heads * self.dim)
        self.k_proj = _linear(c.hidden_size, self.kv_heads * self.dim)
        self.v_proj = _linear(c.hidden_size, self.kv_heads * self.dim)
        self.o_proj = _linear(self.heads * self.dim, c.hidden_size)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, mask: torch.Tensor | None,
                cache: KVCache) -> torch.Tensor:
        b, q_len, _ = x.shape
        q = self.q_proj(x).view(b, q_len, -1, self.dim).transpose(1, 2)
        k = self.k_proj(x).view(b, q_len, -1, self.dim).transpose(1, 2)
        v = self.v_proj(x).view(b, q_len, -1, self.dim).transpose(1, 2)
        cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
        q, k = q * cos + _rotate_half(q) * sin, k * cos + _rotate_half(k) * sin
        k, v = cache.update(self.index, k, v)
        group = self.heads // self.kv_heads
        kw: dict[str, Any] = {}
        if q_len == 1 and group > 1:  # one query token: its heads packed onto their key/value heads
            q = q.reshape(b, self.kv_heads, group, self.dim)
        elif group > 1 and q.dtype == torch.float32:
            kw["enable_gqa"] = True
        elif group > 1:
            k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
        causal = q_len > 1 and mask is None
        out = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=causal, **kw)
        out = out.reshape(b, self.heads, q_len, self.dim).transpose(1, 2).reshape(b, q_len, -1)
        return self.o_proj(out)


class MLP(nn.Module):
    def __init__(self, c: SimpleNamespace):
        super().__init__()
        self.gate_proj = _linear(c.hidden_size, c.intermediate_size)
        self.up_proj = _linear(c.hidden_size, c.intermediate_size)
        self.down_proj = _linear(c.intermediate_size, c.hidden_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, c: SimpleNamespace, index: int):
        super().__init__()
        self.self_attn = Attention(c, index)
        self.mlp = MLP(c)
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)

    def forward(self, x, cos, sin, mask, cache):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask, cache)
        return x + self.mlp(self.post_attention_layernorm(x))


class Decoder(nn.Module):
    """transformers' ``LlamaModel``: the same parameter names, so its state dict loads as it is."""

    def __init__(self, c: SimpleNamespace):
        super().__init__()
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size, _weight=torch.empty(c.vocab_size, c.hidden_size))
        self.layers = nn.ModuleList(Block(c, i) for i in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)


def _mask(attention_mask: torch.Tensor | None, past: int, q_len: int) -> torch.Tensor | None:
    """The boolean (batch, 1, q, kv) mask, or None where SDPA's own causal rule is the same (no padding, and one
    query or no past). A query that sees no key (a pad position before any token) sees all of them: its output
    is never used, and SDPA would otherwise give it NaN, which the next layer's padded keys would carry."""
    if attention_mask is None or (bool(attention_mask.all()) and (q_len == 1 or past == 0)):
        return None
    kv = attention_mask.shape[1]
    pad = attention_mask.bool()[:, None, None, :]
    pos = torch.arange(past, past + q_len, device=attention_mask.device)[:, None]
    mask = pad & (torch.arange(kv, device=attention_mask.device)[None, :] <= pos)[None, None]
    return mask | ~mask.any(-1, keepdim=True)


def _inv_freq(config: dict, dim: int) -> torch.Tensor:
    """The rotary embedding's default inverse frequencies, in float32 on the CPU."""
    theta = float((config.get("rope_parameters") or {}).get("rope_theta", config.get("rope_theta", 10000.0)))
    return 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.int64, device="cpu").float() / dim))


class LlamaForCausalLM(nn.Module):
    """``forward(input_ids, attention_mask, position_ids, past_key_values, logits_to_keep)`` → ``.logits``."""

    def __init__(self, config: dict):
        super().__init__()
        self.config = c = SimpleNamespace(**config)
        c.head_dim = config.get("head_dim") or c.hidden_size // c.num_attention_heads
        c.num_key_value_heads = config.get("num_key_value_heads") or c.num_attention_heads
        self.model = Decoder(c)
        self.lm_head = _linear(c.hidden_size, c.vocab_size)
        self.register_buffer("inv_freq", _inv_freq(config, c.head_dim), persistent=False)
        self.generation_config = SimpleNamespace(eos_token_id=config.get("eos_token_id"))

    def new_cache(self, kv: list | None = None) -> KVCache:
        return KVCache(kv)

    def _rotary(self, position_ids: torch.Tensor, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
        freqs = (self.inv_freq[None, :, None].float() @ position_ids[:, None, :].float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(dtype), emb.sin().to(dtype)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                position_ids: torch.Tensor | None = None, past_key_values: KVCache | None = None,
                use_cache: bool = True, logits_to_keep: int = 0) -> SimpleNamespace:
        cache = past_key_values if past_key_values is not None else KVCache()
        past, q_len = cache.length(), input_ids.shape[1]
        if position_ids is None:
            position_ids = torch.arange(past, past + q_len, device=input_ids.device)[None]
            position_ids = position_ids.expand(input_ids.shape[0], -1)
        x = self.model.embed_tokens(input_ids)
        cos, sin = self._rotary(position_ids, x.dtype)
        mask = _mask(attention_mask, past, q_len)
        for block in self.model.layers:
            x = block(x, cos, sin, mask, cache)
        x = self.model.norm(x)
        return SimpleNamespace(logits=self.lm_head(x[:, -logits_to_keep:, :] if logits_to_keep else x),
                               past_key_values=cache)


def load(path: str | Path, dtype: torch.dtype) -> LlamaForCausalLM | None:
    """The model of the folder ``path`` (config.json, model.safetensors) in ``dtype``, or None when its config is
    not one :func:`supports` or its weights are not one safetensors file."""
    from safetensors.torch import load_file

    path = Path(path)
    weights = path / "model.safetensors"
    try:
        config = json.loads((path / "config.json").read_text())
    except (OSError, ValueError):
        return None
    if not supports(config) or not weights.is_file():
        return None
    model = LlamaForCausalLM(config)
    state = {k: t.to(dtype) for k, t in load_file(str(weights)).items()}
    tied = config.get("tie_word_embeddings", True)
    if tied:
        state["lm_head.weight"] = state["model.embed_tokens.weight"]
    model.load_state_dict(state, strict=True, assign=True)
    if tied:  # one tensor, as transformers ties them
        model.lm_head.weight = model.model.embed_tokens.weight
    return model.eval()
