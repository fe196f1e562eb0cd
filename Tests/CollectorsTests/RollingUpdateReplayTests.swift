import Foundation
import Testing
@testable import Collectors
@testable import SwarmDiscovery

/// A real rolling update (`docker service update --force`, parallelism 1, under traffic), recorded
/// in the VM swarm by Tests/vm/inside-mesh.sh step by step: Docker's answer for the ingress
/// network, then `ipvsadm -Ln` of ingress_sbox, about a second apart. Replayed through the
/// consistency rules, it must raise nothing, while the old tasks are seen draining.
@Suite struct RollingUpdateReplayTests {
    struct Step {
        var view: SwarmSnapshot.LoadBalancer
        var kernel: KernelLoadBalancer
        var seconds: Double
    }

    static func steps() throws -> [Step] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/rolling-update")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix("-network.json") }.sorted()
        return try names.map { name in
            let prefix = String(name.dropLast("-network.json".count))
            let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            var problems: [String] = []
            let detail = try bytes.withUnsafeBytes { try DockerEngine.networkDetail($0, id: "ingress", problems: &problems) }
            let seconds = Double(try String(contentsOf: directory.appendingPathComponent(prefix + "-seconds.txt"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            // Docker was asked just before ipvsadm: the view is half a second older than the kernel reading.
            let snapshot = SwarmSnapshotBuilder.build(networks: [detail], services: nil,
                                                      readAt: ["ingress": MeshConsistencyTests.at(seconds + 99.5)])
            let kernel = try IPVSAdmListing.parse(try String(contentsOf: directory.appendingPathComponent(prefix + "-ipvsadm.txt"), encoding: .utf8))
            return Step(view: try #require(snapshot.loadBalancers["ingress_sbox"]), kernel: kernel, seconds: seconds + 100)
        }
    }

    @Test func theRecordedUpdateRaisesNothingAndItsOldTasksDrain() throws {
        let steps = try Self.steps()
        #expect(steps.count >= 10, "the recorded sequence is there")
        var memory = MeshMemory()
        var drainingSeen = 0
        var backendsSeen: Set<String> = []
        for (index, step) in steps.enumerated() {
            let report = MeshConsistency.check(kernel: step.kernel, view: step.view, memory: &memory, now: MeshConsistencyTests.at(step.seconds))
            #expect(report.isConsistent, "step \(index): \(report.findings)")
            drainingSeen += report.services.reduce(0) { $0 + $1.drainingCount }
            for service in report.services { backendsSeen.formUnion(service.backends.map(\.address)) }
        }
        #expect(drainingSeen > 0, "the old tasks were recorded at weight 0")
        #expect(backendsSeen.count >= 4, "two old and two new tasks passed through the table: \(backendsSeen.sorted())")
    }

    @Test func aViewOneStepBehindTheKernelRaisesNothingEither() throws {
        // The exporter's case: the kernel read at the scrape, Docker's view from the refresh before.
        let steps = try Self.steps()
        var memory = MeshMemory()
        for index in steps.indices.dropFirst() {
            let report = MeshConsistency.check(kernel: steps[index].kernel, view: steps[index - 1].view, memory: &memory,
                                               now: MeshConsistencyTests.at(steps[index].seconds))
            #expect(report.isConsistent, "step \(index) against the view of step \(index - 1): \(report.findings)")
        }
    }

    @Test func aBogusBackendAddedMidwayIsConfirmedByTheNextView() throws {
        // The replay can fail: the same sequence with a backend no task owns from the middle on.
        let steps = try Self.steps()
        let middle = steps.count / 2
        var memory = MeshMemory()
        var confirmedAt: Int?
        for (index, step) in steps.enumerated() {
            var kernel = step.kernel
            if index >= middle, let mark = step.view.serviceByFirewallMark.keys.first {
                kernel.backendsByFirewallMark[mark, default: []].append(.init(address: "10.0.0.250", weight: 1))
            }
            let report = MeshConsistency.check(kernel: kernel, view: step.view, memory: &memory, now: MeshConsistencyTests.at(step.seconds))
            if confirmedAt == nil, report.findings.contains(where: { if case .staleBackend(_, _, "10.0.0.250") = $0 { true } else { false } }) {
                confirmedAt = index
            }
        }
        #expect(confirmedAt == middle + 1, "seen at step \(middle), confirmed by the view read at the next step")
    }
}
