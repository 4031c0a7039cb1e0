"""The slot engine on scripted candidates: cleaning, validation, repair, scoring,
regeneration, fallback, stats and determinism (fast, no model)."""

from __future__ import annotations

import pytest

from dramagen.core.models import Character, Location, SeriesBible
from dramagen.core.prompting import PromptLibrary
from dramagen.llm.base import Capabilities
from dramagen.story.slots import Slot, WriteContext, clean, fill, fill_ranked, fix_names, score, validate

from .stand_in import ScriptedGenerator

NAMES = ["Aria Moon", "Kai Blackwood", "Bella"]


@pytest.fixture()
def lib(tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "echo.j2").write_text("Story: {{ story }}\nLine:\n")
    return PromptLibrary(tmp_path)


def slot(story: str = "s", **kw) -> Slot:
    base = dict(kind="test.line", template="t/echo.j2", context={"story": story}, fallback="Aria waits.",
                names=NAMES, min_words=3, max_words=12, sweet_words=6)
    base.update(kw)
    return Slot(**base)


def ctx_for(script, lib, **kw) -> WriteContext:
    return WriteContext(generator=ScriptedGenerator(script), seed=kw.pop("seed", 1), prompts=lib, **kw)


# --------------------------------------------------------------------------- cleaning


@pytest.mark.parametrize("raw,expected", [
    ('  "Kai turns away."  ', "Kai turns away."),
    ("Cliffhanger (reveal): Aria's eyes glow silver.", "Aria's eyes glow silver."),
    ("KAI (cold): Get out.", "Get out."),
    ("cold): Get out of my hall.", "Get out of my hall."),
    ("Title: Moon Bound", "Moon Bound"),
    ("First line\nsecond line", "First line"),
    ("“Never again,” she said", "Never again,” she said"),
])
def test_clean(raw, expected):
    assert clean(raw, ("Title",), ("KAI", "ARIA")) == expected


def test_fix_names_repairs_near_misses_and_finds_strangers():
    text, repaired, unknown, present = fix_names("Arya slaps Kaii while Jace watches.", NAMES)
    assert text == "Aria slaps Kai while Jace watches."
    assert repaired and unknown == ["Jace"] and present == {"Aria Moon", "Kai Blackwood"}
    # common sentence openers, titles and allowed words are not names
    text, repaired, unknown, _ = fix_names("Suddenly the Alpha enters the Pack Hall.", NAMES, ["Pack", "Hall"])
    assert not repaired and unknown == []
    # surnames and possessives count, case is normalised
    text, repaired, unknown, present = fix_names("BLACKWOOD's men drag Bela out.", NAMES)
    assert text == "Blackwood's men drag Bella out." and present == {"Kai Blackwood", "Bella"}


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("raw,reason", [
    ("", "empty"),
    ("   ", "empty"),
    ("Go.", "short"),
    ("Aria runs and runs and runs and runs away from the hall.", "repetition"),
    ("Aria sees the the moon the moon the moon.", "repetition"),
    ("Aria opens http://spam.example now", "junk"),
    ("Marcus steals the crown from Aria.", "unknown_name"),
    ("Aria walks into the hall, and then she starts to walk on and on and never stops talking about it", "long"),
    ("Aria turns to the", "unfinished"),
    ("Aria turns to Kai,", "unfinished"),
])
def test_validate_rejects(raw, reason):
    c = validate(raw, slot())
    assert not c.ok and c.reason == reason


def test_validate_repairs_and_finishes():
    c = validate("Kaai grabs Aria's wrist", slot())
    assert c.ok and c.repaired and c.text == "Kai grabs Aria's wrist."
    # a run-on (no newline within the token budget) is cut at its last full sentence
    c = validate("Aria falls hard. Kai catches her and the whole pack gasps while the moon rises over the", slot(),
                 finish_reason="length")
    assert c.ok and c.repaired and c.text == "Aria falls hard."
    c = validate("Aria falls and Kai catches her and the whole pack gasps while the", slot(max_words=30),
                 finish_reason="length")
    assert not c.ok and c.reason == "runon"


def test_validate_rules_of_the_slot():
    assert validate("Aria slaps Kai hard.", slot(required=["Bella"], require_name=True)).reason == "missing_name"
    assert validate("The wind howls outside.", slot(require_topic=True, keywords=["moon"])).reason == "offtopic"
    assert validate("The moon turns red tonight.", slot(require_topic=True, keywords=["moon"])).ok
    assert validate("I will never forgive Kai.", slot(no_first_person=True)).reason == "first_person"
    assert validate("Marcus steals the crown.", slot(strict_names=False)).ok
    copied = validate("Aria kneels before the throne.", slot(), prompt="x: Aria kneels before the throne.\n")
    assert copied.reason == "copy"
    assert validate("Aria grins at Kai.", slot(check=lambda t: "nope")).reason == "nope"


def test_score_prefers_names_length_topic_and_confidence():
    s = slot(required=["Aria Moon", "Kai Blackwood"], keywords=["moon", "mate"], sweet_words=6)
    named = score("Aria rejects Kai under the moon.", s)
    unnamed = score("She rejects him under the moon.", s)
    assert named > unnamed
    assert score("Aria rejects Kai as her mate.", s) > score("Aria rejects Kai in the kitchen.", s)
    assert score("Aria rejects Kai under the moon.", s, logprob=-1.0) > score("Aria rejects Kai under the moon.", s,
                                                                             logprob=-3.0)
    far = score("Aria rejects Kai under the cold moon while the pack watches in silence and fear.", s)
    assert named > far


# --------------------------------------------------------------------------- fill


def test_fill_picks_best_and_counts(lib):
    script = {"Story: a\nLine:": ["", "Marcus laughs at everyone.", "Aria slaps Kai in front of the pack.",
                                  "Aria slaps Kai."],
              "Story: b\nLine:": ["Kaii grabs Bella by the arm.", "x"]}
    ctx = ctx_for(script, lib, candidates=4)
    seen: list[tuple[str, str]] = []
    ctx.on_text = lambda kind, text: seen.append((kind, text))
    out = fill(ctx, [slot("a", required=["Aria Moon", "Kai Blackwood"]), slot("b", kind="test.other")], ("t", 1))
    assert out[0] in ("Aria slaps Kai in front of the pack.", "Aria slaps Kai.")
    assert out[1] == "Kai grabs Bella by the arm."
    assert seen == [("test.line", out[0]), ("test.other", out[1])]
    st = ctx.stats["test.line"]
    assert (st.slots, st.accepted, st.repaired, st.fallback, st.regenerated, st.candidates) == (1, 1, 0, 0, 0, 4)
    assert st.rejected == {"empty": 1, "unknown_name": 1}
    other = ctx.stats["test.other"]
    assert other.repaired == 1 and other.accepted == 0
    # one batched call for both slots, seeded from the purpose
    gen = ctx.generator
    assert len(gen.calls) == 1 and len(gen.calls[0][0]) == 2
    from dramagen.core.seeding import derive_seed

    assert gen.calls[0][1].seed == derive_seed(1, "t", 1)
    assert gen.calls[0][1].stop == ("\n",)
    assert "test.line" in ctx.params and ctx.params["test.line"]["n"] == 4


def test_regeneration_then_fallback(lib):
    from dramagen.core.seeding import derive_seed

    ctx = ctx_for(_late_script(derive_seed(3, "p")), lib, seed=3, candidates=3)
    res = fill_ranked(ctx, [slot("good"), slot("late"), slot("never", fallback="Bella smiles.")], ("p",))
    assert [r.status for r in res] == ["accepted", "accepted", "fallback"]
    assert [r.regenerated for r in res] == [False, True, True]
    assert res[1].text == "Kai finally answers Aria." and res[2].text == "Bella smiles."
    gen = ctx.generator
    assert len(gen.calls) == 2
    assert len(gen.calls[1][0]) == 2  # only the failed slots go again
    assert gen.calls[1][1].seed == derive_seed(3, "p", "regen")
    st = ctx.stats["test.line"]
    assert (st.slots, st.accepted, st.fallback, st.regenerated) == (3, 2, 1, 2)
    assert st.accepted + st.repaired + st.fallback == st.slots
    # alternatives are distinct passing texts, best first
    assert res[0].alternatives == [("Aria runs into the night.", res[0].score)]


class _RowsBackwards(ScriptedGenerator):
    """Reports each finished row while the call runs, the last row first (rows stop in any order)."""

    capabilities = Capabilities(logprobs=True, row_events=True)

    def __init__(self, answers):
        super().__init__(answers)
        self.running = False

    def generate(self, prompts, params=None, logprobs=False, on_row=None):
        out = super().generate(prompts, params, logprobs)
        self.running = True
        for i in reversed(range(len(out))):
            on_row(i, out[i])
        self.running = False
        return out


def _late_script(first_seed):
    def script(prompt, seed):
        if "good" in prompt:
            return ["Aria runs into the night."] * 3
        if "late" in prompt:
            return ["", "", ""] if seed == first_seed else ["Kai finally answers Aria."]
        return ["", "Zed", "Marcus wins."]

    return script


def test_on_slot_hears_each_decision_as_soon_as_it_is_known(lib):
    """With a generator that reports finished rows, a slot is heard during the call that decides it (a slot
    with no passing candidate only after its second round); the decisions are those of a call without it."""
    from dramagen.core.seeding import derive_seed

    script = _late_script(derive_seed(3, "p"))
    slots = [slot("good"), slot("late"), slot("never", fallback="Bella smiles.")]
    ctx = WriteContext(generator=_RowsBackwards(script), seed=3, prompts=lib, candidates=3)
    heard: list = []
    res = fill_ranked(ctx, slots, ("p",), lambda i, t: heard.append((i, t, len(ctx.generator.calls),
                                                                      ctx.generator.running)))
    assert heard == [(0, "Aria runs into the night.", 1, True), (2, "Bella smiles.", 2, True),
                     (1, "Kai finally answers Aria.", 2, True)]
    plain = ctx_for(script, lib, seed=3, candidates=3)
    assert [r.text for r in fill_ranked(plain, slots, ("p",))] == [r.text for r in res]
    assert plain.stats == ctx.stats
    # a generator that does not report rows: every slot is heard after the calls, in slot order
    later: list = []
    fill_ranked(ctx_for(script, lib, seed=3, candidates=3), slots, ("p",), lambda i, t: later.append((i, t)))
    assert later == [(i, r.text) for i, r in enumerate(res)]


def test_prefix_is_prompted_and_prepended(lib):
    ctx = ctx_for([" slams the door on Kai."], lib, candidates=1)  # the one answer, in order
    out = fill(ctx, [slot("x", prefix="Aria")], ("p",))
    assert ctx.generator.calls[0][0][0].endswith("Line: Aria")
    assert out == ["Aria slams the door on Kai."]


def test_fill_is_deterministic_and_independent_of_history(lib):
    import random

    def script(prompt, seed):
        r = random.Random(f"{prompt}:{seed}")
        return [r.choice(["Aria weeps.", "Kai roars at Bella.", "Bella smiles at Aria.", "", "Zed!"]) + ""
                for _ in range(6)]

    slots = [slot("a"), slot("b"), slot("c")]
    a = fill(ctx_for(script, lib, seed=9), slots, ("x", 2))
    ctx = ctx_for(script, lib, seed=9)
    fill(ctx, [slot("zzz")], ("other",))  # an earlier, unrelated call
    b = fill(ctx, slots, ("x", 2))
    assert a == b
    c = fill(ctx_for(script, lib, seed=10), slots, ("x", 2))
    d = fill(ctx_for(script, lib, seed=9), slots, ("x", 3))
    assert isinstance(c, list) and isinstance(d, list)


def test_per_kind_candidate_cap_and_empty(lib):
    ctx = ctx_for({}, lib, candidates=6, candidates_by_kind={"test.line": 2})
    assert fill(ctx, [], ("p",)) == []
    out = fill(ctx, [slot("q")], ("p",))
    assert out == ["Aria waits."]
    assert ctx.generator.calls[0][1].n == 2
    assert ctx.stats["test.line"].fallback == 1 and ctx.stats["test.line"].candidates == 4  # 2 + 2 (regen)


def test_a_cap_of_zero_sends_no_row_and_takes_the_fallback(lib):
    """A kind capped at 0 (the default model's plan synopses: measured never to pass) takes its fallback with no
    model call; the other slots of the call are written as before."""
    script = {"Story: b\nLine:": ["Kai grabs Bella by the arm.", "Aria slaps Kai."]}
    ctx = ctx_for(script, lib, candidates=2, candidates_by_kind={"test.off": 0})
    out = fill(ctx, [slot("a", kind="test.off"), slot("b")], ("p", 1))
    assert out[0] == "Aria waits." and out[1] in script["Story: b\nLine:"]
    calls = ctx.generator.calls
    assert len(calls) == 1 and all("Story: a" not in p for p in calls[0][0])
    off, on = ctx.stats["test.off"], ctx.stats["test.line"]
    assert (off.slots, off.candidates, off.fallback, off.regenerated, off.tokens) == (1, 0, 1, 0, 0)
    assert on.candidates == 2 and on.accepted + on.repaired == 1
    assert ctx.params["test.off"]["n"] == 0
    only_off = ctx_for({}, lib, candidates_by_kind={"test.off": 0})
    assert fill(only_off, [slot("a", kind="test.off")], ("p",)) == ["Aria waits."] and not only_off.generator.calls


def test_bible_helpers_roundtrip():
    # the stage helpers map trope pool names onto the bible
    from dramagen.story.stages import adapt, allowed_words, cast_line, name_map

    bible = SeriesBible(title="Moon Bound", logline="x", trope_id="t",
                        characters=[Character(name="Aria Moon", age=22, role="lead"),
                                    Character(name="Kai", age=28, role="love_interest"),
                                    Character(name="Bella", age=24, role="rival")],
                        locations=[Location(name="PACK HALL"), Location(name="FOREST"), Location(name="BORDER")])

    class T:
        roles = [{"role": "lead", "names": ["Luna", "Ivy"]}, {"role": "love_interest", "names": ["Ryder"]},
                 {"role": "mentor", "names": ["Greta"]}]
        keywords = ["moon", "pack"]
        name = "Wolf"
        pitch = "A Wolf story."

    m = name_map(T, bible)
    assert adapt("Ryder rejects Luna while Greta watches.", m) == "Kai rejects Aria while Bella watches."
    assert cast_line(bible) == "Aria (lead), Kai (love interest), Bella (rival)"
    words = allowed_words(bible, T)
    assert "Pack" in words and "Moon" in words and "Luna" not in words


# --------------------------------------------------------------------------- the beats stage on scripted text


def _season_bits():
    from dramagen.core.models import EpisodePlan

    bible = SeriesBible(title="Moon Bound", logline="Aria returns.", trope_id="werewolf-rejected-mate",
                        trope_name="The Alpha's Rejected Mate",
                        characters=[Character(name="Aria", age=22, role="lead"),
                                    Character(name="Kai", age=28, role="love_interest"),
                                    Character(name="Bella", age=24, role="rival")],
                        locations=[Location(name="PACK HALL"), Location(name="MOONLIT FOREST", interior=False),
                                   Location(name="ROGUE BORDER", interior=False, time="DUSK")])
    ep = EpisodePlan(number=3, function="reversal", free=True, target_seconds=75, cliffhanger_type="betrayal",
                     strength=6, characters=["Aria", "Kai"], location="PACK HALL",
                     synopsis="Aria humiliates Bella at the moon trial.",
                     cliffhanger="Kai lifts Bella's hand and names her his Luna.")
    return bible, ep


def _beats_script(prompt: str, seed: int) -> list[str]:
    import random

    r = random.Random(f"{seed}:{prompt[-60:]}")
    if prompt.rstrip().endswith("):"):  # a dialogue cue
        pool = ["You will regret this night, Kai.", "Get away from me.", "Everyone saw what you did to me, Bella.",
                "I am done begging. Tonight the whole pack learns the truth about you.", "Marcus told me.",
                "Then say it to my face.", "", "No."]
        if "(gasping)" in prompt or "Get on your knees" in prompt:
            pool = ["Not you.", "Kai? Here?", "Stop right there, Bella, before I do something terrible."]
    else:  # an action, after the prefixed name
        pool = [" slams the silver cup down.", " steps between Bella and the pack.", " stares at the moon.",
                " and Marcus vanish.", " reads the letter, and her hands shake as the whole hall watches her."]
    return [r.choice(pool) for _ in range(8)]


def test_write_beats_fits_hook_and_cliffhanger(lib):
    from dramagen.core.prompting import default_library
    from dramagen.core.timing import fits
    from dramagen.story.planner import layout_beats
    from dramagen.story.stages.beats import HOOK_MAX_SECONDS, rewrite_beat, runtime_of, write_beats
    from dramagen.story.tropes import get_trope

    bible, ep = _season_bits()
    trope = get_trope("werewolf-rejected-mate")
    results = []
    for _ in range(2):
        ctx = WriteContext(generator=ScriptedGenerator(_beats_script), seed=4, prompts=default_library())
        sk = layout_beats(ep, bible, 4)
        sheet = write_beats(ctx, sk, ep, bible, trope)
        results.append(sheet)
        assert len(ctx.generator.calls) <= 2  # one call (+ one regeneration round)
    sheet = results[0]
    assert results[0] == results[1]
    assert fits(sheet.runtime, 75, 0.05), sheet.runtime
    assert abs(runtime_of(sheet.beats, bible) - sheet.runtime) < 0.05
    assert sheet.beats[0].duration <= HOOK_MAX_SECONDS
    assert sheet.beats[-1].action == ep.cliffhanger and not sheet.beats[-1].lines
    for b in sheet.beats:
        for ln in b.lines:
            assert ln.character in b.characters
            assert "Marcus" not in ln.text
        assert "Marcus" not in b.action
    # rewrite one beat: new text there, the cliffhanger kept, still fitted
    ctx = WriteContext(generator=ScriptedGenerator(_beats_script), seed=4, prompts=default_library())
    again = rewrite_beat(ctx, sheet, 3, ep, bible, trope)
    assert again.beats[-1].action == ep.cliffhanger
    assert fits(again.runtime, 75, 0.10)
    assert [b.index for b in again.beats] == [b.index for b in sheet.beats]
    with pytest.raises(ValueError):  # InputError or pydantic's ValidationError
        rewrite_beat(ctx, sheet, 99, ep, bible, trope)
    # another take of the episode (the UI's "regenerate") is another, still fitted, sheet
    other = write_beats(ctx, layout_beats(ep, bible, 4), ep, bible, trope, variant=1)
    assert other != sheet and fits(other.runtime, 75, 0.10) and other.beats[-1].action == ep.cliffhanger


def _generic_script(prompt: str, seed: int) -> list[str]:
    import random

    r = random.Random(f"{seed}:{prompt[-80:]}")
    tail = prompt.rstrip().splitlines()[-1]
    if tail.startswith("Title:"):
        pool = ["Moon of Ashes", "The Heir Returns", "Bound by Blood", "Marcus Rising"]
    elif tail.startswith(("Want:", "Secret:", "Look:")):
        pool = ["to win back what she lost", "she hides the ring in her coat", "tall, dark coat, cold eyes", ""]
    else:  # synopsis / logline / cliffhanger: after a prefixed name or a label
        pool = [" confronts the pack and reveals the truth.", " walks into the hall as everyone stares.",
                " and Marcus run.", " is thrown out into the rain by the family.", ""]
    return [r.choice(pool) for _ in range(8)]


def test_bible_and_plan_stages_on_scripted_text():
    from dramagen.core.models import PinnedBible
    from dramagen.core.prompting import default_library
    from dramagen.story.custom import custom_trope
    from dramagen.story.planner import plan_season
    from dramagen.story.stages.bible import write_bible
    from dramagen.story.stages.plan import write_plan_text
    from dramagen.story.tropes import get_trope

    def ctx(seed=2):
        return WriteContext(generator=ScriptedGenerator(_generic_script), seed=seed, prompts=default_library())

    trope = get_trope("hidden-heir")
    pins = PinnedBible(logline="Ethan hides his fortune.",
                       characters=[Character(name="Ethan Cross", age=26, role="lead")])
    c = ctx()
    bible = write_bible(c, trope, pins, characters=5)
    assert bible.logline == "Ethan hides his fortune." and bible.characters[0].name == "Ethan Cross"
    assert len(bible.characters) == 5 and len({ch.cue for ch in bible.characters}) == 5
    assert [ch.role for ch in bible.characters] == [r.role for r in trope.roles[:5]]
    assert all(ch.want and ch.secret and ch.look for ch in bible.characters)
    assert "Marcus" not in bible.title and "bible.logline" not in c.stats
    assert write_bible(ctx(), trope, pins, characters=5) == bible
    with pytest.raises(ValueError):  # InputError or pydantic's ValidationError
        write_bible(ctx(), trope, characters=7)
    # a free-text trope works the same way
    free = write_bible(ctx(), custom_trope("a nurse who is secretly a princess"))
    assert len(free.characters) == 4

    plan = plan_season(trope, bible, 12, 8, 75, 2)
    full = write_plan_text(ctx(), plan, bible, trope)
    for ep in full.episodes:
        assert ep.title and ep.synopsis and ep.cliffhanger
        assert "Marcus" not in ep.synopsis + ep.cliffhanger + ep.title
    part = write_plan_text(ctx(), plan, bible, trope, episodes=[7, 12])
    assert part.episode(7) == full.episode(7) and part.episode(12) == full.episode(12)
    assert part.episode(6).synopsis == ""
    with pytest.raises(ValueError):  # InputError or pydantic's ValidationError
        write_plan_text(ctx(), plan, bible, trope, episodes=[13])
