# PLACEHOLDER until the deployment issue (#6) lands: a multi-stage build of the release binary.
# It has not been built here (no Docker engine on the development machines) nor linted yet.
FROM swift:6.2-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libnl-3-dev libnl-genl-3-dev pkg-config zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build -c release --static-swift-stdlib --product swarm-ipvs-exporter

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libnl-3-200 libnl-genl-3-200 zlib1g \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/.build/release/swarm-ipvs-exporter /usr/local/bin/swarm-ipvs-exporter
EXPOSE 10118
ENTRYPOINT ["/usr/local/bin/swarm-ipvs-exporter"]
