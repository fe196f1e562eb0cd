import Foundation
import Testing

/// `--web.listen-address` as node_exporter's: `:PORT` answers on IPv4 and IPv6, the flag is
/// repeatable (every address served, every one named in the start line), an address that cannot
/// be bound ends the exporter whichever it is, and a host without IPv6 still serves `:PORT` on IPv4.
@Suite(.serialized, .enabled(if: Shell.exists("curl") && Shell.exists("timeout"), "needs curl and coreutils' timeout"))
struct ListenIntegrationTests {
    static let arguments = ["--namespace-path", "/proc/self/ns/net", "--no-docker"]

    /// The HTTP status of GET `url` (0: no HTTP answer, such as a refused connection).
    static func status(_ url: String, in namespace: TestNamespace? = nil) throws -> Int {
        let curl = (namespace.map { ["ip", "netns", "exec", $0.name] } ?? []) + ["curl", "-g", "-s", "-o", "/dev/null", "-m", "5", "-w", "%{http_code}", url]
        return Int(try Shell.run(curl, check: false).stdout) ?? 0
    }

    /// The line of the log that starts the exporter.
    static func startLine(_ exporter: ExporterProcess) -> String {
        exporter.log.split(separator: "\n").first { $0.contains("starting swarm-ipvs-exporter") }.map(String.init) ?? ""
    }

    @Test func everyAddressPortServesIPv4AndIPv6() throws {
        let exporter = try ExporterProcess(Self.arguments, listen: { [":\($0)"] })
        let port = exporter.port
        #expect(try Self.status("http://127.0.0.1:\(port)/metrics") == 200)
        #expect(try Self.status("http://[::1]:\(port)/metrics") == 200)
        #expect(Self.startLine(exporter).contains("listen_addresses=:\(port)"), "\(exporter.log)")
    }

    @Test func everyListenAddressIsServedAndNamed() throws {
        let second = ExporterProcess.randomPort()
        let exporter = try ExporterProcess(Self.arguments, listen: { ["127.0.0.1:\($0)", "[::1]:\(second)"] })
        #expect(try Self.status("http://127.0.0.1:\(exporter.port)/metrics") == 200)
        #expect(try Self.status("http://[::1]:\(second)/metrics") == 200)
        #expect(try Self.status("http://127.0.0.1:\(second)/metrics") == 0, "[::1] alone is not IPv4")
        #expect(Self.startLine(exporter).contains("listen_addresses=127.0.0.1:\(exporter.port),[::1]:\(second)"), "\(exporter.log)")
        #expect(exporter.listens(on: second), "\(exporter.log)")
        // The health check asks each of them (read from its own arguments here; in the image from PID 1's).
        let healthy = try Shell.run([ExporterProcess.binary, "healthcheck", "--web.listen-address", "127.0.0.1:\(exporter.port)",
                                     "--web.listen-address", "[::1]:\(second)"], check: false)
        #expect(healthy.status == 0, "\(healthy.stdout) \(healthy.stderr)")
        #expect(healthy.stdout.contains("[::1]:\(second)/-/healthy HTTP/1.1 200"), "\(healthy.stdout)")
        let third = ExporterProcess.randomPort()
        let unhealthy = try Shell.run([ExporterProcess.binary, "healthcheck", "--web.listen-address", ":\(exporter.port)",
                                       "--web.listen-address", "127.0.0.1:\(third)"], check: false)
        #expect(unhealthy.status == 1)
        #expect(unhealthy.stderr.contains("127.0.0.1:\(third)/-/healthy"), "\(unhealthy.stderr)")
    }

    /// The second address taken: the exporter ends as it does when the first one is, with the
    /// address named, and does not go on serving the first.
    @Test func aSecondAddressThatCannotBeBoundEndsTheExporter() throws {
        let other = try ExporterProcess(Self.arguments)
        let free = ExporterProcess.randomPort()
        let output = try Shell.run(["timeout", "-s", "KILL", "20", ExporterProcess.binary] + Self.arguments
                                   + ["--web.listen-address", "127.0.0.1:\(free)", "--web.listen-address", "127.0.0.1:\(other.port)"], check: false)
        #expect(output.status == 1, "exit \(output.status): \(output.stderr)")
        let last = output.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("swarm-ipvs-exporter: ") && last.contains("cannot serve on 127.0.0.1:\(other.port)"), "\(last)")
        #expect(last.lowercased().contains("address already in use"), "\(last)")
        #expect(other.process.isRunning)
    }

    /// A kernel without IPv6 (made up by an LD_PRELOAD shim: AF_INET6 sockets fail with
    /// EAFNOSUPPORT, as under ipv6.disable=1): `:PORT` is served on IPv4, with a line saying so.
    @Test(.enabled(if: Shell.exists("cc"), "needs a C compiler"))
    func withoutIPv6EveryAddressMeansIPv4() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("faults/no-ipv6.c").path
        let library = FileManager.default.temporaryDirectory.appendingPathComponent("no-ipv6-\(getpid()).so").path
        try Shell.run(["cc", "-O2", "-Wall", "-shared", "-fPIC", "-o", library, source, "-ldl"])
        defer { try? FileManager.default.removeItem(atPath: library) }
        let exporter = try ExporterProcess(Self.arguments, environment: ["LD_PRELOAD": library], listen: { [":\($0)"] })
        #expect(try Self.status("http://127.0.0.1:\(exporter.port)/metrics") == 200)
        #expect(try Self.status("http://[::1]:\(exporter.port)/metrics") == 0, "nothing listens on IPv6")
        let line = exporter.log.split(separator: "\n").first { $0.contains("no IPv6 on this host") }.map(String.init) ?? ""
        #expect(line.contains(":\(exporter.port) listens on IPv4 only") && line.contains("Address family not supported"), "\(exporter.log)")
    }

    /// A namespace as Docker makes a container's without IPv6 networks: IPv6 switched off and an
    /// IPv4 address on an interface. There getaddrinfo does not resolve "::" (AI_ADDRCONFIG sees
    /// IPv4 addresses and no IPv6 one), so `:PORT` listens on 0.0.0.0 and says so. Found in the
    /// lab's containers: `:10118` ended the exporter with "Address family for hostname not supported".
    @Test func aNamespaceWithIPv6SwitchedOffServesIPv4() throws {
        let namespace = try TestNamespace("listen6")
        try namespace.exec(["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.lo.disable_ipv6=1",
                            "net.ipv6.conf.default.disable_ipv6=1"])
        try namespace.exec(["ip", "link", "add", "eth9", "type", "veth", "peer", "name", "eth9peer"])
        try namespace.exec(["ip", "addr", "add", "10.77.0.2/24", "dev", "eth9"])
        try namespace.exec(["ip", "link", "set", "eth9", "up"])
        try namespace.exec(["ip", "link", "set", "eth9peer", "up"])
        let exporter = try ExporterProcess(Self.arguments, in: namespace.name, listen: { [":\($0)"] })
        #expect(try Self.status("http://127.0.0.1:\(exporter.port)/metrics", in: namespace) == 200)
        #expect(try Self.status("http://10.77.0.2:\(exporter.port)/metrics", in: namespace) == 200)
        let line = exporter.log.split(separator: "\n").first { $0.contains("listens on IPv4 only") }.map(String.init) ?? ""
        #expect(line.contains("does not resolve"), "\(exporter.log)")
    }
}
