import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
@testable import SwarmDiscovery

/// The directory reading the tasks view: over a fake engine that answers what the recorded manager
/// answered (`ManagerRecording`), as a manager, as a worker (503 for `/services`), and with
/// `/tasks` failing.
@Suite struct TasksViewDirectoryTests {
    /// How the fake engine answers `/services`, `/tasks` and `/nodes`.
    struct Behaviour: Sendable {
        var servicesStatus = 200
        var tasksStatus = 200
    }

    static func engine(step: String, behaviour: NIOLockedValueBox<Behaviour>) throws -> FakeDockerSocket {
        let id = try ManagerRecording.ingressID(step)
        let list = Array(#"[{"Id":"\#(id)","Name":"ingress","Driver":"overlay","Ingress":true}]"#.utf8)
        let answers: [String: [UInt8]] = try [
            "/networks": list,
            "/networks/\(id)": ManagerRecording.bytes(step + "-network.json"),
            "/services": ManagerRecording.bytes(step + "-services.json"),
            "/tasks": ManagerRecording.bytes(step + "-tasks.json"),
            "/nodes": ManagerRecording.bytes("nodes.json"),
        ]
        return try FakeDockerSocket { target in
            let path = String(target.split(separator: "?").first ?? "")
            let now = behaviour.withLockedValue { $0 }
            let status = path == "/services" ? now.servicesStatus : path == "/tasks" ? now.tasksStatus : 200
            guard let body = answers[path], status == 200 else {
                let message = Array(#"{"message":"This node is not a swarm manager."}"#.utf8)
                return Array("HTTP/1.0 \(status == 200 ? 404 : status) Refused\r\nContent-Length: \(message.count)\r\n\r\n".utf8) + message
            }
            return Array("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body
        }
    }

    static func targets(_ engine: FakeDockerSocket) -> [String] {
        engine.heads.map { String($0.split(separator: " ")[1]) }
    }

    @Test func aManagerGetsTheTasksViewNextToTheNetworkView() throws {
        let step = try #require(try ManagerRecording.steps().first)
        let engine = try Self.engine(step: step, behaviour: .init(Behaviour()))
        let directory = DockerSwarmDirectory(socketPath: engine.path, interval: .seconds(60), refreshTimeout: .seconds(5), logger: Logger(label: "t"))
        let before = ContinuousClock.now
        directory.refreshOnce()
        #expect(directory.apiErrors == 0)
        let snapshot = try #require(directory.snapshot)
        let network = try #require(snapshot.loadBalancers["ingress_sbox"])
        let tasks = try #require(snapshot.managerLoadBalancers["ingress_sbox"], "a manager has the tasks view")
        #expect(tasks.readAt.map { $0 >= before } == true, "it says when /tasks was read")
        #expect(!tasks.tasks.isEmpty)
        #expect(tasks.serviceByFirewallMark == network.serviceByFirewallMark)
        let targets = Self.targets(engine)
        #expect(targets.contains("/tasks?filters=%7B%22desired-state%22%3A%5B%22running%22%5D%7D"), "\(targets)")
        #expect(targets.contains("/nodes"), "\(targets)")
    }

    @Test func aWorkerAsksNeitherTasksNorNodesAndThatIsNoError() throws {
        let step = try #require(try ManagerRecording.steps().first)
        let engine = try Self.engine(step: step, behaviour: .init(Behaviour(servicesStatus: 503)))
        let directory = DockerSwarmDirectory(socketPath: engine.path, interval: .seconds(60), refreshTimeout: .seconds(5), logger: Logger(label: "t"))
        directory.refreshOnce()
        directory.refreshOnce()
        #expect(directory.apiErrors == 0)
        let snapshot = try #require(directory.snapshot)
        #expect(snapshot.loadBalancers["ingress_sbox"] != nil)
        #expect(snapshot.managerLoadBalancers.isEmpty, "a worker has no tasks view")
        let targets = Self.targets(engine)
        #expect(!targets.contains { $0.hasPrefix("/tasks") || $0.hasPrefix("/nodes") }, "\(targets)")
        #expect(targets.filter { $0 == "/services" }.count == 2)
    }

    @Test func aFailingTasksReadIsCountedKeepsTheNetworkViewFreshAndLetsTheTasksViewAge() throws {
        let step = try #require(try ManagerRecording.steps().first)
        let behaviour = NIOLockedValueBox(Behaviour(tasksStatus: 500))
        let engine = try Self.engine(step: step, behaviour: behaviour)
        let directory = DockerSwarmDirectory(socketPath: engine.path, interval: .seconds(60), refreshTimeout: .seconds(5), logger: Logger(label: "t"))
        // Failing from the start: no tasks view, the network view as ever, one error.
        directory.refreshOnce()
        #expect(directory.apiErrors == 1)
        #expect(directory.snapshot?.loadBalancers["ingress_sbox"] != nil)
        #expect(directory.snapshot?.managerLoadBalancers.isEmpty == true)
        // Good once, then failing again: the last good tasks view is kept with its own read time.
        behaviour.withLockedValue { $0.tasksStatus = 200 }
        directory.refreshOnce()
        #expect(directory.apiErrors == 1)
        let good = try #require(directory.snapshot?.managerLoadBalancers["ingress_sbox"]?.readAt)
        behaviour.withLockedValue { $0.tasksStatus = 500 }
        usleep(20_000)
        directory.refreshOnce()
        #expect(directory.apiErrors == 2)
        let snapshot = try #require(directory.snapshot)
        #expect(snapshot.managerLoadBalancers["ingress_sbox"]?.readAt == good, "its age grows")
        #expect(snapshot.loadBalancers["ingress_sbox"]?.readAt.map { $0 > good } == true, "the network view was read again")
        #expect(!(snapshot.managerLoadBalancers["ingress_sbox"]?.tasks.isEmpty ?? true))
        // A worker again (demoted): the tasks view is gone, not kept.
        behaviour.withLockedValue { $0.servicesStatus = 503 }
        directory.refreshOnce()
        #expect(directory.apiErrors == 2)
        #expect(directory.snapshot?.managerLoadBalancers.isEmpty == true)
    }
}
