"""Storyboard sheets: panels and captions laid out on A4 / Letter pages, written as PNG pages and one PDF."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from ...core.errors import InputError
from ...core.models import EpisodePlan, SeriesBible, ShootingScript
from ...core.text import slug
from ...project.season import atomic_write_bytes, safe_join
from .caption import _fmt_seconds, draw_caption
from .panel import draw_panel
from .style import GREY, INK, PAPER, PAPERS_MM
from .text import _draw_text, _ellipsize, _line_h, _text_w, font


def episode_stem(number: int, title: str = "") -> str:
    s = slug(title)
    return f"ep{number:03d}-{s}" if s else f"ep{number:03d}"


def _page_px(paper: str, orientation: str, dpi: int) -> tuple[int, int]:
    key = paper.upper()
    if key not in PAPERS_MM:
        raise InputError("paper", paper, "A4 or Letter")
    if orientation not in ("landscape", "portrait"):
        raise InputError("orientation", orientation, "landscape or portrait")
    w, h = (round(mm / 25.4 * dpi) for mm in PAPERS_MM[key])
    return (h, w) if orientation == "landscape" else (w, h)


def _grid(per_page: int, orientation: str) -> tuple[int, int]:
    if orientation == "landscape":
        cols = per_page if per_page <= 6 else math.ceil(per_page / 2)
    else:
        cols = min(3, per_page)
    return cols, math.ceil(per_page / cols)


def storyboard_pages(shooting: ShootingScript, bible: SeriesBible | None = None, plan_ep: EpisodePlan | None = None,
                     *, paper: str = "A4", orientation: str = "landscape", per_page: int = 4,
                     dpi: int = 150) -> list[Image.Image]:
    """The episode's storyboard sheets: ``per_page`` panels a page with an episode header and page x/y."""
    if not 1 <= per_page <= 12:
        raise InputError("per_page", per_page, "1 to 12 panels a page")
    if not 72 <= dpi <= 600:
        raise InputError("dpi", dpi, "72 to 600")
    PW, PH = _page_px(paper, orientation, dpi)
    k = dpi / 150.0
    margin, gap = int(50 * k), int(26 * k)
    header_h, footer_h = int(96 * k), int(34 * k)
    cols, rows = _grid(per_page, orientation)
    cell_w = (PW - 2 * margin - (cols - 1) * gap) / cols
    cell_h = (PH - 2 * margin - header_h - footer_h - (rows - 1) * gap) / rows
    # the caption takes about 0.55 of the frame width below the frame
    fw = int(min(cell_w, cell_h / (16 / 9 + 0.58)))
    fh = round(fw * 16 / 9)
    cap_h = int(cell_h - fh - 6 * k)

    shots = [(sc, sh) for sc in shooting.scenes for sh in sc.shots]
    n_pages = max(1, math.ceil(len(shots) / per_page))
    number = shooting.episode
    title = (plan_ep.title if plan_ep and plan_ep.title else shooting.title) or ""
    series = bible.title if bible else ""
    total = sum(sh.duration for _, sh in shots)
    pages: list[Image.Image] = []
    for p in range(n_pages):
        page = Image.new("RGB", (PW, PH), PAPER)
        d = ImageDraw.Draw(page)
        f1, f2, f3 = font(int(30 * k), "bold"), font(int(19 * k)), font(int(13 * k))
        _draw_text(d, (margin, margin), _ellipsize(series or "Storyboard", f1, PW * 0.6), font=f1, fill=INK)
        ep = f"Episode {number}" + (f": {title}" if title else "")
        extra = []
        if plan_ep is not None:
            extra.append("free" if plan_ep.free else "paid")
            extra.append(f"cliffhanger: {plan_ep.cliffhanger_type}")
        extra.append(f"{len(shots)} shots, {_fmt_seconds(total)}")
        sub = _ellipsize(f"{ep}  ·  " + " · ".join(extra), f2, PW * 0.75)
        _draw_text(d, (margin, margin + _line_h(f1) + 4 * k), sub, font=f2, fill=GREY)
        right = f"STORYBOARD  ·  page {p + 1}/{n_pages}"
        fr = font(int(19 * k), "bold")
        _draw_text(d, (PW - margin - _text_w(fr, right), margin + 6 * k), right, font=fr, fill=INK)
        d.line([(margin, margin + header_h - 12 * k), (PW - margin, margin + header_h - 12 * k)], fill=INK,
               width=max(1, int(2 * k)))
        chunk = shots[p * per_page:(p + 1) * per_page]
        grid_w = cols * fw + (cols - 1) * gap
        x_start = (PW - grid_w) / 2
        for i, (sc, sh) in enumerate(chunk):
            r, c = divmod(i, cols)
            x = int(x_start + c * (fw + gap))
            y = int(margin + header_h + r * (cell_h + gap))
            panel = draw_panel(sh, bible, fw, scene=sc)
            page.paste(panel, (x, y))
            cap = draw_caption(sh, bible, fw, cap_h, sc.heading)
            page.paste(cap, (x, y + fh + int(6 * k)))
        legend = ("9:16 frames · dashed blue: caption safe area · red: camera movement · "
                  "yellow name: speaking · grey figures: further back · dotted: eyeline")
        _draw_text(d, (margin, PH - margin - _line_h(f3)), _ellipsize(legend, f3, PW - 2 * margin - 200 * k), font=f3,
               fill=GREY)
        foot = f"ep{number:03d} · dramagen"
        _draw_text(d, (PW - margin - _text_w(f3, foot), PH - margin - _line_h(f3)), foot, font=f3, fill=GREY)
        pages.append(page)
    return pages


def pages_to_pdf(pages: Sequence[Image.Image], dpi: int = 150, title: str = "") -> bytes:
    """One multi-page PDF of the pages (no timestamps: the same pages give the same bytes)."""
    if not pages:
        raise InputError("pages", 0, "at least one page")
    buf = io.BytesIO()
    first, rest = pages[0].convert("RGB"), [p.convert("RGB") for p in pages[1:]]
    first.save(buf, "PDF", save_all=True, append_images=rest, resolution=float(dpi), title=title or "storyboard",
               creator="dramagen", producer="dramagen", creationDate=None, modDate=None)
    return buf.getvalue()


def write_storyboard(shooting: ShootingScript, bible: SeriesBible | None, plan_ep: EpisodePlan | None,
                     out_dir: str | Path, *, stem: str | None = None, paper: str = "A4",
                     orientation: str = "landscape", per_page: int = 4, dpi: int = 150) -> list[Path]:
    """Write ``STEM-storyboard-p1.png``… and ``STEM-storyboard.pdf`` into ``out_dir`` (atomically).

    Returns the PNG pages then the PDF.
    """
    out = Path(out_dir)
    title = (plan_ep.title if plan_ep and plan_ep.title else shooting.title) or ""
    stem = stem or episode_stem(shooting.episode, title)
    pages = storyboard_pages(shooting, bible, plan_ep, paper=paper, orientation=orientation, per_page=per_page,
                             dpi=dpi)
    paths: list[Path] = []
    for i, page in enumerate(pages, 1):
        buf = io.BytesIO()
        page.save(buf, "PNG", dpi=(dpi, dpi))
        p = safe_join(out, f"{stem}-storyboard-p{i}.png")
        atomic_write_bytes(p, buf.getvalue())
        paths.append(p)
    pdf = safe_join(out, f"{stem}-storyboard.pdf")
    label = f"{bible.title} · " if bible else ""
    atomic_write_bytes(pdf, pages_to_pdf(pages, dpi, f"{label}Episode {shooting.episode} storyboard"))
    paths.append(pdf)
    return paths
