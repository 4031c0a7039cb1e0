"""Bridges to LangChain: any chat model as a Generator, and a Generator as a LangChain LLM.

``GeneratorRunnable`` is a real ``langchain_core`` LLM, so it composes with prompt
templates and parsers (``prompt | as_runnable(generator) | parser``) and supports
invoke / batch / stream like any Runnable. (This module imports the Generator interface; the interface does
not import it back.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.llms import LLM
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.outputs import GenerationChunk
from pydantic import ConfigDict

from .base import Capabilities, Completion, GenerationParams, Generator, Prompt, Timer, as_messages


class GeneratorRunnable(LLM):
    """A dramagen Generator as a LangChain LLM (a Runnable: str in, str out)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    generator: Any
    params: GenerationParams = GenerationParams()

    @property
    def _llm_type(self) -> str:
        return "dramagen"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"generator": getattr(self.generator, "name", "?"), **self.params.model_dump()}

    def _params(self, stop: list[str] | None, kwargs: dict[str, Any]) -> GenerationParams:
        upd = {k: v for k, v in kwargs.items() if k in GenerationParams.model_fields}
        if stop:
            upd["stop"] = tuple(stop)
        return GenerationParams.make(**{**self.params.model_dump(), **upd, "n": 1}) if upd else self.params

    def _call(self, prompt: str, stop: list[str] | None = None,
              run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> str:
        return self.generator.generate([prompt], self._params(stop, kwargs))[0].text

    def _stream(self, prompt: str, stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[GenerationChunk]:
        for piece in self.generator.stream(prompt, self._params(stop, kwargs)):
            if run_manager:
                run_manager.on_llm_new_token(piece)
            yield GenerationChunk(text=piece)


def as_runnable(generator: Generator, params: GenerationParams | None = None) -> GeneratorRunnable:
    """``generator`` as a LangChain Runnable (str or messages in, str out)."""
    return GeneratorRunnable(generator=generator, params=params or GenerationParams())


def _to_lc(prompt: Prompt) -> list:
    msgs = as_messages(prompt)
    if msgs is None:
        return [HumanMessage(content=prompt)]  # type: ignore[arg-type]
    kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
    return [kinds[m.role](content=m.content) for m in msgs]


class ChatModelGenerator(Generator):
    """Any LangChain chat model (ChatOpenAI, ChatOllama, a fake for tests…) as a Generator."""

    capabilities = Capabilities(streaming=True)

    def __init__(self, chat_model: BaseChatModel, name: str | None = None):
        self.chat_model = chat_model
        self.name = name or type(chat_model).__name__
        self.info = {"backend": "langchain", "name": self.name, "class": type(chat_model).__name__}

    def _kw(self, params: GenerationParams) -> dict[str, Any]:
        return {"stop": list(params.stop) or None}

    def generate(self, prompts: Sequence[Prompt], params: GenerationParams | None = None) -> list[Completion]:
        params = params or GenerationParams()
        out = []
        for i, p in enumerate(prompts):
            for c in range(params.n):
                t = Timer()
                msg = self.chat_model.invoke(_to_lc(p), **self._kw(params))
                text = msg.content if isinstance(msg.content, str) else str(msg.content)
                um = getattr(msg, "usage_metadata", None) or {}
                out.append(Completion(text=text, prompt_index=i, candidate=c, seconds=t.elapsed,
                                      prompt_tokens=um.get("input_tokens", 0),
                                      completion_tokens=um.get("output_tokens", 0), finish_reason="stop"))
        return out

    def stream(self, prompt: Prompt, params: GenerationParams | None = None) -> Iterator[str]:
        params = params or GenerationParams()
        for chunk in self.chat_model.stream(_to_lc(prompt), **self._kw(params)):
            if chunk.content:
                yield chunk.content if isinstance(chunk.content, str) else str(chunk.content)
