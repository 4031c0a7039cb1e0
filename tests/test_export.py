"""Exports of a hand-built season folder: Fountain, screenplay PDF/FDX/HTML, JSON, CSV shot list,
storyboards, publishing packs and the season zip."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from dramagen.core.errors import InputError, PromptError, SeasonDataError
from dramagen.core.models import (
    Beat,
    EpisodeBeats,
    EpisodeScript,
    Scene,
    ScriptElement,
    ShootingScene,
    ShootingScript,
    Shot,
)
from dramagen.project.season import SeasonDir
from dramagen.screen.export.publish import MAX_CAPTION, caption, hashtag, publish_pack
from dramagen.screen.export.screenplay import fountain_to_fdx, fountain_to_html, fountain_to_pdf, parse_fountain
from dramagen.screen.export.season_export import FORMATS, export_season, parse_formats
from dramagen.screen.export.shotlist import SHOTLIST_COLUMNS, shotlist_csv

from .handmade import TITLES, rejected_mate_bible, rejected_mate_plan


def make_script(n: int) -> EpisodeScript:
    e = ScriptElement
    s1 = Scene(number=1, location="PACK HALL", interior=True, time="NIGHT", elements=[
        e(kind="action", text="The whole pack watches. Mara stands alone under the moonlit window.", beat=1),
        e(kind="character", text="KAI", beat=1),
        e(kind="parenthetical", text="(cold)", beat=1),
        e(kind="dialogue", text="I, Kai Blackwood, reject you as my mate.", beat=1),
        e(kind="character", text="MARA", beat=2),
        e(kind="dialogue", text="Then you will watch me rise without you.", beat=2),
    ])
    s2 = Scene(number=2, location="FOREST", interior=False, time="NIGHT", elements=[
        e(kind="action", text="Mara runs between the pines. Selene steps out of the dark.", beat=3),
        e(kind="character", text="SELENE", beat=3),
        e(kind="dialogue", text=f"Did you really think he'd choose you? Episode {n} ends here.", beat=3),
        e(kind="transition", text="CUT TO:", beat=3),
    ])
    return EpisodeScript(episode=n, title=TITLES[n], target_seconds=75, estimated_seconds=74.0, scenes=[s1, s2])


def make_shooting(n: int) -> ShootingScript:
    sc1 = [
        Shot(number=1, scene=1, size="WS", subject="The pack hall", characters=["Mara"], duration=2.5,
             action="The whole pack watches Mara."),
        Shot(number=2, scene=1, size="MS", movement="push in", subject="Kai and Mara",
             characters=["Kai Blackwood", "Mara"], line="I, Kai Blackwood, reject you as my mate.",
             speaker="Kai Blackwood", duration=3.5, notes="stacked two-shot"),
        Shot(number=3, scene=1, size="CU", subject="Mara", characters=["Mara"],
             line="Then you will watch me rise without you.", speaker="Mara", duration=3.0),
    ]
    sc2 = [
        Shot(number=4, scene=2, size="EWS", angle="high", subject="The forest", characters=["Mara"], duration=2.0),
        Shot(number=5, scene=2, size="MCU", angle="low", movement="handheld", subject="Selene",
             characters=["Selene"], line="Did you really think he'd choose you?", speaker="Selene", duration=3.0),
        Shot(number=6, scene=2, size="ECU", subject="=SUM(A1) the ring", characters=[], duration=1.5),
    ]
    return ShootingScript(episode=n, title=TITLES[n], scenes=[
        ShootingScene(number=1, heading="INT. PACK HALL - NIGHT", location="PACK HALL", cast=["Mara", "Kai Blackwood"],
                      seconds=9, shots=sc1),
        ShootingScene(number=2, heading="EXT. FOREST - NIGHT", location="FOREST", interior=False,
                      cast=["Mara", "Selene"], seconds=6.5, shots=sc2)])


def make_beats(n: int) -> EpisodeBeats:
    return EpisodeBeats(episode=n, target_seconds=75, cliffhanger_type="reveal", beats=[
        Beat(index=1, kind="hook", start=0, end=5, location="PACK HALL", characters=["Kai Blackwood"]),
        Beat(index=2, kind="development", start=5, end=50, location="PACK HALL", new_scene=False),
        Beat(index=3, kind="cliffhanger", start=50, end=75, location="FOREST", characters=["Selene"]),
    ])


@pytest.fixture
def season(season_dir) -> Path:
    """The season_dir fixture (request, bible, plan) with episodes 1 and 2's beats, script and shooting script."""
    sd = season_dir
    for n in (1, 2):
        sd.write_model(sd.beats_path(n), make_beats(n))
        sd.write_model(sd.script_path(n), make_script(n))
        sd.write_model(sd.shooting_path(n), make_shooting(n))
    return sd.path


def _fountain(n: int = 1) -> str:
    from dramagen.screen.fountain import to_fountain

    return to_fountain(make_script(n), rejected_mate_bible(), rejected_mate_plan().episode(n), draft_date="2025-01-01")


# -- screenplay formats ---------------------------------------------------------------------------------
def test_fountain_reparsed_by_screenplain_has_the_same_scenes_and_characters():
    from screenplain.types import Dialog, Slug

    script = make_script(1)
    sp = parse_fountain(_fountain(1))
    slugs = [str(p.line) for p in sp if isinstance(p, Slug)]
    assert slugs == [sc.heading for sc in script.scenes]
    cues = [str(p.character).strip() for p in sp if isinstance(p, Dialog)]
    assert cues == [c for sc in script.scenes for c in sc.characters]
    assert sp.title_page["Title"] == ["The Alpha's Rejected Mate"]


def _pdftotext(pdf: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext missing: install poppler-utils (apt-get install poppler-utils)")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_pdf_shows_headings_cues_and_is_reproducible(tmp_path):
    data = fountain_to_pdf(_fountain(1))
    assert data.startswith(b"%PDF")
    assert fountain_to_pdf(_fountain(1)) == data  # invariant: no timestamps
    p = tmp_path / "ep.pdf"
    p.write_bytes(data)
    text = _pdftotext(p)
    for heading in ("INT. PACK HALL - NIGHT", "EXT. FOREST - NIGHT"):
        assert heading in text
    for cue in ("KAI", "MARA", "SELENE"):
        assert any(line.strip() == cue for line in text.splitlines()), cue
    assert "Episode 1: The Rejection" in text  # the episode line on the title page
    # cues are indented further than dialogue, dialogue further than action
    lines = text.splitlines()

    def indent(s: str) -> int:
        line = next(ln for ln in lines if s in ln)
        return len(line) - len(line.lstrip())

    assert indent("SELENE") > indent("Did you really think") > indent("Mara runs between")


def test_fdx_is_well_formed_with_the_paragraph_types():
    root = ET.fromstring(fountain_to_fdx(_fountain(1)).encode())
    assert root.tag == "FinalDraft"
    types = [p.get("Type") for p in root.iter("Paragraph")]
    for t in ("Scene Heading", "Action", "Character", "Dialogue", "Parenthetical", "Transition"):
        assert t in types, t
    heads = ["".join(t.text or "" for t in p.iter("Text")) for p in root.iter("Paragraph")
             if p.get("Type") == "Scene Heading"]
    assert heads == ["INT. PACK HALL - NIGHT", "EXT. FOREST - NIGHT"]


def test_fdx_survives_markup_and_control_characters():
    text = "INT. PACK HALL - NIGHT\n\nMara <b>&amp;</b> \x07Kai & co.\n\nMARA\nA < B & C > D\n"
    root = ET.fromstring(fountain_to_fdx(text).encode())
    assert "A < B & C > D" in "".join(t.text or "" for t in root.iter("Text"))


def test_html_has_headings_and_cues():
    html = fountain_to_html(_fountain(1))
    assert "<html" in html and "INT. PACK HALL - NIGHT" in html and "SELENE" in html
    bare = fountain_to_html(_fountain(1), bare=True)
    assert "<html" not in bare and "KAI" in bare


# -- shot list, publishing -----------------------------------------------------------------------------
def test_shotlist_csv_one_row_a_shot_and_formula_guard():
    shooting = make_shooting(1)
    rows = list(csv.DictReader(io.StringIO(shotlist_csv(shooting))))
    assert len(rows) == len(shooting.shots)
    assert list(rows[0]) == list(SHOTLIST_COLUMNS)
    assert rows[1]["line"] == "I, Kai Blackwood, reject you as my mate."
    assert rows[1]["size"] == "MS" and rows[1]["movement"] == "push in" and rows[1]["duration"] == "3.5"
    assert rows[5]["subject"].startswith("'=")  # no formula injection


def test_publish_pack_caption_hashtags_and_hook():
    from dramagen.story.tropes import get_trope

    bible, plan = rejected_mate_bible(), rejected_mate_plan()
    pack = publish_pack(bible, plan.episode(1), make_script(1), get_trope(bible.trope_id))
    assert len(pack["caption"]) <= MAX_CAPTION
    assert pack["free"] is True and pack["access"] == "free"
    assert pack["hook"] == "I, Kai Blackwood, reject you as my mate."
    tags = pack["hashtags"]
    assert tags[:2] == ["#shortdrama", "#microdrama"]
    assert {"#fantasy", "#TheAlphasRejectedMate", "#WerewolfRejectedMate", "#mate"} <= set(tags), tags
    assert len(tags) == len({t.lower() for t in tags}) <= 8
    assert all(t.startswith("#") and " " not in t for t in pack["hashtags"])
    paid = publish_pack(bible, plan.episode(5), None)
    assert paid["access"] == "paid" and paid["hook"]
    long = caption(7, "A Title", "word " * 200, True)
    assert len(long) <= MAX_CAPTION and long.endswith("…")
    assert hashtag("sci-fi") == "#scifi" and hashtag("forget me not") == "#ForgetMeNot"


# -- the season exporter ---------------------------------------------------------------------------------
def test_parse_formats():
    assert parse_formats("pdf, fdx") == {"pdf", "fdx"}
    assert parse_formats({"zip"}) == {"zip"}
    for bad in ("pdf,docx", "", {"PDFX"}, "../x"):
        with pytest.raises(InputError) as e:
            parse_formats(bad)
        assert e.value.field == "format" and "comma-separated subset" in str(e.value)


def test_export_all_formats(season):
    events = []
    paths = export_season(season, set(FORMATS), progress=lambda *a: events.append(a))
    root = season / "exports"
    assert all(p.is_file() and root in p.parents for p in paths)
    names = {p.relative_to(root).as_posix() for p in paths}
    for n, t in ((1, "the-rejection"), (2, "silver-moon-oath")):
        stem = f"ep{n:03d}/ep{n:03d}-{t}"
        for suffix in (".fountain", ".pdf", ".fdx", ".html", ".json", "-shotlist.csv", "-storyboard.pdf",
                       "-storyboard-p1.png", "-publish.json", "-publish.md"):
            assert stem + suffix in names, stem + suffix
    assert "shotlist.csv" in names
    assert events and events[-1][0] == "export" and events[-1][1] == events[-1][2]

    # CSV: the season list has every shot
    rows = list(csv.DictReader(io.StringIO((root / "shotlist.csv").read_text())))
    assert len(rows) == 12 and {r["episode"] for r in rows} == {"1", "2"}
    # JSON round-trips the models
    data = json.loads((root / "ep001" / "ep001-the-rejection.json").read_text())
    assert EpisodeScript(**data["script"]) == make_script(1)
    assert ShootingScript(**data["shooting"]) == make_shooting(1)
    # HTML through the template: a title block and screenplain's markup
    html = (root / "ep002" / "ep002-silver-moon-oath.html").read_text()
    assert "Episode 2: Silver Moon Oath" in html and "EXT. FOREST - NIGHT" in html
    assert "The Alpha&#39;s Rejected Mate" in html
    # publish markdown through its template
    md = (root / "ep001" / "ep001-the-rejection-publish.md").read_text()
    assert "# The Alpha's Rejected Mate · Episode 1: The Rejection" in md and "#fantasy" in md

    # zip: one folder per episode, no escaping member names, contents equal to the files
    zips = [p for p in paths if p.suffix == ".zip"]
    assert [z.name for z in zips] == ["the-alpha-s-rejected-mate.zip"]
    with zipfile.ZipFile(zips[0]) as zf:
        members = zf.namelist()
        assert zf.testzip() is None
        for m in members:
            assert not m.startswith("/") and ".." not in m.split("/") and "\\" not in m
        folders = sorted({m.split("/")[0] for m in members if "/" in m})
        assert folders == ["ep001", "ep002"]
        assert zf.read("ep001/ep001-the-rejection.fdx") == (root / "ep001" / "ep001-the-rejection.fdx").read_bytes()
    assert len(members) == len(paths) - 1


def test_export_is_reproducible(season, tmp_path):
    a = export_season(season, "pdf,fdx,csv,zip", out_dir=tmp_path / "a")
    b = export_season(season, "pdf,fdx,csv,zip", out_dir=tmp_path / "b")
    for pa, pb in zip(a, b):
        assert pa.name == pb.name and pa.read_bytes() == pb.read_bytes(), pa.name


def test_zip_alone_means_everything(season, tmp_path):
    paths = export_season(season, {"zip"}, out_dir=tmp_path / "z")
    with zipfile.ZipFile(paths[-1]) as zf:
        names = zf.namelist()
    assert any(n.endswith(".pdf") for n in names) and any(n.endswith("-storyboard-p1.png") for n in names)


def test_export_one_episode_and_skip_missing_files(season):
    SeasonDir(season).shooting_path(2).unlink()
    paths = export_season(season, {"csv", "pdf"}, episodes=[2])
    names = sorted(p.name for p in paths)
    assert names == ["ep002-silver-moon-oath.pdf"]  # no shooting script for episode 2: no CSV
    with pytest.raises(InputError):
        export_season(season, {"pdf"}, episodes=[11])


def test_dotdot_output_path_is_refused(season):
    with pytest.raises(InputError) as e:
        export_season(season, {"csv"}, out_dir=season / ".." / "elsewhere")
    assert e.value.field == "out_dir"
    with pytest.raises(InputError):
        export_season(season, {"csv"}, out_dir="../elsewhere")
    assert not (season.parent / "elsewhere").exists()


def test_every_file_is_written_atomically(season, monkeypatch):
    replaced: set[Path] = set()
    real = os.replace

    def spy(src, dst, *a, **kw):
        replaced.add(Path(dst).resolve())
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(os, "replace", spy)
    paths = export_season(season, set(FORMATS))
    on_disk = {p.resolve() for p in (season / "exports").rglob("*") if p.is_file()}
    assert on_disk == {p.resolve() for p in paths}
    assert on_disk <= replaced  # every file came in by rename from a temporary file
    assert not [p for p in (season / "exports").rglob(".*.tmp")]


def test_invalid_format_and_missing_season(season, tmp_path):
    with pytest.raises(InputError) as e:
        export_season(season, {"pdf", "mp4"})
    assert ("comma-separated subset of fountain, pdf, fdx, html, json, csv, storyboard, publish, bible, zip"
            in str(e.value))
    with pytest.raises(SeasonDataError):
        export_season(tmp_path / "nothing", {"pdf"})


def test_formats_needing_scripts_without_scripts(season):
    sd = SeasonDir(season)
    for n in (1, 2):
        sd.script_path(n).unlink()
    with pytest.raises(SeasonDataError, match="script"):
        export_season(season, {"pdf"})
    assert export_season(season, {"pdf", "publish"})  # publish needs no script


def test_user_template_is_used_and_sandboxed(season, tmp_path):
    tdir = tmp_path / "tpl"
    tdir.mkdir()
    (tdir / "publish.md.j2").write_text("CUSTOM {{ pack.title }} {{ pack.caption | length }}\n")
    paths = export_season(season, {"publish"}, templates_dir=tdir)
    md = [p for p in paths if p.name.endswith("-publish.md")][0]
    assert md.read_text().startswith("CUSTOM The Rejection")

    (tdir / "publish.md.j2").write_text("{{ pack.__class__.__mro__[1].__subclasses__() }}\n")
    with pytest.raises(PromptError):
        export_season(season, {"publish"}, templates_dir=tdir)
    (tdir / "screenplay.html.j2").write_text("{{ bible.__class__.__init__.__globals__ }}\n")
    with pytest.raises(PromptError):
        export_season(season, {"html"}, templates_dir=tdir)
    with pytest.raises(InputError):
        export_season(season, {"html"}, templates_dir=tmp_path / "missing")


def test_storyboard_export_has_a_png_per_page_and_pdf(season):
    from PIL import Image

    paths = export_season(season, {"storyboard"}, episodes=[1])
    pngs = [p for p in paths if p.suffix == ".png"]
    pdf = [p for p in paths if p.suffix == ".pdf"]
    assert len(pngs) == 2 and len(pdf) == 1  # 6 shots, 4 a page
    with Image.open(pngs[0]) as im:
        assert im.size == (1754, 1240)  # A4 landscape at 150 dpi
    assert pdf[0].read_bytes().count(b"/Type /Page\n") + pdf[0].read_bytes().count(b"/Type /Page ") >= 1


def test_a_link_out_of_the_export_folder_is_refused(season, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (season / "exports").mkdir()
    (season / "exports" / "ep001").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError):
        export_season(season, {"fountain"})
    assert not list(outside.iterdir())
