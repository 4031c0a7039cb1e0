"""Attention for float32 models on CPU: torch's SDPA with grouped-query attention even under a padding mask.

transformers' SDPA path repeats the key/value heads (or packs the query) whenever a mask is
passed, and the fast sampler always passes one (left padding). For a float32 or int8 model on
CPU, asking torch's SDPA for grouped-query attention directly (``enable_gqa``) made decoding
27 % faster in the sampler's loop; for bfloat16 it was 60 % slower (torch then leaves its flash
kernel), so a bf16 model keeps transformers' own ``sdpa`` (docs/architecture.md §6).
"""

from __future__ import annotations

NAME = "dramagen_gqa_sdpa"


def gqa_sdpa(module, query, key, value, attention_mask, dropout: float = 0.0, scaling: float | None = None,
             is_causal: bool | None = None, **kwargs):
    """An attention function of transformers' ``AttentionInterface``: (batch, heads, q, dim) in, (batch, q, heads,
    dim) out, as its ``sdpa`` gives."""
    import torch

    causal = is_causal if is_causal is not None else getattr(module, "is_causal", True)
    causal = bool(query.shape[2] > 1 and attention_mask is None and causal)
    out = torch.nn.functional.scaled_dot_product_attention(query, key, value, attn_mask=attention_mask,
                                                           dropout_p=dropout, scale=scaling, is_causal=causal,
                                                           enable_gqa=key.shape[1] != query.shape[1])
    return out.transpose(1, 2).contiguous(), None


def use_gqa_sdpa(model) -> bool:
    """Switch ``model`` (a transformers model on CPU computing in float32) to :func:`gqa_sdpa`; False where the
    model does not take a registered attention function (it keeps its own)."""
    from transformers import AttentionInterface
    from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

    if getattr(model.config, "_attn_implementation", None) != "sdpa":
        return False
    AttentionInterface.register(NAME, gqa_sdpa)
    AttentionMaskInterface.register(NAME, sdpa_mask)
    try:
        model.set_attn_implementation(NAME)
    except (ValueError, TypeError, AttributeError):
        return False
    return model.config._attn_implementation == NAME
