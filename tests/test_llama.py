"""llm/llama.py, our Llama forward for the fast sampler: the logits and texts of transformers' model, and a load
that does not import transformers' model code."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dramagen.core.errors import InputError
from dramagen.llm import GenerationParams
from dramagen.llm.llama import supports

PROMPTS = [
    "INT. CASINO KITCHEN - NIGHT\nMara watches the stepmother slip the packet of powder into the tea.\nMARA:",
    "The judge takes the envelope from the mobster and",
    "KAI (quiet):",
]


def _config(**kw) -> dict:
    base = {"architectures": ["LlamaForCausalLM"], "hidden_act": "silu", "attention_bias": False, "mlp_bias": False,
            "rope_parameters": {"rope_theta": 100000.0, "rope_type": "default"}, "pretraining_tp": 1}
    return {**base, **kw}


def test_it_takes_only_the_llamas_it_computes_exactly():
    assert supports(_config())
    assert supports(_config(rope_parameters=None, rope_scaling=None, rope_theta=10000.0))
    assert not supports(_config(architectures=["Gemma3ForCausalLM"]))
    assert not supports(_config(rope_parameters={"rope_theta": 5e5, "rope_type": "llama3", "factor": 8.0}))
    assert not supports(_config(attention_bias=True))
    assert not supports(_config(mlp_bias=True))
    assert not supports(_config(hidden_act="gelu"))
    assert not supports(_config(pretraining_tp=2))


@pytest.mark.model
@pytest.mark.parametrize("dtype", ["float32", pytest.param("bfloat16", marks=pytest.mark.slow)])  # bf16: 7.5 s on
def test_logits_equal_transformers_with_padding_and_a_cache(dtype):  # AVX2, where it is emulated (the AMX path)
    """Left-padded prompts through a prefill, then five greedy steps on the cache: transformers' logits (its own
    ``sdpa``), and the same greedy tokens."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, DynamicCache

    from dramagen.llm import llama, resolve

    path = resolve(None).local_dir
    tdtype = getattr(torch, dtype)
    theirs = AutoModelForCausalLM.from_pretrained(str(path), dtype=tdtype).eval()
    ours = llama.load(path, tdtype)
    tok = AutoTokenizer.from_pretrained(str(path))
    ids = [tok(t)["input_ids"] for t in PROMPTS]
    width = max(map(len, ids))
    inp = torch.tensor([[tok.pad_token_id] * (width - len(x)) + x for x in ids])
    mask = torch.tensor([[0] * (width - len(x)) + [1] * len(x) for x in ids])
    pos = (mask.cumsum(-1) - 1).clamp(min=0)
    atol = 1e-4 if dtype == "float32" else 5e-2
    with torch.inference_mode():
        their_cache, our_cache = DynamicCache(), ours.new_cache()
        for step in range(6):
            a = theirs(input_ids=inp, attention_mask=mask, position_ids=pos, cache=their_cache).logits[:, -1]
            b = ours(input_ids=inp, attention_mask=mask, position_ids=pos, past_key_values=our_cache).logits[:, -1]
            assert not torch.isnan(b).any()
            assert torch.allclose(a.float(), b.float(), atol=atol), (step, (a.float() - b.float()).abs().max())
            assert torch.equal(a.argmax(-1), b.argmax(-1)), step
            inp, pos = a.argmax(-1)[:, None], pos[:, -1:] + 1
            mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=1)


@pytest.mark.model
@pytest.mark.slow  # 7 s; the default suite compares the engines' logits (above) and greedy texts (test_generator)
def test_sampled_texts_equal_transformers_engine():
    """The whole generator, seeded sampling with stops and candidates: the same texts whoever computes the model."""
    from dramagen.llm import load_generator

    p = GenerationParams(max_new_tokens=24, temperature=0.8, seed=4, n=2, stop=("\n",))
    ours = load_generator(dtype="float32", engine="dramagen-llama")
    theirs = load_generator(dtype="float32", engine="transformers")
    assert ours.info["engine"] == "dramagen-llama" and theirs.info["engine"] == "transformers"
    assert [c.text for c in ours.generate(PROMPTS, p)] == [c.text for c in theirs.generate(PROMPTS, p)]


@pytest.mark.model
def test_default_load_leaves_transformers_model_code_alone():
    """A fresh process loading the default model (int8, as on an AVX2 CPU) computes it with llm/llama.py and
    never imports transformers' modeling code, torch's distributed tensors or dynamo (2 s of a 3.7 s load)."""
    code = ("import json, sys\nfrom dramagen.llm import load_generator\n"
            "g = load_generator(dtype='int8')\n"
            "g.generate(['KAI (quiet):'])\n"
            "mods = ['transformers.modeling_utils', 'torch.distributed.tensor', 'torch._dynamo']\n"
            "print(json.dumps({'engine': g.info['engine'], 'imported': [m for m in mods if m in sys.modules]}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"engine": "dramagen-llama", "imported": []}


@pytest.mark.model
def test_it_is_asked_for_only_where_it_runs():
    from dramagen.llm import load_generator

    with pytest.raises(InputError, match="engine"):
        load_generator(dtype="float32", engine="dramagen-llama", fast=False)
    with pytest.raises(InputError, match="engine"):
        load_generator(dtype="float32", engine="vllm")


def test_the_cache_grows_in_place_and_keeps_what_it_holds():
    """Keys and values are written into a buffer with room (no copy of the whole cache per token); a full buffer
    doubles; selecting rows keeps their tokens."""
    import torch

    from dramagen.llm.llama import KVCache

    k0, v0 = torch.randn(3, 2, 5, 4), torch.randn(3, 2, 5, 4)
    cache = KVCache([(k0, v0)])
    steps = [(torch.randn(3, 2, 1, 4), torch.randn(3, 2, 1, 4)) for _ in range(70)]  # past the 64 spare
    for k, v in steps:
        keys, values = cache.update(0, k, v)
    assert cache.length() == 75 and keys.shape == (3, 2, 75, 4)
    assert torch.equal(keys, torch.cat([k0, *[k for k, _ in steps]], dim=2))
    assert torch.equal(values, torch.cat([v0, *[v for _, v in steps]], dim=2))
    cache.batch_select_indices(torch.tensor([2, 0]))
    assert torch.equal(cache.layers[0].keys, torch.cat([k0, *[k for k, _ in steps]], dim=2)[[2, 0]])
