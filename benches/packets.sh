#!/usr/bin/env bash
# packets benchmark, run by hand (not in CI). Target: `packets` adds under
# 50 ms to the line it wraps (socket, capture thread, grace and decoding).
# Runs in a namespace of its own with only loopback, so the ping stays there.
# Needs root (AF_PACKET, ip netns) and hyperfine. NETREPL_BIN picks a binary
# (default: a fresh release build).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
if [ -z "${NETREPL_BIN:-}" ]; then
  cargo build --release -q
  NETREPL_BIN=$PWD/target/release/netrepl
fi

ns=nrbenchpk$$
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up

hyperfine -N --warmup 3 --runs 30 \
  -n "ping" "ip netns exec $ns $NETREPL_BIN -c 'ping 127.0.0.1 count=1'" \
  -n "packets ping" "ip netns exec $ns $NETREPL_BIN -c 'packets ping 127.0.0.1 count=1'"
echo "target: the 'packets ping' mean is less than 50 ms above the 'ping' mean"
