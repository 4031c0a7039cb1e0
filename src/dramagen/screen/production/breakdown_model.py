"""The breakdown's model pass: more props and wardrobe per scene, proposed by the slot engine and
kept only where the scene's own text names them.

For each scene and each of props / wardrobe, one slot (``prompts/production/breakdown_props.j2``,
``breakdown_wardrobe.j2``) asks the model to continue a comma-separated list of the things the
scene's action and dialogue name that the rules did not list. The candidates go through the slot
engine (:func:`dramagen.story.slots.fill_ranked`: cleaning, junk and rating checks, scoring); a candidate
passes only when at least one of its items is new and grounded (:func:`judge`). The best
candidate's items are then judged one by one: an item is **kept** when

* it is 1-4 words, names no cast member nor anything the text only writes capitalised (a place,
  a brand), and its head noun is not on ``not_items`` in
  ``data/breakdown.yaml`` (people, body parts, feelings, places, set fixtures), and
* it is **grounded**: its other words are the text's own, and its head noun appears in the text as
  a noun (after an article, a possessive or a number, up to two words between, and ending the
  phrase: "her silver *tray* rattles", not "the *diamond* necklace"), or it is a known prop or
  costume (``data/props.yaml``, ``data/breakdown.yaml``) whose words the text uses, and
* it is **new**: not a rule item of the scene, nor the same known prop or head noun as one.

Everything else is refused with its reason (``shape``, ``name``, ``not_an_item``, ``ungrounded``,
``duplicate``). The result is ``production/breakdown_model.json`` (:class:`ModelBreakdown`: kept
items, refusals, model, prompt hashes, parameters, seed); :func:`merge_stored` lays it over the
rules at every breakdown, re-judging each item against the current text, so a stale file never
adds an item the script no longer names. Same season, seed and model → same bytes (the slots'
seeds derive from the season's seed).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import yaml

from ...core.models import SeriesBible
from ...project.season import SeasonDir
from ...story.slots import Slot, WriteContext, fill_ranked
from ..shooting import load_props, props_in
from .breakdown_rules import RULES_FILE, load_rules, rule_scenes
from .models import ModelBreakdown, ModelItems, RefusedItem, SceneBreakdown

FIELDS = ("props", "wardrobe")
TEMPLATES = {"props": "production/breakdown_props.j2", "wardrobe": "production/breakdown_wardrobe.j2"}
MODEL_FILE = "breakdown_model.json"
CANDIDATES = 4
TEXT_CHARS = 600
_LEADING = {"a", "an", "the", "his", "her", "their", "my", "your", "our", "its", "some", "this", "that", "these",
            "those", "more", "and", "with"}
_DET = r"(?:a|an|the|his|her|their|my|your|our|its|this|that|these|those|some|one|two|three|[a-z]+['’]s)"
_ITEM_WORD = re.compile(r"[a-z]+(?:['’-][a-z]+)*")


@lru_cache(maxsize=1)
def not_items() -> frozenset[str]:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")) or {}
    return frozenset(str(w).lower() for w in data.get("not_items") or [])


@lru_cache(maxsize=2)
def vocabulary(field: str) -> dict[str, list[str]]:
    """Known items of ``field`` → their words: wardrobe notes, or every prop (trope props too)."""
    if field == "wardrobe":
        return load_rules()[1]
    props, tropes = load_props()
    merged = dict(props)
    for per_trope in tropes.values():
        for k, v in per_trope.items():
            merged.setdefault(k, v)
    return merged


def parse_items(text: str) -> list[str]:
    """``"A whiskey glass, her wallet and keys."`` → ``["whiskey glass", "wallet", "keys"]``."""
    out: list[str] = []
    for part in re.split(r"[,;]|\band\b|\bwith\b|\bor\b", text.lower().replace("’", "'")):
        words = _ITEM_WORD.findall(part)
        while words and words[0] in _LEADING:
            words = words[1:]
        item = " ".join(words)
        if item and item not in out:
            out.append(item)
    return out


def _head_forms(head: str) -> list[str]:
    forms = {head, head + "s", head + "es"}
    if head.endswith("es") and len(head) > 4:
        forms.add(head[:-2])
    if head.endswith("s") and len(head) > 3:
        forms.add(head[:-1])
    return sorted(forms, key=len, reverse=True)


def grounded(item: str, text: str, field: str) -> bool:
    """The text names ``item``: each of its other words is the text's own ("fire alarm", "candle flame"
    need "fire", "candle"), and its head noun ends a noun phrase after an article/possessive/number (two
    words between at most), or it is a known prop/costume whose words the text uses."""
    *words, head = item.split()
    if not all(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, re.IGNORECASE) for w in words):
        return False
    noun = "(?:" + "|".join(re.escape(f) for f in _head_forms(head)) + ")"
    for m in re.finditer(rf"(?<![\w-]){_DET}\s+(?:[\w'’-]+\s+){{0,2}}?{noun}(?![\w-])", text, re.IGNORECASE):
        if _phrase_ends(text[m.end():]):
            return True
    known = _known(item, field)
    return bool(known) and bool(props_in(text, {k: vocabulary(field)[k] for k in known}))


_FUNCTION = set("""a an the and or but of to in on at by for with from as into onto off over under across behind
through against toward towards up down out away back is are was were be has have had will would can could
should must do does did not no that which who whom whose where when while as if than then so he she it they we you
i me him her them us his hers its their our your this these those there here""".split())


def _phrase_ends(after: str) -> bool:
    """A noun phrase ends before ``after``: punctuation or the text's end, a name, a function word, or a
    verb/adverb-looking word ("the phone rings"); not another noun ("the diamond necklace")."""
    m = re.match(r"\s*([\w'’-]+)", after)
    if m is None:
        return True
    nxt = m.group(1)
    low = nxt.lower()
    return nxt[0].isupper() or low in _FUNCTION or (low.endswith(("s", "ed", "ing", "ly")) and not low.endswith("ss"))


def _known(item: str, field: str) -> list[str]:
    """The known props/costumes ``item`` is: one of their words must name its head noun ("champagne
    glass" is the wine glass; "car seat belt" is no car)."""
    vocab = vocabulary(field)
    forms = set(_head_forms(item.split()[-1]))
    return [k for k in props_in(item, vocab) if any(a.split()[-1].lower() in forms for a in vocab[k])]


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _heads(items: list[str]) -> set[str]:
    return {_singular(x.casefold().split()[-1]) for x in items if x.split()}


def judge(item: str, field: str, text: str, names: list[str], taken: list[str]) -> str | None:
    """Why ``item`` is refused for a scene with ``text`` whose items are ``taken``, or None (kept)."""
    words = item.split()
    if not 1 <= len(words) <= 4 or len(words[-1]) < 3:
        return "shape"
    parts = {p.casefold() for n in names for p in n.split()}
    if parts & ({w.replace("'s", "") for w in words} | {w[:-1] for w in words if w.endswith("s")}):
        return "name"
    if any(_proper(w, text) for w in words):  # "Valeberry mansion": a place's name
        return "name"
    if words[-1] in not_items():
        return "not_an_item"
    if not grounded(item, text, field):
        return "ungrounded"
    known = set(_known(item, "props")) | set(_known(item, "wardrobe"))
    low = {x.casefold() for x in taken}
    if item in low or known & set(taken) or _singular(words[-1]) in _heads(taken):
        return "duplicate"
    return None


def _proper(word: str, text: str) -> bool:
    """The text writes ``word`` capitalised wherever it uses it (a name, a place, a cue)."""
    uses = re.findall(rf"(?<![\w'’-]){re.escape(word)}(?![\w-])", text, re.IGNORECASE)
    return bool(uses) and all(u[0].isupper() for u in uses)


def _taken(scene: SceneBreakdown) -> list[str]:
    """The scene's items as names: a bible look (``Mara: black suit, red lipstick``) counts as its parts."""
    looks = [p.strip() for x in scene.wardrobe for p in x.split(":", 1)[-1].split(",") if p.strip()]
    return [*scene.props, *scene.wardrobe, *looks, *(x.split(" (")[0] for x in scene.special)]


def _slot(field: str, scene: SceneBreakdown, text: str, names: list[str]) -> Slot:
    def check(candidate: str) -> str | None:
        ok = any(judge(i, field, text, names, _taken(scene)) is None for i in parse_items(candidate))
        return None if ok else "no_new_grounded_item"

    return Slot(kind=f"production.{field}", template=TEMPLATES[field],
                context={"heading": scene.heading, "text": text[:TEXT_CHARS], "listed": ", ".join(
                    getattr(scene, field)) or "none"}, fallback="", names=names, strict_names=False,
                keywords=[text], min_words=1, max_words=14, sweet_words=4, max_tokens=24, candidates=CANDIDATES,
                labels=("More props", "More wardrobe", "Props", "Wardrobe"), check=check, retry=False, copy_ok=True)


def propose(scenes: list[SceneBreakdown], texts: dict[str, str], bible: SeriesBible, ctx: WriteContext
            ) -> ModelBreakdown:
    """Run the slots of every scene in one batch; keep the best candidate's grounded, new items."""
    names = bible.names
    slots = [_slot(f, s, texts.get(s.id, ""), names) for s in scenes for f in FIELDS]
    results = fill_ranked(ctx, slots, ("production", "breakdown"))
    kept: dict[str, ModelItems] = {}
    refused: list[RefusedItem] = []
    for k, res in enumerate(results):
        scene, field = scenes[k // len(FIELDS)], FIELDS[k % len(FIELDS)]
        taken = _taken(scene) + [x for m in [kept.get(scene.id)] if m for x in m.props + m.wardrobe]
        for item in parse_items(res.text) if res.status != "fallback" else []:
            why = judge(item, field, texts.get(scene.id, ""), names, taken)
            if why:
                refused.append(RefusedItem(scene=scene.id, field=field, item=item, reason=why))
                continue
            getattr(kept.setdefault(scene.id, ModelItems()), field).append(item)
            taken.append(item)
    return ModelBreakdown(seed=ctx.seed, scenes=kept, refused=refused,
                          prompts={t: ctx.prompts.source_hash(t) for t in TEMPLATES.values()},
                          params={k: v for k, v in ctx.params.items() if k.startswith("production.")},
                          stats={k: v.model_dump() for k, v in ctx.stats.items()})


def run_model_pass(sd: SeasonDir, generator=None, model: str | None = None) -> ModelBreakdown:
    """Propose model items for every scene of ``sd`` (the season's model and seed unless given) and
    write ``production/breakdown_model.json``."""
    request = sd.load_request()
    if generator is None:
        from ...llm import load_generator

        generator = load_generator(model or request.model)
    bible = sd.load_bible()
    scenes, texts = rule_scenes(sd, bible)
    ctx = WriteContext(generator=generator, seed=request.seed, candidates=CANDIDATES, rating=request.rating)
    result = propose(scenes, texts, bible, ctx)
    info = dict(getattr(generator, "info", {}) or {})
    result = result.model_copy(update={"model": {k: str(v) for k, v in info.items()} or
                                       {"model": str(getattr(generator, "name", "unknown"))}})
    sd.write_model(sd.production_path(MODEL_FILE), result)
    return result


def merge_stored(sd: SeasonDir, scenes: list[SceneBreakdown], texts: dict[str, str], names: list[str]
                 ) -> tuple[list[SceneBreakdown], dict]:
    """Lay ``production/breakdown_model.json`` (when there is one) over the rule sheets; also what to
    record of it (:attr:`Breakdown.model_pass`)."""
    path = sd.production_path(MODEL_FILE)
    if not path.exists():
        return scenes, {}
    stored: ModelBreakdown = sd._load(path, ModelBreakdown)
    merged = [merge(s, stored.scenes[s.id], texts.get(s.id, ""), names) if s.id in stored.scenes else s
              for s in scenes]
    info = {"file": f"production/{MODEL_FILE}", "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "model": stored.model, "prompts": stored.prompts, "seed": stored.seed,
            "kept": sum(len(m.props) + len(m.wardrobe) for m in stored.scenes.values()),
            "refused": len(stored.refused)}
    return merged, info


def merge(scene: SceneBreakdown, items: ModelItems, text: str, names: list[str]) -> SceneBreakdown:
    """``scene`` with the model's items that are still grounded and new, marked ``model``."""
    update: dict = {}
    sources = {f: dict(m) for f, m in scene.sources.items()}
    taken = _taken(scene)
    for field in FIELDS:
        new = []
        for item in getattr(items, field):
            if judge(item, field, text, names, taken) is None:
                new.append(item)
                taken.append(item)
        if new:
            update[field] = [*getattr(scene, field), *new]
            sources[field] = {**sources.get(field, {}), **{x: "model" for x in new}}
    return scene.model_copy(update={**update, "sources": sources}) if update else scene
