import ExporterCore
import Foundation
import Logging
import Netlink
import SwarmDiscovery
import Testing
@testable import Collectors

/// The ipvs collector's mapping from a real table (replayed from the kernel replies recorded in
/// Tests/NetlinkTests/Fixtures) to series, with and without Swarm names.
@Suite struct IPVSCollectorTests {
    static func recordedTable() throws -> IPVSTable {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("NetlinkTests/Fixtures")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("ipvs-") && $0.hasSuffix(".bin") }.sorted()
        #expect(names.count == 12)
        return try IPVSTable(replaying: names.map { Array(try Data(contentsOf: directory.appendingPathComponent($0))) })
    }

    static func collector(_ values: [String: [String]] = [:]) throws -> IPVSCollector {
        try IPVSCollector(configuration: CollectorConfiguration(collectorName: "ipvs", options: IPVSCollector.options, values: values),
                          environment: CollectorEnvironment(logger: Logger(label: "test")))
    }

    static func text(_ sink: MetricSink) -> String {
        ExpositionEncoder(format: .text).encode(sink.sortedFamilies())
    }

    @Test func seriesCarryIdentityLabelsAndExactValues() throws {
        var sink = MetricSink()
        try Self.collector(["backend-traffic": ["true"], "backend-details": ["true"]]).record(Self.recordedTable(), swarm: nil, into: &sink)
        let text = Self.text(sink)
        #expect(text.contains("ipvs_services 4\n"))
        #expect(text.contains("ipvs_backends 5\n"))
        #expect(text.contains("ipvs_service_incoming_bytes_total{protocol=\"udp\",address=\"10.10.0.1\",port=\"53\"} 250\n"))
        #expect(text.contains("ipvs_service_info{protocol=\"tcp\",address=\"2001:db8::1\",port=\"443\",scheduler=\"sh\",persistent=\"true\",persistence_timeout_seconds=\"600\"} 1\n"))
        #expect(text.contains("ipvs_backend_weight{protocol=\"tcp\",address=\"10.10.0.1\",port=\"80\",backend_address=\"10.20.0.3\",backend_port=\"8080\"} 0\n"))
        #expect(text.contains("ipvs_backend_info{protocol=\"udp\",address=\"10.10.0.1\",port=\"53\",backend_address=\"10.20.0.4\",backend_port=\"53\",forwarding=\"route\",upper_threshold=\"0\",lower_threshold=\"0\"} 1\n"))
        #expect(text.contains("ipvs_backend_incoming_packets_total{protocol=\"udp\",address=\"10.10.0.1\",port=\"53\",backend_address=\"10.20.0.4\",backend_port=\"53\"} 5\n"))
        #expect(text.contains("ipvs_service_backends_weighted{protocol=\"tcp\",address=\"10.10.0.1\",port=\"80\"} 1\n"))
        #expect(text.contains("ipvs_timeout_seconds{protocol=\"tcpfin\"} 100\n"))
        #expect(text.contains("ipvs_connection_table_size 4096\n"))
        #expect(!text.contains("per_second"), "rates are off by default")
        #expect(!text.contains("ipvs_swarm_"), "no Swarm series without Swarm")
    }

    @Test func swarmNamesGoOnTheirFirewallMarks() throws {
        var balancer = SwarmSnapshot.LoadBalancer()
        balancer.serviceByFirewallMark = [256: "web"]
        balancer.publishedPorts = [.init(fwmark: 256, service: "web", protocolName: "tcp", publishedPort: 8080, targetPort: 80)]
        balancer.tasks = [.init(service: "web", address: "10.0.0.5", name: "web.1.abc", node: "192.168.77.1")]
        var sink = MetricSink()
        try Self.collector().record(Self.recordedTable(), swarm: balancer, into: &sink)
        let text = Self.text(sink)
        #expect(text.contains("ipvs_service_connections_total{fwmark=\"256\",service=\"web\"} 0\n"))
        #expect(text.contains("ipvs_service_connections_total{protocol=\"tcp\",address=\"10.10.0.1\",port=\"80\"} 1\n"))
        #expect(text.contains("ipvs_swarm_published_port_info{fwmark=\"256\",service=\"web\",protocol=\"tcp\",published_port=\"8080\",target_port=\"80\"} 1\n"))
        #expect(text.contains("ipvs_swarm_backend_info{service=\"web\",backend_address=\"10.0.0.5\",task=\"web.1.abc\",node=\"192.168.77.1\"} 1\n"))
    }

    /// By default four series per backend (connections scheduled, active, inactive, weight); the
    /// packet and byte counters and the constant details are opt-in, each with its own option.
    @Test func perBackendTrafficAndDetailsAreOptIn() throws {
        func backendFamilies(_ values: [String: [String]]) throws -> Set<String> {
            var sink = MetricSink()
            try Self.collector(values).record(Self.recordedTable(), swarm: nil, into: &sink)
            return Set(sink.sortedFamilies().filter { $0.sampleCount > 0 }.map(\.descriptor.name).filter { $0.hasPrefix("ipvs_backend_") })
        }
        let defaults: Set = ["ipvs_backend_connections_total", "ipvs_backend_connections_active", "ipvs_backend_connections_inactive", "ipvs_backend_weight"]
        let traffic: Set = ["ipvs_backend_incoming_packets_total", "ipvs_backend_outgoing_packets_total",
                            "ipvs_backend_incoming_bytes_total", "ipvs_backend_outgoing_bytes_total"]
        let details: Set = ["ipvs_backend_connections_persistent", "ipvs_backend_info"]
        #expect(try backendFamilies([:]) == defaults)
        #expect(try backendFamilies(["backend-traffic": ["true"]]) == defaults.union(traffic))
        #expect(try backendFamilies(["backend-details": ["true"]]) == defaults.union(details))
        #expect(try backendFamilies(["backends": ["false"], "backend-traffic": ["true"], "backend-details": ["true"]]).isEmpty)
    }

    @Test func ratesAndBackendSeriesFollowTheirOptions() throws {
        var sink = MetricSink()
        try Self.collector(["rates": ["true"], "backends": ["false"]]).record(Self.recordedTable(), swarm: nil, into: &sink)
        let text = Self.text(sink)
        #expect(text.contains("ipvs_service_connections_per_second{"))
        #expect(!text.contains("ipvs_backend_"))
        #expect(text.contains("ipvs_service_backends{"))
        #expect(throws: CollectorConfigurationError.self) { try Self.collector(["backends": ["perhaps"]]) }
    }
}
