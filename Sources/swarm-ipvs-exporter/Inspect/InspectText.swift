import ExporterCore
import Collectors
import SwarmDiscovery

/// `inspect`'s table for a terminal: per namespace, each service and under it its backends.
enum InspectText {
    static func render(_ outcome: Inspection.Outcome) -> String {
        var out = ""
        if let problem = outcome.dockerProblem { out += "NOT COMPARED: \(problem)\n" }
        if outcome.namespaces.isEmpty { out += "No namespace matched the --namespace-path patterns (and include/exclude).\n" }
        for namespace in outcome.namespaces {
            out += "\n\(namespace.label)  (\(namespace.path))\n"
            if let error = namespace.error {
                out += "  CANNOT READ: \(error)\n"
                continue
            }
            if let note = namespace.notCompared { out += "  NOT COMPARED: \(note)\n" }
            if let age = namespace.viewAge {
                out += "  compared with Docker's network view read \(format(age.seconds, digits: 1))s before the second read, \(format(namespace.elapsed.seconds, digits: 1))s after the first\n"
            }
            if let age = namespace.tasksViewAge {
                out += "  and with the managers' tasks view read \(format(age.seconds, digits: 1))s before the second read\n"
            }
            if namespace.services.isEmpty { out += "  (no IPVS service)\n" }
            for service in namespace.services { out += render(service, foundBy: namespace.foundBy) }
            if namespace.viewAge != nil {
                out += namespace.findings.isEmpty
                    ? "  consistent: every backend is a task of its service, every task has a backend, every mark is claimed\n"
                    : "  \(namespace.findings.count) inconsistenc\(namespace.findings.count == 1 ? "y" : "ies"): \(namespace.findings.map { describe($0) + viewNote(namespace.foundBy[$0]) }.joined(separator: "; "))\n"
            }
        }
        return out
    }

    private static func render(_ service: InspectedNamespace.Service, foundBy: [MeshFinding: String]) -> String {
        var head = "  \(service.kernelName)"
        head += "  " + (service.swarmName ?? "(no Swarm service)")
        if let address = service.virtualIP { head += "  VIP \(address)" }
        for port in service.publishedPorts {
            head += "  published \(port.protocolName.isEmpty ? "" : port.protocolName + "/")\(port.publishedPort)->\(port.targetPort)"
        }
        if let scheduler = service.scheduler { head += "  \(scheduler)" }
        if let counters = service.counters {
            head += "  conns \(counters.connections)  new/s \(format(counters.connectionsPerSecond, digits: 1))"
        }
        if !service.programmed { head += "  UNPROGRAMMED (no IPVS service here)" }
        if service.unclaimed { head += "  UNCLAIMED" }
        var lines = [head]
        var rows: [[String]] = [["ADDRESS", "WEIGHT", "ACTIVE", "INACTIVE", "CONNS", "NEW/S", "TASK", "NODE", ""]]
        for backend in service.backends {
            rows.append([
                backend.port == 0 ? backend.address : "\(backend.address):\(backend.port)", String(backend.weight),
                String(backend.activeConnections), String(backend.inactiveConnections), String(backend.counters.connections),
                format(backend.counters.connectionsPerSecond, digits: 1), backend.task?.name ?? "-", backend.task?.node ?? "-",
                mark(backend.state, foundBy: service.swarmName.flatMap { name in
                    service.fwmark.flatMap { foundBy[.staleBackend(service: name, fwmark: $0, address: backend.address)] }
                }),
            ])
        }
        for task in service.missing {
            let view = service.fwmark.flatMap { foundBy[.missingBackend(service: task.service, fwmark: $0, address: task.address)] }
            rows.append([task.address, "-", "-", "-", "-", "-", task.name, task.node, "MISSING (\(view.map { $0 + ": " } ?? "")no backend for this task)"])
        }
        if rows.count > 1 { lines += table(rows).map { "    " + $0 } }
        return lines.joined(separator: "\n") + "\n"
    }

    /// - Parameter foundBy: the views that found a stale backend (`tasks`, …), shown with the mark.
    static func mark(_ state: MeshReport.Backend.State?, foundBy: String? = nil) -> String {
        switch state {
        case .stale: "STALE (\(foundBy.map { $0 + ": " } ?? "")no task of the service has this address)"
        case .draining(let age, let listed): "DRAINING \(format(age.seconds, digits: 0))s" + (listed ? "" : " (its task is gone from Docker's view)")
        case .unconfirmed: "(not in Docker's view yet)"
        case .serving, nil: ""
        }
    }

    /// ` [tasks]`: which views found a finding, after its description.
    static func viewNote(_ views: String?) -> String {
        views.map { " [\($0)]" } ?? ""
    }

    static func describe(_ finding: MeshFinding) -> String {
        switch finding {
        case .staleBackend(let service, let mark, let address): "STALE \(address) in \(service) (FWM \(mark))"
        case .missingBackend(let service, let mark, let address): "MISSING \(address) in \(service) (FWM \(mark))"
        case .unclaimedMark(let mark): "UNCLAIMED FWM \(mark)"
        case .unclaimedAddress(let service): "UNCLAIMED \(service)"
        case .unprogrammedService(let service, let mark): "UNPROGRAMMED \(service) (FWM \(mark))"
        }
    }

    /// Left-aligned columns two spaces apart; trailing blanks trimmed.
    private static func table(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                line += cell + String(repeating: " ", count: column == row.count - 1 ? 0 : widths[column] - cell.count + 2)
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    static func format(_ value: Double, digits: Int) -> String {
        let scale = digits == 0 ? 1.0 : digits == 1 ? 10.0 : 100.0
        let rounded = (value * scale).rounded() / scale
        if digits == 0 { return String(Int64(rounded)) }
        let whole = Int64(rounded.rounded(.towardZero))
        let fraction = Int64(((abs(rounded) - Double(abs(whole))) * scale).rounded())
        let padded = String(fraction).count < digits ? String(repeating: "0", count: digits - String(fraction).count) + String(fraction) : String(fraction)
        return "\(rounded < 0 && whole == 0 ? "-" : "")\(whole).\(padded)"
    }
}
