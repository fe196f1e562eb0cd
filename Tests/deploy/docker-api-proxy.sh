#!/usr/bin/env bash
# docker-api-proxy: the socket proxy's HAProxy configuration (compose/docker-api-proxy/haproxy.cfg),
# run by a real HAProxy (Debian package haproxy) in front of the fake Engine API
# (Tests/fakes/docker-engine.py), and the exporter asking through it.
#
#   Tests/deploy/docker-api-proxy.sh         (from anywhere; EXPORTER_BIN=path to choose the binary)
#
# 1. haproxy -c on the shipped file as it is.
# 2. The same file with its two socket paths (`bind unix@…`, `server dockerd unix@…`) moved into a
#    temporary directory, run by haproxy in front of the fake engine (over a stale socket file at
#    its path, as a proxy task that died leaves one):
#    - GET /networks, /networks/<id>?verbose=true&scope=swarm, /services, /tasks?filters=…, /nodes,
#      /v1.41/networks and /v1.41/tasks, and HEAD /networks and /tasks: 200, with the fake's own
#      answer byte for byte (GETs);
#    - other methods, other paths and path tricks: 403, and none of them reaches the fake (its
#      request log); the refusals are in HAProxy's log, the allowed requests are not.
# 3. The exporter with --docker.host=unix://<the proxy's socket>: its refreshes reach the fake
#    through the proxy and swarm_ipvs_exporter_docker_api_errors_total stays 0.
# Prints "docker-api-proxy: N passed, M failed"; exits 1 on any failure. Kills only what it started.
set -uo pipefail
cd "$(dirname "$0")/../.."
. Tests/deploy/tools.sh

checks_name=docker-api-proxy   # pass/fail/finish come from Tests/deploy/tools.sh
CFG=compose/docker-api-proxy/haproxy.cfg

ensure_debian_package haproxy haproxy || { fail "haproxy unavailable (Debian package haproxy)"; finish; }
find_exporter_bin || { fail "exporter binary"; finish; }
echo "haproxy: $(haproxy -v | head -n1)"

work=$(mktemp -d /tmp/docker-api-proxy.XXXXXX)
engine_pid=""
haproxy_pid=""
exporter_pid=""
cleanup() {
  # shellcheck disable=SC2086  # each variable may hold several PIDs
  stop_processes $exporter_pid $haproxy_pid $engine_pid
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_socket() {  # PATH SECONDS
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    [ -S "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

# ------------------------------------------------------------------------ 1. the file as shipped
if haproxy -c -f "$CFG" >"$work/check" 2>&1; then
  pass "haproxy -c -f $CFG"
else
  fail "haproxy -c -f $CFG:"; sed 's/^/    /' "$work/check"
fi

# ------------------------------------------------------------- 2. in front of the fake Engine API
bind_path=$(awk '$1 == "bind" && $2 ~ /^unix@/ { sub(/^unix@/, "", $2); print $2 }' "$CFG")
server_path=$(awk '$1 == "server" && $2 == "dockerd" && $3 ~ /^unix@/ { sub(/^unix@/, "", $3); print $3 }' "$CFG")
if [ "$(wc -l <<<"$bind_path")" != 1 ] || [ -z "$bind_path" ] || [ "$(wc -l <<<"$server_path")" != 1 ] || [ -z "$server_path" ]; then
  fail "$CFG: one 'bind unix@PATH' and one 'server dockerd unix@PATH' (found '$bind_path', '$server_path')"
  finish
fi
mkdir "$work/proxy"
proxy_socket=$work/proxy/docker-api.sock
engine_socket=$work/docker.sock
sed -e "s#unix@$bind_path\\b#unix@$proxy_socket#" -e "s#unix@$server_path\\b#unix@$engine_socket#" "$CFG" >"$work/haproxy.cfg"

ask() {  # SOCKET METHOD TARGET OUTFILE: prints the HTTP status (000 when no answer)
  local head=()
  [ "$2" = HEAD ] && head=(--head)
  curl -s --path-as-is -m 5 "${head[@]}" -X "$2" --unix-socket "$1" -o "$4" -w '%{http_code}' "http://docker$3"
}

python3 Tests/fakes/docker-engine.py "$engine_socket" --networks 1 >"$work/engine.out" 2>&1 &
engine_pid=$!
wait_socket "$engine_socket" 10 || { fail "the fake engine listens"; sed 's/^/    /' "$work/engine.out"; finish; }
# What a proxy task that died leaves in the volume: a socket file nobody listens on. The next task
# must take its place (the exporter keeps asking that path).
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$proxy_socket"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
deadline=$((SECONDS + 10))
until [ "$(ask "$proxy_socket" GET /services /dev/null)" = 200 ] || [ $SECONDS -ge $deadline ]; do sleep 0.1; done
if [ "$(ask "$proxy_socket" GET /services /dev/null)" = 200 ]; then
  pass "haproxy serves on its socket, in place of a stale socket file left there"
else
  fail "haproxy serves on its socket, in place of a stale socket file left there:"; sed 's/^/    /' "$work/haproxy.log"
  finish
fi

network=ov00000000000000000000000   # the fake's first overlay network (docker-engine.py network_id)
allowed=(
  "GET /networks?filters=%7B%22scope%22%3A%5B%22swarm%22%5D%7D"
  "GET /networks/$network?verbose=true&scope=swarm"
  "GET /networks/ingressnetworkid012345678?verbose=true&scope=swarm"
  "GET /services"
  "GET /tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D"
  "GET /nodes"
  "GET /v1.41/networks"
  "GET /v1.41/tasks"
  "HEAD /networks"
  "HEAD /tasks"
)
for request in "${allowed[@]}"; do
  read -r method target <<<"$request"
  status=$(ask "$proxy_socket" "$method" "$target" "$work/via-proxy")
  if [ "$method" = GET ]; then
    direct=$(ask "$engine_socket" GET "$target" "$work/direct")
    if [ "$status" = 200 ] && [ "$direct" = 200 ] && cmp -s "$work/via-proxy" "$work/direct"; then
      pass "$method $target through the proxy: 200, the engine's answer ($(wc -c <"$work/direct") bytes)"
    else
      fail "$method $target through the proxy: HTTP $status, $(wc -c <"$work/via-proxy") bytes (directly: HTTP $direct, $(wc -c <"$work/direct") bytes)"
    fi
  else
    [ "$status" = 200 ] && pass "$method $target through the proxy: 200" || fail "$method $target through the proxy: HTTP $status"
  fi
done

before=$(wc -l <"$engine_socket.log")
denied=(
  "POST /networks/create"
  "POST /v1.41/networks/create"
  "DELETE /networks/$network"
  "PUT /networks"
  "POST /networks/$network/connect"
  "GET /containers/json"
  "GET /v1.41/containers/json"
  "GET /secrets"
  "GET /info"
  "GET /tasks/x"
  "GET /nodes/x"
  "POST /nodes/x/update"
  "DELETE /tasks"
  "GET /swarm"
  "GET /networks/../containers/json"
  "GET /networks/%2e%2e/secrets"
  "GET /networks/$network/../../secrets"
  "GET //networks"
  "GET /networks/"
  "GET /Networks"
  "GET /services/x/logs"
)
for request in "${denied[@]}"; do
  read -r method target <<<"$request"
  status=$(ask "$proxy_socket" "$method" "$target" "$work/via-proxy")
  [ "$status" = 403 ] && pass "$method $target through the proxy: 403" || fail "$method $target through the proxy: HTTP $status, not 403"
done
reached=$(tail -n +"$((before + 1))" "$engine_socket.log")
[ -z "$reached" ] && pass "no refused request reached the engine" || fail "refused requests reached the engine: $(tr '\n' ' ' <<<"$reached")"
# httplog: the status is the 6th field, the request line the last quoted string.
logged=$(grep -c ' "[A-Z]* /[^"]* HTTP/1\.1"$' "$work/haproxy.log")
refusals=$(awk '$6 == 403 && / "[A-Z]* \/[^"]* HTTP\/1\.1"$/' "$work/haproxy.log" | wc -l)
if [ "$logged" = "${#denied[@]}" ] && [ "$refusals" = "${#denied[@]}" ]; then
  pass "haproxy logs the ${#denied[@]} refusals and none of the allowed requests"
else
  fail "haproxy logs the refusals and not the allowed requests:"; sed 's/^/    /' "$work/haproxy.log"
fi

# --------------------------------------------------------------------- 3. the exporter through it
port=$(free_port)
"$EXPORTER_BIN" --web.listen-address "127.0.0.1:$port" --namespace-path /proc/self/ns/net \
  --docker.host "unix://$proxy_socket" --docker.refresh-interval 1s >"$work/exporter.log" 2>&1 &
exporter_pid=$!
: >"$engine_socket.log"
deadline=$((SECONDS + 10))
while [ $SECONDS -lt $deadline ] && [ "$(grep -c " /networks/" "$engine_socket.log")" -lt 4 ]; do sleep 0.2; done
paths=$(awk '{ sub(/\?.*/, "", $2); print $2 }' "$engine_socket.log" | sort -u | paste -sd' ')
want="/networks /networks/ingressnetworkid012345678 /networks/$network /nodes /services /tasks"
[ "$paths" = "$want" ] && pass "the exporter's refreshes reach the engine through the proxy: $paths" \
  || fail "the exporter's requests through the proxy: '$paths', not '$want'"
if wait_http_200 "http://127.0.0.1:$port/metrics" 5 && curl -s -m 5 "http://127.0.0.1:$port/metrics" >"$work/metrics"; then
  errors=$(awk '$1 == "swarm_ipvs_exporter_docker_api_errors_total" { print $2 }' "$work/metrics")
  [ "$errors" = 0 ] && pass "swarm_ipvs_exporter_docker_api_errors_total 0 after $(grep -c " /networks?" "$engine_socket.log") refreshes through the proxy" \
    || fail "swarm_ipvs_exporter_docker_api_errors_total '$errors', not 0"
else
  fail "the exporter serves /metrics"
fi
grep -q "msg=\"Swarm service names from the Docker Engine API\" socket=$proxy_socket\$" "$work/exporter.log" && pass "the exporter logs the proxy's socket as its Docker host" \
  || { fail "the exporter logs the proxy's socket as its Docker host:"; sed 's/^/    /' "$work/exporter.log"; }
finish
