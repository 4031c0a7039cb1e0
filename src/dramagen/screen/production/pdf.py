"""reportlab helpers shared by the production PDFs: fonts, styles, strip colours, documents.

DejaVu Sans (Debian's fonts-dejavu) when present, so that any character of a script prints;
Helvetica otherwise. Documents are written with reportlab's ``invariant`` mode: the same
schedule gives the same PDF bytes.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

#: strip colours as on a paper stripboard: (interior, night) → colour
STRIP_COLOURS = {(True, False): "#ffffff", (False, False): "#fff3a0", (True, True): "#b9d3f5",
                 (False, True): "#b8e6b0"}
STRIP_LEGEND = [("INT DAY", "#ffffff"), ("EXT DAY", "#fff3a0"), ("INT NIGHT", "#b9d3f5"), ("EXT NIGHT", "#b8e6b0")]


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered once."""
    reg, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if reg.exists() and bold.exists():
        pdfmetrics.registerFont(TTFont("DejaVu", str(reg)))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(bold)))
        return "DejaVu", "DejaVu-Bold"
    return "Helvetica", "Helvetica-Bold"


def style(size: float = 8, bold: bool = False, leading: float | None = None, align: int = 0) -> ParagraphStyle:
    regular, heavy = fonts()
    return ParagraphStyle(f"s{size}{bold}{align}", fontName=heavy if bold else regular, fontSize=size,
                          leading=leading or size * 1.2, alignment=align)


def para(text: object, size: float = 8, bold: bool = False, align: int = 0) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style(size, bold, align=align))


def table_style(extra: list | None = None, size: float = 7.5) -> TableStyle:
    regular, heavy = fonts()
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), regular), ("FONTNAME", (0, 0), (-1, 0), heavy),
        ("FONTSIZE", (0, 0), (-1, -1), size), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        *(extra or []),
    ])


def build(story: list, title: str, wide: bool = False) -> bytes:
    """The PDF of ``story`` (A4, landscape when ``wide``), byte-for-byte reproducible."""
    buf = io.BytesIO()
    size = landscape(A4) if wide else A4
    doc = SimpleDocTemplate(buf, pagesize=size, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=9 * mm,
                            bottomMargin=9 * mm, title=title, author="dramagen", creator="dramagen", invariant=1)
    doc.build(story)
    return buf.getvalue()


def page_width(wide: bool = False) -> float:
    return (landscape(A4) if wide else A4)[0] - 20 * mm
