import Foundation
import Testing
@testable import Collectors
@testable import SwarmDiscovery

/// A real rolling update under traffic recorded on a manager of a single-node swarm: per step the
/// ingress network's verbose detail, `ipvsadm -Ln` of ingress_sbox, `/tasks` (unfiltered: the
/// builder applies the desired-state filter the exporter asks the server for) and `/services`, and
/// `/nodes` once. Replayed through both views: nothing may be raised, and a bogus backend is found
/// by both.
@Suite struct RollingUpdateManagerReplayTests {
    struct Step {
        var network: SwarmSnapshot.LoadBalancer
        var tasks: SwarmSnapshot.LoadBalancer
        var kernel: KernelLoadBalancer
        var seconds: Double

        func views(network networkStep: Step? = nil, tasks tasksStep: Step? = nil) -> [SwarmSnapshot.View: SwarmSnapshot.LoadBalancer] {
            [.network: (networkStep ?? self).network, .tasks: (tasksStep ?? self).tasks]
        }
    }

    /// - Parameter recording: a directory of Fixtures/ recorded this way.
    static func steps(_ recording: String = "rolling-update-manager") throws -> [Step] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + recording)
        func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent(name))) }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix("-tasks.json") }.sorted()
        var problems: [String] = []
        let nodes = try DockerEngine.nodes(bytes("nodes.json"), problems: &problems)
        let steps = try names.map { name in
            let prefix = String(name.dropLast("-tasks.json".count))
            let seconds = try #require(Double(try String(contentsOf: directory.appendingPathComponent(prefix + "-seconds.txt"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            let detailBytes = try bytes(prefix + "-network.json")
            let id = try #require((try JSONSerialization.jsonObject(with: Data(detailBytes)) as? [String: Any])?["Id"] as? String)
            let detail = try DockerEngine.networkDetail(detailBytes, id: id, problems: &problems)
            let services = try DockerEngine.services(bytes(prefix + "-services.json"), problems: &problems)
            // Docker was asked just before ipvsadm: the views are half a second older than the kernel reading.
            let readAt = MeshConsistencyTests.at(seconds + 99.5)
            let snapshot = SwarmSnapshotBuilder.build(networks: [detail], services: services, readAt: [id: readAt])
            let answers = ManagerAnswers(tasks: try DockerEngine.tasks(bytes(prefix + "-tasks.json"), problems: &problems),
                                         services: services, nodes: nodes, readAt: readAt)
            let tasks = SwarmSnapshotBuilder.tasksViews(networkViews: snapshot.loadBalancers, labelByNetworkID: [id: "ingress_sbox"], answers: answers)
            let kernel = try IPVSAdmListing.parse(try String(contentsOf: directory.appendingPathComponent(prefix + "-ipvsadm.txt"), encoding: .utf8))
            return Step(network: try #require(snapshot.loadBalancers["ingress_sbox"]), tasks: try #require(tasks["ingress_sbox"]),
                        kernel: kernel, seconds: seconds + 100)
        }
        #expect(problems == [])
        return steps
    }

    @Test func theRecordedUpdateRaisesNothingInEitherView() throws {
        let steps = try Self.steps()
        #expect(steps.count >= 10, "the recorded sequence is there")
        var memories: [SwarmSnapshot.View: MeshMemory] = [:]
        var drainingSeen = 0, notYetExpected = 0
        for (index, step) in steps.enumerated() {
            let report = MeshConsistency.check(kernel: step.kernel, views: step.views(), memories: &memories, now: MeshConsistencyTests.at(step.seconds))
            #expect(report.isConsistent, "step \(index): \(report.findings.map { "\($0) [\(report.viewLabel(of: $0))]" })")
            drainingSeen += report.services.reduce(0) { $0 + $1.drainingCount }
            notYetExpected += step.tasks.tasks.count { !$0.expectsBackend }
        }
        #expect(drainingSeen > 0, "the old tasks were recorded at weight 0")
        #expect(notYetExpected > 0, "the recording has tasks desired running that are not running yet")
    }

    @Test func theTasksViewOneStepBehindRaisesNothingEither() throws {
        // The exporter's case on a manager: the kernel read at the scrape, the views from refreshes before.
        let steps = try Self.steps()
        for networkBehind in [false, true] {
            var memories: [SwarmSnapshot.View: MeshMemory] = [:]
            for index in steps.indices.dropFirst() {
                let views = steps[index].views(network: networkBehind ? steps[index - 1] : nil, tasks: steps[index - 1])
                let report = MeshConsistency.check(kernel: steps[index].kernel, views: views, memories: &memories,
                                                   now: MeshConsistencyTests.at(steps[index].seconds))
                #expect(report.isConsistent, "step \(index), tasks view of step \(index - 1), network view one behind \(networkBehind): \(report.findings.map { "\($0) [\(report.viewLabel(of: $0))]" })")
            }
        }
    }

    @Test func aBogusBackendAddedMidwayIsConfirmedByBothViewsAtTheNextStep() throws {
        let steps = try Self.steps()
        let middle = steps.count / 2
        var memories: [SwarmSnapshot.View: MeshMemory] = [:]
        var confirmedAt: Int?
        var label: String?
        for (index, step) in steps.enumerated() {
            var kernel = step.kernel
            if index >= middle, let mark = step.network.serviceByFirewallMark.keys.first {
                kernel.backendsByFirewallMark[mark, default: []].append(.init(address: "10.0.0.250", weight: 1))
            }
            let report = MeshConsistency.check(kernel: kernel, views: step.views(), memories: &memories, now: MeshConsistencyTests.at(step.seconds))
            if confirmedAt == nil, let finding = report.findings.first(where: { if case .staleBackend(_, _, "10.0.0.250") = $0 { true } else { false } }) {
                confirmedAt = index
                label = report.viewLabel(of: finding)
            }
        }
        #expect(confirmedAt == middle + 1, "seen at step \(middle), confirmed by the views read at the next step")
        #expect(label == "network+tasks")
    }
}
