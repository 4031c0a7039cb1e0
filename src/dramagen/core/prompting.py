"""Prompts are Jinja2 files under ``prompts/``, rendered in a sandbox.

Every render reports the SHA-256 of the template file (and of every template it
includes or extends), so the run manifest can say exactly which prompt text produced
an output. A template that reaches for Python internals (``__class__``, ``mro``…) is
refused by Jinja2's sandbox with a :class:`PromptError`.

**Variants** (the prompt lab): a library may be an *overlay*. Folders are searched in
order, so ``PromptLibrary(prompts/variants/beats-screen, prompts/)`` takes
``beats/action.j2`` from the variant folder when it has one and everything else from
``prompts/``; ``files={"beats/action.j2": path}`` maps single files onto template names
(searched first). :meth:`PromptLibrary.overlay` builds one over the default folder, and
:meth:`PromptLibrary.origin` says which file a template name resolves to. Hashes cover
the resolved sources (and what they include), so a variant's manifest differs from the
base's exactly where its prompt text does.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, meta
from jinja2.exceptions import SecurityError, TemplateNotFound, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import config
from .errors import PromptError

REPO_ROOT = Path(__file__).resolve().parents[3]


def prompts_dir() -> Path:
    """$DRAMAGEN_PROMPTS_DIR, else the repo's ``prompts/``, else (an installed wheel) the copy inside the package."""
    env = config.get_path("DRAMAGEN_PROMPTS_DIR")
    if env:
        return env.resolve()
    repo = REPO_ROOT / "prompts"
    return repo if repo.is_dir() else Path(__file__).resolve().parents[1] / "_share" / "prompts"


@dataclass(frozen=True)
class Rendered:
    text: str
    name: str
    sha256: str  # of the template source and everything it includes


class _FileMapLoader(BaseLoader):
    """Template name → one file (a variant's single-file overrides)."""

    def __init__(self, files: Mapping[str, Path]):
        self.files = dict(files)

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.files.get(template)
        if path is None:
            raise TemplateNotFound(template)
        try:
            source = path.read_text(encoding="utf-8")
            mtime = path.stat().st_mtime
        except OSError:
            raise TemplateNotFound(template) from None

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(path), uptodate

    def list_templates(self) -> list[str]:
        return sorted(self.files)


class PromptLibrary:
    """A sandboxed Jinja2 environment over one or more folders, recording what it rendered.

    ``dirs`` are searched in order (the first folder holding a template wins: an overlay);
    ``files`` maps template names onto single files, searched before every folder.
    """

    def __init__(self, *dirs: str | Path, strict: bool = True, files: Mapping[str, str | Path] | None = None):
        self.dirs = [Path(d) for d in (dirs or (prompts_dir(),))]
        self.files = {str(k): Path(v) for k, v in (files or {}).items()}
        loader: BaseLoader = FileSystemLoader([str(d) for d in self.dirs])
        if self.files:
            loader = ChoiceLoader([_FileMapLoader(self.files), loader])
        self.env = ImmutableSandboxedEnvironment(
            loader=loader,
            undefined=StrictUndefined if strict else None,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.used: dict[str, str] = {}
        self._hashes: dict[str, str] = {}
        self._lock = threading.Lock()

    @classmethod
    def overlay(cls, *overlays: str | Path, files: Mapping[str, str | Path] | None = None,
                base: str | Path | None = None, strict: bool = True) -> PromptLibrary:
        """A library over ``overlays`` (searched first, in order) then ``base`` (default: ``prompts/``)."""
        return cls(*overlays, base if base is not None else prompts_dir(), strict=strict, files=files)

    def origin(self, name: str) -> Path:
        """The file the template ``name`` resolves to (an override, an overlay's, or the base's)."""
        try:
            _, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except TemplateNotFound:
            raise PromptError(f"prompt: template {name!r} not found in {', '.join(map(str, self.dirs))}") from None
        return Path(filename or name)

    def templates(self, suffix: str = ".j2") -> list[str]:
        """Every template name the library can load (overrides, overlays and the base), sorted."""
        return sorted(n for n in self.env.loader.list_templates() if n.endswith(suffix))  # type: ignore[union-attr]

    def source_hash(self, name: str) -> str:
        """SHA-256 over the template's source and, recursively, the templates it references."""
        if name in self._hashes:
            return self._hashes[name]
        h = hashlib.sha256()
        seen: set[str] = set()

        def walk(n: str) -> None:
            if n in seen:
                return
            seen.add(n)
            try:
                src, _, _ = self.env.loader.get_source(self.env, n)  # type: ignore[union-attr]
            except TemplateNotFound:
                raise PromptError(f"prompt: template {n!r} not found in {', '.join(map(str, self.dirs))}") from None
            h.update(n.encode() + b"\0" + src.encode() + b"\0")
            for ref in sorted(r for r in meta.find_referenced_templates(self.env.parse(src)) if r):
                walk(ref)

        try:
            walk(name)
        except TemplateError as e:  # a syntax error: found when the template is parsed for its references
            raise PromptError(f"prompt: {name} failed to parse: line {getattr(e, 'lineno', '?')}: {e}") from None
        self._hashes[name] = h.hexdigest()
        return self._hashes[name]

    def render(self, name: str, /, **context: Any) -> Rendered:
        digest = self.source_hash(name)
        try:
            text = self.env.get_template(name).render(**context)
        except SecurityError as e:
            raise PromptError(f"prompt: {name} tried something the sandbox refuses: {e}") from None
        except UndefinedError as e:
            raise PromptError(f"prompt: {name} uses an undefined variable: {e}") from None
        except TemplateError as e:
            raise PromptError(f"prompt: {name} failed to render: {type(e).__name__}: {e}") from None
        except Exception as e:  # noqa: BLE001 - ZeroDivisionError, OverflowError (range), RecursionError…
            raise PromptError(f"prompt: {name} failed to render: {type(e).__name__}: {e}") from None
        with self._lock:
            self.used[name] = digest
        return Rendered(text=text, name=name, sha256=digest)

    def render_string(self, source: str, /, **context: Any) -> str:
        """Render a template given as text (e.g. a user's), in the same sandbox."""
        try:
            return self.env.from_string(source).render(**context)
        except SecurityError as e:
            raise PromptError(f"template tried something the sandbox refuses: {e}") from None
        except TemplateError as e:
            raise PromptError(f"template failed to render: {type(e).__name__}: {e}") from None
        except Exception as e:  # noqa: BLE001
            raise PromptError(f"template failed to render: {type(e).__name__}: {e}") from None


_default: PromptLibrary | None = None


def default_library() -> PromptLibrary:
    global _default
    if _default is None or _default.dirs != [prompts_dir()]:
        _default = PromptLibrary(prompts_dir())
    return _default


def render(name: str, /, **context: Any) -> Rendered:
    return default_library().render(name, **context)
