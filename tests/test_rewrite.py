"""``dramagen rewrite``: another take of one part of a season (dramagen.project.actions), the studio's regenerate
buttons on the command line. The CLI and the studio call the same action, so the same take of the
same part gives the same bytes from either; everything else in the season is kept exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dramagen.cli import app
from dramagen.project.pipeline import generate_season, make_request

from .stand_in import SeededStub, write_registry


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A 10-episode stand-in season written to shooting scripts (model ``stub``: lines from seed and prompt)."""
    root = tmp_path_factory.mktemp("rewrite")
    req = make_request(trope="billionaire-revenge", episodes=10, seed=4, model="stub")
    generate_season(req, root / "season", generator=SeededStub(), stop_after="shooting")
    return root / "season", write_registry(root / "registry.yaml")


@pytest.fixture
def season(made, tmp_path, monkeypatch):
    src, registry = made
    monkeypatch.setenv("DRAMAGEN_REGISTRY", str(registry))
    monkeypatch.setenv("DRAMAGEN_STUB_PER_CALL", "1")
    shutil.copytree(src, tmp_path / "s")
    return tmp_path / "s"


def rewrite(*args: str):
    return CliRunner().invoke(app, ["rewrite", *map(str, args)])


def files(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and p.name not in ("manifest.json", "studio.json")}


def test_one_beat_again_keeps_the_rest(season, made):
    before = season / "episodes/ep002/beats.json"
    old = before.read_text()
    res = rewrite("beat", season, "--episode", 2, "--beat", 3)
    assert res.exit_code == 0, res.output
    assert "episode 2 beat 3, take 1" in res.output
    from dramagen.project.season import SeasonDir

    sd, orig = SeasonDir(season), SeasonDir(made[0])
    new_b, old_b = sd.load_beats(2).beats, orig.load_beats(2).beats
    assert new_b[2].action != old_b[2].action or new_b[2].lines != old_b[2].lines
    assert [b.action for i, b in enumerate(new_b) if i != 2] == [b.action for i, b in enumerate(old_b) if i != 2]
    assert before.read_text() != old
    changed = {k for k, v in files(season).items() if files(made[0]).get(k) != v}
    assert changed <= {"episodes/ep002/beats.json", "season.md"}, changed
    again = rewrite("beat", season, "-e", 2, "-b", 3)  # no --take: the next one
    assert "take 2" in again.output


def test_cli_and_studio_write_the_same_take(season, tmp_path):
    """The same action: take 1 of episode 3's beat 2 and of its script, from the CLI and from the studio."""
    from dramagen.project.season import SeasonDir
    from dramagen.studio import steps

    other = tmp_path / "studio"
    shutil.copytree(season, other)
    assert rewrite("beat", season, "-e", 3, "-b", 2, "--take", 1).exit_code == 0
    assert rewrite("script", season, "-e", 3, "--take", 1).exit_code == 0
    sd = SeasonDir(other)
    req = sd.load_request()
    steps.rewrite_beat(sd, req, 3, 2, 1, lambda kind, text: None)
    steps.write_script(sd, req, 3, 1, lambda kind, text: None)
    assert files(season) == files(other)


def test_script_again_then_shooting(season):
    res = rewrite("script", season, "-e", 1, "--take", 2)
    assert res.exit_code == 0, res.output
    assert "old shooting script was removed" in res.output
    assert not (season / "episodes/ep001/shooting.json").exists()
    assert rewrite("shooting", season, "-e", 1).exit_code == 0
    check = CliRunner().invoke(app, ["check", str(season)])
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize(("args", "needle"), [
    (("beat", "{s}", "-e", 2, "-b", 40), "beat: 40 is not accepted; expected a beat number from 1 to"),
    (("plan", "{s}", "-e", 11), "episode: 11 is not accepted; expected an episode number from 1 to 10"),
    (("bible", "{s}", "--take", -1), "take: -1 is not accepted"),
    (("script", "{nowhere}", "-e", 1), "season:"),
])
def test_bad_input_is_one_line_naming_the_field(season, tmp_path, capsys, args, needle):
    from dramagen.cli import main

    with pytest.raises(SystemExit) as exc:  # main: the CLI's one-line errors, exit 2
        main(["rewrite", *(str(a).format(s=season, nowhere=tmp_path / "none") for a in args)])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert needle in " ".join(err.split())
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_renamed_characters_old_name_is_listed_then_replaced(season):
    """``dramagen rewrite name``: the project's rename (dramagen.project.rename) on the command line."""
    from dramagen.project.season import SeasonDir

    sd = SeasonDir(season)
    bible = sd.load_bible()
    old = bible.characters[1].name
    chars = [c.model_copy(update={"name": "Juniper Hale"}) if c.name == old else c for c in bible.characters]
    sd.write_model(sd.bible_path, bible.model_copy(update={"characters": chars}))
    listed = rewrite("name", season, old, "Juniper Hale", "--list")
    assert listed.exit_code == 0 and "script line" in listed.output, listed.output
    eps = {line.split()[1] for line in listed.output.splitlines() if " script line " in line}
    res = rewrite("name", season, old, "Juniper Hale")
    assert res.exit_code == 0 and f"{len(eps)} script(s)" in res.output.replace("\n", " "), res.output
    assert rewrite("name", season, old, "Juniper Hale", "--list").output == ""
    cue = old.split()[0].upper()
    assert not [p for p in season.glob("episodes/*/script.fountain") if cue in p.read_text().split()]
    first = (season / f"episodes/ep{int(min(eps)):03d}/script.fountain").read_text()
    assert "Juniper" in first or "JUNIPER" in first  # named in a shot or a line, or speaking
    from dramagen.core.errors import InputError

    bad = rewrite("name", season, old, "Nobody")  # (dramagen's entry point prints it in one line, exit 2)
    assert isinstance(bad.exception, InputError) and "a character of the bible: " in str(bad.exception)
