#!/usr/bin/env bash
# record-rolling-update.sh: runs INSIDE the swarm-demo VM (a single-node Swarm: the node is a
# manager). Records a rolling update of web under traffic, step by step, with no time limit and no
# checks, for the unit tests of the mesh consistency rules with both of Docker's views:
#   NNN-network.json  GET /networks/<ingress>?verbose=true&scope=swarm
#   NNN-tasks.json    GET /tasks (unfiltered)      NNN-services.json  GET /services
#   NNN-ipvsadm.txt   ipvsadm -Ln of ingress_sbox   NNN-seconds.txt    seconds since the update began
# and nodes.json, into $OUT/rolling-update/. Run from the host:
#   scripts/swarm-demo with a THEN that runs `OUT=<dir under the repo> bash Tests/vm/record-rolling-update.sh`
set -uo pipefail
: "${OUT:?}"
service=${SWARM_DEMO_SERVICE:-web}; addr=${SWARM_DEMO_ADDR:-192.168.77.1}; published=${SWARM_DEMO_PUBLISHED:-8080}
out=$OUT/rolling-update; mkdir -p "$out"
api() { curl -s --unix-socket /var/run/docker.sock "http://docker$1"; }
ingress=$(docker network inspect --format '{{.Id}}' ingress)
api /nodes > "$out/nodes.json"
( while :; do curl -s -m 3 -o /dev/null "http://$addr:$published/"; sleep 0.2; done ) &
traffic=$!
start=$SECONDS; step=0
record() {
  step=$((step + 1)); local s; s=$(printf %03d $step)
  api "/networks/$ingress?verbose=true&scope=swarm" > "$out/$s-network.json"
  api /tasks > "$out/$s-tasks.json"; api /services > "$out/$s-services.json"
  ip netns exec ingress_sbox ipvsadm -Ln > "$out/$s-ipvsadm.txt" 2>/dev/null || nsenter --net=/var/run/docker/netns/ingress_sbox ipvsadm -Ln > "$out/$s-ipvsadm.txt"
  echo $((SECONDS - start)) > "$out/$s-seconds.txt"
}
record
docker service update --detach --force --update-parallelism 1 --update-delay 3s "$service" >/dev/null
while [ $((SECONDS - start)) -lt 900 ]; do
  record
  state=$(api "/services/$service" | python3 -c 'import json,sys; print((json.load(sys.stdin).get("UpdateStatus") or {}).get("State", ""))')
  last=$(printf %03d $step)
  echo "step $last $((SECONDS - start))s: update $state, backends $(grep -c ' -> [0-9]' "$out/$last-ipvsadm.txt"), at weight 0 $(awk '$1 == "->" && $4 == 0' "$out/$last-ipvsadm.txt" | wc -l)"
  [ "$state" = completed ] && [ "$(grep -c ' -> [0-9]' "$out/$last-ipvsadm.txt")" = 2 ] && \
    [ "$(awk '$1 == "->" && $4 == 0' "$out/$last-ipvsadm.txt" | wc -l)" = 0 ] && break
  sleep 1
done
sleep 3; record; sleep 3; record
kill $traffic 2>/dev/null
echo "recorded $step steps in $((SECONDS - start)) s"
