import Foundation
import Testing
@testable import SwarmDiscovery

/// The answers of a real single-node Swarm (a manager) recorded step by step during a rolling
/// update under traffic (Tests/CollectorsTests/Fixtures/rolling-update-manager): per step the
/// ingress network's verbose detail, `/tasks` (unfiltered), `/services`, and once `/nodes`.
enum ManagerRecording {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CollectorsTests/Fixtures/rolling-update-manager")

    /// The recorded steps' prefixes (`001`, `002`, …), in order.
    static func steps() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix("-tasks.json") }
            .map { String($0.dropLast("-tasks.json".count)) }.sorted()
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    /// The ingress network's id as its detail gives it.
    static func ingressID(_ step: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(bytes(step + "-network.json"))) as? [String: Any]
        return try #require(object?["Id"] as? String)
    }

    /// The `/tasks` answer as plain JSON objects, for expectations worked out apart from the reader.
    static func rawTasks(_ step: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes(step + "-tasks.json"))) as? [[String: Any]])
    }

    /// Everything the directory reads at `step`, decoded.
    struct Step {
        var network: DockerEngine.NetworkDetail
        var services: [DockerEngine.Service]
        var answers: ManagerAnswers
    }

    static func step(_ step: String, readAt: ContinuousClock.Instant? = nil) throws -> Step {
        var problems: [String] = []
        let id = try ingressID(step)
        let network = try DockerEngine.networkDetail(bytes(step + "-network.json"), id: id, problems: &problems)
        let services = try DockerEngine.services(bytes(step + "-services.json"), problems: &problems)
        let answers = ManagerAnswers(tasks: try DockerEngine.tasks(bytes(step + "-tasks.json"), problems: &problems),
                                     services: services, nodes: try DockerEngine.nodes(bytes("nodes.json"), problems: &problems), readAt: readAt)
        #expect(problems == [], "the recorded answers read without a dropped entry")
        return Step(network: network, services: services, answers: answers)
    }
}
