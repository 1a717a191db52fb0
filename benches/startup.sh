#!/usr/bin/env bash
# Start-up and memory benchmark, run by hand (not in CI or cargo test).
#
# 1. Time from start to answer: `netrepl -c gethostname` against
#    `python3 -c 'import socket; print(socket.gethostname())'`.
#    Target: netrepl takes under a tenth of Python's time.
# 2. Resident memory of the idle interactive REPL, started on a pseudo-terminal
#    (as a person would) and read from /proc/PID/status. Target: under 15 MB.
#
# Uses hyperfine when installed (unless BENCH_WITHOUT_HYPERFINE=1), else a loop
# timed with `date +%s%N`.
# Nothing here touches the network: gethostname asks the kernel.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v python3 >/dev/null || { echo "python3 is needed for the comparison" >&2; exit 1; }
command -v script >/dev/null || { echo "script (util-linux) is needed for the memory test" >&2; exit 1; }

cargo build --release -q
bin=$PWD/target/release/netrepl
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# History and other files go to a scratch directory, not the user's.
export NETREPL_DATA_DIR=$work/data

python_line='import socket; print(socket.gethostname())'
# The interpreter itself, not a wrapper such as a pyenv shim, whose own
# start-up would flatter netrepl.
python=$(python3 -c 'import sys; print(sys.executable)')
echo "python: $python ($("$python" --version))"

# Mean wall-clock milliseconds of a command, from `runs` runs.
mean_ms_loop() {
  local runs=$1; shift
  local start end
  for _ in 1 2 3; do "$@" >/dev/null; done
  start=$(date +%s%N)
  for ((i = 0; i < runs; i++)); do "$@" >/dev/null; done
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / $runs / 1000000" | bc
}

echo "== start-up: time to answer gethostname"
if [ -z "${BENCH_WITHOUT_HYPERFINE:-}" ] && command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 10 --runs 200 --export-json "$work/startup.json" \
    -n "netrepl -c gethostname" "$bin -c gethostname" \
    -n "python3 socket.gethostname()" "$python -c '$python_line'"
  read -r ours theirs < <(python3 -c '
import json, sys
results = json.load(open(sys.argv[1]))["results"]
print(*("%.3f" % (r["mean"] * 1000) for r in results))' "$work/startup.json")
else
  echo "(without hyperfine: timing 200 runs of each with date +%s%N)"
  ours=$(mean_ms_loop 200 "$bin" -c gethostname)
  theirs=$(mean_ms_loop 200 "$python" -c "$python_line")
fi
ratio=$(echo "scale=1; $theirs / $ours" | bc)
verdict=$(echo "$ours * 10 < $theirs" | bc)
echo "netrepl: ${ours} ms   python3: ${theirs} ms   netrepl is 1/${ratio} of Python's time"
echo "target under 1/10: $([ "$verdict" = 1 ] && echo met || echo MISSED)"

# Resident memory (kB) of the first process running `exe` below `root`.
rss_of_descendant() {
  local root=$1 exe=$2 pid children
  local queue=("$root")
  while [ ${#queue[@]} -gt 0 ]; do
    pid=${queue[0]}
    queue=("${queue[@]:1}")
    if [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$exe" ]; then
      awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"
      return
    fi
    children=$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)
    for child in $children; do queue+=("$child"); done
  done
  echo "no $exe process found under $root" >&2
  return 1
}

# Starts `command` on a pty whose input is a FIFO held open (so it waits at
# its prompt), reads the RSS of `exe` once it is idle, then asks it to quit.
idle_rss_kb() {
  local exe=$1 quit=$2; shift 2
  local fifo=$work/input.$RANDOM
  mkfifo "$fifo"
  exec {input}<>"$fifo"
  script -qfec "$*" /dev/null <&"$input" >/dev/null 2>&1 &
  local wrapper=$!
  sleep 1
  local rss
  rss=$(rss_of_descendant "$wrapper" "$exe") || rss=
  printf '%s\n' "$quit" >&"$input"
  for _ in $(seq 50); do kill -0 "$wrapper" 2>/dev/null || break; sleep 0.1; done
  kill "$wrapper" 2>/dev/null || true
  wait "$wrapper" 2>/dev/null || true
  exec {input}>&-
  echo "$rss"
}

echo
echo "== memory: the idle interactive REPL"
ours_kb=$(idle_rss_kb "$bin" ":quit" "$bin")
theirs_kb=$(idle_rss_kb "$(readlink -f "$python")" "exit()" "$python" -q -i -c "'import socket'")
echo "netrepl: $((ours_kb / 1024)).$(((ours_kb % 1024) * 10 / 1024)) MB (VmRSS ${ours_kb} kB)   python3 -i with socket imported: $((theirs_kb / 1024)) MB"
echo "target under 15 MB: $([ "$ours_kb" -lt $((15 * 1024)) ] && echo met || echo MISSED)"
