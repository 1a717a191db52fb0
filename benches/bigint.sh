#!/usr/bin/env bash
# Big-int benchmark, run by hand (not in CI or cargo test): operations on
# ints of a million bits, each line against the same line in python3.
# Target: each netrepl line within a few times CPython's, and none near a
# second (the issue: ints past i128 were decimal text, 0.4 s a `+`).
#
# Runs inside the sandbox (a namespace with only loopback), though nothing
# here touches the network. Uses hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "hyperfine is needed" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed for the comparison" >&2; exit 1; }

cargo build --release -q
bin=$PWD/target/release/netrepl
sandbox=$(cd .. && pwd)/shared/tools/sandbox
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NETREPL_DATA_DIR=$work/data

lines=(
  "x = 2**1000000 - 1"
  "x = 3**600000; y = x + x"
  "x = 3**300000; y = x * x"
  "x = 3**600000; y = x // 7**100000"
  "x = 2**1000000; y = (x >> 12345) ^ (x << 3)"
  "x = len(hex(3**600000))"
  "x = int('f' * 250000, 16)"
  "x = int('9' * 4300)"
)
for line in "${lines[@]}"; do
  hyperfine --warmup 1 --runs 5 \
    -n "netrepl: $line" "$sandbox $bin --no-color --format python -c \"$line\"" \
    -n "python3: $line" "python3 -c \"$line\""
done
