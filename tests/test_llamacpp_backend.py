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


def test_llamacpp_decodes_several_rows_together_deterministically(monkeypatch):
    """Several rows go through the batched decode (llm/llamacpp_batch.py): one completion per (prompt, candidate),
    in order, each ending at the stop string; same seed, same bytes; a row's text does not depend on the others."""
    pytest.importorskip("llama_cpp", reason="needs the `server` extra (make test installs it)")
    gen = load_generator("smollm2-135m-instruct-gguf", cache=False)
    assert gen.info["decoding"] == "batched"
    head = "Rejected Mate. Cast: MARA, KAEL.\n\n"
    prompts = [head + "Beat (hook; moon clearing): Mara", head + "MARA (cold):", head + "KAEL (quiet):"]
    p = GenerationParams(max_new_tokens=12, temperature=0.8, top_p=0.95, top_k=50, repetition_penalty=1.15,
                         seed=3, n=2, stop=("\n",))
    out = gen.generate(prompts, p)
    assert [(c.prompt_index, c.candidate) for c in out] == [(i, c) for i in range(3) for c in range(2)]
    assert all(c.text.strip() and "\n" not in c.text and 0 < c.completion_tokens <= 12 for c in out)
    assert all(c.finish_reason in ("stop", "length") for c in out)
    assert [c.text for c in gen.generate(prompts, p)] == [c.text for c in out]
    alone = gen.generate(prompts[1:2], p)
    assert [c.text for c in alone] == [c.text for c in out if c.prompt_index == 1]
    assert out[0].text != out[1].text or out[2].text != out[3].text  # candidates are seeded apart
    from dramagen.llm import llamacpp_batch

    monkeypatch.setattr(llamacpp_batch, "MAX_ROWS", 2)  # one prompt's two rows per round: the same texts
    gen._decoder = None
    assert [c.text for c in gen.generate(prompts, p)] == [c.text for c in out]


def test_llamacpp_sequential_when_batching_is_off(monkeypatch):
    pytest.importorskip("llama_cpp", reason="needs the `server` extra (make test installs it)")
    monkeypatch.setenv("DRAMAGEN_LLAMACPP_BATCH", "0")
    gen = load_generator("smollm2-135m-instruct-gguf", cache=False)
    assert gen.info["decoding"] == "sequential"
    out = gen.generate(["MARA (cold):"], GenerationParams(max_new_tokens=6, seed=1, n=2))
    assert [c.candidate for c in out] == [0, 1] and gen._decoder is None


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
