import hashlib

import pytest

from dramagen.errors import PromptError
from dramagen.prompting import PromptLibrary


@pytest.fixture
def lib(tmp_path):
    (tmp_path / "base.j2").write_text("Examples:\n{% include 'shots.j2' %}Story: {{ story }}\n")
    (tmp_path / "shots.j2").write_text("Story: a wolf.\n")
    return PromptLibrary(tmp_path)


def test_render_reports_hash_of_template_and_includes(lib, tmp_path):
    r = lib.render("base.j2", story="Mara returns")
    assert r.text == "Examples:\nStory: a wolf.\nStory: Mara returns\n"
    assert len(r.sha256) == 64 and lib.used == {"base.j2": r.sha256}
    # changing an included file changes the hash
    (tmp_path / "shots.j2").write_text("Story: a vampire.\n")
    assert PromptLibrary(tmp_path).render("base.j2", story="x").sha256 != r.sha256


def test_hash_is_stable(lib):
    assert lib.source_hash("base.j2") == PromptLibrary(*lib.dirs).source_hash("base.j2")
    assert lib.source_hash("shots.j2") != hashlib.sha256(b"").hexdigest()


def test_undefined_variable_is_an_error(lib):
    with pytest.raises(PromptError, match="undefined"):
        lib.render("base.j2")


def test_missing_template_is_an_error(lib):
    with pytest.raises(PromptError, match="not found"):
        lib.render("nope.j2")


@pytest.mark.parametrize(
    "evil",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ story.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
        "{% set x = [].append(1) %}{{ x }}",
    ],
)
def test_sandbox_refuses_escapes(lib, evil):
    with pytest.raises(PromptError):
        lib.render_string(evil, story="s", cycler=object())


def test_repo_prompts_render():
    from dramagen.prompting import render

    r = render("playground/complete.j2", prompt="Hello")
    assert r.text.strip() == "Hello" and len(r.sha256) == 64
