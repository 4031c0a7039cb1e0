"""int8 weights for a CPU model: every Linear layer (the LM head too) with int8 weights and dynamically
quantized activations, on torch's fbgemm/x86 kernels (docs/architecture.md §6).

This is ``torch.ao.quantization.quantize_dynamic`` with the same weight observer, hence the same int8 weights
and the same logits, done in place and layer by layer: ``quantize_dynamic`` copies the whole float model first
and builds each quantized layer around a packed zero matrix before packing the real one, about half of its
1.1 s at load on 2 cores (stop 26)."""

from __future__ import annotations

import warnings

from ..core import config
from ..core.errors import InputError


def set_engine() -> str:
    """Select the int8 engine (``DRAMAGEN_INT8_ENGINE``, default ``x86``); weights are packed for it."""
    import torch

    engine = config.get_str("DRAMAGEN_INT8_ENGINE") or "x86"
    if engine not in torch.backends.quantized.supported_engines:
        raise InputError("DRAMAGEN_INT8_ENGINE", engine, " or ".join(torch.backends.quantized.supported_engines))
    torch.backends.quantized.engine = engine
    return engine


def quantized_linear(linear):
    """One float ``nn.Linear`` as a dynamically quantized int8 Linear (``quantize_dynamic``'s weights)."""
    import torch
    import torch.ao.nn.quantized.dynamic as nnqd
    from torch.ao.nn.quantized.modules.utils import _quantize_weight
    from torch.ao.quantization.qconfig import default_dynamic_qconfig

    observer = default_dynamic_qconfig.weight()
    weight = linear.weight.detach().float()
    observer(weight)
    qweight = _quantize_weight(weight, observer)
    q = nnqd.Linear(1, 1, bias_=linear.bias is not None, dtype=torch.qint8)  # packs a 1×1 matrix, not a zero W
    q.in_features, q.out_features = linear.in_features, linear.out_features
    q.set_weight_bias(qweight, None if linear.bias is None else linear.bias.detach().float())
    return q


def quantize_int8(model):
    """``model`` (a float32 model on the CPU) with every ``nn.Linear`` replaced in place; returns it."""
    import torch

    set_engine()
    with warnings.catch_warnings():  # quantized tensors are deprecated in favour of torchao; 2.13 still has them
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        for parent in list(model.modules()):
            for name, child in list(parent.named_children()):
                if type(child) is torch.nn.Linear:
                    setattr(parent, name, quantized_linear(child))
    return model
