#!/usr/bin/env bash
# run-stack-flags: run the exporter with exactly the command the Swarm stack gives it, scrape it,
# then let a real Prometheus scrape it with compose/prometheus/alerts.yml loaded and evaluate every
# alert and dashboard query through Prometheus' HTTP API.
#
#   Tests/deploy/run-stack-flags.sh          (from anywhere; EXPORTER_BIN=path to choose the binary)
#
# 1. The exporter service's `command:` from `docker stack config -c compose/swarm-ipvs-exporter.yml`
#    (interpolated as `docker stack deploy` does). Only --web.listen-address is replaced, by a free
#    127.0.0.1 port; while Tests/deploy/pending-metrics.txt exists, --collector.* flags the binary
#    does not know yet are dropped, loudly. Namespace paths that do not exist on this host are fine:
#    the exporter must serve anyway.
# 2. GET /metrics: HTTP 200, swarm_ipvs_exporter_build_info, netns_up for ingress_sbox; GET /: 200.
# 3. prometheus (Debian package) on another free 127.0.0.1 port, scraping the exporter every 2 s
#    with the rule files of compose/prometheus/prometheus.yml; wait (bounded) for up == 1 and a few
#    samples, then every rule must have evaluated with health "ok", and every alert expression and
#    every dashboard query (Grafana variables substituted) must return status "success" from
#    /api/v1/query (and /api/v1/query_range for graph panels).
# 4. prometheus-alertmanager (Debian package) with compose/alertmanager/alertmanager.yml, two values
#    changed: the webhook URL (a receiver of this script's) and group_wait (1 s, not 30 s). Prometheus
#    also loads a copy of every alert without `for:` (deploylib.py firing-rules), so they fire on the
#    stand-in target within seconds: each must reach Alertmanager's /api/v2/alerts with its
#    runbook_url, the shipped inhibit rule must suppress its targets, and the webhook must receive
#    notifications grouped by the shipped group_by.
# Prints "run-stack-flags: N passed, M failed"; exits 1 on any failure. Kills only what it started.
set -uo pipefail
cd "$(dirname "$0")/../.."
. Tests/deploy/tools.sh

checks_name=run-stack-flags   # pass/fail/finish come from Tests/deploy/tools.sh

ensure_pyyaml || { fail "PyYAML unavailable"; finish; }
ensure_debian_package prometheus prometheus || { fail "prometheus unavailable"; finish; }
ensure_debian_package prometheus-alertmanager prometheus-alertmanager || { fail "prometheus-alertmanager unavailable"; finish; }
find_docker_cli || { fail "a docker CLI with 'docker stack config'"; finish; }
find_exporter_bin || { fail "exporter binary"; finish; }
echo "exporter binary: $EXPORTER_BIN ($("$EXPORTER_BIN" --version 2>&1 | head -n1))"

work=$(mktemp -d /tmp/run-stack-flags.XXXXXX)
exporter_pid=""
prometheus_pid=""
alertmanager_pid=""
cleanup() {
  # shellcheck disable=SC2086  # each variable may hold several PIDs
  stop_processes $prometheus_pid $alertmanager_pid $exporter_pid
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------- 1. the stack's args
if ! python3 Tests/deploy/deploylib.py stack-args >"$work/stack-args" 2>"$work/stack-args.err"; then
  cat "$work/stack-args.err"
  fail "read the exporter's command from docker stack config"
  finish
fi
echo "stack command:"
sed 's/^/    /' "$work/stack-args"
python3 Tests/deploy/deploylib.py runnable-args "$EXPORTER_BIN" >"$work/args" 2>"$work/args.notes" || {
  cat "$work/args.notes"; fail "prepare the arguments"; finish; }
[ -s "$work/args.notes" ] && sed 's/^/NOTE /' "$work/args.notes"
mapfile -t args <"$work/args"

exporter_port=$(free_port)
"$EXPORTER_BIN" "${args[@]}" --web.listen-address="127.0.0.1:$exporter_port" >"$work/exporter.log" 2>&1 &
exporter_pid=$!
if wait_http_200 "http://127.0.0.1:$exporter_port/metrics" 30; then
  pass "exporter started with the stack's flags and answers 200 on /metrics (127.0.0.1:$exporter_port)"
else
  fail "exporter did not answer 200 on /metrics within 30 s; its log:"
  sed 's/^/    /' "$work/exporter.log" | tail -n 30
  finish
fi

# ---------------------------------------------------------------------------- 2. scrape it
curl -s -m 10 "http://127.0.0.1:$exporter_port/metrics" >"$work/metrics.txt"
if grep -q '^swarm_ipvs_exporter_build_info{' "$work/metrics.txt"; then
  pass "swarm_ipvs_exporter_build_info present: $(grep '^swarm_ipvs_exporter_build_info{' "$work/metrics.txt")"
else
  fail "swarm_ipvs_exporter_build_info missing from /metrics"
fi
if grep -q '^swarm_ipvs_exporter_netns_up{netns="ingress_sbox"}' "$work/metrics.txt"; then
  pass "netns_up reported for ingress_sbox: $(grep '^swarm_ipvs_exporter_netns_up{netns="ingress_sbox"}' "$work/metrics.txt")"
else
  fail "swarm_ipvs_exporter_netns_up{netns=\"ingress_sbox\"} missing (the stack's --namespace-path)"
fi
if promtool check metrics <"$work/metrics.txt" >"$work/promtool-metrics.txt" 2>&1; then
  pass "promtool check metrics: the exposition lints clean"
else
  # Lint findings are printed for information; only a parse error fails this check.
  if grep -qiE 'error while linting|parse' "$work/promtool-metrics.txt"; then
    fail "promtool check metrics could not parse the exposition:"; sed 's/^/    /' "$work/promtool-metrics.txt" | head
  else
    pass "promtool check metrics: parsed ($(wc -l <"$work/promtool-metrics.txt") lint remarks, see below)"
    sed 's/^/    lint: /' "$work/promtool-metrics.txt" | head -n 10
  fi
fi
if [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$exporter_port/")" = 200 ]; then
  pass "landing page / answers 200 (what the Dockerfile's HEALTHCHECK asks)"
else
  fail "landing page / does not answer 200"
fi

# ---------------------------------------------------------------------------- 3. a real Prometheus
# Targets of the job the alerts and dashboard use (job="swarm-ipvs-exporter"):
#   the real exporter above (instance 127.0.0.1:PORT);
#   the stand-in target with one series of every metric (instance "synthetic-node"), so that every
#     query has data and every alert's condition holds (Tests/deploy/synthetic_exporter.py);
#   a closed port (instance "down-node"), so up == 0 exists for SwarmIPVSExporterDown.
synthetic_port=$(free_port)
python3 Tests/deploy/synthetic_exporter.py "$synthetic_port" "$EXPORTER_BIN" >"$work/synthetic.log" 2>&1 &
synthetic_pid=$!
exporter_pid="$exporter_pid $synthetic_pid"
wait_http_200 "http://127.0.0.1:$synthetic_port/metrics" 20 || {
  fail "stand-in target did not start"; tail -n 20 "$work/synthetic.log"; finish; }
closed_port=$(free_port)

# Alertmanager first, so Prometheus finds it at its first notification. Its webhook goes to a
# receiver of this script's that keeps every POSTed body (one JSON document per line).
webhook_port=$(free_port)
python3 Tests/deploy/webhook_receiver.py "$webhook_port" "$work/webhook.jsonl" >"$work/webhook.log" 2>&1 &
exporter_pid="$exporter_pid $!"
alertmanager_port=$(free_port)
python3 Tests/deploy/deploylib.py alertmanager-test-config "$work/alertmanager.yml" \
  "http://127.0.0.1:$webhook_port/alerts"
prometheus-alertmanager --config.file="$work/alertmanager.yml" --storage.path="$work/am-data" \
  --web.listen-address="127.0.0.1:$alertmanager_port" --cluster.listen-address= --log.level=warn \
  >"$work/alertmanager.log" 2>&1 &
alertmanager_pid=$!
am="http://127.0.0.1:$alertmanager_port"
if wait_http_200 "$am/-/ready" 30; then
  pass "alertmanager $(prometheus-alertmanager --version 2>&1 | head -n1 | awk '{print $3}') ready on 127.0.0.1:$alertmanager_port with compose/alertmanager/alertmanager.yml (webhook URL and group_wait changed)"
else
  fail "alertmanager not ready within 30 s; its log:"; tail -n 20 "$work/alertmanager.log" | sed 's/^/    /'
fi

python3 Tests/deploy/deploylib.py firing-rules "$work/firing-rules.yml"
prometheus_port=$(free_port)
{
  cat <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:$alertmanager_port']
rule_files:
EOF
  python3 Tests/deploy/deploylib.py rule-files | sed 's/^/  - /'
  echo "  - $work/firing-rules.yml"
  cat <<EOF
scrape_configs:
  - job_name: swarm-ipvs-exporter
    static_configs:
      - targets: ['127.0.0.1:$exporter_port']
        labels: {node_id: run-stack-flags}
      - targets: ['127.0.0.1:$synthetic_port']
        labels: {instance: synthetic-node, node_id: synthetic}
      - targets: ['127.0.0.1:$closed_port']
        labels: {instance: down-node, node_id: down}
EOF
} >"$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prometheus_port" --log.level=warn >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
prom="http://127.0.0.1:$prometheus_port"
if wait_http_200 "$prom/-/ready" 60; then
  pass "prometheus $(prometheus --version 2>&1 | head -n1 | awk '{print $3}') ready on 127.0.0.1:$prometheus_port with the rule files"
else
  fail "prometheus not ready within 60 s; its log:"; tail -n 20 "$work/prometheus.log" | sed 's/^/    /'
  finish
fi

scalar() {  # QUERY -> the first sample's value, or empty
  curl -s -m 5 --get "$prom/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null
}
real="instance=\"127.0.0.1:$exporter_port\""
# Wait (at most 60 s) for 5 scrapes of the real exporter and the stand-in, so rate() has points.
deadline=$((SECONDS + 60))
while :; do
  n_real=$(scalar "count_over_time(up{$real}[5m])")
  n_syn=$(scalar 'count_over_time(up{instance="synthetic-node"}[5m])')
  [ "${n_real:-0}" -ge 5 ] && [ "${n_syn:-0}" -ge 5 ] && break
  [ $SECONDS -ge $deadline ] && break
  sleep 1
done
up_real=$(scalar "up{$real}")
if [ "$up_real" = 1 ] && [ "${n_real:-0}" -ge 5 ]; then
  pass "prometheus scraped the exporter run with the stack's flags: up == 1 after $n_real scrapes"
else
  fail "prometheus did not scrape the exporter (up='$up_real', scrapes=${n_real:-0}); targets:"
  curl -s -m 5 "$prom/api/v1/targets" | head -c 3000; echo
fi
if [ "$(scalar "count(swarm_ipvs_exporter_build_info{$real})")" = 1 ]; then
  pass "the exporter's swarm_ipvs_exporter_build_info stored by Prometheus"
else
  fail "the exporter's swarm_ipvs_exporter_build_info is not in Prometheus"
fi
[ "$(scalar 'up{instance="synthetic-node"}')" = 1 ] && [ "$(scalar 'up{instance="down-node"}')" = 0 ] ||
  fail "stand-in targets not scraped as expected (synthetic-node up 1, down-node up 0)"

# Every rule of the rule files (and of their firing copies) evaluated, with health ok (no evaluation
# error), and every alert pending or firing on the stand-in target's conditions.
deadline=$((SECONDS + 30))
while :; do
  curl -s -m 5 "$prom/api/v1/rules" >"$work/rules.json"
  verdict=$(python3 - "$work/rules.json" <<'PY'
import json, sys
rules = [r for g in json.load(open(sys.argv[1]))["data"]["groups"] for r in g["rules"]]
waiting = [r["name"] for r in rules if r.get("health") == "unknown" or r.get("lastEvaluation", "").startswith("0001")]
inactive = [r["name"] for r in rules if r.get("type") == "alerting" and not r.get("alerts")]
bad = [f'{r["name"]}: {r.get("lastError")}' for r in rules if r.get("health") == "err"]
print(f"{len(rules)}|{len(waiting) + len(inactive)}|" + "; ".join(bad))
PY
)
  total=${verdict%%|*}; rest=${verdict#*|}; waiting=${rest%%|*}; errors=${rest#*|}
  { [ "$waiting" = 0 ] || [ $SECONDS -ge $deadline ]; } && break
  sleep 1
done
if [ -n "$errors" ]; then
  fail "rules with evaluation errors: $errors"
elif [ "${total:-0}" = 0 ]; then
  fail "no rules loaded from the rule files"
else
  pass "all $total rules (the rule files and their firing copies) loaded and evaluated by Prometheus with health ok"
fi

run_py() {  # deploylib subcommand; adds its "evaluated: N passed, M failed" to the totals
  python3 Tests/deploy/deploylib.py "$@" >"$work/py.txt" 2>&1
  grep -v '^evaluated:' "$work/py.txt"
  local summary p f
  summary=$(grep '^evaluated:' "$work/py.txt")
  if [ -z "$summary" ]; then
    fail "deploylib $1 did not complete"; tail -n 20 "$work/py.txt"; return
  fi
  p=$(sed -E 's/^evaluated: ([0-9]+) passed, ([0-9]+) failed$/\1/' <<<"$summary")
  f=$(sed -E 's/^evaluated: ([0-9]+) passed, ([0-9]+) failed$/\2/' <<<"$summary")
  passed=$((passed + p)); failed=$((failed + f))
}
echo "--- every alert triggers on its condition (stand-in target)"
run_py check-alerts "$prom"
echo "--- every alert expression and dashboard query through /api/v1/query (and query_range for graphs)"
run_py evaluate "$prom" --require-data

echo "--- Alertmanager: the firing alerts arrive, the inhibit rule holds, the webhook is called"
run_py check-alertmanager "$am"
# The webhook (group_wait 1 s here): notifications from the shipped receiver, grouped by the shipped
# group_by, every alert with its runbook_url.
run_py check-webhook "$work/webhook.jsonl"

# The exporter must still be running.
if kill -0 "${exporter_pid%% *}" 2>/dev/null; then
  pass "exporter still running after the test"
else
  fail "exporter exited during the test"; tail -n 20 "$work/exporter.log" | sed 's/^/    /'
fi
echo "exporter log (first lines):"
head -n 8 "$work/exporter.log" | sed 's/^/    /'
finish
