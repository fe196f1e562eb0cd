import Foundation
import Testing

/// node_exporter's collector flags and URL parameters against the real binary: which collectors
/// each command line runs, which combinations are refused (exit 2 and a message saying why), and
/// `collect[]`/`exclude[]` over HTTP.
@Suite(.serialized, .enabled(if: Shell.exists("curl") && Shell.exists("timeout"), "needs curl and coreutils' timeout"))
struct CollectorFlagsTests {
    static let validCollectors = "conntrack, dial-latency, dns, interfaces, ipvs, operstate, proc"
    static let success = "swarm_ipvs_exporter_scrape_collector_success"

    /// A config file with `text`, removed when the test process ends.
    static func configFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("collectors-\(UUID().uuidString).yml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The collectors a scrape reported on (`scrape_collector_success`, whatever its value: ipvs
    /// fails where the kernel has no IPVS, and still ran).
    static func collectorsRun(_ arguments: [String]) throws -> Set<String> {
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--no-docker"] + arguments)
        defer { exporter.stop() }
        return Set(try exporter.scrape().all(success).compactMap { $0.labels["collector"] })
    }

    @Test(arguments: [
        ([], ["conntrack", "interfaces", "ipvs", "operstate", "proc"]),
        (["--collector.disable-defaults", "--collector.proc"], ["proc"]),
        (["--collector.proc", "--collector.disable-defaults"], ["proc"]),
        (["--no-collector.ipvs", "--no-collector.conntrack"], ["interfaces", "operstate", "proc"]),
        (["--collector.disable-defaults", "--collector.interfaces=true", "--collector.operstate", "--collector.proc=false"], ["interfaces", "operstate"]),
        (["--no-collector.disable-defaults", "--no-collector.ipvs"], ["conntrack", "interfaces", "operstate", "proc"]),
        (["--collector.ipvs", "--collector.ipvs"], ["conntrack", "interfaces", "ipvs", "operstate", "proc"]),
        // A global collector runs (and reports) once it has a target: canonical spelling and alias.
        (["--collector.disable-defaults", "--collector.dial-latency", "--collector.dial-latency.target", "127.0.0.1:1", "--collector.dial-latency.interval", "1h"], ["dial-latency"]),
        (["--collector.disable-defaults", "--collector.dial", "--collector.dial.target", "127.0.0.1:1", "--collector.dial.interval=1h"], ["dial-latency"]),
        (["--no-collector.dial", "--collector.dial.target", "127.0.0.1:1"], ["conntrack", "interfaces", "ipvs", "operstate", "proc"]),
    ] as [([String], Set<String>)])
    func togglesChooseTheCollectors(arguments: [String], expected: Set<String>) throws {
        #expect(try Self.collectorsRun(arguments) == expected, "\(arguments)")
    }

    /// The file's `enabled` and `disable-defaults` stand for the toggles; the command line's
    /// toggle for a collector wins over the file's.
    @Test func theConfigFileTogglesAndTheCommandLineWins() throws {
        let file = try Self.configFile("collectors:\n  disable-defaults: true\n  proc:\n    enabled: true\n  operstate:\n    enabled: yes\n")
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try Self.collectorsRun(["--config.file", file]) == ["operstate", "proc"])
        #expect(try Self.collectorsRun(["--config.file", file, "--collector.interfaces", "--no-collector.proc"]) == ["interfaces", "operstate"])
        let off = try Self.configFile("collectors:\n  ipvs:\n    enabled: false\n    rates: true\n")
        defer { try? FileManager.default.removeItem(atPath: off) }
        #expect(try Self.collectorsRun(["--config.file", off]) == ["conntrack", "interfaces", "operstate", "proc"])
    }

    @Test(arguments: [
        (["--collectors", "proc", "--collector.ipvs"],
         "--collectors cannot be combined with --collector.ipvs: choose collectors either with --collectors or with --collector.<name>, --no-collector.<name> and --collector.disable-defaults"),
        (["--no-collector.ipvs", "--collectors", "proc"], "--collectors cannot be combined with --no-collector.ipvs:"),
        (["--collectors=proc", "--collector.disable-defaults"], "--collectors cannot be combined with --collector.disable-defaults:"),
        (["--collectors", "proc", "--collector.disable-defaults", "--collector.proc"], "--collectors cannot be combined with --collector.disable-defaults, --collector.proc:"),
        (["--collector.ipvs", "--no-collector.ipvs"], "--collector.ipvs and --no-collector.ipvs contradict each other; give one of them"),
        (["--collector.ipvs=false", "--collector.ipvs"], "--collector.ipvs=false and --collector.ipvs contradict each other"),
        (["--collector.dial", "--no-collector.dial-latency"], "--collector.dial and --no-collector.dial-latency contradict each other"),
        (["--collector.disable-defaults", "--no-collector.disable-defaults"], "--collector.disable-defaults and --no-collector.disable-defaults contradict"),
        (["--collector.nope"], "--collector.nope: unknown collector \"nope\"; valid collectors: \(validCollectors)"),
        (["--no-collector.nope"], "--no-collector.nope: unknown collector \"nope\"; valid collectors: \(validCollectors)"),
        (["--collector.nope.x", "1"], "--collector.nope.x: unknown collector \"nope\"; valid collectors: \(validCollectors)"),
        (["--collector.ipvs=maybe"], "--collector.ipvs=maybe: expects true or false, or no value"),
        (["--no-collector.ipvs=false"], "--no-collector.ipvs=false: --no-collector.<collector> takes no value"),
        (["--no-collector.ipvs.rates"], "--no-collector.ipvs.rates: --no-collector.<collector> turns a whole collector off; an option is turned off with --collector.<collector>.<option>=false"),
    ])
    func conflictsExitTwoSayingWhy(arguments: [String], message: String) throws {
        let output = try AbsurdFlagsTests.run(arguments)
        AbsurdFlagsTests.expectNoCrash(output, arguments)
        #expect(output.status == 2, "\(arguments): exit \(output.status): \(output.stderr)")
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("swarm-ipvs-exporter: \(message)") == true, "\(arguments): \(output.stderr)")
        #expect(lines.dropFirst().first == "See 'swarm-ipvs-exporter --help'.", "\(output.stderr)")
    }

    @Test func theConfigFilesTogglesConflictAndRefuseTheSameWay() throws {
        let enabling = try Self.configFile("collectors:\n  ipvs:\n    enabled: true\n")
        let unclear = try Self.configFile("collectors:\n  ipvs:\n    enabled: maybe\n")
        let listed = try Self.configFile("collectors:\n  disable-defaults: [true]\n")
        let unknown = try Self.configFile("collectors:\n  nope:\n    enabled: true\n")
        defer { for file in [enabling, unclear, listed, unknown] { try? FileManager.default.removeItem(atPath: file) } }
        let cases = [
            (["--config.file", enabling, "--collectors", "proc"], "--collectors cannot be combined with --collector.ipvs=true (from --config.file \(enabling)):"),
            (["--config.file", unclear], "--config.file \(unclear): collectors.ipvs.enabled must be true or false"),
            (["--config.file", listed], "--config.file \(listed): collectors.disable-defaults must be true or false"),
            (["--config.file", unknown], "--collector.nope=true: unknown collector \"nope\""),
        ]
        for (arguments, message) in cases {
            let output = try AbsurdFlagsTests.run(arguments)
            #expect(output.status == 2, "\(arguments): exit \(output.status): \(output.stderr)")
            #expect(output.stderr.hasPrefix("swarm-ipvs-exporter: \(message)"), "\(arguments): \(output.stderr)")
        }
    }

    @Test func helpNamesTheTogglesTheCanonicalOptionsAndTheAlias() throws {
        let help = try Shell.run([ExporterProcess.binary, "--help"]).stdout
        for text in ["--collector.<name>            turn one on", "--no-collector.<name>         turn one off",
                     "--collector.disable-defaults  start from none", "collect[]=<name> (repeatable) or exclude[]=<name>",
                     "--collector.dial-latency.target <host:port>", "--collector.dial (in every collector flag) is the older spelling of\n--collector.dial-latency and still works."] {
            #expect(help.contains(text), "--help lacks \(text)")
        }
        #expect(!help.contains("--collector.dial.target"), "the options are listed under their canonical spelling")
    }

    /// `collect[]` and `exclude[]` over a real socket, spelled as people type them and as
    /// Prometheus sends them (`collect%5B%5D`).
    @Test func urlParametersNarrowAScrape() throws {
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--no-docker"])
        defer { exporter.stop() }
        func get(_ query: String) throws -> (status: Int, body: String) {
            // -g: curl would read the brackets as a glob.
            let response = try exporter.get("/metrics?" + query, ["-g"])
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
        func run(_ body: String) -> Set<String> {
            Set(Exposition.parse(body).all(Self.success).compactMap { $0.labels["collector"] })
        }
        let proc = try get("collect[]=proc")
        #expect(proc.status == 200)
        #expect(run(proc.body) == ["proc"])
        let series = Exposition.parse(proc.body)
        #expect(series.contains { $0.name.hasPrefix("netns_sockstat_") })
        #expect(!series.contains { $0.name.hasPrefix("netns_interface_") || $0.name.hasPrefix("netns_conntrack_") || $0.name.hasPrefix("ipvs_") },
                "\(Set(series.map(\.name)).sorted())")
        for name in ["swarm_ipvs_exporter_build_info", "swarm_ipvs_exporter_netns_up", "process_open_fds"] {
            #expect(series.contains { $0.name == name }, "\(name) stays")
        }
        #expect(run(try get("collect%5B%5D=interfaces&collect%5B%5D=operstate").body) == ["interfaces", "operstate"])
        #expect(run(try get("exclude[]=proc&exclude%5B%5D=ipvs").body) == ["conntrack", "interfaces", "operstate"])

        let unknown = try get("collect[]=proc&collect%5B%5D=nope")
        #expect(unknown.status == 400)
        #expect(unknown.body == "unknown collector \"nope\" in collect[]; enabled collectors: \(Self.validCollectors)\n")
        let both = try get("collect[]=proc&exclude[]=ipvs")
        #expect(both.status == 400)
        #expect(both.body == "collect[] and exclude[] cannot be used together\n")
        #expect(exporter.process.isRunning)
    }
}

/// The collectors a second exporter does not enable are refused in `collect[]` (node_exporter:
/// "disabled collector"), but excluding one is harmless.
@Suite(.serialized, .enabled(if: Shell.exists("curl"), "needs curl"))
struct CollectorNotEnabledTests {
    @Test func aCollectorNotEnabledIsRefusedInCollectAndIgnoredInExclude() throws {
        let exporter = try ExporterProcess(["--namespace-path", "/proc/self/ns/net", "--no-docker", "--collector.disable-defaults", "--collector.proc"])
        defer { exporter.stop() }
        let refused = try exporter.get("/metrics?collect[]=ipvs", ["-g"])
        #expect(refused.status == 400)
        #expect(String(decoding: refused.body, as: UTF8.self) == "collector \"ipvs\" in collect[] is not enabled; enabled collectors: proc\n")
        let excluded = try exporter.get("/metrics?exclude[]=ipvs", ["-g"])
        #expect(excluded.status == 200)
        #expect(Exposition.parse(String(decoding: excluded.body, as: UTF8.self)).value("swarm_ipvs_exporter_scrape_collector_success", ["collector": "proc"]) == "1")
    }
}
