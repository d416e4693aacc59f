#!/usr/bin/env bash
# Instructions per update of one kind (benchmarks/one_kind.py), counted by callgrind: the same
# count for the same tree whatever else the machine is doing. Seeding and start-up are not
# counted (collection starts when one_kind prints "measuring"). About 90 s for 300 updates.
#
#   benchmarks/callgrind.sh KIND [UPDATES]      e.g. benchmarks/callgrind.sh "атол" 300
#
# Needs valgrind (Debian: apt-get install valgrind). Thread hops cost mostly in the kernel and
# in waiting, which callgrind does not see: judge those by CPU time (one_kind.py) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: benchmarks/callgrind.sh KIND [UPDATES]}
updates=${2:-300}
python=${PYTHON:-.venv/bin/python}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

CASHBOT_BENCH_WAIT=3 valgrind --tool=callgrind --instr-atstart=no \
    --callgrind-out-file="$work/out" "$python" -m benchmarks.one_kind "$kind" "$updates" \
    >"$work/log" 2>&1 &
pid=$!
until grep -q "^measuring" "$work/log" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/log"; exit 1; }
    sleep 0.5
done
callgrind_control -i on "$pid" >/dev/null 2>&1
wait "$pid"
# awk reads to the end: exiting early would kill callgrind_annotate with SIGPIPE (pipefail).
total=$(callgrind_annotate "$work/out" 2>/dev/null | awk '/PROGRAM TOTALS/ && !n++ {gsub(",", "", $1); print $1}')
awk -v t="$total" -v n="$updates" -v k="$kind" 'BEGIN {printf "%s: %.2f M instructions per update\n", k, t / n / 1e6}'
