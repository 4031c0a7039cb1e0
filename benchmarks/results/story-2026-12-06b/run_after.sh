#!/usr/bin/env bash
# The story layer as of this commit on the same six premises, request and seed as the first round
# (benchmarks/results/story-2026-12-06), one season at a time: run_after.sh CODE writes /tmp/story-exp/CODE/NAME
# (after2: the blind-read seasons; after3: the metrics at one commit).
set -u
code=${1:?usage: run_after.sh CODE (after2, after3)}
cd "$(dirname "$0")/../../.."
mkdir -p /tmp/story-exp/$code
for name in divorce-regret hidden-heir werewolf-rejected-mate custom-1923-jazz-club custom-hacker-revenge custom-mara-quinn; do
  git rev-parse --short HEAD > /tmp/story-exp/$code/$name.rev
  rm -rf /tmp/story-exp/$code/$name
  ( time DRAMAGEN_THREADS=1 .venv/bin/python benchmarks/results/story-2026-12-06/gen4.py $name /tmp/story-exp/$code/$name ) \
    > /tmp/story-exp/$code/$name.log 2>&1
done
echo ALLDONE >> /tmp/story-exp/$code/done
