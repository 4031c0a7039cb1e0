"""The storyboard's look: palette, the standard figure, per-size framing, badges, papers, supersampling."""

# -- palette (the figure fill is a constant so that tests can find the figure) ---------------------------
PAPER = (255, 255, 255)
FRAME_BG = (247, 245, 239)
SKY = (238, 242, 247)
NIGHT_SKY = (206, 213, 230)
GROUND = (226, 222, 211)
WALL = (236, 232, 223)
LINE = (150, 146, 138)
FAINT = (200, 196, 188)
FIGURE_FILL = (118, 128, 150)  # foreground figures (measured by tests)
FIGURE_BG_FILL = (168, 175, 192)  # figures further back
BACK_FILL = (72, 76, 90)  # over-the-shoulder foreground (the listener's back)
OUTLINE = (44, 48, 62)
MOVE = (214, 40, 40)
SAFE = (40, 118, 220)
SPEAKER_BG = (255, 214, 64)
INK = (24, 24, 28)
GREY = (105, 105, 112)

#: Caption safe area of a 9:16 frame as fractions (left, top, right, bottom): clear of the
#: status bar and title at the top, the caption/username block at the bottom and the
#: button rail on the right of TikTok / Reels / Shorts / ReelShort players.
SAFE_AREA = (0.06, 0.10, 0.84, 0.80)

#: Standard figure, in head heights from the top of the head (7.5 heads tall): eyes, shoulders, hips, feet.
EYES, SHOULDERS, HIPS, FEET = 0.48, 1.25, 4.05, 7.45

#: Per shot size: (head height, top of the head) as fractions of the frame height, for a single figure.
SIZE_LAYOUT: dict[str, tuple[float, float]] = {
    "EWS": (0.0105, 0.0),  # placed on the ground far away (top computed)
    "WS": (0.095, 0.18),  # full body, feet at about 0.89
    "MS": (0.19, 0.22),  # cut at the hips
    "MCU": (0.28, 0.27),  # cut at the chest
    "CU": (0.46, 0.16),  # the head fills the frame
    "ECU": (1.10, -0.078),  # eyes across the frame
}
SIZES: tuple[str, ...] = ("EWS", "WS", "MS", "MCU", "CU", "ECU")

ANGLE_BADGE = {"high": "HIGH ANGLE", "low": "LOW ANGLE", "overhead": "OVERHEAD", "dutch": "DUTCH",
               "over the shoulder": "OTS", "pov": "POV"}
MOVE_LABEL = {"push in": "PUSH IN", "pull out": "PULL OUT", "pan": "PAN", "whip pan": "WHIP PAN", "tilt": "TILT",
              "tracking": "TRACK", "handheld": "HANDHELD", "crane": "CRANE UP"}

PAPERS_MM = {"A4": (210.0, 297.0), "LETTER": (215.9, 279.4)}
SS = 2  # supersampling of panels (drawn twice as large, then reduced: smooth lines)
