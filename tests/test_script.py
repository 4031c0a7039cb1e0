"""The script stage: scenes from beats, hook, cliffhanger, the fit-to-length loop."""

from __future__ import annotations

import time

import pytest

from dramagen.core.errors import InputError
from dramagen.core.models import EpisodeScript, Line
from dramagen.core.prompting import PromptLibrary, prompts_dir
from dramagen.core.timing import TimingSettings, estimate_elements, fits
from dramagen.story.slots import WriteContext
from dramagen.story.stages.script import AIM, hook_seconds, script_issues, write_script

from .script_helpers import CLIFF, drama_answer, make_beats, make_bible, make_plan
from .stand_in import ScriptedGenerator

BIBLE = make_bible()


def _ctx(gen, seed: int = 7) -> WriteContext:
    return WriteContext(generator=gen, seed=seed, candidates=3, prompts=PromptLibrary(prompts_dir()))


def _content(script: EpisodeScript):
    return [el for sc in script.scenes for el in sc.elements if el.kind in ("action", "dialogue")]


def _in_aim(est: float, target: float) -> bool:
    return fits(est, target, tolerance=AIM + 1e-6)


# --------------------------------------------------------------------------- structure


def test_scenes_headings_and_every_beat_on_screen():
    beats = make_beats()
    script = write_script(None, beats, make_plan(), BIBLE)
    assert [sc.heading for sc in script.scenes] == ["INT. PACK HALL - NIGHT", "EXT. MOONLIT FOREST - NIGHT",
                                                    "INT. PACK HALL - NIGHT"]
    assert [sc.number for sc in script.scenes] == [1, 2, 3]
    shown = {el.beat for sc in script.scenes for el in sc.elements}
    assert shown == {b.index for b in beats.beats}
    tags = [el.beat for sc in script.scenes for el in sc.elements]
    assert tags == sorted(tags)  # beats stay in order
    # the beats' own words are all there, with bible cues and their parentheticals
    texts = [el.text for sc in script.scenes for el in sc.elements]
    assert "You promised me under the full moon." in texts
    assert "(broken)" in texts and "(smirking)" in texts
    assert {c for sc in script.scenes for c in sc.characters} <= {c.cue for c in BIBLE.characters}
    assert "KAI" in script.scenes[0].characters
    assert script_issues(script, BIBLE, make_plan(), beats=beats) == []


def test_transitions_between_scenes_and_after_the_cliffhanger():
    script = write_script(None, make_beats(), make_plan(), BIBLE)
    last = script.scenes[-1].elements[-1]
    assert (last.kind, last.text) == ("transition", "SMASH CUT TO BLACK.")
    for sc in script.scenes[:-1]:
        trans = [el for el in sc.elements if el.kind == "transition"]
        assert all(t.text.endswith("TO:") for t in trans)


def test_estimated_seconds_is_the_estimate():
    s = TimingSettings()
    script = write_script(None, make_beats(), make_plan(), BIBLE, settings=s)
    assert script.estimated_seconds == round(estimate_elements(script.elements(), s), 2)


# --------------------------------------------------------------------------- hook and cliffhanger


def test_hook_lands_within_five_seconds():
    script = write_script(None, make_beats(), make_plan(), BIBLE)
    first = _content(script)[0]
    assert first.beat == 1
    assert hook_seconds(script) <= 5.0
    assert script.scenes[0].elements[0] is first or script.scenes[0].elements[0].text == first.text


def test_a_long_hook_is_cut_to_land_in_time():
    beats = make_beats()
    long_hook = ("The whole pack watches in silence. Kai tears the mate bond in front of the elders, the guests, the "
                 "servants and the children, and Aria drops to her knees on the cold stone floor while Bella smiles "
                 "and the moon rises over the broken circle of torches and banners and silver chains.")
    b1 = beats.beats[0].model_copy(update={"action": long_hook})
    beats = beats.model_copy(update={"beats": [b1, *beats.beats[1:]]})
    script = write_script(None, beats, make_plan(), BIBLE)
    assert hook_seconds(script) <= 5.0
    assert _content(script)[0].text == "The whole pack watches in silence."


def test_cliffhanger_is_the_last_line_verbatim_split_from_its_action():
    script = write_script(None, make_beats(), make_plan(), BIBLE)
    content = _content(script)
    assert content[-1].text == CLIFF and content[-1].kind == "action"
    # the rest of that action stays, before it, in the same beat
    assert any(el.text == "Aria walks back in, eyes burning silver." and el.beat == 7 for el in content)


def test_cliffhanger_missing_from_the_beats_is_added_last():
    beats = make_beats()
    b7 = beats.beats[-1].model_copy(update={"action": "Aria walks back in, eyes burning silver."})
    beats = beats.model_copy(update={"beats": [*beats.beats[:-1], b7]})
    script = write_script(None, beats, make_plan(), BIBLE)
    assert _content(script)[-1].text == CLIFF
    assert _content(script)[-1].beat == 7
    assert script_issues(script, BIBLE, make_plan(), beats=beats) == []


def test_cliffhanger_inside_a_longer_line_becomes_the_last_words():
    cliff = "You were never the omega. You are my sister."
    beats = make_beats()
    b7 = beats.beats[-1].model_copy(update={
        "action": "Aria walks back in.",
        "lines": [Line(character="Kai Blackwood", text="Wait. " + cliff, parenthetical="hoarse"),
                  Line(character="Bella", text="What did he just say?")]})
    beats = beats.model_copy(update={"beats": [*beats.beats[:-1], b7]})
    plan = make_plan(cliffhanger=cliff)
    script = write_script(None, beats, plan, BIBLE)
    els = script.scenes[-1].elements
    assert [(e.kind, e.text) for e in els[-6:]] == [
        ("character", "KAI"), ("parenthetical", "(hoarse)"), ("dialogue", "Wait."), ("parenthetical", "(beat)"),
        ("dialogue", cliff), ("transition", "SMASH CUT TO BLACK.")]
    assert script_issues(script, BIBLE, plan) == []


# --------------------------------------------------------------------------- the fit loop


@pytest.mark.parametrize("target", [60.0, 68.0, 75.0, 82.0, 90.0])
def test_fit_without_model_lands_within_ten_percent(target):
    beats = make_beats(target=target)
    plan = make_plan(target=target)
    script = write_script(None, beats, plan, BIBLE)
    assert fits(script.estimated_seconds, target), script.estimated_seconds
    assert script_issues(script, BIBLE, plan, beats=beats) == []


def test_fit_expands_with_model_slots_in_one_batch():
    gen = ScriptedGenerator(drama_answer)
    ctx = _ctx(gen)
    beats, plan = make_beats(), make_plan()
    script = write_script(ctx, beats, plan, BIBLE)
    assert _in_aim(script.estimated_seconds, 75.0), script.estimated_seconds
    assert len(gen.calls) == 1  # every slot in one batched call (all had a passing candidate)
    assert ctx.stats["script.reaction"].slots >= 1
    texts = [el.text for el in _content(script)]
    assert "You chose her in front of the whole pack." in texts
    assert not any("Marra" in t or "fish" in t for t in texts)  # rejected candidates never reach the script
    # the additions never come before the hook nor after the cliffhanger
    assert _content(script)[0].beat == 1 and _content(script)[-1].text == CLIFF
    assert hook_seconds(script) <= 5.0
    assert script_issues(script, BIBLE, plan, beats=beats) == []


def test_fit_with_model_is_deterministic():
    a = write_script(_ctx(ScriptedGenerator(drama_answer), seed=3), make_beats(), make_plan(), BIBLE)
    b = write_script(_ctx(ScriptedGenerator(drama_answer), seed=3), make_beats(), make_plan(), BIBLE)
    assert a == b


def test_fit_falls_back_to_templates_when_every_candidate_fails():
    gen = ScriptedGenerator(lambda p, seed: [" worship the fish worship the fish worship the fish"] * 3)
    ctx = _ctx(gen)
    script = write_script(ctx, make_beats(), make_plan(), BIBLE)
    assert fits(script.estimated_seconds, 75.0)
    assert len(gen.calls) == 2  # the first round and one regeneration round, then fallbacks
    assert ctx.stats["script.reaction"].fallback == ctx.stats["script.reaction"].slots
    assert not any("fish" in el.text for el in _content(script))


def test_fit_trims_a_long_episode_and_keeps_hook_cliffhanger_and_beats():
    beats = make_beats(extra_lines=2)
    raw = sum(estimate_elements(b.elements(BIBLE)) for b in beats.beats)
    assert raw > 120
    gen = ScriptedGenerator(drama_answer)
    script = write_script(_ctx(gen), beats, make_plan(), BIBLE)
    assert not gen.calls  # trimming needs no model
    assert _in_aim(script.estimated_seconds, 75.0), script.estimated_seconds
    assert _content(script)[-1].text == CLIFF
    assert _content(script)[0].text.startswith("The whole pack watches")
    assert script_issues(script, BIBLE, make_plan(), beats=beats) == []


def test_fit_trims_lightly_first():
    """Just over the band: the optional CUT TO: transitions go first, the words stay."""
    beats = make_beats(extra_lines=1)
    script = write_script(None, beats, make_plan(target=90.0), BIBLE)
    assert fits(script.estimated_seconds, 90.0)
    words = " ".join(el.text for el in _content(script))
    assert "You promised me under the full moon." in words


def test_fit_is_fast():
    t = time.perf_counter()
    for _ in range(5):
        write_script(None, make_beats(extra_lines=3), make_plan(), BIBLE)
    assert time.perf_counter() - t < 5


# --------------------------------------------------------------------------- repairs and errors


def test_unknown_speaker_is_repaired_to_the_nearest_bible_name():
    beats = make_beats()
    b2 = beats.beats[1].model_copy(update={"lines": [Line(character="Marra", text="You promised me.")]})
    beats = beats.model_copy(update={"beats": [beats.beats[0], b2, *beats.beats[2:]]})
    script = write_script(None, beats, make_plan(), BIBLE)
    cues = [el.text for sc in script.scenes for el in sc.elements if el.kind == "character" and el.beat == 2]
    assert cues[0] == "ARIA"


def test_unknown_location_raises():
    beats = make_beats()
    b2 = beats.beats[1].model_copy(update={"location": "MOON BASE"})
    beats = beats.model_copy(update={"beats": [beats.beats[0], b2, *beats.beats[2:]]})
    with pytest.raises(InputError, match="MOON BASE"):
        write_script(None, beats, make_plan(), BIBLE)


def test_script_issues_names_each_problem():
    plan = make_plan()
    script = write_script(None, make_beats(), plan, BIBLE)
    scenes = [sc.model_copy(deep=True) for sc in script.scenes]
    # an unknown cue, an unknown location, a stale estimate, the cliffhanger not last
    first_cue = next(i for i, el in enumerate(scenes[0].elements) if el.kind == "character")
    scenes[0].elements[first_cue] = scenes[0].elements[first_cue].model_copy(update={"text": "ZED"})
    scenes[1] = scenes[1].model_copy(update={"location": "MOON BASE"})
    scenes[-1].elements.append(scenes[-1].elements[0].model_copy(update={"text": "Bella laughs.", "kind": "action"}))
    broken = script.model_copy(update={"scenes": scenes, "estimated_seconds": 10.0})
    rules = {i.split("]")[0] + "]" for i in script_issues(broken, BIBLE, plan)}
    assert {"[names.cue]", "[names.location]", "[timing.estimate]", "[cliffhanger.last]"} <= rules


def test_script_issues_timing_and_hook():
    plan = make_plan()
    script = write_script(None, make_beats(), plan, BIBLE)
    short = script.model_copy(update={"scenes": script.scenes[:1]})
    issues = script_issues(short, BIBLE, plan)
    assert any(i.startswith("[timing.target]") for i in issues)
    assert any(i.startswith("[timing.bounds]") for i in issues)
    late = script.scenes[0].model_copy(deep=True)
    late.elements.insert(0, late.elements[0].model_copy(update={"text": " ".join(["word"] * 80), "beat": 2}))
    issues = script_issues(script.model_copy(update={"scenes": [late, *script.scenes[1:]]}), BIBLE, plan)
    assert any(i.startswith("[hook.late]") for i in issues)
    assert any(i.startswith("[hook.beat]") for i in issues)


# --------------------------------------------------------------------------- the real model


def _skeleton_season(n_episodes: int = 10):
    """A real season skeleton: the catalogue trope, a bible from its roles and settings,
    the planner's plan and beat layouts; the text of the plan and beats is filled from
    the trope's worked examples (short, so the writer must expand with the model)."""
    from dramagen.core.models import Character, Location, SeriesBible
    from dramagen.story.planner import layout_beats, plan_season
    from dramagen.story.tropes import get_trope

    trope = get_trope("werewolf-rejected-mate")
    chars = [Character(name=r.names[0], age=25 + 3 * i, role=r.role, look=f"{r.archetype.split(',')[0][:60]}")
             for i, r in enumerate(trope.roles[:4])]
    locs = [Location(name=s.name, interior=s.interior, time=s.time) for s in trope.settings[:4]]
    bible = SeriesBible(title="Silver Moon", logline=trope.pitch, trope_id=trope.id, trope_name=trope.name,
                        tone=trope.tone, characters=chars, locations=locs)
    plan = plan_season(trope, bible, n_episodes, 3, 75, seed=11)
    return trope, bible, plan, layout_beats


def _fill_beats(skeleton, plan_ep, bible, trope):
    ex = trope.examples[(plan_ep.number - 1) % len(trope.examples)]
    plan_ep = plan_ep.model_copy(update={"title": f"Episode {plan_ep.number}", "synopsis": ex.story,
                                         "cliffhanger": ex.cliffhanger})
    beats = []
    for b in skeleton.beats:
        names = [bible.character(n).name.split()[0] for n in b.characters]
        if b.kind == "hook":
            upd = {"action": f"{names[0]} bursts into the room and every head turns."}
        elif b.kind == "cliffhanger":
            upd = {"action": ex.cliffhanger}
        else:
            lines = [Line(character=names[0], text="You lied to me.")]
            if len(names) > 1:
                lines.append(Line(character=names[1], text="I had no choice.", parenthetical="quiet"))
            upd = {"action": f"{names[0]} stops short.", "lines": lines}
        beats.append(b.model_copy(update=upd))
    return skeleton.model_copy(update={"beats": beats}), plan_ep


@pytest.mark.model
def test_real_model_writes_two_episode_scripts(generator):
    trope, bible, plan, layout_beats = _skeleton_season()
    ctx = WriteContext(generator=generator, seed=11, candidates=4, prompts=PromptLibrary(prompts_dir()))
    seconds = []
    for n in (1, 2):
        plan_ep = plan.episode(n)
        beats, plan_ep = _fill_beats(layout_beats(plan_ep, bible, 11), plan_ep, bible, trope)
        t = time.perf_counter()
        script = write_script(ctx, beats, plan_ep, bible, trope)
        seconds.append(time.perf_counter() - t)
        assert script_issues(script, bible, plan_ep, beats=beats) == []
        assert _content(script)[-1].text == plan_ep.cliffhanger
    written = ctx.stats["script.reaction"].slots + ctx.stats.get("script.detail", ctx.stat("script.detail")).slots
    assert written > 0  # the short beats needed the model's additions
    print(f"\nscript stage with the real model: {', '.join(f'{s:.1f} s' for s in seconds)} per episode; "
          f"stats: { {k: v.model_dump() for k, v in ctx.stats.items()} }")
