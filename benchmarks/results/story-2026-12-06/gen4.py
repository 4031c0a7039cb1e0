"""One season of the experiment: bible and a 10-episode plan, beats of episodes 1–4 only (the lab way).
Works with the code before the story work (PYTHONPATH=/tmp/before-src/src) and after.

    DRAMAGEN_THREADS=1 .venv/bin/python benchmarks/results/story-2026-12-06/gen4.py NAME OUT [resume]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import premises  # noqa: E402

from dramagen.llm import load_generator  # noqa: E402
from dramagen.pipeline import Runner, SeasonState, make_request, open_season, resolve_trope  # noqa: E402

EPISODES = [1, 2, 3, 4]


def main() -> None:
    name, out = sys.argv[1], Path(sys.argv[2])
    custom = name in premises.CUSTOM
    request = make_request(trope=premises.CUSTOM.get(name, name), custom_trope=custom, episodes=10, paywall=3,
                           model="smollm2-135m-instruct",
                           seed=7)
    request = open_season(out, request, len(sys.argv) > 3 and sys.argv[3] == "resume")
    trope = resolve_trope(request)
    t0 = time.perf_counter()
    runner = Runner(generator=load_generator(request.model), out=out, episodes=EPISODES)
    state = runner.chain("beats").invoke(SeasonState(request=request, trope=trope))
    print(f"{name}: {len(state.beats)} episodes of beats in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
