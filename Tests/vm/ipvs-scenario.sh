#!/usr/bin/env bash
# Tests/vm/ipvs-scenario.sh: builds a small IPVS lab and pushes real traffic through it.
# Runs INSIDE the test VM as root (see scripts/vm-run); never on a build host.
#
#   ipvs-scenario.sh [MODE] [NS_A [NS_B]]
#
# MODE
#   setup       (default) cleanup, then create the namespaces, program IPVS, start the
#               backend servers, push one round of traffic, print the tables
#   traffic     push one more round of traffic through ipvs-a's and ipvs-b's services
#   del-b       delete namespace B (`ip netns del`)
#   recreate-b  delete namespace B if present, create it again with a DIFFERENT table
#               (variant 2), connect it to the backends and push traffic through it
#   show        print `ipvsadm -Ln` (+ --stats --exact) of both namespaces
#   cleanup     kill the processes this script started, delete its namespaces
#
# Names come from the arguments or the environment: IPVS_NS_A (ipvs-a), IPVS_NS_B (ipvs-b),
# IPVS_NS_BACKEND (ipvs-be). Re-running `setup` in the same VM starts from scratch.
#
# Topology (all addresses are test-only):
#
#   A (director, ipvs-a)                         BACKEND (ipvs-be)
#     dummy ipvs-vip: VIPs 10.10.0.1-3/32,         be-a: 10.200.1.2-6/24, fd00:200:1::2-3/64
#                     fd00:10::1-2/128             be-b: 10.200.2.2-3/24
#     a-be: 10.200.1.1/24, fd00:200:1::1/64 <----> be-a   default routes via 10.200.1.1 and
#                                                         fd00:200:1::1 (masq return path);
#   B (director, ipvs-b)                                  10.20.0.0/24 via 10.200.2.1
#     dummy ipvs-vip: VIPs 10.20.0.1-3/32
#     b-be: 10.200.2.1/24 <-----------------------> be-b
#
# Clients run in A (and B) itself: local clients to a local VIP, the way a Swarm container
# sandbox talks to a service VIP. The backend runs one python3 server: TCP on [::]:8080
# (dual stack) answering "hello from <address>", UDP echo on port 5353 of each address.
set -uo pipefail

MODE=${1:-setup}
NS_A=${2:-${IPVS_NS_A:-ipvs-a}}
NS_B=${3:-${IPVS_NS_B:-ipvs-b}}
NS_BE=${IPVS_NS_BACKEND:-ipvs-be}
STATE=/run/ipvs-scenario
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3

log() { printf 'scenario: %s\n' "$*"; }
die() { printf 'scenario: ERROR: %s\n' "$*" >&2; exit 1; }
# run a command, echoing it; a failure is fatal (the table must be exactly what we asked for)
run() { printf '  + %s\n' "$*"; "$@" || die "command failed: $*"; }
inns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
ipvs() { local ns=$1; shift; printf '  + [%s] ipvsadm %s\n' "$ns" "$*"; ip netns exec "$ns" ipvsadm "$@" || die "ipvsadm $* failed in $ns"; }

[ "$(id -u)" = 0 ] || die "must run as root (inside the VM)"

write_helpers() {
  mkdir -p "$STATE"
  cat > "$STATE/server.py" <<'PY'
import os, socket, sys, threading
tcp_port, udp_port, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
udp_addrs = sys.argv[4:]

def handle(conn):
    with conn:
        conn.settimeout(3600)
        local = conn.getsockname()[0]
        if local.startswith("::ffff:"):
            local = local[7:]
        try:
            data = conn.recv(1024)
        except OSError:
            return
        if data:
            conn.sendall(("hello from %s\n" % local).encode())

def tcp():
    s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", tcp_port))
    s.listen(128)
    return s

def udp(addr):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, udp_port))  # one socket per address: replies leave from the address asked
    def loop():
        while True:
            data, peer = s.recvfrom(2048)
            s.sendto(b"echo from " + addr.encode() + b" " + data, peer)
    threading.Thread(target=loop, daemon=True).start()

listener = tcp()
for a in udp_addrs:
    udp(a)
open(ready, "w").write(str(os.getpid()))
while True:
    c, _ = listener.accept()
    threading.Thread(target=handle, args=(c,), daemon=True).start()
PY
  cat > "$STATE/client.py" <<'PY'
# client.py KIND HOST PORT COUNT [KIND HOST PORT COUNT ...]; KIND tcp|udp.
# Each request uses a new socket (a new IPVS connection). Prints a summary per target;
# exits 1 if any request failed.
import collections, socket, sys
args = sys.argv[1:]
failed = 0
for i in range(0, len(args), 4):
    kind, host, port, count = args[i], args[i + 1], int(args[i + 2]), int(args[i + 3])
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    ok, who, errors = 0, collections.Counter(), []
    for n in range(count):
        try:
            if kind == "tcp":
                with socket.create_connection((host, port), timeout=10) as s:
                    s.sendall(b"ping\n")
                    reply = b""
                    while not reply.endswith(b"\n"):
                        chunk = s.recv(1024)
                        if not chunk:
                            break
                        reply += chunk
            else:
                with socket.socket(fam, socket.SOCK_DGRAM) as s:
                    s.settimeout(10)
                    s.connect((host, port))
                    s.send(b"ping %d" % n)
                    reply = s.recv(2048)
            text = reply.decode(errors="replace").strip()
            if not text:
                raise OSError("empty reply")
            ok += 1
            who[text.split()[2] if len(text.split()) > 2 else text] += 1
        except OSError as e:
            errors.append(str(e))
    failed += count - ok
    shown = "[%s]:%d" % (host, port) if fam == socket.AF_INET6 else "%s:%d" % (host, port)
    print("  traffic %s %s: %d/%d ok, served by %s%s" % (kind, shown, ok, count,
          dict(sorted(who.items())), (" errors: %s" % errors[:3]) if errors else ""))
sys.exit(1 if failed else 0)
PY
  cat > "$STATE/holder.py" <<'PY'
# holder.py HOST PORT: opens one TCP connection and keeps it open (ESTABLISHED: ActiveConn 1)
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
open(sys.argv[3], "w").write("connected\n")
time.sleep(100000)
PY
}

kill_pidfile() {
  local f=$1 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null)
  case "$pid" in ''|*[!0-9]*) ;; *) kill "$pid" 2>/dev/null ;; esac
  rm -f "$f"
}

cleanup() {
  log "cleanup"
  kill_pidfile "$STATE/server.pid"
  kill_pidfile "$STATE/holder.pid"
  kill_pidfile "$STATE/holder-b.pid"
  local ns
  for ns in "$NS_A" "$NS_B" "$NS_BE"; do
    if [ -e "/run/netns/$ns" ]; then
      # flush first: the namespace may outlive its name if someone (the exporter) holds it
      ip netns exec "$ns" ipvsadm -C 2>/dev/null
      ip netns del "$ns" || log "could not delete $ns"
    fi
  done
  rm -f "$STATE"/*.ready
}

load_modules() {
  log "loading modules"
  run modprobe -a ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sh ip_vs_dh ip_vs_sed ip_vs_nq ip_vs_mh dummy veth
  # not fatal: iptables-nft autoloads what it needs
  modprobe -a iptable_mangle ip6table_mangle xt_mark 2>/dev/null || true
}

# new_ns NS: a namespace with lo up, no DAD, forwarding on
new_ns() {
  local ns=$1
  run ip netns add "$ns"
  run ip -n "$ns" link set lo up
  inns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
    net.ipv4.ip_forward=1 || die "sysctl in $ns"
}

start_backend() {
  log "backend namespace $NS_BE"
  new_ns "$NS_BE"
  # backend side of A's link is created together with A (setup_a)
}

setup_a() {
  local ns=$NS_A
  log "director namespace $ns"
  new_ns "$ns"
  run ip -n "$ns" link add ipvs-vip type dummy
  run ip -n "$ns" link set ipvs-vip up
  local v
  for v in 10.10.0.1/32 10.10.0.2/32 10.10.0.3/32; do run ip -n "$ns" addr add "$v" dev ipvs-vip; done
  for v in fd00:10::1/128 fd00:10::2/128; do run ip -n "$ns" addr add "$v" dev ipvs-vip nodad; done
  run ip -n "$ns" link add a-be type veth peer name be-a netns "$NS_BE"
  run ip -n "$ns" addr add 10.200.1.1/24 dev a-be
  run ip -n "$ns" addr add fd00:200:1::1/64 dev a-be nodad
  run ip -n "$ns" link set a-be up
  for v in 10.200.1.2/24 10.200.1.3/24 10.200.1.4/24 10.200.1.5/24 10.200.1.6/24; do
    run ip -n "$NS_BE" addr add "$v" dev be-a
  done
  for v in fd00:200:1::2/64 fd00:200:1::3/64; do run ip -n "$NS_BE" addr add "$v" dev be-a nodad; done
  run ip -n "$NS_BE" link set be-a up
  # masq return path: the backends answer the director's VIPs through the director
  run ip -n "$NS_BE" route add default via 10.200.1.1
  run ip -n "$NS_BE" -6 route add default via fd00:200:1::1

  log "IPVS table of $ns"
  ipvs "$ns" --set 1000 100 200
  # 1. TCP rr, masq, two backends (the traffic target; holder.py keeps one connection open)
  ipvs "$ns" -A -t 10.10.0.1:80 -s rr
  ipvs "$ns" -a -t 10.10.0.1:80 -r 10.200.1.2:8080 -m -w 1
  ipvs "$ns" -a -t 10.10.0.1:80 -r 10.200.1.3:8080 -m -w 1
  # 2. TCP wrr, weights 3/1/0 (weight 0: drained, gets no new connections)
  ipvs "$ns" -A -t 10.10.0.1:81 -s wrr
  ipvs "$ns" -a -t 10.10.0.1:81 -r 10.200.1.2:8080 -m -w 3
  ipvs "$ns" -a -t 10.10.0.1:81 -r 10.200.1.3:8080 -m -w 1
  ipvs "$ns" -a -t 10.10.0.1:81 -r 10.200.1.4:8080 -m -w 0
  # 3. TCP sh, persistent 300 s, sh flags (printed by ipvsadm, not exported)
  ipvs "$ns" -A -t 10.10.0.1:443 -s sh -b sh-port -p 300
  ipvs "$ns" -a -t 10.10.0.1:443 -r 10.200.1.2:8080 -m -w 1
  ipvs "$ns" -a -t 10.10.0.1:443 -r 10.200.1.3:8080 -m -w 2
  # 4. TCP lc: masq with thresholds, direct routing, tunnel with thresholds (no traffic)
  ipvs "$ns" -A -t 10.10.0.2:80 -s lc
  ipvs "$ns" -a -t 10.10.0.2:80 -r 10.200.1.2:8080 -m -w 1 -x 100 -y 50
  ipvs "$ns" -a -t 10.10.0.2:80 -r 10.200.1.5:80 -g -w 2
  ipvs "$ns" -a -t 10.10.0.2:80 -r 10.200.1.6:80 -i -w 1 -x 10 -y 5
  # 5. TCP dh with no backend at all
  ipvs "$ns" -A -t 10.10.0.2:8000 -s dh
  # 5b. SCTP rr (no traffic): protocol="sctp"
  ipvs "$ns" -A --sctp-service 10.10.0.2:3868 -s rr
  ipvs "$ns" -a --sctp-service 10.10.0.2:3868 -r 10.200.1.4:3868 -m -w 1
  # 6. UDP rr, masq, two backends (traffic)
  ipvs "$ns" -A -u 10.10.0.1:53 -s rr
  ipvs "$ns" -a -u 10.10.0.1:53 -r 10.200.1.2:5353 -m -w 1
  ipvs "$ns" -a -u 10.10.0.1:53 -r 10.200.1.3:5353 -m -w 1
  # 7. UDP sed, persistent 120 s with a /24 persistence mask, one backend weight 0
  ipvs "$ns" -A -u 10.10.0.2:514 -s sed -p 120 -M 255.255.255.0
  ipvs "$ns" -a -u 10.10.0.2:514 -r 10.200.1.4:514 -m -w 0
  ipvs "$ns" -a -u 10.10.0.2:514 -r 10.200.1.5:514 -g -w 4
  # 8. fwmark 100 (Swarm style: rr, masq, backends on port 0), marked by iptables (traffic)
  ipvs "$ns" -A -f 100 -s rr
  ipvs "$ns" -a -f 100 -r 10.200.1.2:0 -m -w 1
  ipvs "$ns" -a -f 100 -r 10.200.1.3:0 -m -w 1
  # local clients traverse OUTPUT, forwarded/ingress traffic PREROUTING: mark both, like Swarm
  run ip netns exec "$ns" iptables -t mangle -A OUTPUT -d 10.10.0.3/32 -p tcp --dport 8080 -j MARK --set-xmark 0x64/0xffffffff
  run ip netns exec "$ns" iptables -t mangle -A PREROUTING -d 10.10.0.3/32 -p tcp --dport 8080 -j MARK --set-xmark 0x64/0xffffffff
  # 9. fwmark 200, nq, no traffic, three backends
  ipvs "$ns" -A -f 200 -s nq
  ipvs "$ns" -a -f 200 -r 10.200.1.4:0 -m -w 1
  ipvs "$ns" -a -f 200 -r 10.200.1.5:0 -g -w 1
  ipvs "$ns" -a -f 200 -r 10.200.1.6:0 -m -w 0
  # 10. IPv6 TCP wlc, masq (traffic)
  ipvs "$ns" -A -t '[fd00:10::1]:80' -s wlc
  ipvs "$ns" -a -t '[fd00:10::1]:80' -r '[fd00:200:1::2]:8080' -m -w 1
  ipvs "$ns" -a -t '[fd00:10::1]:80' -r '[fd00:200:1::3]:8080' -m -w 2
  # 11. IPv6 UDP mh, persistent, no traffic
  ipvs "$ns" -A -u '[fd00:10::2]:53' -s mh -p 60
  ipvs "$ns" -a -u '[fd00:10::2]:53' -r '[fd00:200:1::2]:5353' -m -w 1
  # 12. IPv6 fwmark 100: the same mark as service 8 in the other family (address "::")
  ipvs "$ns" -A -f 100 -6 -s rr
  ipvs "$ns" -a -f 100 -6 -r '[fd00:200:1::2]:0' -m -w 1
  if command -v ip6tables >/dev/null; then
    run ip netns exec "$ns" ip6tables -t mangle -A OUTPUT -d fd00:10::2/128 -p tcp --dport 8080 -j MARK --set-xmark 0x64/0xffffffff
  fi
  # 13. fwmark 300, rr, 60 backends (no traffic): its GET_DEST dump is ~22 KB, several datagrams
  # with the exporter's page-sized reads
  ipvs "$ns" -A -f 300 -s rr
  local i
  for i in $(seq 1 60); do ipvs "$ns" -a -f 300 -r "10.201.$((i / 50)).$((i % 50 + 1)):0" -m -w 1; done
}

# setup_b VARIANT: namespace B with a small table (variant 1) or another one (variant 2)
setup_b() {
  local ns=$NS_B variant=${1:-1}
  log "director namespace $ns (variant $variant)"
  # a stale peer (B deleted while someone still held it) would block the new link
  ip -n "$NS_BE" link del be-b 2>/dev/null
  new_ns "$ns"
  run ip -n "$ns" link add ipvs-vip type dummy
  run ip -n "$ns" link set ipvs-vip up
  local v
  for v in 10.20.0.1/32 10.20.0.2/32 10.20.0.3/32; do run ip -n "$ns" addr add "$v" dev ipvs-vip; done
  run ip -n "$ns" link add b-be type veth peer name be-b netns "$NS_BE"
  run ip -n "$ns" addr add 10.200.2.1/24 dev b-be
  run ip -n "$ns" link set b-be up
  run ip -n "$NS_BE" addr add 10.200.2.2/24 dev be-b
  run ip -n "$NS_BE" addr add 10.200.2.3/24 dev be-b
  run ip -n "$NS_BE" link set be-b up
  ip -n "$NS_BE" route del 10.20.0.0/24 2>/dev/null
  run ip -n "$NS_BE" route add 10.20.0.0/24 via 10.200.2.1

  log "IPVS table of $ns (variant $variant)"
  if [ "$variant" = 1 ]; then
    # default timeouts (900 120 300)
    ipvs "$ns" -A -t 10.20.0.1:80 -s rr
    ipvs "$ns" -a -t 10.20.0.1:80 -r 10.200.2.2:8080 -m -w 1
    ipvs "$ns" -A -u 10.20.0.1:53 -s wrr
    ipvs "$ns" -a -u 10.20.0.1:53 -r 10.200.2.2:5353 -m -w 5
  else
    ipvs "$ns" --set 600 60 60
    ipvs "$ns" -A -f 7 -s wrr
    ipvs "$ns" -a -f 7 -r 10.200.2.2:0 -m -w 2
    ipvs "$ns" -a -f 7 -r 10.200.2.3:0 -m -w 1
    run ip netns exec "$ns" iptables -t mangle -A OUTPUT -d 10.20.0.3/32 -p tcp --dport 8080 -j MARK --set-xmark 0x7/0xffffffff
    ipvs "$ns" -A -t 10.20.0.2:8080 -s lc -p 30
    ipvs "$ns" -a -t 10.20.0.2:8080 -r 10.200.2.2:8080 -m -w 1
    ipvs "$ns" -a -t 10.20.0.2:8080 -r 10.200.2.3:8080 -m -w 0
  fi
  echo "$variant" > "$STATE/b-variant"
}

start_server() {
  log "starting backend server in $NS_BE"
  kill_pidfile "$STATE/server.pid"
  rm -f "$STATE/server.ready"
  setsid ip netns exec "$NS_BE" "$PY" "$STATE/server.py" 8080 5353 "$STATE/server.ready" \
    10.200.1.2 10.200.1.3 10.200.1.4 10.200.2.2 10.200.2.3 fd00:200:1::2 fd00:200:1::3 \
    </dev/null >"$STATE/server.log" 2>&1 &
  echo $! > "$STATE/server.pid"
  wait_file "$STATE/server.ready" 60 || { cat "$STATE/server.log"; die "backend server did not start"; }
}

start_holder() {
  local ns=$1 host=$2 port=$3 name=$4
  kill_pidfile "$STATE/$name.pid"
  rm -f "$STATE/$name.ready"
  setsid ip netns exec "$ns" "$PY" "$STATE/holder.py" "$host" "$port" "$STATE/$name.ready" \
    </dev/null >"$STATE/$name.log" 2>&1 &
  echo $! > "$STATE/$name.pid"
  wait_file "$STATE/$name.ready" 60 || { cat "$STATE/$name.log"; die "holder $name did not connect"; }
  log "holder: one long-lived TCP connection $ns -> $host:$port"
}

wait_file() {
  local f=$1 limit=$2 i=0
  while [ ! -s "$f" ]; do
    i=$((i + 1)); [ "$i" -gt $((limit * 5)) ] && return 1
    sleep 0.2
  done
}

traffic_a() {
  local targets=(tcp 10.10.0.1 80 6  tcp 10.10.0.1 81 8  tcp 10.10.0.1 443 4
                 udp 10.10.0.1 53 6  tcp 10.10.0.3 8080 4  tcp fd00:10::1 80 4)
  command -v ip6tables >/dev/null && targets+=(tcp fd00:10::2 8080 2)
  log "traffic through $NS_A"
  inns "$NS_A" "$PY" "$STATE/client.py" "${targets[@]}"
}

traffic_b() {
  local variant
  variant=$(cat "$STATE/b-variant" 2>/dev/null || echo 1)
  [ -e "/run/netns/$NS_B" ] || { log "no $NS_B: no traffic there"; return 0; }
  log "traffic through $NS_B (variant $variant)"
  if [ "$variant" = 1 ]; then
    inns "$NS_B" "$PY" "$STATE/client.py" tcp 10.20.0.1 80 3 udp 10.20.0.1 53 2
  else
    inns "$NS_B" "$PY" "$STATE/client.py" tcp 10.20.0.2 8080 3 tcp 10.20.0.3 8080 3
  fi
}

traffic() {
  local rc=0
  traffic_a || rc=1
  traffic_b || rc=1
  [ "$rc" = 0 ] || log "SOME TRAFFIC FAILED"
  return "$rc"
}

show() {
  local ns
  for ns in "$NS_A" "$NS_B"; do
    [ -e "/run/netns/$ns" ] || continue
    echo "=== $ns: ipvsadm -Ln"; inns "$ns" ipvsadm -Ln
    echo "=== $ns: ipvsadm -Ln --stats --exact"; inns "$ns" ipvsadm -Ln --stats --exact
  done
}

case "$MODE" in
  setup)
    write_helpers
    cleanup
    load_modules
    start_backend
    setup_a
    setup_b 1
    start_server
    start_holder "$NS_A" 10.10.0.1 80 holder
    traffic; rc=$?
    show
    exit "$rc" ;;
  traffic)
    write_helpers
    traffic ;;
  del-b)
    log "deleting namespace $NS_B"
    run ip netns del "$NS_B" ;;
  recreate-b)
    write_helpers
    if [ -e "/run/netns/$NS_B" ]; then ip netns exec "$NS_B" ipvsadm -C; run ip netns del "$NS_B"; fi
    setup_b 2
    traffic_b ;;
  show) show ;;
  cleanup) cleanup ;;
  *) die "unknown mode $MODE (setup|traffic|del-b|recreate-b|show|cleanup)" ;;
esac
