#!/usr/bin/env bash
# Book build benchmark, run by hand (not in CI or cargo test).
#
# Times `netrepl book build` on a warm cargo build: the binary is built first,
# then the book is built three times and each wall-clock time printed.
# Target: every warm build under 30 s. Building runs every lesson block that
# needs no privileges or lab; they touch loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -q
bin=$PWD/target/release/netrepl
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
# Each block gets a fresh data directory of its own (see course/book/seal.rs).

worst=0
for run in 1 2 3; do
  start=$(date +%s%N)
  "$bin" book build --dest "$dest/book" >/dev/null
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  echo "book build, run $run: ${ms} ms"
  (( ms > worst )) && worst=$ms
done
if (( worst < 30000 )); then
  echo "target met: slowest warm build ${worst} ms < 30000 ms"
else
  echo "target missed: slowest warm build ${worst} ms >= 30000 ms" >&2
  exit 1
fi
