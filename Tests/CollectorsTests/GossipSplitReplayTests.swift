import Foundation
import Testing
@testable import Collectors
@testable import SwarmDiscovery

/// The case the tasks view is for, recorded in a two-node cluster (Fixtures/gossip-split): the
/// manager's gossip ports dropped, then a rolling update, then gossip restored. While split, the
/// manager's network database and its kernel agree with each other and miss node2's task; only the
/// managers' store says it runs.
@Suite struct GossipSplitReplayTests {
    static func phases() throws -> [String] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/gossip-split")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix("-phase.txt") }.sorted().map {
            try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test func onlyTheTasksViewSeesTheTaskTheSplitNodeNeverHeardOf() throws {
        let steps = try RollingUpdateManagerReplayTests.steps("gossip-split")
        let phases = try Self.phases()
        #expect(steps.count == phases.count && steps.count >= 10, "the recorded sequence is there")
        var memories: [SwarmSnapshot.View: MeshMemory] = [:]
        var networkOnly = MeshMemory()
        var foundWhileSplit: Set<String> = []
        for (index, step) in steps.enumerated() {
            let now = MeshConsistencyTests.at(step.seconds)
            let both = MeshConsistency.check(kernel: step.kernel, views: step.views(), memories: &memories, now: now)
            let alone = MeshConsistency.check(kernel: step.kernel, view: step.network, memory: &networkOnly, now: now)
            #expect(alone.isConsistent, "step \(index): the network view agrees with the kernel it programmed: \(alone.findings)")
            if phases[index] != "split" {
                #expect(both.isConsistent, "step \(index) (\(phases[index])): \(both.findings)")
                continue
            }
            for finding in both.findings {
                guard case .missingBackend(_, _, let address) = finding else {
                    Issue.record("step \(index): \(finding) while split")
                    continue
                }
                #expect(both.viewLabel(of: finding) == "tasks", "step \(index)")
                let task = both.services.flatMap(\.missing).first { $0.address == address }
                #expect(task?.node == "192.168.88.2", "the task runs on node2, the node the manager cannot gossip with: \(String(describing: task))")
                foundWhileSplit.insert(address)
            }
        }
        #expect(foundWhileSplit.count >= 2, "node2's task before and after the update: \(foundWhileSplit.sorted())")
    }
}
