import Testing
@testable import Collectors
@testable import SwarmDiscovery

/// The two views together (`MeshConsistency.check(kernel:views:memories:now:)`): the managers'
/// tasks view as a second opinion next to the node's network view, each confirmed on its own,
/// merged so that either can find a disagreement and the operator sees which did.
@Suite struct MeshConsistencyViewsTests {
    typealias View = SwarmSnapshot.View

    /// A tasks view of service web (mark 256): `running` tasks and `starting` ones (desired running).
    static func tasksView(running: [String], starting: [String] = [], readAt: Double) -> SwarmSnapshot.LoadBalancer {
        var view = MeshConsistencyTests.view(running, readAt: readAt)
        for (index, address) in starting.enumerated() {
            view.tasks.append(.init(service: "web", address: address, name: "web.\(running.count + index + 1).s\(index)",
                                    node: "192.168.77.1", expectsBackend: false))
        }
        return view
    }

    /// Checks at 10 s (views read at 8 s: nothing can be confirmed) and at 14 s (views read at 12 s).
    static func confirmed(kernel: KernelLoadBalancer, network: SwarmSnapshot.LoadBalancer?, tasks: SwarmSnapshot.LoadBalancer?) -> MeshReport {
        var memories: [View: MeshMemory] = [:]
        func views(readAt: Double) -> [View: SwarmSnapshot.LoadBalancer] {
            var views: [View: SwarmSnapshot.LoadBalancer] = [:]
            if var network { network.readAt = MeshConsistencyTests.at(readAt); views[.network] = network }
            if var tasks { tasks.readAt = MeshConsistencyTests.at(readAt); views[.tasks] = tasks }
            return views
        }
        _ = MeshConsistency.check(kernel: kernel, views: views(readAt: 8), memories: &memories, now: MeshConsistencyTests.at(10))
        return MeshConsistency.check(kernel: kernel, views: views(readAt: 12), memories: &memories, now: MeshConsistencyTests.at(14))
    }

    @Test func aBackendOnlyTheNodesNetworkDatabaseStillListsIsStaleByTheTasksView() {
        // The node's network database still lists 10.0.0.9 (its task was shut down); the kernel,
        // programmed from it, agrees. The managers want only 10.0.0.4 and 10.0.0.5.
        let kernel = MeshConsistencyTests.kernel([("10.0.0.4", 1), ("10.0.0.5", 1), ("10.0.0.9", 1)])
        let network = MeshConsistencyTests.view(["10.0.0.4", "10.0.0.5", "10.0.0.9"], readAt: nil)
        let tasks = Self.tasksView(running: ["10.0.0.4", "10.0.0.5"], readAt: 0)
        #expect(Self.confirmed(kernel: kernel, network: network, tasks: nil).isConsistent, "the network view alone sees nothing")
        let report = Self.confirmed(kernel: kernel, network: network, tasks: tasks)
        let stale = MeshFinding.staleBackend(service: "web", fwmark: 256, address: "10.0.0.9")
        #expect(report.findings == [stale])
        #expect(report.viewLabel(of: stale) == "tasks")
        #expect(report.services.first?.staleCount == 1)
        #expect(MeshConsistencyTests.state(report, "10.0.0.9") == .stale)
        #expect(report.services.first?.backends.first { $0.address == "10.0.0.9" }?.task?.name == "web.3.t2",
                "the network view still names its task")
    }

    @Test func aRunningTaskTheNetworkDatabaseLacksAndTheKernelLacksIsMissingByTheTasksView() {
        let kernel = MeshConsistencyTests.kernel([("10.0.0.4", 1)])
        let network = MeshConsistencyTests.view(["10.0.0.4"], readAt: nil)
        let tasks = Self.tasksView(running: ["10.0.0.4", "10.0.0.7"], readAt: 0)
        let report = Self.confirmed(kernel: kernel, network: network, tasks: tasks)
        let missing = MeshFinding.missingBackend(service: "web", fwmark: 256, address: "10.0.0.7")
        #expect(report.findings == [missing])
        #expect(report.viewLabel(of: missing) == "tasks")
        #expect(report.services.first?.missing.map(\.name) == ["web.2.t1"], "named as the tasks view names it")
    }

    @Test func whatBothViewsFindIsCountedOnceAndSaysSo() {
        let kernel = MeshConsistencyTests.kernel([("10.0.0.4", 1), ("10.0.0.250", 1)])
        let network = MeshConsistencyTests.view(["10.0.0.4", "10.0.0.5"], readAt: nil)
        let tasks = Self.tasksView(running: ["10.0.0.4", "10.0.0.5"], readAt: 0)
        let report = Self.confirmed(kernel: kernel, network: network, tasks: tasks)
        #expect(report.findings == [.missingBackend(service: "web", fwmark: 256, address: "10.0.0.5"),
                                    .staleBackend(service: "web", fwmark: 256, address: "10.0.0.250")])
        #expect(report.findings.allSatisfy { report.viewLabel(of: $0) == "network+tasks" })
        #expect(report.services.first?.staleCount == 1)
        #expect(report.services.first?.missing.count == 1)
    }

    @Test func aStartingTaskMakesItsAddressKnownButIsNotExpectedToHaveABackendYet() {
        let network = MeshConsistencyTests.view(["10.0.0.4"], readAt: nil)
        let tasks = Self.tasksView(running: ["10.0.0.4"], starting: ["10.0.0.8"], readAt: 0)
        // No backend yet: not missing.
        let without = Self.confirmed(kernel: MeshConsistencyTests.kernel([("10.0.0.4", 1)]), network: network, tasks: tasks)
        #expect(without.isConsistent, "\(without.findings)")
        // Its backend already there, the network view not yet listing it: stale by neither.
        let with = Self.confirmed(kernel: MeshConsistencyTests.kernel([("10.0.0.4", 1), ("10.0.0.8", 1)]), network: nil, tasks: tasks)
        #expect(with.isConsistent, "\(with.findings)")
        #expect(MeshConsistencyTests.state(with, "10.0.0.8") == .serving)
    }

    @Test func weightZeroStaysDrainingWhateverEitherViewSaysAndIsCountedOnce() {
        let kernel = MeshConsistencyTests.kernel([("10.0.0.4", 1), ("10.0.0.9", 0)])
        let network = MeshConsistencyTests.view(["10.0.0.4", "10.0.0.9"], readAt: nil)
        let tasks = Self.tasksView(running: ["10.0.0.4"], readAt: 0)
        let report = Self.confirmed(kernel: kernel, network: network, tasks: tasks)
        #expect(report.isConsistent)
        #expect(report.services.first?.drainingCount == 1)
        #expect(MeshConsistencyTests.state(report, "10.0.0.9") == .draining(age: .seconds(4), listed: true))
    }

    @Test func aWorkerWithTheNetworkViewAloneGetsExactlyTheNetworkViewsReport() {
        // Every kind of finding, judged by the single-view check and by the views check with one view.
        var kernel = MeshConsistencyTests.kernel([("10.0.0.4", 1), ("10.0.0.250", 1), ("10.0.0.6", 0)])
        kernel.backendsByFirewallMark[999] = []
        kernel.addressedServices = ["TCP 10.9.9.9:80"]
        var view = MeshConsistencyTests.view(["10.0.0.4", "10.0.0.5"], readAt: 12)
        view.serviceByFirewallMark[300] = "api"
        var earlier = view
        earlier.readAt = MeshConsistencyTests.at(8)
        var memory = MeshMemory()
        _ = MeshConsistency.check(kernel: kernel, view: earlier, memory: &memory, now: MeshConsistencyTests.at(10))
        let alone = MeshConsistency.check(kernel: kernel, view: view, memory: &memory, now: MeshConsistencyTests.at(14))
        var memories: [View: MeshMemory] = [:]
        _ = MeshConsistency.check(kernel: kernel, views: [.network: earlier], memories: &memories, now: MeshConsistencyTests.at(10))
        let viewed = MeshConsistency.check(kernel: kernel, views: [.network: view], memories: &memories, now: MeshConsistencyTests.at(14))
        #expect(alone.findings.count == 5)
        #expect(viewed == alone)
        #expect(viewed.findings.allSatisfy { viewed.viewLabel(of: $0) == "network" })
        #expect(memories.keys.sorted() == [.network], "no memory for a view never given")
    }

    @Test func eachViewIsConfirmedByItsOwnReadTime() {
        // The tasks view was read before the bogus backend was first seen: it cannot confirm it yet,
        // even though the network view (read later) can.
        let kernel = MeshConsistencyTests.kernel([("10.0.0.4", 1), ("10.0.0.250", 1)])
        var network = MeshConsistencyTests.view(["10.0.0.4"], readAt: 8)
        var tasks = Self.tasksView(running: ["10.0.0.4"], readAt: 8)
        var memories: [View: MeshMemory] = [:]
        _ = MeshConsistency.check(kernel: kernel, views: [.network: network, .tasks: tasks], memories: &memories, now: MeshConsistencyTests.at(10))
        network.readAt = MeshConsistencyTests.at(12)
        let report = MeshConsistency.check(kernel: kernel, views: [.network: network, .tasks: tasks], memories: &memories, now: MeshConsistencyTests.at(14))
        let stale = MeshFinding.staleBackend(service: "web", fwmark: 256, address: "10.0.0.250")
        #expect(report.findings == [stale])
        #expect(report.viewLabel(of: stale) == "network")
        tasks.readAt = MeshConsistencyTests.at(15)
        let later = MeshConsistency.check(kernel: kernel, views: [.network: network, .tasks: tasks], memories: &memories, now: MeshConsistencyTests.at(16))
        #expect(later.viewLabel(of: stale) == "network+tasks")
    }
}
