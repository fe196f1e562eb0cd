public import ExporterCore
import Logging
public import Netlink
public import SwarmDiscovery
#if canImport(Glibc)
import Glibc
#endif

/// Every IPVS virtual service and backend of every namespace, over generic netlink (the family
/// "IPVS", resolved inside the namespace), with Swarm's service names on the firewall marks.
public struct IPVSCollector: NamespaceCollector {
    public static let name = "ipvs"
    public static let summary = "IPVS virtual services and backends: counters, weights, connections, timeouts, Swarm service names (generic netlink)."
    public static let enabledByDefault = true
    public static let options: [CollectorOption] = [
        .flag("rates", help: "Also export the kernel's estimator rates (ipvs_service_*_per_second)."),
        .flag("backends", default: true,
              help: "Export per-backend series (on by default): connections scheduled, active and inactive connections, weight. =false keeps only service-level series, for very large tables."),
        .flag("backend-traffic",
              help: "Also export per-backend packets and bytes each way (four more series per backend; the service-level ones are always exported)."),
        .flag("backend-details",
              help: "Also export per-backend persistence templates and ipvs_backend_info (forwarding method, thresholds)."),
        .flag("consistency", default: true,
              help: "Compare each Swarm load balancer with Docker's view of it (ipvs_swarm_stale_backends, …; on by default when the Docker Engine API is read). =false drops those series."),
    ]
    public static let metrics = IPVSMetrics.all + MeshConsistencyMetrics.all

    let exportRates: Bool
    let exportBackends: Bool
    let exportBackendTraffic: Bool
    let exportBackendDetails: Bool
    let checkConsistency: Bool
    let swarm: (any SwarmDirectory)?

    public init(configuration: CollectorConfiguration, environment: CollectorEnvironment) throws {
        exportRates = configuration.flag("rates")
        exportBackends = configuration.flag("backends")
        exportBackendTraffic = configuration.flag("backend-traffic")
        exportBackendDetails = configuration.flag("backend-details")
        checkConsistency = configuration.flag("consistency")
        swarm = environment.swarm
    }

    public func open(in namespace: NamespaceDescription) throws -> any NamespaceReader {
        Reader(client: try IPVSClient(), namespace: namespace.label, collector: self)
    }

    final class Reader: NamespaceReader {
        let client: IPVSClient
        let namespace: String
        let collector: IPVSCollector
        /// Only touched by `collect`, which runs one at a time per reader (`ReaderSlot`).
        private var consistency = ConsistencyState()

        init(client: IPVSClient, namespace: String, collector: IPVSCollector) {
            self.client = client
            self.namespace = namespace
            self.collector = collector
        }

        func collect(into sink: inout MetricSink, logger: Logger) throws {
            // Every ingress_sbox and lb_* namespace has IPVS: without it this collector has nothing
            // true to say, so it fails (scrape_collector_success 0, one log line) rather than
            // succeed with no series.
            guard let table = try client.table() else { throw IPVSUnavailable() }
            let snapshot = collector.swarm?.snapshot
            let swarm = snapshot?.loadBalancers[namespace]
            collector.record(table, swarm: swarm, into: &sink)
            if collector.checkConsistency, let directory = collector.swarm {
                consistency.record(KernelLoadBalancer(table), snapshot: snapshot, namespace: namespace,
                                   maximumAge: directory.maximumViewAge, now: .now, into: &sink)
            }
        }
    }

    /// Turns one namespace's table into samples (pure: unit-tested on parsed kernel replies).
    public func record(_ table: IPVSTable, swarm: SwarmSnapshot.LoadBalancer?, into sink: inout MetricSink) {
        for family in IPVSMetrics.base { sink.declare(family) }
        if exportBackends {
            for family in IPVSMetrics.perBackend { sink.declare(family) }
            if exportBackendTraffic { for family in IPVSMetrics.backendTraffic { sink.declare(family) } }
            if exportBackendDetails { for family in IPVSMetrics.backendDetails { sink.declare(family) } }
        }
        if exportRates { for family in IPVSMetrics.rates { sink.declare(family) } }

        let configuration = table.configuration
        sink.add(IPVSMetrics.services, [], UInt64(table.entries.count))
        sink.add(IPVSMetrics.backends, [], UInt64(table.entries.reduce(0) { $0 + $1.destinations.count }))
        sink.add(IPVSMetrics.connectionTableSize, [], UInt64(configuration.connectionTableSize))
        sink.add(IPVSMetrics.timeout, ["tcp"], UInt64(configuration.tcpTimeout))
        sink.add(IPVSMetrics.timeout, ["tcpfin"], UInt64(configuration.tcpFinTimeout))
        sink.add(IPVSMetrics.timeout, ["udp"], UInt64(configuration.udpTimeout))

        // Services and their backends are recorded in the order of their label values, so the
        // scrape's sort of a large table is one pass over series already in order.
        var backends = BackendSamples()
        for (entry, identity) in labeledServices(table, swarm: swarm) {
            let service = entry.service
            let stats = service.statistics
            sink.add(IPVSMetrics.serviceInfo, identity + [service.scheduler, service.isPersistent ? "true" : "false",
                                                          service.isPersistent ? String(service.timeout) : "0"], UInt64(1))
            sink.add(IPVSMetrics.serviceConnections, identity, stats.connections)
            sink.add(IPVSMetrics.serviceIncomingPackets, identity, stats.incomingPackets)
            sink.add(IPVSMetrics.serviceOutgoingPackets, identity, stats.outgoingPackets)
            sink.add(IPVSMetrics.serviceIncomingBytes, identity, stats.incomingBytes)
            sink.add(IPVSMetrics.serviceOutgoingBytes, identity, stats.outgoingBytes)
            sink.add(IPVSMetrics.serviceBackends, identity, UInt64(entry.destinations.count))
            sink.add(IPVSMetrics.serviceBackendsWeighted, identity, UInt64(entry.destinations.filter { $0.weight > 0 }.count))
            if exportRates {
                sink.add(IPVSMetrics.serviceConnectionsRate, identity, Double(stats.connectionsPerSecond))
                sink.add(IPVSMetrics.serviceIncomingPacketsRate, identity, Double(stats.incomingPacketsPerSecond))
                sink.add(IPVSMetrics.serviceOutgoingPacketsRate, identity, Double(stats.outgoingPacketsPerSecond))
                sink.add(IPVSMetrics.serviceIncomingBytesRate, identity, Double(stats.incomingBytesPerSecond))
                sink.add(IPVSMetrics.serviceOutgoingBytesRate, identity, Double(stats.outgoingBytesPerSecond))
            }
            guard exportBackends else { continue }
            backends.add(entry.destinations, identity: identity, traffic: exportBackendTraffic, details: exportBackendDetails)
        }
        backends.record(into: &sink)

        guard let swarm else { return }
        for family in IPVSMetrics.swarm { sink.declare(family) }
        for port in swarm.publishedPorts {
            sink.add(IPVSMetrics.publishedPortInfo, [String(port.fwmark), port.service, port.protocolName,
                                                     String(port.publishedPort), String(port.targetPort)], UInt64(1))
        }
        for task in swarm.tasks {
            sink.add(IPVSMetrics.swarmBackendInfo, [task.service, task.address, task.name, task.node], UInt64(1))
        }
    }

    /// Every service with its identity label values (protocol, address, port, fwmark, Swarm
    /// service name), in the order of those values. An IPv6 firewall-mark service is told apart
    /// from an IPv4 one with the same mark by address "::".
    private func labeledServices(_ table: IPVSTable, swarm: SwarmSnapshot.LoadBalancer?) -> [(entry: IPVSTable.Entry, identity: [String])] {
        table.entries.map { entry in
            let service = entry.service
            let name = service.firewallMark.flatMap { swarm?.serviceByFirewallMark[$0] } ?? ""
            let address = service.address?.description ?? (service.family == UInt16(AF_INET6) ? "::" : "")
            return (entry, [service.protocolName, address, service.port.map(String.init) ?? "",
                            service.firewallMark.map(String.init) ?? "", name])
        }
        .sorted { Sample.labelValuesPrecede($0.identity, $1.identity) }
    }
}

/// The kernel has no IPVS generic netlink family: the ip_vs module is not loaded.
struct IPVSUnavailable: Error, CustomStringConvertible {
    var description: String { "the kernel has no IPVS (the ip_vs module is not loaded; Docker loads it when a Swarm node joins)" }
}
