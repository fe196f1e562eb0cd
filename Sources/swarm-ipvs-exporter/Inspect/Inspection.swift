import Collectors
import ExporterCore
import Logging
import Netlink
import SwarmDiscovery

/// The work of `inspect`: read each namespace's table, read Docker's view, wait, read again, and
/// judge with the ipvs collector's consistency rules (`MeshConsistency`): a disagreement is shown
/// only when it held at both reads, Docker having been read in between.
struct Inspection {
    let command: InspectCommand

    struct Outcome: Sendable {
        var namespaces: [InspectedNamespace]
        /// Why Docker's view could not be had, if it could not.
        var dockerProblem: String?

        var findingsShown: Bool { namespaces.contains { !$0.findings.isEmpty } }
        var somethingNotCompared: Bool { dockerProblem != nil || namespaces.isEmpty || namespaces.contains { $0.error != nil || $0.notCompared != nil } }

        /// 1 when an inconsistency is shown, else 3 when something could not be compared, else 0.
        var exitStatus: Int32 { findingsShown ? 1 : somethingNotCompared ? 3 : 0 }
    }

    func run() async -> Outcome {
        let filter = command.namespaceFilter.filter
        let targets = NamespaceSelector(patterns: command.namespacePatterns, filter: filter).targets()

        let first = await Self.readTables(targets)
        let directory = DockerSwarmDirectory(host: command.dockerHost, interval: .seconds(1),
                                             refreshTimeout: command.dockerTimeout, logger: Logger(label: "inspect") { _ in SwiftLogNoOpLogHandler() })
        let refreshFailure = await DedicatedThread.run(name: "docker-api") { directory.refreshNow() }
        try? await Task.sleep(for: command.interval)
        let second = await Self.readTables(targets)

        let snapshot = directory.snapshot
        var dockerProblem: String?
        if let refreshFailure {
            dockerProblem = "the Docker Engine API at \(command.dockerHost) failed: \(refreshFailure)"
        } else if snapshot == nil {
            dockerProblem = "no Docker Engine API at \(command.dockerHost): nothing to compare with (run on a Swarm node, or give --docker.host)"
        }

        var namespaces: [InspectedNamespace] = []
        for target in targets {
            var inspected = InspectedNamespace(label: target.label, path: target.path)
            let before = first[target.path], after = second[target.path]
            guard let read = after, read.enterFailure == nil, case .success(let found) = read.table, let table = found else {
                inspected.error = after?.failure ?? before?.failure ?? "not read"
                namespaces.append(inspected)
                continue
            }
            let earlier = before?.tableIfRead
            inspected.elapsed = before.map { $0.at.duration(to: read.at) } ?? .zero
            var report: MeshReport?
            if let view = snapshot?.loadBalancers[target.label], let readAt = view.readAt {
                // The managers' tasks view too where this node is a manager (the exporter's task may run on one).
                var views: [SwarmSnapshot.View: SwarmSnapshot.LoadBalancer] = [.network: view]
                if let tasks = snapshot?.managerLoadBalancers[target.label], let tasksReadAt = tasks.readAt {
                    views[.tasks] = tasks
                    inspected.tasksViewAge = tasksReadAt.duration(to: read.at)
                }
                var memories: [SwarmSnapshot.View: MeshMemory] = [:]
                if let earlier, let then = before?.at {
                    _ = MeshConsistency.check(kernel: KernelLoadBalancer(earlier), views: views, memories: &memories, now: then)
                }
                report = MeshConsistency.check(kernel: KernelLoadBalancer(table), views: views, memories: &memories, now: read.at)
                inspected.viewAge = readAt.duration(to: read.at)
            } else if dockerProblem == nil {
                inspected.notCompared = "Docker lists no Swarm network whose load balancer is \(target.label)"
            }
            InspectionJoin.fill(&inspected, table: table, earlier: earlier,
                                view: snapshot?.loadBalancers[target.label], report: report,
                                services: Set(command.services))
            namespaces.append(inspected)
        }
        return Outcome(namespaces: namespaces, dockerProblem: dockerProblem)
    }

    /// One read of one namespace: its table (nil: no IPVS) or why not, and when.
    struct Read: Sendable {
        var table: Result<IPVSTable?, NetlinkError>
        var at: ContinuousClock.Instant
        var enterFailure: String?

        var tableIfRead: IPVSTable? { if case .success(let table) = table { table } else { nil } }
        var failure: String? {
            if let enterFailure { return enterFailure }
            switch table {
            case .success(nil): return "the kernel has no IPVS here (the ip_vs module is not loaded)"
            case .success: return nil
            case .failure(let error): return "cannot read IPVS: \(error)"
            }
        }
    }

    /// Reads every namespace's table, each on a thread that joins the namespace and then ends.
    static func readTables(_ targets: [NamespaceTarget]) async -> [String: Read] {
        var reads: [String: Read] = [:]
        for target in targets {
            let outcome = await NamespaceThread.run(in: target.path) { _ -> Result<IPVSTable?, NetlinkError> in
                Result { () throws(NetlinkError) -> IPVSTable? in try IPVSClient().table() }
            }
            switch outcome {
            case .success(let table): reads[target.path] = Read(table: table, at: .now)
            case .failure(let failure): reads[target.path] = Read(table: .success(nil), at: .now, enterFailure: "\(failure)")
            }
        }
        return reads
    }
}
