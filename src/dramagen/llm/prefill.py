"""Prefill many prompts that share prefixes: a token trie, each shared run computed once.

The prompts of one batched call share text in groups, not only as one common prefix: every
prompt of an episode's beats opens with the world and the cast, the action prompts then
share the event's worked shots, the lines of one side share that side's worked lines, and
only the last lines differ. Prefilling each prompt's tail after the one common prefix
computed 30,912 tokens for the beats of a 10-episode season whose distinct runs are 6,645
tokens (docs/architecture.md §6, "Prefill and the decoding loop").

:func:`build_trie` splits the distinct prompts into a compressed trie (a node is a run of
tokens shared by all the prompts below it; every prompt ends in a leaf of its own with at
least one token, whose last logits start its decoding). :func:`prefill` computes the nodes
level by level, a level in one or more forward passes (:func:`batches`: nodes of similar
length together, since a batch pads every node to its longest); a node's rows see its
ancestors' keys and values, and only its own run's are kept. Each prompt's cache is at the
end its path's runs, left-padded to the longest prompt: what a plain left-padded prefill
would have given the decoding loop, without computing any shared token twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: an inner node shorter than this is not worth a forward pass of its own: its tokens go to its children
MIN_SEGMENT = 4
#: the cost model of one forward pass, in the time of one prefilled token: a fixed part (30 layers of small
#: operations, the weights read once) and a part per row (its past copied in, attention over it). Measured on
#: the default model, int8, one thread, emulated AVX2 (stop 25): a pass of 1 row × 1 token 62 ms, 1 × 128
#: 264 ms (1.6 ms a token), 16 × 8 464 ms against 1 × 128: about 40 and 6 tokens
PASS_COST, ROW_COST = 40, 6


@dataclass
class Node:
    parent: int  # index of the parent node, -1 for a root
    tokens: list[int]  # this node's run
    start: int  # the prompt tokens before the run (its parent's path)
    level: int
    prompt: int | None = None  # the prompt a leaf ends


def build_trie(ids: list[list[int]], min_segment: int = MIN_SEGMENT) -> list[Node]:
    """A compressed trie over distinct non-empty token lists; parents come before children."""
    nodes: list[Node] = []

    def leaf(s: int, d: int, parent: int, level: int) -> None:
        nodes.append(Node(parent, ids[s][d:], d, level, prompt=s))

    def rec(group: list[int], d: int, scan: int, parent: int, level: int) -> None:
        """``group`` shares tokens up to ``scan`` (``d``: the tokens already in ``parent``'s path)."""
        if len(group) == 1:
            return leaf(group[0], d, parent, level)
        first = ids[group[0]]
        limit = min(len(ids[s]) for s in group) - 1  # every prompt keeps one token for its leaf
        end = min(scan, limit)
        while end < limit and all(ids[s][end] == first[end] for s in group):
            end += 1
        if end - d >= min_segment:
            nodes.append(Node(parent, first[d:end], d, level))
            parent, level, d = len(nodes) - 1, level + 1, end
        parts: dict[int, list[int]] = {}
        if end <= limit:
            for s in group:
                parts.setdefault(ids[s][end], []).append(s)
        if len(parts) <= 1:  # nothing tells them apart before the shortest one ends (one is the other's prefix)
            for s in group:
                leaf(s, d, parent, level)
            return
        for part in parts.values():
            rec(part, d, end + 1, parent, level)

    if ids:
        rec(list(range(len(ids))), 0, 0, -1, 0)
    return nodes


def batches(nodes: list[Node]) -> list[list[int]]:
    """The forward passes: each level's nodes split, by length, where padding would cost more than a pass."""
    out: list[list[int]] = []
    for level in range(max(n.level for n in nodes) + 1):
        here = sorted((i for i, n in enumerate(nodes) if n.level == level), key=lambda i: len(nodes[i].tokens))
        w = [len(nodes[i].tokens) for i in here]
        best = [0.0] + [float("inf")] * len(here)  # best[j]: the cheapest split of the j shortest
        cut = [0] * (len(here) + 1)
        for j in range(1, len(here) + 1):
            for i in range(j):  # here[i:j] in one pass, padded to w[j - 1]
                cost = best[i] + PASS_COST + (j - i) * (w[j - 1] + ROW_COST)
                if cost < best[j]:
                    best[j], cut[j] = cost, i
        j, parts = len(here), []
        while j:
            parts.append(here[cut[j]:j])
            j = cut[j]
        out.extend(reversed(parts))
    return out


def prefill(forward: Callable, ids: list[list[int]], pad: int, device: str, new_cache: Callable):
    """Every prompt of ``ids`` (distinct, non-empty) through the model, each shared run once.

    ``forward(input_ids=, attention_mask=, position_ids=, cache=)`` is one model call returning the last
    position's logits; ``new_cache(kv)`` a cache holding ``kv`` (per layer (keys, values)), or an empty one.
    Returns (cache, logits, mask, positions) in prompt order: a cache of every prompt's tokens left-padded
    to the longest, each prompt's last logits, the (prompts × longest) attention mask and each prompt's last
    position, shape (prompts, 1)."""
    nodes = build_trie(ids)
    runs: dict[int, Any] = {}  # node → its run's keys and values: (layers, 2, heads, tokens, head dim)
    logits: dict[int, Any] = {}  # prompt → its last logits
    for group in batches(nodes):
        out = _pass(forward, nodes, group, runs, pad, device, new_cache)
        for r, i in enumerate(group):
            if nodes[i].prompt is not None:
                logits[nodes[i].prompt] = out[r]
    return _assemble(nodes, runs, logits, len(ids), device, new_cache)


def _path(nodes: list[Node], runs: dict[int, Any], i: int) -> list:
    """The runs of node ``i``'s ancestors, root first."""
    path = []
    p = nodes[i].parent
    while p >= 0:
        path.append(runs[p])
        p = nodes[p].parent
    return path[::-1]


def _stack(paths: list[list], device: str):
    """Per row the concatenated runs, left-padded with zeros: (layers, 2, rows, heads, longest, head dim) and
    the (rows × longest) mask."""
    import torch

    lens = [sum(r.shape[3] for r in p) for p in paths]
    longest = max(lens)
    ref = next((p[0] for p in paths if p), None)
    if ref is None or longest == 0:
        return None, torch.zeros((len(paths), 0), dtype=torch.long)
    L, _, H, _, D = ref.shape
    kv = torch.zeros((L, 2, len(paths), H, longest, D), dtype=ref.dtype, device=device)
    mask = torch.zeros((len(paths), longest), dtype=torch.long)
    for r, (p, n) in enumerate(zip(paths, lens)):
        if n:
            kv[:, :, r, :, longest - n:] = torch.cat(p, dim=3)
            mask[r, longest - n:] = 1
    return kv, mask


def _pass(forward: Callable, nodes: list[Node], group: list[int], runs: dict, pad: int, device: str,
          new_cache: Callable):
    """One forward pass over ``group``'s runs on their ancestors' keys and values; keeps each node's run."""
    import torch

    past, past_mask = _stack([_path(nodes, runs, i) for i in group], device)
    cache = new_cache(None if past is None else [(past[li, 0], past[li, 1]) for li in range(past.shape[0])])
    width = max(len(nodes[i].tokens) for i in group)
    seg = torch.full((len(group), width), pad, dtype=torch.long)
    seg_mask = torch.zeros((len(group), width), dtype=torch.long)
    for r, i in enumerate(group):
        t = nodes[i].tokens
        seg[r, width - len(t):] = torch.tensor(t)
        seg_mask[r, width - len(t):] = 1
    starts = torch.tensor([nodes[i].start for i in group], dtype=torch.long)[:, None]
    pos = (starts + seg_mask.cumsum(-1) - 1).clamp(min=0)
    mask = torch.cat([past_mask, seg_mask], dim=1)
    out = forward(input_ids=seg.to(device), attention_mask=mask.to(device), position_ids=pos.to(device), cache=cache)
    # only the segment's keys and values are new (the past is the ancestors' runs, kept already)
    kv = torch.stack([torch.stack([layer.keys[:, :, -width:], layer.values[:, :, -width:]]) for layer in cache.layers])
    for r, i in enumerate(group):
        runs[i] = kv[:, :, r, :, width - len(nodes[i].tokens):].contiguous()
    return out


def _assemble(nodes: list[Node], runs: dict, logits: dict, n_prompts: int, device: str, new_cache: Callable):
    """Each prompt's path of runs, left-padded to the longest prompt, in prompt order."""
    import torch

    leaf = {n.prompt: i for i, n in enumerate(nodes) if n.prompt is not None}
    kv, mask = _stack([_path(nodes, runs, leaf[u]) + [runs[leaf[u]]] for u in range(n_prompts)], device)
    cache = new_cache([(kv[li, 0], kv[li, 1]) for li in range(kv.shape[0])])
    return cache, torch.stack([logits[u] for u in range(n_prompts)]), mask, mask.sum(-1, keepdim=True) - 1
