"""Blind read of the story before/after experiment (issue 14): one random episode from each of the
12 seasons, rendered as readable text, shuffled, labelled A–L.

    .venv/bin/python benchmarks/results/story-2026-12-06/blindread.py /tmp/story-exp benchmarks/results/story-2026-12-06

Writes blindread-texts.md (what the reader sees) and blindread-key.md (label → code, season, episode).
Both choices use fixed seeds, so the same seasons give the same files.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import premises  # noqa: E402

from dramagen.season import SeasonDir  # noqa: E402
from dramagen.tropes import get_trope  # noqa: E402

PICK_SEED, SHUFFLE_SEED = 14, 1206


def premise_of(name: str) -> str:
    if name in premises.CUSTOM:
        return premises.CUSTOM[name]
    t = get_trope(name)
    return f"{t.name}: {t.pitch}"


def render(label: str, root: Path, which: str, name: str, n: int) -> str:
    sd = SeasonDir(root / which / name)
    bible, beats = sd.load_bible(), sd.load_beats(n)
    out = [f"## Episode {label}", "", f"**Premise.** {premise_of(name)}", "",
           "**Cast.** " + "; ".join(f"{c.name} ({c.role.replace('_', ' ')}, {c.age})" for c in bible.characters),
           "", f"**Episode {n} of 10**, {beats.target_seconds:.0f} s", ""]
    for b in beats.beats:
        who = ", ".join(b.characters)
        out.append(f"**[{b.kind.upper()} · {b.location} · {b.start:.0f}–{b.end:.0f} s]**" + (f" ({who})" if who else ""))
        out.append("")
        if b.action:
            out += [f"> {b.action}", ""]
        for ln in b.lines:
            par = f" ({ln.parenthetical})" if ln.parenthetical else ""
            out.append(f"- **{ln.character.upper()}**{par}: {ln.text}")
        if b.lines:
            out.append("")
    return "\n".join(out)


def main() -> None:
    root, dest = Path(sys.argv[1]), Path(sys.argv[2])
    # optional: the two codes and the two seeds (the second round: before after2 22 1207)
    codes = sys.argv[3:5] or ["before", "after"]
    pick_seed, shuffle_seed = (int(x) for x in sys.argv[5:7]) if len(sys.argv) >= 7 else (PICK_SEED, SHUFFLE_SEED)
    rnd = random.Random(pick_seed)
    items = [(which, name, rnd.randint(1, 4)) for which in codes for name in premises.SEASONS]
    random.Random(shuffle_seed).shuffle(items)
    labels = "ABCDEFGHIJKL"
    texts = ["# Blind read: 12 episodes (beat sheets), shuffled", "",
             "Each is one 60–90 s vertical episode as its beat sheet: beat kind, location, time, who is on "
             "screen, the action paragraph (quoted) and the lines.", ""]
    key = ["# Blind-read key", "", f"Picked with random.Random({pick_seed}).randint(1, 4) per season (beats exist for episodes 1–4) "
           f"({codes[0]} seasons, then {codes[1]}, in premises.SEASONS order); shuffled with random.Random({shuffle_seed}).",
           "", "| label | code | season | episode |", "|---|---|---|---|"]
    for label, (which, name, n) in zip(labels, items):
        texts += [render(label, root, which, name, n), "", "---", ""]
        key.append(f"| {label} | {which} | {name} | {n} |")
    (dest / "blindread-texts.md").write_text("\n".join(texts), encoding="utf-8")
    (dest / "blindread-key.md").write_text("\n".join(key) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
