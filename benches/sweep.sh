#!/usr/bin/env bash
# Sweep benchmark, run by hand (not in CI): map_network against fping and nmap
# on loopback, a lab /24 with 5 live hosts, and memory for a /16 sweep.
# Needs root (ICMP and namespaces). Traffic stays on loopback and in the lab.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in fping nmap hyperfine; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cargo build --release -q
bin=$PWD/target/release/netrepl

echo "== loopback 127.0.0.0/24 (254 addresses, all answer)"
hyperfine -N --warmup 3 --runs 20 \
  -n netrepl "$bin -c 'map_network 127.0.0.0/24 resolve=False'" \
  -n fping "fping -a -q -g 127.0.0.0/24" \
  -n "fping -i 0" "fping -a -q -i 0 -g 127.0.0.0/24" \
  -n "nmap -sn -n" "nmap -sn -n 127.0.0.0/24"

echo "== lab 10.77.0.0/24 (5 hosts, some down), timeout 1 s"
export NETREPL_LAB_PREFIX=nrbench
trap '"$bin" -c "lab down" >/dev/null 2>&1 || true' EXIT
"$bin" -c "lab up hosts=5" >/dev/null
scanner="$NETREPL_LAB_PREFIX-scanner"
hyperfine -N --runs 5 \
  -n "netrepl lab /24" "ip netns exec $scanner $bin -c 'map_network 10.77.0.0/24 timeout=1'"
ip netns exec "$scanner" "$bin" -c "map_network 10.77.0.0/24 timeout=1"

echo "== memory: 127.0.0.0/16 (65,534 addresses)"
/usr/bin/time -f "max resident set: %M KiB, elapsed %e s" \
  "$bin" -c "map_network 127.0.0.0/16 yes=True resolve=False" | tail -1
