import ExporterCore
import Collectors
import Netlink
import SwarmDiscovery

/// What `inspect` found in one namespace, ready to print: the kernel's services as the second read
/// saw them, joined with Docker's names and the consistency marks.
struct InspectedNamespace: Sendable {
    struct Counters: Sendable {
        var connections: UInt64
        var incomingPackets: UInt64
        var outgoingPackets: UInt64
        var incomingBytes: UInt64
        var outgoingBytes: UInt64
        /// New connections per second between the two reads.
        var connectionsPerSecond: Double

        init(_ now: IPVSStatistics, before: IPVSStatistics?, over elapsed: Duration) {
            connections = now.connections
            incomingPackets = now.incomingPackets
            outgoingPackets = now.outgoingPackets
            incomingBytes = now.incomingBytes
            outgoingBytes = now.outgoingBytes
            let seconds = elapsed.seconds
            let delta = before.map { now.connections >= $0.connections ? now.connections - $0.connections : 0 } ?? 0
            connectionsPerSecond = seconds > 0 ? Double(delta) / seconds : 0
        }
    }

    struct Backend: Sendable {
        var address: String
        var port: UInt16
        var weight: Int32
        var activeConnections: UInt32
        var inactiveConnections: UInt32
        var counters: Counters
        var task: SwarmSnapshot.Task?
        /// nil for a service no Swarm service claims, or when nothing was compared.
        var state: MeshReport.Backend.State?
    }

    struct Service: Sendable {
        /// `FWM 257` or `TCP 10.0.0.1:80`, as ipvsadm names it.
        var kernelName: String
        var fwmark: UInt32?
        var swarmName: String?
        var virtualIP: String?
        var publishedPorts: [SwarmSnapshot.PublishedPort]
        var scheduler: String?
        /// False for a Swarm service that has no IPVS service here.
        var programmed: Bool
        /// Shown as UNCLAIMED: confirmed as claimed by no Swarm service.
        var unclaimed: Bool
        var counters: Counters?
        var backends: [Backend]
        var missing: [SwarmSnapshot.Task]
    }

    var label: String
    var path: String
    /// Why the namespace could not be read; nothing else is set then.
    var error: String?
    /// Why it was not compared with Docker (no view of its network), when it was not.
    var notCompared: String?
    /// Age of the network view compared (nil: not compared).
    var viewAge: Duration?
    /// Age of the managers' tasks view compared besides (nil: not a manager, or not compared).
    var tasksViewAge: Duration?
    var elapsed: Duration = .zero
    var services: [Service] = []
    var findings: [MeshFinding] = []
    /// The views that found each finding: `network`, `tasks` or `network+tasks`.
    var foundBy: [MeshFinding: String] = [:]

    /// The views compared, in order.
    var viewsCompared: [SwarmSnapshot.View] {
        (viewAge == nil ? [] : [.network]) + (tasksViewAge == nil ? [] : [.tasks])
    }
}
