# swarm-ipvs-exporter: the release binary on a slim Debian runtime.
#
#   docker build -t swarm-ipvs-exporter:0.1.0 \
#     --build-arg REVISION="$(git rev-parse HEAD)" --build-arg CREATED="$(date -u +%FT%TZ)" \
#     --build-arg SOURCE="$(git remote get-url origin)" .
#
# Needs BuildKit (Docker 20.10 or later; `DOCKER_BUILDKIT=1` where it is not the default): the build
# stage uses `RUN --mount=type=cache`, which the legacy builder rejects. The file has no
# `# syntax=` line on purpose: that line makes BuildKit pull a frontend image from a registry, and
# everything used here (RUN --mount, FROM of a build argument) is in the frontend built into the
# engine since Docker 20.10, so the file also builds where no registry can be reached.
#
# Where the binary comes from (build argument BINARY_FROM):
#   build     (default) the Swift stage below compiles it in the official Swift image;
#   prebuilt  a binary already built on the host and put in the build context at PREBUILT_BINARY
#             (default .build-static/release/swarm-ipvs-exporter, i.e.
#             `swift build -c release --static-swift-stdlib --product swarm-ipvs-exporter
#              --scratch-path .build-static`); BuildKit then skips the Swift stage entirely:
#     docker build --build-arg BINARY_FROM=prebuilt -t swarm-ipvs-exporter:0.1.0 .
#   scripts/swarm-cluster builds the image this way inside its QEMU lab. Either way the runtime
#   stage (packages, user, labels, health check, entry point) is the one below.
#
# Deployed as a global Swarm service by compose/swarm-ipvs-exporter.yml (README.md "Deployment").
# Checked by scripts/validate-deploy (hadolint) and Tests/deploy/runtime-libs.sh, which runs the
# release binary in a root holding only the runtime stage's packages; built and deployed on a real
# multi-node Swarm by Tests/cluster/ (scripts/swarm-cluster).

ARG BINARY_FROM=build

# ---------------------------------------------------------------------------------------------
# Build: the official Swift toolchain image of the same Debian release as the runtime stage, so
# libnl and zlib are the same versions at build and at run time.
FROM swift:6.2-bookworm AS build

# Headers of the C libraries the Netlink target links (libnl-3, libnl-genl-3), libcrypt (bcrypt),
# zlib (gzip of /metrics) and libyaml (linked from libyaml-dev's static libyaml.a, so the runtime
# stage needs no libyaml). Versions are not pinned (DL3008): bookworm is a stable release whose
# security archive replaces these versions in place, so a pinned version stops existing and the
# build breaks; the base image tag fixes the release.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libnl-3-dev libnl-genl-3-dev libcrypt-dev libyaml-dev pkg-config zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Package.resolved is optional (it is not committed); the glob lets COPY succeed without it. Tests/
# is copied because the manifest declares test targets, whose directories SwiftPM requires even to
# build one product. Only these paths are copied, never a host's .build.
COPY Package.swift Package.resolved* VERSION ./
COPY Plugins/ Plugins/
COPY Sources/ Sources/
COPY Tests/ Tests/

# .git is not copied: BuildInfoGenerator reads the revision from .git/HEAD, so write the one passed
# as REVISION there (a detached HEAD); without it the binary says revision "unknown".
# .build is a BuildKit cache mount (dependencies and objects are kept between image builds), so the
# binary is copied out to /out in the same step.
ARG REVISION=""
RUN --mount=type=cache,target=/src/.build \
    if [ -n "$REVISION" ]; then mkdir -p .git && printf '%s\n' "$REVISION" > .git/HEAD; fi \
 && swift build -c release --static-swift-stdlib --product swarm-ipvs-exporter \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/swarm-ipvs-exporter" /out/swarm-ipvs-exporter \
 && strip --strip-debug /out/swarm-ipvs-exporter \
 && /out/swarm-ipvs-exporter --version

# ---------------------------------------------------------------------------------------------
# The alternative to the Swift stage: a binary built on the host (see the top of this file).
FROM scratch AS prebuilt
ARG PREBUILT_BINARY=.build-static/release/swarm-ipvs-exporter
COPY ${PREBUILT_BINARY} /out/swarm-ipvs-exporter

# The stage the runtime copies the binary from: "build" or "prebuilt".
FROM ${BINARY_FROM} AS binary

# ---------------------------------------------------------------------------------------------
# Runtime: what the binary links beyond glibc and libgcc_s (both in the base image), nothing else.
# The Swift runtime and Foundation are linked in statically (--static-swift-stdlib); libstdc++6 is
# what they still need dynamically (already in the slim image, named so it stays). No
# ca-certificates: the exporter makes no TLS connection (the Docker API is a unix socket).
FROM debian:bookworm-slim

# VERSION must equal the file VERSION (scripts/validate-deploy checks it); REVISION, CREATED and
# SOURCE (the repository's URL) are passed by whoever builds: see the top of this file.
ARG VERSION=0.1.0
ARG REVISION=""
ARG CREATED=""
ARG SOURCE=""
LABEL org.opencontainers.image.title="swarm-ipvs-exporter" \
      org.opencontainers.image.description="Prometheus exporter for Docker Swarm's routing mesh: IPVS load balancers (ingress_sbox, lb_*) and their network namespaces" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"

# Unpinned for the reason given in the build stage (DL3008).
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libnl-3-200 libnl-genl-3-200 libcrypt1 zlib1g libstdc++6 \
 && rm -rf /var/lib/apt/lists/*

COPY --from=binary /out/swarm-ipvs-exporter /usr/local/bin/swarm-ipvs-exporter

EXPOSE 10118

# The health check is the binary itself: `swarm-ipvs-exporter healthcheck` asks the running
# exporter for /-/healthy on the loopback address of its listen port and exits 0 on 200. It reads
# --web.listen-address and --web.config.file from the exporter's command line (PID 1 here), so it
# follows a stack that changes the port, and it speaks TLS when the web config has
# tls_server_config; /-/healthy is exempt from basic auth. (The earlier check, a plain
# `GET /` through bash's /dev/tcp wanting 200, failed for ever under basic auth (401) or TLS, and
# Swarm restarted every task in a loop. WebConfigIntegrationTests.healthCheckUnderTLSAndBasicAuth
# tests the subcommand; Tests/cluster's webconfig section does it on a Swarm.)
# /-/healthy runs no scrape, so checking every 30 s costs nothing measurable. The timeout is
# Docker's default, 30 s: it counts from the start of the exec, and on a busy node the exec alone
# (runc in the task's cgroup) can take seconds; in the QEMU lab a `docker exec` took 10-15 s, and
# with the former 5 s healthy tasks failed their checks ("Health check exceeded timeout (5s)") and
# Swarm replaced them.
HEALTHCHECK --interval=30s --timeout=30s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/swarm-ipvs-exporter", "healthcheck"]

# No USER: the exporter runs as uid 0 inside the container, with only the capabilities of the
# stack's cap_add (CAP_SYS_ADMIN for setns, CAP_NET_ADMIN for the IPVS and conntrack dumps; the
# stack drops every other one). Docker grants cap_add to uid 0 only. Tried in the multi-node lab
# (Tests/cluster, section leastpriv): this image plus `setcap cap_sys_admin,cap_net_admin+ep` on
# the binary and `USER 65534:65534`, run with the stack's cap_drop/cap_add and mounts, got exactly
# those two capabilities (CapEff 0x201000) and read ingress_sbox, IPVS and conntrack; but the Docker
# socket refused it: `connect /var/run/docker.sock: Permission denied` (root:docker 0660, and the
# docker group's id differs from host to host), so every `service` label and ipvs_swarm_* series
# was gone. Root is kept for that; a deployment with --no-docker could run that non-root variant.
ENTRYPOINT ["/usr/local/bin/swarm-ipvs-exporter"]
