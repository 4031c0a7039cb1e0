"""Stand-ins for the model: every fake Generator the tests share (fixtures in tests/conftest.py).

``StubGenerator`` writes short, plausible lines built from the prompt in microseconds,
deterministically from the seed; ``SeededStub`` is the same without its call counter (each call's
lines depend on its seed and prompts only, as a seeded model's do: resumed, rerun and parallel runs
write the same bytes). ``ScriptedGenerator`` answers with texts a test gives (in order, per prompt,
or from a function). Subprocesses (batch workers, the app) load the stub by name
through the registry's ``python`` source kind: point ``DRAMAGEN_REGISTRY`` at
:func:`write_registry`'s file and ask for the model ``stub``.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from dramagen.llm.base import Capabilities, Completion, GenerationParams, Generator, Prompt

_WORDS = re.compile(r"[A-Za-z']+")


class StubGenerator(Generator):
    """A Generator that writes short, plausible lines from what the prompt says, instantly.

    It reads the cast (``Cast: Mara (lead), Kai (love interest)…``) and the episode line
    from the prompt and fills one of many templates (chosen with the seed, the prompt and a
    call counter, so a regeneration gives another line). Slots may still reject a line and
    use their fallback, exactly as with a real model.
    """

    name = "stub"

    def __init__(self, delay: float = 0.0, delay_file: str | None = None):
        self.info = {"backend": "stub", "model": "stub"}
        self.delay = delay
        self.delay_file = Path(delay_file) if delay_file else None
        self.calls = 0
        self._lock = threading.Lock()

    def _delay(self) -> float:
        if self.delay_file is not None and self.delay_file.exists():
            try:
                return float(self.delay_file.read_text().strip() or 0)
            except ValueError:
                return self.delay
        return self.delay

    _TEMPLATES = {
        "line": ["{b}, you will pay for every lie you told me.", "Get out of my sight before I call the guards.",
                 "You think I forgot what you did that night?", "I am done begging, {b}. Now you listen.",
                 "Say it again and I swear I will ruin you.", "Nobody leaves this room until I hear the truth.",
                 "You were never mine to lose, {b}.", "Tonight everyone learns who I really am."],
        "story": ["{a} confronts {b} about the {kw} in front of everyone.",
                  "{a} finds proof that {b} hid the {kw} for years.",
                  "{b} humiliates {a} at the gala, but {a} strikes back with the {kw}.",
                  "{a} refuses {b}'s offer and walks out with the {kw}.",
                  "{c} warns {a} that {b} is planning something with the {kw}."],
        "cliff": ["{a} opens the door and finds {b} holding the {kw}.", "{b} reveals that {a} was the heir all along.",
                  "{a} hears {b} say her name to the man who ruined her.",
                  "{b} collapses as {a} reads the letter aloud.",
                  "{a} sees {c} kissing {b} in the doorway."],
        "title": ["The {Kw} Returns", "Blood and {Kw}", "The Last {Kw}", "A {Kw} Too Far", "Queen of {Kw}"],
        "action": ["{a} slams the {kw} onto the table and stares {b} down.",
                   "{b} grabs {a}'s wrist as the crowd falls silent.",
                   "{a} steps out of the shadows, the {kw} in her hand.",
                   "{c} drops a glass; every head turns to {a}."],
        "any": ["{a} stares at {b} as the {kw} changes everything.", "{b} turns away while {a} holds the {kw}."],
    }

    @staticmethod
    def _kind(prompt: str) -> str:
        last = prompt.rstrip().splitlines()[-1] if prompt.strip() else ""
        if re.search(r"^[A-Z][A-Z'\-]+ \([^)]*\):\s*$", last):
            return "line"
        low = last.lower()
        if low.startswith(("more props", "more wardrobe")):
            return "list"
        if "cliffhanger" in low:
            return "cliff"
        if low.startswith("title"):
            return "title"
        if low.startswith("episode"):
            return "story"
        if "action" in low or low.startswith("beat"):
            return "action"
        return "any"

    _ELSEWHERE = ["violin", "telescope", "umbrella stand", "spaceship", "top hat"]

    def _list(self, prompt: str, r: random.Random) -> str:
        """A breakdown list: up to two nouns of the scene's text (after an article or a possessive) and one
        thing it never names, so that validation has something to keep and something to refuse."""
        texts = re.findall(r"^Text: (.*)$", prompt, re.M)
        nouns = re.findall(r"\b(?:the|a|an|his|her|their|your|my)\s+([a-z]{4,})\b", texts[-1] if texts else "")
        picks = r.sample(sorted(set(nouns)), min(2, len(set(nouns)))) + [r.choice(self._ELSEWHERE)]
        return " " + ", ".join(picks)

    def _line(self, prompt: str, seed: int, i: int, n: int) -> str:
        m = re.search(r"Cast: (.*?)\.\s*$", prompt, re.M)
        names = [w.split(" (")[0].strip() for w in m.group(1).split(", ")] if m else []
        names = [x for x in names if x and x[0].isupper()] or ["Mara", "Kai", "Lena"]
        while len(names) < 3:
            names.append(names[0])
        ep = re.search(r"^Episode[^:]*: (.*)$", prompt, re.M)
        words = [w.lower() for w in _WORDS.findall(ep.group(1) if ep else prompt[-300:]) if len(w) > 4]
        common = {"about", "their", "there", "which", "would", "after", "before"}
        kws = [w for w in words if w not in common] or ["secret"]
        r = random.Random(f"{seed}:{i}:{n}:{self.calls}:{prompt[-200:]}")
        a, b, c = r.sample(names[:6], 3) if len(set(names)) >= 3 else names[:3]
        kw = r.choice(kws)
        if self._kind(prompt) == "list":
            return self._list(prompt, r)
        last = prompt.rstrip().splitlines()[-1] if prompt.strip() else ""
        prefix = last.rsplit(":", 1)[1].strip() if ":" in last else ""
        templates = self._TEMPLATES[self._kind(prompt)]
        if prefix:  # the slot already wrote the first word(s) (a name): continue after it
            starts = [t for t in templates if t.startswith("{a}")]
            if starts:
                t = r.choice(starts).format(a=prefix, b=b if b != prefix else c, c=c, kw=kw, Kw=kw.capitalize())
                return t[len(prefix):]
        t = r.choice(templates)
        return " " + t.format(a=a, b=b, c=c, kw=kw, Kw=kw.capitalize())

    #: ``on_row`` hears each completion as it is made (the delay is spread over them: a batch that streams)
    capabilities = Capabilities(row_events=True)

    def generate(self, prompts: Sequence, params: GenerationParams | None = None,
                 on_row: Callable[[int, Completion], None] | None = None) -> list[Completion]:
        p = params or GenerationParams()
        with self._lock:
            self.calls += 1
            delay = self._delay()
            if delay and on_row is None:
                time.sleep(delay)
            out = []
            for i, prompt in enumerate(prompts):
                text = prompt if isinstance(prompt, str) else str(prompt)
                for k in range(p.n):
                    line = self._line(text, p.seed, i, k)
                    out.append(Completion(text=line, prompt_index=i, candidate=k, completion_tokens=len(line.split()),
                                          finish_reason="stop", logprob=-1.0))
                    if on_row is not None:
                        if delay:
                            time.sleep(delay / (len(prompts) * p.n))
                        on_row(len(out) - 1, out[-1])
            return out

    def stream(self, prompt, params: GenerationParams | None = None):
        for w in self.generate([prompt], params)[0].text.split(" "):
            yield w + " "


class SeededStub(StubGenerator):
    """The stand-in without its call counter: each call's lines depend on its seed and prompts only.

    Records every call's parameters in ``seen``.
    """

    def __init__(self, **kw):
        super().__init__(**kw)
        self._lock = threading.RLock()
        self.seen: list[GenerationParams | None] = []

    def generate(self, prompts: Sequence, params: GenerationParams | None = None,
                 on_row: Callable[[int, Completion], None] | None = None) -> list[Completion]:
        with self._lock:
            self.seen.append(params)
            self.calls = 0  # StubGenerator.generate makes it 1: the same for every call
            return super().generate(prompts, params, on_row)


#: what a ScriptedGenerator answers: texts in order, {prompt: texts per candidate}, or (prompt, seed) -> texts
Answers = Sequence[str] | Mapping[str, Sequence[str]] | Callable[[str, int], Sequence[str]]


class ScriptedGenerator(Generator):
    """A fake Generator that answers what the test scripted; records every call in ``calls`` (prompts, params).

    ``answers`` is a list of texts, handed out in order, one per completion across calls ("" once used up);
    or a dict ``{prompt text: [text of candidate 0, 1, …]}``; or a function ``(prompt, seed) -> [texts]``
    giving each prompt's candidates. A candidate past the end of its list is "". Log-probs (when asked
    for) fall with the candidate's index: -1.0, -1.1, …
    """

    name = "scripted"
    capabilities = Capabilities(logprobs=True)

    def __init__(self, answers: Answers):
        self.answers = answers
        self._queue: Iterator[str] | None = None
        if isinstance(answers, Sequence) and not isinstance(answers, str):
            self._queue = iter(list(answers))
        self.calls: list[tuple[list[str], GenerationParams]] = []
        self.info = {"backend": "scripted"}

    def _texts(self, prompt: str, seed: int, n: int) -> list[str]:
        if self._queue is not None:
            return [next(self._queue, "") for _ in range(n)]
        texts = self.answers(prompt, seed) if callable(self.answers) else self.answers.get(prompt, [])
        return [texts[c] if c < len(texts) else "" for c in range(n)]

    def generate(self, prompts: Sequence[Prompt], params: GenerationParams | None = None,
                 logprobs: bool = False) -> list[Completion]:
        p = params or GenerationParams()
        self.calls.append((list(prompts), p))  # type: ignore[arg-type]
        out = []
        for i, prompt in enumerate(prompts):
            for c, text in enumerate(self._texts(str(prompt), p.seed, p.n)):
                out.append(Completion(text=text, prompt_index=i, candidate=c, finish_reason="stop",
                                      logprob=-1.0 - 0.1 * c if logprobs else None))
        return out

    def stream(self, prompt: Prompt, params: GenerationParams | None = None) -> Iterator[str]:
        yield self.generate([prompt], params)[0].text


def make(**kw) -> StubGenerator:
    """The registry factory (``tests.stand_in:make``).

    Subprocesses (the CLI, batch workers, Ray actors) cannot pass arguments through the
    registry, so the environment can: ``DRAMAGEN_STUB_DELAY`` (seconds per ``generate``
    call), ``DRAMAGEN_STUB_DELAY_FILE`` (a file holding that number, read at every call:
    a test can slow a running process down or speed it up), and ``DRAMAGEN_STUB_PER_CALL=1``:
    every call's lines depend on its seed and prompts only, never on the calls before it
    (as with a real seeded model), so a resumed or parallel run writes the same bytes as
    one uninterrupted process.
    """
    import os

    kw = {k: v for k, v in kw.items() if k in ("delay", "delay_file", "per_call")}
    if "delay" not in kw and os.environ.get("DRAMAGEN_STUB_DELAY"):
        kw["delay"] = float(os.environ["DRAMAGEN_STUB_DELAY"])
    if "delay_file" not in kw and os.environ.get("DRAMAGEN_STUB_DELAY_FILE"):
        kw["delay_file"] = os.environ["DRAMAGEN_STUB_DELAY_FILE"]
    per_call = kw.pop("per_call", os.environ.get("DRAMAGEN_STUB_PER_CALL", "") not in ("", "0"))
    return SeededStub(**kw) if per_call else StubGenerator(**kw)


def write_registry(path: Path) -> Path:
    """A registry with the real default model plus ``stub`` (this stand-in); returns its path.

    Subprocesses need the repo root on ``sys.path`` (``PYTHONPATH``) to import ``tests.stand_in``.
    """
    import yaml

    from dramagen.llm.registry import registry_path

    real = yaml.safe_load(Path(registry_path()).read_text())
    real.setdefault("models", {})["stub"] = {
        "description": "test stand-in (tests/stand_in.py)", "backend": "python",
        "source": {"kind": "python", "factory": "tests.stand_in:make"}, "license": "Apache-2.0"}
    path = Path(path)
    path.write_text(yaml.safe_dump(real, sort_keys=False))
    return path
