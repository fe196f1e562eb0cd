import ExporterCore
import Netlink
import Testing
@testable import Collectors
@testable import SwarmDiscovery

/// The consistency check as series: what a healthy and a broken load balancer cost and say, and
/// when the series are left out (no view, a view too old).
@Suite struct MeshConsistencyMetricsTests {
    static func text(_ sink: MetricSink) -> String { ExpositionEncoder(format: .text).encode(sink.sortedFamilies()) }

    @Test func aBrokenLoadBalancerNamesEachDisagreementAndAHealthyServiceCostsFourSeries() {
        var memory = MeshMemory()
        var kernel = MeshConsistencyTests.kernel([("10.0.0.4", 1), ("10.0.0.250", 1), ("10.0.0.6", 0)])
        kernel.backendsByFirewallMark[999] = []
        var view = MeshConsistencyTests.view(["10.0.0.4", "10.0.0.5"], readAt: 12)
        view.serviceByFirewallMark[300] = "healthy"
        kernel.backendsByFirewallMark[300] = [.init(address: "10.0.0.30", weight: 1)]
        view.tasks.append(.init(service: "healthy", address: "10.0.0.30", name: "healthy.1.h", node: "192.168.77.2"))
        _ = MeshConsistency.check(kernel: kernel, view: view, memory: &memory, now: MeshConsistencyTests.at(10))
        let report = MeshConsistency.check(kernel: kernel, view: view, memory: &memory, now: MeshConsistencyTests.at(40))
        var sink = MetricSink()
        for family in MeshConsistencyMetrics.all { sink.declare(family) }
        MeshConsistencyMetrics.record(report, view: view, age: .seconds(28), into: &sink)
        let text = Self.text(sink)
        #expect(text.contains("ipvs_swarm_stale_backends{service=\"web\",fwmark=\"256\"} 1\n"))
        #expect(text.contains("ipvs_swarm_missing_backends{service=\"web\",fwmark=\"256\"} 1\n"))
        #expect(text.contains("ipvs_swarm_draining_backends{service=\"web\",fwmark=\"256\"} 1\n"))
        #expect(text.contains("ipvs_swarm_longest_drain_seconds{service=\"web\",fwmark=\"256\"} 30\n"))
        #expect(text.contains("ipvs_swarm_unclaimed_services 1\n"))
        #expect(text.contains("ipvs_swarm_unprogrammed_services 0\n"))
        #expect(text.contains("ipvs_swarm_view_age_seconds{view=\"network\"} 28\n"))
        #expect(text.contains("ipvs_swarm_inconsistency_info{kind=\"stale_backend\",service=\"web\",fwmark=\"256\",backend_address=\"10.0.0.250\"} 1\n"), "empty labels are left out, as everywhere")
        #expect(text.contains("ipvs_swarm_inconsistency_info{kind=\"missing_backend\",service=\"web\",fwmark=\"256\",backend_address=\"10.0.0.5\",task=\"web.2.t1\",node=\"192.168.77.1\"} 1\n"))
        #expect(text.contains("ipvs_swarm_inconsistency_info{kind=\"unclaimed_service\",fwmark=\"999\"} 1\n"))
        let healthy = text.split(separator: "\n").filter { $0.contains("service=\"healthy\"") }
        #expect(healthy.count == 4, "stale, missing, draining, longest drain: \(healthy)")
        #expect(healthy.allSatisfy { $0.hasSuffix(" 0") })
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("ipvs_swarm_inconsistency_info{") }.count == 3)
    }

    @Test func noViewOrAnOldViewLeavesTheSeriesOutAndCountsWhy() throws {
        let table = try IPVSCollectorTests.recordedTable()
        var state = ConsistencyState()
        let now = ContinuousClock.now
        var sink = MetricSink()
        state.record(table, snapshot: nil, namespace: "ingress_sbox", maximumAge: .seconds(30), now: now, into: &sink)
        var view = SwarmSnapshot.LoadBalancer()
        view.readAt = now - .seconds(31)
        let old = SwarmSnapshot(loadBalancers: ["ingress_sbox": view])
        var second = MetricSink()
        state.record(table, snapshot: old, namespace: "ingress_sbox", maximumAge: .seconds(30), now: now, into: &second)
        var third = MetricSink()
        state.record(table, snapshot: old, namespace: "ingress_sbox", maximumAge: .seconds(30), now: now, into: &third)
        let text = Self.text(third)
        #expect(Self.text(sink).contains("ipvs_swarm_consistency_skipped_total{reason=\"no_view\"} 1\n"))
        #expect(text.contains("ipvs_swarm_consistency_skipped_total{reason=\"no_view\"} 1\n"))
        #expect(text.contains("ipvs_swarm_consistency_skipped_total{reason=\"view_too_old\"} 2\n"))
        #expect(!text.contains("\nipvs_swarm_unclaimed_services "), "no verdict from an old view")
        // Fresh enough: compared (the recorded table's address services are claimed by no one).
        view.readAt = now - .seconds(29)
        var fresh = MetricSink()
        state.record(table, snapshot: SwarmSnapshot(loadBalancers: ["ingress_sbox": view]), namespace: "ingress_sbox",
                     maximumAge: .seconds(30), now: now, into: &fresh)
        #expect(Self.text(fresh).contains("ipvs_swarm_unclaimed_services 0\n"), "seen for the first time: not confirmed yet")
        // A namespace Docker does not name is no Swarm load balancer: nothing but the declarations.
        var other = MetricSink()
        state.record(table, snapshot: SwarmSnapshot(loadBalancers: ["ingress_sbox": view]), namespace: "lb_other",
                     maximumAge: .seconds(30), now: now, into: &other)
        #expect(!Self.text(other).contains("\nipvs_swarm_unclaimed_services "))
    }
}
