import Foundation
import Testing

/// The exporter at the edges of its process: a low open-file limit, a low address-space limit,
/// stray signals, and namespace paths that are not network namespaces.
@Suite(.serialized, .enabled(if: getuid() == 0 && Shell.exists("curl") && Shell.exists("prlimit"), "needs root, curl and prlimit"))
struct ProcessLimitsTests {
    @Test func aLowOpenFileLimitLeavesNamespacesDownWithAReasonAndNeverEmptiesTheScrape() throws {
        let farm = try NamespaceFarm("fdlimit", count: 150)
        let exporter = try ExporterProcess(
            ["--namespace-path", farm.pattern, "--no-docker", "--collectors", "interfaces,operstate,proc,conntrack"],
            launcher: ["prlimit", "--nofile=512:512"])
        var upCounts: [Int] = []
        for scrape in 0..<15 {
            let series = try exporter.scrape()
            let namespaces = series.all("swarm_ipvs_exporter_netns_up")
            #expect(namespaces.count == 150, "scrape \(scrape): \(namespaces.count) namespaces reported, not 150")
            upCounts.append(namespaces.filter { $0.value == "1" }.count)
            #expect(series.value("process_max_fds", [:]) == "512")
            let open = Int(series.value("process_open_fds", [:]) ?? "") ?? -1
            #expect(open > 0 && open <= 512, "process_open_fds \(open)")
        }
        let log = exporter.log
        #expect(upCounts.allSatisfy { $0 > 0 && $0 < 150 }, "namespaces up per scrape: \(upCounts)")
        #expect(log.contains("the open file limit is too low"), "a warning at start")
        #expect(log.contains("namespaces_that_fit="), "the warning says how many fit")
        #expect(log.contains("namespaces not opened"), "the refusal is logged")
        #expect(!log.contains("Too many open files") && !log.contains("Unspecific failure"), "the limit itself was never hit")
        let lines = log.split(separator: "\n").count
        // One "namespace found" per namespace at start, and a handful more: not one per namespace
        // and scrape.
        #expect(lines < 150 + 30, "\(lines) log lines")
        print("open file limit 512, 150 namespaces: up per scrape \(upCounts.first ?? 0)…\(upCounts.last ?? 0), \(lines) log lines")
    }

    @Test func aLowAddressSpaceLimitIsAClearErrorNotAHang() throws {
        let started = Date()
        // `timeout`: a hang is a failure of this test, not of the whole run.
        // 100 MB: well under what the threads' stacks need (about 290 MB with 2 CPUs), and above
        // what the debug binary needs just to start its runtime (at 49 MB, since the executable
        // grew past 85 MB, the runtime itself cannot allocate and aborts before any line of ours).
        let output = try Shell.run(["timeout", "20", "prlimit", "--as=100000000", ExporterProcess.binary, "--web.listen-address", "127.0.0.1:\(ExporterProcess.randomPort())", "--no-docker"],
                                   check: false)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(output.status == 1, "exit status \(output.status)")
        #expect(output.stderr.contains("virtual memory limit (ulimit -v)"), "stderr: \(output.stderr)")
    }

    @Test func straySignalsAreLoggedAndSighupRereadsTheWebConfig() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let webConfig = directory.appendingPathComponent("web.yml").path
        try "http_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\n".write(toFile: webConfig, atomically: true, encoding: .utf8)
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--no-docker", "--collectors", "interfaces",
                                            "--web.config.file", webConfig])
        let pid = exporter.process.processIdentifier
        for (signal, name) in [(SIGHUP, "SIGHUP"), (SIGUSR1, "SIGUSR1"), (SIGUSR2, "SIGUSR2"), (SIGALRM, "SIGALRM")] {
            kill(pid, signal)
            Thread.sleep(forTimeInterval: 0.5)
            #expect(exporter.process.isRunning, "\(name) ended the process")
            #expect(try exporter.get().status == 200, "a scrape after \(name)")
        }
        let log = exporter.log
        #expect(log.contains("SIGHUP: re-reading the web config file"))
        #expect(log.contains("web config reloaded"), "SIGHUP re-read the unchanged file")
        for name in ["SIGUSR1", "SIGUSR2", "SIGALRM"] {
            #expect(log.contains("signal=\(name)"), "\(name) is logged")
        }
    }

    @Test(arguments: ["regular file", "directory", "FIFO", "/dev/null", "mount namespace"])
    func aPathThatIsNoNetworkNamespaceIsRefusedAtStart(kind: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path: String
        let expected: String
        switch kind {
        case "regular file":
            path = directory.appendingPathComponent("file").path
            _ = FileManager.default.createFile(atPath: path, contents: Data("x".utf8))
            expected = "an ordinary file"
        case "directory":
            path = directory.path
            expected = "it is a directory"
        case "FIFO":
            path = directory.appendingPathComponent("fifo").path
            #expect(mkfifo(path, 0o600) == 0)
            expected = "it is a FIFO"
        case "/dev/null":
            path = "/dev/null"
            expected = "it is a character device"
        default:
            path = "/proc/self/ns/mnt"
            expected = "of a mount namespace, not a network one"
        }
        let started = Date()
        // `timeout`: a start that hangs (a FIFO opened for reading) fails this test, not the run.
        let output = try Shell.run(["timeout", "20", ExporterProcess.binary, "--web.listen-address", "127.0.0.1:\(ExporterProcess.randomPort())",
                                    "--no-docker", "--namespace-path", path], check: false)
        #expect(Date().timeIntervalSince(started) < 10, "\(kind): no hang")
        #expect(output.status == 2, "\(kind): exit status \(output.status)")
        #expect(output.stderr.contains("--namespace-path \(path)") && output.stderr.contains(expected), "\(kind): \(output.stderr)")
    }

    @Test func aGlobThatMatchesFilesThatAreNoNamespacesReportsThemDown() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("globns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("ns-file").path, contents: Data("x".utf8))
        #expect(mkfifo(directory.appendingPathComponent("ns-fifo").path, 0o600) == 0)
        let real = try TestNamespace("globns")
        try Shell.run(["touch", directory.appendingPathComponent("ns-real").path])
        try Shell.run(["mount", "--bind", real.path, directory.appendingPathComponent("ns-real").path])
        defer { _ = try? Shell.run(["umount", directory.appendingPathComponent("ns-real").path], check: false) }

        let exporter = try ExporterProcess(["--namespace-path", directory.path + "/ns-*", "--no-docker", "--collectors", "interfaces"])
        let series = try exporter.scrape()
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": "ns-real"]) == "1")
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": "ns-file"]) == "0")
        #expect(series.value("swarm_ipvs_exporter_netns_up", ["netns": "ns-fifo"]) == "0")
        #expect(exporter.log.contains("it is a FIFO") && exporter.log.contains("an ordinary file"), "the reasons are logged")
    }
}
