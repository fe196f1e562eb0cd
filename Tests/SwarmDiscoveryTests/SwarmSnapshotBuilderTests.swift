import ExporterCore
import Foundation
import Testing
@testable import SwarmDiscovery

/// Docker Engine API answers recorded in a real single-node swarm in the VM (Tests/vm/inside-swarm.sh,
/// dockerd 20.10): service "web", 2 replicas, published 8080->80, on the overlay network appnet.
@Suite struct SwarmSnapshotBuilderTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }

    static func snapshot(withServices: Bool) throws -> SwarmSnapshot {
        var problems: [String] = []
        let networks = try [DockerEngine.networkDetail(fixture("network-ingress-verbose"), id: "wmeio4869p6knuvi6mbh9kdbn", problems: &problems),
                            DockerEngine.networkDetail(fixture("network-appnet-verbose"), id: "ihskyupbolvu5bw4kztm1klf3", problems: &problems)]
        let services = withServices ? try DockerEngine.services(fixture("services"), problems: &problems) : nil
        #expect(problems == [])
        return SwarmSnapshotBuilder.build(networks: networks, services: services)
    }

    @Test func theRoutingMeshAndTheOverlayLoadBalancerAreNamed() throws {
        var problems: [String] = []
        let summaries = try DockerEngine.networks(Self.fixture("networks"), problems: &problems)
        #expect(problems == [])
        #expect(Set(summaries.map(\.name)) == ["ingress", "appnet"])
        let snapshot = try Self.snapshot(withServices: true)
        // lb_ + the first 9 characters of appnet's id "ihskyupbolvu5bw4kztm1klf3": the netns seen in the VM.
        #expect(Set(snapshot.loadBalancers.keys) == ["ingress_sbox", "lb_ihskyupbo"])
        #expect(snapshot.loadBalancers["ingress_sbox"]?.serviceByFirewallMark == [257: "web"])
        #expect(snapshot.loadBalancers["lb_ihskyupbo"]?.serviceByFirewallMark == [256: "web"])
    }

    @Test func publishedPortsCarryTheProtocolFromServicesOnManagers() throws {
        let manager = try Self.snapshot(withServices: true)
        #expect(manager.loadBalancers["ingress_sbox"]?.publishedPorts ==
                [.init(fwmark: 257, service: "web", protocolName: "tcp", publishedPort: 8080, targetPort: 80)])
        #expect(manager.loadBalancers["lb_ihskyupbo"]?.publishedPorts == [], "overlay networks publish nothing")
        let worker = try Self.snapshot(withServices: false)
        #expect(worker.loadBalancers["ingress_sbox"]?.publishedPorts.map(\.protocolName) == [""])
    }

    @Test func tasksExceptTheIngressEndpointAreBackends() throws {
        let tasks = try Self.snapshot(withServices: true).loadBalancers["ingress_sbox"]?.tasks ?? []
        #expect(tasks.map(\.address).sorted() == ["10.0.0.4", "10.0.0.5"])
        #expect(tasks.allSatisfy { $0.service == "web" && $0.node == "192.168.77.1" && $0.name.hasPrefix("web.") })
    }

    @Test func portStringsAreParsedAndDuplicatesReportedOnce() {
        #expect(SwarmSnapshotBuilder.parsePort("Target: 80, Publish: 8080")! == (80, 8080))
        #expect(SwarmSnapshotBuilder.parsePort("Target: x, Publish: 8080") == nil)
        let network = DockerEngine.NetworkDetail(id: "abc", name: "ingress", ingress: true, services: [
            "dns": .init(ports: ["Target: 53, Publish: 53", "Target: 53, Publish: 53"], localLBIndex: 300, tasks: []),
        ])
        let services = [DockerEngine.Service(spec: .init(name: "dns"), endpoint: .init(ports: [
            .init(protocolName: "tcp", targetPort: 53, publishedPort: 53, publishMode: "ingress"),
            .init(protocolName: "udp", targetPort: 53, publishedPort: 53, publishMode: "ingress"),
        ]))]
        let ports = SwarmSnapshotBuilder.build(networks: [network], services: services).loadBalancers["ingress_sbox"]?.publishedPorts ?? []
        #expect(ports.map(\.protocolName).sorted() == ["tcp", "udp"])
    }
}
