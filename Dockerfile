# syntax=docker/dockerfile:1
# swarm-ipvs-exporter: the release binary on a slim Debian runtime.
#
#   docker build -t swarm-ipvs-exporter:0.1.0 \
#     --build-arg REVISION="$(git rev-parse HEAD)" --build-arg CREATED="$(date -u +%FT%TZ)" \
#     --build-arg SOURCE="$(git remote get-url origin)" .
#
# Deployed as a global Swarm service by compose/swarm-ipvs-exporter.yml (README.md "Deployment").
# Checked by scripts/validate-deploy (hadolint) and Tests/deploy/runtime-libs.sh, which runs the
# release binary in a root holding only the runtime stage's packages.

# ---------------------------------------------------------------------------------------------
# Build: the official Swift toolchain image of the same Debian release as the runtime stage, so
# libnl and zlib are the same versions at build and at run time.
FROM swift:6.2-bookworm AS build

# Headers of the C libraries the Netlink target links (libnl-3, libnl-genl-3) and zlib (gzip of
# /metrics). Versions are not pinned (DL3008): bookworm is a stable release whose security
# archive replaces these versions in place, so a pinned version stops existing and the build breaks;
# the base image tag fixes the release.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libnl-3-dev libnl-genl-3-dev libcrypt-dev pkg-config zlib1g-dev \
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

COPY --from=build /out/swarm-ipvs-exporter /usr/local/bin/swarm-ipvs-exporter

EXPOSE 10118

# The health check asks the landing page (/) with bash's /dev/tcp: bash is an Essential package of
# the base image, so no curl or wget (and their libraries) is added just for this. "/" is cheap;
# /metrics would run a full scrape of every namespace every 30 s. It expects "HTTP/1.x 200" as the
# first line of the answer. It assumes the default listen port 10118; a stack that changes
# --web.listen-address must override the health check too.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/10118 && printf 'GET / HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && IFS= read -r -t 4 status <&3 && [[ $status == HTTP/1.?' 200'* ]]"]

# No USER: the exporter must be uid 0 inside the container. Docker grants the capabilities of
# cap_add (CAP_SYS_ADMIN for setns, CAP_NET_ADMIN for the IPVS and conntrack dumps) to uid 0 only;
# a non-root user would get none of them (no ambient capabilities). The stack drops every other
# capability (cap_drop: ALL).
ENTRYPOINT ["/usr/local/bin/swarm-ipvs-exporter"]
