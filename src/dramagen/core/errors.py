"""Exception types: one per kind of failure.

Every message names the field, the value and what is accepted, so that the CLI can
print it as one line (no traceback) and the UI can show it next to the field.
"""

from __future__ import annotations

from typing import Any


class DramagenError(Exception):
    """Base class of every error the user is meant to read."""

    exit_code = 2


class InputError(DramagenError, ValueError):
    """A user-supplied value is out of range or malformed."""

    def __init__(self, field: str, value: Any, accepted: str, hint: str = ""):
        self.field = field
        self.value = value
        self.accepted = accepted
        shown = repr(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        msg = f"{field}: {shown} is not accepted; expected {accepted}"
        if hint:
            msg += f" ({hint})"
        super().__init__(msg)


class UnknownModelError(DramagenError, LookupError):
    def __init__(self, name: str, known: list[str]):
        self.name = name
        self.known = known
        super().__init__(f"model: unknown model {name!r}; known models: {', '.join(sorted(known)) or '(none)'}"
                         " (or give a local Hugging Face folder, a .gguf file, or an http(s) OpenAI-compatible URL)")


class ModelNotFetchedError(DramagenError, FileNotFoundError):
    def __init__(self, name: str, where: str):
        self.name = name
        super().__init__(f"model: weights of {name!r} are missing at {where}; run: dramagen models pull {name}")


class BackendError(DramagenError, RuntimeError):
    """A generation backend failed (server unreachable, timeout, bad response)."""


class PromptError(DramagenError):
    """A prompt file is missing, or renders badly, or tried something the sandbox refuses."""


class UnknownTropeError(DramagenError, LookupError):
    def __init__(self, trope_id: str, suggestions: list[str]):
        self.trope_id = trope_id
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"trope: unknown trope {trope_id!r}{hint} (see: dramagen tropes list)")


class SeasonDataError(DramagenError):
    """A season folder or file on disk is missing or malformed."""
