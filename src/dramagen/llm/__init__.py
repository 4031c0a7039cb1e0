"""Generators: one interface, several backends, one loaded model per process."""

from __future__ import annotations

import threading
from typing import Any

from ..core.errors import ModelNotFetchedError
from .base import Completion, GenerationParams, Generator, Message, Prompt
from .registry import ModelSpec, default_model, load_registry, models_dir, pull, resolve

__all__ = ["Completion", "GenerationParams", "Generator", "Message", "Prompt", "ModelSpec", "load_generator",
           "default_model", "load_registry", "models_dir", "pull", "resolve"]

_CACHE: dict[tuple, Generator] = {}
_CACHE_LOCK = threading.Lock()


def load_generator(model: str | None = None, *, device: str = "auto", dtype: str = "auto",
                   threads: int | None = None, timeout: float = 30.0, cache: bool = True,
                   **kw: Any) -> Generator:
    """The Generator for a registry name, local folder, .gguf file or server URL (cached per process)."""
    spec = resolve(model)
    # every argument that changes the generator is in the key (``fast=False`` is another sampler)
    key = (spec.name, spec.backend, device, dtype, threads, tuple(sorted(kw.items())))
    if cache:
        with _CACHE_LOCK:
            if key in _CACHE:
                return _CACHE[key]
    gen = _build(spec, device=device, dtype=dtype, threads=threads, timeout=timeout, **kw)
    if spec.candidates and isinstance(getattr(gen, "info", None), dict):
        gen.info.setdefault("candidates_by_kind", dict(spec.candidates))
    if cache:
        with _CACHE_LOCK:
            _CACHE.setdefault(key, gen)
            return _CACHE[key]
    return gen


def _build(spec: ModelSpec, *, device: str, dtype: str, threads: int | None, timeout: float, **kw: Any) -> Generator:
    info = {"model": spec.name, "license": spec.license}
    if spec.backend == "python" or spec.source.kind == "python":
        return _from_factory(spec, **kw)
    if spec.backend == "openai":
        import os

        from .openai_backend import OpenAIGenerator

        key = os.environ.get(spec.source.api_key_env) if spec.source.api_key_env else None
        return OpenAIGenerator(spec.source.base_url or "", spec.source.model, api_key=key, timeout=timeout,
                               name=spec.name)
    if spec.backend == "llamacpp":
        from .llamacpp import LlamaCppGenerator

        path = spec.gguf_path(fetch=False) if spec.source.kind == "pypi-file" else spec.gguf_path()
        if not path.exists():
            raise ModelNotFetchedError(spec.name, str(path))
        from .convert import sha256_file

        return LlamaCppGenerator(path, name=spec.name, threads=threads, info={**info, "sha256": sha256_file(path)})
    from .hf import TransformersGenerator

    if not spec.is_fetched():
        if spec.source.kind == "gguf":  # a file the user named: convert it on first use
            pull(spec.name if spec.name in load_registry()[1] else spec.source.path or "", log=lambda *_: None)
        else:
            raise ModelNotFetchedError(spec.name, str(spec.local_dir))
    meta = spec.metadata()
    info["sha256"] = meta.get("source_sha256") or _folder_hash(spec.local_dir)
    return TransformersGenerator(spec.local_dir, name=spec.name, device=device, dtype=dtype, threads=threads,
                                 info=info, **kw)


def _from_factory(spec: ModelSpec, **kw: Any) -> Generator:
    """A Generator built by a ``module:callable`` named in the registry (plugin backends, test stand-ins)."""
    import importlib

    from ..core.errors import BackendError

    ref = spec.source.factory or ""
    mod_name, _, attr = ref.partition(":")
    if not mod_name or not attr:
        raise BackendError(f"model: {spec.name!r} needs source.factory as 'package.module:callable', got {ref!r}")
    try:
        factory = getattr(importlib.import_module(mod_name), attr)
    except (ImportError, AttributeError) as e:
        raise BackendError(f"model: {spec.name!r}: cannot load factory {ref!r} ({e})") from e
    gen = factory(**kw)
    if not isinstance(gen, Generator):
        raise BackendError(f"model: {spec.name!r}: factory {ref!r} returned {type(gen).__name__}, not a Generator")
    return gen


def _folder_hash(path) -> str:
    """A content hash of a model folder's weights (for the run manifest)."""
    import hashlib
    from pathlib import Path

    from .convert import sha256_file

    h = hashlib.sha256()
    for f in sorted(Path(path).glob("*.safetensors")):
        h.update(f.name.encode())
        h.update(sha256_file(f).encode())
    return h.hexdigest()
