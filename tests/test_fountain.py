"""Fountain export and import: round trip, screenplain agreement, errors with line numbers."""

from __future__ import annotations

import io

import pytest

from dramagen.core.errors import DramagenError, InputError
from dramagen.core.models import EpisodeScript, Scene, ScriptElement
from dramagen.core.timing import estimate_fountain
from dramagen.screen.fountain import FountainImportError, from_fountain, to_fountain
from dramagen.story.stages.script import write_script

from .script_helpers import drama_answer, make_beats, make_bible, make_plan
from .stand_in import ScriptedGenerator

BIBLE = make_bible()


def _scripts() -> list[EpisodeScript]:
    from dramagen.core.prompting import PromptLibrary, prompts_dir
    from dramagen.story.slots import WriteContext

    ctx = WriteContext(generator=ScriptedGenerator(drama_answer), seed=5, candidates=3,
                       prompts=PromptLibrary(prompts_dir()))
    return [write_script(None, make_beats(), make_plan(), BIBLE),
            write_script(ctx, make_beats(), make_plan(), BIBLE),
            write_script(None, make_beats(target=60, extra_lines=2), make_plan(target=60), BIBLE),
            write_script(None, make_beats(target=90), make_plan(target=90), BIBLE)]


def _screenplain(text: str):
    from screenplain.parsers.fountain import parse

    return parse(io.StringIO(text))


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("title_page", [True, False])
def test_round_trip_of_pipeline_scripts(title_page):
    for script in _scripts():
        text = to_fountain(script, BIBLE, make_plan(target=script.target_seconds), title_page=title_page,
                           draft_date="2025-01-02")
        back = from_fountain(text, BIBLE, script.episode, script.target_seconds)
        expected = script if title_page else script.model_copy(update={"title": ""})
        assert back == expected
        assert to_fountain(back, BIBLE, make_plan(target=script.target_seconds), title_page=title_page,
                           draft_date="2025-01-02") == (text if title_page else to_fountain(
                               expected, BIBLE, None, title_page=False))


def test_title_page():
    script = _scripts()[0]
    text = to_fountain(script, BIBLE, make_plan(), draft_date="2025-01-02")
    page = _screenplain(text).title_page
    assert page["Title"] == ["Silver Moon"]
    assert page["Episode"] == ["1: The Rejection"]
    assert page["Credit"] == ["Written by"] and page["Author"] == ["dramagen"]
    assert page["Draft date"] == ["2025-01-02"]


def test_screenplain_reads_the_same_scenes_characters_and_time():
    from screenplain.types import Action, Dialog, Slug, Transition

    for script in _scripts():
        text = to_fountain(script, BIBLE, make_plan(), draft_date="2025-01-02")
        paras = _screenplain(text).paragraphs
        assert [str(p.line) for p in paras if isinstance(p, Slug)] == [sc.heading for sc in script.scenes]
        cues = [str(p.character) for p in paras if isinstance(p, Dialog)]
        assert cues == [el.text for sc in script.scenes for el in sc.elements if el.kind == "character"]
        actions = ["\n".join(str(x) for x in p.lines) for p in paras if isinstance(p, Action)]
        assert actions == [el.text for sc in script.scenes for el in sc.elements if el.kind == "action"]
        assert [str(p.line) for p in paras if isinstance(p, Transition)] == [
            el.text for sc in script.scenes for el in sc.elements if el.kind == "transition"]
        assert estimate_fountain(text).seconds == pytest.approx(script.estimated_seconds, abs=0.01)


def test_awkward_texts_are_forced_and_survive():
    script = EpisodeScript(episode=2, title="Odd", target_seconds=60, scenes=[
        Scene(number=1, location="PACK HALL", interior=True, time="NIGHT", elements=[
            ScriptElement(kind="action", text="BANG!", beat=1),
            ScriptElement(kind="action", text="INT. is written on the door.", beat=1),
            ScriptElement(kind="action", text="KAI", beat=2),
            ScriptElement(kind="action", text="!Wow", beat=2),
            ScriptElement(kind="action", text="THE DOOR FLIES OPEN\nand Kai falls through it.", beat=None),
            ScriptElement(kind="character", text="KAI (V.O.)", beat=3),
            ScriptElement(kind="parenthetical", text="(cold)", beat=3),
            ScriptElement(kind="dialogue", text="Nobody leaves.", beat=3),
            ScriptElement(kind="transition", text="FADE OUT.", beat=3),
        ])])
    text = to_fountain(script, BIBLE, draft_date="x")
    assert "!BANG!" in text and ">FADE OUT." in text and "[[beat none]]" in text
    assert from_fountain(text, BIBLE, 2, 60) == script.model_copy(update={
        "estimated_seconds": from_fountain(text, BIBLE, 2, 60).estimated_seconds})


def test_import_of_a_hand_written_file():
    text = """Title: Silver Moon
Episode: 4: Back From Exile

FADE IN:

.PACK HALL - NIGHT #12#

/* cut for time:
Bella smirks.
*/

Aria walks in. [[note to self]]

@Kai Blackwood
(quietly)
You came back.
For me?

BELLA ^
Why?

> CUT TO:

EXT. MOONLIT FOREST - DAWN

# Act two
= she runs

Aria runs.
"""
    script = from_fountain(text, BIBLE, 4, 75)
    assert script.title == "Back From Exile"
    assert [(sc.heading, sc.number) for sc in script.scenes] == [("INT. PACK HALL - NIGHT", 1),
                                                                 ("EXT. MOONLIT FOREST - DAWN", 2)]
    els = [(e.kind, e.text) for e in script.scenes[0].elements]
    assert els == [("action", "Aria walks in."), ("character", "KAI"), ("parenthetical", "(quietly)"),
                   ("dialogue", "You came back.\nFor me?"), ("character", "BELLA"), ("dialogue", "Why?"),
                   ("transition", "CUT TO:")]
    assert [(e.kind, e.text) for e in script.scenes[1].elements] == [("action", "Aria runs.")]
    assert all(e.beat is None for sc in script.scenes for e in sc.elements)
    assert script.estimated_seconds > 0


# --------------------------------------------------------------------------- errors


def _good_body() -> list[str]:
    return to_fountain(_scripts()[0], BIBLE, make_plan(), draft_date="2025-01-02").split("\n")


def _line_of(lines: list[str], text: str) -> int:
    return lines.index(text) + 1


@pytest.mark.parametrize("case", ["cue", "location", "no_text", "no_heading", "lone_cue", "no_time", "beat_note"])
def test_errors_name_the_line(case):
    lines = _good_body()
    if case == "cue":
        i = lines.index("BELLA")
        lines[i] = "BELA"
        want, what = i + 1, "unknown character cue 'BELA'"
    elif case == "location":
        i = lines.index("EXT. MOONLIT FOREST - NIGHT")
        lines[i] = "EXT. DARK FOREST - NIGHT"
        want, what = i + 1, "unknown location 'DARK FOREST'"
    elif case == "no_text":
        i = lines.index("BELLA")
        j = i + 1
        while lines[j].startswith("("):
            j += 1
        del lines[j]  # the speech goes, the parenthetical stays
        want, what = i + 1, "has no dialogue"
    elif case == "no_heading":
        i = lines.index("INT. PACK HALL - NIGHT")
        del lines[i:i + 2]
        want, what = i + 1, "before the first scene heading"
        want = next(k for k in range(i, len(lines)) if lines[k] and not lines[k].startswith("[[")) + 1
    elif case == "lone_cue":
        i = lines.index("KAI")
        lines.insert(i, "")
        lines.insert(i, "ARIA")
        want, what = i + 1, "character cue ARIA has no dialogue"
    elif case == "no_time":
        i = lines.index("EXT. MOONLIT FOREST - NIGHT")
        lines[i] = "EXT. MOONLIT FOREST"
        want, what = i + 1, "no time of day"
    else:
        i = next(k for k, ln in enumerate(lines) if ln.startswith("[[beat 3"))
        lines[i] = "[[beat three]]"
        want, what = i + 1, "beat note"
    with pytest.raises(FountainImportError) as err:
        from_fountain("\n".join(lines), BIBLE, 1, 75)
    assert err.value.line == want
    assert str(err.value).startswith(f"line {want}: ")
    assert what in str(err.value)
    assert isinstance(err.value, DramagenError)


def test_error_suggests_the_nearest_cue():
    text = "INT. PACK HALL - NIGHT\n\nMARIA\nHello.\n"
    with pytest.raises(FountainImportError, match=r"line 3: .*did you mean ARIA\?"):
        from_fountain(text, BIBLE, 1, 75)


@pytest.mark.parametrize("text,line", [("", 1), ("\n\n   \n", 1), ("Title: X\nAuthor: Y\n", 2),
                                       ("Title: X\n\n# Act one\n\nFADE IN:\n", 5)])
def test_empty_files(text, line):
    with pytest.raises(FountainImportError) as err:
        from_fountain(text, BIBLE, 1, 75)
    assert err.value.line == line and str(err.value).startswith(f"line {line}: ")
    assert "empty" in str(err.value) or "no scene heading" in str(err.value)


def test_bad_episode_and_target_are_input_errors():
    text = "INT. PACK HALL - NIGHT\n\nAria runs.\n"
    with pytest.raises(InputError):
        from_fountain(text, BIBLE, 0, 75)
    with pytest.raises(InputError):
        from_fountain(text, BIBLE, 1, 120)
