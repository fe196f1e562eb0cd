import ExporterCore

/// The families of the ipvs collector.
enum IPVSMetrics {
    static let identity = ["protocol", "address", "port", "fwmark", "service"]
    static let backend = identity + ["backend_address", "backend_port"]

    static let services = MetricDescriptor.gauge("ipvs_services", "Number of IPVS virtual services in the namespace.")
    static let backends = MetricDescriptor.gauge("ipvs_backends", "Number of IPVS real servers (backends) in the namespace, over all services.")
    static let serviceInfo = MetricDescriptor.gauge(
        "ipvs_service_info", "Constant 1 per virtual service, labeled with its scheduler and persistence.",
        labels: identity + ["scheduler", "persistent", "persistence_timeout_seconds"])
    static let serviceConnections = MetricDescriptor.counter("ipvs_service_connections_total", "Connections scheduled by the virtual service.", labels: identity)
    static let serviceIncomingPackets = MetricDescriptor.counter("ipvs_service_incoming_packets_total", "Packets received by the virtual service.", labels: identity)
    static let serviceOutgoingPackets = MetricDescriptor.counter("ipvs_service_outgoing_packets_total", "Packets sent by the virtual service.", labels: identity)
    static let serviceIncomingBytes = MetricDescriptor.counter("ipvs_service_incoming_bytes_total", "Bytes received by the virtual service.", labels: identity)
    static let serviceOutgoingBytes = MetricDescriptor.counter("ipvs_service_outgoing_bytes_total", "Bytes sent by the virtual service.", labels: identity)
    static let serviceBackends = MetricDescriptor.gauge("ipvs_service_backends", "Backends of the virtual service.", labels: identity)
    static let serviceBackendsWeighted = MetricDescriptor.gauge(
        "ipvs_service_backends_weighted", "Backends of the virtual service with a weight above 0 (those that get new connections).", labels: identity)

    static let backendConnections = MetricDescriptor.counter("ipvs_backend_connections_total", "Connections scheduled to the backend.", labels: backend)
    static let backendIncomingPackets = MetricDescriptor.counter("ipvs_backend_incoming_packets_total", "Packets forwarded to the backend (with --collector.ipvs.backend-traffic).", labels: backend)
    static let backendOutgoingPackets = MetricDescriptor.counter("ipvs_backend_outgoing_packets_total", "Packets from the backend (with --collector.ipvs.backend-traffic).", labels: backend)
    static let backendIncomingBytes = MetricDescriptor.counter("ipvs_backend_incoming_bytes_total", "Bytes forwarded to the backend (with --collector.ipvs.backend-traffic).", labels: backend)
    static let backendOutgoingBytes = MetricDescriptor.counter("ipvs_backend_outgoing_bytes_total", "Bytes from the backend (with --collector.ipvs.backend-traffic).", labels: backend)
    static let backendActive = MetricDescriptor.gauge("ipvs_backend_connections_active", "Active connections of the backend (ipvsadm ActiveConn).", labels: backend)
    static let backendInactive = MetricDescriptor.gauge("ipvs_backend_connections_inactive", "Inactive connections of the backend (ipvsadm InActConn).", labels: backend)
    static let backendPersistent = MetricDescriptor.gauge(
        "ipvs_backend_connections_persistent", "Persistent connection templates of the backend (with --collector.ipvs.backend-details).", labels: backend)
    static let backendWeight = MetricDescriptor.gauge("ipvs_backend_weight", "Weight of the backend; 0 means it gets no new connections (Swarm sets 0 while a task is removed).", labels: backend)
    static let backendInfo = MetricDescriptor.gauge(
        "ipvs_backend_info", "Constant 1 per backend, labeled with its forwarding method and connection thresholds (0 = none; with --collector.ipvs.backend-details).",
        labels: backend + ["forwarding", "upper_threshold", "lower_threshold"])

    static let connectionTableSize = MetricDescriptor.gauge("ipvs_connection_table_size", "Size of the IPVS connection hash table.")
    static let timeout = MetricDescriptor.gauge(
        "ipvs_timeout_seconds", "IPVS idle timeouts (ipvsadm --timeout): tcp, tcpfin, udp.", labels: ["protocol"])

    static let serviceConnectionsRate = MetricDescriptor.gauge(
        "ipvs_service_connections_per_second", "The kernel's estimate of new connections per second (with --collector.ipvs.rates).", labels: identity)
    static let serviceIncomingPacketsRate = MetricDescriptor.gauge(
        "ipvs_service_incoming_packets_per_second", "The kernel's estimate of incoming packets per second (with --collector.ipvs.rates).", labels: identity)
    static let serviceOutgoingPacketsRate = MetricDescriptor.gauge(
        "ipvs_service_outgoing_packets_per_second", "The kernel's estimate of outgoing packets per second (with --collector.ipvs.rates).", labels: identity)
    static let serviceIncomingBytesRate = MetricDescriptor.gauge(
        "ipvs_service_incoming_bytes_per_second", "The kernel's estimate of incoming bytes per second (with --collector.ipvs.rates).", labels: identity)
    static let serviceOutgoingBytesRate = MetricDescriptor.gauge(
        "ipvs_service_outgoing_bytes_per_second", "The kernel's estimate of outgoing bytes per second (with --collector.ipvs.rates).", labels: identity)

    static let publishedPortInfo = MetricDescriptor.gauge(
        "ipvs_swarm_published_port_info",
        "Constant 1 per port a Swarm service publishes through this load balancer (from the Docker Engine API).",
        labels: ["fwmark", "service", "protocol", "published_port", "target_port"])
    static let swarmBackendInfo = MetricDescriptor.gauge(
        "ipvs_swarm_backend_info",
        "Constant 1 per Swarm task behind this load balancer: its address, task name and node address (from the Docker Engine API).",
        labels: ["service", "backend_address", "task", "node"])

    static let base: [MetricDescriptor] = [
        services, backends, serviceInfo, serviceConnections, serviceIncomingPackets, serviceOutgoingPackets,
        serviceIncomingBytes, serviceOutgoingBytes, serviceBackends, serviceBackendsWeighted, connectionTableSize, timeout,
    ]
    /// Per backend by default: whether it gets new connections and how many it has and had, the
    /// series node_exporter's ipvs collector has (active, inactive, weight) plus the counter of
    /// scheduled connections. Four series per backend keep a 2,000 × 10 table at 96,000 series.
    static let perBackend: [MetricDescriptor] = [backendConnections, backendActive, backendInactive, backendWeight]
    /// Per backend with --collector.ipvs.backend-traffic: packets and bytes each way.
    static let backendTraffic: [MetricDescriptor] = [backendIncomingPackets, backendOutgoingPackets, backendIncomingBytes, backendOutgoingBytes]
    /// Per backend with --collector.ipvs.backend-details: persistence templates and the constant
    /// settings (forwarding method, thresholds), which Swarm never changes.
    static let backendDetails: [MetricDescriptor] = [backendPersistent, backendInfo]
    static let rates: [MetricDescriptor] = [
        serviceConnectionsRate, serviceIncomingPacketsRate, serviceOutgoingPacketsRate, serviceIncomingBytesRate, serviceOutgoingBytesRate,
    ]
    static let swarm: [MetricDescriptor] = [publishedPortInfo, swarmBackendInfo]
    static let all = base + perBackend + backendTraffic + backendDetails + rates + swarm
}
