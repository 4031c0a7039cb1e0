"""dramagen's optional parts and the pip extra that installs each.

``pip install dramagen`` (and ``make run``) installs what writing a season and the studio
need. The rest are extras (pyproject.toml): ``server`` (llama-cpp-python: the ``llamacpp``
backend and a local OpenAI-compatible server; it compiles llama.cpp), ``ray`` (``dramagen
batch --ray``), ``lab`` (matplotlib: the prompt lab's plots) and ``dev`` (the tests:
pytest, hypothesis, gradio_client, playwright). ``make test`` installs them all.

:func:`require` imports an optional module or raises :class:`MissingExtraError`, whose one
line names the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .core.errors import DramagenError

#: extra → (what it is for, the distribution it installs)
EXTRAS: dict[str, tuple[str, str]] = {
    "server": ("the llama.cpp backend and server", "llama-cpp-python"),
    "ray": ("batch on a Ray cluster (--ray)", "ray"),
    "lab": ("the prompt lab's plots", "matplotlib"),
    "dev": ("the test suite", "pytest, hypothesis, gradio_client, playwright"),
}


class MissingExtraError(DramagenError):
    """An optional part is used but its extra is not installed."""

    def __init__(self, extra: str, feature: str | None = None):
        what, dist = EXTRAS[extra]
        self.extra = extra
        super().__init__(f"{dist} is not installed ({feature or what}): pip install 'dramagen[{extra}]' "
                         f"(from a clone: pip install -e '.[{extra}]')")


def require(module: str, extra: str, feature: str | None = None) -> ModuleType:
    """``import module``, or :class:`MissingExtraError` naming ``extra`` when it is not installed."""
    if extra not in EXTRAS:
        raise KeyError(extra)
    try:
        return importlib.import_module(module)
    except ImportError as e:
        top = module.split(".")[0]
        if e.name is not None and e.name.split(".")[0] != top:  # installed, but broken inside: not a missing extra
            raise
        raise MissingExtraError(extra, feature) from None
