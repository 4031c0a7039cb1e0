"""The Generator contract on the real default model (SmolLM2-135M-Instruct)."""

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import PromptTemplate

from dramagen.llm import GenerationParams
from dramagen.llm.langchain_adapter import ChatModelGenerator, as_runnable

pytestmark = pytest.mark.model

PROMPTS = [
    "Story: Mara is rejected by Alpha Kai at the full moon.\nCliffhanger (reveal):",
    "Story: A billionaire hides his fortune to test his bride.\nCliffhanger (danger):",
    "The pack hall fell silent when",
    "KAI (cold):",
]


def test_same_seed_same_text(generator):
    p = GenerationParams(max_new_tokens=24, temperature=0.9, seed=11)
    a = generator.generate(PROMPTS[:2], p)
    b = generator.generate(PROMPTS[:2], p)
    assert [c.text for c in a] == [c.text for c in b]
    assert all(c.text.strip() for c in a)
    c = generator.generate(PROMPTS[:2], p.model_copy(update={"seed": 12}))
    assert [x.text for x in c] != [x.text for x in a]


def test_stream_joins_to_non_streamed_text(generator):
    for params in (GenerationParams(max_new_tokens=30, temperature=0.8, seed=3),
                   GenerationParams(max_new_tokens=30, temperature=0.8, seed=3, stop=("\n",)),
                   GenerationParams(max_new_tokens=30, temperature=0.0)):
        chunks = list(generator.stream(PROMPTS[0], params))
        assert len(chunks) > 1 or params.stop  # a stop at "\n" may end it at once: int8 here writes "\n- …"
        assert "".join(chunks) == generator.generate([PROMPTS[0]], params)[0].text
        assert not params.stop or "\n" not in "".join(chunks)


@pytest.fixture(scope="module")
def fp32(generator):
    """The model in fp32: the session's own where it runs fp32 already (CPUs without AVX512-BF16/AMX, e.g. the
    AVX2 CI machine), else a second load."""
    from dramagen.llm import load_generator

    if generator.info.get("dtype") == "float32":
        yield generator
    else:
        yield load_generator(dtype="float32")


def test_greedy_batched_equals_one_by_one_in_fp32(fp32):
    """Batch invariance holds in fp32. (In bf16, the CPU default where AMX makes it 3–4× faster,
    a batched matmul may round differently from a single-row one and a sampled text then drifts,
    so the pipeline keeps its batches fixed instead: see test_batches_repeat_exactly.)"""
    p = GenerationParams(max_new_tokens=20, temperature=0.0, stop=("\n",))
    batched = [c.text for c in fp32.generate(PROMPTS, p)]
    assert batched == [fp32.generate([x], p)[0].text for x in PROMPTS]


def test_transformers_generate_agrees_with_the_fast_sampler_in_fp32(fp32):
    """transformers' generate (DRAMAGEN_FASTGEN=0, GPUs) and the shared-prefix sampler on llm/llama.py
    write the same greedy text (two short rows here; the whole check is the slow test below)."""
    from dramagen.llm import load_generator

    p = GenerationParams(max_new_tokens=8, temperature=0.0, stop=("\n",))
    slow = load_generator(dtype="float32", fast=False)
    assert [c.text for c in slow.generate(PROMPTS[:2], p)] == [c.text for c in fp32.generate(PROMPTS[:2], p)]


@pytest.mark.slow
def test_greedy_transformers_generate_is_batch_invariant_in_fp32(fp32):
    """transformers' generate is batch invariant too, and agrees with the fast sampler over every prompt
    (slow: ~10 s more than the default suite's two-row check above)."""
    from dramagen.llm import load_generator

    p = GenerationParams(max_new_tokens=20, temperature=0.0, stop=("\n",))
    slow = load_generator(dtype="float32", fast=False)
    batched = [c.text for c in slow.generate(PROMPTS, p)]
    assert batched == [slow.generate([x], p)[0].text for x in PROMPTS]
    assert batched == [c.text for c in fp32.generate(PROMPTS, p)]


def test_batches_repeat_exactly(generator):
    p = GenerationParams(max_new_tokens=20, temperature=0.0, stop=("\n",))
    a = generator.generate(PROMPTS, p, logprobs=True)
    b = generator.generate(PROMPTS, p, logprobs=True)
    assert [(c.text, c.logprob) for c in a] == [(c.text, c.logprob) for c in b]


def test_sampled_rows_do_not_depend_on_their_batch_in_fp32(fp32):
    """Each row samples from its own seeded generator: dropping a prompt from the batch leaves
    the other rows' texts unchanged (exactly, in fp32)."""
    p = GenerationParams(max_new_tokens=16, temperature=0.8, seed=21, n=3, stop=("\n",))
    full = fp32.generate(PROMPTS[:3], p)
    part = fp32.generate(PROMPTS[1:3], p)
    assert [c.text for c in full[3:]] == [c.text for c in part]


def test_n_candidates_stop_and_accounting(generator):
    p = GenerationParams(max_new_tokens=32, temperature=1.0, seed=5, n=4, stop=("\n",))
    out = generator.generate(PROMPTS[:2], p, logprobs=True)
    assert [(c.prompt_index, c.candidate) for c in out] == [(i, j) for i in range(2) for j in range(4)]
    for c in out:
        assert "\n" not in c.text
        assert c.finish_reason in ("stop", "eos", "length")
        assert 0 < c.completion_tokens <= 32 and c.prompt_tokens > 5
        assert c.logprob is not None and c.logprob < 0
        assert c.seconds > 0


def test_rows_are_reported_as_they_finish(generator):
    """``on_row`` hears every row once, before the call returns, with the completion the call returns
    (all but its seconds); short rows are heard before long ones, not in row order."""
    p = GenerationParams(max_new_tokens=24, temperature=0.9, seed=8, n=3, stop=("\n",))
    heard: list = []
    out = generator.generate(PROMPTS, p, logprobs=True, on_row=lambda i, c: heard.append((i, c)))
    assert sorted(i for i, _ in heard) == list(range(len(out)))
    for i, c in heard:
        assert c.model_dump(exclude={"seconds"}) == out[i].model_dump(exclude={"seconds"})
    by_length = sorted(range(len(out)), key=lambda i: out[i].completion_tokens)
    assert [i for i, _ in heard][0] in by_length[:len(out) // 2]
    again = generator.generate(PROMPTS, p, logprobs=True)
    assert [(c.text, c.logprob) for c in again] == [(c.text, c.logprob) for c in out]  # hearing changes nothing


def test_chat_messages_use_the_chat_template(generator):
    msgs = [{"role": "user", "content": "Name one colour."}]
    rendered = generator.render(msgs)
    assert "<|im_start|>user" in rendered and rendered.rstrip().endswith("<|im_start|>assistant")
    out = generator.generate([msgs], GenerationParams(max_new_tokens=12, temperature=0.0))[0]
    assert out.text.strip()


def test_generator_as_langchain_runnable(generator):
    chain = PromptTemplate.from_template("Story: {story}\nCliffhanger (reveal):") | as_runnable(
        generator, GenerationParams(max_new_tokens=16, temperature=0.0, stop=("\n",))) | StrOutputParser()
    text = chain.invoke({"story": "Mara returns to the pack."})
    direct = generator.generate(["Story: Mara returns to the pack.\nCliffhanger (reveal):"],
                                GenerationParams(max_new_tokens=16, temperature=0.0, stop=("\n",)))[0].text
    assert text == direct
    assert "".join(chain.stream({"story": "Mara returns to the pack."})) == direct
    assert chain.batch([{"story": "Mara returns to the pack."}] * 2) == [direct, direct]


def test_langchain_chat_model_as_generator():
    gen = ChatModelGenerator(FakeListChatModel(responses=["Kai reveals the mark.", "Mara runs."]))
    out = gen.generate(["a", "b"])
    assert [c.text for c in out] == ["Kai reveals the mark.", "Mara runs."]
    assert "".join(gen.stream("c")) == "Kai reveals the mark."


def test_int8_weights_same_seed_same_bytes():
    """``dtype="int8"``: every Linear layer quantized (torch dynamic int8), recorded in ``info``, seeded
    sampling repeats exactly, and the stream joins to the same text."""
    import torch

    from dramagen.llm import load_generator

    g = load_generator(dtype="int8")
    assert g.info["dtype"] == "int8"
    quantized = [m for m in g.model.modules() if isinstance(m, torch.ao.nn.quantized.dynamic.Linear)]
    assert len(quantized) == 30 * 7 + 1  # q, k, v, o, gate, up, down in each of the 30 layers, and the LM head
    assert not any(isinstance(m, torch.nn.Linear) for m in g.model.modules())
    p = GenerationParams(max_new_tokens=16, temperature=0.8, seed=5, n=2)
    a, b = g.generate(PROMPTS[:2], p), g.generate(PROMPTS[:2], p)
    assert [c.text for c in a] == [c.text for c in b] and all(c.text.strip() for c in a)
    one = GenerationParams(max_new_tokens=16, temperature=0.8, seed=5)
    assert "".join(g.stream(PROMPTS[0], one)) == g.generate([PROMPTS[0]], one)[0].text


def test_int8_in_place_equals_torch_quantize_dynamic():
    """``llm/int8.py`` builds each int8 layer itself (in place, no copy of the model): the same packed int8
    weights and bias as ``torch.ao.quantization.quantize_dynamic``, hence the same logits."""
    import warnings

    import torch
    from transformers import AutoModelForCausalLM

    from dramagen.llm import resolve
    from dramagen.llm.int8 import quantize_int8, set_engine

    path = resolve(None).local_dir
    ours = quantize_int8(AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32).eval())
    set_engine()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.ao.quantization.quantize_dynamic(
            AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32).eval(), {torch.nn.Linear},
            dtype=torch.qint8, inplace=True)
    a = dict(ours.named_modules())
    for name, mod in theirs.named_modules():
        if isinstance(mod, torch.ao.nn.quantized.dynamic.Linear):
            (wa, ba), (wb, bb) = a[name]._weight_bias(), mod._weight_bias()
            assert (a[name].in_features, a[name].out_features) == (mod.in_features, mod.out_features)
            assert torch.equal(wa.int_repr(), wb.int_repr()) and wa.q_scale() == wb.q_scale(), name
            assert (ba is None) == (bb is None)
    ids = torch.tensor([[1, 2, 3, 400, 500, 600, 7000]])
    with torch.no_grad():
        assert torch.equal(ours(ids).logits, theirs(ids).logits)
