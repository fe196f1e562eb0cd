public import SwarmDiscovery

/// The rules that compare one load balancer in the kernel with Docker's view of it (pure).
///
/// - A backend at weight 0 is **draining**, whatever the view says. Swarm sets weight 0 when a task
///   starts to shut down and deletes the backend once the task is gone; the backend gets no new
///   connections meanwhile, so it cannot eat traffic. A drain that never ends is the failure to
///   watch, and its length (as this exporter saw it) is reported, not a verdict.
/// - A backend with a weight above 0 whose address is no task of its service in the view is
///   **stale**: the reported Swarm bug, a backend left at weight 1 after its task died.
/// - A task the view lists for a service, and expects to have a backend (`Task.expectsBackend`:
///   always in the network view, only a running task in the tasks view), whose address the
///   service's backends lack is **missing**: the mesh is not programmed for it on this node. A
///   task listed but not expected to have a backend yet (starting) still makes its address known,
///   so its backend, if there is one already, is not stale.
/// - A firewall-mark service no Swarm service claims is **unclaimed** (a leftover), and a Swarm
///   service with a mark but no IPVS service here is **unprogrammed**.
///
/// The kernel is read at each scrape; the view is read every refresh. A task that started after
/// the view was read looks stale, and one removed since looks missing, until the next refresh. So a
/// disagreement counts only once a view read **after** this exporter first saw it still shows it
/// (`MeshMemory` keeps the first-seen times): a real one is confirmed within one refresh, and one
/// that the next view explains is never reported.
public enum MeshConsistency {
    /// - Parameter source: which view `view` is; the findings are said to be found by it.
    public static func check(kernel: KernelLoadBalancer, view: SwarmSnapshot.LoadBalancer, from source: SwarmSnapshot.View = .network,
                             memory: inout MeshMemory, now: ContinuousClock.Instant) -> MeshReport {
        let claimed = view.serviceByFirewallMark
        // Each service's tasks by address, built once: both passes below look tasks up by address.
        // Of two tasks with one address, the one expected to have a backend counts.
        var tasksByService: [String: [String: SwarmSnapshot.Task]] = [:]
        for task in view.tasks {
            if let known = tasksByService[task.service]?[task.address], known.expectsBackend || !task.expectsBackend { continue }
            tasksByService[task.service, default: [:]][task.address] = task
        }

        // What disagrees now, before weighing it against the time the view was read.
        var seen: Set<MeshFinding> = []
        var drains: Set<MeshMemory.DrainKey> = []
        for (mark, name) in claimed {
            let listed = tasksByService[name] ?? [:]
            guard let backends = kernel.backendsByFirewallMark[mark] else {
                seen.insert(.unprogrammedService(service: name, fwmark: mark))
                for (address, task) in listed where task.expectsBackend { seen.insert(.missingBackend(service: name, fwmark: mark, address: address)) }
                continue
            }
            for backend in backends {
                if backend.weight == 0 {
                    drains.insert(.init(fwmark: mark, address: backend.address))
                } else if listed[backend.address] == nil {
                    seen.insert(.staleBackend(service: name, fwmark: mark, address: backend.address))
                }
            }
            let programmed = Set(backends.map(\.address))
            for (address, task) in listed where task.expectsBackend && !programmed.contains(address) {
                seen.insert(.missingBackend(service: name, fwmark: mark, address: address))
            }
        }
        for mark in kernel.backendsByFirewallMark.keys where claimed[mark] == nil { seen.insert(.unclaimedMark(mark)) }
        for service in kernel.addressedServices { seen.insert(.unclaimedAddress(service)) }

        memory.observe(findings: seen, drains: drains, at: now)
        func confirmed(_ finding: MeshFinding) -> Bool {
            guard let readAt = view.readAt, let since = memory.findingsSince[finding] else { return false }
            return since < readAt
        }

        var services: [MeshReport.Service] = []
        for (mark, name) in claimed {
            let taskAt = tasksByService[name] ?? [:]
            let backends = (kernel.backendsByFirewallMark[mark] ?? []).map { backend -> MeshReport.Backend in
                let task = taskAt[backend.address]
                let state: MeshReport.Backend.State
                if backend.weight == 0 {
                    let since = memory.drainsSince[.init(fwmark: mark, address: backend.address)] ?? now
                    state = .draining(age: since.duration(to: now), listed: task != nil)
                } else if task != nil {
                    state = .serving
                } else {
                    state = confirmed(.staleBackend(service: name, fwmark: mark, address: backend.address)) ? .stale : .unconfirmed
                }
                return .init(address: backend.address, weight: backend.weight, task: task, state: state)
            }
            services.append(.init(
                name: name, fwmark: mark, programmed: kernel.backendsByFirewallMark[mark] != nil,
                backends: backends,
                missing: AddressOrder.sorted(taskAt.values.filter { confirmed(.missingBackend(service: name, fwmark: mark, address: $0.address)) }, by: \.address),
                listedTasks: taskAt.count))
        }
        services.sort { ($0.name, $0.fwmark) < ($1.name, $1.fwmark) }

        var unclaimed: [MeshReport.UnclaimedService] = []
        for (mark, backends) in kernel.backendsByFirewallMark where claimed[mark] == nil && confirmed(.unclaimedMark(mark)) {
            unclaimed.append(.init(description: "FWM \(mark)", fwmark: mark, backends: backends.count))
        }
        unclaimed.sort { ($0.fwmark ?? 0) < ($1.fwmark ?? 0) }
        for service in kernel.addressedServices where confirmed(.unclaimedAddress(service)) {
            unclaimed.append(.init(description: service, fwmark: nil, backends: 0))
        }

        let findings = seen.filter(confirmed).sorted { $0.order.lexicographicallyPrecedes($1.order) }
        return MeshReport(services: services, unclaimed: unclaimed, findings: findings,
                          foundBy: Dictionary(uniqueKeysWithValues: findings.map { ($0, [source]) }))
    }
}

extension MeshFinding {
    /// Kind, then service, mark and address: the order of the info series and of inspect's list.
    var order: [String] {
        func number(_ mark: UInt32) -> String { let text = String(mark); return String(repeating: "0", count: 10 - text.count) + text }
        return switch self {
        case .staleBackend(let service, let mark, let address): [kind, service, number(mark), AddressOrder.key(address)]
        case .missingBackend(let service, let mark, let address): [kind, service, number(mark), AddressOrder.key(address)]
        case .unclaimedMark(let mark): [kind, "", number(mark), ""]
        case .unclaimedAddress(let service): [kind, "", "", service]
        case .unprogrammedService(let service, let mark): [kind, service, number(mark), ""]
        }
    }
}
