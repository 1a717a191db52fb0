#!/usr/bin/env bash
# traceroute benchmark, run by hand (not in CI): a two-hop trace (client,
# router, far host: three namespaces of its own, deleted on exit) with UDP
# probes from the error queue and with ICMP on a raw socket. On veth the hops
# answer in microseconds, so the figure is netrepl's own cost: start-up, one
# socket per probe, the waits. Names are skipped (resolve=False). Needs root
# (ip netns) and hyperfine. NETREPL_BIN picks a binary (default: a fresh
# release build).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
if [ -z "${NETREPL_BIN:-}" ]; then
  cargo build --release -q
  NETREPL_BIN=$PWD/target/release/netrepl
fi

p=nrbenchtr$$
c=$p-c r=$p-r f=$p-f
trap 'for n in $c $r $f; do ip netns del "$n" 2>/dev/null || true; done' EXIT
for n in $c $r $f; do
  ip netns add "$n"
  ip -n "$n" link set lo up
  ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
ip -n $c link add c0 type veth peer name r0 netns $r
ip -n $r link add r1 type veth peer name f0 netns $f
ip -n $c addr add 10.213.1.2/24 dev c0 && ip -n $c link set c0 up
ip -n $c route add 10.213.2.0/24 via 10.213.1.1
ip -n $r addr add 10.213.1.1/24 dev r0 && ip -n $r addr add 10.213.2.1/24 dev r1
ip -n $r link set r0 up && ip -n $r link set r1 up
ip netns exec $r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0
ip -n $f addr add 10.213.2.2/24 dev f0 && ip -n $f link set f0 up
ip -n $f route add 10.213.1.0/24 via 10.213.2.1
ip netns exec $f sysctl -qw net.ipv4.icmp_ratelimit=0
# The first neighbour look-ups on fresh links can be slow: settle first.
ip netns exec $c "$NETREPL_BIN" -c 'traceroute 10.213.2.2 resolve=False' >/dev/null

hyperfine -N --warmup 3 --runs 30 \
  -n "start-up only" "ip netns exec $c $NETREPL_BIN -c '1'" \
  -n "traceroute udp" "ip netns exec $c $NETREPL_BIN -c 'traceroute 10.213.2.2 resolve=False'" \
  -n "traceroute icmp" "ip netns exec $c $NETREPL_BIN -c 'traceroute 10.213.2.2 resolve=False icmp=True'"
echo "expect: each trace within a few ms of start-up (6 probes, microseconds each on veth)"
