#!/usr/bin/env bash
# checks.sh: the acceptance checks of the shipped image and stack on a real multi-node Swarm. Runs
# on the manager of scripts/swarm-cluster as its THEN (Tests/cluster/run-cluster-test.sh starts it),
# after the stack compose/swarm-ipvs-exporter.yml and the demo service web (one task per node,
# published 8080) were deployed. Every number is compared with the kernel of the node it comes from
# (ipvsadm inside that node's ingress_sbox, through swarm-cluster-exec). One `ok`/`FAIL` line per
# check, then `N passed, M failed`; exit 1 if anything failed.
#
# Sections (in this order; later ones change the cluster):
#   image      the image built from the Dockerfile: labels, health check, same ID on every node
#   tasks      one exporter task per node, Docker's health status healthy, no restarts
#   mesh       per node: ingress_sbox and lb_* read, service=web on the node's own fwmark, backends
#              on every node in ipvs_swarm_backend_info (node label), counters equal ipvsadm after
#              requests to that node's published port, the other nodes' counters do not move
#   ring       dial_duration_seconds per peer = the other nodes' task names, no dial errors;
#              dns_lookup_* for tasks.<service> answered by Docker's embedded DNS
#   leastpriv  the experiment of running the shipped image as a non-root user with file
#              capabilities (setcap on the binary, cap_add): what it can and cannot read
#   prometheus Debian's Prometheus on the manager with compose/prometheus/prometheus.yml
#              (dockerswarm_sd_configs on the manager's socket): every node's task discovered and
#              up == 1, the shipped alert rules loaded and evaluated
#   consistency mesh consistency across nodes: every node's stale/missing/unclaimed/unprogrammed 0;
#              a bogus backend added with ipvsadm in one worker's ingress_sbox is stale on that node
#              only (within a refresh), `inspect` in its task marks it and exits 1, Prometheus sees the
#              nodes disagree on web's backends; removed again, everything returns to 0
#   measure    memory.current and CPU of each exporter task over CLUSTER_MEASURE_SCRAPES scrapes
#              (default 50; limit 128M); the time from `docker stack deploy` to every node scraped
#              (figures in measurements.txt)
#   ops        rolling update of web (old backends weight 0 then gone, new ones in, scrapes never
#              fail), scale to 0 and back, a new overlay network, dockerd restarted on a worker
#   webconfig  the exporter service updated with a web config (TLS + basic auth, Swarm secrets):
#              tasks stay healthy, Prometheus scrapes with credentials
#   poweroff   the last worker powered off: the manager's exporter keeps serving, dial errors to
#              that peer are counted with a reason
# CLUSTER_SECTIONS="image tasks …" runs only those; the default is every section but leastpriv (an
# experiment whose outcome the Dockerfile records; it prints notes, not checks, and costs minutes);
# CLUSTER_SECTIONS=all runs every section above, in order.
# Results and raw material: $SWARM_CLUSTER_DIR/checks/ (scrapes, ipvsadm outputs, measurements.txt).
set -uo pipefail
: "${SWARM_CLUSTER_NODES:?run me through scripts/swarm-cluster}" "${SWARM_CLUSTER_IMAGE:?}" "${SWARM_CLUSTER_DIR:?}"
here=$(cd "$(dirname "$0")" && pwd)
read -r -a nodes <<< "$SWARM_CLUSTER_NODES"
read -r -a hosts <<< "$SWARM_CLUSTER_HOSTNAMES"
N=${#nodes[@]}
stack=${SWARM_CLUSTER_STACK:-swarm-ipvs-exporter}
svc=${stack}_exporter
web=${SWARM_CLUSTER_WEB_SERVICE:-web}
wport=${SWARM_CLUSTER_WEB_PORT:-8080}
OUT=$SWARM_CLUSTER_DIR/checks; mkdir -p "$OUT"
all_sections="image tasks mesh ring leastpriv prometheus consistency measure ops webconfig poweroff"
sections=${CLUSTER_SECTIONS:-${all_sections/ leastpriv/}}
[ "$sections" = all ] && sections=$all_sections
t0=$(date +%s)
# check, value, count (pass and fail counted there)
. "$here/../shell/check-helpers.sh"
note() { echo "# [$(( $(date +%s) - t0 ))s] $*"; }
want() { case " $sections " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
on() { swarm-cluster-exec "$@"; }
scheme=http; curl_auth=()
scrape() { # scrape ADDRESS FILE: the node's exporter through its host-mode port; fails unless 200
  local code
  code=$(curl -s -m 20 -o "$2" -w '%{http_code}' "${curl_auth[@]}" "$scheme://$1:10118/metrics")
  [ "$code" = 200 ]
}
sbox() { on "$1" "nsenter --net=/var/run/docker/netns/ingress_sbox ipvsadm $2"; }
# the mark Docker gave service $web on node $1 in the network $2 (LocalLBIndex of network inspect --verbose)
lbindex() { on "$1" "docker network inspect --verbose --format '{{with index .Services \"$3\"}}{{.LocalLBIndex}}{{end}}' $2" 2>/dev/null | tr -d '[:space:]'; }
task_on() { # task_on HOST SERVICE: the running container of SERVICE on node HOST (run on that node)
  on "$1" "docker ps -q --filter label=com.docker.swarm.service.name=$2 --filter status=running | head -n 1"
}
# compare_node ADDRESS TAG: node's scrape vs node's ipvsadm (ingress_sbox), reading the kernel before
# and after the scrape until both reads agree (counters move only with traffic; the estimator
# refreshes them every 2 s)
compare_node() {
  local n=$1 tag=$2 a b
  for _ in 1 2 3 4 5; do
    a=$(sbox "$n" "-Ln --stats --exact"; echo ===; sbox "$n" "-Ln")
    scrape "$n" "$OUT/scrape-$tag.txt" || { sleep 2; continue; }
    b=$(sbox "$n" "-Ln --stats --exact"; echo ===; sbox "$n" "-Ln")
    [ "$a" = "$b" ] && break
    sleep 2
  done
  printf '%s\n' "${a%%===*}" > "$OUT/ipvsadm-stats-$tag.txt"; printf '%s\n' "${a#*===}" > "$OUT/ipvsadm-list-$tag.txt"
  python3 "$here/ipvs_vs_scrape.py" "$OUT/scrape-$tag.txt" ingress_sbox "$OUT/ipvsadm-stats-$tag.txt" "$OUT/ipvsadm-list-$tag.txt" > "$OUT/compare-$tag.txt"
}
fwm_conns() { awk -v m="$2" '$1=="FWM" && $2==m {print $3}' <<< "$1"; }

note "nodes: ${nodes[*]} (${hosts[*]}); image $SWARM_CLUSTER_IMAGE; stack $stack"

# ------------------------------------------------------------------------------------------ image
if want image; then
  note "== image"
  insp=$(docker image inspect --format '{{index .Config.Labels "org.opencontainers.image.version"}}|{{.Config.User}}|{{json .Config.Entrypoint}}|{{json .Config.Healthcheck.Test}}' "$SWARM_CLUSTER_IMAGE")
  note "image: $insp"
  check "image label org.opencontainers.image.version = VERSION ($(cat "$SWARM_CLUSTER_REPO/VERSION"))" \
    test "${insp%%|*}" = "$(cat "$SWARM_CLUSTER_REPO/VERSION")"
  check "image entrypoint is the exporter" grep -q '\["/usr/local/bin/swarm-ipvs-exporter"\]' <<< "$insp"
  check "image has the Dockerfile's HEALTHCHECK" grep -q 'CMD' <<< "${insp##*|}"
  ids=""; for n in "${nodes[@]}"; do ids="$ids $(on "$n" "docker image inspect --format '{{.Id}}' $SWARM_CLUSTER_IMAGE" 2>&1)"; done
  check "the image is on every node under the same ID:$ids" test "$(tr ' ' '\n' <<< "$ids" | grep -c "^$SWARM_CLUSTER_IMAGE$")" = "$N"
  check "runtime packages installed by the Dockerfile's apt-get in the lab" \
    docker run --rm --entrypoint /bin/sh "$SWARM_CLUSTER_IMAGE" -c 'dpkg-query -W libnl-3-200 libnl-genl-3-200 libcrypt1 zlib1g libstdc++6 >/dev/null && /usr/local/bin/swarm-ipvs-exporter --version'
fi

# ------------------------------------------------------------------------------------------ tasks
if want tasks; then
  note "== tasks"
  placed=$(docker service ps --filter desired-state=running --format '{{.Node}}' "$svc" | sort | tr '\n' ' ')
  check "one running exporter task per node: $placed" test "$placed" = "$(printf '%s\n' "${hosts[@]}" | sort | tr '\n' ' ')"
  for i in "${!nodes[@]}"; do
    n=${nodes[$i]}; h=${hosts[$i]}; st=""
    for _ in $(seq 40); do   # first check after --interval (30 s), --start-period 20 s
      c=$(task_on "$n" "$svc")
      st=$(on "$n" "docker inspect --format '{{.State.Health.Status}} restarts={{.RestartCount}}' $c" 2>&1)
      case "$st" in healthy*) break ;; esac; sleep 3
    done
    check "$h: exporter container healthy (Docker's health status: $st)" test "${st%% *}" = healthy
  done
  all=$(docker service ps -q "$svc" | wc -l)
  check "no exporter task restarted or replaced ($all tasks in the service's history for $N nodes)" test "$all" = "$N"
fi

# ------------------------------------------------------------------------------------------ mesh
if want mesh; then
  note "== mesh"
  appnet_id=$(docker network inspect --format '{{.Id}}' appnet 2>/dev/null)
  ring_id=$(docker network inspect --format '{{.Id}}' "${stack}_ring" 2>/dev/null)
  declare -A imark=()
  for i in "${!nodes[@]}"; do
    n=${nodes[$i]}; h=${hosts[$i]}
    scrape "$n" "$OUT/scrape-mesh-$h.txt"; check "$h: /metrics answers 200" test $? = 0
    f=$OUT/scrape-mesh-$h.txt
    check "$h: ingress_sbox read (netns_up 1)" test "$(value "$f" swarm_ipvs_exporter_netns_up 'netns="ingress_sbox"')" = 1
    check "$h: lb_${appnet_id:0:9} (appnet) read" test "$(value "$f" swarm_ipvs_exporter_netns_up "netns=\"lb_${appnet_id:0:9}\"")" = 1
    check "$h: lb_${ring_id:0:9} (${stack}_ring) read" test "$(value "$f" swarm_ipvs_exporter_netns_up "netns=\"lb_${ring_id:0:9}\"")" = 1
    mark=$(lbindex "$n" ingress "$web"); imark[$i]=$mark
    check "$h: service=\"$web\" on the node's own ingress fwmark $mark" \
      test -n "$mark" -a -n "$(value "$f" ipvs_service_info 'netns="ingress_sbox"' "fwmark=\"$mark\"" "service=\"$web\"")"
    amark=$(lbindex "$n" appnet "$web")
    check "$h: service=\"$web\" on lb_${appnet_id:0:9} fwmark $amark" \
      test -n "$amark" -a -n "$(value "$f" ipvs_service_info "netns=\"lb_${appnet_id:0:9}\"" "fwmark=\"$amark\"" "service=\"$web\"")"
    bnodes=$(grep -E "^ipvs_swarm_backend_info\{netns=\"ingress_sbox\",service=\"$web\"" "$f" | grep -o 'node="[^"]*"' | sort -u | tr '\n' ' ')
    check "$h: ipvs_swarm_backend_info for $web names $N different nodes: $bnodes" test "$(wc -w <<< "$bnodes")" = "$N"
    # not a check: under TCG the manager's dockerd sometimes needs more than the client's 3 s for
    # /networks/ID?verbose=true, which the exporter counts and survives (the names above came through)
    note "$h: swarm_ipvs_exporter_docker_api_errors_total $(value "$f" swarm_ipvs_exporter_docker_api_errors_total '')"
  done
  # requests to each node's published port: that node's counters equal ipvsadm; the others stand still
  K=8
  for i in "${!nodes[@]}"; do
    n=${nodes[$i]}; h=${hosts[$i]}
    declare -A before=()
    for j in "${!nodes[@]}"; do before[$j]=$(fwm_conns "$(sbox "${nodes[$j]}" "-Ln --stats --exact")" "${imark[$j]}"); done
    okn=0; served=""
    for _ in $(seq $K); do b=$(curl -s -m 15 "http://$n:$wport/") && okn=$((okn+1)) && served="$served ${b#task-on-}"; done
    check "$h: $okn/$K HTTP requests to $n:$wport answered (served by:$served)" test "$okn" = $K
    sleep 4   # IPVS estimator
    compare_node "$n" "traffic-$h"
    check "$h: exporter = ipvsadm in ingress_sbox after requests to it ($(tail -n 1 "$OUT/compare-traffic-$h.txt"))" \
      test "$(grep -c '^FAIL' "$OUT/compare-traffic-$h.txt")" = 0 -a "$(grep -c '^ok' "$OUT/compare-traffic-$h.txt")" -gt 0
    grep '^FAIL' "$OUT/compare-traffic-$h.txt" | head -n 5
    mark=${imark[$i]}
    after=$(value "$OUT/scrape-traffic-$h.txt" ipvs_service_connections_total 'netns="ingress_sbox"' "fwmark=\"$mark\"")
    check "$h: the exporter's connections on fwmark $mark grew by the $K requests (${before[$i]} -> $after)" \
      test "$(( ${after:-0} - ${before[$i]:-0} ))" = $K
    moved=""
    for j in "${!nodes[@]}"; do
      [ "$j" = "$i" ] && continue
      now=$(fwm_conns "$(sbox "${nodes[$j]}" "-Ln --stats --exact")" "${imark[$j]}")
      [ "$now" = "${before[$j]}" ] || moved="$moved ${hosts[$j]}:${before[$j]}->$now"
    done
    check "$h: the other nodes' ingress counters did not move${moved:+ (moved:$moved)}" test -z "$moved"
  done
fi

# ------------------------------------------------------------------------------------------ ring
if want ring; then
  note "== ring (dial ring and DNS)"
  # two scrapes a bit more than one round (15 s) apart: lookups and dials must have happened in
  # between without a new error (errors from before the tasks were running may be counted already)
  for i in "${!nodes[@]}"; do scrape "${nodes[$i]}" "$OUT/scrape-ring0-${hosts[$i]}.txt"; done
  sleep 20
  sumof() { grep -E "^$2\{" "$1" | grep -F "${3:-}" | awk '{s+=$NF} END {print s+0}'; }
  for i in "${!nodes[@]}"; do
    n=${nodes[$i]}; h=${hosts[$i]}; f=$OUT/scrape-ring-$h.txt; f0=$OUT/scrape-ring0-$h.txt
    scrape "$n" "$f"
    peers=$(grep -E '^dial_duration_seconds_count\{' "$f" | grep -o 'peer="[^"]*"' | sort -u | tr '\n' ' ')
    want_peers=$(( N - 1 < 2 ? N - 1 : 2 ))
    check "$h: dial_duration_seconds for $want_peers peer(s) ($peers)" test "$(wc -w <<< "$peers")" = "$want_peers"
    d=$(( $(sumof "$f" dial_duration_seconds_count) - $(sumof "$f0" dial_duration_seconds_count) ))
    e=$(( $(sumof "$f" dial_errors_total) - $(sumof "$f0" dial_errors_total) ))
    check "$h: $d dials in the last 20 s, $e new dial errors (all-time errors: $(sumof "$f" dial_errors_total))" test "$d" -gt 0 -a "$e" = 0
    for proto in udp tcp; do
      sel="host=\"tasks.$svc\",protocol=\"$proto\""
      d=$(( $(sumof "$f" dns_lookup_duration_seconds_count "$sel") - $(sumof "$f0" dns_lookup_duration_seconds_count "$sel") ))
      e=$(( $(sumof "$f" dns_lookup_errors_total "$sel") - $(sumof "$f0" dns_lookup_errors_total "$sel") ))
      check "$h: tasks.$svc over $proto answered by Docker's DNS: $d lookups in the last 20 s, $e new errors (all-time errors: $(sumof "$f" dns_lookup_errors_total "$sel"))" test "$d" -gt 0 -a "$e" = 0
    done
    # peer = the task's name from Docker's DNS (<service>.<node id>.<task id>, plus the network):
    # it must be a running task of the exporter on another node
    mine=$(docker node inspect --format '{{.ID}}' "$h")
    okn=1
    for p in $(grep -E '^dial_duration_seconds_count\{' "$f" | grep -o 'peer="[^"]*"' | sed 's/peer="//; s/"$//' | sort -u); do
      t=${p%.${stack}_ring}; tid=${t##*.}; nid=${t#"$svc".}; nid=${nid%%.*}
      [ "$(docker inspect --format '{{.Status.State}} {{.NodeID}}' "$tid" 2>/dev/null)" = "running $nid" ] && [ "$nid" != "$mine" ] || okn=0
    done
    check "$h: each dialled peer is a running exporter task on another node" test $okn = 1
  done
fi

# ------------------------------------------------------------------------------------------ leastpriv
if want leastpriv; then
  note "== leastpriv: the shipped image as a non-root user with file capabilities, beside the stack"
  lp=$OUT/leastpriv; mkdir -p "$lp"
  # BuildKit takes FROM sha256:… for an image name: use the image's tag
  base=$(docker image inspect --format '{{index .RepoTags 0}}' "$SWARM_CLUSTER_IMAGE")
  printf 'FROM %s\nUSER root\nRUN apt-get update && apt-get install -y --no-install-recommends libcap2-bin && setcap cap_sys_admin,cap_net_admin+ep /usr/local/bin/swarm-ipvs-exporter && getcap /usr/local/bin/swarm-ipvs-exporter\nUSER 65534:65534\n' \
    "$base" > "$lp/Dockerfile"
  if DOCKER_BUILDKIT=1 docker build --progress=plain -t leastpriv:lab "$lp" > "$lp/build.log" 2>&1; then
    note "leastpriv image: $(grep -o 'swarm-ipvs-exporter cap_[^ ]*' "$lp/build.log" | head -n 1)"
    docker run -d --name leastpriv --user 65534:65534 --cap-drop ALL --cap-add SYS_ADMIN --cap-add NET_ADMIN \
      --mount type=bind,source=/var/run/docker/netns,target=/var/run/docker/netns,readonly,bind-propagation=rslave \
      --mount type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock,readonly \
      -p 127.0.0.1:19118:10118 leastpriv:lab --namespace-path=/var/run/docker/netns/ingress_sbox \
      '--namespace-path=/var/run/docker/netns/lb_*' --docker.socket=/var/run/docker.sock --docker.refresh-interval=2s > "$lp/run.log" 2>&1
    sleep 15
    curl -s -m 20 http://127.0.0.1:19118/metrics > "$lp/scrape.txt"
    docker logs leastpriv > "$lp/container.log" 2>&1
    docker exec leastpriv sh -c 'id; grep Cap /proc/1/status' > "$lp/caps.txt" 2>&1
    note "leastpriv: $(tr '\n' ' ' < "$lp/caps.txt")"
    note "leastpriv: netns_up ingress_sbox=$(value "$lp/scrape.txt" swarm_ipvs_exporter_netns_up 'netns="ingress_sbox"') ipvs success=$(value "$lp/scrape.txt" swarm_ipvs_exporter_scrape_collector_success 'collector="ipvs"' 'netns="ingress_sbox"') conntrack success=$(value "$lp/scrape.txt" swarm_ipvs_exporter_scrape_collector_success 'collector="conntrack"' 'netns="ingress_sbox"') docker_api_errors=$(value "$lp/scrape.txt" swarm_ipvs_exporter_docker_api_errors_total '') service labels=$(grep -c 'service="' "$lp/scrape.txt")"
    grep -iE 'error|denied|warn' "$lp/container.log" | head -n 5
    docker rm -f leastpriv >/dev/null 2>&1
  else
    note "leastpriv: image build failed: $(tail -n 5 "$lp/build.log" | tr '\n' ' ')"
  fi
fi

# ------------------------------------------------------------------------------------------ prometheus
prom_pid=""
start_prometheus() { # start_prometheus CONFIG-DIR
  [ -n "$prom_pid" ] && { kill "$prom_pid"; wait "$prom_pid" 2>/dev/null; }
  [ -x /tmp/prometheus ] || cp /usr/bin/prometheus /tmp/prometheus
  rm -rf /tmp/prom-data
  /tmp/prometheus --config.file="$1/prometheus.yml" --storage.tsdb.path=/tmp/prom-data \
    --web.listen-address=127.0.0.1:9090 > "$OUT/prometheus.log" 2>&1 &
  prom_pid=$!
  for _ in $(seq 60); do curl -sf -m 3 http://127.0.0.1:9090/-/ready >/dev/null && return 0; sleep 2; done
  return 1
}
promq() { curl -s -m 10 --data-urlencode "query=$1" http://127.0.0.1:9090/api/v1/query; }
# targets_up: "<up targets> <all targets>" of job swarm-ipvs-exporter
targets_up() { curl -s -m 10 http://127.0.0.1:9090/api/v1/targets | python3 -c '
import json, sys
t = [x for x in json.load(sys.stdin)["data"]["activeTargets"] if x["labels"].get("job") == "swarm-ipvs-exporter"]
print(sum(1 for x in t if x["health"] == "up"), len(t), " ".join(sorted(x["labels"].get("instance", "?") for x in t)))'; }
wait_targets() { # wait_targets SECONDS: until every node is up
  local r
  for _ in $(seq $(( $1 / 3 ))); do r=$(targets_up); [ "${r%% *}" = "$N" ] && [ "$(cut -d' ' -f2 <<< "$r")" = "$N" ] && break; sleep 3; done
  echo "$r"
}
if want prometheus; then
  note "== prometheus"
  pdir=$OUT/prometheus; mkdir -p "$pdir"
  cp "$SWARM_CLUSTER_REPO/compose/prometheus/prometheus.yml" "$SWARM_CLUSTER_REPO/compose/prometheus/alerts.yml" "$pdir/"
  if check "Prometheus starts with the shipped prometheus.yml (dockerswarm_sd on the manager's socket)" start_prometheus "$pdir"; then
    r=$(wait_targets 150)
    check "Prometheus discovered one exporter target per node, all up ($r)" test "${r%% *}" = "$N" -a "$(cut -d' ' -f2 <<< "$r")" = "$N"
    sleep 20
    up=$(promq 'up{job="swarm-ipvs-exporter"}' | python3 -c 'import json,sys; print(" ".join(sorted(r["metric"]["instance"]+"="+r["value"][1] for r in json.load(sys.stdin)["data"]["result"])))')
    check "up == 1 for every node: $up" test "$(grep -o '=1' <<< "$up" | wc -l)" = "$N"
    nodes_seen=$(promq 'count(count by (instance) (ipvs_swarm_backend_info))' | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')
    check "Prometheus holds ipvs_swarm_backend_info from $nodes_seen of $N nodes" test "$nodes_seen" = "$N"
    rules=$(curl -s -m 10 http://127.0.0.1:9090/api/v1/rules | python3 -c '
import json, sys
rs = [r for g in json.load(sys.stdin)["data"]["groups"] for r in g["rules"]]
bad = [r["name"] for r in rs if r.get("health") != "ok" or not r.get("lastEvaluation", "").startswith("20")]
print(len(rs), len(bad), " ".join(bad))')
    nalerts=$(grep -c '^\s*- alert:' "$pdir/alerts.yml")
    check "the shipped alert rules loaded and evaluated ($rules; alerts.yml has $nalerts)" \
      test "$(cut -d' ' -f1 <<< "$rules")" = "$nalerts" -a "$(cut -d' ' -f2 <<< "$rules")" = 0
    firing=$(promq 'ALERTS{alertstate="firing"}' | python3 -c 'import json,sys; print(" ".join(r["metric"]["alertname"] for r in json.load(sys.stdin)["data"]["result"]))')
    note "alerts firing on the healthy cluster: ${firing:-none}"
  fi
fi

# ------------------------------------------------------------------------------------------ consistency
consistency_total() { # consistency_total FILE: stale + missing + unclaimed + unprogrammed, every namespace
  grep -E '^ipvs_swarm_(stale_backends|missing_backends|unclaimed_services|unprogrammed_services)\{' "$1" | awk '{s+=$NF} END {print s+0}'
}
stale_on() { # stale_on ADDRESS WANT: the node's ipvs_swarm_stale_backends for web in ingress_sbox is WANT
  scrape "$1" "$OUT/poll-consistency.txt" && [ "$(value "$OUT/poll-consistency.txt" ipvs_swarm_stale_backends 'netns="ingress_sbox"' "service=\"$web\"")" = "$2" ]
}
poll() { # poll SECONDS COMMAND...: until COMMAND succeeds; sets $took
  local start=$SECONDS
  while [ $((SECONDS - start)) -le "$1" ]; do "${@:2}" && { took=$((SECONDS - start)); return 0; }; sleep 2; done
  took=$((SECONDS - start)); return 1
}
if want consistency; then
  note "== consistency"
  for i in "${!nodes[@]}"; do
    scrape "${nodes[$i]}" "$OUT/scrape-consistency-$i.txt"
    check "${hosts[$i]}: the mesh agrees with Docker's view (stale+missing+unclaimed+unprogrammed = $(consistency_total "$OUT/scrape-consistency-$i.txt"))" \
      test "$(consistency_total "$OUT/scrape-consistency-$i.txt")" = 0 -a -n "$(value "$OUT/scrape-consistency-$i.txt" ipvs_swarm_stale_backends 'netns="ingress_sbox"' "service=\"$web\"")"
  done
  # Managers compare the kernel with the managers' store (/tasks) too; workers (503) cannot.
  for i in "${!nodes[@]}"; do
    age=$(value "$OUT/scrape-consistency-$i.txt" ipvs_swarm_view_age_seconds 'netns="ingress_sbox"' 'view="tasks"')
    if [ "$i" = 0 ]; then
      check "${hosts[$i]} (manager): the tasks view is compared too (view_age_seconds{view=\"tasks\"} ${age:-absent})" test -n "$age"
    else
      check "${hosts[$i]} (worker): only the network view (view_age_seconds{view=\"tasks\"} ${age:-absent})" test -z "$age"
    fi
  done
  last=$((N - 1)); w=${nodes[$last]}; wh=${hosts[$last]}
  wmark=$(lbindex "$w" ingress "$web")
  bogus=10.0.0.250
  sbox "$w" "-a -f $wmark -r $bogus:0 -m -w 1"
  poll 60 stale_on "$w" 1
  check "$wh: a bogus backend $bogus at weight 1 on fwmark $wmark is stale there after ${took}s (refresh 15s)" test "$(value "$OUT/poll-consistency.txt" ipvs_swarm_stale_backends 'netns="ingress_sbox"' "service=\"$web\"")" = 1
  check "$wh: ipvs_swarm_inconsistency_info names $bogus, found by the network view" test "$(count "$OUT/poll-consistency.txt" ipvs_swarm_inconsistency_info 'kind="stale_backend"' "backend_address=\"$bogus\"" 'view="network"')" = 1
  scrape "${nodes[0]}" "$OUT/scrape-consistency-manager.txt"
  check "${hosts[0]}: the manager's mesh is unaffected (stale 0)" test "$(value "$OUT/scrape-consistency-manager.txt" ipvs_swarm_stale_backends 'netns="ingress_sbox"' "service=\"$web\"")" = 0
  task=$(task_on "$w" "$svc")
  on "$w" "docker exec $task swarm-ipvs-exporter inspect --service $web" > "$OUT/inspect-$wh.txt" 2>&1; rc=$?
  check "$wh: inspect in the exporter's task exits 1 and marks $bogus STALE (exit $rc)" test $rc = 1 -a "$(grep -cE "$bogus .*STALE" "$OUT/inspect-$wh.txt")" = 1
  cat "$OUT/inspect-$wh.txt"
  if [ -n "$prom_pid" ]; then
    sleep 20
    who=$(promq 'ipvs_swarm_stale_backends > 0' | python3 -c 'import json,sys; print(" ".join(sorted(r["metric"]["instance"] for r in json.load(sys.stdin)["data"]["result"])))')
    check "Prometheus: ipvs_swarm_stale_backends > 0 on $wh only ($who)" test "$who" = "$wh"
    spread=$(promq 'max by (service) (ipvs_service_backends_weighted{netns="ingress_sbox", service!=""}) - min by (service) (ipvs_service_backends_weighted{netns="ingress_sbox", service!=""}) > 0' \
      | python3 -c 'import json,sys; print(" ".join(r["metric"]["service"]+"="+r["value"][1] for r in json.load(sys.stdin)["data"]["result"]))')
    check "Prometheus: SwarmNodesDisagreeOnBackends' expression names $web with a spread of 1 ($spread)" test "$spread" = "$web=1"
  fi
  sbox "$w" "-d -f $wmark -r $bogus:0"
  poll 60 stale_on "$w" 0
  check "$wh: removed again, stale 0 after ${took}s" test "$(value "$OUT/poll-consistency.txt" ipvs_swarm_stale_backends 'netns="ingress_sbox"' "service=\"$web\"")" = 0
  on "$w" "docker exec $task swarm-ipvs-exporter inspect --service $web" > /dev/null 2>&1; rc=$?
  check "$wh: inspect exits 0 again (exit $rc)" test $rc = 0
fi

# ------------------------------------------------------------------------------------------ measure
if want measure; then
  scrapes=${CLUSTER_MEASURE_SCRAPES:-50}
  note "== measure (memory and CPU per task over $scrapes scrapes; deploy -> scraped)"
  m=$OUT/measurements.txt; : > "$m"
  [ -n "${SWARM_CLUSTER_SCRAPED_AT:-}" ] && [ -n "${SWARM_CLUSTER_DEPLOYED_AT:-}" ] && \
    echo "deploy_to_every_node_scraped_seconds $(( SWARM_CLUSTER_SCRAPED_AT - SWARM_CLUSTER_DEPLOYED_AT ))" >> "$m"
  declare -A cg=() cpu0=() mem0=() pid=()
  for i in "${!nodes[@]}"; do
    n=${nodes[$i]}; h=${hosts[$i]}
    c=$(task_on "$n" "$svc")
    pid[$i]=$(on "$n" "docker inspect --format '{{.State.Pid}}' $c")
    cg[$i]=$(on "$n" "echo /sys/fs/cgroup\$(cut -d: -f3 /proc/${pid[$i]}/cgroup)")
    cpu0[$i]=$(on "$n" "awk '/^usage_usec/ {print \$2}' ${cg[$i]}/cpu.stat")
    mem0[$i]=$(on "$n" "cat ${cg[$i]}/memory.current")
  done
  # the nodes are measured at the same time (each scrape costs its own node's CPU), each into a
  # file of its own, then checked
  measure_node() { # measure_node INDEX: $scrapes scrapes of that node, then its cgroup's figures
    local i=$1 n=${nodes[$1]} h=${hosts[$1]} bad=0 s0 s1 cpu1 mem1 peak lim anon rss
    s0=$(date +%s%N)
    for _ in $(seq "$scrapes"); do scrape "$n" "$OUT/scrape-measure-$h.txt" || bad=$((bad+1)); done
    s1=$(date +%s%N)
    cpu1=$(on "$n" "awk '/^usage_usec/ {print \$2}' ${cg[$i]}/cpu.stat")
    mem1=$(on "$n" "cat ${cg[$i]}/memory.current")
    peak=$(on "$n" "cat ${cg[$i]}/memory.peak 2>/dev/null || echo n/a")
    lim=$(on "$n" "cat ${cg[$i]}/memory.max")
    anon=$(on "$n" "awk '/^anon / {print \$2}' ${cg[$i]}/memory.stat")
    # the process's own resident set beside the cgroup's charge (pages of the binary loaded
    # before the task started are charged elsewhere)
    rss=$(on "$n" "awk '/^Rss:/ {print \$2 * 1024}' /proc/${pid[$i]}/smaps_rollup")
    echo "$h memory.current_before=${mem0[$i]} memory.current_after=$mem1 memory.peak=$peak anon=$anon rss=$rss memory.max=$lim scrapes=$scrapes cpu_ms=$(( (cpu1 - cpu0[$i]) / 1000 )) cpu_ms_per_scrape=$(( (cpu1 - cpu0[$i]) / 1000 / scrapes )) wall_ms=$(( (s1 - s0) / 1000000 )) scrape_bytes=$(wc -c < "$OUT/scrape-measure-$h.txt") failed=$bad" > "$OUT/measure-$h.txt"
  }
  jobs_=()
  for i in "${!nodes[@]}"; do measure_node "$i" & jobs_+=($!); done
  wait "${jobs_[@]}"
  for i in "${!nodes[@]}"; do
    h=${hosts[$i]}; line=$(cat "$OUT/measure-$h.txt" 2>/dev/null); echo "$line" >> "$m"
    field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< " $line"; }
    bad=$(field failed); mem1=$(field memory.current_after); lim=$(field memory.max)
    check "$h: $scrapes scrapes all 200 (${bad:-?} failed)" test "${bad:-1}" = 0
    check "$h: memory.current $mem1 bytes stays under the stack's 128M limit ($lim)" test "${mem1:-999999999}" -lt 134217728 -a "$lim" = 134217728
  done
  cat "$m"
fi

# ------------------------------------------------------------------------------------------ ops
if want ops; then
  note "== ops: rolling update of $web"
  ips_of() { docker service ps -q --filter desired-state=running "$web" | xargs -r docker inspect --format '{{range .NetworksAttachments}}{{if eq .Network.Spec.Name "ingress"}}{{index .Addresses 0}}{{end}}{{end}}' | sed 's|/.*||' | sort | tr '\n' ' '; }
  old=$(ips_of)
  : > "$OUT/update-scrapes.txt"
  docker service update --detach --force "$web" >/dev/null
  sfail=0; zero_seen=""; k=0
  for _ in $(seq 120); do
    k=$((k+1))
    if scrape "${nodes[0]}" /tmp/scrape-u.txt; then
      z=$(grep -E "^ipvs_backend_weight\{netns=\"ingress_sbox\",fwmark=\"[0-9]+\",service=\"$web\"" /tmp/scrape-u.txt | awk '$NF == 0' | grep -o 'backend_address="[^"]*"' | tr '\n' ' ')
      [ -n "$z" ] && zero_seen="$zero_seen $z"
    else sfail=$((sfail+1)); fi
    st=$(docker service inspect --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "$web")
    [ "$st" = completed ] && break
    sleep 1
  done
  sleep 6
  new=$(ips_of)
  scrape "${nodes[0]}" "$OUT/scrape-after-update.txt"
  exp=$(grep -E "^ipvs_backend_weight\{netns=\"ingress_sbox\",fwmark=\"[0-9]+\",service=\"$web\"" "$OUT/scrape-after-update.txt" | grep -o 'backend_address="[^"]*"' | sed 's/backend_address="//; s/"//' | sort | tr '\n' ' ')
  note "old task IPs: $old; new: $new; exporter's backends now: $exp; seen at weight 0: $(tr ' ' '\n' <<< "$zero_seen" | sort -u | tr '\n' ' ')"
  check "rolling update completed ($st)" test "$st" = completed
  check "scrapes during the update all answered ($k scrapes, $sfail failed)" test "$sfail" = 0
  check "old backends went to weight 0 during the update" test -n "$zero_seen"
  check "after the update the backends are exactly the new tasks ($exp)" test "$exp" = "$new" -a "$new" != "$old"
  compare_node "${nodes[0]}" after-update
  check "${hosts[0]}: exporter = ipvsadm after the update ($(tail -n 1 "$OUT/compare-after-update.txt"))" test "$(grep -c '^FAIL' "$OUT/compare-after-update.txt")" = 0

  note "== ops: scale $web to 0 and back"
  docker service scale --detach "$web=0" >/dev/null
  for _ in $(seq 40); do
    scrape "${nodes[0]}" /tmp/scrape-s.txt
    b=$(count /tmp/scrape-s.txt ipvs_backend_weight 'netns="ingress_sbox"' "service=\"$web\"")
    [ "$b" = 0 ] && break; sleep 2
  done
  check "scaled to 0: no backend of $web left in ingress_sbox ($b)" test "$b" = 0
  docker service scale --detach "$web=$N" >/dev/null
  for _ in $(seq 60); do
    scrape "${nodes[0]}" /tmp/scrape-s.txt
    b=$(count /tmp/scrape-s.txt ipvs_backend_weight 'netns="ingress_sbox"' "service=\"$web\"")
    [ "$b" = "$N" ] && break; sleep 3
  done
  check "scaled back to $N: $b backends of $web in ingress_sbox" test "$b" = "$N"

  note "== ops: a new overlay network after the exporters started"
  docker network create -d overlay latenet >/dev/null
  late_id=$(docker network inspect --format '{{.Id}}' latenet)
  docker service create --detach --quiet --name late --network latenet --replicas 1 --constraint node.role==manager \
    --no-resolve-image "$SWARM_CLUSTER_WEB_IMAGE" >/dev/null
  for _ in $(seq 60); do
    scrape "${nodes[0]}" /tmp/scrape-l.txt
    u=$(value /tmp/scrape-l.txt swarm_ipvs_exporter_netns_up "netns=\"lb_${late_id:0:9}\"")
    [ "$u" = 1 ] && [ -n "$(value /tmp/scrape-l.txt ipvs_service_info "netns=\"lb_${late_id:0:9}\"" 'service="late"')" ] && break; sleep 3
  done
  check "lb_${late_id:0:9} of the new network latenet appears in the running exporter (rslave mount) with service=\"late\"" \
    test "$u" = 1 -a -n "$(value /tmp/scrape-l.txt ipvs_service_info "netns=\"lb_${late_id:0:9}\"" 'service="late"')"

  note "== ops: dockerd restarted on ${hosts[1]}"
  w=${nodes[1]}; wh=${hosts[1]}
  ino0=$(on "$w" "stat -L -c %i /var/run/docker/netns/ingress_sbox")
  # Whether dockerd re-creates ingress_sbox on a restart varies (seen both ways with the same
  # dockerd): it says so in its log when it throws the old sandbox away, and a new one may even get
  # the old inode number (the kernel reuses a namespace's number once nothing holds it). So that is
  # noted, not checked; what is checked is that the exporter reads whatever ingress_sbox is now,
  # equal to ipvsadm.
  stale_log=$SWARM_CLUSTER_DIR/$wh/dockerd.log
  stale0=$(grep -c 'Removing stale sandbox ingress_sbox' "$stale_log" 2>/dev/null)
  broken0=$(grep -c 'Failed creating ingress network' "$stale_log" 2>/dev/null)
  task0=$(docker service ps -q --filter desired-state=running --filter "node=$wh" "$svc")
  on "$w" swarm-cluster-dockerd restart > "$OUT/dockerd-restart.txt" 2>&1
  check "$wh: dockerd restarted (swarm-cluster-dockerd restart)" test $? = 0
  # Seen once (CI, dockerd 20.10.24): the restarted dockerd could not re-create the ingress network
  # ("Failed creating ingress network: ... error creating vxlan interface: file exists"), so its
  # ingress_sbox never got web's service again. That is Docker's fault, said in its log; then the
  # exporter must still serve and read the ingress_sbox there is (equal to ipvsadm, below).
  # At most 5 minutes (the whole section took about 3 minutes in passing runs).
  ok=0; served=0; until=$((SECONDS + 300))
  while [ $SECONDS -lt $until ]; do
    if scrape "$w" /tmp/scrape-r.txt; then
      served=1
      [ "$(value /tmp/scrape-r.txt swarm_ipvs_exporter_netns_up 'netns="ingress_sbox"')" = 1 ] \
        && [ -n "$(value /tmp/scrape-r.txt ipvs_service_info 'netns="ingress_sbox"' "service=\"$web\"")" ] && { ok=1; break; }
    fi
    broken1=$(grep -c 'Failed creating ingress network' "$stale_log" 2>/dev/null)
    [ $served = 1 ] && [ "${broken1:-0}" -gt "${broken0:-0}" ] && break
    sleep 3
  done
  ino1=$(on "$w" "stat -L -c %i /var/run/docker/netns/ingress_sbox")
  task1=$(docker service ps -q --filter desired-state=running --filter "node=$wh" "$svc")
  check "$wh: its exporter serves again after the restart" test $served = 1
  # netns_up says whether ingress_sbox is a namespace it can read: the same as nsenter's verdict.
  scrape "$w" /tmp/scrape-r.txt
  up=$(value /tmp/scrape-r.txt swarm_ipvs_exporter_netns_up 'netns="ingress_sbox"')
  if on "$w" "nsenter --net=/var/run/docker/netns/ingress_sbox true" 2>/dev/null; then kernel_up=1; else kernel_up=0; fi
  check "$wh: netns_up{ingress_sbox} $up, as nsenter finds it ($kernel_up)" test "$up" = "$kernel_up"
  broken1=$(grep -c 'Failed creating ingress network' "$stale_log" 2>/dev/null)
  if [ $ok = 0 ] && [ "${broken1:-0}" -gt "${broken0:-0}" ]; then
    note "NOT CHECKED $wh: service=\"$web\" in ingress_sbox: dockerd failed to re-create the ingress network ($(grep 'Failed creating ingress network' "$stale_log" | tail -n 1 | sed 's/.*msg="//; s/".*//' | cut -c1-160))"
  else
    check "$wh: ingress_sbox read with service=\"$web\" again" test $ok = 1
  fi
  stale1=$(grep -c 'Removing stale sandbox ingress_sbox' "$stale_log" 2>/dev/null)
  note "$wh: ingress_sbox $( [ "${stale1:-0}" -gt "${stale0:-0}" ] && echo "re-created by dockerd (\"Removing stale sandbox ingress_sbox\" in its log)" || echo "kept by dockerd (no \"Removing stale sandbox ingress_sbox\" in its log)"); inode $ino0 -> $ino1"
  note "$wh: exporter task $task0 -> $task1"
  compare_node "$w" after-restart
  check "$wh: exporter = ipvsadm after the restart ($(tail -n 1 "$OUT/compare-after-restart.txt"))" test "$(grep -c '^FAIL' "$OUT/compare-after-restart.txt")" = 0
fi

# ------------------------------------------------------------------------------------------ webconfig
if want webconfig; then
  note "== webconfig: TLS and basic auth through Swarm secrets"
  wc=$OUT/webconfig; mkdir -p "$wc"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=swarm-ipvs-exporter -keyout "$wc/key.pem" -out "$wc/cert.pem" \
    -addext "subjectAltName=$(printf 'IP:%s,' "${nodes[@]}")IP:127.0.0.1" 2>/dev/null
  hash=$(htpasswd -nbBC 10 prom s3cret | cut -d: -f2)
  printf 'tls_server_config:\n  cert_file: /run/secrets/exporter-cert\n  key_file: /run/secrets/exporter-key\nbasic_auth_users:\n  prom: %s\n' "$hash" > "$wc/web.yml"
  docker secret create exporter-cert "$wc/cert.pem" >/dev/null && docker secret create exporter-key "$wc/key.pem" >/dev/null \
    && docker secret create exporter-web "$wc/web.yml" >/dev/null
  args=$(docker service inspect --format '{{range .Spec.TaskTemplate.ContainerSpec.Args}}{{.}} {{end}}' "$svc")
  docker service update --detach --secret-add exporter-cert --secret-add exporter-key --secret-add exporter-web \
    --args "$args --web.config.file=/run/secrets/exporter-web" "$svc" >/dev/null
  for _ in $(seq 100); do
    st=$(docker service inspect --format '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}' "$svc"); [ "$st" = completed ] && break; sleep 3
  done
  check "exporter service updated with the web config ($st)" test "$st" = completed
  code=$(curl -sk -m 10 -o /dev/null -w '%{http_code}' "https://${nodes[0]}:10118/metrics")
  check "without credentials: 401 over TLS ($code)" test "$code" = 401
  scheme=https; curl_auth=(-k -u prom:s3cret)
  for i in "${!nodes[@]}"; do
    n=${nodes[$i]}; h=${hosts[$i]}
    scrape "$n" "$OUT/scrape-tls-$h.txt"; check "$h: scraped over TLS with basic auth" test $? = 0
    st=""
    for _ in $(seq 40); do
      c=$(task_on "$n" "$svc")
      st=$(on "$n" "docker inspect --format '{{.State.Health.Status}}' $c" 2>&1); [ "$st" = healthy ] && break; sleep 3
    done
    check "$h: exporter task healthy under TLS + basic auth ($st)" test "$st" = healthy
  done
  # Whether the tasks stay up is looked at last, at least 40 s after they were healthy (more than
  # one health-check interval): Prometheus' scrapes below take that time anyway.
  healthy_at=$(date +%s)
  if [ -n "$prom_pid" ] || want prometheus; then
    pdir=$OUT/prometheus-tls; mkdir -p "$pdir"; cp "$SWARM_CLUSTER_REPO/compose/prometheus/alerts.yml" "$pdir/"
    python3 - "$SWARM_CLUSTER_REPO/compose/prometheus/prometheus.yml" "$pdir/prometheus.yml" "$wc/cert.pem" <<'PY'
import sys
text = open(sys.argv[1]).read()
add = ("    scheme: https\n    tls_config:\n      ca_file: %s\n    basic_auth:\n      username: prom\n      password: s3cret\n" % sys.argv[3])
text = text.replace("  - job_name: swarm-ipvs-exporter\n", "  - job_name: swarm-ipvs-exporter\n" + add, 1)
open(sys.argv[2], "w").write(text)
PY
    if start_prometheus "$pdir"; then
      r=$(wait_targets 150)
      check "Prometheus scrapes every node with TLS + basic auth ($r)" test "${r%% *}" = "$N" -a "$(cut -d' ' -f2 <<< "$r")" = "$N"
    else check "Prometheus (TLS config) starts" false; fi
  fi
  left=$(( healthy_at + 40 - $(date +%s) )); [ "$left" -gt 0 ] && sleep "$left"
  tot=$(docker service ps -q --filter desired-state=running "$svc" | wc -l); hist=$(docker service ps -q "$svc" | wc -l)
  check "tasks stay up under the web config ($tot running, $hist in history)" test "$tot" = "$N"
fi

# ------------------------------------------------------------------------------------------ poweroff
if want poweroff; then
  last=$(( N - 1 )); w=${nodes[$last]}; wh=${hosts[$last]}
  note "== poweroff: $wh"
  wid=$(docker node inspect --format '{{.ID}}' "$wh" 2>/dev/null)
  # Dial errors to $wh can only be counted if ${hosts[0]} dials it: wait a little for its task to
  # be on ${hosts[0]}'s ring (Docker's DNS, from the network database) before pulling the plug
  dialled=0
  for _ in $(seq 20); do
    scrape "${nodes[0]}" "$OUT/scrape-before-poweroff.txt" && grep -q "^dial_duration_seconds_count{peer=\"$svc\.$wid\." "$OUT/scrape-before-poweroff.txt" && { dialled=1; break; }
    sleep 3
  done
  note "${hosts[0]} before the power-off: $(grep '^dial_peers' "$OUT/scrape-before-poweroff.txt"); dials $wh: $dialled; $wh's own ring: $(scrape "$w" /tmp/scrape-w.txt && grep '^dial_peers' /tmp/scrape-w.txt)"
  on "$w" swarm-cluster-poweroff >/dev/null 2>&1
  down_at=$(date +%s)
  bad=0; k=0; reasons=""; on_ring_at=-1
  for _ in $(seq 30); do
    k=$((k+1)); scrape "${nodes[0]}" /tmp/scrape-p.txt || bad=$((bad+1))
    # how long after the power-off $wh was still on ${hosts[0]}'s ring (its last dial round resolved it)
    grep -qE "^dial_[a-z_]+\{peer=\"$svc\.$wid\." /tmp/scrape-p.txt && on_ring_at=$(( $(date +%s) - down_at ))
    # kept once seen: the peer leaves Docker's DNS (and the ring) when gossip declares the node dead
    r=$(grep -E '^dial_errors_total\{' /tmp/scrape-p.txt | grep -F ".$wid." | awk '$NF > 0' | grep -o 'reason="[^"]*"' | sort -u | tr '\n' ' ')
    [ -n "$r" ] && { reasons=$r; cp /tmp/scrape-p.txt "$OUT/scrape-poweroff-errors.txt"; }
    [ -n "$reasons" ] && [ $k -ge 10 ] && break
    sleep 3
  done
  cp /tmp/scrape-p.txt "$OUT/scrape-poweroff.txt"
  check "${hosts[0]}: exporter kept serving after $wh went down ($k scrapes, $bad failed)" test "$bad" = 0
  # peer names are <service>.<node ID>.<task ID>[.<network>]: the powered-off node's ID in them
  # A round (every 15 s) resolves tasks.<service> first, then dials what it found, timeout 2 s. If
  # Docker's DNS dropped $wh before a round resolved it again, no dial to it could fail (seen in CI:
  # off the ring within 15 s). Still on the ring 35 s after the power-off means a round that
  # started after it dialled $wh: then an error must have been counted.
  if [ "$dialled" = 1 ] && [ -z "$reasons" ] && [ "$on_ring_at" -lt 35 ]; then
    note "NOT CHECKED: $wh left ${hosts[0]}'s ring (Docker's DNS) $( [ "$on_ring_at" -ge 0 ] && echo "after ${on_ring_at}s" || echo "before the first scrape") after the power-off, before a dial round that could fail resolved it; no dial error could be counted"
  elif [ "$dialled" = 1 ]; then
    check "${hosts[0]}: dial errors to the powered-off $wh counted with a reason ($reasons; $(( $(date +%s) - down_at )) s after power-off, on the ring until ${on_ring_at}s)" test -n "$reasons"
  else
    # seen after a dockerd restart on the worker: the manager's Docker DNS no longer listed the
    # worker's new task on the ring network (the worker still listed the manager's)
    note "NOT CHECKED: ${hosts[0]} was not dialling $wh when it went down (its Docker DNS did not list $wh's task on the ring), so no dial error could be counted"
  fi
  grep -E '^dial_errors_total\{' "$OUT/scrape-poweroff.txt" | head -n 5
fi

[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null
note "checks took $(( $(date +%s) - t0 )) s"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
