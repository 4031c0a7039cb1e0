"""The season's documents in an export (issue 20): the zip holds the bible and the season plan as
Markdown and PDF next to every written episode; model text stays text; the same season, the same bytes."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest

from dramagen.screen.export.season_export import export_season

from .test_export import make_beats, make_script, make_shooting


@pytest.fixture
def season(season_dir):
    sd = season_dir
    plan = sd.load_plan()
    ep = plan.episodes[2].model_copy(update={"synopsis": "Mara finds <script>alert(1)</script> in the ledger."})
    sd.write_model(sd.plan_path, plan.model_copy(update={"episodes": [*plan.episodes[:2], ep, *plan.episodes[3:]]}))
    for n in (1, 2):
        sd.write_model(sd.beats_path(n), make_beats(n))
        sd.write_model(sd.script_path(n), make_script(n))
        sd.write_model(sd.shooting_path(n), make_shooting(n))
    sd.write_model(sd.beats_path(3), make_beats(3))  # written as far as its beats
    return sd


def test_the_zip_holds_the_bible_the_plan_and_every_written_episode(season, tmp_path):
    paths = export_season(season.path, "zip", out_dir=tmp_path / "out")
    zips = [p for p in paths if p.suffix == ".zip"]
    with zipfile.ZipFile(zips[0]) as zf:
        names = set(zf.namelist())
        bible_md = zf.read("bible.md").decode()
        plan_md = zf.read("season-plan.md").decode()
        assert zf.read("bible.pdf").startswith(b"%PDF") and zf.read("season-plan.pdf").startswith(b"%PDF")
    assert {n.split("/")[0] for n in names if "/" in n} == {"ep001", "ep002", "ep003"}
    bible, plan = season.load_bible(), season.load_plan()
    assert bible.logline in bible_md and all(f"### {c.name}, {c.age}" in bible_md for c in bible.characters)
    assert all(loc.heading in bible_md for loc in bible.locations)
    n = len(plan.episodes)
    assert f"{n} episodes · free 1–{plan.paywall}, paid {plan.paywall + 1}–{n}" in plan_md
    assert all(f"## Episode {e.number}: {e.title}" in plan_md for e in plan.episodes if e.title)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in plan_md and "<script>" not in plan_md


def test_bible_and_plan_pdfs_read_back_and_are_reproducible(season, tmp_path):
    a = export_season(season.path, "bible", out_dir=tmp_path / "a")
    b = export_season(season.path, {"bible"}, out_dir=tmp_path / "b")
    assert [p.name for p in a] == ["bible.md", "bible.pdf", "season-plan.md", "season-plan.pdf"]
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(a[1]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert all(c.name in text for c in season.load_bible().characters)
    plan_text = subprocess.run(["pdftotext", str(a[3]), "-"], capture_output=True, text=True, check=True).stdout
    assert "<script>alert(1)</script>" in plan_text  # text in a PDF, not markup
    assert all(f"Episode {e.number}:" in plan_text for e in season.load_plan().episodes)
