"""Fountain → industry-format screenplay PDF, Final Draft FDX and HTML, through screenplain.

screenplain is used as a library: :func:`parse_fountain` gives its ``Screenplay``; the
PDF is its ReportLab layout (US Letter by default, Courier Prime 12 pt, 1.5" left
margin, character cues at 3.7", dialogue at 2.5", page numbers top right from page 2,
title page from the Fountain title page), FDX its Final Draft XML (``Scene Heading``,
``Action``, ``Character``, ``Parenthetical``, ``Dialogue``, ``Transition`` paragraphs),
HTML its markup with its stylesheet.

The episode line of dramagen's title page (``Episode: 3: The Rejection``) is a key
screenplain does not print; it is added under the title on the PDF title page.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

from ...core.errors import InputError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
PAGE_SIZES = ("letter", "a4")


def clean_text(text: str) -> str:
    """Fountain text safe for XML/PDF: no control characters, ``\\n`` line ends, no BOM."""
    if not isinstance(text, str):
        raise InputError("fountain", type(text).__name__, "Fountain text (a str)")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def parse_fountain(text: str):
    """screenplain's ``Screenplay`` (title page dict + paragraphs) of Fountain text."""
    from screenplain.parsers import fountain

    return fountain.parse(io.StringIO(clean_text(text)))


def _with_episode_on_title(screenplay) -> None:
    page = screenplay.title_page
    if page.get("Episode") and page.get("Title"):
        ep = " ".join(page["Episode"]).strip()
        label = ep if ep.lower().startswith("episode") else f"Episode {ep}"
        page["Title"] = list(page["Title"]) + [label]


def _wrap_title(screenplay, settings) -> None:
    """Break the title page's title lines to the title frame's width ourselves. screenplain measures the title
    in the (wider) script frame but sets it in the title frame: a title that wraps there is taller than
    measured, and the draft date at the foot of the title page spills onto a page of its own."""
    import textwrap

    title = screenplay.title_page.get("Title")
    if not title:
        return
    per_line = max(8, int(settings.title_frame_width / (0.6 * settings.title_style.fontSize)) - 1)  # Courier: 0.6 em
    screenplay.title_page["Title"] = [part for line in title for part in (textwrap.wrap(line, per_line) or [line])]


def fountain_to_pdf(text: str, *, page_size: str = "letter", strong_slugs: bool = False,
                    standard_font: bool = False) -> bytes:
    """An industry-format screenplay PDF of Fountain text (same text, same bytes)."""
    from reportlab.lib import pagesizes
    from screenplain.export import pdf

    if page_size.lower() not in PAGE_SIZES:
        raise InputError("page_size", page_size, "letter or a4")
    screenplay = parse_fountain(text)
    _with_episode_on_title(screenplay)
    settings = pdf.Settings(
        page_size=pagesizes.letter if page_size.lower() == "letter" else pagesizes.A4,
        strong_slugs=strong_slugs,
        font_settings=pdf.get_standard_font_settings() if standard_font else None,
    )
    _wrap_title(screenplay, settings)
    buf = io.BytesIO()
    # invariant: no creation date or random document id, so re-exports are byte-identical
    pdf.to_pdf(screenplay, buf, template_constructor=functools.partial(pdf.DocTemplate, invariant=1),
               settings=settings)
    return buf.getvalue()


#: the Fountain title page on the FDX title page, as on the PDF's (the Fountain spec's layout): centred, then lower left
_TITLE_CENTRED = ("Title", "", "Credit", "Author", "Authors", "Source")
_TITLE_LOWER = ("Draft date", "Contact", "Copyright")


def _fdx_title_page(screenplay) -> str:
    """A Final Draft ``<TitlePage>`` of the screenplay's Fountain title page ('' when it has none)."""
    from xml.sax.saxutils import escape

    page = screenplay.title_page
    if not page:
        return ""

    def para(text: str, align: str) -> str:
        body = escape(_CONTROL.sub("", text))
        return f'      <Paragraph Alignment="{align}">\n        <Text>{body}</Text>\n      </Paragraph>\n'

    out = []
    for key in _TITLE_CENTRED:
        out += [para("", "Center")] if not key else [para(line, "Center") for line in page.get(key, [])]
    out += [para("", "Left")] * 3
    for key in _TITLE_LOWER:
        out += [para(line, "Left") for line in page.get(key, [])]
    return "  <TitlePage>\n    <Content>\n" + "".join(out) + "    </Content>\n  </TitlePage>\n"


def fountain_to_fdx(text: str) -> str:
    """Final Draft XML (``.fdx``) of Fountain text, with its title page (title, episode, credit, author,
    draft date…) as a ``<TitlePage>`` (screenplay's FDX export leaves the title page out)."""
    from screenplain.export.fdx import to_fdx

    screenplay = parse_fountain(text)
    _with_episode_on_title(screenplay)
    out = io.StringIO()
    to_fdx(screenplay, out)
    body, end = out.getvalue().rsplit("</FinalDraft>", 1)
    return body + _fdx_title_page(screenplay) + "</FinalDraft>" + end


def default_css() -> str:
    from screenplain.export import html

    return (Path(html.__file__).parent / "default.css").read_text(encoding="utf-8")


def fountain_to_html(text: str, *, bare: bool = False) -> str:
    """screenplain's HTML of the screenplay: a whole document, or only the screenplay's markup (``bare``)."""
    from screenplain.export.html import convert

    out = io.StringIO()
    convert(parse_fountain(text), out, bare=bare)
    return out.getvalue()
