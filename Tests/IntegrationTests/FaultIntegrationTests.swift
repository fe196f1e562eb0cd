import Foundation
import Testing

/// Faults under the real binary: netlink replies damaged on their way from the kernel (an
/// LD_PRELOAD shim, Tests/faults/netlink-fault.c), and a Docker socket that is missing, silent or
/// talks nonsense. Each costs the one collector or the Swarm names, with a log line; the scrape is
/// still a 200 with every other series.
@Suite(.serialized, .enabled(if: Shell.exists("curl") && Shell.exists("cc"), "needs curl and a C compiler"))
struct NetlinkFaultIntegrationTests {
    /// The shim, compiled once per test run.
    static let shim: String = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("faults/netlink-fault.c").path
        let library = FileManager.default.temporaryDirectory.appendingPathComponent("netlink-fault-\(getpid()).so").path
        _ = try? Shell.run(["cc", "-O2", "-Wall", "-shared", "-fPIC", "-o", library, source, "-ldl"])
        return library
    }()

    static let collectors = ["interfaces", "operstate", "proc", "conntrack", "ipvs"]

    /// Which collectors read which netlink protocol.
    static let readers: [Int32: [String]] = [0: ["interfaces", "operstate"], 12: ["conntrack"], 16: ["ipvs"]]

    static func successes(_ series: [Series], _ netns: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: collectors.compactMap { collector in
            series.value("swarm_ipvs_exporter_scrape_collector_success", ["collector": collector, "netns": netns]).map { (collector, $0) }
        })
    }

    static func scrapeTimed(_ exporter: ExporterProcess) throws -> (series: [Series], seconds: Double) {
        let started = Date()
        let series = try exporter.scrape()
        return (series, Date().timeIntervalSince(started))
    }

    @Test(arguments: ["truncate", "garbage", "timeout"], [Int32(0), 12, 16])
    func aDamagedReplyFailsOnlyItsCollector(mode: String, netlinkProtocol: Int32) throws {
        #expect(FileManager.default.fileExists(atPath: Self.shim), "the shim did not compile")
        let arguments = ["--namespace-path", "/proc/self/ns/net", "--no-docker", "--collectors", Self.collectors.joined(separator: ","),
                         "--scrape.timeout", "20s"]
        // What this host reads when nothing is damaged (conntrack may be absent from the kernel).
        let healthy = try ExporterProcess(arguments)
        let baseline = Self.successes(try healthy.scrape(), "net")
        healthy.stop()

        let exporter = try ExporterProcess(arguments, environment: [
            "LD_PRELOAD": Self.shim, "NETLINK_FAULT": mode, "NETLINK_FAULT_PROTOCOL": "\(netlinkProtocol)",
        ])
        let affected = Set(Self.readers[netlinkProtocol]!)
        for round in 1...2 {
            let (series, seconds) = try Self.scrapeTimed(exporter)
            let now = Self.successes(series, "net")
            for collector in Self.collectors {
                if affected.contains(collector) {
                    // A collector that had nothing to read on this host (no IPVS module: the
                    // controller's answer is damaged, so the lookup fails too) must still say it failed.
                    #expect(now[collector] == "0", "\(mode) on protocol \(netlinkProtocol), round \(round): \(collector) says \(now[collector] ?? "nothing")")
                } else {
                    #expect(now[collector] == baseline[collector], "\(mode) on protocol \(netlinkProtocol): \(collector) changed from \(baseline[collector] ?? "-") to \(now[collector] ?? "-")")
                }
            }
            #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": "net"]) == "1")
            #expect(series.value("swarm_ipvs_exporter_build_info", [:]) == "1")
            // Untouched collectors' own series are there.
            if !affected.contains("proc") { #expect(!series.all("netns_snmp_tcp_curr_estab").isEmpty) }
            if !affected.contains("interfaces") { #expect(!series.all("netns_network_receive_bytes_total", ["device": "lo"]).isEmpty) }
            // Bounded: one receive timeout (5 s) per damaged request at most, well inside the deadline.
            #expect(seconds < 20, "\(mode): the scrape took \(seconds) s")
        }
        let log = exporter.log
        for collector in affected {
            #expect(log.contains("collector failed") && log.contains("collector=\(collector)"), "\(mode): no log line names \(collector): \(log)")
        }
        if netlinkProtocol == 16 {
            // The damage, not an absent module, is what the ipvs collector reports (on a host
            // without IPVS the healthy exporter fails with "the kernel has no IPVS" instead).
            #expect(!log.contains("the kernel has no IPVS"), "\(mode): \(log)")
        }
        if mode != "timeout" && netlinkProtocol != 16 {
            // Our own parsers saw the damage (generic netlink's controller answers are libnl's to parse).
            #expect(log.contains("malformed netlink reply"), "\(mode): \(log)")
        }
        #expect(exporter.process.isRunning)
        #expect(exporter.stop() == 0, "a clean exit on SIGTERM")
    }
}

/// The Docker socket missing, silent, or talking nonsense: the exporter starts in bounded time,
/// serves, logs the problem, and counts failed refreshes.
@Suite(.serialized, .enabled(if: Shell.exists("curl") && Shell.exists("python3"), "needs curl and python3"))
struct DockerSocketFaultIntegrationTests {
    /// A unix socket server in python3, in the background; stopped by its pid.
    final class FakeDaemon {
        let path: String
        let pid: String

        /// - Parameter behaviour: `silent` (accepts, never answers), `garbage` (answers junk and
        ///   closes), `backlog` (listens, never accepts).
        init(_ behaviour: String) throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("docker-\(behaviour)-\(UUID().uuidString.prefix(8)).sock").path
            let script = """
                import os, socket, sys, time
                behaviour, path = sys.argv[1], sys.argv[2]
                server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                server.bind(path)
                server.listen(64)
                held = []
                deadline = time.time() + 300
                while time.time() < deadline:
                    if behaviour == "backlog":
                        time.sleep(1)
                        continue
                    server.settimeout(1)
                    try:
                        connection, _ = server.accept()
                    except socket.timeout:
                        continue
                    if behaviour == "silent":
                        held.append(connection)
                    else:
                        connection.sendall(b"\\x00\\xffNOT HTTP AT ALL\\r\\n" + os.urandom(512) + b"\\r\\n\\r\\n{]")
                        connection.close()
                """
            let file = path + ".py"
            try script.write(toFile: file, atomically: true, encoding: .utf8)
            pid = try Shell.run(["sh", "-c", "python3 \(file) \(behaviour) \(path) </dev/null >/dev/null 2>&1 & echo $!"]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            for _ in 0..<50 where !FileManager.default.fileExists(atPath: path) { usleep(100_000) }
        }

        deinit {
            // SIGKILL: the test runner may ignore SIGTERM, and a spawned child inherits that.
            _ = try? Shell.run(["kill", "-KILL", pid], check: false)
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + ".py")
        }
    }

    static func errors(_ series: [Series]) -> Int? {
        series.value("swarm_ipvs_exporter_docker_api_errors_total", [:]).flatMap { Int($0) }
    }

    @Test func aMissingSocketIsNoError() throws {
        let started = Date()
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--docker.socket", "/nonexistent/docker.sock",
                                            "--docker.refresh-interval", "1s", "--log.level", "debug"])
        let startup = Date().timeIntervalSince(started)
        // Wait until the refresh loop has looked for the socket three times (the first look is
        // before serving), rather than for a time that a busy machine may not keep.
        let waitStarted = Date()
        while exporter.log.components(separatedBy: "no Docker socket; Swarm service names are off").count - 1 < 3,
              Date().timeIntervalSince(waitStarted) < 30 {
            usleep(100_000)
        }
        #expect(exporter.log.components(separatedBy: "no Docker socket; Swarm service names are off").count - 1 >= 3, "three refreshes")
        let series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_build_info", [:]) == "1")
        #expect(Self.errors(series) == 0, "a missing socket is not an error (documented)")
        #expect(exporter.log.contains("no Docker socket"), "\(exporter.log)")
        #expect(startup < 20)
    }

    @Test(arguments: ["silent", "backlog", "garbage"])
    func aBrokenDaemonCostsOnlyTheNames(behaviour: String) throws {
        let daemon = try FakeDaemon(behaviour)
        #expect(FileManager.default.fileExists(atPath: daemon.path), "the fake daemon did not start")
        let started = Date()
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--docker.socket", daemon.path,
                                            "--docker.refresh-interval", "1s"])
        // The first refresh starts before serving and is waited for at most 2 s; a silent daemon
        // fails it at the request timeout (3 s), a moment after the port opened.
        let startup = Date().timeIntervalSince(started)
        let first = try exporter.scrape()
        #expect(first.value("swarm_ipvs_exporter_netns_up", ["netns": "net"]) == "1")
        #expect(startup < 4, "\(behaviour): serving waited \(startup) s for Docker")
        var errorsAtStart = Self.errors(first) ?? -1
        let firstDeadline = Date().addingTimeInterval(5)
        while errorsAtStart < 1, Date() < firstDeadline {
            usleep(200_000)
            errorsAtStart = Self.errors(try exporter.scrape()) ?? -1
        }
        #expect(errorsAtStart >= 1, "\(behaviour): the first refresh failed and was counted")
        // The background refresh keeps failing and counting (one try per interval plus timeout).
        var later = errorsAtStart
        let deadline = Date().addingTimeInterval(15)
        while later <= errorsAtStart, Date() < deadline {
            usleep(500_000)
            later = Self.errors(try exporter.scrape()) ?? -1
        }
        print("docker \(behaviour): started in \(String(format: "%.1f", startup)) s, errors \(errorsAtStart) then \(later)")
        #expect(later > errorsAtStart, "\(behaviour): the error counter did not move (\(errorsAtStart) → \(later))")
        #expect(exporter.log.contains("Docker Engine API request failed"), "\(exporter.log)")
        #expect(exporter.process.isRunning)
        #expect(exporter.stop() == 0, "\(behaviour): a clean exit on SIGTERM while the daemon hangs")
        withExtendedLifetime(daemon) {}  // the fake daemon stays up to the end, then is killed
    }
}
