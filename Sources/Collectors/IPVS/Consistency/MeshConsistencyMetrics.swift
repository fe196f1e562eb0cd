import ExporterCore
import SwarmDiscovery

/// The families of the mesh consistency check (collector `ipvs`, when the Docker Engine API is
/// read). A healthy service costs four series per load balancer; the info series exist only for
/// what is wrong.
enum MeshConsistencyMetrics {
    static let perService = ["service", "fwmark"]

    static let staleBackends = MetricDescriptor.gauge(
        "ipvs_swarm_stale_backends",
        "Backends with a weight above 0 whose address is no task of the service in Docker's view (confirmed by a view read after the exporter first saw them): they take new connections nobody answers.",
        labels: perService)
    static let missingBackends = MetricDescriptor.gauge(
        "ipvs_swarm_missing_backends",
        "Tasks Docker lists for the service on this load balancer that have no IPVS backend here (confirmed as above): the mesh is not programmed for them on this node.",
        labels: perService)
    static let drainingBackends = MetricDescriptor.gauge(
        "ipvs_swarm_draining_backends",
        "Backends of the service at weight 0 (Swarm takes a task out this way before removing it).",
        labels: perService)
    static let longestDrain = MetricDescriptor.gauge(
        "ipvs_swarm_longest_drain_seconds",
        "How long the service's longest-draining backend has been at weight 0, as this exporter saw it; 0 when none drains.",
        labels: perService)
    static let unclaimedServices = MetricDescriptor.gauge(
        "ipvs_swarm_unclaimed_services",
        "IPVS services no Swarm service on this network claims (leftover firewall marks, or services with an address and port), confirmed as above.")
    static let unprogrammedServices = MetricDescriptor.gauge(
        "ipvs_swarm_unprogrammed_services",
        "Swarm services with a firewall mark on this network that have no IPVS service here, confirmed as above.")
    static let inconsistencyInfo = MetricDescriptor.gauge(
        "ipvs_swarm_inconsistency_info",
        "Constant 1 per confirmed disagreement with Docker's view, naming it (kind: stale_backend, missing_backend, unclaimed_service, unprogrammed_service) and the view that found it (view: network, tasks, or network+tasks when both did). Absent while the mesh agrees.",
        labels: ["kind", "service", "fwmark", "backend_address", "task", "node", "view"])
    static let viewAge = MetricDescriptor.gauge(
        "ipvs_swarm_view_age_seconds",
        "Age of each of Docker's views this load balancer was compared with (view=\"network\": GET /networks/{id}?verbose=true, the node's network database; view=\"tasks\": GET /tasks, the managers' store, on managers only).",
        labels: ["view"])
    static let skipped = MetricDescriptor.counter(
        "ipvs_swarm_consistency_skipped_total",
        "Scrapes in which this load balancer was not compared with Docker, by reason: no_view (no answer from Docker yet), view_too_old (refreshes of its network failed for longer than three refresh intervals; the consistency series are then absent), tasks_view_too_old (on managers: reads of /tasks failed as long; only the network view was compared).",
        labels: ["reason"])

    /// Declared whenever the exporter reads Docker, so that their absence is visible in the TYPE lines too.
    static let all: [MetricDescriptor] = [
        staleBackends, missingBackends, drainingBackends, longestDrain, unclaimedServices, unprogrammedServices,
        inconsistencyInfo, viewAge, skipped,
    ]

    /// - Parameter ages: the age of each view compared.
    static func record(_ report: MeshReport, ages: [SwarmSnapshot.View: Duration], into sink: inout MetricSink) {
        for service in report.services {
            let labels = [service.name, String(service.fwmark)]
            sink.add(staleBackends, labels, UInt64(service.staleCount))
            sink.add(missingBackends, labels, UInt64(service.missing.count))
            sink.add(drainingBackends, labels, UInt64(service.drainingCount))
            sink.add(longestDrain, labels, service.longestDrain.seconds)
        }
        sink.add(unclaimedServices, [], UInt64(report.unclaimed.count))
        sink.add(unprogrammedServices, [], UInt64(report.unprogrammedCount))
        for (view, age) in ages { sink.add(viewAge, [view.rawValue], age.seconds) }
        var taskAt: [String: SwarmSnapshot.Task] = [:]
        for service in report.services {
            for task in service.missing where taskAt[task.address + "/" + service.name] == nil { taskAt[task.address + "/" + service.name] = task }
        }
        for finding in report.findings {
            let labels: [String]
            switch finding {
            case .staleBackend(let service, let mark, let address):
                labels = [finding.kind, service, String(mark), address, "", ""]
            case .missingBackend(let service, let mark, let address):
                let task = taskAt[address + "/" + service]
                labels = [finding.kind, service, String(mark), address, task?.name ?? "", task?.node ?? ""]
            case .unclaimedMark(let mark):
                labels = [finding.kind, "", String(mark), "", "", ""]
            case .unclaimedAddress(let service):
                labels = [finding.kind, "", "", service, "", ""]
            case .unprogrammedService(let service, let mark):
                labels = [finding.kind, service, String(mark), "", "", ""]
            }
            sink.add(inconsistencyInfo, labels + [report.viewLabel(of: finding)], UInt64(1))
        }
    }
}
