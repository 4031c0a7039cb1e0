"""A publishing pack per episode for short-video platforms (TikTok, Reels, Shorts, ReelShort…).

For each episode: the title, a caption of at most :data:`MAX_CAPTION` characters,
hashtags from the trope and its genre, the free/paid flag, the hook line for the cover
(the episode's first line of dialogue: what the viewer hears in the first seconds), the
cliffhanger and the runtime. Written as JSON and as Markdown through the template
``publish.md.j2`` (sandboxed; a user's template folder is searched first).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ...core.models import EpisodePlan, EpisodeScript, SeriesBible

MAX_CAPTION = 150
MAX_HOOK = 90
MAX_HASHTAGS = 8
BASE_TAGS = ("shortdrama", "microdrama")


def _clip(text: str, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, cut at a word with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


def hashtag(word: str) -> str:
    """``"forget me not"`` → ``#ForgetMeNot``; ``"sci-fi"`` → ``#scifi`` (letters, digits and _ only)."""
    word = unicodedata.normalize("NFKC", str(word)).replace("'", "").replace("’", "")
    parts = [p for p in re.split(r"[^\w]+|_", word) if p]
    if not parts:
        return ""
    if len(parts) > 1 and " " in word.strip():  # several words: CamelCase
        tag = "".join(p[:1].upper() + p[1:] for p in parts)
    else:  # one word, maybe hyphenated: joined
        tag = "".join(parts)
    return "#" + tag


def hashtags(bible: SeriesBible, trope: Any = None, limit: int = MAX_HASHTAGS) -> list[str]:
    """Platform tags, the genre, the trope (name and id) and a few trope keywords; no duplicates."""
    words: list[str] = list(BASE_TAGS)
    genre = getattr(trope, "genre", "") if trope is not None else ""
    if genre:
        words.append(genre)
    if bible.trope_name:
        words.append(bible.trope_name)
    if bible.trope_id:
        words.append(bible.trope_id.replace("-", " "))
    if trope is not None:
        words.extend(list(getattr(trope, "keywords", []))[:3])
    out: list[str] = []
    seen: set[str] = set()
    for w in words:
        tag = hashtag(w)
        if len(tag) > 1 and len(tag) <= 40 and tag.lower() not in seen:
            seen.add(tag.lower())
            out.append(tag)
    return out[:limit]


def hook_line(script: EpisodeScript | None, plan_ep: EpisodePlan | None) -> str:
    """The cover's hook: the first spoken line, else the first action, else the synopsis' first sentence."""
    if script is not None:
        for kind in ("dialogue", "action"):
            for sc in script.scenes:
                for el in sc.elements:
                    if el.kind == kind and el.text.strip():
                        return _clip(el.text, MAX_HOOK)
    if plan_ep is not None and plan_ep.synopsis:
        return _clip(re.split(r"(?<=[.!?])\s", plan_ep.synopsis.strip())[0], MAX_HOOK)
    if plan_ep is not None and plan_ep.title:
        return _clip(plan_ep.title, MAX_HOOK)
    return ""


def caption(number: int, title: str, synopsis: str, free: bool, limit: int = MAX_CAPTION) -> str:
    """``Ep 3 · The Rejection: <synopsis>`` cut to ``limit`` characters (with a "watch free" note when it fits)."""
    head = f"Ep {number}" + (f" · {title}" if title else "")
    body = " ".join(str(synopsis).split())
    text = f"{head}: {body}" if body else head
    tail = " Watch free!" if free else ""
    if tail and len(text) + len(tail) <= limit:
        return text + tail
    return _clip(text, limit)


def publish_pack(bible: SeriesBible, plan_ep: EpisodePlan, script: EpisodeScript | None = None,
                 trope: Any = None) -> dict[str, Any]:
    """The episode's publishing pack (JSON-ready)."""
    title = plan_ep.title or (script.title if script else "") or f"Episode {plan_ep.number}"
    tags = hashtags(bible, trope)
    cap = caption(plan_ep.number, title, plan_ep.synopsis or bible.logline, plan_ep.free)
    return {
        "series": bible.title,
        "episode": plan_ep.number,
        "title": title,
        "caption": cap,
        "hashtags": tags,
        "post_text": cap + ("\n\n" + " ".join(tags) if tags else ""),
        "free": plan_ep.free,
        "access": "free" if plan_ep.free else "paid",
        "hook": hook_line(script, plan_ep),
        "cliffhanger_type": plan_ep.cliffhanger_type,
        "cliffhanger": plan_ep.cliffhanger,
        "function": plan_ep.function,
        "runtime_seconds": round(script.estimated_seconds, 1) if script and script.estimated_seconds else None,
        "target_seconds": plan_ep.target_seconds,
        "aspect_ratio": "9:16",
    }


def render_publish_md(pack: dict[str, Any], library) -> str:
    """The pack as Markdown through ``publish.md.j2`` (``library``: a sandboxed PromptLibrary)."""
    return library.render("publish.md.j2", pack=pack).text
