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
        MeshConsistencyMetrics.record(report, ages: [.network: .seconds(28)], into: &sink)
        let text = Self.text(sink)
        #expect(text.contains("ipvs_swarm_stale_backends{service=\"web\",fwmark=\"256\"} 1\n"))
        #expect(text.contains("ipvs_swarm_missing_backends{service=\"web\",fwmark=\"256\"} 1\n"))
        #expect(text.contains("ipvs_swarm_draining_backends{service=\"web\",fwmark=\"256\"} 1\n"))
        #expect(text.contains("ipvs_swarm_longest_drain_seconds{service=\"web\",fwmark=\"256\"} 30\n"))
        #expect(text.contains("ipvs_swarm_unclaimed_services 1\n"))
        #expect(text.contains("ipvs_swarm_unprogrammed_services 0\n"))
        #expect(text.contains("ipvs_swarm_view_age_seconds{view=\"network\"} 28\n"))
        #expect(text.contains("ipvs_swarm_inconsistency_info{kind=\"stale_backend\",service=\"web\",fwmark=\"256\",backend_address=\"10.0.0.250\",view=\"network\"} 1\n"), "empty labels are left out, as everywhere")
        #expect(text.contains("ipvs_swarm_inconsistency_info{kind=\"missing_backend\",service=\"web\",fwmark=\"256\",backend_address=\"10.0.0.5\",task=\"web.2.t1\",node=\"192.168.77.1\",view=\"network\"} 1\n"))
        #expect(text.contains("ipvs_swarm_inconsistency_info{kind=\"unclaimed_service\",fwmark=\"999\",view=\"network\"} 1\n"))
        let healthy = text.split(separator: "\n").filter { $0.contains("service=\"healthy\"") }
        #expect(healthy.count == 4, "stale, missing, draining, longest drain: \(healthy)")
        #expect(healthy.allSatisfy { $0.hasSuffix(" 0") })
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("ipvs_swarm_inconsistency_info{") }.count == 3)
        #expect(!text.contains(",view=\"tasks\"}") && !text.contains("{view=\"tasks\"}"), "one view compared, one view named")
    }

    /// A manager: the tasks view is compared next to the network view; the info series say which
    /// view found each disagreement, and the per-service series keep their labels.
    @Test func aManagerComparesBothViewsAndNamesTheViewThatFoundEachDisagreement() throws {
        let now = ContinuousClock.now
        // The kernel and the node's network database agree on a backend the managers no longer want.
        let table = try IPVSAdmListing.parse("""
            FWM  256 rr
              -> 10.0.0.4:0                   Masq    1      0          0
              -> 10.0.0.9:0                   Masq    1      0          0
            """)
        var network = MeshConsistencyTests.view(["10.0.0.4", "10.0.0.9"], readAt: nil)
        var tasks = MeshConsistencyTests.view(["10.0.0.4", "10.0.0.7"], readAt: nil)
        func snapshot(_ at: Duration) -> SwarmSnapshot {
            network.readAt = now + at
            tasks.readAt = now + at - .seconds(1)
            return SwarmSnapshot(loadBalancers: ["ingress_sbox": network], managerLoadBalancers: ["ingress_sbox": tasks])
        }
        var state = ConsistencyState()
        var first = MetricSink()
        state.record(table, snapshot: snapshot(.seconds(-1)), namespace: "ingress_sbox", maximumAge: .seconds(30), now: now, into: &first)
        var second = MetricSink()
        state.record(table, snapshot: snapshot(.seconds(5)), namespace: "ingress_sbox", maximumAge: .seconds(30), now: now + .seconds(6), into: &second)
        let text = Self.text(second)
        #expect(text.contains("ipvs_swarm_inconsistency_info{kind=\"stale_backend\",service=\"web\",fwmark=\"256\",backend_address=\"10.0.0.9\",view=\"tasks\"} 1\n"), "\(text)")
        #expect(text.contains("ipvs_swarm_inconsistency_info{kind=\"missing_backend\",service=\"web\",fwmark=\"256\",backend_address=\"10.0.0.7\",task=\"web.2.t1\",node=\"192.168.77.1\",view=\"tasks\"} 1\n"), "\(text)")
        #expect(text.contains("ipvs_swarm_stale_backends{service=\"web\",fwmark=\"256\"} 1\n"))
        #expect(text.contains("ipvs_swarm_missing_backends{service=\"web\",fwmark=\"256\"} 1\n"))
        #expect(text.contains("ipvs_swarm_view_age_seconds{view=\"network\"} 1\n"))
        #expect(text.contains("ipvs_swarm_view_age_seconds{view=\"tasks\"} 2\n"))
        #expect(text.contains("ipvs_swarm_consistency_skipped_total{reason=\"tasks_view_too_old\"} 0\n"))
        #expect(text.split(separator: "\n").filter { $0.contains("service=\"web\"") && !$0.hasPrefix("ipvs_swarm_inconsistency_info") }.count == 4,
                "still four series per service")
    }

    /// A tasks view older than the maximum age is left out (its skip counted) while the network
    /// view is still compared; a worker never gets the tasks series at all.
    @Test func anOldTasksViewIsSkippedAndTheNetworkViewStillCompared() throws {
        let table = try IPVSAdmListing.parse("""
            FWM  256 rr
              -> 10.0.0.4:0                   Masq    1      0          0
              -> 10.0.0.250:0                 Masq    1      0          0
            """)
        let now = ContinuousClock.now
        var network = MeshConsistencyTests.view(["10.0.0.4"], readAt: nil)
        var tasks = MeshConsistencyTests.view(["10.0.0.4"], readAt: nil)
        tasks.readAt = now - .seconds(31)
        var state = ConsistencyState()
        var sinks: [MetricSink] = []
        for at in [0, 5] {
            network.readAt = now + .seconds(at - 1)
            var sink = MetricSink()
            state.record(table, snapshot: SwarmSnapshot(loadBalancers: ["ingress_sbox": network], managerLoadBalancers: ["ingress_sbox": tasks]),
                         namespace: "ingress_sbox", maximumAge: .seconds(30), now: now + .seconds(at), into: &sink)
            sinks.append(sink)
        }
        let text = Self.text(sinks[1])
        #expect(text.contains("ipvs_swarm_consistency_skipped_total{reason=\"tasks_view_too_old\"} 2\n"), "\(text)")
        #expect(text.contains("ipvs_swarm_consistency_skipped_total{reason=\"view_too_old\"} 0\n"))
        #expect(!text.contains("ipvs_swarm_view_age_seconds{view=\"tasks\"}"), "not compared")
        #expect(text.contains("ipvs_swarm_view_age_seconds{view=\"network\"} 1\n"))
        #expect(text.contains("backend_address=\"10.0.0.250\",view=\"network\"} 1\n"), "the network view alone found it: \(text)")

        var worker = ConsistencyState()
        var sink = MetricSink()
        worker.record(table, snapshot: SwarmSnapshot(loadBalancers: ["ingress_sbox": network]), namespace: "ingress_sbox",
                      maximumAge: .seconds(30), now: now + .seconds(5), into: &sink)
        let workerText = Self.text(sink)
        #expect(!workerText.contains("{reason=\"tasks_view_too_old\"}") && !workerText.contains("{view=\"tasks\"}"), "\(workerText)")
    }

    @Test func noViewOrAnOldViewLeavesTheSeriesOutAndCountsWhy() throws {
        let table = KernelLoadBalancer(try IPVSCollectorTests.recordedTable())
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
