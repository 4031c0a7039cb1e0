"""The quality gate's pieces (issue 19): one config module, one slug/one_line, declared generator capabilities,
and the size and import-cycle checks `make lint` runs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from dramagen.core import config
from dramagen.core.errors import InputError
from dramagen.core.prompting import PromptLibrary
from dramagen.core.text import one_line, slug
from dramagen.llm.base import Capabilities, Completion, GenerationParams, Generator, capabilities_of
from dramagen.llm.faults import FaultyGenerator
from dramagen.llm.resilient import ResilientGenerator
from dramagen.story.slots import Slot, WriteContext, fill

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


# -- config ------------------------------------------------------------------------------------------------


def test_config_reads_typed_values_with_defaults(monkeypatch):
    monkeypatch.delenv("DRAMAGEN_THREADS", raising=False)
    monkeypatch.delenv("DRAMAGEN_FASTGEN", raising=False)
    monkeypatch.delenv("DRAMAGEN_HOST", raising=False)
    assert config.get_int("DRAMAGEN_THREADS") == 0 and config.get_flag("DRAMAGEN_FASTGEN") is True
    assert config.get_str("DRAMAGEN_HOST") == "127.0.0.1" and config.get_path("DRAMAGEN_PROMPTS_DIR") is None
    monkeypatch.setenv("DRAMAGEN_THREADS", " 3 ")
    monkeypatch.setenv("DRAMAGEN_FASTGEN", "0")
    monkeypatch.setenv("DRAMAGEN_PROMPTS_DIR", "~/p")
    assert config.get_int("DRAMAGEN_THREADS") == 3 and config.get_flag("DRAMAGEN_FASTGEN") is False
    assert config.get_path("DRAMAGEN_PROMPTS_DIR") == Path.home() / "p"
    assert config.get_int("DRAMAGEN_ANIMATIC_WORKERS", default=1) == 1  # a family member, its caller's default


def test_config_names_a_bad_value_and_refuses_unknown_names(monkeypatch):
    monkeypatch.setenv("DRAMAGEN_THREADS", "many")
    with pytest.raises(InputError) as e:
        config.get_int("DRAMAGEN_THREADS")
    assert e.value.field == "DRAMAGEN_THREADS"
    with pytest.raises(KeyError):
        config.get_str("DRAMAGEN_NO_SUCH_THING")
    monkeypatch.setenv("DRAMAGEN_TIMING_DIALOGUE_WPS", "2.5")
    assert config.prefixed("DRAMAGEN_TIMING_", {"DRAMAGEN_TIMING_X": "1", "OTHER": "2"}) == {"DRAMAGEN_TIMING_X": "1"}
    assert config.prefixed("DRAMAGEN_TIMING_")["DRAMAGEN_TIMING_DIALOGUE_WPS"] == "2.5"


def test_no_module_outside_config_reads_dramagen_variables():
    """Modules read DRAMAGEN_* settings through dramagen.core.config; batch only sets its workers' threads."""
    setters = {"project/batch.py"}  # os.environ["DRAMAGEN_THREADS"] = … for the worker processes it starts
    offenders = []
    for path in sorted((ROOT / "src" / "dramagen").rglob("*.py")):
        rel = path.relative_to(ROOT / "src" / "dramagen").as_posix()
        if rel == "core/config.py" or rel in setters:
            continue
        text = path.read_text(encoding="utf-8")
        if "os.environ" in text and "DRAMAGEN_" in text.split("os.environ", 1)[1][:80]:
            offenders.append(rel)
    assert offenders == []


# -- text --------------------------------------------------------------------------------------------------


def test_slug_and_one_line():
    assert slug("The Rejection!") == "the-rejection" and slug("Café Noir — Épisode 1") == "cafe-noir-episode-1"
    assert slug("a" * 39 + " b", 40) == "a" * 39  # no dash left at the cut
    assert slug("!!!") == "" and slug("!!!", fallback="season") == "season"
    assert slug("Café", fold=False, fallback="x") == "caf"  # folder names of the batch and the studio
    assert slug("Run_1.b c", 60, fold=False, lower=False, keep=r"A-Za-z0-9_.\-") == "Run_1.b-c"  # lab run ids
    assert one_line("  a\n b\t c ") == "a b c" and one_line(None) == ""


# -- capabilities ------------------------------------------------------------------------------------------


class _Rows(Generator):
    """Declares row batching and log-probs; records what the slot engine sends."""

    capabilities = Capabilities(logprobs=True, row_batching=True)

    def __init__(self):
        self.info = {"backend": "rows"}
        self.calls: list[tuple[int, int, bool]] = []

    def generate(self, prompts, params=None, logprobs=False):
        p = params or GenerationParams()
        self.calls.append((len(prompts), p.n, logprobs))
        return [Completion(text=f"Mara opens door number {i}.", prompt_index=i, candidate=k, logprob=-1.0)
                for i in range(len(prompts)) for k in range(p.n)]

    def stream(self, prompt, params=None):  # pragma: no cover
        yield ""


class _Plain(_Rows):
    capabilities = Capabilities()

    def generate(self, prompts, params=None):  # no logprobs argument: it declares none
        return super().generate(prompts, params)


def _fill(gen, tmp_path):
    (tmp_path / "t").mkdir(exist_ok=True)
    (tmp_path / "t" / "line.j2").write_text("Story: {{ story }}\nLine:")
    ctx = WriteContext(generator=gen, seed=1, candidates=3, prompts=PromptLibrary(tmp_path))
    slot = Slot(kind="t.line", template="t/line.j2", context={"story": "x"}, fallback="Mara waits.",
                names=["Mara"], max_tokens=12)
    return fill(ctx, [slot], ("t",))


def test_slot_engine_batches_by_declared_capabilities(tmp_path):
    rows, plain = _Rows(), _Plain()
    _fill(rows, tmp_path)
    _fill(plain, tmp_path)
    assert rows.calls[0] == (3, 1, True)  # one row per candidate, n=1, with log-probs
    assert plain.calls[0] == (1, 3, False)  # n candidates of one prompt, no logprobs argument


def test_wrappers_pass_on_what_their_inner_generator_can_do():
    rows = _Rows()
    for wrapper in (ResilientGenerator(rows), FaultyGenerator(rows, rate=0.0)):
        caps = capabilities_of(wrapper)
        assert caps.logprobs and not caps.row_batching  # the wrapper gets n candidates a prompt
        wrapper.generate(["x"], GenerationParams(n=2), logprobs=True)
        assert rows.calls[-1] == (1, 2, True)
    assert not capabilities_of(ResilientGenerator(_Plain())).logprobs
    assert capabilities_of(object()) == Capabilities()


# -- size and cycle checks ---------------------------------------------------------------------------------


def test_size_check_finds_long_modules_and_functions(tmp_path):
    check_size = _tool("check_size")
    pkg = tmp_path / "src" / "p"
    pkg.mkdir(parents=True)
    body = "\n".join(f"        x{i} = {i}" for i in range(5))
    (pkg / "m.py").write_text(f"class A:\n    def f(self):\n{body}\n\n\ndef g():\n    return 1\n")
    check_size.REPO = tmp_path
    found = {f.key: f.lines for f in check_size.findings(pkg, max_module=6, max_function=4)}
    assert found == {"src/p/m.py": 11, "src/p/m.py::A.f": 6}


def test_cycle_check_finds_a_cycle_through_a_deferred_import(tmp_path):
    check_cycles = _tool("check_cycles")
    pkg = tmp_path / "q"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from .shared import x\n")
    (pkg / "shared.py").write_text("x = 1\n")
    (pkg / "a.py").write_text("from . import x\n\ndef f():\n    from . import b\n")
    (pkg / "b.py").write_text("from .a import f\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    edges = check_cycles.graph(tmp_path, "q")
    assert edges["q.a"] == {"q", "q.b"} and edges["q.c"] == set()
    assert check_cycles.cycles(edges) == [("q.a", "q.b")]
