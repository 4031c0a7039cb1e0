"""A whole 10-episode season on the real default model (slow: `make test-slow`)."""

import json

import pytest

from dramagen.project.pipeline import generate_season, make_request
from dramagen.project.season import SeasonDir
from dramagen.story.check import check_dir
from dramagen.story.stages.script import script_issues

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def test_ten_episode_season_passes_check_and_is_reproducible(generator, tmp_path):
    req = make_request(trope="werewolf-rejected-mate", episodes=10, paywall=4, length=75, seed=7, candidates=4)
    a = tmp_path / "a"
    generate_season(req, a, generator=generator)
    report = check_dir(a)
    assert report.ok, [i.message for r in report.rows for i in r.issues]
    season = SeasonDir(a)
    assert season.episodes_done("shooting") == list(range(1, 11))
    bible, plan = season.load_bible(), season.load_plan()
    for n in range(1, 11):
        assert script_issues(season.load_script(n), bible, plan.episode(n), beats=season.load_beats(n)) == []
    manifest = json.loads((a / "manifest.json").read_text())
    assert manifest["request"]["seed"] == 7 and manifest["model"]["sha256"]
    assert manifest["prompts"] and all(len(h) == 64 for h in manifest["prompts"].values())
    assert set(manifest["stats"]) >= {"plan.synopsis", "plan.cliffhanger"}
    b = tmp_path / "b"
    generate_season(req, b, generator=generator)
    assert _files(a) == _files(b)  # byte-identical JSON, Fountain and markdown


def test_ten_episode_season_exports_every_format(generator, tmp_path):
    """Issue 4's proof on the real model's output: every export of a 10-episode season, the
    Fountain re-parsed by screenplain (same scenes and cues), the PDF in screenplay layout
    (pdftotext and pdftoppm), the FDX well-formed, storyboards as 9:16 panel sheets."""
    import shutil
    import subprocess
    import xml.etree.ElementTree as ET
    import zipfile

    from PIL import Image
    from screenplain.types import Dialog, Slug

    from dramagen.screen.export import export_season
    from dramagen.screen.export.screenplay import parse_fountain

    req = make_request(trope="hidden-heir", episodes=10, paywall=5, length=75, seed=3, candidates=3)
    root = tmp_path / "s"
    generate_season(req, root, generator=generator)
    report = check_dir(root)
    assert report.ok, [i.message for r in report.rows for i in r.issues]
    export_season(root, ["pdf", "fdx", "fountain", "html", "json", "csv", "storyboard", "zip", "publish"])
    season = SeasonDir(root)
    out = root / "exports"
    for n in range(1, 11):
        script = season.load_script(n)
        assert 60 <= script.estimated_seconds <= 90
        d = out / f"ep{n:03d}"
        fountain = next(d.glob("*.fountain")).read_text()
        sp = parse_fountain(fountain)
        assert [str(p.line) for p in sp if isinstance(p, Slug)] == [sc.heading for sc in script.scenes]
        cues: list[list[str]] = []  # per scene, the speakers in order of first line
        for p in sp:
            if isinstance(p, Slug):
                cues.append([])
            elif isinstance(p, Dialog) and cues:
                cue = str(p.character).strip()
                if cue not in cues[-1]:
                    cues[-1].append(cue)
        assert cues == [sc.characters for sc in script.scenes]
        pdf = next(p for p in d.glob("*.pdf") if "storyboard" not in p.name)
        assert pdf.read_bytes().startswith(b"%PDF")
        fdx = ET.parse(next(d.glob("*.fdx"))).getroot()
        types = {p.get("Type") for p in fdx.iter("Paragraph")}
        assert {"Scene Heading", "Action", "Character", "Dialogue"} <= types
        pages = sorted(d.glob("*storyboard-p*.png"))
        assert pages and next(d.glob("*storyboard.pdf")).read_bytes().startswith(b"%PDF")
        with Image.open(pages[0]) as im:
            assert im.width > im.height  # a landscape sheet of 9:16 panels
        assert next(d.glob("*shotlist.csv")).read_text().count("\n") > 5
    if shutil.which("pdftoppm"):
        pdf = next(p for p in (out / "ep001").glob("*.pdf") if "storyboard" not in p.name)
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "page")],
                       check=True)
        assert list(tmp_path.glob("page*.png"))
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        heads = [ln for ln in text.splitlines() if ln.strip().startswith(("INT.", "EXT."))]
        cues = [ln for ln in text.splitlines() if ln.strip() and ln.strip().isupper()
                and not ln.strip().startswith(("INT.", "EXT.", "CUT", "SMASH", "FADE"))]
        assert heads and cues
        indent = lambda ln: len(ln) - len(ln.lstrip())  # noqa: E731
        assert min(indent(c) for c in cues) > max(indent(h) for h in heads)  # cues sit right of headings
    zips = list(out.glob("*.zip"))
    with zipfile.ZipFile(zips[0]) as z:
        names = z.namelist()
    assert all(any(x.startswith(f"ep{n:03d}/") for x in names) for n in range(1, 11))
