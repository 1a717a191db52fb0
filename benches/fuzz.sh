#!/usr/bin/env bash
# Fuzz run, by hand only (not in CI, not from cargo test): drives hostile
# lines from benches/fuzz_lines.py through netrepl in batches, one process a
# batch, and reports crashes (a signal, a panic), hangs (a batch over its time
# limit) and peak memory.
#
#   /work/shared/tools/sandbox benches/fuzz.sh [LINES] [BATCH] [SECONDS] [SEED]
#
# defaults: 1000000 lines, batches of 20000, 300 s a batch, seed 1. It refuses
# to run outside a network namespace that has only loopback, so that no line
# can reach a network even if the generator's filter missed one. Build the
# binary first (cargo build --release); NETREPL=path picks another.
# Failing batches are kept in $FUZZ_OUT (default /tmp/netrepl-fuzz) to replay.
set -euo pipefail
cd "$(dirname "$0")/.."

lines=${1:-1000000}
batch=${2:-20000}
limit=${3:-300}
seed=${4:-1}
bin=${NETREPL:-$PWD/target/release/netrepl}
out=${FUZZ_OUT:-/tmp/netrepl-fuzz}

links=$(ip -o link show | awk -F': ' '{print $2}' | sort -u | tr '\n' ' ')
if [ "$links" != "lo " ]; then
  echo "fuzz: run me inside the sandbox (this namespace has: $links)" >&2
  exit 2
fi
[ -x "$bin" ] || { echo "fuzz: no $bin; cargo build --release first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "fuzz: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

mkdir -p "$out"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
# Lesson progress and history go to a throwaway directory.
export NETREPL_DATA_DIR=$data/home

batches=$(( (lines + batch - 1) / batch ))
crashes=0 hangs=0 panics=0 done_lines=0 peak_kb=0 slowest=0
start=$(date +%s.%N)
for ((n = 0; n < batches; n++)); do
  count=$(( lines - done_lines < batch ? lines - done_lines : batch ))
  input=$data/batch.txt
  python3 benches/fuzz_lines.py "$count" "$((seed * 100003 + n))" >"$input"
  before=$(date +%s.%N)
  status=0
  /usr/bin/time -f '%M' -o "$data/rss" timeout -s KILL "$limit" \
    "$bin" --no-color --format python "$input" >/dev/null 2>"$data/stderr" || status=$?
  took=$(echo "$(date +%s.%N) - $before" | bc)
  kb=$(tail -1 "$data/rss" | tr -dc 0-9)
  kb=${kb:-0}
  (( kb > peak_kb )) && peak_kb=$kb
  if (( $(echo "$took > $slowest" | bc) )); then slowest=$took; fi
  problem=""
  # 1: some line failed, as most do here. 124/137: the time limit; 101: a
  # panic; above 128: a signal. stderr may hold odd bytes, hence grep -a.
  if [ "$status" = 137 ] || [ "$status" = 124 ]; then
    problem="hang (over ${limit} s)"; hangs=$((hangs + 1))
  elif [ "$status" = 101 ] || (( status > 128 )) ||
    grep -aqE "panicked|overflowed its stack|fatal runtime error" "$data/stderr"; then
    problem="crash (status $status)"; crashes=$((crashes + 1))
    if grep -aqE "panicked" "$data/stderr"; then panics=$((panics + 1)); fi
  fi
  # Results go to /dev/null (some are tens of MiB); errors are counted.
  errors=$(grep -c "" "$data/stderr" || true)
  if [ -n "$problem" ]; then
    cp "$input" "$out/batch-$n.txt"
    cp "$data/stderr" "$out/batch-$n.stderr"
    echo "batch $n: $problem; kept in $out/batch-$n.txt"
    grep -a -m3 -E "panicked|overflowed|fatal" "$data/stderr" || true
  fi
  done_lines=$((done_lines + count))
  printf 'batch %d/%d: %d lines, %.1f s, %d KiB peak, %d error lines, status %d\n' \
    "$((n + 1))" "$batches" "$count" "$took" "$kb" "$errors" "$status"
done
total=$(echo "$(date +%s.%N) - $start" | bc)
echo "== $done_lines lines in $batches batches, $(printf %.0f "$total") s ($(echo "$done_lines / $total" | bc) lines/s)"
echo "== crashes: $crashes (panics: $panics), hangs: $hangs"
echo "== slowest batch: $(printf %.1f "$slowest") s; peak memory of one process: $((peak_kb / 1024)) MiB"
[ $((crashes + hangs)) -eq 0 ]
