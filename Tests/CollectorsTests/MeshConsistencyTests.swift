import ExporterCore
import Foundation
import Netlink
import Testing
@testable import Collectors
@testable import SwarmDiscovery

/// The consistency rules (`MeshConsistency`): what is stale, missing, draining, unclaimed and
/// unprogrammed, and the timing rule that keeps a view older than the kernel reading from
/// raising anything.
@Suite struct MeshConsistencyTests {
    static let start = ContinuousClock.now
    static func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }

    static func view(_ tasks: [String], service: String = "web", mark: UInt32 = 256, readAt: Double?) -> SwarmSnapshot.LoadBalancer {
        var view = SwarmSnapshot.LoadBalancer()
        view.serviceByFirewallMark = [mark: service]
        view.tasks = tasks.enumerated().map { .init(service: service, address: $1, name: "\(service).\($0 + 1).t\($0)", node: "192.168.77.1") }
        view.readAt = readAt.map(at)
        return view
    }

    static func kernel(_ backends: [(String, Int32)], mark: UInt32 = 256) -> KernelLoadBalancer {
        KernelLoadBalancer(backendsByFirewallMark: [mark: backends.map { .init(address: $0.0, weight: $0.1) }])
    }

    static func state(_ report: MeshReport, _ address: String) -> MeshReport.Backend.State? {
        report.services.first?.backends.first { $0.address == address }?.state
    }

    @Test func aBackendNoTaskOwnsIsStaleOnceAViewReadAfterItWasSeenStillLacksIt() {
        var memory = MeshMemory()
        let kernel = Self.kernel([("10.0.0.4", 1), ("10.0.0.5", 1), ("10.0.0.250", 1)])
        // Seen at 10 s; the view was read at 8 s: it may simply be older than the backend.
        let first = MeshConsistency.check(kernel: kernel, view: Self.view(["10.0.0.4", "10.0.0.5"], readAt: 8), memory: &memory, now: Self.at(10))
        #expect(first.isConsistent)
        #expect(Self.state(first, "10.0.0.250") == .unconfirmed)
        // A view read at 12 s still lacks it: stale.
        let second = MeshConsistency.check(kernel: kernel, view: Self.view(["10.0.0.4", "10.0.0.5"], readAt: 12), memory: &memory, now: Self.at(14))
        #expect(second.findings == [.staleBackend(service: "web", fwmark: 256, address: "10.0.0.250")])
        #expect(second.services.first?.staleCount == 1)
        #expect(Self.state(second, "10.0.0.4") == .serving)
    }

    @Test func aTaskThatStartedAfterTheViewWasReadIsNeverReported() {
        var memory = MeshMemory()
        let kernel = Self.kernel([("10.0.0.4", 1), ("10.0.0.9", 1)])
        let first = MeshConsistency.check(kernel: kernel, view: Self.view(["10.0.0.4"], readAt: 8), memory: &memory, now: Self.at(10))
        let second = MeshConsistency.check(kernel: kernel, view: Self.view(["10.0.0.4", "10.0.0.9"], readAt: 12), memory: &memory, now: Self.at(14))
        #expect(first.isConsistent && second.isConsistent)
        #expect(Self.state(second, "10.0.0.9") == .serving)
    }

    @Test func aTaskWithoutABackendIsMissingOnlyWhenALaterViewStillListsIt() {
        // Removed from the kernel at 9 s, and from Docker's next view: never reported.
        var memory = MeshMemory()
        let kernel = Self.kernel([("10.0.0.4", 1)])
        let gone = MeshConsistency.check(kernel: kernel, view: Self.view(["10.0.0.4", "10.0.0.5"], readAt: 8), memory: &memory, now: Self.at(10))
        #expect(gone.isConsistent)
        #expect(gone.services.first?.missing == [])
        let later = MeshConsistency.check(kernel: kernel, view: Self.view(["10.0.0.4"], readAt: 12), memory: &memory, now: Self.at(14))
        #expect(later.isConsistent)
        // Still listed by a view read after it was first seen missing: the mesh is not programmed for it.
        var stuck = MeshMemory()
        _ = MeshConsistency.check(kernel: kernel, view: Self.view(["10.0.0.4", "10.0.0.5"], readAt: 8), memory: &stuck, now: Self.at(10))
        let report = MeshConsistency.check(kernel: kernel, view: Self.view(["10.0.0.4", "10.0.0.5"], readAt: 12), memory: &stuck, now: Self.at(14))
        #expect(report.findings == [.missingBackend(service: "web", fwmark: 256, address: "10.0.0.5")])
        #expect(report.services.first?.missing.map(\.name) == ["web.2.t1"])
    }

    @Test func weightZeroIsDrainingWhetherOrNotDockerStillListsTheTaskAndItsAgeGrows() {
        var memory = MeshMemory()
        let kernel = Self.kernel([("10.0.0.4", 0), ("10.0.0.5", 0), ("10.0.0.6", 1)])
        let view = Self.view(["10.0.0.4", "10.0.0.6"], readAt: 12)
        let first = MeshConsistency.check(kernel: kernel, view: view, memory: &memory, now: Self.at(10))
        let second = MeshConsistency.check(kernel: kernel, view: view, memory: &memory, now: Self.at(40))
        #expect(second.isConsistent, "a drain is no disagreement")
        #expect(Self.state(second, "10.0.0.4") == .draining(age: .seconds(30), listed: true))
        #expect(Self.state(second, "10.0.0.5") == .draining(age: .seconds(30), listed: false))
        #expect(first.services.first?.longestDrain == .zero)
        #expect(second.services.first?.longestDrain == .seconds(30))
        #expect(second.services.first?.drainingCount == 2)
        // Back to weight 1: the drain is over, and a later one starts from zero.
        let back = Self.kernel([("10.0.0.4", 1), ("10.0.0.5", 0), ("10.0.0.6", 1)])
        _ = MeshConsistency.check(kernel: back, view: view, memory: &memory, now: Self.at(50))
        let again = MeshConsistency.check(kernel: kernel, view: view, memory: &memory, now: Self.at(60))
        #expect(Self.state(again, "10.0.0.4") == .draining(age: .zero, listed: true))
        #expect(Self.state(again, "10.0.0.5") == .draining(age: .seconds(50), listed: false))
    }

    @Test func marksNoServiceClaimsAndServicesWithoutAMarkHere() {
        var memory = MeshMemory()
        var kernel = Self.kernel([("10.0.0.4", 1)])
        kernel.backendsByFirewallMark[999] = []
        kernel.addressedServices = ["TCP 10.9.9.9:80"]
        var view = Self.view(["10.0.0.4"], readAt: 12)
        view.serviceByFirewallMark[300] = "api"
        view.tasks.append(.init(service: "api", address: "10.0.0.20", name: "api.1.x", node: "192.168.77.2"))
        _ = MeshConsistency.check(kernel: kernel, view: view, memory: &memory, now: Self.at(10))
        let report = MeshConsistency.check(kernel: kernel, view: view, memory: &memory, now: Self.at(14))
        #expect(report.findings == [
            .missingBackend(service: "api", fwmark: 300, address: "10.0.0.20"),
            .unclaimedAddress("TCP 10.9.9.9:80"),
            .unclaimedMark(999),
            .unprogrammedService(service: "api", fwmark: 300),
        ])
        #expect(report.unclaimed.map(\.description) == ["FWM 999", "TCP 10.9.9.9:80"])
        #expect(report.unprogrammedCount == 1)
        #expect(report.services.map(\.name) == ["api", "web"])
        #expect(report.services.first?.programmed == false)
    }

    @Test func aViewOfUnknownAgeConfirmsNothing() {
        var memory = MeshMemory()
        let kernel = Self.kernel([("10.0.0.250", 1)])
        _ = MeshConsistency.check(kernel: kernel, view: Self.view(["10.0.0.4"], readAt: nil), memory: &memory, now: Self.at(10))
        let report = MeshConsistency.check(kernel: kernel, view: Self.view(["10.0.0.4"], readAt: nil), memory: &memory, now: Self.at(20))
        #expect(report.isConsistent)
        #expect(Self.state(report, "10.0.0.250") == .unconfirmed)
    }

    @Test func theRecordedSwarmAnswerAgreesWithItsOwnTasks() throws {
        // Docker's answer recorded in the VM swarm (two tasks of web behind fwmark 257), and a
        // kernel holding exactly those tasks: consistent; with a third backend: stale, once confirmed.
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SwarmDiscoveryTests/Fixtures/network-ingress-verbose.json")
        var problems: [String] = []
        let detail = try Array(Data(contentsOf: url)).withUnsafeBytes { try DockerEngine.networkDetail($0, id: "wmeio4869p6knuvi6mbh9kdbn", problems: &problems) }
        let snapshot = SwarmSnapshotBuilder.build(networks: [detail], services: nil, readAt: ["wmeio4869p6knuvi6mbh9kdbn": Self.at(12)])
        let view = try #require(snapshot.loadBalancers["ingress_sbox"])
        #expect(view.serviceByFirewallMark == [257: "web"])
        #expect(view.virtualIPByFirewallMark == [257: "10.0.0.3"])
        let addresses = view.tasks.map(\.address).sorted()
        var memory = MeshMemory()
        let healthy = KernelLoadBalancer(backendsByFirewallMark: [257: addresses.map { .init(address: $0, weight: 1) }])
        _ = MeshConsistency.check(kernel: healthy, view: view, memory: &memory, now: Self.at(10))
        #expect(MeshConsistency.check(kernel: healthy, view: view, memory: &memory, now: Self.at(14)).isConsistent)
        var extra = healthy
        extra.backendsByFirewallMark[257]?.append(.init(address: "10.0.0.99", weight: 1))
        var later = MeshMemory()
        _ = MeshConsistency.check(kernel: extra, view: view, memory: &later, now: Self.at(11))
        #expect(MeshConsistency.check(kernel: extra, view: view, memory: &later, now: Self.at(15)).findings
                == [.staleBackend(service: "web", fwmark: 257, address: "10.0.0.99")])
    }
}
