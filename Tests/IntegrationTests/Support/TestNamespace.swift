import Foundation

/// A real network namespace made with `ip netns add` under a unique name, deleted at the end.
final class TestNamespace {
    let name: String
    var path: String { "/run/netns/\(name)" }

    init(_ prefix: String) throws {
        name = "\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max) % 100_000)"
        try Shell.run(["ip", "netns", "add", name])
        try exec(["ip", "link", "set", "lo", "up"])
    }

    deinit { delete() }

    func delete() {
        _ = try? Shell.run(["ip", "netns", "del", name], check: false)
    }

    @discardableResult
    func exec(_ arguments: [String]) throws -> Shell.Output {
        try Shell.run(["ip", "netns", "exec", name] + arguments)
    }

    /// `ip -s -d -j link` in this namespace, by device name.
    func links() throws -> [String: [String: Any]] {
        let json = try Shell.run(["ip", "-n", name, "-s", "-d", "-j", "link"]).stdout
        let list = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.compactMap { device in
            (device["ifname"] as? String).map { ($0, device) }
        })
    }

    /// Connects two namespaces with a veth pair and IPv4 addresses 10.<subnet>.0.1/.2.
    static func connect(_ a: TestNamespace, _ b: TestNamespace, subnet: Int, names: (String, String) = ("veth-a", "veth-b")) throws {
        try Shell.run(["ip", "link", "add", names.0, "netns", a.name, "type", "veth", "peer", "name", names.1, "netns", b.name])
        try a.exec(["ip", "addr", "add", "10.\(subnet).0.1/24", "dev", names.0])
        try b.exec(["ip", "addr", "add", "10.\(subnet).0.2/24", "dev", names.1])
        try a.exec(["ip", "link", "set", names.0, "up"])
        try b.exec(["ip", "link", "set", names.1, "up"])
        // Operational state follows a moment later (the kernel's link watcher): wait for it, so
        // tests compare settled states.
        for _ in 0..<50 {
            let up = try [(a, names.0), (b, names.1)].allSatisfy { namespace, device in
                (try namespace.links()[device]?["operstate"] as? String) == "UP"
            }
            if up { return }
            usleep(100_000)
        }
    }

    /// Sends `count` UDP datagrams of `size` bytes from this namespace to `address`.
    func sendUDP(to address: String, count: Int, size: Int) throws {
        try exec(["python3", "-c", """
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for _ in range(\(count)):
                s.sendto(b"x" * \(size), ("\(address)", 9))
            """])
    }
}
