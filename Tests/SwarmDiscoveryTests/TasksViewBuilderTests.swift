import Foundation
import Testing
@testable import SwarmDiscovery

/// The managers' tasks view (`SwarmSnapshotBuilder.tasksViews`) built from recorded answers, and
/// the reading of `/tasks` and `/nodes` answers with unusable entries.
@Suite struct TasksViewBuilderTests {
    static func views(_ step: ManagerRecording.Step) -> (network: SwarmSnapshot.LoadBalancer?, tasks: SwarmSnapshot.LoadBalancer?) {
        let snapshot = SwarmSnapshotBuilder.build(networks: [step.network], services: step.services)
        let views = SwarmSnapshotBuilder.tasksViews(networkViews: snapshot.loadBalancers, labelByNetworkID: [step.network.id: "ingress_sbox"],
                                                    answers: step.answers)
        return (snapshot.loadBalancers["ingress_sbox"], views["ingress_sbox"])
    }

    @Test func theRecordedManagersTasksViewListsTheDesiredRunningTasksAsTheNetworkViewNamesThem() throws {
        let steps = try ManagerRecording.steps()
        #expect(steps.count >= 10, "the recorded sequence is there")
        var startingSeen = 0, shutdownSeen = 0, comparedNames = 0
        for step in steps {
            let recorded = try ManagerRecording.step(step)
            let (network, tasks) = Self.views(recorded)
            let view = try #require(tasks, "step \(step)")
            #expect(view.serviceByFirewallMark == network?.serviceByFirewallMark, "the marks are the network view's")

            // What the answer says, worked out with a plain JSON decoder: the tasks desired running
            // and attached to the ingress network, by address without the prefix length.
            let ingress = try ManagerRecording.ingressID(step)
            var expected: [String: (state: String, id: String)] = [:]
            for task in try ManagerRecording.rawTasks(step) {
                let desired = task["DesiredState"] as? String
                if desired != "running" { shutdownSeen += 1; continue }
                let state = (task["Status"] as? [String: Any])?["State"] as? String ?? ""
                if state != "running" { startingSeen += 1 }
                for attachment in task["NetworksAttachments"] as? [[String: Any]] ?? []
                where (attachment["Network"] as? [String: Any])?["ID"] as? String == ingress {
                    for address in attachment["Addresses"] as? [String] ?? [] {
                        expected[String(address.split(separator: "/")[0])] = (state, task["ID"] as? String ?? "")
                    }
                }
            }
            #expect(Set(view.tasks.map(\.address)) == Set(expected.keys), "step \(step)")
            for task in view.tasks {
                #expect(!task.address.contains("/"))
                #expect(task.expectsBackend == (expected[task.address]?.state == "running"), "step \(step): \(task)")
                #expect(task.name.hasPrefix(task.service + ".") && task.name.hasSuffix("." + (expected[task.address]?.id ?? "?")), "\(task.name)")
                // Where the node's network database lists the same address, it names it the same way, on the same node.
                if let same = network?.tasks.first(where: { $0.address == task.address && $0.service == task.service }) {
                    #expect(same.name == task.name, "step \(step)")
                    #expect(same.node == task.node, "step \(step)")
                    comparedNames += 1
                }
            }
        }
        #expect(shutdownSeen > 0, "the recording has tasks not desired running (the filter is used)")
        #expect(startingSeen > 0, "the recording has desired-running tasks not running yet")
        #expect(comparedNames > 0)
    }

    @Test func unusableTasksAndNodesAreDroppedAndCounted() throws {
        var problems: [String] = []
        let tasks = try DockerEngine.tasks(Array(#"""
            [{"ID":"t1","ServiceID":"s1","Slot":1,"NodeID":"n1","DesiredState":"running","Status":{"State":"running"},
              "NetworksAttachments":[{"Network":{"ID":"net1"},"Addresses":["10.0.0.5/24"]},{"Network":{"ID":7},"Addresses":["10.0.0.6/24"]},
                                     {"Network":{"ID":"net1"},"Addresses":[5]}]},
             {"ID":12,"ServiceID":"s1"},
             {"ID":"t3"},
             {"ID":"t4","ServiceID":"s1","Slot":-1},
             {"ID":"t5","ServiceID":"s1","NodeID":"n2","DesiredState":"running","Status":{"State":"starting"},
              "NetworksAttachments":[{"Network":{"ID":"net1"},"Addresses":["fd00::5/64"]}]},
             "nonsense"]
            """#.utf8), problems: &problems)
        #expect(tasks.map(\.id) == ["t1", "t5"])
        #expect(tasks.first?.attachments == [.init(networkID: "net1", addresses: ["10.0.0.5/24"])])
        #expect(problems.count == 6, "\(problems)")
        #expect(problems.contains("network attachment #1 of task #0 of the list dropped: its Network.ID is a number, not a string"), "\(problems)")
        #expect(problems.contains("task #2 of the list dropped: it has no ServiceID"), "\(problems)")

        problems = []
        let nodes = try DockerEngine.nodes(Array(#"""
            [{"ID":"n1","Status":{"Addr":"192.168.77.1"}},{"ID":"n2","Status":{"Addr":"0.0.0.0"},"ManagerStatus":{"Addr":"192.168.77.2:2377"}},
             {"ID":"n3","Status":{"Addr":""},"ManagerStatus":{"Addr":"[fd00::3]:2377"}},{"ID":"n4","Status":null},{"Status":{"Addr":"1.2.3.4"}},{"ID":5}]
            """#.utf8), problems: &problems)
        #expect(nodes == [.init(id: "n1", address: "192.168.77.1"), .init(id: "n2", address: "192.168.77.2"),
                          .init(id: "n3", address: "fd00::3"), .init(id: "n4", address: nil)])
        #expect(problems.count == 2, "\(problems)")

        // The view: a global service's task (slot 0) is named after its node; an unknown node by its id.
        var network = SwarmSnapshot.LoadBalancer()
        network.serviceByFirewallMark = [256: "web"]
        let services = [DockerEngine.Service(id: "s1", spec: .init(name: "web"), endpoint: nil)]
        let views = SwarmSnapshotBuilder.tasksViews(networkViews: ["lb_net1": network], labelByNetworkID: ["net1": "lb_net1"],
                                                    answers: ManagerAnswers(tasks: tasks, services: services, nodes: nodes, readAt: nil))
        #expect(views["lb_net1"]?.tasks == [
            .init(service: "web", address: "10.0.0.5", name: "web.1.t1", node: "192.168.77.1", expectsBackend: true),
            .init(service: "web", address: "fd00::5", name: "web.n2.t5", node: "192.168.77.2", expectsBackend: false),
        ])
    }

    @Test func onlyTasksOfServicesWithAMarkOnTheNetworkAndDesiredRunningAreListed() throws {
        var network = SwarmSnapshot.LoadBalancer()
        network.serviceByFirewallMark = [256: "web"]
        func task(_ id: String, service: String, desired: String = "running", network: String = "net1") -> DockerEngine.SwarmTask {
            .init(id: id, serviceID: service, slot: 1, nodeID: "gone", desiredState: desired, state: "running",
                  attachments: [.init(networkID: network, addresses: ["10.0.0.\(id.count)/24"])])
        }
        let services = [DockerEngine.Service(id: "s1", spec: .init(name: "web"), endpoint: nil),
                        DockerEngine.Service(id: "s2", spec: .init(name: "dnsrr"), endpoint: nil)]
        let answers = ManagerAnswers(tasks: [task("a", service: "s1"), task("bb", service: "s1", desired: "shutdown"),
                                             task("ccc", service: "s2"), task("dddd", service: "s1", network: "other"),
                                             task("eeeee", service: "unknown")],
                                     services: services, nodes: [], readAt: nil)
        let views = SwarmSnapshotBuilder.tasksViews(networkViews: ["lb_net1": network], labelByNetworkID: ["net1": "lb_net1"], answers: answers)
        #expect(views["lb_net1"]?.tasks.map(\.name) == ["web.1.a"])
        #expect(views["lb_net1"]?.tasks.first?.node == "gone", "a node /nodes does not give is named by its id")
    }
}
