#!/usr/bin/env bash
# Tests/vm/inside-ipvs.sh: the IPVS end-to-end test; runs INSIDE the test VM as root, from the
# repository root (Tests/vm/run-ipvs-vm-test.sh starts it through scripts/vm-run).
#
#   1. Tests/vm/ipvs-scenario.sh setup: namespaces ipvs-a / ipvs-b, IPVS tables, real traffic
#   2. starts the exporter (--collectors ipvs, both namespaces, 127.0.0.1:19118)
#   3. compares its /metrics with ipvsadm (Tests/vm/compare_ipvs.py --url) after 3 s of quiet
#   4. more traffic, compare again (and the counters must have grown)
#   5. deletes ipvs-b: status 200, netns_up{netns="ipvs-b"} 0, no ipvs_* series for it
#   6. re-creates ipvs-b with another table: picked up, matches ipvsadm
#   promtool check metrics on the scrapes when /usr/bin/promtool exists.
# Prints one ok/FAIL line per check and, last, `N passed, M failed` (exit 1 if anything failed).
#
# Environment (pass it on the vm-run command line; the VM does not inherit the host's):
#   EXPORTER_BIN       exporter binary, relative to the repository root or absolute
#                      (default .build/debug/swarm-ipvs-exporter)
#   EXPORTER_PORT      port to serve on (default 19118)
#   IPVS_VM_ARTIFACTS  if set, a directory (inside the repository, the only place the VM can
#                      write to) that receives the scrapes, ipvsadm outputs and exporter log
set -uo pipefail

cd "$(dirname "$0")/../.." || { echo "FAIL cannot cd to the repository root"; echo "0 passed, 1 failed"; exit 1; }
ROOT=$(pwd)
BIN=${EXPORTER_BIN:-.build/debug/swarm-ipvs-exporter}
PORT=${EXPORTER_PORT:-19118}
URL=http://127.0.0.1:$PORT/metrics
NS_A=ipvs-a
NS_B=ipvs-b
SCENARIO="bash Tests/vm/ipvs-scenario.sh"
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
COMPARE="$PY Tests/vm/compare_ipvs.py"
W=$(mktemp -d /tmp/ipvs-vm-test.XXXXXX)
PASS=0
FAIL=0
EXPORTER_PID=

ok() { PASS=$((PASS + 1)); echo "ok $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }
step() { echo; echo "=== $* ($(date +%T))"; }

finish() {
  if [ -n "$EXPORTER_PID" ] && kill -0 "$EXPORTER_PID" 2>/dev/null; then
    kill "$EXPORTER_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$EXPORTER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$EXPORTER_PID" 2>/dev/null && { echo "exporter ignored SIGTERM: SIGKILL"; kill -9 "$EXPORTER_PID" 2>/dev/null; }
  fi
  if [ "$FAIL" -gt 0 ] && [ -s "$W/exporter.log" ]; then
    echo "--- last lines of the exporter's log"; tail -n 30 "$W/exporter.log"
  fi
  $SCENARIO cleanup "$NS_A" "$NS_B" >/dev/null 2>&1
  if [ -n "${IPVS_VM_ARTIFACTS:-}" ]; then
    mkdir -p "$IPVS_VM_ARTIFACTS" && cp -r "$W"/. "$IPVS_VM_ARTIFACTS"/ && echo "artifacts: $IPVS_VM_ARTIFACTS"
  fi
  echo
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
  exit $?
}

# compare NAME ARGS...: runs compare_ipvs.py, shows its lines, adds its counts to ours
compare() {
  local name=$1; shift
  $COMPARE "$@" > "$W/compare-$name.txt" 2>&1
  local rc=$? summary p f
  summary=$(tail -n 1 "$W/compare-$name.txt")
  sed '$d' "$W/compare-$name.txt"
  if [[ "$summary" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    p=${BASH_REMATCH[1]}; f=${BASH_REMATCH[2]}
    PASS=$((PASS + p)); FAIL=$((FAIL + f))
    echo "-- compare $name: $p passed, $f failed"
    [ "$rc" = 0 ] || [ "$f" -gt 0 ] || fail "compare $name: exit status $rc with no failed check"
  else
    echo "$summary"
    fail "compare $name: no summary line (exit status $rc)"
  fi
}

promtool_check() {
  local file=$1 out
  [ -x /usr/bin/promtool ] || { echo "(no /usr/bin/promtool: lint skipped)"; return; }
  [ -s "$file" ] || { fail "promtool check metrics $(basename "$file"): no scrape to check"; return; }
  out=$(/usr/bin/promtool check metrics < "$file" 2>&1)
  if [ -z "$out" ]; then
    ok "promtool check metrics $(basename "$file"): no output"
  else
    fail "promtool check metrics $(basename "$file"): expected no output got: $(echo "$out" | head -n 20 | tr '\n' '|')"
  fi
}

quiet() { sleep 3; }   # the IPVS estimator refreshes the counters every ~2 s

exporter_alive() {
  if kill -0 "$EXPORTER_PID" 2>/dev/null; then ok "exporter still running ($1)"; else fail "exporter still running ($1): it exited"; fi
}

http_status() {
  curl -s -o "$2" -w '%{http_code}' --max-time 30 "$1" 2>/dev/null || true
}
command -v curl >/dev/null || http_status() {
  "$PY" - "$1" "$2" <<'PY'
import sys, urllib.request, urllib.error
try:
    with urllib.request.urlopen(sys.argv[1], timeout=30) as r:
        body, code = r.read(), r.status
except urllib.error.HTTPError as e:
    body, code = e.read(), e.code
except Exception:
    body, code = b"", "000"
open(sys.argv[2], "wb").write(body)
print(code, end="")
PY
}

trap finish EXIT

step "preconditions"
echo "kernel $(uname -r), repository $ROOT, exporter $BIN"
if [ -x "$BIN" ]; then ok "exporter binary $BIN exists"; else fail "exporter binary $BIN: expected an executable got nothing (build it first)"; exit 1; fi

step "scenario: namespaces, IPVS tables, first traffic"
if $SCENARIO setup "$NS_A" "$NS_B" > "$W/scenario-setup.txt" 2>&1; then
  ok "scenario setup (tables programmed, all traffic answered)"
  grep -E '^  traffic |^scenario: (director|traffic)' "$W/scenario-setup.txt"
else
  cat "$W/scenario-setup.txt"; fail "scenario setup: expected exit 0"; exit 1
fi

step "starting the exporter"
# Every series the collector can export is compared with ipvsadm, the opt-in per-backend ones too.
"$BIN" --collectors ipvs --namespace-path "/run/netns/$NS_A" --namespace-path "/run/netns/$NS_B" \
  --collector.ipvs.backend-traffic --collector.ipvs.backend-details \
  --web.listen-address "127.0.0.1:$PORT" > "$W/exporter.log" 2>&1 &
EXPORTER_PID=$!
code=000
for _ in $(seq 600); do   # up to 120 s: a debug build under TCG starts slowly
  kill -0 "$EXPORTER_PID" 2>/dev/null || break
  code=$(http_status "$URL" "$W/first.prom")
  [ "$code" = 200 ] && break
  sleep 0.2
done
if [ "$code" = 200 ]; then
  ok "exporter answers $URL"
else
  kill -0 "$EXPORTER_PID" 2>/dev/null && state="running" || state="exited"
  fail "exporter answers $URL: expected 200 got $code (process $state)"
  cat "$W/exporter.log"; exit 1
fi

step "round 1: compare with ipvsadm"
quiet
compare round1 --url "$URL" --save-scrape "$W/scrape1.prom" --save "$W/ipvsadm1" "$NS_A" "$NS_B"
promtool_check "$W/scrape1.prom"

step "round 2: more traffic, compare again"
if $SCENARIO traffic "$NS_A" "$NS_B" > "$W/scenario-traffic.txt" 2>&1; then
  ok "second round of traffic answered"
else
  fail "second round of traffic: expected exit 0"
fi
grep -E '^  traffic ' "$W/scenario-traffic.txt"
quiet
compare round2 --url "$URL" --save-scrape "$W/scrape2.prom" --save "$W/ipvsadm2" --previous "$W/scrape1.prom" "$NS_A" "$NS_B"
promtool_check "$W/scrape2.prom"
# negative control: the round-1 scrape is stale now, so the comparison must reject it
$COMPARE --quiet "$W/scrape1.prom" "$NS_A" "$NS_B" > "$W/compare-stale.txt" 2>&1
stale_rc=$?
stale=$(tail -n 1 "$W/compare-stale.txt")
if [ "$stale_rc" != 0 ] && [[ "$stale" =~ ^[0-9]+\ passed,\ [1-9][0-9]*\ failed$ ]]; then
  ok "negative control: the stale round-1 scrape is rejected ($stale)"
else
  fail "negative control: expected the stale round-1 scrape to fail the comparison got exit $stale_rc, $stale"
fi

step "round 3: $NS_B deleted"
$SCENARIO del-b "$NS_A" "$NS_B" > "$W/scenario-del-b.txt" 2>&1 || fail "ip netns del $NS_B: expected exit 0"
compare round3 --url "$URL" --save-scrape "$W/scrape3.prom" --save "$W/ipvsadm3" --absent "$NS_B" "$NS_A"
promtool_check "$W/scrape3.prom"
exporter_alive "after $NS_B disappeared"

step "round 4: $NS_B re-created with another table"
if $SCENARIO recreate-b "$NS_A" "$NS_B" > "$W/scenario-recreate-b.txt" 2>&1; then
  ok "$NS_B re-created, its traffic answered"
else
  cat "$W/scenario-recreate-b.txt"; fail "$NS_B re-created: expected exit 0"
fi
grep -E '^  traffic ' "$W/scenario-recreate-b.txt"
quiet
compare round4 --url "$URL" --save-scrape "$W/scrape4.prom" --save "$W/ipvsadm4" "$NS_A" "$NS_B"
promtool_check "$W/scrape4.prom"
exporter_alive "at the end"
