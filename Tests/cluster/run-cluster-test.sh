#!/usr/bin/env bash
# run-cluster-test.sh (host): the multi-node Swarm acceptance suite. Boots scripts/swarm-cluster
# (CLUSTER_NODES guests, default 2), which builds the image from the Dockerfile inside the lab and
# deploys compose/swarm-ipvs-exporter.yml unchanged, then runs Tests/cluster/checks.sh on the
# manager. Prints every check line and ends with `N passed, M failed` (a lab that does not come up
# is one failed check, with the tail of its logs). Run by scripts/test unless SKIP_CLUSTER=1 (or
# SKIP_VM=1).
#   CLUSTER_NODES=3         three nodes (one manager, two workers)
#   CLUSTER_SECTIONS="…"    only some sections of checks.sh (see its header)
# Work dir: .build/cluster.XXXXXX (consoles, dockerd logs, scrapes, ipvsadm outputs, measurements).
# Measured on the 2-core dev machine: see README.md, "Tests".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$repo/.build"
work=$(mktemp -d "$repo/.build/cluster.XXXXXX")
start=$(date +%s)
# every section runs in one lab: more than swarm-cluster's default life of a guest (3000 s) when
# the machine is slow
export SWARM_CLUSTER_TIMEOUT=${SWARM_CLUSTER_TIMEOUT:-5400}
SWARM_CLUSTER_DIR=$work "$repo/scripts/swarm-cluster" --nodes "${CLUSTER_NODES:-2}" "$repo/Tests/cluster/checks.sh" > "$work/cluster.log" 2>&1
rc=$?
# the checks' own lines (prefixed [node1] by swarm-cluster)
sed -n 's/^\[node1\] //p' "$work/cluster.log" | sed -E -n '/^# \[[0-9]+s\] nodes:/,$p' | grep -E '^(ok |FAIL|# |[0-9]+ passed, [0-9]+ failed)' > "$work/checks.log"
grep -vE '^[0-9]+ passed, [0-9]+ failed$' "$work/checks.log"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/checks.log" | tail -n 1)
echo "run-cluster-test: swarm-cluster exit status $rc after $(( $(date +%s) - start )) s; work dir $work"
grep -E '^(host|node1) ' "$work/timings.txt" 2>/dev/null | tail -n 40 | sed 's/^/  timing: /'
if [ -z "$summary" ]; then
  echo "FAIL the cluster did not come up or the checks did not finish (exit $rc); last lines of $work/cluster.log:"
  tail -n 60 "$work/cluster.log"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "$summary"
[ "$rc" = 0 ]
