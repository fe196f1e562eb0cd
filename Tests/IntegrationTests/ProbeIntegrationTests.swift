import Foundation
import Testing

/// The dns and dial-latency collectors against a real DNS server (dnsmasq) and real listeners in
/// other namespaces, with failures made on purpose: a missing name, a refused name, a server that
/// drops packets, a closed port, a blackholed address, an unreachable network. The exporter runs
/// in its own namespace, one probe round (interval 1h), so every count is exact.
@Suite(.serialized, .enabled(if: Shell.isRoot && Shell.exists("dnsmasq") && Shell.exists("iptables") && Shell.exists("python3"),
                             "needs root, dnsmasq, iptables and python3"))
final class ProbeIntegrationTests {
    let client: TestNamespace, server: TestNamespace, peers: TestNamespace
    var background: [pid_t] = []
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)")

    init() throws {
        client = try TestNamespace("spc")
        server = try TestNamespace("sps")
        peers = try TestNamespace("spp")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        // client 10.220.0.1 <-> server 10.220.0.2 (DNS) and 10.220.0.3 (drops everything)
        try TestNamespace.connect(client, server, subnet: 220, names: ("c-dns", "s-dns"))
        try server.exec(["ip", "addr", "add", "10.220.0.3/24", "dev", "s-dns"])
        try server.exec(["iptables", "-A", "INPUT", "-d", "10.220.0.3", "-j", "DROP"])
        // client 10.230.0.3 <-> peers 10.230.0.2, .4 (listening), .5 (closed), .6 (drops SYNs)
        try Shell.run(["ip", "link", "add", "c-peer", "netns", client.name, "type", "veth", "peer", "name", "p-peer", "netns", peers.name])
        try client.exec(["ip", "addr", "add", "10.230.0.3/24", "dev", "c-peer"])
        for address in ["10.230.0.2", "10.230.0.4", "10.230.0.5", "10.230.0.6"] {
            try peers.exec(["ip", "addr", "add", "\(address)/24", "dev", "p-peer"])
        }
        try client.exec(["ip", "link", "set", "c-peer", "up"])
        try peers.exec(["ip", "link", "set", "p-peer", "up"])
        try peers.exec(["iptables", "-A", "INPUT", "-d", "10.230.0.6", "-j", "DROP"])
        try client.exec(["ip", "route", "add", "unreachable", "10.240.0.0/24"])
        background.append(try start(in: peers, ["python3", "-c", """
            import socket, threading
            def serve(address):
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((address, 10118)); s.listen(64)
                while True: s.accept()[0].close()
            for a in ("10.230.0.2", "10.230.0.4"): threading.Thread(target=serve, args=(a,), daemon=True).start()
            threading.Event().wait()
            """]))
        var dnsmasq = ["dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=10.220.0.2",
                       "--local=/test/", "--host-record=web.test,10.1.2.3", "--log-queries", "--log-facility=\(scratch.path)/dnsmasq.log",
                       "--pid-file=\(scratch.path)/dnsmasq.pid", "--user=root", "--group=root"]
        for address in ["10.230.0.2", "10.230.0.3", "10.230.0.4", "10.230.0.5", "10.230.0.6"] { dnsmasq.append("--host-record=tasks.peers.test,\(address)") }
        // 60 tasks: more A records than fit a 512-byte UDP answer (dnsmasq sets TC), on addresses
        // of the client namespace's own loopback, where every dial is refused at once.
        for address in Self.manyPeers { dnsmasq.append("--host-record=tasks.many.test,\(address)") }
        background.append(try start(in: server, dnsmasq))
        for _ in 0..<50 {   // both listeners up
            if (try? peers.exec(["python3", "-c", "import socket; socket.create_connection(('10.230.0.4', 10118), 1)"])) != nil,
               FileManager.default.fileExists(atPath: scratch.path + "/dnsmasq.pid") { break }
            usleep(100_000)
        }
    }

    deinit {
        for pid in background { kill(pid, SIGTERM) }
        // dnsmasq's own pid, from its pid file: the pid `start` returns may be a launcher's (setsid
        // forks when it has to), and a dnsmasq outliving the test keeps its namespace alive.
        if let text = try? String(contentsOfFile: scratch.path + "/dnsmasq.pid", encoding: .utf8),
           let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 {
            kill(pid, SIGTERM)
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Starts a server in the background, detached from this process (its own session, output to
    /// /dev/null), and returns its pid; `deinit` stops it.
    func start(in namespace: TestNamespace, _ command: [String]) throws -> pid_t {
        let name = "start-\(UUID().uuidString)"
        let script = scratch.appendingPathComponent("\(name).sh").path
        let pidFile = scratch.appendingPathComponent("\(name).pid").path
        let quoted = (["exec", "ip", "netns", "exec", namespace.name] + command).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        // The script writes its own pid, which the server inherits through the execs: `$!` of the
        // launcher would be setsid's, and setsid forks when it has to.
        try ("echo $$ > '\(pidFile)'\n" + quoted.joined(separator: " ")).write(toFile: script, atomically: true, encoding: .utf8)
        let output = try Shell.run(["sh", "-c", "setsid sh \(script) </dev/null >/dev/null 2>&1 &"])
        for _ in 0..<50 {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return pid
            }
            usleep(100_000)
        }
        throw Shell.Failure(command: command, output: output)
    }

    static let manyPeers = (1...60).map { "127.0.1.\($0)" }

    /// Scrapes until `done` holds (the one round of probes has ended), at most 15 s.
    func settle(_ exporter: ExporterProcess, until done: ([Series]) -> Bool) throws -> [Series] {
        var series: [Series] = []
        for _ in 0..<75 {
            series = try exporter.scrape()
            if done(series) { return series }
            usleep(200_000)
        }
        return series
    }

    static func attempts(_ series: [Series], metric: String, _ labels: [String: String]) -> UInt64 {
        let answered = UInt64(series.value("\(metric)_count", labels) ?? "0") ?? 0
        let failed = series.all(metric.replacingOccurrences(of: "_duration_seconds", with: "_errors_total"), labels)
            .filter { $0.labels["reason"] != "nxdomain" && $0.labels["reason"] != "servfail" && $0.labels["reason"] != "refused" || metric.hasPrefix("dial") }
            .reduce(0) { $0 + (UInt64($1.value) ?? 0) }
        return answered + failed
    }

    @Test func lookupsAreTimedAndFailuresCountedByReason() throws {
        let exporter = try ExporterProcess(["--collectors", "dns", "--collector.dns.server", "10.220.0.2", "--collector.dns.interval", "1h",
                                            "--collector.dns.timeout", "1s", "--collector.dns.host", "web.test",
                                            "--collector.dns.host", "missing.test", "--collector.dns.host", "example.org"], in: client.name)
        let hosts = ["web.test", "missing.test", "example.org"]
        let series = try settle(exporter) { series in
            hosts.allSatisfy { host in ["udp", "tcp"].allSatisfy { Self.attempts(series, metric: "dns_lookup_duration_seconds", ["host": host, "protocol": $0]) == 1 } }
        }
        for proto in ["udp", "tcp"] {
            let web = ["host": "web.test", "protocol": proto]
            #expect(series.value("dns_lookup_duration_seconds_count", web) == "1", "\(proto): one answered lookup")
            #expect(series.all("dns_lookup_errors_total", web).allSatisfy { $0.value == "0" })
            #expect(series.all("dns_lookup_errors_total", web).count == 6, "every reason has a series from the start")
            #expect(series.value("dns_lookup_errors_total", ["host": "missing.test", "protocol": proto, "reason": "nxdomain"]) == "1")
            #expect(series.value("dns_lookup_errors_total", ["host": "example.org", "protocol": proto, "reason": "refused"]) == "1")
            let seconds = Double(series.value("dns_lookup_duration_seconds_sum", web) ?? "") ?? -1
            #expect(seconds > 0 && seconds < 1)
        }
        // What the server saw: each name asked exactly twice (once over UDP, once over TCP).
        let log = (try? String(contentsOfFile: scratch.path + "/dnsmasq.log", encoding: .utf8)) ?? ""
        for host in hosts {
            #expect(log.components(separatedBy: "query[A] \(host) from 10.220.0.1").count - 1 == 2, "\(host) in dnsmasq's log")
        }
    }

    @Test func aServerThatDropsPacketsIsATimeout() throws {
        let exporter = try ExporterProcess(["--collectors", "dns", "--collector.dns.server", "10.220.0.3", "--collector.dns.interval", "1h",
                                            "--collector.dns.timeout", "500ms", "--collector.dns.host", "web.test"], in: client.name)
        let series = try settle(exporter) { series in
            ["udp", "tcp"].allSatisfy { series.value("dns_lookup_errors_total", ["host": "web.test", "protocol": $0, "reason": "timeout"]) == "1" }
        }
        for proto in ["udp", "tcp"] {
            #expect(series.value("dns_lookup_errors_total", ["host": "web.test", "protocol": proto, "reason": "timeout"]) == "1")
            #expect(series.value("dns_lookup_duration_seconds_count", ["host": "web.test", "protocol": proto]) == "0")
        }
    }

    @Test func dialsAreTimedAndEveryFailureIsCounted() throws {
        let targets = ["10.230.0.2:10118", "10.230.0.5:10118", "10.230.0.6:10118", "10.240.0.9:80"]
        let exporter = try ExporterProcess(["--collectors", "dial-latency", "--collector.dial-latency.interval", "1h", "--collector.dial-latency.timeout", "500ms"]
                                           + targets.flatMap { ["--collector.dial-latency.target", $0] }, in: client.name)
        let series = try settle(exporter) { series in
            targets.allSatisfy { Self.attempts(series, metric: "dial_duration_seconds", ["peer": $0]) == 1 }
        }
        #expect(series.value("dial_peers", [:]) == "4")
        #expect(series.value("dial_duration_seconds_count", ["peer": "10.230.0.2:10118"]) == "1")
        #expect(series.value("dial_errors_total", ["peer": "10.230.0.5:10118", "reason": "refused"]) == "1")
        #expect(series.value("dial_errors_total", ["peer": "10.230.0.6:10118", "reason": "timeout"]) == "1")
        #expect(series.value("dial_errors_total", ["peer": "10.240.0.9:80", "reason": "unreachable"]) == "1")
        for target in targets.dropFirst() { #expect(series.value("dial_duration_seconds_count", ["peer": target]) == "0") }
    }

    @Test(arguments: [(2, ["10.230.0.4", "10.230.0.5"]), (3, ["10.230.0.4", "10.230.0.5", "10.230.0.6"]),
                      (5, ["10.230.0.2", "10.230.0.4", "10.230.0.5", "10.230.0.6"])])
    func swarmDiscoveryDialsTheNextPeersOnTheRingButItself(neighbours: Int, expected: [String]) throws {
        let exporter = try ExporterProcess(["--collectors", "dial-latency", "--collector.dial-latency.swarm-service", "peers.test",
                                            "--collector.dial-latency.server", "10.220.0.2", "--collector.dial-latency.neighbours", String(neighbours),
                                            "--collector.dial-latency.interval", "1h", "--collector.dial-latency.timeout", "500ms"], in: client.name)
        let series = try settle(exporter) { series in
            series.value("dial_peers", [:]) == String(expected.count)
                && expected.allSatisfy { Self.attempts(series, metric: "dial_duration_seconds", ["peer": $0]) == 1 }
        }
        #expect(series.value("dial_peers", [:]) == String(expected.count))
        let dialled = Set(series.all("dial_duration_seconds_count").compactMap { $0.labels["peer"] })
        #expect(dialled == Set(expected), "the ring after 10.230.0.3 (this node), skipping itself")
        #expect(!dialled.contains("10.230.0.3"))
        #expect(series.value("dial_duration_seconds_count", ["peer": "10.230.0.4"]) == "1")
    }

    /// Spelled with `--collector.dial.*`, the older spelling of `--collector.dial-latency.*`: it
    /// still works.
    @Test func aTruncatedUDPAnswerIsAskedAgainOverTCPForDiscoveryAndCountedForProbes() throws {
        let exporter = try ExporterProcess(["--collectors", "dial-latency,dns", "--collector.dial.swarm-service", "many.test",
                                            "--collector.dial.server", "10.220.0.2", "--collector.dial.interval", "1h",
                                            "--collector.dial.timeout", "500ms", "--collector.dns.server", "10.220.0.2",
                                            "--collector.dns.host", "tasks.many.test", "--collector.dns.interval", "1h"], in: client.name)
        let udp = ["host": "tasks.many.test", "protocol": "udp"]
        let tcp = ["host": "tasks.many.test", "protocol": "tcp"]
        let series = try settle(exporter) { series in
            series.value("dial_peers", [:]) == "60"
                && Self.manyPeers.allSatisfy { Self.attempts(series, metric: "dial_duration_seconds", ["peer": $0]) == 1 }
                && series.value("dns_lookup_duration_seconds_count", tcp) == "1" && series.value("dns_lookup_duration_seconds_count", udp) == "1"
        }
        #expect(series.value("dial_peers", [:]) == "60", "every task, not the ones a 512-byte UDP answer holds")
        let refused = series.all("dial_errors_total").filter { $0.labels["reason"] == "refused" && $0.value == "1" }
        #expect(refused.count == 60, "each of the 60 peers dialled once")
        #expect(series.value("dns_lookup_errors_total", udp.merging(["reason": "truncated"]) { $1 }) == "1", "the UDP probe's answer was cut")
        #expect(series.all("dns_lookup_errors_total", tcp).allSatisfy { $0.value == "0" }, "TCP carries the whole answer")
        let log = (try? String(contentsOfFile: scratch.path + "/dnsmasq.log", encoding: .utf8)) ?? ""
        #expect(log.contains("query[A] tasks.many.test"), "dnsmasq answered")
    }
}
