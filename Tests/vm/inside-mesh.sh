#!/usr/bin/env bash
# inside-mesh.sh: runs INSIDE the swarm-demo VM after inside-swarm.sh, next to the live routing mesh
# (service "web", 2 replicas, published 8080->80, overlay network appnet). Issue 18's acceptance:
#  1. a rolling update under traffic raises nothing (every scrape during it: no stale, missing,
#     unclaimed or unprogrammed); the sequence is recorded (MESH_FIXTURES) for the unit tests;
#  2. deliberate corruption with ipvsadm inside ingress_sbox and lb_appnet (a bogus backend, a real
#     one deleted, a weight left at 0, a bogus fwmark, a fwmark service deleted): the metrics name
#     exactly that within one Docker refresh, `inspect` marks it and exits 1, and every metric
#     equals what mesh_oracle.py works out from ipvsadm and Docker's answer;
#  3. churn: docker kill of a task, scale to 0 and back; and the repair of each corruption;
#  this node is a manager, so the managers' store (/tasks) is compared too: its view age is there
#  and the bogus backend is found by both views (view="network+tasks");
#  `inspect --json` is compared with ipvsadm for every number, in a consistent and a corrupted state.
# Prints "N passed, M failed" last.
set -uo pipefail
: "${REPO:?}" "${EXPORTER_BIN:?}" "${OUT:?}"
service=${SWARM_DEMO_SERVICE:-web}; addr=${SWARM_DEMO_ADDR:-192.168.77.1}; published=${SWARM_DEMO_PUBLISHED:-8080}
port=19119; refresh=2
. "$REPO/Tests/shell/check-helpers.sh"
out=$OUT/mesh; mkdir -p "$out"
api() { curl -s --unix-socket /var/run/docker.sock "http://docker$1"; }
ingress_id=$(docker network inspect --format '{{.Id}}' ingress)
appnet_id=$(docker network inspect --format '{{.Id}}' appnet)
lb="lb_${appnet_id:0:9}"
# ip netns exec (mesh_oracle.py, compare_ipvs.py) finds namespaces under /run/netns.
mkdir -p /run/netns
for ns in ingress_sbox "$lb"; do ln -sf "/var/run/docker/netns/$ns" "/run/netns/$ns"; done
network_json() { # network_json NS FILE: Docker's answer for the network whose load balancer NS is
  if [ "$1" = ingress_sbox ]; then api "/networks/$ingress_id?verbose=true&scope=swarm" > "$2"; else api "/networks/$appnet_id?verbose=true&scope=swarm" > "$2"; fi
}
mark_of() { # mark_of NS: the service's fwmark on that load balancer
  local f; f=$(mktemp -p "$out"); network_json "$1" "$f"
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Services"][sys.argv[2]]["LocalLBIndex"])' "$f" "$service"; rm -f "$f"
}
task_ips() { # task_ips NS: the addresses Docker lists for the service there
  local f; f=$(mktemp -p "$out"); network_json "$1" "$f"
  python3 -c 'import json,sys; print(" ".join(t["EndpointIP"] for t in json.load(open(sys.argv[1]))["Services"][sys.argv[2]]["Tasks"]))' "$f" "$service"; rm -f "$f"
}
scrape() { curl -s -m 20 "http://127.0.0.1:$port/metrics" > "$1"; }
ipvs() { local ns=$1; shift; ip netns exec "$ns" ipvsadm "$@"; }
total() { # total FILE METRIC NS: sum of the consistency gauge over the namespace
  series_matching "$1" "$2" "netns=\"$3\"" | awk '{s+=$NF} END {print s+0}'
}
wrong_anywhere() { # wrong_anywhere FILE: stale+missing+unclaimed+unprogrammed over every namespace
  local s=0 m
  for m in ipvs_swarm_stale_backends ipvs_swarm_missing_backends ipvs_swarm_unclaimed_services ipvs_swarm_unprogrammed_services; do
    s=$((s + $(series_matching "$1" "$m" | awk '{s+=$NF} END {print s+0}')))
  done
  echo $s
}
# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND every second; records how long it took.
waited=0
wait_for() {
  local what=$1 limit=$2; shift 2; local start=$SECONDS
  while [ $((SECONDS - start)) -le "$limit" ]; do
    if "$@"; then waited=$((SECONDS - start)); return 0; fi
    sleep 1
  done
  waited=$((SECONDS - start)); echo "     (gave up waiting for: $what)"; return 1
}
metric_is() { # metric_is METRIC VALUE LABEL-SUBSTRING...: a fresh scrape's first matching series equals VALUE
  local metric=$1 want=$2; shift 2
  scrape "$out/poll.txt"; [ "$(value "$out/poll.txt" "$metric" "$@")" = "$want" ]
}
oracle_agrees() { # oracle_agrees NS: the consistency series of NS equal what mesh_oracle.py works out (quietly)
  network_json "$1" "$out/oracle-net.json"; scrape "$out/oracle-scrape.txt"
  python3 "$REPO/Tests/vm/mesh_oracle.py" metrics "$out/oracle-scrape.txt" "$1" "$out/oracle-net.json" > "$out/oracle.txt" 2>&1
}
oracle_check() { # oracle_check NS WHEN: oracle_agrees, waiting one refresh for confirmation, as one check
  wait_for "the oracle" $((refresh * 3 + 4)) oracle_agrees "$1"
  local rc=$?
  check "$2: $1's consistency series equal mesh_oracle.py's ($(tail -n 1 "$out/oracle.txt"))" test $rc = 0
  [ $rc = 0 ] || grep FAIL "$out/oracle.txt" | head -n 5
}
found_by_both() { # found_by_both ADDRESS: a fresh scrape's stale_backend info series for ADDRESS says both views found it
  scrape "$out/poll.txt"
  [ "$(count "$out/poll.txt" ipvs_swarm_inconsistency_info 'netns="ingress_sbox"' 'kind="stale_backend"' "backend_address=\"$1\"" 'view="network+tasks"')" = 1 ]
}
inspect_agrees() { # inspect_agrees STATUS: inspect --json exits STATUS and equals ipvsadm in every number
  python3 "$REPO/Tests/vm/mesh_oracle.py" inspect --status "$1" ingress_sbox "$lb" -- \
    "$EXPORTER_BIN" inspect --json --interval 1s > "$out/inspect-vs-ipvsadm.txt" 2>&1
}

"$EXPORTER_BIN" --namespace-path /var/run/docker/netns/ingress_sbox --namespace-path '/var/run/docker/netns/lb_*' \
  --web.listen-address 127.0.0.1:$port --docker.refresh-interval ${refresh}s > "$out/exporter.log" 2>&1 &
exporter=$!
wait_for "consistency series" 60 metric_is ipvs_swarm_stale_backends 0 'netns="ingress_sbox"' "service=\"$service\""
check "consistency series for \"$service\" on ingress_sbox, stale 0" test "$(value "$out/poll.txt" ipvs_swarm_stale_backends 'netns="ingress_sbox"' "service=\"$service\"")" = 0
imark=$(mark_of ingress_sbox); amark=$(mark_of "$lb")
echo "ingress fwmark $imark, appnet fwmark $amark ($lb)"
oracle_check ingress_sbox "at rest"
oracle_check "$lb" "at rest"
check "nothing is wrong anywhere at rest ($(wrong_anywhere "$out/oracle-scrape.txt"))" test "$(wrong_anywhere "$out/oracle-scrape.txt")" = 0
check "ipvs_swarm_view_age_seconds{view=\"network\"} is there and under 3 refreshes" \
  awk -v v="$(value "$out/oracle-scrape.txt" ipvs_swarm_view_age_seconds 'netns="ingress_sbox"' 'view="network"')" -v r=$refresh 'BEGIN {exit !(v != "" && v >= 0 && v < 3*r + 10)}'
# This node is a manager: the managers' store (/tasks) is compared as well.
check "ipvs_swarm_view_age_seconds{view=\"tasks\"} is there (a manager) and under 3 refreshes" \
  awk -v v="$(value "$out/oracle-scrape.txt" ipvs_swarm_view_age_seconds 'netns="ingress_sbox"' 'view="tasks"')" -v r=$refresh 'BEGIN {exit !(v != "" && v >= 0 && v < 3*r + 10)}'
"$EXPORTER_BIN" inspect > "$out/inspect-rest.txt" 2>&1; rc=$?
check "inspect exits 0 on a consistent mesh (exit $rc)" test $rc = 0
wait_for "inspect = ipvsadm" 20 inspect_agrees 0
check "inspect --json equals ipvsadm in every number at rest ($(tail -n 1 "$out/inspect-vs-ipvsadm.txt"))" grep -q ' 0 failed' "$out/inspect-vs-ipvsadm.txt"
grep FAIL "$out/inspect-vs-ipvsadm.txt" | head -n 5
echo "--- inspect at rest"; cat "$out/inspect-rest.txt"

# ---- 1. a rolling update under traffic raises nothing; the sequence is recorded
seq_dir=$out/rolling-update; mkdir -p "$seq_dir"
( while :; do curl -s -m 3 -o /dev/null "http://$addr:$published/"; sleep 0.2; done ) &
traffic=$!
docker service update --detach --force --update-parallelism 1 --update-delay 3s "$service" >/dev/null
raised=0; drained=0; step=0; start=$SECONDS
while [ $((SECONDS - start)) -lt 240 ]; do
  step=$((step + 1)); s=$(printf %03d $step)
  network_json ingress_sbox "$seq_dir/$s-network.json"
  ipvs ingress_sbox -Ln > "$seq_dir/$s-ipvsadm.txt"
  echo $((SECONDS - start)) > "$seq_dir/$s-seconds.txt"
  scrape "$seq_dir/$s-scrape.txt"
  w=$(wrong_anywhere "$seq_dir/$s-scrape.txt")
  [ "$w" != 0 ] && { raised=$((raised + 1)); echo "     step $s: raised $w"; grep -E '^ipvs_swarm_(inconsistency_info|stale|missing)' "$seq_dir/$s-scrape.txt" | grep -v ' 0$' | head -n 4; }
  d=$(total "$seq_dir/$s-scrape.txt" ipvs_swarm_draining_backends ingress_sbox)
  [ "$d" != 0 ] && drained=$((drained + 1))
  state=$(docker service inspect --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "$service")
  [ "$state" = completed ] && [ "$(ipvs ingress_sbox -Ln | grep -c ' -> [0-9]')" = 2 ] && [ "$d" = 0 ] && break
done
# A few more scrapes after it ended: the last refresh must not raise anything either.
for extra in 1 2 3; do sleep $refresh; step=$((step + 1)); s=$(printf %03d $step); scrape "$seq_dir/$s-scrape.txt"
  w=$(wrong_anywhere "$seq_dir/$s-scrape.txt"); [ "$w" != 0 ] && { raised=$((raised + 1)); echo "     step $s (after): raised $w"; }; done
kill $traffic 2>/dev/null; wait $traffic 2>/dev/null
echo "rolling update: $step scrapes in $((SECONDS - start)) s, $drained with a backend draining, state $state"
check "the rolling update under traffic ended ($state)" test "$state" = completed
check "no scrape during or after the rolling update raised anything ($raised of $step did)" test "$raised" = 0
check "the exporter saw backends draining during the update ($drained scrapes)" test "$drained" -gt 0
oracle_check ingress_sbox "after the rolling update"

# ---- 2. corruption with ipvsadm
tasks=($(task_ips ingress_sbox)); first=${tasks[0]}; second=${tasks[1]}
echo "tasks of $service on ingress_sbox: ${tasks[*]}"
bogus=10.0.0.250
ipvs ingress_sbox -a -f "$imark" -r $bogus:0 -m -w 1
wait_for "stale" $((refresh * 2 + 5)) metric_is ipvs_swarm_stale_backends 1 'netns="ingress_sbox"' "service=\"$service\""
check "a bogus backend $bogus at weight 1: ipvs_swarm_stale_backends 1 after ${waited}s (refresh ${refresh}s)" test "$(value "$out/poll.txt" ipvs_swarm_stale_backends 'netns="ingress_sbox"' "service=\"$service\"")" = 1
check "ipvs_swarm_inconsistency_info names it (stale_backend, $bogus)" \
  test "$(count "$out/poll.txt" ipvs_swarm_inconsistency_info 'netns="ingress_sbox"' 'kind="stale_backend"' "backend_address=\"$bogus\"")" = 1
wait_for "both views" $((refresh * 2 + 5)) found_by_both "$bogus"
check "both views found it (view=\"network+tasks\" after ${waited}s)" found_by_both "$bogus"
ipvs ingress_sbox -d -f "$imark" -r "$first:0"
ipvs ingress_sbox -e -f "$imark" -r "$second:0" -m -w 0
ipvs ingress_sbox -A -f 999 -s rr
ipvs "$lb" -D -f "$amark"
wait_for "missing" $((refresh * 2 + 5)) metric_is ipvs_swarm_missing_backends 1 'netns="ingress_sbox"' "service=\"$service\""
check "a real backend $first deleted: ipvs_swarm_missing_backends 1 after ${waited}s" test "$(value "$out/poll.txt" ipvs_swarm_missing_backends 'netns="ingress_sbox"' "service=\"$service\"")" = 1
check "ipvs_swarm_inconsistency_info names the missing task's address and its task name" \
  test -n "$(series_matching "$out/poll.txt" ipvs_swarm_inconsistency_info 'netns="ingress_sbox"' 'kind="missing_backend"' "backend_address=\"$first\"" "task=\"$service.")"
check "weight 0 left on $second: ipvs_swarm_draining_backends 1" test "$(value "$out/poll.txt" ipvs_swarm_draining_backends 'netns="ingress_sbox"' "service=\"$service\"")" = 1
t1=$(date +%s.%N); scrape "$out/drain1.txt"; t2=$(date +%s.%N); sleep 3
t3=$(date +%s.%N); scrape "$out/drain2.txt"; t4=$(date +%s.%N)
d1=$(value "$out/drain1.txt" ipvs_swarm_longest_drain_seconds 'netns="ingress_sbox"' "service=\"$service\"")
d2=$(value "$out/drain2.txt" ipvs_swarm_longest_drain_seconds 'netns="ingress_sbox"' "service=\"$service\"")
# The two scrapes read the kernel somewhere inside [t1, t2] and [t3, t4]: the drain grew by that much.
check "ipvs_swarm_longest_drain_seconds grows with the wall clock ($d1 -> $d2; between $(awk -v a=$t2 -v b=$t3 'BEGIN {printf "%.1f", b-a}') and $(awk -v a=$t1 -v b=$t4 'BEGIN {printf "%.1f", b-a}') s passed)" \
  awk -v a="$d1" -v b="$d2" -v lo="$(awk -v x=$t2 -v y=$t3 'BEGIN {print y-x}')" -v hi="$(awk -v x=$t1 -v y=$t4 'BEGIN {print y-x}')" \
  'BEGIN {exit !(a != "" && b - a >= lo - 0.1 && b - a <= hi + 0.1)}'
wait_for "unclaimed" $((refresh * 2 + 5)) metric_is ipvs_swarm_unclaimed_services 1 'netns="ingress_sbox"'
check "a bogus fwmark 999: ipvs_swarm_unclaimed_services 1 after ${waited}s" test "$(value "$out/poll.txt" ipvs_swarm_unclaimed_services 'netns="ingress_sbox"')" = 1
check "ipvs_swarm_inconsistency_info names fwmark 999 unclaimed" test "$(count "$out/poll.txt" ipvs_swarm_inconsistency_info 'netns="ingress_sbox"' 'kind="unclaimed_service"' 'fwmark="999"')" = 1
wait_for "unprogrammed" $((refresh * 2 + 5)) metric_is ipvs_swarm_unprogrammed_services 1 "netns=\"$lb\""
check "fwmark $amark deleted in $lb: ipvs_swarm_unprogrammed_services 1 after ${waited}s" test "$(value "$out/poll.txt" ipvs_swarm_unprogrammed_services "netns=\"$lb\"")" = 1
check "... and its 2 tasks missing there" test "$(value "$out/poll.txt" ipvs_swarm_missing_backends "netns=\"$lb\"" "service=\"$service\"")" = 2
oracle_check ingress_sbox "corrupted"
oracle_check "$lb" "corrupted"
"$EXPORTER_BIN" inspect > "$out/inspect-corrupt.txt" 2>&1; rc=$?
check "inspect exits 1 on the corrupted mesh (exit $rc)" test $rc = 1
for mark in "STALE" "MISSING" "DRAINING" "UNCLAIMED" "UNPROGRAMMED"; do
  check "inspect marks $mark" grep -q "$mark" "$out/inspect-corrupt.txt"
done
check "inspect's STALE line is the bogus backend" grep -qE "^ +$bogus .*STALE" "$out/inspect-corrupt.txt"
check "inspect --service $service shows only it" test "$("$EXPORTER_BIN" inspect --service "$service" | grep -c 'FWM 999')" = 0
wait_for "inspect = ipvsadm" 20 inspect_agrees 1
check "inspect --json equals ipvsadm in every number, corrupted ($(tail -n 1 "$out/inspect-vs-ipvsadm.txt"))" grep -q ' 0 failed' "$out/inspect-vs-ipvsadm.txt"
grep FAIL "$out/inspect-vs-ipvsadm.txt" | head -n 5
"$EXPORTER_BIN" inspect --json > "$out/inspect.json" 2>/dev/null
check "inspect --json lists 3 findings on ingress_sbox (stale, missing, unclaimed) and 3 on $lb (unprogrammed, 2 missing)" python3 -c '
import json,sys; d=json.load(open(sys.argv[1])); f={n["netns"]: sorted(x["kind"] for x in n["findings"]) for n in d["namespaces"]}
print("     findings:", f)
sys.exit(0 if f.get("ingress_sbox")==["missing_backend","stale_backend","unclaimed_service"] and f.get(sys.argv[2])==["missing_backend","missing_backend","unprogrammed_service"] else 1)' "$out/inspect.json" "$lb"
echo "--- inspect on the corrupted mesh"; cat "$out/inspect-corrupt.txt"

# ---- 3. repair: what Swarm repairs by itself, and by hand
docker service update --force --update-delay 0s "$service" >/dev/null 2>&1
echo "after docker service update --force:"; "$EXPORTER_BIN" inspect > "$out/inspect-after-force.txt" 2>&1; echo "inspect exit $?"
oracle_check ingress_sbox "after update --force"
oracle_check "$lb" "after update --force"
scrape "$out/after-force.txt"; grep '^ipvs_swarm_inconsistency_info' "$out/after-force.txt" | sed 's/^/     left: /'
# What update --force leaves (a backend or a mark Swarm never made) is removed by hand.
ipvs ingress_sbox -d -f "$imark" -r $bogus:0 2>/dev/null
ipvs ingress_sbox -D -f 999 2>/dev/null
docker service scale "$service"=0 >/dev/null 2>&1
# Scaled down once the ingress fwmark is gone from the kernel and Docker's view lists no task of it.
scaled_down() {
  ! ipvs ingress_sbox -Ln | grep -q "^FWM  *$imark " || return 1
  network_json ingress_sbox "$out/scaled.json"
  python3 -c 'import json,sys; sys.exit(0 if not (json.load(open(sys.argv[1])).get("Services") or {}).get(sys.argv[2], {}).get("Tasks") else 1)' "$out/scaled.json" "$service"
}
wait_for "scaled to 0" 180 scaled_down
oracle_check ingress_sbox "scaled to 0"
scrape "$out/scaled0.txt"
check "scaled to 0: nothing wrong anywhere ($(wrong_anywhere "$out/scaled0.txt"))" test "$(wrong_anywhere "$out/scaled0.txt")" = 0
docker service scale "$service"=2 >/dev/null 2>&1
wait_for "two backends again" 180 bash -c "[ \$(ip netns exec ingress_sbox ipvsadm -Ln | grep -c ' -> [0-9]') = 2 ]"
# ---- churn: a task killed
victim=$(docker ps -q --filter "name=$service." | head -n 1)
[ -n "$victim" ] && docker kill "$victim" >/dev/null
raised=0; start=$SECONDS
while [ $((SECONDS - start)) -lt 40 ]; do scrape "$out/churn.txt"; [ "$(wrong_anywhere "$out/churn.txt")" != 0 ] && raised=$((raised + 1)); sleep 1; done
check "docker kill of a task: no scrape in the next 40 s raised anything ($raised did)" test $raised = 0
oracle_check ingress_sbox "repaired"
oracle_check "$lb" "repaired"
scrape "$out/repaired.txt"
check "after the repair nothing is wrong anywhere ($(wrong_anywhere "$out/repaired.txt"))" test "$(wrong_anywhere "$out/repaired.txt")" = 0
"$EXPORTER_BIN" inspect >/dev/null 2>&1; rc=$?
check "inspect exits 0 again (exit $rc)" test $rc = 0
kill "$exporter"; wait "$exporter"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
