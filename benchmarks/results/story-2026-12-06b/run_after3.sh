#!/usr/bin/env bash
# The "after3" seasons (metrics only; the blind read is after2) (the story layer as of this commit): the same six premises, request and seed as the
# first round (benchmarks/results/story-2026-12-06), one season at a time on the shared 2-core machine.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /tmp/story-exp/after3
for name in divorce-regret hidden-heir werewolf-rejected-mate custom-1923-jazz-club custom-hacker-revenge custom-mara-quinn; do
  git rev-parse --short HEAD > /tmp/story-exp/after3/$name.rev
  rm -rf /tmp/story-exp/after3/$name
  ( time DRAMAGEN_THREADS=1 .venv/bin/python benchmarks/results/story-2026-12-06/gen4.py $name /tmp/story-exp/after3/$name ) \
    > /tmp/story-exp/after3/$name.log 2>&1
done
echo ALLDONE >> /tmp/story-exp/after3/done
