import ExporterCore
import Collectors
import SwarmDiscovery

/// `inspect --json`: the same as the table, as one document. Counters are the kernel's exact
/// values (as `ipvsadm -Ln --stats --exact` prints them), taken at the second read.
enum InspectJSON {
    static func render(_ outcome: Inspection.Outcome) -> String {
        JSONValue.object([
            // null: nothing could be compared, so no verdict either way.
            ("consistent", outcome.findingsShown ? .bool(false) : outcome.somethingNotCompared ? .null : .bool(true)),
            ("exit_status", .integer(Int64(outcome.exitStatus))),
            ("docker_problem", .optional(outcome.dockerProblem)),
            // Every view any namespace was compared with: ["network"] on a worker, ["network", "tasks"] on a manager.
            ("views_compared", .array(Set(outcome.namespaces.flatMap(\.viewsCompared)).sorted().map { .string($0.rawValue) })),
            ("namespaces", .array(outcome.namespaces.map(namespace))),
        ]).text + "\n"
    }

    private static func namespace(_ namespace: InspectedNamespace) -> JSONValue {
        .object([
            ("netns", .string(namespace.label)),
            ("path", .string(namespace.path)),
            ("error", .optional(namespace.error)),
            ("not_compared", .optional(namespace.notCompared)),
            ("view", namespace.viewAge.map { .object([("source", .string("network")), ("age_seconds", .number($0.seconds))]) } ?? .null),
            ("tasks_view", namespace.tasksViewAge.map { .object([("source", .string("tasks")), ("age_seconds", .number($0.seconds))]) } ?? .null),
            ("interval_seconds", .number(namespace.elapsed.seconds)),
            ("services", .array(namespace.services.map(service))),
            ("findings", .array(namespace.findings.map { finding($0, view: namespace.foundBy[$0]) })),
        ])
    }

    private static func service(_ service: InspectedNamespace.Service) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("kernel_name", .string(service.kernelName)),
            ("fwmark", service.fwmark.map { .unsigned(UInt64($0)) } ?? .null),
            ("service", .optional(service.swarmName)),
            ("virtual_ip", .optional(service.virtualIP)),
            ("published_ports", .array(service.publishedPorts.map { port in
                .object([("protocol", .string(port.protocolName)), ("published_port", .unsigned(UInt64(port.publishedPort))),
                         ("target_port", .unsigned(UInt64(port.targetPort)))])
            })),
            ("scheduler", .optional(service.scheduler)),
            ("programmed", .bool(service.programmed)),
            ("unclaimed", .bool(service.unclaimed)),
        ]
        members += counters(service.counters)
        members.append(("backends", .array(service.backends.map(backend))))
        members.append(("missing", .array(service.missing.map { task in
            .object([("address", .string(task.address)), ("task", .string(task.name)), ("node", .string(task.node))])
        })))
        return .object(members)
    }

    private static func backend(_ backend: InspectedNamespace.Backend) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("address", .string(backend.address)),
            ("port", .unsigned(UInt64(backend.port))),
            ("weight", .integer(Int64(backend.weight))),
            ("active_connections", .unsigned(UInt64(backend.activeConnections))),
            ("inactive_connections", .unsigned(UInt64(backend.inactiveConnections))),
        ]
        members += counters(backend.counters)
        members += [
            ("task", .optional(backend.task?.name)),
            ("node", .optional(backend.task?.node)),
            ("state", .optional(state(backend.state))),
        ]
        if case .draining(let age, let listed)? = backend.state {
            members += [("draining_seconds", .number(age.seconds)), ("task_listed", .bool(listed))]
        }
        return .object(members)
    }

    private static func counters(_ counters: InspectedNamespace.Counters?) -> [(String, JSONValue)] {
        guard let counters else { return [] }
        return [
            ("connections", .unsigned(counters.connections)),
            ("incoming_packets", .unsigned(counters.incomingPackets)),
            ("outgoing_packets", .unsigned(counters.outgoingPackets)),
            ("incoming_bytes", .unsigned(counters.incomingBytes)),
            ("outgoing_bytes", .unsigned(counters.outgoingBytes)),
            ("connections_per_second", .number(counters.connectionsPerSecond)),
        ]
    }

    static func state(_ state: MeshReport.Backend.State?) -> String? {
        switch state {
        case .serving: "serving"
        case .draining: "draining"
        case .stale: "stale"
        case .unconfirmed: "unconfirmed"
        case nil: nil
        }
    }

    private static func finding(_ finding: MeshFinding, view: String?) -> JSONValue {
        var members: [(String, JSONValue)] = [("kind", .string(finding.kind))]
        switch finding {
        case .staleBackend(let service, let mark, let address), .missingBackend(let service, let mark, let address):
            members += [("service", .string(service)), ("fwmark", .unsigned(UInt64(mark))), ("backend_address", .string(address))]
        case .unclaimedMark(let mark): members.append(("fwmark", .unsigned(UInt64(mark))))
        case .unclaimedAddress(let service): members.append(("kernel_name", .string(service)))
        case .unprogrammedService(let service, let mark): members += [("service", .string(service)), ("fwmark", .unsigned(UInt64(mark)))]
        }
        // Which views found it: network, tasks or network+tasks (the metrics' view label).
        members.append(("view", .optional(view)))
        return .object(members)
    }
}
