"""Storyboards: one 9:16 panel per shot, drawn with Pillow, laid out on printable sheets.

A panel is a composition sketch a director can shoot from, not an illustration:

- **figures** are simple silhouettes (head, shoulders, arms, legs) labelled with the
  character's cue; one standard figure (7.5 heads tall) is scaled and placed by the shot
  size and the frame crops it: EWS tiny figures in a wide environment, WS full bodies,
  MS cut at the hips, MCU at the chest, CU the head fills the frame, ECU the eyes;
- **two-shots are stacked vertically** (9:16): the first character in the foreground,
  lower and larger, the second behind, higher and smaller, facing each other; more
  characters stand further back;
- **angle**: the horizon is the camera's height, so it runs through the subject's eyes at
  eye level, above the head for a high angle, low in the frame for a low angle (figures
  get a slight keystone); dutch tilts the whole picture; over-the-shoulder puts the
  listener's back in the foreground; overhead draws figures from above on a floor grid;
  POV darkens the corners;
- **movement** is a red arrow: push in (arrows converging from the corners), pull out
  (diverging), pan / whip pan (horizontal), tilt (vertical), tracking (along the bottom
  on a track), crane (a rising arc), handheld (a wavy line); static draws none;
- the **caption safe area** (where subtitles and on-screen text must stay, clear of the
  platforms' buttons and captions) is a dashed blue rectangle;
- under each frame a **caption block**: shot number and duration, size · angle ·
  movement, scene heading, subject / action and the spoken line, wrapped.

Sheets put 4 (landscape) or 6+ panels on an A4 or Letter page with an episode header
(series title, episode number and title, page x/y) and a legend; they are written as PNG
pages and one multi-page PDF per episode. Fonts: DejaVu when the system has it, else
Pillow's bundled font, else Pillow's bitmap font: a missing font never fails.

The package: :mod:`.style` (palette and framing tables), :mod:`.text` (fonts, wrapping), :mod:`.layout`
(where the figures, horizon and labels go), :mod:`.drawing` (one painter per part of a panel), :mod:`.panel`
(a frame from those painters), :mod:`.caption` (the text under a frame) and :mod:`.pages` (sheets, PNG, PDF).
The package re-exports the names its users import; the rest of the palette is in :mod:`.style`.
"""

from __future__ import annotations

from ...core.text import slug
from .caption import draw_caption
from .layout import _figures
from .pages import episode_stem, pages_to_pdf, storyboard_pages, write_storyboard
from .panel import draw_panel
from .style import FIGURE_BG_FILL, FIGURE_FILL, GROUND, MOVE, SAFE, SAFE_AREA, SIZES, SPEAKER_BG
from .text import clear_font_cache, font, wrap

__all__ = [
    "FIGURE_BG_FILL", "FIGURE_FILL", "GROUND", "MOVE", "SAFE", "SAFE_AREA", "SIZES", "SPEAKER_BG", "_figures",
    "clear_font_cache", "draw_caption", "draw_panel", "episode_stem", "font", "pages_to_pdf", "slug",
    "storyboard_pages", "wrap", "write_storyboard",
]
