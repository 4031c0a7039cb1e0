import hashlib

import pytest

from dramagen.core.errors import PromptError
from dramagen.core.prompting import PromptLibrary


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
    from dramagen.core.prompting import render

    r = render("playground/complete.j2", prompt="Hello")
    assert r.text.strip() == "Hello" and len(r.sha256) == 64


# --------------------------------------------------------------------------- variants (overlays, single files)


@pytest.fixture
def base(tmp_path):
    root = tmp_path / "prompts"
    (root / "beats").mkdir(parents=True)
    (root / "beats" / "action.j2").write_text("{% include 'beats/shots.j2' %}Beat: {{ x }}\n")
    (root / "beats" / "shots.j2").write_text("Beat: a wolf howls.\n")
    (root / "beats" / "line.j2").write_text("Line: {{ x }}\n")
    v = root / "variants" / "terse" / "beats"
    v.mkdir(parents=True)
    (v / "action.j2").write_text("{% include 'beats/shots.j2' %}B: {{ x }}\n")
    (root / "variants" / "one.j2").write_text("One line: {{ x }}\n")
    return root


def test_overlay_overrides_and_falls_back(base):
    lib = PromptLibrary.overlay(base / "variants" / "terse", base=base)
    assert lib.render("beats/action.j2", x="go").text == "Beat: a wolf howls.\nB: go\n"
    assert lib.render("beats/line.j2", x="go").text == "Line: go\n"  # not overridden: prompts/
    assert lib.origin("beats/action.j2") == base / "variants" / "terse" / "beats" / "action.j2"
    assert lib.origin("beats/line.j2") == base / "beats" / "line.j2"
    plain = PromptLibrary(base)
    assert lib.source_hash("beats/action.j2") != plain.source_hash("beats/action.j2")
    assert lib.source_hash("beats/line.j2") == plain.source_hash("beats/line.j2")
    assert "beats/action.j2" in lib.templates() and "beats/line.j2" in lib.templates()


def test_overlay_hash_covers_included_base_templates(base):
    lib = PromptLibrary.overlay(base / "variants" / "terse", base=base)
    before = lib.source_hash("beats/action.j2")
    (base / "beats" / "shots.j2").write_text("Beat: a vampire bites.\n")  # included from the base
    assert PromptLibrary.overlay(base / "variants" / "terse", base=base).source_hash("beats/action.j2") != before


def test_single_file_mapped_onto_a_template(base):
    lib = PromptLibrary.overlay(files={"beats/line.j2": base / "variants" / "one.j2"}, base=base)
    assert lib.render("beats/line.j2", x="hi").text == "One line: hi\n"
    assert lib.render("beats/action.j2", x="hi").text.endswith("Beat: hi\n")
    assert lib.origin("beats/line.j2") == base / "variants" / "one.j2"
    assert lib.used["beats/line.j2"] == lib.source_hash("beats/line.j2") != PromptLibrary(base).source_hash(
        "beats/line.j2")
    with pytest.raises(PromptError, match="not found"):
        lib.origin("beats/nope.j2")


def test_overlay_keeps_the_sandbox(base):
    (base / "variants" / "terse" / "beats" / "line.j2").write_text("{{ x.__class__.__mro__ }}")
    lib = PromptLibrary.overlay(base / "variants" / "terse", base=base)
    with pytest.raises(PromptError, match="sandbox"):
        lib.render("beats/line.j2", x="s")
    with pytest.raises(PromptError, match="not found"):
        lib.render("../prompts/beats/line.j2", x="s")  # no escaping the folders by name


def test_repo_variant_overrides_beats_templates():
    from dramagen.core.prompting import prompts_dir

    lib = PromptLibrary.overlay(prompts_dir() / "variants" / "beats-screen")
    base = PromptLibrary(prompts_dir())
    for name in ("beats/action.j2", "beats/line.j2"):
        assert lib.origin(name).parent == prompts_dir() / "variants" / "beats-screen" / "beats"
        assert lib.source_hash(name) != base.source_hash(name)
    assert lib.origin("plan/synopsis.j2") == prompts_dir() / "plan" / "synopsis.j2"
