"""The trie prefill (llm/prefill.py): every prompt's cache is its own tokens, each shared run computed once,
and the real model's logits are those of the prompt alone, at the prefill and at the first decoding step."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dramagen.llm.prefill import batches, build_trie

token_lists = st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=12), min_size=1, max_size=8,
                       unique_by=tuple)


def _path(nodes, i) -> list[int]:
    out: list[int] = []
    while i >= 0:
        out = nodes[i].tokens + out
        i = nodes[i].parent
    return out


@given(token_lists)
def test_each_prompt_is_its_path_and_ends_in_a_leaf_of_its_own(ids):
    nodes = build_trie(ids, min_segment=2)
    leaves = {n.prompt: i for i, n in enumerate(nodes) if n.prompt is not None}
    assert sorted(leaves) == list(range(len(ids)))
    for u, i in leaves.items():
        assert _path(nodes, i) == ids[u]
        assert nodes[i].tokens, "a leaf keeps a token: its logits start the prompt's decoding"
    for i, n in enumerate(nodes):
        assert n.parent < i and n.start == len(_path(nodes, n.parent))
        assert n.level == (0 if n.parent < 0 else nodes[n.parent].level + 1)
        if n.prompt is None:
            assert len(n.tokens) >= 2 and sum(1 for m in nodes if m.parent == i) >= 2


@given(token_lists)
def test_every_node_is_computed_once_after_its_parent(ids):
    nodes = build_trie(ids, min_segment=2)
    order = [i for group in batches(nodes) for i in group]
    assert sorted(order) == list(range(len(nodes)))
    done: set[int] = set()
    for group in batches(nodes):
        assert all(nodes[i].parent < 0 or nodes[i].parent in done for i in group)
        done.update(group)


def test_shared_runs_are_computed_once():
    world = list(range(100, 140))
    ids = [world + [1, 2, 3, 4, 5, 6] + [7, k] for k in range(3)] + [world + [9, 9, 9, 9, 9] + [k] for k in range(3)]
    nodes = build_trie(ids)
    assert sum(len(n.tokens) for n in nodes) == 40 + (7 + 3) + (5 + 3)  # the world, each group: its run, 3 leaves
    assert max(n.level for n in nodes) == 2


@pytest.fixture(scope="module", params=["dramagen-llama", "transformers"])
def fp32(request):
    """The default model in float32, computed by llm/llama.py and by transformers' model code (llm/attention.py's
    grouped-query SDPA)."""
    from dramagen.llm import load_generator

    return load_generator(dtype="float32", engine=request.param)


@pytest.fixture(scope="module")
def reference():
    """transformers' own model with its own ``sdpa`` attention: what a plain forward pass of a prompt gives."""
    import torch
    from transformers import AutoModelForCausalLM

    from dramagen.llm import resolve

    return AutoModelForCausalLM.from_pretrained(str(resolve(None).local_dir), dtype=torch.float32).eval()


def test_the_models_logits_are_the_prompts_alone(fp32, reference):
    """Prompts in groups (an action pair, a line pair, one prompt the prefix of another, one sharing nothing):
    the prefill's last logits and one decoding step on its cache equal a plain forward pass of each prompt."""
    import torch

    head = "Rome, 1953. Cast: Ava (heiress), Conrad (her uncle), Lucas (the driver).\nEpisode: Ava finds the will.\n"
    texts = [head + "Shot (the villa; Ava): Ava opens the drawer", head + "Shot (the villa; Conrad): Conrad",
             head + "AVA (to Conrad, cold): You knew.", head + "AVA (to Conrad, cold): You knew. All along.",
             "KAI (quiet):"]
    tok = fp32.tokenizer
    ids = [tok(t)["input_ids"] for t in texts]
    sampler = fp32._sampler()
    with torch.inference_mode():
        cache, logits, mask, pos = sampler._prefill(ids)
        nxt = logits.argmax(-1)
        more = torch.cat([mask, torch.ones_like(mask[:, :1])], 1)
        step = sampler._forward(input_ids=nxt[:, None], attention_mask=more, position_ids=pos + 1,
                                cache=cache).logits[:, -1].float()
        assert fp32.info["attention"] == {"dramagen-llama": "sdpa", "transformers": "gqa_sdpa"}[fp32.engine]
        alone_all = [reference(input_ids=torch.tensor([x + [int(nxt[u])]])).logits[0].float()
                     for u, x in enumerate(ids)]
        for u, (x, alone) in enumerate(zip(ids, alone_all)):
            assert mask[u].sum() == len(x) and int(pos[u]) == len(x) - 1
            assert torch.allclose(logits[u], alone[-2], atol=2e-3), (u, (logits[u] - alone[-2]).abs().max())
            assert torch.allclose(step[u], alone[-1], atol=2e-3), (u, (step[u] - alone[-1]).abs().max())
