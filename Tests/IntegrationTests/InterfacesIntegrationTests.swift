import Foundation
import Testing

/// Real namespaces on this host, the real exporter binary, and `ip -s -j link` as the oracle.
@Suite(.serialized, .enabled(if: Shell.isRoot && Shell.exists("ip"), "needs root and iproute2"))
struct InterfacesIntegrationTests {
    static let counters: [(metric: String, direction: String, field: String)] = [
        ("netns_network_receive_bytes_total", "rx", "bytes"),
        ("netns_network_receive_packets_total", "rx", "packets"),
        ("netns_network_receive_errors_total", "rx", "errors"),
        ("netns_network_receive_dropped_total", "rx", "dropped"),
        ("netns_network_receive_multicast_total", "rx", "multicast"),
        ("netns_network_transmit_bytes_total", "tx", "bytes"),
        ("netns_network_transmit_packets_total", "tx", "packets"),
        ("netns_network_transmit_errors_total", "tx", "errors"),
        ("netns_network_transmit_dropped_total", "tx", "dropped"),
        ("netns_network_transmit_carrier_errors_total", "tx", "carrier_errors"),
        ("netns_network_transmit_collisions_total", "tx", "collisions"),
    ]

    static func counter(_ device: [String: Any], _ direction: String, _ field: String) -> UInt64? {
        guard let stats = device["stats64"] as? [String: Any], let side = stats[direction] as? [String: Any] else { return nil }
        return (side[field] as? NSNumber)?.uint64Value
    }

    /// Every counter of every device lies between `ip` before and after the scrape, and the
    /// gauges equal what `ip` says.
    func expectMatches(_ series: [Series], _ namespace: TestNamespace, before: [String: [String: Any]], after: [String: [String: Any]]) {
        #expect(Set(series.all("netns_network_up", ["netns": namespace.name]).compactMap { $0.labels["device"] }) == Set(after.keys))
        for (name, device) in after {
            let labels = ["netns": namespace.name, "device": name]
            for (metric, direction, field) in Self.counters {
                guard let low = Self.counter(before[name] ?? [:], direction, field), let high = Self.counter(device, direction, field) else {
                    Issue.record("ip reports no \(direction).\(field) for \(name)")
                    continue
                }
                let value = series.value(metric, labels).flatMap(UInt64.init)
                #expect(value != nil && low <= value! && value! <= high, "\(metric)\(labels) = \(value.map(String.init) ?? "missing"), ip: \(low)...\(high)")
            }
            let operstate = (device["operstate"] as? String ?? "").lowercased()
            #expect(series.value("netns_network_info", labels.merging(["operstate": operstate]) { $1 }) == "1", "\(name) operstate \(operstate)")
            #expect(series.value("netns_network_up", labels) == (operstate == "up" ? "1" : "0"))
            #expect(series.value("netns_network_mtu_bytes", labels) == (device["mtu"] as? Int).map(String.init))
            #expect(series.all("netns_network_info", labels).first?.labels["address"] == device["address"] as? String)
            let kind = (device["linkinfo"] as? [String: Any])?["info_kind"] as? String ?? ""
            // An empty kind (a plain device) is left out of the line: Prometheus reads it as "".
            #expect(series.all("netns_network_info", labels).first.map { $0.labels["kind"] ?? "" } == kind)
        }
    }

    @Test func countersAndStatesEqualTheKernelsInTwoNamespaces() throws {
        let a = try TestNamespace("sie-a"), b = try TestNamespace("sie-b")
        try TestNamespace.connect(a, b, subnet: 201)
        try a.sendUDP(to: "10.201.0.2", count: 137, size: 333)
        try b.sendUDP(to: "10.201.0.1", count: 41, size: 1000)
        let exporter = try ExporterProcess(["--namespace-path", a.path, "--namespace-path", b.path])

        let beforeA = try a.links(), beforeB = try b.links()
        let series = try exporter.scrape()
        let afterA = try a.links(), afterB = try b.links()
        expectMatches(series, a, before: beforeA, after: afterA)
        expectMatches(series, b, before: beforeB, after: afterB)
        // The traffic really was counted in each namespace's own view, not the host's.
        let sent = series.value("netns_network_transmit_packets_total", ["netns": a.name, "device": "veth-a"]).flatMap(UInt64.init) ?? 0
        #expect(sent >= 137)
        let received = series.value("netns_network_receive_packets_total", ["netns": b.name, "device": "veth-b"]).flatMap(UInt64.init) ?? 0
        #expect(received >= 137)
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": a.name]) == "1")
        #expect(series.value("swarm_ipvs_exporter_scrape_collector_success", ["collector": "interfaces", "netns": b.name]) == "1")
        #expect(series.value("swarm_ipvs_exporter_scrape_collector_success", ["collector": "operstate", "netns": b.name]) == "1")

        // More traffic: the next scrape follows the kernel (handles are kept, values are fresh).
        try a.sendUDP(to: "10.201.0.2", count: 50, size: 100)
        let again = try a.links()
        let second = try exporter.scrape()
        expectMatches(second, a, before: again, after: try a.links())

        // A device set down: operstate down, up 0, carrier 0; its peer loses carrier.
        try a.exec(["ip", "link", "set", "veth-a", "down"])
        // The peer's state follows through the kernel's link watcher, about a second later: let it settle.
        for _ in 0..<50 where (try b.links()["veth-b"]?["operstate"] as? String) == "UP" { usleep(100_000) }
        let downBeforeA = try a.links(), downBeforeB = try b.links()
        let down = try exporter.scrape()
        expectMatches(down, a, before: downBeforeA, after: try a.links())
        expectMatches(down, b, before: downBeforeB, after: try b.links())
        let labels = ["netns": a.name, "device": "veth-a"]
        #expect(down.value("netns_network_up", labels) == "0")
        #expect(down.value("netns_network_info", labels.merging(["operstate": "down"]) { $1 }) == "1")
        #expect(down.value("netns_network_carrier", labels) == "0")
        #expect(down.value("netns_network_carrier", ["netns": b.name, "device": "veth-b"]) == "0")
        #expect(exporter.stop() == 0, "graceful shutdown on SIGTERM")
    }

    @Test func aDeletedNamespaceIsDownAndARecreatedOneIsPickedUp() throws {
        let a = try TestNamespace("sid-a")
        try a.exec(["ip", "link", "add", "first-a", "type", "veth", "peer", "name", "first-b"])
        let exporter = try ExporterProcess(["--namespace-path", a.path])
        var series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": a.name]) == "1")
        #expect(series.value("netns_network_mtu_bytes", ["netns": a.name, "device": "first-a"]) != nil)

        a.delete()
        let response = try exporter.get()
        #expect(response.status == 200)
        series = Exposition.parse(String(decoding: response.body, as: UTF8.self))
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": a.name]) == "0")
        #expect(series.all("netns_network_mtu_bytes", ["netns": a.name]).isEmpty)

        try Shell.run(["ip", "netns", "add", a.name])
        try a.exec(["ip", "link", "add", "second-a", "type", "veth", "peer", "name", "second-b"])
        series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": a.name]) == "1")
        #expect(series.value("netns_network_mtu_bytes", ["netns": a.name, "device": "second-a"]) != nil)
        #expect(series.all("netns_network_mtu_bytes", ["netns": a.name, "device": "first-a"]).isEmpty)
        #expect(exporter.log.contains("namespace vanished"))
    }

    @Test func globsPickUpNamespacesCreatedLaterAndFiltersApply() throws {
        let tag = "sig\(getpid() % 10_000)"
        let first = try TestNamespace("\(tag)-keep")
        let exporter = try ExporterProcess(["--namespace-path", "/run/netns/\(tag)-*", "--namespace-exclude", ".*-skip-.*",
                                            "--collectors", "operstate", "--collector.operstate.device-exclude", "lo"])
        var series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": first.name]) == "1")
        #expect(series.all("netns_network_up", ["device": "lo"]).isEmpty, "device-exclude applies")
        #expect(series.all("netns_network_receive_bytes_total").isEmpty, "only operstate runs")

        let later = try TestNamespace("\(tag)-later")
        let skipped = try TestNamespace("\(tag)-skip")
        try later.exec(["ip", "link", "add", "late-a", "type", "veth", "peer", "name", "late-b"])
        series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": later.name]) == "1")
        #expect(series.value("netns_network_up", ["netns": later.name, "device": "late-a"]) == "0")
        #expect(series.all("swarm_ipvs_exporter_netns_up", ["netns": skipped.name]).isEmpty)
    }
}
