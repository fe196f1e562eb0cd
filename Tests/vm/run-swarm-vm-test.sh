#!/usr/bin/env bash
# run-swarm-vm-test.sh (host): boots a real single-node Docker Swarm in the VM (scripts/swarm-demo,
# ~3-5 min), then runs Tests/vm/inside-swarm.sh next to the live routing mesh: the exporter must put
# the Swarm service name on the ingress and overlay fwmarks, report the published port, and its
# counters must grow with the requests made and equal ipvsadm's. Then Tests/vm/inside-mesh.sh, in the
# same VM: mesh consistency and inspect under a rolling update, ipvsadm corruption and churn.
#   SWARM_FIXTURES=1 also copies the Docker Engine API answers into Tests/SwarmDiscoveryTests/Fixtures.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${EXPORTER_BIN:-$repo/.build/debug/swarm-ipvs-exporter}
[ -x "$bin" ] || { echo "run-swarm-vm-test: build first (no $bin)"; exit 1; }
for b in dockerd containerd runc docker-proxy tini-static; do
  command -v "$b" >/dev/null || { echo "run-swarm-vm-test: $b missing (apt-get install docker.io)"; exit 1; }
done
work=$(mktemp -d "$repo/.build/swarm-demo.XXXXXX")
then=$work/then-src
cat > "$then" <<THEN
#!/bin/bash
env REPO="$repo" EXPORTER_BIN="$bin" OUT="$work" bash "$repo/Tests/vm/inside-swarm.sh"; a=\$?
echo "### mesh consistency (Tests/vm/inside-mesh.sh)"
env REPO="$repo" EXPORTER_BIN="$bin" OUT="$work" bash "$repo/Tests/vm/inside-mesh.sh"; b=\$?
[ \$a = 0 ] && [ \$b = 0 ]
THEN
chmod +x "$then"
SWARM_DEMO_TIMEOUT=${SWARM_DEMO_TIMEOUT:-2400} SWARM_DEMO_DIR=$work SWARM_DEMO_MOUNT=$repo "$repo/scripts/swarm-demo" "$then" > "$work/demo.log" 2>&1
rc=$?
sed -n '/### .*running .* against the live mesh/,$p' "$work/demo.log"
if [ $rc != 0 ] && ! grep -q 'against the live mesh' "$work/demo.log"; then
  echo "run-swarm-vm-test: the swarm did not come up (exit $rc); last lines of $work/demo.log:"
  tail -n 40 "$work/demo.log"
fi
if [ -n "${SWARM_FIXTURES:-}" ] && [ -d "$work/api" ]; then
  cp "$work"/api/*.json "$repo/Tests/SwarmDiscoveryTests/Fixtures/"
fi
# MESH_FIXTURES=1: the rolling update as Docker and the kernel showed it, step by step, for the
# consistency rules' unit tests (Tests/CollectorsTests/MeshConsistencyTests.swift).
if [ -n "${MESH_FIXTURES:-}" ] && [ -d "$work/mesh/rolling-update" ]; then
  dest=$repo/Tests/CollectorsTests/Fixtures/rolling-update; rm -rf "$dest"; mkdir -p "$dest"
  cp "$work"/mesh/rolling-update/*-network.json "$work"/mesh/rolling-update/*-ipvsadm.txt "$work"/mesh/rolling-update/*-seconds.txt "$dest/" 2>/dev/null
fi
exit $rc
