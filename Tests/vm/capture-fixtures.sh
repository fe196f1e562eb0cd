#!/usr/bin/env bash
# capture-fixtures.sh: runs INSIDE the VM (scripts/vm-run). Programs a small IPVS table of every
# kind in a fresh namespace, pushes no traffic (so counters are stable), and records the exporter's
# netlink replies together with ipvsadm's view of the same table into Tests/NetlinkTests/Fixtures.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${EXPORTER_BIN:-.build/debug/swarm-ipvs-exporter}
out=Tests/NetlinkTests/Fixtures
modprobe -a ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh
ip netns add fixture
nsx() { ip netns exec fixture "$@"; }
nsx ip link set lo up
nsx ipvsadm -A -t 10.10.0.1:80 -s rr
nsx ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.2:8080 -m -w 3
nsx ipvsadm -a -t 10.10.0.1:80 -r 10.20.0.3:8080 -m -w 0 -x 100 -y 10
nsx ipvsadm -A -u 10.10.0.1:53 -s wrr
nsx ipvsadm -a -u 10.10.0.1:53 -r 10.20.0.4:53 -g -w 1
nsx ipvsadm -A -f 256 -s rr
nsx ipvsadm -a -f 256 -r 10.0.0.5:0 -m -w 1
nsx ipvsadm -A -t '[2001:db8::1]:443' -s sh -p 600
nsx ipvsadm -a -t '[2001:db8::1]:443' -r '[2001:db8::2]:8443' -m -w 2
nsx ipvsadm --set 1000 100 200
# some traffic, so the counters are not all zero: a route towards the backends, five UDP
# datagrams through the UDP service and one TCP connection attempt through the TCP one
nsx ip link add d0 type dummy
nsx ip addr add 10.20.0.1/24 dev d0
nsx ip addr add 10.10.0.2/24 dev d0
nsx ip link set d0 up
nsx python3 -c '
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    u.sendto(b"q" * (20 + i), ("10.10.0.1", 53))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.settimeout(0.3)
try:
    t.connect(("10.10.0.1", 80))
except OSError:
    pass
t.close()
'
sleep 4   # the estimator refreshes the counters about every 2 s
rec=$(mktemp -d)
SWARM_IPVS_EXPORTER_RECORD_NETLINK=$rec "$bin" --collectors ipvs --namespace-path /run/netns/fixture \
  --web.listen-address 127.0.0.1:19199 >"$rec/log" 2>&1 &
pid=$!
# One scrape makes the exporter read the table: the replies it records are the fixtures.
for _ in $(seq 50); do curl -sf -o "$rec/scrape.txt" http://127.0.0.1:19199/metrics && break; sleep 0.2; done
kill $pid; wait $pid || true
ls -la "$rec"
n=0
for f in $(ls "$rec"/*.bin | sort -t- -k2 -n); do
  n=$((n+1))
  name=$(basename "$f" | sed -E 's/^[0-9]+-[0-9]+-proto16-//')
  cp "$f" "$out/ipvs-$(printf %02d $n)-$name"
done
nsx ipvsadm -Ln --stats --exact > "$out/ipvs.ipvsadm-Ln-stats-exact.txt"
nsx ipvsadm -Ln > "$out/ipvs.ipvsadm-Ln.txt"
nsx ipvsadm -Ln --thresholds > "$out/ipvs.ipvsadm-Ln-thresholds.txt"
nsx ipvsadm -Ln --persistent-conn > "$out/ipvs.ipvsadm-Ln-persistent-conn.txt"
nsx ipvsadm -Ln --timeout > "$out/ipvs.ipvsadm-Ln-timeout.txt"
uname -r > "$out/ipvs.kernel.txt"
ip netns del fixture
ls "$out"
