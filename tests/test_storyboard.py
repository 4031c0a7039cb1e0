"""Storyboard panels and sheets: 9:16 frames, composition by shot size and angle, movement arrows,
pages and PDF, and no crash without fonts."""

from __future__ import annotations

import math
import re
import shutil
import subprocess

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageFont

from dramagen.core.errors import InputError
from dramagen.core.models import EpisodePlan, SeriesBible, ShootingScene, ShootingScript, Shot
from dramagen.screen import storyboard as sb

from .handmade import rejected_mate_bible


@pytest.fixture(scope="module")
def bible() -> SeriesBible:
    return rejected_mate_bible()


def shot(n=1, size="MCU", **kw) -> Shot:
    kw.setdefault("subject", "Mara")
    kw.setdefault("characters", ["Mara"])
    kw.setdefault("duration", 2.0)
    return Shot(number=n, scene=1, size=size, **kw)


def mask(img: Image.Image, color, tol: int = 6, clean: bool = True) -> Image.Image:
    """Pixels of ``color`` (± tol a channel); ``clean``: isolated pixels and thin lines removed (opening)."""
    diff = ImageChops.difference(img.convert("RGB"), Image.new("RGB", img.size, color))
    r, g, b = diff.split()
    m = ImageChops.lighter(ImageChops.lighter(r, g), b).point(lambda v: 255 if v <= tol else 0)
    return m.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.MaxFilter(3)) if clean else m


def bbox_area(img: Image.Image, color) -> int:
    box = mask(img, color).getbbox()
    return 0 if box is None else (box[2] - box[0]) * (box[3] - box[1])


def count(img: Image.Image, color, tol: int = 6) -> int:
    return mask(img, color, tol).histogram()[255]


def first_row(img: Image.Image, x: int, color, tol: int = 6) -> int:
    """The first row from the top where column ``x`` has ``color``."""
    px = img.convert("RGB").load()
    for y in range(img.height):
        if all(abs(a - b) <= tol for a, b in zip(px[x, y], color)):
            return y
    return -1


def make_shooting(n_shots: int = 10) -> ShootingScript:
    sizes = ["EWS", "WS", "MS", "MCU", "CU", "ECU"]
    moves = ["static", "push in", "pull out", "pan", "tilt", "tracking", "handheld", "whip pan", "crane"]
    angles = ["eye level", "high", "low", "overhead", "dutch", "over the shoulder", "pov"]
    shots = [Shot(number=i + 1, scene=1 + i // 5, size=sizes[i % 6], movement=moves[i % 9], angle=angles[i % 7],
                  subject="Mara and Kai", characters=["Mara", "Kai Blackwood"][: 1 + i % 2],
                  line="You will regret this." if i % 2 else "", speaker="Mara" if i % 2 else "",
                  duration=1.5 + (i % 3)) for i in range(n_shots)]
    scenes = []
    for k in range(math.ceil(n_shots / 5)):
        scenes.append(ShootingScene(number=k + 1, heading="INT. PACK HALL - NIGHT" if k % 2 == 0 else
                                    "EXT. FOREST - NIGHT", location="PACK HALL" if k % 2 == 0 else "FOREST",
                                    interior=k % 2 == 0, shots=[s for s in shots if s.scene == k + 1]))
    return ShootingScript(episode=3, title="The Rejection", scenes=scenes)


PLAN = EpisodePlan(number=3, function="escalation", free=True, cliffhanger_type="reveal", strength=6,
                   title="The Rejection")


# -- panels -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("width", [90, 240, 360, 500])
def test_panel_is_9_16(bible, width):
    img = sb.draw_panel(shot(), bible, width)
    assert img.size == (width, round(width * 16 / 9))
    assert abs(img.width / img.height - 9 / 16) < 0.01


def test_too_small_panel_refused(bible):
    with pytest.raises(InputError):
        sb.draw_panel(shot(), bible, 20)


def test_figure_grows_from_ews_to_ecu(bible):
    areas, pixels = [], []
    for size in sb.SIZES:
        img = sb.draw_panel(shot(2, size), bible, 360)
        areas.append(bbox_area(img, sb.FIGURE_FILL))
        pixels.append(count(img, sb.FIGURE_FILL))
    assert all(a < b for a, b in zip(areas, areas[1:])), dict(zip(sb.SIZES, areas))
    assert all(a < b for a, b in zip(pixels, pixels[1:])), dict(zip(sb.SIZES, pixels))
    frame = 360 * 640
    assert areas[0] < 0.01 * frame  # EWS: a tiny figure
    assert pixels[4] > 0.3 * frame  # CU: the head and shoulders fill the frame


def test_two_shot_is_stacked_vertically(bible):
    img = sb.draw_panel(shot(3, "MS", characters=["Kai Blackwood", "Mara"], speaker="Mara", line="No."), bible, 360)
    fg = mask(img, sb.FIGURE_FILL).getbbox()
    bg = mask(img, sb.FIGURE_BG_FILL).getbbox()
    assert fg and bg
    assert bg[1] < fg[1] - 60  # the second figure stands higher in the frame (behind)
    assert count(img, sb.SPEAKER_BG, 8) > 50  # the speaker's name is highlighted


def test_angles_move_the_horizon(bible):
    scene = ShootingScene(number=1, heading="EXT. FOREST - DAY", location="FOREST", interior=False, time="DAY")
    rows = {}
    for angle in ("high", "eye level", "low"):
        img = sb.draw_panel(shot(2, "EWS", angle=angle), bible, 360, scene=scene)
        rows[angle] = first_row(img, 8, sb.GROUND)
    assert 0 < rows["high"] < rows["eye level"] < rows["low"], rows
    level = sb.draw_panel(shot(2, "EWS", characters=[]), bible, 360, scene=scene)
    tilted = sb.draw_panel(shot(2, "EWS", characters=[], angle="dutch"), bible, 360, scene=scene)
    assert abs(first_row(level, 8, sb.GROUND) - first_row(level, 351, sb.GROUND)) <= 2
    assert abs(first_row(tilted, 8, sb.GROUND) - first_row(tilted, 351, sb.GROUND)) > 30  # dutch: tilted


@pytest.mark.parametrize("move", ["push in", "pull out", "pan", "tilt", "tracking", "handheld", "whip pan", "crane"])
def test_camera_movement_is_drawn(bible, move):
    assert count(sb.draw_panel(shot(movement=move), bible, 360), sb.MOVE, 10) > 100
    assert count(sb.draw_panel(shot(movement="static"), bible, 360), sb.MOVE, 10) == 0


def test_arrow_directions(bible):
    """Pan arrows sit across the top, tilt arrows on a side, tracking along the bottom."""
    def red_box(move):
        return mask(sb.draw_panel(shot(movement=move), bible, 360), sb.MOVE, 10).getbbox()

    pan, tilt, track = red_box("pan"), red_box("tilt"), red_box("tracking")
    assert pan[2] - pan[0] > 2 * (pan[3] - pan[1]) and pan[3] < 200
    assert tilt[3] - tilt[1] > 2 * (tilt[2] - tilt[0]) or tilt[0] > 250
    assert track[1] > 500


def test_every_angle_size_and_odd_input_draws(bible):
    for angle in ("eye level", "high", "low", "overhead", "dutch", "over the shoulder", "pov"):
        for size in sb.SIZES:
            for chars in ([], ["Mara"], ["Mara", "Kai Blackwood"], ["Mara", "Kai Blackwood", "Selene", "Nobody Known",
                                                                     "Fifth Person"]):
                img = sb.draw_panel(shot(5, size, angle=angle, characters=chars, speaker="Nobody Known"), bible, 120)
                assert img.size == (120, 213)
    # no bible, unknown names, long texts
    long = shot(1, "CU", subject="x" * 300, action="word " * 200, line="ünïcødé " * 60, speaker="Stranger",
                notes="n " * 100, characters=["Stranger Danger"])
    assert sb.draw_panel(long, None, 200).size == (200, 356)
    assert sb.draw_caption(long, None, 200, 150).size == (200, 150)


def test_caption_safe_area_is_marked(bible):
    img = sb.draw_panel(shot(size="WS"), bible, 360)
    m = mask(img, sb.SAFE, 40, clean=False)
    box = m.getbbox()
    assert box is not None
    left, top, right, bottom = sb.SAFE_AREA
    assert abs(box[0] - left * 360) < 6 and abs(box[3] - bottom * 640) < 6


# -- sheets -----------------------------------------------------------------------------------------------
def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def test_pages_hold_every_shot_and_pdf_pages_match(bible, tmp_path, monkeypatch):
    shooting = make_shooting(10)
    drawn = []
    real = sb.draw_panel
    # the sheets call draw_panel where dramagen.screen.storyboard.pages looks it up
    monkeypatch.setattr(sb.pages, "draw_panel", lambda s, *a, **k: drawn.append(s.number) or real(s, *a, **k))
    pages = sb.storyboard_pages(shooting, bible, PLAN)
    assert drawn == list(range(1, 11))  # one panel a shot, in order
    assert len(pages) == 3 and all(p.size == (1754, 1240) for p in pages)  # 4 a page, A4 landscape at 150 dpi
    drawn.clear()
    portrait = sb.storyboard_pages(shooting, bible, PLAN, paper="Letter", orientation="portrait", per_page=6)
    assert len(portrait) == 2 and portrait[0].size == (1275, 1650)

    paths = sb.write_storyboard(shooting, bible, PLAN, tmp_path / "sb")
    assert [p.name for p in paths] == ["ep003-the-rejection-storyboard-p1.png", "ep003-the-rejection-storyboard-p2.png",
                                       "ep003-the-rejection-storyboard-p3.png", "ep003-the-rejection-storyboard.pdf"]
    data = paths[-1].read_bytes()
    assert data.startswith(b"%PDF") and _pdf_pages(data) == 3
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(paths[-1])], capture_output=True, text=True, check=True).stdout
        assert re.search(r"Pages:\s+3", info)
        assert "841" in info or "842" in info  # A4 landscape: 842 x 595 pt
    # the same shooting script gives the same PDF (no timestamps)
    assert sb.write_storyboard(shooting, bible, PLAN, tmp_path / "sb2")[-1].read_bytes() == data
    assert not list((tmp_path / "sb").glob(".*.tmp"))


def test_page_header_is_drawn(bible):
    page = sb.storyboard_pages(make_shooting(2), bible, PLAN)[0]
    header = page.crop((0, 0, page.width, 140)).convert("L")
    assert header.getextrema()[0] < 60  # dark header text is there
    assert len(sb.storyboard_pages(make_shooting(1), None, None)) == 1


def test_bad_layout_values_refused(bible):
    with pytest.raises(InputError):
        sb.storyboard_pages(make_shooting(2), bible, PLAN, paper="A5")
    with pytest.raises(InputError):
        sb.storyboard_pages(make_shooting(2), bible, PLAN, orientation="diagonal")
    with pytest.raises(InputError):
        sb.storyboard_pages(make_shooting(2), bible, PLAN, per_page=0)


def test_missing_fonts_do_not_crash(bible, tmp_path, monkeypatch):
    """No TrueType font at all (no DejaVu, no FreeType for Pillow's bundled one): the bitmap font is used."""
    def no_font(*a, **k):
        raise OSError("cannot open resource")

    monkeypatch.setattr(ImageFont, "truetype", no_font)
    monkeypatch.setattr(ImageFont, "load_default", no_font)
    sb.clear_font_cache()
    try:
        assert sb.draw_panel(shot(movement="push in", angle="high", line="Hi.", speaker="Mara"), bible, 240).size == \
            (240, 427)
        paths = sb.write_storyboard(make_shooting(5), bible, PLAN, tmp_path)
        assert paths[-1].suffix == ".pdf" and len(paths) == 3
    finally:
        sb.clear_font_cache()


def test_slug_and_stem():
    assert sb.episode_stem(1, "The Rejection!") == "ep001-the-rejection"
    assert sb.episode_stem(12, "") == "ep012"
    assert sb.episode_stem(3, "../../etc/passwd") == "ep003-etc-passwd"
    assert sb.slug("Café Noir — Part 2") == "cafe-noir-part-2"
