public import SwarmDiscovery

extension MeshConsistency {
    /// Compares the kernel with every view of the load balancer given, and merges the verdicts.
    ///
    /// Each view is checked alone with its own memory (`memories[view]`), so a disagreement is
    /// confirmed by a read of *that* view after it was first seen. A backend or task counts as
    /// stale or missing when either view confirms it, once (`MeshReport.foundBy` says which). A
    /// worker has only the network view, and gets exactly that view's report.
    ///
    /// The merged report's drains and their ages are the first view's (the network view's when it
    /// is given): they come from the kernel alone, and are counted once.
    public static func check(kernel: KernelLoadBalancer, views: [SwarmSnapshot.View: SwarmSnapshot.LoadBalancer],
                             memories: inout [SwarmSnapshot.View: MeshMemory], now: ContinuousClock.Instant) -> MeshReport {
        var merged: MeshReport?
        for (source, view) in views.sorted(by: { $0.key < $1.key }) {
            var memory = memories[source] ?? MeshMemory()
            let report = check(kernel: kernel, view: view, from: source, memory: &memory, now: now)
            memories[source] = memory
            merged = merged.map { $0.merging(report) } ?? report
        }
        return merged ?? MeshReport(services: [], unclaimed: [], findings: [])
    }
}

extension MeshReport {
    /// This report with `other`'s verdicts on the same kernel reading added: stale or missing when
    /// either says so; drains, tasks and counts of this one first.
    func merging(_ other: MeshReport) -> MeshReport {
        var result = self
        let others = Dictionary(other.services.map { ("\($0.fwmark)/\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
        var matched: Set<String> = []
        for index in result.services.indices {
            let key = "\(result.services[index].fwmark)/\(result.services[index].name)"
            guard let theirs = others[key] else { continue }
            matched.insert(key)
            result.services[index].merge(theirs)
        }
        result.services += other.services.filter { !matched.contains("\($0.fwmark)/\($0.name)") }
        result.services.sort { ($0.name, $0.fwmark) < ($1.name, $1.fwmark) }

        let known = Set(result.unclaimed.map(\.description))
        result.unclaimed += other.unclaimed.filter { !known.contains($0.description) }
        result.unclaimed.sort { ($0.fwmark == nil ? 1 : 0, $0.fwmark ?? 0, $0.description) < ($1.fwmark == nil ? 1 : 0, $1.fwmark ?? 0, $1.description) }

        for finding in other.findings {
            result.foundBy[finding, default: []].formUnion(other.foundBy[finding] ?? [])
        }
        result.findings = Set(findings + other.findings).sorted { $0.order.lexicographicallyPrecedes($1.order) }
        return result
    }
}

extension MeshReport.Service {
    /// Adds another view's verdicts on the same service and kernel reading.
    mutating func merge(_ other: MeshReport.Service) {
        var theirs: [String: MeshReport.Backend] = [:]
        for backend in other.backends where theirs[backend.address] == nil { theirs[backend.address] = backend }
        for index in backends.indices {
            guard let their = theirs[backends[index].address] else { continue }
            backends[index].task = backends[index].task ?? their.task
            backends[index].state = backends[index].state.merged(with: their.state)
        }
        let listed = Set(missing.map(\.address))
        missing = AddressOrder.sorted(missing + other.missing.filter { !listed.contains($0.address) }, by: \.address)
    }
}

extension MeshReport.Backend.State {
    /// Stale when either view confirms it; not yet in a view when either lacks it unconfirmed.
    /// A drain is the kernel's (weight 0), so both views say it: this one's age counts, and the
    /// task is listed when either view lists it.
    func merged(with other: Self) -> Self {
        switch (self, other) {
        case (.draining(let age, let listed), .draining(_, let otherListed)): .draining(age: age, listed: listed || otherListed)
        case (.draining, _): self
        case (.stale, _), (_, .stale): .stale
        case (.unconfirmed, _), (_, .unconfirmed): .unconfirmed
        default: .serving
        }
    }
}
