"""Convert a GGUF file once into a safetensors Hugging Face folder.

transformers de-quantizes GGUF weights at load (about 15–30 s for the default model);
the converted folder loads in about a second. A GGUF-loaded model refuses
``save_pretrained`` while it carries its GGUF quantizer config, so it is dropped first,
and the saved model is checked to give the same logits as the GGUF-loaded one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

PROBE_TEXT = "Story: Mara is rejected by her mate at the full moon.\nCliffhanger (reveal):"


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(chunk)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def convert_gguf(gguf_path: Path, out_dir: Path, extra_info: dict[str, Any] | None = None) -> dict[str, Any]:
    """Convert ``gguf_path`` into ``out_dir`` (atomically) and return the metadata written."""
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    gguf_path = Path(gguf_path)
    out_dir = Path(out_dir)
    t0 = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name, dtype=torch.float32)
    load_s = time.perf_counter() - t0
    model.eval()
    # drop the GGUF quantizer so that save_pretrained accepts the (already de-quantized) weights
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    if hasattr(model, "is_quantized"):
        try:
            model.is_quantized = False
        except AttributeError:
            pass
    tmp = out_dir.with_name(out_dir.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp, safe_serialization=True)
    tok.save_pretrained(tmp)

    # the saved model must give the same logits as the GGUF-loaded one
    saved = AutoModelForCausalLM.from_pretrained(str(tmp), dtype=torch.float32)
    ids = tok(PROBE_TEXT, return_tensors="pt")
    with torch.no_grad():
        a = model(**ids).logits
        b = saved(**ids).logits
    max_diff = float((a - b).abs().max())
    if max_diff > 1e-4:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"converted weights differ from the GGUF (max logit difference {max_diff:g})")
    info = {
        "source_file": str(gguf_path),
        "source_sha256": sha256_file(gguf_path),
        "gguf_load_seconds": round(load_s, 2),
        "conversion_seconds": round(time.perf_counter() - t0, 2),
        "logit_max_abs_diff": max_diff,
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        **(extra_info or {}),
    }
    (tmp / "dramagen.json").write_text(json.dumps(info, indent=2) + "\n")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    os.replace(tmp, out_dir)
    return info
