#!/usr/bin/env bash
# inside-swarm.sh: runs INSIDE the swarm-demo VM, next to a live routing mesh with service "web"
# (2 replicas, published 8080->80, on overlay network appnet). Checks the exporter against Docker's
# own view (network inspect) and the kernel's (ipvsadm). Prints "N passed, M failed" last.
set -uo pipefail
: "${REPO:?}" "${EXPORTER_BIN:?}" "${OUT:?}"
addr=${SWARM_DEMO_ADDR:-192.168.77.1}; published=${SWARM_DEMO_PUBLISHED:-8080}; service=${SWARM_DEMO_SERVICE:-web}
port=19118
# check, value, count
. "$REPO/Tests/shell/check-helpers.sh"
scrape() { curl -s -m 20 "http://127.0.0.1:$port/metrics" > "$OUT/scrape-$1.txt"; }

mkdir -p "$OUT/api"
api() { curl -s --unix-socket /var/run/docker.sock "http://docker$1"; }
api '/networks?filters=%7B%22scope%22%3A%5B%22swarm%22%5D%7D' > "$OUT/api/networks.json"
ingress_id=$(docker network inspect --format '{{.Id}}' ingress)
appnet_id=$(docker network inspect --format '{{.Id}}' appnet)
api "/networks/$ingress_id?verbose=true&scope=swarm" > "$OUT/api/network-ingress-verbose.json"
api "/networks/$appnet_id?verbose=true&scope=swarm" > "$OUT/api/network-appnet-verbose.json"
api "/services" > "$OUT/api/services.json"
ingress_mark=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Services"][sys.argv[2]]["LocalLBIndex"])' "$OUT/api/network-ingress-verbose.json" "$service")
appnet_mark=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Services"][sys.argv[2]]["LocalLBIndex"])' "$OUT/api/network-appnet-verbose.json" "$service")
lb="lb_${appnet_id:0:9}"
echo "ingress fwmark $ingress_mark, appnet fwmark $appnet_mark, overlay load balancer $lb"
ls /var/run/docker/netns

"$EXPORTER_BIN" --namespace-path /var/run/docker/netns/ingress_sbox --namespace-path '/var/run/docker/netns/lb_*' \
  --web.listen-address 127.0.0.1:$port --docker.refresh-interval 2s > "$OUT/exporter.log" 2>&1 &
exporter=$!
for _ in $(seq 60); do
  scrape first
  grep -q "service=\"$service\"" "$OUT/scrape-first.txt" 2>/dev/null && break
  sleep 1
done

check "the exporter names the ingress fwmark $ingress_mark \"$service\"" \
  test -n "$(value "$OUT/scrape-first.txt" ipvs_service_info 'netns="ingress_sbox"' "fwmark=\"$ingress_mark\"" "service=\"$service\"")"
check "the overlay load balancer $lb names fwmark $appnet_mark \"$service\"" \
  test -n "$(value "$OUT/scrape-first.txt" ipvs_service_info "netns=\"$lb\"" "fwmark=\"$appnet_mark\"" "service=\"$service\"")"
check "published port $published -> 80 of \"$service\" on fwmark $ingress_mark" \
  test "$(value "$OUT/scrape-first.txt" ipvs_swarm_published_port_info 'netns="ingress_sbox"' "fwmark=\"$ingress_mark\"" "service=\"$service\"" "published_port=\"$published\"" 'target_port="80"')" = 1
backends=$(grep -c "^ipvs_swarm_backend_info{netns=\"ingress_sbox\",service=\"$service\"" "$OUT/scrape-first.txt")
check "two tasks of \"$service\" behind the ingress ($backends)" test "$backends" = 2
check "two weighted backends on the ingress fwmark" \
  test "$(value "$OUT/scrape-first.txt" ipvs_service_backends_weighted 'netns="ingress_sbox"' "fwmark=\"$ingress_mark\"")" = 2
check "the Docker API answered without errors" \
  test "$(value "$OUT/scrape-first.txt" swarm_ipvs_exporter_docker_api_errors_total '')" = 0
check "ipvs succeeded in ingress_sbox" \
  test "$(value "$OUT/scrape-first.txt" swarm_ipvs_exporter_scrape_collector_success 'collector="ipvs"' 'netns="ingress_sbox"')" = 1

before=$(value "$OUT/scrape-first.txt" ipvs_service_connections_total 'netns="ingress_sbox"' "fwmark=\"$ingress_mark\"")
ok=0
for _ in $(seq 10); do curl -s -m 10 -o /dev/null "http://$addr:$published/" && ok=$((ok+1)); done
echo "10 more requests through the mesh: $ok answered"
sleep 4   # the IPVS estimator refreshes counters about every 2 s
scrape second
after=$(value "$OUT/scrape-second.txt" ipvs_service_connections_total 'netns="ingress_sbox"' "fwmark=\"$ingress_mark\"")
check "connections on fwmark $ingress_mark grew by the requests made ($before -> $after, $ok answered)" \
  test "$(( ${after:-0} - ${before:-0} ))" -ge "$ok" -a "$ok" = 10
kernel=$(nsenter --net=/var/run/docker/netns/ingress_sbox ipvsadm -Ln --stats --exact | awk -v m="$ingress_mark" '$1=="FWM" && $2==m {print $3}')
check "the exporter's connections equal ipvsadm's ($after vs $kernel)" test "$after" = "$kernel"
for field in 4:incoming_packets 5:outgoing_packets 6:incoming_bytes 7:outgoing_bytes; do
  column=${field%%:*}; name=${field#*:}
  k=$(nsenter --net=/var/run/docker/netns/ingress_sbox ipvsadm -Ln --stats --exact | awk -v m="$ingress_mark" -v c="$column" '$1=="FWM" && $2==m {print $c}')
  e=$(value "$OUT/scrape-second.txt" "ipvs_service_${name}_total" 'netns="ingress_sbox"' "fwmark=\"$ingress_mark\"")
  check "ipvs_service_${name}_total equals ipvsadm ($e vs $k)" test "$e" = "$k"
done
if command -v promtool >/dev/null; then
  check "promtool check metrics is clean" test -z "$(promtool check metrics < "$OUT/scrape-second.txt" 2>&1)"
fi
kill "$exporter"; wait "$exporter"
check "the exporter stopped cleanly on SIGTERM" test $? = 0
echo "--- exporter log"; tail -n 20 "$OUT/exporter.log"
echo "--- ipvs series of the second scrape"; grep -E '^ipvs_(service_info|swarm)' "$OUT/scrape-second.txt"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
