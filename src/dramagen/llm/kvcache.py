"""A key/value cache layer with room for the tokens still to come (the fast sampler's decoding loop).

transformers' ``DynamicLayer`` appends a token by concatenation: every decoding step copies the
whole cache of every layer (for 20 rows of 190 tokens, 175 MB a step on the default model). A
:class:`RoomyLayer` holds its keys and values in buffers sized for the prompt and the longest
completion, writes each step's keys in place and hands attention views of the filled part.
"""

from __future__ import annotations

from transformers.cache_utils import DynamicLayer


class RoomyLayer(DynamicLayer):
    """A ``DynamicLayer`` whose ``keys``/``values`` are views of buffers with ``room`` more positions."""

    def __init__(self, keys, values, room: int):
        super().__init__()
        self.dtype, self.device = keys.dtype, keys.device
        b, h, t, d = keys.shape
        self._k = keys.new_empty((b, h, t + room, d))
        self._v = values.new_empty((b, h, t + room, d))
        self._k[:, :, :t] = keys
        self._v[:, :, :t] = values
        self._n = t
        self.is_initialized = True
        self._views()

    def _views(self) -> None:
        self.keys = self._k[:, :, : self._n]
        self.values = self._v[:, :, : self._n]

    def update(self, key_states, value_states, *args, **kwargs):
        n = key_states.shape[-2]
        if self._n + n > self._k.shape[2]:  # more than planned: grow (never in the sampler's loop)
            import torch

            more = max(n, 16)
            pad = (0, 0, 0, more)
            self._k = torch.nn.functional.pad(self._k, pad)
            self._v = torch.nn.functional.pad(self._v, pad)
        self._k[:, :, self._n: self._n + n] = key_states
        self._v[:, :, self._n: self._n + n] = value_states
        self._n += n
        self._views()
        return self.keys, self.values

    def batch_select_indices(self, indices) -> None:
        self._k = self._k[indices]
        self._v = self._v[indices]
        self._views()

    def crop(self, tokens_to_remove: int) -> None:
        raise NotImplementedError("RoomyLayer: the fast sampler never crops its cache")

    def batch_repeat_interleave(self, repeats: int) -> None:
        raise NotImplementedError("RoomyLayer: the fast sampler selects rows with batch_select_indices")


def make_roomy(cache, room: int):
    """``cache``'s layers as :class:`RoomyLayer` with ``room`` free positions each (in place; returns it)."""
    cache.layers = [RoomyLayer(layer.keys, layer.values, room) for layer in cache.layers]
    return cache
