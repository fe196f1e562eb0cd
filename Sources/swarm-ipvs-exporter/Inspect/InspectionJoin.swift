import ExporterCore
import Collectors
import Netlink
import SwarmDiscovery

/// Joins one namespace's kernel table with Docker's names and the consistency report, service by
/// service, for both renderings of `inspect`.
enum InspectionJoin {
    static func fill(_ inspected: inout InspectedNamespace, table: IPVSTable, earlier: IPVSTable?,
                     view: SwarmSnapshot.LoadBalancer?, report: MeshReport?, services wanted: Set<String>) {
        let reported = Dictionary((report?.services ?? []).map { ($0.fwmark, $0) }, uniquingKeysWith: { first, _ in first })
        let unclaimed = Set((report?.unclaimed ?? []).map(\.description))
        var shown: [InspectedNamespace.Service] = []
        for entry in table.entries {
            let service = entry.service
            let kernelName = service.firewallMark.map { "FWM \($0)" } ?? KernelLoadBalancer.describe(service)
            let name = service.firewallMark.flatMap { view?.serviceByFirewallMark[$0] }
            if !wanted.isEmpty, !wanted.contains(name ?? "") { continue }
            let before = earlier?.entries.first { $0.service.sameIdentity(as: service) }
            let elapsed = inspected.elapsed
            let states = service.firewallMark.flatMap { reported[$0] }
            let backends = AddressOrder.sorted(entry.destinations.map { destination -> InspectedNamespace.Backend in
                let previous = before?.destinations.first { $0.address == destination.address && $0.port == destination.port }
                let judged = states?.backends.first { $0.address == destination.address.description }
                return .init(address: destination.address.description, port: destination.port, weight: destination.weight,
                             activeConnections: destination.activeConnections, inactiveConnections: destination.inactiveConnections,
                             counters: .init(destination.statistics, before: previous?.statistics, over: elapsed),
                             task: judged?.task, state: judged?.state)
            }, by: \.address)
            shown.append(.init(
                kernelName: kernelName, fwmark: service.firewallMark, swarmName: name,
                virtualIP: service.firewallMark.flatMap { view?.virtualIPByFirewallMark[$0] },
                publishedPorts: (view?.publishedPorts ?? []).filter { $0.fwmark == service.firewallMark },
                scheduler: service.scheduler, programmed: true, unclaimed: unclaimed.contains(kernelName),
                counters: .init(service.statistics, before: before?.service.statistics, over: elapsed),
                backends: backends, missing: states?.missing ?? []))
        }
        // Swarm services with no IPVS service here: shown where their mark would be.
        for service in report?.services ?? [] where !service.programmed {
            if !wanted.isEmpty, !wanted.contains(service.name) { continue }
            shown.append(.init(
                kernelName: "FWM \(service.fwmark)", fwmark: service.fwmark, swarmName: service.name,
                virtualIP: view?.virtualIPByFirewallMark[service.fwmark],
                publishedPorts: (view?.publishedPorts ?? []).filter { $0.fwmark == service.fwmark },
                scheduler: nil, programmed: false, unclaimed: false, counters: nil, backends: [], missing: service.missing))
        }
        shown.sort { ($0.fwmark ?? .max, $0.kernelName) < ($1.fwmark ?? .max, $1.kernelName) }
        inspected.services = shown
        inspected.findings = (report?.findings ?? []).filter { finding in
            guard !wanted.isEmpty else { return true }
            return finding.service.map(wanted.contains) ?? false
        }
        if let report {
            inspected.foundBy = Dictionary(uniqueKeysWithValues: inspected.findings.map { ($0, report.viewLabel(of: $0)) })
        }
    }
}

extension IPVSService {
    /// The same virtual service: family, and mark or protocol, address and port.
    func sameIdentity(as other: IPVSService) -> Bool {
        family == other.family && firewallMark == other.firewallMark && protocolNumber == other.protocolNumber
            && address == other.address && port == other.port
    }
}

extension MeshFinding {
    /// The Swarm service a finding is about, if it is about one.
    var service: String? {
        switch self {
        case .staleBackend(let service, _, _), .missingBackend(let service, _, _), .unprogrammedService(let service, _): service
        case .unclaimedMark, .unclaimedAddress: nil
        }
    }
}
