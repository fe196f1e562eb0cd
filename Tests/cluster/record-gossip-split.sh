#!/usr/bin/env bash
# record-gossip-split.sh: a THEN for scripts/swarm-cluster (2 nodes or more) that records, step by
# step, what the manager's kernel and Docker's two views say while the manager's network database
# cannot gossip (TCP and UDP 7946 dropped on the manager; the Raft port 2377 and VXLAN 4789 stay
# open, so the managers' store keeps scheduling and knowing every task). Then `docker service update
# --force` of web replaces its tasks while gossip is cut, gossip is restored, and the recording goes
# on until the manager's ingress_sbox is whole again.
#
#   SWARM_CLUSTER_DIR=… scripts/swarm-cluster --nodes 2 Tests/cluster/record-gossip-split.sh
#
# Writes into $SWARM_CLUSTER_DIR/gossip-split/ one set of files per step NNN:
#   NNN-network.json   GET /networks/<ingress>?verbose=true&scope=swarm on the manager
#   NNN-tasks.json     GET /tasks (unfiltered), NNN-services.json  GET /services
#   NNN-ipvsadm.txt    ipvsadm -Ln of the manager's ingress_sbox
#   NNN-seconds.txt    seconds since the start, NNN-phase.txt  split | healed
# and nodes.json once. These are the unit-test fixtures of the managers' second opinion
# (Tests/CollectorsTests/Fixtures/gossip-split/).
set -uo pipefail
: "${SWARM_CLUSTER_DIR:?run me through scripts/swarm-cluster}"
web=${SWARM_CLUSTER_WEB_SERVICE:-web}
out=$SWARM_CLUSTER_DIR/gossip-split; mkdir -p "$out"
api() { curl -s --unix-socket /var/run/docker.sock "http://docker$1"; }
ingress=$(docker network inspect --format '{{.Id}}' ingress)
api /nodes > "$out/nodes.json"
start=$SECONDS; step=0
record() { # record PHASE
  step=$((step + 1)); local s; s=$(printf %03d $step)
  api "/networks/$ingress?verbose=true&scope=swarm" > "$out/$s-network.json"
  api /tasks > "$out/$s-tasks.json"; api /services > "$out/$s-services.json"
  nsenter --net=/var/run/docker/netns/ingress_sbox ipvsadm -Ln > "$out/$s-ipvsadm.txt"
  echo $((SECONDS - start)) > "$out/$s-seconds.txt"; echo "$1" > "$out/$s-phase.txt"
  echo "step $s [$1] $((SECONDS - start))s: backends $(grep -c ' -> [0-9]' "$out/$s-ipvsadm.txt"), network view tasks $(python3 -c '
import json,sys
services = json.load(open(sys.argv[1])).get("Services") or {}
print(sum(len(v.get("Tasks") or []) for k, v in services.items() if k))' "$out/$s-network.json")"
}
cut_gossip() { # cut_gossip -I|-D
  for chain in INPUT OUTPUT; do
    for proto in tcp udp; do
      iptables "$1" "$chain" -p "$proto" --dport 7946 -j DROP; iptables "$1" "$chain" -p "$proto" --sport 7946 -j DROP
    done
  done
}
record before
cut_gossip -I
echo "gossip cut on the manager at $((SECONDS - start))s"
for _ in 1 2 3; do sleep 10; record split; done
docker service update --detach --force "$web" >/dev/null
for _ in $(seq 12); do sleep 10; record split; done
cut_gossip -D
echo "gossip restored at $((SECONDS - start))s"
for _ in $(seq 12); do sleep 10; record healed; done
echo "recorded $step steps in $out"
