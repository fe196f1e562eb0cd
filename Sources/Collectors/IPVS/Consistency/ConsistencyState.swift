import ExporterCore
import SwarmDiscovery

/// One namespace's side of the consistency check between scrapes: what it remembers and what it
/// counted, and the decision which of Docker's views can be compared.
struct ConsistencyState {
    var memories: [SwarmSnapshot.View: MeshMemory] = [:]
    var skippedWithoutView: UInt64 = 0
    var skippedForAge: UInt64 = 0
    var skippedTasksViewForAge: UInt64 = 0
    /// Whether a tasks view of this namespace was ever given (a manager): only then is its skip
    /// counted as a series, so that a worker's output is what it was with the network view alone.
    var hadTasksView = false

    /// Compares the kernel with the views of this namespace's network and records the outcome.
    /// No comparison (the series absent, a skip counted) without a network view or with one older
    /// than `maximumAge`: never a verdict from Docker's old news. The tasks view (managers) is
    /// compared besides when it is no older than `maximumAge`; an older one is left out, its skip
    /// counted, and the network view is compared alone. A namespace Docker's view does not name is
    /// no Swarm load balancer: nothing is recorded for it.
    /// - Parameter kernel: the namespace's table as the rules read it (made only when compared).
    mutating func record(_ kernel: @autoclosure () -> KernelLoadBalancer, snapshot: SwarmSnapshot?, namespace: String,
                         maximumAge: Duration, now: ContinuousClock.Instant, into sink: inout MetricSink) {
        for family in MeshConsistencyMetrics.all { sink.declare(family) }
        defer {
            sink.add(MeshConsistencyMetrics.skipped, ["no_view"], skippedWithoutView)
            sink.add(MeshConsistencyMetrics.skipped, ["view_too_old"], skippedForAge)
            if hadTasksView { sink.add(MeshConsistencyMetrics.skipped, ["tasks_view_too_old"], skippedTasksViewForAge) }
        }
        guard let snapshot else {
            skippedWithoutView += 1
            return
        }
        guard let network = snapshot.loadBalancers[namespace] else { return }
        guard let readAt = network.readAt, readAt.duration(to: now) <= maximumAge else {
            skippedForAge += 1
            // Old news cannot confirm anything, and the drains seen meanwhile stay counted.
            return
        }
        var views: [SwarmSnapshot.View: SwarmSnapshot.LoadBalancer] = [.network: network]
        var ages: [SwarmSnapshot.View: Duration] = [.network: readAt.duration(to: now)]
        if let tasks = snapshot.managerLoadBalancers[namespace] {
            hadTasksView = true
            if let tasksReadAt = tasks.readAt, tasksReadAt.duration(to: now) <= maximumAge {
                views[.tasks] = tasks
                ages[.tasks] = tasksReadAt.duration(to: now)
            } else {
                skippedTasksViewForAge += 1
            }
        }
        let report = MeshConsistency.check(kernel: kernel(), views: views, memories: &memories, now: now)
        MeshConsistencyMetrics.record(report, ages: ages, into: &sink)
    }
}
