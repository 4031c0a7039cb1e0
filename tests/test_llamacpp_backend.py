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


@pytest.mark.slow
@pytest.mark.model
def test_pipeline_on_llamacpp_meets_every_structural_rule(tmp_path):
    """The same pipeline on the llama.cpp backend (same GGUF): a season whose beats pass `dramagen check`."""
    pytest.importorskip("llama_cpp", reason="needs the `server` extra (make test installs it)")
    from dramagen.project.pipeline import generate_season, make_request
    from dramagen.story.check import check_dir

    gen = load_generator("smollm2-135m-instruct-gguf", cache=False)
    req = make_request(trope="ceo-contract-marriage", episodes=10, paywall=5, seed=2, candidates=2)
    state = generate_season(req, tmp_path / "s", generator=gen, stop_after="beats")
    assert len(state.beats) == 10
    report = check_dir(tmp_path / "s")
    assert report.ok, [i.message for r in report.rows for i in r.issues]
