#!/usr/bin/env bash
# capture-conntrack-fixtures.sh: runs INSIDE the VM (scripts/vm-run). Makes conntrack count
# something in a fresh namespace (UDP and TCP through lo, a refused connection, a packet conntrack
# calls invalid), lets it go quiet, then records the exporter's ctnetlink replies together with
# `conntrack -S`, `conntrack -C` and nf_conntrack_max of the same namespace into
# Tests/NetlinkTests/Fixtures (conntrack-*.bin, conntrack.*.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${EXPORTER_BIN:-.build/debug/swarm-ipvs-exporter}
out=Tests/NetlinkTests/Fixtures
modprobe -a nf_conntrack xt_conntrack 2>/dev/null || true   # built in on some kernels
ip netns add ctfixture
nsx() { ip netns exec ctfixture "$@"; }
nsx ip link set lo up
# conntrack only tracks a namespace whose rules use it
nsx iptables -A INPUT -m conntrack --ctstate INVALID -j ACCEPT
nsx sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
nsx python3 -c '
import socket
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM); srv.bind(("127.0.0.1", 7001)); srv.listen(4)
for i in range(3):
    c = socket.create_connection(("127.0.0.1", 7001)); a, _ = srv.accept(); c.sendall(b"x"); a.recv(1); c.close(); a.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in (7002, 7003, 7004, 7005):
    u.sendto(b"q", ("127.0.0.1", port))
try:
    socket.create_connection(("127.0.0.1", 7009), timeout=0.5)
except OSError:
    pass
# an ACK for no connection: with tcp_loose off conntrack counts it invalid
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
import struct
tcp = struct.pack("!HHIIBBHHH", 40000, 7001, 1, 1, 5 << 4, 0x10, 1024, 0, 0)
r.sendto(tcp, ("127.0.0.1", 0))
'
sleep 1
rec=$(mktemp -d)
# the oracle is read before and after the capture; the two must be equal (nothing moves in the
# quiet namespace), so the recorded replies and the oracle describe the same moment
nsx conntrack -S > "$rec/before.txt"
SWARM_IPVS_EXPORTER_RECORD_NETLINK=$rec "$bin" --collectors conntrack --namespace-path /run/netns/ctfixture \
  --web.listen-address 127.0.0.1:19199 >"$rec/log" 2>&1 &
pid=$!
scraped=0
for _ in $(seq 50); do curl -sf -o "$rec/scrape.txt" http://127.0.0.1:19199/metrics && { scraped=1; break; }; sleep 0.2; done
kill $pid 2>/dev/null; wait $pid || true; cat "$rec/log"
[ "$scraped" = 1 ] || { echo "capture-conntrack-fixtures: the exporter never answered a scrape" >&2; exit 1; }
n=0
rm -f "$out"/conntrack-*.bin
# recorder files are PID-SEQUENCE-proto12-CONTEXT.bin: in the order they arrived
for f in $(cd "$rec" && ls *.bin | sort -t- -k2 -n); do
  n=$((n+1))
  name=$(sed -E 's/^[0-9]+-[0-9]+-proto12-//' <<< "$f")
  cp "$rec/$f" "$out/conntrack-$(printf %02d $n)-$name"
done
nsx conntrack -S > "$out/conntrack.conntrack-S.txt"
cmp "$rec/before.txt" "$out/conntrack.conntrack-S.txt"
nsx conntrack -C > "$out/conntrack.conntrack-C.txt"
nsx cat /proc/sys/net/netfilter/nf_conntrack_max > "$out/conntrack.nf_conntrack_max.txt"
uname -r > "$out/conntrack.kernel.txt"
nproc >> "$out/conntrack.kernel.txt"
ip netns del ctfixture
ls -la "$out"/conntrack*
cat "$out/conntrack.conntrack-S.txt" "$out/conntrack.conntrack-C.txt"
