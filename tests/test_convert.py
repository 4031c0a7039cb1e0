"""The cached safetensors folder gives the same logits as the GGUF it came from."""

import json

import pytest
import torch

from dramagen.llm import resolve
from dramagen.llm.convert import PROBE_TEXT, sha256_file

pytestmark = pytest.mark.model


# slow (issue 15, 16 s): `dramagen models pull` makes the same logit check on every install ("logit check: max diff 0")
@pytest.mark.slow
def test_cached_weights_match_gguf_logits():
    from transformers import AutoModelForCausalLM, AutoTokenizer

    spec = resolve("smollm2-135m-instruct")
    gguf = spec.gguf_path(fetch=False)
    meta = json.loads((spec.local_dir / "dramagen.json").read_text())
    assert meta["source_sha256"] == sha256_file(gguf) == spec.source.sha256
    assert meta["logit_max_abs_diff"] <= 1e-4
    assert not (spec.local_dir / "config.json").read_text().count("quantization_config")

    tok = AutoTokenizer.from_pretrained(str(spec.local_dir))
    cached = AutoModelForCausalLM.from_pretrained(str(spec.local_dir), dtype=torch.float32)
    original = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.float32)
    ids = tok(PROBE_TEXT + " Kai", return_tensors="pt")
    with torch.no_grad():
        diff = (cached(**ids).logits - original(**ids).logits).abs().max().item()
    assert diff <= 1e-4
