import ExporterCore
import Netlink
import SwarmDiscovery

/// One namespace's side of the consistency check between scrapes: what it remembers and what it
/// counted, and the decision whether Docker's view can be compared at all.
struct ConsistencyState {
    var memory = MeshMemory()
    var skippedWithoutView: UInt64 = 0
    var skippedForAge: UInt64 = 0

    /// Compares the kernel with the view of this namespace's network and records the outcome.
    /// No comparison (the series absent, a skip counted) without a view or with one older than
    /// `maximumAge`: never a verdict from Docker's old news. A namespace Docker's view does not
    /// name is no Swarm load balancer: nothing is recorded for it.
    mutating func record(_ table: IPVSTable, snapshot: SwarmSnapshot?, namespace: String,
                         maximumAge: Duration, now: ContinuousClock.Instant, into sink: inout MetricSink) {
        for family in MeshConsistencyMetrics.all { sink.declare(family) }
        defer {
            sink.add(MeshConsistencyMetrics.skipped, ["no_view"], skippedWithoutView)
            sink.add(MeshConsistencyMetrics.skipped, ["view_too_old"], skippedForAge)
        }
        guard let snapshot else {
            skippedWithoutView += 1
            return
        }
        guard let view = snapshot.loadBalancers[namespace] else { return }
        guard let readAt = view.readAt, readAt.duration(to: now) <= maximumAge else {
            skippedForAge += 1
            // Old news cannot confirm anything, and the drains seen meanwhile stay counted.
            return
        }
        let report = MeshConsistency.check(kernel: KernelLoadBalancer(table), view: view, memory: &memory, now: now)
        MeshConsistencyMetrics.record(report, view: view, age: readAt.duration(to: now), into: &sink)
    }
}
