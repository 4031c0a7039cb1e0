"""Prompts are Jinja2 files under ``prompts/``, rendered in a sandbox.

Every render reports the SHA-256 of the template file (and of every template it
includes or extends), so the run manifest can say exactly which prompt text produced
an output. A template that reaches for Python internals (``__class__``, ``mro``…) is
refused by Jinja2's sandbox with a :class:`PromptError`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, meta
from jinja2.exceptions import SecurityError, TemplateNotFound, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import PromptError

REPO_ROOT = Path(__file__).resolve().parents[2]


def prompts_dir() -> Path:
    """$DRAMAGEN_PROMPTS_DIR, else the repo's ``prompts/``."""
    env = os.environ.get("DRAMAGEN_PROMPTS_DIR")
    return Path(env).expanduser().resolve() if env else REPO_ROOT / "prompts"


@dataclass(frozen=True)
class Rendered:
    text: str
    name: str
    sha256: str  # of the template source and everything it includes


class PromptLibrary:
    """A sandboxed Jinja2 environment over one or more folders, recording what it rendered."""

    def __init__(self, *dirs: str | Path, strict: bool = True):
        self.dirs = [Path(d) for d in (dirs or (prompts_dir(),))]
        self.env = ImmutableSandboxedEnvironment(
            loader=FileSystemLoader([str(d) for d in self.dirs]),
            undefined=StrictUndefined if strict else None,  # type: ignore[arg-type]
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.used: dict[str, str] = {}
        self._hashes: dict[str, str] = {}
        self._lock = threading.Lock()

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

        walk(name)
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


_default: PromptLibrary | None = None


def default_library() -> PromptLibrary:
    global _default
    if _default is None or _default.dirs != [prompts_dir()]:
        _default = PromptLibrary(prompts_dir())
    return _default


def render(name: str, /, **context: Any) -> Rendered:
    return default_library().render(name, **context)
