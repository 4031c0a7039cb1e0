#!/usr/bin/env bash
# The "after2" seasons (the story layer as of this commit): the same six premises, request and seed as the
# first round (benchmarks/results/story-2026-12-06), one season at a time on the shared 2-core machine.
set -u
cd "$(dirname "$0")/../../.."
mkdir -p /tmp/story-exp/after2
for name in divorce-regret hidden-heir werewolf-rejected-mate custom-1923-jazz-club custom-hacker-revenge custom-mara-quinn; do
  git rev-parse --short HEAD > /tmp/story-exp/after2/$name.rev
  rm -rf /tmp/story-exp/after2/$name
  ( time DRAMAGEN_THREADS=1 .venv/bin/python benchmarks/results/story-2026-12-06/gen4.py $name /tmp/story-exp/after2/$name ) \
    > /tmp/story-exp/after2/$name.log 2>&1
done
echo ALLDONE >> /tmp/story-exp/after2/done
