"""Fonts and text on panels and sheets: DejaVu, else Pillow's fonts (a missing font never fails); measuring,
wrapping and ellipsizing to a width in px."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

_FONT_FILES = {
    "regular": ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "bold": ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    "italic": ("DejaVuSans-Oblique.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
               "DejaVuSans.ttf"),
    "condensed": ("DejaVuSansCondensed.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
                  "DejaVuSans.ttf"),
}


@lru_cache(maxsize=256)
def font(size: int, style: str = "regular"):
    """A TrueType font of ``size`` px: DejaVu (system), else Pillow's bundled font, else the bitmap font."""
    size = max(6, int(size))
    for name in _FONT_FILES.get(style, _FONT_FILES["regular"]):
        try:
            return ImageFont.truetype(name, size)
        except Exception:  # noqa: BLE001 - any failure (missing file, no FreeType) → next candidate
            continue
    try:
        return ImageFont.load_default(size=size)
    except Exception:  # noqa: BLE001 - Pillow < 10.1 or no FreeType
        pass
    bitmap = getattr(ImageFont, "load_default_imagefont", None)  # Pillow >= 10.1: needs no FreeType
    if bitmap is not None:
        try:
            return bitmap()
        except Exception:  # noqa: BLE001
            pass
    return ImageFont.load_default()


def clear_font_cache() -> None:
    font.cache_clear()


_ASCII = str.maketrans({"↓": "v", "↑": "^", "“": '"', "”": '"', "‘": "'", "’": "'", "…": "...",
                        "—": "-", "–": "-"})


def _safe(text: str, f) -> str:
    """Text the font can encode: a bitmap font (no FreeType) knows Latin-1 only."""
    if isinstance(f, ImageFont.FreeTypeFont):
        return text
    return str(text).translate(_ASCII).encode("latin-1", "replace").decode("latin-1")


def _draw_text(d, xy, text: str, font, fill) -> None:
    d.text(xy, _safe(text, font), font=font, fill=fill)


def _text_w(f, text: str) -> float:
    text = _safe(text, f)
    try:
        return float(f.getlength(text))
    except Exception:  # noqa: BLE001 - very old bitmap fonts
        box = f.getbbox(text)
        return float(box[2] - box[0])


def _line_h(f) -> int:
    box = f.getbbox("Ag")
    return int(box[3] - min(box[1], 0)) + 2


def wrap(text: str, f, width: float) -> list[str]:
    """Greedy word wrap to ``width`` px (long words are broken)."""
    out: list[str] = []
    for para in str(text).splitlines() or [""]:
        line = ""
        for word in para.split():
            cand = f"{line} {word}" if line else word
            if _text_w(f, cand) <= width:
                line = cand
                continue
            if line:
                out.append(line)
            while _text_w(f, word) > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and _text_w(f, word[:cut] + "-") > width:
                    cut -= 1
                out.append(word[:cut] + "-")
                word = word[cut:]
            line = word
        out.append(line)
    return out


def _clip_lines(lines: list[str], n: int, f, width: float) -> list[str]:
    if len(lines) <= n:
        return lines
    last = lines[n - 1]
    while last and _text_w(f, last + "…") > width:
        last = last[:-1]
    return lines[: n - 1] + [last.rstrip() + "…"]


def _ellipsize(text: str, f, width: float) -> str:
    if _text_w(f, text) <= width:
        return text
    while text and _text_w(f, text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
