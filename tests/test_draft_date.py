"""Draft dates: a season records the day it was made (request.json ``created``) and every export's title page
carries it (Fountain, screenplain's PDF, FDX); the same season exports the same bytes on any day, a resumed
season keeps its date, ``dramagen export --draft-date`` overrides it (issue 15: every script said 1 January 1970).
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dramagen.project.pipeline import generate_season, make_request
from dramagen.project.season import SeasonDir

from .stand_in import StubGenerator
from .test_export import _pdftotext

DAY = datetime.date(2024, 3, 5)
EPOCH = str(int(datetime.datetime(2024, 3, 5, 15, 30, tzinfo=datetime.timezone.utc).timestamp()))


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}  # exports happen "today"
    return {**env, **extra}


def cli(*args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dramagen", *args], capture_output=True, text=True, env=_env(**env),
                          timeout=120)


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> Path:
    """A 10-episode season (stand-in model, through the scripts) made on 2024-03-05."""
    out = tmp_path_factory.mktemp("dated") / "season"
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        generate_season(make_request(trope="werewolf-rejected-mate", episodes=10, paywall=5, seed=4, candidates=1),
                        out, generator=StubGenerator(), stop_after="script")
    finally:
        mp.undo()
    return out


def _fdx_title_page(path: Path) -> list[str]:
    page = ET.parse(path).getroot().find("TitlePage")
    assert page is not None, "the FDX has no TitlePage"
    return [t.text or "" for t in page.iter("Text")]


def test_the_season_records_the_day_it_was_made(season):
    assert SeasonDir(season).load_request().created == DAY
    assert json.loads((season / "request.json").read_text())["created"] == "2024-03-05"
    assert "Draft date: 2024-03-05\n" in (season / "episodes" / "ep001" / "script.fountain").read_text()
    assert SeasonDir(season).load_manifest().request.created == DAY


def test_every_export_carries_the_date_and_is_byte_identical(season, tmp_path):
    for name in ("a", "b"):
        r = cli("export", str(season), "-f", "fountain,pdf,fdx", "-o", str(tmp_path / name))
        assert r.returncode == 0, r.stderr
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(a) == 30
    for rel in a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    ep = tmp_path / "a" / "ep003"
    fountain = next(ep.glob("*.fountain")).read_text()
    assert "Draft date: 2024-03-05\n" in fountain and "1970" not in fountain
    pdf_text = _pdftotext(next(ep.glob("*.pdf")))
    assert "2024-03-05" in pdf_text.split("\f")[0] and "1970" not in pdf_text  # on the title page itself
    page = _fdx_title_page(next(ep.glob("*.fdx")))
    assert "2024-03-05" in page and "Episode 3: " + SeasonDir(season).load_plan().episode(3).title in page


def test_draft_date_option_overrides_and_bad_dates_are_one_line(season, tmp_path):
    r = cli("export", str(season), "-f", "fountain,fdx", "-o", str(tmp_path / "x"), "--draft-date", "2025-12-31")
    assert r.returncode == 0, r.stderr
    ep = tmp_path / "x" / "ep001"
    assert "Draft date: 2025-12-31\n" in next(ep.glob("*.fountain")).read_text()
    assert "2025-12-31" in _fdx_title_page(next(ep.glob("*.fdx")))
    bad = cli("export", str(season), "-f", "fountain", "-o", str(tmp_path / "y"), "--draft-date", "31/12/2025")
    assert bad.returncode == 2 and not (tmp_path / "y").exists()
    err = bad.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: draft_date: '31/12/2025'") and "YYYY-MM-DD" in err


def test_a_resumed_season_keeps_its_date(season, tmp_path, monkeypatch):
    copy = tmp_path / "season"
    shutil.copytree(season, copy)
    shutil.rmtree(copy / "episodes" / "ep010")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 400 * 86400))  # resumed more than a year later
    generate_season(None, copy, generator=StubGenerator(), stop_after="script", resume=True)
    assert SeasonDir(copy).load_request().created == DAY
    assert "Draft date: 2024-03-05\n" in (copy / "episodes" / "ep010" / "script.fountain").read_text()
    with pytest.raises(Exception, match="keeps its request"):  # a different request is still refused
        generate_season(make_request(trope="werewolf-rejected-mate", episodes=12, paywall=5, seed=4, candidates=1),
                        copy, generator=StubGenerator(), stop_after="plan", resume=True)


def test_a_season_made_before_dates_were_recorded(season, tmp_path):
    """No ``created``: request.json's own date; a resume then writes it down."""
    copy = tmp_path / "old"
    shutil.copytree(season, copy)
    req = json.loads((copy / "request.json").read_text())
    del req["created"]
    (copy / "request.json").write_text(json.dumps(req))
    when = datetime.datetime(2023, 7, 9, 12, tzinfo=datetime.timezone.utc).timestamp()
    os.utime(copy / "request.json", (when, when))
    assert SeasonDir(copy).draft_date() == datetime.date(2023, 7, 9)
    r = cli("export", str(copy), "-f", "fountain", "-o", str(tmp_path / "x"))
    assert r.returncode == 0, r.stderr
    assert "Draft date: 2023-07-09\n" in next((tmp_path / "x" / "ep001").glob("*.fountain")).read_text()
    generate_season(None, copy, generator=StubGenerator(), stop_after="plan", resume=True)
    assert SeasonDir(copy).load_request().created == datetime.date(2023, 7, 9)


def test_fountain_import_gives_the_same_bytes_from_the_cli_and_the_studio(season, tmp_path):
    """`dramagen import` and the studio's Save script are one action (dramagen.project.service.import_fountain):
    the same edit gives the same files, dated with the season's draft date (not the day of the import)."""
    from dramagen.studio import edits

    cli_copy, studio_copy = tmp_path / "cli", tmp_path / "studio"
    shutil.copytree(season, cli_copy)
    shutil.copytree(season, studio_copy)
    original = (season / "episodes" / "ep002" / "script.fountain").read_text()
    edited = original.replace("Draft date: 2024-03-05", "Draft date: 1999-01-01") + "\nA door slams somewhere.\n"
    (tmp_path / "ep2.fountain").write_text(edited)
    r = cli("import", str(tmp_path / "ep2.fountain"), "--season", str(cli_copy), "--episode", "2")
    assert r.returncode == 0, r.stderr
    assert edits.save_script(SeasonDir(studio_copy), 2, edited) is True
    for name in ("script.fountain", "script.json"):
        a = (cli_copy / "episodes" / "ep002" / name).read_bytes()
        assert a == (studio_copy / "episodes" / "ep002" / name).read_bytes(), name
    fountain = (cli_copy / "episodes" / "ep002" / "script.fountain").read_text()
    assert "Draft date: 2024-03-05\n" in fountain and "A door slams somewhere." in fountain
    assert edits.save_script(SeasonDir(studio_copy), 2, fountain) is False  # unchanged: nothing written
