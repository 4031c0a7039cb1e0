import pytest

from dramagen.llm import GenerationParams, load_generator

pytestmark = pytest.mark.server


def test_llamacpp_backend_generates_and_streams():
    pytest.importorskip("llama_cpp", reason="needs the `server` extra (make test installs it)")
    gen = load_generator("smollm2-135m-instruct-gguf", cache=False)
    p = GenerationParams(max_new_tokens=20, temperature=0.0, stop=("\n",))
    prompt = "Story: Mara is rejected by Alpha Kai.\nCliffhanger (reveal):"
    out = gen.generate([prompt, prompt], p)
    assert out[0].text.strip() and out[0].text == out[1].text and "\n" not in out[0].text
    assert "".join(gen.stream(prompt, p)) == out[0].text
    assert gen.info["backend"] == "llamacpp" and len(gen.info["sha256"]) == 64
