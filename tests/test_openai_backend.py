"""The openai backend against a real OpenAI-compatible server (llama.cpp) on 127.0.0.1."""

import subprocess
import sys
import time

import pytest

from dramagen.core.errors import BackendError
from dramagen.llm import GenerationParams, load_generator, resolve
from dramagen.llm.openai_backend import OpenAIGenerator, wait_for_server

from .conftest import free_port

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    pytest.importorskip("llama_cpp.server", reason="needs the `server` extra (make test installs it)")
    gguf = resolve("smollm2-135m-instruct").gguf_path(fetch=False)
    port = free_port()
    # a file, open while the server runs: a pipe nobody reads would block it
    log = open(tmp_path_factory.mktemp("server") / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "dramagen.llm.llamacpp_support", "--model", str(gguf),
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--model_alias", "smollm2"],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        wait_for_server(url, timeout=90)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_completion_from_real_server(server_url):
    gen = load_generator(f"{server_url}#smollm2", cache=False)
    assert isinstance(gen, OpenAIGenerator) and gen.model == "smollm2"
    p = GenerationParams(max_new_tokens=24, temperature=0.0, stop=("\n",))
    out = gen.generate(["Story: Mara is rejected by Alpha Kai.\nCliffhanger (reveal):"] * 2, p)
    assert len(out) == 2 and out[0].text.strip() and out[0].text == out[1].text
    assert out[0].completion_tokens > 0 and "\n" not in out[0].text
    streamed = "".join(gen.stream("Story: Mara is rejected by Alpha Kai.\nCliffhanger (reveal):", p))
    assert streamed.strip() and streamed.strip() == out[0].text.strip()


def test_chat_from_real_server(server_url):
    gen = OpenAIGenerator(server_url)  # model name discovered from /v1/models
    out = gen.generate([[{"role": "user", "content": "Say one word."}]], GenerationParams(max_new_tokens=8))
    assert out[0].text.strip()


def test_unreachable_endpoint_fails_within_timeout():
    port = free_port()  # nothing listens there
    t = time.monotonic()
    with pytest.raises(BackendError, match="cannot reach|did not answer"):
        OpenAIGenerator(f"http://127.0.0.1:{port}/v1", model="x", timeout=3).generate(["hi"])
    assert time.monotonic() - t < 10
